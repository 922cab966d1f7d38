"""Sending messages. A post that still fails after the client's retries is logged and
dropped: one lost answer must never stop the app."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from .blocks import Message
from .client import TIMEOUT, retry_handlers

log = logging.getLogger(__name__)


class Poster:
    def __init__(self, client: WebClient):
        self.client = client

    def post(self, channel: str, message: Message, thread_ts: str | None = None) -> str | None:
        """chat.postMessage; the new message's ts, or None when it failed."""
        try:
            response = self.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, unfurl_links=False, unfurl_media=False,
                **message.kwargs())
        except SlackApiError as error:
            log.error("chat.postMessage to %s failed: %s", channel, error.response.get("error"))
            return None
        except (SlackClientError, OSError) as error:
            log.error("chat.postMessage to %s failed: %r", channel, error)
            return None
        return response.get("ts")

    def post_ephemeral(self, channel: str, user: str, message: Message) -> bool:
        """chat.postEphemeral: a note only `user` sees (e.g. thanks for feedback)."""
        try:
            self.client.chat_postEphemeral(channel=channel, user=user, **message.kwargs())
        except (SlackApiError, SlackClientError, OSError) as error:
            log.error("chat.postEphemeral to %s failed: %r", channel, error)
            return False
        return True

    def respond(self, response_url: str, message: Message, *, replace_original: bool = False,
                in_channel: bool = False) -> bool:
        """Answer through a slash command's or a button's response_url (ephemeral unless
        `in_channel`), with the same retries as the Web API."""
        body = {**message.kwargs(), "response_type": "in_channel" if in_channel else "ephemeral",
                "replace_original": replace_original}
        try:
            response = WebhookClient(response_url, timeout=TIMEOUT,
                                     retry_handlers=retry_handlers()).send_dict(body)
        except (SlackClientError, OSError) as error:
            log.error("response_url post failed: %r", error)
            return False
        if response.status_code != 200:
            log.error("response_url post failed: HTTP %s %s", response.status_code,
                      response.body[:200])
            return False
        return True
