"""The answering engine: a question (and the previous turn) in, an Answer out.

It only states facts of the knowledge base, each with its report and quoted line; when the
asked year or period is not there it says so and names what is, and never presents another
year's figure as the asked one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import replace

from bot.messages import texts

from .answer import Answer, Candidate, Source, money, number, quote_text
from .matcher import Match, ProgramMatcher
from .model import Fact, KnowledgeBase, Program
from .query import Query, parse, strip_intent_words
from .text import alias_key

MAX_QUESTION = 2000
# Which budget figure of a year comes first when the question names no stage.
STAGE_ORDER = {"plan": 0, "actual": 1, "executed": 2, "secured": 3}
CLARIFY_MARGIN = 4.0
MAX_LINES = 6

_HOURS_WORDS = ("몇시", "시간", "열어", "여는", "여나", "닫", "까지", "hours", "open", "close")
_PERIOD_WORDS = ("기간", "period", "언제까지")
_RATIO_WORDS = ("매칭", "비율", "ratio", "matching")
_TARGET_WORDS = ("목표", "target")
_RATE_WORDS = ("달성률", "달성", "rate", "achievement")
_ACTUAL_WORDS = ("실적", "actual", "result")
_COUNT_WORDS = ("인원", "몇명", "참여자", "people", "participants")
_CONTACT_WORDS = ("담당자", "연락처", "contact", "누구한테", "문의")
_STAFF_WORDS = ("근무", "직원", "운영인력", "인력구성", "상담사", "staff")


_FIELD_INTENT = {"eligibility": "eligibility", "place": "place", "team": "team",
                 "contact": "team", "hours": "schedule", "period": "schedule"}


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _relevance(residual: str, *targets: str | None) -> int:
    """How many letter pairs of the question's remaining words a fact's own words share."""
    wanted = _bigrams(residual)
    if not wanted:
        return 0
    have: set[str] = set()
    for target in targets:
        if target:
            have |= _bigrams(alias_key(target))
    return len(wanted & have)


def _period_rank(fact: Fact) -> tuple[int, float]:
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


def _is_garbage(text: str) -> bool:
    if "\x00" in text or "\ufffd" in text:
        return True
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return False
    odd = sum(1 for c in visible if unicodedata.category(c)[0] in "CS" and c not in "%~'")
    return odd / len(visible) > 0.3


class Engine:
    """Answers questions from one knowledge base. Immutable once built: a reload builds a
    new Engine and swaps it in, so a question never sees a mix of two knowledge bases."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.matcher = ProgramMatcher(kb)
        self.report_rank = {rid: n for n, rid in enumerate(kb.report_order())}
        self.results_program = self._pick_results_program()
        self.alias_keys = {p.id: {alias_key(a) for a in (p.name, p.short, *p.aliases)}
                           for p in kb.programs.values()}
        self.subject_keys = {p.id: {alias_key(f.get("subject")) for f in p.facts
                                    if f.get("subject")} for p in kb.programs.values()}
        self.fact_words = {p.id: "|".join(sorted({alias_key(f.get(k)) for f in p.facts
                                                  for k in ("name", "subject", "label")
                                                  if f.get(k)}))
                           for p in kb.programs.values()}

    def _pick_results_program(self) -> str | None:
        """The department's own job-creation series answers questions that name no program
        ("최근 달성률"): the program with the most achievement rates."""
        best, best_count = None, 0
        for program in self.kb.programs.values():
            count = sum(1 for f in program.facts if f.type == "metric" and "rate" in f.data)
            if count > best_count:
                best, best_count = program.id, count
        return best

    # ---- entry point -------------------------------------------------------------------

    def answer(self, question: str, context: Query | None = None,
               program_hint: str | None = None) -> Answer:
        """Answer one question. `context` is the previous answer's `.context`;
        `program_hint` forces the program (a clarify button was clicked)."""
        lang = "ko"
        if not isinstance(question, str):
            question = ""
        stripped = question.strip()
        if not stripped:
            return Answer("no_match", texts(lang)["empty"], lang=lang)
        if len(stripped) > MAX_QUESTION:
            return Answer("no_match", texts(lang)["too_long"].format(
                n=len(stripped), limit=MAX_QUESTION), lang=lang)
        if _is_garbage(stripped):
            return Answer("no_match", texts(lang)["garbage"], lang=lang)
        query = parse(stripped)
        t = texts(query.lang)
        if not query.compact:
            return Answer("no_match", t["garbage"], lang=query.lang)

        matches = self.matcher.match(query.compact)
        if program_hint and program_hint in self.kb.programs:
            matches = [Match(program_hint, 200.0, "", 0, 0)]
        if query.other_place and not self._mentions_place(matches, query.other_place):
            return Answer("no_match", t["other_place"].format(place=query.other_place),
                          intent=query.intent, lang=query.lang, context=None)

        if not matches:
            if context is not None and getattr(context, "program", None) and (
                    query.intent or query.has_slots):
                query = query.inherit(context.query)
                return self._answer_program(self.kb.programs[context.program], query, None)
            if query.intent in ("results",) and self.results_program and not (
                    query.intent_scores.get("eligibility")):
                return self._answer_program(self.kb.programs[self.results_program], query,
                                            None)
            return Answer("no_match", t["no_match"], intent=query.intent, lang=query.lang)

        top = matches[0]
        rivals = [m for m in matches[1:] if m.score >= top.score - CLARIFY_MARGIN
                  and not (m.start >= top.start and m.end <= top.end)
                  and not self._related(top.program_id, m.program_id)
                  # "새벽일자리쉼터 기간제 일자리 창출": words of the top program's own
                  # facts, not a second program.
                  and m.alias not in self.fact_words.get(top.program_id, "")]
        if rivals:
            programs = [self.kb.programs[m.program_id] for m in (top, *rivals)]
            names = ", ".join(p.short for p in programs)
            return Answer("clarify", t["clarify"].format(names=names), intent=query.intent,
                          candidates=tuple(Candidate(p.id, p.name, p.short) for p in programs),
                          lang=query.lang, context=_Context(None, query))
        program = self.kb.programs[top.program_id]
        if context is not None and getattr(context, "program", None) == program.id and (
                query.intent is None):
            query = query.inherit(context.query)
        return self._answer_program(program, query, top)

    def _related(self, a: str, b: str) -> bool:
        """An umbrella page and one of its parts are not rival readings: the part wins."""
        pa, pb = self.kb.programs[a], self.kb.programs[b]
        return b in pa.parts or a in pb.parts or pa.part_of == b or pb.part_of == a

    def _mentions_place(self, matches: list[Match], place: str) -> bool:
        for m in matches:
            for fact in self.kb.programs[m.program_id].facts:
                if any(place in alias_key(q) for q in fact.quotes):
                    return True
        return False

    # ---- per program -------------------------------------------------------------------

    def _answer_program(self, program: Program, query: Query, match: Match | None) -> Answer:
        residual = self._residual(program, query.compact, match)
        intent = query.intent
        if any(w in query.compact for w in _STAFF_WORDS) and any(
                f.type == "info" and f.get("field") == "staff" for f in program.facts):
            return _with_context(self._info(program, query, residual, "overview", ("staff",)),
                                 _Context(program.id, query))
        if intent is None:
            intent, fields = self._intent_from_facts(program, residual)
            if fields:
                return _with_context(self._info(program, query, residual, intent, fields),
                                     _Context(program.id, query))
        handler: dict[str, Callable[..., Answer]] = {
            "budget": self._budget, "schedule": self._schedule,
            "eligibility": self._eligibility, "participants": self._metric,
            "results": self._metric, "place": self._place, "team": self._team,
            "overview": self._overview,
        }
        answer = handler[intent](program, query, residual, intent)
        return _with_context(answer, _Context(program.id, query))

    def _intent_from_facts(self, program: Program, residual: str
                           ) -> tuple[str, tuple[str, ...]]:
        """No intent word ("일자리주식회사 출범일"): the kind of the fact whose own words
        the question shares most (and, for a descriptive fact, its field), or the overview."""
        best, best_key = None, (0, 0)
        for fact in program.facts:
            rel = _relevance(residual, fact.get("name"), fact.get("label"), fact.get("what"),
                             fact.get("text"))
            key = (rel, self.report_rank.get(fact.report, 0))
            if rel >= 1 and key > best_key:
                best, best_key = fact, key
        if best is None:
            return "overview", ()
        if best.type == "info":
            field = best.get("field")
            return (_FIELD_INTENT[field], ()) if field in _FIELD_INTENT else ("overview",
                                                                             (field,))
        kind = {"budget": "budget", "metric": "results", "milestone": "schedule"}[best.type]
        return kind, ()

    def _residual(self, program: Program, compact: str, match: Match | None) -> str:
        """The question without the program's name, so that what remains picks the fact.
        Aliases that name a part of the program (a fact subject such as 공공업무 대행사업)
        stay: they say which facts are wanted."""
        subjects = self.subject_keys.get(program.id, ())
        if match is not None and match.end > match.start and match.alias not in compact:
            compact = compact[:match.start] + compact[match.end:]
        found = [k for k in self.alias_keys.get(program.id, ()) if k in compact]
        kept = [k for k in found if any(s in k for s in subjects)]
        for key in sorted(found, key=len, reverse=True):
            if key not in kept and not any(key in k for k in kept):
                compact = compact.replace(key, " ")
        return compact.replace(" ", "")

    # ---- helpers -----------------------------------------------------------------------

    def _sources(self, facts: Iterable[Fact]) -> tuple[Source, ...]:
        seen, out = set(), []
        for fact in facts:
            if fact.id in seen:
                continue
            seen.add(fact.id)
            report = self.kb.reports.get(fact.report)
            out.append(Source(report=fact.report, title=report.title if report else fact.report,
                              date=report.date if report else "",
                              quote=quote_text(fact.quotes)))
        return tuple(out)

    def _source_lines(self, facts: list[Fact], t: dict) -> list[str]:
        lines = []
        for source in self._sources(facts)[:3]:
            report = self.kb.reports.get(source.report)
            lines.append(t["source"].format(report=report.short if report else source.report,
                                            date=source.date, quote=source.quote))
        return lines

    def _done(self, program: Program, query: Query, intent: str, lines: list[str],
              facts: list[Fact]) -> Answer:
        t = texts(query.lang)
        body = "\n".join([*lines, *self._source_lines(facts, t)])
        return Answer("answered", body, program=program.id, intent=intent,
                      sources=self._sources(facts), facts=tuple(f.id for f in facts),
                      lang=query.lang)

    def _no_data(self, program: Program, query: Query, intent: str, message: str) -> Answer:
        return Answer("no_data", message, program=program.id, intent=intent, lang=query.lang)

    def _missing(self, program: Program, query: Query, intent: str) -> Answer:
        t = texts(query.lang)
        kinds = sorted({f.type for f in program.facts}, key=["budget", "metric", "milestone",
                                                              "info"].index)
        hint = t["no_data_hint"].format(kinds=", ".join(t["kinds"][k] for k in kinds)) \
            if kinds else ""
        if program.parts:
            parts = [self.kb.programs[p].short for p in program.parts if p in self.kb.programs]
            hint += t["umbrella_parts"].format(parts=", ".join(parts))
        return self._no_data(program, query, intent, t["no_data"].format(
            program=program.short, what=t["intent"][intent], hint=hint))

    def _newest_first(self, facts: Iterable[Fact]) -> list[Fact]:
        return sorted(facts, key=lambda f: -self.report_rank.get(f.report, 0))

    def _report_label(self, fact: Fact) -> tuple[str, str]:
        report = self.kb.reports.get(fact.report)
        return (report.short if report else fact.report), (report.date if report else "")

    def _subject_prefix(self, fact: Fact) -> str:
        subject = fact.get("subject")
        return f"[{subject}] " if subject else ""

    # ---- budget ------------------------------------------------------------------------

    def _budget(self, program: Program, query: Query, residual: str, intent: str) -> Answer:
        t = texts(query.lang)
        facts = [f for f in program.facts if f.type == "budget"]
        if not facts:
            return self._missing(program, query, intent)
        asks_ratio = any(w in query.compact for w in _RATIO_WORDS)
        labelled = [f for f in facts if f.get("label")
                    and _relevance(residual, f.get("label"), f.get("subject")) >= 2]
        if labelled and query.year is None and not asks_ratio:
            best = max(_relevance(residual, f.get("label"), f.get("subject")) for f in labelled)
            chosen = self._newest_first(f for f in labelled if _relevance(
                residual, f.get("label"), f.get("subject")) == best)
            lines = [self._budget_line(program, f, query, t) for f in chosen[:MAX_LINES]]
            return self._done(program, query, intent, lines, chosen[:MAX_LINES])
        yearly = [f for f in facts if f.get("year") is not None and not f.get("label")]
        notes = []
        year = query.year
        if year is None:
            year = self._default_budget_year(yearly)
            if year is None:
                chosen = self._newest_first(facts)[:MAX_LINES]
                lines = [self._budget_line(program, f, query, t) for f in chosen]
                return self._done(program, query, intent, lines, chosen)
            notes.append(t["default_year"].format(year=year))
        in_year = [f for f in yearly if f.get("year") == year]
        if not in_year:
            years = sorted({f.get("year") for f in yearly})
            return self._no_data(program, query, intent, t["no_data_year"].format(
                program=program.short, year=year, what=t["intent"]["budget"],
                years=", ".join(map(str, years)) or "-"))
        # Subject relevance first (a part of the program), then the asked stage, then the
        # newest report.
        best_rel = max(_relevance(residual, f.get("subject")) for f in in_year)
        in_year = [f for f in in_year if _relevance(residual, f.get("subject")) == best_rel]
        if best_rel == 0 and any(not f.get("subject") for f in in_year):
            in_year = [f for f in in_year if not f.get("subject")]
        in_year.sort(key=lambda f: (f.get("stage") != query.stage,
                                    -self.report_rank.get(f.report, 0),
                                    STAGE_ORDER.get(f.get("stage"), 9)))
        primary = in_year[0]
        used = [primary]
        if asks_ratio:
            with_ratio = [f for f in self._newest_first(facts) if f.get("ratio")]
            if with_ratio:
                pick = next((f for f in with_ratio if f.get("year") == year), with_ratio[0])
                line = t["ratio"].format(ratio=pick.get("ratio"))
                line = f"{program.short} {line}"
                if pick.get("year"):
                    line += f" ({t['year'].format(y=pick.get('year'))})"
                return self._done(program, query, intent, [line], [pick])
        lines = [self._budget_line(program, primary, query, t)]
        if query.source and primary.get(query.source) is None:
            # The asked source (e.g. 구비) is not part of this budget: say so, show the rest.
            message = t["no_source"].format(program=program.short, year=year,
                                            source=t["source_name"][query.source])
            t_lines = [message, self._budget_line(program, primary, replace(
                query, source=None), t), *self._source_lines([primary], t)]
            return Answer("no_data", "\n".join(t_lines), program=program.id, intent=intent,
                          sources=self._sources([primary]), facts=(primary.id,),
                          lang=query.lang)
        for other in in_year[1:MAX_LINES]:
            label, date = self._report_label(other)
            if other.report == primary.report:
                lines.append("· " + self._budget_line(program, other, query, t))
            else:
                lines.append("· " + t["earlier"].format(
                    report=label, date=date, text=self._budget_line(program, other, query, t)))
            used.append(other)
        lines.extend(notes)
        return self._done(program, query, intent, lines, used)

    def _default_budget_year(self, yearly: list[Fact]) -> int | None:
        """The headline year of the most recent report on the program, or that report's
        latest year when it has no figure for its headline year."""
        if not yearly:
            return None
        newest = self._newest_first(yearly)[0].report
        in_report = [f for f in yearly if f.report == newest]
        headline = self.kb.reports[newest].headline_year if newest in self.kb.reports else None
        years = {f.get("year") for f in in_report}
        if headline in years:
            return headline
        return max(years)

    def _budget_line(self, program: Program, fact: Fact, query: Query, t: dict) -> str:
        unit = fact.get("unit")
        prefix = self._subject_prefix(fact)
        total = money(fact.get("total"), unit, t)
        if fact.get("label") and fact.get("year") is None:
            line = t["budget_label_line"].format(program=program.short,
                                                 label=fact.get("label"), amount=total)
        elif query.source and fact.get(query.source) is not None:
            line = t["budget_source_line"].format(
                program=program.short, year=t["year"].format(y=fact.get("year")),
                source=t["source_name"][query.source],
                amount=money(fact.get(query.source), unit, t), total=total)
            if fact.get("ratio"):
                line += f" ({t['ratio'].format(ratio=fact.get('ratio'))})"
            return prefix + line
        else:
            stage = t["stage"].get(fact.get("stage"), fact.get("stage"))
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
        return prefix + line

    # ---- metrics: participants and results ---------------------------------------------

    def _metric(self, program: Program, query: Query, residual: str, intent: str) -> Answer:
        t = texts(query.lang)
        facts = [f for f in program.facts if f.type == "metric"]
        if not facts:
            if intent == "participants" and any(
                    f.type == "info" and f.get("field") == "eligibility" for f in program.facts):
                return self._eligibility(program, query, residual, "eligibility")
            return self._missing(program, query, intent)
        if query.group:
            grouped = [f for f in facts if f.get("group") == query.group]
            if grouped:
                facts = grouped
        else:
            facts = [f for f in facts if not f.get("group")] or facts

        def rel(f: Fact) -> int:
            return _relevance(residual, f.get("name"), f.get("subject"), f.get("label"))

        def most_relevant(pool: list[Fact]) -> list[Fact]:
            """The facts that share most words with the question; the most exactly named
            first (정원 before 무기계약직(정원외)), whole-program facts before parts."""
            best_rel = max(rel(f) for f in pool)
            if best_rel > 0:
                pool = [f for f in pool if rel(f) == best_rel]
            else:
                pool = [f for f in pool if not f.get("subject")] or pool
            return sorted(pool, key=lambda f: (bool(f.get("subject")),
                                               len(f.get("label") or f.get("name") or "")))

        # Period first: the asked year is a hard condition, never swapped for another.
        if query.year is not None:
            in_year = [f for f in facts if f.get("year") == query.year]
            if not in_year:
                years = sorted({f.get("year") for f in most_relevant(facts) if f.get("year")})
                return self._no_data(program, query, intent, t["no_data_year"].format(
                    program=program.short, year=query.year, what=t["intent"][intent],
                    years=", ".join(map(str, years)) or "-"))
            facts = in_year
        if query.quarter is not None or query.half is not None:
            exact = [f for f in facts if (query.quarter is None
                                          or f.get("quarter") == query.quarter)
                     and (query.half is None or f.get("half") == query.half)]
            if not exact and (query.half, query.quarter) in ((1, None), (None, 2)):
                # Results are cumulative: to the end of Q2 is the first half.
                exact = [f for f in facts if f.get("half") == 1 or f.get("quarter") == 2]
            if not exact:
                periods = sorted({self._period_label(f, t) for f in most_relevant(facts)})
                asked = self._asked_period(query, t)
                return self._no_data(program, query, intent, t["no_data_period"].format(
                    program=program.short, period=asked, what=t["intent"][intent],
                    periods=", ".join(periods) or "-"))
            facts = exact
        facts = most_relevant(facts)
        # Which value the question wants.
        want = None
        if any(w in query.compact for w in _RATE_WORDS):
            want = "rate"
        elif any(w in query.compact for w in _TARGET_WORDS):
            want = "target"
        elif any(w in query.compact for w in _ACTUAL_WORDS):
            want = "actual"
        if want:
            having = [f for f in facts if f.get(want) is not None]
            if want == "actual":
                having += [f for f in facts if f.get("value") is not None
                           and f.get("stage") == "result" and f not in having]
            if want == "target":
                having += [f for f in facts if f.get("value") is not None
                           and f.get("stage") == "plan" and f not in having]
            if having:
                facts = having
        elif intent == "results":
            # "취업자 수" without 목표: results, not plans, when there are any.
            done = [f for f in facts if f.get("actual") is not None or f.get("rate") is not None
                    or (f.get("value") is not None and f.get("stage") == "result")]
            facts = done or facts
        if query.year is not None and query.quarter is None and query.half is None \
                and not query.latest:
            full = [f for f in facts if not f.get("quarter") and not f.get("half")]
            facts = full or facts
        top_period = max(_period_rank(f) for f in facts)
        facts = [f for f in facts if _period_rank(f) == top_period]
        facts = self._newest_first(facts)
        primary = facts[0]
        lines = [self._metric_line(program, primary, t)]
        used = [primary]
        for other in facts[1:MAX_LINES]:
            line = self._metric_line(program, other, t)
            if other.report != primary.report and other.get("name") == primary.get("name") \
                    and other.get("subject") == primary.get("subject"):
                label, date = self._report_label(other)
                line = t["earlier"].format(report=label, date=date, text=line)
            lines.append("· " + line)
            used.append(other)
        return self._done(program, query, intent, lines, used)

    def _asked_period(self, query: Query, t: dict) -> str:
        parts = []
        if query.year:
            parts.append(t["year"].format(y=query.year))
        if query.half:
            parts.append(t["half"][query.half])
        if query.quarter:
            parts.append(t["quarter"].format(q=query.quarter))
        return " ".join(parts)

    def _period_label(self, fact: Fact, t: dict) -> str:
        parts = []
        if fact.get("year"):
            parts.append(t["year"].format(y=fact.get("year")))
        if fact.get("half"):
            parts.append(t["half"][fact.get("half")])
        if fact.get("quarter"):
            parts.append(t["quarter"].format(q=fact.get("quarter")))
        return " ".join(parts)

    def _metric_line(self, program: Program, fact: Fact, t: dict) -> str:
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
        head = " ".join(x for x in (
            self._period_label(fact, t),
            t["group"].format(g=fact.get("group")) if fact.get("group") else "",
            fact.get("label") or fact.get("name")) if x)
        extra = []
        if fact.get("as_of"):
            extra.append(t["as_of"].format(d=fact.get("as_of")))
        if fact.get("note"):
            extra.append(fact.get("note"))
        tail = f" ({', '.join(extra)})" if extra else ""
        return f"{self._subject_prefix(fact)}{program.short} {head}: {', '.join(values)}{tail}"

    # ---- schedule ----------------------------------------------------------------------

    def _schedule(self, program: Program, query: Query, residual: str, intent: str) -> Answer:
        t = texts(query.lang)
        wants_hours = any(w in query.compact for w in _HOURS_WORDS)
        wants_period = any(w in query.compact for w in _PERIOD_WORDS)
        timed = ("hours", "period")
        candidates = [f for f in program.facts if f.type == "milestone"
                      or (f.type == "info" and (f.get("field") in timed or (
                          f.get("field") == "other" and _relevance(residual, f.get("text")))))]
        if query.year is not None:
            candidates = [f for f in candidates if self._covers_year(f, query.year)]
        if query.half is not None:
            word = t["half"][query.half] if query.lang == "ko" else \
                ("상반기" if query.half == 1 else "하반기")
            halves = [f for f in candidates if word in (f.get("what") or f.get("text") or "")
                      or f.get("type") == "info"]
            candidates = halves or candidates
        if not candidates:
            if query.year is not None:
                years = sorted({y for f in program.facts if f.type == "milestone"
                                for y in self._fact_years(f)})
                if years:
                    return self._no_data(program, query, intent, t["no_data_year"].format(
                        program=program.short, year=query.year, what=t["intent"][intent],
                        years=", ".join(map(str, years))))
            return self._missing(program, query, intent)

        def score(f: Fact) -> tuple[float, int]:
            s = 2.0 * _relevance(residual, f.get("what"), f.get("text"), f.get("subject"))
            if f.get("subject") and not _relevance(residual, f.get("subject")):
                s -= 3  # about a part of the program the question does not name
            if f.type == "info" and f.get("field") == "hours":
                s += 6 if wants_hours else -1
            if f.type == "info" and f.get("field") == "period":
                s += 4 if wants_period else 0.5
            # Equally relevant: the later report supersedes the earlier plan.
            return s, self.report_rank.get(f.report, 0)

        ranked = sorted(candidates, key=score, reverse=True)
        primary = ranked[0]
        used = [primary]
        lines = []
        if primary.type == "info":
            lines.append(self._info_line(program, primary, t))
        else:
            lines.append(t["milestones_head"].format(program=program.short))
            # The best match and the other dated steps of the same report, in date order.
            same = [f for f in ranked[1:] if f.type == "milestone"
                    and f.report == primary.report
                    and f.get("subject") == primary.get("subject")]
            used += sorted(same[:MAX_LINES - 1], key=lambda f: f.get("start"))
            lines += ["· " + self._milestone_line(fact, t) for fact in used]
        return self._done(program, query, intent, lines, used)

    def _fact_years(self, fact: Fact) -> set[int]:
        years = set()
        for key in ("start", "end"):
            value = fact.get(key)
            if value:
                years.add(int(value[:4]))
        if fact.get("start") and fact.get("end"):
            years |= set(range(int(fact.get("start")[:4]), int(fact.get("end")[:4]) + 1))
        return years

    def _covers_year(self, fact: Fact, year: int) -> bool:
        if fact.type == "milestone":
            if fact.get("ongoing") and int(fact.get("start")[:4]) <= year:
                return True
            return year in self._fact_years(fact)
        return str(year) in (fact.get("text") or "") or f"'{year % 100}" in (
            fact.get("text") or "")

    def _milestone_line(self, fact: Fact, t: dict) -> str:
        when = _date_text(fact.get("start"), t)
        if fact.get("end"):
            end = _date_text(fact.get("end"), t)
            if fact.get("end")[:4] == fact.get("start")[:4] and t is not texts("en"):
                end = end.split(" ", 1)[-1] if " " in end else end
            when += f"~{end}"
        elif fact.get("ongoing"):
            when += f" {t['ongoing']}"
        return f"{when}: {self._subject_prefix(fact)}{fact.get('what')}"

    # ---- descriptive facts -------------------------------------------------------------

    def _info_line(self, program: Program, fact: Fact, t: dict) -> str:
        field = fact.get("field")
        if field == "team":
            return self._subject_prefix(fact) + t["team_line"].format(
                program=program.short, text=fact.get("text"))
        if field == "other":
            return f"{self._subject_prefix(fact)}{program.short}: {fact.get('text')}"
        return self._subject_prefix(fact) + t["info_line"].format(
            program=program.short, field=t["field"].get(field, field), text=fact.get("text"))

    def _info(self, program: Program, query: Query, residual: str, intent: str,
              fields: tuple[str, ...]) -> Answer:
        t = texts(query.lang)
        facts = [f for f in program.facts if f.type == "info" and f.get("field") in fields]
        if not facts:
            return self._missing(program, query, intent)

        residual = strip_intent_words(residual, intent)

        def score(f: Fact) -> float:
            return (3.0 * _relevance(residual, f.get("subject"), f.get("text"))
                    - (2 if f.get("subject") else 0)
                    - 0.1 * fields.index(f.get("field"))
                    + 0.5 * self.report_rank.get(f.report, 0))

        ranked = sorted(facts, key=lambda f: -score(f))
        primary = ranked[0]
        lines = [self._info_line(program, primary, t)]
        used = [primary]
        primary_rel = _relevance(residual, primary.get("subject"), primary.get("text"))
        for other in ranked[1:3]:
            if other.get("text") == primary.get("text") or (
                    other.get("subject") != primary.get("subject")) or (
                    _relevance(residual, other.get("subject"), other.get("text"))
                    != primary_rel) or (primary_rel == 0
                                        and other.get("field") != primary.get("field")):
                continue
            line = self._info_line(program, other, t)
            if other.report != primary.report:
                label, date = self._report_label(other)
                line = t["earlier"].format(report=label, date=date, text=line)
            lines.append("· " + line)
            used.append(other)
        return self._done(program, query, intent, lines, used)

    def _eligibility(self, program: Program, query: Query, residual: str,
                     intent: str) -> Answer:
        return self._info(program, query, residual, intent, ("eligibility",))

    def _place(self, program: Program, query: Query, residual: str, intent: str) -> Answer:
        return self._info(program, query, residual, intent, ("place",))

    def _team(self, program: Program, query: Query, residual: str, intent: str) -> Answer:
        fields = ("contact", "team") if any(w in query.compact for w in _CONTACT_WORDS) \
            else ("team", "contact")
        if not any(f.type == "info" and f.get("field") in fields for f in program.facts):
            teams = self._newest_first(f for f in program.facts if f.type == "info"
                                       and (f.get("subject") or "").endswith("팀"))
            if teams:  # a department: its teams and their duties
                newest = [f for f in teams if f.report == teams[0].report]
                named = [f for f in newest if _relevance(residual, f.get("subject")) >= 3]
                newest = named or newest
                lines = [self._info_line(program, f, texts(query.lang)) for f in newest]
                return self._done(program, query, intent, lines, newest)
        answer = self._info(program, query, residual, intent, fields)
        if answer.status == "answered" or not program.part_of:
            return answer
        parent = self.kb.programs.get(program.part_of)
        return self._info(parent, query, residual, intent, fields) if parent else answer

    def _overview(self, program: Program, query: Query, residual: str, intent: str) -> Answer:
        t = texts(query.lang)
        infos = [f for f in program.facts if f.type == "info"]
        order = ("purpose", "content", "eligibility", "period", "place", "hours", "team")
        lines = [t["overview_head"].format(program=program.name,
                                           department=program.department)]
        used = []
        for field in order:
            found = self._newest_first(f for f in infos if f.get("field") == field
                                       and not f.get("subject"))
            if found:
                lines.append("· " + self._info_line(program, found[0], t))
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
        if not used:
            return Answer("answered", "\n".join(lines), program=program.id, intent=intent,
                          lang=query.lang) if program.parts else self._missing(
                program, query, intent)
        return self._done(program, query, intent, lines, used)


class _Context:
    """What a follow-up question inherits: the program and the parsed previous question."""

    __slots__ = ("program", "query")

    def __init__(self, program: str | None, query: Query):
        self.program = program
        self.query = query


def _with_context(answer: Answer, context: _Context) -> Answer:
    if answer.status in ("answered", "no_data"):
        return replace(answer, context=context)
    return answer


def _date_text(value: str, t: dict) -> str:
    parts = value.split("-")
    if t is texts("en"):
        return value
    out = f"{int(parts[0])}년"
    if len(parts) > 1:
        out += f" {int(parts[1])}월"
    if len(parts) > 2:
        out += f" {int(parts[2])}일"
    return out
