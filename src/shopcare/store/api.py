"""What the rest of shopcare may ask of a database. Everything above the store speaks to this
interface and to plain values: dicts of a row's columns, ints and strings, datetimes as the
clock's storage strings. A second database (PostgreSQL, for teams) is a second class with
the same methods; nothing above it changes.

The promises every implementation keeps:
- ids come from the database (an INTEGER PRIMARY KEY, an identity column), never max(id)+1;
- money is integer yen; booleans are the integers 0 and 1;
- `write()` is one transaction that takes the write lock before its first read, so that the
  reads that lead to a write see what no other writer can change before it commits;
- rows come back as dicts keyed by column name (the json field names the README documents).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol


class Store(Protocol):
    """One open database, for the length of one command."""

    def write(self) -> AbstractContextManager[None]:
        """One write transaction, with the reads that lead to it: committed at the end, rolled
        back on any error. A write opened inside another is part of it (one commit, at the
        end of the outer one): a mail taken in adds a case and a message as one."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """Many reads that see one moment of the database while others go on writing (SQLite:
        one read transaction; PostgreSQL: REPEATABLE READ, READ ONLY): an export's files agree
        with each other. Nothing may be written inside it."""
        ...

    def durable_commits(self) -> None:
        """From now on, each commit survives a power cut, not only a crash of the program: for
        what a mail system hands over and deletes once shopcare says it took it."""
        ...

    def close(self) -> None: ...

    def imported_holidays(self) -> list[tuple[str, str]]:
        """The holidays `calendar import-holidays` stored: (ISO date, name)."""
        ...

    # --- cases, events, customers (store/sqlite/cases.py) ---

    def case_row(self, case_id: int) -> dict | None:
        """A case's columns with its customer's name and e-mail address (customer_name,
        customer_email), or None if there is no such case."""
        ...

    def case_rows(
        self,
        *,
        statuses: tuple[str, ...] | list[str] | None = None,
        category: str | None = None,
        category_group: str | None = None,
        mall: str | None = None,
        order_numbers: list[str] | None = None,
        customer_email: str | None = None,
        assignee: str | None = None,
    ) -> Iterator[dict]:
        """The cases (rows as case_row's) that match every filter given, oldest received first,
        streamed; category_group matches the group's own code and every code under it."""
        ...

    def cases_of_customer(self, customer_id: int) -> list[dict]:
        """A customer's cases (rows as case_row's), newest received first."""
        ...

    def add_case(self, columns: dict) -> int:
        """A new case from these column values; its id, given by the database."""
        ...

    def update_case_columns(self, case_id: int, changes: dict) -> None:
        """Set these columns of a case to these values."""
        ...

    def add_event(
        self,
        case_id: int,
        at: str,
        kind: str,
        author: str,
        text: str | None = None,
        note_kind: str | None = None,
        due_at: str | None = None,
        amount: int | None = None,
        data: dict | None = None,
    ) -> int:
        """A new event on a case's append-only timeline (data: any json-able dict); its id."""
        ...

    def events_of_cases(self, case_ids: Sequence[int]) -> dict[int, list[dict]]:
        """case id -> its events as events_of_case gives them, for every id given."""
        ...

    def cases_of_customers(self, customer_ids: Sequence[int]) -> dict[int, list[dict]]:
        """customer id -> their cases as cases_of_customer gives them, for every id given."""
        ...

    def events_of_case(self, case_id: int) -> list[dict]:
        """A case's events, oldest first, with data as the dict it was stored as (or None)."""
        ...

    def drop_followup_marks(self, fids: list[str]) -> None:
        """Forget every done or snoozed mark of these follow-ups (s3, c3: a reopened case's)."""
        ...

    def end_snoozes_of_case(self, case_id: int) -> None:
        """Forget the snoozes (marks not done) of every follow-up of a case."""
        ...

    def customer_row(self, customer_id: int) -> dict | None:
        """A customer's id, email, name, lang and created_at, or None."""
        ...

    def customer_edits(self) -> Iterator[tuple]:
        """Every edit of a case (its timeline's 'edited' events): (the case's customer id,
        the event's data as json text), oldest first: the names and addresses a case had."""
        ...

    def all_customers(self) -> Iterator[dict]:
        """Every customer (as customer_row), by id, streamed."""
        ...

    def find_customer_by_email(self, email: str) -> dict | None:
        """The customer (as customer_row) with this normalised e-mail address, or None."""
        ...

    def add_customer(self, email: str | None, name: str | None, created_at: str) -> int:
        """A new customer; its id, given by the database."""
        ...

    def update_customer_columns(self, customer_id: int, changes: dict) -> None:
        """Set these columns of a customer (name, lang) to these values."""
        ...

    def case_customer_languages(self, case_ids: list[int]) -> dict[int, str]:
        """case id -> the language known for its customer; cases without one are left out."""
        ...

    def order_customer_languages(self, order_ids: list[int]) -> dict[int, str]:
        """order id -> the language known for its customer; orders without one are left out."""
        ...

    # --- orders and the importer (store/sqlite/orders.py) ---
    # An order's columns are named as the json interface names them (mall, number, customer_id,
    # customer_name, ..., accepts_marketing, imported_at, updated_at); an item is the tuple
    # (name, sku, quantity, unit price), and an order's items come in the export's order.

    def orders_numbered(self, numbers: list[str], mall: str | None = None) -> list[dict]:
        """Every order (all its columns, and its id) with one of these numbers (in this mall,
        if one is given)."""
        ...

    def all_orders(self) -> Iterator[dict]:
        """Every order (as orders_numbered's), by id, streamed."""
        ...

    def orders_of_customer(self, customer_id: int, limit: int | None = None) -> list[dict]:
        """A customer's orders (as orders_numbered's), newest first; at most limit of them."""
        ...

    def orders_of_customers(self, customer_ids: list[int]) -> dict[int, list[dict]]:
        """customer id -> their orders as orders_of_customer gives them, for every id given."""
        ...

    def items_of_orders(self, order_ids: list[int]) -> dict[int, list[tuple]]:
        """order id -> its items, for every id given (an order without items: [])."""
        ...

    def customers_by_email(self, emails: list[str]) -> dict[str, dict]:
        """email -> {id, email, name} of the customers with these normalised addresses."""
        ...

    def name_customers(self, names: dict[int, str]) -> None:
        """Give these customers (customer id -> name) their names."""
        ...

    def add_customers(self, customers: dict[str, str | None], created_at: str) -> dict[str, int]:
        """New customers (email -> name or None); email -> the id the database gave each."""
        ...

    def add_orders(
        self,
        mall: str,
        columns: list[str] | tuple[str, ...],
        orders: list[tuple],
        items: list[list[tuple]],
    ) -> None:
        """New orders of one mall, each (number, *its values of columns), with their items at
        the same places in items; their ids are the database's."""
        ...

    def update_order(self, order_id: int, changes: dict) -> None:
        """Set these columns of an order to these values."""
        ...

    def replace_order_items(self, order_id: int, items: list[tuple]) -> None:
        """An order's items, from now on these."""
        ...

    # --- follow-up marks, remedies, holidays (store/sqlite/followups.py) ---
    # The follow-up list's candidates come as plain tuples, streamed, in the order of the
    # columns named: a large shop's overdue list reads tens of thousands of them. The caller
    # only iterates them (SQLite's store hands over its cursor, so no Python runs per row).

    def open_case_clocks(self, statuses: list[str] | tuple[str, ...]) -> Iterator[tuple]:
        """Cases in these statuses: (id, status, awaiting_reply_since, received_at,
        paused_seconds, mall, priority, summary, customer name, channel, category,
        last_message, undelivered_at)."""
        ...

    def promises_on_open_cases(self, due_by: str) -> Iterator[tuple]:
        """Promises due by then on cases not closed: (event id, case id, due_at, text,
        customer name)."""
        ...

    def resolved_cases(self, resolved_by: str) -> Iterator[tuple]:
        """Cases resolved (and still so) by then: (id, resolved_at, summary, customer name)."""
        ...

    def aftercare_orders(
        self,
        delivered: tuple[str, str],
        shipped: tuple[str, str],
        *,
        marketing_only: bool = False,
        order_id: int | None = None,
    ) -> Iterator[tuple]:
        """Orders delivered within the delivered range, and orders not delivered but shipped
        within the shipped range (ranges inclusive), with no case open on the order nor any
        open case of its customer: (id, number, delivered_at, shipped_at, customer name,
        status); marketing_only: only those whose customer accepted marketing mail."""
        ...

    def promise_case(self, event_id: int) -> tuple[int, str] | None:
        """The case a promise (its event id) is on, and that case's status; None if none."""
        ...

    def order_exists(self, order_id: int) -> bool:
        """Whether an order of this id is stored."""
        ...

    def count_followup_marks(self) -> int:
        """How many follow-ups carry a done or snoozed mark."""
        ...

    def followup_marks(self, fids: list[str] | None = None) -> Iterator[tuple]:
        """(fid, done_at, snoozed_until) of these follow-ups' marks; of every mark for None."""
        ...

    def followup_done_at(self, fid: str) -> str | None:
        """When a follow-up was marked done (a storage string), or None."""
        ...

    def mark_followup_done(
        self, fid: str, case_id: int | None, at: str, note: str | None, author: str
    ) -> None:
        """Mark a follow-up done, replacing any mark it had."""
        ...

    def snooze_followup(
        self, fid: str, case_id: int | None, until: str, at: str, author: str
    ) -> None:
        """Snooze a follow-up until then, replacing any mark it had."""
        ...

    def count_orders_of_customer(self, customer_id: int) -> int:
        """How many orders a customer has placed."""
        ...

    def remedy_totals(self, case_id: int) -> tuple[int, int]:
        """What a case's recorded remedies come to in yen: (refunded, worth)."""
        ...

    def remedy_precedents(
        self, category: str, fault: str, case_id: int, received_by: str, limit: int
    ) -> list[dict]:
        """Remedies of other cases of this category and fault received by then, newest first:
        dicts of case_id, received_at, kind, amount."""
        ...

    def replace_holidays(
        self, years: list[int], holidays: list[tuple[str, str]], imported_at: str
    ) -> None:
        """Replace the imported holidays of these years with these (ISO date, name)."""
        ...

    # --- what drafts read (store/sqlite/replies.py) ---

    def cases_for_drafts(self, case_ids: list[int]) -> list[dict]:
        """Those of these cases that exist: their fields, customer_name and customer_email; a
        field without a value (NULL) is left out."""
        ...

    def events_for_drafts(self, case_ids: list[int], kinds: list[str]) -> list[dict]:
        """These cases' events of these kinds, oldest first: case_id, kind, text, due_at, data."""
        ...

    def orders_for_drafts(self, numbers: list[str]) -> dict[str, list[dict]]:
        """The imported orders with these numbers, with their items: number -> [orders]. An
        order's field without a value is left out (an item's is None)."""
        ...

    def order_for_draft(self, order_id: int) -> dict | None:
        """The imported order with this id, with its items (as orders_for_drafts gives each);
        None if there is none."""
        ...

    # --- mail taken in and sent (store/sqlite/mail.py) ---

    def mail_by_message_id(self, message_id: str) -> dict | None:
        """The mail (in or out) with this Message-ID, without its raw bytes, or None."""
        ...

    def mail_of_event(self, event_id: int) -> dict | None:
        """The mail a timeline event holds, with its raw bytes (raw), or None."""
        ...

    def add_mail(self, columns: dict) -> int:
        """A mail taken in or sent (columns: message_id, direction 'in' or 'out', case_id,
        event_id, action, at, sender, subject, refs, raw bytes); its id."""
        ...

    def add_attachments(self, mail_id: int, files: list[tuple[str, str, int, str]]) -> None:
        """The files attached to a mail: (name, content type, size, sha256)."""
        ...

    def attachments_of_mail(self, mail_id: int) -> list[dict]:
        """A mail's attachments (name, content_type, size, sha256), in the message's order."""
        ...

    def mark_mail_undelivered(self, mail_id: int, at: str) -> None:
        """A mail we sent came back (a bounce): when, unless it was marked already."""
        ...

    def latest_mail_in(self, case_id: int) -> dict | None:
        """The customer's latest message on a case that came by mail (a reply threads to it)."""
        ...

    def replies_sent_since(self, case_id: int, since: str) -> list[dict]:
        """The replies recorded as sent on a case at or after since (id, at, author, text)."""
        ...

    def open_cases_of_customer(self, customer_id: int, statuses: list[str]) -> list[int]:
        """The ids of a customer's cases in these statuses, newest received first."""
        ...

    def update_mail(self, mail_id: int, changes: dict) -> None:
        """Set these columns of a mail row (a reply being sent becomes sent)."""
        ...

    def drop_mail(self, mail_id: int) -> None:
        """Forget a mail row and its attachments' rows: a reply whose sending failed."""
        ...

    def mail_sending(self, case_id: int, since: str) -> list[dict]:
        """Replies on a case being sent right now (claimed at or after since, not yet sent)."""
        ...

    # --- report (store/sqlite/report.py) ---
    # Periods are [start, end) as storage strings; times come back as Unix seconds (ints), and
    # rows as plain tuples in the order of the columns named.

    def report_cases_in(self, start: str, end: str) -> list[tuple]:
        """The cases received, first replied to or first resolved in the period, in no order:
        (id, received_at, first_reply_at, first_resolved_at, mall, priority, category, waiting
        since (an unresolved case waiting now, else None), paused_seconds, customer_reopened)."""
        ...

    # The report's per-day summaries (reports/days.py): kept by SQLite, whose triggers drop a
    # day's row when a case in it changes; PostgreSQL keeps none.
    keeps_report_days: bool

    def report_days(self, key: str, low: int, high: int) -> list[tuple]:
        """The summaries of the days starting in [low, high) (Unix seconds) worked out under
        key; none when the stored ones were worked out under another key."""
        ...

    def report_days_write(self) -> AbstractContextManager[bool]:
        """A write transaction to store summaries in (True), or, where another command holds
        the write lock for more than a moment, none (False: store nothing)."""
        ...

    def save_report_days(self, key: str, rows: list[tuple]) -> None:
        """Store these days' summaries (inside a write), all others dropped if they were
        worked out under another key."""
        ...

    def report_span(self) -> tuple[int, int] | None:
        """The earliest and the latest time any case was received, first replied to or first
        resolved (Unix seconds); None without cases."""
        ...

    def report_open_before(self, moment: str) -> int:
        """Cases received before moment less those received and first resolved (or closed)
        before it."""
        ...

    def report_reopened_history(self, start: str, end: str) -> list[tuple]:
        """The status changes of the cases first resolved before end and opened again since (by
        anyone), leaving out those resolved or closed for good before start; by case and time:
        (case id, at, the status it went to: closed for a closing)."""
        ...

    def report_remedies(self, start: str, end: str) -> list[tuple]:
        """Remedies recorded in the period, oldest first: (at, case id, the case's category,
        kind, worth in yen or None where unknown, 1 if someone approved it else 0)."""
        ...

    def report_satisfaction_checks(self, start: str) -> list[tuple]:
        """Satisfaction checks sent (replies marked sent from the satisfaction_check template)
        from start on: (at, case id)."""
        ...

    def report_messages(self, start: str, end: str, limit: int) -> list[tuple]:
        """The customers' messages written in the period, newest first, at most limit of them:
        (case id, text)."""
        ...

    # --- search (store/sqlite/search.py) ---
    # The full-text index holds, for each case, every text a search reads (summary, request,
    # messages, notes, the customer's name and e-mail address, the order number, the order's
    # items), as the bigrams of its index form (domain/search.py fold), and is kept current by
    # the database itself. It narrows the candidates; domain/search.py checks each in its texts.

    def search_index_hits(
        self, terms: Sequence[str], prefix: str | None, before: int | None, limit: int
    ) -> list[tuple[int, int, str]]:
        """The kinds of text of each case that hold every one of these terms (domain/search.py
        grams: the first is looked up, the others checked, so the rarest first is fastest),
        or, with no terms, a word that starts with the character prefix; newest case first, at
        most limit of them, from after position before (None: from the start): (position,
        case id, the kind of text, one of domain/search.py's FIELDS)."""
        ...

    def search_counts(self, terms: Sequence[str], cap: int) -> list[int]:
        """For each term, how many kinds of text of cases hold it, counting to cap at most."""
        ...

    def search_index_kinds(
        self, terms: Sequence[str], case_ids: Sequence[int]
    ) -> list[tuple[int, str]]:
        """The kinds of text of these cases that hold every one of these terms (as
        search_index_hits): (case id, kind)."""
        ...

    def search_queued(self) -> list[tuple[int, str, str]]:
        """The texts queued for the index, which it does not hold yet: (case id, the kind of
        text, text)."""
        ...

    def search_case_keys(
        self,
        case_ids: Sequence[int],
        *,
        statuses: Sequence[str] | None = None,
        category: str | None = None,
        category_group: str | None = None,
        since: str | None = None,
    ) -> dict[int, str]:
        """id -> received_at of those of these cases that pass every filter given (in these
        statuses, of this category or of every code in this group, received at or after
        since)."""
        ...

    def search_case_texts(self, case_ids: Sequence[int]) -> list[dict]:
        """These cases' id, received_at, status, category, summary, request, order_number,
        customer_name and customer_email (None where there is none)."""
        ...

    def search_event_texts(self, case_ids: Sequence[int]) -> list[tuple[int, str, str]]:
        """These cases' messages and notes, each case's oldest first: (case id, 'message' or
        'note', text)."""
        ...

    def search_item_names(self, case_ids: Sequence[int]) -> list[tuple[int, str]]:
        """The names of the items of the orders these cases name: (case id, name)."""
        ...

    # --- the database as a whole: `db info` and `db copy` (store/tables.py lists the tables) ---

    kind: str  # "sqlite" | "postgres"

    def schema_version(self) -> str:
        """The name of the last migration applied (the same names on both databases)."""
        ...

    def table_counts(self) -> dict[str, int]:
        """Each shop table's row count, in store/tables.py's order."""
        ...

    def table_columns(self, table: str) -> list[str]: ...

    def table_rows(self, table: str, columns: list[str]) -> Iterator[tuple]:
        """Every row of a shop table, these columns, in the order of its key."""
        ...

    def insert_rows(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        """Rows written as they are, ids included, inside the caller's write."""
        ...

    def backup_into(self, target: Path) -> list[str]:
        """SQLite: one consistent snapshot of the database written into target (an empty file),
        while other commands go on writing; what SQLite's integrity check of the copy found
        (["ok"] when sound)."""
        ...

    def finish_copy(self) -> None:
        """After a copy, inside its write: what the database keeps beside the rows brought up
        to date (PostgreSQL's id sequences, SQLite's search index)."""
        ...

    # --- purge: personal data erased from cases closed before a date (store/sqlite/purge.py) ---

    def purge_cases(self, before: str) -> list[dict]:
        """The cases closed before then and not purged yet, oldest id first: id, closed_at,
        category, customer_id, customer_name."""
        ...

    def purge_events(self, case_ids: Sequence[int]) -> list[tuple]:
        """These cases' timelines: (event id, case id, kind, text, data as json text)."""
        ...

    def purge_customers(self, customer_ids: Sequence[int], before: str) -> list[int]:
        """Of these customers, those with a name or address stored that nothing needs any
        longer: every case of theirs closed before then, no order of theirs from then on."""
        ...

    def purge_orders(
        self, case_ids: Sequence[int], customer_ids: Sequence[int], before: str
    ) -> list[int]:
        """The orders with a customer's name, address or tracking number stored that go with
        them: those of these cases, and every order of these customers, that no case open or
        closed since then shares."""
        ...

    def purge_mail(self, case_ids: Sequence[int], before: str) -> list[tuple[int, int | None]]:
        """The stored mail not yet erased of these cases, and that on no case stored before
        then (auto-replies, bounces): (id, case id)."""
        ...

    def purge_attachments(self, mail_ids: Sequence[int]) -> list[tuple[int, str, bool]]:
        """These mails' attachments: (id, sha256, whether a mail outside them has the same
        file)."""
        ...

    def attachments_kept(self, digests: Sequence[str]) -> set[str]:
        """Of these attachment files (sha256), those a stored mail not erased still has."""
        ...

    def customers_kept(self) -> list[int]:
        """The customers earlier purges kept for a newer case or order (to look at again)."""
        ...

    def erasing(self) -> AbstractContextManager[None]:
        """One write in which the erase_* methods may change the append-only timeline (the
        only one), erasing for real: the database's guard on the timeline is back before it
        commits, and nothing changed if it fails."""
        ...

    def erase_cases(self, case_ids: Sequence[int]) -> None:
        """The cases' own texts erased (summary, request, cause, prevention, last message,
        follow-up notes), the cases no longer tied to their customer, and their timelines'
        texts taken out of the search index."""
        ...

    def erase_events(self, kept: Sequence[tuple[int, str | None]]) -> None:
        """Each event's text erased and its data replaced: (event id, data as json or None)."""
        ...

    def erase_customers(self, customer_ids: Sequence[int]) -> None: ...

    def erase_orders(self, order_ids: Sequence[int]) -> None:
        """The customer's name and address and the tracking number on these orders erased."""
        ...

    def erase_mail(self, mail_ids: Sequence[int]) -> None:
        """The stored messages' bytes, sender, subject and references erased, and their
        attachments' names."""
        ...

    def index_erased(self) -> None:
        """The search index brought up to the erasure, inside its write."""
        ...

    def settle_erasure(self, full: bool = True) -> bool:
        """After the erasing write: the erased text gone from the database's files (SQLite:
        its log checkpointed into the file and emptied; PostgreSQL, where full (something was
        erased): the tables vacuumed). False where another session kept it from finishing
        within a few seconds."""
        ...


Rows = Iterator[dict]
