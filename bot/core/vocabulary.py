"""The words the engine itself reads in a question: kind, intent, slot and unit words."""

from __future__ import annotations

from .index import FIELD_WORDS, MEASURE_WORDS, SOURCE_WORDS, STAGE_WORDS, TYPE_WORDS, UNIT_WORDS
from .query import INTENT_WORDS, glossary_words, slot_words


def vocabulary() -> str:
    tables = (TYPE_WORDS, FIELD_WORDS, STAGE_WORDS, MEASURE_WORDS, UNIT_WORDS, SOURCE_WORDS)
    words = [w for table in tables for value in table.values() for w in value.split()]
    words += [w for keywords in INTENT_WORDS.values() for w, _ in keywords]
    words += glossary_words() + slot_words()
    return " ".join(words)
