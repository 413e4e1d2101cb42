"""Small files a user hands to shopcare (a policy, the holiday list, config.toml): read whole,
but only when they are regular files of a sane size. /dev/zero, a FIFO or a folder would
otherwise be read until memory runs out, or forever."""

import os
import stat
from pathlib import Path

from shopcare.errors import ShopcareError

SMALL_FILE_LIMIT = 4 * 1024 * 1024  # a policy or a holiday list is a few KiB; 4 MiB is plenty


class UnreadableFile(ShopcareError):
    """A file that cannot be read as asked; reason says why, without the path."""

    def __init__(self, path: Path, reason: str, hint: str | None = None) -> None:
        super().__init__(f"{path}: {reason}", hint)
        self.reason = reason


def read_small_file(path: Path, what: str, limit: int = SMALL_FILE_LIMIT) -> bytes:
    """The bytes of a regular file of at most limit bytes, or an error that says why not."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UnreadableFile(path, "no such file", f"give the path of the {what}") from None
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read it: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise UnreadableFile(path, kind, f"give the path of the {what}")
    too_large = f"{info.st_size:,} bytes, too large for a {what}"
    hint = f"a {what} is at most {limit // (1024 * 1024)} MiB"
    if info.st_size > limit:
        raise UnreadableFile(path, too_large, hint)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)  # a file that grew since stat is still cut off
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read it: {exc.strerror}") from None
    if len(data) > limit:
        raise UnreadableFile(path, f"too large for a {what}", hint)
    return data
