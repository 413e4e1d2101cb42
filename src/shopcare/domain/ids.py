"""Ids as people and scripts type them: the one place a typed id becomes a number.

An id is ASCII digits (², ١٢ and full-width digits are not ids) and fits the database's
64-bit integers; anything else is a clear error, never an overflow deep in SQLite.
"""

from shopcare.errors import ShopcareError
from shopcare.patterns import LazyPattern

MAX_ID = 2**63 - 1
_DIGITS = LazyPattern(r"^[0-9]{1,19}$")


def is_id(text: str) -> bool:
    """True when text is an id: ASCII digits, within the database's range."""
    return bool(_DIGITS.match(text)) and 0 < int(text) <= MAX_ID


def parse_id(text: str, what: str = "case", hint: str | None = None) -> int:
    """text as an id, or an error that names what it should have been."""
    value = text.strip()
    if not is_id(value):
        shown = value if len(value) <= 30 else value[:30] + "..."
        raise ShopcareError(
            f"{shown!r} is not a {what} id",
            hint or f"a {what} id is a number such as 3",
        )
    return int(value)
