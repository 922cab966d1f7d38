"""Retries and duplicates answered once (across restarts and processes), forged requests
rejected, Web API errors retried, and a post that fails for good not stopping the app."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import REPO
from slack_testkit import BOT_TOKEN, BOT_USER, SECRET, Slack, direct_message, mention

from bot.records import Records

pytest_plugins = ("slack_testkit",)


def _app(engine, records, slack_api) -> Slack:
    from bot.slack.app import build_app

    return Slack(build_app(lambda: engine, records, token=BOT_TOKEN, signing_secret=SECRET,
                           api_url=slack_api.api_url, process_before_response=True), slack_api)


# ---- retries and duplicates ----------------------------------------------------------------

def test_a_retried_event_is_answered_once(slack, slack_api):
    event = mention(f"<@{BOT_USER}> 공공근로 2021년 예산")
    first = slack.event(event, "Ev1")
    retry = slack.event(event, "Ev1", headers={"x-slack-retry-num": "1",
                                               "x-slack-retry-reason": "http_timeout"})
    again = slack.event(event, "Ev1", headers={"x-slack-retry-num": "2"})

    assert first.status == retry.status == again.status == 200  # Slack stops resending
    assert len(slack_api.posts()) == 1


def test_the_event_stays_answered_after_a_restart(engine, tmp_path, slack_api):
    event = mention(f"<@{BOT_USER}> 일자리카페 몇 시까지 해")
    with_db = Records(tmp_path / "bot.db")
    _app(engine, with_db, slack_api).event(event, "Ev2")
    with_db.close()

    restarted = Records(tmp_path / "bot.db")
    _app(engine, restarted, slack_api).event(event, "Ev2", headers={"x-slack-retry-num": "1"})
    restarted.close()

    assert len(slack_api.posts()) == 1


def test_two_apps_on_one_database_answer_an_event_once(engine, tmp_path, slack_api):
    """Two processes during a rolling restart: each has its own connection to bot.db."""
    apps = [_app(engine, Records(tmp_path / "bot.db"), slack_api) for _ in range(2)]
    event = direct_message("공공근로 2021년 예산")
    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(lambda app: app.event(event, "Ev3").status, apps * 3))

    assert statuses == [200] * 6
    assert len(slack_api.posts()) == 1


def test_only_one_process_claims_an_event(tmp_path):
    db = tmp_path / "bot.db"
    Records(db).close()  # create it first, as the running bot would have
    code = ("import sys; from bot.records import Records; "
            "print(Records(sys.argv[1]).claim_event('Ev4', 'app_mention'))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = sorted(p.communicate(timeout=20)[0].strip() for p in procs)

    assert outputs == ["False", "False", "False", "True"]


def test_distinct_events_are_all_answered(slack, slack_api):
    for n in range(3):
        slack.event(direct_message("일자리카페 몇 시까지 해"), f"Ev5-{n}")
    assert len(slack_api.posts()) == 3


# ---- signatures ----------------------------------------------------------------------------

def test_forged_or_stale_requests_are_rejected_and_nothing_is_posted(slack, slack_api):
    event = mention(f"<@{BOT_USER}> 공공근로 2021년 예산")
    forged = slack.event(event, "Ev6", secret="f" * 32)
    stale = slack.event(event, "Ev7", timestamp=int(time.time()) - 10 * 60)
    forged_command = slack.send("command=%2Fjobs&text=help", "application/x-www-form-urlencoded",
                                secret="f" * 32)

    assert forged.status == stale.status == forged_command.status == 401
    assert slack_api.posts() == [] and slack_api.responses() == []
    # A rejected request did not claim its event: the genuine one is still answered.
    assert slack.event(event, "Ev6").status == 200
    assert len(slack_api.posts()) == 1


# ---- Web API errors ------------------------------------------------------------------------

def test_rate_limited_post_is_retried_after_retry_after_then_posted(slack, slack_api):
    slack_api.fail("chat.postMessage", 429, headers={"Retry-After": "0"})
    started = time.monotonic()
    slack.event(mention(f"<@{BOT_USER}> 공공근로 2021년 예산"))

    attempts = slack_api.calls_to("chat.postMessage")
    assert [c.headers.get("x-failed") for c in attempts] == ["429", None]
    assert attempts[0].body == attempts[1].body
    assert "2,225,633" in slack_api.posts()[0].body["text"]
    assert time.monotonic() - started < 5


def test_server_errors_are_retried_then_posted(slack, slack_api):
    slack_api.fail("chat.postMessage", 502)  # a proxy's error, not only Slack's 500/503
    slack.event(mention(f"<@{BOT_USER}> 일자리카페 몇 시까지 해"))

    assert len(slack_api.calls_to("chat.postMessage")) == 2
    assert len(slack_api.posts()) == 1


def test_a_post_that_keeps_failing_is_logged_and_the_app_goes_on(slack, slack_api, caplog):
    slack_api.fail("chat.postMessage", 500, times=3)  # the first try and both retries
    response = slack.event(mention(f"<@{BOT_USER}> 공공근로 2021년 예산"))

    assert response.status == 200
    assert slack_api.posts() == []
    assert "chat.postMessage to C0GENERAL failed" in caplog.text

    slack.event(mention(f"<@{BOT_USER}> 일자리카페 몇 시까지 해"))
    assert len(slack_api.posts()) == 1


def test_response_url_errors_are_retried_too(slack, slack_api):
    slack_api.fail("/response/r1", 503)
    slack.command("일자리카페 몇 시까지 해")

    assert len(slack_api.calls_to("/response/r1")) == 2
    [reply] = slack_api.responses()
    assert "22:00" in reply.body["text"]
