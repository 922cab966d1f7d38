"""`jobbot ask` and `jobbot chat`: the contract other tools rely on."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    return {"DATA_DIR": str(tmp_path_factory.mktemp("data")), "PATH": "/usr/bin:/bin",
            "KNOWLEDGE_DIR": ""}


def jobbot(env: dict[str, str], *args: str, stdin: bytes | None = None
           ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, env=env,
                          cwd=REPO, capture_output=True, timeout=60)


def test_ask_prints_the_answer_with_its_source(env):
    out = jobbot(env, "ask", "공공근로 2021년 예산 얼마야?")
    text = out.stdout.decode()
    assert out.returncode == 0
    assert "2,225,633천원" in text and "출처: 2020년 업무보고" in text


def test_ask_json_has_the_contract_fields(env):
    out = jobbot(env, "ask", "--json", "일자리카페랑 일자리센터 예산")
    data = json.loads(out.stdout)
    assert data["status"] == "clarify" and data["program"] is None
    assert {c["id"] for c in data["candidates"]} == {"job-cafe", "job-center"}
    out = jobbot(env, "ask", "--json", "일자리카페 몇 시까지 해")
    data = json.loads(out.stdout)
    assert data["status"] == "answered" and data["program"] == "job-cafe"
    assert data["intent"] == "schedule"
    assert data["sources"][0]["report"] == "r2020" and "22:00" in data["sources"][0]["quote"]


def test_ask_json_stdin_one_line_each_in_order_without_context(env):
    lines = ["공공근로 2021년 예산", "시비는?", "", "주식 시세", "x" * 5000,
             "새벽쉼터 몇 시에 열어?"]
    stdin = ("\n".join(lines) + "\n").encode() + b"\xff\xfe\x00\x01garbage\n"
    out = jobbot(env, "ask", "--json", "-", stdin=stdin)
    assert out.returncode == 0 and b"Traceback" not in out.stderr
    answers = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(answers) == len(lines) + 1
    assert answers[0]["status"] == "answered" and "2,225,633" in answers[0]["text"]
    assert answers[1]["status"] == "no_match"  # no context between lines
    assert answers[2]["status"] == "no_match" and "비어" in answers[2]["text"]
    assert answers[3]["status"] == "no_match"
    assert "너무 깁니다" in answers[4]["text"]
    assert answers[5]["program"] == "dawn-shelter" and "03:00" in answers[5]["text"]
    assert answers[6]["status"] == "no_match"


def test_chat_keeps_the_conversation(env):
    stdin = "공공근로 2021년 예산\n시비는?\n그럼 2020년은?\n종료\n".encode()
    out = jobbot(env, "chat", stdin=stdin)
    text = out.stdout.decode()
    assert out.returncode == 0
    assert "2,225,633" in text and "1,556,767" in text and "2,362,430" in text


def test_ask_never_imports_slack(env):
    code = ("import sys; from bot.cli import main; main(['ask', '공공근로 예산']); "
            "print(sorted(m for m in sys.modules if m.startswith(('slack', 'waitress'))))")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("[]"), out.stdout


def test_a_reader_that_goes_away_gets_no_traceback(env):
    """`jobbot ask --json - | head -1`: the pipe closes after the first answer."""
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json", "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=REPO)
    proc.stdin.write(("공공근로 2021년 예산\n" * 2000).encode())
    proc.stdin.close()
    proc.stdout.readline()
    proc.stdout.close()  # as head does
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_a_failing_answer_is_said_in_korean_not_as_a_traceback(capsys):
    from bot.cli import _answer

    class Broken:  # an engine bug, as the CLI would meet it
        def answer(self, question, context=None):
            raise KeyError("oops")

    answer = _answer(Broken(), "공공근로 예산")
    assert answer.status == "no_match" and "문제가 생겼습니다" in answer.text
    assert "KeyError" in capsys.readouterr().err
