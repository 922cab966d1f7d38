"""What a fact is, read from its data: the kind of question it answers, the years it is
for, the figures it counts in which unit. Plain functions of one fact; no scoring here."""

from __future__ import annotations

import re

from .index import COUNTED, is_team, own_words
from .model import Fact, KnowledgeBase

_KIND_OF_FIELD = {"eligibility": "eligibility", "place": "place", "team": "team",
                  "contact": "contact", "hours": "hours", "period": "schedule",
                  "staff": "participants"}
_DATED = re.compile(r"20\d\d\s*\.\s*\d|\d{1,2}\s*월|매월|매주|매년|분기별|연\s*\d+\s*회|"
                    r"월\s*\d+\s*회|상시|수시")
_TEXT_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)|'(\d\d)(?!\d)")
# Not a year: an extension number in parentheses after a name ("박오임(2010)").
_EXTENSION = re.compile(r"(?<=[가-힣])\s*\(\s*20\d\d\s*\)")


def kind_of(fact: Fact) -> str:
    """The intent a fact answers best."""
    if fact.type == "budget":
        return "budget"
    if fact.type == "metric":
        return "participants" if fact.get("unit") == "명" and fact.get("target") is None \
            and fact.get("rate") is None else "results"
    if fact.type == "milestone":
        return "schedule"
    if is_team(fact):
        return "team"
    return _KIND_OF_FIELD.get(fact.get("field"), "overview")


def fits(fact: Fact, intent: str) -> bool:
    """Could the fact answer a question of that intent?"""
    kind = kind_of(fact)
    if kind == intent:
        return True
    if intent in ("results", "participants"):
        return fact.type == "metric" or fact.get("field") == "staff" or (
            fact.type == "info" and bool(COUNTED.search(fact.get("text") or "")))
    if intent == "schedule":
        return fact.type == "info" and (fact.get("field") == "hours"
                                        or bool(_DATED.search(fact.get("text") or "")))
    if intent == "overview":
        return fact.type == "info" and fact.get("field") in ("purpose", "content", "form",
                                                              "other", "method")
    if intent == "eligibility":
        return fact.get("field") in ("method",)
    if intent == "team":  # who is in charge, or how the office is organised ("3팀")
        return fact.get("field") in ("contact", "organizer") or (
            fact.type == "info" and bool(re.search(r"\d\s*팀", fact.get("text") or "")))
    return False


def years_of(fact: Fact, kb: KnowledgeBase) -> set[int]:
    if fact.type in ("budget", "metric"):
        if fact.get("year"):
            return {fact.get("year")}
        as_of = fact.get("as_of")
        if as_of:
            return {int(as_of[:4])}
        report = kb.reports.get(fact.report)
        # A count with no year is the report's own state of affairs (현원 at its writing).
        return {int(report.date[:4])} if fact.type == "metric" and report else set()
    found = set()
    if fact.type == "milestone":
        start, end = fact.get("start"), fact.get("end") or fact.get("start")
        found = set(range(int(start[:4]), int(end[:4]) + 1))
        report = kb.reports.get(fact.report)
        if fact.get("stage") == "plan" and report is not None:
            found.add(report.headline_year)  # a plan's steps are for the year it plans
    # A year in the words: "2021년 상반기 모집" (in 2020-11) is also about 2021.
    text = _EXTENSION.sub(" ", fact.get("text") or fact.get("what") or "")
    for full, short in _TEXT_YEAR.findall(text):
        found.add(int(full) if full else 2000 + int(short))
    return found


def label_years(fact: Fact) -> frozenset[int]:
    label = fact.get("label") or ""
    found = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", label)]
    if len(found) == 2 and re.search(r"\d\s*[~∼-]\s*20\d\d", label):
        found = list(range(found[0], found[1] + 1))
    return frozenset(found) if fact.type in ("budget", "metric") and found else frozenset()


# The units a count class may be stated in (jobs are counted in 명 and in 개 alike).
_COUNT_UNITS = {"명": ("명", "개", "인"),
                "개": ("개", "개소", "곳", "건", "명", "개사", "팀", "과", "기관"),
                "회": ("회", "번", "차"), "대": ("대",), "세": ("세", "살"), "시": ()}


def counts(fact: Fact, count: str) -> bool:
    """Does the fact state a figure counted in that unit class (명, 개, 회, 대, 세, 시)?"""
    units = _COUNT_UNITS[count]
    if fact.type == "metric" and fact.get("unit") in units:
        return True
    text = own_words(fact)
    if count == "명":
        units = ("명", "인")  # jobs counted in 개 are 명 in a table, not in a sentence
    if count == "시":
        return bool(re.search(r"\d{1,2}\s*:\s*\d\d|\d\s*시(?![비작])", text))
    # "20여명", "약 3개소": 여 may stand between the figure and its unit
    return bool(re.search(r"\d\s*(?:여\s*)?(" + "|".join(units) + ")", text))


def has_measure(fact: Fact, measure: str) -> bool:
    if fact.get(measure) is not None:
        return True
    stage = {"target": "plan", "actual": "result"}.get(measure)
    return stage is not None and fact.get("value") is not None and fact.get("stage") == stage


