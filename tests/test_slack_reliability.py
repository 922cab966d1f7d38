"""Retries and duplicates answered once (across restarts and processes), forged requests
rejected, Web API errors retried, and a post that fails for good not stopping the app."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import REPO
from slack_testkit import (
    BOT_TOKEN,
    BOT_USER,
    SECRET,
    Slack,
    block_text,
    command_body,
    direct_message,
    mention,
    quick,
)

from bot.records import Records

pytest_plugins = ("slack_testkit",)

ADMIN = "U0ADMIN"


def _app(engine, records, slack_api, **patience) -> Slack:
    from bot.slack.app import build_app

    return Slack(build_app(lambda: engine, records, token=BOT_TOKEN, signing_secret=SECRET,
                           api_url=slack_api.api_url, process_before_response=True,
                           admins=frozenset({ADMIN}), patience=quick(**patience)),
                 slack_api)


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


def test_three_500s_in_a_row_still_answer_once_looking_before_each_resend(slack, slack_api):
    """Failure 4: three 500s used to drop the answer. A 500 may come after Slack posted,
    so each resend follows a look in the thread for the answer's marker."""
    slack_api.fail("chat.postMessage", 500, times=3)
    response = slack.event(mention(f"<@{BOT_USER}> 공공근로 2021년 예산"), "Ev500")

    assert response.status == 200
    attempts = slack_api.calls_to("chat.postMessage")
    assert [c.headers.get("x-failed") for c in attempts] == ["500", "500", "500", None]
    looks = slack_api.calls_to("conversations.replies")
    assert len(looks) == 3 and all(c.body["include_all_metadata"] for c in looks)
    [post] = slack_api.posts()
    assert "2,225,633" in post.body["text"]
    assert post.body["metadata"] == {"event_type": "jobbot_answer",
                                     "event_payload": {"job": "Ev500"}}


def test_three_429s_in_a_row_still_answer_once(slack, slack_api):
    """Failure 4: a 429 means Slack did nothing, so it is simply sent again (no look)."""
    slack_api.fail("chat.postMessage", 429, times=3, headers={"Retry-After": "0"})
    slack.event(direct_message("일자리카페 몇 시까지 해"))

    assert len(slack_api.calls_to("chat.postMessage")) == 4
    assert slack_api.calls_to("conversations.history") == []
    assert len(slack_api.posts()) == 1


def test_an_answer_slack_never_takes_is_recorded_for_the_admins(engine, records, slack_api,
                                                                caplog):
    """Failure 4: when Slack keeps failing past the deadline the answer is given up (not
    retried forever), logged once, and listed in the admins' report."""
    slack = _app(engine, records, slack_api, give_up_after=0.5)
    slack_api.fail("chat.postMessage", 500, times=1000)
    assert slack.event(mention(f"<@{BOT_USER}> 공공근로 2021년 예산")).status == 200
    assert slack_api.posts() == []
    assert caplog.text.count("was not delivered") == 1

    slack_api.fail("chat.postMessage", 500, times=0)
    slack.send(command_body("unanswered", slack_api.response_url("report"),
                            user=ADMIN), "application/x-www-form-urlencoded")
    [report] = slack_api.responses()
    text = block_text(report.body["blocks"])
    assert "Slack에 보내지 못한 답 1건" in text
    assert "공공근로 2021년 예산" in text and "보내지 못함" in text


def test_response_url_errors_are_retried_too(slack, slack_api):
    slack_api.fail("/response/r1", 503)
    slack.command("일자리카페 몇 시까지 해")

    assert len(slack_api.calls_to("/response/r1")) == 2
    [reply] = slack_api.responses()
    assert "22:00" in reply.body["text"]
