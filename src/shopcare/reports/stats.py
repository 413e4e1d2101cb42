"""Median, 90th percentile and mean of durations, as the report defines them.

- median: the middle value of the sorted values; for an even count, the mean of the two
  middle ones.
- 90th percentile, by nearest rank: the value at rank ceil(0.9 x n) of the n values sorted
  ascending (1-based), that is the smallest value at or under which at least 90% of the
  values lie. It is always one of the values (with 5 values: the 5th; with 10: the 9th).
- mean: the sum over the count.
None where there are no values. Hours are rounded to two decimals."""

from __future__ import annotations

from math import ceil


def median(ordered: list[float]) -> float | None:
    n = len(ordered)
    if not n:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def nearest_rank(ordered: list[float], percent: float) -> float | None:
    """The percent-th percentile of values sorted ascending, by nearest rank."""
    if not ordered:
        return None
    rank = max(1, ceil(round(percent / 100 * len(ordered), 9)))  # 0.9 x 10 is 9, not 9.000001
    return ordered[rank - 1]


def share(part: int, whole: int) -> float | None:
    """A fraction from 0 to 1, rounded to four decimals; None where the whole is nothing."""
    return round(part / whole, 4) if whole else None


def durations(seconds: list[int], business_seconds: list[int]) -> dict:
    """The figures of a duration (first reply, resolution), given in seconds: count, median and
    90th percentile in business and calendar hours, and the means."""
    by_calendar = sorted(seconds)
    by_business = sorted(business_seconds)
    count = len(by_calendar)

    def hours_of(value: float | None) -> float | None:
        return None if value is None else round(value / 3600, 2)

    return {
        "count": count,
        "median_business_hours": hours_of(median(by_business)),
        "p90_business_hours": hours_of(nearest_rank(by_business, 90)),
        "median_hours": hours_of(median(by_calendar)),
        "p90_hours": hours_of(nearest_rank(by_calendar, 90)),
        "mean_hours": hours_of(sum(by_calendar) / count if count else None),
        "mean_business_hours": hours_of(sum(by_business) / count if count else None),
    }
