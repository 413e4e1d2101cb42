"""examples/mail/: the command each mail-system set-up runs, run here as that system would run
it (by sh, the message on stdin), with the installed shopcare and a test home in place of
/usr/local/bin/shopcare and /srv/shop."""

from __future__ import annotations

import mailbox
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import dump
from test_mail_in import _installed, message

EXAMPLES = Path(__file__).parent.parent / "examples" / "mail"


def _as_run_here(command: str, home: Path) -> str:
    return command.replace("/usr/local/bin/shopcare", _installed()[0]).replace(
        "/srv/shop", str(home)
    )


def _commands() -> dict[str, str]:
    """The command line each example hands a message to."""
    aliases = (EXAMPLES / "postfix-aliases").read_text(encoding="utf-8")
    procmail = (EXAMPLES / "procmailrc").read_text(encoding="utf-8")
    fetchmail = (EXAMPLES / "fetchmailrc").read_text(encoding="utf-8")
    getmail = (EXAMPLES / "getmailrc").read_text(encoding="utf-8")
    path = re.search(r"^path = (\S+)$", getmail, re.M).group(1)
    arguments = re.search(r"^arguments = \((.*)\)$", getmail, re.M).group(1)
    return {
        "postfix": re.search(r'^support: "\|([^"]+)"', aliases, re.M).group(1),
        "procmail": "PATH=$SHOPCARE_BIN:$PATH; "
        + re.search(r"^\| (shopcare .*)$", procmail, re.M).group(1),
        "fetchmail": re.search(r'^\s+mda "([^"]+)"', fetchmail, re.M).group(1),
        "getmail": " ".join([path, *re.findall(r'"([^"]+)"', arguments)]),
    }


@pytest.mark.parametrize("system", ["postfix", "procmail", "fetchmail", "getmail"])
def test_each_mail_system_example_delivers_a_message(system, cli, home):
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    command = _as_run_here(_commands()[system], home)
    env = dict(os.environ, SHOPCARE_BIN=str(Path(_installed()[0]).parent))
    done = subprocess.run(
        ["sh", "-c", command], input=message(), capture_output=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert cli.json("case", "show", "1")["summary"] == "商品が届きません"


def test_the_mbsync_cron_script_takes_new_and_read_mail_once(cli, home, tmp_path):
    """Mail in new/ and in cur/ (read on a phone before cron ran) is taken; a second run
    changes nothing; an unreadable message is kept in mail/failed, not lost."""
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "mbsync").write_text("#!/bin/sh\nexit 0\n")  # the mailbox is already mirrored
    (bin_dir / "shopcare").write_text(f'#!/bin/sh\nexec {_installed()[0]} "$@"\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(mailbox.MaildirMessage(message(message_id="s1@x")))
    seen = mailbox.MaildirMessage(
        message("返品したいです。", sender="b@example.jp", message_id="s2@x")
    )
    seen.set_subdir("cur")
    seen.add_flag("S")
    box.add(seen)
    box.add(mailbox.MaildirMessage(b"\x00 not a mail"))
    box.close()
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SHOPCARE_HOME": str(home),
        "MAILDIR": str(tmp_path / "Maildir"),
    }
    if "SHOPCARE_DATABASE" in os.environ:  # a team's crontab names its server
        env["SHOPCARE_DATABASE"] = os.environ["SHOPCARE_DATABASE"]

    def run():
        return subprocess.run(
            ["sh", str(EXAMPLES / "mbsync-cron.sh")], capture_output=True, env=env, timeout=60
        )

    done = run()
    assert done.returncode == 0, done.stderr
    assert b"kept as" in done.stderr  # the unreadable one, in mail/failed
    assert len(cli.json("case", "list")) == 2
    before = dump(home)
    assert run().returncode == 0
    assert dump(home) == before
