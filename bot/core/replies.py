"""How an answer is written once its fact is chosen: the fact with the facts that go with
it and their sources, an overview, and the honest refusals (no such year, no such period,
nothing of that kind)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from bot.messages import texts

from .answer import Answer, number
from .features import fits, kind_of
from .model import Fact, KnowledgeBase, Program
from .query import Query
from .render import FIGURES, Renderer, note_parts, period_rank
from .scoring import Scorer

MAX_LINES = 6
SHOWN = 2  # companion lines shown at first; the rest behind "자세히"
STEPS = 5  # of a schedule: the step asked and the program's other steps, in date order
# A question asking whether something is there, not how much it is.
_YES_NO = re.compile(r"(들어가|들어있|포함|있어|있나|있니|있는지|있음|있냐|있어요|있습니까|나와)"
                     r"\??$")
_SHARE = re.compile(r"비중|비율|몇%|몇퍼|퍼센트|share|percent")


class Replies:
    def __init__(self, kb: KnowledgeBase, scorer: Scorer, render: Renderer,
                 report_rank: dict[str, int], today: Callable[[], date]):
        self.kb = kb
        self.scorer = scorer
        self.render = render
        self.report_rank = report_rank
        self.today = today

    def no_year(self, program: Program, query: Query, fact: Fact, t: dict) -> Answer:
        years = sorted(self.scorer.family_years(fact))
        intent = kind_of(fact)
        latest_report = self.kb.reports[self.kb.report_order()[-1]]
        if query.relative:
            offset = query.year - self.today().year
            when = t["when_words"].get(offset) or t["years_off"].format(n=abs(offset))
            message = t["no_data_relative"].format(
                when=when, year=query.year, report=latest_report.short,
                date=latest_report.date, latest=latest_report.headline_year)
            message += " " + t["no_data_year"].format(
                program=program.short, year=query.year, what=t["intent"][intent],
                years=", ".join(map(str, years)) or "-")
        else:
            message = t["no_data_year"].format(program=program.short, year=query.year,
                                               what=t["intent"][intent],
                                               years=", ".join(map(str, years)) or "-")
        return Answer("no_data", message, program=program.id, intent=intent, lang=query.lang)

    def beyond(self, program: Program, query: Query, t: dict) -> Answer:
        """A year no fact of any report reaches ("2025년 …", "What is the 2025 …")."""
        latest = self.kb.reports[self.kb.report_order()[-1]]
        years = self.scorer.all_years
        return Answer("no_data", t["no_data_beyond"].format(
            year=query.year, first=min(years), last=max(years), report=latest.short,
            date=latest.date), program=program.id, intent=query.intent, lang=query.lang)

    def no_period(self, program: Program, query: Query, fact: Fact, t: dict) -> Answer:
        periods = sorted({(period_rank(f), self.render.period(f, t))
                          for f in self.scorer.family(fact) if f.get("year")})
        asked = " ".join(x for x in (t["year"].format(y=query.year) if query.year else "",
                                     t["half"][query.half] if query.half else "",
                                     t["quarter"].format(q=query.quarter) if query.quarter
                                     else "") if x)
        intent = kind_of(fact)
        return Answer("no_data", t["no_data_period"].format(
            program=program.short, period=asked, what=t["intent"][intent],
            periods=", ".join(label for _, label in periods) or "-"),
            program=program.id, intent=intent, lang=query.lang)

    def missing(self, program: Program, query: Query, t: dict, thing: str = "") -> Answer:
        intent = query.intent or "overview"
        kinds = sorted({f.type for f in program.facts}, key=["budget", "metric", "milestone",
                                                              "info"].index)
        hint = t["no_data_hint"].format(kinds=", ".join(t["kinds"][k] for k in kinds)) \
            if kinds else ""
        if program.parts:
            parts = [self.kb.programs[p].short for p in program.parts if p in self.kb.programs]
            hint += t["umbrella_parts"].format(parts=", ".join(parts))
        what = f"'{thing}'" if thing else t["intent"][intent]
        return Answer("no_data", t["no_data"].format(program=program.short, what=what,
                                                     hint=hint),
                      program=program.id, intent=intent, lang=query.lang)

    def overview(self, program: Program, query: Query, t: dict) -> Answer:
        infos = [f for f in program.facts if f.type == "info"]
        order = ("purpose", "content", "eligibility", "period", "place", "hours", "team")
        lines = [t["overview_head"].format(program=program.name,
                                           department=program.department)]
        used: list[Fact] = []
        for field in order:
            found = sorted((f for f in infos if f.get("field") == field
                            and not f.get("subject")),
                           key=lambda f: -self.report_rank.get(f.report, 0))
            if found:
                lines.append("· " + self.render.info(program, found[0], t))
                used.append(found[0])
            if len(used) >= 4:
                break
        kinds = sorted({f.type for f in program.facts} - {"info"},
                       key=["budget", "metric", "milestone"].index)
        if kinds:
            lines.append(t["more_facts"].format(kinds=", ".join(t["kinds"][k] for k in kinds)))
        if program.parts:
            parts = [self.kb.programs[p].short for p in program.parts if p in self.kb.programs]
            lines.append(t["umbrella_parts"].format(parts=", ".join(parts)).strip())
        if not used and not program.parts:
            return self.missing(program, query, t)
        return self.done(program, query, "overview", lines, used)

    def done(self, program: Program, query: Query, intent: str, lines: list[str],
             facts: list[Fact], more: tuple[list[str], list[Fact]] = ([], [])) -> Answer:
        """The answer: its lines, how old its report is, a hint at what `more` holds, and
        one short source line per report. `detail` has everything with the full quotes."""
        t = texts(query.lang)
        extra, extra_facts = more
        head = list(lines)
        if head and facts:
            head[0] += self.age(facts[0], t)
        hint = [t["more_hint"].format(n=len(extra))] if extra else []
        body = "\n".join([*head, *hint,
                          *self.render.short_source_lines(facts, t, query.source)])
        every = [*facts, *extra_facts]
        detail = "\n".join([*head, *extra, *self.render.source_lines(every, t)])
        return Answer("answered", body, program=program.id, intent=intent,
                      sources=self.render.sources(every), facts=tuple(f.id for f in every),
                      lang=query.lang, detail=detail)

    def age(self, fact: Fact, t: dict) -> str:
        """" (2021년 공약이행카드, 2021-07 기준)" when that report is over a year old."""
        report = self.kb.reports.get(fact.report)
        if report is None or not report.date:
            return ""
        year, month = (int(x) for x in report.date.split("-")[:2])
        today = self.today()
        if (today.year - year) * 12 + today.month - month <= 12:
            return ""
        name = re.sub(r"^\d{4}년\s*", "", report.short)
        return t["as_of_report"].format(report=name, date=report.date)

    # ---- writing the answer ------------------------------------------------------------

    def compose(self, program: Program, best: Fact, query: Query, scored, t: dict
                 ) -> Answer:
        intent = query.intent if query.intent and fits(best, query.intent) \
            else kind_of(best)
        if best.type == "budget" and query.source and best.get(query.source) is None \
                and best.get("year") is not None:
            message = t["no_source"].format(program=program.short, year=best.get("year"),
                                            source=t["source_name"][query.source])
            lines = [message, self.render.budget(program, best, t),
                     *self.render.source_lines([best], t)]
            # "구비도 들어가?" is answered by the breakdown: no, only these.
            status = "answered" if _YES_NO.search(query.compact) else "no_data"
            return Answer(status, "\n".join(lines), program=program.id, intent=intent,
                          sources=self.render.sources([best]), facts=(best.id,),
                          lang=query.lang)
        family = self.scorer.companions(best, scored, query)
        if best.type == "milestone":
            used = [best, *sorted(family, key=lambda f: f.get("start"))][:MAX_LINES]
            steps = ["· " + self.render.milestone(f, t) for f in used]
            lines = [t["milestones_head"].format(program=program.short), *steps[:STEPS]]
            return self.done(program, query, intent, lines, used[:STEPS],
                             (steps[STEPS:], used[STEPS:]))
        used = [best, *family][:MAX_LINES]
        notes = note_parts(best)
        # "시비랑 구비 각각": the whole breakdown, not one source's share of it.
        source = query.source if len(query.sources) < 2 else None
        lines = [self.render.line(program, best, t, source)]
        part = best.get(query.source) if best.type == "budget" and query.source else None
        if part is not None and best.get("total") and _SHARE.search(query.compact):
            # "시비 비중": the source's share of the total, computed from the quoted two
            lines.append(t["computed_share"].format(
                source=t["source_name"][query.source], part=number(part),
                total=number(best.get("total")), share=f"{part / best.get('total'):.1%}"))
        shown, hidden, hidden_lines = [best], [], []
        for other in used[1:]:
            line = self.render.line(program, other, t, source, notes)
            line = "· " + self.render.other_report(other, best, _without(line, program), t)
            if len(shown) <= SHOWN and not _restates(other, best):
                shown.append(other)
                lines.append(line)
            else:
                hidden.append(other)
                hidden_lines.append(line)
        if best.type == "budget" and not query.years and best.get("year") is not None:
            lines.append(t["default_year"].format(year=best.get("year")))
        return self.done(program, query, intent, lines, shown, (hidden_lines, hidden))


def _without(line: str, program: Program) -> str:
    """A companion line without the program's name, which the first line already says."""
    head, sep, rest = line.partition(program.short + " ")
    return head + rest if sep and (not head or head.endswith("] ")) else line


def _restates(other: Fact, best: Fact) -> bool:
    """Another report's fact that says the same figures for the same period."""
    return other.report != best.report and other.type == best.type and all(
        other.get(k) == best.get(k)
        for k in (*FIGURES, "unit", "year", "half", "quarter", "stage", "group", "name"))
