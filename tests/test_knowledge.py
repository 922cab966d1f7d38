"""The knowledge files: loading, validation errors with file and line, provenance."""

from __future__ import annotations

from pathlib import Path

from conftest import GOOD_PROGRAM, KNOWLEDGE

from bot.core.loader import load
from bot.core.provenance import missing_figures, numbers_in_quote, squash


def write(root: Path, name: str, text: str) -> None:
    (root / "programs" / name).write_text(text, encoding="utf-8")


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


# ---- the shipped knowledge base --------------------------------------------------------

def test_shipped_knowledge_base_validates():
    kb, problems = load(KNOWLEDGE)
    assert problems == [], "\n".join(messages(problems))
    assert len(kb.programs) >= 25
    assert len(kb.facts) >= 500


def test_every_quote_is_in_its_report_and_every_figure_in_its_quote():
    """The provenance rule, checked directly over every fact (not through the loader)."""
    kb, _ = load(KNOWLEDGE)
    reports = {rid: squash(r.text) for rid, r in kb.reports.items()}
    checked = 0
    for fact in kb.facts:
        for quote in fact.quotes:
            assert squash(quote) in reports[fact.report], (fact.id, quote)
        assert missing_figures(fact.data, fact.quotes) == [], fact.id
        checked += 1
    assert checked == len(kb.facts)


def test_every_program_of_the_reports_is_covered():
    kb, _ = load(KNOWLEDGE)
    expected = {
        "job-creation", "jobs-company", "public-works", "dawn-shelter", "external-funding",
        "regional-industry-jobs", "community-jobs", "seoul-gu-cooperative-jobs",
        "new-deal-jobs", "job-center", "job-cafe", "job-fair", "ilgu-day", "labor-rights",
        "public-jobs-management", "hiring-events", "employment-support", "hope-job-camp",
        "dept-jobs", "dept-urban", "urban-regen-center", "geumha-newdeal", "doksan-alley",
        "cattle-market", "siheung5-saetteul", "siheung-logistics", "peach-village",
    }
    assert expected <= set(kb.programs)
    for pid in expected - {"hiring-events", "employment-support"}:
        assert kb.programs[pid].facts, f"{pid} has no facts"


def test_programs_in_several_reports_have_facts_from_each():
    kb, _ = load(KNOWLEDGE)
    for pid, reports in {
        "public-works": {"r2018", "r2020"}, "job-cafe": {"r2018", "r2020"},
        "ilgu-day": {"r2018", "r2020"}, "job-fair": {"r2018", "r2020"},
        "job-center": {"r2018", "r2020"}, "dawn-shelter": {"r2018", "r2020"},
        "jobs-company": {"r2018", "r2020"}, "job-creation": {"r2018", "r2020", "card2021"},
    }.items():
        assert reports <= {f.report for f in kb.programs[pid].facts}, pid


def test_disagreeing_reports_are_both_kept():
    """2021 target: 10,700 in the 2020-11 report, 10,800 in the later card."""
    kb, _ = load(KNOWLEDGE)
    figures = {(f.report, f.get("target") or f.get("value"))
               for f in kb.programs["job-creation"].facts if f.type == "metric"}
    assert ("r2020", 10700) in figures
    assert ("card2021", 10800) in figures


# ---- provenance helpers ----------------------------------------------------------------

def test_numbers_in_quote_ignore_separators_and_read_dates():
    assert {"2225633", "2018", "11", "2018.11"} <= numbers_in_quote("2,225,633천원 2018.11.")


def test_missing_figures_accepts_short_years_and_rejects_wrong_figures():
    assert missing_figures({"year": 2019, "start": "2019-03"}, ["'19. 3. 4."]) == []
    assert missing_figures({"total": 2225634}, ["2,225,633천원"]) == [("total", "2225634")]
    assert missing_figures({"text": "03:00 ~ 07:00"}, ["운영시간 : 03:00 ~ 07:00"]) == []


# ---- broken files ----------------------------------------------------------------------

def test_small_fixture_is_valid(kb_dir):
    kb, problems = load(kb_dir)
    assert problems == []
    assert kb.programs["public-works"].facts[0].get("total") == 2225633


def test_bad_toml_names_file_and_line(kb_dir):
    write(kb_dir, "public-works.toml", GOOD_PROGRAM.replace('short = "공공근로"',
                                                            'short = "공공근로'))
    _, problems = load(kb_dir)
    assert len(problems) == 1
    assert problems[0].file == "programs/public-works.toml"
    assert problems[0].line == 3
    assert "TOML" in problems[0].message


def test_unknown_key_names_the_key_and_its_line(kb_dir):
    write(kb_dir, "public-works.toml", GOOD_PROGRAM.replace('stage = "plan"',
                                                            'stage = "plan"\nbudjet = 1'))
    _, problems = load(kb_dir)
    assert [(p.where, p.line) for p in problems] == [("fact[0].budjet", 13)]


def test_unknown_report_id(kb_dir):
    write(kb_dir, "public-works.toml", GOOD_PROGRAM.replace('report = "r2020"\nfield',
                                                            'report = "r2099"\nfield'))
    _, problems = load(kb_dir)
    assert len(problems) == 1 and problems[0].where == "fact[1].report"
    assert "r2099" in problems[0].message and problems[0].line == 24


def test_missing_report_file(kb_dir):
    (kb_dir / "sources" / "000_829a582c2796ff7b.txt").unlink()
    _, problems = load(kb_dir)
    assert any(p.file == "reports.toml" and "000_829a582c2796ff7b.txt" in p.message
               and p.line > 0 for p in problems)


def test_quote_not_in_report(kb_dir):
    write(kb_dir, "public-works.toml", GOOD_PROGRAM.replace(
        "참여대상 : 실업자 등 취업취약계층", "참여대상 : 모든 구민"))
    _, problems = load(kb_dir)
    assert len(problems) == 1
    assert problems[0].where == "fact[1].quote" and problems[0].line == 27
    assert "없는 인용" in problems[0].message


def test_figure_not_in_quote(kb_dir):
    write(kb_dir, "public-works.toml", GOOD_PROGRAM.replace("city = 1556767",
                                                            "city = 1556776"))
    _, problems = load(kb_dir)
    assert len(problems) == 1
    assert problems[0].where == "fact[0].city" and problems[0].line == 15
    assert "1556776" in problems[0].message


def test_duplicate_ids(kb_dir):
    write(kb_dir, "public-works-copy.toml", GOOD_PROGRAM.replace('aliases = ["공공근로", '
                                                                 '"public works"]',
                                                                 'aliases = ["복사본"]'))
    _, problems = load(kb_dir)
    assert any("중복된 id" in p.message and p.file == "programs/public-works.toml"
               or "중복된 id" in p.message and p.file == "programs/public-works-copy.toml"
               for p in problems)


def test_alias_claimed_by_two_programs(kb_dir):
    other = GOOD_PROGRAM.replace('id = "public-works"', 'id = "other"').replace(
        'aliases = ["공공근로", "public works"]', 'aliases = ["Public  Works"]').replace(
        'short = "공공근로"', 'short = "다른사업"')
    write(kb_dir, "other.toml", other)
    _, problems = load(kb_dir)
    assert any("publicworks" in p.message and p.where == "aliases" for p in problems)


def test_wrong_types_and_values(kb_dir):
    write(kb_dir, "public-works.toml", GOOD_PROGRAM.replace("year = 2021", 'year = "2021"')
          .replace('field = "eligibility"', 'field = "age"'))
    _, problems = load(kb_dir)
    wheres = {p.where for p in problems}
    assert {"fact[0].year", "fact[1].field"} <= wheres


def test_not_utf8(kb_dir):
    (kb_dir / "programs" / "bad.toml").write_bytes(b"\xff\xfe\x00garbage")
    _, problems = load(kb_dir)
    assert any(p.file == "programs/bad.toml" for p in problems)


def test_build_writes_tables_and_full_text_index(kb_dir, tmp_path):
    import sqlite_utils

    from bot.core.build import build, is_stale, read_db

    db_path = tmp_path / "var" / "knowledge.db"
    kb = build(kb_dir, db_path)
    db = sqlite_utils.Database(db_path)
    tables = set(db.table_names())
    assert {"programs", "aliases", "facts", "budgets", "metrics", "milestones", "sources",
            "reports"} <= tables
    assert db["facts"].count == len(kb.facts) == 2
    assert db["budgets"].count == 1 and db["metrics"].count == 0
    hits = db.execute("select distinct program_id from search where id in "
                      "(select rowid from search_fts where search_fts match '공공근로')")
    assert [h[0] for h in hits] == ["public-works"]
    assert read_db(db_path).programs["public-works"].facts == kb.programs["public-works"].facts
    assert not is_stale(kb_dir, db_path)


def test_failed_build_leaves_the_previous_database(kb_dir, tmp_path):
    from bot.core.build import InvalidKnowledge, build, read_db

    db_path = tmp_path / "var" / "knowledge.db"
    build(kb_dir, db_path)
    before = db_path.read_bytes()
    write(kb_dir, "public-works.toml", GOOD_PROGRAM.replace("total = 2225633",
                                                            "total = 1"))
    try:
        build(kb_dir, db_path)
    except InvalidKnowledge as error:
        assert error.problems
    else:
        raise AssertionError("an invalid knowledge base was built")
    assert db_path.read_bytes() == before
    assert read_db(db_path).programs["public-works"].facts[0].get("total") == 2225633
    assert not [p for p in db_path.parent.iterdir() if p.name.startswith(".knowledge-")]


def test_shipped_knowledge_base_builds(tmp_path):
    from bot.core.build import build, read_db

    kb = build(KNOWLEDGE, tmp_path / "knowledge.db")
    again = read_db(tmp_path / "knowledge.db")
    assert set(again.programs) == set(kb.programs)
    assert len(again.facts) == len(kb.facts)


def test_cli_validate_exit_codes(kb_dir, tmp_path):
    import subprocess
    import sys

    from conftest import REPO

    env = {"DATA_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run([sys.executable, "-m", "bot", "kb", "validate", "--knowledge",
                         str(kb_dir)], capture_output=True, text=True, cwd=REPO, env=env)
    assert ok.returncode == 0 and "OK" in ok.stdout
    write(kb_dir, "public-works.toml", GOOD_PROGRAM.replace("city = 1556767", "city = 1"))
    bad = subprocess.run([sys.executable, "-m", "bot", "kb", "validate", "--knowledge",
                          str(kb_dir)], capture_output=True, text=True, cwd=REPO, env=env)
    assert bad.returncode == 1
    assert "programs/public-works.toml:15: fact[0].city" in bad.stderr
    stats = subprocess.run([sys.executable, "-m", "bot", "kb", "stats"], capture_output=True,
                           text=True, cwd=REPO, env=env)
    assert stats.returncode == 0 and "job-cafe" in stats.stdout and "합계" in stats.stdout
