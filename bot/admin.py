"""Admin actions shared by the Slack app and the CLI: reload the knowledge base with a
summary of the change, recorded in the bot's database."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from bot.core.diff import Summary, compare, render
from bot.core.store import KnowledgeStore
from bot.curation import record_reload
from bot.records import Records

MAX_ERRORS_SHOWN = 30
_reload_lock = threading.Lock()


@dataclass(frozen=True)
class ReloadOutcome:
    ok: bool
    text: str  # what the admin is told (Korean)
    summary: Summary | None
    errors: tuple[str, ...]


def reload_knowledge(store: KnowledgeStore, records: Records | None, user: str,
                     via: str) -> ReloadOutcome:
    """Validate and build off to the side, swap atomically, summarise, record. On
    validation errors the old knowledge base keeps serving and every error is reported
    with its file and line."""
    with _reload_lock:
        try:
            old = store.engine.kb
        except RuntimeError:
            old = None
        result = store.reload()
        if result.problems:
            errors = tuple(str(p) for p in result.problems)
            shown = list(errors[:MAX_ERRORS_SHOWN])
            if len(errors) > MAX_ERRORS_SHOWN:
                shown.append(f"… 외 {len(errors) - MAX_ERRORS_SHOWN}건")
            text = (f"지식베이스 검사에서 오류 {len(errors)}건이 나와 다시 불러오지 않았습니다. "
                    "이전 지식베이스로 계속 답합니다.\n" + "\n".join(shown))
            if records is not None:
                record_reload(records, user, via, "failed", errors=list(errors))
            return ReloadOutcome(False, text, None, errors)
        summary = compare(old, result.engine.kb)
        text = "지식베이스를 다시 불러왔습니다.\n" + render(summary)
        if records is not None:
            record_reload(records, user, via, "ok", render(summary), summary.to_dict())
        return ReloadOutcome(True, text, summary, ())
