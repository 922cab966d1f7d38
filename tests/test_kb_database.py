"""The compiled database as people read it: typed columns, keys, plain column names,
budgets in 원 with multi-year totals marked, Korean full-text search, documentation."""

from __future__ import annotations

import dataclasses
import sqlite3

import sqlite_utils
from conftest import KNOWLEDGE, REPO

from bot.core import schema
from bot.core.build import read_db
from bot.core.loader import load
from bot.core.search import terms

# SQLite's keywords (sqlite.org/lang_keywords.html): none may name a column.
SQL_KEYWORDS = set("""ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH
AUTOINCREMENT BEFORE BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT
CONSTRAINT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT
DEFERRABLE DEFERRED DELETE DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE
EXCLUSIVE EXISTS EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP
GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT
INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL
NULL NULLS OF OFFSET ON OR ORDER OTHERS OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY
RAISE RANGE RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT
ROLLBACK ROW ROWS SAVEPOINT SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER
UNBOUNDED UNION UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT""".split())


def test_figures_are_typed_and_sort_as_numbers(shipped_db):
    db = sqlite_utils.Database(shipped_db)
    metrics = db["metrics"].columns_dict
    assert metrics["actual"] is int and metrics["target"] is int and metrics["rate"] is float
    assert metrics["year"] is int
    budgets = db["budgets"].columns_dict
    assert budgets["total"] is int and budgets["total_won"] is int and budgets["year"] is int
    actuals = [r[0] for r in db.execute(
        "select actual from metrics where actual is not null order by actual desc")]
    assert len(actuals) > 50
    assert all(isinstance(a, int | float) for a in actuals)
    assert actuals == sorted(actuals, reverse=True)
    assert actuals[0] >= 9612 > 958 > 98  # as numbers, not as text ("98" > "9612")


def test_every_reference_is_a_foreign_key_and_holds(shipped_db):
    db = sqlite_utils.Database(shipped_db)
    keys = {(t, fk.column, fk.other_table, fk.other_column)
            for t in db.table_names() for fk in db[t].foreign_keys}
    for table in ("budgets", "metrics", "milestones", "infos"):
        assert {(table, "fact_id", "facts", "id"), (table, "program_id", "programs", "id"),
                (table, "report", "reports", "id")} <= keys
    assert {("facts", "program_id", "programs", "id"), ("facts", "report", "reports", "id"),
            ("sources", "fact_id", "facts", "id"), ("sources", "report", "reports", "id"),
            ("aliases", "program_id", "programs", "id"),
            ("programs", "part_of", "programs", "id")} <= keys
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in schema.TABLES:
        assert db[table.name].pks == list(table.pk)


def test_no_column_is_named_after_an_sql_keyword(shipped_db):
    db = sqlite_utils.Database(shipped_db)
    columns = {(t, c.name) for t in db.table_names() for c in db[t].columns}
    assert [tc for tc in columns if tc[1].upper() in SQL_KEYWORDS] == []
    assert {("metrics", "target_group"), ("milestones", "end_date")} <= columns


def test_budgets_in_won_and_multi_year_totals_marked(shipped_db):
    db = sqlite3.connect(shipped_db)
    rows = db.execute("select unit, total, total_won, city_won, annual, multi_year, year, "
                      "label from budgets").fetchall()
    factor = {"천원": 1000, "백만원": 1_000_000, "원": 1}
    for unit, total, won, _, annual, multi, year, label in rows:
        assert won == round(total * factor[unit])
        assert annual == (year is not None and not label)
        assert not (annual and multi)
        if multi:
            assert year is None
    assert {r[0] for r in rows} == {"천원", "백만원"}
    assert any(r[5] and "합계" in r[7] for r in rows)
    (won, city) = db.execute(
        "select total_won, city_won from budgets where program_id = 'public-works' "
        "and year = 2021 and stage = 'plan' and annual = 1 and report = 'r2020'").fetchone()
    assert (won, city) == (2_225_633_000, 1_556_767_000)


def _search(db: sqlite3.Connection, query: str) -> list[tuple[str, str, str]]:
    return db.execute("select kind, program_id, text from search where id in "
                      "(select rowid from search_fts where search_fts match ?)",
                      (query,)).fetchall()


def test_full_text_search_finds_two_syllable_words_and_quotes(shipped_db):
    db = sqlite3.connect(shipped_db)
    hits = _search(db, "카페")
    assert "job-cafe" in {h[1] for h in hits}
    assert {"alias", "quote"} <= {h[0] for h in hits}
    assert all("카페" in h[2] for h in hits)
    assert {h[1] for h in _search(db, "일자리카페")} >= {"job-cafe"}
    assert {h[1] for h in _search(db, "쉼터")} >= {"dawn-shelter"}
    quote_only = _search(db, "펫푸드")  # a subject and its quotes
    assert {"subject", "quote"} <= {h[0] for h in quote_only}
    assert {h[1] for h in _search(db, '"public works"')} == {"public-works"}


def test_search_terms_keep_words_and_add_hangul_pieces():
    assert terms("청년 일자리카페 운영").split() == [
        "청년", "일자리카페", "일자", "자리", "리카", "카페", "일자리", "자리카", "리카페",
        "일자리카", "자리카페", "운영"]
    words = terms("청년 일자리카페는 G밸리에서 public works").split()
    assert {"카페", "일자리카페", "밸리", "g밸리에서", "public", "works"} <= {
        w.lower() for w in words}
    assert len(words) == len(set(words))


def test_the_engine_reads_back_exactly_what_was_loaded(shipped_db):
    kb, problems = load(KNOWLEDGE)
    assert not problems
    again = read_db(shipped_db)
    assert again.programs == kb.programs and again.places == kb.places
    assert {k: dataclasses.replace(v, text="") for k, v in kb.reports.items()} == again.reports
    assert list(again.programs) == list(kb.programs)


def test_every_table_and_column_is_described_and_documented(shipped_db):
    db = sqlite_utils.Database(shipped_db)
    described = {t.name: [c.name for c in t.columns] for t in schema.TABLES}
    actual = {t: [c.name for c in db[t].columns] for t in db.table_names()
              if not t.startswith("search_fts")}
    assert actual == described
    for table in schema.TABLES:
        assert table.title and table.description
        assert all(c.title and c.description for c in table.columns), table.name
    doc = (REPO / "docs" / "database.md").read_text(encoding="utf-8")
    assert doc == schema.markdown(), "run: python -m bot.core.schema > docs/database.md"
