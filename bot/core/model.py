"""Plain data types of the knowledge base. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .places import Places

FACT_TYPES = ("budget", "metric", "milestone", "info")
BUDGET_STAGES = ("plan", "secured", "executed", "actual")
INFO_FIELDS = (
    "purpose", "content", "eligibility", "place", "hours", "period", "team", "contact",
    "staff", "method", "basis", "organizer", "form", "issue", "other",
)
PROGRAM_KINDS = ("program", "umbrella", "department")
GROUPS = ("청년", "중장년", "노년", "취약계층", "민간")


@dataclass(frozen=True)
class Report:
    id: str
    file: str
    title: str
    short: str
    date: str  # "YYYY-MM"
    headline_year: int
    text: str = field(repr=False, default="")
    aliases: tuple[str, ...] = ()  # what staff call it: "공약카드"


@dataclass(frozen=True)
class Fact:
    """One stated fact. `data` holds the type-specific keys exactly as curated."""

    program_id: str
    index: int  # position in its program file, for error messages and stable ids
    type: str
    report: str
    quotes: tuple[str, ...]
    data: dict[str, Any]
    line: int = 0  # line of its [[fact]] header in the file

    @property
    def id(self) -> str:
        return f"{self.program_id}#{self.index}"

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass(frozen=True)
class Program:
    id: str
    name: str
    short: str
    kind: str
    department: str
    aliases: tuple[str, ...]
    facts: tuple[Fact, ...]
    part_of: str | None = None
    parts: tuple[str, ...] = ()
    path: str = ""


@dataclass(frozen=True)
class KnowledgeBase:
    reports: dict[str, Report]
    programs: dict[str, Program]
    places: Places = field(default_factory=Places)

    @property
    def facts(self) -> list[Fact]:
        return [f for p in self.programs.values() for f in p.facts]

    def report_order(self) -> list[str]:
        """Report ids, oldest first (by date)."""
        return sorted(self.reports, key=lambda r: self.reports[r].date)


@dataclass(frozen=True)
class Problem:
    """A validation error, pointing at a file and line (1-based; 0 when unknown)."""

    file: str
    line: int
    where: str  # key path such as "fact[3].total"
    message: str

    def __str__(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line else self.file
        return f"{loc}: {self.where}: {self.message}" if self.where else f"{loc}: {self.message}"
