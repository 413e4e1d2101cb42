"""The one output layer: every listing is a View (columns as data), rendered as table, tsv or json.

Fields ending in ``_at`` hold stored UTC times; they are shown in the shop's
time zone (ISO-8601 with the offset in tsv and json, a short form in tables).
"""

import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Annotated, Any, NamedTuple

import typer

from shopcare.clock import is_time_key, json_record, remember, to_local_iso
from shopcare.patterns import LazyPattern


class Format(StrEnum):
    table = "table"
    tsv = "tsv"
    json = "json"


FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        help="table, tsv or json (default: a table on a terminal, tsv in a pipe).",
        case_sensitive=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Short for --format json.")]


def pick_format(fmt: Format | None, as_json: bool) -> Format:
    if as_json:
        return Format.json
    if fmt is not None:
        return fmt
    return Format.table if sys.stdout.isatty() else Format.tsv


class Column(NamedTuple):
    key: str
    header: str
    style: str | None = None
    max_width: int | None = None
    no_wrap: bool = False
    # a table on a terminal narrower than this leaves the column out (tsv and json keep it)
    hide_below: int | None = None
    min_width: int | None = None
    # where rows are objects (follow-up items), the attribute holding the value, if not key
    attr: str | None = None
    # a text's part set between these two marks (a search's match) is shown highlighted where
    # the terminal shows styles, and keeps its marks where it does not (NO_COLOR, a pipe)
    marks: tuple[str, str] | None = None


class View(NamedTuple):
    """One listing, defined once: which columns a table and tsv show. json shows every field."""

    title: str
    columns: tuple[Column, ...]
    empty: str = "nothing to show"


def cell_reader(view: View, computed: dict[str, Callable[[Any], Any]]) -> Callable[[Any], list]:
    """For rows that are objects: a row's values in the view's column order, each read from
    its column's attribute (Column.attr, else the key) or computed by computed[key]. A long
    tsv listing then builds no dict per row, and the columns stay defined once, in the view.
    The attributes are read in one call (operator.attrgetter of them all), the computed
    columns put in their places after."""
    from operator import attrgetter

    read = attrgetter(*(c.attr or c.key for c in view.columns if c.key not in computed))
    slots = [(i, computed[c.key]) for i, c in enumerate(view.columns) if c.key in computed]

    def cells(row) -> list:
        values = list(read(row))
        for i, compute in slots:
            values.insert(i, compute(row))
        return values

    return cells


def ascii_json() -> bool:
    """json to an output that is not UTF-8 escapes every non-ASCII character (\\u3042): valid json
    in any encoding, where a backslash escape of an emoji would not be."""
    from shopcare.cli.root import is_utf8

    return not is_utf8(sys.stdout)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# A cell a spreadsheet would run as a formula starts with one of these (a tab or CR first is
# written as \t or \r, which no spreadsheet runs): such a text is written with a ' before it.
FORMULA_STARTS = ("=", "+", "-", "@")
# each starts with a literal character, which lets the regex engine skip ahead fast: far
# quicker over a long list than one pattern with an anchor or a class first
_AFTER_TAB = LazyPattern(r"\t[=+\-@]")
_AFTER_NEWLINE = LazyPattern(r"\n[=+\-@]")


def _has_formula_cell(text: str) -> bool:
    """Whether a chunk of tsv lines has a cell a spreadsheet would run."""
    return (
        text.startswith(FORMULA_STARTS)
        or _AFTER_TAB.search(text) is not None
        or _AFTER_NEWLINE.search(text) is not None
    )


def _tsv_plain(value: Any) -> str:
    """A value that is not a time, as a tsv cell: tabs and line breaks escaped, and a text that
    a spreadsheet would run as a formula (=, +, -, @ first) made inert with a ' before it."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if not isinstance(value, str):
        return str(value)
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return value.translate(_TSV_ESCAPES)


def _tsv_cell(key: str, value: Any, tz: tzinfo) -> str:
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    if is_time_key(key) and isinstance(value, str):
        return to_local_iso(value, tz)
    return _tsv_plain(value)


_CHUNK = 512  # lines written at a time


def _tsv_chunks(rows: Iterable[list], view: View, tz: tzinfo) -> Iterator[tuple[str, int]]:
    """tsv for rows given as their values in the view's column order: text a few hundred lines
    at a time (one write each), with how many lines it holds. Times are memoised (a follow-up
    list repeats the same closing times thousands of times), and escaping is looked for once
    per chunk: only a chunk with a tab, line break or backslash inside a cell is redone."""
    times: dict = {}

    def local(value) -> str:  # a time not yet in times
        if isinstance(value, datetime):
            return remember(times, value, value.astimezone(tz).isoformat())
        return remember(times, value, to_local_iso(value, tz))

    timed = [i for i, column in enumerate(view.columns) if is_time_key(column.key)]
    tabs = len(view.columns) - 1
    lines: list[str] = []
    kept: list[list] = []
    for cells in rows:
        for i in timed:
            value = cells[i]
            if isinstance(value, (str, datetime)):
                cells[i] = times.get(value) or local(value)
        try:
            lines.append("\t".join(cells))
        except TypeError:  # a None, number or bool among them
            cells = [cell if type(cell) is str else _tsv_plain(cell) for cell in cells]
            lines.append("\t".join(cells))
        kept.append(cells)
        if len(lines) == _CHUNK:
            yield _escaped(lines, kept, tabs), _CHUNK
            lines, kept = [], []
    if lines:
        yield _escaped(lines, kept, tabs), len(lines)


def _escaped(lines: list[str], kept: list[list], tabs: int) -> str:
    """The lines as one text; where a cell holds a tab, line break or backslash (the chunk
    then has more of them than its lines account for), the cells are escaped one by one."""
    text = "\n".join(lines) + "\n"
    if (
        text.count("\t") == tabs * len(lines)
        and text.count("\n") == len(lines)
        and "\r" not in text
        and "\\" not in text
        and not _has_formula_cell(text)
    ):
        return text
    return "".join("\t".join(map(_tsv_plain, cells)) + "\n" for cells in kept)


TABLE_CELL_LIMIT = 2000  # characters a table cell shows: a megabyte of text is not read in a table
# Control characters (C0 but tab and line break, DEL, C1): an escape sequence in a customer's
# text must never reach a terminal raw, where it could move the cursor, retitle the window or
# hide what follows.
_CONTROL = LazyPattern(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """text with every control character shown as \\xNN, for a terminal."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _this_year(tz: tzinfo) -> int:
    """The year by the pinned clock in the shop's zone: worked out once per table."""
    from shopcare.clock import now

    return now().astimezone(tz).year


def _short_time(moment: datetime, tz: tzinfo, year: int) -> str:
    """A time for a table cell: 11/20 19:40 this year, 2025/11/20 another (tsv and json keep
    the whole ISO time)."""
    local = moment.astimezone(tz)
    if local.year == year:
        return local.strftime("%m/%d %H:%M")
    return local.strftime("%Y/%m/%d")


def _table_cell(key: str, value: Any, tz: tzinfo, year: int) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _short_time(value, tz, year)
    if is_time_key(key) and isinstance(value, str):
        from shopcare.clock import from_storage

        return _short_time(from_storage(value), tz, year)
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if len(text) > TABLE_CELL_LIMIT:
        text = text[:TABLE_CELL_LIMIT] + f"… ({len(text):,} characters: --format json shows all)"
    return visible(text)


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def print_rows(
    rows: Iterable[Any],
    view: View,
    fmt: Format,
    tz: tzinfo,
    record: Callable[[Any], dict] | None = None,
    cells: Callable[[Any], list] | None = None,
) -> int:
    """Render rows (streamed for tsv and json); returns how many there were.

    Rows are dicts, or anything that `record` turns into one. For tsv, `cells` may give a
    row's values in the view's column order instead: a long list then builds no dicts."""
    if record is not None and not (cells is not None and fmt is Format.tsv):
        rows = map(record, rows)
    out = sys.stdout
    count = 0
    if fmt is Format.json:
        import json

        ascii_only = ascii_json()
        out.write("[")
        for row in rows:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(json_record(row, tz), ensure_ascii=ascii_only))
            count += 1
        out.write("\n]\n" if count else "]\n")
        return count
    if fmt is Format.tsv:
        out.write("\t".join(c.key for c in view.columns) + "\n")
        if cells is None:
            keys = [c.key for c in view.columns]
            values = ([row.get(key) for key in keys] for row in rows)
        else:
            values = map(cells, rows)
        for text, lines in _tsv_chunks(values, view, tz):
            out.write(text)
            count += lines
        return count
    from rich import box
    from rich.table import Table

    console = _console()
    # on a narrow terminal the table fits its width: less needed columns are left out, and
    # each row stays one line, its long cells cut with … (tsv and json keep every value whole)
    shown = [c for c in view.columns if c.hide_below is None or console.width >= c.hide_below]
    table = Table(title=view.title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
    year = _this_year(tz)
    rows = list(rows)
    # each cell's text is made once: it sets the column widths, then fills the table
    texts = [[_table_cell(c.key, row.get(c.key), tz, year) for c in shown] for row in rows]
    widths = _fit(shown, texts, console.width)
    for column, width in zip(shown, widths, strict=True):
        table.add_column(column.header, width=width, overflow="ellipsis", no_wrap=True)
    styles = console.is_terminal and console.color_system is not None and not console.no_color
    for row, cells in zip(rows, texts, strict=True):
        table.add_row(
            *(_styled(c, row, text, styles) for c, text in zip(shown, cells, strict=True))
        )
        count += 1
    if count:
        console.print(table)
    else:
        console.print(f"[dim]{view.empty}[/dim]")
    return count


def _fit(columns: list[Column], texts: list[list[str]], width: int) -> list[int]:
    """Each column's width in a table of at most width cells: as wide as its widest value (or
    its max_width), then, while the table is too wide, the widest column that can still give
    way loses a cell (none goes under its min_width, or its header's first four cells)."""
    from rich.cells import cell_len

    wanted = []
    for index, column in enumerate(columns):
        longest = max([cell_len(column.header)] + [cell_len(cells[index]) for cells in texts])
        wanted.append(min(longest, column.max_width or longest))
    floors = [max(column.min_width or 0, min(cell_len(column.header), 4), 1) for column in columns]
    widths = [max(w, f) for w, f in zip(wanted, floors, strict=True)]
    room = width - 1 - 3 * len(columns)  # SIMPLE_HEAD: a space each side of a cell, an edge
    while sum(widths) > room:
        give = [i for i, (w, f) in enumerate(zip(widths, floors, strict=True)) if w > f]
        if not give:
            break
        widest = max(give, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


_STYLES = {
    "priority": {"high": "bold red", "low": "dim"},
    "status": {"new": "bold yellow", "waiting": "cyan", "resolved": "green", "closed": "dim"},
    "overdue": {"True": "bold red"},
}


MATCH_STYLE = "bold reverse"


def _styled(column: Column, row: dict, text: str, styles: bool = True) -> str:
    """A cell's text, escaped for rich's markup, in its column's style (or its value's); the
    part between its column's marks highlighted instead, where the console shows styles."""
    from rich.markup import escape

    if styles and column.marks:
        before, opened, rest = text.partition(column.marks[0])
        match, closed, after = rest.partition(column.marks[1])
        if opened and closed:
            return f"{escape(before)}[{MATCH_STYLE}]{escape(match)}[/{MATCH_STYLE}]{escape(after)}"
    text = escape(text)
    style = column.style or _STYLES.get(column.key, {}).get(str(row.get(column.key)))
    return f"[{style}]{text}[/{style}]" if style and text else text


def print_record(
    record: dict,
    fields: tuple[Column, ...],
    fmt: Format,
    tz: tzinfo,
    sections: tuple[tuple[str, View], ...] = (),
) -> None:
    """One object: json as an object (sections nested under their key), else fields then sections."""
    out = sys.stdout
    if fmt is Format.json:
        import json

        text = json.dumps(json_record(record, tz), ensure_ascii=ascii_json(), indent=2)
        out.write(text + "\n")
        return
    if fmt is Format.tsv:
        out.write("field\tvalue\n")
        for column in fields:
            out.write(f"{column.key}\t{_tsv_cell(column.key, record.get(column.key), tz)}\n")
        for key, view in sections:
            out.write("\n")
            print_rows(record.get(key) or [], view, fmt, tz)
        return
    from rich.table import Table

    year = _this_year(tz)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for column in fields:
        value = record.get(column.key)
        if value is not None and value != "":
            text = _table_cell(column.key, value, tz, year)
            grid.add_row(column.header, _styled(column, record, text))
    console = _console()
    console.print(grid)
    for key, view in sections:
        console.print()
        print_rows(record.get(key) or [], view, fmt, tz)


def print_created(what: str, new_id: int) -> None:
    """A created thing's id: just the number in a pipe, so scripts can capture it."""
    if sys.stdout.isatty():
        sys.stdout.write(f"{what} {new_id} created\n")
    else:
        sys.stdout.write(f"{new_id}\n")


def say(message: str) -> None:
    """A message for the person, on stderr so that stdout stays data."""
    sys.stderr.write(message + "\n")
