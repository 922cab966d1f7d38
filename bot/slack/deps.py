"""What every listener needs, built once by build_app and handed to each register()."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from bot.curation import record_question
from bot.messages import slack_texts
from bot.records import Records

from .asking import Asker, ConversationKey
from .blocks import Message, answer_message, help_message, notice_message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deps:
    asker: Asker
    command: str  # the slash command's name, e.g. "/jobs" (help text shows it)
    records: Records | None = None  # where questions are recorded for the curation loop
    admins: frozenset[str] = frozenset()  # Slack user IDs allowed to reload, see reports
    bot_user_id: str | None = None  # the bot's own user (auth.test): its mentions, its posts

    def answer(self, question: str, key: ConversationKey | None, *,
               show_question: bool = False, program_hint: str | None = None,
               user: str = "", channel: str = "") -> Message:
        """The message answering `question`: help for an empty question, an apology if the
        engine fails (the failure is logged; the person is not left waiting)."""
        if not question.strip():
            return help_message(self.command)
        try:
            answer = self.asker.ask(question, key, program_hint=program_hint)
            picked = self.asker.program_name(program_hint) if program_hint else None
        except Exception as error:
            log.error("answering %r failed: %r", question[:200], error)
            log.debug("answering failed", exc_info=True)
            return notice_message(slack_texts("ko")["error"])
        question_id = self._record(question, answer, user, channel)
        feedback = question_id if answer.status == "answered" else None
        return answer_message(answer, question, show_question=show_question,
                              program_name=picked, feedback_id=feedback)

    def _record(self, question: str, answer, user: str, channel: str) -> int | None:
        """Every question is recorded (unanswered ones feed the admins' report; answered
        ones carry 👍/👎). A failing record (a full disk) is logged once: the answer still
        goes out."""
        if self.records is None:
            return None
        try:
            question_id = record_question(self.records, question, answer, user, channel)
        except sqlite3.Error as error:
            self.records.trouble.failed(error)
            return None
        self.records.trouble.ok()
        return question_id
