"""PostgreSQL speed (TEAM.md): `followups` and `case list` on a 10,000-case shop in a local
PostgreSQL, side by side with the same commands on the SQLite file: within 2x. The shop is the
generated 10,000-case home, copied to a throwaway server (tests/pg.py starts it, as the tests
do) with `shopcare db copy`. Skipped, saying why, where no server can be started.

    python bench/postgres.py [--cases 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from common import generated_home, run_once  # noqa: E402

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=timezone(timedelta(hours=9)))
PY = sys.executable
TARGET = 2.0


def figures(cases: int, runs: int) -> list[dict]:
    from pg import start_server, stop_server

    name = "shopcare {command} on a {cases:,}-case shop: PostgreSQL (local) vs the SQLite file"
    server = start_server()
    if isinstance(server, str):
        return [{"name": name.format(command=c, cases=cases), "skipped": server, "met": None}
                for c in ("followups", "case list")]  # fmt: skip
    try:
        shop = generated_home(f"home_{cases}", cases, NOW)
        url = server.new_database()
        env = dict(os.environ, SHOPCARE_HOME=str(shop), SHOPCARE_NOW=NOW.isoformat())
        env.pop("SHOPCARE_DATABASE", None)
        subprocess.run([PY, "-m", "shopcare", "db", "copy", "--to", url], env=env, check=True,
                       capture_output=True)  # fmt: skip
        on_server = dict(env, SHOPCARE_DATABASE=url)
        out = []
        for label, args in (
            ("followups", ["followups", "--format", "tsv"]),
            ("case list", ["case", "list", "--format", "tsv"]),
        ):
            command = [PY, "-m", "shopcare", *args]
            run_once(command, env)  # the policy cache, built once as by any first run
            sqlite, postgres = _paired(command, env, on_server, runs)
            out.append(
                {
                    "name": name.format(command=label, cases=cases),
                    "sqlite_s": round(sqlite, 3),
                    "postgres_s": round(postgres, 3),
                    "ratio": round(postgres / sqlite, 2),
                    "target": f"<= {TARGET}x",
                    "met": postgres / sqlite <= TARGET,
                }
            )
        return out
    finally:
        stop_server(server)


def _paired(command: list[str], sqlite_env: dict, postgres_env: dict, runs: int) -> tuple:
    """Medians of the command on each database, one run after the other."""
    import statistics

    times: dict[str, list[float]] = {"sqlite": [], "postgres": []}
    for _ in range(runs):
        for label, env in (("sqlite", sqlite_env), ("postgres", postgres_env)):
            times[label].append(run_once(command, env)[0])
    return statistics.median(times["sqlite"]), statistics.median(times["postgres"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(figures(args.cases, args.runs), indent=2))


if __name__ == "__main__":
    main()
