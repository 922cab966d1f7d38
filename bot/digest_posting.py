"""Post a week's digest to a channel once: the same code for the preview's button, the
scheduler and `jobbot digest --post`, so a restart, two bot processes, a misfire catch-up
or a cron job beside the scheduler never post it twice.

How: before posting, claim (channel, scope, week_start) in the bot's database
(`digest_posts`, that triple its primary key, one BEGIN IMMEDIATE transaction). Only the
claimer posts; it then records the message's ts, or what went wrong:

- `failed`: Slack answered and said no (not_in_channel, ratelimited after the retries, …)
  or the request never reached it. Nothing was posted, so a later run may claim the row
  again and retry (the scheduler does, a few times; a click or a CLI run does too).
- `uncertain`: the request went out but no answer came back (a timeout, a dropped
  connection, a 5xx). Slack may have posted it and offers no way to ask without more
  scopes, so it is not retried: a lost digest is noticed and fixed by hand, a doubled one
  is what this module exists to prevent. The same holds for a claim left `claimed` by a
  process that died mid-post. After checking the channel, an admin may release such a row:
  `sqlite-utils query var/bot.db "UPDATE digest_posts SET status='failed' WHERE …"`.

For the same reason the Slack client used here retries only what cannot have posted
(rate limits, failures to connect). Answers follow the same rule, and look in the thread
before resending one that may have gone out (bot.slack.delivery).
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from urllib.error import HTTPError, URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

from bot.core.digest import Digest, compose
from bot.core.engine import Engine
from bot.records import Records, now
from bot.slack.blocks import Message
from bot.slack.client import MAX_RETRIES, CappedRateLimitRetryHandler, web_client
from bot.slack.digest_blocks import digest_message

log = logging.getLogger(__name__)

TABLE = "digest_posts"
CLAIMED, POSTED, FAILED, UNCERTAIN = "claimed", "posted", "failed", "uncertain"
ALREADY = "already"  # an outcome only: someone else holds the claim (see `previous`)


@dataclass(frozen=True)
class Outcome:
    scope: str
    channel: str
    week_start: date
    status: str  # posted | already | failed | uncertain
    ts: str = ""  # the message's, when posted (or posted before, for `already`)
    error: str = ""
    previous: str = ""  # for `already`: the row's status (posted, claimed or uncertain)
    at: str = ""  # for `already`: when it was posted or claimed (UTC)

    @property
    def week(self) -> str:
        return f"{self.week_start:%Y-%m-%d} 주"


def ensure_table(records: Records) -> None:
    records.ensure_table(TABLE, {
        "channel": str, "scope": str, "week_start": str, "status": str, "via": str,
        "claimed_by": str, "claimed_at": str, "attempts": int, "ts": str, "posted_at": str,
        "error": str,
    }, pk=("channel", "scope", "week_start"), indexes=("status",))


def posting_client(token: str, api_url: str = "") -> WebClient:
    """The Web API client for digests: retries only rate limits (Slack did not post) and
    errors connecting or sending (urllib's URLError: no answer could have been produced)."""
    client = web_client(token, api_url)
    client.retry_handlers = [
        CappedRateLimitRetryHandler(max_retry_count=MAX_RETRIES),  # Retry-After, capped
        ConnectionErrorRetryHandler(max_retry_count=MAX_RETRIES, error_types=[URLError]),
    ]
    return client


def _not_posted(error: Exception) -> bool:
    """True when the failed request certainly posted nothing (see the module's notes)."""
    if isinstance(error, SlackApiError):
        return error.response.status_code < 500  # Slack's own "no", 429 included
    return isinstance(error, URLError) and not isinstance(error, HTTPError)


def _error_name(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or f"HTTP {error.response.status_code}")
    return f"{type(error).__name__}: {error}"[:200]


class DigestPoster:
    def __init__(self, records: Records, client: WebClient):
        self.records = records
        self.client = client
        self.owner = f"{socket.gethostname()}:{os.getpid()}"  # who claimed, for the record
        ensure_table(records)

    def post(self, digest: Digest, channel: str, via: str) -> Outcome:
        """Post `digest` to `channel` unless its week was posted (or is being posted) there
        already. `via` says who asked, for the record ("schedule", "cli", "button:U123")."""
        key = (channel, digest.scope, digest.week_start.isoformat())
        outcome = Outcome(digest.scope, channel, digest.week_start, POSTED)
        try:
            held = self._claim(key, via)
        except sqlite3.Error as error:  # e.g. locked beyond the busy timeout: try later
            log.exception("claiming the digest %s failed", key)
            return replace(outcome, status=FAILED, error=f"database: {error}")
        if held is not None:
            return replace(outcome, status=ALREADY, previous=held["status"],
                            ts=held["ts"] or "", at=held["posted_at"] or held["claimed_at"])
        try:
            ts = self._send(channel, digest_message(digest))
        except Exception as error:  # whatever it was, the claim must say how it ended
            status = FAILED if _not_posted(error) else UNCERTAIN
            log.error("posting the digest %s failed (%s): %s", key, status, _error_name(error))
            self._finish(key, status, error=_error_name(error))
            return replace(outcome, status=status, error=_error_name(error))
        self._finish(key, POSTED, ts=ts)
        return replace(outcome, ts=ts)

    def _claim(self, key: tuple[str, str, str], via: str) -> dict | None:
        """None when this caller now holds the claim; else the row that someone else holds.
        A `failed` row is claimed again: its post certainly did not go out."""
        with self.records.transaction() as db:
            row = next(db.query(f"SELECT * FROM {TABLE} WHERE channel = ? AND scope = ? "
                                "AND week_start = ?", key), None)
            if row is None:
                db.execute(f"INSERT INTO {TABLE} (channel, scope, week_start, status, via, "
                           "claimed_by, claimed_at, attempts, ts, posted_at, error) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, 1, '', '', '')",
                           [*key, CLAIMED, via, self.owner, now()])
                return None
            if row["status"] != FAILED:
                return row
            db.execute(f"UPDATE {TABLE} SET status = ?, via = ?, claimed_by = ?, "
                       "claimed_at = ?, attempts = attempts + 1, error = '' "
                       "WHERE channel = ? AND scope = ? AND week_start = ?",
                       [CLAIMED, via, self.owner, now(), *key])
            return None

    def _send(self, channel: str, message: Message) -> str:
        response = self.client.chat_postMessage(channel=channel, unfurl_links=False,
                                                unfurl_media=False, **message.kwargs())
        return str(response.get("ts") or "")

    def _finish(self, key: tuple[str, str, str], status: str, *, ts: str = "",
                error: str = "") -> None:
        try:
            with self.records.transaction() as db:
                db.execute(f"UPDATE {TABLE} SET status = ?, ts = ?, posted_at = ?, error = ? "
                           "WHERE channel = ? AND scope = ? AND week_start = ?",
                           [status, ts, now() if status == POSTED else "", error, *key])
        except sqlite3.Error:
            # The claim stays `claimed`: never posted again, which is the safe side.
            log.exception("recording the digest %s as %s failed", key, status)


def post_scopes(engine: Engine, poster: DigestPoster, channels: Mapping[str, str], day: date,
                via: str) -> list[Outcome]:
    """Each scope's digest for the week of `day`, to its channel."""
    return [poster.post(compose(engine, scope, day), channel, via)
            for scope, channel in channels.items()]
