"""shopcare search: find cases by the words in them, Japanese at any length."""

from typing import Annotated

import typer

from shopcare.cli.output import Format, FormatOption, JsonOption, pick_format, print_rows, say
from shopcare.cli.session import session
from shopcare.cli.views import SEARCH
from shopcare.clock import DayTime
from shopcare.domain import search as core
from shopcare.errors import ShopcareError


def search(
    text: Annotated[
        str,
        typer.Argument(
            metavar="TEXT",
            help='Words the case must hold, all of them; "a phrase" in double quotes.',
        ),
    ],
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="new, open, waiting, resolved, closed or all (default: all)."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only cases received since then: 2026-11-01, -30d, today."),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option("--category", help="A code or a group: delivery, delivery.*, delivery.late."),
    ] = None,
    limit: Annotated[
        int,
        typer.Option("--limit", help="Show at most this many cases, the most relevant first."),
    ] = core.DEFAULT_LIMIT,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find cases by their words: summaries, requests, messages, notes, customers, orders, items.

    Every word must be found in the case (in any of its texts); "..." is a phrase. Japanese
    is found at any length (返品, 割れ, まだ届きません), English whatever its case, full-width
    letters as half-width ones. One row a case, most relevant first (a match in the summary
    counts most, then the request, the customer's messages, the shop's notes, then names and
    numbers; more matches count more), then the newest, with the words around the first match.

    Example: shopcare search "返品 サイズ" --status open
    """
    output = pick_format(fmt, as_json)
    if not 1 <= limit <= core.MAX_LIMIT:
        raise ShopcareError(
            f"--limit {limit} is out of range", f"give a number from 1 to {core.MAX_LIMIT:,}"
        )
    with session() as s:
        filters = core.make_filters(
            status,
            category,
            s.when(since, DayTime.start()) if since else None,
            lambda: s.categories,
        )
        found = core.search(s.store, text, filters, limit)
    rows = [_shown(row, output) for row in found.rows]
    print_rows(rows, SEARCH, output, s.tz)
    if found.more:
        say(f"more cases may match: --limit {limit * 2} shows more, words narrow it down")


TABLE_BEFORE = 10  # characters of a snippet before its match in a table, whose cell is cut


def _shown(row: dict, output: Format) -> dict:
    """A found case as the format shows it: json lists where it matched, tsv and a table name
    the places in one cell; the snippet's match is between « and » (see core.MARKS). A table
    cuts a long cell at its end: its snippet starts closer to the match."""
    where, parts = row["matched_in"], row["snippet"]
    if output is Format.table and parts and len(parts[0]) > TABLE_BEFORE:
        parts = ("…" + parts[0][-TABLE_BEFORE + 1 :], *parts[1:])
    return row | {
        "snippet": core.marked(parts),
        "matched_in": where if output is Format.json else ",".join(where),
    }
