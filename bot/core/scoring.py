"""How well each fact answers a parsed question: its words (index.py), the program the
question names, the intent words, and the slots. The weights below were chosen on the
tuning half of the blind question set (bench/README.md) and never on its holdout half."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .features import counts, fits, has_measure, label_years, years_of
from .index import OWN, FactIndex, Words, numbers, own_words, terms
from .model import Fact, KnowledgeBase
from .query import INTENTS, Query
from .render import period_rank
from .text import alias_key

PROGRAM_BONUS = 12.0  # a fact of the program the question names
RELATED_BONUS = 7.0  # of its umbrella page or one of its parts
HOME_BONUS = 3.0  # of the department pages, when the question names no program
INTENT_WEIGHT = 1.2  # per point of intent keyword weight, for facts of that kind
SECOND_INTENT = 0.5  # share of a further asked kind that the fact also answers
STRONG_INTENT = 3  # from this weight, facts of no asked kind lose as much
YEAR_HIT, YEARLESS = 2.0, 3.0
SPAN_HIT = 3.0
YEAR_BLOCK = 6.0  # a fact for another year this much better: that year is what is asked
PERIOD_HIT, PERIOD_MISS, PART_OF_YEAR = 4.0, 5.0, 1.5
GROUP_HIT, GROUP_MISS, GROUP_UNASKED = 5.0, 6.0, 3.0
STAGE_HIT, STAGE_MISS, PLAN_FIRST = 3.0, 2.0, 1.0
MEASURE_HIT, MEASURE_MISS = 3.0, 2.0
WHOLE_PART = 5.0
COUNT_HIT = 2.0
MONTH_HIT = 2.0  # "몇 대": a fact stating a figure in 대
SOURCE_HIT, SOURCE_MISS = 2.0, 1.0
DEFAULT_YEAR = 1.5
PHRASE = 4.0  # the question names a fact's subject, name or label whole
# A fact about another part of the program than the one the question names (펫푸드 asked,
# the 공공업무 대행사업 page's fact): its subject shares nothing with the question.
SUBJECT_MISS = 3.0
NUMBER_MISS = 6.0  # the question's own numbers (2호점, 1009번지) are not in the fact's quote
LATEST = 0.5  # per year, for "최근" results
SAME_KIND, SAME_NAME = 2.0, 3.0  # a follow-up's fact like the previous answer's
SAME_REPORT = 1.0  # and from the same report and year
REPORT_HIT = 3.0  # a fact of the report the question names
RECENCY = 0.3  # per report, newer first among equals
EARLIER = 4.0  # per report, older first when the first plan is asked ("당초 계획")
TIE = 1.0  # facts this close to the best are shown with it
MAX_COMPANIONS = 5

class _Said:
    """What a question says from the start of one of its words, written without spaces
    ("감정노동 교육" says 감정노동교육 and 교육, not 노동교육)."""

    def __init__(self, text: str, name: str):
        self.compact = text.replace(" ", "")
        self.name = name
        self.starts, n = {0}, 0
        for ch in text:
            if ch == " ":
                self.starts.add(n)
            else:
                n += 1

    def says(self, key: str) -> bool:
        if key in self.name:
            return False  # the program's own name, already counted
        start = self.compact.find(key)
        while start >= 0:
            if start in self.starts:
                return True
            start = self.compact.find(key, start + 1)
        return False


class _Asked:
    """What scoring needs of a question, worked out once for all the facts it scores."""

    def __init__(self, query: Query, words: Words):
        self.years = set(query.years)
        self.said = _Said(query.text, words.name)
        self.slotted = query.has_slots
        self.scores = query.intent_scores
        top = max(self.scores.values(), default=0)
        # Asked plainly (weight STRONG_INTENT and more) for another kind of fact: a loss.
        self.misfit = -INTENT_WEIGHT * top if top >= STRONG_INTENT else 0.0
        self._by_fit: dict[frozenset[str], float] = {}

    def intent(self, fit: frozenset[str]) -> float:
        found = self._by_fit.get(fit)
        if found is None:
            # A fact that gives all the question asks ("몇 명 정도를 대상으로": a count and
            # who) gains from each of its kinds, the main one in full.
            hits = sorted((w for i, w in self.scores.items() if i in fit), reverse=True)
            weight = hits[0] + SECOND_INTENT * sum(hits[1:]) if hits else 0
            found = INTENT_WEIGHT * weight if weight else self.misfit
            self._by_fit[fit] = found
        return found


@dataclass
class Scored:
    best: Fact | None = None
    score: float = float("-inf")
    lexical: float = 0.0  # the best fact's share of the question's words
    own: float = 0.0  # of which in its own words (subject, name, label, text)
    year_block: Fact | None = None  # the fact that would answer, but not for the asked year
    scores: dict[str, float] = field(default_factory=dict)


class Scorer:
    def __init__(self, kb: KnowledgeBase, index: FactIndex, report_rank: dict[str, int]):
        self.kb = kb
        self.index = index
        self.report_rank = report_rank
        self.by_program: dict[str, list[int]] = defaultdict(list)
        for pos, fact in enumerate(index.facts):
            self.by_program[fact.program_id].append(pos)
        facts = index.facts
        shared: dict[frozenset, frozenset] = {}  # one object for each distinct set
        self.years = [shared.setdefault(y, y) for y in (frozenset(years_of(f, kb))
                                                        for f in facts)]
        self.all_years = set().union(*self.years)
        # Years a labelled total spans ("합계(2020~2023년)"), from the label's words.
        self.spans = [label_years(f) for f in facts]
        # What scoring reads of each fact, read once.
        self.types = [f.type for f in facts]
        self.owner = [f.program_id for f in facts]
        self.fact_year = [f.get("year") for f in facts]
        self.halves = [(f.get("half"), f.get("quarter")) for f in facts]
        self.groups = [f.get("group") for f in facts]
        self.plain = [f.type in ("info", "milestone") and not f.get("group")
                      and f.get("half") is None and f.get("quarter") is None for f in facts]
        self.period = [period_rank(f)[0] - 2015 + period_rank(f)[1] / 13 for f in facts]
        self.recency = [RECENCY * report_rank.get(f.report, 0) for f in facts]
        self.fit = [shared.setdefault(x, x) for x in (frozenset(i for i in INTENTS
                                                                 if fits(f, i))
                                                       for f in facts)]
        # What a fact is called, run together: the question saying it whole is strong.
        self.phrases = [tuple(k for k in (alias_key(f.get(key) or "") for key in
                                          ("subject", "name", "label")) if len(k) >= 2)
                        for f in index.facts]
        self.subject_terms = [shared.setdefault(t, t) for t in (
            terms(f.get("subject")) for f in facts)]
        # A subject's own words, without its program's name ("자치구 합동 일구데이" -> 자치구,
        # 합동): the question saying one of them names that part.
        names = {p.id: terms(p.name) | terms(p.short) for p in kb.programs.values()}
        self.subject_words = [tuple(t for t in (terms(w) for w in re.split(
            r"[\s()·,]+", f.get("subject") or "") if len(w) >= 2)
            if t and not t <= names.get(f.program_id, frozenset())) for f in facts]
        self._numbers: dict[int, frozenset[str]] = {}
        self.default_year = {pid: self._default_budget_year(pid) for pid in kb.programs}

    def _default_budget_year(self, program_id: str) -> int | None:
        """The headline year of the newest report with yearly budgets of the program, or
        that report's latest year when it has none for its headline year."""
        yearly = [self.index.facts[p] for p in self.by_program.get(program_id, ())
                  if self.index.facts[p].type == "budget" and self.index.facts[p].get("year")
                  and not self.index.facts[p].get("label")]
        if not yearly:
            return None
        newest = max(yearly, key=lambda f: self.report_rank.get(f.report, 0)).report
        years = {f.get("year") for f in yearly if f.report == newest}
        headline = self.kb.reports[newest].headline_year if newest in self.kb.reports else None
        return headline if headline in years else max(years)

    # ---- the parts of a score ----------------------------------------------------------

    def own(self, pos: int, words: Words) -> float:
        return self.index.score(pos, words, only=OWN)

    def own_hit(self, program_id: str, words: Words) -> float:
        return max((self.own(p, words) for p in self.by_program.get(program_id, ())),
                   default=0.0)

    def has_kind(self, program_id: str, intent: str) -> bool:
        return any(fits(self.index.facts[p], intent) for p in self.by_program.get(program_id,
                                                                                  ()))


    def subject_said(self, pos: int, query: Query) -> bool:
        """Does the question name the fact's subject whole? Then the figures it says with
        it ("구청 1층 일자리플러스센터") describe that subject, not a figure to find."""
        subject = self.index.facts[pos].get("subject")
        return bool(subject) and alias_key(subject) in query.compact

    def numbers(self, pos: int) -> frozenset[str]:
        """The figures a fact's quotes and words state (read when a question names one)."""
        found = self._numbers.get(pos)
        if found is None:
            fact = self.index.facts[pos]
            found = frozenset(numbers(" ".join((*fact.quotes, own_words(fact)))))
            if len(self._numbers) >= self.index.CACHED:
                self._numbers.clear()
            self._numbers[pos] = found
        return found

    def _year(self, pos: int, query: Query, asked: set[int]) -> float | None:
        """The year's part of the score; None: the fact is for another year."""
        years = self.years[pos]
        kind = self.types[pos]
        if asked:
            spans = self.spans[pos]
            if spans and len(asked) > 1 and not query.compare:
                # "2020년부터 2023년까지 다 합치면": a total over the years it names
                return YEAR_HIT + SPAN_HIT if asked <= spans else None
            if years:
                return YEAR_HIT if years & asked else None
            return -YEARLESS if kind in ("budget", "metric") else -1.0
        year = self.fact_year[pos]
        if kind == "budget" and year is not None:
            return DEFAULT_YEAR if year == self.default_year.get(self.owner[pos]) else 0.0
        if kind == "metric" and year:
            return (LATEST if query.latest else 0.05) * self.period[pos]
        return 0.0

    def _slots(self, pos: int, query: Query, slotted: bool) -> float:
        """Everything but the year: period, group, funding source, stage, measure."""
        if self.plain[pos] and not slotted:
            return 0.0  # nothing asked that this fact could match or miss
        s = 0.0
        fact = self.index.facts[pos]
        kind = self.types[pos]
        half, quarter = self.halves[pos]
        partial = half is not None or quarter is not None
        if query.quarter is not None:
            s += PERIOD_HIT if quarter == query.quarter else (
                -PERIOD_MISS if partial else -PART_OF_YEAR)
        elif query.half is not None:
            if half == query.half:
                s += PERIOD_HIT
            elif query.half == 1 and quarter == 2:
                s += PERIOD_HIT - 1
            elif kind == "milestone" and ("상반기", "하반기")[query.half - 1] in (
                    fact.get("what") or ""):
                s += PERIOD_HIT
            else:
                s -= PERIOD_MISS if partial else PART_OF_YEAR
        elif query.annual and partial:
            s -= PERIOD_MISS
        elif partial and not query.latest:
            s -= PART_OF_YEAR
        if query.month and kind == "milestone" and (fact.get("start") or "")[5:7] and \
                int(fact.get("start")[5:7]) == query.month:
            s += MONTH_HIT  # "10월 재심의": the step of that month
        if query.whole and fact.get("subject") and \
                alias_key(fact.get("subject")) not in query.compact:
            s -= WHOLE_PART  # "전체": the total, not a part's figure
        group = self.groups[pos]
        if query.group:
            s += GROUP_HIT if group == query.group else (-GROUP_MISS if group else -1.0)
        elif group:
            s -= GROUP_UNASKED
        if query.source:
            if kind == "budget":
                s += SOURCE_HIT if fact.get(query.source) is not None else -SOURCE_MISS
            else:
                s -= SOURCE_MISS * 2
        if kind == "budget":
            stage = fact.get("stage")
            if query.stage:
                s += STAGE_HIT if stage == query.stage else -STAGE_MISS
            elif stage == "plan":
                s += PLAN_FIRST
        if query.measure and kind == "metric":
            s += MEASURE_HIT if has_measure(fact, query.measure) else -MEASURE_MISS
        if query.count and counts(fact, query.count):
            s += COUNT_HIT
        return s

    def score(self, pos: int, query: Query, words: Words, bonus: dict[str, float],
              ask: _Asked) -> tuple[float, float | None]:
        """(the score leaving the year aside, the year's part or None)."""
        s = self.index.score(pos, words) + bonus.get(self.owner[pos], 0.0) + \
            self._slots(pos, query, ask.slotted) + ask.intent(self.fit[pos]) + \
            (-EARLIER / RECENCY * self.recency[pos] if query.earlier else self.recency[pos])
        phrases = self.phrases[pos]
        if phrases and any(map(ask.said.says, phrases)):
            s += PHRASE
        if words.numbers and not words.numbers <= self.numbers(pos) and \
                not self.subject_said(pos, query):
            s -= NUMBER_MISS
        return s, self._year(pos, query, ask.years)

    # ---- ranking -----------------------------------------------------------------------

    def rank(self, query: Query, words: Words, program_id: str | None,
             home: list[str], results_program: str | None,
             rivals: tuple[str, ...] = (), previous: Fact | None = None) -> Scored:
        bonus: dict[str, float] = {}
        if program_id:
            program = self.kb.programs[program_id]
            for related in (*program.parts, program.part_of):
                if related:
                    bonus[related] = RELATED_BONUS
            for pid in (program_id, *rivals):
                bonus[pid] = PROGRAM_BONUS
        else:
            for pid in home:
                bonus[pid] = HOME_BONUS
            if results_program and (query.intent in ("results", "participants")
                                    or query.measure):
                bonus[results_program] = HOME_BONUS + 2
        positions = set(self.index.candidates(words))
        for pid in bonus:
            positions.update(self.by_program.get(pid, ()))
        if previous is not None:
            positions.update(self.by_program.get(previous.program_id, ()))
        out = Scored()
        free_best, free_score = None, float("-inf")
        ask = _Asked(query, words)
        asked = ask.years
        named = query.report
        if query.compare:  # a change is between two figures
            positions = {p for p in positions if self.types[p] in ("budget", "metric")}
        others = self._other_subjects(program_id, words)
        for pos in positions:
            free, year = self.score(pos, query, words, bonus, ask)
            if pos in others:
                free -= SUBJECT_MISS
            if named is not None and self.index.facts[pos].report == named:
                free += REPORT_HIT
            if previous is not None and not query.earlier:
                free += self._continues(self.index.facts[pos], previous)
            if year is not None:
                s = free + year
                out.scores[self.index.ids[pos]] = s
                if s > out.score:
                    out.best, out.score = self.index.facts[pos], s
            if asked and not query.compare and free > free_score and self.years[pos]:
                free_best, free_score = pos, free
        if free_best is not None and (free_score > out.score or not self._covers(
                program_id, asked)):
            # The fact that would answer but for the asked year: say that year is not there
            # rather than answer with another kind of fact, another program's figure, or a
            # fact with no year for a year the program's facts never reach.
            fact = self.index.facts[free_best]
            best = out.best
            if self.years[free_best] and not self.years[free_best] & asked and (
                    best is None or not self.years[self.index.position[best.id]]
                    or free_score - out.score > YEAR_BLOCK
                    or best.program_id != fact.program_id
                    or (query.intent and fits(fact, query.intent)
                        and not fits(best, query.intent))
                    or not self._covers(program_id, asked)) \
                    and (fact.program_id == program_id or best is None):
                out.year_block = fact
        if out.best is not None:
            pos = self.index.position[out.best.id]
            out.lexical = self.index.score(pos, words)
            out.own = self.own(pos, words)
        return out

    def _other_subjects(self, program_id: str | None, words: Words) -> frozenset[int]:
        """The facts of the program whose subject the question does not touch, when it
        names half or more of another fact's subject."""
        if program_id is None:
            return frozenset()
        own = [p for p in self.by_program.get(program_id, ()) if self.subject_terms[p]]
        if not any(any(t <= words.flat for t in self.subject_words[p]) or
                   2 * len(self.subject_terms[p] & words.flat) >= len(self.subject_terms[p])
                   for p in own):
            return frozenset()
        return frozenset(p for p in own if not self.subject_terms[p] & words.flat)

    def _covers(self, program_id: str | None, asked: set[int]) -> bool:
        """Does any fact of the program (or of any program) reach an asked year?"""
        if program_id is None:
            return bool(asked & self.all_years)
        return any(self.years[p] & asked for p in self.by_program.get(program_id, ()))

    def _continues(self, fact: Fact, previous: Fact) -> float:
        """A follow-up ("목표는?", "청년층은?") is most likely about the same table."""
        if fact.program_id != previous.program_id or fact.type != previous.type:
            return 0.0
        same = sum(fact.get(k) == previous.get(k) for k in ("name", "label", "subject"))
        return SAME_KIND + SAME_NAME * same / 3 + SAME_REPORT * (
            fact.report == previous.report) + SAME_REPORT * (
            fact.get("year") == previous.get("year"))

    # ---- what goes with the answer -----------------------------------------------------

    def _family(self, fact: Fact) -> tuple:
        keys = ("name", "label", "subject", "group") if fact.type == "metric" else \
            ("label", "subject")
        return (fact.program_id, fact.type, *(fact.get(k) for k in keys))

    def family(self, fact: Fact) -> list[Fact]:
        family = self._family(fact)
        return [self.index.facts[p] for p in self.by_program.get(fact.program_id, ())
                if self._family(self.index.facts[p]) == family]

    @staticmethod
    def period_fits(fact: Fact, query: Query) -> bool:
        """Is the fact for the half or quarter asked? Results are cumulative: the first
        half is the figure to the end of the second quarter."""
        if query.quarter is not None:
            return fact.get("quarter") == query.quarter
        named = ("상반기", "하반기")[query.half - 1] in (fact.get("subject") or "")
        return named or fact.get("half") == query.half or (
            query.half == 1 and fact.get("quarter") == 2)

    def family_years(self, fact: Fact) -> set[int]:
        """The years the reports give the same measure for (any part of the program)."""
        key = fact.get("name") or fact.get("label")
        out: set[int] = set()
        for pos in self.by_program.get(fact.program_id, ()):
            other = self.index.facts[pos]
            if other.type == fact.type and (other.get("name") or other.get("label")) == key \
                    and other.get("group") == fact.get("group"):
                out |= self.years[pos]
        return out or {y for p in self.by_program.get(fact.program_id, ())
                       if self.index.facts[p].type == fact.type for y in self.years[p]}

    def same_family_in_year(self, fact: Fact, year: int, stage: str | None = None
                            ) -> Fact | None:
        """The same figure for another year (or, with `stage`, another budget stage)."""
        family = self._family(fact)
        pool = [self.index.facts[p] for p in self.by_program.get(fact.program_id, ())
                if self._family(self.index.facts[p]) == family
                and self.index.facts[p].get("year") == year
                and self.index.facts[p].get("half") == fact.get("half")
                and self.index.facts[p].get("quarter") == fact.get("quarter")
                and (stage is None or self.index.facts[p].get("stage") == stage)]
        if not pool:
            return None
        return max(pool, key=lambda f: (f.get("stage") == fact.get("stage"),
                                        self.report_rank.get(f.report, 0)))

    def companions(self, best: Fact, scored: Scored, query: Query) -> list[Fact]:
        """Facts shown with the answer: the same figure in other reports (and a year's
        other budget stages), a schedule's other steps, and facts as relevant as it."""
        family = self._family(best)
        scores, ids, types = scored.scores, self.index.ids, self.types
        best_score = scores.get(best.id, 0.0)
        out = []
        for pos in self.by_program.get(best.program_id, ()):
            fact_id = ids[pos]
            if types[pos] != best.type or fact_id == best.id or fact_id not in scores:
                continue
            fact = self.index.facts[pos]
            tied = scores[fact_id] >= best_score - TIE
            if best.type == "milestone":
                keep = fact.report == best.report and fact.get("subject") == best.get("subject")
            elif best.type == "budget":
                keep = self._family(fact) == family and fact.get("year") == best.get("year")
            elif best.type == "metric":
                keep = (self._family(fact) == family or tied) and all(
                    fact.get(k) == best.get(k) for k in ("year", "half", "quarter"))
            else:
                keep = fact.get("field") == best.get("field") and (
                    (fact.get("subject") == best.get("subject")
                     and fact.get("text") != best.get("text")
                     and (fact.report != best.report or tied)) or tied)
            if keep:
                out.append(fact)
        out.sort(key=lambda f: (-scored.scores.get(f.id, 0.0),
                                -self.report_rank.get(f.report, 0)))
        return out[:MAX_COMPANIONS]
