"""shopcare reply and shopcare templates ...: drafts from templates, in Japanese or English."""

import re
import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NamedTuple

import typer

from shopcare.bulk import collector_paused
from shopcare.cli.output import (
    FormatOption,
    JsonOption,
    pick_format,
    print_rows,
    say,
    visible,
)
from shopcare.cli.root import subcommands
from shopcare.cli.session import session
from shopcare.cli.views import TEMPLATE_LIST
from shopcare.domain.ids import is_id
from shopcare.errors import ShopcareError

templates_app = subcommands("templates", no_args_is_help=True)


# the language of a template to show or copy
TemplateLang = Annotated[
    str | None, typer.Option("--lang", help="ja or en (default: the shop's language).")
]


class ReplyFormat(StrEnum):
    text = "text"
    eml = "eml"
    json = "json"


def reply(
    case_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="The case's id, a follow-up's id (c3, a10.1, p45: shopcare followups), or - to"
            " read ids from stdin (one a line).",
        ),
    ],
    template: Annotated[str, typer.Argument(help="The template's name (shopcare templates list).")],
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="ja or en (default: each customer's language, else the shop's)."
        ),
    ] = None,
    fmt: Annotated[
        ReplyFormat,
        typer.Option("--format", help="text, eml (a draft a mail client opens) or json."),
    ] = ReplyFormat.text,
    var: Annotated[
        list[str] | None, typer.Option("--var", help="KEY=VALUE for the template; may be repeated.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Only with ID -: write one file per case here (case-ID.txt or .eml)."
        ),
    ] = None,
    mark_sent: Annotated[
        bool,
        typer.Option(
            "--mark-sent",
            help="Record the reply as sent: on the timeline, a new case becomes open, and the"
            " follow-up it answers leaves the list.",
        ),
    ] = False,
    send: Annotated[
        bool,
        typer.Option(
            "--send",
            help="Mail it to the customer through [smtp], on the case's thread, and record it as"
            " sent once the server has taken it.",
        ),
    ] = False,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="With --send or --mark-sent: even though a reply already went out after the"
            " customer's latest message.",
        ),
    ] = False,
) -> None:
    """Draft a reply to a case from a template, with the case's real facts filled in.

    ID is a case's id or a follow-up's id: an aftercare item (a10.1) drafts a
    mail about that order, which has no case. With ID given as -, drafts one
    reply per id read from stdin, in one process: json prints one object a
    line; text and eml need --out DIR. Every draft is rendered before anything
    is written.
    With --send, the reply is mailed (one case at a time) and recorded as
    sent only once the mail server has taken it; it is refused when a reply
    already went out after the customer's latest message, unless --again.
    Example: shopcare reply 3 apology --var eta=2026-11-28 --format eml > reply.eml
    """
    from shopcare.replies.context import case_contexts, check_fits, order_context, parse_vars
    from shopcare.replies.templates import NeedsCase, Templates

    variables = parse_vars(var or [])
    batch = case_id == "-"
    if send and (batch or mark_sent):
        raise ShopcareError(
            "--send mails one case's reply, and records it as sent itself",
            "give one case id, without --mark-sent",
        )
    if again and not (send or mark_sent):
        raise ShopcareError("--again goes with --send or --mark-sent")
    raw_ids = _read_ids() if batch else [case_id]
    if batch and fmt is not ReplyFormat.json and out is None:
        raise ShopcareError(
            "drafting for many cases needs --out DIR for text and eml", "or use --format json"
        )
    if out is not None and not batch:
        raise ShopcareError("--out goes with ID -", "for one case, redirect stdout: > reply.eml")
    with session(writes=mark_sent or send) as s:
        targets = _targets(s, raw_ids)
        if send and targets[0].case_id is None:
            raise ShopcareError(
                f"{targets[0].fid} is about an order, which has no case to thread the mail on",
                "draft it with --format eml and send it from your mail client",
            )
        if (mark_sent or send) and any(t.fid for t in targets):
            from shopcare.domain.followups import check_settles
            from shopcare.settings.derived import policy_view

            policy = policy_view(s.home, s.today)
            for target in targets:
                if target.fid:
                    check_settles(s.store, target.fid, template, policy)
        templates = Templates(
            s.home, s.config, calendar=lambda: s.calendar, now=s.now
        )  # the calendar is built only where a date filter reads a --var
        # each customer is written to in their language (--lang: everyone in that one)
        if lang is not None:
            wanted = dict.fromkeys(range(len(targets)), lang)
        else:
            from shopcare.domain.customers import languages_of

            known = languages_of(
                s.store,
                [t.case_id for t in targets if t.case_id is not None],
                [t.order_id for t in targets if t.order_id is not None],
            )
            wanted = {
                index: known.get((target.case_id, target.order_id)) or s.config.language
                for index, target in enumerate(targets)
            }
        warnings: list[str] = []
        rendered_at: dict[int, tuple] = {}
        formatted = _formatter(s, fmt, to_stdout=out is None)
        with collector_paused(), _progress(len(targets) if batch else 0) as advance:
            for asked in sorted(set(wanted.values())):
                group = [i for i in range(len(targets)) if wanted[i] == asked]
                use_lang, said = templates.resolve(template, asked)
                warnings += [w for w in said if w not in warnings]
                case_ids = [targets[i].case_id for i in group if targets[i].case_id is not None]
                contexts = iter(
                    case_contexts(
                        s.store,
                        case_ids,
                        s.config,
                        s.categories,
                        s.tz,
                        s.now,
                        variables,
                        use_lang,
                        home=s.home,
                        names=_names_with_consent(templates.names(template, use_lang), template),
                    )
                    if case_ids
                    else []
                )
                for i in group:
                    target = targets[i]
                    if target.case_id is not None:
                        context = next(contexts)
                    else:
                        context = order_context(
                            s.store, target.order_id, s.config, s.tz, s.now, variables
                        )
                    check_fits(template, context)
                    try:
                        rendered = templates.render(template, use_lang, context)
                    except NeedsCase as exc:
                        raise ShopcareError(
                            f"template {template} is written about a case, and {target.fid} is a"
                            " follow-up of an order, which has no case",
                            exc.hint,
                        ) from None
                    rendered_at[i] = (
                        target,
                        rendered,
                        formatted(rendered, context, target.case_id),
                    )
                    advance()
        drafts = [rendered_at[i] for i in range(len(targets))]  # in the order asked
        if send:
            _send(s, drafts[0], again)
            return
        if out is not None:
            _write_drafts(out, drafts, fmt)
        written = []
        if mark_sent:
            from shopcare.domain.followups import record_sent
            from shopcare.replies.mailing import check_not_answered

            # all or nothing, in one transaction with the checks: another operator's reply
            # after the customer's latest message refuses the lot (TEAM.md), unless --again
            with s.store.write():
                for target, rendered, _ in drafts:
                    if target.case_id is not None and not again:
                        me = s.actor.author
                        check_not_answered(s.store, target.case_id, s.now, s.tz, other_than=me)
                    written.append(
                        record_sent(
                            s.store,
                            s.actor,
                            target.case_id,
                            target.fid,
                            rendered.template,
                            rendered.lang,
                            rendered.subject,
                        )
                    )
    for warning in warnings:
        say(f"warning: {warning}")
    if out is None:
        text = "".join(text for _, _, text in drafts)
        # on a terminal, an escape sequence in a customer's words is shown, not obeyed
        sys.stdout.write(visible(text) if sys.stdout.isatty() else text)
    else:
        say(f"{len(drafts)} drafts written to {out}")
    for notices in written:
        for notice in notices:
            say(notice)
    if mark_sent:
        say(f"{len(written)} {'reply' if len(written) == 1 else 'replies'} recorded as sent")


def _send(s, draft, again: bool) -> None:
    """Mail the one draft on its case's thread (replies/mailing.py), and say so."""
    from shopcare.replies.mailing import send_reply

    target, rendered, _ = draft
    case = s.store.case_row(target.case_id)
    message_id, notices = send_reply(
        s.store,
        s.home,
        s.config,
        s.actor,
        s.tz,
        target.case_id,
        rendered,
        to=case["customer_email"],
        again=again,
        mall=case["mall"],
        fid=target.fid,
    )
    say(f"sent to {case['customer_email']} <{message_id}>")
    for notice in notices:
        say(notice)
    say("1 reply recorded as sent")


class Target(NamedTuple):
    """What a draft is for: a case, or (an aftercare follow-up) an order; and the follow-up
    named, if one was."""

    case_id: int | None
    order_id: int | None
    fid: str | None
    label: str  # case-3 or a10.1: the draft's file name under --out


def _read_ids() -> list[str]:
    from shopcare.cli.session import stdin_text

    ids = []
    for line_number, line in enumerate(stdin_text().split("\n"), start=1):
        text = line.strip()
        if not text:
            continue
        if not (is_id(text) or FOLLOWUP_ID.match(text)):
            raise ShopcareError(
                f"stdin line {line_number}: {text!r} is not a case id or a follow-up id",
                "give one case id (3) or follow-up id (c3, a10.1) a line",
            )
        ids.append(text)
    if not ids:
        raise ShopcareError(
            "no case ids on stdin",
            "for example: shopcare case list --status new --format tsv | tail -n +2 | cut -f1",
        )
    return ids


FOLLOWUP_ID = re.compile(r"^[rpsca][0-9]{1,19}(\.[0-9]{1,4})?$")


def _targets(s, raw_ids: list[str]) -> list[Target]:
    """Each id as a case or an order: a follow-up id is checked against the database."""
    targets = []
    policy = None
    for raw in raw_ids:
        text = raw.strip()
        if is_id(text):
            targets.append(Target(int(text), None, None, f"case-{int(text)}"))
            continue
        if not FOLLOWUP_ID.match(text):
            raise ShopcareError(
                f"{raw!r} is not a case id or a follow-up id",
                "give a case's number (3), a follow-up's id (c3, a10.1), or - to read ids from stdin",
            )
        from shopcare.domain.followups import target_of
        from shopcare.settings.derived import policy_view

        policy = policy or policy_view(s.home, s.today)
        case_id = target_of(s.store, text, policy, s.calendar, s.now)
        if case_id is None:
            order_id = int(text[1:].partition(".")[0])
            targets.append(Target(None, order_id, text, text))
        else:
            targets.append(Target(case_id, None, text, f"case-{case_id}"))
    return targets


def _formatter(s, fmt: ReplyFormat, to_stdout: bool = True):
    """How each draft is written out: (rendered, context, case id) -> text."""
    if fmt is ReplyFormat.eml:
        from shopcare.replies.mailing import draft_message_id, thread_of
        from shopcare.replies.output import as_eml

        local_now = s.now.astimezone(s.tz)

        def eml(rendered, context, case_id):
            # on the case's thread, as a reply sent would be, and with a Message-ID of ours: the
            # mail client threads it, and the customer's answer finds its case by In-Reply-To.
            # The subject is the draft's own (the case tag goes on what --send mails).
            if case_id is None or not s.config.shop_email:
                thread, message_id = None, None
            else:
                thread = thread_of(s.store, s.config, case_id)
                message_id = draft_message_id(s.home, s.config, case_id)
            return as_eml(
                rendered,
                to=context["customer"].get("email"),
                shop_name=s.config.shop_name,
                shop_email=s.config.shop_email,
                now=local_now,
                message_id=message_id,
                in_reply_to=thread.in_reply_to if thread else None,
                references=thread.references if thread else (),
            )

        return eml
    if fmt is ReplyFormat.json:
        from shopcare.cli.output import ascii_json
        from shopcare.replies.output import as_json

        ascii_only = to_stdout and ascii_json()  # a file under --out is UTF-8 whatever stdout is
        return lambda rendered, context, case_id: (
            as_json(rendered, context["customer"].get("email"), case_id, ascii_only) + "\n"
        )
    return lambda rendered, context, case_id: f"Subject: {rendered.subject}\n\n{rendered.body}"


def _write_drafts(out: Path, drafts: list, fmt: ReplyFormat) -> None:
    suffix = {"text": "txt", "eml": "eml", "json": "json"}[fmt.value]
    from shopcare.home import write_private

    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
        for target, _, text in drafts:  # owner-only: drafts hold customers' names and words
            write_private(out / f"{target.label}.{suffix}", text)
    except OSError as exc:
        raise ShopcareError(f"cannot write drafts to {out}: {exc.strerror}") from None


@contextmanager
def _progress(total: int):
    """A progress bar for batch rendering, on a terminal only."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("drafting", total=total)
        yield lambda: bar.advance(task)


@templates_app.command("list")
def templates_list(fmt: FormatOption = None, as_json: JsonOption = False) -> None:
    """List the templates in force, with the languages each has and whether it is built-in or the shop's.

    Example: shopcare templates list
    """
    from shopcare.replies.templates import Templates

    output = pick_format(fmt, as_json)
    with session() as s:
        entries = Templates(s.home, s.config).available()
        rows = (
            {
                "name": e["name"],
                "ja": e["langs"].get("ja"),
                "en": e["langs"].get("en"),
                "description": e["description"],
            }
            for e in entries
        )
        print_rows(rows, TEMPLATE_LIST, output, s.tz)


@templates_app.command("show")
def templates_show(
    name: Annotated[str, typer.Argument(help="The template's name.")],
    lang: TemplateLang = None,
) -> None:
    """Print a template's source, to read it or to copy it into the shop's templates/ and adapt it.

    To adapt one, copy it into the shop's templates/ with shopcare templates copy.
    Example: shopcare templates show apology --lang ja
    """
    from shopcare.replies.templates import Templates

    with session() as s:
        templates = Templates(s.home, s.config)
        use_lang, warnings = templates.resolve(name, lang or s.config.language)
        path = templates.path_of(name, use_lang)
        text = path.read_text(encoding="utf-8")
    for warning in warnings:
        say(f"warning: {warning}")
    say(f"{path}")
    sys.stdout.write(text)


@templates_app.command("copy")
def templates_copy(
    name: Annotated[str, typer.Argument(help="The built-in template's name.")],
    lang: TemplateLang = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite the shop's own version with the built-in."),
    ] = False,
) -> None:
    """Copy a built-in template into the shop's templates/, to adapt it; the copy then wins.

    Refuses to overwrite the shop's own version unless --force is given.
    Example: shopcare templates copy apology --lang ja
    """
    from shopcare.home import write_private
    from shopcare.replies.templates import LANGS, Templates, check_name

    with session(writes=True) as s:
        templates = Templates(s.home, s.config)
        use_lang = lang or s.config.language
        if use_lang not in LANGS:
            raise ShopcareError(f"unknown language {use_lang!r}", "choose one of: ja, en")
        source = templates.builtin_dir / use_lang / f"{check_name(name)}.txt"
        if not source.is_file():
            raise ShopcareError(
                f"there is no built-in template {name} in {use_lang}",
                "shopcare templates list shows the built-ins",
            )
        target = templates.shop_dir / use_lang / f"{name}.txt"
        if target.exists() and not force:
            raise ShopcareError(
                f"{target} exists: the shop's own {name} is left as it is",
                f"edit it, or replace it with the built-in: shopcare templates copy {name}"
                f" --lang {use_lang} --force",
            )
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_private(target, source.read_bytes())
        except OSError as exc:
            raise ShopcareError(f"cannot write {target}: {exc.strerror}") from None
    say(f"copied the built-in {name} ({use_lang}) to {target}: edit it there; it wins now")


@templates_app.command("check")
def templates_check() -> None:
    """Render every template, built-in and the shop's, against sample cases; name file and line of each failure.

    Exits 1 if any template fails.
    Example: shopcare templates check
    """
    from shopcare.replies.check import check_all

    with session() as s:
        results = check_all(s.home, s.config, s.tz, s.now)
    failures = [r for r in results if r.error]
    for result in results:
        mark = "ok  " if not result.error else "FAIL"
        sys.stdout.write(f"{mark} {result.lang}/{result.name} ({result.origin})\n")
        if result.error:
            sys.stdout.write(f"     {result.error}\n")
    if failures:
        raise ShopcareError(
            f"{len(failures)} of {len(results)} templates failed",
            "fix them at the lines named above",
        )
    say(f"all {len(results)} templates render")


def _names_with_consent(names, template: str):
    """What a draft reads, with the order where it is a marketing mail: whether the customer
    declined marketing mail is on the order, whether the template names it or not."""
    from shopcare.replies.context import MARKETING

    if names is None or template not in MARKETING:
        return names
    return {*names, "order"}
