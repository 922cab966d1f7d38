"""Exactly one answer for every question (issue 11), with `jobbot serve` as a real process
or the app itself, against the local stand-in for Slack: Slack slow, hanging, rate
limiting or answering after the client's timeout; requests replayed; the bot killed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from serve_kit import REPO, env, start
from slack_testkit import (
    BOT_TOKEN,
    BOT_USER,
    SECRET,
    Slack,
    block_text,
    command_body,
    direct_message,
    mention,
    new_trigger_id,
    quick,
)

from bot.curation import reload_history
from bot.records import Records
from bot.slack.app import build_app, jobs_of
from bot.slack.jobs import EXPIRED, PENDING, JobStore, _started

pytest_plugins = ("slack_testkit",)

FORM = "application/x-www-form-urlencoded"
ADMIN = "U0ADMIN"


def _states(data_dir: Path) -> dict[str, str]:
    with sqlite3.connect(data_dir / "bot.db") as db:
        return dict(db.execute("SELECT id, state FROM slack_jobs"))


def _wait(condition, timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _settled(data_dir: Path, count: int) -> bool:
    try:
        states = _states(data_dir)
    except sqlite3.Error:
        return False
    return len(states) >= count and all(s not in ("pending", "ready", "sending")
                                        for s in states.values())


# ---- 1: the ack never waits -------------------------------------------------------------

def test_commands_are_acknowledged_while_slack_hangs(slack_api, knowledge_db, tmp_path):
    """Failure 1: with every answering thread stuck on a hanging chat.postMessage, `/jobs
    help` used to wait for a thread and get 404 at 3 s ("didn't call ack()")."""
    posts_held = slack_api.stall("chat.postMessage", 60, times=1000)
    replies_held = slack_api.stall("/response/help", 60, times=1000)
    bot = start(tmp_path / "data", tmp_path / "serve.log", knowledge_db=knowledge_db,
                SLACK_API_URL=slack_api.api_url)
    events = [mention(f"<@{BOT_USER}> 공공근로 2021년 예산") for _ in range(8)]
    try:
        with ThreadPoolExecutor(8) as pool:
            acks = list(pool.map(lambda pair: bot.event(pair[1], f"EvHang{pair[0]}"),
                                 enumerate(events)))
        slack_api.wait_for("chat.postMessage", 5)  # Slack now holds the bot's sends
        status, _, _ = bot.command("help", slack_api.response_url("help"))
        assert [ack[0] for ack in acks] == [200] * 8
        assert status == 200

        posts_held.set()
        replies_held.set()
        [reply] = slack_api.wait_for("/response/help")
        _wait(lambda: len(slack_api.posts()) >= 8, what="8 answers")
        _wait(lambda: _settled(tmp_path / "data", 9), what="every job settled")
    finally:
        posts_held.set()
        replies_held.set()
        err = bot.stop()
    assert "JobBot입니다" in block_text(reply.body["blocks"])
    assert sorted(p.body["thread_ts"] for p in slack_api.posts()) == \
        sorted(e["ts"] for e in events)
    assert "Traceback" not in err


def test_a_long_retry_after_is_waited_out_only_up_to_the_cap(engine, records, slack_api):
    """Failure 1: a 429 with Retry-After 20 used to hold the reply (and a thread) 20 s."""
    app = build_app(lambda: engine, records, token=BOT_TOKEN, signing_secret=SECRET,
                    api_url=slack_api.api_url, patience=quick(retry_after_cap=0.3))
    slack = Slack(app, slack_api)
    slack_api.fail("/response/r1", 429, headers={"Retry-After": "20"})
    try:
        assert slack.command("help").status == 200
        first, second = slack_api.wait_for("/response/r1", 2, timeout=10)
    finally:
        jobs_of(app).stop()
    assert first.headers["x-failed"] == "429" and "x-failed" not in second.headers


# ---- 2: an answer that may have gone out is never resent blindly --------------------------

def test_a_post_answered_after_the_timeout_is_not_posted_twice(slack_api, knowledge_db,
                                                              tmp_path):
    """Failure 2: Slack posts the answer but replies after the client's timeout; the
    client used to resend it (two answers). Now it looks in the thread first."""
    slack_api.stall("chat.postMessage", 12)  # past any client's timeout, 10 s included
    data = tmp_path / "data"
    bot = start(data, tmp_path / "serve.log", knowledge_db=knowledge_db,
                SLACK_API_URL=slack_api.api_url, SLACK_TIMEOUT="1")
    event = mention(f"<@{BOT_USER}> 공공근로 2021년 예산")
    try:
        assert bot.event(event, "EvSlow")[0] == 200
        [look] = slack_api.wait_for("conversations.replies", timeout=20)
        _wait(lambda: _settled(data, 1), what="the job settled")
    finally:
        err = bot.stop()
    assert look.body["ts"] == event["ts"]
    [post] = slack_api.posts()
    assert post.body["thread_ts"] == event["ts"]
    assert _states(data) == {"EvSlow": "posted"}
    assert "Traceback" not in err


def test_a_dm_answer_that_timed_out_is_found_in_the_channel(engine, records, slack_api):
    slack_api.stall("chat.postMessage", 1.5)
    app = build_app(lambda: engine, records, token=BOT_TOKEN, signing_secret=SECRET,
                    api_url=slack_api.api_url, process_before_response=True,
                    patience=quick(timeout=0.3))
    event = direct_message("일자리카페 몇 시까지 해")
    Slack(app, slack_api).event(event, "EvDmSlow")

    [look] = slack_api.calls_to("conversations.history")
    assert look.body["oldest"] == event["ts"]
    assert len(slack_api.posts()) == 1


def test_a_reply_url_that_timed_out_is_not_resent_but_reported(slack_api, knowledge_db,
                                                               tmp_path):
    """Failure 2, response_url: there is no way to look for an ephemeral reply, so one
    that may have gone out is recorded as uncertain (for the admins), never resent."""
    slack_api.stall("/response/slow", 12)
    data = tmp_path / "data"
    bot = start(data, tmp_path / "serve.log", knowledge_db=knowledge_db,
                SLACK_API_URL=slack_api.api_url, SLACK_TIMEOUT="1")
    try:
        status, _, _ = bot.command("일자리카페 몇 시까지 해", slack_api.response_url("slow"),
                                   trigger_id="T-slow")
        _wait(lambda: _states(data).get("trigger:T-slow") == "uncertain", what="uncertain")
    finally:
        err = bot.stop()
    assert status == 200
    assert len(slack_api.calls_to("/response/slow")) == 1
    report = subprocess.run([sys.executable, "-m", "bot", "report", "unanswered"],
                            env=env(data), cwd=REPO, capture_output=True, text=True,
                            timeout=60).stdout
    assert "Slack에 보내지 못한 답 1건" in report
    assert "일자리카페 몇 시까지 해" in report and "전송 여부 불확실" in report
    assert "Traceback" not in err


# ---- 3: kill -9 loses nothing acknowledged ------------------------------------------------

def test_kill_9_loses_no_acknowledged_question_and_answers_none_twice(slack_api, knowledge_db,
                                                                     tmp_path):
    """Failure 3: events were acknowledged before they were answered and lived only in
    memory; a kill -9 lost every one not yet answered, and Slack does not resend an
    acknowledged event. Here Slack holds the answers back, so that the bot is killed
    with every event acknowledged, some sends under way and the rest waiting."""
    data, log = tmp_path / "data", tmp_path / "serve.log"
    held = slack_api.stall("chat.postMessage", 60, times=1000)
    events = {f"EvKill{n}": (mention(f"<@{BOT_USER}> 공공근로 2021년 예산") if n % 2
                             else direct_message("일자리카페 몇 시까지 해", channel=f"D0K{n}"))
              for n in range(30)}
    bot = start(data, log, knowledge_db=knowledge_db, SLACK_API_URL=slack_api.api_url)
    with ThreadPoolExecutor(8) as pool:
        acks = list(pool.map(lambda item: bot.event(item[1], item[0])[0], events.items()))
    assert acks == [200] * len(events)
    slack_api.wait_for("chat.postMessage", 5)  # sends under way when it dies
    bot.kill()
    held.set()  # Slack recovers; the sends the dead bot had under way were posted

    bot = start(data, log, knowledge_db=knowledge_db, SLACK_API_URL=slack_api.api_url)
    try:
        # Slack redelivers as it does after a failed delivery (all of them, to be sure)
        redelivered = [bot.event(event, event_id, headers={
            "x-slack-retry-num": "1", "x-slack-retry-reason": "http_error"})[0]
            for event_id, event in events.items()]
        _wait(lambda: len(slack_api.posts()) >= len(events), timeout=30,
              what=f"an answer to each of {len(events)} events")
        _wait(lambda: _settled(data, len(events)), what="every job settled")
    finally:
        err = bot.stop()
    assert redelivered == [200] * len(events)
    answered = {}
    for post in slack_api.posts():
        key = post.body.get("thread_ts") or post.body["channel"]
        answered[key] = answered.get(key, 0) + 1
    expected = {e.get("thread_ts") or (e["ts"] if e["type"] == "app_mention" else e["channel"])
                for e in events.values()}
    assert set(answered) == expected
    assert set(answered.values()) == {1}, answered  # exactly one answer each
    assert set(_states(data).values()) == {"posted"}
    # The sends under way at the kill were looked for, and found, not sent again.
    looks = slack_api.calls_to("conversations.replies") + \
        slack_api.calls_to("conversations.history")
    assert len(looks) >= 5
    assert "이어서 답합니다" in err and "Traceback" not in err


def test_only_recent_unfinished_jobs_of_a_dead_bot_are_taken_over_once(tmp_path):
    """Failure 3, the rules of taking over: a dead process's open jobs are finished by the
    next one to look, once; one too old to answer is marked expired instead."""
    records = Records(tmp_path / "bot.db")
    gone = JobStore(records)
    host = gone.owner.split(":")[0]
    gone.owner = f"{host}:{_free_pid()}:gone"
    assert gone.claim("EvRecent", "event:app_mention", {"event": {}}) is not None
    assert gone.claim("EvOld", "event:app_mention", {"event": {}}) is not None
    with records.transaction() as db:
        db.execute("UPDATE slack_jobs SET received = received - 3600 WHERE id = 'EvOld'")
    alive = JobStore(Records(tmp_path / "bot.db"))
    other = JobStore(Records(tmp_path / "bot.db"))

    taken = alive.take_over(stale_after=60, window=15 * 60)
    assert [(job.id, job.state) for job in taken] == [("EvRecent", PENDING)]
    assert other.take_over(stale_after=60, window=15 * 60) == []  # never twice
    assert dict(records.query("SELECT id, state FROM slack_jobs")) == {
        "EvRecent": PENDING, "EvOld": EXPIRED}
    # A live process's jobs are left alone.
    elsewhere = JobStore(Records(tmp_path / "bot.db"))
    elsewhere.owner = f"{host}:{os.getppid()}:{_started(os.getppid())}"
    elsewhere.claim("EvLive", "event:app_mention", {"event": {}})
    assert alive.take_over(stale_after=60, window=15 * 60) == []
    # Nor is another host's, while its heartbeat is fresh (and then it is).
    elsewhere.owner = "otherhost:1:1"
    elsewhere.claim("EvAway", "event:app_mention", {"event": {}})
    elsewhere.beat()
    assert alive.take_over(stale_after=60, window=15 * 60) == []
    assert [job.id for job in alive.take_over(stale_after=0, window=15 * 60)] == ["EvAway"]


def _free_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# ---- 5: replays are claimed ---------------------------------------------------------------

def test_a_replayed_reload_command_runs_once(kb_dir, tmp_path, records, slack_api):
    """Failure 5: a slash command replayed within the 5-minute signature window ran twice
    (an admin's reload reloaded twice). Its trigger_id is now claimed like an event_id."""
    import shutil

    from conftest import KNOWLEDGE

    from bot.core.store import KnowledgeStore

    shutil.copy(KNOWLEDGE / "programs" / "dawn-shelter.toml", kb_dir / "programs")
    store = KnowledgeStore(kb_dir, tmp_path / "kb")
    store.load()
    app = build_app(store, records, token=BOT_TOKEN, signing_secret=SECRET,
                    api_url=slack_api.api_url, process_before_response=True,
                    admins=frozenset({ADMIN}))
    slack = Slack(app, slack_api)
    body = command_body("reload", slack_api.response_url("reload"), user=ADMIN,
                        trigger_id=new_trigger_id())
    first, replay = slack.send(body, FORM), slack.send(body, FORM)

    assert first.status == replay.status == 200
    assert len(slack_api.responses()) == 1
    assert len(reload_history(records)) == 1


def test_a_replayed_click_is_answered_once(slack, slack_api):
    from slack_testkit import CHANNEL, buttons, click_body

    slack.event(mention(f"<@{BOT_USER}> 일자리카페 일자리센터 예산"))  # which of two?
    [question] = slack_api.posts()
    button, _ = buttons(question.body["blocks"])
    message = {"type": "message", "ts": slack_api.messages[0]["ts"],
               "thread_ts": question.body["thread_ts"], "text": question.body["text"],
               "blocks": question.body["blocks"]}
    body = click_body(button, channel=CHANNEL, response_url=slack_api.response_url("c"),
                      message=message, trigger_id=new_trigger_id())
    slack.send(body, FORM)
    slack.send(body, FORM)

    clarify, answer = slack_api.posts()  # one answer for two deliveries of the click
    assert answer.body["thread_ts"] == question.body["thread_ts"]
