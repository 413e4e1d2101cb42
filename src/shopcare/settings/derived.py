"""A cache of what is slow to work out and rarely changes: the validated, layered policy
and the Japanese holidays of the years around now.

`shopcare followups` runs from cron and shell loops: importing pydantic to validate the
policy files and jpholiday to find holidays would cost more than the rest of the
command. So the first run stores the validated policy (and a few years of holidays) in
HOME/.cache/derived.marshal (see shopcare.settings.cache), keyed by the files' sizes and modification times, the
template folders, and the versions of shopcare and jpholiday; later runs read it back
as plain data. Any change to a key input rebuilds it; a broken policy is never cached.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from shopcare.settings.cache import cached, stat_key

if TYPE_CHECKING:
    from shopcare.domain.categories import Categories

CACHE = "derived.marshal"
HOLIDAY_YEARS_BACK = 3
HOLIDAY_YEARS_AHEAD = 2


def _fingerprint(home: Path, today: date) -> list:
    from importlib.util import find_spec

    from shopcare import __version__
    from shopcare.resources import resource_dir

    policies = home / "policies"
    files = sorted(policies.glob("*.toml")) if policies.is_dir() else []
    spec = find_spec("jpholiday")  # its files' times stand for its version: no import needed
    return [
        __version__,
        stat_key(Path(spec.origin)) if spec and spec.origin else None,
        today.year,
        stat_key(resource_dir("policies") / "default.toml"),
        stat_key(policies, home),
        *(stat_key(p, home) for p in files),
        *(stat_key(home / "templates" / lang, home) for lang in ("ja", "en")),
    ]


def _namespace(value):
    if isinstance(value, dict):
        return SimpleNamespace(**{k: _namespace(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_namespace(v) for v in value]
    return value


def derived(home: Path, today: date) -> dict:
    """The cached data (a dict with 'policy' and 'holidays'), rebuilt when anything behind it changed."""
    return cached(home, CACHE, _fingerprint(home, today), lambda: _build(home, today))


def _build(home: Path, today: date) -> dict:
    import jpholiday

    from shopcare.domain.policy import load_or_fail

    policy = load_or_fail(home).policy.model_dump(mode="json")
    holidays = {}
    for year in range(today.year - HOLIDAY_YEARS_BACK, today.year + HOLIDAY_YEARS_AHEAD + 1):
        holidays[str(year)] = {day.isoformat(): name for day, name in jpholiday.year_holidays(year)}
    return {"policy": policy, "holidays": holidays}


def policy_view(home: Path, today: date):
    """The policy in force as plain attribute data (no pydantic), for the hot paths."""
    return _namespace(derived(home, today)["policy"])


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
