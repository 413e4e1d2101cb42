"""Durations in policy files: Nh (calendar hours), Nbh (business hours), Nbd (business days), Nd (calendar days)."""

import re
from typing import NamedTuple

_DURATION = re.compile(r"^(\d{1,4})(h|bh|bd|d)$")
UNITS = {"h": "calendar hours", "bh": "business hours", "bd": "business days", "d": "calendar days"}


class Duration(NamedTuple):
    count: int
    unit: str  # h, bh, bd or d

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


def parse_duration(text: str) -> Duration:
    match = _DURATION.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(
            f"{text!r} is not a duration: use Nh, Nbh, Nbd or Nd, e.g. 24h, 8bh, 1bd, 14d"
        )
    return Duration(int(match.group(1)), match.group(2))
