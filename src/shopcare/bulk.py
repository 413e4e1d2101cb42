"""Work over many rows at once: an import of 100,000 lines, drafts for 10,000 cases."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector, paused for the length of a batch. A batch builds hundreds of
    thousands of small dicts, lists and tuples with no cycles among them, and the collector
    would walk them all again each time they grow by a quarter: up to a third of a large
    import's time, for nothing. It runs as before once the batch ends, however it ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
