"""Block Kit messages: an Answer (body, source line, clarify buttons), help, the program
list. Everything from people or reports is escaped; everything stays within Slack's limits
(a section's text ≤ 3,000 characters, ≤ 50 blocks): long text is split into sections, and
what still does not fit is cut with a note saying how much."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.core.answer import Answer
from bot.core.model import Program
from bot.messages import KO, slack_texts, texts

from .text import escape, fit

SECTION_LIMIT = 3000  # characters of a section's or a context element's text
MAX_BLOCKS = 50
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTONS = 25  # per actions block
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
FALLBACK_LIMIT = 3000  # the notification / fallback text; Slack allows more, nobody reads it
CLARIFY_ACTION = "clarify"  # action_id prefix of the clarify buttons: "clarify:0", …
FEEDBACK_ACTION = "feedback"  # action_ids "feedback:up" / "feedback:down"; value: question id

Block = dict[str, Any]


@dataclass(frozen=True)
class Message:
    text: str  # plain-text fallback (notifications, old clients), already escaped
    blocks: list[Block]

    def kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack must not turn words into links or mentions on its own.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(texts_: Iterable[str]) -> Block:
    return {"type": "context", "elements": [_mrkdwn(t) for t in texts_]}


def _pack(lines: list[str], limit: int = SECTION_LIMIT) -> list[str]:
    """Safe mrkdwn lines (each ≤ limit) joined into as few chunks ≤ limit as will do."""
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks


def _lines_in(block: Block) -> int:
    if block["type"] == "section":
        return block["text"]["text"].count("\n") + 1
    return len(block.get("elements", ()))


def _assemble(head: list[Block], body_lines: list[str], tail: list[Block],
              lang: str) -> list[Block]:
    """head + body sections + tail, cutting body sections (with a note) past 50 blocks.
    The tail (source, buttons) is what makes an answer usable, so it is never cut."""
    body = [_section(chunk) for chunk in _pack(body_lines)]
    room = MAX_BLOCKS - len(head) - len(tail)
    if len(body) > room:
        kept, dropped = body[:room - 1], body[room - 1:]
        note = slack_texts(lang)["cut"].format(n=sum(_lines_in(b) for b in dropped))
        body = [*kept, _context([escape(note)])]
    return [*head, *body, *tail]


def _clarify_buttons(answer: Answer, question: str) -> list[Block]:
    buttons = []
    for n, candidate in enumerate(answer.candidates):
        buttons.append({
            "type": "button",
            "action_id": f"{CLARIFY_ACTION}:{n}",
            "text": {"type": "plain_text", "text": candidate.short[:BUTTON_TEXT_LIMIT],
                     "emoji": False},
            "value": button_value(question, candidate.id),
        })
    return [{"type": "actions", "elements": buttons[i:i + MAX_BUTTONS]}
            for i in range(0, len(buttons), MAX_BUTTONS)]


def button_value(question: str, program_id: str) -> str:
    """What a clarify button carries: the original question and the program, so a click
    needs no server-side state (it works after a restart too)."""
    value = json.dumps({"q": question, "p": program_id}, ensure_ascii=False)
    while len(value) > BUTTON_VALUE_LIMIT:
        question = question[:len(question) - (len(value) - BUTTON_VALUE_LIMIT)]
        value = json.dumps({"q": question, "p": program_id}, ensure_ascii=False)
    return value


def read_button_value(value: str) -> tuple[str, str] | None:
    """(question, program id) from a clarify button, or None if it is not one of ours."""
    try:
        data = json.loads(value)
        question, program_id = data["q"], data["p"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(question, str) or not isinstance(program_id, str):
        return None
    return question, program_id


def split_sources(answer: Answer) -> tuple[list[str], list[str]]:
    """The answer's text as (body lines, source lines). The engine ends its text with one
    "출처: …" line per source; those go to the context line under the answer."""
    prefix = texts(answer.lang)["source"].split("{", 1)[0]
    body, sources = [], []
    for line in answer.text.splitlines():
        (sources if line.startswith(prefix) else body).append(line)
    return body, sources


def feedback_buttons(question_id: int) -> Block:
    """👍 / 👎 under an answer; the value is the recorded question's id."""
    t = slack_texts("ko")
    return {"type": "actions", "elements": [
        {"type": "button", "action_id": f"{FEEDBACK_ACTION}:{kind}", "value": str(question_id),
         "text": {"type": "plain_text", "text": t[f"feedback_{kind}"], "emoji": True}}
        for kind in ("up", "down")]}


def answer_message(answer: Answer, question: str, *, show_question: bool = False,
                   program_name: str | None = None,
                   feedback_id: int | None = None) -> Message:
    """An answer as Block Kit. `show_question` quotes the question above the answer (where
    Slack does not show it: slash commands, button clicks); `program_name` is the program
    a clarify button picked."""
    t = slack_texts(answer.lang)
    head: list[Block] = []
    if show_question:
        line = t["picked"].format(question=question, program=program_name) if program_name \
            else t["question"].format(question=question)
        head.append(_context([fit(line, SECTION_LIMIT)]))
    body, sources = split_sources(answer)
    tail: list[Block] = []
    if sources:
        lines = [fit(s, SECTION_LIMIT) for s in sources[:MAX_CONTEXT_ELEMENTS]]
        tail.append(_context(lines))
    if answer.status == "clarify" and answer.candidates:
        tail.extend(_clarify_buttons(answer, question))
    if feedback_id is not None:
        tail.append(feedback_buttons(feedback_id))
    blocks = _assemble(head, [fit(line, SECTION_LIMIT) for line in body if line.strip()],
                       tail, answer.lang)
    return Message(fit(answer.text, FALLBACK_LIMIT), blocks)


def notice_message(text: str) -> Message:
    """A plain notice (help, errors) as one or more sections."""
    lines = [fit(line, SECTION_LIMIT) for line in text.splitlines() if line.strip()]
    return Message(fit(text, FALLBACK_LIMIT), _assemble([], lines, [], "ko"))


def help_message(command: str) -> Message:
    usage = slack_texts("ko")["help_usage"].replace("{command}", escape(command))
    lines = [fit(line, SECTION_LIMIT) for line in KO["help"].splitlines()]
    lines.append(usage)  # already safe: the template's `code` marks are wanted
    text = KO["help"] + "\n" + slack_texts("ko")["help_usage"].format(command=command)
    return Message(fit(text, FALLBACK_LIMIT), _assemble([], lines, [], "ko"))


def programs_message(programs: Iterable[Program]) -> Message:
    """Every program with the short name people can type, grouped by department."""
    t = slack_texts("ko")
    by_department: dict[str, list[Program]] = {}
    for program in programs:
        by_department.setdefault(program.department, []).append(program)
    count = sum(len(ps) for ps in by_department.values())
    lines = [escape(t["programs_head"].format(n=count))]
    plain = [t["programs_head"].format(n=count)]
    for department, members in by_department.items():
        lines.append(t["department_head"].format(department=escape(department)))
        for p in sorted(members, key=lambda p: p.short):
            lines.append(t["program_line"].format(short=escape(p.short), name=escape(p.name)))
            plain.append(f"{p.short} — {p.name}")
    return Message(fit("\n".join(plain), FALLBACK_LIMIT), _assemble([], lines, [], "ko"))
