"""Nouns a question names that no report uses: "와이파이", "주차", "매출", "외국인 유학생".

A question about a thing the knowledge base never mentions cannot be answered from it,
however close its other words come to some fact; answering with that fact is the confident
wrong answer this bot must not give. The question's nouns come from a morphological
analyser (mecab-ko, with its dictionary, both from PyPI). A noun counts as used by the
reports when each of its letter pairs is a term of the fact index (quotes, fact words,
names, kind words), when the engine itself reads it (kind, intent and slot words), or when
it is one vowel or final consonant away from such a word after its first syllable (a
typo: 예샨 for 예산). Without the analyser installed, no noun is foreign and answers are as
without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from functools import cached_property

from .text import normalize

# Nouns of the question itself, not of what it asks about: "총액", "담당자", "몇 군데".
QUESTION_NOUNS = frozenset((
    "총액", "총합", "합계", "담당자", "담당", "군데", "소관", "이용자", "합격자", "신청자", "처음",
    "그때", "당시", "정확", "정식", "비교", "퍼센트", "프로", "마감", "만료", "만료일", "순위",
    "지정일", "총연장", "기준", "내용", "정도", "대략", "최근", "최신", "현재", "지금", "요즘",
    "이번", "다음", "작년", "올해", "내년", "재작년", "전년", "우리", "우리구", "구청",
    "관련", "경우", "때문", "이후", "이전", "사이", "동안", "이상", "이하", "미만", "쪽", "곳",
    "분들", "사람", "사람들", "애들", "얘기", "질문", "자료", "보고서", "보고", "수치", "숫자",
    "금액", "액수", "규모", "개수", "건수", "인원수", "비율", "차이", "변화", "증가", "감소",
    "시점", "실제", "기수", "한번", "하나", "전체", "부분", "종류", "방식", "결과", "상황",
    "배정", "편성", "최소", "최대", "최저", "최고", "평균", "정확히", "대충",
    # the asker's own situation: "새로 온 주무관인데", "전임자 자료 정리하다가", "업무분장 파악 중"
    "주무관", "전임자", "후임자", "신규", "전입", "파악", "업무분장", "분장", "정리", "안내",
    "참고", "문의", "설명", "확인", "부탁", "궁금", "분류",
))
# Words that begin with a verb, an adjective, an ending or an adverb say how, not what.
_FUNCTION = ("VV", "VA", "VX", "VC", "E", "MAG", "MAJ", "IC")
_BOUND = ("XS", "J", "S")  # suffixes, particles, punctuation after them
_HANGUL = re.compile(r"[가-힣]{2,}")
_PARTICLE = re.compile(r"(은|는|이|가|을|를|의|에서|에는|엔|에|도|만|랑|이랑|와|과|하고|로|으로|"
                       r"까지|부터|께서|한테|에게)$")
_BASE, _JUNG, _JONG = 0xAC00, 21, 28


# Plain and tense initials, a slip of the shift key: 예싼 for 예산.
_TENSE = {0: 1, 1: 0, 3: 4, 4: 3, 7: 8, 8: 7, 9: 10, 10: 9, 12: 13, 13: 12}


def _neighbours(syllable: str) -> list[str]:
    """The syllables one vowel or final away, or with the initial's tense twin (예샨,
    예싼 -> 예산; another initial makes another word: 참가비 is not 참가자)."""
    code = ord(syllable) - _BASE
    if not 0 <= code < 11172:
        return []
    cho, jung, jong = code // 588, (code % 588) // 28, code % 28
    out = [chr(_BASE + _TENSE[cho] * 588 + jung * 28 + jong)] if cho in _TENSE else []
    out += [chr(_BASE + cho * 588 + j * 28 + jong) for j in range(_JUNG) if j != jung]
    out += [chr(_BASE + cho * 588 + jung * 28 + f) for f in range(_JONG) if f != jong]
    return out


class Nouns:
    def __init__(self, terms: Container[str], split: Callable[[str], frozenset[str]],
                 vocabulary: str = ""):
        """`terms`: the fact index's terms; `split`: a word's letter pairs (index.terms);
        `vocabulary`: the words the engine itself reads (주소, 나이, 날짜, 부담분…)."""
        self.terms = terms
        self.split = split
        self.own = frozenset(_HANGUL.findall(vocabulary))

    @cached_property
    def _tagger(self):
        try:
            import mecab  # python-mecab-ko
        except ImportError:  # pragma: no cover - the dependency is declared
            return None
        return mecab.MeCab()

    def known(self, word: str) -> bool:
        """Do the reports (or the engine) use the word?"""
        pairs = self.split(word)
        return word in self.own or bool(pairs) and all(p in self.terms for p in pairs) or \
            len(word) >= 3 and word[-1] in "치액률율수량별" and self.known(word[:-1])

    def typo(self, word: str) -> bool:
        """Is the word one jamo away, after its first syllable, from a word the reports
        or the engine use ("예샨" for 예산; "비번" is not a typo of 이번)?"""
        if len(word) < 2 or len(word) > 6:
            return False
        for n in range(1, len(word)):
            for other in _neighbours(word[n]):
                if self.known(word[:n] + other + word[n + 1:]):
                    return True
        return False

    def content(self, text: str) -> str:
        """The text without its verbs, endings and adverbs ("있다고 들었는데", "알려주실 수
        있나요"): what is left names things. Unchanged without the analyser."""
        tagger = self._tagger
        if tagger is None:
            return text
        kept = []
        for word in text.split():
            tags = [tag for _, tag in tagger.pos(word)]
            # only a predicate's own forms: a long name mecab misreads ("금나래문화체육센터"
            # as 금나/VV …) has a noun further in and is kept
            if not (tags and tags[0].startswith(_FUNCTION)
                    and all(t.startswith(_FUNCTION + _BOUND) for t in tags)):
                kept.append(word)
        return " ".join(kept) or text

    def foreign(self, question: str, said: frozenset[str]) -> list[str]:
        """The question's nouns that no report uses, among the words `said` (the
        question's own letter pairs, without the program's name)."""
        tagger = self._tagger
        if tagger is None:
            return []
        text = normalize(question)
        # The question's words without their particles: a noun must begin one of them
        # (mecab may cut "반기당" into 반/기당, "구랑" into 구랑).
        stems = [_PARTICLE.sub("", w) for w in text.split()]
        counted = text.replace(" ", "")
        out = []
        for token, tag in tagger.pos(text):
            if tag not in ("NNG", "NNP") or not _HANGUL.fullmatch(token) \
                    or token in QUESTION_NOUNS or not self.split(token) <= said \
                    or not any(stem.startswith(token) for stem in stems) \
                    or f"몇{token}" in counted \
                    or self.known(token) or self.typo(token):
                continue
            out.append(token)
        return out
