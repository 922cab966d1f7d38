"""What `jobbot serve` needs before it can take a request, checked with a clear Korean
message instead of a traceback: a data folder it can write (the bot's records and the
compiled knowledge base live there), a knowledge base it can serve, and its records
database. Each function returns the thing, or None after saying what to do.

A knowledge base is served whenever a good one can be had: the files' (built anew when
the compiled database is stale or unreadable), or else the database built before.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from pathlib import Path

from bot.messages import slack_texts

T = slack_texts("ko")
PROBE_BYTES = 64 * 1024  # written and removed at start: a full disk shows here, not later

_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL = {errno.ENOSPC, errno.EDQUOT}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def data_dir_problem(path: Path, error: OSError | sqlite3.Error) -> str:
    """The message for a data folder that cannot be written."""
    code = getattr(error, "errno", None)
    text = str(error)
    if code in _READ_ONLY or "readonly" in text or "read-only" in text:
        key = "serve_data_readonly"
    elif code in _FULL or "disk is full" in text:
        key = "serve_data_full"
    else:
        key = "serve_data_failed"
    return T[key].format(path=path, error=getattr(error, "strerror", None) or text)


def writable_data_dir(path: Path) -> bool:
    probe = path / f".write-test-{os.getpid()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as handle:
            handle.write(b"\0" * PROBE_BYTES)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        say(data_dir_problem(path, error))
        return False
    finally:
        try:
            probe.unlink(missing_ok=True)
        except OSError:
            pass
    return True


def knowledge_store(root: Path, data_dir: Path):
    """The store with a knowledge base loaded, or None (the reason said)."""
    from bot.core.build import MissingKnowledge, check_folder
    from bot.core.store import KnowledgeStore
    from bot.settings import knowledge_db

    try:
        root = check_folder(root)
    except MissingKnowledge as error:
        say(str(error))
        return None
    db_path = knowledge_db(root)  # the folder's own database
    store = KnowledgeStore(root, data_dir, db_path)
    try:
        try:
            result = store.load()
        except (OSError, sqlite3.OperationalError) as error:
            if _is_data_dir_error(error):
                raise
            result, unreadable = store.reload(), error
        except Exception as error:  # the compiled database is unreadable: build anew
            result, unreadable = store.reload(), error
        else:
            unreadable = None
    except (OSError, sqlite3.Error) as error:  # writing the database failed
        say(data_dir_problem(data_dir, error))
        return None
    for problem in result.problems:
        say(str(problem))
    if unreadable is not None:
        reason = f"{type(unreadable).__name__}: {unreadable}"[:200]
        if result.problems:
            say(T["serve_kb_corrupt"].format(path=db_path, error=reason))
            return None
        say(T["serve_kb_rebuilt"].format(path=db_path, error=reason))
        return store
    if result.engine is None:
        say(T["serve_knowledge_failed"])
        return None
    if result.problems:
        say(T["serve_knowledge_stale"])
    return store


def _is_data_dir_error(error: Exception) -> bool:
    code = getattr(error, "errno", None)
    return code in _READ_ONLY | _FULL or "disk is full" in str(error) or \
        "readonly" in str(error)


def records(data_dir: Path):
    """The bot's own database, or None (the reason said)."""
    from bot.records import DB_NAME, Records

    path = data_dir / DB_NAME
    try:
        return Records(path)
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and not _corrupt(error):
            say(data_dir_problem(data_dir, error))
        else:
            say(T["serve_records_corrupt"].format(path=path, error=error))
    except OSError as error:
        say(data_dir_problem(data_dir, error))
    return None


def _corrupt(error: sqlite3.Error) -> bool:
    text = str(error)
    return "not a database" in text or "malformed" in text
