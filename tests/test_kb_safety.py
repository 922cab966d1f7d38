"""Data safety of the compiled knowledge base: one database per knowledge folder, missing
folders named in full, rebuilds decided by content, ordinary file modes. Each test here
failed on the code before issue 12."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import GOOD_PROGRAM, KNOWLEDGE, REPO


def jobbot(env: dict[str, str], *args: str, cwd: Path = REPO, umask: int | None = None
           ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)


def base_env(data: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(data.parent), "DATA_DIR": str(data),
            "KNOWLEDGE_DIR": "", "PYTHONPATH": str(REPO), **extra}


def test_a_copy_never_overwrites_the_default_database(tmp_path):
    """`kb build --knowledge COPY` then `ask` and `kb stats` without the option: they
    answer from the default folder, not from the copy (which lacks a program)."""
    env = base_env(tmp_path / "data")
    assert jobbot(env, "kb", "build").returncode == 0
    copy = tmp_path / "copy"
    shutil.copytree(KNOWLEDGE, copy)
    (copy / "programs" / "dawn-shelter.toml").unlink()
    built = jobbot(env, "kb", "build", "--knowledge", str(copy))
    assert built.returncode == 0, built.stderr
    stats = jobbot(env, "kb", "stats")
    assert stats.returncode == 0 and "dawn-shelter" in stats.stdout
    asked = jobbot(env, "ask", "--json", "새벽쉼터 몇 시에 열어?")
    assert '"program": "dawn-shelter"' in asked.stdout
    copy_stats = jobbot(env, "kb", "stats", "--knowledge", str(copy))
    assert copy_stats.returncode == 0 and "dawn-shelter" not in copy_stats.stdout
    databases = sorted(p.name for p in (tmp_path / "data").glob("knowledge*.db"))
    assert len(databases) == 2, databases


@pytest.mark.parametrize("how", ["option", "setting", "relative option"])
def test_a_missing_folder_fails_naming_its_full_path(tmp_path, how):
    """Whether named by --knowledge or KNOWLEDGE_DIR, a missing folder is an error that
    names the absolute path, even when a database of the default folder exists."""
    data = tmp_path / "data"
    assert jobbot(base_env(data), "kb", "build").returncode == 0
    missing = tmp_path / "does-not-exist"
    env, args = base_env(data), ["ask", "공공근로 2021년 예산 얼마야?"]
    if how == "option":
        args += ["--knowledge", str(missing)]
    elif how == "setting":
        env["KNOWLEDGE_DIR"] = str(missing)
    else:
        args += ["--knowledge", "does-not-exist"]
    out = jobbot(env, *args, cwd=tmp_path)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.strip() == f"지식베이스 폴더가 없습니다: {missing}", out.stderr
    for command in (["kb", "build"], ["kb", "stats"], ["kb", "validate"]):
        out = jobbot(base_env(data, KNOWLEDGE_DIR=str(missing)), *command, cwd=tmp_path)
        assert out.returncode == 1 and str(missing) in out.stderr
        assert "Traceback" not in out.stderr


def test_serve_with_a_missing_folder_fails_before_slack(tmp_path):
    """`serve --knowledge /missing` does not answer from another folder's database."""
    data = tmp_path / "data"
    assert jobbot(base_env(data), "kb", "build").returncode == 0
    missing = tmp_path / "gone"
    env = base_env(data, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="0" * 32,
                   SLACK_APP_TOKEN="", SLACK_API_URL="http://127.0.0.1:9/api/")
    out = jobbot(env, "serve", "--knowledge", str(missing), cwd=tmp_path)
    assert out.returncode == 2 and f"지식베이스 폴더가 없습니다: {missing}" in out.stderr
    assert "Traceback" not in out.stderr


def test_missing_files_are_named_by_full_path(kb_dir):
    from bot.core.loader import load

    (kb_dir / "sources" / "000_829a582c2796ff7b.txt").unlink()
    _, problems = load(kb_dir)
    assert any(str(kb_dir / "sources" / "000_829a582c2796ff7b.txt") in p.message
               for p in problems), [str(p) for p in problems]
    (kb_dir / "reports.toml").unlink()
    shutil.rmtree(kb_dir / "programs")
    text = "\n".join(str(p) for p in load(kb_dir)[1])
    assert str(kb_dir / "reports.toml") in text and str(kb_dir / "programs") in text


def _age(root: Path, seconds: float) -> None:
    """Date every file back, as `cp -p`, tar or rsync restoring older files do."""
    past = time.time() - seconds
    for path in root.rglob("*"):
        os.utime(path, (past, past))


def test_deleting_a_program_file_rebuilds(kb_dir, tmp_path):
    from bot.core.build import ensure_built

    db = tmp_path / "var" / "knowledge.db"
    write_second_program(kb_dir)
    assert set(ensure_built(kb_dir, db).programs) == {"public-works", "public-works-2"}
    (kb_dir / "programs" / "public-works-2.toml").unlink()
    assert set(ensure_built(kb_dir, db).programs) == {"public-works"}


def test_restoring_older_files_with_their_dates_rebuilds(kb_dir, tmp_path):
    from bot.core.build import ensure_built
    from bot.core.store import KnowledgeStore

    db = tmp_path / "var" / "knowledge.db"
    first = ensure_built(kb_dir, db)
    assert first.programs["public-works"].facts[0].get("total") == 2225633
    path = kb_dir / "programs" / "public-works.toml"
    path.write_text(GOOD_PROGRAM.replace("total = 2225633", "total = 2225633\nlabel = \"x\""),
                    encoding="utf-8")
    _age(kb_dir, 3600)  # an older version, restored with its date
    assert ensure_built(kb_dir, db).programs["public-works"].facts[0].get("label") == "x"
    store = KnowledgeStore(kb_dir, tmp_path / "var")
    path.write_text(GOOD_PROGRAM, encoding="utf-8")
    _age(kb_dir, 7200)
    store.load()
    assert store.engine.kb.programs["public-works"].facts[0].get("label") is None


def write_second_program(root: Path) -> None:
    text = GOOD_PROGRAM.replace('id = "public-works"', 'id = "public-works-2"').replace(
        'aliases = ["공공근로", "public works"]', 'aliases = ["공공근로 둘"]').replace(
        'short = "공공근로"', 'short = "공공근로2"')
    (root / "programs" / "public-works-2.toml").write_text(text, encoding="utf-8")


def test_database_is_readable_by_others_like_any_file(tmp_path):
    """Built under umask 022, knowledge.db is 0644, as bot.db and any other file."""
    data = tmp_path / "data"
    out = jobbot(base_env(data), "kb", "build", umask=0o022)
    assert out.returncode == 0, out.stderr
    [db] = data.glob("knowledge*.db")
    assert stat.S_IMODE(db.stat().st_mode) == 0o644


def test_each_folder_has_its_own_database_name(tmp_path, monkeypatch):
    from bot import settings

    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KNOWLEDGE_DIR", str(tmp_path / "kb"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kb").mkdir()
    (tmp_path / "a" / "kb").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "kb")
    default = tmp_path / "data" / "knowledge.db"
    assert settings.knowledge_db(tmp_path / "kb") == default
    assert settings.knowledge_db("kb") == settings.knowledge_db("link") == default
    other = settings.knowledge_db(tmp_path / "a" / "kb")
    assert other.parent == default.parent and other.name.startswith("knowledge-kb-")
    assert other != default


def test_an_unusable_data_folder_is_said_plainly(tmp_path):
    """DATA_DIR under a file (mkdir fails even for root): a message, no traceback."""
    (tmp_path / "file").write_text("x", encoding="utf-8")
    env = base_env(tmp_path / "file" / "data")
    for args in (["ask", "공공근로 예산"], ["kb", "build"], ["kb", "export"]):
        out = jobbot(env, *args, cwd=tmp_path)
        assert out.returncode == 1, (args, out.stdout)
        assert f"데이터베이스를 쓸 수 없습니다: {tmp_path / 'file' / 'data'}" in out.stderr
        assert "Traceback" not in out.stderr


def test_a_database_of_an_older_schema_or_garbage_is_rebuilt(kb_dir, tmp_path):
    import sqlite3

    from bot.core.build import SCHEMA_VERSION, ensure_built, is_stale, read_meta

    db = tmp_path / "knowledge.db"
    old = sqlite3.connect(db)  # schema 3 kept its build record as meta(key, value)
    old.execute("create table meta (key text primary key, value text)")
    old.execute("insert into meta values ('schema_version', '3')")
    old.commit()
    old.close()
    assert read_meta(db) == {} and is_stale(kb_dir, db)
    assert "public-works" in ensure_built(kb_dir, db).programs
    assert read_meta(db)["schema_version"] == str(SCHEMA_VERSION)
    db.write_bytes(b"not a database at all")
    assert is_stale(kb_dir, db)
    assert "public-works" in ensure_built(kb_dir, db).programs


def test_broken_files_and_a_database_of_an_older_schema_serve_nothing(kb_dir, tmp_path):
    import sqlite3

    from bot.core.store import KnowledgeStore

    db = tmp_path / "data" / "knowledge.db"
    db.parent.mkdir()
    old = sqlite3.connect(db)
    old.execute("create table meta (key text primary key, value text)")
    old.close()
    (kb_dir / "programs" / "public-works.toml").write_text("id = ", encoding="utf-8")
    result = KnowledgeStore(kb_dir, tmp_path / "data").load()
    assert result.engine is None and result.problems


def test_the_hash_covers_every_file_the_loader_may_read(kb_dir):
    from bot.core.fingerprint import content_hash

    before = content_hash(kb_dir)
    (kb_dir / "programs" / ".hidden.toml").write_text("x = 1\n", encoding="utf-8")
    with_hidden = content_hash(kb_dir)
    assert with_hidden != before
    (kb_dir / ".git").mkdir()
    (kb_dir / ".git" / "index").write_bytes(b"\0")
    (kb_dir / "knowledge.db").write_bytes(b"\0")
    assert content_hash(kb_dir) == with_hidden
    (kb_dir / "programs" / ".hidden.toml").rename(kb_dir / "programs" / ".other.toml")
    assert content_hash(kb_dir) != with_hidden  # a rename is a change
