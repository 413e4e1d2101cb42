"""Where a shop's database is: the SQLite file in its home (the default), another SQLite file,
or a PostgreSQL server named by a URL (TEAM.md). Read from SHOPCARE_DATABASE, else
[database] url in config.toml, else the home; and from `db copy --to`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from shopcare.errors import ShopcareError, breaks_line

ENV = "SHOPCARE_DATABASE"
POSTGRES_SCHEMES = ("postgresql", "postgres")
PASSWORD_HINT = (
    "leave the password out: libpq reads it from PGPASSWORD or ~/.pgpass"
    " (https://www.postgresql.org/docs/current/libpq-pgpass.html)"
)


class Location(NamedTuple):
    kind: str  # "sqlite" | "postgres"
    path: Path | None = None  # the SQLite file
    url: str | None = None  # the PostgreSQL URL, as given (libpq reads it)
    set_by: str = ""  # where it was named: SHOPCARE_DATABASE, [database] url, or the home

    @property
    def shown(self) -> str:
        """For messages and `db info`: the file, or the URL with any password hidden."""
        return self._url_without_password("***")

    @property
    def for_command(self) -> str:
        """The URL to hand to libpq's own tools (pg_dump): any password left out (they find
        it as libpq does, in PGPASSWORD or ~/.pgpass), nothing hidden behind ***."""
        return self._url_without_password(None)

    def _url_without_password(self, mask: str | None) -> str:
        if self.kind == "sqlite":
            return str(self.path)
        parts = urlsplit(self.url or "")
        userinfo, at, hostport = parts.netloc.rpartition("@")
        if ":" in userinfo:  # user:password@host, the password as typed (percent-encoded or not)
            user = userinfo.split(":", 1)[0]
            userinfo = user if mask is None else f"{user}:{mask}"
        query = "&".join(
            pair
            if pair.split("=", 1)[0] != "password"
            else (f"password={mask}" if mask is not None else "")
            for pair in parts.query.split("&")
        )
        query = "&".join(pair for pair in query.split("&") if pair)
        return parts._replace(netloc=f"{userinfo}{at}{hostport}", query=query).geturl()


def parse_location(text: str, where: str | None, allow_password: bool = True) -> Location:
    """A URL (postgresql://..., sqlite:///path) or a SQLite file's path. A password in a URL
    that would be kept in a file (config.toml) is refused: shopcare never stores one."""
    at = f"{where}: " if where else ""
    if not isinstance(text, str) or not text.strip() or breaks_line(text):
        raise ShopcareError(
            f"{at}not a database URL on one line",
            "postgresql://shop@db.example.jp/shopcare, or a SQLite file's path",
        )
    text = text.strip()
    scheme = text.split(":", 1)[0].lower() if "://" in text else ""
    if scheme in POSTGRES_SCHEMES:
        parts = urlsplit(text)
        if not parts.hostname and not parts.path.strip("/") and "host=" not in parts.query:
            raise ShopcareError(
                f"{at}{text} names no server or database",
                "postgresql://USER@HOST/DATABASE, e.g. postgresql://shop@db.example.jp/shopcare",
            )
        in_query = any(pair.split("=", 1)[0] == "password" for pair in parts.query.split("&"))
        if (parts.password is not None or in_query) and not allow_password:
            raise ShopcareError(f"{at}the URL holds a password", PASSWORD_HINT)
        return Location("postgres", url=text)
    if scheme == "sqlite":
        path = unquote(text.split("://", 1)[1])
        if not path.startswith("/"):
            raise ShopcareError(
                f"{at}{text} is not a SQLite URL", "sqlite:////full/path/to/shopcare.db"
            )
        return Location("sqlite", path=Path(path))
    if scheme:
        raise ShopcareError(
            f"{at}{scheme}:// is not a database shopcare uses",
            "postgresql://... for a server, or a SQLite file's path",
        )
    return Location("sqlite", path=Path(text).expanduser())


def shop_location(home: Path, config_url: str | None, db_name: str) -> Location:
    """The shop's database: SHOPCARE_DATABASE, else [database] url, else the home's file."""
    env = os.environ.get(ENV)
    if env is not None and env.strip():
        return parse_location(env, ENV)._replace(set_by=ENV)
    if config_url:
        found = parse_location(config_url, "[database] url", allow_password=False)
        return found._replace(set_by="[database] url")
    return Location("sqlite", path=home / db_name, set_by="the home")
