"""Compile the validated knowledge base into one SQLite database, and read it back.

The database is what the bot serves from; admins browse it with Datasette (`jobbot kb
browse`) or the `sqlite-utils` CLI. Its tables are described in `schema.py`. A build
writes a temporary file and renames it into place, so a failed build never leaves a
half-written database; the file gets the ordinary mode of new files (umask), so others,
such as an admin running Datasette, can read it.

Each database records the folder and the content hash of the files it was built from
(`meta`); it is rebuilt when the files' content differs, whatever their dates.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import schema
from .fingerprint import content_hash, knowledge_files
from .loader import load
from .model import Fact, KnowledgeBase, Problem, Program, Report
from .places import Places
from .places import from_data as places_from_data
from .search import FTS_SQL, terms
from .text import alias_key

SCHEMA_VERSION = schema.SCHEMA_VERSION
DB_NAME = "knowledge.db"


class InvalidKnowledge(Exception):
    """The knowledge files failed validation; `problems` says where."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the knowledge base")
        self.problems = problems


class MissingKnowledge(Exception):
    """The knowledge folder does not exist (a database built before is not used)."""

    def __init__(self, root: str | Path):
        self.root = Path(root).expanduser().absolute()
        super().__init__(f"지식베이스 폴더가 없습니다: {self.root}")


def check_folder(root: str | Path) -> Path:
    """The folder as an absolute path; MissingKnowledge if it is not a folder."""
    path = Path(root).expanduser().absolute()
    if not path.is_dir():
        raise MissingKnowledge(path)
    return path


# ---- writing ---------------------------------------------------------------------------

def _insert(db: sqlite3.Connection, table: str, rows: Iterable[dict[str, Any]]) -> None:
    names = schema.TABLE[table].names
    db.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                   f"({', '.join('?' * len(names))})",
                   (tuple(row.get(n) for n in names) for row in rows))


def _fact_row(f: Fact) -> dict[str, Any]:
    row = {"fact_id": f.id, "program_id": f.program_id, "report": f.report}
    for key, value in f.data.items():
        row[schema.RENAMED.get(key, key)] = int(value) if isinstance(value, bool) else value
    return row


def _budget_row(f: Fact) -> dict[str, Any]:
    row = _fact_row(f)
    factor = schema.UNIT_WON.get(f.get("unit"))
    for key in ("total", "national", "city", "district"):
        value = f.get(key)
        row[f"{key}_won"] = None if value is None or factor is None else round(value * factor)
    label = f.get("label") or ""
    row["annual"] = int(f.get("year") is not None and not label)
    row["multi_year"] = int(f.get("year") is None and "증감" not in label
                            and "자본금" not in label)
    return row


def _fact_text(f: Fact) -> str:
    return " ".join(str(f.get(k)) for k in ("name", "label", "what", "text") if f.get(k))


def _search_rows(kb: KnowledgeBase) -> Iterator[dict[str, Any]]:
    def row(kind: str, program: Program, text: str, fact: Fact | None = None):
        return {"kind": kind, "program_id": program.id, "text": text,
                "fact_id": fact.id if fact else None}

    for p in kb.programs.values():
        yield row("name", p, p.name)
        if p.short != p.name:
            yield row("name", p, p.short)
        for alias in p.aliases:
            yield row("alias", p, alias)
        for f in p.facts:
            if f.get("subject"):
                yield row("subject", p, f.get("subject"), f)
            if _fact_text(f):
                yield row("text", p, _fact_text(f), f)
            for quote in f.quotes:
                yield row("quote", p, quote, f)


def _place_rows(places: Places) -> list[dict[str, Any]]:
    rows = [{"name": n, "kind": "home"} for n in places.home]
    rows += [{"name": n, "kind": "ambiguous"} for n in places.ambiguous]
    rows += [{"name": n, "kind": "wider"} for n in places.wider]
    for r in places.regions:
        rows.append({"name": r.name, "english": r.english,
                     "kind": "home_region" if r.name == places.home_region else "region"})
    rows += [{"name": g, "kind": "government", "region": r.name}
             for r in places.regions for g in r.governments]
    return [{"id": n, **row} for n, row in enumerate(rows, 1)]


def _write(db: sqlite3.Connection, kb: KnowledgeBase, meta: dict[str, str]) -> None:
    for table in schema.TABLES:
        db.execute(table.sql())
    db.execute(FTS_SQL)
    _insert(db, "meta", ({"name": k, "value": v} for k, v in
                         {"schema_version": str(SCHEMA_VERSION), **meta}.items()))
    _insert(db, "reports", ({**r.__dict__, "aliases": json.dumps(r.aliases, ensure_ascii=False)}
                            for r in kb.reports.values()))
    _insert(db, "programs", ({**p.__dict__, "parts": json.dumps(p.parts), "file": p.path,
                              "aliases": " | ".join(p.aliases)} for p in kb.programs.values()))
    _insert(db, "aliases", ({"program_id": p.id, "alias": a, "match_key": alias_key(a)}
                            for p in kb.programs.values() for a in p.aliases))
    facts = kb.facts
    paths = {p.id: p.path for p in kb.programs.values()}
    _insert(db, "facts", (
        {"id": f.id, "program_id": f.program_id, "idx": f.index, "type": f.type,
         "report": f.report, "subject": f.get("subject"), "note": f.get("note"),
         "file": paths[f.program_id], "line": f.line,
         "quotes": json.dumps(f.quotes, ensure_ascii=False),
         "data": json.dumps(f.data, ensure_ascii=False)} for f in facts))
    _insert(db, "sources", ({"fact_id": f.id, "n": n, "report": f.report, "quote": q}
                            for f in facts for n, q in enumerate(f.quotes)))
    for kind, table in schema.FACT_TABLES.items():
        make = _budget_row if kind == "budget" else _fact_row
        _insert(db, table, (make(f) for f in facts if f.type == kind))
    _insert(db, "places", _place_rows(kb.places))
    rows = [{"id": n, **row} for n, row in enumerate(_search_rows(kb), 1)]
    _insert(db, "search", rows)
    db.executemany("INSERT INTO search_fts (rowid, terms) VALUES (?, ?)",
                   ((row["id"], terms(row["text"])) for row in rows))
    for table, column in (("aliases", "program_id"), ("facts", "program_id"),
                          ("facts", "report"), ("sources", "report"),
                          ("search", "program_id"), ("search", "fact_id"),
                          *((t, c) for t in schema.FACT_TABLES.values()
                            for c in ("program_id", "report"))):
        db.execute(f"CREATE INDEX idx_{table}_{column} ON {table} ({column})")


def build(root: str | Path, db_path: str | Path) -> KnowledgeBase:
    """Validate the files and write the database atomically. Raises MissingKnowledge or
    InvalidKnowledge."""
    root = check_folder(root)
    meta = {"content_hash": content_hash(root), "knowledge_dir": str(root),
            "files": str(len(knowledge_files(root)))}
    kb, problems = load(root)
    if problems:
        raise InvalidKnowledge(problems)
    write_db(kb, db_path, meta)
    return kb


def write_db(kb: KnowledgeBase, db_path: str | Path, meta: dict[str, str] | None = None
             ) -> None:
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    meta = {**(meta or {}), "built_at": datetime.now(UTC).isoformat(timespec="seconds")}
    # Not mkstemp, whose 0600 would hide the database from other users: the ordinary mode.
    tmp = db_path.parent / f".knowledge-{secrets.token_hex(8)}.db"
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        db = sqlite3.connect(tmp, isolation_level=None)
        try:
            # A temporary file nobody reads yet: no journal and no sync per statement; it
            # is synced once, whole, before the rename makes it the database.
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("BEGIN")
            _write(db, kb, meta)
            db.execute("COMMIT")
        finally:
            db.close()
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, db_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# ---- reading ---------------------------------------------------------------------------

def _connect(db_path: str | Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{Path(db_path).as_posix()}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


def read_db(db_path: str | Path) -> KnowledgeBase:
    """The knowledge base as compiled. Report texts are not stored: answers cite quotes."""
    db = _connect(db_path)
    try:
        reports = {
            row["id"]: Report(id=row["id"], file=row["file"], title=row["title"],
                              short=row["short"], date=row["date"],
                              headline_year=row["headline_year"],
                              aliases=tuple(json.loads(row["aliases"] or "[]")))
            for row in db.execute("select * from reports order by rowid")
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
                parts=tuple(json.loads(row["parts"])), path=row["file"])
            for row in db.execute("select * from programs order by rowid")
        }
        places = _read_places(db)
    finally:
        db.close()
    return KnowledgeBase(reports=reports, programs=programs, places=places)


def _read_places(db: sqlite3.Connection) -> Places:
    rows = list(db.execute("select * from places order by id"))
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


def read_meta(db_path: str | Path) -> dict[str, str]:
    """What the database records about its build; {} when it has no such record."""
    try:
        db = _connect(db_path)
        try:
            return dict(db.execute("select name, value from meta").fetchall())
        finally:
            db.close()
    except sqlite3.Error:  # unreadable, or from before schema 4
        return {}


def is_stale(root: str | Path, db_path: str | Path) -> bool:
    """True when the database is missing, of another schema, or built from other content
    than the folder's files have now."""
    db_path = Path(db_path)
    if not db_path.exists():
        return True
    meta = read_meta(db_path)
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        return True
    return meta.get("content_hash") != content_hash(root)


def ensure_built(root: str | Path, db_path: str | Path) -> KnowledgeBase:
    """The compiled knowledge base, rebuilt first when missing or not the files' content."""
    check_folder(root)
    if is_stale(root, db_path):
        return build(root, db_path)
    return read_db(db_path)
