"""The one cache: what is slow to work out and rarely changes, the validated, layered policy
and the Japanese holidays of the years around now, as one plain-data shape.

`shopcare followups` runs from cron and shell loops: importing pydantic to validate the
policy files and jpholiday to find holidays would cost more than the rest of the
command (0.75 s). So the first run stores the validated policy (and a few years of
holidays) in HOME/.cache/derived.marshal, keyed by what it was made from: the policy files'
contents, the names of the shop's templates, the year by the pinned clock, and the versions
of shopcare and jpholiday. Later runs read it back as plain data (marshal: no import, the
fastest read). Any change to a key input rebuilds it; a broken policy is never cached; a file
that is missing, damaged, from another Python or under another key is rebuilt; a home we
cannot write to still works, only slower.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from shopcare.home import write_private

if TYPE_CHECKING:
    from shopcare.domain.categories import Categories

FOLDER = ".cache"
CACHE = "derived.marshal"
HOLIDAY_YEARS_BACK = 3
HOLIDAY_YEARS_AHEAD = 2
_PYTHON = list(sys.version_info[:2])


def _content(path: Path) -> bytes | None:
    """A small file's bytes, for a key; None when it is missing or unreadable (the build then
    reports it)."""
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def _names(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def library_stamp(name: str) -> list | None:
    """A library's file size and time, standing for its version without importing it."""
    from importlib.util import find_spec

    spec = find_spec(name)
    library = os.stat(spec.origin) if spec and spec.origin else None
    return [library.st_size, library.st_mtime_ns] if library else None


def _fingerprint(home: Path, today: date) -> list:
    from shopcare import __version__
    from shopcare.resources import resource_dir

    policies = home / "policies"
    files = sorted(policies.glob("*.toml")) if policies.is_dir() else []
    return [
        __version__,
        library_stamp("jpholiday"),
        today.year,
        _content(resource_dir("policies") / "default.toml"),
        *([p.name, _content(p)] for p in files),
        *(_names(home / "templates" / lang) for lang in ("ja", "en")),
    ]


def cached(home: Path, key: list, build: Callable[[], Any]) -> Any:
    """The value stored under key; else build() it and store it. build() raising stores
    nothing. The value must be plain data (dict, list, str, int...)."""
    path = home / FOLDER / CACHE
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


def _namespace(value):
    if isinstance(value, dict):
        return SimpleNamespace(**{k: _namespace(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_namespace(v) for v in value]
    return value


def derived(home: Path, today: date) -> dict:
    """The cached data (a dict with 'policy' and 'holidays'), rebuilt when anything behind it changed."""
    return cached(home, _fingerprint(home, today), lambda: _build(home, today))


def _build(home: Path, today: date) -> dict:
    import jpholiday

    from shopcare.settings.policy_files import load_or_fail

    policy = load_or_fail(home).policy.model_dump(mode="json")
    holidays = {}
    for year in range(today.year - HOLIDAY_YEARS_BACK, today.year + HOLIDAY_YEARS_AHEAD + 1):
        holidays[str(year)] = {day.isoformat(): name for day, name in jpholiday.year_holidays(year)}
    return {"policy": policy, "holidays": holidays}


def policy_view(home: Path, today: date):
    """The policy in force as plain attribute data (no pydantic), for the hot paths."""
    return _namespace(derived(home, today)["policy"])


def intake_words(home: Path, today: date) -> list[tuple[str, list[str]]]:
    """The policy's [[intake]] lists, (category, words) in order: all `mail in` reads of the
    policy, so the rest is not made into attribute data."""
    return [
        (entry["category"], entry["words"]) for entry in derived(home, today)["policy"]["intake"]
    ]


def holidays_known(home: Path, today: date) -> dict[int, dict[date, str]]:
    data = derived(home, today)["holidays"]
    return {
        int(year): {date.fromisoformat(d): n for d, n in days.items()}
        for year, days in data.items()
    }


def categories_for(home, today=None) -> Categories:
    """The categories in force for a home. Policy files are read (with pydantic's import cost)
    only where the shop has some: they may add categories. today is the shop's date by the
    pinned clock ($SHOPCARE_NOW), as every other reader of the policy cache gives it: a date of
    another year would make each command rebuild that cache."""
    from shopcare.domain.categories import CATEGORIES, Categories, Category

    folder = home / "policies"
    if not folder.is_dir() or not any(folder.glob("*.toml")):
        return CATEGORIES
    policy = policy_view(home, today or shop_today(home))
    return Categories(tuple(Category(c.code, c.ja, c.en, c.priority) for c in policy.category))


def shop_today(home):
    """Today in the shop's zone by the pinned clock: what the policy cache is keyed by."""
    from shopcare.clock import now
    from shopcare.home import CONFIG_NAME
    from shopcare.settings.config import load_config

    return now().astimezone(load_config(home / CONFIG_NAME).tz()).date()
