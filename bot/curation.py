"""The curation loop's records: questions asked, feedback on answers, and knowledge reloads,
in the bot's own database (bot.records), apart from the compiled knowledge base.

Each record is one transaction, so a crash mid-write loses at most that record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from rapidfuzz import fuzz

from bot.core.answer import Answer
from bot.core.text import alias_key, to_jamo
from bot.records import Records, now

UNANSWERED = ("no_match", "no_data", "clarify")
SIMILAR = 82.0  # jamo similarity at which two questions count as the same question
# Requests that do not change what is asked ("주식 시세 알려줘" = "주식 시세").
_FILLERS = ("알려주세요", "알려줘요", "알려줘", "알려", "주세요", "얼마야", "얼마임", "뭐야",
            "어때", "있어", "해줘", "좀")


def _similarity_key(text: str) -> str:
    key = alias_key(text)
    for filler in _FILLERS:
        key = key.replace(filler, "")
    return to_jamo(key or alias_key(text))


def ensure_tables(records: Records) -> None:
    records.ensure_table("questions", {
        "id": int, "asked_at": str, "user": str, "channel": str, "text": str,
        "status": str, "program": str, "intent": str, "candidates": str, "answer": str,
    }, pk="id", indexes=("asked_at", "status"))
    records.ensure_table("feedback", {
        "id": int, "question_id": int, "user": str, "vote": int, "at": str,
    }, pk="id", indexes=("question_id",))
    records.ensure_table("reloads", {
        "id": int, "at": str, "user": str, "via": str, "result": str, "summary": str,
        "summary_json": str, "errors": str,
    }, pk="id", indexes=("at",))


def record_question(records: Records, text: str, answer: Answer, user: str = "",
                    channel: str = "") -> int:
    """Store a question and how it was answered; returns its id (for feedback buttons)."""
    candidates = json.dumps([c.id for c in answer.candidates], ensure_ascii=False)
    with records.transaction() as db:
        cursor = db.execute(
            "INSERT INTO questions (asked_at, user, channel, text, status, program, intent, "
            "candidates, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [now(), user, channel, text[:2000], answer.status, answer.program or "",
             answer.intent or "", candidates, answer.text[:4000]])
        return int(cursor.lastrowid)


def record_feedback(records: Records, question_id: int, user: str, vote: int) -> bool:
    """A 👍 (+1) or 👎 (-1); a second vote by the same user replaces the first."""
    with records.transaction() as db:
        exists = db.execute("SELECT 1 FROM questions WHERE id = ?", [question_id]).fetchone()
        if not exists:
            return False
        db.execute("DELETE FROM feedback WHERE question_id = ? AND user = ?",
                   [question_id, user])
        db.execute("INSERT INTO feedback (question_id, user, vote, at) VALUES (?, ?, ?, ?)",
                   [question_id, user, 1 if vote > 0 else -1, now()])
    return True


def record_reload(records: Records, user: str, via: str, result: str, summary: str = "",
                  summary_json: dict | None = None, errors: list[str] | None = None) -> int:
    with records.transaction() as db:
        cursor = db.execute(
            "INSERT INTO reloads (at, user, via, result, summary, summary_json, errors) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [now(), user, via, result, summary,
             json.dumps(summary_json or {}, ensure_ascii=False), "\n".join(errors or [])])
        return int(cursor.lastrowid)


def reload_history(records: Records, limit: int = 10) -> list[dict[str, Any]]:
    rows = records.db.execute(
        "SELECT id, at, user, via, result, summary, errors FROM reloads "
        "ORDER BY id DESC LIMIT ?", [limit]).fetchall()
    keys = ("id", "at", "user", "via", "result", "summary", "errors")
    return [dict(zip(keys, row, strict=True)) for row in rows]


@dataclass
class Group:
    """Similar questions the bot could not answer well, with how often they came."""

    text: str  # the most frequent wording
    count: int
    statuses: dict[str, int]
    examples: list[str]
    last_asked: str
    downvotes: int = 0


def unanswered(records: Records, days: int = 30, limit: int = 20) -> list[Group]:
    """The most frequent unanswered questions and 👎 answers of the last `days` days,
    similar wordings grouped, most frequent first."""
    since = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    rows = records.db.execute(
        "SELECT q.text, q.status, q.asked_at, "
        "  (SELECT COUNT(*) FROM feedback f WHERE f.question_id = q.id AND f.vote < 0) "
        "FROM questions q WHERE q.asked_at >= ? AND (q.status IN (?, ?, ?) OR EXISTS "
        "  (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.vote < 0)) "
        "ORDER BY q.asked_at", [since, *UNANSWERED]).fetchall()
    groups: list[tuple[str, Group, dict[str, int]]] = []  # (jamo key, group, wordings)
    for text, status, asked_at, down in rows:
        key = _similarity_key(text)
        label = "👎" if down else status
        found = next((entry for entry in groups if fuzz.ratio(key, entry[0]) >= SIMILAR),
                     None)
        if found is None:
            found = (key, Group(text, 0, {}, [], asked_at), {})
            groups.append(found)
        _, group, wordings = found
        group.count += 1
        group.statuses[label] = group.statuses.get(label, 0) + 1
        group.downvotes += 1 if down else 0
        group.last_asked = max(group.last_asked, asked_at)
        wordings[text] = wordings.get(text, 0) + 1
        if text not in group.examples and len(group.examples) < 3:
            group.examples.append(text)
        group.text = max(wordings, key=lambda w: wordings[w])
    ranked = sorted((g for _, g, _ in groups), key=lambda g: (-g.count, g.last_asked))
    return ranked[:limit]


def render_unanswered(groups: list[Group], days: int) -> str:
    if not groups:
        return f"최근 {days}일 동안 답하지 못한 질문이나 👎 받은 답이 없습니다."
    lines = [f"최근 {days}일 동안 답하지 못한 질문·👎 답변 (비슷한 질문끼리 묶음):"]
    for n, group in enumerate(groups, 1):
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(group.statuses.items()))
        lines.append(f"{n}. “{group.text}” — {group.count}회 ({kinds}), "
                     f"마지막 {group.last_asked[:16].replace('T', ' ')}")
        others = [e for e in group.examples if e != group.text]
        if others:
            lines.append("   비슷한 질문: " + " / ".join(f"“{e}”" for e in others))
    return "\n".join(lines)


def render_undelivered(records: Records, days: int) -> str:
    """Answers that never reached Slack in the last `days` days (bot.slack.jobs), for the
    same report; empty when there are none."""
    from bot.messages import slack_texts
    from bot.slack.jobs import undelivered

    rows = undelivered(records, days)
    if not rows:
        return ""
    t = slack_texts("ko")
    lines = [t["undelivered_head"].format(n=len(rows))]
    for row in rows[:20]:
        lines.append(t["undelivered_line"].format(
            at=row["at"][:16].replace("T", " "), user=row["user"] or "-",
            text=" ".join(row["text"].split())[:80] or row["kind"],
            state=t["undelivered_state"][row["state"]], error=row["error"] or "-"))
    return "\n".join(lines)
