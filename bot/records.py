"""The bot's own SQLite database (`<DATA_DIR>/bot.db`): what it has done, as opposed to
what it knows (the knowledge database is rebuilt from files; this one is not).

One file for every feature: each feature creates its tables with `ensure_table` when it
starts, and writes through `transaction()`, one transaction per record. WAL mode lets
several processes (e.g. the old and the new bot during a restart) share the file; the busy
timeout makes a writer wait for another instead of failing.
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

log = logging.getLogger(__name__)

DB_NAME = "bot.db"
BUSY_TIMEOUT = 10.0  # seconds a writer waits for another process's transaction
EVENT_RETENTION = timedelta(days=2)  # Slack retries within minutes; keep a wide margin


def now() -> str:
    """UTC time as ISO text: sorts correctly and reads well in Datasette."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class WriteTrouble:
    """Says once (one line, no traceback) that bot.db cannot be written — a full disk, a
    read-only folder — and once that it can be again: the bot keeps answering meanwhile,
    and a log line per question would bury everything else."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.failing = False

    def failed(self, error: Exception) -> None:
        from bot.messages import slack_texts

        with self._lock:
            first, self.failing = not self.failing, True
        if first:
            log.error(slack_texts("ko")["records_failing"].format(error=error))

    def ok(self) -> None:
        from bot.messages import slack_texts

        with self._lock:
            recovered, self.failing = self.failing, False
        if recovered:
            log.warning(slack_texts("ko")["records_recovered"])


class Records:
    def __init__(self, path: str | Path):
        self.trouble = WriteTrouble()
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions, so `transaction()` alone decides
        # what commits together. One connection shared by the listener threads, guarded by
        # a lock (sqlite3 connections are not safe for concurrent use).
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT, isolation_level=None,
                               check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        self.db.enable_wal()
        # In WAL mode NORMAL loses no committed transaction when the process is killed
        # (only, at worst, the last ones on a power cut) and spares an fsync per commit.
        conn.execute("PRAGMA synchronous=NORMAL")
        self._lock = threading.RLock()
        self._owner = f"{socket.gethostname()}:{os.getpid()}"
        self.ensure_table("processed_events",
                          {"event_id": str, "kind": str, "claimed_at": str, "claimed_by": str},
                          pk="event_id", indexes=("claimed_at",))

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def ensure_table(self, name: str, columns: dict[str, Any], pk: str | tuple[str, ...],
                     indexes: tuple[str, ...] = ()) -> None:
        """Create a feature's table (and single-column indexes) unless it exists. Outside
        `transaction()`: sqlite-utils commits schema changes itself, and IF NOT EXISTS makes
        a race between two processes harmless."""
        with self._lock:
            self.db[name].create(columns, pk=pk, if_not_exists=True)
            for column in indexes:
                self.db[name].create_index([column], if_not_exists=True)

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple]:
        """Rows of a read, on the shared connection (under its lock)."""
        with self._lock:
            return self.db.execute(sql, params).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction. BEGIN IMMEDIATE takes the write lock up front, so two
        processes queue on the busy timeout rather than failing half-way. Write with
        `db.execute` inside it (sqlite-utils 3's table methods would commit on their own)."""
        with self._lock:
            self.db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.conn.execute("ROLLBACK")
                raise
            self.db.conn.execute("COMMIT")

    def claim_event(self, event_id: str, kind: str = "") -> bool:
        """True for the first caller with this id (in any process), False for every later
        one: the primary key makes the second INSERT fail. Only the claimer answers."""
        try:
            with self.transaction() as db:
                cutoff = (datetime.now(UTC) - EVENT_RETENTION).isoformat(timespec="seconds")
                db.execute("DELETE FROM processed_events WHERE claimed_at < ?", [cutoff])
                db.execute("INSERT INTO processed_events (event_id, kind, claimed_at, "
                           "claimed_by) VALUES (?, ?, ?, ?)",
                           [event_id, kind, now(), self._owner])
        except sqlite3.IntegrityError:
            return False
        return True
