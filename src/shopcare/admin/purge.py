"""`shopcare purge --before DATE`: the personal data of cases closed before a date, erased for
real (SAFETY.md; Japan's Act on the Protection of Personal Information asks that personal data
no longer needed be erased without delay).

Erased, for each case closed before the date (and not purged before):
- the case's own texts: summary, request, cause, prevention, the last message, follow-up notes;
- its timeline's texts (messages, notes, replies, promises, remedy notes) and whatever the
  events' data held beyond what the numbers need (KEEP below);
- its stored mail (the message's bytes, sender, subject, references), its attachments' names,
  and each attachment's file where no mail kept has the same file; with them the stored mail
  that is on no case (auto-replies, bounces) from before the date;
- the customer's name and e-mail address, on the customer where no newer case or order needs
  them (every case of theirs closed before the date, no order from the date on), and on the
  orders: the case's own (where no case since shares it) and every order of an erased customer;
  and the case's tie to its customer (a customer kept for a newer case no longer shows it).
Kept: the case's dates, category, mall, priority, status and fault, its order number,
remedies' kinds and amounts, which template each reply used: what `report` counts. An order's
items, amounts and dates stay too (the shop's books: Japan's tax law keeps transaction
records seven years). Each purged case gets a `purged` event: what was erased, when, by whom."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from shopcare.clock import Actor, to_storage

if TYPE_CHECKING:
    from shopcare.store.api import Store

# what each kind of event keeps of its data: the figures and the timeline's shape, no words
KEEP: dict[str, tuple[str, ...]] = {
    "created": ("logged_at",),
    "status": ("from", "to"),
    "closed": ("from",),
    "assignment": ("from", "to"),  # operators, not customers
    "message": ("logged_by",),
    "note": ("category_guess",),
    "remedy": ("kind", "amount", "worth", "approved_by", "items"),
    "reply_sent": ("template", "lang"),
    "followup_done": ("fid",),
    "edited": ("field",),
    "purged": ("before", "erased", "customer_kept"),
}
# an edit of these keeps what it changed from and to: they are codes, not anyone's words
CODED_FIELDS = frozenset(("category", "priority", "fault", "mall", "status"))


@dataclass
class Plan:
    """What a purge erases (and --dry-run shows)."""

    before: datetime
    cases: list[dict]
    events: list[tuple] = field(default_factory=list)  # (id, case id, kind, text, data)
    customers: list[int] = field(default_factory=list)
    orders: list[int] = field(default_factory=list)
    mail: list[tuple[int, int | None]] = field(default_factory=list)  # (id, case id)
    attachments: list[tuple[int, str, bool]] = field(default_factory=list)

    @property
    def case_ids(self) -> list[int]:
        return [case["id"] for case in self.cases]

    @property
    def mail_ids(self) -> list[int]:
        return [mail_id for mail_id, _ in self.mail]

    @property
    def texts(self) -> int:
        """Timeline entries with words in them."""
        return sum(1 for event in self.events if event[3])

    @property
    def files(self) -> list[str]:
        """The attachment files to remove (by sha256): those no kept mail has."""
        return sorted({digest for _, digest, shared in self.attachments if not shared})

    def texts_by_case(self) -> dict[int, int]:
        """Each case's timeline entries with words in them."""
        texts: dict[int, int] = {}
        for _, case_id, _, text, _ in self.events:
            texts[case_id] = texts.get(case_id, 0) + bool(text)
        return texts

    def per_case(self) -> list[dict]:
        """Each case with what goes of it, for --dry-run."""
        texts = self.texts_by_case()
        erased = set(self.customers)
        return [
            case
            | {
                "texts": texts.get(case["id"], 0),
                "customer_erased": case["customer_id"] in erased,
            }
            for case in self.cases
        ]

    def totals(self) -> dict:
        return {
            "before": to_storage(self.before),
            "cases": len(self.cases),
            "texts": self.texts,
            "customers": len(self.customers),
            "orders": len(self.orders),
            "mail": len(self.mail),
            "attachment_files": len(self.files),
        }


def plan(store: Store, before: datetime) -> Plan:
    """What a purge before then would erase, read inside the caller's transaction."""
    moment = to_storage(before)
    cases = store.purge_cases(moment)
    ids = [case["id"] for case in cases]
    found = Plan(before, cases)
    if not ids:
        found.customers = store.purge_customers(store.customers_kept(), moment)
        found.orders = store.purge_orders([], found.customers, moment)
        found.mail = store.purge_mail([], moment)
        found.attachments = store.purge_attachments(found.mail_ids)
        return found
    found.events = store.purge_events(ids)
    candidates = [case["customer_id"] for case in cases if case["customer_id"] is not None]
    # with those an earlier purge kept for a newer case or order, which may be old now too
    found.customers = store.purge_customers([*candidates, *store.customers_kept()], moment)
    found.orders = store.purge_orders(ids, found.customers, moment)
    found.mail = store.purge_mail(ids, moment)
    found.attachments = store.purge_attachments(found.mail_ids)
    return found


def kept_data(kind: str, data: str | None) -> str | None:
    """An event's data with only what the numbers and the timeline's shape need."""
    if not data:
        return None
    try:
        values = json.loads(data)
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    keep = KEEP.get(kind, ())
    if kind == "edited" and values.get("field") in CODED_FIELDS:
        keep = (*keep, "from", "to")
    left = {key: values[key] for key in keep if key in values}
    return json.dumps(left, ensure_ascii=False) if left else None


def purge(store: Store, actor: Actor, before: datetime, day: str, home: Path) -> tuple[Plan, bool]:
    """Erase what plan() finds, in one transaction, and record it on each case; then remove
    the attachment files no kept mail has, and settle the database's files (day: the date
    as the user gave it, for the record). Returns the plan
    and whether the erased text is gone from the files already (a reader holding an old
    snapshot can keep SQLite's log from being emptied: the next checkpoint then does it)."""
    from shopcare.home import attachment_path, remove_leftovers

    with store.erasing():
        found = plan(store, before)
        if found.cases or found.mail or found.customers or found.orders:
            _erase(store, actor, found, day)
    if found.files:
        # under the write lock again: a mail taken since the purge committed, with the same
        # file, keeps it (taking a mail writes its files inside its own write)
        with store.write():
            kept = store.attachments_kept(found.files)
            for digest in found.files:
                if digest not in kept:
                    attachment_path(home, digest).unlink(missing_ok=True)
    folder = home / "attachments"
    if folder.is_dir():  # the partial copies a killed delivery left: no mail holds them
        for sub in folder.iterdir():
            if sub.is_dir():
                remove_leftovers(sub)
    erased = found.cases or found.mail or found.customers or found.orders
    return found, store.settle_erasure(full=bool(erased))


def _erase(store: Store, actor: Actor, found: Plan, day: str) -> None:
    from shopcare.domain.cases import record_event

    store.erase_cases(found.case_ids)
    store.erase_events([(event[0], kept_data(event[2], event[4])) for event in found.events])
    store.erase_customers(found.customers)
    store.erase_orders(found.orders)
    store.erase_mail(found.mail_ids)
    store.index_erased()
    erased_customers = set(found.customers)
    texts = found.texts_by_case()
    mails: dict[int | None, int] = {}
    for _, case_id in found.mail:
        mails[case_id] = mails.get(case_id, 0) + 1
    for case in found.cases:
        what = {
            "texts": texts.get(case["id"], 0),
            "mail": mails.get(case["id"], 0),
            "customer": case["customer_id"] in erased_customers,
        }
        data: dict = {"before": day, "erased": what}
        if case["customer_id"] is not None and not what["customer"]:
            data["customer_kept"] = case["customer_id"]  # looked at again by later purges
        record_event(store, case["id"], actor, "purged", _describe(what, day), data=data)


def _describe(what: dict, day: str) -> str:
    parts = [f"{what['texts']} texts of the timeline and the case's own"]
    if what["mail"]:
        parts.append(f"{what['mail']} stored mails")
    if what["customer"]:
        parts.append("the customer's name and e-mail address")
    return f"personal data erased (closed before {day}): " + ", ".join(parts)
