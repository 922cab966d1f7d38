"""A week's digest reaches a channel once: across a restart (a new Records on the same file),
from racing threads (each with its own connection, as another process has) and racing
`jobbot digest --post` processes; a refused post may be retried, an unanswered one is not.
Real SQLite, the local Slack Web API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

from conftest import REPO
from slack_sdk import WebClient
from slack_testkit import BOT_TOKEN, block_text

from bot.core.digest import compose
from bot.digest_posting import (
    ALREADY,
    FAILED,
    POSTED,
    UNCERTAIN,
    DigestPoster,
    post_scopes,
    posting_client,
)
from bot.records import Records

pytest_plugins = ("slack_testkit",)

MAY_3 = date(2021, 5, 3)
TEAM_CHANNEL, DEPT_CHANNEL = "C0PUBLICJOBS", "C0DEPT"


def _poster(records: Records, slack_api) -> DigestPoster:
    return DigestPoster(records, posting_client(BOT_TOKEN, slack_api.api_url))


def _rows(path: Path) -> list[dict]:
    records = Records(path)
    try:
        return list(records.db.query("SELECT * FROM digest_posts ORDER BY channel, week_start"))
    finally:
        records.close()


def test_no_second_post_across_a_restart(engine, slack_api, tmp_path):
    path = tmp_path / "bot.db"
    digest = compose(engine, "공공일자리팀", MAY_3)
    first = Records(path)
    posted = _poster(first, slack_api).post(digest, TEAM_CHANNEL, "schedule")
    first.close()

    restarted = Records(path)  # the bot after a restart: same file, new connection
    later = compose(engine, "공공일자리팀", date(2021, 5, 6))  # same week, another day
    again = _poster(restarted, slack_api).post(later, TEAM_CHANNEL, "cli")
    restarted.close()

    assert posted.status == POSTED and posted.ts
    assert (again.status, again.previous, again.ts) == (ALREADY, POSTED, posted.ts)
    [post] = slack_api.posts()
    assert post.body["channel"] == TEAM_CHANNEL
    assert "2021-05-03(월) ~ 2021-05-09(일)" in block_text(post.body["blocks"])
    [row] = _rows(path)
    assert (row["status"], row["ts"], row["via"], row["attempts"]) == (
        POSTED, posted.ts, "schedule", 1)


def test_the_week_scope_and_channel_make_the_key(engine, records, slack_api):
    poster = _poster(records, slack_api)
    outcomes = [poster.post(compose(engine, scope, day), channel, "cli")
                for scope, day, channel in (
                    ("공공일자리팀", MAY_3, TEAM_CHANNEL),
                    ("공공일자리팀", date(2021, 5, 10), TEAM_CHANNEL),  # the next week
                    ("일자리창출과", MAY_3, TEAM_CHANNEL),  # another scope
                    ("공공일자리팀", MAY_3, DEPT_CHANNEL))]  # another channel
    assert [o.status for o in outcomes] == [POSTED] * 4
    assert len(slack_api.posts()) == 4


def test_racing_threads_on_one_file_post_once(engine, slack_api, tmp_path):
    # Each thread has its own Records (its own SQLite connection), as a second bot
    # process or a cron run would; they all try at the same moment.
    path = tmp_path / "bot.db"
    digest = compose(engine, "공공일자리팀", MAY_3)
    racers = [Records(path) for _ in range(8)]
    posters = [_poster(r, slack_api) for r in racers]
    start = threading.Barrier(len(posters))
    outcomes = []

    def race(poster: DigestPoster) -> None:
        start.wait()
        outcomes.append(poster.post(digest, TEAM_CHANNEL, "race"))

    threads = [threading.Thread(target=race, args=(p,)) for p in posters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for records in racers:
        records.close()

    assert sorted(o.status for o in outcomes) == [ALREADY] * 7 + [POSTED]
    assert len(slack_api.posts()) == 1
    assert len(slack_api.calls_to("chat.postMessage")) == 1


def test_a_post_slack_refused_is_retried_by_a_later_run(engine, records, slack_api):
    poster = _poster(records, slack_api)
    digest = compose(engine, "공공일자리팀", MAY_3)
    slack_api.fail("chat.postMessage", 200)  # ok: false, e.g. not_in_channel

    failed = poster.post(digest, TEAM_CHANNEL, "schedule")
    retried = poster.post(digest, TEAM_CHANNEL, "schedule")

    assert (failed.status, failed.error) == (FAILED, "fake_failure")
    assert retried.status == POSTED
    assert len(slack_api.posts()) == 1
    [row] = records.db.query("SELECT * FROM digest_posts")
    assert (row["status"], row["attempts"], row["error"]) == (POSTED, 2, "")


def test_an_unreachable_slack_is_a_failure_to_retry(engine, records, slack_api):
    # Nothing listens on the port: the request never left, so nothing can have posted.
    # (A client without retries: the posting client's would back off between tries.)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    unreachable = DigestPoster(records, WebClient(token=BOT_TOKEN, retry_handlers=[],
                                                  base_url=f"http://127.0.0.1:{port}/api/"))
    digest = compose(engine, "공공일자리팀", MAY_3)

    assert unreachable.post(digest, TEAM_CHANNEL, "cli").status == FAILED
    assert _poster(records, slack_api).post(digest, TEAM_CHANNEL, "cli").status == POSTED
    assert len(slack_api.posts()) == 1


def test_an_unanswered_post_and_a_dead_claimer_are_never_repeated(engine, records,
                                                                   slack_api):
    poster = _poster(records, slack_api)
    slack_api.fail("chat.postMessage", 500)  # the request went out; did Slack post it?
    uncertain = poster.post(compose(engine, "공공일자리팀", MAY_3), TEAM_CHANNEL, "cli")
    assert uncertain.status == UNCERTAIN
    again = poster.post(compose(engine, "공공일자리팀", MAY_3), TEAM_CHANNEL, "cli")
    assert (again.status, again.previous) == (ALREADY, UNCERTAIN)

    # A process that claimed the week and died before it could record the outcome.
    with records.transaction() as db:
        db.execute("INSERT INTO digest_posts (channel, scope, week_start, status, via, "
                   "claimed_by, claimed_at, attempts, ts, posted_at, error) VALUES "
                   "(?, '일자리창출과', '2021-05-03', 'claimed', 'schedule', 'gone:1', "
                   "'2021-05-03T00:00:00+00:00', 1, '', '', '')", [DEPT_CHANNEL])
    dead = poster.post(compose(engine, "일자리창출과", MAY_3), DEPT_CHANNEL, "schedule")
    assert (dead.status, dead.previous) == (ALREADY, "claimed")

    assert slack_api.posts() == []
    assert len(slack_api.calls_to("chat.postMessage")) == 1  # the client did not retry


def test_post_scopes_posts_each_team_to_its_channel(engine, records, slack_api):
    channels = {"공공일자리팀": TEAM_CHANNEL, "일자리창출과": DEPT_CHANNEL}
    outcomes = post_scopes(engine, _poster(records, slack_api), channels, MAY_3, "cli")
    assert [(o.scope, o.channel, o.status) for o in outcomes] == [
        ("공공일자리팀", TEAM_CHANNEL, POSTED), ("일자리창출과", DEPT_CHANNEL, POSTED)]
    titles = {p.body["channel"]: block_text(p.body["blocks"][:1]) for p in slack_api.posts()}
    assert titles[TEAM_CHANNEL].startswith("*공공일자리팀 주간 다이제스트*")
    assert titles[DEPT_CHANNEL].startswith("*일자리창출과 주간 다이제스트*")


# ---- `jobbot digest --post`, as a process --------------------------------------------------

def _env(data_dir: Path, slack_api, **extra: str) -> dict[str, str]:
    """Every setting the command reads, explicit: no .env or shell variable leaks in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DIGEST_", "TEAM_LEAD", "ADMIN_"))}
    env.update({"DATA_DIR": str(data_dir), "KNOWLEDGE_DIR": "", "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_API_URL": slack_api.api_url, "DIGEST_TIMEZONE": "Asia/Seoul",
                "DIGEST_CHANNELS": f"공공일자리팀={TEAM_CHANNEL},일자리창출과={DEPT_CHANNEL}",
                **extra})
    return env


def _jobbot(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", "digest", "--post", *args],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    proc = _jobbot(env, *args)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    return proc.returncode, out, err


def test_cli_post_twice_posts_once(slack_api, tmp_path):
    env = _env(tmp_path, slack_api)
    args = ("--team", "공공일자리팀", "--as-of", "2021-05-03")

    first = _run(env, *args)
    second = _run(env, *args)

    assert first[0] == 0, first[2]
    assert f"게시함: 공공일자리팀 → {TEAM_CHANNEL} (2021-05-03 주" in first[1]
    assert second[0] == 0 and f"이미 게시됨: 공공일자리팀 → {TEAM_CHANNEL}" in second[1]
    [post] = slack_api.posts()
    assert post.body["channel"] == TEAM_CHANNEL
    assert "공공일자리팀 주간 다이제스트* — 2021-05-03(월)" in block_text(post.body["blocks"])


def test_cli_processes_racing_post_each_team_once(slack_api, tmp_path):
    env = _env(tmp_path, slack_api)
    assert _run(env, "--team", "공공일자리팀", "--as-of", "2021-04-26")[0] == 0  # builds the KB

    # Without --team: every team in DIGEST_CHANNELS; two processes at once.
    racers = [_jobbot(env, "--as-of", "2021-05-10") for _ in range(2)]
    results = [proc.communicate(timeout=60) for proc in racers]

    assert [proc.returncode for proc in racers] == [0, 0], results
    week = [p for p in slack_api.posts() if "2021-05-10(월)" in block_text(p.body["blocks"])]
    assert sorted(p.body["channel"] for p in week) == sorted([TEAM_CHANNEL, DEPT_CHANNEL])
    assert sum(out.count("게시함:") for out, _ in results) == 2


def test_cli_post_needs_a_token_and_a_channel(slack_api, tmp_path):
    no_token = _run(_env(tmp_path, slack_api, SLACK_BOT_TOKEN=""), "--as-of", "2021-05-03")
    assert no_token[0] == 2 and "SLACK_BOT_TOKEN" in no_token[2]
    no_channel = _run(_env(tmp_path, slack_api), "--team", "취업정보팀")
    assert no_channel[0] == 2
    assert "취업정보팀의 게시 채널이 DIGEST_CHANNELS에 없습니다" in no_channel[2]
    bad = _run(_env(tmp_path, slack_api, DIGEST_CHANNELS="없는팀=C0X12"))
    assert bad[0] == 2 and "DIGEST_CHANNELS의 팀을 알 수 없습니다: 없는팀" in bad[2]
    assert slack_api.calls == []
