"""Timing whole processes side by side: medians over several runs, peak memory from the OS."""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"


@dataclass
class Timing:
    label: str
    seconds: list[float] = field(default_factory=list)
    peak_kb: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run_once(
    cmd: list[str], env: dict | None = None, ok: tuple[int, ...] = (0,), stdin: Path | None = None
) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one process; stdin, if given, is that file, opened before
    the clock starts (as a shell's < would)."""
    source = open(stdin, "rb") if stdin else None  # noqa: SIM115 (closed below)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if source:
        source.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        raise SystemExit(f"exit {code}: {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    proc.stderr.close()
    return elapsed, usage.ru_maxrss


Setup = Callable[[], None] | None


def side_by_side(
    commands: list[tuple[str, list[str], Setup] | tuple[str, list[str], Setup, Path]],
    runs: int,
    env: dict | None = None,
    ok: tuple[int, ...] = (0,),
) -> dict[str, Timing]:
    """Interleave the commands run by run, so that drift in the machine hits them alike. A
    command's optional fourth item is a file for its standard input."""
    results = {label: Timing(label) for label, *_ in commands}
    for _ in range(runs):
        for label, cmd, setup, *stdin in commands:
            if setup:
                setup()
            elapsed, rss = run_once(cmd, env, ok, *stdin)
            results[label].seconds.append(elapsed)
            results[label].peak_kb = max(results[label].peak_kb, rss)
    return results


def work_dir() -> Path:
    WORK.mkdir(exist_ok=True)
    return WORK


def generated_home(
    name: str,
    cases: int,
    now: datetime,
    open_cases: int | None = None,
    overdue_only: bool = False,
) -> Path:
    """A generated home, made once and kept in the work folder, and made again when the generator
    or what it is asked for changes (not for the clock alone: the overdue home is made for the
    real clock, and stays overdue as time goes on). Made in a child process, so that the runner
    stays small: a child forked from a large parent would report the parent's memory as its own."""
    shop = work_dir() / name
    generator = HERE / "generate.py"
    command = [sys.executable, str(generator), "home", str(shop), "--cases", str(cases)]
    if open_cases is not None:
        command += ["--open", str(open_cases)]
    if overdue_only:
        command.append("--overdue-only")
    made_by = hashlib.sha256(generator.read_bytes() + " ".join(command).encode()).hexdigest()
    stamp = shop / "generated-by"
    fresh = stamp.exists() and stamp.read_text() == made_by
    if not (fresh and (shop / "shopcare.db").exists()):
        if shop.exists():
            shutil.rmtree(shop)
        started = time.perf_counter()
        subprocess.run([*command, "--now", now.isoformat()], check=True, stdout=subprocess.DEVNULL)
        stamp.write_text(made_by)
        seconds = time.perf_counter() - started
        print(f"  generated {name}: {cases:,} cases in {seconds:.1f} s", flush=True)
    return shop
