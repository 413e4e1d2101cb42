"""The example scripts for cron and pipelines, run as cron would run them: by sh, with a bare
environment, the installed shopcare on PATH and a stand-in `mail` that keeps what it is given."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture
def bin_dir(tmp_path) -> Path:
    """shopcare (this Python's) and a `mail` that writes its subject and body to a file."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "shopcare").write_text(f'#!/bin/sh\nexec {sys.executable} -m shopcare "$@"\n')
    (folder / "mail").write_text(
        '#!/bin/sh\n[ "$1" = -s ] || exit 9\nprintf "%s\\n" "$2" > "$MAILBOX"\n'
        'printf "to %s\\n" "$3" >> "$MAILBOX"\ncat >> "$MAILBOX"\n'
    )
    for tool in folder.iterdir():
        tool.chmod(0o755)
    return folder


def cron(bin_dir: Path, home: Path, now: str, mailbox: Path, *args: str):
    """The script as cron runs it: no profile, only the crontab's variables."""
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "SHOPCARE_HOME": str(home),
        "SHOPCARE_NOW": now,
        "MAILBOX": str(mailbox),
        "HOME": str(home.parent),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    if "SHOPCARE_DATABASE" in os.environ:  # a team's crontab names its server
        env["SHOPCARE_DATABASE"] = os.environ["SHOPCARE_DATABASE"]
    return subprocess.run(
        ["/bin/sh", str(EXAMPLES / "morning-mail.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(shutil.which("column") is None, reason="needs column(1) (bsdextrautils)")
def test_the_morning_mail_runs_from_cron_and_keeps_closed_days(cli, home, bin_dir, tmp_path):
    cli("case", "add", "--summary", "届かない", "--received-at", "2026-11-19T10:00")
    mailbox = tmp_path / "mailbox"
    # Monday 2026-11-23 is 勤労感謝の日: the shop is closed, no mail
    result = cron(bin_dir, home, "2026-11-23T08:00:00+09:00", mailbox, "owner@example.jp")
    assert result.returncode == 0, result.stderr
    assert not mailbox.exists()
    # Tuesday: the reply due on Friday is late
    result = cron(bin_dir, home, "2026-11-24T08:00:00+09:00", mailbox, "owner@example.jp")
    assert result.returncode == 0, result.stderr
    subject, to, *body = mailbox.read_text(encoding="utf-8").splitlines()
    assert subject == "shopcare: OVERDUE follow-ups" and to == "to owner@example.jp"
    assert any("届かない" in line for line in body)


def test_an_error_is_not_taken_for_a_closed_day(home, bin_dir, tmp_path):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("[calendar]\nopen = 'x'\n", encoding="utf-8")
    result = cron(bin_dir, home, "2026-11-24T08:00:00+09:00", tmp_path / "mailbox", "o@e.jp")
    assert result.returncode == 1
    assert "Error:" in result.stderr


def test_business_today_answers_by_exit_status(cli, monkeypatch):
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T08:00:00+09:00")
    assert cli("calendar", "--business-today").stdout == ""
    monkeypatch.setenv("SHOPCARE_NOW", "2027-01-01T08:00:00+09:00")
    assert cli("calendar", "--business-today", code=1).stderr == ""
