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

from .build import DB_NAME, InvalidKnowledge, build, is_stale, read_db
from .engine import Engine
from .model import Problem


@dataclass(frozen=True)
class LoadResult:
    engine: Engine | None
    problems: list[Problem]
    stale: bool  # serving an older database because the files did not validate


class KnowledgeStore:
    def __init__(self, root: str | Path, data_dir: str | Path):
        self.root = Path(root)
        self.db_path = Path(data_dir) / DB_NAME
        self._engine: Engine | None = None
        self._lock = threading.Lock()  # one reload at a time; readers never wait

    @property
    def engine(self) -> Engine:
        engine = self._engine
        if engine is None:
            raise RuntimeError("knowledge base not loaded")
        return engine

    def load(self) -> LoadResult:
        """First load: rebuild when the files are newer than the database. When they do
        not validate, serve the database built before (if any) and report the problems."""
        with self._lock:
            problems: list[Problem] = []
            stale = False
            if is_stale(self.root, self.db_path):
                try:
                    kb = build(self.root, self.db_path)
                except InvalidKnowledge as error:
                    problems = error.problems
                    if not self.db_path.exists():
                        return LoadResult(None, problems, False)
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
            engine = Engine(kb)
            self._engine = engine  # one reference assignment: atomic for readers
            return LoadResult(engine, [], False)
