"""The answering engine on the shipped knowledge base: questions of every kind, and the
behaviours the contract names (statuses, sources, follow-ups, input guards)."""

from __future__ import annotations

import json
import unicodedata

import pytest
from conftest import REPO

from bench.devcheck import passes

DATA = REPO / "tests" / "data"


def cases(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


# Regressions of the fact-finding engine (issue 10) that its blind sets did not justify
# fixing one by one; strict, so that each is noticed when it passes again.
KNOWN = {
    "d09": "일자리 창출 is both the program's name and its main metric: 예산 실적 reads as the "
           "metric's result",
    "b33": "as d09",
    "e06": "교육 대상 matches the metric named 교육대상 before the eligibility text",
    "r28": "대상 인원 ties the eligibility text with the count; the text wins",
}


def _known(case: dict):
    reason = KNOWN.get(case["id"])
    return pytest.param(case, id=case["id"], marks=pytest.mark.xfail(
        reason=reason, strict=True)) if reason else pytest.param(case, id=case["id"])


@pytest.mark.parametrize("case", [_known(c) for c in cases("questions-dev.jsonl")])
def test_dev_questions(engine, case):
    answer = engine.answer(case["q"]).to_dict()
    assert passes(answer, case["expect"]), answer


@pytest.mark.parametrize("case", [_known(c) for c in cases("questions.jsonl")])
def test_questions(engine, case):
    answer = engine.answer(case["q"]).to_dict()
    expect = case["expect"]
    assert passes(answer, expect), answer
    if "program" in expect:
        assert answer["program"] == expect["program"], answer
    if "lang" in expect:
        assert answer["lang"] == expect["lang"]


def test_every_answer_cites_a_quote_of_its_report(engine):
    kb = engine.kb
    for case in cases("questions.jsonl") + cases("questions-dev.jsonl"):
        answer = engine.answer(case["q"])
        if answer.status != "answered":
            continue
        assert answer.sources, case["q"]
        assert "출처" in answer.text or "Source" in answer.text
        for source in answer.sources:
            assert source.report in kb.reports
            assert source.quote


def test_decomposed_hangul_matches_like_composed(engine):
    question = "일자리카페 몇 시까지 해"
    nfd = unicodedata.normalize("NFD", question)
    assert nfd != question
    assert engine.answer(nfd).to_dict() == engine.answer(question).to_dict()


def test_one_syllable_never_matches_a_long_name(engine):
    for question in ("공", "일", "카", "센", "근로"):
        assert engine.answer(question).status == "no_match", question


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_empty_input(engine, question):
    answer = engine.answer(question)
    assert answer.status == "no_match" and "비어" in answer.text


def test_huge_input(engine):
    answer = engine.answer("공공근로 예산 " * 1000)
    assert answer.status == "no_match" and "너무 깁니다" in answer.text


@pytest.mark.parametrize("garbage", ["\x00\x01\x02\x03", "\ufffd\ufffd\ufffd", "\x07\x08\x1b[31m"])
def test_binary_garbage(engine, garbage):
    answer = engine.answer(garbage)
    assert answer.status == "no_match"


def test_follow_ups_reuse_program_intent_and_year(engine):
    first = engine.answer("공공근로 2021년 예산 얼마야?")
    assert first.status == "answered" and "2,225,633" in first.text
    city = engine.answer("시비는?", context=first.context)
    assert city.program == "public-works" and "1,556,767" in city.text
    earlier = engine.answer("그럼 2020년은?", context=city.context)
    assert earlier.program == "public-works" and "2,362,430" in earlier.text
    who = engine.answer("대상은?", context=earlier.context)
    assert who.intent == "eligibility" and "취업취약계층" in who.text


def test_follow_up_without_context_is_not_answered(engine):
    assert engine.answer("시비는?").status == "no_match"


def test_unrelated_question_after_a_conversation_is_not_answered(engine):
    first = engine.answer("공공근로 2021년 예산")
    assert engine.answer("오늘 날씨 어때", context=first.context).status == "no_match"


def test_new_program_in_a_follow_up_starts_afresh(engine):
    first = engine.answer("공공근로 2019년 예산")
    second = engine.answer("일자리카페 예산", context=first.context)
    assert second.program == "job-cafe" and "2021년" in second.text


def test_asked_year_is_never_replaced_by_another(engine):
    answer = engine.answer("2028년 새벽일자리쉼터 예산")
    assert answer.status == "no_data"
    assert "2028" in answer.text and "2021" in answer.text  # says what exists
    assert "75,240" not in answer.text


def test_later_report_is_shown_first_and_earlier_kept(engine):
    answer = engine.answer("2021년 일자리 창출 목표")
    assert answer.text.index("10,800") < answer.text.index("10,700")


def test_clarify_lists_candidates_and_a_click_answers(engine):
    answer = engine.answer("일자리카페랑 일자리센터 예산")
    assert answer.status == "clarify"
    ids = [c.id for c in answer.candidates]
    assert set(ids) == {"job-cafe", "job-center"}
    chosen = engine.answer("일자리카페랑 일자리센터 예산", program_hint="job-center")
    assert chosen.status == "answered" and chosen.program == "job-center"
    assert "154,111" in chosen.text


def test_units_and_friendly_conversion(engine):
    text = engine.answer("공공근로 2021 예산").text
    assert "2,225,633천원" in text and "약 22.3억원" in text
    text = engine.answer("일자리공시제 2018년 예산 실적").text
    assert "25,735백만원" in text


def test_json_contract(engine):
    data = engine.answer("일자리카페랑 일자리센터 예산").to_dict()
    assert {"status", "text", "program", "intent", "candidates", "sources"} <= set(data)
    data = engine.answer("공공근로 2021 예산").to_dict()
    assert data["sources"] and {"report", "quote"} <= set(data["sources"][0])
    json.dumps(data, ensure_ascii=False)
