"""shopcare mail ...: the customers' mail taken onto cases, and the [smtp] settings checked."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from datetime import UTC
from pathlib import Path
from typing import Annotated

import typer

from shopcare.cli.output import FormatOption, JsonOption, pick_format, print_rows, say
from shopcare.cli.root import subcommands
from shopcare.cli.session import home_path, session
from shopcare.cli.views import MAIL_FAILED, MAIL_TAKEN
from shopcare.errors import ShopcareError

app = subcommands("mail", no_args_is_help=True)

EX_TEMPFAIL = 75  # sysexits.h: the mail system keeps the message and delivers it again later


def _event_id(text: str) -> int:
    from shopcare.domain.ids import parse_id

    return parse_id(text, "timeline event", "an event id is a number, as case show lists them")


@app.command("in")
def mail_in(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="An .eml file, an mbox file or a Maildir folder; none: one message on stdin.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would happen; write nothing.")
    ] = False,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take the customers' mail onto cases: a reply threads onto its case, a new mail opens one.

    With no PATH, reads one message on stdin, as a mail system delivers it
    (a Postfix alias, procmail, fetchmail's mda: see examples/). A message
    that cannot be stored is kept in HOME/mail/failed/ and the exit status is
    75, so the mail system delivers it again; `shopcare mail failed --retry`
    takes the kept ones. The same message twice changes nothing.
    Example: shopcare mail in ~/Maildir
    """
    output = pick_format(fmt, as_json)
    if paths:
        sources = _from_paths(paths)
    else:
        raw = _stdin_bytes()
        sources = iter([("stdin", raw)])
    taken, later = _take_all(sources, dry_run, from_files=bool(paths))
    _print(taken, output)
    if later:
        say(f"{later} {'message' if later == 1 else 'messages'} to take again later")
        raise typer.Exit(EX_TEMPFAIL)


def _stdin_bytes() -> bytes:
    if sys.stdin is None or sys.stdin.isatty():
        raise ShopcareError(
            "no message on stdin",
            "pipe one message in (as a mail system does), or give an .eml, mbox or Maildir path",
        )
    from shopcare.intake.sources import MAX_MESSAGE

    raw = sys.stdin.buffer.read(MAX_MESSAGE + 1)
    if len(raw) > MAX_MESSAGE:
        raise ShopcareError(
            f"the message on stdin is over {MAX_MESSAGE // 2**20} MB: larger than any mail",
            "the mail system returns it to its sender",
        )
    if not raw.strip():
        raise ShopcareError("stdin is empty: there is no message to take")
    return raw


def _from_paths(paths: list[Path]):
    """Every message of every path, each path checked before the first is read."""
    from shopcare.intake.sources import check_source, messages_at

    for path in paths:
        check_source(path)
    for path in paths:
        yield from messages_at(path)


def _take_all(sources, dry_run: bool, from_files: bool) -> tuple[list, int]:
    """Each message taken in its own transaction. One that cannot be stored (a locked
    database, a full disk, a bug) is kept in mail/failed/ and counted to be taken again later
    (exit 75); so are all of them where the home cannot even be opened. One that cannot be read
    at all is kept there too, but not counted: delivering it again would fail again, and a mail
    system that retried it for days would end by returning it to the customer. A file that
    cannot be read is left where it is, and counted. The taken, and the count to retry."""
    from shopcare.app import NoShop
    from shopcare.intake.parse import MailError
    from shopcare.intake.take import Intake

    taken = []
    later = 0
    with ExitStack() as stack:
        try:
            s = stack.enter_context(session(writes=not dry_run, make=False))
            if not from_files:  # a mail system deletes its copy once we exit 0
                s.store.durable_commits()
            intake = Intake(s, dry_run=dry_run, dated=from_files)
        except NoShop as exc:
            # a mail system's alias with a mistyped --home must not make a new, empty shop and
            # take the mail there: nothing is written, and the exit is 75, so the mail system
            # keeps the message until the alias is mended
            from shopcare.cli.root import report

            home = home_path()
            report(
                f"no shop at {home}: no mail taken",
                f"check --home or SHOPCARE_HOME; make the shop with shopcare --home {home} init",
            )
            raise typer.Exit(EX_TEMPFAIL) from exc
        except Exception as exc:  # noqa: BLE001 - whatever it was, the messages are kept
            if dry_run:
                raise
            return taken, _keep_unopened(sources, exc)
        if dry_run:  # all in one transaction, rolled back: each sees what those before did
            return _dry_run(s, intake, sources), 0
        for where, raw in sources:
            if isinstance(raw, OSError):
                say(f"Error: cannot read {where}: {raw.strerror or raw}; left where it is")
                later += 1
                continue
            try:
                taken.append(intake.take(raw))
            except MailError as exc:
                kept_at = _keep(s, raw, exc)
                say(f"Error: {where}: {exc.message}; kept as {kept_at} (see mail failed)")
            except Exception as exc:  # noqa: BLE001 - whatever it was, the message is kept
                kept_at = _keep(s, raw, exc)
                say(f"Error: {where}: {_reason(exc)}; kept as {kept_at}")
                later += 1
    return taken, later


def _keep(s, raw: bytes, exc: Exception):
    from shopcare.intake.failed import keep

    return keep(s.home, raw, _reason(exc), s.now)


def _dry_run(s, intake, sources) -> list:
    from shopcare.intake.take import DryRun

    taken = []
    try:
        with s.store.write():
            for where, raw in sources:
                if isinstance(raw, OSError):
                    raise ShopcareError(f"cannot read {where}: {raw.strerror or raw}")
                taken.append(intake.take(raw))
            raise DryRun
    except DryRun:
        pass
    return taken


def _keep_unopened(sources, exc: Exception) -> int:
    """The home could not be opened (locked, disk full): the messages not yet taken are kept."""
    from shopcare.clock import now
    from shopcare.intake.failed import keep

    count = 0
    for where, raw in sources:
        if isinstance(raw, OSError):
            continue  # left where it is
        kept_at = keep(home_path(), raw, _reason(exc), now())
        say(f"Error: {where}: {_reason(exc)}; kept as {kept_at}")
        count += 1
    return count


def _reason(exc: Exception) -> str:
    from shopcare.store.errors import DATABASE_ERRORS, explain_database_error

    if isinstance(exc, ShopcareError):
        return exc.message
    if isinstance(exc, DATABASE_ERRORS):
        return explain_database_error(exc)[0]
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


def _print(taken: list, output) -> None:
    if output.value == "json":
        print_rows([t.record() for t in taken], MAIL_TAKEN, output, UTC)
        for t in taken:
            for notice in t.notices:
                say(notice)
        return
    for t in taken:
        sys.stdout.write(t.line() + "\n")
        for notice in t.notices:
            say(f"  {notice}")


@app.command("show")
def mail_show(
    event_id: Annotated[
        int,
        typer.Argument(metavar="EVENT_ID", help="The timeline event's id.", parser=_event_id),
    ],
    raw: Annotated[
        bool, typer.Option("--raw", help="The message as it was received, byte for byte.")
    ] = False,
) -> None:
    """Show a message as it was received: its headers, its text and its attachments.

    EVENT_ID is the id of the message on the case's timeline (case show).
    Card numbers are masked in what is kept.
    Example: shopcare mail show 41 --raw
    """
    from shopcare.intake.parse import parse

    with session() as s:
        row = s.store.mail_of_event(event_id)
        if row is None:
            raise ShopcareError(
                f"event {event_id} holds no mail",
                "case show ID lists a case's timeline with each event's id",
            )
        attachments = s.store.attachments_of_mail(row["id"])
    if raw:
        if sys.stdout.isatty():  # a terminal shows escape sequences in a message, not obeys them
            from shopcare.cli.output import visible

            sys.stdout.write(visible(row["raw"].decode("utf-8", "replace")))
            return
        sys.stdout.buffer.write(row["raw"])
        sys.stdout.flush()
        return
    mail = parse(row["raw"])
    lines = [f"{name}: {value}" for name, value in mail.headers]
    lines.append("")
    lines.append(mail.text.rstrip())
    if attachments:
        lines.append("")
        lines.append("attachments:")
        for a in attachments:
            lines.append(f"  {a['name'] or '(no name)'}  {a['content_type']}  {a['size']:,} bytes")
    from shopcare.cli.output import visible

    text = "\n".join(lines) + "\n"
    sys.stdout.write(visible(text) if sys.stdout.isatty() else text)


@app.command("failed")
def mail_failed(
    retry: Annotated[
        bool, typer.Option("--retry", help="Take each kept message again; those taken are removed.")
    ] = False,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the messages that could not be taken (kept in HOME/mail/failed/), or take them again.

    Exits 75 if any still cannot be taken.
    Example: shopcare mail failed --retry
    """
    from shopcare.intake.failed import forget, kept

    output = pick_format(fmt, as_json)
    if not retry:
        with session() as s:
            rows = [
                {
                    "file": str(f.path),
                    "kept_at": f.kept_at.astimezone(s.tz),
                    "size": f.size,
                    "reason": f.reason,
                }
                for f in kept(s.home)
            ]
            print_rows(rows, MAIL_FAILED, output, s.tz)
        return
    from shopcare.intake.failed import keep
    from shopcare.intake.take import Intake

    taken, still = [], 0
    with session(writes=True) as s:
        s.store.durable_commits()  # a kept file is removed once its message is taken
        intake = Intake(s, dated=True)  # taken later than received: the Date header says when
        for failed in kept(s.home):
            raw = failed.path.read_bytes()
            try:
                taken.append(intake.take(raw))
            except Exception as exc:  # noqa: BLE001 - it stays kept, with the new reason
                keep(s.home, raw, _reason(exc), s.now)
                say(f"Error: {failed.path.name}: {_reason(exc)}; still kept")
                still += 1
                continue
            forget(failed.path)
    _print(taken, output)
    if still:
        raise typer.Exit(EX_TEMPFAIL)


@app.command("check")
def mail_check(
    mall: Annotated[
        str | None, typer.Option("--mall", help="Check this mall's relay ([smtp.mall.NAME]).")
    ] = None,
) -> None:
    """Check the [smtp] settings: connect and log in, send nothing.

    Example: shopcare mail check
    """
    from shopcare.replies.send import check

    with session() as s:
        settings = s.config.smtp_for(mall)
    for line in check(settings):
        sys.stdout.write(line + "\n")
