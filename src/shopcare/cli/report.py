"""shopcare report: the shop's numbers over a period, as a table, tsv, json or one HTML page."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from shopcare.cli.output import JsonOption, ascii_json, say, visible
from shopcare.cli.session import session
from shopcare.clock import DayTime
from shopcare.errors import ShopcareError


class ReportFormat(StrEnum):
    table = "table"
    tsv = "tsv"
    json = "json"
    html = "html"


def report(
    start: Annotated[
        str | None,
        typer.Option(
            "--from", help="The first day (default: 4 weeks before --until).", show_default=False
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", help="The last day, included (default: today).", show_default=False
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="week or month: every figure for each one too, as a trend."),
    ] = None,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            help="table, tsv, json or html (default: a table on a terminal, tsv in a pipe;"
            " with --out, html for a .html name).",
            case_sensitive=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the report to this file (readable by you alone) instead of stdout.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The shop's numbers for a period: reply and resolution times, SLA, reopens, escalations, remedies, FAQ.

    For the last 4 weeks unless --from/--until say otherwise (days in the shop's time zone,
    both included). Times are in business hours (the shop's calendar) and calendar hours;
    the README defines every figure.

    Example: shopcare report --by week --format html --out report.html
    """
    from shopcare.errors import check_choice
    from shopcare.reports.figures import build
    from shopcare.reports.periods import BY, report_period
    from shopcare.settings.derived import policy_view

    output = _pick_format(fmt, as_json, out)
    if by is not None:
        check_choice("--by", by.strip().lower(), BY)
        by = by.strip().lower()
    if out is not None:
        _check_out(out)
    with session() as s:
        first = s.when(start, DayTime.start()).astimezone(s.tz).date() if start else None
        last = s.when(until, DayTime.start()).astimezone(s.tz).date() if until else None
        period = report_period(first, last, s.today)
        policy = policy_view(s.home, s.today)
        figures = build(s.store, policy, s.calendar, s.categories, s.lang, s.now, period, by)
        shop_name = s.config.shop_name
        lang = s.lang
    if output is ReportFormat.table:
        _table(figures)
        return
    if output is ReportFormat.json:
        import json

        text = json.dumps(figures, ensure_ascii=out is None and ascii_json(), indent=2) + "\n"
    elif output is ReportFormat.html:
        from shopcare.reports.html import page

        text = page(figures, shop_name, lang)
    else:
        text = _tsv(figures)
    if out is None:
        sys.stdout.write(text)
        return
    _write(out, text)
    say(f"report written to {out}")


def _pick_format(fmt: ReportFormat | None, as_json: bool, out: Path | None) -> ReportFormat:
    if as_json:
        chosen = ReportFormat.json
    elif fmt is not None:
        chosen = fmt
    elif out is not None:
        suffix = out.suffix.lower()
        chosen = {".html": ReportFormat.html, ".htm": ReportFormat.html}.get(suffix)
        chosen = chosen or (ReportFormat.json if suffix == ".json" else ReportFormat.tsv)
    else:
        chosen = ReportFormat.table if sys.stdout.isatty() else ReportFormat.tsv
    if chosen is ReportFormat.table and out is not None:
        raise ShopcareError(
            "a table is drawn for a terminal, not written to a file",
            "give --out with --format html, json or tsv",
        )
    return chosen


def _check_out(out: Path) -> None:
    """--out must be a file we may replace: not a folder, a device or the shop's own files."""
    from shopcare.cli.session import home_path
    from shopcare.home import CONFIG_NAME, DB_NAME

    if out.exists() and not out.is_file():
        raise ShopcareError(
            f"--out {out} is not a regular file", "give the name of a file to write"
        )
    if not out.parent.is_dir():
        raise ShopcareError(f"--out {out}: no folder {out.parent}", "make the folder first")
    if out.exists():
        home = home_path()
        for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", CONFIG_NAME):
            mine = home / name
            if mine.exists() and os.path.samefile(out, mine):
                raise ShopcareError(
                    f"--out {out} is the shop's own {name}", "write the report to another file"
                )
        from shopcare.store.sqlite.backup import is_sqlite_file

        if is_sqlite_file(out):  # another shop's database, a backup
            raise ShopcareError(f"--out {out} is a database", "write the report to another file")


def _write(out: Path, text: str) -> None:
    """The report in out, readable by the owner alone; all of it or, on an error, nothing."""
    from shopcare.home import write_private

    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        write_private(temporary, text)
        os.replace(temporary, out)
    finally:
        if temporary.exists():
            temporary.unlink()


# --- tsv: one row a figure ---------------------------------------------------------------

_SCALARS = (
    "within_sla_share",
    "within_sla",
    "reopen_rate",
    "reopened",
    "escalation_rate",
    "escalated",
    "with_target",
    "backlog",
    "remedies_count",
    "remedies_yen",
    "approvals",
    "satisfaction_checks",
    "satisfaction_share",
)


def figure_rows(figures: dict) -> list[dict]:
    """The report in long form: (period, figure, of, value, case ids), one row a number; the
    whole period's rows have no period, a series' rows name theirs."""
    rows: list[dict] = []

    def row(period: str, figure: str, key: str, value, case_ids=None) -> None:
        cases = ",".join(map(str, case_ids)) if case_ids else None
        rows.append(
            {"period": period, "figure": figure, "key": key, "value": value, "case_ids": cases}
        )

    def numbers(period: str, entry: dict) -> None:
        row(period, "cases_received", "", entry["cases_received"])
        for name in ("first_reply", "resolution"):
            for key, value in entry[name].items():
                row(period, name, key, value)
        for name in _SCALARS:
            row(period, name, "", entry[name])

    numbers("", figures)
    for item in figures["by_category"]:
        row("", "by_category", item["category"], item["count"])
    for item in figures["by_mall"]:
        row("", "by_mall", item["mall"] or "", item["count"])
    for item in figures["remedies"]:
        key = f"{item['kind']} {item['category']}"
        row("", "remedies", key, item["count"])
        row("", "remedies_yen", key, item["yen"])
    for item in figures["faq"]:
        row("", f"faq_{item['kind']}", item["phrase"], item["count"], item["case_ids"])
    for entry in figures["series"]:
        numbers(entry["period"], entry)
    return rows


def _tsv(figures: dict) -> str:
    import io

    from shopcare.cli.output import Format, print_rows
    from shopcare.cli.views import REPORT_FIGURES

    buffer = io.StringIO()
    real, sys.stdout = sys.stdout, buffer
    try:
        print_rows(figure_rows(figures), REPORT_FIGURES, Format.tsv, None)
    finally:
        sys.stdout = real
    return buffer.getvalue()


# --- a table on a terminal ------------------------------------------------------------------

_TICKS = "▁▂▃▄▅▆▇█"


def spark(values: list) -> str:
    """A small bar chart in one line: ▁▃█ (a period without a value: a space)."""
    known = [v for v in values if v is not None]
    most = max(known, default=0) or 1
    return "".join(" " if v is None else _TICKS[min(7, round(7 * v / most))] for v in values)


def _shown(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "count":
        return f"{value:,}"
    return str(value)


def _table(figures: dict) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=False)

    def plain(value) -> Text:  # data from the shop and its customers: never markup
        return Text(visible("" if value is None else str(value)))

    console.print(
        Text(f"Report {figures['from']} – {figures['until']}", style="bold"),
        Text(f"(as of {figures['as_of']})", style="dim"),
    )
    first, resolution = figures["first_reply"], figures["resolution"]
    times = Table(box=box.SIMPLE_HEAD, header_style="bold", title_justify="left")
    times.add_column("hours", no_wrap=True, style="dim")
    times.add_column("Cases", justify="right", no_wrap=True)
    for header in ("Median bh", "p90 bh", "Median", "p90", "Mean bh", "Mean"):
        times.add_column(header, justify="right", no_wrap=True, min_width=6)
    for label, entry in (("First reply", first), ("Resolution", resolution)):
        times.add_row(
            Text(label, style="bold"),
            _shown(entry["count"], "count"),
            *(
                _shown(entry[key], "hours")
                for key in (
                    "median_business_hours",
                    "p90_business_hours",
                    "median_hours",
                    "p90_hours",
                    "mean_business_hours",
                    "mean_hours",
                )
            ),
        )
    key = Table.grid(padding=(0, 2))
    key.add_column(style="bold")
    key.add_column(justify="right")
    key.add_column(style="dim")
    key.add_row("Cases received", _shown(figures["cases_received"], "count"), "")
    key.add_row(
        "Replies within SLA",
        _shown(figures["within_sla_share"], "share"),
        f"{figures['within_sla']:,} of {first['count']:,} first replies",
    )
    key.add_row(
        "Reopen rate",
        _shown(figures["reopen_rate"], "share"),
        f"{figures['reopened']:,} of {resolution['count']:,} resolved",
    )
    key.add_row(
        "Escalation rate",
        _shown(figures["escalation_rate"], "share"),
        f"{figures['escalated']:,} of {figures['with_target']:,} cases with a verdict",
    )
    key.add_row("Backlog at the end", _shown(figures["backlog"], "count"), "new, open, waiting")
    key.add_row(
        "Remedies",
        f"{figures['remedies_yen']:,} 円",
        f"{figures['remedies_count']:,} recorded, {figures['approvals']:,} approved",
    )
    key.add_row(
        "Satisfaction checks",
        _shown(figures["satisfaction_checks"], "count"),
        f"{_shown(figures['satisfaction_share'], 'share')} of resolved cases checked",
    )
    console.print(key)
    console.print(times)
    for title, rows in (
        (
            "Cases by category group",
            [(f"{c['label']} ({c['category']})", c["count"]) for c in figures["by_category"]],
        ),
        ("Cases by mall", [(m["mall"] or "(none)", m["count"]) for m in figures["by_mall"]]),
    ):
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
        table.add_column("")
        table.add_column("Cases", justify="right")
        table.add_column("")
        most = max((count for _, count in rows), default=0) or 1
        for label, count in rows:
            table.add_row(plain(label), f"{count:,}", "█" * max(1, round(20 * count / most)))
        if rows:
            console.print(table)
    if figures["remedies"]:
        table = Table(
            title="Remedies", title_justify="left", box=box.SIMPLE_HEAD, header_style="bold"
        )
        for header, right in (("Kind", False), ("Category", False), ("Count", True), ("Yen", True)):
            table.add_column(header, justify="right" if right else "left")
        for item in figures["remedies"]:
            table.add_row(
                plain(item["kind"]),
                plain(f"{item['category_label']} ({item['category']})"),
                f"{item['count']:,}",
                f"{item['yen']:,}",
            )
        console.print(table)
    if figures["faq"]:
        table = Table(
            title="FAQ candidates", title_justify="left", box=box.SIMPLE_HEAD, header_style="bold"
        )
        table.add_column("Kind")
        table.add_column("Question or phrase", max_width=50)
        table.add_column("Cases", justify="right")
        table.add_column("Case ids")
        for item in figures["faq"]:
            table.add_row(
                item["kind"],
                plain(item["phrase"]),
                f"{item['count']:,}",
                ", ".join(map(str, item["case_ids"])),
            )
        console.print(table)
    series = figures["series"]
    if series:
        _series_table(console, series, figures["by"])


def _series_table(console, series: list[dict], by: str) -> None:
    from rich import box
    from rich.table import Table

    from shopcare.reports.html import TRENDS, field

    table = Table(title=f"By {by}", title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
    table.add_column("Period", no_wrap=True)
    columns = [
        ("cases_received", "Cases", "count"),
        ("first_reply.median_business_hours", "Reply bh", "hours"),
        ("resolution.median_business_hours", "Solve bh", "hours"),
        ("within_sla_share", "In SLA", "share"),
        ("escalation_rate", "Escal.", "share"),
        ("backlog", "Backlog", "count"),
        ("remedies_yen", "Remedy ¥", "count"),
    ]
    for _, header, _ in columns:
        table.add_column(header, justify="right", no_wrap=True)
    bars = console.width >= 100  # a bar of the cases received, where the terminal has room
    if bars:
        table.add_column("", no_wrap=True)
    most = max((e["cases_received"] for e in series), default=0) or 1
    for entry in series:
        cells = [_shown(field(entry, name), kind) for name, _, kind in columns]
        if bars:
            cells.append("█" * round(12 * entry["cases_received"] / most))
        table.add_row(entry["period"], *cells)
    console.print(table)
    trends = Table.grid(padding=(0, 2))
    trends.add_column(style="bold")
    trends.add_column()
    for name, caption, _ in TRENDS:
        trends.add_row(caption, spark([field(entry, name) for entry in series]))
    console.print(trends)
