"""The report's per-day summaries: what the cases add to the figures on each of the shop's
local days, so that a year's report reads 365 rows instead of working 40,000 cases out again.

Nothing of a case's figures moves with the clock but one thing. Its first reply and first
resolution, once they happened, are fixed; the verdicts on its targets are fixed once it is
resolved, once it is late for good (a reply sent late), or once it can no longer go late by
waiting (replied on time and waiting on the customer). An unresolved case not late yet goes
late at one known moment if nobody acts: the first of its targets still running to run out.
So a day keeps: the first replies sent that day (calendar and business seconds, how many on
time), the first resolutions (seconds, the cases, how many opened again by the customer), and
the cases received that day (how many, late for good, with a verdict, by category and mall,
the newest inquiries, and the sorted moments the others go late: a report as of now counts
those before now). A report merges the days of its period and its weeks or months (which begin
at local midnights, so no day is ever cut). Medians and percentiles come out exact: a day keeps
every value, not its own median.

Where the rows are kept (SQLite, store/sqlite/migrations.py m011), the database drops a day's
row whenever a case in it is added, deleted or changed in a column its figures read, whoever
changes it; the key below drops them all when what the figures are worked out with changes
(the SLA, the shop's calendar and zone, shopcare itself). A day without its row is worked out
again from its cases by the report that finds it missing, and stored a week at a time, each
week in a short write with the reads it comes from (reports/figures.py build).
"""

from __future__ import annotations

import hashlib
import json
import sys
from array import array
from bisect import bisect_right
from collections import Counter
from datetime import date, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from shopcare.reports.faq import CASE_IDS  # the newest inquiries of each category a day keeps
from shopcare.reports.periods import midnight

if TYPE_CHECKING:
    from shopcare.domain.calendar import ShopCalendar

_LITTLE = sys.byteorder == "little"


def key(policy, calendar: ShopCalendar) -> str:
    """What the summaries are worked out with: any change makes them all stale."""
    from shopcare import __version__
    from shopcare.settings.derived import library_stamp

    sla = policy.sla
    parts = [
        __version__,
        library_stamp("jpholiday"),
        json.dumps(
            [sla.reply_within, sla.resolve_within, sla.mall, sla.priority],
            default=vars,
            sort_keys=True,
            ensure_ascii=False,
        ),
        _zone_rules(calendar.tz),
        calendar.open.isoformat(),
        calendar.close.isoformat(),
        sorted(calendar.workdays),
        calendar.use_holidays,
        sorted(day.isoformat() for day in calendar.closed),
        sorted((day.isoformat(), name) for day, name in calendar.imported.items()),
    ]
    text = json.dumps(parts, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _zone_rules(tz) -> str:
    """The zone's name and, for an IANA zone, a digest of its zone file as zoneinfo finds it
    (the system's zone data, else the tzdata package): an update that moves its offsets
    changes where the shop's days begin and how its hours fall."""
    name = getattr(tz, "key", None)
    if not name:
        return str(tz)  # a fixed offset (clock.zone): its name says it all
    import os
    import zoneinfo

    data = None
    for folder in zoneinfo.TZPATH:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            with open(path, "rb") as rules:
                data = rules.read()
            break
    else:  # zoneinfo's second place to look; a zone found in neither keeps its name alone
        from contextlib import suppress
        from importlib import resources

        with suppress(ImportError, OSError):
            data = resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).read_bytes()
    return name if data is None else f"{name} {hashlib.sha256(data).hexdigest()}"


def local_days(first: date, last: date, tz) -> list[tuple[int, int]]:
    """The shop's days from first to last (included): (midnight, next midnight), Unix seconds."""
    count = (last - first).days + 1
    bounds = [int(midnight(first + timedelta(days=n), tz).timestamp()) for n in range(count + 1)]
    return list(pairwise(bounds))


def _pack(values) -> bytes:
    packed = array("q", values)
    if not _LITTLE:
        packed.byteswap()
    return packed.tobytes()


def unpack(blob: bytes, into: array) -> None:
    """Add a packed list of numbers to an array("q")."""
    if _LITTLE:
        into.frombytes(blob)
    else:
        more = array("q")
        more.frombytes(blob)
        more.byteswap()
        into.extend(more)


def runs(days: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    runs: list[list[tuple[int, int]]] = []
    for day in days:
        if runs and runs[-1][-1][1] == day[0]:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def by_day(found, days: list[tuple[int, int]], inquiry: str) -> list[tuple]:
    """The rows of these consecutive days, from what figures._cases found in them (inquiry:
    the prefix of the categories that are questions)."""
    starts = [start for start, _end in days]
    tallies = [_Tally() for _ in days]

    def tally(at: int) -> _Tally:
        return tallies[bisect_right(starts, at) - 1]

    for at, seconds, business, on_time in zip(
        found.reply_at, found.reply_seconds, found.reply_business, found.reply_on_time, strict=True
    ):
        day = tally(at)
        day.reply_seconds.append(seconds)
        day.reply_business.append(business)
        day.on_time += on_time
    for at, seconds, business, case_id, reopened in zip(
        found.resolved_at,
        found.resolve_seconds,
        found.resolve_business,
        found.resolved_case,
        found.reopened,
        strict=True,
    ):
        day = tally(at)
        day.resolve_seconds.append(seconds)
        day.resolve_business.append(business)
        day.cases.append(case_id)
        day.reopened += reopened
    for at in found.left_at:
        tally(at).settled += 1
    inquiries = iter(found.inquiries)
    for at, late, known, late_from, kind in zip(
        found.received_at, found.late, found.known, found.late_from, found.kinds, strict=True
    ):
        day = tally(at)
        day.received += 1
        day.late += late
        day.known += known
        if late_from is not None:
            day.late_from.append(late_from)
        day.kinds[kind] += 1
        if kind[0].startswith(inquiry):
            case_id, category = next(inquiries)
            day.inquiries.setdefault(category, []).append((at, case_id))
    return [tally.row(start, end) for (start, end), tally in zip(days, tallies, strict=True)]


class _Tally:
    """One day's summary as it is worked out."""

    def __init__(self) -> None:
        self.reply_seconds: list[int] = []
        self.reply_business: list[int] = []
        self.resolve_seconds: list[int] = []
        self.resolve_business: list[int] = []
        self.cases: list[int] = []
        self.on_time = self.reopened = self.received = self.settled = 0
        self.late = self.known = 0
        self.late_from: list[int] = []
        self.kinds: Counter = Counter()
        self.inquiries: dict[str, list[tuple[int, int]]] = {}

    def row(self, start: int, end: int) -> tuple:
        """The row as report_days holds it (m011's columns, in order)."""
        kinds = sorted(
            ([category, mall, count] for (category, mall), count in self.kinds.items()),
            key=lambda kind: (kind[0], kind[1] or ""),
        )
        inquiries = {
            category: [len(found), sorted(found, reverse=True)[:CASE_IDS]]
            for category, found in sorted(self.inquiries.items())
        }
        return (
            start,
            end,
            _pack(self.reply_seconds),
            _pack(self.reply_business),
            self.on_time,
            _pack(self.resolve_seconds),
            _pack(self.resolve_business),
            _pack(self.cases),
            self.reopened,
            self.received,
            self.settled,
            self.late,
            self.known,
            _pack(sorted(self.late_from)),
            json.dumps(kinds, ensure_ascii=False, separators=(",", ":")),
            json.dumps(inquiries, ensure_ascii=False, separators=(",", ":")),
        )
