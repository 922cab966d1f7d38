"""Test kit for the Slack app: a local HTTP server standing in for the Slack Web API (and
for response_url endpoints) that records every call, signed requests as Slack sends them,
and fixtures. Test modules load it with `pytest_plugins = ("slack_testkit",)`.

PYTEST_DONT_REWRITE: the test modules import it before pytest loads it as a plugin; it
raises its own AssertionErrors and needs no assertion rewriting.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

import pytest
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

BOT_TOKEN = "xoxb-test"
APP_TOKEN = "xapp-test"
SECRET = "0123456789abcdef0123456789abcdef"
BOT_USER, BOT_ID = "UBOT", "BBOT"
TEAM = "T0TEST"
ALICE = "U0ALICE"
CHANNEL = "C0GENERAL"
DM = "D0ALICE"


# ---- the fake Web API ------------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    path: str
    headers: dict[str, str]  # lower-case names
    body: dict[str, Any]  # JSON or form fields, as received

    @property
    def method(self) -> str:
        """The Web API method ("chat.postMessage"), or the path for other URLs."""
        return self.path.removeprefix("/api/").split("?")[0]

    @property
    def dump(self) -> str:
        """Everything that was sent, as one string: for "nothing unsafe anywhere" checks."""
        return json.dumps(self.body, ensure_ascii=False)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a bot killed mid-request, a timeout) is no error."""


@dataclass
class _Failure:
    status: int
    headers: dict[str, str]
    times: int


@dataclass
class _Stall:
    seconds: float  # how long the answer is held back (the call is accepted first)
    times: int
    release: threading.Event  # set: answer at once


@dataclass
class FakeSlackAPI:
    """Answers like Slack: auth.test, chat.postMessage, chat.postEphemeral,
    conversations.replies / conversations.history (with the messages' metadata when asked
    for it), apps.connections.open (Socket Mode), anything else {"ok": true}; and POSTs to
    /response/<name> like a response_url. Tokens are checked like Slack does.

    `delay` makes every call take that long (a slow Slack); `fail` answers an error;
    `stall` accepts a call (a message is posted) but holds its answer back, as when Slack's
    reply comes after the client's timeout."""

    bot_token: str = BOT_TOKEN
    app_token: str = APP_TOKEN
    socket_url: str = ""  # what apps.connections.open hands out
    delay: float = 0.0  # seconds before every answer
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._cond = threading.Condition()
        self._failures: dict[str, _Failure] = {}
        self._stalls: dict[str, _Stall] = {}
        self._ts = itertools.count(1)
        self.messages: list[dict[str, Any]] = []  # what chat.postMessage posted
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._answer(_parse({k.lower(): v for k, v in self.headers.items()}, raw))

            def do_GET(self) -> None:  # noqa: N802 - slack_sdk reads some methods with GET
                query = self.path.partition("?")[2]
                self._answer({k: v[0] for k, v in parse_qs(query).items()})

            def _answer(self, body: dict[str, Any]) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                if api.delay:
                    time.sleep(api.delay)
                status, extra, payload = api._handle(self.path, headers, body)
                api._hold(self.path)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll interval: shutdown() waits for it at every test's teardown.
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()

    # -- addresses
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/response/{name}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- scripting and inspecting
    def fail(self, method: str, status: int, times: int = 1,
             headers: dict[str, str] | None = None) -> None:
        """The next `times` calls of `method` get HTTP `status` (e.g. 429 + Retry-After)."""
        self._failures[method] = _Failure(status, headers or {}, times)

    def stall(self, method: str, seconds: float, times: int = 1) -> threading.Event:
        """The next `times` calls of `method` are carried out at once (a post is posted)
        but answered only after `seconds`, or when the returned event is set."""
        release = threading.Event()
        self._stalls[method] = _Stall(seconds, times, release)
        return release

    def _hold(self, path: str) -> None:
        stall = self._stalls.get(path.removeprefix("/api/").split("?")[0])
        with self._cond:
            if stall is None or stall.times <= 0:
                return
            stall.times -= 1
        stall.release.wait(stall.seconds)

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def posts(self) -> list[Call]:
        """The successful chat.postMessage calls' bodies (failed attempts left out)."""
        with self._cond:
            return [c for c in self.calls if c.method == "chat.postMessage"
                    and not c.headers.get("x-failed")]

    def responses(self) -> list[Call]:
        """The successful posts to response URLs."""
        with self._cond:
            return [c for c in self.calls if c.path.startswith("/response/")
                    and not c.headers.get("x-failed")]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until `count` calls of `method` arrived (polling is for async listeners)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len([c for c in self.calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{method}: expected {count} calls, got "
                                         f"{[c.method for c in self.calls]}")
                self._cond.wait(left)
            return [c for c in self.calls if c.method == method]

    # -- answering
    def _handle(self, path: str, headers: dict[str, str],
                body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        method = path.removeprefix("/api/").split("?")[0]
        failure = self._failures.get(method)
        if failure and failure.times > 0:
            failure.times -= 1
            self._record(Call(path, {**headers, "x-failed": str(failure.status)}, body))
            return failure.status, failure.headers, {"ok": False, "error": "fake_failure"}
        self._record(Call(path, headers, body))
        if path.startswith("/response/"):
            return 200, {}, b"ok"
        if not path.startswith("/api/"):
            return 404, {}, {"ok": False, "error": "not_found"}
        token = headers.get("authorization", "").removeprefix("Bearer ")
        wanted = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != wanted:
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        # Like Slack's: the time of posting, unique (what conversations.history orders by).
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        if method == "auth.test":
            return 200, {}, {"ok": True, "url": "https://jobbot-test.slack.com/",
                             "team": "Test", "user": "jobbot", "team_id": TEAM,
                             "user_id": BOT_USER, "bot_id": BOT_ID}
        if method == "chat.postMessage":
            if not body.get("channel"):
                return 200, {}, {"ok": False, "error": "channel_not_found"}
            message = {"type": "message", "text": body.get("text"), "ts": ts,
                       "bot_id": BOT_ID, "user": BOT_USER}
            if body.get("thread_ts"):
                message["thread_ts"] = body["thread_ts"]
            if body.get("metadata"):
                metadata = body["metadata"]
                message["metadata"] = (json.loads(metadata) if isinstance(metadata, str)
                                       else metadata)
            with self._cond:
                self.messages.append({**message, "channel": body["channel"]})
            return 200, {}, {"ok": True, "channel": body["channel"], "ts": ts,
                             "message": message}
        if method in ("conversations.replies", "conversations.history"):
            return 200, {}, {"ok": True, "messages": self._conversation(method, body),
                             "has_more": False}
        if method == "chat.postEphemeral":
            return 200, {}, {"ok": True, "message_ts": ts}
        if method == "apps.connections.open":
            return 200, {}, {"ok": True, "url": self.socket_url}
        return 200, {}, {"ok": True}

    def _conversation(self, method: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        """A thread's replies (conversations.replies, ts = the thread), or a channel's
        messages outside threads after `oldest` (conversations.history), oldest first."""
        with self._cond:
            found = [m for m in self.messages if m["channel"] == body.get("channel")]
        if method == "conversations.replies":
            found = [m for m in found if m.get("thread_ts") == body.get("ts")]
        else:
            found = [m for m in found if not m.get("thread_ts")
                     and float(m["ts"]) > float(body.get("oldest") or 0)]
        metadata = str(body.get("include_all_metadata", "")).lower() in ("1", "true")
        return [{k: v for k, v in m.items() if k != "channel" and (metadata or k != "metadata")}
                for m in found]

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()


def _parse(headers: dict[str, str], raw: bytes) -> dict[str, Any]:
    text = raw.decode("utf-8")
    if not text:
        return {}
    if "json" in headers.get("content-type", ""):
        return json.loads(text)
    return {k: v[0] for k, v in parse_qs(text).items()}


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
