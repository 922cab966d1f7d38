"""Test kit for the Slack app: a local HTTP server standing in for the Slack Web API (and
for response_url endpoints) that records every call (fake_slack.py), signed requests as
Slack sends them, and fixtures. Test modules load it with `pytest_plugins = ("slack_testkit",)`.

PYTEST_DONT_REWRITE: the test modules import it before pytest loads it as a plugin; it
raises its own AssertionErrors and needs no assertion rewriting.
"""

from __future__ import annotations

import itertools
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from fake_slack import APP_TOKEN, BOT_ID, BOT_TOKEN, BOT_USER, TEAM, Call, FakeSlackAPI
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

__all__ = ["APP_TOKEN", "BOT_ID", "BOT_TOKEN", "BOT_USER", "TEAM", "Call", "FakeSlackAPI"]
SECRET = "0123456789abcdef0123456789abcdef"
ALICE = "U0ALICE"
CHANNEL = "C0GENERAL"
DM = "D0ALICE"

# ---- requests as Slack sends them ------------------------------------------------------

_ts = itertools.count(1)
_triggers = itertools.count(1)


def new_trigger_id() -> str:
    """Slack gives every slash command and click its own trigger_id."""
    return f"{next(_triggers)}.1234567890.abcdef{next(_triggers):06d}"


def free_port() -> int:
    """A local port nobody listens on (for a `jobbot serve` subprocess)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_ts() -> str:
    return f"1710000000.{next(_ts):06d}"


def signed_headers(body: str, content_type: str, secret: str = SECRET,
                   timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"content-type": content_type, "x-slack-request-timestamp": stamp,
            "x-slack-signature": signature}


def event_body(event: dict[str, Any], event_id: str) -> str:
    return json.dumps({
        "token": "legacy", "team_id": TEAM, "api_app_id": "A0TEST", "type": "event_callback",
        "event": event, "event_id": event_id, "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }, ensure_ascii=False)


def mention(text: str, *, channel: str = CHANNEL, thread_ts: str | None = None,
            user: str = ALICE) -> dict[str, Any]:
    event = {"type": "app_mention", "user": user, "text": text, "ts": new_ts(),
             "channel": channel, "event_ts": "x"}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(text: str, *, channel: str = DM, user: str = ALICE,
                   **extra: Any) -> dict[str, Any]:
    return {"type": "message", "channel_type": "im", "user": user, "text": text,
            "ts": new_ts(), "channel": channel, **extra}


def command_body(text: str, response_url: str, *, command: str = "/jobs",
                 channel: str = CHANNEL, user: str = ALICE,
                 trigger_id: str | None = None) -> str:
    return urlencode({
        "token": "legacy", "team_id": TEAM, "channel_id": channel, "channel_name": "general",
        "user_id": user, "user_name": "alice", "command": command, "text": text,
        "api_app_id": "A0TEST", "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    })


def click_body(button: dict[str, Any], *, channel: str, response_url: str,
               message: dict[str, Any] | None, user: str = ALICE,
               trigger_id: str | None = None) -> str:
    """A block_actions payload for clicking `button` on `message` (None: on an ephemeral
    message, which Slack sends without the message)."""
    container = {"type": "message", "channel_id": channel,
                 "message_ts": (message or {}).get("ts", new_ts()),
                 "is_ephemeral": message is None}
    payload = {
        "type": "block_actions", "user": {"id": user, "username": "alice", "team_id": TEAM},
        "api_app_id": "A0TEST", "token": "legacy", "container": container,
        "trigger_id": trigger_id or new_trigger_id(), "team": {"id": TEAM},
        "channel": {"id": channel},
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "b",
                     "text": button["text"], "value": button["value"],
                     "action_ts": str(time.time())}],
    }
    if message is not None:
        payload["message"] = message
    return "payload=" + quote(json.dumps(payload, ensure_ascii=False))


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def block_text(blocks: list[dict[str, Any]], kind: str | None = None) -> str:
    """All text of the blocks (of one type, e.g. "section" or "context"), joined."""
    out = []
    for block in blocks:
        if kind and block["type"] != kind:
            continue
        if "text" in block:
            out.append(block["text"]["text"])
        out.extend(e["text"] for e in block.get("elements", ()) if isinstance(e.get("text"), str))
    return "\n".join(out)


@dataclass
class Slack:
    """Sends signed requests to the app the way Slack would."""

    app: App
    api: FakeSlackAPI

    def send(self, body: str, content_type: str, *, secret: str = SECRET,
             timestamp: int | None = None, headers: dict[str, str] | None = None
             ) -> BoltResponse:
        all_headers = {**signed_headers(body, content_type, secret, timestamp),
                       **(headers or {})}
        return self.app.dispatch(BoltRequest(body=body, headers=all_headers))

    def event(self, event: dict[str, Any], event_id: str | None = None,
              **kwargs: Any) -> BoltResponse:
        body = event_body(event, event_id or f"Ev{new_ts().replace('.', '')}")
        return self.send(body, "application/json", **kwargs)

    def command(self, text: str, *, command: str = "/jobs", name: str = "r1") -> BoltResponse:
        body = command_body(text, self.api.response_url(name), command=command)
        return self.send(body, "application/x-www-form-urlencoded")

    def click(self, button: dict[str, Any], *, channel: str, message: dict[str, Any] | None,
              name: str = "click") -> BoltResponse:
        body = click_body(button, channel=channel, response_url=self.api.response_url(name),
                          message=message)
        return self.send(body, "application/x-www-form-urlencoded")


# ---- fixtures ----------------------------------------------------------------------------

@pytest.fixture
def slack_api() -> Iterator[FakeSlackAPI]:
    api = FakeSlackAPI()
    yield api
    api.close()


@pytest.fixture
def records(tmp_path: Path):
    from bot.records import Records

    db = Records(tmp_path / "bot.db")
    yield db
    db.close()


def quick(**changes: Any):
    """Patience with Slack in tenths of seconds instead of seconds (the same rules)."""
    from bot.slack.delivery import Patience

    return Patience(**{"timeout": 2.0, "retry_after_cap": 0.5, "backoff": (0.05, 0.1, 0.2),
                       "backoff_cap": 0.3, "check_after": 0.1, **changes})


@pytest.fixture
def slack(engine, records, slack_api: FakeSlackAPI) -> Slack:
    """The app on the shipped knowledge base, against the fake API. Requests are answered
    before the response (process_before_response), so a dispatch returns after the post."""
    from bot.slack.app import build_app

    app = build_app(lambda: engine, records, token=BOT_TOKEN, signing_secret=SECRET,
                    api_url=slack_api.api_url, process_before_response=True, patience=quick())
    return Slack(app, slack_api)
