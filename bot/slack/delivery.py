"""Sending a reply to Slack once: one attempt at a time, and a plain verdict on each, so
that the caller (worker.py) knows whether to wait and send again, to check first, or to
stop.

A request that failed before Slack could act on it (429, 503, a refused connection, Slack
saying `ratelimited`) certainly posted nothing: it is sent again after a capped wait. A
request whose answer never came (a timeout, a dropped connection, another 5xx, Slack's
`internal_error`) may have posted: a channel message is then looked for in its thread or
channel by the marker in its metadata (conversations.replies / .history) before anything
is sent again; a response_url or ephemeral reply cannot be looked for, so it is recorded
as uncertain and not resent. Slack's other refusals (not_in_channel, …) are final.

The client used here never retries by itself: slack_sdk's retry handlers would resend a
timed-out post blindly.
"""

from __future__ import annotations

import json
import logging
import socket
import urllib.request
from dataclasses import asdict, dataclass
from http.client import HTTPException
from typing import Any
from urllib.error import HTTPError, URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from .blocks import Message
from .client import RETRY_AFTER_CAP

log = logging.getLogger(__name__)

MARK = "jobbot_answer"  # the metadata event_type on every answer posted in a channel

# Slack's `error` values that mean "not done, try later" and "may have been done".
_NOT_DONE = {"ratelimited", "service_unavailable", "request_timeout", "team_added_to_org"}
_MAYBE_DONE = {"internal_error", "fatal_error"}


@dataclass(frozen=True)
class Patience:
    """How long to wait for Slack, and how often to try again."""

    timeout: float = 10.0  # seconds per request
    retry_after_cap: float = RETRY_AFTER_CAP  # the longest a 429's Retry-After is waited out
    backoff: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)  # after failures 1, 2, …; then cap
    backoff_cap: float = 15.0
    check_after: float = 2.0  # wait before looking whether an unanswered post went out
    give_up_after: float = 15 * 60  # since the question came: then failed / uncertain
    recover_window: float = 15 * 60  # at start, answer open jobs received this recently

    def wait(self, failures: int) -> float:
        return self.backoff[failures - 1] if 0 < failures <= len(self.backoff) \
            else self.backoff_cap


@dataclass(frozen=True)
class Reply:
    """Where a reply goes and what it says (stored as a dict in the job)."""

    via: str  # "post" (chat.postMessage), "respond" (response_url), "ephemeral"
    message: dict[str, Any]  # Message.kwargs()
    channel: str = ""
    thread_ts: str | None = None
    after_ts: str = ""  # the question's ts: a post without a thread comes after it
    user: str = ""  # ephemeral: who sees it
    url: str = ""  # respond: the response_url
    replace_original: bool = False

    @classmethod
    def post(cls, channel: str, message: Message, thread_ts: str | None = None,
             after_ts: str = "") -> Reply:
        return cls("post", message.kwargs(), channel=channel, thread_ts=thread_ts,
                   after_ts=after_ts)

    @classmethod
    def respond(cls, url: str, message: Message, replace_original: bool = False) -> Reply:
        return cls("respond", message.kwargs(), url=url, replace_original=replace_original)

    @classmethod
    def ephemeral(cls, channel: str, user: str, message: Message) -> Reply:
        return cls("ephemeral", message.kwargs(), channel=channel, user=user)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# What became of one attempt.
SENT, NOT_SENT, MAYBE_SENT, REFUSED = "sent", "not_sent", "maybe_sent", "refused"


@dataclass(frozen=True)
class Attempt:
    verdict: str  # SENT, NOT_SENT (wait `wait` and send again), MAYBE_SENT, REFUSED
    ts: str = ""
    error: str = ""
    wait: float | None = None  # a 429's Retry-After, capped


# What a look in the channel found.
FOUND, NOT_FOUND, LOOK_LATER, CANNOT_LOOK = "found", "not_found", "look_later", "cannot"


class Sender:
    def __init__(self, client: WebClient, patience: Patience):
        # Its own client: the same token and URL, no retries of its own, our timeout.
        self.client = WebClient(token=client.token, base_url=client.base_url,
                                timeout=int(max(1, patience.timeout)), retry_handlers=[])
        self.client.timeout = patience.timeout  # urllib takes a float
        self.patience = patience

    def send(self, reply: dict[str, Any], job_id: str) -> Attempt:
        try:
            if reply["via"] == "respond":
                return self._respond(reply)
            if reply["via"] == "ephemeral":
                self.client.chat_postEphemeral(channel=reply["channel"], user=reply["user"],
                                               **reply["message"])
                return Attempt(SENT)
            response = self.client.chat_postMessage(
                channel=reply["channel"], thread_ts=reply["thread_ts"], unfurl_links=False,
                unfurl_media=False, metadata={"event_type": MARK,
                                              "event_payload": {"job": job_id}},
                **reply["message"])
            return Attempt(SENT, ts=str(response.get("ts") or ""))
        except SlackApiError as error:
            return self._api_error(error)
        except (SlackClientError, OSError, HTTPException, ValueError) as error:
            return _transport_error(error)

    def _respond(self, reply: dict[str, Any]) -> Attempt:
        body = {**reply["message"], "response_type": "ephemeral",
                "replace_original": reply["replace_original"]}
        request = urllib.request.Request(
            reply["url"], data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json;charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.patience.timeout) as response:
                response.read()
        except HTTPError as error:
            return self._status(error.code, f"HTTP {error.code}", error.headers)
        return Attempt(SENT)

    def _api_error(self, error: SlackApiError) -> Attempt:
        response = error.response
        name = str(response.get("error") or f"HTTP {response.status_code}")
        if response.status_code != 200:
            return self._status(response.status_code, name, response.headers)
        if name in _NOT_DONE:
            return Attempt(NOT_SENT, error=name)
        if name in _MAYBE_DONE:
            return Attempt(MAYBE_SENT, error=name)
        return Attempt(REFUSED, error=name)

    def _status(self, status: int, name: str, headers: Any) -> Attempt:
        if status == 429:
            return Attempt(NOT_SENT, error=name, wait=self._retry_after(headers))
        if status == 503:  # "unavailable": turned away before being worked on
            return Attempt(NOT_SENT, error=name)
        if status >= 500:
            return Attempt(MAYBE_SENT, error=name)
        return Attempt(REFUSED, error=name)

    def _retry_after(self, headers: Any) -> float:
        value = ""
        for key, item in dict(headers or {}).items():
            if key.lower() == "retry-after":
                value = item[0] if isinstance(item, list) else item
        try:
            wait = float(value)
        except (TypeError, ValueError):
            wait = 1.0
        return min(max(wait, 0.0), self.patience.retry_after_cap)

    def look(self, reply: dict[str, Any], job_id: str) -> tuple[str, str]:
        """(FOUND and the message's ts | NOT_FOUND | LOOK_LATER | CANNOT_LOOK, "")."""
        if reply["via"] != "post":
            return CANNOT_LOOK, ""
        try:
            if reply["thread_ts"]:
                response = self.client.conversations_replies(
                    channel=reply["channel"], ts=reply["thread_ts"], limit=1000,
                    include_all_metadata=True)
            else:
                response = self.client.conversations_history(
                    channel=reply["channel"], oldest=reply["after_ts"] or None, limit=1000,
                    include_all_metadata=True)
        except SlackApiError as error:
            attempt = self._api_error(error)
            if attempt.verdict == REFUSED:  # missing_scope, channel_not_found, …
                log.warning("cannot check whether answer %s was posted: %s", job_id,
                            attempt.error)
                return CANNOT_LOOK, ""
            return LOOK_LATER, ""
        except (SlackClientError, OSError, HTTPException, ValueError):
            return LOOK_LATER, ""
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == MARK and \
                    (metadata.get("event_payload") or {}).get("job") == job_id:
                return FOUND, str(message.get("ts") or "")
        return NOT_FOUND, ""


def _transport_error(error: Exception) -> Attempt:
    """No HTTP answer. Refused or unresolvable connections never reached Slack; a timeout
    or a dropped connection may have come after Slack acted."""
    name = f"{type(error).__name__}: {error}"[:200]
    reason = error.reason if isinstance(error, URLError) else error
    if isinstance(reason, ConnectionRefusedError | socket.gaierror):
        return Attempt(NOT_SENT, error=name)
    return Attempt(MAYBE_SENT, error=name)
