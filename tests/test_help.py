"""Every command has help text with an example, and the README documents it."""

from __future__ import annotations

from pathlib import Path

from typer.main import get_command

from shopcare.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"


def all_commands():
    def walk(command, path):
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                yield from walk(sub, [*path, name])
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
