"""`export`: every case with its timeline, every order with its items and every customer, as
jsonl or csv files in one folder, all or nothing (SAFETY.md).

The records are those `case show`, `orders show` and `customer show` print with --json
(domain/records.py, with times as json shows them), read in one snapshot of the database, so
that the files agree with each other while others write. With redact, personal data is
replaced with tokens (admin/redact.py) before anything is written. Files are written
owner-only under temporary names and renamed when all are whole; a failure removes what the
export wrote, and an export never overwrites one."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from shopcare.clock import json_record
from shopcare.errors import ShopcareError
from shopcare.home import remove_leftovers, sync_folder

if TYPE_CHECKING:
    from shopcare.admin.redact import Redactor
    from shopcare.domain.categories import Categories
    from shopcare.store.api import Store

FORMATS = ("jsonl", "csv")
FILES = {
    "jsonl": ("cases.jsonl", "orders.jsonl", "customers.jsonl"),
    "csv": ("cases.csv", "events.csv", "orders.csv", "order_items.csv", "customers.csv"),
}
FOLDER = "exports"  # under the home, where an export goes unless --out says otherwise

# csv: a record's lists go to files of their own, each row led by what links it to its record
CASE_SECTIONS = ("events", "order", "recent_orders")  # the orders are in orders.csv
ORDER_SECTIONS = ("items",)
CUSTOMER_SECTIONS = ("orders", "cases")  # in orders.csv and cases.csv

# A cell a spreadsheet would run as a formula starts with one of these (Excel also takes a
# tab or CR first, and the full-width signs a Japanese IME types): such a text gets a ' before
# it. A number written as a number (-500) is data to a spreadsheet, and is left alone.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# json keeps these raw, but they end a line for many readers (str.splitlines): escaped
LINE_BREAKS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))


class Exported(NamedTuple):
    folder: Path
    fmt: str
    redacted: bool
    cases: int
    orders: int
    customers: int

    def summary(self) -> str:
        counts = ", ".join(
            f"{count:,} {what if count == 1 else what + 's'}"
            for count, what in (
                (self.cases, "case"),
                (self.orders, "order"),
                (self.customers, "customer"),
            )
        )
        how = f"{self.fmt}, redacted" if self.redacted else self.fmt
        return f"exported {counts} to {self.folder} ({how})"


def default_folder(home: Path, now: datetime, tz: tzinfo) -> Path:
    """HOME/exports/export-YYYYMMDD-HHMMSS, by shopcare's clock in the shop's zone."""
    return home / FOLDER / f"export-{now.astimezone(tz):%Y%m%d-%H%M%S}"


def check_folder(folder: Path, fmt: str, make_parent: bool = False) -> None:
    """Refuse, before anything is read or written, a folder the export cannot go into: one that
    is not a folder, cannot be written, already holds an export of this format, or whose parent
    is missing (make_parent: the parent is made too, as HOME/exports is)."""
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir():
            raise ShopcareError(
                f"{folder} is not a folder", "give --out a folder (a new one is made)"
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ShopcareError(f"cannot write in {folder}", "give --out a folder you can write")
        there = [name for name in FILES[fmt] if os.path.lexists(folder / name)]
        if there:
            raise ShopcareError(
                f"{folder} already holds an export ({', '.join(there)})",
                "give --out a new folder, or move those files away first: an export never"
                " overwrites one",
            )
        return
    parent = folder.parent
    if make_parent and not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ShopcareError(
            f"cannot make {folder}: {parent} is not a folder"
            if parent.exists()
            else f"cannot make {folder}: the folder {parent} does not exist",
            "give --out a folder whose parent exists",
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ShopcareError(
            f"cannot make {folder}: {parent} cannot be written", "give --out a folder you can write"
        )


def export_shop(
    store: Store,
    folder: Path,
    fmt: str,
    categories: Categories,
    lang: str,
    tz: tzinfo,
    *,
    redact: bool = False,
    make_parent: bool = False,
) -> Exported:
    """Write the shop's cases, orders and customers into folder (made if missing)."""
    if fmt not in FORMATS:
        raise ShopcareError(f"unknown format {fmt!r}", "choose jsonl or csv")
    check_folder(folder, fmt, make_parent)
    with store.snapshot():
        people: dict[int, int] = {}
        redactor = None
        if redact:
            from shopcare.admin.redact import Redactor

            redactor = Redactor()
            people = _known_people(store, redactor)
        kinds = _Records(store, categories, lang, tz, redactor, people)
        with _written(folder, FILES[fmt], fmt, make_parent) as files:
            if fmt == "jsonl":
                counts = (
                    _write_jsonl(files["cases.jsonl"], kinds.cases()),
                    _write_jsonl(files["orders.jsonl"], kinds.orders()),
                    _write_jsonl(files["customers.jsonl"], kinds.customers()),
                )
            else:
                counts = (
                    _write_csv(
                        files["cases.csv"],
                        kinds.cases(),
                        CASE_SECTIONS,
                        files["events.csv"],
                        "events",
                        lambda case: {"case_id": case["id"]},
                    ),
                    _write_csv(
                        files["orders.csv"],
                        kinds.orders(),
                        ORDER_SECTIONS,
                        files["order_items.csv"],
                        "items",
                        lambda order: {"mall": order["mall"], "order_number": order["number"]},
                    ),
                    _write_csv(files["customers.csv"], kinds.customers(), CUSTOMER_SECTIONS),
                )
    return Exported(folder, fmt, redact, *counts)


def _known_people(store: Store, redactor: Redactor) -> dict[int, int]:
    """Every customer, and the names, e-mail addresses and tracking numbers on orders, made
    known to the redactor before any text is read (a text names people before their record
    comes); customer id -> their number in the tokens."""
    people = {}
    for customer in store.all_customers():
        people[customer["id"]] = redactor.person(customer["name"], customer["email"])
    for order in store.all_orders():
        owner = people.get(order["customer_id"])
        if owner is None and (order["customer_name"] or order["customer_email"]):
            redactor.person(order["customer_name"], order["customer_email"])
        elif order["customer_name"]:
            redactor.add_name(order["customer_name"], owner)  # the name the mall gave them
        redactor.add_tracking(order["tracking_number"])
    # the names and addresses a case had before an edit, which its texts may still hold
    import json

    for customer_id, data in store.customer_edits():
        try:
            edit = json.loads(data or "{}")
        except ValueError:
            continue
        field = edit.get("field") if isinstance(edit, dict) else None
        for value in (edit.get("from"), edit.get("to")) if field else ():
            if not isinstance(value, str) or not value.strip():
                continue
            if field == "customer_name":
                redactor.add_name(value, people.get(customer_id))
            elif field == "customer_email":
                redactor.person(None, value)
    return people


class _Records:
    """The records of each kind, as --json shows them, redacted where asked, streamed."""

    def __init__(self, store, categories, lang, tz, redactor, people) -> None:
        self.store = store
        self.categories = categories
        self.lang = lang
        self.tz = tz
        self.redactor = redactor
        self.people = people

    def _out(self, record: dict, customer_id: int | None, **keys) -> dict:
        record = json_record(record, self.tz)
        if self.redactor is None:
            return record
        return self.redactor.record(record, self.people.get(customer_id), **keys)

    def cases(self) -> Iterator[dict]:
        from shopcare.domain.records import case_show_record

        for batch in _batches(self.store.case_rows()):
            store = _Prefetched(self.store)
            store.fetch_cases(batch)
            for row in batch:
                record = case_show_record(store, row, self.categories, self.lang, self.tz)
                yield self._out(record, row["customer_id"])

    def orders(self) -> Iterator[dict]:
        from shopcare.domain.orders import order_record

        for batch in _batches(self.store.all_orders()):
            store = _Prefetched(self.store)
            store.fetch_items(row["id"] for row in batch)
            for row in batch:
                yield self._out(order_record(store, row), row["customer_id"])

    def customers(self) -> Iterator[dict]:
        from shopcare.admin.redact import EMAIL_KEYS, NAME_KEYS
        from shopcare.domain.records import customer_show_record

        own = {"names": NAME_KEYS | {"name"}, "emails": EMAIL_KEYS | {"email"}}
        for batch in _batches(self.store.all_customers()):
            store = _Prefetched(self.store)
            store.fetch_customers(batch)
            for customer in batch:
                record = customer_show_record(store, customer, self.categories, self.lang)
                yield self._out(record, customer["id"], **(own if self.redactor else {}))


BATCH = 500  # records whose reads are fetched together


def _batches(rows: Iterable[dict]) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class _Prefetched:
    """The store, with what the records of a batch read (timelines, orders by number, items,
    a customer's orders and cases) fetched beforehand, a few queries for the batch: on
    PostgreSQL every query is a round trip, and a case's record took about eight (10,000
    cases: 18 s against SQLite's 3 s). The record builders are the commands' own; anything
    not fetched is asked of the store as before."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._events: dict[int, list[dict]] = {}
        self._numbered: dict[str, list[dict]] = {}
        self._items: dict[int, list[tuple]] = {}
        self._orders_of: dict[int, list[dict]] = {}
        self._cases_of: dict[int, list[dict]] = {}

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def fetch_cases(self, cases: list[dict]) -> None:
        from shopcare.domain.orders import number_spellings

        store = self._store
        self._events = store.events_of_cases([case["id"] for case in cases])
        spellings = {
            spelling
            for case in cases
            if case["order_number"]
            for spelling in number_spellings(case["order_number"])
        }
        self._numbered = {spelling: [] for spelling in spellings}
        for order in store.orders_numbered(sorted(spellings)):
            self._numbered[order["number"]].append(order)
        customers = sorted({case["customer_id"] for case in cases if case["customer_id"]})
        self._orders_of = store.orders_of_customers(customers)
        ids = [order["id"] for found in self._numbered.values() for order in found]
        ids += [order["id"] for found in self._orders_of.values() for order in found]
        self.fetch_items(ids)

    def fetch_customers(self, customers: list[dict]) -> None:
        ids = [customer["id"] for customer in customers]
        self._orders_of = self._store.orders_of_customers(ids)
        self._cases_of = self._store.cases_of_customers(ids)
        self.fetch_items(order["id"] for found in self._orders_of.values() for order in found)

    def fetch_items(self, order_ids: Iterable[int]) -> None:
        self._items = self._store.items_of_orders(sorted(set(order_ids)))

    def events_of_case(self, case_id: int) -> list[dict]:
        found = self._events.get(case_id)
        return self._store.events_of_case(case_id) if found is None else found

    def orders_numbered(self, numbers: Iterable[str], mall: str | None = None) -> list[dict]:
        numbers = list(numbers)
        if mall is not None or any(number not in self._numbered for number in numbers):
            return self._store.orders_numbered(numbers, mall)
        return [order for number in numbers for order in self._numbered[number]]

    def items_of_orders(self, order_ids: Iterable[int]) -> dict[int, list[tuple]]:
        order_ids = list(order_ids)
        if any(order_id not in self._items for order_id in order_ids):
            return self._store.items_of_orders(order_ids)
        return {order_id: self._items[order_id] for order_id in order_ids}

    def orders_of_customer(self, customer_id: int, limit: int | None = None) -> list[dict]:
        found = self._orders_of.get(customer_id)
        if found is None:
            return self._store.orders_of_customer(customer_id, limit)
        return found[:limit] if limit else list(found)

    def cases_of_customer(self, customer_id: int) -> list[dict]:
        found = self._cases_of.get(customer_id)
        return self._store.cases_of_customer(customer_id) if found is None else found


def _write_jsonl(out: TextIO, records: Iterable[dict]) -> int:
    count = 0
    for record in records:
        line = json.dumps(record, ensure_ascii=False)
        for raw, escaped in LINE_BREAKS:
            if raw in line:
                line = line.replace(raw, escaped)
        out.write(line + "\n")
        count += 1
    return count


def csv_cell(value) -> str | int | float:
    """A value as a csv cell: numbers as numbers, true/false, '' for none, nested data as json,
    and a text a spreadsheet would run as a formula with a ' before it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _write_csv(
    out: TextIO,
    records: Iterable[dict],
    sections: tuple[str, ...],
    child_out: TextIO | None = None,
    child_key: str = "",
    link=None,
) -> int:
    """Each record a row (its sections left out), and each of its child_key list's items a row
    of child_out led by link(record). The header is the first row's keys."""
    import csv

    writer = csv.writer(out)
    child_writer = csv.writer(child_out) if child_out is not None else None
    header: list[str] | None = None
    child_header: list[str] | None = None
    count = 0
    for record in records:
        if header is None:
            header = [key for key in record if key not in sections]
            writer.writerow(header)
        writer.writerow([csv_cell(record[key]) for key in header])
        count += 1
        if child_writer is None:
            continue
        for child in record[child_key]:
            row = link(record) | child
            if child_header is None:
                child_header = list(row)
                child_writer.writerow(child_header)
            child_writer.writerow([csv_cell(row[key]) for key in child_header])
    return count


@contextmanager
def _written(
    folder: Path, names: tuple[str, ...], fmt: str, make_parent: bool
) -> Iterator[dict[str, TextIO]]:
    """Files open for writing, owner-only, under temporary names in folder (made owner-only if
    missing); renamed to names once all are whole and on disk. On any failure nothing is left:
    the temporary files, any file already renamed and the folders made are removed."""
    made: list[Path] = []
    temporary: dict[str, Path] = {}
    files: dict[str, TextIO] = {}
    finished: list[Path] = []
    try:
        for target in (folder.parent, folder) if make_parent else (folder,):
            if not target.exists():
                target.mkdir(mode=0o700)
                made.append(target)
                target.chmod(0o700)  # whatever the umask
        for name in names:
            remove_leftovers(folder, name)  # an export killed half-way into this folder
            path = folder / f".{name}.{os.getpid()}"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            temporary[name] = path
            os.fchmod(fd, 0o600)
            files[name] = open(  # noqa: SIM115 (closed below, or on failure)
                fd, "w", encoding="utf-8", newline="", errors="backslashreplace"
            )
            if fmt == "csv":
                files[name].write("\ufeff")  # the BOM tells Excel it is UTF-8 (an empty file too)
        yield files
        for handle in files.values():
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        for name, path in temporary.items():
            final = folder / name
            if os.path.lexists(final):
                raise ShopcareError(
                    f"{final} appeared while the export was written; nothing was kept",
                    "give --out a new folder",
                )
            os.rename(path, final)
            finished.append(final)
        sync_folder(folder)
    except BaseException as exc:
        for handle in files.values():
            with suppress(OSError):
                handle.close()
        for path in [*temporary.values(), *finished]:
            path.unlink(missing_ok=True)
        for target in reversed(made):
            with suppress(OSError):
                target.rmdir()
        if isinstance(exc, OSError):
            raise ShopcareError(
                f"cannot write the export in {folder}: {exc.strerror or exc}; nothing was kept",
                "give --out a folder you can write, with room for the export",
            ) from exc
        raise
