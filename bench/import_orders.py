"""Import speed: `shopcare orders import` of a 100,000-row Shopify export, side by side with
the floor (csv + sqlite3 executemany) and with `sqlite-utils insert --csv` of the same file.

Each run imports into a new, empty home made by `shopcare init` beforehand, as a shop makes it
once: the figure is the import's, not the one-off creation of the database and its schema (the
floor's database has no schema to speak of). Each rival also starts from no database.

    python bench/import_orders.py [--rows 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import side_by_side, work_dir  # noqa: E402
from generate import shopify  # noqa: E402

TARGET = 2.0


def figures(rows: int, runs: int) -> dict:
    work = work_dir() / "import"
    work.mkdir(parents=True, exist_ok=True)
    export = work / f"shopify_{rows}.csv"
    if not export.exists():
        shopify(export, rows)
    floor_db, su_db, home = work / "floor.db", work / "su.db", work / "home"

    def clean(path: Path):
        def setup():
            if path.is_dir():
                shutil.rmtree(path)
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)

        return setup

    su = shutil.which("sqlite-utils") or "sqlite-utils"
    env = dict(os.environ, SHOPCARE_NOW="2026-11-24T08:00:00+09:00")

    def new_home() -> None:
        clean(home)()
        init = [sys.executable, "-m", "shopcare", "--home", str(home), "init"]
        subprocess.run(init, check=True, env=env, capture_output=True)

    results = side_by_side(
        [
            (
                "floor",
                [
                    sys.executable,
                    str(Path(__file__).parent / "floor_import.py"),
                    str(export),
                    str(floor_db),
                ],
                clean(floor_db),
            ),
            (
                "sqlite-utils",
                [su, "insert", str(su_db), "orders", str(export), "--csv"],
                clean(su_db),
            ),
            (
                "shopcare",
                [
                    sys.executable,
                    "-m",
                    "shopcare",
                    "--home",
                    str(home),
                    "orders",
                    "import",
                    str(export),
                ],
                new_home,
            ),
        ],
        runs,
        env,
    )
    floor, su_t, ours = (
        results["floor"].median,
        results["sqlite-utils"].median,
        results["shopcare"].median,
    )
    return {
        "figure": "orders import",
        "rows": rows,
        "runs": runs,
        "floor_s": round(floor, 3),
        "sqlite_utils_s": round(su_t, 3),
        "shopcare_s": round(ours, 3),
        "ratio_to_floor": round(ours / floor, 2),
        "ratio_to_sqlite_utils": round(ours / su_t, 2),
        "target_ratio_to_floor": TARGET,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = figures(args.rows, args.runs)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
