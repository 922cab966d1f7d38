"""Every fact as a small searchable document, and how a question's words score against it.

A fact's document is made of three layers of words, each with its weight:

- its own words (subject, name, label, what, text): what the fact is about;
- kind words, derived from its type, field, stage, measures, unit, period and group
  (a 집행액 budget gets "집행 집행액", a quarter's figure "3분기", a metric counted in
  people "인원 몇명"): what kind of question it answers;
- the words of its quotes and its curator's note: what the report says around it.

Korean is matched on character bigrams inside each word, which needs no segmenter and
survives particles and typos ("예산은", "예싼"); English on lower-cased words. A term's
worth is its inverse document frequency (BM25's, over all facts) times the heaviest layer
of the fact that holds it. Each question word counts once: its best shared term in full,
its other shared terms in part (REST), scaled by the share of its terms the fact holds
(so 총사업비 is not matched by 업비 alone). Idf makes the common pairs (일자, 자리, 사업)
count for little and the rare ones (롯데, 감정) for much.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .model import Fact, KnowledgeBase
from .text import BARE_YEAR, normalize

OWN, KIND, QUOTE = 1.0, 0.9, 0.35
# A term in more than this share of facts is too common to find candidates by (it still
# scores them).
COMMON_SHARE = 0.08
REST = 0.3  # a question word's further shared letter pairs, after its best one

TYPE_WORDS = {
    "budget": "예산 사업비 비용 돈 얼마 금액 재원 부담분 분담 budget cost funding money spend",
    "metric": "",
    "milestone": "일정 언제 시기 추진 날짜 날 며칠 몇월 schedule when date",
    "info": "",
}
FIELD_WORDS = {
    "purpose": "목적 왜 취지 purpose why aim",
    "content": "내용 뭐 무엇 뭘 하는 사업내용 what content about",
    "eligibility": "대상 자격 누가 누구 나이 조건 참여 신청 who eligible eligibility age",
    "place": "어디 장소 위치 주소 소재지 사무실 where location address place office",
    "hours": "운영시간 시간 몇시 열어 닫아 여나 hours open close time",
    "period": "기간 언제 사업기간 period when duration",
    "team": "담당 팀 부서 team charge department",
    "contact": "담당자 연락처 문의 contact phone",
    "staff": "인력 직원 운영인력 인력구성 구성 근무 인원 몇명 staff workers",
    "method": "방법 신청 절차 apply method",
    "basis": "근거 법 조례 basis law",
    "organizer": "주관 주최 공모 기관 organizer",
    "form": "형태 설립 방식 form type",
    "issue": "문제점 문제 어려움 issue problem",
    "other": "",
}
STAGE_WORDS = {
    "plan": "계획 소요 예산 plan planned",
    "secured": "확보 확보액 secured",
    "executed": "집행 집행액 썼 쓴 spent executed execution",
    "actual": "실적 결산 actual",
    "result": "실적 결과 result actual",
}
MEASURE_WORDS = {
    "target": "목표 target goal",
    "actual": "실적 결과 달성 actual result",
    "rate": "달성률 달성 퍼센트 rate achievement percent",
}
UNIT_WORDS = {
    "명": "인원 몇명 명 사람 people number",
    "개": "몇개 개수 number",
    "건": "건수 몇건 number",
    "회": "횟수 몇회 몇번 번 자주 times",
    "원": "얼마 금액 won",
    "개소": "몇곳 개소 곳 places",
    "천원": "천원", "백만원": "백만원",
}
SOURCE_WORDS = {"national": "국비 national", "city": "시비 city", "district": "구비 district"}
_FREQUENT = re.compile(r"매월|매주|매년|월\s*\d+\s*회|연\s*\d+\s*회|주\s*\d+\s*회|분기별|수시|"
                       r"상시|연중|격월|회\s*이상")
COUNTED = re.compile(r"\d\s*여?\s*(명|개|회|건|개소|곳)")  # 300여명: about 300
_DATE = re.compile(r"요일|매주|매월|째\s*주|20\d\d\s*\.\s*\d{1,2}\s*\.|\d{1,2}\s*월")
# Periods and counts a question says that are slots or question words, not figures to find.
_PERIODS = re.compile(r"\d+\s*(분기|년\s*전|년치|년간|년\s*동안|년\s*에|달\s*에|개년|개월|"
                      r"years? ago|"
                      r"st|nd|rd|th|q)|q\d|h\d|"
                      r"\d+\s*(월|시|명|개|회|번|곳|건|살|세|%|퍼센트)|(?<!\d)1\s*년(?!\s*\d)")
_SHORT_YEARS = re.compile(r"(?<!\d)\d{2}\s*(~\s*\d{2}\s*)?(년|~)")
_YEARS = re.compile(r"(?<!\d)20\d\d\s*년?도?|'\d\d(?!\d)|" + BARE_YEAR)


_STRIP = str.maketrans("", "", ".-'~%·ㆍ")


@lru_cache(maxsize=16384)
def terms(text: str | None) -> frozenset[str]:
    """Korean bigrams inside each word (so that "공공근로 예산" does not make 로예), and
    English words (plural 's' dropped). Cached: facts repeat their table's lines."""
    if not text:
        return frozenset()
    out: set[str] = set()
    for word in normalize(text).split():
        if word.isascii():
            word = word.strip(".-'~%")
            if len(word) > 2 and word.endswith("s"):
                word = word[:-1]
            if len(word) >= 2 and not word.isdigit():
                out.add(word)
            continue
        word = word.translate(_STRIP)
        if len(word) == 1:
            out.add(word)
        else:
            out.update(map(sys.intern, map(str.__add__, word, word[1:])))
    return frozenset(out)


@dataclass(frozen=True)
class Words:
    """A question's words to match: each word's terms as one group (a word counts once,
    however many of its letter pairs a fact shares), and the words run together."""

    groups: tuple[frozenset[str], ...] = ()
    compact: str = ""
    numbers: frozenset[str] = frozenset()  # figures the question names (2호점 -> "2")
    name: str = ""  # the program's name as the question wrote it (taken out of the words)

    flat: frozenset[str] = field(default=frozenset(), compare=False)  # every group's terms

    def __post_init__(self) -> None:
        object.__setattr__(self, "flat", frozenset().union(*self.groups))

    def __bool__(self) -> bool:
        return bool(self.groups)


def question_terms(text: str, drop: tuple[int, int] | None = None,
                   known: frozenset[str] = frozenset()) -> Words:
    """The question's words, without its years (a slot, not a word to match), without
    the letters `drop` spans in the question written without spaces (a program's name),
    and without the words made only of `known` terms (the rest of that name)."""
    name = ""
    if drop is not None:
        start, end = drop
        compact = normalize(text).replace(" ", "")
        # A fuzzy name match may take in a digit of the figure beside it ("2021 공공근루"):
        # figures are never part of the name.
        while start < end and compact[start].isdigit():
            start += 1
        while end > start and compact[end - 1].isdigit():
            end -= 1
        name = compact[start:end]
        kept, n = [], 0
        for ch in normalize(text):
            if ch == " ":
                kept.append(ch)
                continue
            kept.append(" " if start <= n < end else ch)
            n += 1
        text = "".join(kept)
    text = _YEARS.sub(" ", normalize(text))
    # "몇 시까지" asks 몇시, "몇 명" 몇명: 몇 belongs with its counter.
    text = re.sub(r"(?<!\S)몇 (?=\S)", "몇", text)
    if known:  # the rest of the program's name ("독산1동" of 독산1동 골목길 재생)
        text = " ".join(w for w in text.split() if not terms(w) or not terms(w) <= known)
    groups = {frozenset(g) for g in (terms(word) for word in text.split()) if g}
    return Words(tuple(sorted(groups, key=sorted)), text.replace(" ", ""),
                 frozenset(numbers(_SHORT_YEARS.sub(" ", _PERIODS.sub(" ", text)))), name)


def numbers(text: str) -> set[str]:
    """The figures in a text without thousands separators, alone and with the letter that
    counts them: "1,009번지 2호점" -> {"1009", "1009번", "2", "2호"}."""
    out = set()
    text = re.sub(r"(?<=\d),(?=\d)", "", text)
    # The counter is the letter right after the figure ("2호점"), not the next word's
    # first letter ("지역경제-11 카드").
    for digits, counter in re.findall(r"(?<![a-z0-9])(\d+)([가-힣]?)", text):
        digits = digits.lstrip("0") or "0"
        out.add(digits)
        if counter:
            out.add(digits + counter)
    return out


def kind_words(fact: Fact) -> str:
    words = [TYPE_WORDS.get(fact.type, "")]
    data = fact.data
    if fact.type == "info":
        words.append(FIELD_WORDS.get(data.get("field", ""), ""))
    if data.get("stage"):
        words.append(STAGE_WORDS.get(data["stage"], ""))
    for measure in ("target", "actual", "rate"):
        if data.get(measure) is not None:
            words.append(MEASURE_WORDS[measure])
    for key, value in SOURCE_WORDS.items():
        if data.get(key) is not None:
            words.append(value)
    if data.get("ratio"):
        words.append("매칭 비율 매칭비율 ratio matching")
    words.append(UNIT_WORDS.get(data.get("unit", ""), ""))
    if data.get("half"):
        words.append("상반기" if data["half"] == 1 else "하반기")
        words.append("반기")
    if data.get("quarter"):
        words.append(f"{data['quarter']}분기 분기")
    if data.get("group"):
        words.append(f"{data['group']} {data['group']}층")
    own = " ".join(str(data.get(k) or "") for k in ("text", "what", "note"))
    if _FREQUENT.search(own) or _FREQUENT.search(" ".join(fact.quotes)):
        words.append("자주 몇번 주기 횟수 얼마나 often")
    if fact.type == "info" and _DATE.search(own):
        words.append("언제 when")
    if fact.type == "info":
        for unit in {m.group(1) for m in COUNTED.finditer(own)}:
            words.append(UNIT_WORDS.get(unit, ""))
    if is_team(fact):
        words.append(FIELD_WORDS["team"])
    return " ".join(words)


def is_team(fact: Fact) -> bool:
    """A team's row of a department's organisation table (subject: the team's name)."""
    return fact.type == "info" and (fact.get("subject") or "").endswith("팀")


def own_words(fact: Fact) -> str:
    return " ".join(str(fact.get(k) or "") for k in ("subject", "name", "label", "what",
                                                      "text"))


class FactIndex:
    """Term weights of every fact, idf over all facts, and postings to find candidates.

    A fact's terms are kept packed in one string (layer code, term, NUL, ...), about a
    tenth of a dict's memory at national scale; the facts being scored are unpacked into
    dicts, and the last CACHED of them kept (all of a district's knowledge base)."""

    CACHED = 4096

    def __init__(self, kb: KnowledgeBase):
        self.facts: list[Fact] = kb.facts
        self.layer = {"\x01": QUOTE, "\x02": KIND, "\x03": OWN}
        code = {QUOTE: "\x01", KIND: "\x02", OWN: "\x03"}
        self.docs: list[str] = []
        self._unpacked: dict[int, dict[str, float]] = {}
        postings: dict[str, array] = {}  # every term's facts; the commonest dropped below
        for i, fact in enumerate(self.facts):
            weights: dict[str, float] = {}
            # A curator's note is a remark beside the fact: weighed like its quotes.
            layers = [(q, QUOTE) for q in fact.quotes]
            layers += [(str(fact.get("note") or ""), QUOTE), (kind_words(fact), KIND),
                       (own_words(fact), OWN)]
            for layer, weight in layers:
                for term in terms(layer):
                    weights[term] = weight  # heavier layers come last and win
            self.docs.append("".join(f"{code[w]}{t}\x00" for t, w in weights.items()))
            for term in weights:
                found = postings.get(term)
                if found is None:
                    postings[term] = found = array("I")
                found.append(i)
        n = max(len(self.facts), 1)
        self.idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5))
                    for t, p in postings.items()}
        common = max(COMMON_SHARE * n, 20)
        self.postings = {t: p for t, p in postings.items() if len(p) <= common}
        terms.cache_clear()  # the facts' lines: not asked again
        self.ids = [fact.id for fact in self.facts]
        self.position = {fact_id: i for i, fact_id in enumerate(self.ids)}

    def weights(self, position: int) -> dict[str, float]:
        """The fact's terms and the weight of the layer each is in."""
        found = self._unpacked.get(position)
        if found is None:
            layer = self.layer
            found = {e[1:]: layer[e[0]] for e in self.docs[position].split("\x00") if e}
            if len(self._unpacked) >= self.CACHED:
                self._unpacked.clear()
            self._unpacked[position] = found
        return found

    def score(self, position: int, words: Words, only: float | None = None) -> float:
        """Per question word, its best shared term in full and the others in part.
        `only`: count the terms of that layer alone (OWN: the fact's own words)."""
        weights = self.weights(position)
        if words.flat.isdisjoint(weights):
            return 0.0
        idf = self.idf
        total = 0.0
        for group in words.groups:
            hits = [idf[t] * weights[t] for t in group if t in weights
                    and (only is None or weights[t] == only)]
            if hits:
                # A word matched by one of its three pairs (총사업비 by 업비) counts less.
                best = max(hits)
                total += (len(hits) / len(group)) ** 0.5 * (
                    best + REST * (sum(hits) - best))
        return total

    def matched(self, position: int, words: Words, only: float | None = None) -> int:
        """How many of the question's words the fact shares (in that layer)."""
        weights = self.weights(position)
        return sum(1 for group in words.groups
                   if any(t in weights and (only is None or weights[t] == only)
                          for t in group))

    def candidates(self, words: Words, limit: int = 60) -> list[int]:
        """Facts anywhere that share an uncommon term with the question, best first."""
        scores: dict[int, float] = defaultdict(float)
        for term in words.flat:
            posting = self.postings.get(term)
            if posting:
                idf = self.idf[term]
                for i in posting:
                    scores[i] += idf * self.weights(i)[term]
        return sorted(scores, key=scores.__getitem__, reverse=True)[:limit]
