"""Clarify buttons: a click answers the original question for the picked program, where
the question was asked (the thread, the DM, or in place of an ephemeral reply)."""

from __future__ import annotations

from typing import Any

from bot.messages import slack_texts

from .asking import ConversationKey, conversation_key
from .blocks import CLARIFY_ACTION, notice_message, read_button_value
from .delivery import Reply
from .deps import Deps
from .intake import Intake


def _where(body: dict[str, Any]) -> tuple[str, str | None, bool, ConversationKey]:
    """(channel, thread_ts to answer in, ephemeral?, conversation) of a clicked message."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    message = body.get("message")
    if container.get("is_ephemeral") or message is None:
        # A slash command's reply: only the clicker sees it; same key as commands.py.
        user = (body.get("user") or {}).get("id", "")
        return channel, None, True, conversation_key(channel, f"slash:{user}")
    thread_ts = message.get("thread_ts")
    if channel.startswith("D"):  # a DM is one conversation
        return channel, thread_ts, False, conversation_key(channel)
    thread_ts = thread_ts or message.get("ts")
    return channel, thread_ts, False, conversation_key(channel, thread_ts)


def register(intake: Intake, deps: Deps) -> None:
    def on_clarify(body: dict[str, Any]) -> Reply | None:
        action = (body.get("actions") or [{}])[0]
        channel, thread_ts, ephemeral, key = _where(body)
        picked = read_button_value(action.get("value") or "")
        if picked is None:
            message = notice_message(slack_texts("ko")["button_invalid"])
        else:
            question, program_id = picked
            message = deps.answer(question, key, show_question=True, program_hint=program_id,
                                  user=(body.get("user") or {}).get("id", ""), channel=channel)
        if ephemeral:
            if not body.get("response_url"):
                return None
            return Reply.respond(body["response_url"], message, replace_original=True)
        container = body.get("container") or {}
        return Reply.post(channel, message, thread_ts=thread_ts,
                          after_ts=container.get("message_ts", ""))

    intake.on_action(CLARIFY_ACTION, on_clarify)
