"""kill -9 at random moments (../shared/SAFETY.md, "Reliability, measured"): a real `shopcare`
process is killed at a seeded random moment between its start and the time an unkilled run
takes, and what it leaves behind is judged. Shared by tests/test_stress.py (three kills of each
kind, in seconds) and bench/stress.py (a hundred of each).

Three kinds of work, each kill on a fresh copy of a home made once:
- `orders import` of a sizeable Shopify export (bench/generate.py's), alternately into a home
  with no orders (the first import, which drops and remakes the order indexes inside its
  transaction) and into one holding an older export of the same shop (orders updated and
  added in one transaction);
- `mail in` of a large message on stdin (a photo and a PDF attached, several MB) as Japanese
  mail clients send it: ISO-2022-JP with RFC 2231 file names, or UTF-8 in base64;
- a shell loop of `case add` processes, the whole loop killed (the shell and the add under way).

What a kill leaves must be a state a command could have committed: the database passes
`PRAGMA integrity_check` and `foreign_key_check`, and is, row for row, the home as it was or as
an unkilled run leaves it (for the loop: as its first k adds leave it, for some k). Counted
besides, against what went in: orders whose items are not all there, imports neither whole
nor absent, cases without their creation event (or assignment, or customer), ids the loop
printed that are not in the database. Then the work is done again, as its user would: the
import run again, the message delivered again with the same bytes (as a mail system retries
after a failed delivery): it must exit 0 and leave the home exactly as an unkilled run does,
the message stored once, its attachments' files whole.

Every process runs as `python -m shopcare` with SHOPCARE_HOME on the copy and SHOPCARE_NOW
pinned, so that an unkilled run always leaves the same rows (which the references check).
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

NOW = "2026-11-24T08:00:00+09:00"
SHOP_NAME = "はなまる雑貨店"
SHOP_EMAIL = "support@hanamaru.example"
HERE = Path(__file__).resolve().parent


def env_for(home: Path, user: str = "stress") -> dict:
    env = dict(os.environ, SHOPCARE_HOME=str(home), SHOPCARE_NOW=NOW, SHOPCARE_USER=user)
    env |= {"NO_COLOR": "1", "COLUMNS": "200"}
    for name in ("SHOPCARE_DATABASE", "SHOPCARE_DEBUG", "FORCE_COLOR"):
        env.pop(name, None)
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "shopcare", *args]


def shopcare(home: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """One command run to its end; it must exit 0."""
    done = subprocess.run(
        command(*args), env=env_for(home), input=stdin, capture_output=True, timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"shopcare {' '.join(args)}: exit {done.returncode}\n{done.stderr!r}")
    return done


def new_shop(home: Path) -> Path:
    """An empty shop, its policy cache built (as after a shop's first command)."""
    shopcare(home, "init", "--name", SHOP_NAME, "--email", SHOP_EMAIL)
    shopcare(home, "followups")
    return home


def copy_home(template: Path, to: Path) -> Path:
    if to.exists():
        shutil.rmtree(to)
    shutil.copytree(template, to)
    return to


# ---------------------------------------------------------------------------------------------
# The database as a kill leaves it


def db_path(home: Path) -> Path:
    return home / "shopcare.db"


def integrity(home: Path) -> tuple[bool, int]:
    """Whether PRAGMA integrity_check says ok, and how many rows break a foreign key. Opened
    read-write, as the next shopcare would open it (SQLite recovers its log on open)."""
    conn = sqlite3.connect(db_path(home))
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        broken = len(conn.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        conn.close()
    return ok, broken


def fingerprint(home: Path) -> str:
    """Every row and every schema entry of the database, hashed: two homes with the same
    fingerprint hold the same data."""
    conn = sqlite3.connect(db_path(home))
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
    finally:
        conn.close()
    return digest.hexdigest()


def query(home: Path, sql: str, params: list | tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db_path(home))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def writing(home: Path) -> bool:
    """Whether a process is inside a write transaction on the home's database: holds its WAL
    write lock (byte 120 of the -shm file, an fcntl lock), as Linux's /proc/locks lists it.
    Only looked at: the command under watch is not slowed or blocked."""
    try:
        inode = str((home / "shopcare.db-shm").stat().st_ino)
        with open("/proc/locks", encoding="ascii") as fh:
            locks = fh.read()
    except FileNotFoundError:
        return False
    for line in locks.splitlines():
        # 1: POSIX  ADVISORY  WRITE 9658 fe:00:2711631 120 120  (a waiter's line has "->")
        parts = line.split()
        if (
            len(parts) == 8
            and parts[1] == "POSIX"
            and parts[3] == "WRITE"
            and parts[5].rpartition(":")[2] == inode
            and parts[6] == "120"
        ):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Killing


@dataclass
class Killed:
    at: float  # when it was killed, in seconds after its start (or when it ended by itself)
    ended_first: bool  # it had ended before the moment came: nothing was killed
    began: bool  # a write transaction had been seen before the kill
    inside: bool  # the last look before the kill saw it inside a write transaction

    @property
    def landed(self) -> str:
        if self.ended_first:
            return "after the end"
        if self.inside:
            return INSIDE
        return "after a commit" if self.began else "before any write transaction"


def kill_at(
    cmd: list[str],
    env: dict,
    at: float,
    *,
    stdin=None,
    stdout=None,
    inside: Callable[[], bool] = lambda: False,
) -> Killed:
    """Start cmd in a process group of its own, and SIGKILL the whole group at seconds after
    its start; meanwhile look at inside() every 2 ms or so: is it in a write transaction?"""
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        stdout=stdout if stdout is not None else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    start = time.perf_counter()
    began = now = False
    while True:
        elapsed = time.perf_counter() - start
        if proc.poll() is not None:
            return Killed(elapsed, True, began, False)
        if elapsed >= at:
            break
        now = inside()
        began = began or now
        time.sleep(min(0.002, at - elapsed))
    with contextlib.suppress(ProcessLookupError):  # it ended just now
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return Killed(at, False, began, now)


def timed(
    cmd: list[str], env: dict, stdin: Path | None = None, inside: Callable[[], bool] | None = None
) -> tuple[float, float, float]:
    """One unkilled run (it must exit 0): when inside() first and last saw it in a write
    transaction, and its end, in seconds after its start (as kill_at counts); never seen in one:
    its end for all three."""
    source = open(stdin, "rb") if stdin else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, env=env, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        began = last = None
        while proc.poll() is None:
            if inside is not None and inside():
                last = time.perf_counter() - start
                began = last if began is None else began
            time.sleep(0.001)
        seconds = time.perf_counter() - start
        error = proc.stderr.read()
        proc.stderr.close()
    finally:
        if stdin:
            source.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {proc.returncode}\n{error!r}")
    if began is None:
        return seconds, seconds, seconds
    return began, last, seconds


def _window(times: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """The medians of when runs were first and last seen writing, and when they ended."""
    return tuple(statistics.median(t[i] for t in times) for i in range(3))


INSIDE = "inside a write transaction"


def _numbers(tally: Tally, kills: int, while_writing: bool):
    """0, 1, ...: kills numbers; while_writing, until kills have landed inside a write
    transaction, or four times as many were tried."""
    number = 0
    while tally.landed[INSIDE] < kills and number < 4 * kills if while_writing else number < kills:
        yield number
        number += 1


@dataclass
class Tally:
    """What the kills of one kind left: every count but kills and landed must be 0."""

    kind: str
    # of each variant of the work: when an unkilled run was first and last seen inside its write
    # transaction, and when it ended (seconds after its start, medians); kills land
    # between 0 and its end (or, while_writing, between the first two)
    windows: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    kills: int = 0
    landed: Counter = field(default_factory=Counter)
    counts: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def bad(self, name: str, n: int, example: str) -> None:
        """Count n of name; n = 0 is a figure shown as 0."""
        self.counts[name] += n
        if n and len(self.examples) < 10:
            self.examples.append(f"{name}: {example}")

    def record(self) -> dict:
        return {
            "kind": self.kind,
            "kills": self.kills,
            "unkilled_runs_s": {
                name: {"writes_from": round(a, 3), "writes_to": round(b, 3), "ends": round(c, 3)}
                for name, (a, b, c) in self.windows.items()
            },
            "landed": dict(self.landed),
            **dict(self.counts),
            "examples": self.examples,
        }


def _judge_database(tally: Tally, home: Path, allowed: dict[str, str], what: str) -> str:
    """The checks every kill gets: integrity, foreign keys, and a state some run committed.
    allowed: fingerprint -> the state's name. The name of the state found ('' for none)."""
    ok, broken = integrity(home)
    tally.bad("failed integrity checks", 0 if ok else 1, what)
    tally.bad("rows breaking a foreign key", broken, what)
    found = allowed.get(fingerprint(home), "") if ok else ""
    tally.bad("databases neither as before nor as after", 0 if found else 1, what)
    return found


# ---------------------------------------------------------------------------------------------
# 1. orders import


def make_export(path: Path, rows: int) -> Path:
    """A Shopify orders export of rows rows (bench/generate.py's made-up shop)."""
    sys.path.insert(0, str(HERE.parent / "bench"))
    try:
        from generate import shopify
    finally:
        sys.path.remove(str(HERE.parent / "bench"))
    shopify(path, rows)
    return path


def _read_export(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, list(reader)


def older_export(export: Path, to: Path) -> tuple[Path, set[str]]:
    """The same shop's export of some days before: the first half of the orders, not shipped
    yet. Importing the newer one over it updates those (status, shipping date) and adds the
    rest. The order numbers it holds."""
    header, rows = _read_export(export)
    name, status, shipped = (
        header.index(c) for c in ("Name", "Fulfillment Status", "Fulfilled at")
    )
    numbers = list(dict.fromkeys(row[name] for row in rows))
    kept = set(numbers[: len(numbers) // 2])
    with to.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        for row in rows:
            if row[name] in kept:
                if row[status]:
                    row[status], row[shipped] = "unfulfilled", ""
                out.writerow(row)
    return to, kept


class ImportKills:
    """Kills of `orders import EXPORT`, alternately into a home with no orders and into one
    holding an older export of the same orders."""

    def __init__(
        self, work: Path, rows: int, export: Path | None = None, references: int = 3
    ) -> None:
        """references: unkilled runs of each variant, timed (their medians) and compared (they
        must leave the same rows)."""
        work.mkdir(parents=True, exist_ok=True)
        self.work = work
        self.export = export or make_export(work / f"shopify_{rows}.csv", rows)
        self.older, self.older_numbers = older_export(self.export, work / "shopify_older.csv")
        header, rows_ = _read_export(self.export)
        name, item = header.index("Name"), header.index("Lineitem name")
        # order number -> its items, as the file has them
        self.items = Counter(row[name] for row in rows_ if row[item])
        self.cmd = command("orders", "import", str(self.export))
        first = new_shop(work / "template-first")
        update = copy_home(first, work / "template-update")
        shopcare(update, "orders", "import", str(self.older))
        self.templates = {"first import": first, "update": update}
        self.before = {k: fingerprint(home) for k, home in self.templates.items()}
        self.after: dict[str, str] = {}
        self.window: dict[str, tuple[float, float, float]] = {}  # see Tally.windows
        for kind, template in self.templates.items():
            times, states = [], set()
            for run in range(references):
                home = copy_home(template, work / f"reference-{run}")
                times.append(timed(self.cmd, env_for(home), inside=lambda h=home: writing(h)))
                states.add(fingerprint(home))
            if len(states) != 1:
                raise RuntimeError(f"{kind}: unkilled imports left different databases")
            self.after[kind] = states.pop()
            self.window[kind] = _window(times)
            shutil.rmtree(home)

    def run(self, kills: int, rng: random.Random, while_writing: bool = False) -> Tally:
        """kills kills, each at a moment between the start and the end of an unkilled run;
        while_writing: at moments when an unkilled run is inside its write transaction, until
        kills of them have landed inside one (at most four times as many tried)."""
        tally = Tally("orders import", windows=self.window)
        kinds = list(self.templates)
        for number in _numbers(tally, kills, while_writing):
            kind = kinds[number % 2]
            home = copy_home(self.templates[kind], self.work / "killed")
            began, last, ended = self.window[kind]
            at = rng.uniform(began, last) if while_writing else rng.uniform(0, ended)
            killed = kill_at(self.cmd, env_for(home), at, inside=lambda h=home: writing(h))
            tally.kills += 1
            tally.landed[killed.landed] += 1
            what = f"kill {number} ({kind}) at {killed.at:.3f} s, {killed.landed}"
            states = {self.before[kind]: "before", self.after[kind]: "after"}
            _judge_database(tally, home, states, what)
            self._judge_orders(tally, home, kind, what)
            # run again, as the user would: it ends as an unkilled import does
            again = subprocess.run(self.cmd, env=env_for(home), capture_output=True, timeout=600)
            rerun_ok = again.returncode == 0 and fingerprint(home) == self.after[kind]
            tally.bad("imports run again not ending as an unkilled one", 0 if rerun_ok else 1,
                      f"{what}: exit {again.returncode} {again.stderr[-300:]!r}")  # fmt: skip
            shutil.rmtree(home)
        return tally

    def _judge_orders(self, tally: Tally, home: Path, kind: str, what: str) -> None:
        """Every order there has all its items; the file's orders are all there or (as
        before) none of them, updated all or none."""
        stored = dict(
            query(
                home,
                "SELECT o.number, count(i.id) FROM orders o"
                " LEFT JOIN order_items i ON i.order_id = o.id GROUP BY o.id",
            )
        )
        present = [n for n in self.items if n in stored]
        half = [n for n in present if stored[n] != self.items[n]]
        tally.bad("half-written orders", len(half), f"{what}: {half[:3]}")
        before = len(self.older_numbers) if kind == "update" else 0
        whole = len(present) in (before, len(self.items))
        if kind == "update":
            shipped = query(
                home,
                "SELECT count(*) FROM orders WHERE shipped_at IS NOT NULL AND number IN"
                " (SELECT value FROM json_each(?))",
                [json.dumps(sorted(self.older_numbers))],
            )[0][0]
            whole = whole and shipped in (0, len(self.older_numbers))
        tally.bad("imports neither whole nor absent", 0 if whole else 1,
                  f"{what}: {len(present)} of {len(self.items)} orders")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# 2. mail in


def _b64_lines(data: bytes, eol: str) -> str:
    text = base64.b64encode(data).decode("ascii")
    return eol.join(text[i : i + 76] for i in range(0, len(text), 76))


def _word(text: str, charset: str) -> str:
    """An RFC 2047 encoded word, as the clients write Japanese headers."""
    codec = "iso2022_jp" if charset.lower() == "iso-2022-jp" else "utf-8"
    return f"=?{charset}?B?{base64.b64encode(text.encode(codec)).decode()}?="


def _photo(rng: random.Random, size: int) -> bytes:
    """A JPEG as a phone takes it: its markers around bytes that compress no further."""
    return b"\xff\xd8\xff\xe1" + rng.randbytes(max(0, size - 6)) + b"\xff\xd9"


def _pdf(rng: random.Random, size: int) -> bytes:
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + rng.randbytes(max(0, size - 22)) + b"\n%%EOF\n"


@dataclass
class Message:
    label: str
    raw: bytes
    message_id: str
    attachments: list[tuple[int, str]]  # (size, sha256) of each attached file


def _message(variant: int, size: int, rng: random.Random) -> Message:
    """One large message: variant 0 and 2 as Outlook and Becky! send Japanese (ISO-2022-JP,
    7bit text, RFC 2231 file names, LF as a mail system hands it over), 1 and 3 as a phone
    or Thunderbird does (UTF-8 text in base64, file names as encoded words; 3 with CRLF)."""
    jis = variant in (0, 2)
    charset = "ISO-2022-JP" if jis else "UTF-8"
    eol = "\r\n" if variant == 3 else "\n"
    people = [  # made up
        ("加藤 美咲", "misaki.kato@example.jp"),
        ("山田 花子", "Hanako.Yamada@example.jp"),  # the customer of order #1001
        ("森田 健二", "kenji.morita@example.jp"),
        ("石川 由美", "yumi.ishikawa@example.ne.jp"),
    ]
    name, sender = people[variant]
    subject, body = [
        (
            "届いたマグカップが割れていました",
            "はなまる雑貨店 御中\n\nいつもお世話になっております。加藤です。\n"
            "本日届いたマグカップですが、箱を開けたところ取っ手が割れていました。\n"
            "写真と納品書を添付いたします。交換をお願いできますでしょうか。\n\n"
            "よろしくお願いいたします。\n\n加藤 美咲\n",
        ),
        (
            "注文番号 #1001 の商品について",
            "お世話になっております。山田です。\n#1001 で注文した小皿のうち1枚に欠けがありました。\n"
            "写真を添付しますので、ご確認をお願いします。\n\n山田 花子\n",
        ),
        (
            "Re: 【はなまる雑貨店】お問い合わせを承りました",
            "ご連絡ありがとうございます。森田です。\n"
            "追加の写真と、届いた箱の写真を添付します。\n"
            "よろしくお願いいたします。\n\n森田 健二\n",
        ),
        (
            "返品の手続きについて",
            "はなまる雑貨店さま\n\nエプロンのサイズが合わなかったため、返品をお願いしたいです。\n"
            "タグの写真と注文控えを添付しました。\n\n石川 由美\n",
        ),
    ][variant]
    files = [
        ("破損箇所の写真.jpg", "image/jpeg", _photo(rng, size * 3 // 4)),
        ("納品書.pdf", "application/pdf", _pdf(rng, size - size * 3 // 4)),
    ]
    if variant == 3:
        files.append(("注文控え.txt", "text/plain", "注文日 11月18日 エプロン M\n".encode()))
    message_id = f"stress.{variant}.{rng.randrange(10**12)}@mail.example.jp"
    boundary = f"----=_NextPart_000_00{variant}2_01DB3C4A.5E6F7A80"
    headers = [
        f"From: {_word(name, charset)} <{sender}>",
        f"To: {SHOP_EMAIL}",
        f"Subject: {_word(subject, charset)}",
        "Date: Tue, 24 Nov 2026 07:41:08 +0900",
        f"Message-ID: <{message_id}>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed;{eol}\tboundary="{boundary}"',
        "X-Mailer: Microsoft Outlook 16.0" if jis else "User-Agent: Mozilla Thunderbird",
    ]
    if jis:
        text_part = [
            'Content-Type: text/plain; charset="iso-2022-jp"',
            "Content-Transfer-Encoding: 7bit",
            "",
            body.encode("iso2022_jp").decode("ascii").replace("\n", eol),
        ]
    else:
        text_part = [
            "Content-Type: text/plain; charset=UTF-8; format=flowed",
            "Content-Transfer-Encoding: base64",
            "",
            _b64_lines(body.encode("utf-8"), eol),
        ]
    parts = [eol.join(text_part)]
    for filename, kind, data in files:
        if jis:
            encoded = quote(filename.encode("iso2022_jp"), safe="")
            disposition = f"attachment;{eol} filename*=iso-2022-jp''{encoded}"
            content_type = f'{kind};{eol} name="{_word(filename, charset)}"'
        else:
            disposition = f'attachment;{eol} filename="{_word(filename, charset)}"'
            content_type = f'{kind};{eol} name="{_word(filename, charset)}"'
        parts.append(
            eol.join(
                [
                    f"Content-Type: {content_type}",
                    "Content-Transfer-Encoding: base64",
                    f"Content-Disposition: {disposition}",
                    "",
                    _b64_lines(data, eol),
                ]
            )
        )
    text = eol.join(headers) + eol + eol + "This is a multi-part message in MIME format." + eol
    for part in parts:
        text += eol + f"--{boundary}" + eol + part + eol
    text += eol + f"--{boundary}--" + eol
    stored = [(len(d), hashlib.sha256(d).hexdigest()) for _, _, d in files]
    label = ["ISO-2022-JP, new case", "UTF-8, order's case", "ISO-2022-JP, open case",
             "UTF-8 CRLF, new case"][variant]  # fmt: skip
    return Message(label, text.encode("ascii"), message_id, stored)


def mail_template(home: Path) -> Path:
    """A shop with order #1001 imported (its customer writes in variant 1) and an open case of
    the customer of variant 2, so that the messages open new cases, find the order's, and add
    to a case."""
    new_shop(home)
    sys.path.insert(0, str(HERE))
    from exports import SHOPIFY_2026, shopify_rows, write_export

    export = write_export(home.parent / "mail-orders.csv", SHOPIFY_2026, shopify_rows())
    shopcare(home, "orders", "import", str(export))
    shopcare(home, "case", "add", "--summary", "届いた箱が潰れていた",
             "--email", "kenji.morita@example.jp", "--customer", "森田 健二")  # fmt: skip
    return home


class MailKills:
    """Kills of `mail in` with a large message on stdin, then its redelivery."""

    def __init__(
        self, work: Path, size: int, seed: int = 0, variants: int = 4, references: int = 3
    ) -> None:
        """size: the bytes attached to each message; variants: how many of the four messages
        (_message); references: as ImportKills's."""
        work.mkdir(parents=True, exist_ok=True)
        self.work = work
        rng = random.Random(seed)
        self.messages = [_message(v, size, rng) for v in range(variants)]
        self.files = []
        for number, message in enumerate(self.messages):
            path = work / f"message-{number}.eml"
            path.write_bytes(message.raw)
            self.files.append(path)
        self.template = mail_template(work / "template")
        self.cmd = command("mail", "in")
        self.before = fingerprint(self.template)
        self.after: list[str] = []
        self.window: dict[str, tuple[float, float, float]] = {}  # see Tally.windows
        for path, message in zip(self.files, self.messages, strict=True):
            times, states = [], set()
            for run in range(references):
                home = copy_home(self.template, work / f"reference-{run}")
                times.append(
                    timed(self.cmd, env_for(home), stdin=path, inside=lambda h=home: writing(h))
                )
                states.add(fingerprint(home))
            if len(states) != 1:
                raise RuntimeError(f"{path.name}: unkilled deliveries left different rows")
            self.after.append(states.pop())
            self.window[message.label] = _window(times)
            shutil.rmtree(home)

    def run(self, kills: int, rng: random.Random, while_writing: bool = False) -> Tally:
        tally = Tally("mail in", windows=self.window)
        for number in _numbers(tally, kills, while_writing):
            variant = number % len(self.messages)
            message, path = self.messages[variant], self.files[variant]
            home = copy_home(self.template, self.work / "killed")
            began, last, ended = self.window[message.label]
            at = rng.uniform(began, last) if while_writing else rng.uniform(0, ended)
            with path.open("rb") as stdin:
                killed = kill_at(
                    self.cmd, env_for(home), at, stdin=stdin, inside=lambda h=home: writing(h)
                )
            tally.kills += 1
            tally.landed[killed.landed] += 1
            what = f"kill {number} ({message.label}) at {killed.at:.3f} s, {killed.landed}"
            _judge_database(tally, home, {self.before: "before", self.after[variant]: "after"},
                            what)  # fmt: skip
            self._redeliver(tally, home, message, path, self.after[variant], what)
            strays = [p.name for p in (home / "attachments").rglob(".*")]
            tally.bad("temporary files left in attachments/", len(strays), f"{what}: {strays}")
            shutil.rmtree(home)
        return tally

    def _redeliver(
        self, tally: Tally, home: Path, message: Message, path: Path, after: str, what: str
    ) -> None:
        """The same bytes again, as the mail system retries: exit 0, the message stored once,
        its attachments whole, the home as an unkilled delivery leaves it."""
        with path.open("rb") as stdin:
            again = subprocess.run(
                self.cmd, env=env_for(home), stdin=stdin, capture_output=True, timeout=600
            )
        wrong = []
        if again.returncode != 0 or b"Error" in again.stderr:
            wrong.append(f"exit {again.returncode} {again.stderr[-300:]!r}")
        stored = query(home, "SELECT id FROM mail WHERE message_id = ?", [message.message_id])
        if len(stored) != 1:
            wrong.append(f"stored {len(stored)} times")
        events = query(
            home,
            "SELECT count(*) FROM events WHERE json_extract(data, '$.message_id') = ?",
            [message.message_id],
        )[0][0]
        if events != 1:
            wrong.append(f"{events} timeline events")
        if stored:
            files = sorted(
                query(
                    home, "SELECT size, sha256 FROM attachments WHERE mail_id = ?", [stored[0][0]]
                )  # fmt: skip
            )
            if files != sorted(message.attachments):
                wrong.append(f"attachments recorded {files}")
            for size, digest in message.attachments:
                kept = home / "attachments" / digest[:2] / digest
                data = kept.read_bytes() if kept.is_file() else b""
                if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
                    wrong.append(f"attachment {digest[:12]} holds {len(data)} of {size} bytes")
        if fingerprint(home) != after:
            wrong.append("the database differs from an unkilled delivery's")
        tally.bad("messages not taken whole on redelivery", 1 if wrong else 0,
                  f"{what}: {'; '.join(wrong)}")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# 3. case add loops

LOOP = """\
# one `shopcare case add` a line of the plan (summary|e-mail|name|assignee|category), as a
# shop's script logs a day's phone calls; each prints the new case's id
while IFS='|' read -r summary email name assignee category; do
  args=(case add --summary "$summary" --email "$email" --customer "$name" --channel phone)
  if [ -n "$assignee" ]; then args+=(--assignee "$assignee"); fi
  if [ -n "$category" ]; then args+=(--category "$category"); fi
  "$PYTHON" -m shopcare "${args[@]}" || exit 1
done < "$1"
"""

CALLS = [  # what customers phoned about
    ("届いたお皿が割れていた", "quality.damaged"),
    ("注文した商品がまだ届かない", "delivery.not_arrived"),
    ("サイズ違いのエプロンが届いた", "delivery.wrong_item"),
    ("請求額が注文時と違う", "payment.wrong_amount"),
    ("未使用のマグカップを返品したい", "inquiry.return"),
    ("ギフト包装ができるか知りたい", ""),
]
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林"]
GIVEN = ["美咲", "健一", "陽子", "翔太", "さくら", "大輔", "恵美", "拓也"]


def loop_plan(adds: int) -> list[tuple[str, str, str, str, str]]:
    plan = []
    for i in range(adds):
        call, category = CALLS[i % len(CALLS)]
        name = f"{FAMILY[i % len(FAMILY)]} {GIVEN[(i * 3) % len(GIVEN)]}"
        assignee = ("", "sato", "", "tanaka")[i % 4]
        plan.append((f"{call}（{name}様）", f"caller.{i}@example.jp", name, assignee, category))
    return plan


def _case_args(row: tuple[str, str, str, str, str]) -> list[str]:
    summary, email, name, assignee, category = row
    args = ["case", "add", "--summary", summary, "--email", email, "--customer", name]
    args += ["--channel", "phone"]
    if assignee:
        args += ["--assignee", assignee]
    if category:
        args += ["--category", category]
    return args


class LoopKills:
    """Kills of a shell loop of `case add` processes (the shell and the add under way)."""

    def __init__(self, work: Path, adds: int, references: int = 2) -> None:
        work.mkdir(parents=True, exist_ok=True)
        self.work = work
        self.plan = loop_plan(adds)
        self.plan_file = work / "calls.txt"
        self.plan_file.write_text(
            "".join("|".join(row) + "\n" for row in self.plan), encoding="utf-8"
        )
        script = work / "log_calls.sh"
        script.write_text(LOOP, encoding="utf-8")
        self.cmd = ["bash", str(script), str(self.plan_file)]
        self.template = new_shop(work / "template")
        self.first_id = 1 + (query(self.template, "SELECT max(id) FROM cases")[0][0] or 0)
        # the database after each of the first k adds, one process each
        home = copy_home(self.template, work / "reference")
        self.prefixes = {fingerprint(home): 0}
        for k, row in enumerate(self.plan, 1):
            shopcare(home, *_case_args(row))
            self.prefixes[fingerprint(home)] = k
        times = []
        for _ in range(references):
            home = copy_home(self.template, work / "reference")
            times.append(timed(self.cmd, self.env(home)))
            if self.prefixes.get(fingerprint(home)) != len(self.plan):
                raise RuntimeError("the loop left other rows than its adds one by one")
        shutil.rmtree(home)
        self.seconds = statistics.median(t for *_, t in times)

    @staticmethod
    def env(home: Path) -> dict:
        return env_for(home) | {"PYTHON": sys.executable}

    def run(self, kills: int, rng: random.Random, while_writing: bool = False) -> Tally:
        """kills kills, each at a moment between the start and the end of an unkilled loop;
        while_writing: well inside it (between a tenth and nine tenths of its time)."""
        tally = Tally("case add loop", windows={f"{len(self.plan)} adds": (0, 0, self.seconds)})
        for number in range(kills):
            home = copy_home(self.template, self.work / "killed")
            at = rng.uniform(*(0.1, 0.9) if while_writing else (0, 1)) * self.seconds
            printed = self.work / "ids.txt"
            with printed.open("wb") as out:
                killed = kill_at(
                    self.cmd, self.env(home), at, stdout=out, inside=lambda h=home: writing(h)
                )
            tally.kills += 1
            between = not (killed.ended_first or killed.inside)
            tally.landed["between write transactions" if between else killed.landed] += 1
            ids = printed.read_text(encoding="utf-8").split("\n")[:-1]  # whole lines only
            what = f"kill {number} at {killed.at:.3f} s, after {len(ids)} ids printed"
            ok, broken = integrity(home)
            tally.bad("failed integrity checks", 0 if ok else 1, what)
            tally.bad("rows breaking a foreign key", broken, what)
            state = self.prefixes.get(fingerprint(home)) if ok else None
            tally.bad("databases not as some first adds leave them", 0 if state is not None else 1,
                      what)  # fmt: skip
            self._judge_cases(tally, home, ids, what)
            tally.counts["cases written"] += len(query(home, "SELECT id FROM cases")) - (
                self.first_id - 1
            )
            shutil.rmtree(home)
        return tally

    def _judge_cases(self, tally: Tally, home: Path, ids: list[str], what: str) -> None:
        """Every id printed is there, as its line of the plan asked; at most one case more (the
        add killed after its commit, before it printed); every case whole: one creation event,
        its assignment, its customer."""
        cases = {
            str(row[0]): row[1:]
            for row in query(
                home,
                "SELECT c.id, c.summary, c.assignee, cu.email FROM cases c"
                " LEFT JOIN customers cu ON cu.id = c.customer_id WHERE c.id >= ?",
                [self.first_id],
            )
        }
        lost = [
            i
            for k, i in enumerate(ids)
            if i != str(self.first_id + k) or cases.get(i, (None,))[0] != self.plan[k][0]
        ]
        tally.bad("printed ids not in the database", len(lost), f"{what}: {lost}")
        extra = len(cases) - len(ids)
        tally.bad("cases beyond the one killed after its commit", max(0, extra - 1),
                  f"{what}: {len(cases)} cases")  # fmt: skip
        kinds = query(
            home,
            "SELECT case_id, kind, count(*) FROM events WHERE case_id >= ? GROUP BY case_id, kind",
            [self.first_id],
        )
        events = {(str(c), kind): n for c, kind, n in kinds}
        half = []
        for case_id, (summary, assignee, email) in cases.items():
            row = self.plan[int(case_id) - self.first_id]
            if (
                events.get((case_id, "created")) != 1
                or events.get((case_id, "assignment"), 0) != (1 if row[3] else 0)
                or (assignee or "") != row[3]
                or email != row[1]
                or summary != row[0]
            ):
                half.append(case_id)
        tally.bad("half-written cases", len(half), f"{what}: cases {half}")
