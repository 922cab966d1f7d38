"""Working through the jobs (jobs.py) after Slack has had its acknowledgement: a bounded
pool of threads, each taking one step of a job at a time (work out the reply, send it,
check whether an unanswered send went out). A job waiting for Slack (a 429's Retry-After,
a backoff, a look before resending) holds no thread: it is put back on the queue when its
time comes.

`start()` (jobbot serve) also takes over the open jobs of processes that died (killed,
crashed, the machine rebooted) and keeps this process's heartbeat. `inline=True` works a
job through in the thread that accepted it (tests: the answer is out when the request
returns).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from .delivery import (
    CANNOT_LOOK,
    FOUND,
    MAYBE_SENT,
    NOT_FOUND,
    NOT_SENT,
    SENT,
    Patience,
    Reply,
    Sender,
)
from .jobs import (
    FAILED,
    NONE,
    PENDING,
    POSTED,
    READY,
    SENDING,
    UNCERTAIN,
    Job,
    JobStore,
)

log = logging.getLogger(__name__)

WORKERS = 16  # threads answering; most of their time is spent waiting for Slack
SWEEP_EVERY = 10.0  # seconds between heartbeats and looks for a dead process's jobs
STALE_AFTER = 60.0  # a process silent this long is dead (on another host, or pid reused)

Handler = Callable[[dict[str, Any]], Reply | None]


class Jobs:
    def __init__(self, store: JobStore, sender: Sender, *, inline: bool = False,
                 workers: int = WORKERS):
        self.store = store
        self.sender = sender
        self.patience: Patience = sender.patience
        self.inline = inline
        self.handlers: dict[str, Handler] = {}
        self._workers = workers
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._later: list[tuple[float, int, Job]] = []  # (when, tiebreak, job)
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    # ---- taking work in -----------------------------------------------------------------

    def accept(self, job_id: str, kind: str, body: dict[str, Any]) -> bool:
        """Claim and queue the request; False for a copy of one claimed before."""
        job = self.store.claim(job_id, kind, body)
        if job is None:
            return False
        if self.inline:
            self.run(job)
        else:
            self._submit(job)
        return True

    def run(self, job: Job) -> None:
        """Work a job through to its end in this thread, sleeping through its waits."""
        while (wait := self._safe_step(job)) is not None:
            time.sleep(wait)

    # ---- one step -----------------------------------------------------------------------

    def step(self, job: Job) -> float | None:
        """Take the job one step on; the seconds until its next step, or None when it has
        ended (or another process has taken it over)."""
        if job.state == PENDING:
            reply = self.handlers[job.kind](job.body)
            if reply is None:
                job.state = NONE
                self.store.save(job)
                return None
            job.reply, job.state = reply.to_dict(), READY
        if job.state == SENDING:
            found, ts = self.sender.look(job.reply, job.id)
            if found == FOUND:
                return self._end(job, POSTED, ts=ts)
            if found == CANNOT_LOOK:
                return self._end(job, UNCERTAIN)
            if found != NOT_FOUND:  # Slack did not answer the look either
                if self._late(job):
                    return self._end(job, UNCERTAIN)
                return self.patience.wait(job.attempts)
            job.state = READY  # not out: safe to send
        if self._late(job):
            return self._end(job, FAILED, error=job.error or "gave up")
        job.state, job.attempts = SENDING, job.attempts + 1
        if not self.store.save(job):
            log.info("job %s was taken over by another process", job.id)
            return None
        attempt = self.sender.send(job.reply, job.id)
        job.error = attempt.error
        if attempt.verdict == SENT:
            return self._end(job, POSTED, ts=attempt.ts)
        if attempt.verdict == NOT_SENT:
            job.state = READY
            self.store.save(job)
            log.warning("Slack did not take answer %s (%s); trying again", job.id,
                        attempt.error)
            return attempt.wait if attempt.wait is not None else \
                self.patience.wait(job.attempts)
        if attempt.verdict == MAYBE_SENT:
            if job.reply["via"] != "post":  # a response_url or ephemeral: no way to look
                return self._end(job, UNCERTAIN)
            log.warning("no answer from Slack for answer %s (%s); checking before any "
                        "resend", job.id, attempt.error)
            return max(self.patience.check_after, self.patience.wait(job.attempts))
        return self._end(job, FAILED)

    def _late(self, job: Job) -> bool:
        return time.time() - job.received > self.patience.give_up_after

    def _end(self, job: Job, state: str, *, ts: str = "", error: str = "") -> None:
        job.state, job.ts = state, ts or job.ts
        job.error = error or job.error
        self.store.save(job)
        if state == FAILED:
            log.error("answer %s was not delivered: %s", job.id, job.error)
        elif state == UNCERTAIN:
            log.error("answer %s may or may not have reached Slack (%s); not resent, so "
                      "that it is never posted twice", job.id, job.error)
        return None

    def _safe_step(self, job: Job) -> float | None:
        try:
            return self.step(job)
        except Exception as error:  # a bug must not kill the worker, nor loop forever
            log.error("job %s failed: %r", job.id, error)
            log.debug("job %s failed", job.id, exc_info=True)
            return self._end(job, FAILED, error=repr(error)[:200])

    # ---- the pool -----------------------------------------------------------------------

    def _submit(self, job: Job) -> None:
        self._ensure_threads()
        self._queue.put(job)

    def _ensure_threads(self) -> None:
        with self._cond:
            if self._threads:
                return
            self._threads = [threading.Thread(target=self._work, name=f"jobbot-worker-{n}",
                                              daemon=True) for n in range(self._workers)]
            self._threads.append(threading.Thread(target=self._timer, name="jobbot-timer",
                                                  daemon=True))
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            if self._stopping.is_set():
                continue  # left open in the database for the next process
            wait = self._safe_step(job)
            if wait is not None and not self._stopping.is_set():
                with self._cond:
                    heapq.heappush(self._later, (time.monotonic() + wait, next(self._order),
                                                 job))
                    self._cond.notify()

    def _timer(self) -> None:
        """Puts waiting jobs back on the queue when their time comes; beats and sweeps."""
        next_sweep = time.monotonic() + SWEEP_EVERY
        while not self._stopping.is_set():
            with self._cond:
                due = []
                while self._later and self._later[0][0] <= time.monotonic():
                    due.append(heapq.heappop(self._later)[2])
                wake = min([self._later[0][0]] if self._later else [], default=next_sweep)
                if not due:
                    self._cond.wait(max(0.0, min(wake, next_sweep) - time.monotonic()))
            for job in due:
                self._queue.put(job)
            if self._swept and time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + SWEEP_EVERY
                self.sweep()

    _swept = False  # set by start(): tests building an app alone do not sweep

    def sweep(self) -> int:
        """Heartbeat, then take over (and queue) what dead processes left open."""
        self.store.beat()
        taken = self.store.take_over(STALE_AFTER, self.patience.recover_window)
        for job in taken:
            log.warning("finishing Slack request %s left open by a stopped bot (%s)",
                        job.id, job.state)
            if self.inline:
                self.run(job)
            else:
                self._submit(job)
        return len(taken)

    def start(self) -> int:
        """Begin serving: the jobs of stopped processes are taken over at once; the
        number taken over."""
        self._swept = True
        self._ensure_threads()
        return self.sweep()

    def stop(self, timeout: float = 15.0) -> None:
        """Let each thread finish the step it is on; jobs still waiting stay open in the
        database for the next process (which takes them over at once)."""
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        for _ in range(self._workers):
            self._queue.put(None)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.store.leave()
