"""How long the answers are, on the blind question sets (issue: answers that read at a glance).

    python -m bench.lengths            # median, 90th percentile and maximum, in characters
    python -m bench.lengths --json     # the same as one JSON object

For every answered question and conversation turn of the blind sets (tuning, holdout and
final checks) it measures the answer's text in all, and the part before the source lines
("출처:" / "Source:"), the part a reader reads first. It also counts the answers that were
right, so that a shorter answer that lost the asked-for figure shows up as a drop.
"""

from __future__ import annotations

import argparse
import json
import statistics

from bench.accuracy import BLIND, load, right, run

SOURCE_MARKS = ("출처:", "Source:")


def body(text: str) -> str:
    """The answer before its source lines."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if line.startswith(SOURCE_MARKS):
            return "\n".join(lines[:n])
    return text


def percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    if not ordered:
        return 0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(engine) -> dict:
    total: list[int] = []
    before: list[int] = []
    n = good = 0
    for path in BLIND.values():
        for _, case, answer, _ in run(engine, load(path)):
            n += 1
            good += right(answer, case["expect"])
            if answer.get("status") != "answered":
                continue
            text = answer.get("text") or ""
            total.append(len(text))
            before.append(len(body(text)))
    return {
        "questions": n, "right": good, "answered": len(total),
        "all": {"median": statistics.median(total), "p90": percentile(total, 0.9),
                "max": max(total)},
        "before_sources": {"median": statistics.median(before),
                           "p90": percentile(before, 0.9), "max": max(before)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from bot.core.build import ensure_built
    from bot.core.engine import Engine
    from bot.settings import data_dir, knowledge_dir

    result = measure(Engine(ensure_built(knowledge_dir(), data_dir() / "knowledge.db")))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{result['answered']} answered of {result['questions']} questions and turns "
          f"({result['right']} right)")
    print("| characters | median | 90th percentile | max |\n|---|--:|--:|--:|")
    for key, label in (("before_sources", "before the source lines"), ("all", "in all")):
        r = result[key]
        print(f"| {label} | {r['median']:.0f} | {r['p90']} | {r['max']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
