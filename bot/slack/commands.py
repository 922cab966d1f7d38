"""The slash command (`/jobs`, setting SLASH_COMMAND): `/jobs 질문` answers, and a first
word naming a subcommand runs it instead. Subcommands are a dict, so a new one (digest,
reload) is a function and one entry. Replies are ephemeral, through the response_url,
sent after the ack (worker.py): a reload or a report may take its time."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.messages import slack_texts

from .asking import conversation_key
from .blocks import Message, help_message, notice_message, programs_message
from .delivery import Reply
from .deps import Deps
from .intake import Intake
from .text import to_plain

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommandRequest:
    deps: Deps
    args: str  # the text after the subcommand's name
    body: dict[str, Any]  # Slack's slash command payload (user_id, channel_id, …)


# A subcommand returns the reply, or None when it has replied by itself.
Subcommand = Callable[[CommandRequest], Message | None]


def _help(request: CommandRequest) -> Message:
    return help_message(request.deps.command)


def _programs(request: CommandRequest) -> Message:
    return programs_message(request.deps.asker.engine().kb.programs.values())


SUBCOMMANDS: dict[str, Subcommand] = {
    "help": _help, "도움말": _help,
    "programs": _programs, "목록": _programs,
}


def _reply(deps: Deps, body: dict[str, Any], table: Mapping[str, Subcommand]) -> Message | None:
    text = to_plain(body.get("text") or "")
    name, _, rest = text.partition(" ")
    handler = table.get(name.lower())
    if handler is not None:
        return handler(CommandRequest(deps, rest.strip(), body))
    # A slash command has no thread: its follow-ups are the same person's next commands
    # in the same channel.
    key = conversation_key(body.get("channel_id", ""), f"slash:{body.get('user_id', '')}")
    return deps.answer(text, key, show_question=True, user=body.get("user_id", ""),
                       channel=body.get("channel_id", ""))


def register(intake: Intake, deps: Deps,
             subcommands: Mapping[str, Subcommand] | None = None) -> None:
    table = {**SUBCOMMANDS, **(subcommands or {})}

    def on_command(body: dict[str, Any]) -> Reply | None:
        try:
            message = _reply(deps, body, table)
        except Exception as error:
            log.error("%s %r failed: %r", deps.command, body.get("text", "")[:200], error)
            log.debug("%s failed", deps.command, exc_info=True)
            message = notice_message(slack_texts("ko")["error"])
        if message is None or not body.get("response_url"):
            return None
        return Reply.respond(body["response_url"], message)

    intake.on_command(on_command)
