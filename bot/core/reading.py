"""What a question names beyond a program and its slots: the report it means ("공약카드",
"2020년 업무보고"), another office ("청소행정과"), and the thing whose amount it asks
("참가비 얼마", "직원 몇 명"). Read against the knowledge base's own names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from .index import Words, terms
from .matcher import ProgramMatcher
from .model import KnowledgeBase, Program
from .query import Query
from .text import alias_key, is_hangul

_PARTICLE = re.compile(r"(은|는|이|가|을|를|의|에서|에는|엔|에|도|만|랑|와|하고)$")
_ADVERBS = frozenset(("대략", "대충", "모두", "전부", "정도", "총", "각각", "한", "다", "보통",
                      "평균", "최대", "최소", "매년", "매월", "매달", "하루", "한번", "대체",
                      "전체", "합계", "총액", "최종", "금액", "돈", "좀", "혹시", "정확히", "그",
                      "쪽"))
_MEASURES = frozenset(("인원", "사람", "인원수", "숫자", "개수", "수", "명수", "횟수"))
_SIZE = frozenset(("규모", "금액", "액수"))
# Words that ask for the thing named right before them.
_AMOUNT = ("얼마", "몇명", "몇개", "몇대", "몇곳", "몇건", "몇억", "몇천", "몇만", "몇월", "며칠")
_WHAT = ("뭐야", "뭐예요", "뭐에요", "뭔가요", "뭐임", "뭐지", "뭐였", "알려", "가르쳐", "알아",
         "아세요", "알수")
_REPORT_YEAR = re.compile(r"(?<!\d)(20\d\d|\d\d)\s*년?\s*(?:\d{1,2}\s*월\s*)?(?:에\s*)?"
                          r"(?:나온\s*)?(?:업무\s*보고|업무\s*계획|주요\s*업무|보고서)")


def name_terms(program: Program) -> frozenset[str]:
    """The terms of a program's names and aliases."""
    return frozenset().union(*map(terms, (program.name, program.short, *program.aliases)))


class Reader:
    def __init__(self, kb: KnowledgeBase, matcher: ProgramMatcher):
        self.kb = kb
        self.matcher = matcher
        self.report_names = [(r.id, alias_key(a)) for r in kb.reports.values()
                             for a in r.aliases]
        self.offices = {alias_key(a) for p in kb.programs.values() for a in (p.name, p.short,
                                                                               *p.aliases)}
        self.name_terms = {p.id: name_terms(p) for p in kb.programs.values()}

    def office(self, query: Query) -> str | None:
        """A department or team (…과, …팀) that no program is named after: another
        office, whose business only a fact that names it can answer ("청소행정과 예산")."""
        for word in query.text.split():
            stem = _PARTICLE.sub("", word)
            if len(stem) < 4 or not stem.endswith(("과", "팀")) or stem in self.offices:
                continue
            if stem.endswith("과") and any(stem[:-1].endswith(k) for k in self.offices):
                continue  # "공동체일자리과 뉴딜": 과 is "and" after a program's name
            return stem
        return None

    def asked_thing(self, query: Query, found: Words, program: Program,
                    known: Callable[[str], bool]) -> str | None:
        """The noun right before 얼마 or 몇 ("참가비 얼마야" -> 참가비, "직원 몇 명" -> 직원),
        when it is a noun of its own: not a program's or office's name, an adverb or a
        verb (합치면)."""
        words = re.sub(r"(?<!\S)몇 (?=\S)", "몇", query.text.rstrip("?!. ")).split()
        for n, word in enumerate(words[1:], 1):
            # "얼마", and counts of people or things ("직원 몇 명"); not an age or an hour
            # ("근로자 몇 살부터": the answer names them otherwise); "비번 뭐야", "매출 알려줘"
            what = word.startswith(_WHAT)
            if not what and not word.startswith(_AMOUNT):
                continue
            back = n - 1
            while back > 0 and _PARTICLE.sub("", words[back]) in _ADVERBS:
                back -= 1  # "주소 좀 알려줘"
            head = _PARTICLE.sub("", words[back])
            if head in _SIZE and back > 0:
                head = _PARTICLE.sub("", words[back - 1])  # "예산 규모가 얼마" asks the 예산
            if head in _MEASURES:
                return None  # "인원 몇 명": the count itself, not a thing of its own
            if len(head) < 2 or not all(is_hangul(c) for c in head) or head in _ADVERBS \
                    or head[-1] in "면고서니데지요야다며히" or head in found.name \
                    or terms(head) <= self.name_terms[program.id] \
                    or head in self.offices \
                    or any(key in head for _, key in self.report_names) \
                    or self.matcher.match(head) \
                    or what and any(map(known, terms(head))):
                return None  # "구성 알려줘": a word the reports use, not a thing they lack
            return head
        return None

    def named_report(self, query: Query) -> Query:
        """"공약카드", "2020년 업무보고", "2021년 업무계획": the report the question means.
        A year said only as the report's is not a year asked about."""
        for report_id, key in self.report_names:
            if key in query.compact:
                return replace(query, report=report_id)
        m = _REPORT_YEAR.search(query.text)
        if not m:
            return query
        year = int(m.group(1)) if len(m.group(1)) == 4 else 2000 + int(m.group(1))
        plans = [r for r in self.kb.reports.values() if "업무" in r.title + r.short]
        by_date = [r for r in plans if int(r.date[:4]) == year]
        by_plan = [r for r in plans if r.headline_year == year]
        # "2021년 업무계획" is the report planning 2021; "2020년 업무보고" the one of 2020.
        found = (by_plan or by_date) if "계획" in m.group(0) else (by_date or by_plan)
        if not found:
            return query
        years = query.years
        if len(re.findall(rf"(?<!\d)(?:{year}|{year % 100})\s*년", query.text)) <= 1:
            years = tuple(y for y in years if y != year)
        return replace(query, report=found[0].id, years=years,
                       year=years[0] if years else None, said_years=years)

