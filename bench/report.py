"""Report speed, INSIGHT.md: `shopcare report` over a year of a 100,000-case home, side by side
with `python -c "import typer"`: within 3x. Timed as a pipe reads it (tsv), and with the
weekly series as json.

The generated home's rows are written straight into the tables, so the report's columns on
cases (m010) are filled afterwards by the migration's own backfill, timed: what upgrading
such a home costs once.

    python bench/report.py [--cases 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import generated_home, run_once, side_by_side, work_dir  # noqa: E402

JST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=JST)
PY = sys.executable
TARGET = 3.0


def report_home(cases: int) -> tuple[Path, float]:
    """A copy of the generated home with the report's columns filled; the fill's seconds."""
    from shopcare.store.sqlite.migrations import REPORT_TIMES_BACKFILL

    source = generated_home(f"home_{cases}", cases, NOW)
    home = work_dir() / f"report_{cases}"
    if home.exists():
        shutil.rmtree(home)
    home.mkdir()
    shutil.copy(source / "shopcare.db", home / "shopcare.db")
    shutil.copy(source / "config.toml", home / "config.toml")
    conn = sqlite3.connect(home / "shopcare.db")
    started = time.perf_counter()
    for statement in REPORT_TIMES_BACKFILL:
        conn.execute(statement)
    conn.commit()
    seconds = time.perf_counter() - started
    conn.close()
    return home, seconds


def figures(cases: int, runs: int) -> dict:
    import compileall

    import shopcare

    compileall.compile_dir(Path(shopcare.__file__).parent, quiet=1)  # as an installed package is
    home, fill_seconds = report_home(cases)
    env = dict(os.environ, SHOPCARE_HOME=str(home), SHOPCARE_NOW=NOW.isoformat(), NO_COLOR="1")
    year = [
        "--from",
        (NOW.date() - timedelta(days=364)).isoformat(),
        "--until",
        NOW.date().isoformat(),
    ]
    report = [PY, "-m", "shopcare", "report", *year]
    weekly = [*report, "--by", "week", "--format", "json"]
    # the first run builds the policy cache, as any first run would, and sums the year's days
    # up (reports/days.py): what the first report after an upgrade costs, once
    summing_seconds = run_once(report, env)[0]
    results = side_by_side(
        [
            ("import typer", [PY, "-c", "import typer"], None),
            ("report", report, None),
            ("report --by week", weekly, None),
            ("report after changes", report, lambda: _change_cases(home / "shopcare.db")),
        ],
        runs,
        env,
    )
    floor = results["import typer"].median
    found = {
        "name": f"shopcare report over a year of a {cases:,}-case home vs python -c 'import typer'",
        "cases": cases,
        "floor_s": round(floor, 3),
        "target": f"<= {TARGET}x",
        "backfill_s": round(fill_seconds, 2),
        "first_report_s": round(summing_seconds, 2),
    }
    changed = results["report after changes"].median  # not a target: what a day's work costs
    found["after_changes_s"] = round(changed, 3)
    found["after_changes_ratio"] = round(changed / floor, 2)
    for label, key in (("report", "report"), ("report --by week", "weekly")):
        median = results[label].median
        found[f"{key}_s"] = round(median, 3)
        found[f"{key}_ratio"] = round(median / floor, 2)
        found[f"{key}_peak_mb"] = round(results[label].peak_kb / 1024, 1)
        found[f"{key}_met"] = median / floor <= TARGET
    return found


def _change_cases(database: Path) -> None:
    """A day's work between two reports: ten settled cases of the last weeks change (their
    priority), so that the days they were received, replied to and resolved in are summed up
    again by the next report."""
    conn = sqlite3.connect(database)
    with conn:
        conn.execute(
            "UPDATE cases SET priority = CASE priority WHEN 'high' THEN 'normal' ELSE 'high' END"
            " WHERE id IN (SELECT id FROM cases WHERE first_resolved_at IS NOT NULL"
            " AND received_at >= ? ORDER BY id LIMIT 10)",
            [(NOW - timedelta(days=14)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")],
        )
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(figures(args.cases, args.runs), indent=2))


if __name__ == "__main__":
    main()
