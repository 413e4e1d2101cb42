"""Batch rendering: `shopcare reply - TEMPLATE --format json` for 10,000 cases in one process,
side by side with a bare Jinja loop over the same template (floor_render.py). The case ids come
from a file on standard input, as `shopcare reply - apology --format json < ids.txt` gets them.

Two templates: apology, which names no order (so shopcare reads none), drafted for complaints
(shopcare refuses an apology for a question), and status_update, which prints the order's
carrier and tracking number (so every case's order is read whole, with its items).

    python bench/render_batch.py [--cases 10000] [--runs 3] [--template apology]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import generated_home, side_by_side  # noqa: E402

TARGET = 2.0
TEMPLATES = ("apology", "status_update")
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=timezone(timedelta(hours=9)))


def figures(cases: int, runs: int, template: str = "apology") -> dict:
    from shopcare.resources import resource_dir

    # a quarter of the generated cases are questions (inquiry.*), and an apology is drafted for
    # a complaint only (shopcare refuses one for a question): the home holds enough complaints
    # for the drafts asked, and the ids are the first of those (of any case, for status_update)
    home_cases = cases * 4 // 3 + 100
    shop = generated_home(f"render_home_{home_cases}", home_cases, NOW)
    complaints = " WHERE category NOT LIKE 'inquiry.%'" if template == "apology" else ""
    conn = sqlite3.connect(shop / "shopcare.db")
    chosen = [
        row[0]
        for row in conn.execute(f"SELECT id FROM cases{complaints} ORDER BY id LIMIT ?", [cases])
    ]
    conn.close()
    if len(chosen) < cases:
        raise SystemExit(f"the generated home holds {len(chosen)} cases to draft for, not {cases}")
    ids = shop / f"ids_{template}.txt"
    ids.write_text("".join(f"{n}\n" for n in chosen))
    env = dict(os.environ, SHOPCARE_NOW=NOW.isoformat(), SHOPCARE_HOME=str(shop))
    results = side_by_side(
        [
            (
                "floor",
                [
                    sys.executable,
                    str(Path(__file__).parent / "floor_render.py"),
                    str(resource_dir("templates")),
                    template,
                    str(cases),
                ],
                None,
            ),
            (
                "shopcare",
                [
                    sys.executable,
                    "-m",
                    "shopcare",
                    "reply",
                    "-",
                    template,
                    "--format",
                    "json",
                ],
                None,
                ids,  # on stdin, opened before the clock starts, as a shell's < would be
            ),
        ],
        runs,
        env,
    )
    floor, ours = results["floor"].median, results["shopcare"].median
    return {
        "figure": "batch rendering",
        "template": template,
        "drafts": cases,
        "runs": runs,
        "floor_s": round(floor, 3),
        "shopcare_s": round(ours, 3),
        "ratio_to_floor": round(ours / floor, 2),
        "target_ratio_to_floor": TARGET,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--template", choices=TEMPLATES, default="apology")
    args = parser.parse_args()
    print(json.dumps(figures(args.cases, args.runs, args.template), indent=2))


if __name__ == "__main__":
    main()
