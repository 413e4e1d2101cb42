"""The follow-up list: everything the shop owes, soonest first.

- reply (r<case>): the first customer message not yet answered, due per the SLA of
  the case's mall and priority (the stricter applies); paused statuses owe none. A review
  is answered with a review reply.
- promise (p<event>): what a reply promised, by the date promised.
- resolve (s<case>): an open case's resolution target, moved on by the time it waited.
- satisfaction (c<case>): a check a few days after a case is resolved.
- aftercare (a<order>.<step>): the post-delivery rhythm of the policy, from the delivery
  date (or shipping date plus transit days); each step stays listed until the next is
  due (the last for a week); marketing steps only for customers who accepted; none for a
  customer with an open case.

The soft items (satisfaction, aftercare) are mails the shop chooses when to send: each falls
due within opening hours of a business day (calendar.working_time), so that a morning's list
never calls a mail late that could not have gone out over the weekend.

The store hands over the candidates, each from an indexed query (the open cases, once for
both of their clocks; promises on open cases; resolved cases; orders by delivery or shipping
date), as plain tuples; the due times and the rules are worked out here, and only the items
due by `until` are built. Done and snoozed marks are looked up for the candidates alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from shopcare.clock import from_storage, remember, to_storage
from shopcare.domain.calendar import ShopCalendar
from shopcare.domain.durations import Duration, parse_duration
from shopcare.domain.ids import is_id
from shopcare.errors import NotFound, ShopcareError

if TYPE_CHECKING:
    from shopcare.domain.policy import Policy
    from shopcare.store.api import Store

KINDS = ("reply", "promise", "resolve", "aftercare", "satisfaction")
LAST_STEP_WINDOW = timedelta(days=7)
_SLACK = timedelta(days=15)  # business-time durations are bounded loosely in SQL, exactly in Python


_ID_PREFIX = {"reply": "r", "promise": "p", "resolve": "s", "satisfaction": "c", "aftercare": "a"}
_WHAT = {
    "reply": "reply: ",
    "promise": "promised: ",
    "resolve": "resolve: ",
    "satisfaction": "check satisfaction: ",
}


class Item(NamedTuple):
    """One follow-up. Its id and wording are made when it is shown, not when it is found: a
    long overdue list keeps only what the database gave, and sorts lightly."""

    due: datetime
    kind: str
    key: int | str  # the case, the promise's event, or "order.step": the id without its letter
    text: str  # the case's summary, the promise, or (aftercare) the step's template
    template: str | None = None
    case_id: int | None = None
    order_number: str | None = None
    customer: str | None = None

    @property
    def fid(self) -> str:
        return f"{_ID_PREFIX[self.kind]}{self.key}"

    @property
    def what(self) -> str:
        if self.kind == "aftercare":
            return f"{self.text} for order {self.order_number}"
        return _WHAT[self.kind] + self.text

    @property
    def ref(self) -> str:
        return f"case {self.case_id}" if self.case_id is not None else f"order {self.order_number}"

    def as_row(self, now: datetime, lefts: dict | None = None) -> dict:
        """The json and tsv fields; lefts memoises 'how late' per due time (many items share one)."""
        return {
            "id": self.fid,
            "kind": self.kind,
            "due_at": self.due,
            "overdue": self.due < now,
            "left": left_of(self.due, now, lefts),
            "case_id": self.case_id,
            "order_number": self.order_number,
            "ref": self.ref,
            "customer": self.customer,
            "what": self.what,
            "template": self.template,
        }


def left_of(due: datetime, now: datetime, lefts: dict | None) -> str:
    """left_text, memoised in lefts when given."""
    if lefts is None:
        return left_text(due, now)
    left = lefts.get(due)
    if left is None:
        left = remember(lefts, due, left_text(due, now))
    return left


def left_text(due: datetime, now: datetime) -> str:
    """How late, or how long left: '3h late', 'in 2d 4h', 'in 25m'."""
    seconds = int((due - now).total_seconds())
    span = abs(seconds)
    days, rest = divmod(span, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days}d {hours}h" if hours else f"{days}d"
    elif hours:
        text = f"{hours}h {minutes}m" if minutes else f"{hours}h"
    else:
        text = f"{minutes}m"
    return f"{text} late" if seconds < 0 else f"in {text}"


class Clocks:
    """The SLA of the policy as durations, and due times on the shop's calendar."""

    def __init__(self, policy: Policy, calendar: ShopCalendar) -> None:
        sla = policy.sla
        self.calendar = calendar
        self.policy = policy
        self.reply = parse_duration(sla.reply_within)
        self.resolve = parse_duration(sla.resolve_within)
        self.satisfaction = parse_duration(sla.satisfaction_after)
        self.pause_when = tuple(sla.pause_when)
        self.mall = _as_dict(sla.mall)
        self.priority = _as_dict(sla.priority)
        self._memo: dict[tuple, tuple[Duration, ...]] = {}
        # Nbd clocks end at a closing time that depends only on the local day they started.
        # In a zone a fixed whole number of hours off UTC (Japan: +9), that day is the stored
        # UTC date, or the one after from a fixed hour on (15:00 UTC for Japan): so such
        # clocks are worked out once per day, from the stored text, without parsing it. At a
        # shop's few hundred open cases this buys nothing; at 60,000 (the overdue benchmark)
        # working each clock out costs 150 ms more, and the per-hour table below 25 ms.
        offset = calendar.tz.utcoffset(None)
        self._by_day_ok = offset is not None and offset % timedelta(hours=1) == timedelta(0)
        self._day_turns = f"{(24 - offset // timedelta(hours=1)) % 24:02d}" if offset else "00"
        self._by_day: dict[tuple[str, bool, int], datetime] = {}
        # Nbh clocks started in an hour the shop is closed throughout (a night, a closed
        # day) all run out at one time: worked out once per such UTC hour.
        self._by_hour: dict[tuple[str, int], datetime | None] = {}

    def durations(self, which: str, mall: str | None, priority: str | None) -> tuple[Duration, ...]:
        """The clocks that apply to a case of this mall and priority ("reply" or "resolve"): the
        mall's (else the policy's) and the priority's; it is due when the first runs out."""
        return self._durations(which, mall, priority)

    def _durations(
        self, which: str, mall: str | None, priority: str | None
    ) -> tuple[Duration, ...]:
        key = (which, mall, priority)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = tuple(self._work_out(which, mall, priority))
        return found

    def _work_out(self, which: str, mall: str | None, priority: str | None) -> list[Duration]:
        default = getattr(self, which)
        mall_rule = self.mall.get(mall) if mall else None
        mall_value = getattr(mall_rule, f"{which}_within", None) if mall_rule else None
        found = [parse_duration(mall_value) if mall_value else default]
        priority_rule = self.priority.get(priority) if priority else None
        priority_value = getattr(priority_rule, f"{which}_within", None) if priority_rule else None
        if priority_value:
            found.append(parse_duration(priority_value))
        return found

    def due(self, which: str, start: datetime, mall: str | None, priority: str | None) -> datetime:
        """The stricter (earlier) of the mall's and the priority's clock."""
        durations = self._durations(which, mall, priority)
        if len(durations) == 1:
            return self.calendar.due(start, durations[0])
        return min(self.calendar.due(start, d) for d in durations)

    def due_stored(
        self, which: str, since: str, mall: str | None, priority: str | None
    ) -> datetime:
        """due() for a start time as stored (UTC text), with Nbd clocks looked up per day."""
        if not self._by_day_ok:
            return self.due(which, from_storage(since), mall, priority)
        start = None
        best = None
        for duration in self._durations(which, mall, priority):
            if duration.unit == "bd":
                key = (since[:10], since[11:13] >= self._day_turns, duration.count)
                found = self._by_day.get(key)
                if found is None:
                    start = start or from_storage(since)
                    found = self._by_day[key] = self.calendar.due(start, duration)
            elif duration.unit == "bh":
                hour = (since[:13], duration.count)
                found = self._by_hour.get(hour, _UNKNOWN)
                if found is _UNKNOWN:
                    found = self._by_hour[hour] = self._whole_hour(since[:13], duration)
                if found is None:  # the hour is (partly) inside opening hours
                    start = start or from_storage(since)
                    found = self.calendar.due(start, duration)
            else:
                start = start or from_storage(since)
                found = self.calendar.due(start, duration)
            if best is None or found < best:
                best = found
        return best

    def _whole_hour(self, hour: str, duration: Duration) -> datetime | None:
        """When a clock started anywhere in this UTC hour ("2026-11-20T10") runs out, where
        that is one time for the whole hour (the shop is closed all of it); else None."""
        first = from_storage(hour + ":00:00Z")
        if self.calendar.closed_within_hour(first):
            return self.calendar.due(first, duration)
        return None


_UNKNOWN = object()


def _as_dict(value) -> dict:
    """A mapping from the policy: a dict from pydantic, attributes from the cached view."""
    return value if isinstance(value, dict) else vars(value)


def case_clocks(store: Store, clocks: Clocks, until: datetime, kinds: set[str]) -> Iterable[Item]:
    """Replies owed and resolutions due: both clocks run on the open cases, which are read once
    (the status index) for both. A reply is owed from the first customer message not yet
    answered; a resolution is due from the case's receipt, moved on by the time it waited."""
    running = {s for s in ("new", "open", "waiting") if s not in clocks.pause_when}
    replying = running if "reply" in kinds else set()
    resolving = running - {"waiting"} if "resolve" in kinds else set()
    statuses = sorted(replying | resolving)
    if not statuses:
        return
    due_of = clocks.due_stored
    limit = to_storage(until)
    for (
        case_id,
        status,
        since,
        received,
        paused,
        mall,
        priority,
        summary,
        name,
        channel,
        category,
        last_message,
        undelivered_at,
    ) in store.open_case_clocks(statuses):
        if since and status in replying and since <= limit:
            due = due_of("reply", since, mall, priority)
            if due <= until:
                template = reply_template(status, channel, category)
                # what the reply answers: the customer's latest words (「まだですか?」), or
                # the case's summary where they have not written again
                said = last_message or summary
                if "\n" in said:  # one line on the list: a mail's paragraphs run on
                    said = " ".join(said.split())
                if undelivered_at:  # the mail system returned our last reply
                    said = f"our last reply bounced, reach them another way: {said}"
                yield Item(due, "reply", case_id, said, template, case_id, None, name)
        if status in resolving and received <= limit:
            due = due_of("resolve", received, mall, priority)
            if paused:
                due += timedelta(seconds=paused)
            if due <= until:
                yield Item(due, "resolve", case_id, summary, "resolution", case_id, None, name)


def reply_template(status: str, channel: str, category: str) -> str | None:
    """The template a reply owed is drafted from: a review is answered in public, with a review
    reply (the negative one for a complaint, the positive one for an inquiry or anything else);
    any other case with a first response, or a status update once it has had one."""
    if channel == "review":
        # a complaint gets the reply to a critical review; anything else (an uncategorised
        # review is filed under other) gets none: praising a one-star review in public is worse
        # than making the owner choose
        if category == "other" or category.startswith("inquiry."):
            return None
        return "review_reply_negative"
    return "first_response" if status == "new" else "status_update"


def promises_due(store: Store, until: datetime) -> Iterable[Item]:
    """Promises on cases still open: found from the open cases (the status index), so that the
    years of promises on closed cases are never read."""
    for event_id, case_id, due_at, text, name in store.promises_on_open_cases(to_storage(until)):
        yield Item(
            from_storage(due_at), "promise", event_id, text, "status_update", case_id, None, name
        )


def satisfaction_checks(store: Store, clocks: Clocks, until: datetime) -> Iterable[Item]:
    """Satisfaction checks of the cases still resolved, a while after their resolution."""
    calendar = clocks.calendar
    for case_id, resolved_at, summary, name in store.resolved_cases(to_storage(until)):
        # a mail to the customer: sent on a business day, within opening hours
        due = calendar.working_time(calendar.due(from_storage(resolved_at), clocks.satisfaction))
        if due <= until:
            yield Item(
                due, "satisfaction", case_id, summary, "satisfaction_check", case_id, None, name
            )


def _back(moment: datetime, duration: Duration) -> datetime:
    """A time that far before moment, or earlier: a loose bound for SQL."""
    if duration.unit == "d":
        return moment - timedelta(days=duration.count)
    if duration.unit == "h":
        return moment - timedelta(hours=duration.count)
    return moment - timedelta(days=duration.count) - _SLACK


def aftercare_due(
    store: Store,
    clocks: Clocks,
    now: datetime,
    until: datetime,
    order_id: int | None = None,
) -> Iterable[Item]:
    """Aftercare steps due by until and still in their window at now (of one order, if given)."""
    policy = clocks.policy
    steps = [(parse_duration(step.after), step) for step in policy.aftercare]
    transit = timedelta(days=policy.delivery.transit_days)
    calendar = clocks.calendar
    working = calendar.working_time  # a mail to the customer: on a business day, in opening hours
    for index, (after, step) in enumerate(steps):
        # listed from its due time until the next step's (the last: a week)
        if index + 1 < len(steps):
            gap = _forward_gap(after, steps[index + 1][0])
        else:
            gap = LAST_STEP_WINDOW
        newest = _back(until, after) if after.unit in ("d", "h") else until
        # a due time moves on to a working hour: one due before the shop last worked (by the
        # step's last listed moment) moves no later than that, and is past its window
        oldest = _back(calendar.worked_before(now - gap), after) - (
            _SLACK if after.unit not in ("d", "h") else timedelta(0)
        )
        # delivered in the range; or, with no delivery date, shipped in it less the transit days
        # (no aftercare to a customer with an open case: the store leaves those orders out)
        for found_id, number, delivered_at, shipped_at, name, status in store.aftercare_orders(
            (to_storage(oldest), to_storage(newest)),
            (to_storage(oldest - transit), to_storage(newest - transit)),
            marketing_only=bool(step.marketing),
            order_id=order_id,
        ):
            if status and ("cancel" in status.lower() or "キャンセル" in status):
                continue
            delivered = (
                from_storage(delivered_at) if delivered_at else from_storage(shipped_at) + transit
            )
            due = working(calendar.due(delivered, after))
            if due > until or due + gap <= now:
                continue
            yield Item(
                due,
                "aftercare",
                f"{found_id}.{index + 1}",
                step.template,
                step.template,
                None,
                number,
                name,
            )


def _forward_gap(this: Duration, following: Duration) -> timedelta:
    """How long a step stays listed: until the next step is due (at least a day)."""

    def span(d: Duration) -> timedelta:
        return timedelta(days=d.count) if d.unit in ("d", "bd") else timedelta(hours=d.count)

    return max(span(following) - span(this), timedelta(days=1))


def collect(
    store: Store,
    policy: Policy,
    calendar: ShopCalendar,
    now: datetime,
    until: datetime,
    kinds: tuple[str, ...] = KINDS,
    overdue_only: bool = False,
) -> list[Item]:
    """Every follow-up due by until (overdue ones included), soonest first."""
    clocks = Clocks(policy, calendar)
    limit = min(until, now) if overdue_only else until
    wanted = set(kinds)
    sources = [
        (("reply", "resolve"), lambda: case_clocks(store, clocks, limit, wanted)),
        (("promise",), lambda: promises_due(store, limit)),
        (("aftercare",), lambda: aftercare_due(store, clocks, now, limit)),
        (("satisfaction",), lambda: satisfaction_checks(store, clocks, limit)),
    ]
    items = [item for covers, source in sources if wanted & set(covers) for item in source()]
    items = _apply_state(store, items, limit)
    if overdue_only:
        items = [item for item in items if item.due < now]
    # by due time: every due time is UTC (the calendar's too), and datetimes of one zone compare
    # as fast as numbers; two zones would cost a conversion per comparison
    items.sort(key=itemgetter(0))
    return items


_KIND_OF_PREFIX = {letter: kind for kind, letter in _ID_PREFIX.items()}


def _state_key(fid: str) -> tuple[str, int | str] | None:
    """(kind, key) of a follow-up id as Item holds them, or None if it is not shaped like one:
    a letter, then a number (r12, p45), or for aftercare order.step (a7.2)."""
    kind = _KIND_OF_PREFIX.get(fid[:1])
    rest = fid[1:]
    if kind is None:
        return None
    if kind == "aftercare":
        order_id, dot, step = rest.partition(".")
        return (kind, rest) if dot and is_id(order_id) and is_id(step) else None
    return (kind, int(rest)) if is_id(rest) else None


def _apply_state(store: Store, items: list[Item], until: datetime) -> list[Item]:
    """Leave out what was marked done; a snoozed item is due when its snooze ends."""
    if not items:
        return items
    count = store.count_followup_marks()
    if not count:
        return items
    if count <= len(items):  # a long list: one pass over every mark beats looking each item up
        found = store.followup_marks()
    else:
        found = store.followup_marks([item.fid for item in items])
    state: dict[str, dict] = {kind: {} for kind in _ID_PREFIX}
    for fid, done_at, snoozed_until in found:
        key = _state_key(fid)
        if key:
            state[key[0]][key[1]] = (done_at, snoozed_until)
    kept = []
    for item in items:
        row = state[item.kind].get(item.key)
        if row is None:
            kept.append(item)
            continue
        done_at, snoozed_until = row
        if done_at:
            continue
        if snoozed_until:
            until_then = from_storage(snoozed_until)
            if until_then <= until:
                kept.append(item._replace(due=max(item.due, until_then)))
        else:
            kept.append(item)
    return kept


# --- done and snooze ----------------------------------------------------------------


def _target(
    store: Store,
    fid: str,
    policy: Policy,
    calendar: ShopCalendar | None = None,
    now: datetime | None = None,
) -> int | None:
    """The case a follow-up id belongs to (None for aftercare), or an error where there is no
    such follow-up owed now: c1 on a new case or r6 on a closed one names nothing, and marking
    it would silently hide a real one later. With no calendar, an aftercare id is checked
    against the policy's steps and the orders only."""
    hint = "shopcare followups lists the ids (r12, p45, s12, c12, a7.2)"
    parsed = _state_key(fid)
    if parsed is None:
        raise ShopcareError(f"{fid!r} is not a follow-up id", hint)
    kind, key = parsed
    if kind == "promise":
        found = store.promise_case(key)
        if found is not None:
            case_id, status = found
            if status in ("new", "open", "waiting", "resolved"):
                return case_id
            raise NotFound(f"no follow-up {fid}: case {case_id} is closed", hint)
    elif kind == "aftercare":
        order_id, _, step = key.partition(".")
        if int(step) <= len(policy.aftercare):
            found = store.order_exists(int(order_id))
            if found and (calendar is None or now is None):
                return None
            if found:
                horizon = now + timedelta(days=3660)
                clocks = Clocks(policy, calendar)
                owed = {
                    item.key for item in aftercare_due(store, clocks, now, horizon, int(order_id))
                }
                if key in owed:
                    return None
                raise NotFound(
                    f"no follow-up {fid}: that step is not owed for this order now (past its"
                    " window, cancelled, without marketing consent, or the customer has an open case)",
                    hint,
                )
    else:
        row = store.case_row(key)
        if row:
            status = row["status"]
            running = status in ("new", "open", "waiting") and status not in policy.sla.pause_when
            owed = {
                # a reply owed while the case waits is paused, not gone: it can be settled
                "reply": status in ("new", "open", "waiting")
                and row["awaiting_reply_since"] is not None,
                "resolve": running and status != "waiting",
                "satisfaction": status == "resolved" and row["resolved_at"] is not None,
            }[kind]
            if owed:
                return row["id"]
            raise NotFound(
                f"no follow-up {fid}: case {key} is {status}, and owes no {kind} now", hint
            )
    raise NotFound(f"no follow-up {fid}", hint)


def _refuse_if_done(store: Store, fid: str) -> None:
    if store.followup_done_at(fid):
        raise ShopcareError(f"follow-up {fid} is already done")


def mark_done(
    store: Store,
    actor,
    fid: str,
    policy: Policy,
    calendar: ShopCalendar,
    note: str | None = None,
) -> None:
    """A follow-up handled: gone from the list (a reply handled elsewhere stops its clock). It
    must be owed now; it is read and written in one transaction."""
    from shopcare.domain.cardmask import mask_cards
    from shopcare.domain.cases import update_case

    fid = fid.strip()
    note = mask_cards((note or "").strip())[0] or None
    with store.write():
        case_id = _target(store, fid, policy, calendar, actor.now)
        _refuse_if_done(store, fid)
        if fid.startswith("r"):
            clocks: dict = {"awaiting_reply_since": None}
            if store.case_row(case_id)["first_reply_at"] is None:  # answered: the first reply
                clocks["first_reply_at"] = to_storage(actor.now)
            update_case(store, case_id, actor, **clocks)
        _done_rows(store, actor, fid, case_id, note, state=not fid.startswith("r"))


def _done_rows(
    store: Store, actor, fid: str, case_id: int | None, note: str | None, state=True
) -> None:
    """A follow-up marked done, inside the caller's transaction: its state row (a reply owed
    needs none: its clock stops on the case), and for a case, a followup_done event."""
    from shopcare.domain.cases import record_event

    if state:
        store.mark_followup_done(fid, case_id, to_storage(actor.now), note, actor.author)
    if case_id is not None:
        text = f"{fid}" + (f": {note}" if note else "")
        record_event(store, case_id, actor, "followup_done", text, data={"fid": fid})


def snooze(
    store: Store,
    actor,
    fid: str,
    until: datetime,
    policy: Policy,
    calendar: ShopCalendar,
) -> None:
    """Hide a follow-up until a time; it ends early if the customer writes."""

    fid = fid.strip()
    if until <= actor.now:
        raise ShopcareError(
            "a snooze must end in the future", "for example --until tomorrow or --until +2bd"
        )
    with store.write():
        case_id = _target(store, fid, policy, calendar, actor.now)
        _refuse_if_done(store, fid)
        store.snooze_followup(fid, case_id, to_storage(until), to_storage(actor.now), actor.author)


# --- a reply marked sent clears the follow-up it answers ------------------------------------

# The follow-ups a sent mail settles: a satisfaction check, a promised update, an aftercare
# mail. A reply owed is settled by the reply itself (its clock stops); a resolution target is
# settled by resolving the case, not by a mail about it.
_SETTLED_BY_MAIL = ("satisfaction", "promise", "aftercare")


def target_of(
    store: Store, fid: str, policy: Policy, calendar: ShopCalendar, now: datetime
) -> int | None:
    """The case a follow-up id belongs to (None: an aftercare item, which belongs to an order);
    an error where there is no such follow-up owed now."""
    return _target(store, fid.strip(), policy, calendar, now)


def check_settles(store: Store, fid: str, template: str, policy: Policy) -> None:
    """Before a mail is marked sent for a follow-up: it must be the mail that follow-up asks for
    (a10.2's feedback mail is not settled by the arrival mail), and not one already done."""
    kind = _KIND_OF_PREFIX.get(fid[:1])
    if kind not in _SETTLED_BY_MAIL:
        return
    wanted = None
    if kind == "satisfaction":
        wanted = "satisfaction_check"
    elif kind == "aftercare":
        step = int(fid.partition(".")[2])
        wanted = policy.aftercare[step - 1].template
    if wanted is not None and template != wanted:
        raise ShopcareError(
            f"{fid} asks for the {wanted} mail: marking {template} sent would clear it unsent",
            f"draft it with {wanted}, or mark the reply sent on the case without the follow-up",
        )
    _refuse_if_done(store, fid)


def record_sent(
    store: Store,
    actor,
    case_id: int | None,
    fid: str | None,
    template: str,
    lang: str,
    subject: str,
) -> list[str]:
    """A draft went out, in one transaction: for a case, the reply on its timeline (see
    cases.reply_sent_rows); and the follow-up it answers leaves the list: the one named (c3,
    p45, a10.1), and a case's satisfaction check when the mail is the satisfaction_check."""
    from shopcare.domain.cases import reply_sent_rows

    settled = []
    if fid and _KIND_OF_PREFIX.get(fid[:1]) in _SETTLED_BY_MAIL:
        settled.append(fid)
    if case_id is not None and template == "satisfaction_check" and f"c{case_id}" not in settled:
        settled.append(f"c{case_id}")
    notices: list[str] = []
    with store.write():
        if case_id is not None:
            notices += reply_sent_rows(store, actor, case_id, template, lang, subject)
        for settled_fid in settled:
            if settled_fid != fid:  # the check the template answers: only while one is owed
                row = store.case_row(case_id)
                if row is None or row["status"] != "resolved":
                    continue
            if store.followup_done_at(settled_fid):
                continue
            _done_rows(store, actor, settled_fid, case_id, f"{template} sent")
            notices.append(f"follow-up {settled_fid} done")
    return notices
