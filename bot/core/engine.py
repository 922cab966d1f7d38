"""The answering engine: a question (and the previous turn) in, an Answer out.

It answers by finding the fact. Every fact is a small document (index.py). A question is
scored against the facts of the program it names, of programs related to it, and of every
fact anywhere that shares an uncommon word with it; the program it names, its slots (year,
half, quarter, funding source, group, budget stage, measure) and its intent words add to or
take from that score, and an asked year that a fact does not cover rules the fact out. The
best fact is the answer, with the facts that belong with it (the same figure in another
report, the other steps of a schedule). When no fact is close enough it says so.

It only states facts of the knowledge base, each with its report and quoted line; when the
asked year is not there it says so and names the years that are, and never presents
another year's figure as the asked one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from bot.messages import texts

from .answer import Answer, Candidate
from .demands import gives_measure, is_garbage, names_day, names_place, says_period
from .derived import Derived
from .features import counts, fits
from .index import OWN, FactIndex, Words, numbers, own_words, question_terms, terms
from .matcher import Match, ProgramMatcher
from .model import Fact, KnowledgeBase, Program
from .nouns import Nouns
from .query import Query, glossed, glossed_things, parse
from .reading import Reader
from .render import Renderer, period_rank
from .replies import MAX_LINES, Replies
from .scoring import Scorer
from .text import alias_key
from .vocabulary import vocabulary

MAX_QUESTION = 2000
# Asking for the whole of the previous answer.
_MORE = re.compile(r"(더)?자세히(알려줘|보여줘|요|좀)?|전부보여줘|다보여줘|(show)?more|details?|"
                   r"infull|fullanswer")
# Which budget figure of a year comes first when the question names no stage.
STAGE_ORDER = {"plan": 0, "actual": 1, "executed": 2, "secured": 3}
CLARIFY_MARGIN = 4.0
# A question that names no program needs this much of its wording in a fact.
MIN_GLOBAL = 8.0
MIN_HOME = 2.0  # or this much, for the department's own pages and results
# and two of its words in the fact's own words, or one rare one
MIN_RARE = 5.0
# Below this the named program's best fact shares too little with the question: its overview.
MIN_OWN = 1.5
MAX_SUGGESTIONS = 3
MIN_SUGGEST = 5.0  # own-word idf a fact needs for its program to be offered
SWITCH = 9.0  # a fact that gives what is asked may be this much less relevant than the best
# The intents an Answer reports (`jobbot ask --json`): finer ones fold into these.
PUBLIC_INTENT = {"hours": "schedule", "contact": "team"}
# Asked for something only a fact of that kind can give: never answered with another kind.
STRICT_INTENTS = {"contact": 3, "hours": 3, "place": 3, "schedule": 3}  # (keyword weight)
_BACK_REFERENCE = ("그거", "그건", "그것", "거기", "그사업", "그럼", "그러면", "그때", "그해",
                   "그 해", "같은", "it", "that", "there")


_SAME_YEAR = re.compile(r"같은\s*해|그\s*해|같은\s*연도|동일\s*연도|same year|that year")


@dataclass(frozen=True)
class _Context:
    """What a follow-up question inherits: the program, the parsed question, the fact."""

    program: str | None
    query: Query
    fact: str | None = None
    answer: Answer | None = None  # the answer given, for "자세히"


class Engine:
    """Answers questions from one knowledge base. Immutable once built: a reload builds a
    new Engine and swaps it in, so a question never sees a mix of two knowledge bases.
    `today` is the clock relative dates ("작년") are read against."""

    def __init__(self, kb: KnowledgeBase, today: Callable[[], date] = date.today):
        self.kb = kb
        self.today = today
        self.matcher = ProgramMatcher(kb)
        self.report_rank = {rid: n for n, rid in enumerate(kb.report_order())}
        self.index = FactIndex(kb)
        self.scorer = Scorer(kb, self.index, self.report_rank)
        self.render = Renderer(kb, self.report_rank)
        self.derived = Derived(self.scorer, self.render)
        self.replies = Replies(kb, self.scorer, self.render, self.report_rank, today)
        self.results_program = self._pick_results_program()
        self.home_programs = [p.id for p in kb.programs.values() if p.kind == "department"]
        # Words of a program's own facts: a program alias that is also one of them (생활임금
        # is both an alias of 노동권익 and the subject of its wage facts) says which fact.
        self.fact_words = {p.id: "|".join(sorted({alias_key(f.get(k)) for f in p.facts
                                                  for k in ("name", "subject", "label")
                                                  if f.get(k)}))
                           for p in kb.programs.values()}
        # Text of each program's facts' own words, to tell a name that names a part of it.
        self.fact_names = {pid: frozenset(words.split("|"))
                           for pid, words in self.fact_words.items()}
        self.own_text = {p.id: "|".join(alias_key(own_words(f)) for f in p.facts)
                         for p in kb.programs.values()}
        self.names = {p.id: (alias_key(p.name), alias_key(p.short))
                      for p in kb.programs.values()}
        self.reader = Reader(kb, self.matcher)
        # The reports' own names ("공약카드", "업무보고") are words the engine reads too.
        report_names = " ".join(x for r in kb.reports.values() for x in (r.short, *r.aliases))
        self.nouns = Nouns(self.index.idf, terms, f"{vocabulary()} {report_names}")
        # The department's own teams and offices (the facts' team answers and subjects).
        self.own_offices = frozenset(
            alias_key(value) for f in kb.facts for value in (
                f.get("text") if f.get("field") == "team" else None, f.get("subject"))
            if isinstance(value, str) and value.endswith(("팀", "과")))


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

    def answer(self, question: str, context: object = None,
               program_hint: str | None = None) -> Answer:
        """Answer one question. `context` is the previous answer's `.context`;
        `program_hint` forces the program (a clarify button was clicked)."""
        if not isinstance(question, str):
            question = ""
        stripped = question.strip()
        t = texts("ko")
        if not stripped:
            return Answer("no_match", t["empty"])
        if len(stripped) > MAX_QUESTION:
            return Answer("no_match", t["too_long"].format(n=len(stripped), limit=MAX_QUESTION))
        if is_garbage(stripped):
            return Answer("no_match", t["garbage"])
        query = self.reader.named_report(parse(stripped, self.today()))
        t = texts(query.lang)
        if not query.compact:
            return Answer("no_match", t["garbage"], lang=query.lang)
        ctx = context if isinstance(context, _Context) else None
        if ctx is not None and ctx.answer is not None and _MORE.fullmatch(query.compact):
            # "자세히": the previous answer in full (every line, the whole quotes)
            return replace(ctx.answer, text=ctx.answer.detail or ctx.answer.text,
                           context=ctx)

        matches = self.matcher.match(query.compact)
        if program_hint and program_hint in self.kb.programs:
            matches = [Match(program_hint, 200.0, "", 0, 0)]
        rivals = self._rivals(matches) if matches else []
        top = matches[0] if matches else None
        words = self._residual_terms(query, top)
        follow = ctx is not None and ctx.program is not None and not rivals and (
            (top is None and self._follows(query, words, ctx))
            or (top is not None and top.program_id == ctx.program and query.intent is None)
            or (top is not None and query.intent is None and not self._own_words(
                top.program_id, words)))
        # The kind this question itself asks for, if it says so plainly (부터 alone does not).
        asked_kind = query.intent if query.intent_scores.get(query.intent, 0) >= 2 else None
        if follow:
            query = query.inherit(ctx.query)
        elif ctx is not None and not query.years and ctx.query.years and \
                _SAME_YEAR.search(query.text):
            # "같은 해 뉴딜일자리 예산은?": a new program, the previous question's year
            query = replace(query, years=ctx.query.years[:1], year=ctx.query.years[0])
        program_id = top.program_id if top else (ctx.program if follow else None)

        previous = self.kb_fact(ctx.fact) if follow and ctx and ctx.fact else None
        if previous is not None and asked_kind and not fits(previous, asked_kind):
            previous = None  # "대상은?" after a budget: a new kind, not the same table
        scored = self.scorer.rank(query, words, program_id, self.home_programs,
                                  self.results_program, tuple(m.program_id for m in rivals),
                                  previous)
        if rivals:
            # Two programs named alike: a fact of one that names the other settles it
            # ("우시장 도시재생대학": the 우시장 page's 도시재생대학); else ask which.
            best = scored.best
            named = [m.alias for m in (top, *rivals)
                     if best is None or m.program_id != best.program_id]
            text = alias_key(" ".join((*best.quotes, own_words(best)))) if best else ""
            if best is None or not all(alias in text for alias in named):
                if query.add_up:  # "취업박람회랑 일구데이 예산 합치면"
                    added = self._added_across((top, *rivals), scored, query, t)
                    if added is not None:
                        return added
                return self._clarify(top, rivals, query, t)
            program_id = best.program_id
        place = self.kb.places.find(stripped)
        office = None if place else self.reader.office(query)
        if (place or office) and (scored.best is None or not names_place(
                place or office, scored.best, stem=place is not None)
                or office and office not in self.own_offices
                and not self._about_office(office, query, words, scored.best)):
            place = place or office
            return Answer("no_match", t["other_place"].format(place=place),
                          intent=query.intent, lang=query.lang)
        if program_id is None:
            home = scored.best is not None and query.intent is not None and \
                scored.best.program_id in (*self.home_programs, self.results_program)
            if scored.best is None or scored.lexical < (MIN_HOME if home else MIN_GLOBAL) or (
                    not home and self.index.matched(self.index.position[scored.best.id], words,
                                                    OWN) < 2 and scored.own < MIN_RARE):
                return self._not_understood(query, scored, words, t)
            program_id = scored.best.program_id
        program = self.kb.programs[program_id]
        answer = self._decide(program, query, words, scored, t, follow)
        answer = replace(answer, intent=PUBLIC_INTENT.get(answer.intent, answer.intent))
        return replace(answer, context=_Context(program.id, query, answer.facts[0]
                                                if answer.facts else None, answer)) \
            if answer.status in ("answered", "no_data") else answer

    def _about_office(self, office: str, query: Query, words: Words, fact: Fact) -> bool:
        """A fact that lists another office ("…, 청소행정과, 환경과") answers about it only
        what it says: the kind asked, in the fact's own words beyond the office's name."""
        if query.intent is not None and not fits(fact, query.intent):
            return False
        rest = Words(tuple(g for g in words.groups if not g <= terms(office)), words.compact)
        return self.scorer.own(self.index.position[fact.id], rest) >= MIN_OWN

    def kb_fact(self, fact_id: str) -> Fact | None:
        pos = self.index.position.get(fact_id)
        return self.index.facts[pos] if pos is not None else None

    def _not_understood(self, query: Query, scored, words: Words, t: dict) -> Answer:
        """Not confident enough to answer: say so, and offer the programs whose facts came
        nearest (a clarify with buttons), when some share the question's own words."""
        ranked = sorted(((s, fid) for fid, s in scored.scores.items()), reverse=True)
        programs: list[Program] = []
        for _, fact_id in ranked:
            pos = self.index.position[fact_id]
            program = self.kb.programs[self.index.facts[pos].program_id]
            if self.scorer.own(pos, words) < MIN_SUGGEST or program in programs:
                continue
            programs.append(program)
            if len(programs) == MAX_SUGGESTIONS:
                break
        if not programs:
            return Answer("no_match", t["no_match"], intent=query.intent, lang=query.lang)
        text = t["not_sure"] + " " + t["no_match_suggest"].format(
            names=", ".join(p.short for p in programs))
        return Answer("clarify", text, intent=query.intent, lang=query.lang,
                      candidates=tuple(Candidate(p.id, p.name, p.short) for p in programs),
                      context=_Context(None, query))

    def _added_across(self, matches: tuple[Match, ...], scored, query: Query, t: dict
                      ) -> Answer | None:
        """The sum of one figure of each program the question names, when each program's
        best fact is the same kind of figure for the same year."""
        facts = []
        for match in matches:
            ranked = [(scored.scores[self.index.ids[p]], self.index.facts[p])
                      for p in self.scorer.by_program.get(match.program_id, ())
                      if self.index.ids[p] in scored.scores]
            if not ranked:
                return None
            facts.append(max(ranked, key=lambda pair: pair[0])[1])
        computed = self.derived.across(facts, query, t)
        if computed is None:
            return None
        program = self.kb.programs[facts[0].program_id]
        return self.replies.done(program, query, computed[2], computed[0], computed[1])

    def _rivals(self, matches: list[Match]) -> list[Match]:
        """Other programs the question names as clearly as the first."""
        top = matches[0]
        return [m for m in matches[1:] if m.score >= top.score - CLARIFY_MARGIN
                and not (m.start >= top.start and m.end <= top.end)
                and not self._related(top.program_id, m.program_id)
                # "새벽일자리쉼터 기간제 일자리 창출": words of the top program's own
                # facts, not a second program.
                and m.alias not in self.fact_words.get(top.program_id, "")]

    def _clarify(self, top: Match, rivals: list[Match], query: Query, t: dict) -> Answer:
        programs = [self.kb.programs[m.program_id] for m in (top, *rivals)]
        names = ", ".join(p.short for p in programs)
        return Answer("clarify", t["clarify"].format(names=names), intent=query.intent,
                      candidates=tuple(Candidate(p.id, p.name, p.short) for p in programs),
                      lang=query.lang, context=_Context(None, query))

    def _related(self, a: str, b: str) -> bool:
        """An umbrella page and one of its parts are not rival readings: the part wins."""
        pa, pb = self.kb.programs[a], self.kb.programs[b]
        return b in pa.parts or a in pb.parts or pa.part_of == b or pb.part_of == a

    def _residual_terms(self, query: Query, match: Match | None) -> Words:
        """The question's terms without the program's name, unless that name names a part
        of the program (생활임금 is an alias of 노동권익 보호 and the subject of its wage
        facts): then it says which facts are meant."""
        text = f"{query.text} {glossed(query.text)}"
        if match is None or match.end <= match.start:
            if query.lang == "ko":
                text = f"{self.nouns.content(query.text)} {glossed(query.text)}"
            return question_terms(text)
        if self._names_part(match):
            words = question_terms(text)
            # Its figures ("지역경제-11") are the name's, not figures to find.
            return replace(words, numbers=words.numbers - numbers(match.alias))
        return question_terms(text, (match.start, match.end),
                              self.reader.name_terms[match.program_id])

    def _names_part(self, match: Match) -> bool:
        """Is the matched name a part of the program (a fact's subject, or words of its
        facts that are not a form of the program's own name)?"""
        names = self.names.get(match.program_id, ())
        if any(match.alias in n for n in names):
            return False  # a form of the program's own name
        if match.alias in self.fact_names.get(match.program_id, ()):
            return True
        return match.alias in self.own_text.get(match.program_id, "") and not any(
            n in match.alias for n in names)

    def _own_words(self, program_id: str, words: Words) -> bool:
        """Does the question say something about the program beyond its name?"""
        return self.scorer.own_hit(program_id, words) >= MIN_OWN

    def _follows(self, query: Query, words: Words, ctx: _Context) -> bool:
        """A question naming no program continues the conversation when it asks a new slot
        or kind ("청년층은?", "목표는?"), refers back ("그거 언제야?"), or is about the
        previous program's facts."""
        if query.has_slots or query.intent or any(w in query.compact or w in query.text
                                                   for w in _BACK_REFERENCE):
            return True
        return ctx.program is not None and self._own_words(ctx.program, words)

    # ---- choosing what to say ----------------------------------------------------------

    def _decide(self, program: Program, query: Query, words: Words, scored, t: dict,
                follow: bool = False) -> Answer:
        best = scored.best
        if query.years and not set(query.years) & self.scorer.all_years and not query.relative:
            return self.replies.beyond(program, query, t)  # no report reaches that year
        if best is None or best.program_id != program.id and scored.lexical < MIN_GLOBAL \
                and not self._related(best.program_id, program.id):
            if scored.year_block is not None:
                return self.replies.no_year(program, query, scored.year_block, t)
            return self.replies.missing(program, query, t) if query.intent else \
                self.replies.overview(program, query, t)
        if scored.year_block is not None:
            return self.replies.no_year(self.kb.programs[scored.year_block.program_id], query,
                                 scored.year_block, t)
        owner = self.kb.programs[best.program_id]
        if query.lang == "en":
            for english, korean in glossed_things(query.text):
                # "revenue" (매출), "CEO's name" (이름): a word no report uses at all
                if any(not any(x in self.index.idf for x in terms(k)) for k in korean.split()):
                    return self.replies.missing(owner, query, t, thing=english)
        elif not follow:  # a follow-up's nouns may name what the last answer said
            foreign = self.nouns.foreign(query.text, words.flat)
            if foreign:  # "일자리카페 주차 돼요?", "외국인 유학생도 이용 돼?"
                return self.replies.missing(owner, query, t, thing=foreign[0])
        head = self.reader.asked_thing(query, words, owner, self.index.idf.__contains__)
        if head and not self.nouns.known(head) and self.nouns.typo(head):
            head = None  # "예샨 얼마": a typo of a word the engine reads, not a thing
        head_terms = terms(head) if head else frozenset()
        if query.intent in (None, "overview") and scored.lexical < MIN_OWN and not query.has_slots:
            if head_terms and not any(head_terms & self.index.weights(pos).keys()
                                      for pos in self.scorer.by_program.get(owner.id, ())):
                return self.replies.missing(owner, query, t, thing=head)  # "와이파이 비번 뭐야"
            return self.replies.overview(owner, query, t)
        strict = query.intent if query.intent_scores.get(query.intent, 0) >= \
            STRICT_INTENTS.get(query.intent, 99) else None

        # "실제 취업자 수": asked of a table's figure, answered by that table or not at all.
        measured = best.type == "metric" and query.measure in ("actual", "target") and \
            query.intent in (None, "results", "participants")

        def meets(fact: Fact) -> bool:
            """What the question asks plainly, the fact must give: a kind (운영시간,
            연락처), a figure in a unit (몇 대), a rate (달성률), the thing whose amount
            is asked ("참가비 얼마", "직원 몇 명")."""
            return (strict is None or fits(fact, strict)) and \
                (query.count is None or counts(fact, query.count)) and \
                (query.day is None or names_day(fact, query.day)) and \
                (query.measure != "rate" or fact.get("rate") is not None
                 or fact.get("unit") == "%") and \
                (not measured or fact.type == "metric" and gives_measure(fact, query.measure)) \
                and \
                (not head_terms or bool(head_terms & self.index.weights(
                    self.index.position[fact.id]).keys()))

        if not meets(best):
            # The best fact that does give it, if it is nearly as good; else we have none.
            best = self._runner_up(scored, best, meets)
            if best is None:
                day = query.day and (query.day + "요일" if len(query.day) == 1 else query.day)
                return self.replies.missing(owner, query, t, thing=head or day or "")
        if best.type == "metric" and (query.half or query.quarter) and not \
                self.scorer.period_fits(best, query):
            return self.replies.no_period(owner, query, best, t)
        if best.type == "info" and query.years and (query.half or query.quarter) and \
                not says_period(best, query):
            # "22년 상반기 실적": a sentence with no such period does not answer it
            return self.replies.missing(owner, query, t)
        if query.intent and not fits(best, query.intent) and \
                scored.own < MIN_OWN and not self.scorer.has_kind(owner.id, query.intent):
            return self.replies.missing(owner, query, t)
        position = self.index.position[best.id]
        if query.years and best.type in ("budget", "metric") and not \
                self.scorer.years[position] and not self.scorer.spans[position]:
            # A total over years (총사업비) is never a year's figure.
            return self.replies.no_year(owner, query, best, t)
        if words.numbers and not words.numbers <= self.scorer.numbers(position) and \
                not self.scorer.subject_said(position, query):
            # "2호점", "2기": a figure the question names that no fitting fact states.
            return self.replies.missing(owner, query, t)
        if query.add_up and not query.compare:
            scores = scored.scores
            mine = [(scores[self.index.ids[p]], self.index.facts[p])
                    for p in self.scorer.by_program.get(best.program_id, ())
                    if self.index.ids[p] in scores]
            # The parts are named by words that may also be the program's aliases
            # ("합동 일구데이"): read the whole question, and drop only the program's name.
            computed = self.derived.parts(best, mine, question_terms(query.text).flat,
                                          terms(owner.name) | terms(owner.short), query, t)
            if computed is not None:
                return self.replies.done(owner, query, computed[2], computed[0], computed[1])
        if query.whole and len(query.said_years) > 1 and not query.compare and \
                not self.scorer.spans[self.index.position[best.id]]:
            computed = self.derived.sum(owner, best, query, t)
            if computed is not None:
                return self.replies.done(owner, query, computed[2], computed[0], computed[1])
        if query.compare:
            computed = self.derived.change(owner, best, query, t) if len(query.years) > 1 \
                else self.derived.stages(owner, best, query, t)
            if computed is not None:
                return self.replies.done(owner, query, computed[2], computed[0], computed[1])
        return self.replies.compose(owner, best, query, scored, t)

    def _runner_up(self, scored, best: Fact, meets: Callable[[Fact], bool]) -> Fact | None:
        floor = scored.scores.get(best.id, 0.0) - SWITCH
        found, found_score = None, floor
        for pos in self.scorer.by_program.get(best.program_id, ()):
            score = scored.scores.get(self.index.ids[pos])
            if score is not None and score >= found_score and meets(self.index.facts[pos]):
                found, found_score = self.index.facts[pos], score
        return found


__all__ = ["Engine", "STAGE_ORDER", "period_rank", "MAX_LINES"]
