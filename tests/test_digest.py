"""The weekly digest: content for several reference dates, teams and the department."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from conftest import REPO

from bot.core.digest import compose, programs_in_scope, render_text, teams, week_of


def test_week_is_monday_to_sunday():
    assert week_of(date(2021, 5, 5)) == (date(2021, 5, 3), date(2021, 5, 9))
    assert week_of(date(2021, 5, 3)) == (date(2021, 5, 3), date(2021, 5, 9))
    assert week_of(date(2021, 5, 9)) == (date(2021, 5, 3), date(2021, 5, 9))


def test_teams_come_from_the_reports(engine):
    assert {"일자리기획팀", "공공일자리팀", "취업정보팀", "주거재생팀"} <= set(teams(engine.kb))
    scope = {p.id for p in programs_in_scope(engine.kb, "공공일자리팀")}
    assert {"public-works", "community-jobs"} <= scope
    assert "job-cafe" not in scope


def test_team_week_with_milestones_under_way(engine):
    digest = compose(engine, "공공일자리팀", date(2021, 5, 3))
    whats = {(m.program_id, m.what, m.status) for m in digest.this_week}
    assert ("public-works", "상반기 사업 시행", "ongoing") in whats
    assert ("public-works", "하반기 사업 확정, 모집 공고 및 선발", "starts") not in whats
    assert any(m.program_id == "public-works" and "하반기 사업 확정" in m.what
               for m in digest.this_week)
    budgets = {b.program_id: b for b in digest.budgets}
    assert budgets["public-works"].total == 2225633 and budgets["public-works"].year == 2021
    assert digest.result is None  # the job-creation series belongs to 일자리기획팀
    text = render_text(digest)
    assert "2021-05-03(월) ~ 2021-05-09(일)" in text
    assert "2,225,633천원" in text
    assert "근거: 2020년 업무보고 (2020-11)" in text


def test_milestone_starting_this_week_and_coming_ones(engine):
    # A month-dated step starts in the week that holds the 1st of its month.
    digest = compose(engine, "일자리창출과", date(2020, 12, 30))
    starts = [m for m in digest.this_week if m.status == "starts"]
    assert any(m.program_id == "public-works" and m.what == "상반기 사업 시행" for m in starts)
    ends = [m for m in digest.this_week if m.status == "ends"]
    assert any(m.program_id == "public-works" and "모집 공고 및 선발" in m.what for m in ends)
    assert all(date(2021, 1, 3) < m.start <= date(2021, 1, 31) for m in digest.coming)
    following = compose(engine, "일자리창출과", date(2021, 1, 6))
    assert any(m.program_id == "new-deal-jobs" for m in following.coming)
    assert all(date(2021, 1, 10) < m.start <= date(2021, 2, 7) for m in following.coming)


def test_department_digest_has_latest_result_and_change(engine):
    digest = compose(engine, "일자리창출과", date(2021, 1, 4))
    result = digest.result
    assert result.period == "2020년" and result.actual == 10814 and result.rate == 103
    assert result.previous_period == "2019년" and result.previous_actual == 10349
    assert "+465명" in render_text(digest)
    later = compose(engine, "일자리창출과", date(2021, 8, 2)).result
    assert later.period == "2021년 상반기" and later.actual == 7342
    assert later.previous_period == "2020년 상반기"


def test_result_is_only_what_was_known_by_the_date(engine):
    result = compose(engine, "일자리기획팀", date(2019, 7, 1)).result
    assert result.period == "2019년 2분기" and result.actual == 6655


def test_empty_window_says_so_and_shows_next(engine):
    digest = compose(engine, "취업정보팀", date(2020, 1, 6))
    if not digest.this_week and not digest.coming:
        assert digest.next_milestone is not None
        assert "다음 일정" in render_text(digest)
    far = compose(engine, "취업정보팀", date(2026, 11, 23))
    assert not far.this_week and not far.coming and far.next_milestone is None
    text = render_text(far)
    assert "이번 주에 해당하는 일정이 없습니다" in text
    assert "그 뒤로 예정된 일정도 보고서에 없습니다" in text


def test_budget_falls_back_to_latest_year_and_says_so(engine):
    digest = compose(engine, "취업정보팀", date(2026, 11, 23))
    cafe = next(b for b in digest.budgets if b.program_id == "job-cafe")
    assert cafe.year == 2023 and cafe.asked_year == 2026
    assert "2026년 자료가 없어 2023년 기준" in render_text(digest)


def test_open_ended_items_do_not_run_forever(engine):
    digest = compose(engine, "일자리기획팀", date(2026, 11, 23))
    assert digest.this_week == ()


def test_urban_regeneration_team(engine):
    digest = compose(engine, "주거재생팀", date(2019, 2, 11))
    assert {m.program_id for m in digest.this_week} >= {"geumha-newdeal", "siheung5-saetteul"}
    assert all(b.year == 2019 for b in digest.budgets)


def test_cli_digest_json_and_errors(tmp_path):
    env = {"DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "bot", "digest", "--team", "공공일자리팀",
                          "--as-of", "2021-05-03", "--json"], capture_output=True, text=True,
                         cwd=REPO, env=env, check=True).stdout
    data = json.loads(out)
    assert data["week_start"] == "2021-05-03" and data["scope"] == "공공일자리팀"
    bad = subprocess.run([sys.executable, "-m", "bot", "digest", "--as-of", "2021-13-01"],
                         capture_output=True, text=True, cwd=REPO, env=env)
    assert bad.returncode == 2 and "날짜" in bad.stderr and "Traceback" not in bad.stderr
