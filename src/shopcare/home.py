"""The home: the folder that holds one shop's database, config and own files."""

from __future__ import annotations

import os
from pathlib import Path

from shopcare.errors import ShopcareError

DB_NAME = "shopcare.db"
CONFIG_NAME = "config.toml"


def resolve_home(option: str | Path | None, app_dir: str | Path) -> Path:
    """--home, else $SHOPCARE_HOME, else the platform's app directory (given by the CLI)."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get("SHOPCARE_HOME")
    if env:
        return Path(env).expanduser()
    return Path(app_dir)


def ensure_home(home: Path) -> Path:
    """Create the home (owner-only) if it is missing; an error if it cannot be written."""
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise ShopcareError(
            f"home {home} exists but is not a folder", "give another path with --home"
        ) from None
    except OSError as exc:
        raise ShopcareError(
            f"cannot create the home {home}: {exc.strerror}",
            "give a folder you can write with --home or SHOPCARE_HOME",
        ) from None
    if not home.is_dir():
        raise ShopcareError(f"home {home} is not a folder", "give another path with --home")
    if not os.access(home, os.X_OK):
        raise ShopcareError(
            f"cannot open the home {home}",
            "give a folder you can read with --home or SHOPCARE_HOME",
        )
    return home  # a home that cannot be written can still be read (see db.connect)


def attachment_path(home: Path, digest: str) -> Path:
    """Where a stored mail's attachment lives: under its content's sha256, so that one file
    serves every mail that carries it."""
    return home / "attachments" / digest[:2] / digest


def private_file(path: Path) -> None:
    """An empty file only its owner can read, made new (an existing one is an error): for a
    file a copy is written into (a backup, a restore's staged copy)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def sync_folder(folder: Path) -> None:
    """A folder's new names on disk too, where the file system lets a folder be synced (some
    network mounts do not: the files themselves are synced already)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_leftovers(folder: Path, name: str = "*") -> list[Path]:
    """The partial files write_durably leaves when its process is killed mid-write (.NAME.PID,
    of a process that is no more) removed from folder; those removed. A file that another
    process is writing right now is left alone."""
    removed = []
    for path in folder.glob(f".{name}.*"):
        pid = path.name.rsplit(".", 1)[-1]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or no process at all: leave its file be
    return True


def write_durably(path: Path, data: bytes) -> None:
    """Write a file owner-only, whole or not at all, on disk before this returns: written
    beside its name, synced, then renamed over it. For what is kept in place of a database
    row (a mail that could not be stored, an attachment)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_private(path: Path, data: str | bytes) -> None:
    """Write a file only its owner can read (0600), whether it is new or already there: the
    home's files hold customers' names and words."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        view = memoryview(raw)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
