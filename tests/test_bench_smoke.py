"""The benchmark's smallest size, quickly: synthetic questions find their programs (with
the matcher's small-index path, and with its national-scale path forced on), and the
benchmark measures and reports. Timings are not asserted."""

from __future__ import annotations

import pytest

from bench import run
from bench.baselines import DifflibBaseline, RapidfuzzBaseline
from bench.synth import generate
from bot.core import matcher
from bot.core.engine import Engine


@pytest.fixture(scope="module")
def synthetic():
    return generate(100, questions=80)


def wrong_answers(engine: Engine, questions) -> list[str]:
    wrong = []
    for question in questions:
        answer = engine.answer(question.text)
        if answer.program != question.program:
            wrong.append(f"{question.kind}: {question.text!r} -> {answer.status} "
                         f"{answer.program} (want {question.program})")
    return wrong


def test_synthetic_knowledge_base_is_national_like(synthetic):
    kb = synthetic.kb
    assert len(kb.programs) == 100
    assert all(len(p.facts) >= 8 and all(f.quotes for f in p.facts)
               for p in kb.programs.values())
    kinds = {q.kind for q in synthetic.questions}
    assert {"exact", "typo", "particle", "english"} <= kinds
    # Names overlap as in the national case: the same stem in several districts.
    stems = [p.name.split(" ", 2)[2] for p in kb.programs.values()]
    assert len(set(stems)) < len(stems)


def test_every_synthetic_question_finds_its_program(synthetic):
    assert wrong_answers(Engine(synthetic.kb), synthetic.questions) == []


def test_national_scale_paths_find_them_too(synthetic, monkeypatch):
    # Make the small knowledge base look large: common bigrams left out of the index,
    # halves shared by a few keys looked up only by their other half.
    monkeypatch.setattr(matcher, "STOP_FLOOR", 20)
    monkeypatch.setattr(matcher, "MAX_ANCHORED", 2)
    engine = Engine(synthetic.kb)
    assert engine.matcher._stop and engine.matcher._common_tails
    assert wrong_answers(engine, synthetic.questions) == []


def test_baselines_name_a_program(synthetic):
    program = next(iter(synthetic.kb.programs.values()))
    for baseline in (DifflibBaseline(synthetic.kb), RapidfuzzBaseline(synthetic.kb)):
        assert baseline.match(f"{program.short} 예산") == program.id


def test_benchmark_measures_and_reports_the_smallest_size():
    result = run.synthetic(100, questions=20, repeat=1, budget=0.1, db=False)
    assert result["ours"]["accuracy"] == 1.0
    assert result["ours"]["n"] == 20 and result["names"] > 100
    for key in ("difflib", "rapidfuzz"):
        assert result[key]["n"] >= 5 and result[key]["ratio"] > 0
    assert result["peak_rss_mb"] > 0 and result["engine_s"] > 0
    text = run.report([result], None)
    assert "| 100 | 100 |" in text and "median answer at 10,000 programs" in text


def test_slack_load_runs_a_tiny_level_and_a_kill(tmp_path, knowledge_db):
    """bench/slack_load.py end to end at its smallest (its figures are not asserted)."""
    from bench import slack_load

    result = slack_load.level(knowledge_db, tmp_path, 0.0, 2, 6)
    assert result["requests"] == 6 and result["not_200"] == 0
    assert result["answers_min"] == result["answers_max"] == 1
    killed = slack_load.kills(knowledge_db, tmp_path, rounds=1, count=10)
    assert killed["events"] == 20 and killed["unanswered"] == killed["duplicated"] == 0
    text = slack_load.report([result], killed)
    assert "| 0 s | 2 | 6 | 0 |" in text and "kill -9 ×1" in text
