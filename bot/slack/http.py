"""Slack's HTTP API on /slack/events, through waitress, with a guard in front of Bolt.

The guard turns bad requests away before Bolt reads them, with the status they deserve
and one short log line, never their body: a body over MAX_BODY gets 413 unread (waitress
refuses it while reading), a timestamp header that is not a number 401, a body that is
not UTF-8 400, and a wrong signature 401. What passes is exactly what Bolt would accept.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

PATH = "/slack/events"
MAX_BODY = 1 << 20  # bytes; Slack's requests are a few kilobytes, a long question ~200 KB
THREADS = 8  # waitress's request threads: each only checks, claims and acknowledges

StartResponse = Callable[..., Any]


class Guard:
    def __init__(self, app: Callable[..., Iterable[bytes]], signing_secret: str,
                 path: str = PATH, max_body: int = MAX_BODY):
        self.app = app
        self.path = path
        self.max_body = max_body
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse
                 ) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != self.path:
            return self.app(environ, start_response)
        length = environ.get("CONTENT_LENGTH") or ""
        if length and not length.isdigit():
            return self._reject(environ, start_response, 400, "a bad Content-Length")
        if int(length or 0) > self.max_body:
            return self._reject(environ, start_response, 413, "a body too large")
        body = environ["wsgi.input"].read(int(length) if length else self.max_body + 1)
        if len(body) > self.max_body:
            return self._reject(environ, start_response, 413, "a body too large")
        stamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        if not stamp.isdigit():
            return self._reject(environ, start_response, 401, "no valid timestamp")
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return self._reject(environ, start_response, 400, "a body that is not UTF-8")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        if self.verifier is not None and not self.verifier.is_valid(body, stamp, signature):
            return self._reject(environ, start_response, 401, "an invalid or stale signature")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)

    def _reject(self, environ: dict[str, Any], start_response: StartResponse, status: int,
                why: str) -> Iterable[bytes]:
        log.info("rejected a request from %s: %s (HTTP %d)", environ.get("REMOTE_ADDR", "?"),
                 why, status)
        reason = {400: "Bad Request", 401: "Unauthorized", 413: "Payload Too Large"}[status]
        payload = reason.encode()
        start_response(f"{status} {reason}", [("Content-Type", "text/plain; charset=utf-8"),
                                              ("Content-Length", str(len(payload)))])
        return [payload]


def make_server(app: App, signing_secret: str, host: str, port: int):
    """A waitress server for the app (call .run(); .close() to stop). Raises OSError when
    the address cannot be used."""
    from waitress import create_server

    return create_server(Guard(SlackRequestHandler(app), signing_secret), host=host,
                         port=port, threads=THREADS, ident="JobBot",
                         max_request_body_size=MAX_BODY)
