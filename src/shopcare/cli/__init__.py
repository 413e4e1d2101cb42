"""The command line: thin modules over the core, one per command group."""

from shopcare.cli.app import app, register

register()


def main() -> None:
    app()


__all__ = ["app", "main"]
