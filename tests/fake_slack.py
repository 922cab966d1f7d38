"""A local HTTP server standing in for Slack's Web API (and for response_url endpoints),
recording every call: part of the Slack test kit (slack_testkit re-exports it).

PYTEST_DONT_REWRITE: it raises its own AssertionErrors.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_TOKEN = "xoxb-test"
APP_TOKEN = "xapp-test"
BOT_USER, BOT_ID = "UBOT", "BBOT"
TEAM = "T0TEST"

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
    request_queue_size = 128  # listen backlog: at 5, bursts of connections wait for SYN resends

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
