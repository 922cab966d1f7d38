"""`jobbot serve` as a real process for tests and bench/slack_load.py: started with a clean
environment, its log in a file (a pipe would fill and stall a busy bot), signed requests
over HTTP as Slack sends them, stopped with SIGTERM or killed with SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_testkit import SECRET, command_body, event_body, free_port, signed_headers

REPO = Path(__file__).resolve().parent.parent


def env(data_dir: Path, **settings: str) -> dict[str, str]:
    """A clean environment: every setting explicit, so no .env or shell variable leaks in."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    out.update({"PYTHONPATH": str(REPO), "DATA_DIR": str(data_dir), "KNOWLEDGE_DIR": "",
                "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_APP_TOKEN": "", "SLACK_API_URL": "", "SLASH_COMMAND": "/jobs",
                "LOG_LEVEL": "INFO", **settings})
    return out


def build_knowledge(data_dir: Path) -> Path:
    """The shipped knowledge base compiled into `data_dir` (copy it to spare each bot the
    build)."""
    subprocess.run([sys.executable, "-m", "bot", "kb", "build"], env=env(data_dir), cwd=REPO,
                   check=True, capture_output=True, timeout=120)
    return data_dir / "knowledge.db"


def post(url: str, body: bytes | str, headers: dict[str, str],
         timeout: float = 15.0) -> tuple[int, str, float]:
    """(status, body, seconds) of one POST."""
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), time.monotonic() - started


@dataclass
class Served:
    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def event(self, event: dict[str, Any], event_id: str,
              headers: dict[str, str] | None = None) -> tuple[int, str, float]:
        body = event_body(event, event_id)
        return post(self.url, body, {**signed_headers(body, "application/json"),
                                     **(headers or {})})

    def command(self, text: str, response_url: str, **fields: Any) -> tuple[int, str, float]:
        body = command_body(text, response_url, **fields)
        return post(self.url, body, signed_headers(body, "application/x-www-form-urlencoded"))

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> str:
        """SIGTERM; the process must end cleanly. Its log."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        return self.stderr()

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no cleanup of any kind
        self.proc.wait(timeout=10)


def start(data_dir: Path, log: Path, *, knowledge_db: Path | None = None,
          wait: bool = True, **settings: str) -> Served:
    """`jobbot serve` over HTTP on a free port; returns once it listens (wait=False: at
    once, e.g. for a bot that must fail to start)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if knowledge_db is not None and not (data_dir / "knowledge.db").exists():
        shutil.copy2(knowledge_db, data_dir / "knowledge.db")
    port = free_port()
    handle = open(log, "a", encoding="utf-8")  # noqa: SIM115 - the child writes it
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1",
                             "--port", str(port)], env=env(data_dir, **settings), cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=handle)
    handle.close()
    served = Served(proc, port, log)
    if wait:
        wait_listening(served)
    return served


def wait_listening(served: Served, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.proc.poll() is not None:
            raise AssertionError(f"serve exited {served.proc.returncode}: {served.stderr()}")
        try:
            socket.create_connection(("127.0.0.1", served.port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("serve did not listen in time")
