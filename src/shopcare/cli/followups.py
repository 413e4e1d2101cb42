"""shopcare followups: what the shop owes, to whom, by when; and what is already late."""

from bisect import bisect_left
from operator import itemgetter
from typing import Annotated

import typer

from shopcare.cli.output import (
    FormatOption,
    JsonOption,
    cell_reader,
    pick_format,
    print_rows,
    say,
)
from shopcare.cli.root import subcommands
from shopcare.cli.session import session
from shopcare.cli.views import FOLLOWUPS
from shopcare.clock import DayTime
from shopcare.errors import ShopcareError

app = subcommands(
    "followups",
    invoke_without_command=True,
)

CHECK_EXIT = 3


@app.callback()
def followups(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only what is already late.")] = False,
    until: Annotated[
        str | None,
        typer.Option("--until", help="List what is due by then (default: the end of today)."),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="reply, promise, resolve, aftercare or satisfaction."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Exit 3 when anything is overdue (for cron), 0 otherwise."),
    ] = False,
    mine: Annotated[
        bool, typer.Option("--mine", help="Only what is owed on the cases I hold.")
    ] = False,
    assignee: Annotated[
        str | None,
        typer.Option("--assignee", help="Only what is owed on the cases this operator holds."),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every follow-up due by the end of today, soonest first, with how late or how long left.

    --mine and --assignee keep what is owed on the cases one operator holds (aftercare steps
    are the shop's, about an order: they are left out).
    Example: shopcare followups --overdue --check
    Example: shopcare followups --mine
    """
    if ctx.invoked_subcommand:
        return
    from shopcare.domain.followups import KINDS, collect, left_of
    from shopcare.errors import check_choice
    from shopcare.settings.derived import policy_view

    output = pick_format(fmt, as_json)
    kinds = (check_choice("kind", kind, KINDS),) if kind else KINDS
    if mine and assignee is not None:
        raise ShopcareError("--mine and --assignee both name whose cases", "give one of them")
    with session() as s:
        policy = policy_view(s.home, s.today)
        end = s.when(until, DayTime.end()) if until else s.when("today", DayTime.end())
        items = collect(s.store, policy, s.calendar, s.now, end, kinds, overdue)
        if mine or assignee is not None:
            from shopcare.domain.cases import CaseFilter, list_cases

            holder = s.actor.author if mine else assignee
            held = {
                case["id"]
                for case in list_cases(
                    s.store, CaseFilter(status="all", assignee=holder), s.categories
                )
            }
            items = [item for item in items if item.case_id in held]
        now = s.now
        late = bisect_left(items, now, key=itemgetter(0))  # items are sorted by due time
        lefts: dict = {}

        def record(item):
            return item.as_row(now, lefts)

        cells = cell_reader(FOLLOWUPS, {"left": lambda item: left_of(item.due, now, lefts)})
        print_rows(items, FOLLOWUPS, output, s.tz, record=record, cells=cells)
    if check and late:
        say(f"{late} overdue")
        raise typer.Exit(CHECK_EXIT)


@app.command("done")
def done(
    fid: Annotated[
        str, typer.Argument(metavar="FID", help="The follow-up's id, as listed (r12, p45, a7.2).")
    ],
    note: Annotated[str | None, typer.Option("--note", help="What was done.")] = None,
) -> None:
    """Mark a follow-up done; a reply marked done (answered by phone, say) stops its clock.

    Example: shopcare followups done r12 --note "電話で回答済み"
    """
    from shopcare.domain.followups import mark_done
    from shopcare.settings.derived import policy_view

    with session(writes=True) as s:
        mark_done(s.store, s.actor, fid, policy_view(s.home, s.today), s.calendar, note)
    say(f"follow-up {fid.strip()} done")


@app.command("snooze")
def snooze(
    fid: Annotated[str, typer.Argument(metavar="FID", help="The follow-up's id, as listed.")],
    until: Annotated[
        str, typer.Option("--until", help="When it should come back: tomorrow, +2bd, 2026-11-30.")
    ],
) -> None:
    """Hide a follow-up until a time; it comes back early if the customer writes.

    Example: shopcare followups snooze s12 --until +2bd
    """
    from shopcare.domain.followups import snooze as core_snooze
    from shopcare.settings.derived import policy_view

    with session(writes=True) as s:
        moment = s.when(until, DayTime(s.config.open))
        core_snooze(s.store, s.actor, fid, moment, policy_view(s.home, s.today), s.calendar)
    say(f"follow-up {fid.strip()} snoozed")
