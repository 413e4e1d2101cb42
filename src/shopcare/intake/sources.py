"""Where messages come from: one on stdin (a mail system's delivery), an .eml file, an mbox
file, or a Maildir folder (every message in it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from shopcare.errors import ShopcareError

MAX_MESSAGE = 50 * 1024 * 1024  # larger than any mail server passes on


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def check_source(path: Path) -> None:
    """An error now for a path that holds no mail, before any path is read."""
    if not path.exists():
        raise ShopcareError(f"no file or folder {path}", "give an .eml, mbox or Maildir path")
    if path.is_dir() and not _is_maildir(path):
        raise ShopcareError(
            f"{path} is a folder but not a Maildir (it has no cur/, new/ and tmp/)",
            "give an .eml file, an mbox file or a Maildir folder",
        )
    if not path.is_dir() and not path.is_file():  # /dev/zero, a fifo: no mail, maybe no end
        raise ShopcareError(
            f"{path} is not a file", "give an .eml file, an mbox file or a Maildir folder"
        )


def messages_at(path: Path) -> Iterator[tuple[str, bytes | OSError]]:
    """(where, raw bytes) of each message at path (checked by check_source first), in the
    order the source holds them; a Maildir file that cannot be read comes as its OSError (the
    others are still taken)."""
    if path.is_dir():
        yield from _maildir(path)
        return
    try:
        with path.open("rb") as fh:
            start = fh.read(5)
    except FileNotFoundError:
        raise ShopcareError(
            f"no file {path}", "give an .eml file, an mbox file or a Maildir"
        ) from None
    except OSError as exc:
        raise ShopcareError(f"cannot read {path}: {exc.strerror}") from None
    if start == b"From ":
        yield from _mbox(path)
        return
    if path.stat().st_size > MAX_MESSAGE:
        raise ShopcareError(f"{path} is over {MAX_MESSAGE // 2**20} MB: not one message")
    yield str(path), path.read_bytes()


def _maildir(path: Path) -> Iterator[tuple[str, bytes | OSError]]:
    """Every message of a Maildir, new and current, oldest name first (names begin with the
    delivery time). A file gone meanwhile (the syncing program moved it) is taken on the next
    run; one that cannot be read comes as its error."""
    files = sorted(
        (f for sub in ("new", "cur") for f in (path / sub).iterdir() if not f.name.startswith(".")),
        key=lambda f: f.name,
    )
    for file in files:
        try:
            if not file.is_file():
                continue
            if file.stat().st_size > MAX_MESSAGE:
                yield str(file), OSError(f"over {MAX_MESSAGE // 2**20} MB: not one message")
                continue
            yield str(file), file.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            yield str(file), exc


def _mbox(path: Path) -> Iterator[tuple[str, bytes]]:
    import mailbox

    box = mailbox.mbox(path, create=False)
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            yield f"{path} message {number}", box.get_bytes(key)
    finally:
        box.close()
