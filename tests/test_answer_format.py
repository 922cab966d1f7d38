"""Answers that read at a glance (issue 14): the figure first with its report's age, a
different figure of another report in one short line, sources quoting only the rows that
hold the figure, curator notes once, and everything else behind "자세히"."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.engine import Engine
from bot.core.replies import STEPS


@pytest.fixture(scope="module")
def now(engine):
    return Engine(engine.kb, today=lambda: date(2026, 12, 3))


def ask(engine, *questions):
    context = answer = None
    for question in questions:
        answer = engine.answer(question, context=context)
        context = answer.context or context
    return answer


def sources(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("출처:")]


def test_first_line_has_figure_stage_period_and_the_reports_age(now):
    first = now.answer("공공근로 2021년 예산 얼마야?").text.splitlines()[0]
    assert "2,225,633천원" in first and "2021년" in first and "계획" in first
    assert first.endswith("(2020-11 업무보고 기준)")


def test_no_age_note_while_the_report_is_recent(engine):
    then = Engine(engine.kb, today=lambda: date(2021, 3, 1))
    first = then.answer("공공근로 2021년 예산 얼마야?").text.splitlines()[0]
    assert "기준)" not in first and "2,225,633" in first


def test_source_quotes_only_the_row_with_the_figure(now):
    text = now.answer("공공근로 2021년 시비 얼마야?").text
    lines = sources(text)
    assert len(lines) == 2  # one per report
    own = lines[0]
    # the header naming the years and the 시비 row, not the 계/구비 rows of the table
    assert "2021년" in own and "1,556,767" in own
    assert "668,866" not in own and "10,743,428" not in own


def test_other_report_line_only_when_its_figure_differs(now):
    # The 2021 target: 10,800 in the card, 10,700 in the 2020 report: said once, short.
    text = now.answer("2021년 일자리 창출 목표").text
    assert "10,800" in text.splitlines()[0]
    others = [line for line in text.splitlines() if line.startswith("· 이전 보고서")]
    assert len(others) == 1 and "10,700" in others[0] and "일자리공시제" not in others[0]


def test_curator_notes_said_once(now):
    text = now.answer("2018년 일자리 상담창구 전체 취업자수").text
    assert "1,987" in text.splitlines()[0]
    assert text.count("'18.10.30. 기준") <= 1


def test_long_lists_keep_the_rest_behind_more(now):
    answer = now.answer("새뜰마을사업 일정 알려줘")
    steps = [line for line in answer.text.splitlines() if line.startswith("· ")]
    assert len(steps) == STEPS and "'자세히'" in answer.text
    full = ask(now, "새뜰마을사업 일정 알려줘", "자세히")
    assert full.status == "answered"
    assert len([line for line in full.text.splitlines() if line.startswith("· ")]) > STEPS
    assert full.text == answer.detail


def test_more_without_a_previous_answer_is_not_an_answer(now):
    assert now.answer("자세히").status != "answered"


def test_more_in_english(now):
    first = now.answer("What is the 2021 budget for public works?")
    full = ask(now, "What is the 2021 budget for public works?", "more")
    assert full.text == first.detail and len(full.text) > len(first.text)


def test_two_sources_asked_each(now):
    text = now.answer("일자리센터 21년 예산 시비랑 구비 각각 알려줘").text
    assert "118,273" in text and "35,838" in text


def test_a_month_picks_the_step_of_that_month(now):
    first_step = now.answer("새뜰마을 마스터플랜 2018년 10월 재심의 결과").text.splitlines()[1]
    assert "10월" in first_step and "승인" in first_step


def test_detail_and_sources_kept_in_json(now):
    data = now.answer("공공근로 2021년 예산 얼마야?").to_dict()
    assert data["detail"].startswith(data["text"].splitlines()[0])
    assert {s["report"] for s in data["sources"]} >= {"r2020", "r2018"}


def test_cli_verbose_prints_the_whole_answer(tmp_path):
    import subprocess
    import sys

    def run(*extra):
        return subprocess.run([sys.executable, "-m", "bot", "ask", *extra, "새뜰마을사업 일정"],
                              capture_output=True, text=True, timeout=60,
                              env={**__import__("os").environ, "DATA_DIR": str(tmp_path)})
    short, full = run(), run("--verbose")
    assert short.returncode == full.returncode == 0
    assert "'자세히'" in short.stdout and "'자세히'" not in full.stdout
    assert full.stdout.count("\n· ") > short.stdout.count("\n· ")
