"""Plain matching to compare the engine with, on the same names and questions.

Both only name a program (they do not answer): difflib.get_close_matches over every name
and alias, and one rapidfuzz process.extractOne over every name and alias decomposed into
jamo (partial_ratio, as the engine's fuzzy step uses).
"""

from __future__ import annotations

import difflib

from rapidfuzz import fuzz, process

from bot.core.model import KnowledgeBase
from bot.core.text import alias_key, to_jamo


def _names(kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    """Alias keys and the program of each (the first program, when two share a key)."""
    owner: dict[str, str] = {}
    for program in kb.programs.values():
        for name in (program.name, program.short, *program.aliases):
            key = alias_key(name)
            if len(key) >= 2:
                owner.setdefault(key, program.id)
    return list(owner), list(owner.values())


class DifflibBaseline:
    label = "difflib"

    def __init__(self, kb: KnowledgeBase):
        self.keys, self.programs = _names(kb)
        self.owner = dict(zip(self.keys, self.programs, strict=True))

    def match(self, question: str) -> str | None:
        found = difflib.get_close_matches(alias_key(question), self.keys, n=1, cutoff=0.6)
        return self.owner[found[0]] if found else None


class RapidfuzzBaseline:
    label = "rapidfuzz"

    def __init__(self, kb: KnowledgeBase):
        keys, self.programs = _names(kb)
        self.choices = [to_jamo(key) for key in keys]

    def match(self, question: str) -> str | None:
        found = process.extractOne(to_jamo(alias_key(question)), self.choices,
                                   scorer=fuzz.partial_ratio, processor=None)
        return self.programs[found[2]] if found else None
