"""Find which program a question is about: exact alias containment first, then fuzzy
matching with rapidfuzz on Hangul decomposed into jamo.

The question is compared as alias keys are made: without the punctuation alias_key drops
("Doksan-dong cattle market" is the alias doksandongcattlemarket).

The cost per question must not grow with the knowledge base (a district has about 30
programs, the whole country about 25,000, most named alike: 종로구 청년 일자리카페,
중구 청년 일자리카페, ...). So:

- Exact containment looks every substring of the question up in a dict of alias keys.
- Fuzzy candidates are found by halves: a key with one slip still has one half intact, so
  the keys one of whose halves occurs in the question are compared. A half that many keys
  share (일자리카페, the stem of every district's job cafe) cannot tell them apart: when
  the question names no program exactly, its keys are compared only if their other half
  is close to the letters beside it in the question.
- In a small knowledge base (no bigram in more than STOP_FLOOR keys), every key sharing
  about half its character bigrams with the question is compared too, as before. In a
  large one the bigram index, without its commonest bigrams (일자, 자리, 사업), is read
  only when nothing close was found (two slips, or no name), and at most MAX_FUZZY of its
  candidates, those sharing the largest part of their bigrams, are compared.

Names that differ in a letter or two are told apart: a fuzzy match loses LETTER_SLIP for
each whole letter it differs in past the first (jamo similarity alone rates 구리 against
the 다문구 of a mistyped 서대문구 at 94%), and a longer name written with a slip around a
shorter one it contains outscores it (see EXTEND_MIN).
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain, compress, repeat
from operator import add, ge, mul, truediv

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .model import KnowledgeBase
from .text import alias_key, to_jamo

EXACT = 100.0
MIN_FUZZY = 84.0  # jamo similarity a fuzzy match must reach (one typo in a 4-syllable name)
SUBJECT_PENALTY = 6.0  # a fact subject is weaker evidence than a program alias
# A longer name written with a slip outside a shorter name it contains ("안성시 희망일자리
# 센테 확대사업" for 안성시 희망일자리 센터 확대사업, beside 안성시 희망일자리) scores as if
# written exactly, less SLIP, when the letters around the shorter name are this similar.
EXTEND_MIN = 80.0
SLIP = 0.75
LETTER_SLIP = 2.0  # a fuzzy match loses this for each letter it differs in past the first
# Index sizes and limits that only a large knowledge base reaches.
MAX_ANCHORED = 8  # keys a half may be shared by and still be looked up for every question
OTHER_HALF_MIN = 60.0  # jamo similarity of the other half, for a half many keys share
STOP_SHARE = 0.02  # bigrams in more keys than this share (and STOP_FLOOR) are not indexed
STOP_FLOOR = 1000
RESCUE = 92.0  # below this best score, a large knowledge base reads its bigram index
MAX_FUZZY = 200  # candidates from the bigram index compared, in a large knowledge base

_DROPPED = ".-'~%·ㆍ"  # what alias_key drops besides spaces
_DROP = str.maketrans("", "", _DROPPED)


@dataclass(frozen=True)
class Match:
    program_id: str
    score: float
    alias: str  # the alias key that matched
    start: int  # span in the compact query (approximate for fuzzy matches)
    end: int


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text}


_JAMO: dict[int, str] = {}  # Hangul syllable -> its jamo, for str.translate


def _to_jamo(text: str) -> str:
    """text.to_jamo, at C speed."""
    if not _JAMO:
        _JAMO.update({code: to_jamo(chr(code)) for code in range(0xAC00, 0xAC00 + 11172)})
    return text.translate(_JAMO)


def _syllable_ends(text: str, jamo: str) -> list[int]:
    """For each position in the jamo string (and its end), how many letters of the text
    start before it: maps a jamo span back to the text, rounding out to whole letters."""
    ends = [0] * (len(jamo) + 1)
    j = 0
    for count, ch in enumerate(text, 1):
        width = len(_JAMO.get(ord(ch), ch))
        for k in range(j + 1, j + width + 1):
            ends[k] = count
        j += width
    return ends


def _numbers(value: int | tuple[int, ...]) -> tuple[int, ...]:
    return (value,) if isinstance(value, int) else value


def _exact_score(key: str) -> float:
    """Longer aliases are more specific: "롯데마트일구데이" beats "일구데이" (and past 20
    letters, "gyeongjusiselfsupportwork" still beats "yeongjusiselfsupportwork")."""
    return EXACT + min(len(key), 20) / 2 + max(len(key) - 20, 0) / 100


class ProgramMatcher:
    def __init__(self, kb: KnowledgeBase):
        entries: dict[tuple[str, str], bool] = {}  # (key, program id) -> is a fact subject
        subject_owners: dict[str, set[str]] = defaultdict(set)
        for program in kb.programs.values():
            for name in (program.name, program.short, *program.aliases):
                key = alias_key(name)
                if len(key) >= 2:
                    entries[(key, program.id)] = False
            for fact in program.facts:
                subject = fact.get("subject")
                if subject:
                    key = alias_key(subject)
                    if len(key) >= 4:
                        subject_owners[key].add(program.id)
        alias_keys = {key for key, _ in entries}
        for key, owners in subject_owners.items():
            # A subject names a program only when no alias already does and it is unique.
            if len(owners) == 1 and key not in alias_keys:
                entries[(key, next(iter(owners)))] = True
        # One row per (key, program), in parallel lists: compact at a national scale.
        self._keys: list[str] = [key for key, _ in entries]
        self._programs: list[str] = [pid for _, pid in entries]
        self._subject = bytes(entries.values())
        del entries, alias_keys, subject_owners
        self._jamo: list[str | None] = [None] * len(self._keys)  # decomposed when needed
        by_key: dict[str, int | tuple[int, ...]] = {}  # most keys name one program
        heads: dict[str, list[int]] = defaultdict(list)
        tails: dict[str, list[int]] = defaultdict(list)
        postings: dict[str, list[int]] = defaultdict(list)
        needed = array("H")
        for n, key in enumerate(self._keys):
            other = by_key.get(key)
            by_key[key] = n if other is None else (*_numbers(other), n)
            grams = _bigrams(key)
            needed.append(len(grams))
            if len(key) >= 3:  # two-syllable names must be typed exactly: never fuzzy
                half = len(key) // 2
                heads[key[:half]].append(n)
                tails[key[half:]].append(n)
                for gram in grams:
                    postings[gram].append(n)
        self._by_key = by_key
        self._lengths = sorted({len(key) for key in self._keys})
        # Halves few keys share, either way round; and those many keys share, by role.
        self._half_lengths = sorted({len(h) for h in chain(heads, tails)})
        self._common_heads = {h: ns for h, ns in heads.items() if len(ns) > MAX_ANCHORED}
        self._common_tails = {h: ns for h, ns in tails.items() if len(ns) > MAX_ANCHORED}
        anchors: dict[str, tuple[int, ...]] = {}
        for table in (heads, tails):
            for half in list(table):
                ns = table.pop(half)
                if len(ns) <= MAX_ANCHORED:
                    anchors[half] = anchors.get(half, ()) + tuple(ns)
        self._anchors = anchors
        self._others: dict[tuple[bool, str], dict[int, tuple[list[int], list[str]]]] = {}
        limit = max(STOP_FLOOR, int(len(self._keys) * STOP_SHARE))
        self._stop = frozenset(g for g, ns in postings.items() if len(ns) > limit)
        # How many of its bigrams an entry has in the index, and how many of them a
        # question must have for the entry to be compared: exact containment has every
        # one, one typo still leaves about half.
        for gram in self._stop:
            for n in postings.pop(gram):
                needed[n] -= 1
        self._needed = needed
        self._enough = array("H", (min(3, (need + 1) // 2) for need in needed))
        # Tuples share the entry numbers' int objects: counting them allocates nothing.
        self._postings: dict[str, tuple[int, ...]] = {}
        for gram in list(postings):
            self._postings[gram] = tuple(postings.pop(gram))

    def _jamo_of(self, n: int) -> str:
        jamo = self._jamo[n]
        if jamo is None:
            jamo = self._jamo[n] = _to_jamo(self._keys[n])
        return jamo

    def _pieces(self, text: str):
        """(start, substring) for every substring of the text as long as some half."""
        size = len(text)
        for start in range(size):
            for length in self._half_lengths:
                if start + length > size:
                    break
                yield start, text[start:start + length]

    def _exact(self, text: str) -> dict[int, int]:
        """Entries whose key occurs in the text, with its first position."""
        found: dict[int, int] = {}
        by_key = self._by_key
        size = len(text)
        for start in range(size - 1):
            for length in self._lengths:
                if start + length > size:
                    break
                ns = by_key.get(text[start:start + length])
                if ns is not None:
                    for n in _numbers(ns):
                        found.setdefault(n, start)
        return found

    def _anchored(self, text: str) -> set[int]:
        """Entries one half of whose key (a half few keys share) occurs in the text."""
        found: set[int] = set()
        anchors = self._anchors
        for _, piece in self._pieces(text):
            ns = anchors.get(piece)
            if ns:
                found.update(ns)
        return found

    def _other_halves(self, head: bool, half: str) -> dict[int, tuple[list[int], list[str]]]:
        """The keys with this common head (or tail), by the length of their other half:
        their numbers and the other halves in jamo. Built on first use."""
        groups = self._others.get((head, half))
        if groups is None:
            table = self._common_heads if head else self._common_tails
            groups = {}
            for n in table[half]:
                key = self._keys[n]
                other = key[len(half):] if head else key[:len(key) - len(half)]
                ns, jamos = groups.setdefault(len(other), ([], []))
                ns.append(n)
                jamos.append(_to_jamo(other))
            self._others[(head, half)] = groups
        return groups

    def _anchored_common(self, text: str) -> set[int]:
        """Entries with a half many keys share in the text, whose other half is close to
        the letters on its side of it."""
        found: set[int] = set()
        heads, tails = self._common_heads, self._common_tails
        for start, piece in self._pieces(text):
            for head, table in ((True, heads), (False, tails)):
                if piece not in table:
                    continue
                for length, (ns, jamos) in self._other_halves(head, piece).items():
                    if head:
                        beside = text[start + len(piece):start + len(piece) + length]
                    else:
                        beside = text[max(start - length, 0):start]
                    if not beside:
                        continue
                    for _, _, k in process.extract(
                            _to_jamo(beside), jamos, scorer=fuzz.ratio, processor=None, limit=None,
                            score_cutoff=OTHER_HALF_MIN):
                        found.add(ns[k])
        return found

    def _sharing(self, text: str) -> list[int]:
        """Entries sharing enough bigrams with the text (at most MAX_FUZZY when the index
        leaves common bigrams out: those sharing the largest part of their bigrams). map,
        compress and the operator functions keep the loops over index hits in C."""
        postings = self._postings
        hits = Counter(chain.from_iterable(
            postings[g] for g in _bigrams(text) if g in postings))
        entries = list(hits)
        chosen = list(compress(entries, map(ge, hits.values(),
                                            map(self._enough.__getitem__, entries))))
        if self._stop and len(chosen) > MAX_FUZZY:
            # The most of their own bigrams found in the question first, then the most.
            counts = list(map(hits.__getitem__, chosen))
            shares = list(map(add, map(truediv, counts, map(self._needed.__getitem__, chosen)),
                              map(mul, counts, repeat(1 / 1024))))
            order = sorted(range(len(chosen)), key=shares.__getitem__, reverse=True)
            chosen = list(map(chosen.__getitem__, order[:MAX_FUZZY]))
        return chosen

    def _extends(self, n: int, text: str, exact: dict[int, int]
                 ) -> tuple[float, tuple[int, int]] | None:
        """Entry n's key contains the key of an exact match of another program, and the
        text around that match is the rest of n's key with a slip: the score and span."""
        key = self._keys[n]
        for x, pos in exact.items():
            inner = self._keys[x]
            at = key.find(inner)
            if at < 0 or self._programs[x] == self._programs[n]:
                continue
            start, end = pos - at, pos - at + len(key)
            if start < 0 or end > len(text):
                continue
            rest = key[:at] + key[at + len(inner):]
            typed = text[start:pos] + text[pos + len(inner):end]
            if fuzz.ratio(_to_jamo(rest), _to_jamo(typed), processor=None,
                          score_cutoff=EXTEND_MIN):
                return _exact_score(key) - SLIP, (start, end)
        return None

    def _compare(self, n: int, text: str, exact: dict[int, int], state: dict,
                 keep: Callable[[int, float, int, int], None]) -> None:
        """Score entry n fuzzily against the text and keep it when it is close enough."""
        key = self._keys[n]
        query_jamo = state["jamo"]
        if len(text) < len(key):
            # The question is shorter than the name: compare whole strings, so that
            # "주식" does not match "주식회사" at 100.
            score = fuzz.ratio(self._jamo_of(n), query_jamo, processor=None,
                               score_cutoff=MIN_FUZZY)
            span = (0, len(text))
        else:
            align = fuzz.partial_ratio_alignment(self._jamo_of(n), query_jamo, processor=None,
                                                 score_cutoff=MIN_FUZZY)
            if align is None:
                return
            score = align.score
            ends = state.get("ends")
            if ends is None:
                ends = state["ends"] = _syllable_ends(text, query_jamo)
            span = (ends[align.dest_start], ends[align.dest_end])
        if not score or score < MIN_FUZZY + (6 if len(key) == 3 else 0):
            return
        # Jamo similarity forgives a whole letter of two short names ("구리" in "서다문구"
        # is 94% of 서대문구): each letter past the first that is not the name's costs.
        slips = Levenshtein.distance(key, text[span[0]:span[1]])
        if slips > 1:
            score -= LETTER_SLIP * (slips - 1)
        extended = self._extends(n, text, exact) if exact else None
        if extended is not None and extended[0] > score:
            score, span = extended
        keep(n, score, *span)

    def match(self, compact: str) -> list[Match]:
        """Programs the compact (space-free, normalised) question mentions, best first,
        one Match per program."""
        if len(compact) < 2:
            return []
        text = compact.translate(_DROP)
        where = None
        if len(text) != len(compact):  # positions in `text` -> positions in `compact`
            if len(text) < 2:
                return []
            where = [i for i, ch in enumerate(compact) if ch not in _DROPPED]
            where.append(len(compact))
        best: dict[str, Match] = {}

        def keep(n: int, score: float, start: int, end: int) -> None:
            if self._subject[n]:
                score -= SUBJECT_PENALTY
            if where is not None:
                start, end = where[start], (where[end - 1] + 1 if end else where[0])
            pid = self._programs[n]
            current = best.get(pid)
            if current is None or score > current.score:
                best[pid] = Match(pid, score, self._keys[n], start, end)

        exact = self._exact(text)
        for n, pos in exact.items():
            key = self._keys[n]
            keep(n, _exact_score(key), pos, pos + len(key))
        state: dict = {"jamo": _to_jamo(text)}
        seen = set(exact)

        def compare(candidates) -> None:
            for n in sorted(set(candidates) - seen):
                self._compare(n, text, exact, state, keep)
                seen.add(n)

        compare(self._anchored(text))
        if not self._stop:  # a small index: every key sharing enough bigrams, as ever
            compare(self._sharing(text))
            return sorted(best.values(), key=lambda m: (-m.score, m.program_id))
        if not exact:
            compare(self._anchored_common(text))
        if not any(m.score >= RESCUE for m in best.values()):
            compare(self._sharing(text))
        return sorted(best.values(), key=lambda m: (-m.score, m.program_id))
