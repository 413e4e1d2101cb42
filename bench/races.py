"""Writers racing on one case, as real processes: four `shopcare case status ID waiting` started
together, repeated ROUNDS times on fresh cases, and four `case status ID open` on the same
cases afterwards (the reopening, which adds the paused time). Counts what a race would leave
behind: extra status transitions, paused time counted more than once, tracebacks, exits other
than 0 (the winner) and 1 (the others, "already ..."). Every figure must be 0.

    python bench/races.py [--rounds 20] [--writers 4]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path


def shopcare(home: Path, *args: str, now: str) -> subprocess.Popen:
    env = os.environ | {"SHOPCARE_HOME": str(home), "SHOPCARE_NOW": now, "SHOPCARE_USER": "bench"}
    return subprocess.Popen(
        [sys.executable, "-m", "shopcare", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def together(home: Path, writers: int, *args: str, now: str) -> list[tuple[int, str]]:
    runs = [shopcare(home, *args, now=now) for _ in range(writers)]
    return [(run.wait(timeout=120), run.communicate()[1]) for run in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--writers", type=int, default=4)
    options = parser.parse_args()
    figures = {"rounds": options.rounds, "writers": options.writers}
    extra = paused_wrong = tracebacks = odd_exits = 0
    with tempfile.TemporaryDirectory(prefix="shopcare-races-") as tmp:
        home = Path(tmp) / "shop"
        monday, tuesday = "2026-11-23T10:00:00+09:00", "2026-11-24T10:00:00+09:00"
        for _ in range(options.rounds):
            add = shopcare(home, "case", "add", "--summary", "割れていた", now=monday)
            case_id = add.communicate()[0].strip()
            for status, now in (("waiting", monday), ("open", tuesday)):
                results = together(
                    home, options.writers, "case", "status", case_id, status, now=now
                )
                codes = sorted(code for code, _ in results)
                odd_exits += codes != [0] + [1] * (options.writers - 1)
                tracebacks += sum("Traceback" in err for _, err in results)
            conn = sqlite3.connect(home / "shopcare.db")
            transitions = conn.execute(
                "SELECT count(*) FROM events WHERE case_id = ? AND kind = 'status'", [case_id]
            ).fetchone()[0]
            (paused,) = conn.execute(
                "SELECT paused_seconds FROM cases WHERE id = ?", [case_id]
            ).fetchone()
            conn.close()
            extra += transitions - 2
            paused_wrong += paused != 24 * 3600
    figures |= {
        "extra_transitions": extra,
        "paused_time_wrong": paused_wrong,
        "tracebacks": tracebacks,
        "rounds_with_odd_exits": odd_exits,
    }
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))
    if extra or paused_wrong or tracebacks or odd_exits:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
