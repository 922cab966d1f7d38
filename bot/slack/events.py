"""Mentions in channels and direct messages: answered in the question's thread (a DM as
one conversation), with the thread's or DM's context for follow-ups."""

from __future__ import annotations

from typing import Any

from .asking import conversation_key
from .delivery import Reply
from .deps import Deps
from .intake import Intake
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


def register(intake: Intake, deps: Deps) -> None:
    def on_mention(body: dict[str, Any]) -> Reply | None:
        event = body.get("event") or {}
        if not _from_person(event, deps.bot_user_id):
            return None
        channel = event["channel"]
        thread_ts = event.get("thread_ts") or event["ts"]
        message = deps.answer(_question(event, deps.bot_user_id),
                              conversation_key(channel, thread_ts), user=event["user"],
                              channel=channel)
        return Reply.post(channel, message, thread_ts=thread_ts)

    def on_direct_message(body: dict[str, Any]) -> Reply | None:
        event = body.get("event") or {}
        # Only DMs arrive here (the app subscribes to message.im alone); check anyway.
        if event.get("channel_type") != "im" or not _from_person(event, deps.bot_user_id):
            return None
        channel = event["channel"]
        message = deps.answer(_question(event, deps.bot_user_id), conversation_key(channel),
                              user=event["user"], channel=channel)
        # A DM is one conversation: answer where the question is (a thread if it is in one).
        return Reply.post(channel, message, thread_ts=event.get("thread_ts"),
                          after_ts=event.get("ts", ""))

    intake.on_event("app_mention", on_mention)
    intake.on_event("message", on_direct_message)
