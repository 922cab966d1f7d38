"""The weekly digest for team leads: schedule, the latest job-creation result, budgets.

Pure: takes the knowledge base and a reference date, returns a Digest value. Rendering
to text is here; Block Kit is in the Slack layer.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.messages import KO

from .answer import money, number
from .engine import STAGE_ORDER, Engine
from .model import Fact, KnowledgeBase, Program
from .render import date_text as _date_text
from .render import period_rank as _period_rank

LOOKAHEAD_WEEKS = 4
DEPARTMENTS = ("일자리창출과", "도시재생과")


@dataclass(frozen=True)
class Milestone:
    program: str  # short name
    program_id: str
    what: str
    start: date
    end: date
    when: str  # as the report dates it, e.g. "2021년 5월~6월"
    status: str  # starts | ends | ongoing | upcoming
    report: str
    quote: str


@dataclass(frozen=True)
class Result:
    period: str
    actual: float | None
    target: float | None
    rate: float | None
    unit: str
    previous_period: str | None
    previous_actual: float | None
    report: str
    quote: str


@dataclass(frozen=True)
class Budget:
    program: str
    program_id: str
    year: int
    asked_year: int
    total: float
    unit: str
    stage: str
    report: str
    quote: str


@dataclass(frozen=True)
class Digest:
    scope: str  # team or department name
    week_start: date
    week_end: date
    this_week: tuple[Milestone, ...]
    coming: tuple[Milestone, ...]
    next_milestone: Milestone | None  # when nothing is scheduled in the window
    result: Result | None
    budgets: tuple[Budget, ...]
    based_on: tuple[str, ...]  # "2020년 업무보고 (2020-11)"
    programs: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday around `day`."""
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def _first_day(value: str) -> date:
    parts = [int(p) for p in value.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _last_day(value: str) -> date:
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(parts[0], 12, 31)


def team_of(program: Program, kb: KnowledgeBase) -> str | None:
    """The team in charge according to the most recent report that names one."""
    order = {rid: n for n, rid in enumerate(kb.report_order())}
    teams = [f for f in program.facts if f.type == "info" and f.get("field") == "team"]
    if not teams:
        return None
    return max(teams, key=lambda f: order.get(f.report, 0)).get("text")


def teams(kb: KnowledgeBase) -> list[str]:
    found = {team_of(p, kb) for p in kb.programs.values()}
    return sorted(t for t in found if t)


def programs_in_scope(kb: KnowledgeBase, scope: str) -> list[Program]:
    if scope in DEPARTMENTS:
        return [p for p in kb.programs.values() if p.department == scope
                and p.kind == "program"]
    return [p for p in kb.programs.values() if p.kind == "program" and team_of(p, kb) == scope]


def _milestones(kb: KnowledgeBase, programs: list[Program], start: date, end: date,
                horizon: date) -> tuple[list[Milestone], list[Milestone], Milestone | None]:
    this_week, coming, later = [], [], []
    for program in programs:
        for fact in program.facts:
            if fact.type != "milestone":
                continue
            first = _first_day(fact.get("start"))
            if fact.get("end"):
                last = _last_day(fact.get("end"))
            elif fact.get("ongoing"):
                # "~ 계속": under way until the end of the year its report plans for, not
                # forever (a 2018 report cannot say what is under way in 2026).
                planned = kb.reports[fact.report].headline_year if fact.report in kb.reports \
                    else first.year
                last = date(max(first.year, planned), 12, 31)
            else:
                last = _last_day(fact.get("start"))
            if first <= end and last >= start:
                status = ("starts" if first >= start else "ends" if last <= end
                          else "ongoing")
                this_week.append(_milestone(kb, program, fact, first, last, status))
            elif end < first <= horizon:
                coming.append(_milestone(kb, program, fact, first, last, "upcoming"))
            elif first > horizon:
                later.append(_milestone(kb, program, fact, first, last, "upcoming"))
    key = lambda m: (m.start, m.program, m.what)  # noqa: E731
    later.sort(key=key)
    return sorted(this_week, key=key), sorted(coming, key=key), (later[0] if later else None)


def _milestone(kb: KnowledgeBase, program: Program, fact: Fact, first: date, last: date,
               status: str) -> Milestone:

    when = _date_text(fact.get("start"), KO)
    if fact.get("end"):
        when += f"~{_date_text(fact.get('end'), KO)}"
    elif fact.get("ongoing"):
        when += " ~"
    what = fact.get("what")
    if fact.get("subject"):
        what = f"[{fact.get('subject')}] {what}"
    return Milestone(program.short, program.id, what, first, last, when, status, fact.report,
                     " / ".join(fact.quotes))


def _period_end(fact: Fact) -> date:
    year = fact.get("year")
    if fact.get("quarter"):
        month = fact.get("quarter") * 3
    elif fact.get("half") == 1:
        month = 6
    else:
        month = 12
    return date(year, month, calendar.monthrange(year, month)[1])


def _period_label(fact: Fact) -> str:
    label = f"{fact.get('year')}년"
    if fact.get("half"):
        label += " 상반기" if fact.get("half") == 1 else " 하반기"
    if fact.get("quarter"):
        label += f" {fact.get('quarter')}분기"
    return label


def latest_result(engine: Engine, day: date) -> Result | None:
    """The latest job-creation result whose period has ended by `day`, and the same
    period a year before (or the period just before) to compare with."""
    program = engine.kb.programs.get(engine.results_program or "")
    if program is None:
        return None
    series = [f for f in program.facts if f.type == "metric" and f.get("actual") is not None
              and f.get("year") and not f.get("group") and not f.get("subject")
              and _period_end(f) <= day]
    if not series:
        return None
    order = engine.report_rank
    series.sort(key=lambda f: (_period_rank(f), order.get(f.report, 0)))
    latest = series[-1]
    same_kind = [f for f in series if f.get("year") == latest.get("year") - 1
                 and f.get("half") == latest.get("half")
                 and f.get("quarter") == latest.get("quarter")]
    earlier = [f for f in series if _period_rank(f) < _period_rank(latest)]
    previous = same_kind[-1] if same_kind else (earlier[-1] if earlier else None)
    target = latest.get("target")
    if target is None:  # the year's target, stated elsewhere in the series
        targets = [f for f in program.facts if f.type == "metric" and f.get("year")
                   == latest.get("year") and f.get("target") is not None
                   and not f.get("group") and not f.get("subject")]
        if targets:
            target = max(targets, key=lambda f: order.get(f.report, 0)).get("target")
    return Result(
        period=_period_label(latest), actual=latest.get("actual"), target=target,
        rate=latest.get("rate"), unit=latest.get("unit", ""),
        previous_period=_period_label(previous) if previous else None,
        previous_actual=previous.get("actual") if previous else None,
        report=latest.report, quote=" / ".join(latest.quotes))


def _budgets(engine: Engine, programs: list[Program], year: int) -> list[Budget]:
    out = []
    for program in programs:
        yearly = [f for f in program.facts if f.type == "budget" and f.get("year")
                  and not f.get("label") and not f.get("subject")]
        if not yearly:
            continue
        # The reference year, else the latest year before it, else the latest there is.
        years = {f.get("year") for f in yearly}
        chosen = year if year in years else max((y for y in years if y <= year),
                                                default=max(years))
        pool = [f for f in yearly if f.get("year") == chosen]
        best = min(pool, key=lambda f: (-engine.report_rank.get(f.report, 0),
                                        STAGE_ORDER.get(f.get("stage"), 9)))
        out.append(Budget(program.short, program.id, best.get("year"), year, best.get("total"),
                          best.get("unit"), best.get("stage"), best.report,
                          " / ".join(best.quotes)))
    return sorted(out, key=lambda b: b.program)


def compose(engine: Engine, scope: str, day: date) -> Digest:
    kb = engine.kb
    programs = programs_in_scope(kb, scope)
    start, end = week_of(day)
    horizon = end + timedelta(weeks=LOOKAHEAD_WEEKS)
    this_week, coming, later = _milestones(kb, programs, start, end, horizon)
    result = latest_result(engine, day) if (
        scope in DEPARTMENTS[:1] or any(p.id == engine.results_program for p in programs)) \
        else None
    budgets = _budgets(engine, programs, day.year)
    used = {m.report for m in (*this_week, *coming)} | {b.report for b in budgets}
    if result:
        used.add(result.report)
    based_on = tuple(f"{kb.reports[r].short} ({kb.reports[r].date})"
                     for r in kb.report_order() if r in used)
    return Digest(scope=scope, week_start=start, week_end=end, this_week=tuple(this_week),
                  coming=tuple(coming),
                  next_milestone=later if not this_week and not coming else None,
                  result=result, budgets=tuple(budgets), based_on=based_on,
                  programs=tuple(p.short for p in programs))


_STATUS = {"starts": "시작", "ends": "종료", "ongoing": "진행 중", "upcoming": "예정"}


def render_text(digest: Digest) -> str:
    t = digest
    lines = [f"*{t.scope} 주간 다이제스트* — "
             f"{t.week_start:%Y-%m-%d}(월) ~ {t.week_end:%Y-%m-%d}(일)"]
    lines.append("")
    lines.append("■ 이번 주 일정")
    if t.this_week:
        lines += [f"· [{_STATUS[m.status]}] {m.program}: {m.what} ({m.when})"
                  for m in t.this_week]
    else:
        lines.append("· 이번 주에 해당하는 일정이 없습니다.")
    lines.append(f"■ 앞으로 {LOOKAHEAD_WEEKS}주 일정")
    if t.coming:
        lines += [f"· {m.program}: {m.what} ({m.when})" for m in t.coming]
    else:
        lines.append(f"· 앞으로 {LOOKAHEAD_WEEKS}주 안에 예정된 일정이 없습니다.")
    if t.next_milestone:
        m = t.next_milestone
        lines.append(f"· 다음 일정: {m.program}: {m.what} ({m.when})")
    elif not t.this_week and not t.coming:
        lines.append("· 그 뒤로 예정된 일정도 보고서에 없습니다.")
    if t.result:
        r = t.result
        lines.append("■ 최근 일자리 창출 실적")
        parts = [f"실적 {number(r.actual)}{r.unit}"]
        if r.target is not None:
            parts.append(f"목표 {number(r.target)}{r.unit}")
        if r.rate is not None:
            parts.append(f"달성률 {number(r.rate)}%")
        line = f"· {r.period}: " + ", ".join(parts)
        if r.previous_actual is not None:
            diff = r.actual - r.previous_actual
            sign = "+" if diff >= 0 else "−"
            line += f" ({r.previous_period} {number(r.previous_actual)}{r.unit} 대비 " \
                    f"{sign}{number(abs(diff))}{r.unit})"
        lines.append(line)
    if t.budgets:
        year = t.budgets[0].asked_year
        lines.append(f"■ {year}년 예산")
        for b in t.budgets:
            note = "" if b.year == b.asked_year else \
                f" ※ {b.asked_year}년 자료가 없어 {b.year}년 기준"
            lines.append(f"· {b.program}: {money(b.total, b.unit, KO)}{note}")
    lines.append("")
    lines.append("근거: " + (", ".join(t.based_on) if t.based_on else "해당 자료 없음"))
    return "\n".join(lines)
