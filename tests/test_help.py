"""Every command has help text with an example, and the README documents it."""

from __future__ import annotations

import sys
from pathlib import Path

from typer.core import TyperGroup
from typer.main import get_command

from shopcare.cli import app
from shopcare.cli.root import COMMANDS, build

README = Path(__file__).resolve().parent.parent / "README.md"


def all_commands():
    def walk(command, path):
        if isinstance(command, TyperGroup):
            for name in command.list_commands(None):
                yield from walk(command.get_command(None, name), [*path, name])
        else:
            yield " ".join(path), command

    yield from walk(get_command(app), [])


def test_every_command_has_help_with_an_example():
    commands = dict(all_commands())
    assert "case add" in commands and "demo" in commands
    for name, command in commands.items():
        assert command.help, f"shopcare {name} has no help text"
        assert "Example:" in command.help, f"shopcare {name} has no example in its help"


def test_every_command_appears_in_the_readme():
    text = README.read_text(encoding="utf-8")
    for name, _ in all_commands():
        assert f"shopcare {name}" in text, f"README.md does not mention shopcare {name}"


def test_help_runs(cli):
    assert "case" in cli("--help").stdout
    assert "--summary" in cli("case", "add", "--help").stdout


def test_the_root_help_lists_each_command_by_the_first_line_of_its_own_help():
    """`shopcare --help` lists the commands from COMMANDS without building them; each summary
    there must be the command's own first line, word for word."""
    for name, lazy in COMMANDS.items():
        assert build(name).help.splitlines()[0] == lazy.summary, name


def test_the_root_help_builds_no_command(cli, monkeypatch):
    built = []
    monkeypatch.setattr(sys.modules["shopcare.cli.root"], "build", built.append)
    out = cli("--help").stdout
    assert built == []
    for name in COMMANDS:
        assert f"  {name} " in out


def test_a_mistyped_command_gets_a_suggestion(cli):
    result = cli("folowups", code=2)
    assert "followups" in result.stderr


def test_a_command_imports_only_its_own_module():
    """The root group is click's lazy group: a command's module is imported when the command is
    looked up, and no other command's module with it."""
    import subprocess

    code = (
        "import sys; from shopcare.cli.root import build; build('calendar'); "
        "print(sorted(m for m in sys.modules if m.startswith('shopcare.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = eval(out.stdout)
    assert "shopcare.cli.calendar" in loaded
    assert not {"shopcare.cli.case", "shopcare.cli.reply", "shopcare.cli.orders"} & set(loaded)
