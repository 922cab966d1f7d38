"""Provenance checks: a quote occurs in its report, and a fact's figures occur in its quote."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)*")

# Keys whose values are words from a fixed vocabulary, or flags: no figures to check.
_UNCHECKED_KEYS = {"type", "report", "quote", "field", "stage", "unit", "group", "half",
                   "ongoing", "kind"}
# Keys holding years or dates: a year may be written '19 in the report.
_YEAR_KEYS = {"year", "start", "end", "as_of"}


def squash(text: str) -> str:
    """Report or quote text compared for containment: NFC, no HTML tags, no whitespace."""
    text = unicodedata.normalize("NFC", text)
    return _SPACE.sub("", _TAG.sub(" ", text))


def canon(token: str) -> str:
    """Canonical spelling of a number token: no separators, no leading or trailing zeros."""
    token = token.replace(",", "")
    whole, _, frac = token.partition(".")
    whole = whole.lstrip("0") or "0"
    frac = frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


def numbers_in_quote(text: str) -> set[str]:
    """Every number a quote states; '2018.11.' also counts as 2018 and 11 (a date)."""
    found: set[str] = set()
    for token in _NUMBER.findall(text):
        token = token.rstrip(",")
        found.add(canon(token))
        if "." in token:
            found.update(canon(part) for part in token.split(".") if part)
    return found


def numbers_in_value(value: Any) -> list[str]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [canon(str(value))]
    if isinstance(value, float):
        return [canon(repr(value))]
    if isinstance(value, str):
        return [canon(t.rstrip(",")) for t in _NUMBER.findall(value)]
    if isinstance(value, list):
        return [n for item in value for n in numbers_in_value(item)]
    return []


def missing_figures(data: dict[str, Any], quotes: Iterable[str]) -> list[tuple[str, str]]:
    """(key, figure) pairs of the fact that its quotes do not state."""
    stated = set()
    for quote in quotes:
        stated |= numbers_in_quote(quote)
    missing = []
    for key, value in data.items():
        if key in _UNCHECKED_KEYS:
            continue
        for figure in numbers_in_value(value):
            if figure in stated:
                continue
            if key in _YEAR_KEYS and len(figure) == 4 and canon(figure[2:]) in stated:
                continue  # a year written '19 or 19.
            missing.append((key, figure))
    return missing
