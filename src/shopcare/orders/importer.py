"""Orders imported from the malls' exports (the look-ups are domain/orders.py).

An import reads the whole file before it writes anything, then writes in one
transaction: a file is imported whole, or (with strict) not at all. Orders are
keyed by mall and number, so importing the same file again changes nothing and
a newer export updates status, dates and tracking numbers. A value is never
blanked out by a file that lacks it (Yahoo!'s order and item files each fill in
their half of the same orders).
"""

from __future__ import annotations

import csv
import io
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from shopcare.bulk import collector_paused
from shopcare.clock import to_storage
from shopcare.domain.cardmask import mask_cards, may_hold_card
from shopcare.domain.customers import email_or_none
from shopcare.domain.orders import ORDER_FIELDS
from shopcare.errors import ShopcareError, breaks_line
from shopcare.orders.cells import OrderFormat, RowError
from shopcare.orders.formats import FORMATS, SOURCES, by_source, detect

if TYPE_CHECKING:
    from shopcare.store.api import Store

ENCODINGS = {"utf-8": "utf-8-sig", "cp932": "cp932"}
Progress = Callable[[int, int], None]


class Draft:
    """One order as read from the file, possibly over several rows."""

    __slots__ = ("number", "fields", "items", "broken")

    def __init__(self, number: str, fields: dict | None = None) -> None:
        self.number = number
        self.fields = {} if fields is None else fields
        self.items: list = []
        self.broken = False


@dataclass
class ImportResult:
    source: str
    title: str
    encoding: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.title} ({self.encoding}): {self.rows} rows, orders {self.added} added, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.skipped} skipped"
        )


class _CountingReader(io.RawIOBase):
    """A binary file that reports how far it has been read, for the progress bar."""

    def __init__(self, raw, progress: Progress | None, total: int) -> None:
        self._raw = raw
        self._progress = progress
        self._total = total
        self._done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer)
        self._done += count or 0
        if self._progress:
            self._progress(self._done, self._total)
        return count


def _header_cells(row: list[str]) -> list[str]:
    return [cell.strip().lstrip("\ufeff").strip() for cell in row]


def _tried_formats() -> str:
    return "; ".join(f"{f.title} ({', '.join(f.signature)})" for f in FORMATS)


def _pick_format(header: list[str], source: str, path: Path) -> OrderFormat:
    if source != "auto":
        fmt = by_source(source)
        missing = [name for name in fmt.signature if name not in header]
        if missing:
            raise ShopcareError(
                f"{path.name} does not look like a {fmt.title}: no column {', '.join(missing)}",
                "its header begins: " + ", ".join(header[:6]),
            )
        return fmt
    fmt = detect(header)
    if fmt is None:
        shown = ", ".join(header[:6]) + (", ..." if len(header) > 6 else "")
        raise ShopcareError(
            f"{path.name} matches no known order export; its header begins: {shown}",
            "formats tried (with the columns each needs): " + _tried_formats(),
        )
    return fmt


def _read(
    path: Path, encoding: str, source: str, progress: Progress | None
) -> tuple[OrderFormat, dict, list, int]:
    total = path.stat().st_size
    with path.open("rb") as raw:
        text = io.TextIOWrapper(
            io.BufferedReader(_CountingReader(raw, progress, total)), encoding=encoding, newline=""
        )
        first = text.readline()
        if not first.strip():
            raise ShopcareError(f"{path.name} is empty", "export the orders from the mall again")
        if source != "auto":
            delimiter = by_source(source).delimiter
        else:
            delimiter = "\t" if "\t" in first else ","
        header = _header_cells(next(csv.reader([first], delimiter=delimiter)))
        fmt = _pick_format(header, source, path)
        if fmt.delimiter != delimiter:
            header = _header_cells(next(csv.reader([first], delimiter=fmt.delimiter)))
        reader = csv.reader(text, delimiter=fmt.delimiter)
        try:
            return fmt, *_read_rows(reader, header, fmt)
        except ShopcareError as exc:
            raise ShopcareError(f"{path.name} {exc.message}", exc.hint) from None
        except csv.Error as exc:  # a file the csv module cannot read at all: a cell over its
            # 128 KiB limit, a NUL byte; nothing is imported
            raise ShopcareError(
                f"{path.name} line {reader.line_num + 1}: {exc}; this is not an export shopcare"
                " can read, nothing was imported",
                "export the orders from the mall again",
            ) from None


def _read_rows(reader, header: list[str], fmt: OrderFormat) -> tuple[dict, list, int]:
    """Group the rows into orders. Each reader's cells are picked from the row in C (itemgetter)
    and passed as its arguments, so that reading a cell costs no Python call."""
    index = {name: i for i, name in enumerate(header)}  # of two same-named columns, the last
    width = len(header)
    number_at = index[fmt.number]
    pick_order = _picker(index, width, fmt.order_columns)
    pick_item = _picker(index, width, fmt.item_columns)
    # a column the file lacks is read from a blank cell added at the row's end
    lacks = any(name not in index for name in (*fmt.order_columns, *fmt.item_columns))
    read_order, read_item = fmt.order, fmt.item
    drafts: dict[str, Draft] = {}
    problems: list[tuple[int, str]] = []
    rows = 0
    previous_end = 1
    every_row = fmt.order_on_every_row
    # An unreadable row may hold a row of the order before it or after it (a blank number, or a
    # quote left open that swallowed the next lines): both are skipped whole, never half-imported.
    last_number = ""
    suspect_next: int | None = None  # the line of an unreadable row the next order may own
    for row in reader:
        line = previous_end + 1
        previous_end = reader.line_num + 1
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        rows += 1
        if len(row) != width:
            number = row[number_at].strip() if len(row) > number_at else ""
            _broken(
                drafts, problems, number, line, f"has {len(row)} columns, the header has {width}"
            )
            if previous_end > line:  # it ran over lines: it may have taken the next order's
                suspect_next = line
            continue
        number = row[number_at].strip()
        if not number:
            problems.append((line, f"no order number ({fmt.number} is empty)"))
            if last_number:
                _broken(drafts, problems, last_number, line, "may hold a row of this order")
            suspect_next = line
            continue
        if number != last_number and breaks_line(number):  # last_number was checked already
            _broken(drafts, problems, number, line, "the order number holds a line break")
            continue
        if suspect_next is not None and number != last_number:
            _broken(drafts, problems, number, suspect_next, "may hold a row of this order")
        suspect_next = None
        last_number = number
        if lacks:
            row.append("")
        draft = drafts.get(number)
        try:
            fields = read_order(*pick_order(row)) if draft is None or every_row else None
            item = read_item(*pick_item(row))
        except RowError as exc:
            _broken(drafts, problems, number, line, str(exc))
            continue
        if draft is None:
            draft = drafts[number] = Draft(number, _first(fields))
        elif fields:
            _merge(draft, fields)
        if item is not None:
            draft.items.append(item)
    return drafts, problems, rows


def _picker(
    index: dict[str, int], width: int, columns: tuple[str, ...]
) -> Callable[[list[str]], tuple]:
    """The function that picks the cells of columns from a row of width cells, as a tuple; a
    column the header lacks is picked from the blank cell added at the row's end (width)."""
    at = [index.get(name, width) for name in columns]
    if len(at) == 1:
        return lambda row: (row[at[0]],)
    return operator.itemgetter(*at)


def _broken(drafts: dict, problems: list, number: str, line: int, message: str) -> None:
    if number:
        draft = drafts.setdefault(number, Draft(number))
        draft.broken = True
        message += f" (order {number} skipped)"
    problems.append((line, message))


def _first(fields: dict) -> dict:
    """An order's fields as its first row gives them."""
    if "_add_total" in fields:
        fields["total"] = fields.pop("_add_total")
    return fields


def _merge(draft: Draft, fields: dict) -> None:
    """Fields from a later row of the same order: totals add up, blanks are filled in."""
    known = draft.fields
    for key, value in fields.items():
        if key == "_add_total":
            known["total"] = (known.get("total") or 0) + value
        elif value is not None and known.get(key) is None:
            known[key] = value


def _decode_attempts(encoding: str) -> list[str]:
    if encoding == "auto":
        return ["utf-8-sig", "cp932"]
    if encoding not in ENCODINGS:
        raise ShopcareError(f"unknown encoding {encoding!r}", "choose one of: auto, utf-8, cp932")
    return [ENCODINGS[encoding]]


def import_orders(
    store: Store,
    path: Path,
    *,
    now: datetime,
    source: str = "auto",
    encoding: str = "auto",
    strict: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Read a mall's order export and store its orders; see the module's docstring for the rules."""
    with collector_paused():
        return _import(store, path, now, source, encoding, strict, progress)


def _import(
    store: Store,
    path: Path,
    now: datetime,
    source: str,
    encoding: str,
    strict: bool,
    progress: Progress | None,
) -> ImportResult:
    if source != "auto" and source not in SOURCES:
        raise ShopcareError(
            f"unknown source {source!r}", "choose one of: auto, " + ", ".join(SOURCES)
        )
    if not path.is_file():
        raise ShopcareError(
            f"no file {path}", "give the path of the export you downloaded from the mall"
        )
    attempts = _decode_attempts(encoding)
    for attempt in attempts:
        try:
            fmt, drafts, problems, rows = _read(path, attempt, source, progress)
            break
        except UnicodeDecodeError:
            if attempt == attempts[-1]:
                tried = " or ".join("UTF-8" if a == "utf-8-sig" else "CP932" for a in attempts)
                raise ShopcareError(
                    f"{path.name} is not {tried} text",
                    "export it again, or name the encoding with --encoding utf-8|cp932",
                ) from None
    used = "utf-8" if attempt == "utf-8-sig" else "cp932"
    result = ImportResult(fmt.source, fmt.title, used, rows=rows, problems=sorted(problems))
    if strict and problems:
        line, message = result.problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ShopcareError(
            f"{path.name} line {line}: {message}{more}; nothing was imported",
            "fix the file, or import without --strict to skip the rows that cannot be read",
        )
    with store.write():
        _store(store, fmt, drafts, now, result)
    return result


# the columns of a new order, after its mall and number
NEW_ORDER_COLUMNS = ("customer_id", *ORDER_FIELDS, "imported_at", "updated_at")
_MARKETING = ORDER_FIELDS.index("accepts_marketing")


def _store(
    store: Store, fmt: OrderFormat, drafts: dict, now: datetime, result: ImportResult
) -> None:
    """Write the drafts, in the caller's write transaction: what is stored already is read in
    batches, and the new orders are added with their items in one go."""
    stamp = to_storage(now)
    ready = [draft for draft in drafts.values() if not draft.broken]
    result.skipped += len(drafts) - len(ready)
    emails: dict[str, str | None] = {}  # as the file spells them -> as stored
    for draft in ready:  # no card number reaches the store, from a mall's file either
        fields = draft.fields
        name, spelt = fields.get("customer_name"), fields.get("customer_email")
        if name and may_hold_card(name):
            fields["customer_name"] = mask_cards(name)[0]
        if spelt:
            if spelt not in emails:
                masked = mask_cards(spelt)[0] if may_hold_card(spelt) else spelt
                emails[spelt] = email_or_none(masked)
            fields["customer_email"] = emails[spelt]
        for index, item in enumerate(draft.items):
            if may_hold_card(item[0]):
                draft.items[index] = (mask_cards(item[0])[0], *item[1:])
    customers = _customer_ids(store, stamp, ready)
    existing = {
        row["number"]: row for row in store.orders_numbered([d.number for d in ready], fmt.mall)
    }
    # the items of the stored orders the file lists items for, to tell whether they changed
    stored_items = store.items_of_orders(
        [existing[d.number]["id"] for d in ready if d.items and d.number in existing]
    )
    new_orders, new_items = [], []
    for draft in ready:
        fields = draft.fields
        values = list(map(fields.get, ORDER_FIELDS))
        if values[_MARKETING] is not None:  # a boolean is stored as 0 or 1
            values[_MARKETING] = int(values[_MARKETING])
        email = fields.get("customer_email")
        customer_id = customers.get(email) if email else None
        old = existing.get(draft.number)
        if old is None:
            new_orders.append((draft.number, customer_id, *values, stamp, stamp))
            new_items.append(draft.items)
            continue
        changes = {
            k: v for k, v in zip(ORDER_FIELDS, values, strict=True) if v is not None and old[k] != v
        }
        if customer_id and old["customer_id"] is None:
            changes["customer_id"] = customer_id
        items_changed = bool(draft.items) and stored_items[old["id"]] != [
            tuple(i) for i in draft.items
        ]
        if not changes and not items_changed:
            result.unchanged += 1
            continue
        changes["updated_at"] = stamp
        store.update_order(old["id"], changes)
        if items_changed:
            store.replace_order_items(old["id"], draft.items)
        result.updated += 1
    store.add_orders(fmt.mall, NEW_ORDER_COLUMNS, new_orders, new_items)
    result.added += len(new_orders)


def _customer_ids(store: Store, stamp: str, ready: list) -> dict[str, int]:
    """The customer id of every e-mail address in the file, adding the new customers; a known
    one without a name is given the file's."""
    names: dict[str, str | None] = {}
    for draft in ready:
        email = draft.fields.get("customer_email")
        if email and not names.get(email):
            names[email] = draft.fields.get("customer_name")
    known = store.customers_by_email(list(names))
    store.name_customers(
        {
            row["id"]: names[email]
            for email, row in known.items()
            if not row["name"] and names[email]
        }
    )
    ids = {email: row["id"] for email, row in known.items()}
    ids.update(store.add_customers({e: name for e, name in names.items() if e not in known}, stamp))
    return ids
