"""Answer each Slack event once. Slack resends an event it thinks was not acknowledged
(x-slack-retry-num), and two bot processes may both receive one during a restart: the
first to record its event_id in the bot's database answers, every other copy is
acknowledged and dropped."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.records import Records

log = logging.getLogger(__name__)


def _header(request: BoltRequest, name: str) -> str | None:
    values = request.headers.get(name) or [None]
    return values[0]


def register(app: App, records: Records) -> None:
    @app.middleware
    def answer_each_event_once(body: dict[str, Any], request: BoltRequest,
                               next: Callable[[], Any]) -> Any:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if not event_id:  # slash commands and clicks: Slack does not resend them
            return next()
        kind = (body.get("event") or {}).get("type", "")
        if records.claim_event(str(event_id), kind):
            return next()
        log.info("event %s already handled; dropping this copy (retry %s, reason %s)",
                 event_id, _header(request, "x-slack-retry-num"),
                 _header(request, "x-slack-retry-reason"))
        # 200 tells Slack to stop resending it.
        return BoltResponse(status=200, body="")
