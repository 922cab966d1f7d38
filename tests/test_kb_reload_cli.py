"""`jobbot kb reload` makes a running `jobbot serve` reload (SIGHUP), and prints the
summary it recorded; `jobbot report unanswered` reads the same database."""

from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import KNOWLEDGE, REPO
from slack_testkit import BOT_USER, event_body, free_port, mention, signed_headers
from test_slack_serve import _env, _post, _serve, _stop, _wait_listening

pytest_plugins = ("slack_testkit",)


def _jobbot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=90)


def test_kb_reload_reaches_the_running_bot(slack_api, tmp_path):
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("notes"))
    env = _env(tmp_path / "data", SLACK_API_URL=slack_api.api_url, KNOWLEDGE_DIR=str(root))

    nobody = _jobbot(env, "kb", "reload", "--timeout", "5")
    assert nobody.returncode == 1 and "실행 중인 봇" in nobody.stderr

    port = free_port()
    proc = _serve(env, tmp_path, "--host", "127.0.0.1", "--port", str(port))
    try:
        _wait_listening(proc, port)
        path = root / "programs" / "public-works.toml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            "total = 2225633\ncity = 1556767\ndistrict = 668866",
            "total = 2448197\ncity = 1712444\ndistrict = 735753"), encoding="utf-8")
        done = _jobbot(env, "kb", "reload")
        assert done.returncode == 0, done.stderr
        assert "다시 불러왔습니다" in done.stdout and "2225633→2448197" in done.stdout

        event = mention(f"<@{BOT_USER}> 공공근로 2021년 예산")
        body = event_body(event, "EvReload1")
        url = f"http://127.0.0.1:{port}/slack/events"
        assert _post(url, body, signed_headers(body, "application/json"))[0] == 200
        [post] = slack_api.wait_for("chat.postMessage")
        assert "2,448,197" in post.body["text"]

        path.write_text("id = [", encoding="utf-8")
        failed = _jobbot(env, "kb", "reload")
        assert failed.returncode == 1
        assert "programs/public-works.toml:1" in failed.stderr
        assert "이전 지식베이스로 계속 답합니다" in failed.stderr
    finally:
        _stop(proc)

    report = _jobbot(env, "report", "unanswered", "--days", "1")
    assert report.returncode == 0 and "없습니다" in report.stdout
