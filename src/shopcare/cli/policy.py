"""shopcare policy ... and shopcare remedy: fair, explained, approved remedies."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from shopcare.cli.app import subcommands
from shopcare.cli.output import (
    Column,
    Format,
    FormatOption,
    JsonOption,
    View,
    pick_format,
    print_record,
    say,
)
from shopcare.cli.session import session
from shopcare.errors import ShopcareError

app = subcommands("policy", no_args_is_help=True)

SUGGESTION_FIELDS = (
    Column("case_id", "Case"),
    Column("rule", "Rule"),
    Column("source", "From"),
    Column("template", "Template"),
    Column("approval", "Approval"),
    Column("return_right", "Return right"),
    Column("warnings_text", "Warnings"),
)
REASONS = View(
    title="Why this rule",
    columns=(Column("key", "Key"), Column("rule", "Rule says"), Column("case", "This case")),
    empty="no rule matched",
)
REMEDIES = View(
    title="Remedies",
    columns=(
        Column("kind", "Kind"),
        Column("amount", "Yen"),
        Column("worth", "Worth (yen)"),
        Column("note", "Note", max_width=60),
    ),
    empty="none",
)
PRECEDENTS = View(
    title="Similar earlier cases (same category and fault)",
    columns=(
        Column("case_id", "Case"),
        Column("received_at", "Received"),
        Column("kind", "Got"),
        Column("amount", "Yen"),
    ),
    empty="no earlier case of this kind got a remedy",
)


@app.command("check")
def check(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Policy files to check (default: the home's policies/*.toml)."),
    ] = None,
) -> None:
    """Check policy files, layered over the built-in one: every problem with file, line, rule and key.

    Exits 1 on any problem.
    Example: shopcare policy check ~/shop/policies/returns.toml
    """
    from shopcare.cli.session import home_path
    from shopcare.home import ensure_home
    from shopcare.policy import load, template_names

    home = home_path()
    if files is None:
        ensure_home(home)
    loaded, problems = load(home, files=files or None, template_names=template_names(home))
    for problem in problems:
        sys.stdout.write(f"{problem}\n")
    if problems:
        raise ShopcareError(
            f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in the policy files"
        )
    say(f"policy ok: {', '.join(str(p) for p in loaded.files)}")


@app.command("show")
def show(fmt: Annotated[str, typer.Option("--format", help="toml or json.")] = "toml") -> None:
    """Print the policy in force: the built-in one with the shop's files layered over it.

    Example: shopcare policy show --format json
    """
    import json

    from shopcare.policy import load_or_fail

    if fmt not in ("toml", "json"):
        raise ShopcareError(f"unknown format {fmt!r}", "choose one of: toml, json")
    with session() as s:
        loaded = load_or_fail(s.home)
    data = loaded.policy.model_dump(exclude_none=True)
    if fmt == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    import tomli_w

    sys.stdout.write("# layered from: " + ", ".join(str(p) for p in loaded.files) + "\n")
    sys.stdout.write(tomli_w.dumps(data))


@app.command("suggest")
def suggest(
    case_id: Annotated[int, typer.Argument(help="The case's id.")],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Suggest the remedy for a case: the rule and why, yen for this order, approval, precedents.

    Example: shopcare policy suggest 3
    """
    from shopcare.cases import get_case_row
    from shopcare.policy import load_or_fail
    from shopcare.remedies import suggest as core_suggest

    output = pick_format(fmt, as_json)
    with session() as s:
        loaded = load_or_fail(s.home)
        case = get_case_row(s.conn, case_id)
        result = core_suggest(s.conn, case, loaded, s.now).as_json()
    result["case_id"] = case_id
    line = loaded.policy.approval.over
    if output is Format.json:
        print_record(result, (), output, s.tz)
        return
    result["approval"] = (
        f"{'needed' if result['approval_needed'] else 'not needed'} (line {line:,} yen)"
    )
    result["warnings_text"] = "; ".join(result["warnings"])
    for reason in result["reasons"]:
        reason["rule"] = (
            ", ".join(reason["rule"]) if isinstance(reason["rule"], list) else reason["rule"]
        )
    print_record(
        result,
        SUGGESTION_FIELDS,
        output,
        s.tz,
        sections=(("reasons", REASONS), ("remedies", REMEDIES), ("precedents", PRECEDENTS)),
    )


def remedy(
    case_id: Annotated[int, typer.Argument(help="The case's id.")],
    kind: Annotated[
        str,
        typer.Argument(
            help="refund, partial_refund, replacement, reship, return_label, points, coupon or apology_only."
        ),
    ],
    amount: Annotated[
        int | None, typer.Option("--amount", help="Yen (points: the number of points).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What exactly was offered.")] = None,
    approved_by: Annotated[
        str | None,
        typer.Option("--approved-by", help="Who approved a remedy above the approval line."),
    ] = None,
) -> None:
    """Record the remedy offered; above the approval line it needs --approved-by, or nothing is recorded.

    Example: shopcare remedy 3 refund --amount 12800 --approved-by owner
    """
    from shopcare.policy import load_or_fail
    from shopcare.remedies import record_remedy

    with session() as s:
        policy = load_or_fail(s.home).policy
        record_remedy(s.conn, s.actor, case_id, kind, policy, amount, note, approved_by)
    say(f"remedy recorded on case {case_id}")
