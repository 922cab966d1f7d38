"""Compile the validated knowledge base into one SQLite database, and read it back.

The database is what the bot serves from; admins can browse it with the `sqlite-utils`
CLI or Datasette. A build writes a temporary file and renames it into place, so a failed
build never leaves a half-written database.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .loader import load
from .model import Fact, KnowledgeBase, Problem, Program, Report
from .places import Places
from .places import from_data as places_from_data
from .text import alias_key

if TYPE_CHECKING:  # writing uses sqlite-utils; reading (start-up) the standard library
    import sqlite_utils

SCHEMA_VERSION = 4
DB_NAME = "knowledge.db"


class InvalidKnowledge(Exception):
    """The knowledge files failed validation; `problems` says where."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the knowledge base")
        self.problems = problems


def source_files(root: Path) -> list[Path]:
    root = Path(root)
    files = [root / "reports.toml", root / "places.toml",
             *sorted((root / "programs").glob("*.toml"))]
    files += sorted((root / "sources").glob("*.txt"))
    return [f for f in files if f.exists()]


def newest_source_mtime(root: Path) -> float:
    return max((f.stat().st_mtime for f in source_files(root)), default=0.0)


def _write(db: sqlite_utils.Database, kb: KnowledgeBase) -> None:
    db["meta"].insert_all([{"key": "schema_version", "value": str(SCHEMA_VERSION)}], pk="key")
    db["reports"].insert_all(
        ({"id": r.id, "file": r.file, "title": r.title, "short": r.short, "date": r.date,
          "aliases": json.dumps(r.aliases, ensure_ascii=False),
          "headline_year": r.headline_year} for r in kb.reports.values()), pk="id")
    db["programs"].insert_all(
        ({"id": p.id, "name": p.name, "short": p.short, "kind": p.kind,
          "department": p.department, "part_of": p.part_of, "parts": json.dumps(p.parts),
          "path": p.path, "aliases": " | ".join(p.aliases)} for p in kb.programs.values()),
        pk="id")
    db["aliases"].insert_all(
        ({"program_id": p.id, "alias": a, "key": alias_key(a)}
         for p in kb.programs.values() for a in p.aliases), pk=("program_id", "alias"))
    facts = kb.facts
    db["facts"].insert_all(
        ({"id": f.id, "program_id": f.program_id, "idx": f.index, "type": f.type,
          "report": f.report, "subject": f.get("subject"), "line": f.line,
          "data": json.dumps(f.data, ensure_ascii=False),
          "quotes": json.dumps(f.quotes, ensure_ascii=False)} for f in facts), pk="id")
    db["sources"].insert_all(
        ({"fact_id": f.id, "n": n, "report": f.report, "quote": q}
         for f in facts for n, q in enumerate(f.quotes)), pk=("fact_id", "n"))
    db["budgets"].insert_all(
        ({"fact_id": f.id, "program_id": f.program_id, "report": f.report,
          **{k: f.get(k) for k in ("year", "stage", "unit", "total", "national", "city",
                                   "district", "ratio", "label", "subject")}}
         for f in facts if f.type == "budget"), pk="fact_id")
    db["metrics"].insert_all(
        ({"fact_id": f.id, "program_id": f.program_id, "report": f.report,
          **{k: f.get(k) for k in ("name", "year", "half", "quarter", "as_of", "value",
                                   "target", "actual", "rate", "unit", "stage", "group",
                                   "label", "subject")}}
         for f in facts if f.type == "metric"), pk="fact_id")
    db["milestones"].insert_all(
        ({"fact_id": f.id, "program_id": f.program_id, "report": f.report,
          **{k: f.get(k) for k in ("start", "end", "ongoing", "what", "stage", "subject")}}
         for f in facts if f.type == "milestone"), pk="fact_id")
    places = kb.places
    db["places"].insert_all(
        [{"name": name, "kind": "home", "region": None, "english": None} for name in places.home]
        + [{"name": name, "kind": "ambiguous", "region": None, "english": None}
           for name in places.ambiguous]
        + [{"name": name, "kind": "wider", "region": None, "english": None}
           for name in places.wider]
        + [{"name": r.name, "kind": "home_region" if r.name == places.home_region
            else "region", "region": None, "english": r.english} for r in places.regions]
        + [{"name": g, "kind": "government", "region": r.name, "english": None}
           for r in places.regions for g in r.governments])
    if "places" not in db.table_names():
        db["places"].create({"name": str, "kind": str, "region": str, "english": str})
    for table in ("aliases", "facts", "budgets", "metrics", "milestones"):
        if table not in db.table_names():  # a knowledge base may have none of a kind
            db[table].create({"program_id": str, "fact_id": str})
        db[table].create_index(["program_id"], if_not_exists=True)
    # Full-text search over programs: trigram tokens work for Korean without a segmenter.
    db["programs"].enable_fts(["name", "short", "aliases"], tokenize="trigram")


def build(root: str | Path, db_path: str | Path) -> KnowledgeBase:
    """Validate the files and write the database atomically. Raises InvalidKnowledge."""
    kb, problems = load(root)
    if problems:
        raise InvalidKnowledge(problems)
    write_db(kb, db_path)
    return kb


def write_db(kb: KnowledgeBase, db_path: str | Path) -> None:
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".knowledge-", suffix=".db", dir=db_path.parent)
    os.close(fd)
    try:
        import sqlite_utils

        db = sqlite_utils.Database(tmp)
        # A temporary file nobody reads yet: no journal and no sync per insert batch; it is
        # synced once, whole, before the rename makes it the database.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        with db.conn:
            _write(db, kb)
        db.close()
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, db_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read_db(db_path: str | Path) -> KnowledgeBase:
    """The knowledge base as compiled. Report texts are not stored: answers cite quotes."""
    db = sqlite3.connect(f"file:{Path(db_path).as_posix()}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        reports = {
            row["id"]: Report(id=row["id"], file=row["file"], title=row["title"],
                              short=row["short"], date=row["date"],
                              headline_year=row["headline_year"],
                              aliases=tuple(json.loads(row["aliases"] or "[]")))
            for row in db.execute("select * from reports")
        }
        facts: dict[str, list[Fact]] = {}
        for row in db.execute("select * from facts order by program_id, idx"):
            facts.setdefault(row["program_id"], []).append(Fact(
                program_id=row["program_id"], index=row["idx"], type=row["type"],
                report=row["report"], quotes=tuple(json.loads(row["quotes"])),
                data=json.loads(row["data"]), line=row["line"]))
        aliases: dict[str, list[str]] = {}
        for row in db.execute("select program_id, alias from aliases order by rowid"):
            aliases.setdefault(row["program_id"], []).append(row["alias"])
        programs = {
            row["id"]: Program(
                id=row["id"], name=row["name"], short=row["short"], kind=row["kind"],
                department=row["department"], aliases=tuple(aliases.get(row["id"], ())),
                facts=tuple(facts.get(row["id"], ())), part_of=row["part_of"],
                parts=tuple(json.loads(row["parts"])), path=row["path"])
            for row in db.execute("select * from programs order by rowid")
        }
        places = _read_places(db)
    finally:
        db.close()
    return KnowledgeBase(reports=reports, programs=programs, places=places)


def _read_places(db: sqlite3.Connection) -> Places:
    rows = list(db.execute("select * from places order by rowid"))
    regions = [{"name": r["name"], "english": r["english"] or "",
                "governments": [g["name"] for g in rows
                                if g["kind"] == "government" and g["region"] == r["name"]]}
               for r in rows if r["kind"] in ("region", "home_region")]
    return places_from_data({
        "home": [r["name"] for r in rows if r["kind"] == "home"],
        "ambiguous": [r["name"] for r in rows if r["kind"] == "ambiguous"],
        "wider": [r["name"] for r in rows if r["kind"] == "wider"],
        "home_region": next((r["name"] for r in rows if r["kind"] == "home_region"), ""),
        "region": regions})


def is_stale(root: str | Path, db_path: str | Path) -> bool:
    db_path = Path(db_path)
    if not db_path.exists():
        return True
    try:
        db = sqlite3.connect(f"file:{db_path.as_posix()}?mode=ro", uri=True)
        try:
            version = db.execute(
                "select value from meta where key = 'schema_version'").fetchone()
        finally:
            db.close()
    except Exception:  # unreadable or from another version: rebuild
        return True
    if not version or version[0] != str(SCHEMA_VERSION):
        return True
    return db_path.stat().st_mtime < newest_source_mtime(Path(root))


def ensure_built(root: str | Path, db_path: str | Path) -> KnowledgeBase:
    """The compiled knowledge base, rebuilt first when missing or older than the files."""
    if is_stale(root, db_path):
        return build(root, db_path)
    return read_db(db_path)
