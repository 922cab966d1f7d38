"""How facts are written in an answer: one line per fact, in the asker's language, with the
figure, its unit and its period; and the source lines that quote the report."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .answer import Source, money, number, quote_text
from .model import Fact, KnowledgeBase, Program

MAX_SOURCES = 3
SHORT_QUOTE = 100  # characters of a report's quote in a short answer's source line
FIGURES = ("total", "national", "city", "district", "value", "target", "actual", "rate")
_YEAR_ROW = re.compile(r"(?:19|20)\d\d\s*년?")


class Renderer:
    def __init__(self, kb: KnowledgeBase, report_rank: dict[str, int]):
        self.kb = kb
        self.report_rank = report_rank

    # ---- sources -----------------------------------------------------------------------

    def sources(self, facts: Iterable[Fact]) -> tuple[Source, ...]:
        seen, out = set(), []
        for fact in facts:
            quote = quote_text(fact.quotes)
            if (fact.report, quote) in seen:  # two figures of one table line: cited once
                continue
            seen.add((fact.report, quote))
            report = self.kb.reports.get(fact.report)
            out.append(Source(report=fact.report, title=report.title if report else fact.report,
                              date=report.date if report else "", quote=quote))
        return tuple(out)

    def source_lines(self, facts: list[Fact], t: dict) -> list[str]:
        lines = []
        for source in self.sources(facts)[:MAX_SOURCES]:
            report = self.kb.reports.get(source.report)
            lines.append(t["source"].format(report=report.short if report else source.report,
                                            date=source.date, quote=source.quote))
        return lines

    def short_source_lines(self, facts: list[Fact], t: dict,
                           asked: str | None = None) -> list[str]:
        """One line per report, quoting only the lines that hold the figures shown (with
        the table's header line when the row alone does not say the year)."""
        by_report: dict[str, list[str]] = {}
        for fact in facts:
            if fact.report not in by_report and len(by_report) == MAX_SOURCES:
                continue
            lines = by_report.setdefault(fact.report, [])
            for line in held_lines(fact, asked if fact is facts[0] else None):
                if line not in lines:
                    lines.append(line)
        out = []
        for report_id, lines in by_report.items():
            report = self.kb.reports.get(report_id)
            out.append(t["source"].format(
                report=report.short if report else report_id,
                date=report.date if report else "",
                quote=quote_text(tuple(lines), SHORT_QUOTE)))
        return out

    def report_label(self, fact: Fact) -> tuple[str, str]:
        report = self.kb.reports.get(fact.report)
        return (report.short if report else fact.report), (report.date if report else "")

    def other_report(self, other: Fact, primary: Fact, line: str, t: dict) -> str:
        """A line from another report than the answer's own, said to be earlier or later."""
        if other.report == primary.report:
            return line
        label, date = self.report_label(other)
        newer = self.report_rank.get(other.report, 0) > self.report_rank.get(primary.report, 0)
        return t["later" if newer else "earlier"].format(report=label, date=date, text=line)

    # ---- one line per fact -------------------------------------------------------------

    def line(self, program: Program, fact: Fact, t: dict, source: str | None = None,
             notes: frozenset[str] | None = None) -> str:
        """The fact in one line. Given `notes` (a line under the answer's first), curator
        notes already said are not repeated and amounts go without the conversion."""
        if fact.type == "budget":
            return self.budget(program, fact, t, source, notes)
        if fact.type == "metric":
            return self.metric(program, fact, t, notes)
        if fact.type == "milestone":
            return self.milestone(fact, t)
        return self.info(program, fact, t)

    @staticmethod
    def prefix(fact: Fact) -> str:
        subject = fact.get("subject")
        return f"[{subject}] " if subject else ""

    def budget(self, program: Program, fact: Fact, t: dict, source: str | None = None,
               notes: frozenset[str] | None = None) -> str:
        unit = fact.get("unit")
        # Lines under the first (`notes` given) do without the friendly conversion.
        def amount(value: float) -> str:
            return money(value, unit, t) if notes is None else f"{number(value)}{unit}"

        total = amount(fact.get("total"))
        stage = t["stage"].get(fact.get("stage"), fact.get("stage"))
        if fact.get("label") and fact.get("year") is None:
            line = t["budget_label_line"].format(program=program.short,
                                                 label=fact.get("label"), amount=total)
        elif source and fact.get(source) is not None:
            line = t["budget_source_line"].format(
                program=program.short, year=t["year"].format(y=fact.get("year")),
                source=t["source_name"][source], stage=stage,
                amount=amount(fact.get(source)), total=total)
            if fact.get("ratio"):
                line += f" ({t['ratio'].format(ratio=fact.get('ratio'))})"
            return self.prefix(fact) + line
        else:
            if fact.get("label"):
                stage = f"{stage}, {fact.get('label')}"
            line = t["budget_line"].format(program=program.short,
                                           year=t["year"].format(y=fact.get("year")),
                                           stage=stage, amount=total)
        parts = {k: fact.get(k) for k in ("national", "city", "district")}
        if any(v is not None for v in parts.values()):
            shown = [f"{t['source_name'][k]} {number(v)}{unit}" for k, v in parts.items()
                     if v is not None]
            line += " — " + ", ".join(shown)
        if fact.get("ratio"):
            line += f" ({t['ratio'].format(ratio=fact.get('ratio'))})"
        if note_text(fact, notes):
            line += f" ({note_text(fact, notes)})"
        return self.prefix(fact) + line

    def period(self, fact: Fact, t: dict) -> str:
        parts = []
        if fact.get("year"):
            parts.append(t["year"].format(y=fact.get("year")))
        if fact.get("half"):
            parts.append(t["half"][fact.get("half")])
        if fact.get("quarter"):
            parts.append(t["quarter"].format(q=fact.get("quarter")))
        return " ".join(parts)

    def metric(self, program: Program, fact: Fact, t: dict,
               notes: frozenset[str] | None = None) -> str:
        unit = fact.get("unit", "")
        values = []
        if fact.get("value") is not None:
            v = f"{number(fact.get('value'))}{unit}"
            values.append(t["metric_plan"].format(v=v) if fact.get("stage") == "plan" else v)
        if fact.get("target") is not None:
            values.append(t["metric_target"].format(v=f"{number(fact.get('target'))}{unit}"))
        if fact.get("actual") is not None:
            values.append(t["metric_actual"].format(v=f"{number(fact.get('actual'))}{unit}"))
        if fact.get("rate") is not None:
            values.append(t["metric_rate"].format(v=number(fact.get("rate"))))
        group = fact.get("group")
        if group:
            group = group if group.endswith("층") or t["lang"] != "ko" else \
                t["group"].format(g=group)
        head = " ".join(x for x in (self.period(fact, t), group,
                                    fact.get("label") or fact.get("name")) if x)
        extra = []
        if fact.get("as_of"):
            extra.append(t["as_of"].format(d=fact.get("as_of")))
        if note_text(fact, notes):
            extra.append(note_text(fact, notes))
        tail = f" ({', '.join(extra)})" if extra else ""
        return f"{self.prefix(fact)}{program.short} {head}: {', '.join(values)}{tail}"

    def milestone(self, fact: Fact, t: dict) -> str:
        when = date_text(fact.get("start"), t)
        if fact.get("end"):
            end = date_text(fact.get("end"), t)
            if fact.get("end")[:4] == fact.get("start")[:4] and t["lang"] == "ko":
                end = end.split(" ", 1)[-1] if " " in end else end
            when += f"~{end}"
        elif fact.get("ongoing"):
            when += f" {t['ongoing']}"
        return f"{when}: {self.prefix(fact)}{fact.get('what')}"

    def info(self, program: Program, fact: Fact, t: dict) -> str:
        field = fact.get("field")
        if field == "team":
            return self.prefix(fact) + t["team_line"].format(
                program=program.short, text=fact.get("text"))
        if field == "other":
            return f"{self.prefix(fact)}{program.short}: {fact.get('text')}"
        return self.prefix(fact) + t["info_line"].format(
            program=program.short, field=t["field"].get(field, field), text=fact.get("text"))


def note_parts(fact: Fact) -> frozenset[str]:
    """The parts of a fact's curator note ("운영장소: 구청; 표에 연도 없음; …")."""
    return frozenset(p.strip() for p in (fact.get("note") or "").split(";") if p.strip())


def note_text(fact: Fact, shown: frozenset[str] | None) -> str:
    return "; ".join(p.strip() for p in (fact.get("note") or "").split(";")
                     if p.strip() and p.strip() not in (shown or ()))


def held_lines(fact: Fact, asked: str | None = None) -> list[str]:
    """The lines of a fact's quote that hold its figures (only the asked part's, when one
    is asked) and, for a table row without a year, the header line that names the years.
    A quote without figures (or whose figures are not found) is kept whole."""
    keys = [asked] if asked and fact.get(asked) is not None else \
        [k for k in FIGURES if fact.get(k) is not None][:1]
    lines = [re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", q)).strip() for q in fact.quotes]
    held: set[int] = set()
    for key in keys:
        wanted = {number(fact.get(key)), str(fact.get(key))}
        for n, line in enumerate(lines):
            if any(re.search(rf"(?<![\d,.]){re.escape(w)}(?![\d,])", line) for w in wanted):
                held.add(n)
                if fact.get("year") is not None and not _YEAR_ROW.search(line):
                    header = next((h for h in range(n - 1, -1, -1)
                                   if _YEAR_ROW.search(lines[h])), None)
                    if header is not None:
                        held.add(header)
                break
    return [lines[n] for n in sorted(held)] if held else lines


def period_rank(fact: Fact) -> tuple[int, float]:
    """Later periods sort higher; a quarter's figure is cumulative to its end."""
    year = fact.get("year") or 0
    if fact.get("quarter"):
        sub = fact.get("quarter") * 3.0
    elif fact.get("half") == 1:
        sub = 6.0
    elif fact.get("half") == 2:
        sub = 12.0
    else:
        sub = 12.5
    return year, sub


def date_text(value: str, t: dict) -> str:
    parts = value.split("-")
    if t["lang"] != "ko":
        return value
    out = f"{int(parts[0])}년"
    if len(parts) > 1:
        out += f" {int(parts[1])}월"
    if len(parts) > 2:
        out += f" {int(parts[2])}일"
    return out
