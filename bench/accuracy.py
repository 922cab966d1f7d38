"""Accuracy of the answering engine on question sets, by category and by expected status.

    python -m bench.accuracy                     # the blind sets: tuning and holdout halves
    python -m bench.accuracy FILE.jsonl ...      # any question or conversation files
    python -m bench.accuracy --show-fail FILE    # and the failures (never on the holdout)

Scored exactly as ../shared/tools/score_questions.py scores (the rule is `right` below):
an answer is right when its status is expected and, if answered, its text contains every
expected piece after NFKC, without whitespace, commas and colons, lower-cased. A question
that should not be answered but was is a confident wrong answer, counted apart.
Conversation files (lines with "turns") are asked turn by turn, each answer's context
carried to the next turn as `jobbot chat` does.

The blind sets were written from the reports alone by writers who never saw the engine
(bench/data/blind-BRIEF.md), then each split once at random into a tuning half
(tests/data/blind-tuning*.jsonl) and a holdout half (bench/data/blind-holdout*.jsonl).
Only the tuning half is ever looked at question by question (--show-fail skips holdout
files).
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLIND = {
    "tuning": ROOT / "tests" / "data" / "blind-tuning.jsonl",
    "tuning (conversations)": ROOT / "tests" / "data" / "blind-tuning-conv.jsonl",
    "tuning (refusals)": ROOT / "tests" / "data" / "blind-tuning-refusals.jsonl",
    "tuning (second refusal set)": ROOT / "tests" / "data" / "blind-tuning-refusals2.jsonl",
    "tuning (descriptive facts)": ROOT / "tests" / "data" / "blind-tuning-descriptive.jsonl",
    "tuning (third round)": ROOT / "tests" / "data" / "blind-tuning3.jsonl",
    "tuning (third round, conversations)": ROOT / "tests" / "data" / "blind-tuning3-conv.jsonl",
    "tuning (fourth round)": ROOT / "tests" / "data" / "blind-tuning4.jsonl",
    "tuning (fourth round, conversations)": ROOT / "tests" / "data" / "blind-tuning4-conv.jsonl",
    "holdout": ROOT / "bench" / "data" / "blind-holdout.jsonl",
    "holdout (conversations)": ROOT / "bench" / "data" / "blind-holdout-conv.jsonl",
    "holdout (refusals)": ROOT / "bench" / "data" / "blind-holdout-refusals.jsonl",
    "final check": ROOT / "bench" / "data" / "blind-final.jsonl",
    "final check (conversations)": ROOT / "bench" / "data" / "blind-final-conv.jsonl",
    "second final check": ROOT / "bench" / "data" / "blind-final2.jsonl",
    "second final check (conversations)": ROOT / "bench" / "data" / "blind-final2-conv.jsonl",
    "third final check": ROOT / "bench" / "data" / "blind-final3.jsonl",
    "third final check (conversations)": ROOT / "bench" / "data" / "blind-final3-conv.jsonl",
    "fourth final check": ROOT / "bench" / "data" / "blind-final4.jsonl",
    "fourth final check (conversations)": ROOT / "bench" / "data" / "blind-final4-conv.jsonl",
    "fifth final check": ROOT / "bench" / "data" / "blind-final5.jsonl",
    "fifth final check (conversations)": ROOT / "bench" / "data" / "blind-final5-conv.jsonl",
    "sixth final check": ROOT / "bench" / "data" / "blind-final6.jsonl",
    "sixth final check (conversations)": ROOT / "bench" / "data" / "blind-final6-conv.jsonl",
}


def norm(text: str) -> str:
    return re.sub(r"[\s,:]", "", unicodedata.normalize("NFKC", text or "")).lower()


def right(answer: dict, expect: dict) -> bool:
    if answer.get("status") not in expect["status"]:
        return False
    if answer.get("status") != "answered":
        return True
    text = norm(answer.get("text", ""))
    return all(any(norm(a) in text for a in (item if isinstance(item, list) else [item]))
               for item in expect.get("contains", []))


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def run(engine, rows: list[dict]) -> list[tuple[str, dict, dict, str]]:
    """(id, case, answer, category) for every question or conversation turn."""
    out = []
    for row in rows:
        if "turns" in row:
            context = None
            for n, turn in enumerate(row["turns"], 1):
                answer = engine.answer(turn["q"], context=context)
                context = answer.context or context
                out.append((f"{row['id']}#{n}", turn, answer.to_dict(),
                            row.get("cat", "followup")))
        else:
            out.append((row["id"], row, engine.answer(row["q"]).to_dict(), row.get("cat", "")))
    return out


def table(results: list[tuple[str, dict, dict, str]]) -> tuple[str, dict]:
    by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_status: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong_answers = refusals = 0
    for _, case, answer, cat in results:
        ok = right(answer, case["expect"])
        should = "answer" if "answered" in case["expect"]["status"] else "refuse"
        for key, bucket in ((cat, by_cat), (should, by_status)):
            bucket[key][0] += ok
            bucket[key][1] += 1
        if should == "refuse":
            refusals += 1
            wrong_answers += answer.get("status") == "answered"
    lines = ["| category | right | share |", "|---|--:|--:|"]
    for name, (good, n) in sorted(by_cat.items()):
        lines.append(f"| {name} | {good}/{n} | {good / n:.1%} |")
    for name, (good, n) in sorted(by_status.items()):
        lines.append(f"| expected: {name} | {good}/{n} | {good / n:.1%} |")
    good = sum(g for g, _ in by_cat.values())
    n = sum(n for _, n in by_cat.values())
    lines.append(f"| **all** | **{good}/{n}** | **{good / n:.1%}** |")
    answered = [(c, a) for _, c, a, _ in results if a.get("status") == "answered"]
    precise = sum(right(a, c["expect"]) for c, a in answered)
    should_answer = sum("answered" in c["expect"]["status"] for _, c, _, _ in results)
    summary = {"right": good, "n": n, "share": good / n if n else 0.0,
               "precision": precise / len(answered) if answered else 0.0,
               "coverage": len(answered) / n if n else 0.0,
               "should_answer": should_answer,
               "false_answers": wrong_answers, "refusals": refusals}
    lines.append(f"\nprecision on answered {summary['precision']:.1%} · answered "
                 f"{len(answered)}/{n} · confident answers to questions that should be "
                 f"refused: {wrong_answers}/{refusals}")
    return "\n".join(lines), summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--show-fail", action="store_true")
    args = parser.parse_args(argv)
    from bot.core.build import ensure_built
    from bot.core.engine import Engine
    from bot.settings import data_dir, knowledge_dir

    engine = Engine(ensure_built(knowledge_dir(), data_dir() / "knowledge.db"))
    sets = {str(p): p for p in args.files} if args.files else BLIND
    for name, path in sets.items():
        results = run(engine, load(path))
        text, _ = table(results)
        print(f"## {name} ({path.relative_to(ROOT) if path.is_relative_to(ROOT) else path})")
        print(text + "\n")
        if args.show_fail and "holdout" not in path.name and "final" not in path.name:
            for rid, case, answer, _ in results:
                if not right(answer, case["expect"]):
                    print(f"--- {rid} {case['q']!r} expect {case['expect']}")
                    print("    got", answer.get("status"), answer.get("program"),
                          (answer.get("text") or "")[:400].replace("\n", " | "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
