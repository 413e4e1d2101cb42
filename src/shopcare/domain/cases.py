"""Cases and their timeline: the core of the case log, free of the CLI.

Every change is an event on the case's append-only timeline. Each function
that writes runs in one transaction: all of it is stored, or none of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from shopcare.clock import Actor, from_storage, to_local_short, to_storage
from shopcare.domain.cardmask import mask_cards, mask_value
from shopcare.domain.casefields import CLOCK_KEYS
from shopcare.domain.categories import Categories
from shopcare.domain.customers import LANGS, find_or_add_customer, normalise_email, note_language
from shopcare.domain.malls import MALLS
from shopcare.errors import NotFound, ShopcareError, breaks_line, check_choice

if TYPE_CHECKING:
    from shopcare.domain.calendar import ShopCalendar
    from shopcare.store.api import Store

CHANNELS = ("email", "mall", "phone", "chat", "review", "form")
PRIORITIES = ("high", "normal", "low")
STATUSES = ("new", "open", "waiting", "resolved", "closed")
FAULTS = ("shop", "carrier", "maker", "customer", "unknown")
NOTE_KINDS = ("fact", "decision", "contact", "internal")
EDITABLE = (
    "category",
    "priority",
    "fault",
    "request",
    "mall",
    "channel",
    "order_number",
    "customer_email",
    "customer_name",
    "lang",
)

# A clock a little fast on the customer's side is no reason to refuse a case.
_FUTURE_TOLERANCE = timedelta(minutes=5)

# what the json interface leaves out: the clocks' and the report's own columns
# (domain/casefields.py), and the customer's row id (the database's, not the interface's:
# customer_email and customer_name name the customer)
INTERNAL_KEYS = CLOCK_KEYS | {"customer_id"}

CUSTOMER_AUTHOR = "customer"  # the author of a customer's message on the timeline
# What the case list shows unless --status says otherwise: all but closed.
OPEN_WORK = ("new", "open", "waiting", "resolved")


class Written(NamedTuple):
    """What a write produced: the id, and the fields in which card numbers were masked."""

    id: int
    masked: list[str] | tuple = ()
    notices: list[str] | tuple = ()
    event: int | None = None  # the timeline event written, where one matters to the caller


class NewCase(NamedTuple):
    summary: str
    received_at: datetime | None = None
    channel: str = "email"
    mall: str | None = None
    order_number: str | None = None
    customer_name: str | None = None
    customer_email: str | None = None
    category: str = "other"
    priority: str | None = None
    request: str | None = None
    fault: str = "unknown"
    assignee: str | None = None
    lang: str | None = None  # the customer's language (ja, en): replies use it


class _Masker:
    """Masks card numbers in each text and remembers which fields held one."""

    def __init__(self) -> None:
        self.fields: list[str] = []

    def __call__(self, name: str, text: str | None) -> str | None:
        if text is None:
            return None
        masked, count = mask_cards(text)
        if count:
            self.fields.append(name)
        return masked


def _required_text(what: str, text: str | None) -> str:
    if text is None or not text.strip():
        raise ShopcareError(
            f"the {what} is empty", f"give the {what} as text, or - to read it from standard input"
        )
    return text.strip()


def _one_line(what: str, text: str | None) -> str | None:
    """A value that goes into mail headers and subjects: a line break there is refused (every
    one Python's str.splitlines knows: CR, LF, \v, \f, \x1c-\x1e, U+0085, U+2028, U+2029)."""
    if text is not None and breaks_line(text):
        raise ShopcareError(f"the {what} holds a line break", f"give the {what} on one line")
    return text


def _optional_text(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip() or None


def record_event(
    store: Store,
    case_id: int,
    actor: Actor,
    kind: str,
    text: str | None = None,
    *,
    at: datetime | None = None,
    note_kind: str | None = None,
    due_at: datetime | None = None,
    amount: int | None = None,
    data: dict | None = None,
) -> int:
    """An event on a case's timeline, inside the caller's transaction; its id."""
    # the last door into the timeline: whatever a caller passes, no card number gets through
    text, data = mask_value(text), mask_value(data) if data else data
    return store.add_event(
        case_id,
        to_storage(at or actor.now),
        kind,
        actor.author,
        text,
        note_kind,
        to_storage(due_at) if due_at else None,
        amount,
        data or None,
    )


def _clock_changes(case: dict, new_status: str, now: datetime) -> dict:
    """The clock columns a status change moves: time paused while waiting, when it was resolved."""
    changes: dict = {"status": new_status}
    stamp = to_storage(now)
    if case["status"] == "waiting" and case["paused_since"]:
        paused = (now - from_storage(case["paused_since"])).total_seconds()
        changes["paused_seconds"] = (case["paused_seconds"] or 0) + max(0, int(paused))
        changes["paused_since"] = None
    if new_status == "waiting":
        changes["paused_since"] = stamp
    changes["resolved_at"] = stamp if new_status == "resolved" else None
    if new_status != "closed":
        changes["closed_at"] = None
    # the report's times: the first resolution (resolved or closed), the last reopening
    settled = ("resolved", "closed")
    if new_status in settled and not case["first_resolved_at"]:
        changes["first_resolved_at"] = stamp
    elif case["status"] in settled and new_status not in settled:
        changes["last_reopened_at"] = stamp
    return changes


def _move(
    store: Store, case: dict, actor: Actor, new_status: str, text: str | None, **more
) -> None:
    """A status change: on the timeline, with the clock columns it moves."""
    record_event(
        store, case["id"], actor, "status", text, data={"from": case["status"], "to": new_status}
    )
    if case["status"] in ("resolved", "closed"):  # reopened: earlier checks no longer stand
        store.drop_followup_marks([f"s{case['id']}", f"c{case['id']}"])
    update_case(store, case["id"], actor, **(_clock_changes(case, new_status, actor.now) | more))


def update_case(store: Store, case_id: int, actor: Actor, **changes) -> None:
    changes = {name: mask_value(value) for name, value in changes.items()}
    changes["updated_at"] = to_storage(actor.now)
    store.update_case_columns(case_id, changes)


def _not_future(what: str, moment: datetime, actor: Actor) -> None:
    if moment > actor.now + _FUTURE_TOLERANCE:
        raise ShopcareError(
            f"{what} is in the future",
            "give a time that has already passed, or leave it out for now",
        )


def add_case(store: Store, actor: Actor, new: NewCase, categories: Categories) -> Written:
    """Log a complaint or inquiry; its received time starts the reply clock."""
    mask = _Masker()
    summary = mask("summary", _required_text("summary", new.summary))
    category = categories.get(new.category)
    check_choice("channel", new.channel, CHANNELS)
    if new.mall is not None:
        check_choice("mall", new.mall, MALLS)
    check_choice("fault", new.fault, FAULTS)
    if new.lang is not None:
        check_choice("language", new.lang, LANGS)
    priority = new.priority or category.default_priority
    check_choice("priority", priority, PRIORITIES)
    received_at = new.received_at or actor.now
    _not_future("the received time", received_at, actor)
    email = mask("e-mail", normalise_email(new.customer_email)) if new.customer_email else None
    name = mask("customer", _optional_text(new.customer_name))
    request = mask("request", _optional_text(new.request))
    order_number = mask("order", _one_line("order number", _optional_text(new.order_number)))
    assignee = mask("assignee", _optional_text(new.assignee))
    mall = new.mall
    notices: list[str] = []
    order_customer = None
    stamp = to_storage(actor.now)
    with store.write():  # the order and the customer it finds are read under the write lock
        if order_number:
            from shopcare.domain.orders import find_order

            order = find_order(store, order_number, mall)
            if order is None:
                notices.append(
                    f"order {order_number} is not imported yet: the case keeps the number, and case show finds the order once its export is imported"
                )
            else:
                order_number = order["number"]  # as the mall writes it (#1050 for a typed 1050)
                mall = mall or order["mall"]
                if not email:
                    email = order["customer_email"]
                    order_customer = order["customer_id"]
                name = name or order["customer_name"]
        customer_id = order_customer or find_or_add_customer(store, actor.now, email, name)
        case_id = store.add_case(
            {
                "received_at": to_storage(received_at),
                "channel": new.channel,
                "mall": mall,
                "order_number": order_number,
                "customer_id": customer_id,
                "category": category.code,
                "priority": priority,
                "status": "new",
                "assignee": assignee,
                "summary": summary,
                "request": request,
                "fault": new.fault,
                "created_at": stamp,
                "updated_at": stamp,
                "awaiting_reply_since": to_storage(received_at),
                "last_customer_at": to_storage(received_at),
            }
        )
        record_event(
            store, case_id, actor, "created", summary, at=received_at, data={"logged_at": stamp}
        )
        if new.lang is not None:  # the summary is the shop's words: nothing is guessed from it
            if customer_id is None:
                raise ShopcareError(
                    "--lang is the customer's language, and this case names no customer",
                    "give --email or --customer with it",
                )
            note_language(store, customer_id, new.lang, None)
        if assignee:
            record_event(
                store, case_id, actor, "assignment", assignee, data={"from": None, "to": assignee}
            )
    return Written(case_id, mask.fields, notices)


def get_case_row(store: Store, case_id: int) -> dict:
    """The case with its customer's name and e-mail address, or NotFound."""
    row = store.case_row(case_id)
    if row is None:
        raise NotFound(f"no case {case_id}", "shopcare case list --status all shows every case")
    return row


def events_of(store: Store, case_id: int) -> list[dict]:
    """A case's timeline, oldest first."""
    return store.events_of_case(case_id)


class CaseFilter(NamedTuple):
    status: str | None = None  # None: open work (all but closed); "all": everything
    category: str | None = None
    mall: str | None = None
    order_number: str | None = None
    email: str | None = None
    assignee: str | None = None  # only the cases this operator holds


def list_cases(store: Store, flt: CaseFilter, categories: Categories) -> Iterator[dict]:
    """Cases matching flt, oldest first, streamed. The filter is checked at once, before the
    first row is read."""
    asked: dict = {}
    if flt.status is None:  # open work
        asked["statuses"] = OPEN_WORK
    elif flt.status != "all":
        asked["statuses"] = (check_choice("status", flt.status, (*STATUSES, "all")),)
    if flt.category:
        group = categories.check_prefix(flt.category)
        if flt.category.endswith(".*") or group not in categories:
            asked["category_group"] = group  # the group and every code under it
        else:
            asked["category"] = group
    if flt.mall:
        asked["mall"] = check_choice("mall", flt.mall, MALLS)
    if flt.order_number:
        from shopcare.domain.orders import number_spellings

        asked["order_numbers"] = number_spellings(flt.order_number)
    if flt.email:
        asked["customer_email"] = normalise_email(flt.email)
    if flt.assignee is not None:
        name = flt.assignee.strip()
        if not name:
            raise ShopcareError("--assignee is empty", "give an operator's name, or use --mine")
        asked["assignee"] = name
    return store.case_rows(**asked)


def add_message(
    store: Store,
    actor: Actor,
    case_id: int,
    text: str,
    at: datetime | None = None,
    mail: dict | None = None,
) -> Written:
    """The customer wrote again: on the timeline, and a resolved, closed or waiting case reopens.
    mail: what the event keeps of a message that came by mail (its Message-ID, sender, subject,
    attachments)."""
    mask = _Masker()
    body = mask("message", _required_text("message", text))
    moment = at or actor.now
    _not_future("the message time", moment, actor)
    notices = []
    stamp = to_storage(moment)
    with store.write():
        case = get_case_row(store, case_id)
        if stamp < case["received_at"]:
            raise ShopcareError(
                "the message time is before the case was received",
                "check --at; the case was received at " + case["received_at"],
            )
        clocks = {
            "last_customer_at": max(stamp, case["last_customer_at"] or stamp),
            "awaiting_reply_since": min(stamp, case["awaiting_reply_since"] or stamp),
        }
        if stamp >= (case["last_customer_at"] or stamp):  # the latest words, unless logged late
            clocks["last_message"] = body
        # the customer wrote it: the timeline says so, and who logged it
        customer = Actor(CUSTOMER_AUTHOR, actor.now)
        event = record_event(
            store,
            case_id,
            customer,
            "message",
            body,
            at=moment,
            data={"logged_by": actor.author, **(mail or {})},
        )
        if note_language(store, case["customer_id"], None, body):
            notices.append("the customer wrote in English: replies to them are in en")
        # the customer wrote: every snooze on this case ends
        store.end_snoozes_of_case(case_id)
        if case["status"] in ("resolved", "closed"):  # for the report's reopen rate
            clocks["customer_reopened"] = case["customer_reopened"] + 1
        if case["status"] in ("resolved", "closed", "waiting"):
            _move(store, case, actor, "open", "the customer wrote again", **clocks)
            notices.append(f"case {case_id} is open again ({case['status']} → open)")
        else:
            update_case(store, case_id, actor, **clocks)
    return Written(case_id, mask.fields, notices, event)


def reply_bounced(store: Store, actor: Actor, case_id: int, text: str) -> list[str]:
    """The mail system returned a reply of ours (a bounce): on the timeline, the case marked
    until a reply goes out again, and a reply owed once more, so that the follow-up list says
    so; a resolved, closed or waiting case opens again. Inside the caller's transaction."""
    case = get_case_row(store, case_id)
    record_event(store, case_id, actor, "note", text, note_kind="contact")
    stamp = to_storage(actor.now)
    clocks = {
        "undelivered_at": stamp,
        "awaiting_reply_since": case["awaiting_reply_since"] or stamp,
    }
    if case["status"] in ("resolved", "closed", "waiting"):  # it waits on a mail never received
        _move(store, case, actor, "open", "a reply of ours bounced", **clocks)
        return [f"case {case_id} is open again ({case['status']} → open)"]
    update_case(store, case_id, actor, **clocks)
    return []


def add_note(
    store: Store, actor: Actor, case_id: int, text: str, kind: str = "internal"
) -> Written:
    mask = _Masker()
    body = mask("note", _required_text("note", text))
    check_choice("note kind", kind, NOTE_KINDS)
    with store.write():
        get_case_row(store, case_id)
        record_event(store, case_id, actor, "note", body, note_kind=kind)
        update_case(store, case_id, actor)
    return Written(case_id, mask.fields)


def set_status(
    store: Store, actor: Actor, case_id: int, status: str, note: str | None = None
) -> Written:
    check_choice("status", status, STATUSES)
    if status == "closed":
        raise ShopcareError(
            "a case is closed with its cause and prevention",
            f"shopcare case close {case_id} --cause TEXT --prevention TEXT",
        )
    if status == "new":
        raise ShopcareError(
            "a case cannot go back to new: new means nobody has replied yet",
            "use open, waiting or resolved",
        )
    mask = _Masker()
    text = mask("note", _optional_text(note))
    notices = []
    with store.write():
        case = get_case_row(store, case_id)
        if case["status"] == status:
            raise ShopcareError(f"case {case_id} is already {status}")
        _move(store, case, actor, status, text)
        if status == "waiting" and case["awaiting_reply_since"]:
            # kept, not dropped: the customer's words stay unanswered while the case waits
            notices.append(
                f"case {case_id} has a customer message still unanswered: its reply leaves the"
                " follow-up list while the case waits, and is owed again (late by then) when"
                f" the case is reopened; reply --mark-sent or followups done r{case_id} settles it"
            )
    return Written(case_id, mask.fields, notices)


def assign(store: Store, actor: Actor, case_id: int, name: str) -> Written:
    mask = _Masker()
    assignee = mask("assignee", _required_text("assignee's name", name))
    with store.write():
        case = get_case_row(store, case_id)
        if case["assignee"] == assignee:
            raise ShopcareError(f"case {case_id} is already assigned to {assignee}")
        record_event(
            store,
            case_id,
            actor,
            "assignment",
            assignee,
            data={"from": case["assignee"], "to": assignee},
        )
        update_case(store, case_id, actor, assignee=assignee)
    return Written(case_id, mask.fields)


_PROMISE_DAYS = re.compile(r"^\+(\d{1,5})d$")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class PromiseDue(NamedTuple):
    """When a promise falls due, and why it is not the time typed (None: it is)."""

    due: datetime
    moved: str | None = None


def promise_due(text: str, calendar: ShopCalendar, now: datetime) -> PromiseDue:
    """A promise's --due as a time the shop can keep: within the opening hours of a business day.

    Read as the command line reads dates, except that +Nd counts days (the local date N days on,
    at closing time: +1d typed at 23:30 is tomorrow's closing time, not 23:30), and a bare date
    means closing time that day. A time on a day the shop is closed, or outside its opening
    hours, moves to the closing time of the next business day that closes after it (before
    opening: that day's), and moved says so. The time typed must be in the future."""
    from shopcare.clock import DayTime, parse_when

    tz = calendar.tz
    closing = DayTime(calendar.close)
    days = _PROMISE_DAYS.match(text.strip().lower())
    if days:
        day = now.astimezone(tz).date() + timedelta(days=int(days.group(1)))
        typed = calendar.closing_time(day)
    else:
        typed = parse_when(text, tz=tz, current=now, bare_date=closing, calendar=calendar)
    if typed <= now:
        raise ShopcareError(
            "the promised time has already passed",
            "give --due a time in the future, e.g. +2d or tomorrow",
        )
    due, why = calendar.within_hours(typed)
    if why is None:
        return PromiseDue(due)
    local = typed.astimezone(tz)
    shown = due.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    if why == "before":
        return PromiseDue(
            due,
            f"{local:%Y-%m-%d %H:%M} is before opening time ({calendar.open:%H:%M}):"
            f" the promise is due {shown}, that day's closing time",
        )
    if why == "after":
        reason = f"{local:%Y-%m-%d %H:%M} is after closing time ({calendar.close:%H:%M})"
    elif why == "weekend":
        reason = f"{local:%Y-%m-%d} is a {_WEEKDAY_NAMES[local.weekday()]}, a closed day"
    elif why == "closed":
        reason = f"{local:%Y-%m-%d} is one of the shop's closed days"
    else:
        reason = f"{local:%Y-%m-%d} is {why}, a closed day"
    return PromiseDue(
        due, f"{reason}: the promise is due {shown}, the next business day's closing time"
    )


def add_promise(store: Store, actor: Actor, case_id: int, due: datetime, text: str) -> Written:
    """What a reply promised the customer, by when: a deadline like any other."""
    mask = _Masker()
    body = mask("promise", _required_text("promise", text))
    if due <= actor.now:
        raise ShopcareError(
            "the promised time has already passed",
            "give --due a time in the future, e.g. +2d or tomorrow",
        )
    with store.write():
        case = get_case_row(store, case_id)
        if case["status"] == "closed":
            raise ShopcareError(
                f"case {case_id} is closed",
                f"reopen it first: shopcare case status {case_id} open",
            )
        record_event(store, case_id, actor, "promise", body, due_at=due)
        update_case(store, case_id, actor)
    return Written(case_id, mask.fields)


def close_case(
    store: Store,
    actor: Actor,
    case_id: int,
    cause: str | None = None,
    prevention: str | None = None,
) -> Written:
    """Close with why it happened and what will stop it happening again."""
    mask = _Masker()
    cause_text = mask("cause", _optional_text(cause))
    prevention_text = mask("prevention", _optional_text(prevention))
    notices = []
    if not cause_text and not prevention_text:
        notices.append(
            "closed without a cause or prevention: add them next time, they are how a shop learns"
        )
    parts = [
        p
        for p in (
            cause_text and f"cause: {cause_text}",
            prevention_text and f"prevention: {prevention_text}",
        )
        if p
    ]
    with store.write():
        case = get_case_row(store, case_id)
        if case["status"] == "closed":
            raise ShopcareError(f"case {case_id} is already closed")
        record_event(
            store, case_id, actor, "closed", "; ".join(parts) or None, data={"from": case["status"]}
        )
        changes = _clock_changes(case, "closed", actor.now)
        update_case(
            store,
            case_id,
            actor,
            **changes,
            closed_at=to_storage(actor.now),
            cause=cause_text,
            prevention=prevention_text,
        )
    return Written(case_id, mask.fields, notices)


def edit_case(
    store: Store, actor: Actor, case_id: int, changes: dict, categories: Categories
) -> Written:
    """Correct what was logged: anything case add set. Each change is an event, the old value
    kept. A new order re-links the case as case add links it (the mall, and the customer where
    the case names none); a new category brings its priority unless one is given; the e-mail
    address, the customer's name and language change the case's customer."""
    if not changes:
        raise ShopcareError(
            "nothing to change",
            "give at least one of --category, --priority, --fault, --request, --mall, --channel,"
            " --order, --email, --customer, --lang",
        )
    mask = _Masker()
    clean: dict = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            raise ValueError(name)
        if name == "category":
            value = categories.get(value).code
        elif name == "priority":
            check_choice("priority", value, PRIORITIES)
        elif name == "fault":
            check_choice("fault", value, FAULTS)
        elif name == "mall":
            check_choice("mall", value, MALLS)
        elif name == "channel":
            check_choice("channel", value, CHANNELS)
        elif name == "lang":
            check_choice("language", value, LANGS)
        elif name == "customer_email":
            value = mask("e-mail", normalise_email(value))
        else:
            value = mask(name, _optional_text(value))
            if name == "order_number":
                _one_line("order number", value)
        clean[name] = value
    if "category" in clean and "priority" not in clean:
        clean["priority"] = categories.get(clean["category"]).default_priority
    notices: list[str] = []
    with store.write():
        case = get_case_row(store, case_id)
        if clean.get("order_number"):
            from shopcare.domain.orders import find_order

            order = find_order(store, clean["order_number"], clean.get("mall") or case["mall"])
            if order is None:
                notices.append(
                    f"order {clean['order_number']} is not imported yet: the case keeps the"
                    " number, and case show finds the order once its export is imported"
                )
            else:
                clean["order_number"] = order["number"]
                clean.setdefault("mall", order["mall"])
                if case["customer_id"] is None and "customer_email" not in clean:
                    clean["customer_id"] = order["customer_id"]
        customer = {key: clean.pop(key) for key in CUSTOMER_FIELDS if key in clean}
        clean = {name: value for name, value in clean.items() if case.get(name) != value}
        edited = [name for name in clean if name != "customer_id"]
        email = customer.get("customer_email")
        if email is not None and email != case["customer_email"]:
            clean["customer_id"] = find_or_add_customer(
                store, actor.now, email, case["customer_name"]
            )
            _edited(store, actor, case, "customer_email", case["customer_email"], email)
            edited.append("customer_email")
        who = clean.get("customer_id", case["customer_id"])
        name = customer.get("customer_name")
        if name is not None and name != case["customer_name"]:
            if who is None:  # a case without a customer gets one of its own
                who = clean["customer_id"] = find_or_add_customer(store, actor.now, None, name)
            else:
                store.update_customer_columns(who, {"name": name})
            _edited(store, actor, case, "customer_name", case["customer_name"], name)
            edited.append("customer_name")
        lang = customer.get("lang")
        if lang is not None:
            from shopcare.domain.customers import language_of

            before = language_of(store, who)
            if who is None:
                raise ShopcareError(
                    "this case has no customer to remember a language for",
                    f"give the customer first: shopcare case edit {case_id} --email ADDRESS",
                )
            if lang != before:
                note_language(store, who, lang, None)
                _edited(store, actor, case, "lang", before, lang)
                notices.append(f"replies to this customer are in {lang}")
                edited.append("lang")
        if not edited:
            raise ShopcareError(f"case {case_id} already has those values")
        for field in clean:
            if field != "customer_id":
                _edited(store, actor, case, field, case[field], clean[field])
        if clean:
            update_case(store, case_id, actor, **clean)
    return Written(case_id, mask.fields, notices)


# edits that change the case's customer rather than the case
CUSTOMER_FIELDS = ("customer_email", "customer_name", "lang")


def _edited(store: Store, actor: Actor, case: dict, name: str, old, new) -> None:
    record_event(
        store,
        case["id"],
        actor,
        "edited",
        f"{name}: {old or '-'} → {new or '-'}",
        data={"field": name, "from": old, "to": new},
    )


def case_record(row: dict, categories: Categories, lang: str) -> dict:
    """A case as the json interface names it: the stored fields plus the category's label."""
    record = {key: value for key, value in row.items() if key not in INTERNAL_KEYS}
    record["category_label"] = categories.label(row["category"], lang)
    return record


def describe_event(event: dict, tz: tzinfo) -> str:
    """One line saying what an event on the timeline was."""
    data = event.get("data") or {}
    text = event.get("text") or ""
    kind = event["kind"]
    if kind == "status":
        line = f"{data.get('from')} → {data.get('to')}"
        return f"{line}: {text}" if text else line
    if kind == "note":
        return f"[{event.get('note_kind')}] {text}"
    if kind == "assignment":
        return f"assigned to {data.get('to')}"
    if kind == "promise":
        return f"by {to_local_short(event['due_at'], tz)}: {text}"
    return text


def reply_sent_rows(
    store: Store, actor: Actor, case_id: int, template: str, lang: str, subject: str
) -> list[str]:
    """A reply went out: on the timeline (stopping the reply clock), and a new case becomes open.
    Written inside the caller's transaction; gives the notices to print."""
    case = get_case_row(store, case_id)
    notices = []
    record_event(
        store, case_id, actor, "reply_sent", subject, data={"template": template, "lang": lang}
    )
    clocks = {"awaiting_reply_since": None, "undelivered_at": None}
    if case["first_reply_at"] is None:  # the report's first reply time ends here
        clocks["first_reply_at"] = to_storage(actor.now)
    if case["status"] == "new":
        _move(store, case, actor, "open", "first reply sent", **clocks)
        notices.append(f"case {case_id} is now open")
    else:
        update_case(store, case_id, actor, **clocks)
    return notices
