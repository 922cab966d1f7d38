"""Find which program a question is about: exact alias containment first, then fuzzy
matching with rapidfuzz on Hangul decomposed into jamo.

A character-bigram index narrows the aliases to compare, so the cost per question grows
with the number of aliases that share letters with it, not with the knowledge base.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from .model import KnowledgeBase
from .text import alias_key, to_jamo

EXACT = 100.0
MIN_FUZZY = 84.0  # jamo similarity a fuzzy match must reach (one typo in a 4-syllable name)
SUBJECT_PENALTY = 6.0  # a fact subject is weaker evidence than a program alias


@dataclass(frozen=True)
class Entry:
    key: str  # alias_key form
    jamo: str
    program_id: str
    is_subject: bool


@dataclass(frozen=True)
class Match:
    program_id: str
    score: float
    alias: str  # the alias key that matched
    start: int  # span in the compact query (approximate for fuzzy matches)
    end: int


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text}


def _syllables(key: str) -> int:
    return len(key)


class ProgramMatcher:
    def __init__(self, kb: KnowledgeBase):
        entries: dict[tuple[str, str], Entry] = {}
        subject_owners: dict[str, set[str]] = defaultdict(set)
        for program in kb.programs.values():
            for name in (program.name, program.short, *program.aliases):
                key = alias_key(name)
                if len(key) >= 2:
                    entries[(key, program.id)] = Entry(key, to_jamo(key), program.id, False)
            for fact in program.facts:
                subject = fact.get("subject")
                if subject and len(alias_key(subject)) >= 4:
                    subject_owners[alias_key(subject)].add(program.id)
        alias_keys = {key for key, _ in entries}
        for key, owners in subject_owners.items():
            # A subject names a program only when no alias already does and it is unique.
            if len(owners) == 1 and key not in alias_keys:
                pid = next(iter(owners))
                entries[(key, pid)] = Entry(key, to_jamo(key), pid, True)
        self.entries: list[Entry] = list(entries.values())
        self.index: dict[str, list[int]] = defaultdict(list)
        for n, entry in enumerate(self.entries):
            for gram in _bigrams(entry.key):
                self.index[gram].append(n)

    def _candidates(self, compact: str) -> list[int]:
        hits: dict[int, int] = defaultdict(int)
        for gram in _bigrams(compact):
            for n in self.index.get(gram, ()):
                hits[n] += 1
        chosen = []
        for n, count in hits.items():
            needed = len(_bigrams(self.entries[n].key))
            # Exact containment hits every bigram; one typo still leaves about half.
            if count * 2 >= needed or count >= 3:
                chosen.append(n)
        return chosen

    def match(self, compact: str) -> list[Match]:
        """Programs the compact (space-free, normalised) question mentions, best first,
        one Match per program."""
        if len(compact) < 2:
            return []
        best: dict[str, Match] = {}
        query_jamo = None
        for n in self._candidates(compact):
            entry = self.entries[n]
            penalty = SUBJECT_PENALTY if entry.is_subject else 0.0
            pos = compact.find(entry.key)
            if pos >= 0:
                # Longer aliases are more specific: "롯데마트일구데이" beats "일구데이".
                score = EXACT + min(len(entry.key), 20) / 2 - penalty
                found = Match(entry.program_id, score, entry.key, pos, pos + len(entry.key))
            else:
                if _syllables(entry.key) < 3:
                    continue  # two-syllable names must be typed exactly
                if query_jamo is None:
                    query_jamo = to_jamo(compact)
                if len(compact) < len(entry.key):
                    # The question is shorter than the name: compare whole strings, so
                    # that "주식" does not match "주식회사" at 100.
                    score = fuzz.ratio(entry.jamo, query_jamo, score_cutoff=MIN_FUZZY)
                    span = (0, len(compact))
                else:
                    align = fuzz.partial_ratio_alignment(entry.jamo, query_jamo,
                                                         score_cutoff=MIN_FUZZY)
                    if align is None:
                        continue
                    score = align.score
                    span = _syllable_span(query_jamo, align.dest_start, align.dest_end)
                needed = MIN_FUZZY + (6 if _syllables(entry.key) == 3 else 0)
                if not score or score < needed:
                    continue
                found = Match(entry.program_id, score - penalty, entry.key, *span)
            current = best.get(entry.program_id)
            if current is None or found.score > current.score:
                best[entry.program_id] = found
        return sorted(best.values(), key=lambda m: (-m.score, m.program_id))


def _syllable_span(jamo: str, start: int, end: int) -> tuple[int, int]:
    """Map a span of the jamo string back to the compact string."""
    return _count_chars(jamo, start), _count_chars(jamo, end)


def _count_chars(jamo: str, upto: int) -> int:
    count = 0
    i = 0
    while i < upto and i < len(jamo):
        ch = jamo[i]
        if 0x1100 <= ord(ch) <= 0x1112:  # a leading consonant starts a syllable
            i += 2  # vowel follows
            if i < len(jamo) and 0x11A8 <= ord(jamo[i]) <= 0x11C2:
                i += 1
        else:
            i += 1
        count += 1
    return count
