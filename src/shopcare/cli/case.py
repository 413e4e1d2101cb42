"""shopcare case ...: log complaints and inquiries and follow each through its timeline."""

from contextlib import closing
from typing import Annotated

import typer

from shopcare.cli.output import (
    Column,
    Format,
    FormatOption,
    JsonOption,
    pick_format,
    print_created,
    print_record,
    print_rows,
    say,
)
from shopcare.cli.params import CaseIdArgument, empty_clears
from shopcare.cli.root import subcommands
from shopcare.cli.session import read_text, session
from shopcare.cli.views import CASE_FIELDS, CASE_LIST, ORDER_LIST, TIMELINE
from shopcare.clock import DayTime
from shopcare.domain import cases as core
from shopcare.errors import ShopcareError

app = subcommands(
    "case",
    no_args_is_help=True,
)

ORDER_SUMMARY = (
    Column("order_status", "Order status"),
    Column("order_shipped_at", "Shipped"),
    Column("order_tracking", "Tracking"),
    Column("order_items", "Items"),
)

ChannelOpt = Annotated[
    str, typer.Option("--channel", help="email, mall, phone, chat, review or form.")
]
MallOpt = Annotated[
    str | None,
    typer.Option("--mall", help="rakuten, amazon, yahoo, shopify, base, stores, own or other."),
]
CategoryOpt = Annotated[
    str | None,
    typer.Option(
        "--category", help="A dotted code such as delivery.late (see: shopcare categories)."
    ),
]
FaultOpt = Annotated[
    str | None, typer.Option("--fault", help="shop, carrier, maker, customer or unknown.")
]
PriorityOpt = Annotated[
    str | None, typer.Option("--priority", help="high, normal or low (default: from the category).")
]


def _report_masked(masked: list[str]) -> None:
    if masked:
        say(
            "note: a payment-card number in the "
            + ", ".join(dict.fromkeys(masked))
            + " was masked before it was stored (first 6 and last 4 digits kept)"
        )


def _done(written: core.Written, message: str) -> None:
    _report_masked(written.masked)
    for notice in written.notices:
        say(notice)
    say(message)


@app.command("add")
def add(
    summary: Annotated[
        str, typer.Option("--summary", help="What happened, in a line (- reads stdin).")
    ],
    order: Annotated[str | None, typer.Option("--order", help="The mall's order number.")] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="The customer's e-mail address.")
    ] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="The customer's name.")] = None,
    mall: MallOpt = None,
    channel: ChannelOpt = "email",
    category: CategoryOpt = None,
    request: Annotated[
        str | None, typer.Option("--request", help="What the customer asks for.")
    ] = None,
    fault: FaultOpt = None,
    priority: PriorityOpt = None,
    received_at: Annotated[
        str | None,
        typer.Option(
            "--received-at",
            help="When the customer wrote (default: now), e.g. 2026-11-24T09:30 or -2h.",
        ),
    ] = None,
    assignee: Annotated[str | None, typer.Option("--assignee", help="Who handles it.")] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="ja or en: the customer's language, for replies (default: guessed from an"
            " English-only summary, else the shop's).",
        ),
    ] = None,
) -> None:
    """Log a complaint or inquiry as a new case; prints its id.

    Example: shopcare case add --summary "商品が届かない" --email hanako@example.jp --category delivery.not_arrived
    """
    with session(writes=True) as s:
        new = core.NewCase(
            summary=read_text(summary) or "",
            received_at=s.when(received_at, DayTime.start()) if received_at else None,
            channel=channel,
            mall=mall,
            order_number=order,
            customer_name=customer,
            customer_email=email,
            category=category or "other",
            priority=priority,
            request=request,
            fault=fault or "unknown",
            assignee=assignee,
            lang=lang,
        )
        written = core.add_case(s.store, s.actor, new, s.categories)
    _report_masked(written.masked)
    for notice in written.notices:
        say(notice)
    print_created("case", written.id)


@app.command("list")
def list_(
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="new, open, waiting, resolved, closed or all (default: all but closed).",
        ),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option("--category", help="A code or a group: delivery, delivery.*, delivery.late."),
    ] = None,
    mall: MallOpt = None,
    order: Annotated[
        str | None, typer.Option("--order", help="Only cases about this order.")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Only this customer's cases.")
    ] = None,
    mine: Annotated[
        bool, typer.Option("--mine", help="Only the cases I hold (case take, case assign).")
    ] = False,
    assignee: Annotated[
        str | None, typer.Option("--assignee", help="Only the cases this operator holds.")
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List cases, oldest first: open work (all but closed) unless --status says otherwise.

    I am SHOPCARE_USER, else [operator] name in config.toml, else the login name.
    Example: shopcare case list --category delivery --format tsv
    Example: shopcare case list --mine
    """
    output = pick_format(fmt, as_json)
    if mine and assignee is not None:
        raise ShopcareError("--mine and --assignee both name whose cases", "give one of them")
    with session() as s:
        flt = core.CaseFilter(
            status=status,
            category=category,
            mall=mall,
            order_number=order,
            email=email,
            assignee=s.actor.author if mine else assignee,
        )
        # closed while the database is open, also when the reader of stdout went away (| head):
        # a cursor left to the garbage collector complains of a closed database on stderr
        with closing(core.list_cases(s.store, flt, s.categories)) as rows:
            first = next(rows, None)  # validates the filter before any output is written

            def records():
                if first is None:
                    return
                yield core.case_record(first, s.categories, s.lang)
                for row in rows:
                    yield core.case_record(row, s.categories, s.lang)

            print_rows(records(), CASE_LIST, output, s.tz)


@app.command("show")
def show(
    case_id: CaseIdArgument,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a case with its whole timeline, oldest first.

    Example: shopcare case show 3 --json
    """
    output = pick_format(fmt, as_json)
    with session() as s:
        from shopcare.domain.records import case_show_record

        row = core.get_case_row(s.store, case_id)
        record = case_show_record(s.store, row, s.categories, s.lang, s.tz)
        if output is not Format.json and record["order"]:
            order = record["order"]
            record["order_status"] = order["status"]
            record["order_shipped_at"] = order["shipped_at"]
            record["order_tracking"] = " ".join(
                filter(None, (order["carrier"], order["tracking_number"]))
            )
            record["order_items"] = "、".join(
                f"{i['name']}×{i['quantity']}" for i in order["items"]
            )
        print_record(
            record,
            CASE_FIELDS + ORDER_SUMMARY,
            output,
            s.tz,
            sections=(("events", TIMELINE), ("recent_orders", ORDER_LIST)),
        )


@app.command("message")
def message(
    case_id: CaseIdArgument,
    text: Annotated[str, typer.Argument(help="What the customer wrote (- reads stdin).")],
    at: Annotated[str | None, typer.Option("--at", help="When they wrote (default: now).")] = None,
) -> None:
    """Record that the customer wrote again (「まだ?」); a resolved or closed case reopens.

    Example: shopcare case message 3 "まだ届きません。いつ届きますか?"
    """
    with session(writes=True) as s:
        moment = s.when(at, DayTime.start()) if at else None
        written = core.add_message(s.store, s.actor, case_id, read_text(text) or "", moment)
    _done(written, f"message added to case {case_id}")


@app.command("note")
def note(
    case_id: CaseIdArgument,
    text: Annotated[str, typer.Argument(help="The note (- reads stdin).")],
    kind: Annotated[
        str, typer.Option("--kind", help="fact, decision, contact or internal.")
    ] = "internal",
) -> None:
    """Add a note to the timeline: a fact, a decision, a contact made, or an internal remark.

    Example: shopcare case note 3 "ヤマト運輸に調査を依頼" --kind contact
    """
    with session(writes=True) as s:
        written = core.add_note(s.store, s.actor, case_id, read_text(text) or "", kind)
    _done(written, f"note added to case {case_id}")


@app.command("status")
def status(
    case_id: CaseIdArgument,
    new_status: Annotated[str, typer.Argument(metavar="STATUS", help="open, waiting or resolved.")],
    note_text: Annotated[str | None, typer.Option("--note", help="Why (- reads stdin).")] = None,
) -> None:
    """Move a case to open, waiting (clocks pause) or resolved.

    Example: shopcare case status 3 waiting --note "お客様の写真待ち"
    """
    with session(writes=True) as s:
        written = core.set_status(s.store, s.actor, case_id, new_status, read_text(note_text))
    _done(written, f"case {case_id} is now {new_status}")


@app.command("assign")
def assign(
    case_id: CaseIdArgument,
    name: Annotated[str, typer.Argument(help="Who takes it.")],
) -> None:
    """Give a case to a person.

    Example: shopcare case assign 3 sato
    """
    with session(writes=True) as s:
        written = core.assign(s.store, s.actor, case_id, name)
    from shopcare.domain.cardmask import mask_cards

    _done(written, f"case {case_id} assigned to {mask_cards(name.strip())[0]}")


@app.command("take")
def take(case_id: CaseIdArgument) -> None:
    """Take a case: it is mine now (case list --mine shows it), on its timeline under my name.

    I am SHOPCARE_USER, else [operator] name in config.toml, else the login name.
    Example: shopcare case take 3
    """
    with session(writes=True) as s:
        written = core.assign(s.store, s.actor, case_id, s.actor.author)
        me = s.actor.author
    _done(written, f"case {case_id} is yours now ({me})")


@app.command("promise")
def promise(
    case_id: CaseIdArgument,
    text: Annotated[str, typer.Argument(help="What was promised (- reads stdin).")],
    due: Annotated[
        str,
        typer.Option(
            "--due",
            help="By when: 2026-11-26 or +2d (closing time that day), 2026-11-26T12:00, +2bd,"
            " tomorrow. A closed day or a time outside opening hours moves to the next business"
            " day's closing time.",
        ),
    ],
) -> None:
    """Record a promise made to the customer ("we will update you by ..."): it becomes a deadline.

    Example: shopcare case promise 3 --due 2026-11-26 "配送状況を確認してご連絡する"
    """
    with session(writes=True) as s:
        when = core.promise_due(due, s.calendar, s.now)
        written = core.add_promise(s.store, s.actor, case_id, when.due, read_text(text) or "")
    if when.moved:
        say(when.moved)
    _done(written, f"promise recorded on case {case_id}")


@app.command("close")
def close(
    case_id: CaseIdArgument,
    cause: Annotated[str | None, typer.Option("--cause", help="Why it happened.")] = None,
    prevention: Annotated[
        str | None, typer.Option("--prevention", help="What will stop it happening again.")
    ] = None,
) -> None:
    """Close a case, recording its cause and what will prevent it next time.

    Example: shopcare case close 3 --cause "梱包材の不足" --prevention "緩衝材を二重にする"
    """
    with session(writes=True) as s:
        written = core.close_case(s.store, s.actor, case_id, cause, prevention)
    _done(written, f"case {case_id} closed")


@app.command("edit")
@empty_clears("request", "order")
def edit(
    case_id: CaseIdArgument,
    category: CategoryOpt = None,
    priority: PriorityOpt = None,
    fault: FaultOpt = None,
    request: Annotated[
        str | None, typer.Option("--request", help="What the customer asks for ('' clears it).")
    ] = None,
    mall: MallOpt = None,
    channel: Annotated[
        str | None, typer.Option("--channel", help="email, mall, phone, chat, review or form.")
    ] = None,
    order: Annotated[
        str | None,
        typer.Option(
            "--order",
            help="The mall's order number: re-links the case (mall and customer from the order).",
        ),
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="The customer's e-mail address.")
    ] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="The customer's name.")] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="ja or en: the customer's language, for replies."),
    ] = None,
) -> None:
    """Correct what was logged; every change goes on the timeline with the old value.

    A new --category brings its priority unless --priority is given.
    Example: shopcare case edit 3 --category delivery.damaged --fault carrier
    """
    changes = {
        name: value
        for name, value in (
            ("category", category),
            ("priority", priority),
            ("fault", fault),
            ("request", request),
            ("mall", mall),
            ("channel", channel),
            ("order_number", order),
            ("customer_email", email),
            ("customer_name", customer),
            ("lang", lang),
        )
        if value is not None
    }
    with session(writes=True) as s:
        written = core.edit_case(s.store, s.actor, case_id, changes, s.categories)
    _done(written, f"case {case_id} updated")
