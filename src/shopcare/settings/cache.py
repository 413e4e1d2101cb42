"""Derived data kept in HOME/.cache between runs, under a key of everything it was made from.

shopcare runs from cron and shell loops, where a command's own work is small and the
start-up is most of it. So what is slow to work out and rarely changes (the validated
policy, the year's holidays, the parsed config) is stored once and read back as plain
data. The files are Python's marshal format: it needs no import and reads fastest.
A file that is missing, damaged, from another Python, or under another key is rebuilt;
a home we cannot write to still works, only slower.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shopcare.home import write_private

FOLDER = ".cache"
_PYTHON = list(sys.version_info[:2])


def stat_key(path: Path, home: Path | None = None) -> list:
    """A file's identity for a key; files in the home are named relative to it, so that
    `--home ./shop` and `--home /srv/shop` share one cache."""
    name = str(path.relative_to(home)) if home is not None else str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return [name, None]
    return [name, st.st_mtime_ns, st.st_size]


def cached(home: Path, name: str, key: list, build: Callable[[], Any]) -> Any:
    """The value stored under name if it was made under key; else build() it and store it.
    build() raising stores nothing. The value must be plain data (dict, list, str, int...)."""
    path = home / FOLDER / name
    key = [_PYTHON, *key]
    try:
        stored_key, value = marshal.loads(path.read_bytes())
        if stored_key == key:
            return value
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    try:
        data = marshal.dumps((key, value))
        path.parent.mkdir(mode=0o700, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        write_private(temporary, data)
        os.replace(temporary, path)
    except (OSError, ValueError):  # ValueError: not plain data; it is built anew each time
        pass
    return value
