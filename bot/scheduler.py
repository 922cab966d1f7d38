"""Scheduled posting of the weekly digest: APScheduler's BackgroundScheduler with a
CronTrigger from DIGEST_SCHEDULE, reckoned in DIGEST_TIMEZONE; `jobbot serve` starts it
and stops it.

The job does not rely on being called on time: it asks the trigger which fire time is due
(the latest within MISFIRE_GRACE before now) and posts that fire time's local week. So a
run delayed by a busy or suspended machine, a catch-up at start (the bot was down at
09:00) and a retry after a failure all post the same week, and the claims in
bot.digest_posting give each channel that week's digest once, whichever process or
run gets there first.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot import digest_config
from bot.core.engine import Engine
from bot.digest_config import ConfigError, DigestConfig
from bot.digest_posting import FAILED, DigestPoster, Outcome, post_scopes, posting_client
from bot.messages import DIGEST
from bot.records import Records

log = logging.getLogger(__name__)

MISFIRE_GRACE = timedelta(hours=6)  # how late a week's post may still go out
RETRY_AFTER = timedelta(minutes=15)  # after a failed post (Slack said no, or unreachable)
MAX_RETRIES = 3
JOB_ID = "weekly-digest"

_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NUMERIC_DAYS = re.compile(r"(\*|[0-7])(?:-([0-7]))?(?:/([1-9][0-9]*))?")


def _cron_weekdays(field: str) -> str:
    """cron's weekday numbers (0 and 7 Sunday, 1 Monday) as names. APScheduler 3 reads
    numbers with 0 as Monday, so "0 9 * * 1" would otherwise post on Tuesdays."""
    out = []
    for part in field.split(","):
        match = _NUMERIC_DAYS.fullmatch(part)
        if match is None or part == "*":  # names and name ranges read as in cron
            out.append(part)
            continue
        start, end, step = match.groups()
        first = 0 if start == "*" else int(start)
        last = 6 if start == "*" else int(end) if end else 7 if step else first
        if first > last:  # not a range cron accepts either: let APScheduler say so
            out.append(part)
            continue
        out.extend(_CRON_DAYS[day] for day in range(first, last + 1, int(step or 1)))
    return ",".join(dict.fromkeys(out))


def cron_trigger(expr: str, timezone: tzinfo) -> CronTrigger:
    """The trigger for a crontab expression ("0 9 * * MON"), or ConfigError."""
    fields = expr.split()
    if len(fields) == 5:
        fields[4] = _cron_weekdays(fields[4])
    try:
        return CronTrigger.from_crontab(" ".join(fields), timezone=timezone)
    except ValueError as error:
        raise ConfigError(DIGEST["bad_schedule"].format(value=expr, error=error)) from error


def due_fire_time(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest fire time in (now - MISFIRE_GRACE, now], or None."""
    fire = trigger.get_next_fire_time(None, now - MISFIRE_GRACE)
    return fire if fire is not None and fire <= now else None


class DigestScheduler:
    def __init__(self, engine: Callable[[], Engine], poster: DigestPoster,
                 config: DigestConfig):
        self.engine = engine  # looked up at every run: a reload takes effect
        self.poster = poster
        self.config = config
        self.trigger = cron_trigger(config.schedule, config.timezone)
        self._scheduler = BackgroundScheduler(timezone=config.timezone)

    def run_due(self, now: datetime | None = None, attempt: int = 0) -> list[Outcome]:
        """Post the due fire time's week to every configured channel ([] if none is due).
        A failed channel is tried again RETRY_AFTER later, up to MAX_RETRIES times."""
        now = now or self.config.clock()
        fire = due_fire_time(self.trigger, now)
        if fire is None:
            return []
        day = fire.astimezone(self.config.timezone).date()
        outcomes = post_scopes(self.engine(), self.poster, self.config.channels, day,
                               "schedule")
        for outcome in outcomes:
            log.info("digest %s -> %s (%s): %s %s", outcome.scope, outcome.channel,
                     outcome.week, outcome.status, outcome.error or outcome.ts)
        if (any(o.status == FAILED for o in outcomes) and attempt < MAX_RETRIES
                and self._scheduler.running):
            self._scheduler.add_job(self.run_due, "date", run_date=now + RETRY_AFTER,
                                    kwargs={"attempt": attempt + 1}, id=f"{JOB_ID}-retry",
                                    replace_existing=True)
        return outcomes

    def start(self, *, paused: bool = False) -> datetime:
        """Post on schedule from now on, and at once if a fire time passed within
        MISFIRE_GRACE (the bot was down then; it is harmless if the week went out). Returns
        the next scheduled time. `paused`: schedule the jobs but run none (tests)."""
        now = self.config.clock()
        self._scheduler.add_job(self.run_due, self.trigger, id=JOB_ID, coalesce=True,
                                max_instances=1,
                                misfire_grace_time=int(MISFIRE_GRACE.total_seconds()))
        if due_fire_time(self.trigger, now) is not None:
            self._scheduler.add_job(self.run_due, kwargs={"now": now}, id=f"{JOB_ID}-catch-up")
        self._scheduler.start(paused=paused)
        next_time = self._scheduler.get_job(JOB_ID).next_run_time
        log.info(DIGEST["scheduled"].format(schedule=self.config.schedule,
                                            timezone=self.config.timezone, next=next_time))
        return next_time

    def jobs(self) -> dict[str, datetime]:
        """Scheduled job ids and their next run times (for tests and logs)."""
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}

    def stop(self) -> None:
        """Stop; a post under way is finished first, so its claim records how it went."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)


def setting_problems() -> list[str]:
    """What is wrong with the digest settings, for `jobbot serve` to refuse to start."""
    try:
        config = digest_config.load()
        if config.schedule:
            cron_trigger(config.schedule, config.timezone)
    except ConfigError as error:
        return [str(error)]
    return [DIGEST["no_channels"]] if config.schedule and not config.channels else []


def start_from_settings(engine: Callable[[], Engine], records: Records, token: str,
                        api_url: str = "") -> DigestScheduler | None:
    """The started scheduler, or None when DIGEST_SCHEDULE is empty. ConfigError when the
    settings are wrong (setting_problems() first says what, without raising)."""
    config = digest_config.load()
    config.check_scopes(engine().kb)
    if not config.schedule:
        return None
    scheduler = DigestScheduler(engine, DigestPoster(records, posting_client(token, api_url)),
                                config)
    scheduler.start()
    return scheduler
