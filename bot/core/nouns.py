"""Nouns a question names that no report uses: "와이파이", "주차", "매출", "외국인 유학생".

A question about a thing the knowledge base never mentions cannot be answered from it,
however close its other words come to some fact; answering with that fact is the confident
wrong answer this bot must not give. The question's nouns come from a morphological
analyser (mecab-ko, with its dictionary, both from PyPI); a noun counts as used by the
reports when it occurs in any quote, fact word, program name or alias, or is one letter
(jamo) away from a word there (a typo: 예샨 for 예산). Without the analyser installed, no
noun is foreign and answers are as without this check.
"""

from __future__ import annotations

import re
from functools import cached_property

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .model import KnowledgeBase
from .text import normalize, to_jamo

# Nouns of the question itself, not of what it asks about: "총액", "담당자", "몇 군데".
QUESTION_NOUNS = frozenset((
    "총액", "총합", "합계", "담당자", "담당", "군데", "소관", "이용자", "합격자", "신청자", "처음",
    "그때", "당시", "정확", "정식", "비교", "퍼센트", "프로", "마감", "만료", "만료일", "순위",
    "지정일", "총연장", "기준", "내용", "정도", "대략", "최근", "최신", "현재", "지금", "요즘",
    "이번", "다음", "작년", "올해", "내년", "재작년", "전년", "우리", "우리구", "구청", "부분",
    "관련", "경우", "때문", "이후", "이전", "사이", "동안", "이상", "이하", "미만", "쪽", "곳",
    "분들", "사람", "사람들", "애들", "얘기", "질문", "자료", "보고서", "보고", "수치", "숫자",
    "금액", "액수", "규모", "개수", "건수", "인원수", "비율", "차이", "변화", "증가", "감소",
    "시점", "실제", "기수", "한번", "하나", "전체", "부분", "종류", "방식", "결과", "상황",
    "배정", "편성", "최소", "최대", "최저", "최고", "평균", "정확히", "대충",
))
_HANGUL = re.compile(r"[가-힣]{2,}")
_PARTICLE = re.compile(r"(은|는|이|가|을|를|의|에서|에는|엔|에|도|만|랑|이랑|와|과|하고|로|으로|"
                       r"까지|부터|께서|한테|에게)$")


def _suffixed(token: str, text: str) -> bool:
    """A known word with a counting or measuring suffix: 목표치, 집행률, 연도별."""
    return len(token) >= 3 and token[-1] in "치액률율수량별" and token[:-1] in text


def _by_first(words: set[str]) -> dict[str, list[str]]:
    """Words in jamo, by their first syllable."""
    out: dict[str, list[str]] = {}
    for word in sorted(words):
        out.setdefault(word[0], []).append(to_jamo(word))
    return out


class Nouns:
    def __init__(self, kb: KnowledgeBase, vocabulary: str = ""):
        """`vocabulary`: the words the engine itself reads (kind, intent and slot words:
        주소, 나이, 날짜, 부담분). The reports' words are gathered at the first question
        that names a noun, not when the engine is built."""
        self.kb = kb
        self.vocabulary = vocabulary

    @cached_property
    def _text(self) -> str:
        parts = [self.vocabulary]
        for program in self.kb.programs.values():
            parts += [program.name, program.short, *program.aliases]
            for fact in program.facts:
                parts += [*fact.quotes, *(str(v) for v in fact.data.values())]
        return normalize(" ".join(parts))

    @cached_property
    def compact(self) -> str:
        return self._text.replace(" ", "")

    @cached_property
    def _jamo(self) -> dict[str, list[str]]:
        return _by_first({w for w in _HANGUL.findall(self._text) if len(w) <= 10})

    @cached_property
    def _tagger(self):
        try:
            import mecab  # python-mecab-ko
        except ImportError:  # pragma: no cover - the dependency is declared
            return None
        return mecab.MeCab()

    def foreign(self, question: str, said: frozenset[str], terms) -> list[str]:
        """The question's nouns that no report uses, among the words `said` (the
        question's own words, without the program's name); `terms` splits a word into the
        index's letter pairs."""
        tagger = self._tagger
        if tagger is None:
            return []
        text = normalize(question)
        # The question's words without their particles: a noun must begin one of them
        # (mecab may cut "반기당" into 반/기당, "구랑" into 구랑).
        stems = [_PARTICLE.sub("", w) for w in text.split()]
        out = []
        for token, tag in tagger.pos(text):
            if tag not in ("NNG", "NNP") or not _HANGUL.fullmatch(token) \
                    or token in QUESTION_NOUNS or not terms(token) <= said \
                    or token in self.compact or _suffixed(token, self.compact) \
                    or not any(stem.startswith(token) for stem in stems):
                continue
            if self.typo(token):
                continue  # a typo of a word the reports use
            out.append(token)
        return out

    def typo(self, word: str, own: bool = False) -> bool:
        """Is the word one letter (jamo) away from a word of the reports or the engine's
        own vocabulary, with the same first syllable ("예샨" for 예산, not "비번" for 이번)?
        `own`: of the engine's vocabulary only."""
        choices = (self._own_jamo if own else self._jamo).get(word[:1], ())
        return process.extractOne(to_jamo(word), choices, scorer=Levenshtein.distance,
                                  score_cutoff=1) is not None

    @cached_property
    def _own_jamo(self) -> dict[str, list[str]]:
        return _by_first(set(_HANGUL.findall(self.vocabulary)))
