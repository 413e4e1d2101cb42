"""What is typed on the command line, checked in one place (cli/params.py), and output that never
breaks on the way out (issue 16: no traceback, nothing taken as not given)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import dump
from fuzzing import command_table
from typer.testing import CliRunner

from shopcare.cli import app


@pytest.fixture
def shop(cli, home):
    """A home with two cases."""
    cli("case", "add", "--summary", "商品が届かない", "--email", "hanako@example.jp")
    cli("case", "add", "--summary", "割れていた", "--category", "quality.damaged")
    return home


# Every command that takes a case's id, with what else it needs.
CASE_ID_COMMANDS = {
    ("case", "show"): [],
    ("case", "message"): ["まだ?"],
    ("case", "note"): ["x"],
    ("case", "status"): ["open"],
    ("case", "assign"): ["sato"],
    ("case", "take"): [],
    ("case", "promise"): ["x", "--due", "+2d"],
    ("case", "close"): [],
    ("case", "edit"): ["--fault", "shop"],
    ("policy", "suggest"): [],
    ("remedy",): ["apology_only"],
}


def test_the_list_of_commands_taking_a_case_id_is_whole():
    taking = {c.path for c in command_table() if any(p.name == "case_id" for p in c.params)}
    assert taking - {("reply",)} == set(CASE_ID_COMMANDS)  # reply reads ids itself (ids.is_id)


@pytest.mark.parametrize("path", list(CASE_ID_COMMANDS), ids=" ".join)
@pytest.mark.parametrize(
    "typed", ["9223372036854775808", "99999999999999999999999", "²", "１", "٣", "0", "1e3"]
)
def test_a_case_id_goes_through_ids_parse_id(cli, shop, path, typed):
    """typer's int took ², ١ and full-width digits as numbers, and handed 2^63 to SQLite."""
    before = dump(shop)
    stderr = cli.fails(*path, typed, *CASE_ID_COMMANDS[path])
    assert f"{typed!r} is not a case id" in stderr
    assert "hint: a case id is a number such as 3" in stderr
    assert dump(shop) == before


def test_a_case_id_with_spaces_around_it_is_still_the_id(cli, shop):
    assert cli.json("case", "show", " 2 ")["id"] == 2


@pytest.mark.parametrize(
    "args",
    [
        ["case", "message", "1", "まだ?", "--at", ""],
        ["case", "add", "--summary", "x", "--received-at", " "],
        ["followups", "--until", ""],
        ["case", "add", "--summary", "x", "--fault", ""],
        ["case", "add", "--summary", "x", "--priority", ""],
        ["case", "add", "--summary", "x", "--category", ""],
        ["case", "add", "--summary", "x", "--mall", ""],
        ["case", "add", "--summary", "x", "--email", ""],
        ["case", "add", "--summary", "x", "--order", ""],
        ["case", "list", "--category", ""],
        ["case", "list", "--email", ""],
        ["case", "list", "--order", " "],
        ["case", "list", "--status", ""],
        ["case", "note", "1", "x", "--kind", ""],
        ["case", "status", "1", "waiting", "--note", ""],
        ["followups", "--kind", ""],
        ["templates", "show", "apology", "--lang", ""],
        ["reply", "1", "apology", "--lang", ""],
        ["reply", "-", "apology", "--out", ""],
        ["remedy", "1", "refund", "--amount", ""],
        ["init", "--email", ""],
        ["init", "--lang", ""],
        ["init", "--name", "\t"],
        ["calendar", "--from", ""],
        ["demo", "--keep", ""],
        ["--home", "", "case", "list"],
    ],
    ids=" ".join,
)
def test_an_empty_option_value_is_an_error_not_the_option_left_out(cli, shop, args):
    """`--at ''` recorded the message now, `--fault ''` filed the case as unknown, `--lang ''`
    took the shop's language: each exited 0 as if the option had not been given."""
    before = dump(shop)
    config = (shop / "config.toml").read_bytes() if (shop / "config.toml").exists() else None
    stderr = cli.fails(*args)
    assert "is empty" in stderr.splitlines()[0]
    assert dump(shop) == before
    after = (shop / "config.toml").read_bytes() if (shop / "config.toml").exists() else None
    assert after == config


def test_an_empty_value_clears_where_the_command_says_it_does(cli, shop):
    cli("case", "edit", "1", "--request", "交換してほしい")
    cli("case", "edit", "1", "--request", "")
    assert cli.json("case", "show", "1")["request"] is None
    cli("init", "--address", "東京都渋谷区1-2-3")
    cli("init", "--address", "")
    assert 'address = ""' in (shop / "config.toml").read_text(encoding="utf-8")


def test_a_required_option_given_empty_is_left_to_its_command(cli, shop):
    stderr = cli.fails("case", "add", "--summary", "  ")
    assert "summary is empty" in stderr and "standard input" in stderr


@pytest.mark.parametrize(
    "args",
    [
        ["case", "add", "--summary", "\udcff\udcfe"],
        ["case", "add", "--summary", "x", "--customer", "a\udce9b"],
        ["case", "note", "1", "caf\udce9"],
        ["case", "assign", "1", "\udcff"],
        ["case", "list", "--order", "\udcff"],
    ],
    ids=lambda args: " ".join(a.encode("utf-8", "backslashreplace").decode() for a in args),
)
def test_text_that_is_not_utf8_is_refused(cli, shop, args):
    """Bytes on the command line that are not UTF-8 reach Python as lone surrogates: SQLite cannot
    store them (a UnicodeEncodeError, with a traceback)."""
    before = dump(shop)
    assert "holds bytes that are not UTF-8 text" in cli.fails(*args)
    assert dump(shop) == before


def test_a_path_may_be_any_bytes(cli, shop, tmp_path):
    """A file's name is not text to store: a name that is not UTF-8 is looked for as it is."""
    stderr = cli.fails("orders", "import", str(tmp_path / "caf\udce9.csv"))
    assert "UTF-8" not in stderr and "caf" in stderr


def test_shopcare_user_that_is_not_utf8_is_refused(cli, shop, monkeypatch):
    monkeypatch.setenv("SHOPCARE_USER", "\udcff")
    assert "SHOPCARE_USER holds bytes that are not UTF-8 text" in cli.fails(
        "case", "note", "1", "x"
    )


@pytest.mark.parametrize(
    "args, stdin",
    [
        (["case", "message", "1", "-"], b"\xff\xfe\x80"),
        (["case", "add", "--summary", "-"], "まだ".encode("cp932")),
        (["reply", "-", "first_response", "--format", "json"], b"1\n\xff\n"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_standard_input_that_is_not_text_is_an_error(cli, shop, args, stdin):
    before = dump(shop)
    assert "standard input is not utf-8 text" in cli.fails(*args, input=stdin)
    assert dump(shop) == before


def _runner_output(charset: str, *args: str):
    result = CliRunner(charset=charset).invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode(charset)


@pytest.mark.parametrize("charset", ["ascii", "latin-1", "cp932"])
@pytest.mark.parametrize(
    "args",
    [
        ["case", "list"],
        ["case", "list", "--format", "table"],
        ["case", "show", "1"],
        ["followups"],
        ["categories"],
        ["templates", "list"],
        ["customer", "show", "hanako@example.jp"],
    ],
    ids=" ".join,
)
def test_output_the_terminal_cannot_encode_is_escaped(shop, charset, args):
    """PYTHONIOENCODING=ascii shopcare case list gave a UnicodeEncodeError: now what the output's
    encoding cannot hold is written as \\u escapes, and what it can (cp932's Japanese) as itself."""
    out = _runner_output(charset, *args)
    if charset == "cp932":
        assert "\\u" not in out
    else:
        assert "\\u" in out


def test_an_emoji_in_a_cp932_pipe_is_escaped(cli, shop):
    cli("case", "note", "1", "お客様より🙏")
    assert "お客様より\\U0001f64f" in _runner_output(
        "cp932", "case", "show", "1", "--format", "tsv"
    )


@pytest.mark.parametrize(
    "args", [["case", "list", "--json"], ["case", "show", "1", "--json"], ["policy", "show"]]
)
def test_json_to_an_output_that_is_not_utf8_is_still_json(cli, shop, args):
    """A backslash escape of an emoji (\\U0001f64f) or of é (\\xe9) is no json: json to such an
    output escapes every non-ASCII character the json way."""
    cli("case", "add", "--summary", "café 🙏")
    cli("case", "note", "1", "café 🙏")
    (shop / "policies").mkdir()
    (shop / "policies" / "shop.toml").write_text(
        '[[rule]]\nid = "x"\nwhen = { category = "other" }\n'
        'remedies = [{ kind = "reship", note = "café 🙏" }]\n',
        encoding="utf-8",
    )
    args = [*args, "--format", "json"] if args == ["policy", "show"] else args
    out = _runner_output("ascii", *args)
    assert out.isascii()
    json.loads(out)


def test_a_reader_that_went_away_leaves_no_traceback(cli, shop):
    """`shopcare case list --json | head -1`: the cursor, left to the garbage collector after the
    database had closed, printed "Exception ignored ... Traceback" on stderr."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "shopcare", "case", "list", "--json"],
            stdout=write,
            stderr=subprocess.PIPE,
            env=os.environ,
            timeout=30,
        )
    finally:
        os.close(write)
    assert proc.returncode == 0
    assert b"Traceback" not in proc.stderr and b"Exception ignored" not in proc.stderr
