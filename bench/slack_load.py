"""Load on `jobbot serve` (HTTP, signed requests) against a local stand-in for Slack's
Web API whose every call takes 0, 0.1 or 0.3 s: acknowledgements over Slack's 3 s limit,
answers per request (must be exactly 1) and throughput with 1, 8 and 32 concurrent
senders; then three kill -9 restarts under load, each followed by Slack's redelivery of
the events it did not see acknowledged.

    python -m bench.slack_load [--requests 300] [--senders 1,8,32] [--delays 0,0.1,0.3]
                               [--kills 3] [--json FILE]

Only 127.0.0.1. Needs the test extras (the stand-in is tests/slack_testkit.py). Counts are
bounded; nothing here is asserted by the test suite except that it runs
(tests/test_bench_smoke.py, a tiny level).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from serve_kit import Served, build_knowledge, start  # noqa: E402
from slack_testkit import BOT_USER, FakeSlackAPI, direct_message, mention  # noqa: E402

ACK_LIMIT = 3.0  # Slack's: later, an event is resent and a command shows an error
QUESTIONS = ("공공근로 2021년 예산 얼마야?", "일자리카페 몇 시까지 해", "새벽쉼터 누가 이용해?",
             "일자리센터 담당 팀", "최근 일자리 창출 달성률")


def requests(count: int, tag: str, commands: bool = True) -> list[dict[str, Any]]:
    """A mix of mentions, DMs and (when `commands`) /jobs, each with its own answer key."""
    out = []
    for n in range(count):
        question = QUESTIONS[n % len(QUESTIONS)]
        kind = ("mention", "dm", "command")[n % 3] if commands else ("mention", "dm")[n % 2]
        if kind == "mention":
            event = mention(f"<@{BOT_USER}> {question}")
            out.append({"kind": kind, "id": f"Ev{tag}{n}", "event": event, "key": event["ts"]})
        elif kind == "dm":
            event = direct_message(question, channel=f"D{tag}{n}")
            out.append({"kind": kind, "id": f"Ev{tag}{n}", "event": event, "key": event["channel"]})
        else:
            out.append({"kind": kind, "text": question, "key": f"/response/{tag}{n}"})
    return out


def send(bot: Served, api: FakeSlackAPI, request: dict[str, Any],
         headers: dict[str, str] | None = None) -> tuple[int | str, float]:
    try:
        if request["kind"] == "command":
            status, _, seconds = bot.command(request["text"], api.url + request["key"])
        else:
            status, _, seconds = bot.event(request["event"], request["id"], headers)
    except OSError as error:  # the bot was killed under it
        return type(error).__name__, 0.0
    return status, seconds


def answers(api: FakeSlackAPI, batch: list[dict[str, Any]]) -> dict[str, int]:
    """How many answers each request got (by thread, DM channel or response URL)."""
    counts = {r["key"]: 0 for r in batch}
    for call in api.posts():
        key = call.body.get("thread_ts") or call.body.get("channel")
        if key in counts:
            counts[key] += 1
    for call in api.responses():
        if call.path in counts:
            counts[call.path] += 1
    return counts


def wait_answered(api: FakeSlackAPI, batch: list[dict[str, Any]], timeout: float) -> float:
    """Seconds until every request had an answer (or the timeout), plus a settling pause
    in which a duplicate, were there one, would show."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if all(answers(api, batch).values()):
            break
        time.sleep(0.05)
    took = time.monotonic() - started
    time.sleep(1.0)
    return took


def level(knowledge_db: Path, work: Path, delay: float, senders: int,
          count: int) -> dict[str, Any]:
    api = FakeSlackAPI(delay=delay)
    tag = f"L{int(delay * 10)}s{senders}x"
    batch = requests(count, tag)
    bot = start(work / tag, work / f"{tag}.log", knowledge_db=knowledge_db,
                SLACK_API_URL=api.api_url, LOG_LEVEL="WARNING")
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(senders) as pool:
            acks = list(pool.map(lambda r: send(bot, api, r), batch))
        sent = time.monotonic() - started
        answered_after = wait_answered(api, batch, timeout=60 + count * delay)
    finally:
        bot.stop()
        api.close()
    seconds = [s for _, s in acks]
    per = answers(api, batch).values()
    return {"delay": delay, "senders": senders, "requests": count,
            "not_200": sum(1 for status, _ in acks if status != 200),
            "acks_over_3s": sum(1 for s in seconds if s > ACK_LIMIT),
            "ack_p50_ms": statistics.median(seconds) * 1000,
            "ack_p99_ms": sorted(seconds)[max(0, int(len(seconds) * 0.99) - 1)] * 1000,
            "ack_max_ms": max(seconds) * 1000,
            "acks_per_s": count / sent, "answers_per_s": count / (sent + answered_after)
            if answered_after < 60 + count * delay else 0.0,
            "answers_min": min(per), "answers_max": max(per),
            "unanswered": sum(1 for n in per if n == 0),
            "duplicated": sum(1 for n in per if n > 1)}


def kills(knowledge_db: Path, work: Path, rounds: int, count: int, delay: float = 0.1,
          senders: int = 8) -> dict[str, Any]:
    """`rounds` times: send a batch of events, kill -9 the bot half-way through, restart
    it and redeliver (as Slack does) every event whose ack it did not get; then one last
    batch with no kill. Every event must end with exactly one answer."""
    api = FakeSlackAPI(delay=delay)
    data, log = work / "kills", work / "kills.log"
    everything: list[dict[str, Any]] = []
    redelivered = not_acked = 0
    bot = start(data, log, knowledge_db=knowledge_db, SLACK_API_URL=api.api_url,
                LOG_LEVEL="WARNING")
    try:
        for round_ in range(rounds + 1):
            batch = requests(count, f"K{round_}x", commands=False)
            everything += batch
            results = _send_and_kill(bot, api, batch, senders, kill=round_ < rounds)
            if round_ == rounds:
                break
            bot = start(data, log, knowledge_db=knowledge_db, SLACK_API_URL=api.api_url,
                        LOG_LEVEL="WARNING")
            retry = {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_error"}
            missed = [r for r, (status, _) in zip(batch, results, strict=True)
                      if status != 200]
            not_acked += len(missed)
            for request in missed:  # Slack resends until acknowledged
                while send(bot, api, request, retry)[0] != 200:
                    time.sleep(0.1)
                redelivered += 1
        wait_answered(api, everything, timeout=120)
    finally:
        bot.stop()
        api.close()
    per = answers(api, everything).values()
    return {"kills": rounds, "events": len(everything), "not_acked_at_kill": not_acked,
            "redelivered": redelivered, "answers_min": min(per), "answers_max": max(per),
            "unanswered": sum(1 for n in per if n == 0),
            "duplicated": sum(1 for n in per if n > 1)}


def _send_and_kill(bot: Served, api: FakeSlackAPI, batch: list[dict[str, Any]],
                   senders: int, kill: bool) -> list[tuple[int | str, float]]:
    """Send the batch; with `kill`, kill -9 the bot once half of it is acknowledged."""
    acked = threading.Semaphore(0)

    def one(request: dict[str, Any]) -> tuple[int | str, float]:
        result = send(bot, api, request)
        if result[0] == 200:
            acked.release()
        return result

    def kill_halfway() -> None:
        for _ in range(len(batch) // 2):
            if not acked.acquire(timeout=30):
                break
        bot.kill()

    killer = threading.Thread(target=kill_halfway)
    if kill:
        killer.start()
    with ThreadPoolExecutor(senders) as pool:
        results = list(pool.map(one, batch))
    if kill:
        killer.join()
    return results


def report(levels: list[dict[str, Any]], killed: dict[str, Any] | None) -> str:
    lines = ["| Web API delay | senders | requests | acks > 3 s | ack p50 / p99 / max (ms) "
             "| acks/s | answers/s | answers per request (min–max) | unanswered | duplicated |",
             "|--:|--:|--:|--:|--|--:|--:|--|--:|--:|"]
    for r in levels:
        lines.append(
            f"| {r['delay']:g} s | {r['senders']} | {r['requests']} | {r['acks_over_3s']} "
            f"| {r['ack_p50_ms']:.0f} / {r['ack_p99_ms']:.0f} / {r['ack_max_ms']:.0f} "
            f"| {r['acks_per_s']:.0f} | {r['answers_per_s']:.0f} "
            f"| {r['answers_min']}–{r['answers_max']} | {r['unanswered']} "
            f"| {r['duplicated']} |")
    if killed:
        lines += ["", f"kill -9 ×{killed['kills']} under load (Web API 0.1 s, 8 senders): "
                  f"{killed['events']} events, {killed['not_acked_at_kill']} not acknowledged "
                  f"when the bot died and redelivered; answers per event "
                  f"{killed['answers_min']}–{killed['answers_max']}, "
                  f"{killed['unanswered']} unanswered, {killed['duplicated']} duplicated."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--senders", default="1,8,32")
    parser.add_argument("--delays", default="0,0.1,0.3")
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--kill-requests", type=int, default=120)
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jobbot-load-") as tmp:
        work = Path(tmp)
        knowledge_db = build_knowledge(work / "compiled")
        levels = [level(knowledge_db, work, float(d), int(s), args.requests)
                  for d in args.delays.split(",") for s in args.senders.split(",")]
        killed = kills(knowledge_db, work, args.kills, args.kill_requests) \
            if args.kills else None
    print(report(levels, killed))
    if args.json:
        Path(args.json).write_text(json.dumps({"levels": levels, "kills": killed}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
