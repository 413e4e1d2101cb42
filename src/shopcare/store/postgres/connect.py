"""PostgreSQL: the one place a server is connected to. psycopg 3 is imported here only, so
the SQLite path keeps its start-up time. libpq's conventions hold for everything shopcare
does not set: PGPASSWORD and ~/.pgpass for the password, sslmode= in the URL, PGHOST and
the like where the URL leaves them out."""

from __future__ import annotations

from typing import Any

from shopcare.errors import ShopcareError
from shopcare.store.location import PASSWORD_HINT, Location

CONNECT_TIMEOUT_S = 10
INSTALL_HINT = "install the PostgreSQL driver: pip install 'shopcare[postgres]'"


def driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise ShopcareError(
            "PostgreSQL needs psycopg 3, which is not installed", INSTALL_HINT
        ) from None
    return psycopg


def connect(location: Location, now: str, migrate: bool = True) -> Any:
    """A connection to the server (rows as dicts), migrated unless told otherwise."""
    psycopg = driver()
    from psycopg.rows import dict_row

    from shopcare.store.postgres.schema import migrate as apply

    try:
        conn = psycopg.connect(
            location.url,
            row_factory=dict_row,
            autocommit=True,  # a read outside a write is its own; write() is one transaction
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="shopcare",
        )
    except psycopg.OperationalError as exc:
        raise ShopcareError(*explain_connect_error(exc, location)) from None
    except psycopg.ProgrammingError as exc:  # a URL libpq cannot read
        raise ShopcareError(f"{location.shown}: {_first_line(exc)}") from None
    conn.adapters.register_loader("numeric", _numeric_loader(psycopg))
    try:
        if migrate:
            apply(conn, now)
    except Exception:
        conn.close()
        raise
    return conn


def _numeric_loader(psycopg: Any) -> type:
    """NUMERIC read back as SQLite's NUMERIC gives it: an int when whole, else a float (never a
    Decimal, which json and the templates would show differently)."""
    from decimal import Decimal

    class Numeric(psycopg.adapt.Loader):
        def load(self, data: Any) -> int | float:
            value = Decimal(bytes(data).decode("ascii"))
            return int(value) if value == value.to_integral_value() else float(value)

    return Numeric


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def explain_connect_error(exc: BaseException, location: Location) -> tuple[str, str | None]:
    """A failed connection as one line and a hint."""
    text = _first_line(exc)
    where = f"cannot reach the database {location.shown}"
    lower = str(exc).lower()
    if "password" in lower and ("authentication failed" in lower or "no password" in lower):
        return f"{where}: the server refused the login", PASSWORD_HINT
    if "does not exist" in lower and "database" in lower:
        return f"{where}: {text}", "create it first: createdb -h HOST -U USER shopcare"
    if "role" in lower and "does not exist" in lower:
        return f"{where}: {text}", "create the user first: createuser -h HOST USER"
    if any(
        words in lower
        for words in ("timeout", "could not connect", "connection refused", "connection to server")
    ):
        return f"{where}: {text}", "is the server running, and is the host and port right?"
    return f"{where}: {text}", None
