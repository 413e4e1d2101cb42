"""Every kind of message in tests/data/mail/ (written the way each client sends it), taken in by
`shopcare mail in` on a shop with cases and orders: each lands on the right case, decoded
right, with the quoted history out of the timeline and the raw message kept; a second delivery
of the whole lot changes nothing.

The corpus names our Message-IDs as `shopcare.3.abc@hanamaru.example`: in a real home they are
keyed by its secret, so each is replaced here by a real one for the same case before the
message is taken (the only bytes changed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import dump, shop_store
from exports import RAKUTEN, write_export

CORPUS = Path(__file__).parent / "data" / "mail"
SHOP = "support@hanamaru.example"


def _raw(name: str) -> bytes:
    return next(CORPUS.glob(f"{name}*.eml")).read_bytes()


@pytest.fixture
def shop(cli, home, tmp_path):
    """A shop whose first cases are numbered to match what the corpus replies to."""
    cli("init", "--name", "はなまる雑貨店", "--email", SHOP)
    rows = [
        {
            "注文番号": "123456-20261120-0000001234",
            "ステータス": "発送済",
            "注文日時": "2026-11-20 09:00:00",
            "合計金額": "3300",
            "注文者姓": "山田",
            "注文者名": "花子",
            "注文者メールアドレス": "hanako.yamada@example.jp",
            "商品名": "マグカップ",
            "商品管理番号": "mug",
            "単価": "3300",
            "個数": "1",
        }
    ]
    cli(
        "orders", "import", str(write_export(tmp_path / "rms.csv", RAKUTEN, rows, encoding="cp932"))
    )
    return home


def _case(cli, summary: str, email: str) -> int:
    out = cli(
        "case", "add", "--summary", summary, "--email", email, "--received-at", "2026-11-20T09:00"
    )
    return int(re.search(r"\d+", out.stdout).group())


def _ours(home: Path, raw: bytes) -> bytes:
    """The corpus's stand-in Message-IDs of ours made real for this home."""
    from shopcare.intake.msgid import make_message_id, secret

    key = secret(home)

    def real(found: re.Match) -> bytes:
        return make_message_id(int(found.group(1)), key, "hanamaru.example").encode()

    return re.sub(rb"shopcare\.(\d+)\.[a-z0-9]+@hanamaru\.example", real, raw)


def _take(cli, raw: bytes) -> dict:
    return json.loads(cli("mail", "in", "--format", "json", input=raw).stdout)[0]


def _events(cli, case_id: int) -> list[dict]:
    return cli.json("case", "show", str(case_id))["events"]


def test_each_kind_of_message_lands_on_the_right_case(cli, shop):
    home = shop
    # cases 1 to 3, so that the Gmail reply (to case 3) has its case
    for number in range(1, 4):
        assert _case(cli, f"先の件 {number}", f"earlier{number}@example.jp") == number

    # ISO-2022-JP from Outlook, with ①㈱Ⅱ髙～: a new case on the imported order
    got = _take(cli, _raw("01"))
    assert got["action"] == "new case" and "order 123456-20261120-0000001234" in got["reason"]
    first = cli.json("case", "show", str(got["case_id"]))
    assert first["order_number"] == "123456-20261120-0000001234"
    said = next(e for e in first["events"] if e["kind"] == "message")
    for character in ("①", "㈱", "Ⅱ", "髙", "～"):
        assert character in first["summary"] + said["text"], character
    kept = cli("mail", "show", str(said["id"]), "--raw").stdout_bytes
    assert kept == _raw("01")

    # Gmail's reply to our mail on case 3: threaded by In-Reply-To, the quote left out
    gmail = _ours(home, _raw("10"))
    got = _take(cli, gmail)
    assert (got["case_id"], got["action"], got["reason"]) == (
        3,
        "message added",
        "reply to our mail",
    )
    said = [e for e in _events(cli, 3) if e["kind"] == "message"][-1]
    assert "交換品の発送でお願いします" in said["text"]
    assert "このたびはご迷惑" not in said["text"]  # the quoted history
    shown = cli("mail", "show", str(said["id"])).stdout
    assert "このたびはご迷惑" in shown  # kept whole

    # the Amazon relay: a mall case, Amazon's
    got = _take(cli, _raw("09"))
    amazon = cli.json("case", "show", str(got["case_id"]))
    assert (amazon["channel"], amazon["mall"]) == ("mall", "amazon")
    assert amazon["customer_name"] == "山田 花子"

    # an attachment, stored by its hash
    got = _take(cli, _raw("08"))
    said = next(e for e in _events(cli, got["case_id"]) if e["kind"] == "message")
    assert said["data"]["attachments"] and said["data"]["attachments"][0]["name"].endswith(".jpg")

    # an auto-reply threading onto case 12's mail: no case 12 here, so it is skipped, and a
    # bounce of a mail we never sent is too
    assert _take(cli, _ours(home, _raw("12")))["action"] == "skipped"
    assert _take(cli, _ours(home, _raw("13")))["action"] == "skipped"

    # every other kind opens a case of its own, readable
    for name in ("02", "03", "04", "05", "06", "07", "11", "14", "15"):
        got = _take(cli, _ours(home, _raw(name)))
        assert got["action"] in ("new case", "message added"), (name, got)
        case = cli.json("case", "show", str(got["case_id"]))
        text = [e for e in case["events"] if e["kind"] == "message"][-1]["text"]
        assert "\ufffd" not in case["summary"] + text, name
        assert text.strip(), name

    # the whole lot again: nothing changes
    before = dump(home)
    for path in sorted(CORPUS.glob("*.eml")):
        result = cli("mail", "in", input=_ours(home, path.read_bytes()))
        assert "skipped" in result.stdout, path.name
    assert dump(home) == before


def test_an_auto_reply_and_a_bounce_find_their_cases(cli, shop):
    """The auto-reply answers our mail on case 12, the bounce returns our mail on case 3."""

    home = shop
    for number in range(1, 13):
        _case(cli, f"件 {number}", f"c{number}@example.jp")
    got = _take(cli, _ours(home, _raw("12")))
    assert (got["case_id"], got["action"]) == (12, "auto-reply noted")
    # our reply on case 3, as --send records it: then its bounce comes back
    bounce = _ours(home, _raw("13"))
    ours = re.search(rb"shopcare\.3\.[^>@]+@hanamaru\.example", bounce).group().decode()
    with shop_store(home) as store, store.write():
        store.add_mail(
            {
                "message_id": ours,
                "direction": "out",
                "case_id": 3,
                "action": "sent",
                "at": "2026-11-23T01:00:00Z",
                "sender": SHOP,
                "subject": "[#3] ご連絡",
                "raw": b"",
            }
        )
    got = _take(cli, bounce)
    assert (got["case_id"], got["action"]) == (3, "bounce noted")
    assert any("not delivered" in (e["text"] or "") for e in _events(cli, 3))
