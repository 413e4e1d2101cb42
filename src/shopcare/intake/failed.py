"""Messages that could not be taken, kept in HOME/mail/failed/ (owner-only) to be taken again
with `mail failed --retry`: no message is ever dropped. Each is the raw message (NAME.eml)
and, beside it, why it failed (NAME.why)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from shopcare.home import write_durably

FOLDER = Path("mail") / "failed"


class Failed(NamedTuple):
    path: Path
    reason: str
    size: int
    kept_at: datetime


def failed_dir(home: Path) -> Path:
    return home / FOLDER


def keep(home: Path, raw: bytes, reason: str, now: datetime) -> Path:
    """The message written to mail/failed/, named by its time and content hash (the same message
    failing twice is kept once); the reason beside it."""
    import hashlib  # here: a message taken needs none of this

    folder = failed_dir(home)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder.parent, 0o700)
    name = f"{now.strftime('%Y%m%dT%H%M%S')}-{hashlib.sha256(raw).hexdigest()[:16]}"
    for existing in folder.glob(f"*-{name.rpartition('-')[2]}.eml"):
        write_durably(existing.with_suffix(".why"), reason.encode())
        return existing
    path = folder / f"{name}.eml"
    write_durably(path, raw)
    write_durably(path.with_suffix(".why"), reason.encode())
    return path


def kept(home: Path) -> list[Failed]:
    """The messages kept, oldest first."""
    folder = failed_dir(home)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.eml")):
        why = path.with_suffix(".why")
        reason = why.read_text(encoding="utf-8", errors="replace").strip() if why.exists() else ""
        stat = path.stat()
        found.append(Failed(path, reason, stat.st_size, datetime.fromtimestamp(stat.st_mtime)))
    return found


def forget(path: Path) -> None:
    """A kept message taken at last."""
    path.with_suffix(".why").unlink(missing_ok=True)
    path.unlink(missing_ok=True)
