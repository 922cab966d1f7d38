"""How facts are written in an answer: one line per fact, in the asker's language, with the
figure, its unit and its period; and the source lines that quote the report."""

from __future__ import annotations

from collections.abc import Iterable

from .answer import Source, money, number, quote_text
from .model import Fact, KnowledgeBase, Program

MAX_SOURCES = 3


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

    def line(self, program: Program, fact: Fact, t: dict, source: str | None = None) -> str:
        if fact.type == "budget":
            return self.budget(program, fact, t, source)
        if fact.type == "metric":
            return self.metric(program, fact, t)
        if fact.type == "milestone":
            return self.milestone(fact, t)
        return self.info(program, fact, t)

    @staticmethod
    def prefix(fact: Fact) -> str:
        subject = fact.get("subject")
        return f"[{subject}] " if subject else ""

    def budget(self, program: Program, fact: Fact, t: dict, source: str | None = None) -> str:
        unit = fact.get("unit")
        total = money(fact.get("total"), unit, t)
        stage = t["stage"].get(fact.get("stage"), fact.get("stage"))
        if fact.get("label") and fact.get("year") is None:
            line = t["budget_label_line"].format(program=program.short,
                                                 label=fact.get("label"), amount=total)
        elif source and fact.get(source) is not None:
            line = t["budget_source_line"].format(
                program=program.short, year=t["year"].format(y=fact.get("year")),
                source=t["source_name"][source], stage=stage,
                amount=money(fact.get(source), unit, t), total=total)
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
        if fact.get("note"):
            line += f" ({fact.get('note')})"
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

    def metric(self, program: Program, fact: Fact, t: dict) -> str:
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
        if fact.get("note"):
            extra.append(fact.get("note"))
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
