"""What changed between two knowledge bases: the summary an admin sees after a reload."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from .model import Fact, KnowledgeBase, Program

# The keys that say *which* fact it is; the others are its content.
_IDENTITY = {
    "budget": ("year", "stage", "label", "subject"),
    "metric": ("name", "year", "half", "quarter", "group", "subject", "label"),
    "milestone": ("start", "subject", "what"),
    "info": ("field", "subject", "text"),
}


@dataclass(frozen=True)
class Change:
    program: str
    what: str  # short Korean description


@dataclass(frozen=True)
class Summary:
    programs_added: tuple[str, ...] = ()
    programs_removed: tuple[str, ...] = ()
    programs_changed: tuple[str, ...] = ()
    facts_added: int = 0
    facts_removed: int = 0
    facts_changed: int = 0
    details: tuple[Change, ...] = ()  # a short diff, first changes first
    more: int = 0  # changes left out of details
    programs: int = 0
    facts: int = 0
    old_programs: int = 0
    old_facts: int = 0

    @property
    def unchanged(self) -> bool:
        return not (self.programs_added or self.programs_removed or self.programs_changed)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["details"] = [asdict(d) for d in self.details]
        return data


def _fact_key(fact: Fact) -> tuple:
    keys = _IDENTITY[fact.type]
    return (fact.type, fact.report, *(json.dumps(fact.get(k), ensure_ascii=False)
                                      for k in keys))


def _fact_label(fact: Fact) -> str:
    parts = [fact.get(k) for k in _IDENTITY[fact.type] if fact.get(k) is not None]
    return f"{fact.type} " + " ".join(str(p) for p in parts)[:60]


def _content(fact: Fact) -> str:
    return json.dumps({"data": fact.data, "quotes": fact.quotes}, ensure_ascii=False,
                      sort_keys=True)


def _program_meta(program: Program) -> dict[str, Any]:
    return {"name": program.name, "short": program.short, "kind": program.kind,
            "department": program.department, "part_of": program.part_of,
            "parts": list(program.parts)}


def compare(old: KnowledgeBase | None, new: KnowledgeBase, limit: int = 12) -> Summary:
    old_programs = old.programs if old else {}
    added = sorted(set(new.programs) - set(old_programs))
    removed = sorted(set(old_programs) - set(new.programs))
    changed: list[str] = []
    details: list[Change] = [Change(p, "사업 추가") for p in added]
    details += [Change(p, "사업 삭제") for p in removed]
    n_added = sum(len(new.programs[p].facts) for p in added)
    n_removed = sum(len(old_programs[p].facts) for p in removed)
    n_changed = 0
    for pid in sorted(set(new.programs) & set(old_programs)):
        before, after = old_programs[pid], new.programs[pid]
        notes: list[str] = []
        lost = [a for a in before.aliases if a not in after.aliases]
        gained = [a for a in after.aliases if a not in before.aliases]
        notes += [f"별칭 삭제: {a}" for a in lost] + [f"별칭 추가: {a}" for a in gained]
        if _program_meta(before) != _program_meta(after):
            notes.append("사업 정보 변경")
        old_facts = {_fact_key(f): f for f in before.facts}
        new_facts = {_fact_key(f): f for f in after.facts}
        for key in new_facts.keys() - old_facts.keys():
            notes.append(f"사실 추가: {_fact_label(new_facts[key])}")
            n_added += 1
        for key in old_facts.keys() - new_facts.keys():
            notes.append(f"사실 삭제: {_fact_label(old_facts[key])}")
            n_removed += 1
        for key in new_facts.keys() & old_facts.keys():
            if _content(new_facts[key]) != _content(old_facts[key]):
                notes.append(f"사실 변경: {_fact_label(new_facts[key])}"
                             f"{_figure_change(old_facts[key], new_facts[key])}")
                n_changed += 1
        if notes:
            changed.append(pid)
            details += [Change(pid, note) for note in sorted(notes)]
    return Summary(
        programs_added=tuple(added), programs_removed=tuple(removed),
        programs_changed=tuple(changed), facts_added=n_added, facts_removed=n_removed,
        facts_changed=n_changed, details=tuple(details[:limit]),
        more=max(0, len(details) - limit),
        programs=len(new.programs), facts=len(new.facts),
        old_programs=len(old_programs), old_facts=len(old.facts) if old else 0)


def _figure_change(before: Fact, after: Fact) -> str:
    moved = [f"{k} {before.get(k)}→{after.get(k)}" for k in
             ("total", "national", "city", "district", "value", "target", "actual", "rate")
             if before.get(k) != after.get(k)]
    return f" ({', '.join(moved)})" if moved else ""


def render(summary: Summary) -> str:
    s = summary
    lines = [f"사업 {s.old_programs}→{s.programs}개, 사실 {s.old_facts}→{s.facts}건"]
    if s.unchanged:
        lines.append("바뀐 내용이 없습니다.")
        return "\n".join(lines)
    lines.append(f"사업: 추가 {len(s.programs_added)}, 삭제 {len(s.programs_removed)}, "
                 f"변경 {len(s.programs_changed)} / 사실: 추가 {s.facts_added}, "
                 f"삭제 {s.facts_removed}, 변경 {s.facts_changed}")
    lines += [f"· {c.program}: {c.what}" for c in s.details]
    if s.more:
        lines.append(f"… 외 {s.more}건")
    return "\n".join(lines)
