"""Every question Slack hands the bot, kept in the bot's database (`slack_jobs` in bot.db)
from the moment it is acknowledged until its answer is out, so that an answer is given
exactly once even when the bot is killed, restarted, or two bots share the data folder.

A job is claimed in the same transaction as its id (an event's `event_id`, or a slash
command's or a click's `trigger_id`): the first process to claim an id answers it, and a
replayed or retried copy is dropped. Its state then moves on, each step written before
the next is taken:

    pending   claimed; no reply worked out yet (working it out again is harmless)
    sending   the reply is worked out (`reply`) and a send may be under way or may have
              reached Slack without its answer reaching us: never sent again before
              checking that it did not go out
    ready     the reply is worked out and certainly not out yet (safe to send)
    posted    sent (`ts`: the message's, for a channel post)
    none      nothing to send (a bot's own message, an edit, …)
    failed    Slack refused it, or kept failing until the deadline; nothing went out
    uncertain it may or may not have gone out and there is no way to check; not resent
    expired   left unfinished by a process that died, found too late to answer

Each job records its owner (host:pid:start time of the process working on it), and each
process keeps a heartbeat in `slack_workers`, so that another may take over the
unfinished jobs of one that died (see worker.py and `_dead`).

When the database cannot be written (a full disk, a read-only folder), jobs are still
claimed and answered, in this process's memory: the answer matters more than the record.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.records import EVENT_RETENTION, Records, now

log = logging.getLogger(__name__)

TABLE = "slack_jobs"
WORKERS = "slack_workers"
PENDING, READY, SENDING = "pending", "ready", "sending"
POSTED, NONE, FAILED, UNCERTAIN, EXPIRED = "posted", "none", "failed", "uncertain", "expired"
OPEN = (PENDING, READY, SENDING)
TROUBLE = (FAILED, UNCERTAIN, EXPIRED)  # kept for the admins' report
TROUBLE_RETENTION = timedelta(days=90)
MEMORY_IDS = 10_000  # ids remembered in memory while the database cannot be written


@dataclass
class Job:
    id: str
    kind: str  # which handler works out the reply (see intake.py)
    body: dict[str, Any]  # Slack's payload, as received
    received: float = field(default_factory=time.time)  # epoch seconds
    state: str = PENDING
    reply: dict[str, Any] | None = None  # delivery.Reply as a dict, once worked out
    attempts: int = 0
    error: str = ""
    ts: str = ""


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


class JobStore:
    def __init__(self, records: Records):
        self.records = records
        self.owner = owner_id()
        self.trouble = records.trouble
        self._memory: OrderedDict[str, None] = OrderedDict()  # ids claimed while failing
        self._memory_lock = threading.Lock()
        records.ensure_table(TABLE, {
            "id": str, "kind": str, "body": str, "state": str, "reply": str,
            "received": float, "received_at": str, "updated_at": str, "owner": str,
            "attempts": int, "error": str, "ts": str,
        }, pk="id", indexes=("state", "received"))
        records.ensure_table(WORKERS, {"owner": str, "beat": float}, pk="owner")

    # ---- claiming -----------------------------------------------------------------------

    def claim(self, job_id: str, kind: str, body: dict[str, Any]) -> Job | None:
        """The new job, or None when this id was claimed before (by any process)."""
        job = Job(job_id, kind, body)
        try:
            with self.records.transaction() as db:
                cutoff = job.received - EVENT_RETENTION.total_seconds()
                db.execute("DELETE FROM processed_events WHERE claimed_at < ?", [_iso(cutoff)])
                db.execute(f"DELETE FROM {TABLE} WHERE received < ? AND "
                           f"(state IN ('{POSTED}', '{NONE}') OR received < ?)",
                           [cutoff, job.received - TROUBLE_RETENTION.total_seconds()])
                # processed_events: the table earlier versions claim in (a rolling restart)
                db.execute("INSERT INTO processed_events (event_id, kind, claimed_at, "
                           "claimed_by) VALUES (?, ?, ?, ?)", [job_id, kind, now(), self.owner])
                db.execute(f"INSERT INTO {TABLE} (id, kind, body, state, reply, received, "
                           "received_at, updated_at, owner, attempts, error, ts) "
                           "VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, 0, '', '')",
                           [job_id, kind, json.dumps(body, ensure_ascii=False), PENDING,
                            job.received, _iso(job.received), now(), self.owner])
        except sqlite3.IntegrityError:
            return None
        except sqlite3.Error as error:
            self.trouble.failed(error)
            return job if self._claim_in_memory(job_id) else None
        self.trouble.ok()
        return job

    def _claim_in_memory(self, job_id: str) -> bool:
        """While bot.db cannot be written: ids it already holds (it can still be read) and
        ids seen by this process are duplicates."""
        try:
            seen = self.records.query(
                "SELECT 1 FROM processed_events WHERE event_id = ?", [job_id])
        except sqlite3.Error:
            seen = []
        with self._memory_lock:
            if seen or job_id in self._memory:
                return False
            self._memory[job_id] = None
            while len(self._memory) > MEMORY_IDS:
                self._memory.popitem(last=False)
        return True

    # ---- moving on ----------------------------------------------------------------------

    def save(self, job: Job) -> bool:
        """Write the job's state. False when another process has taken the job over (it
        thought this one dead): then this process must leave it alone. A write that fails
        is logged once and the job goes on in memory."""
        try:
            with self.records.transaction() as db:
                cursor = db.execute(
                    f"UPDATE {TABLE} SET state = ?, reply = ?, attempts = ?, error = ?, "
                    "ts = ?, updated_at = ? WHERE id = ? AND owner = ?",
                    [job.state, json.dumps(job.reply, ensure_ascii=False) if job.reply else "",
                     job.attempts, job.error[:500], job.ts, now(), job.id, self.owner])
                if cursor.rowcount == 0:
                    row = db.execute(f"SELECT 1 FROM {TABLE} WHERE id = ?",
                                     [job.id]).fetchone()
                    return row is None  # not in the database (claimed in memory): ours
        except sqlite3.Error as error:
            self.trouble.failed(error)
            return True
        self.trouble.ok()
        return True

    # ---- taking over from processes that died -------------------------------------------

    def beat(self) -> None:
        try:
            with self.records.transaction() as db:
                db.execute(f"INSERT OR REPLACE INTO {WORKERS} (owner, beat) VALUES (?, ?)",
                           [self.owner, time.time()])
                db.execute(f"DELETE FROM {WORKERS} WHERE beat < ?", [time.time() - 86400])
        except sqlite3.Error as error:
            self.trouble.failed(error)

    def leave(self) -> None:
        """This process stops: its heartbeat goes (its open jobs are then taken over at
        once by the next process to look)."""
        try:
            with self.records.transaction() as db:
                db.execute(f"DELETE FROM {WORKERS} WHERE owner = ?", [self.owner])
        except sqlite3.Error:
            pass

    def take_over(self, stale_after: float, window: float) -> list[Job]:
        """The open jobs of dead processes, now this one's. Jobs received more than
        `window` seconds ago are marked expired instead (too late to answer)."""
        try:
            rows = self.records.query(
                f"SELECT id, kind, body, received, state, reply, attempts, error, ts, owner "
                f"FROM {TABLE} WHERE state IN (?, ?, ?) AND owner != ? ORDER BY received",
                [*OPEN, self.owner])
            beats = dict(self.records.query(f"SELECT owner, beat FROM {WORKERS}"))
        except sqlite3.Error as error:
            self.trouble.failed(error)
            return []
        taken = []
        for row in rows:
            owner = row[9]
            if owner == self.owner or not _dead(owner, beats.get(owner), stale_after):
                continue
            late = row[3] < time.time() - window
            try:
                with self.records.transaction() as db:
                    cursor = db.execute(
                        f"UPDATE {TABLE} SET owner = ?, updated_at = ?"
                        + (f", state = '{EXPIRED}'" if late else "")
                        + " WHERE id = ? AND owner = ? AND state = ?",
                        [self.owner, now(), row[0], owner, row[4]])
            except sqlite3.Error as error:
                self.trouble.failed(error)
                return taken
            if cursor.rowcount == 1 and not late:
                taken.append(Job(row[0], row[1], json.loads(row[2]), row[3], row[4],
                                 json.loads(row[5]) if row[5] else None, row[6], row[7],
                                 row[8]))
            elif cursor.rowcount == 1:
                log.warning("Slack request %s was left unanswered by a stopped bot and is "
                            "too old to answer now (recorded as expired)", row[0])
        return taken


def _started(pid: int) -> str | None:
    """When process `pid` started (Linux: clock ticks since boot), or None when unknown:
    with its pid, it names a process even after the pid is reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def owner_id() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_started(pid) or uuid.uuid4().hex[:8]}"


def _dead(owner: str, beat: float | None, stale_after: float) -> bool:
    """Whether the process `owner` (host:pid:start) is gone. On this host: its pid is not
    running, or is running a process that started at another time (a reused pid, as in a
    restarted container). Elsewhere: its heartbeat stopped `stale_after` seconds ago."""
    host, pid_text, started = (owner.split(":") + ["", ""])[:3]
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # running, as someone else
        now_started = _started(pid)
        if now_started is not None:
            return now_started != started
    return beat is None or beat < time.time() - stale_after


def undelivered(records: Records, days: int) -> list[dict[str, Any]]:
    """Answers that did not reach Slack in the last `days` days (for the admins' report):
    newest first, with the question where there was one."""
    since = time.time() - days * 86400
    try:
        rows = records.query(
            f"SELECT id, kind, body, state, error, received_at FROM {TABLE} "
            f"WHERE state IN (?, ?, ?) AND received >= ? ORDER BY received DESC",
            [*TROUBLE, since])
    except sqlite3.OperationalError:  # no such table yet
        return []
    out = []
    for job_id, kind, body, state, error, at in rows:
        payload = json.loads(body)
        event = payload.get("event") or {}
        text = event.get("text") or payload.get("text") or ""
        user = event.get("user") or payload.get("user_id") or \
            (payload.get("user") or {}).get("id", "")
        out.append({"id": job_id, "kind": kind, "state": state, "error": error, "at": at,
                    "text": text, "user": user})
    return out
