"""Mentions in channels and direct messages: answered in the question's thread (a DM as
one conversation), with the thread's or DM's context for follow-ups."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from .asking import conversation_key
from .deps import Deps
from .text import strip_mention, to_plain

# Message subtypes that are still a person writing; the rest (message_changed, bot_message,
# channel_join, …) are not questions.
_PERSON_SUBTYPES = (None, "thread_broadcast", "file_share")


def _from_person(event: dict[str, Any], bot_user_id: str | None) -> bool:
    return (event.get("subtype") in _PERSON_SUBTYPES
            and not event.get("bot_id")
            and "edited" not in event  # an edit re-sends the mention; it was answered
            and bool(event.get("user"))
            and event.get("user") != bot_user_id)


def _question(event: dict[str, Any], bot_user_id: str | None) -> str:
    return to_plain(strip_mention(event.get("text") or "", bot_user_id))


def register(app: App, deps: Deps) -> None:
    @app.event("app_mention")
    def on_mention(event: dict[str, Any], context: BoltContext) -> None:
        if not _from_person(event, context.bot_user_id):
            return
        channel = event["channel"]
        thread_ts = event.get("thread_ts") or event["ts"]
        message = deps.answer(_question(event, context.bot_user_id),
                              conversation_key(channel, thread_ts), user=event["user"],
                              channel=channel)
        deps.poster.post(channel, message, thread_ts=thread_ts)

    @app.event("message")
    def on_direct_message(event: dict[str, Any], context: BoltContext) -> None:
        # Only DMs arrive here (the app subscribes to message.im alone); check anyway.
        if event.get("channel_type") != "im" or not _from_person(event, context.bot_user_id):
            return
        channel = event["channel"]
        message = deps.answer(_question(event, context.bot_user_id), conversation_key(channel),
                              user=event["user"], channel=channel)
        # A DM is one conversation: answer where the question is (a thread if it is in one).
        deps.poster.post(channel, message, thread_ts=event.get("thread_ts"))
