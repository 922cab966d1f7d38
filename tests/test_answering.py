"""Answering by finding the fact (issue 10): facts reached through their own words, slots
that weigh, refusals, places from data, relative dates, computed changes and follow-ups.
Each question here is phrased unlike the fact it asks for."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest
from conftest import REPO

from bench.accuracy import BLIND, load, right, run
from bot.core.engine import Engine
from bot.core.places import romanize

TODAY = date(2026, 12, 3)


@pytest.fixture(scope="module")
def kb(engine):
    return engine.kb


@pytest.fixture(scope="module")
def now(kb):
    return Engine(kb, today=lambda: TODAY)


def ask(engine, *questions):
    """Ask in one conversation; the last answer."""
    context = answer = None
    for question in questions:
        answer = engine.answer(question, context=context)
        context = answer.context or context
    return answer


# ---- the fact's own words, not only its program's ------------------------------------

@pytest.mark.parametrize("question, expected", [
    ("롯데마트 업무협약 언제 했어?", "2018년 10월 19일"),   # a date inside a history list
    ("2019년 생활임금 시급", "9,934원"),                      # not the 생활임금 budget
    ("독산1동 1009번지 골목길 재생 도로 총연장 몇 m?", "900m"),  # a table row's size
    ("새뜰마을사업 총사업비 중 국비는 얼마?", "1,720,000"),     # the 총사업비 line's part
    ("2019년 일자리 예산 집행액 얼마야", "29,819"),             # names no program
    ("일자리공시제 2020년 국비 집행액", "국비(집행액): 7,188"),  # stage kept with a source
])
def test_facts_are_found_by_their_own_words(engine, question, expected):
    answer = engine.answer(question)
    assert answer.status == "answered", answer.text
    assert expected in answer.text
    assert answer.sources and "출처" in answer.text


def test_a_plainly_asked_kind_wins_over_shared_words(engine):
    answer = engine.answer("일자리플러스센터 2019년 예산")
    assert answer.status == "answered" and "138,500천원" in answer.text
    answer = engine.answer("청춘벨딩 카페 몇 시까지")
    assert "22:00" in answer.text


# ---- refusals ------------------------------------------------------------------------

def test_places_come_from_data_all_226_local_governments(kb):
    data = tomllib.loads((REPO / "knowledge" / "places.toml").read_text(encoding="utf-8"))
    govs = [g for r in data["region"] if r["name"] != "제주" for g in r["governments"]]
    assert len(govs) == 226
    places = kb.places
    assert len(places.governments) == 228  # and 제주시, 서귀포시
    for gov in govs:  # each, by its full name, before a particle (광주시: a city of both)
        found = places.find(f"{gov}는 일자리 예산 얼마야")
        assert (found is None) if gov == "금천구" else found in (gov, gov[:-1])
    assert places.find("금천구 공공근로 예산") is None
    assert places.find("시흥5동 새뜰마을 예산") is None
    assert places.find("달성률 알려줘") is None  # 달성군's stem is a word
    assert places.find("2019년 예산") is None  # 예산군's stem too
    assert places.find("Where is Mapo-gu's job cafe?") == "마포구"
    assert places.find("부산에서 취업박람회 해?") == "부산"
    assert places.find(f"{romanize('해운대')} job fair") == "해운대구"


@pytest.mark.parametrize("question", [
    "마포구 일자리카페 어디야", "Where is Mapo-gu's job cafe?", "하남시 공공근로 예산",
    "부산에서 취업박람회 언제 해?", "성동구 일자리주식회사 자본금은?",
    "청소행정과 2021년 예산 얼마야?",
])
def test_other_places_and_offices_are_refused(engine, question):
    assert engine.answer(question).status != "answered"


def test_a_place_the_answering_quote_names_is_answered(engine):
    answer = engine.answer("성동구 벤치마킹 언제 갔어?")
    assert answer.status == "answered" and "2018년 7월" in answer.text


@pytest.mark.parametrize("question", [
    "일자리카페 2호점 주소 좀 알려줘",         # a figure no fact states
    "뉴딜일자리 사업 달성률 몇 %야?",           # a rate the reports never give
    "도시재생지원센터 운영시간이 어떻게 돼?",   # hours that are not there
    "청년 일자리카페 전화번호 뭐예요?",         # a contact that is not there
    "2021년 하반기 일자리 창출 실적",           # a period not reported
    "주식 시세 알려줘",
])
def test_what_the_reports_do_not_say_is_refused(engine, question):
    answer = engine.answer(question)
    assert answer.status in ("no_data", "no_match", "clarify"), answer.text


def test_an_unreported_period_names_the_reported_ones(engine):
    answer = engine.answer("2021년 하반기 일자리 창출 실적")
    assert answer.status == "no_data" and "2021년 상반기" in answer.text


# ---- relative dates, against an injectable clock -------------------------------------

def test_relative_years_are_read_against_today(now, kb):
    answer = now.answer("공공근로 작년 예산")
    assert answer.status == "no_data"
    assert "2025" in answer.text and "2021-07" in answer.text  # the latest report, said
    then = Engine(kb, today=lambda: date(2021, 6, 1))
    assert "2,225,633천원" in then.answer("공공근로 올해 예산").text
    assert "3,376,580천원" in then.answer("공공근로 작년 예산").text


def test_years_ago_and_full_years_are_not_confused(now):
    assert "10,814" in now.answer("6년 전 일자리 창출 실적").text  # 2020
    assert "72,340" in ask(now, "새벽쉼터 2021년 예산 얼마 잡혀있어?", "구비는?",
                           "2020년 전체 예산은?").text  # "20년 전체" is not 20 years ago


# ---- derived answers -----------------------------------------------------------------

def test_a_change_between_years_is_computed_from_both_quotes(engine):
    answer = engine.answer("공공근로 2021년 예산 2020년보다 얼마나 줄었어?")
    assert answer.status == "answered"
    assert "1,150,947천원" in answer.text and "감소" in answer.text and "계산" in answer.text
    assert {s.report for s in answer.sources} == {"r2020"} and len(answer.facts) == 2


# ---- follow-ups ----------------------------------------------------------------------

def test_a_follow_up_naming_only_a_slot_keeps_the_rest(now):
    assert "10,814" in ask(now, "2020년 3분기 일자리 창출 실적", "연간은?").text
    youth = ask(now, "2021년 일자리 창출 목표", "청년층은?")
    assert youth.status == "answered" and "434" in youth.text
    assert "1,556,767" in ask(now, "공공근로 2021년 예산", "시비는?").text
    who = ask(now, "공공근로 2021년 예산", "시비는?", "대상은?")
    assert who.intent == "eligibility" and "취업취약계층" in who.text


def test_a_new_program_starts_afresh_and_a_new_measure_keeps_the_table(now):
    fresh = ask(now, "2020년 3분기 일자리 창출 실적", "일자리카페 운영시간")
    assert fresh.program == "job-cafe" and "22:00" in fresh.text
    rate = ask(now, "2018년 3분기 일자리 실적에서 민간부문 얼마였어?", "목표는?")
    assert "1,871" in rate.text


# ---- bugs of the first engine --------------------------------------------------------

def test_report_labels_follow_the_reports_dates(engine):
    text = engine.answer("2021년 일자리 창출 목표").text
    assert "10,800" in text.splitlines()[0]  # the card (2021-07) leads
    assert "이전 보고서(2020-11)" in text and "이전 보고서(2021-07)" not in text


def test_group_names_read_well(engine):
    text = engine.answer("2021년 취약계층 일자리 목표").text
    assert "취약계층 일자리" in text and "취약계층층" not in text


def test_english_questions_get_english_answers(engine):
    answer = engine.answer("public works budget 2021")
    assert answer.lang == "en" and "2,225,633" in answer.text and "Source" in answer.text


# ---- the blind tuning half as a test -------------------------------------------------

def test_blind_tuning_half_holds(engine):
    """The tuning half of the blind sets (bench/data/blind-BRIEF.md): the floor is below
    what the engine scores, so that a change that loses answers is caught."""
    singles = run(engine, load(BLIND["tuning"]))
    turns = run(engine, load(BLIND["tuning (conversations)"]))
    for results, floor in ((singles, 0.82), (turns, 0.88)):
        share = sum(right(a, c["expect"]) for _, c, a, _ in results) / len(results)
        assert share >= floor, share
    wrong = [c["q"] for _, c, a, _ in singles
             if "answered" not in c["expect"]["status"] and a["status"] == "answered"]
    assert len(wrong) <= 4, wrong


# ---- places.toml is validated and compiled like the rest -----------------------------

def test_places_file_errors_name_the_file_and_line(kb_dir):
    from bot.core.build import build, read_db
    from bot.core.loader import load

    (kb_dir / "places.toml").write_text(
        'home = ["금천구"]\n\n[[region]]\nname = "서울"\ngovernments = "마포구"\n',
        encoding="utf-8")
    _, problems = load(kb_dir)
    assert [(p.file, p.line) for p in problems] == [("places.toml", 3)]
    (kb_dir / "places.toml").write_text(
        'home = ["금천구"]\n\n[[region]]\nname = "서울"\nenglish = "Seoul"\n'
        'governments = ["금천구", "마포구"]\n', encoding="utf-8")
    kb = build(kb_dir, kb_dir.parent / "k.db")
    again = read_db(kb_dir.parent / "k.db").places
    assert kb.places.find("마포구 예산") == again.find("마포구 예산") == "마포구"
    assert again.find("금천구 예산") is None and again.find("Mapo-gu budget") == "마포구"


def test_a_difference_of_two_budget_stages_is_computed(engine):
    answer = engine.answer("2020년 일자리창출 확보액에서 집행액 빼면 얼마 남아?")
    assert answer.status == "answered" and len(answer.facts) == 2
    assert "48,106" in answer.text and "31,821" in answer.text
    assert "= 16,285백만원" in answer.text and "계산" in answer.text
    assert answer.text.count("출처") == 1  # one table line, cited once


def test_a_sum_over_years_the_reports_do_not_total_is_computed(engine):
    answer = engine.answer("일자리창출 사업 18년부터 21년까지 집행액 다 합치면 얼마?")
    assert answer.status == "answered" and len(answer.facts) == 4
    assert "= 114,875백만원" in answer.text and "더한 값" in answer.text


@pytest.mark.parametrize("question, thing", [
    ("공공근로 참여자 시급은 얼마예요?", "시급"), ("일자리카페 프로그램 참가비 얼마야?", "참가비")])
def test_the_amount_of_a_thing_no_fact_states_is_refused_by_name(engine, question, thing):
    answer = engine.answer(question)
    assert answer.status == "no_data" and f"'{thing}'" in answer.text


def test_amounts_of_things_the_facts_state_are_answered(engine):
    assert "9,934원" in engine.answer("2019년 생활임금 시급은 얼마야?").text
    assert "= 16,285" in engine.answer("2020년 일자리창출 확보액에서 집행액 빼면 얼마 남아?").text
    assert "2,225,633" in engine.answer("공공근로 2021년 예산 얼마야?").text


def test_and_after_a_program_name_is_not_an_office(engine):
    answer = engine.answer("지역공동체일자리과 뉴딜 예산")  # 과 = "and"
    assert answer.status in ("answered", "clarify")
    assert engine.answer("청소행정과 예산").status == "no_match"


@pytest.mark.parametrize("question, expected", [
    ("공약카드 기준 2021년 일자리 창출 목표", "10,800"),
    ("2020년 업무보고에 나온 2021년 일자리 창출 목표", "10,700"),
    ("2021년 업무계획에서 청년층 일자리 목표 몇 개야", "743"),  # the report planning 2021
])
def test_a_named_report_is_answered_from(engine, question, expected):
    assert expected in engine.answer(question).text.splitlines()[0]


def test_english_words_find_korean_facts(engine):
    answer = engine.answer("What hourly living wage was set for 2019?")
    assert answer.lang == "en" and "9,934" in answer.text


def test_when_unsure_the_nearest_programs_are_offered(engine):
    answer = engine.answer("상담창구 운영비 중 시비는 매년 얼마씩이야?")
    assert answer.status == "clarify" and "job-center" in {c.id for c in answer.candidates}
    assert "찾지 못했습니다" in answer.text
    clicked = engine.answer("상담창구 운영비 중 시비는 매년 얼마씩이야?",
                            program_hint="job-center")
    assert clicked.status == "answered" and clicked.program == "job-center"
    assert engine.answer("주식 시세 알려줘").status == "no_match"  # nothing near: no offer


def test_a_funding_sources_share_is_computed(engine):
    answer = engine.answer("일자리공시제 2020년 집행액 중 구비 비율")
    assert "13,203" in answer.text and "41.5%" in answer.text and "계산" in answer.text


# ---- mechanisms added while tuning on the final checks (their wording is not theirs) --

@pytest.mark.parametrize("question, parts, total", [
    ("2019년 일구데이 합동이랑 소규모 취업자 더하면?", ("78명", "16명"), "= 94명"),
    ("공공근로 2020년 하반기랑 상반기 집행액 다 합치면", ("1,893,386", "1,408,807"),
     "= 3,302,193천원"),
    ("일구데이하고 취업박람회 2021년 예산 합쳐서 얼마", ("4,000", "26,000"), "= 30,000천원"),
])
def test_the_parts_a_question_names_are_added_up(engine, question, parts, total):
    answer = engine.answer(question)
    assert answer.status == "answered", answer.text
    assert all(p in answer.text for p in parts) and total in answer.text
    assert "더한 값" in answer.text and len(answer.facts) == 2


def test_a_thing_the_reports_never_mention_is_refused_by_name(engine):
    answer = engine.answer("일자리카페 와이파이 비번 좀 알려줘")
    assert answer.status == "no_data" and "'비번'" in answer.text
    # a word the reports do use is not refused for being asked with 알려줘
    assert engine.answer("일자리주식회사 사업비 구성 알려줘").status == "answered"


def test_another_office_a_fact_only_lists_is_refused(engine):
    assert engine.answer("환경과 소속 국 예산 얼마야").status != "answered"
    assert engine.answer("청소행정과 쓰레기 수거 신청 방법").status == "no_match"
    assert engine.answer("공공일자리팀 하는 일").status == "answered"  # our own team


@pytest.mark.parametrize("question", ["서울시 전체 2021년 일자리 목표", "전국 공공근로 예산",
                                      "What is the job fair budget for all of Seoul?"])
def test_all_of_seoul_or_the_country_is_another_place(engine, question):
    assert engine.answer(question).status == "no_match"


def test_durations_are_not_years(engine):
    answer = engine.answer("금하마을 20년 넘은 건물 비율")
    assert answer.status == "answered" and "94.5%" in answer.text


def test_the_year_before_the_one_said(engine):
    answer = engine.answer("2020년 3분기 일자리 창출 실적 전년 같은 분기보다 얼마나 늘었어")
    assert answer.status == "answered" and "1,536명 증가" in answer.text


def test_next_month_is_today_and_the_reports_end_earlier(now):
    answer = now.answer("다음 달 일구데이 언제 열려?")
    assert answer.status == "no_data" and "2026" in answer.text


def test_whether_a_source_is_in_a_budget_is_answered_by_its_breakdown(engine):
    answer = ask(engine, "일자리카페 2021년 예산", "국비도 포함돼 있어?")
    assert answer.status == "answered" and "국비 항목이 없습니다" in answer.text
    assert engine.answer("일자리카페 2021년 국비 얼마").status == "no_data"


def test_the_first_plan_is_read_from_the_earlier_report(engine):
    answer = ask(engine, "금천일자리주식회사 출범 언제야?", "당초 계획상 출범은 언제였어?")
    assert answer.status == "answered" and "2020년 7월" in answer.text


def test_a_named_part_of_a_program_beats_another_parts_kind_of_fact(engine):
    answer = engine.answer("펫푸드 원데이 클래스는 누가 들어?")
    assert "반려동물" in answer.text


def test_a_count_of_about_so_many_answers_how_many(engine):
    answer = engine.answer("새벽일자리쉼터 대상이 몇 명쯤이야?")
    assert answer.status == "answered" and "300여명" in answer.text


def test_the_earlier_final_checks_hold(engine):
    """The three final checks of the first round, read question by question only after
    their totals were reported (bench/README.md): a floor, so that losses are caught."""
    for name, floor in (("final check", 0.86), ("second final check", 0.88),
                        ("third final check", 0.88)):
        results = run(engine, load(BLIND[name]))
        share = sum(right(a, c["expect"]) for _, c, a, _ in results) / len(results)
        assert share >= floor, (name, share)


def test_the_same_year_carries_over_to_a_new_program(engine):
    answer = ask(engine, "공공근로 2020년 예산", "같은 해 일자리카페 예산은?")
    assert answer.status == "answered" and "일자리카페 2020년 예산" in answer.text


def test_a_day_of_the_week_is_answered_only_by_a_fact_that_names_days(engine):
    answer = engine.answer("청년 일자리카페 토요일에도 해?")
    assert answer.status == "no_data" and "토요일" in answer.text
    assert engine.answer("What are the Sunday hours of the job cafe?").status == "no_data"
    answer = engine.answer("찾아가는 일자리센터 무슨 요일에 운영해?")
    assert answer.status == "answered" and "수요일" in answer.text


def test_a_year_no_report_reaches_is_refused_whatever_the_fact(engine):
    answer = engine.answer("2025년 일자리카페 운영시간")
    assert answer.status == "no_data" and "2025" in answer.text and "2016~2023" in answer.text
    # an extension number beside a name ("박오임(2010)") is not a year the reports reach
    assert "2016~2023" in engine.answer("2031년 공공근로 예산").text


def test_a_bare_year_before_a_word_is_a_year(engine):
    answer = engine.answer("공공근로 20 하반기 집행액")
    assert answer.status == "answered" and "1,893,386" in answer.text


@pytest.mark.parametrize("question", ["How much revenue does the pet food shop make?",
                                      "What's the name of the jobs company's CEO?"])
def test_english_questions_about_things_no_report_states_are_refused(engine, question):
    assert engine.answer(question).status in ("no_data", "no_match")


def test_the_third_round_of_tuning_questions_holds(engine):
    """The third round of blind tuning questions (written this round, scored once as they
    came: 82.7 % singles, 90.6 % turns): a floor below what the engine scores now."""
    singles = run(engine, load(BLIND["tuning (third round)"]))
    turns = run(engine, load(BLIND["tuning (third round, conversations)"]))
    for results, floor in ((singles, 0.86), (turns, 0.88)):
        share = sum(right(a, c["expect"]) for _, c, a, _ in results) / len(results)
        assert share >= floor, share


def test_a_thing_no_report_mentions_is_refused_by_name(engine):
    answer = engine.answer("일자리카페 유학생도 쓸 수 있어?")
    assert answer.status == "no_data" and "'유학생'" in answer.text
    # a typo of a word the reports use is not such a thing
    assert engine.answer("일구데이 2021년 예샨 얼마야").status == "answered"


# ---- session 3: words of the asker's situation, typos of the shift key, report names ----

def test_polite_framing_does_not_refuse(now):
    answer = now.answer("전임자 자료 정리하다 궁금해서요, 노동권익 보호 2019년 소요예산은?")
    assert answer.status == "answered" and "5,220천원" in answer.text.splitlines()[0]


def test_tense_initial_typo_is_a_typo(now):
    answer = now.answer("일구데이 2021 예싼 얼마임")
    assert answer.status == "answered" and "4,000" in answer.text


def test_a_report_named_before_eolma_is_not_a_missing_thing(now):
    answer = now.answer("2020 구비 집행액 공약카드에 얼마로 나와?")
    assert answer.status == "answered" and "13,203" in answer.text.splitlines()[0]


def test_predicates_do_not_pull_a_program_in(now):
    assert now.answer("소상공인 재난지원금 얼마 받을 수 있어요?").status != "answered"
