"""Admin features in Slack: `/jobs reload [history]`, `/jobs unanswered [days]`, and the
👍/👎 buttons under answers. Who is an admin: ADMIN_USER_IDS. Every reload attempt,
refused ones included, is recorded."""

from __future__ import annotations

from typing import Any

from bot.admin import reload_knowledge
from bot.core.store import KnowledgeStore
from bot.curation import (
    ensure_tables,
    record_feedback,
    record_reload,
    reload_history,
    render_unanswered,
    render_undelivered,
    unanswered,
)
from bot.messages import slack_texts
from bot.records import Records

from .blocks import FEEDBACK_ACTION, Message, notice_message
from .commands import CommandRequest, Subcommand
from .delivery import Reply
from .deps import Deps
from .intake import Intake

DEFAULT_DAYS = 30
HISTORY = 10


def subcommands(deps: Deps, store: KnowledgeStore | None,
                records: Records) -> dict[str, Subcommand]:
    ensure_tables(records)
    t = slack_texts("ko")

    def is_admin(request: CommandRequest) -> bool:
        return request.body.get("user_id", "") in deps.admins

    def reload(request: CommandRequest) -> Message:
        user = request.body.get("user_id", "")
        if request.args.strip().lower() in ("history", "기록", "내역"):
            if not is_admin(request):
                return notice_message(t["admin_only"])
            return notice_message(_history(records))
        if not is_admin(request):
            record_reload(records, user, "slack", "refused")
            return notice_message(t["admin_only"])
        if store is None:
            return notice_message(t["reload_unavailable"])
        return notice_message(reload_knowledge(store, records, user, "slack").text)

    def report(request: CommandRequest) -> Message:
        if not is_admin(request):
            return notice_message(t["admin_only"])
        arg = request.args.strip()
        days = int(arg) if arg.isdigit() and 0 < int(arg) <= 3650 else DEFAULT_DAYS
        text = render_unanswered(unanswered(records, days), days)
        return notice_message("\n\n".join(filter(None, [text,
                                                          render_undelivered(records, days)])))

    return {"reload": reload, "다시불러오기": reload, "unanswered": report, "미답변": report}


def _history(records: Records) -> str:
    rows = reload_history(records, HISTORY)
    if not rows:
        return slack_texts("ko")["reload_history_empty"]
    lines = [slack_texts("ko")["reload_history_head"].format(n=len(rows))]
    for row in rows:
        first = (row["summary"] or row["errors"] or "").splitlines()[:1]
        lines.append(f"· {row['at'][:16].replace('T', ' ')} {row['user'] or '-'} "
                     f"({row['via']}) {row['result']}" + (f" — {first[0]}" if first else ""))
    return "\n".join(lines)


def register(intake: Intake, deps: Deps, records: Records) -> None:
    ensure_tables(records)

    def on_feedback(body: dict[str, Any]) -> Reply | None:
        action = (body.get("actions") or [{}])[0]
        user = (body.get("user") or {}).get("id", "")
        vote = 1 if action.get("action_id", "").endswith(":up") else -1
        value = action.get("value") or ""
        ok = value.isdigit() and record_feedback(records, int(value), user, vote)
        t = slack_texts("ko")
        channel = (body.get("container") or {}).get("channel_id") or (
            body.get("channel") or {}).get("id", "")
        if not (channel and user):
            return None
        return Reply.ephemeral(channel, user, notice_message(
            t["feedback_thanks"] if ok else t["button_invalid"]))

    intake.on_action(FEEDBACK_ACTION, on_feedback)
