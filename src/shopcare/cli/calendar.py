"""shopcare calendar: the shop's business days, and the Cabinet Office's holiday list."""

from pathlib import Path
from typing import Annotated

import typer

from shopcare.cli.output import FormatOption, JsonOption, pick_format, print_rows, say
from shopcare.cli.root import subcommands
from shopcare.cli.session import session
from shopcare.cli.views import DAYS

app = subcommands("calendar", invoke_without_command=True)

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@app.callback()
def calendar(
    ctx: typer.Context,
    start: Annotated[
        str | None, typer.Option("--from", help="The first day (default: today).")
    ] = None,
    days: Annotated[
        int, typer.Option("--days", help="How many days to list.", min=1, max=3660)
    ] = 14,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    business_today: Annotated[
        bool,
        typer.Option(
            "--business-today",
            help="Print nothing; exit 0 if the shop works today, 1 if it is closed (for cron).",
        ),
    ] = False,
) -> None:
    """List each day: business or closed, and why (a holiday's name, the weekend, the shop's closure).

    With --business-today, only the exit status says whether the shop works today, so that a
    cron job can skip the shop's closed days as its own calendar knows them.
    Example: shopcare calendar --from 2026-12-25 --days 14
    """
    if ctx.invoked_subcommand:
        return
    from shopcare.clock import DayTime

    if business_today:
        if start is not None or days != 14 or fmt is not None or as_json:
            from shopcare.errors import ShopcareError

            raise ShopcareError(
                "--business-today answers for today only, by its exit status",
                "leave out --from, --days and --format",
            )
        with session() as s:
            today = s.calendar.day(s.today)
        if not today.business:
            raise typer.Exit(1)
        return
    output = pick_format(fmt, as_json)
    with session() as s:
        first = s.when(start or "today", DayTime.start()).astimezone(s.tz).date()
        hours = f"{s.config.open:%H:%M}-{s.config.close:%H:%M}"
        rows = (
            {
                "date": day.day.isoformat(),
                "weekday": WEEKDAY_NAMES[day.day.weekday()],
                "business": day.business,
                "hours": hours if day.business else None,
                "reason": day.reason,
            }
            for day in s.calendar.days(first, days)
        )
        print_rows(rows, DAYS, output, s.tz)


@app.command("import-holidays")
def import_holidays(
    file: Annotated[Path, typer.Argument(help="syukujitsu.csv from the Cabinet Office (CP932).")],
) -> None:
    """Import the Cabinet Office's holiday list, for years a jpholiday release does not know yet.

    For every year in the file, the file is the truth. Importing again replaces those years.
    Example: shopcare calendar import-holidays ~/Downloads/syukujitsu.csv
    """
    from shopcare.clock import to_storage
    from shopcare.domain.calendar import read_holiday_file
    from shopcare.inputfiles import read_small_file

    holidays = read_holiday_file(read_small_file(file, "holiday list (syukujitsu.csv)"))
    years = sorted({day.year for day in holidays})
    with session(writes=True) as s:
        stamp = to_storage(s.now)
        with s.store.write():  # the years' old lists go, and the new ones come, together
            s.store.replace_holidays(
                years,
                [(day.isoformat(), name) for day, name in sorted(holidays.items())],
                stamp,
            )
    say(f"{len(holidays)} holidays imported for {years[0]}-{years[-1]}")
