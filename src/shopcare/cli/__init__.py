"""The command line: thin modules over the core, one per command group."""

import gc

from shopcare.cli.root import app


def main() -> None:
    from shopcare.cli.root import reader_gone

    try:
        app()
    except BrokenPipeError:  # raised while flushing stdout after the command
        reader_gone()
    finally:
        # Python's last act before exit is a full collection over every object still alive:
        # typer's, click's and our modules' tens of thousands, about 10 ms, an eighth of a short
        # command. By now the database and files are closed and nothing is left to find, so
        # what is alive is set aside (frozen) and freed at exit without that walk.
        gc.freeze()


__all__ = ["app", "main"]
