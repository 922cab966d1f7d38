"""Accuracy on a questions file (../shared/questions-dev.jsonl format).

Each line: {"id", "q", "expect": {"status": [...], "contains": [str | [alternatives]]}}.
An answer passes when its status is expected and its text contains every expected piece
(compared after removing spaces, commas and colons; an inner list means any one of).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def squeeze(text: str) -> str:
    return "".join(c for c in text if not c.isspace() and c not in ",:")


def passes(answer: dict, expect: dict) -> bool:
    if answer["status"] not in expect.get("status", [answer["status"]]):
        return False
    text = squeeze(answer["text"])
    for piece in expect.get("contains", []):
        options = piece if isinstance(piece, list) else [piece]
        if not any(squeeze(str(o)) in text for o in options):
            return False
    return True


def evaluate(engine, path: Path, verbose: bool = False) -> tuple[int, int, list[str]]:
    passed, failed = 0, []
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    for case in lines:
        answer = engine.answer(case["q"]).to_dict()
        if passes(answer, case["expect"]):
            passed += 1
        else:
            failed.append(case["id"])
            if verbose:
                print(f"FAIL {case['id']} {case['q']!r} expect={case['expect']}\n"
                      f"  -> {answer['status']} {answer['program']} {answer['intent']}\n"
                      f"  {answer['text']}\n", file=sys.stderr)
    return passed, len(lines), failed


if __name__ == "__main__":
    from bot.core.engine import Engine
    from bot.core.loader import load

    root = Path(__file__).resolve().parent.parent
    kb, problems = load(root / "knowledge")
    if problems:
        print(f"warning: {len(problems)} knowledge problems", file=sys.stderr)
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / \
        "questions-dev.jsonl"
    ok, total, failed = evaluate(Engine(kb), path, verbose=True)
    print(f"{ok}/{total} passed; failed: {' '.join(failed) or '-'}")
