"""Taking requests in: Slack gets its acknowledgement as soon as the request is claimed,
never after an answer or a call to Slack (Slack shows an error after 3 seconds).

A Bolt middleware, after Bolt has checked the signature: a request the bot answers (a
mention, a DM, the slash command, one of its buttons) is claimed under its id and queued
(worker.py), and a 200 goes back at once. A copy of a request claimed before — Slack
resending an event, a replayed command or click within the 5-minute signature window, the
other bot during a restart — is acknowledged and dropped. Ids: an event's `event_id`; a
command's or a click's `trigger_id`, unique to each use.

Features register what they answer here (`on_event`, `on_command`, `on_action`) with a
function from Slack's payload to the reply.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from .worker import Handler, Jobs

log = logging.getLogger(__name__)


def _header(request: BoltRequest, name: str) -> str | None:
    values = request.headers.get(name) or [None]
    return values[0]


class Intake:
    def __init__(self, jobs: Jobs, command: str):
        self.jobs = jobs
        self.command = command

    def on_event(self, event_type: str, handler: Handler) -> None:
        self.jobs.handlers[f"event:{event_type}"] = handler

    def on_command(self, handler: Handler) -> None:
        self.jobs.handlers["command"] = handler

    def on_action(self, action_id: str, handler: Handler) -> None:
        """`action_id` itself, or its prefix before ":" (e.g. "clarify" for "clarify:2")."""
        self.jobs.handlers[f"action:{action_id}"] = handler

    def kind(self, body: dict[str, Any]) -> str | None:
        """The handler's key for this request, or None when the bot does not answer it."""
        kind = None
        if body.get("type") == "event_callback":
            kind = f"event:{(body.get('event') or {}).get('type', '')}"
        elif body.get("command"):
            kind = "command" if body["command"] == self.command else None
        elif body.get("type") == "block_actions" and body.get("actions"):
            action_id = str(body["actions"][0].get("action_id") or "")
            kind = f"action:{action_id}"
            if kind not in self.jobs.handlers:
                kind = f"action:{action_id.partition(':')[0]}"
        return kind if kind in self.jobs.handlers else None

    def register(self, app: App) -> None:
        @app.middleware
        def take_in(body: dict[str, Any], request: BoltRequest,
                    next: Callable[[], Any]) -> Any:
            kind = self.kind(body) if isinstance(body, dict) else None
            if kind is None:
                return next()
            request_id = _request_id(body, request)
            if not self.jobs.accept(request_id, kind, body):
                log.info("request %s already taken; dropping this copy (retry %s, reason %s)",
                         request_id, _header(request, "x-slack-retry-num"),
                         _header(request, "x-slack-retry-reason"))
            # 200 with no body: the ack. Slack stops resending; a command shows nothing.
            return BoltResponse(status=200, body="")


def _request_id(body: dict[str, Any], request: BoltRequest) -> str:
    if body.get("event_id"):
        return str(body["event_id"])
    if body.get("trigger_id"):
        return f"trigger:{body['trigger_id']}"
    # Slack always sends one of the two; failing that, identical bodies are one request.
    raw = request.raw_body if isinstance(request.raw_body, str) else str(body)
    return "body:" + hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:32]
