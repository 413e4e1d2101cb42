"""SQLite: the full-text index's queries (migration m009 made the index: its block comment
there gives the shape; search_index.py makes its rows)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from shopcare.store.sqlite.connect import batched, in_group, marks, tuples
from shopcare.store.sqlite.search_index import SECOND, current_texts, term_of


def _kinds() -> tuple[str, ...]:
    """The kinds of text, by their number in an entry (here, not at the top: every command
    opens the store, and only a search needs them)."""
    from shopcare.domain.search import FIELDS

    return FIELDS


class SearchQueries:
    """Mixed into SqliteStore; see store/api.py for what each method promises."""

    conn: sqlite3.Connection

    def search_index_hits(
        self, terms: Sequence[str], prefix: str | None, before: int | None, limit: int
    ) -> list[tuple[int, int, str]]:
        params: list = []
        if terms:
            # the first term's entries, newest case first (the primary key's order), each
            # looked up for the others
            first, *others = (term_of(gram) for gram in terms)
            sql = "SELECT entry FROM search_terms t WHERE term = ?"
            params.append(first)
            for term in others:
                sql += " AND EXISTS (SELECT 1 FROM search_terms WHERE term = ? AND entry = t.entry)"
                params.append(term)
        elif prefix is not None:  # every term that starts with the character
            low = ord(prefix) << SECOND
            sql = "SELECT DISTINCT entry FROM search_terms t WHERE term BETWEEN ? AND ?"
            params += [low, low | ((1 << SECOND) - 1)]
        else:
            raise ValueError("a search needs terms or a character")
        if before is not None:
            sql += " AND entry < ?"
            params.append(before)
        sql += " ORDER BY entry DESC LIMIT ?"
        params.append(limit)
        kinds = _kinds()
        return [
            (entry, entry >> 3, kinds[entry & 7]) for (entry,) in tuples(self.conn, sql, params)
        ]

    def search_counts(self, terms: Sequence[str], cap: int) -> list[int]:
        return [
            tuples(
                self.conn,
                "SELECT count(*) FROM (SELECT 1 FROM search_terms WHERE term = ? LIMIT ?) AS hits",
                [term_of(gram), cap],
            ).fetchone()[0]
            for gram in terms
        ]

    def search_index_kinds(
        self, terms: Sequence[str], case_ids: Sequence[int]
    ) -> list[tuple[int, str]]:
        first, *others = (term_of(gram) for gram in terms)
        sql = "SELECT entry FROM search_terms t WHERE term = ? AND entry IN ({})"
        for _ in others:
            sql += " AND EXISTS (SELECT 1 FROM search_terms WHERE term = ? AND entry = t.entry)"
        kinds = _kinds()
        entries = [(case_id << 3) | kind for case_id in case_ids for kind in range(len(kinds))]
        found: list[tuple[int, str]] = []
        for chunk in batched(entries):
            for (entry,) in tuples(self.conn, sql.format(marks(chunk)), [first, *chunk, *others]):
                found.append((entry >> 3, kinds[entry & 7]))
        return found

    def search_queued(self) -> list[tuple[int, str, str]]:
        # texts queued by the triggers, not split into the index yet (search_index.py); a mark
        # stands for the texts of its kind the case has now
        kinds = _kinds()
        queued = tuples(
            self.conn, "SELECT entry, text FROM search_queue WHERE id > 0 AND remove = 0"
        ).fetchall()
        current = current_texts(self.conn, [entry for entry, text in queued if not text])
        return [
            (entry >> 3, kinds[entry & 7], one)
            for entry, text in queued
            for one in ([text] if text else current[entry])
        ]

    def search_case_keys(
        self,
        case_ids: Sequence[int],
        *,
        statuses: Sequence[str] | None = None,
        category: str | None = None,
        category_group: str | None = None,
        since: str | None = None,
    ) -> dict[int, str]:
        where: list[str] = []
        params: list = []
        if statuses is not None:
            # || '': by id, not this column's index (SQLite's way to say so; PostgreSQL's too)
            where.append(f"status || '' IN ({marks(statuses)})")
            params += statuses
        if category is not None:
            where.append("category || '' = ?")
            params.append(category)
        if category_group is not None:
            clause, values = in_group("category || ''", category_group)
            where.append(clause)
            params += values
        if since is not None:
            where.append("received_at || '' >= ?")
            params.append(since)
        found: dict[int, str] = {}
        for chunk in batched(list(case_ids)):
            sql = f"SELECT id, received_at FROM cases WHERE id IN ({marks(chunk)})"
            found.update(tuples(self.conn, " AND ".join([sql, *where]), [*chunk, *params]))
        return found

    def search_case_texts(self, case_ids: Sequence[int]) -> list[dict]:
        found: list[dict] = []
        for chunk in batched(list(case_ids)):
            found += self.conn.execute(
                "SELECT c.id, c.received_at, c.status, c.category, c.summary, c.request,"
                " c.order_number, cu.name AS customer_name, cu.email AS customer_email"
                " FROM cases c LEFT JOIN customers cu ON cu.id = c.customer_id"
                f" WHERE c.id IN ({marks(chunk)})",
                chunk,
            ).fetchall()
        return found

    def search_event_texts(self, case_ids: Sequence[int]) -> list[tuple[int, str, str]]:
        found: list[tuple[int, str, str]] = []
        for chunk in batched(list(case_ids)):
            found += tuples(
                self.conn,
                "SELECT case_id, kind, text FROM events"
                f" WHERE case_id IN ({marks(chunk)}) AND kind IN ('message', 'note')"
                " ORDER BY case_id, at, id",
                chunk,
            ).fetchall()
        return found

    def search_item_names(self, case_ids: Sequence[int]) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        for chunk in batched(list(case_ids)):
            found += tuples(
                self.conn,
                "SELECT c.id, i.name FROM cases c JOIN orders o ON o.number = c.order_number"
                " AND (c.mall IS NULL OR o.mall = c.mall) JOIN order_items i ON i.order_id = o.id"
                f" WHERE c.id IN ({marks(chunk)}) ORDER BY c.id, i.id",
                chunk,
            ).fetchall()
        return found
