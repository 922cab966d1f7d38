"""What a question demands of the fact that answers it, read from the fact alone: that it
names the place, the day or the period asked, gives the measure asked; and whether a
question is readable at all. Plain functions; the engine decides what to do with them."""

from __future__ import annotations

import re
import unicodedata

from .index import own_words
from .model import Fact
from .query import Query
from .text import alias_key


def is_garbage(text: str) -> bool:
    if "\x00" in text or "\ufffd" in text:
        return True
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return False
    odd = sum(1 for c in visible if unicodedata.category(c)[0] in "CS" and c not in "%~'")
    return odd / len(visible) > 0.3


def names_place(place: str, fact: Fact, stem: bool) -> bool:
    """Does the fact's quote name the place (or office), in full or, for a place, by its
    stem ("관악, 동작 등")?"""
    text = alias_key(" ".join((*fact.quotes, own_words(fact))))
    return place in text or (stem and len(place) >= 3 and place[:-1] in text)


def gives_measure(fact: Fact, measure: str | None) -> bool:
    """"실제 취업자 수" is not answered by a target alone, nor "목표" by a result alone."""
    if fact.type != "metric" or measure not in ("actual", "target"):
        return True
    if fact.get(measure) is not None:
        return True
    return measure == "actual" and fact.get("target") is None


def says_period(fact: Fact, query: Query) -> bool:
    text = " ".join((*fact.quotes, own_words(fact)))
    if query.quarter:
        return f"{query.quarter}분기" in text.replace(" ", "")
    return ("상반기", "하반기")[query.half - 1] in text or "상·하반기" in text


def names_day(fact: Fact, day: str) -> bool:
    """Does the fact say which days ("매주 화요일", "주말", "연중무휴")?"""
    text = " ".join((*fact.quotes, own_words(fact)))
    if day in ("요일", "평일", "주말"):
        return bool(re.search(r"요일|주말|평일|연중무휴|매일", text))
    return bool(re.search(day + r"요일|연중무휴|매일" + ("|주말" if day in "토일" else ""),
                          text))
