"""Search speed (INSIGHT.md, Search): `shopcare search WORD --format tsv` on a home of 1,000,000
cases with their timelines, side by side with `python -c "import typer"`: a word of three or
more characters within 1.5x, a two-character word within 2x.

The home is bench/generate.py's (each case's summary, the customer's message, their follow-ups,
the shop's notes, the order's item: a shop's words, 返品, 破損, マグカップ, 届きません among
them). Each word is a common one (found in tens of thousands of cases): the search reads the
newest of them, ranks them and shows the limit (50). A rare word (a customer's e-mail
address) is timed too, for what a search for one customer costs.

    python bench/search.py [--cases 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import generated_home, run_once, side_by_side  # noqa: E402

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=timezone(timedelta(hours=9)))
PY = sys.executable
WORDS = {  # what is searched for, the figure's target, and its kind
    "マグカップ": (1.5, "three or more characters"),
    "まだ届きません": (1.5, "three or more characters"),
    "返品": (2.0, "two characters"),
    "破損": (2.0, "two characters"),
}


def figures(cases: int, runs: int) -> dict:
    import compileall

    import shopcare

    compileall.compile_dir(Path(shopcare.__file__).parent, quiet=1)  # as an installed package is
    started = time.perf_counter()
    shop = generated_home(f"search_{cases}", cases, NOW)
    made = time.perf_counter() - started
    env = dict(os.environ, SHOPCARE_NOW=NOW.isoformat(), SHOPCARE_HOME=str(shop), NO_COLOR="1")
    rare = f"customer{cases // 3}@example.jp"
    commands = [("import typer", [PY, "-c", "import typer"], None)]
    for word in [*WORDS, rare]:
        command = [PY, "-m", "shopcare", "search", word, "--format", "tsv"]
        run_once(command, env)  # the first run reads the file into the page cache
        commands.append((word, command, None))
    results = side_by_side(commands, runs, env)
    floor = results["import typer"].median
    out: dict = {
        "cases": cases,
        "home_mb": round(os.path.getsize(shop / "shopcare.db") / 1e6),
        "floor_s": round(floor, 3),
        "searches": [],
    }
    if made > 1:
        out["home_made_s"] = round(made, 1)
    for word, (target, kind) in [*WORDS.items(), (rare, (None, "a rare word"))]:
        seconds = results[word].median
        figure = {
            "word": word,
            "kind": kind,
            "shopcare_s": round(seconds, 3),
            "ratio": round(seconds / floor, 2),
            "peak_mb": round(results[word].peak_kb / 1024, 1),
        }
        if target:
            figure |= {"target": f"<= {target}x", "met": seconds / floor <= target}
        out["searches"].append(figure)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(figures(args.cases, args.runs), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
