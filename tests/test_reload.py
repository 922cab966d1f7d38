"""Reloading the knowledge base: atomic swap under load, broken files, the change summary,
and the records that survive a restart."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import KNOWLEDGE

from bot.admin import reload_knowledge
from bot.core.store import KnowledgeStore
from bot.curation import (
    ensure_tables,
    record_feedback,
    record_question,
    reload_history,
    render_unanswered,
    unanswered,
)
from bot.records import Records

QUESTION = "공공근로 2021년 예산 얼마야?"
OLD, NEW = "total = 2225633\ncity = 1556767\ndistrict = 668866", \
    "total = 2448197\ncity = 1712444\ndistrict = 735753"


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("notes"))
    return root


@pytest.fixture
def records(tmp_path: Path) -> Records:
    records = Records(tmp_path / "data" / "bot.db")
    ensure_tables(records)
    yield records
    records.close()


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "programs" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_reload_under_load_never_errs_or_mixes(kb_root, tmp_path, records):
    store = KnowledgeStore(kb_root, tmp_path / "data")
    store.load()
    before = store.engine.answer(QUESTION).to_dict()
    edit(kb_root, "public-works.toml", OLD, NEW)
    store.reload()
    after = store.engine.answer(QUESTION).to_dict()
    assert before != after and "2,448,197" in after["text"]
    allowed = [before, after]

    errors: list[BaseException] = []
    answers: list[dict] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                answers.append(store.engine.answer(QUESTION).to_dict())
            except BaseException as error:  # noqa: BLE001 - any error fails the test
                errors.append(error)
            time.sleep(0.005)  # steady traffic, not a busy loop that starves the reload

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for n in range(12):
        old, new = (NEW, OLD) if n % 2 == 0 else (OLD, NEW)
        edit(kb_root, "public-works.toml", old, new)
        outcome = reload_knowledge(store, records, "U_ADMIN", "test")
        assert outcome.ok, outcome.text
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(answers) > 12
    assert all(answer in allowed for answer in answers)
    assert {a["text"] for a in answers} == {before["text"], after["text"]}
    assert len(reload_history(records, limit=100)) == 12


def test_broken_files_keep_the_old_knowledge_base(kb_root, tmp_path, records):
    store = KnowledgeStore(kb_root, tmp_path / "data")
    store.load()
    good = store.engine.answer(QUESTION).text
    edit(kb_root, "public-works.toml", "total = 2225633", "total = 2225634")
    (kb_root / "programs" / "job-cafe.toml").write_text("id = \"job-cafe\"\nname = [",
                                                        encoding="utf-8")
    outcome = reload_knowledge(store, records, "U_ADMIN", "slack")
    assert not outcome.ok
    assert store.engine.answer(QUESTION).text == good
    assert any(e.startswith("programs/public-works.toml:332:") and "2225634" in e
               for e in outcome.errors)
    assert any(e.startswith("programs/job-cafe.toml:2:") for e in outcome.errors)
    assert "이전 지식베이스로 계속 답합니다" in outcome.text
    assert "programs/public-works.toml:332" in outcome.text
    history = reload_history(records)
    assert history[0]["result"] == "failed" and "job-cafe.toml" in history[0]["errors"]


def test_summary_of_added_program_changed_figure_and_removed_alias(kb_root, tmp_path,
                                                                   records):
    store = KnowledgeStore(kb_root, tmp_path / "data")
    store.load()
    edit(kb_root, "public-works.toml", OLD, NEW)
    edit(kb_root, "job-cafe.toml", '"일자리까페", ', "")
    shutil.copy(kb_root / "programs" / "hope-job-camp.toml",
                kb_root / "programs" / "hope-job-camp-2.toml")
    edit(kb_root, "hope-job-camp-2.toml", 'id = "hope-job-camp"', 'id = "hope-job-camp-2"')
    edit(kb_root, "hope-job-camp-2.toml", 'short = "희망취업캠프"', 'short = "새 취업캠프"')
    text = (kb_root / "programs" / "hope-job-camp-2.toml").read_text(encoding="utf-8")
    start = text.index("aliases")
    end = text.index("]", start)
    (kb_root / "programs" / "hope-job-camp-2.toml").write_text(
        text[:start] + 'aliases = ["새 취업캠프"]' + text[end + 1:], encoding="utf-8")
    outcome = reload_knowledge(store, records, "U_ADMIN", "slack")
    assert outcome.ok, outcome.text
    summary = outcome.summary
    assert summary.programs_added == ("hope-job-camp-2",)
    assert set(summary.programs_changed) == {"public-works", "job-cafe"}
    assert summary.facts_changed == 1 and summary.facts_removed == 0
    assert summary.programs == summary.old_programs + 1
    assert "별칭 삭제: 일자리까페" in outcome.text
    assert "total 2225633→2448197" in outcome.text
    assert "hope-job-camp-2: 사업 추가" in outcome.text


def test_unchanged_reload_says_so(kb_root, tmp_path, records):
    store = KnowledgeStore(kb_root, tmp_path / "data")
    store.load()
    outcome = reload_knowledge(store, records, "U_ADMIN", "cli")
    assert outcome.ok and outcome.summary.unchanged and "바뀐 내용이 없습니다" in outcome.text


def test_records_persist_across_restart(tmp_path, engine):
    path = tmp_path / "bot.db"
    records = Records(path)
    ensure_tables(records)
    for question in ("주식 시세 알려줘", "주식 시세 알려 줘", "주식시세", "강남구 예산",
                     "공공근로 2030년 예산"):
        record_question(records, question, engine.answer(question), "U1", "C1")
    good = record_question(records, "공공근로 예산", engine.answer("공공근로 예산"), "U2", "C1")
    assert record_feedback(records, good, "U2", -1)
    assert not record_feedback(records, 999999, "U2", -1)
    records.close()

    reopened = Records(path)
    ensure_tables(reopened)
    groups = unanswered(reopened, days=7)
    top = groups[0]
    assert top.count == 3 and top.statuses == {"no_match": 3}
    assert any("공공근로 예산" in g.examples and g.downvotes == 1 for g in groups)
    assert any(g.statuses.get("no_data") for g in groups)
    text = render_unanswered(groups, 7)
    assert "3회" in text and "👎" in text
    reopened.close()
