"""Regular expressions compiled when first used, not when their module is imported.

A command pays for every pattern its modules compile at import, used or not: the mail
parser's 27 cost about 4 ms, and an MDA runs `shopcare mail in` once per message while most
of them (EUC-JP, Outlook's quoted headers, bounce reports) never match a given mail.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """re.compile(pattern, flags), compiled by the first call of any of its methods."""

    __slots__ = ("_pattern", "_flags", "_compiled")

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._pattern, self._flags)
        return getattr(compiled, name)
