"""The report's figures over a period, from the store's rows: each case's first reply and first
resolution times are stored on the case (migration m010), so no timeline is replayed.

Which cases each figure counts (the README says the same to users):
- cases received: received in the period;
- first reply: cases whose first reply (a reply marked sent, or a reply owed marked done)
  went out in the period, timed from the case's receipt (the customer's first message);
- resolution: cases first resolved (resolved, or closed) in the period, timed from receipt;
- within SLA: of those first replies, the ones sent by their reply target (the policy's SLA for
  the case's mall and priority, the stricter applying, on the shop's calendar);
- reopen rate: of the cases first resolved in the period, the ones a customer's message has
  opened again since;
- escalation rate: of the cases received in the period whose targets have come to a verdict,
  the ones whose first reply or resolution went past its target;
- backlog: cases received and neither resolved nor closed at the period's end;
- remedies, satisfaction checks: recorded or sent in the period.

A year of a large shop is tens of thousands of cases: they are worked out once, a day at a time
(_cases, into reports/days.py's summaries, kept by SQLite), as plain lists of numbers (Unix
seconds); a report merges the days of each part of its period.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from shopcare.clock import to_storage
from shopcare.domain.calendar import OpenHours, ShopCalendar
from shopcare.domain.followups import Clocks
from shopcare.reports import days, faq
from shopcare.reports.periods import Period, midnight, split
from shopcare.reports.stats import durations, share

if TYPE_CHECKING:
    from shopcare.domain.categories import Categories
    from shopcare.domain.policy import Policy
    from shopcare.store.api import Store

# the category groups' own labels (a code's first part): a shop's own group shows its code
GROUP_LABELS = {
    "quality": ("品質", "Quality"),
    "delivery": ("配送", "Delivery"),
    "payment": ("お支払い", "Payment"),
    "support": ("対応", "Support"),
    "privacy": ("個人情報", "Privacy"),
    "inquiry": ("お問い合わせ", "Inquiry"),
    "other": ("その他", "Other"),
}
STORE_DAYS = 7  # days worked out and stored in one write (a week of a large shop: 0.1 s)
FAQ_GROUP = "inquiry"  # the categories that are questions, not complaints
OPEN_STATUSES = frozenset(("new", "open", "waiting"))
SETTLED = frozenset(("resolved", "closed"))


def group_label(group: str, lang: str) -> str:
    labels = GROUP_LABELS.get(group)
    return (labels[0] if lang == "ja" else labels[1]) if labels else group


class _Found:
    """What happened in the period, as parallel lists (times in Unix seconds)."""

    def __init__(self) -> None:
        # first replies sent: when, calendar and business seconds since receipt, on time
        self.reply_at: list[int] = []
        self.reply_seconds: list[int] = []
        self.reply_business: list[int] = []
        self.reply_on_time: list[bool] = []
        # first resolutions: when, seconds, business seconds, the case, reopened by the customer
        self.resolved_at: list[int] = []
        self.resolve_seconds: list[int] = []
        self.resolve_business: list[int] = []
        self.resolved_case: list[int] = []
        self.reopened: list[bool] = []
        # cases received: when, late (reply or resolution), a verdict reached, category, mall
        self.received_at: list[int] = []
        # cases that left the backlog: when (first resolved, or received if that came later)
        self.left_at: list[int] = []
        self.late: list[bool] = []  # late for good
        self.known: list[bool] = []  # a verdict reached for good
        # an unresolved case not late yet: the moment it is late from, if no one acts (None:
        # it cannot go late by waiting, as a case replied to on time and waiting now)
        self.late_from: list[int | None] = []
        self.kinds: list[tuple[str, str | None]] = []
        self.inquiries: list[tuple[int, str]] = []  # (case id, category), newest last
        # remedies: when, worth in yen (0 where unknown), approved
        self.remedy_at: list[int] = []
        self.remedy_yen: list[int] = []
        self.remedy_approved: list[int] = []
        self.check_at: list[int] = []  # satisfaction checks sent
        self.checked: set[int] = set()  # cases checked since the period began
        self.backlog: list[int] = []  # at the end of each part (or of the whole)


def build(
    store: Store,
    policy: Policy,
    calendar: ShopCalendar,
    categories: Categories,
    lang: str,
    now: datetime,
    period: Period,
    by: str | None = None,
) -> dict:
    """The report of the period (and, with by, of each week or month in it) as the json
    interface names it. now is when targets not yet met are judged.

    The cases come from the per-day summaries (reports/days.py). Where the store keeps them, the
    days missing their rows are worked out and stored a week at a time, each week in a short
    write of its own (while another command holds the write lock, they are left to the read
    below); the report is then made in one read transaction from the stored days, working out
    any still missing. Elsewhere every day is worked out, in one read transaction."""
    report = _Report(store, calendar, categories, lang, now, period, by)
    clocks = Clocks(policy, calendar)
    if not store.keeps_report_days:
        with store.snapshot():
            report.find_days()
            return report.made(_summed_up(store, report.days, clocks, calendar))
    key = days.key(policy, calendar)
    with store.snapshot():
        stored, missing = report.stored(key)
        if not missing:
            return report.made(stored)
    # the missing days are worked out and stored a few at a time, each few in a write of its
    # own: another command waits for those days' cases at most, never for a whole period
    for chunk in range(0, len(missing), STORE_DAYS):
        with store.report_days_write() as saving:
            if not saving:  # another command writes on: the rest is worked out below
                break
            _, still = report.stored(key, missing[chunk : chunk + STORE_DAYS])
            store.save_report_days(key, _summed_up(store, still, clocks, calendar))
    with store.snapshot():  # the report: one moment's stored days, and any missing again
        stored, missing = report.stored(key)
        return report.made(stored + _summed_up(store, missing, clocks, calendar))


def _summed_up(
    store: Store,
    day_list: list[tuple[int, int]],
    clocks: Clocks,
    calendar: ShopCalendar,
) -> list[tuple]:
    """The summary rows of these days (each (start, end) of the shop's days), worked out from
    the cases received, first replied to or first resolved in them; one read per run of
    consecutive days."""
    rows: list[tuple] = []
    for run in days.runs(day_list):
        low, high = run[0][0], run[-1][1]
        cases = store.report_cases_in(_stamp(low), _stamp(high))
        earliest = min((case[1] for case in cases), default=low)
        first = datetime.fromtimestamp(min(earliest, low), calendar.tz).date()
        found = _Found()
        hours = OpenHours(calendar, first - timedelta(days=1))
        _cases(cases, found, clocks, hours, low, high)
        rows += days.by_day(found, run, FAQ_GROUP + ".")
    return rows


class _Sums:
    """What the days of a part (or of the whole) of the period add up to."""

    def __init__(self) -> None:
        self.reply_seconds = array("q")
        self.reply_business = array("q")
        self.resolve_seconds = array("q")
        self.resolve_business = array("q")
        self.cases = array("q")
        self.on_time = self.reopened = self.received = self.late = self.known = 0

    def add(self, other: _Sums) -> None:
        self.reply_seconds += other.reply_seconds
        self.reply_business += other.reply_business
        self.resolve_seconds += other.resolve_seconds
        self.resolve_business += other.resolve_business
        self.cases += other.cases
        self.on_time += other.on_time
        self.reopened += other.reopened
        self.received += other.received
        self.late += other.late
        self.known += other.known


class _Report:
    """One report's period, its parts and its days, and how it is put together from the days'
    summaries."""

    def __init__(
        self,
        store: Store,
        calendar: ShopCalendar,
        categories: Categories,
        lang: str,
        now: datetime,
        period: Period,
        by: str | None,
    ) -> None:
        tz = calendar.tz
        self.store, self.calendar, self.categories, self.lang = store, calendar, categories, lang
        self.moment, self.period, self.by = now, period, by
        self.now = int(now.timestamp())
        self.parts = split(period, by) if by else []
        self.low = int(midnight(period.first, tz).timestamp())
        self.high = int(midnight(period.last + timedelta(days=1), tz).timestamp())
        self.days: list[tuple[int, int]] = []  # those that may hold a case: find_days()
        # the parts begin at local midnights: every day falls in one of them whole
        self.starts = [int(midnight(part.first, tz).timestamp()) for part in self.parts] or [
            self.low
        ]
        self.start, self.end = _stamp(self.low), _stamp(self.high)

    def find_days(self) -> None:
        """The period's days from the first to the last that hold a time of a case (the others
        are empty, however long a period is asked for)."""
        span = self.store.report_span()
        if span is None:
            self.days = []
            return
        tz = self.calendar.tz
        first = max(self.period.first, datetime.fromtimestamp(span[0], tz).date())
        last = min(self.period.last, datetime.fromtimestamp(span[1], tz).date())
        self.days = days.local_days(first, last, tz) if first <= last else []

    def stored(
        self, key: str, among: list[tuple[int, int]] | None = None
    ) -> tuple[list[tuple], list[tuple[int, int]]]:
        """The summaries stored for the period's days (or for these of them), and the days that
        have none (a row that begins or ends elsewhere than one of the days is another day's:
        not read)."""
        if among is None:
            self.find_days()
            among = self.days
        if not among:
            return [], []
        wanted = set(among)
        stored = [
            row
            for row in self.store.report_days(key, among[0][0], among[-1][1])
            if (row[0], row[1]) in wanted
        ]
        have = {row[0] for row in stored}
        return stored, [day for day in among if day[0] not in have]

    def made(self, summaries: list[tuple]) -> dict:
        store, starts, now = self.store, self.starts, self.now
        found = _Found()
        sums = [_Sums() for _ in starts]
        kinds: Counter = Counter()
        inquiries: dict[str, list] = {}  # category: [count, [(received, case id), ...]]
        day_counts: list[tuple[int, int, int]] = []  # (a day's end, received, settled)
        for (
            start,
            end,
            reply_seconds,
            reply_business,
            on_time,
            resolve_seconds,
            resolve_business,
            cases,
            reopened,
            received,
            settled,
            late,
            known,
            late_from,
            day_kinds,
            day_inquiries,
        ) in summaries:
            part = sums[bisect_right(starts, start) - 1]
            days.unpack(reply_seconds, part.reply_seconds)
            days.unpack(reply_business, part.reply_business)
            days.unpack(resolve_seconds, part.resolve_seconds)
            days.unpack(resolve_business, part.resolve_business)
            days.unpack(cases, part.cases)
            day_counts.append((end, received, settled))
            part.on_time += on_time
            part.reopened += reopened
            part.received += received
            moments = array("q")
            days.unpack(late_from, moments)  # sorted: those before now have gone late
            overdue = bisect_left(moments, now)
            part.late += late + overdue
            part.known += known + overdue
            for category, mall, count in json.loads(day_kinds):
                kinds[category, mall] += count
            for category, (count, newest) in json.loads(day_inquiries).items():
                tally = inquiries.setdefault(category, [0, []])
                tally[0] += count
                tally[1] += map(tuple, newest)
        ends = [*starts[1:], self.high]
        found.backlog = _backlog(store, day_counts, self.start, self.end, ends)
        remedies = _remedies(store, found, self.categories, self.lang, self.start, self.end)
        for at, case_id in store.report_satisfaction_checks(self.start):
            found.checked.add(case_id)
            if at < self.high:
                found.check_at.append(at)
        whole = _Sums()
        for part in sums:
            whole.add(part)
        report = {
            "from": self.period.first.isoformat(),
            "until": self.period.last.isoformat(),
            "by": self.by,
            "as_of": self.moment.astimezone(self.calendar.tz).isoformat(),
            "cases_received": whole.received,
            "by_category": _by_category(kinds, self.lang),
            "by_mall": _by_mall(kinds),
        }
        cut = _Parts(starts)
        figures = _figures(whole, found, None, cut)
        del figures["cases_received"]
        report |= figures
        report["remedies"] = remedies
        report["faq"], report["faq_messages"] = _faq(
            store, inquiries, self.categories, self.lang, self.start, self.end
        )
        report["series"] = [
            {"period": part.label, "from": part.first.isoformat(), "until": part.last.isoformat()}
            | _figures(sums[index], found, index, cut)
            for index, part in enumerate(self.parts)
        ]
        return report


def _stamp(moment: int) -> str:
    return to_storage(datetime.fromtimestamp(moment, UTC))


def _cases(
    rows: list[tuple],
    found: _Found,
    clocks: Clocks,
    hours: OpenHours,
    low: int,
    high: int,
) -> None:
    """First replies, resolutions, receipts and escalations, in one pass over the cases; none of
    it depends on the clock (an unresolved case's escalation is the moment it goes late)."""
    seconds_to = hours.seconds_to
    targets: dict[str | None, dict[str, tuple]] = {}
    reply_at, reply_seconds = found.reply_at, found.reply_seconds
    reply_business, reply_on_time = found.reply_business, found.reply_on_time
    resolved_at, resolve_seconds = found.resolved_at, found.resolve_seconds
    resolve_business, resolved_case = found.resolve_business, found.resolved_case
    reopened_list = found.reopened
    received_at, late_list, known_list = found.received_at, found.late, found.known
    late_from = found.late_from
    kinds, inquiries = found.kinds, found.inquiries
    inquiry = FAQ_GROUP + "."
    for (
        case_id,
        received,
        replied,
        resolved,
        mall,
        priority,
        category,
        waiting_since,
        paused,
        reopened,
    ) in rows:
        by_priority = targets.get(mall)
        if by_priority is None:
            by_priority = targets[mall] = {}
        target = by_priority.get(priority)
        if target is None:  # the SLA's clocks for this mall and priority, the stricter applying
            target = by_priority[priority] = (
                hours.clock(clocks.durations("reply", mall, priority)),
                hours.clock(clocks.durations("resolve", mall, priority)),
            )
        at_receipt = seconds_to(received)
        reply_due = target[0](received, at_receipt)
        if replied is not None and low <= replied < high:
            reply_at.append(replied)
            reply_seconds.append(replied - received)
            reply_business.append(seconds_to(replied) - at_receipt)
            reply_on_time.append(replied <= reply_due)
        if resolved is not None and low <= resolved < high:
            resolved_at.append(resolved)
            resolve_seconds.append(resolved - received)
            resolve_business.append(seconds_to(resolved) - at_receipt)
            resolved_case.append(case_id)
            reopened_list.append(reopened > 0)
        if resolved is not None and low <= (left := max(received, resolved)) < high:
            found.left_at.append(left)
        if received < low or received >= high:  # a receipt the timeline has after its reply
            continue
        received_at.append(received)
        kinds.append((category, mall))
        if category.startswith(inquiry):
            inquiries.append((case_id, category))
        # the resolution target moves on by the time the case waited on the customer
        resolve_due = target[1](received, at_receipt) + paused
        if resolved is not None:
            # the reply is settled by the first reply, or by the resolution before one
            settled = resolved if replied is None or resolved < replied else replied
            late_list.append(settled > reply_due or resolved > resolve_due)
            known_list.append(True)
            late_from.append(None)
        elif (replied is not None and replied > reply_due) or (
            waiting_since is not None and waiting_since > resolve_due
        ):  # a reply sent late, or a wait for the customer begun after the target: late for good
            late_list.append(True)
            known_list.append(True)
            late_from.append(None)
        else:
            # late from the first target still running that runs out: the reply's, unless
            # sent; the resolution's, unless the case waits on the customer (its clock stopped)
            late_list.append(False)
            known_list.append(False)
            if replied is None:
                late_from.append(
                    reply_due if waiting_since is not None else min(reply_due, resolve_due)
                )
            else:
                late_from.append(None if waiting_since is not None else resolve_due)


class _Parts:
    """Which part of the period each event of a list falls in, worked out once per list."""

    def __init__(self, starts: list[int]) -> None:
        self.starts = starts
        self._members: dict[int, list[list[int]]] = {}

    def members(self, times: list[int], part: int) -> list[int]:
        """The positions in times of the events in this part."""
        found = self._members.get(id(times))
        if found is None:
            found = self._members[id(times)] = [[] for _ in self.starts]
            starts = self.starts
            for position, at in enumerate(times):
                found[bisect_right(starts, at) - 1].append(position)
        return found[part]


def _figures(sums: _Sums, found: _Found, part: int | None, parts: _Parts) -> dict:
    """The figures of the whole period (part None) or of one of its parts."""

    def pick(times: list[int], *columns: list) -> list[list]:
        if part is None:
            return list(columns)
        keep = parts.members(times, part)
        return [[column[i] for i in keep] for column in columns]

    yen, approved = pick(found.remedy_at, found.remedy_yen, found.remedy_approved)
    (checks,) = pick(found.check_at, found.check_at)
    resolved = len(sums.cases)
    return {
        "cases_received": sums.received,
        "first_reply": durations(sums.reply_seconds, sums.reply_business),
        "resolution": durations(sums.resolve_seconds, sums.resolve_business),
        "within_sla_share": share(sums.on_time, len(sums.reply_seconds)),
        "within_sla": sums.on_time,
        "reopen_rate": share(sums.reopened, resolved),
        "reopened": sums.reopened,
        "escalation_rate": share(sums.late, sums.known),
        "escalated": sums.late,
        "with_target": sums.known,
        "backlog": found.backlog[-1 if part is None else part],
        "remedies_count": len(yen),
        "remedies_yen": sum(yen),
        "approvals": sum(approved),
        "satisfaction_checks": len(checks),
        "satisfaction_share": share(sum(map(found.checked.__contains__, sums.cases)), resolved),
    }


def _backlog(
    store: Store,
    day_counts: list[tuple[int, int, int]],
    start: str,
    end: str,
    moments: list[int],
) -> list[int]:
    """Cases open (new, open or waiting) at each moment (the end of each part): received before
    it, and not resolved or closed at it. Counted as the cases received before it less those
    first resolved before it (the count at the period's start, then the receipts and first
    resolutions in the period, from the days' counts); the cases opened again after a
    resolution are then followed through their status changes."""
    open_at_start = store.report_open_before(start)
    history: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for case_id, at, status in store.report_reopened_history(start, end):
        history[case_id].append((at, status))
    counts = []
    for moment in moments:
        count = open_at_start
        for day_end, day_received, day_resolved in day_counts:
            if day_end <= moment:
                count += day_received - day_resolved
        for changes in history.values():
            first = next((at for at, status in changes if status in SETTLED), None)
            if first is None or first >= moment:
                continue  # not resolved yet at that moment: counted above
            status = None
            for at, to in changes:
                if at >= moment:
                    break
                status = to
            count += status in OPEN_STATUSES
        counts.append(count)
    return counts


def _remedies(
    store: Store, found: _Found, categories: Categories, lang: str, start: str, end: str
) -> list[dict]:
    """Remedies recorded in the period by kind and category: how many, and what they came to in
    yen (their worth: the amount, or the goods sent again; a remedy of unknown worth counts in
    unpriced, not in yen)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for at, _case_id, category, kind, worth, approved in store.report_remedies(start, end):
        tally = groups.setdefault((kind, category), [0, 0, 0, 0])
        tally[0] += 1
        tally[1] += worth or 0
        tally[2] += worth is None
        tally[3] += approved
        found.remedy_at.append(at)
        found.remedy_yen.append(worth or 0)
        found.remedy_approved.append(approved)
    rows = [
        {
            "kind": kind,
            "category": category,
            "category_label": categories.label(category, lang),
            "count": count,
            "yen": yen,
            "unpriced": unpriced,
            "approved": approved,
        }
        for (kind, category), (count, yen, unpriced, approved) in groups.items()
    ]
    rows.sort(key=lambda r: (-r["yen"], -r["count"], r["kind"], r["category"]))
    return rows


def _by_category(kinds: Counter, lang: str) -> list[dict]:
    groups: Counter = Counter()
    for (category, _mall), count in kinds.items():
        groups[category.split(".", 1)[0]] += count
    return [
        {"category": group, "label": group_label(group, lang), "count": count}
        for group, count in sorted(groups.items(), key=lambda item: (-item[1], item[0]))
    ]


def _by_mall(kinds: Counter) -> list[dict]:
    malls: Counter = Counter()
    for (_category, mall), count in kinds.items():
        malls[mall] += count
    return [
        {"mall": mall, "count": count}
        for mall, count in sorted(malls.items(), key=lambda item: (-item[1], item[0] or ""))
    ]


def _faq(
    store: Store,
    inquiries: dict[str, list],
    categories: Categories,
    lang: str,
    start: str,
    end: str,
) -> tuple[list[dict], int]:
    """The inquiry categories of the cases received in the period, then the phrases that recur
    in the customers' messages written in it (the newest of them: faq.MESSAGES at most); each
    most cases first, newest case ids first. With how many messages were read."""
    rows = [
        {
            "kind": "category",
            "phrase": categories.label(code, lang),
            "category": code,
            "count": count,
            "case_ids": [case_id for _at, case_id in sorted(newest, reverse=True)[: faq.CASE_IDS]],
        }
        for code, (count, newest) in sorted(
            inquiries.items(), key=lambda item: (-item[1][0], item[0])
        )
    ]
    docs = faq.read_messages(store.report_messages(start, end, faq.MESSAGES))
    rows += [{"kind": "phrase"} | phrase for phrase in faq.phrases(docs)]
    return rows, docs.messages
