"""The knowledge base being served, and how a new one replaces it.

A reload validates the files and builds the new database and engine off to the side, then
swaps one reference: a question in flight keeps the engine it started with, so it gets a
complete answer from the old or the new knowledge base, never a mix. If validation fails,
the old one keeps serving.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from .build import (
    DB_NAME,
    SCHEMA_VERSION,
    InvalidKnowledge,
    MissingKnowledge,
    build,
    is_stale,
    read_db,
    read_meta,
)
from .engine import Engine
from .model import Problem


@dataclass(frozen=True)
class LoadResult:
    engine: Engine | None
    problems: list[Problem]
    stale: bool  # serving an older database because the files did not validate


class KnowledgeStore:
    def __init__(self, root: str | Path, data_dir: str | Path,
                 db_path: str | Path | None = None):
        """`db_path`: the folder's own database (settings.knowledge_db); by default
        DB_NAME in `data_dir`."""
        self.root = Path(root)
        self.db_path = Path(db_path) if db_path else Path(data_dir) / DB_NAME
        self._engine: Engine | None = None
        self._lock = threading.Lock()  # one reload at a time; readers never wait

    @property
    def engine(self) -> Engine:
        engine = self._engine
        if engine is None:
            raise RuntimeError("knowledge base not loaded")
        return engine

    def load(self) -> LoadResult:
        """First load: rebuild when the files' content is not the database's. When they do
        not validate, serve the database built before from this folder (if any) and report
        the problems. A missing folder serves nothing."""
        with self._lock:
            problems: list[Problem] = []
            stale = False
            if not self.root.is_dir():
                error = MissingKnowledge(self.root)
                return LoadResult(None, [Problem(str(error.root), 0, "", "지식베이스 폴더가 "
                                                 "없습니다")], False)
            if is_stale(self.root, self.db_path):
                try:
                    kb = build(self.root, self.db_path)
                except InvalidKnowledge as error:
                    problems = error.problems
                    if read_meta(self.db_path).get("schema_version") != str(SCHEMA_VERSION):
                        return LoadResult(None, problems, False)  # none, or unreadable
                    kb = read_db(self.db_path)
                    stale = True
            else:
                kb = read_db(self.db_path)
            self._engine = Engine(kb)
            return LoadResult(self._engine, problems, stale)

    def reload(self) -> LoadResult:
        """Validate and build the files anew, then swap. On failure nothing changes."""
        with self._lock:
            try:
                kb = build(self.root, self.db_path)
            except InvalidKnowledge as error:
                return LoadResult(self._engine, error.problems, True)
            except MissingKnowledge as error:
                return LoadResult(self._engine, [Problem(str(error.root), 0, "",
                                                         "지식베이스 폴더가 없습니다")], True)
            engine = Engine(kb)
            self._engine = engine  # one reference assignment: atomic for readers
            return LoadResult(engine, [], False)
