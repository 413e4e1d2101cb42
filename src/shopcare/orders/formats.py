"""The malls' order exports, each defined once in a module of its own (orders/shopify.py,
orders/rakuten.py, ...): here, the list of them, and how a file's header picks one.

Columns are matched by header name, never by position (the malls add columns over time), so a
format is recognised by a few columns that must all be present (its signature). The order of
FORMATS is the order they are tried in: Yahoo!'s signature is a single column, so it is last.
"""

from __future__ import annotations

from shopcare.orders import amazon, base, rakuten, shopify, yahoo
from shopcare.orders.cells import OrderFormat

FORMATS: tuple[OrderFormat, ...] = (
    shopify.FORMAT,
    rakuten.FORMAT,
    amazon.FORMAT,
    base.FORMAT,
    yahoo.FORMAT,
)
SOURCES = tuple(f.source for f in FORMATS)


def by_source(source: str) -> OrderFormat:
    for fmt in FORMATS:
        if fmt.source == source:
            return fmt
    raise KeyError(source)


def detect(header: list[str]) -> OrderFormat | None:
    present = set(header)
    for fmt in FORMATS:
        if all(name in present for name in fmt.signature):
            return fmt
    return None
