"""SQLite: the full-text index's own writes (migration m009 made the index; its block comment
there gives the shape): how a text becomes rows of search_terms, the texts the triggers queued
split into them (by the write that fills the queue), and the whole index filled for a home's
texts. Kept apart from search.py's queries so that the migration can use it (search.py imports
connect.py, which imports the migrations)."""

from __future__ import annotations

import sqlite3

SECOND = 21  # a pair: (first character << 21) | second character (0: a word's last alone)
_FILL_CHUNK = 200_000  # terms written to the fill's scratch table at a time
_FOUR = 1 << 42  # a run of four ASCII characters: _FOUR | (a << 21) | (b << 14) | (c << 7) | d


def term_of(gram: str) -> int:
    """The index's term for a gram (domain/search.py index_terms): a pair of characters, a
    word's last character alone, or a run of four ASCII letters and digits."""
    if len(gram) == 4:
        a, b, c, d = map(ord, gram)
        return _FOUR | (a << 21) | (b << 14) | (c << 7) | d
    return (ord(gram[0]) << SECOND) | (ord(gram[1]) if len(gram) > 1 else 0)


_TERMS: dict[str, int] = {}  # gram -> term, for the grams met (a shop's texts repeat them)


def _terms(text: str) -> list[int]:
    # here, not at the top: every command opens the store, few write to the index
    from shopcare.domain.search import index_terms

    known = _TERMS
    return [known.get(gram) or known.setdefault(gram, term_of(gram)) for gram in index_terms(text)]


def _rows(conn: sqlite3.Connection, sql: str, params: list | tuple = ()) -> sqlite3.Cursor:
    """Rows as tuples, whatever the connection's row factory."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


# Texts queued before they are split into the index. A text's terms land all over the index
# (a page of the table each, nearly): entered one write at a time, a mail's 150 terms made a
# commit write 150 pages, and 10,000 mails taken in one by one took 27 s instead of 8. The
# queue is read as it is by a search (a real substring check of each text), and emptied into
# the index, in one sorted pass, by the write that fills it to this many texts. The more texts
# a pass takes, the fewer of the index's pages each text costs: 10,000 mails took 12.5 s with
# passes of 500 texts and 11 s with passes of 2,000 (each mail is three or four texts), while
# a search reads 2,000 queued texts in about a millisecond.
QUEUE_LIMIT = 2000


# a mark (an entry with no text): the texts of its kind its case has now, for cases IN (...)
_CURRENT = (
    "SELECT id, summary FROM cases WHERE id IN ({})",
    "SELECT id, request FROM cases WHERE id IN ({})",
    "SELECT case_id, text FROM events WHERE case_id IN ({}) AND kind = 'message'",
    "SELECT case_id, text FROM events WHERE case_id IN ({}) AND kind = 'note'",
    "SELECT c.id, cu.name FROM cases c JOIN customers cu ON cu.id = c.customer_id"
    " WHERE c.id IN ({})",
    "SELECT c.id, cu.email FROM cases c JOIN customers cu ON cu.id = c.customer_id"
    " WHERE c.id IN ({})",
    "SELECT id, order_number FROM cases WHERE id IN ({})",
    "SELECT c.id, i.name FROM cases c JOIN orders o ON o.number = c.order_number"
    " AND (c.mall IS NULL OR o.mall = c.mall) JOIN order_items i ON i.order_id = o.id"
    " WHERE c.id IN ({})",
)
_BATCH = 500  # values in one IN (...)


def current_texts(conn: sqlite3.Connection, entries: list[int]) -> dict[int, list[str]]:
    """entry -> the texts it stands for now (marks', when the queue is emptied or read)."""
    found: dict[int, list[str]] = {entry: [] for entry in entries}
    for kind, query in enumerate(_CURRENT):
        cases = sorted({entry >> 3 for entry in found if entry & 7 == kind})
        for start in range(0, len(cases), _BATCH):
            chunk = cases[start : start + _BATCH]
            marks = ", ".join("?" for _ in chunk)
            for case_id, text in _rows(conn, query.format(marks), chunk):
                if text:
                    found[(case_id << 3) | kind].append(text)
    return found


def index_queued(conn: sqlite3.Connection, when_full: bool = True) -> None:
    """Split the texts the triggers queued into the index's terms, in the caller's transaction
    and in the order they were queued (an entry's terms taken out before others enter it):
    once QUEUE_LIMIT are queued, or at once if not when_full."""
    if when_full:
        (count,) = _rows(conn, "SELECT count(*) FROM search_queue WHERE id > 0").fetchone()
        if count < QUEUE_LIMIT:
            return
    queued = _rows(
        conn, "SELECT id, entry, text, remove FROM search_queue WHERE id > 0 ORDER BY id"
    ).fetchall()
    if not queued:
        return
    # marks are read before the queue's changes are made: a mark's texts go in where it stands
    current = current_texts(conn, [entry for _, entry, text, _ in queued if not text])
    rows: list[tuple[int, int]] = []
    removing = False
    for _, entry, text, remove in queued:
        if bool(remove) != removing:
            _write(conn, rows, removing)
            rows, removing = [], bool(remove)
        for one in [text] if text else current[entry]:
            rows += [(term, entry) for term in _terms(one)]
    _write(conn, rows, removing)
    conn.execute("DELETE FROM search_queue WHERE id <= ?", [queued[-1][0]])


def _write(conn: sqlite3.Connection, rows: list[tuple[int, int]], remove: bool) -> None:
    if not rows:
        return
    rows = sorted(set(rows))  # a case's messages share an entry, and many of their terms
    if remove:
        conn.executemany("DELETE FROM search_terms WHERE term = ? AND entry = ?", rows)
    else:
        conn.executemany(
            "INSERT INTO search_terms (term, entry) VALUES (?, ?) ON CONFLICT DO NOTHING", rows
        )


# every text a search reads, with its entry: (case id << 3) | its kind (the order of FIELDS)
_TEXTS = (
    "SELECT id << 3, summary FROM cases WHERE summary <> ''",
    "SELECT (id << 3) | 1, request FROM cases WHERE request <> ''",
    "SELECT (id << 3) | 6, order_number FROM cases WHERE order_number <> ''",
    "SELECT (c.id << 3) | 4, cu.name FROM cases c JOIN customers cu ON cu.id = c.customer_id"
    " WHERE cu.name <> ''",
    "SELECT (c.id << 3) | 5, cu.email FROM cases c JOIN customers cu ON cu.id = c.customer_id"
    " WHERE cu.email <> ''",
    "SELECT (case_id << 3) | CASE kind WHEN 'message' THEN 2 ELSE 3 END, text FROM events"
    " WHERE kind IN ('message', 'note') AND text <> ''",
    "SELECT (c.id << 3) | 7, i.name FROM cases c JOIN orders o ON o.number = c.order_number"
    " AND (c.mall IS NULL OR o.mall = c.mall) JOIN order_items i ON i.order_id = o.id"
    " WHERE i.name <> ''",
)


def fill_index(conn: sqlite3.Connection) -> None:
    """Enter every text already stored (migration m009, on an older home): the terms go to a
    scratch table as they are made, then into the index in its own order, one pass."""
    conn.execute("CREATE TEMP TABLE search_fill (term INTEGER NOT NULL, entry INTEGER NOT NULL)")
    rows: list[tuple[int, int]] = []
    for sql in _TEXTS:
        for entry, text in _rows(conn, sql):
            rows += [(term, entry) for term in _terms(text)]
            if len(rows) >= _FILL_CHUNK:
                conn.executemany("INSERT INTO search_fill (term, entry) VALUES (?, ?)", rows)
                rows = []
    conn.executemany("INSERT INTO search_fill (term, entry) VALUES (?, ?)", rows)
    conn.execute(
        "INSERT INTO search_terms (term, entry) SELECT term, entry FROM search_fill"
        " WHERE true ORDER BY term, entry ON CONFLICT DO NOTHING"
    )
    conn.execute("DROP TABLE search_fill")
