"""Answers computed from two or more quoted facts: a sum over years, a change between two
years, the difference of two budget stages. Each is labelled as computed and cites every
fact it used; when any figure is missing there is no derived answer."""

from __future__ import annotations

import re

from .answer import money, number
from .features import kind_of
from .index import terms
from .model import Fact, Program
from .query import Query
from .render import Renderer
from .scoring import Scorer

# (the answer's lines, the facts they come from, the intent)
Derivation = tuple[list[str], list[Fact], str]


class Derived:
    def __init__(self, scorer: Scorer, render: Renderer):
        self.scorer = scorer
        self.render = render

    def sum(self, program: Program, best: Fact, query: Query, t: dict) -> Derivation | None:
        """"2018년부터 2021년까지 다 합치면": the sum of each year's quoted figure, when the
        reports give no total for those years."""
        if best.type not in ("budget", "metric") or best.get("year") is None:
            return None
        years = sorted(set(query.years))
        if re.search(r"부터|까지|~", query.text):
            years = list(range(years[0], years[-1] + 1))
        parts = [self.scorer.same_family_in_year(best, year) for year in years]
        if None in parts:
            return None
        values = [self.value(f, query) for f in parts]
        if None in values:
            return None
        unit = best.get("unit") or ""
        total = sum(values)
        shown = money(total, unit, t) if best.type == "budget" else f"{number(total)}{unit}"
        lines = [self.render.line(program, f, t, query.source) for f in parts]
        lines.append(t["computed_sum"].format(
            parts=" + ".join(f"{number(v)}" for v in values), total=shown))
        return lines, parts, kind_of(best)

    def parts(self, best: Fact, candidates: list[tuple[float, Fact]], said: frozenset[str],
              name_terms: frozenset[str], query: Query, t: dict) -> Derivation | None:
        """"소규모랑 합동 취업자 합치면", "상반기 하반기 집행액 합치면": the sum of the
        figures of the parts the question names, each a fact like the best one (same kind,
        year, unit, stage, measure) that differs from the others by a word the question
        says. `candidates` are (score, fact) of the ranking."""
        like = [(score, f) for score, f in candidates if _alike(f, best)]
        groups: dict[tuple, tuple[float, Fact]] = {}
        for score, fact in like:
            key = _part_key(fact)
            if key not in groups or score > groups[key][0]:
                groups[key] = (score, fact)
        words = {key: _part_words(key, name_terms) for key in groups}
        everywhere = set.intersection(*map(set, words.values())) if words else set()
        chosen: dict[tuple, Fact] = {}
        for word in {w for ws in words.values() for w in ws} - everywhere:
            if not terms(word) <= said:
                continue
            # The part that word names with the fewest words the question does not say
            # ("소규모 일구데이", not "소규모 일구데이(구청)").
            named = [(sum(not terms(w) <= said for w in words[k]), -groups[k][0], k)
                     for k in groups if word in words[k]]
            key = min(named)[2]
            chosen[key] = groups[key][1]
        facts = sorted(chosen.values(), key=lambda f: -groups[_part_key(f)][0])
        if len(facts) < 2:
            return None
        return self._added(facts, query, t)

    def across(self, facts: list[Fact], query: Query, t: dict) -> Derivation | None:
        """"취업박람회랑 일구데이 2021년 예산 합치면": one alike fact of each program."""
        if len(facts) < 2 or not all(_alike(f, facts[0], same_program=False)
                                     for f in facts[1:]):
            return None
        return self._added(facts, query, t)

    def _added(self, facts: list[Fact], query: Query, t: dict) -> Derivation | None:
        values = [self.value(f, query) for f in facts]
        if None in values:
            return None
        unit = facts[0].get("unit") or ""
        total = sum(values)
        shown = money(total, unit, t) if facts[0].type == "budget" \
            else f"{number(total)}{unit}"
        lines = [self.render.line(self.scorer.kb.programs[f.program_id], f, t, query.source)
                 for f in facts]
        lines.append(t["computed_sum"].format(
            parts=" + ".join(f"{number(v)}" for v in values), total=shown))
        return lines, facts, kind_of(facts[0])

    def stages(self, program: Program, best: Fact, query: Query, t: dict
               ) -> Derivation | None:
        """"확보액에서 집행액 빼면": the difference of two stages of one year's budget."""
        if best.type != "budget" or len(query.stages) < 2 or best.get("year") is None:
            return None
        pair = [self.scorer.same_family_in_year(best, best.get("year"), stage)
                for stage in query.stages[:2]]
        if None in pair:
            return None
        first, second = pair
        a, b = self.value(first, query), self.value(second, query)
        if a is None or b is None:
            return None
        unit = first.get("unit") or ""
        name = t["stage"]
        line = t["computed_minus"].format(
            a=f"{name.get(first.get('stage'))} {number(a)}{unit}",
            b=f"{name.get(second.get('stage'))} {number(b)}{unit}",
            result=money(a - b, unit, t) if a >= b else f"-{money(b - a, unit, t)}")
        lines = [self.render.line(program, first, t, query.source),
                 self.render.line(program, second, t, query.source), line]
        return lines, [first, second], "budget"

    def change(self, program: Program, best: Fact, query: Query, t: dict
               ) -> Derivation | None:
        """A change between two years, computed from the two quoted figures."""
        first, second = query.years[0], query.years[1]
        pair = [self.scorer.same_family_in_year(best, year) for year in (first, second)]
        if None in pair:
            return None
        old, new = sorted(pair, key=lambda f: f.get("year"))
        value_old, value_new = self.value(old, query), self.value(new, query)
        if value_old is None or value_new is None:
            return None
        unit = "%p" if self.measure(old, query) == "rate" else (old.get("unit") or "")
        change = value_new - value_old
        shown = (money(abs(change), unit, t) if old.type == "budget"
                 else f"{number(abs(change))}{unit}")
        text = t["increase" if change > 0 else "decrease"].format(v=shown) if change \
            else t["no_change"]
        pct = f"{change / value_old * 100:+.1f}%" if value_old else "-"
        a = f"{t['year'].format(y=old.get('year'))} {number(value_old)}{unit}"
        b = f"{t['year'].format(y=new.get('year'))} {number(value_new)}{unit}"
        lines = [self.render.line(program, old, t, query.source),
                 self.render.line(program, new, t, query.source),
                 t["computed"].format(a=a, b=b, change=text, pct=pct)]
        return lines, [old, new], kind_of(best)

    @staticmethod
    def measure(fact: Fact, query: Query) -> str | None:
        if fact.type != "metric":
            return None
        for key in (query.measure, "actual", "value", "target", "rate"):
            if key and fact.get(key) is not None:
                return key
        return None

    def value(self, fact: Fact, query: Query) -> float | None:
        if fact.type == "budget":
            return fact.get(query.source) if query.source else fact.get("total")
        key = self.measure(fact, query)
        return fact.get(key) if key else None


def _alike(fact: Fact, best: Fact, same_program: bool = True) -> bool:
    """The same kind of figure as the best fact, to be added to it."""
    if fact.type != best.type or fact.type not in ("budget", "metric") \
            or fact.get("unit") != best.get("unit") or fact.get("year") != best.get("year"):
        return False
    if same_program and fact.program_id != best.program_id:
        return False
    if fact.type == "budget":
        return fact.get("stage") == best.get("stage")
    return (not same_program or fact.get("name") == best.get("name")) and \
        all((fact.get(k) is None) == (best.get(k) is None) for k in ("target", "actual"))


def _part_key(fact: Fact) -> tuple:
    return tuple(fact.get(k) for k in ("subject", "label", "group", "half", "quarter"))


def _part_words(key: tuple, name_terms: frozenset[str]) -> tuple[str, ...]:
    """The words that tell a part from the others, without the program's own name."""
    subject, label, group, half, quarter = key
    text = " ".join(str(x) for x in (subject, label, group) if x)
    if half:
        text += " " + ("상반기", "하반기")[half - 1]
    if quarter:
        text += f" {quarter}분기"
    words = re.split(r"[\s()·,]+", text)
    return tuple(w for w in dict.fromkeys(words)
                 if len(w) >= 2 and terms(w) and not terms(w) <= name_terms)
