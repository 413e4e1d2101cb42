"""A real PostgreSQL server for the team tests: a throwaway cluster started once per test run
in a temporary folder, listening on a Unix socket only (no network), and a new database per
test. Where PostgreSQL or psycopg is missing the tests are skipped, saying which and how to
get it; with SHOPCARE_REQUIRE_POSTGRES=1 (CI) they fail instead, so that CI never passes by
skipping them."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REQUIRED = os.environ.get("SHOPCARE_REQUIRE_POSTGRES") == "1"
_counter = itertools.count()


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"SHOPCARE_REQUIRE_POSTGRES=1, but {reason}")
    pytest.skip(reason)


def _binaries() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    return Path(versions[-1]).parent if versions else None


class Server:
    def __init__(self, folder: Path, bin_dir: Path, as_user: list[str]) -> None:
        self.folder = folder
        self.bin_dir = bin_dir
        self.as_user = as_user
        self.data = folder / "data"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin_dir / tool), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://shopcare@/{database}?host={self.folder}"

    def new_database(self, template: str = "template0") -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(_counter)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def shop_template(self) -> str:
        """A database at today's schema, made once: each test's shop is a copy of it."""
        if not getattr(self, "_template", None):
            from urllib.parse import urlsplit

            from shopcare.store.location import parse_location
            from shopcare.store.postgres.connect import connect

            url = self.new_database()
            connect(parse_location(url, "test"), "2026-11-24T00:00:00Z").close()
            self._template = urlsplit(url).path.strip("/")
        return self._template


def start_server() -> Server | str:
    """A running throwaway server, or why there is none (the benchmarks use it too)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed: pip install '.[postgres]' runs these tests"
    bin_dir = _binaries()
    if bin_dir is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    folder = Path(tempfile.mkdtemp(prefix="shopcare-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL will not run as root: as its own user
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    server = Server(folder, bin_dir, as_user)
    try:
        server.run(
            "initdb", "-D", str(server.data), "-A", "trust", "-U", "shopcare",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        server.run(
            "pg_ctl", "-D", str(server.data), "-l", str(folder / "log"), "-w", "-o",
            f"-c listen_addresses='' -k {folder} -c fsync=off -c max_connections=50",
            "start",
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        return f"the PostgreSQL test server did not start: {exc} {detail.decode()[-300:]}"
    return server


def stop_server(server: Server) -> None:
    try:
        server.run("pg_ctl", "-D", str(server.data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server():
    server = start_server()
    if isinstance(server, str):
        _unavailable(server)
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture
def pg_url(pg_server) -> str:
    """A new, empty database on the test server, as a URL."""
    return pg_server.new_database()
