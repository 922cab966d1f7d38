"""A weekly digest as Block Kit: the title, one section per part (이번 주 일정, 예산, …) and
the reports it rests on; a preview adds a note and the "채널에 게시" button. Built from
render_text's lines, so Slack and `jobbot digest` say the same thing, within Slack's limits
(sections ≤ 3,000 characters, ≤ 50 blocks; the fallback text is cut like answers' are)."""

from __future__ import annotations

import json
from datetime import date

from bot.core.digest import Digest, render_text
from bot.messages import DIGEST

from .blocks import FALLBACK_LIMIT, MAX_BLOCKS, SECTION_LIMIT, Block, Message, _pack
from .text import escape, fit

POST_ACTION = "digest_post"  # action_id of the preview's button
_HEADING = "■ "
_BASED_ON = "근거:"


def _mrkdwn(text: str) -> dict[str, object]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def _parts(lines: list[str]) -> list[list[str]]:
    """render_text's body as parts, each a bold heading and its (escaped) lines."""
    parts: list[list[str]] = []
    for line in lines:
        if line.startswith(_HEADING):
            parts.append([f"*{fit(line.removeprefix(_HEADING), SECTION_LIMIT - 2)}*"])
        elif line.strip():
            if not parts:
                parts.append([])
            parts[-1].append(fit(line, SECTION_LIMIT))
    return parts


def button_value(scope: str, day: date) -> str:
    """What the post button carries: enough to compose the same digest again on a click,
    with no state on the server (a click after a restart works too)."""
    return json.dumps({"s": scope, "d": day.isoformat()}, ensure_ascii=False)


def read_button_value(value: str) -> tuple[str, date] | None:
    try:
        data = json.loads(value)
        scope, day = data["s"], date.fromisoformat(data["d"])
    except (ValueError, TypeError, KeyError):
        return None
    return (scope, day) if isinstance(scope, str) else None


def _post_button(digest: Digest, day: date) -> Block:
    week = f"{digest.week_start:%Y-%m-%d} 주"
    return {"type": "actions", "elements": [{
        "type": "button", "action_id": POST_ACTION, "style": "primary",
        "text": {"type": "plain_text", "text": DIGEST["post_button"], "emoji": False},
        "value": button_value(digest.scope, day),
        # A public post cannot be taken back by the bot's rules (once a week): ask first.
        "confirm": {
            "title": {"type": "plain_text", "text": DIGEST["confirm_title"]},
            "text": {"type": "plain_text",
                     "text": DIGEST["confirm_text"].format(scope=digest.scope, week=week)},
            "confirm": {"type": "plain_text", "text": DIGEST["confirm_yes"]},
            "deny": {"type": "plain_text", "text": DIGEST["confirm_no"]},
        },
    }]}


def digest_message(digest: Digest, *, preview_day: date | None = None) -> Message:
    """The digest as a message. With `preview_day` (the reference date it was composed
    for), it is a preview: a note and the button that posts it to the channel."""
    text = render_text(digest)
    lines = text.splitlines()
    title, body = lines[0], lines[1:]
    based_on = [line for line in body if line.startswith(_BASED_ON)]
    body = [line for line in body if not line.startswith(_BASED_ON)]
    sections = [_section(chunk) for part in _parts(body) for chunk in _pack(part)]
    tail = [_context(fit(line, SECTION_LIMIT)) for line in based_on]
    if preview_day is not None:
        tail += [_context(escape(DIGEST["preview_note"])), _post_button(digest, preview_day)]
    room = MAX_BLOCKS - 1 - len(tail)
    if len(sections) > room:
        # The tail (sources, the button) is what makes it usable: cut the body instead.
        dropped = sum(b["text"]["text"].count("\n") + 1 for b in sections[room - 1:])
        sections = [*sections[:room - 1], _context(escape(DIGEST["cut"].format(n=dropped)))]
    blocks = [_section(fit(title, SECTION_LIMIT)), *sections, *tail]
    return Message(fit(text, FALLBACK_LIMIT), blocks)
