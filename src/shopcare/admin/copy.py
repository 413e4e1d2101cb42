"""`db copy`: a shop's whole database into an empty one, SQLite or PostgreSQL, either way.

Every shop table is copied row for row, ids included, in the order their references need
(store/tables.py), inside one write of the target: a copy that fails leaves the target as it
was. The target must hold no shop; both must be at the same schema version (opening the
target migrates it first). Afterwards each table's count must match the source's, or nothing
is kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shopcare.errors import ShopcareError
from shopcare.store.tables import SHOP_TABLES, TABLES

if TYPE_CHECKING:
    from shopcare.store.api import Store

CHUNK = 1000  # rows written at a time


class CountsDiffer(ShopcareError):
    pass


def holds_shop(counts: dict[str, int]) -> bool:
    return any(counts[table] for table in SHOP_TABLES)


def copy_shop(source: Store, target: Store, shown_target: str) -> dict[str, int]:
    """Copy every table of source into target; each table's count, as checked on both."""
    source_version, target_version = source.schema_version(), target.schema_version()
    if source_version != target_version:
        raise ShopcareError(
            f"the two databases are at different schema versions ({source_version} and"
            f" {target_version})",
            "run a command of this shopcare on each first, so that both are up to date",
        )
    # the source's write lock held throughout: what is read is one moment of the shop, and no
    # operator's write slips in between the rows and the counts
    with source.write(), target.write():
        counts = source.table_counts()
        if holds_shop(target.table_counts()):
            raise ShopcareError(
                f"{shown_target} already holds a shop: db copy writes only into an empty database",
                "give a new database (createdb ..., or a file that does not exist yet)",
            )
        for table in TABLES:
            columns = source.table_columns(table)
            if set(columns) != set(target.table_columns(table)):
                raise ShopcareError(
                    f"the table {table} has other columns in {shown_target}",
                    "is it a shopcare database of this version?",
                )
            _copy_table(source, target, table, columns)
        target.finish_copy()
        copied = target.table_counts()
        wrong = [t for t in TABLES if copied[t] != counts[t]]
        if wrong:  # raised inside the write: nothing is kept
            raise CountsDiffer(
                "the copy's counts differ from the source's: "
                + ", ".join(f"{t} {copied[t]} of {counts[t]}" for t in wrong)
                + "; nothing was kept"
            )
    return counts


def _copy_table(source: Store, target: Store, table: str, columns: list[str]) -> None:
    rows: list[tuple] = []
    for row in source.table_rows(table, columns):
        rows.append(row)
        if len(rows) >= CHUNK:
            target.insert_rows(table, columns, rows)
            rows = []
    if rows:
        target.insert_rows(table, columns, rows)
