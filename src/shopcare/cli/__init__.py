"""The command line: thin modules over the core, one per command group."""

import gc

# Loading typer, click and our modules makes tens of thousands of objects that live until
# exit, and Python's collector, run every 700 new objects, walks them again and again while
# they are made: about 30 collections, 4 ms, before a short command starts its work. It runs
# every 100,000 instead: a short command collects once or not at all, and a long one (an
# import of a million orders, an mbox of ten thousand mails) still frees its cycles as it goes.
gc.set_threshold(100_000, 10, 10)

from shopcare.cli.root import app  # noqa: E402 (after the collector is set)


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
