"""The command-line fuzz: random and hostile arguments for every shopcare command.

Shared by tests/test_fuzz.py (through hypothesis, so that a failure shrinks to a short command
line) and bench/fuzz.py (through a seeded random.Random, for ten thousand invocations). The
commands and their parameters are read from the app itself; what to type into each parameter
comes from KINDS below, a table kept here: a new option without a kind fails test_fuzz.py.

`run` runs one invocation on a fresh copy of a home made by `shopcare demo` (plus hostile cases
and orders), from inside that copy's folder, under a deadline: in-process through typer's
CliRunner (a hard SIGALRM), or as a real process. It says what went wrong: a traceback, an exit
code outside 0/1/2/3 (or 1 without an `Error:` line), a hang, exit 0 on input known to be bad,
or a database changed by a command that failed.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from typer.testing import CliRunner

from shopcare.cli.root import COMMANDS, app, build

T = TypeVar("T")

NOW = "2026-11-24T08:00:00+09:00"
ALLOWED_EXITS = (0, 1, 2, 3)
TEMPFAIL = 75  # mail in, mail failed --retry: a message kept in mail/failed/ to be taken later


# ---------------------------------------------------------------------------------------------
# Where random choices come from: hypothesis in the test (shrinkable), random.Random in the bench


class Chooser(Protocol):
    def pick(self, options: Sequence[T]) -> T: ...

    def number(self, low: int, high: int) -> int: ...

    def text(self, alphabet: str, max_size: int) -> str: ...


class RandomChooser:
    """Choices from a seeded random.Random: the same seed gives the same invocations."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def pick(self, options: Sequence[T]) -> T:
        return options[self.random.randrange(len(options))]

    def number(self, low: int, high: int) -> int:
        return self.random.randint(low, high)

    def text(self, alphabet: str, max_size: int) -> str:
        size = self.random.randint(0, max_size)
        return "".join(self.random.choice(alphabet) for _ in range(size))


class DrawChooser:
    """Choices drawn through hypothesis's data(): a failure shrinks towards the first option."""

    def __init__(self, data: Any) -> None:
        from hypothesis import strategies as st

        self.data = data
        self.st = st

    def pick(self, options: Sequence[T]) -> T:
        return self.data.draw(self.st.sampled_from(options))

    def number(self, low: int, high: int) -> int:
        return self.data.draw(self.st.integers(low, high))

    def text(self, alphabet: str, max_size: int) -> str:
        return self.data.draw(self.st.text(alphabet=alphabet, max_size=max_size))


# ---------------------------------------------------------------------------------------------
# The values: each is (text, bad), bad True when the value is known to be wrong for its kind


@dataclass(frozen=True)
class Value:
    text: str
    bad: bool = False  # a command given this must not exit 0


def good(*texts: str) -> list[Value]:
    return [Value(t) for t in texts]


def bad(*texts: str) -> list[Value]:
    return [Value(t, True) for t in texts]


EMPTY = bad("", " ", "\t")
# Numbers as people, scripts and attackers type them: none of them is an id.
NOT_IDS = bad(
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "9223372036854775808",  # 2^63: one past SQLite's integers
    "18446744073709551616",  # 2^64
    "9" * 40,
    "1" * 5000,
    "²",
    "１",
    "１２",
    "٣",  # ARABIC-INDIC DIGIT THREE
    "१",  # DEVANAGARI DIGIT ONE
    "1e3",
    "0x1F",
    "NaN",
    "+1",
    "1_0",
) + good("3\n", " 2 ")  # spaces around an id are dropped: these are ids

# Dates at Python's edges and beyond shopcare's reach, relative times past ten years.
BAD_DATES = bad(
    "",
    " ",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:00-05:00",
    "0001-01-01T00:00+14:00",
    "1899-12-31",
    "3000-01-01",
    "+99999bd",
    "+99999999d",
    "+9999999h",
    "-3bd",
    "+1e3d",
    "+²d",
    "２０２６-１１-２５",
    "2026-02-30",
    "2026-11-24T25:00",
    "2026-13-01",
    "soon",
    "tomorrow tomorrow",
    "2026-11-24T10:00+99:00",
)
GOOD_DATES = good(
    "today",
    "tomorrow",
    "+3d",
    "+2bd",
    "+4h",
    "+8bh",
    "-2h",
    "now",
    "2026-11-25",
    "2026-11-25T15:00",
    "2026-11-25T15:00+09:00",
    "2026-11-22T10:15",
    "+2610bd",
    "1900-01-01",
    "2999-12-31T23:59",
)

# Text from outside: terminal escapes, formulas, template syntax, line breaks of every kind,
# surrogates (argv bytes that are not UTF-8 reach Python as lone surrogates), card numbers.
HOSTILE_TEXT = [
    "",
    " ",
    "-",  # reads standard input where the option says so
    "\x1b[31mred\x1b[0m",
    "\x1b]0;owned\x07",
    "\x1b[2J\x1b[H",
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "@SUM(A1)",
    "{{ 7*7 }}",
    "{% raw %}",
    "{{ shop.signature }}",
    "a\rb",
    "line\nbreak",
    "a\u2028b",
    "a\u0085b",
    "a\x0bb\x0cc",
    "\x1c\x1d\x1e",
    "\x7f\x9b",
    "\u202eevil",
    "\ufeffbom",
    "\u200b",
    "\udcff\udcfe",  # invalid UTF-8 bytes on the command line
    "a\udce9b",
    "\r\nBcc: x@y.example",
    "4111 1111 1111 1111",
    "４１１１－１１１１－１１１１－１１１１",
    "--help",
    "-x",
    "🍣" * 50,
    "日本語のテキスト",
    "x" * 3000,
    "あ" * 70_000,
    "y" * 1_000_000,
]
TEXT_ALPHABET = (
    "abcXYZ019 -=+@.,:;/\\'\"\t\n\r{}%#$*?[]()<>|&~`!"
    "\x1b\x07\x08\x7f\x85\u2028\u2029\u00a0\u3000"
    "あいう漢字ー－０１２３４５６７８９²³¹½"
    "\u0660\u0661\u0966\uff10\uff11"
    "\u202e\u200b\ufeff\ud800\udcff🍣"
)


def generated_text(c: Chooser) -> str:
    return c.text(TEXT_ALPHABET, 30)


def text_values(c: Chooser, valid: Sequence[str] = ("お客様から電話あり",)) -> Value:
    how = c.pick(("valid", "valid", "hostile", "random"))
    if how == "valid":
        return Value(c.pick(valid))
    if how == "hostile":
        return Value(c.pick(HOSTILE_TEXT))
    return Value(generated_text(c))


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def choice_values(c: Chooser, valid: Sequence[str]) -> Value:
    """One of the valid choices, or something else, which must be refused."""
    how = c.pick(("valid", "valid", "hostile", "random", "empty"))
    if how == "valid":
        return Value(c.pick(list(valid)))
    if how == "empty":  # --fault '' is not --fault left out
        return c.pick(EMPTY)
    text = c.pick(HOSTILE_TEXT + ["", "ALL", "Shop", "ｓｈｏｐ", "shop ", "sho", "none"])
    if how == "random":
        text = generated_text(c)
    # a valid choice spelled oddly (SHOP, ｓｈｏｐ) may be accepted: only what is no choice at all
    # is known to be bad
    return Value(text, _normal(text) not in valid)


def id_values(c: Chooser, valid: Sequence[str]) -> Value:
    how = c.pick(("valid", "valid", "missing", "bad"))
    if how == "valid":
        return Value(c.pick(list(valid)))
    if how == "missing":
        return Value(c.pick(("99999", "9223372036854775807")))  # well-formed, no such thing
    return c.pick(NOT_IDS)


def date_values(c: Chooser) -> Value:
    return c.pick(c.pick((GOOD_DATES, BAD_DATES, EMPTY)))


# ---------------------------------------------------------------------------------------------
# The home the fuzz runs against, and the files it hands to commands


@dataclass
class Fixture:
    """A home made once (the demo shop and a few hostile cases) and files to hand commands."""

    root: Path  # everything the fuzz made lives under here
    home: Path
    case_ids: list[str]
    emails: list[str]
    order_numbers: list[str]
    files: dict[str, Path] = field(default_factory=dict)


EXTRA_CASES = [
    [
        "--summary",
        '\x1b]0;owned\x07=HYPERLINK("http://evil.example") {{ 7*7 }} ' + "長" * 20_000,
        "--customer",
        "@SUM(A1)\x1b[2J",
        "--email",
        "evil@example.jp",
        "--category",
        "quality.defective",
        "--fault",
        "shop",
    ],
    [
        "--summary",
        "電話: 返品したい",
        "--channel",
        "phone",
        "--order",
        "#1040",
        "--mall",
        "shopify",
    ],
]


HOSTILE_ORDER_CASES = [
    ["--summary", "届いた箱が潰れていた", "--order", "#6660", "--category", "delivery.damaged"],
    ["--summary", "注文番号が変", "--order", "#6661", "--email", "evil@example.jp"],
]


def _hostile_export(path: Path) -> Path:
    """A Shopify export whose customer wrote formulas, escapes and template syntax everywhere."""
    from exports import SHOPIFY_2026, write_export

    order = {
        "Name": "#6660",
        "Email": "evil@example.jp",
        "Financial Status": "paid",
        "Paid at": "2026-11-18 10:00:05 +0900",
        "Fulfillment Status": "fulfilled",
        "Fulfilled at": "2026-11-19 15:30:00 +0900",
        "Accepts Marketing": "yes",
        "Currency": "JPY",
        "Total": "9,460",
        "Created at": "2026-11-18 09:59:50 +0900",
        "Billing Name": '=HYPERLINK("http://evil.example")\x1b[2J {{ 7*7 }}',
        "Notes": "@SUM(A1)\u2028\x0b\x1c",
    }
    rows = [
        order
        | {
            "Lineitem name": "{% raw %}\x1b]0;owned\x07マグ\u0085" + "長" * 3000,
            "Lineitem sku": "=cmd|' /C calc'!A0",
            "Lineitem quantity": "2",
            "Lineitem price": "2860",
        },
        {
            "Name": "#6660",
            "Lineitem name": "+1+1",
            "Lineitem sku": "-2",
            "Lineitem quantity": "1",
            "Lineitem price": "3740",
        },
        order
        | {
            "Name": "#6661",
            "Billing Name": "\u202eevil\ufeff",
            "Lineitem name": "4111 1111 1111 1111",
            "Lineitem quantity": "1",
            "Lineitem price": "9460",
        },
    ]
    return write_export(path, SHOPIFY_2026, rows)


def make_fixture(root: Path) -> Fixture:
    """Build the fuzz's home under root: `shopcare demo --keep`, then a few hostile cases."""
    root.mkdir(parents=True, exist_ok=True)
    home = root / "home"
    runner = CliRunner()
    env = {"SHOPCARE_NOW": NOW, "SHOPCARE_USER": "fuzz", "NO_COLOR": "1", "SHOPCARE_HOME": None}
    result = runner.invoke(app, ["demo", "--keep", str(home)], env=env)
    assert result.exit_code == 0, result.output
    for extra in EXTRA_CASES:
        result = runner.invoke(app, ["--home", str(home), "case", "add", *extra], env=env)
        assert result.exit_code == 0, result.output
    files = root / "files"
    files.mkdir(exist_ok=True)
    hostile = _hostile_export(files / "hostile_shopify.csv")
    result = runner.invoke(app, ["--home", str(home), "orders", "import", str(hostile)], env=env)
    assert result.exit_code == 0, result.output
    for extra in HOSTILE_ORDER_CASES:
        result = runner.invoke(app, ["--home", str(home), "case", "add", *extra], env=env)
        assert result.exit_code == 0, result.output
    conn = sqlite3.connect(home / "shopcare.db")
    try:
        # what an older home may hold, from before order numbers were checked on the way in
        with conn:
            conn.execute(
                "UPDATE cases SET order_number = ? WHERE id = (SELECT max(id) FROM cases)",
                ["#6661\u2028Bcc: x@evil.example"],
            )
        case_ids = [str(r[0]) for r in conn.execute("SELECT id FROM cases ORDER BY id")]
        emails = [r[0] for r in conn.execute("SELECT email FROM customers WHERE email IS NOT NULL")]
        numbers = [r[0] for r in conn.execute("SELECT number FROM orders ORDER BY number")]
    finally:
        conn.close()
    examples = Path(__file__).resolve().parent.parent / "examples" / "orders"
    made = {
        "empty.csv": b"",
        "binary.bin": bytes(range(256)) * 64,
        "bom_only.csv": b"\xef\xbb\xbf",
        "header_only.csv": b"Name,Email,Financial Status\n",
        "nul.csv": b"Name,Email\n#1,\x00\x00\n",
        "policy_ok.toml": b"[approval]\nover = 3000\n",
        "policy_bad.toml": b"[[rule]]\nid = 3\nwhen = {category = 'nope.*'}\n[sla]\nreply_within='9999999bd'\n",
        "policy_binary.toml": b"\xff\xfe\x00[",
        "holidays.csv": "国民の祝日・休日月日,国民の祝日・休日名称\n2027/1/1,元日\n2027/1/11,成人の日\n".encode(
            "cp932"
        ),
        "holidays_bad.csv": "国民の祝日・休日月日,国民の祝日・休日名称\n0001/1/1,x\n99999/1/1,y\n2027/2/30,z\n".encode(
            "cp932"
        ),
        "holidays_huge_year.csv": "国民の祝日・休日月日,国民の祝日・休日名称\n9999/12/31,大晦日\n".encode(),
    }
    made["huge_cell.csv"] = b"Name,Email,Lineitem name\n#1,a@b.jp," + b"x" * 200_000 + b"\n"
    made["wide.csv"] = b"Name" + b",x" * 1_000_000 + b"\n#1" + b",1" * 1_000_000 + b"\n"
    made["holidays_huge_cell.csv"] = (
        "国民の祝日・休日月日,国民の祝日・休日名称\n2027/1/1,".encode("cp932") + b"y" * 200_000
    )
    paths = {}
    for name, data in made.items():
        (files / name).write_bytes(data)
        paths[name] = files / name
    for export in sorted(examples.iterdir()) if examples.is_dir() else []:
        paths[export.name] = export
    (files / "folder").mkdir(exist_ok=True)
    paths["folder"] = files / "folder"
    if not (files / "fifo").exists():
        os.mkfifo(files / "fifo")  # nothing ever writes to it: a read would wait forever
    paths["fifo"] = files / "fifo"
    return Fixture(root, home, case_ids, emails, numbers, paths)


# ---------------------------------------------------------------------------------------------
# The commands, read from the app; and what kind of value each parameter takes


@dataclass(frozen=True)
class Param:
    name: str  # the function's parameter name
    opts: tuple[str, ...]  # ("--format",); empty for an argument
    flag: bool
    multiple: bool  # an option given more than once, or an argument taking several values
    required: bool


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]  # ("case", "show")
    params: tuple[Param, ...]


def _params(command) -> tuple[Param, ...]:
    params = []
    for p in command.params:  # typer carries its own copy of click: no isinstance here
        if p.param_type_name == "option":
            if "--help" in p.opts:
                continue
            params.append(Param(p.name, tuple(p.opts), p.is_flag, p.multiple, p.required))
        else:
            params.append(Param(p.name, (), False, p.nargs == -1, p.required))
    return tuple(params)


def command_table() -> list[Command]:
    """Every command and subcommand of the app, with its parameters."""
    table = []
    for name in COMMANDS:
        command = build(name)
        subs = getattr(command, "commands", {})
        if not subs or _params(command):  # `shopcare case` alone only shows its help
            table.append(Command((name,), _params(command)))
        for sub in subs:
            table.append(Command((name, sub), _params(command.commands[sub])))
    return table


# What each parameter takes: looked up by (command, parameter), then by parameter alone.
KINDS: dict[tuple[str, str] | str, str] = {
    "case_id": "case_id",
    ("reply", "case_id"): "reply_id",
    "fid": "fid",
    ("customer show", "key"): "customer_key",
    ("orders show", "number"): "order_number",
    "order": "order_text",
    "at": "date",
    "until": "date",
    "due": "date",
    "received_at": "date",
    "start": "date",
    "fault": "fault",
    "priority": "priority",
    "category": "category",
    ("case list", "category"): "category_filter",
    ("search", "category"): "category_filter",
    ("search", "since"): "date",
    ("search", "limit"): "quantity",
    "mall": "mall",
    "channel": "channel",
    "status": "status_filter",
    ("case status", "new_status"): "case_status",
    ("case note", "kind"): "note_kind",
    ("followups", "kind"): "followup_kind",
    ("remedy", "kind"): "remedy_kind",
    "lang": "lang",
    "source": "source",
    "encoding": "encoding",
    "fmt": "format",
    ("reply", "fmt"): "reply_format",
    ("policy show", "fmt"): "policy_format",
    "amount": "amount",
    "quantity": "quantity",
    "days": "days",
    "email": "email",
    ("case list", "email"): "email_filter",
    "summary": "text",
    "text": "text",
    "note": "text",
    "note_text": "text",
    "cause": "text",
    "prevention": "text",
    "request": "text",
    "customer": "text",
    "assignee": "text",
    "approved_by": "text",
    "item": "text",
    "signature": "text",
    "address": "text",
    "return_address": "text",
    ("case assign", "name"): "text",
    ("init", "name"): "text",
    "timezone": "timezone",
    "template": "template",
    ("templates show", "name"): "template",
    ("templates copy", "name"): "template",
    "var": "var",
    "file": "in_file",
    "files": "in_file",
    ("mail in", "paths"): "in_file",
    ("mail show", "event_id"): "case_id",
    "out": "out_dir",
    "keep": "out_dir",
    "home": "home",
    ("report", "by"): "report_by",
    ("report", "fmt"): "report_format",
    ("export", "fmt"): "export_format",
    ("db copy", "to"): "db_target",
    ("backup", "folder"): "out_dir",
    ("backup", "keep"): "quantity",
    ("purge", "before"): "date",
}


def kind_of(command: Command, param: Param) -> str | None:
    if param.flag:
        return "flag"
    return KINDS.get((" ".join(command.path), param.name)) or KINDS.get(param.name)


def _choices() -> dict[str, tuple[str, ...]]:
    """The valid values of each choice, from the product's own constants: a value added there is
    fuzzed without a second list to keep in step."""
    from shopcare.admin.export import FORMATS as EXPORT_FORMATS
    from shopcare.domain import cases
    from shopcare.domain.followups import KINDS as FOLLOWUP_KINDS
    from shopcare.domain.policy import REMEDY_KINDS
    from shopcare.orders.formats import SOURCES
    from shopcare.settings.config import LANGUAGES

    return {
        "fault": cases.FAULTS,
        "priority": cases.PRIORITIES,
        "mall": cases.MALLS,
        "channel": cases.CHANNELS,
        "status_filter": (*cases.STATUSES, "all"),
        "case_status": tuple(s for s in cases.STATUSES if s not in ("new", "closed")),
        "note_kind": cases.NOTE_KINDS,
        "followup_kind": FOLLOWUP_KINDS,
        "remedy_kind": REMEDY_KINDS,
        "lang": LANGUAGES,
        "source": ("auto", *SOURCES),
        "encoding": ("auto", "utf-8", "cp932"),
        "format": ("table", "tsv", "json"),
        "reply_format": ("text", "eml", "json"),
        "policy_format": ("toml", "json"),
        "report_by": ("week", "month"),
        "report_format": ("table", "tsv", "json", "html"),
        "export_format": EXPORT_FORMATS,
    }


CHOICES = _choices()
CATEGORIES = (
    "quality.damaged",
    "delivery.late",
    "delivery.wrong_item",
    "payment.wrong_amount",
    "inquiry.product",
    "other",
)
TEMPLATES = ("first_response", "apology", "status_update", "followup_arrival", "resolution")
FOLLOWUP_IDS = ("r1", "r3", "p1", "a10.1", "s2", "c6", "r2", "a1.1", "r99999")
BAD_FIDS = bad(
    "",
    " ",
    "x1",
    "r",
    "r²",
    "r１",
    "r9223372036854775808",
    "a10.99999",
    "a1.",
    "r1.1.1",
    "r-1",
    "R1",
)


def value_for(kind: str, c: Chooser, fx: Fixture, command: Command) -> Value:  # noqa: C901
    """A value for a parameter of this kind: usually valid, often hostile."""
    if kind in CHOICES:
        return choice_values(c, CHOICES[kind])
    if kind == "case_id":
        return id_values(c, fx.case_ids)
    if kind == "reply_id":
        how = c.pick(("case", "followup", "stdin", "bad"))
        if how == "case":
            return id_values(c, fx.case_ids)
        if how == "followup":
            return Value(c.pick(FOLLOWUP_IDS))
        if how == "stdin":
            return Value("-")
        return c.pick(BAD_FIDS + NOT_IDS)
    if kind == "fid":
        return c.pick(good(*FOLLOWUP_IDS) + BAD_FIDS + bad("1"))  # a case id is no follow-up id
    if kind == "customer_key":
        how = c.pick(("email", "id", "bad"))
        if how == "email":
            return Value(c.pick(fx.emails + ["Misaki.Sato@Example.JP", "nobody@example.jp"]))
        if how == "id":
            return id_values(c, ("1", "2", "3"))
        return c.pick(NOT_IDS + bad("a@b", "@", "a@@b.jp", "a@b.jp\r\nBcc: x@y.jp"))
    if kind == "order_number":
        if c.pick((True, False)):
            return Value(c.pick(fx.order_numbers))
        text = c.pick([v.text for v in NOT_IDS] + HOSTILE_TEXT[:30])
        return Value(text, text not in fx.order_numbers and text.strip() not in fx.order_numbers)
    if kind == "order_text":
        if c.pick((True, False)):
            return Value(c.pick(fx.order_numbers))
        return text_values(c)
    if kind == "date":
        return date_values(c)
    if kind == "category":
        return choice_values(c, CATEGORIES + ("privacy.leak", "support.rude"))
    if kind == "category_filter":
        value = c.pick(good("delivery", "delivery.*", "quality.damaged", "other"))
        if c.pick((True, False)):
            return value
        text = c.pick(HOSTILE_TEXT)
        return Value(text, not text.strip())
    if kind == "amount":
        return c.pick(
            good("1500", "1,500", "1500円", "¥1,500", "１５００", "5000", "12800", "100")
            + bad(
                "",
                " ",
                "0",
                "-500",
                "NaN",
                "Infinity",
                "1e400",
                "sNaN",
                "9" * 5000,
                "9223372036854775808",
                "1.5",
                "10000000000000",
                "five",
                "1,50",
            )
        )
    if kind == "quantity":
        return c.pick(
            good("1", "2", "3")
            + bad("", "0", "-1", "9223372036854775808", "99999999999", "1.5", "²", "x")
        )
    if kind == "days":
        return c.pick(
            good("1", "14", "3660", "365")
            + bad("", "0", "-1", "3661", "9223372036854775808", "1e3", "²", "x")
        )
    if kind == "email":
        return c.pick(
            good("hanako@example.jp", "support@hanamaru.example", " A.B@Example.JP ")
            + bad(
                "",
                " ",
                "a@b",
                "@",
                "a@@b.jp",
                "a@b.jp\r\nBcc: x@y.example",
                "a@b.jp\u2028Bcc: x@y.jp",
                "a b@c.jp",
                "no-at-sign",
            )
            + [Value("x" * 5000 + "@example.jp"), Value("ａ@ｂ.jp")]
        )
    if kind == "email_filter":
        return c.pick(
            good("misaki.sato@example.jp", "nobody@example.jp")
            + bad("", " ")
            + [Value("no-at-sign"), Value("a@b.jp\r\n")]
        )
    if kind == "text":
        return text_values(c)
    if kind == "timezone":
        return c.pick(
            good("Asia/Tokyo", "UTC", "America/New_York", "Pacific/Kiritimati")
            + bad("", " ", "Mars/Olympus", "../../etc/passwd", "+09:00")
        )
    if kind == "template":
        return c.pick(
            good(*TEMPLATES)
            + bad("", " ", "../../etc/passwd", "apology.txt", "/etc/passwd", "nope", "_remedy")
            + [Value("APOLOGY"), Value("{{ 7*7 }}")]
        )
    if kind == "var":
        return c.pick(
            good("eta=2026-11-28", "status=確認中", "amount=1500", "note=")
            + bad("", "=x", "no_equals", "case=1", "shop=x", "1x=y", "a-b=c")
            + [Value("eta=9999-12-31"), Value("eta=+99999bd"), Value("amount=" + "9" * 5000)]
        )
    if kind == "in_file":
        where = " ".join(command.path)
        names = [name for name in sorted(fx.files) if (where, name) not in KNOWN_OPEN]
        how = c.pick(("file", "file", "special"))
        if how == "file":
            return Value(str(fx.files[c.pick(names)]))
        path = c.pick(
            (
                "/dev/null",
                "/dev/zero",
                "/",
                str(fx.root),
                "missing.csv",
                "",
                str(fx.home / "shopcare.db"),
                str(fx.home / "config.toml"),
                "-",
                "\udcff.csv",
                "a\nb.csv",
            )
        )
        return Value(path, path in ("", "/", str(fx.root), "missing.csv"))
    if kind == "out_dir":
        return c.pick(
            good("out", "drafts/new", "keep-here")
            + bad("", "/dev/null", "/dev/zero", str(fx.home / "shopcare.db"))
            + [Value(str(fx.files["folder"])), Value(".")]
        )
    if kind == "db_target":  # a new file may be taken (or held already by an earlier copy)
        return c.pick(
            good("copy.db", str(fx.root / "copy-2.db"), f"sqlite://{fx.root / 'copy-3.db'}")
            + bad("", " ", "/dev/null", "mysql://shop@db/x", "postgresql://", "a\nb.db")
            + bad(str(fx.home / "shopcare.db"), f"sqlite://{fx.home / 'shopcare.db'}")
            + bad("postgresql://nobody@/shop?host=/nonexistent", "sqlite://relative.db")
            + [Value(str(fx.files["folder"]), True), Value(".", True)]
        )
    if kind == "home":
        return c.pick(
            good(str(fx.home), str(fx.home), "other-home", "/dev/null")
            + good(str(fx.home / "shopcare.db"), str(fx.files["empty.csv"]))
            + bad("", " ")
        )
    raise ValueError(f"no values for kind {kind!r} ({' '.join(command.path)})")


# ---------------------------------------------------------------------------------------------
# Invocations


@dataclass
class Invocation:
    args: list[str]
    stdin: bytes = b""
    charset: str = "utf-8"  # what the terminal (PYTHONIOENCODING) can encode
    # SHOPCARE_NOW and SHOPCARE_USER, now and then
    env: dict[str, str] = field(default_factory=dict)
    bad: list[str] = field(default_factory=list)  # why the input is known to be bad, if it is

    def shown(self) -> str:
        import shlex

        text = shlex.join(a if len(a) < 80 else a[:60] + f"...({len(a)} chars)" for a in self.args)
        extra = []
        if self.stdin:
            extra.append(f"stdin={self.stdin[:60]!r}{'...' if len(self.stdin) > 60 else ''}")
        if self.charset != "utf-8":
            extra.append(f"PYTHONIOENCODING={self.charset}")
        extra += [f"{key}={shlex.quote(value)}" for key, value in self.env.items()]
        return " ".join([*extra, "shopcare", text])


JUNK = ["--bogus", "-z", "--format=xml", "--", "extra", "--json=1", "--help", "-h", "--version"]
STDIN = [
    b"",
    "まだ届きません。いつ届きますか?\n".encode(),
    b"3\n4\n",
    b"1\nr3\na10.1\n",
    b"99999\nx\n",
    b"\xff\xfe\x80garbage\n",
    "まだ".encode("cp932"),
    b"\x00\x00\x00",
    b"\x1b]0;owned\x07\r\n",
    b"y" * 200_000,
]
# The clock and the author come from the environment: its edges too. (Not marked bad: a command
# that reads neither, such as policy check FILE, rightly ignores them.)
ODD_ENV = [
    ("SHOPCARE_NOW", v)
    for v in (
        "9999-12-31T23:00:00-05:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59+00:00",
        "2999-12-31T23:59:59+00:00",
        "1900-01-01T00:00:00+14:00",
        "2026-11-24T08:00:00",
        "",
        "tomorrow",
    )
] + [("SHOPCARE_USER", v) for v in ("\udcff", "a\x1b[2Jb", "4111111111111111", "u" * 100_000)]

# Inputs that still fail, each with the fix in progress: left out until it lands.
# (command, file) pairs a known open defect leaves out of the generator; empty: none is open
KNOWN_OPEN: set[tuple[str, str]] = set()
# Exit statuses that answer a question, without an Error: line (documented in the README).
ANSWERS = {"--business-today": 1}  # calendar --business-today: 1 when the shop is closed today


def invocation(c: Chooser, fx: Fixture, table: Sequence[Command]) -> Invocation:
    """One random command line, with its stdin and terminal encoding."""
    command = c.pick(table)
    inv = Invocation([])
    args: list[str] = []
    if c.pick((False,) * 7 + (True,)):  # the global --home, now and then
        value = value_for("home", c, fx, command)
        args += ["--home", value.text]
        if value.bad:
            inv.bad.append("--home")
    args += list(command.path)
    tail: list[str] = []
    for param in command.params:
        kind = kind_of(command, param)
        if kind is None:
            raise ValueError(f"no kind for {' '.join(command.path)} {param.name}")
        # a required parameter left out now and then (a usage error); an optional one, often
        if param.required:
            present = c.pick((True,) * (4 if param.opts else 15) + (False,))
        else:
            present = c.pick((False, False, True) if param.opts else (False, True))
        if not present:
            continue
        if param.opts:
            if param.flag:
                tail.append(param.opts[0])
                continue
            for _ in range(c.pick((1, 1, 1, 2)) if param.multiple else 1):
                value = value_for(kind, c, fx, command)
                tail += [c.pick(param.opts), value.text]
                if value.bad:
                    inv.bad.append(param.opts[0])
        else:
            for _ in range(c.pick((1, 1, 2)) if param.multiple else 1):
                value = value_for(kind, c, fx, command)
                if value.text.startswith("-") and value.text != "-":
                    tail.append("--")  # so that -1 is read as the argument it is meant as
                tail.append(value.text)
                if value.bad:
                    inv.bad.append(param.name)
    # junk (an unknown option, a stray argument, --help) now and then
    if c.pick((False,) * 5 + (True,)):
        junk = c.pick(JUNK)
        where = c.number(0, len(tail))
        tail.insert(where, junk)
    inv.args = args + tail
    if any(a in ("--help", "-h", "--version") for a in _before_dashes(inv.args)):
        inv.bad = []  # help and version are answered before anything else is read
    if c.pick((False,) * 7 + (True,)):
        name, value = c.pick(ODD_ENV)
        inv.env[name] = value
    inv.stdin = c.pick(STDIN)
    inv.charset = c.pick(("utf-8", "utf-8", "utf-8", "ascii", "cp932", "latin-1"))
    return inv


def _before_dashes(args: list[str]) -> list[str]:
    return args[: args.index("--")] if "--" in args else args


# ---------------------------------------------------------------------------------------------
# Running one, and judging the result


class Hang(BaseException):
    """An invocation ran past its deadline (a BaseException: the CliRunner does not catch it)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    def expired(signum, frame):
        raise Hang(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def state_of(root: Path) -> dict[str, str]:
    """A digest of every database and config.toml under root: what a failed command must keep.
    A database that holds no rows (a home made on first use, which the README promises even of
    a command that then fails) is left out."""
    digests = {}
    for path in sorted(root.rglob("*")):
        if path.name == "config.toml" and path.is_file():
            digests[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.name == "shopcare.db" and path.is_file():
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                lines = list(conn.iterdump())
            finally:
                conn.close()
            if any(
                line.startswith("INSERT INTO") and "_sqlite_migrations" not in line
                for line in lines
            ):
                text = "\n".join(lines).encode("utf-8", "surrogatepass")
                digests[str(path)] = hashlib.sha256(text).hexdigest()
    return digests


@dataclass
class Outcome:
    inv: Invocation
    exit_code: int | None
    stdout: str
    stderr: str
    exception: BaseException | None
    seconds: float
    changed: bool
    problems: list[str]  # empty when all is well


ENV = {
    "SHOPCARE_NOW": NOW,
    "SHOPCARE_USER": "fuzz",
    "SHOPCARE_DEBUG": None,
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "COLUMNS": "120",
}


def run(inv: Invocation, fx: Fixture, limit: float = 10.0, process: bool = False) -> Outcome:
    """Run inv on a fresh copy of the fixture's home, from inside a fresh folder, and judge it: in
    this process through the CliRunner, or (process=True) as a real `python -m shopcare`."""
    work = Path(tempfile.mkdtemp(prefix="ex-", dir=fx.root))
    home = work / "home"
    shutil.copytree(fx.home, home)
    args = [str(home) if a == str(fx.home) else a for a in inv.args]
    before = state_of(work)
    env = dict(ENV, SHOPCARE_HOME=str(home), **inv.env)
    start = time.perf_counter()
    try:
        if process:
            code, out, err, exception = _as_process(args, inv, env, work, limit)
        else:
            code, out, err, exception = _in_process(args, inv, env, work, limit)
        seconds = time.perf_counter() - start
        if isinstance(exception, OSError):
            return Outcome(inv, None, "", "", exception, seconds, False, [])
        if code is None:
            return Outcome(inv, None, "", "", exception, seconds, False, [f"hang: {exception}"])
        stdout = out.decode(inv.charset, "replace")
        stderr = err.decode(inv.charset, "replace")
        problems = []
        if exception is not None and not isinstance(exception, SystemExit):
            problems.append(f"traceback: {type(exception).__name__}: {str(exception)[:200]}")
        if "Traceback" in stdout or "Traceback" in stderr or "Exception ignored" in stderr:
            problems.append("traceback in the output")
        # 75: the message is kept, in mail/failed/ or (no shop to take it) by the mail system
        kept = (
            code == TEMPFAIL and "mail" in args and ("kept" in stderr or "no mail taken" in stderr)
        )
        if code not in ALLOWED_EXITS and not kept:
            problems.append(f"exit {code}")
        answered = any(ANSWERS.get(a) == code for a in _before_dashes(args)) and not stderr
        if (
            code == 1
            and not answered
            and not any(line.startswith("Error: ") for line in stderr.splitlines())
        ):
            problems.append("exit 1 without an Error: line")
        if code == 0 and inv.bad:
            problems.append(f"exit 0 on bad input ({', '.join(inv.bad)})")
        # 75: the messages that could be taken were, the others kept for later
        changed = code not in (0, 3, TEMPFAIL) and state_of(work) != before
        if changed:
            problems.append("a failed command changed the database")
        return Outcome(inv, code, stdout, stderr, exception, seconds, changed, problems)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _in_process(args: list[str], inv: Invocation, env: dict, work: Path, limit: float):
    runner = CliRunner(charset=inv.charset)
    cwd = os.getcwd()
    os.chdir(work)
    try:
        with deadline(limit):
            result = runner.invoke(app, args, input=inv.stdin, env=env)
    except Hang as exc:
        return None, b"", b"", exc
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout_bytes, result.stderr_bytes, result.exception


def _as_bytes(text: str) -> bytes:
    """An argument as the bytes a shell would pass: lone surrogates (\\udcff) as the bytes they
    stand for, others (\\ud800, which no command line decodes to) as their UTF-8-like bytes."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _as_process(args: list[str], inv: Invocation, env: dict, work: Path, limit: float):
    import subprocess
    import sys

    full = {k: v for k, v in os.environ.items() if not k.startswith("SHOPCARE_")}
    for key, value in env.items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    full["PYTHONIOENCODING"] = inv.charset
    command = [sys.executable, "-m", "shopcare", *map(_as_bytes, args)]
    full = {key: _as_bytes(value) for key, value in full.items()}
    try:
        proc = subprocess.run(
            command, input=inv.stdin, capture_output=True, env=full, cwd=work, timeout=limit
        )
    except subprocess.TimeoutExpired:
        return None, b"", b"", Hang(f"over {limit} s")
    except OSError as exc:  # an argument over 128 KiB: no shell can give such a command line
        return None, b"", b"", exc
    return proc.returncode, proc.stdout, proc.stderr, None


def describe(outcome: Outcome) -> str:
    lines = [outcome.inv.shown(), f"exit {outcome.exit_code} in {outcome.seconds:.2f} s"]
    lines += [f"  {p}" for p in outcome.problems]
    if outcome.stderr:
        lines.append("stderr: " + outcome.stderr[-800:])
    exc = outcome.exception
    if exc is not None and not isinstance(exc, SystemExit):
        import traceback

        lines += "".join(traceback.format_exception(exc)).splitlines()[-12:]
    return "\n".join(lines)


def seeded(seed: int) -> Callable[[Fixture, Sequence[Command]], Invocation]:
    chooser = RandomChooser(seed)
    return lambda fx, table: invocation(chooser, fx, table)
