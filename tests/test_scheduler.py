"""The digest schedule: fire times in Asia/Seoul from DIGEST_SCHEDULE (cron's weekday
numbers read as cron reads them), the job posting the local week to the configured
channels, catch-up at start, retries, and no second post when runs overlap. The clock is
injected; nothing sleeps."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import REPO
from slack_testkit import BOT_TOKEN, SECRET, block_text, free_port

from bot.digest_config import ConfigError, DigestConfig
from bot.digest_posting import ALREADY, FAILED, POSTED, DigestPoster, posting_client
from bot.records import Records
from bot.scheduler import JOB_ID, RETRY_AFTER, DigestScheduler, cron_trigger, due_fire_time

pytest_plugins = ("slack_testkit",)

SEOUL = ZoneInfo("Asia/Seoul")
CHANNELS = {"공공일자리팀": "C0PUBLICJOBS", "일자리창출과": "C0DEPT"}


def _fires(expr: str, after: datetime, n: int) -> list[datetime]:
    trigger = cron_trigger(expr, SEOUL)
    out, previous = [], None
    for _ in range(n):
        previous = trigger.get_next_fire_time(previous, previous or after)
        out.append(previous)
    return out


def _scheduler(engine, records, slack_api, now: datetime,
               schedule: str = "0 9 * * MON") -> DigestScheduler:
    config = DigestConfig(channels=CHANNELS, schedule=schedule, clock=lambda: now)
    poster = DigestPoster(records, posting_client(BOT_TOKEN, slack_api.api_url))
    return DigestScheduler(lambda: engine, poster, config)


def test_fires_mondays_at_nine_in_seoul():
    sunday_night = datetime(2021, 5, 2, 23, 0, tzinfo=SEOUL)
    [first, second] = _fires("0 9 * * MON", sunday_night, 2)

    assert first == datetime(2021, 5, 3, 9, 0, tzinfo=SEOUL)
    assert first.astimezone(UTC) == datetime(2021, 5, 3, 0, 0, tzinfo=UTC)
    assert second == datetime(2021, 5, 10, 9, 0, tzinfo=SEOUL)
    # Given in UTC, 09:30 in Seoul is past this week's time.
    [after] = _fires("0 9 * * MON", datetime(2021, 5, 3, 0, 30, tzinfo=UTC), 1)
    assert after == datetime(2021, 5, 10, 9, 0, tzinfo=SEOUL)


def test_weekday_numbers_mean_what_they_mean_in_cron():
    sunday = datetime(2021, 5, 2, 10, 0, tzinfo=SEOUL)
    assert _fires("0 9 * * 1", sunday, 1) == _fires("0 9 * * MON", sunday, 1)
    assert [d.weekday() for d in _fires("0 9 * * 0", sunday, 2)] == [6, 6]  # Sundays
    assert [d.weekday() for d in _fires("0 9 * * 7", sunday, 2)] == [6, 6]
    assert [d.weekday() for d in _fires("30 8 * * 1-5", sunday, 6)] == [0, 1, 2, 3, 4, 0]
    assert [d.weekday() for d in _fires("0 9 * * MON-FRI", sunday, 5)] == [0, 1, 2, 3, 4]
    assert [d.weekday() for d in _fires("0 9 * * */2", sunday, 4)] == [1, 3, 5, 6]


@pytest.mark.parametrize("expr", ["0 9 * *", "0 25 * * MON", "0 9 * * XYZ", "매주 월요일"])
def test_a_wrong_schedule_says_so_in_korean(expr):
    with pytest.raises(ConfigError, match="DIGEST_SCHEDULE 값이 잘못되었습니다"):
        cron_trigger(expr, SEOUL)


def test_due_fire_time_allows_a_late_run_but_not_a_stale_one():
    trigger = cron_trigger("0 9 * * MON", SEOUL)
    fire = datetime(2021, 5, 3, 9, 0, tzinfo=SEOUL)
    assert due_fire_time(trigger, fire) == fire
    assert due_fire_time(trigger, fire + timedelta(hours=2)) == fire
    assert due_fire_time(trigger, fire - timedelta(seconds=1)) is None
    assert due_fire_time(trigger, fire + timedelta(days=1)) is None


def test_the_job_posts_the_local_week_to_each_configured_channel(engine, records, slack_api):
    # 01:00 on Monday in Seoul is still Sunday in UTC: the week is Seoul's, 2021-05-03.
    now = datetime(2021, 5, 2, 16, 0, 20, tzinfo=UTC)
    scheduler = _scheduler(engine, records, slack_api, now, schedule="0 1 * * MON")

    outcomes = scheduler.run_due()

    assert [(o.scope, o.channel, o.status) for o in outcomes] == [
        ("공공일자리팀", "C0PUBLICJOBS", POSTED), ("일자리창출과", "C0DEPT", POSTED)]
    titles = {p.body["channel"]: block_text(p.body["blocks"][:1]) for p in slack_api.posts()}
    assert titles == {
        "C0PUBLICJOBS": "*공공일자리팀 주간 다이제스트* — 2021-05-03(월) ~ 2021-05-09(일)",
        "C0DEPT": "*일자리창출과 주간 다이제스트* — 2021-05-03(월) ~ 2021-05-09(일)"}


def test_nothing_is_due_between_fire_times(engine, records, slack_api):
    tuesday = datetime(2021, 5, 4, 9, 0, tzinfo=SEOUL)
    assert _scheduler(engine, records, slack_api, tuesday).run_due() == []
    assert slack_api.calls == []


def test_overlapping_runs_and_a_restart_post_once(engine, records, slack_api, tmp_path):
    now = datetime(2021, 5, 3, 9, 0, 1, tzinfo=SEOUL)
    scheduler = _scheduler(engine, records, slack_api, now)
    scheduler.run_due()
    # The misfire catch-up, a late run of the same week, and the bot after a restart.
    assert {o.status for o in scheduler.run_due()} == {ALREADY}
    assert {o.status for o in scheduler.run_due(now + timedelta(hours=3))} == {ALREADY}
    restarted = Records(tmp_path / "bot.db")  # the `records` fixture's file
    try:
        again = _scheduler(engine, restarted, slack_api, now).run_due()
    finally:
        restarted.close()
    assert {o.status for o in again} == {ALREADY}
    assert len(slack_api.posts()) == 2  # one per channel


def test_start_schedules_the_next_monday_and_catches_up_a_missed_run(engine, records,
                                                                      slack_api):
    # The bot starts at 10:00 on a Monday: it was down at 09:00, so it posts at once.
    started = datetime(2021, 5, 3, 10, 0, tzinfo=SEOUL)
    scheduler = _scheduler(engine, records, slack_api, started)
    try:
        next_time = scheduler.start()
        posts = slack_api.wait_for("chat.postMessage", 2)  # the catch-up, in its thread
    finally:
        scheduler.stop()

    local = next_time.astimezone(SEOUL)
    assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
    assert next_time > datetime.now(UTC)
    assert all("2021-05-03(월)" in block_text(p.body["blocks"][:1]) for p in posts)
    assert {r["status"] for r in records.db.query("SELECT * FROM digest_posts")} == {POSTED}


def test_a_failed_run_is_retried_later(engine, records, slack_api):
    now = datetime(2021, 5, 3, 9, 0, 5, tzinfo=SEOUL)
    scheduler = _scheduler(engine, records, slack_api, now)
    scheduler.start(paused=True)  # jobs are scheduled, none runs
    try:
        slack_api.fail("chat.postMessage", 200)  # Slack refuses the first post only
        outcomes = scheduler.run_due()
        retry = scheduler.jobs().get(f"{JOB_ID}-retry")
        retried = scheduler.run_due(now + RETRY_AFTER, attempt=1)
    finally:
        scheduler.stop()

    assert [o.status for o in outcomes] == [FAILED, POSTED]
    assert retry == now + RETRY_AFTER
    assert [o.status for o in retried] == [POSTED, ALREADY]
    assert sorted(p.body["channel"] for p in slack_api.posts()) == sorted(CHANNELS.values())


# ---- `jobbot serve` starts and stops the schedule ------------------------------------------

def _serve_env(tmp_path, slack_api, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DIGEST_", "TEAM_LEAD", "ADMIN_"))}
    env.update({"DATA_DIR": str(tmp_path), "KNOWLEDGE_DIR": "", "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SECRET, "SLACK_APP_TOKEN": "",
                "SLACK_API_URL": slack_api.api_url, "DIGEST_TIMEZONE": "Asia/Seoul",
                "DIGEST_CHANNELS": "공공일자리팀=C0PUBLICJOBS", **extra})
    return env


def _answered(url: str) -> None:
    """Any HTTP answer (Bolt says 404 to a GET) means the server's loop is running."""
    try:
        urllib.request.urlopen(url, timeout=10).close()
    except urllib.error.HTTPError:
        pass


def test_serve_posts_on_schedule_and_stops_cleanly(slack_api, tmp_path):
    # Every minute: a fire time is always due at start, so the catch-up posts at once.
    env = _serve_env(tmp_path, slack_api, DIGEST_SCHEDULE="* * * * *")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port),
                             "--host", "127.0.0.1"], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = []
    try:
        [post] = slack_api.wait_for("chat.postMessage", 1, timeout=30)
        for line in proc.stderr:
            seen.append(line)
            if "Slack 요청을 받습니다" in line:
                break
        _answered(f"http://127.0.0.1:{port}/")  # serving: SIGTERM now ends it cleanly
    finally:
        proc.terminate()
        err = "".join(seen) + proc.communicate(timeout=30)[1]
    assert post.body["channel"] == "C0PUBLICJOBS"
    assert "공공일자리팀 주간 다이제스트" in block_text(post.body["blocks"][:1])
    assert "주간 다이제스트 예약: '* * * * *' (Asia/Seoul)" in err
    assert proc.returncode == 0 and "Traceback" not in err, err


@pytest.mark.parametrize(("settings", "says"), [
    ({"DIGEST_SCHEDULE": "0 25 * * MON"}, "DIGEST_SCHEDULE 값이 잘못되었습니다"),
    ({"DIGEST_SCHEDULE": "0 9 * * MON", "DIGEST_CHANNELS": ""}, "DIGEST_CHANNELS가 비어"),
    ({"DIGEST_TIMEZONE": "Seoul/Geumcheon"}, "DIGEST_TIMEZONE 값을 알 수 없습니다"),
    ({"DIGEST_CHANNELS": "공공일자리팀=#일자리"}, "DIGEST_CHANNELS 항목이 잘못되었습니다"),
])
def test_serve_refuses_wrong_digest_settings(slack_api, tmp_path, settings, says):
    result = subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=REPO, text=True,
                            env=_serve_env(tmp_path, slack_api, **settings),
                            capture_output=True, timeout=60)
    assert result.returncode == 2 and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and slack_api.calls == []
