"""What a compiled database was built from: a hash of the knowledge folder's content.

The hash covers every file of the folder (its path inside the folder and its bytes), so
a deleted, added, renamed or edited file changes it, whatever the files' dates say:
restoring older files with their dates (`cp -p`, tar, rsync, an older git checkout) is
seen as the change it is. Version-control folders (`.git`…), `__pycache__` and SQLite
files are left out; hidden files count (the loader reads `programs/.x.toml` too).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_SKIPPED_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal", ".pyc")
_SKIPPED_FOLDERS = {".git", ".hg", ".svn", "__pycache__"}


def knowledge_files(root: str | Path) -> list[Path]:
    """Every file of the knowledge folder that counts, in a stable order."""
    root = Path(root)
    files = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if _SKIPPED_FOLDERS.intersection(rel.parts[:-1]):
            continue
        if path.is_file() and not path.name.endswith(_SKIPPED_SUFFIXES):
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def content_hash(root: str | Path) -> str:
    """SHA-256 over the names and bytes of every knowledge file."""
    root = Path(root)
    digest = hashlib.sha256()
    for path in knowledge_files(root):
        data = path.read_bytes()
        name = path.relative_to(root).as_posix().encode("utf-8")
        digest.update(len(name).to_bytes(4, "big") + name)
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()
