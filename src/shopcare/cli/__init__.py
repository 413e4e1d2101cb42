"""The command line: thin modules over the core, one per command group."""

from shopcare.cli.app import app


def main() -> None:
    from shopcare.cli.app import reader_gone

    try:
        app()
    except BrokenPipeError:  # raised while flushing stdout after the command
        reader_gone()


__all__ = ["app", "main"]
