"""shopcare demo: the main job, run on a throwaway home made from examples/."""

import os
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from shopcare.resources import resource_dir

DEMO_NOW = "2026-11-24T08:00:00+09:00"


def _run(args: list[str]) -> None:
    """Run one shopcare command in this process, showing it first as the user would type it."""
    from shopcare.cli.root import app

    sys.stdout.write(f"\n$ shopcare {shlex.join(args)}\n")
    sys.stdout.flush()
    code = app(args=args, prog_name="shopcare", standalone_mode=False)
    sys.stdout.flush()
    if code not in (0, None):
        from shopcare.errors import ShopcareError

        raise ShopcareError(f"the demo stopped: shopcare {shlex.join(args)} failed")


def _case_args(case: dict) -> list[str]:
    args = ["case", "add", "--summary", case["summary"], "--received-at", case["received_at"]]
    for key, option in (
        ("order", "--order"),
        ("email", "--email"),
        ("customer", "--customer"),
        ("mall", "--mall"),
        ("channel", "--channel"),
        ("category", "--category"),
        ("request", "--request"),
        ("fault", "--fault"),
    ):
        if key in case:
            args += [option, case[key]]
    return args


def _play(script: dict, base: list[str]) -> None:
    """The demo's commands, one after the other, on the home that base names."""
    shop = script["shop"]
    _run(
        [*base, "init", "--name", shop["name"], "--email", shop["email"]]
        + ["--address", shop["address"]]
    )
    for export in sorted((resource_dir("examples") / "orders").iterdir()):
        _run([*base, "orders", "import", str(export)])
    for number, case in enumerate(script["cases"], start=1):  # a fresh home numbers from 1
        _run([*base, *_case_args(case)])
        for step in case.get("then", []):
            _run([*base, *(arg.replace("{id}", str(number)) for arg in step)])
    # the morning's mail: a customer's answer on case 1, a new inquiry, an auto-reply
    _run([*base, "mail", "in", str(resource_dir("examples") / "mail" / "demo.mbox")])
    for step in script["finale"]:
        _run([*base, *step])


def _first_missing(path: Path) -> Path | None:
    """The outermost folder of path that does not exist yet (the demo would make it)."""
    missing = None
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing = folder
    return missing


def _remove_made(keep: Path, made: Path | None) -> None:
    """Remove what the demo made: the folders it created, or what it put in an empty --keep."""
    import shutil

    if made is not None:
        shutil.rmtree(made, ignore_errors=True)
        return
    for child in keep.iterdir():  # keep was empty: everything in it is the demo's
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def demo(
    keep: Annotated[
        Path | None,
        typer.Option("--keep", help="Build the demo home here and keep it, to explore after."),
    ] = None,
) -> None:
    """Show what shopcare does, on a throwaway home: a morning's cases and mail, the open list, a timeline.

    The demo's clock is Tuesday 2026-11-24 08:00 in Tokyo (set SHOPCARE_NOW to move it).
    Example: shopcare demo --keep /tmp/demo-shop
    """
    import tomllib

    script = tomllib.loads((resource_dir("examples") / "demo.toml").read_text(encoding="utf-8"))
    os.environ.setdefault("SHOPCARE_NOW", DEMO_NOW)
    os.environ.setdefault("SHOPCARE_USER", script["shop"]["operator"])
    # the demo's shop is its own SQLite file, never the shop's server that SHOPCARE_DATABASE
    # names for real work (TEAM.md)
    os.environ.pop("SHOPCARE_DATABASE", None)
    with tempfile.TemporaryDirectory(prefix="shopcare-demo-") as tmp:
        home = keep or Path(tmp) / "shop"
        if keep and keep.exists() and any(keep.iterdir()):
            from shopcare.errors import ShopcareError

            raise ShopcareError(f"{keep} is not empty", "give --keep a new or empty folder")
        made = _first_missing(keep) if keep else None
        try:
            _play(script, ["--home", str(home)])
        except BaseException:
            if keep:  # all or nothing: a demo that stopped leaves no half-made home behind
                _remove_made(keep, made)
            raise
        if keep:
            import shlex

            pinned = os.environ["SHOPCARE_NOW"]
            sys.stdout.write(
                f"\nThe demo shop is kept in {home}, at the demo's clock ({pinned}). To go on"
                " with it:\n"
                f"  export SHOPCARE_NOW={pinned} SHOPCARE_HOME={shlex.quote(str(home))}\n"
                "  shopcare case list\n"
            )
