"""Benchmarks at national scale: answer latency, build and reload, start-up and memory,
side by side with plain matching (difflib, rapidfuzz).

    python -m bench.run [--sizes 100,1000,10000,30000] [--quick] [--questions 200]
                        [--repeat 3] [--json FILE] [--update-readme]

Each knowledge base is measured in its own subprocess (so that peak memory is its own):
the shipped one, read and validated from knowledge/, and synthetic ones of each size
(bench/synth.py). Timings are not asserted anywhere; tests/test_bench_smoke.py runs the
smallest size and checks its answers.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (100, 1000, 10000, 30000)
QUICK_SIZES = (100, 1000)
STARTUP_QUESTION = "공공근로 2021년 예산"

# name: (what, limit, unit)
TARGETS = {
    "shipped_latency": ("median answer on the shipped knowledge base", 1.0, "ms"),
    "latency_10000": ("median answer at 10,000 programs", 5.0, "ms"),
    "latency_30000": ("median answer at 30,000 programs", 15.0, "ms"),
    "reload": ("reload of the shipped knowledge base", 0.5, "s"),
    "startup": ("`jobbot ask` start-up", 0.5, "s"),
    "memory_10000": ("peak memory at 10,000 programs", 150.0, "MB"),
}


# ---- measuring ------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def timed(fn, items: list, repeat: int) -> list[float]:
    """Seconds per item: the fastest of `repeat` runs (the least disturbed by other
    processes on the machine)."""
    out = []
    for item in items:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            fn(item)
            best = min(best, time.perf_counter() - start)
        out.append(best)
    return out


def stopwatch(fn, runs: int = 1) -> float:
    """Median seconds of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _ms(seconds: list[float]) -> dict:
    return {"median_ms": statistics.median(seconds) * 1000,
            "p99_ms": percentile(seconds, 0.99) * 1000, "n": len(seconds)}


def measure(kb, questions: list[dict], repeat: int, budget: float, db: bool) -> dict:
    """Engine build, answer latency and accuracy, memory, the two baselines and the
    database round trip for one knowledge base. Each question: {"q", "program" (expected
    id or None), "expect" (a devcheck expectation or None), "kind"}."""
    from bench.baselines import DifflibBaseline, RapidfuzzBaseline
    from bench.devcheck import passes
    from bot.core.build import read_db, write_db
    from bot.core.engine import Engine
    from bot.core.matcher import ProgramMatcher
    from bot.core.query import parse

    out: dict = {"programs": len(kb.programs), "facts": sum(len(p.facts)
                                                             for p in kb.programs.values())}
    gc.collect()
    small = len(kb.programs) <= 1000
    out["engine_s"] = stopwatch(lambda: Engine(kb), 5 if small else 1)
    out["matcher_s"] = stopwatch(lambda: ProgramMatcher(kb), 5 if small else 1)
    engine = Engine(kb)
    out["names"] = len(engine.matcher._keys)
    gc.collect()
    texts = [q["q"] for q in questions]
    for text in texts:  # warm: lazily built tables, caches
        engine.answer(text)
    answer_times = timed(engine.answer, texts, repeat)
    compacts = [parse(text).compact for text in texts]
    match_times = timed(engine.matcher.match, compacts, repeat)
    out["ours"] = _ms(answer_times)
    out["ours"]["match_median_ms"] = statistics.median(match_times) * 1000
    answers = [engine.answer(text) for text in texts]
    with_program = [(q, a) for q, a in zip(questions, answers, strict=True) if q["program"]]
    out["ours"]["accuracy"] = _share(a.program == q["program"] for q, a in with_program)
    with_expect = [(q, a) for q, a in zip(questions, answers, strict=True) if q["expect"]]
    if with_expect:
        out["ours"]["answers_pass"] = _share(passes(a.to_dict(), q["expect"])
                                             for q, a in with_expect)
    misses = Counter(q["kind"] for q, a in with_program if a.program != q["program"])
    out["ours"]["misses_by_kind"] = dict(misses)
    out["ours"]["misses"] = [
        {"q": q["q"], "want": q["program"], "got": a.program, "status": a.status}
        for q, a in with_program if a.program != q["program"]][:10]
    out["rss_after_build_mb"] = current_rss_mb()
    out["peak_rss_mb"] = peak_rss_mb()

    # Baselines: on the first questions, as many as fit in the time budget.
    for cls in (DifflibBaseline, RapidfuzzBaseline):
        start = time.perf_counter()
        baseline = cls(kb)
        build = time.perf_counter() - start
        first = timed(baseline.match, texts[:1], 1)[0]
        count = max(5, min(len(texts), int(budget / max(first, 1e-6))))
        times = timed(baseline.match, texts[:count], 1 if first > 0.01 else repeat)
        found = [baseline.match(text) for text in texts[:count]]
        scored = [(q, f) for q, f in zip(questions[:count], found, strict=True)
                  if q["program"]]
        ours = statistics.median(answer_times[:count]) * 1000
        out[cls.label] = {**_ms(times), "build_s": build, "ours_median_ms": ours,
                          "ratio": ours / (statistics.median(times) * 1000),
                          "accuracy": _share(f == q["program"] for q, f in scored)}
        del baseline

    if db:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "knowledge.db"
            out["write_db_s"] = stopwatch(lambda: write_db(kb, path))
            out["read_db_s"] = stopwatch(lambda: read_db(path))
            out["db_mb"] = path.stat().st_size / 2**20
    return out


def _share(flags) -> float | None:
    flags = list(flags)
    return sum(flags) / len(flags) if flags else None


# ---- the knowledge bases ----------------------------------------------------------------

def synthetic(size: int, questions: int, repeat: int, budget: float, db: bool) -> dict:
    from bench.synth import generate

    base = peak_rss_mb()
    start = time.perf_counter()
    syn = generate(size, questions=questions)
    generated = time.perf_counter() - start
    qs = [{"q": q.text, "program": q.program, "expect": None, "kind": q.kind}
          for q in syn.questions]
    out = measure(syn.kb, qs, repeat, budget, db)
    out.update(label=str(size), generate_s=generated, base_rss_mb=base)
    return out


def shipped_questions() -> list[dict]:
    """The answering tests' questions (tests/data), with their expectations."""
    out = []
    for name in ("questions-dev.jsonl", "questions.jsonl"):
        path = REPO / "tests" / "data" / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                out.append({"q": case["q"], "program": case["expect"].get("program"),
                            "expect": case["expect"], "kind": case.get("cat", "-")})
    return out or [{"q": STARTUP_QUESTION, "program": "public-works", "expect": None,
                    "kind": "budget"}]


def shipped(repeat: int, budget: float) -> dict:
    from bot.core.build import DB_NAME, read_db, write_db
    from bot.core.engine import Engine
    from bot.core.loader import load
    from bot.core.store import KnowledgeStore

    root = REPO / "knowledge"
    base = peak_rss_mb()
    kb, problems = load(root)
    out = measure(kb, shipped_questions(), repeat, budget, db=True)
    out.update(label="shipped", base_rss_mb=base, problems=len(problems))
    runs = 7
    with tempfile.TemporaryDirectory() as tmp:
        store = KnowledgeStore(root, tmp)
        store.load()
        out["reload_s"] = stopwatch(store.reload, runs)
        out["reload_parts_s"] = {
            "validate (loader.load)": stopwatch(lambda: load(root), runs),
            "write_db": stopwatch(lambda: write_db(kb, Path(tmp) / DB_NAME), runs),
            "Engine(kb)": stopwatch(lambda: Engine(kb), runs),
            "read_db (start-up path)": stopwatch(lambda: read_db(Path(tmp) / DB_NAME), runs),
        }
    return out


# ---- start-up ---------------------------------------------------------------------------

def startup(runs: int) -> dict:
    """`jobbot ask` as a subprocess: first run (builds the database), then the median of
    `runs` runs; and which modules it imports (slack_bolt must not be one)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "KNOWLEDGE_DIR"}
        env["DATA_DIR"] = tmp
        script = Path(sys.executable).parent / "jobbot"
        command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
        command += ["ask", STARTUP_QUESTION]

        def run(cmd: list[str]) -> subprocess.CompletedProcess:
            return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True,
                                  check=False)

        cold = stopwatch(lambda: run(command))
        result = run(command)
        warm = stopwatch(lambda: run(command), runs)
        bare = stopwatch(lambda: run([sys.executable, "-c", "pass"]), runs)
        traced = run([sys.executable, "-X", "importtime", "-m", "bot", "ask",
                      STARTUP_QUESTION])
    modules = re.findall(r"^import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S.*)$",
                         traced.stderr, flags=re.M)
    names = [name for _, _, name in modules]
    slack = sorted({n for n in names if n.split(".")[0] in ("slack_bolt", "slack_sdk")
                    or n.startswith("bot.slack")})
    top = sorted(((name, int(us) / 1000) for us, indent, name in modules if not indent),
                 key=lambda item: -item[1])[:6]
    return {"command": " ".join(command[:-1] + [repr(STARTUP_QUESTION)]),
            "cold_s": cold, "warm_s": warm, "python_s": bare, "runs": runs,
            "ok": result.returncode == 0 and "2,225,633" in result.stdout,
            "modules": len(names), "slack_modules": slack, "heaviest_imports_ms": top}


# ---- report -----------------------------------------------------------------------------

def _f(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}"


def _pct(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _ratio(value) -> str:
    """Our latency as a share of the baseline's, and how many times faster that is."""
    if not value:
        return "–"
    times = 1 / value
    faster = f"{times:,.0f}× faster" if times >= 10 else f"{times:.1f}× faster"
    return f"{value:.3g} ({faster})" if value < 1 else f"{value:.3g} ({value:.1f}× slower)"


def report(results: list[dict], start: dict | None) -> str:
    lines = ["| knowledge base | programs | names | questions | answer median ms "
             "| answer p99 ms | match median ms | difflib median ms | ours ÷ difflib "
             "| rapidfuzz median ms | ours ÷ rapidfuzz | accuracy ours | difflib "
             "| rapidfuzz |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        ours, dl, rf = r["ours"], r["difflib"], r["rapidfuzz"]
        accuracy = _pct(ours["accuracy"])
        if ours.get("answers_pass") is not None:
            accuracy += f" (tests' checks {_pct(ours['answers_pass'])})"
        lines.append(
            f"| {r['label']} | {r['programs']:,} | {r['names']:,} | {ours['n']} "
            f"| {_f(ours['median_ms'])} | {_f(ours['p99_ms'])} "
            f"| {_f(ours['match_median_ms'])} | {_f(dl['median_ms'], 1)} (n={dl['n']}) "
            f"| {_ratio(dl['ratio'])} | {_f(rf['median_ms'], 1)} (n={rf['n']}) "
            f"| {_ratio(rf['ratio'])} | {accuracy} | {_pct(dl['accuracy'])} "
            f"| {_pct(rf['accuracy'])} |")
    lines += ["", "| knowledge base | facts | engine build s | matcher build s | write_db s "
              "| read_db s | database MB | RSS after build MB | peak RSS MB |",
              "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        lines.append(
            f"| {r['label']} | {r['facts']:,} | {_f(r['engine_s'], 3)} "
            f"| {_f(r['matcher_s'], 3)} | {_f(r.get('write_db_s'))} "
            f"| {_f(r.get('read_db_s'))} | {_f(r.get('db_mb'), 1)} "
            f"| {_f(r['rss_after_build_mb'], 0)} | {_f(r['peak_rss_mb'], 0)} |")
    ship = next((r for r in results if r["label"] == "shipped"), None)
    if ship:
        parts = ", ".join(f"{k} {v:.3f} s" for k, v in ship["reload_parts_s"].items())
        lines += ["", f"Reload of the shipped knowledge base (KnowledgeStore.reload: "
                      f"validate, build SQLite, build Engine): median "
                      f"{ship['reload_s']:.3f} s ({parts})."]
    if start:
        slack = ", ".join(start["slack_modules"]) or "none"
        lines += ["", f"Start-up of `{start['command']}`: median {start['warm_s']:.3f} s "
                      f"over {start['runs']} runs (bare `python -c pass`: "
                      f"{start['python_s']:.3f} s; first run, building the database: "
                      f"{start['cold_s']:.3f} s); {start['modules']} modules imported, "
                      f"Slack modules among them: {slack}; heaviest imports: "
                      + ", ".join(f"{name} {ms:.0f} ms"
                                  for name, ms in start["heaviest_imports_ms"][:4]) + "."]
    lines += ["", "Targets:"] + [f"- {line}" for line in verdicts(results, start)]
    return "\n".join(lines)


def verdicts(results: list[dict], start: dict | None) -> list[str]:
    by = {r["label"]: r for r in results}
    figures = {
        "shipped_latency": by.get("shipped", {}).get("ours", {}).get("median_ms"),
        "latency_10000": by.get("10000", {}).get("ours", {}).get("median_ms"),
        "latency_30000": by.get("30000", {}).get("ours", {}).get("median_ms"),
        "reload": by.get("shipped", {}).get("reload_s"),
        "startup": start["warm_s"] if start else None,
        "memory_10000": by.get("10000", {}).get("peak_rss_mb"),
    }
    out = []
    for name, (what, limit, unit) in TARGETS.items():
        value = figures[name]
        if value is None:
            out.append(f"{what} ≤ {limit:g} {unit}: not measured in this run")
        else:
            mark = "met" if value <= limit else "MISSED"
            out.append(f"{what} ≤ {limit:g} {unit}: {value:.3g} {unit}, {mark}")
    if start is not None:
        out.append("`jobbot ask` does not import slack_bolt: "
                   + ("met" if not start["slack_modules"] else "MISSED"))
    return out


# ---- command line -----------------------------------------------------------------------

def worker(args: argparse.Namespace) -> None:
    budget = args.baseline_budget
    if args.worker == "shipped":
        result = shipped(args.repeat, budget)
    else:
        result = synthetic(int(args.worker), args.questions, args.repeat, budget,
                           db=not args.no_db)
    print(json.dumps(result, ensure_ascii=False))


def run_worker(label: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, "-m", "bench.run", "--worker", label,
               "--questions", str(args.questions), "--repeat", str(args.repeat),
               "--baseline-budget", str(args.baseline_budget)]
    if args.no_db:
        command.append("--no-db")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"worker {label} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def update_readme(text: str) -> None:
    path = REPO / "bench" / "README.md"
    readme = path.read_text(encoding="utf-8")
    begin, end = "<!-- results -->", "<!-- /results -->"
    head, _, rest = readme.partition(begin)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{begin}\n{text}\n{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--sizes", help="synthetic sizes, comma-separated "
                        f"(default {','.join(map(str, DEFAULT_SIZES))})")
    parser.add_argument("--quick", action="store_true",
                        help=f"sizes {','.join(map(str, QUICK_SIZES))}, 50 questions, "
                             "one run each, short baseline budget")
    parser.add_argument("--questions", type=int, default=None,
                        help="questions per synthetic knowledge base (default 200)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per question; the fastest counts (default 3)")
    parser.add_argument("--baseline-budget", type=float, default=None,
                        help="seconds per baseline and size (default 20)")
    parser.add_argument("--no-db", action="store_true",
                        help="skip the SQLite write/read round trip of synthetic sizes")
    parser.add_argument("--no-startup", action="store_true", help="skip start-up timing")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--update-readme", action="store_true",
                        help="put the tables into bench/README.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    quick = args.quick
    args.questions = args.questions or (50 if quick else 200)
    args.repeat = args.repeat or (1 if quick else 3)
    args.baseline_budget = args.baseline_budget or (3.0 if quick else 20.0)
    if args.worker:
        worker(args)
        return 0
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(
        QUICK_SIZES if quick else DEFAULT_SIZES)
    results = []
    for label in ["shipped", *map(str, sizes)]:
        print(f"measuring {label} ...", file=sys.stderr, flush=True)
        results.append(run_worker(label, args))
    start = None
    if not args.no_startup:
        print("measuring start-up ...", file=sys.stderr, flush=True)
        start = startup(3 if quick else 7)
    text = report(results, start)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "startup": start},
                                              ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    if args.update_readme:
        update_readme(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
