"""shopcare reply and shopcare templates ...: drafts from templates, in Japanese or English."""

import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from shopcare.bulk import collector_paused
from shopcare.cli.app import subcommands
from shopcare.cli.output import Column, FormatOption, JsonOption, View, pick_format, print_rows, say
from shopcare.cli.session import session
from shopcare.errors import ShopcareError

templates_app = subcommands("templates", no_args_is_help=True)


class ReplyFormat(StrEnum):
    text = "text"
    eml = "eml"
    json = "json"


TEMPLATE_LIST = View(
    title="Templates",
    columns=(
        Column("name", "Name"),
        Column("ja", "ja"),
        Column("en", "en"),
        Column("description", "What it is for", max_width=60),
    ),
)


def reply(
    case_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The case's id, or - to read case ids from stdin (one a line)."
        ),
    ],
    template: Annotated[str, typer.Argument(help="The template's name (shopcare templates list).")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="ja or en (default: the shop's language).")
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
            "--out", help="With ID -: write one file per case here (case-ID.txt or .eml)."
        ),
    ] = None,
    mark_sent: Annotated[
        bool,
        typer.Option(
            "--mark-sent",
            help="Record the reply as sent: on the timeline, a new case becomes open.",
        ),
    ] = False,
) -> None:
    """Draft a reply to a case from a template, with the case's real facts filled in.

    With ID given as -, drafts one reply per case id read from stdin, in one
    process: json prints one object a line; text and eml need --out DIR. Every
    draft is rendered before anything is written.
    Example: shopcare reply 3 apology --var eta=2026-11-28 --format eml > reply.eml
    """
    from shopcare import replies

    variables = replies.parse_vars(var or [])
    ids = _case_ids(case_id)
    batch = case_id == "-"
    if batch and fmt is not ReplyFormat.json and out is None:
        raise ShopcareError(
            "drafting for many cases needs --out DIR for text and eml", "or use --format json"
        )
    if out is not None and not batch:
        raise ShopcareError("--out goes with ID -", "for one case, redirect stdout: > reply.eml")
    with session() as s:
        templates = replies.Templates(s.home, s.config)
        use_lang, warnings = templates.resolve(template, lang or s.config.language)
        drafts = []
        with collector_paused(), _progress(len(ids) if batch else 0) as advance:
            contexts = replies.case_contexts(
                s.conn,
                ids,
                s.config,
                s.categories,
                s.tz,
                s.now,
                variables,
                use_lang,
                reads=templates.reads(template, use_lang),
            )
            formatted = _formatter(s, fmt)
            for number, context in zip(ids, contexts, strict=True):
                rendered = templates.render(template, use_lang, context)
                drafts.append((number, rendered, formatted(rendered, context, number)))
                advance()
        if out is not None:
            _write_drafts(out, drafts, fmt)
        written = []
        if mark_sent:
            from shopcare.cases import record_reply_sent

            for number, rendered, _ in drafts:
                written.append(
                    record_reply_sent(
                        s.conn, s.actor, number, rendered.template, rendered.lang, rendered.subject
                    )
                )
    for warning in warnings:
        say(f"warning: {warning}")
    if out is None:
        sys.stdout.write("".join(text for _, _, text in drafts))
    else:
        say(f"{len(drafts)} drafts written to {out}")
    for result in written:
        for notice in result.notices:
            say(notice)
    if mark_sent:
        say(f"{len(written)} replies recorded as sent")


def _case_ids(value: str) -> list[int]:
    if value != "-":
        if not value.isdigit():
            raise ShopcareError(
                f"{value!r} is not a case id", "give a number, or - to read ids from stdin"
            )
        return [int(value)]
    ids = []
    for line_number, line in enumerate(sys.stdin, start=1):
        text = line.strip()
        if not text:
            continue
        if not text.isdigit():
            raise ShopcareError(
                f"stdin line {line_number}: {text!r} is not a case id", "give one case id a line"
            )
        ids.append(int(text))
    if not ids:
        raise ShopcareError(
            "no case ids on stdin",
            "for example: shopcare case list --status new --format tsv | tail -n +2 | cut -f1",
        )
    return ids


def _formatter(s, fmt: ReplyFormat):
    """How each draft is written out: (rendered, context, case id) -> text."""
    from shopcare import replies

    if fmt is ReplyFormat.eml:
        local_now = s.now.astimezone(s.tz)
        return lambda rendered, context, case_id: replies.as_eml(
            rendered,
            to=context["customer"].get("email"),
            shop_name=s.config.shop_name,
            shop_email=s.config.shop_email,
            now=local_now,
        )
    if fmt is ReplyFormat.json:
        as_json = replies.as_json
        return lambda rendered, context, case_id: (
            as_json(rendered, context["customer"].get("email"), case_id) + "\n"
        )
    return lambda rendered, context, case_id: f"Subject: {rendered.subject}\n\n{rendered.body}"


def _write_drafts(out: Path, drafts: list, fmt: ReplyFormat) -> None:
    suffix = {"text": "txt", "eml": "eml", "json": "json"}[fmt.value]
    try:
        out.mkdir(parents=True, exist_ok=True)
        for number, _, text in drafts:
            (out / f"case-{number}.{suffix}").write_text(text, encoding="utf-8")
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
    from shopcare import replies

    output = pick_format(fmt, as_json)
    with session() as s:
        entries = replies.Templates(s.home, s.config).available()
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
    lang: Annotated[
        str | None, typer.Option("--lang", help="ja or en (default: the shop's language).")
    ] = None,
) -> None:
    """Print a template's source, to read it or to copy it into the shop's templates/ and adapt it.

    Example: shopcare templates show apology --lang ja > ~/shop/templates/ja/apology.txt
    """
    from shopcare import replies

    with session() as s:
        templates = replies.Templates(s.home, s.config)
        use_lang, warnings = templates.resolve(name, lang or s.config.language)
        path = templates.path_of(name, use_lang)
        text = path.read_text(encoding="utf-8")
    for warning in warnings:
        say(f"warning: {warning}")
    say(f"{path}")
    sys.stdout.write(text)


@templates_app.command("check")
def templates_check() -> None:
    """Render every template, built-in and the shop's, against sample cases; name file and line of each failure.

    Exits 1 if any template fails.
    Example: shopcare templates check
    """
    from shopcare.templatecheck import check_all

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
