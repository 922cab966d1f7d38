"""The Answer value and how figures are written."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("answered", "clarify", "no_data", "no_match")


@dataclass(frozen=True)
class Source:
    report: str  # report id
    title: str
    date: str
    quote: str  # the quoted lines, joined with " / "


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    short: str


@dataclass(frozen=True)
class Answer:
    status: str
    text: str
    program: str | None = None
    intent: str | None = None
    candidates: tuple[Candidate, ...] = ()
    sources: tuple[Source, ...] = ()
    facts: tuple[str, ...] = ()
    lang: str = "ko"
    # The whole answer: every companion line and the full quotes ("자세히", --verbose).
    detail: str = ""
    # Conversation state for the next question (the parsed query); not serialised.
    context: Any = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("context")
        data["candidates"] = [asdict(c) for c in self.candidates]
        data["sources"] = [asdict(s) for s in self.sources]
        data["facts"] = list(self.facts)
        return data


def number(value: float | int) -> str:
    """1234567 -> '1,234,567'; 91.5 -> '91.5'; 59.0 -> '59'."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def money(value: float | int, unit: str, texts: dict) -> str:
    """The amount in the source's unit, with a friendly conversion after it."""
    won = {"천원": 1_000, "백만원": 1_000_000, "원": 1}.get(unit, 0) * value
    shown = f"{number(value)}{unit}"
    if unit == "원" or won < 10_000:
        return shown
    if texts.get("lang") == "en":
        if won >= 1_000_000_000:
            return f"{shown} (about KRW {_short(won / 1_000_000_000)} billion)"
        return f"{shown} (about KRW {_short(won / 1_000_000)} million)"
    if won >= 100_000_000:
        eok = won / 100_000_000
        n = _short(eok) if eok < 100 else number(round(eok))
        return f"{shown} ({texts['approx_eok'].format(n=n)})"
    return f"{shown} ({texts['approx_man'].format(n=number(round(won / 10_000)))})"


def _short(value: float) -> str:
    """One decimal, without a trailing .0: 22.26 -> '22.3', 20.0 -> '20'."""
    return f"{value:,.1f}".removesuffix(".0")


def quote_text(quotes: tuple[str, ...], limit: int = 280) -> str:
    text = " / ".join(re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", q)).strip() for q in quotes)
    return text if len(text) <= limit else text[: limit - 1] + "…"
