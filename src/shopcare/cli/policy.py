"""shopcare policy ... and shopcare remedy: fair, explained, approved remedies."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from shopcare.cli.output import (
    Format,
    FormatOption,
    JsonOption,
    pick_format,
    print_record,
    say,
)
from shopcare.cli.params import CaseIdArgument
from shopcare.cli.root import subcommands
from shopcare.cli.session import session
from shopcare.cli.views import PRECEDENTS, REASONS, REMEDIES, SUGGESTION_FIELDS
from shopcare.errors import ShopcareError

app = subcommands("policy", no_args_is_help=True)


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
    from shopcare.settings.policy_files import load, template_names

    home = home_path()
    if files is None and not home.is_dir():
        raise ShopcareError(
            f"no shop at {home}",
            f"make one with shopcare --home {home} init, or name the files to check",
        )
    loaded, problems = load(home, files=files or None, template_names=template_names(home))
    for problem in problems:
        sys.stdout.write(f"{problem}\n")
    if problems:
        raise ShopcareError(
            f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in the policy files"
        )
    for warning in loaded.warnings:
        sys.stdout.write(f"{warning}\n")
    count = len(loaded.warnings)
    warned = f" ({count} warning{'s' if count > 1 else ''})" if count else ""
    say(f"policy ok{warned}: {', '.join(str(p) for p in loaded.files)}")


@app.command("show")
def show(fmt: Annotated[str, typer.Option("--format", help="toml or json.")] = "toml") -> None:
    """Print the policy in force: the built-in one with the shop's files layered over it.

    Example: shopcare policy show --format json
    """
    import json

    from shopcare.settings.policy_files import load_or_fail

    if fmt not in ("toml", "json"):
        raise ShopcareError(f"unknown format {fmt!r}", "choose one of: toml, json")
    with session() as s:
        loaded = load_or_fail(s.home)
    data = loaded.policy.model_dump(exclude_none=True)
    if fmt == "json":
        from shopcare.cli.output import ascii_json

        sys.stdout.write(json.dumps(data, ensure_ascii=ascii_json(), indent=2) + "\n")
        return
    import tomli_w

    sys.stdout.write("# layered from: " + ", ".join(str(p) for p in loaded.files) + "\n")
    sys.stdout.write(tomli_w.dumps(data))


@app.command("suggest")
def suggest(
    case_id: CaseIdArgument,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Suggest the remedy for a case: the rule and why, yen for this order, approval, precedents.

    Example: shopcare policy suggest 3
    """
    from shopcare.domain.cases import get_case_row
    from shopcare.domain.remedies import goods_text
    from shopcare.domain.remedies import suggest as core_suggest
    from shopcare.settings.policy_files import load_or_fail

    output = pick_format(fmt, as_json)
    with session() as s:
        loaded = load_or_fail(s.home)
        case = get_case_row(s.store, case_id)
        result = core_suggest(s.store, case, loaded, s.now, s.tz).as_json()
    result["case_id"] = case_id
    line = loaded.policy.approval.over
    if output is Format.json:
        print_record(result, (), output, s.tz)
        return
    unknown = [r["kind"] for r in result["remedies"] if r["worth"] is None]
    result["approval"] = (
        f"{'needed' if result['approval_needed'] else 'not needed'}: worth"
        f" {result['worth']:,} yen, line {line:,} yen"
        + (f" (not counted, worth unknown: {', '.join(unknown)})" if unknown else "")
    )
    for remedy in result["remedies"]:
        remedy["items_text"] = goods_text(remedy["items"]) if remedy["items"] else ""
    if result["return_right"]:
        result["return_right"] = result["return_right"]["text"]
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
    case_id: CaseIdArgument,
    kind: Annotated[
        str,
        typer.Argument(
            help="refund, partial_refund, replacement, reship, return_label, points, coupon or apology_only."
        ),
    ],
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount",
            help="Yen, as 1500, 1,500, 1500円 or ¥1,500 (points: the number of points); for a"
            " replacement or reship, its worth.",
        ),
    ] = None,
    item: Annotated[
        str | None,
        typer.Option(
            "--item",
            help="Replacement or reship: the item sent, by sku or name (all: the whole order);"
            " its price from the order is the worth.",
        ),
    ] = None,
    quantity: Annotated[
        int | None, typer.Option("--quantity", help="How many of --item are sent (default 1).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What exactly was offered.")] = None,
    approved_by: Annotated[
        str | None,
        typer.Option("--approved-by", help="Who approved a remedy above the approval line."),
    ] = None,
) -> None:
    """Record the remedy offered; above the approval line it needs --approved-by, or nothing is recorded.

    A replacement or reship is worth the item(s) sent: --item names one line of the order
    (not needed when the order has one), or --amount gives the worth.
    Example: shopcare remedy 3 refund --amount 12800 --approved-by owner
    Example: shopcare remedy 5 replacement --item PLATE-WH --note "割れた1枚を本日発送"
    """
    from shopcare.domain.remedies import record_remedy
    from shopcare.settings.policy_files import load_or_fail

    with session(writes=True) as s:
        policy = load_or_fail(s.home).policy
        written = record_remedy(
            s.store,
            s.actor,
            case_id,
            kind,
            policy,
            amount,
            note,
            approved_by,
            item=item,
            quantity=quantity,
        )
    for notice in written.notices:
        say(notice)
