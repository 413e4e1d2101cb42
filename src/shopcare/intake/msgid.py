"""shopcare's own Message-IDs: they name the case a reply was sent on, with a keyed hash, so
that an answer threads back onto its case and nobody outside can forge one naming another.

    shopcare.<case id>.<random token>.<HMAC-SHA256(secret, "<case id>.<token>"), 16 hex>@<domain>

The secret lives in HOME/mail/secret (owner-only). Losing it unthreads earlier replies by
Message-ID only: the case tag in the subject still matches them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from shopcare.errors import ShopcareError

SECRET_BYTES = 32
HASH_CHARS = 16
_OURS = re.compile(r"^shopcare\.([1-9][0-9]{0,17})\.([0-9a-f]{16})\.([0-9a-f]{16})@[!-~]+$")


def secret(home: Path) -> bytes:
    """The home's Message-ID key, made on first use: 32 random bytes, hex in the file. Two
    processes making it at once agree on one: each writes its own file and links it into
    place, which only the first can do."""
    folder = home / "mail"
    path = folder / "secret"
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _create(path)
        return _read(path)
    except OSError as exc:
        raise ShopcareError(
            f"cannot make the Message-ID key {path}: {exc.strerror or exc}",
            "check that the home's mail folder can be written",
        ) from None


def _read(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (UnicodeDecodeError, ValueError):
        key = b""
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ShopcareError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(key) < 16:
        raise ShopcareError(
            f"{path} is damaged: it should hold 64 hexadecimal digits",
            "restore it from a backup; deleted, a new one is made, and replies sent before"
            " then thread by their case tag only",
        )
    return key


def _create(path: Path) -> None:
    """Write a new key beside path, then hard-link it to path: the link fails if another
    process got there first, and a reader never sees a half-written file."""
    draft = path.with_name(f".secret.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            os.write(fd, secrets.token_bytes(SECRET_BYTES).hex().encode("ascii") + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileExistsError):  # another process was first: its key wins
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)


def _digest(key: bytes, case_text: str, token: str) -> str:
    signed = hmac.new(key, f"{case_text}.{token}".encode("ascii"), hashlib.sha256)
    return signed.hexdigest()[:HASH_CHARS]


def make_message_id(case_id: int, secret: bytes, domain: str) -> str:
    """A new Message-ID (without <>) for a reply on case_id, under the shop's mail domain."""
    if isinstance(case_id, bool) or not isinstance(case_id, int) or case_id < 1:
        raise ValueError(f"a case id is a positive whole number, not {case_id!r}")
    if len(secret) < 16:
        raise ValueError("the Message-ID key is too short to sign with")
    if not isinstance(domain, str) or not re.fullmatch(r"[!-;=?A-~]+", domain):
        raise ShopcareError(
            f"{domain!r} cannot end a Message-ID",
            "give the shop an e-mail address: shopcare init --email support@example.jp",
        )
    token = secrets.token_hex(8)
    return f"shopcare.{case_id}.{token}.{_digest(secret, str(case_id), token)}@{domain}"


def case_of_message_id(message_id: str, secret: bytes) -> int | None:
    """The case a Message-ID names if shopcare made it with this key; None for anything else
    (someone else's id, a forged or altered one, garbage)."""
    if not isinstance(message_id, str) or not secret:
        return None
    bare = message_id.strip()
    if bare.startswith("<") and bare.endswith(">"):
        bare = bare[1:-1].strip()
    match = _OURS.match(bare)
    if not match:
        return None
    case_text, token, digest = match.groups()
    if not hmac.compare_digest(digest, _digest(secret, case_text, token)):
        return None
    return int(case_text)
