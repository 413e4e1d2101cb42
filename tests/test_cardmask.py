import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopcare.domain import cardmask
from shopcare.domain.cardmask import luhn_ok, mask_cards, may_hold_card


def test_luhn():
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


def test_masks_spaced_hyphenated_and_fullwidth_numbers_keeping_first_six_last_four():
    assert mask_cards("カード 4111 1111 1111 1111 です") == ("カード 4111 11** **** 1111 です", 1)
    assert mask_cards("4111-1111-1111-1111") == ("4111-11**-****-1111", 1)
    assert mask_cards("４１１１１１１１１１１１１１１１") == ("４１１１１１******１１１１", 1)
    assert mask_cards("amex 3782-822463-10005") == ("amex 3782-82****-*0005", 1)


def test_two_cards_side_by_side_are_both_masked():
    masked, count = mask_cards("5555555555554444 4012888888881881")
    assert count == 2
    assert masked == "555555******4444 401288******1881"


def test_order_numbers_phone_numbers_and_non_luhn_runs_are_left_alone():
    for text in (
        "注文番号 123456-20220518-00006701",
        "503-1234567-1234567",
        "電話 090-1234-5678",
        "4111111111111112",
        "123456789012",
    ):
        assert mask_cards(text) == (text, 0)


def test_every_separator_people_type():
    for sep in (" ", "  ", "\u00a0", "\u3000", "-", "ー", "－", ".", "/", "\t", "\n", " - "):
        text = f"カード番号 4111{sep}1111{sep}1111{sep}1111 です"
        card = sep.join(["4111", "1111", "1111", "1111"])
        masked = sep.join(["4111", "11**", "****", "1111"])
        assert mask_cards(text) == (text.replace(card, masked), 1), repr(sep)
    assert mask_cards("４１１１ー１１１１ー１１１１ー１１１１") == (
        "４１１１ー１１**ー****ー１１１１",
        1,
    )


def test_a_card_next_to_other_numbers_is_still_found():
    masked, count = mask_cards("電話 090-1234-5678 / 4111 1111 1111 1111")
    assert count == 1
    assert masked == "電話 090-1234-5678 / 4111 11** **** 1111"
    masked, count = mask_cards("注文 123456-20261118-00000321 カード 5555555555554444")
    assert (masked, count) == ("注文 123456-20261118-00000321 カード 555555******4444", 1)


CARD = "4111 1111 1111 1111"
MASKED = "4111 11** **** 1111"


@pytest.mark.sqlite_only
def test_no_card_number_reaches_the_database_by_any_door(cli, home, tmp_path):
    """Every text that is stored, typed or imported: the database file holds no whole number."""
    from exports import SHOPIFY_2026, shopify_rows, write_export

    rows = shopify_rows()
    rows[0]["Billing Name"] = f"山田 花子 {CARD}"
    rows[0]["Lineitem name"] = f"マグカップ {CARD.replace(' ', '-')}"
    rows[0]["Email"] = "4111111111111111@example.jp"
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, rows)))
    stderr = cli(
        "case",
        "add",
        "--summary",
        "届かない",
        "--email",
        "5555555555554444@example.jp",
        "--customer",
        f"佐藤 {CARD}",
        "--order",
        "4012888888881881",
        "--assignee",
        f"sato {CARD}",
        "--request",
        f"返金 {CARD}",
    ).stderr
    assert "masked" in stderr
    case_id = "1"
    assert "masked" in cli("case", "assign", case_id, "tanaka　4111ー1111ー1111ー1111").stderr
    cli("case", "note", case_id, f"カード\t{CARD}")
    cli("case", "message", case_id, f"番号は\n{CARD}です")
    cli("case", "status", case_id, "waiting", "--note", f"{CARD}")
    cli("case", "status", case_id, "open")
    cli("followups", "done", f"r{case_id}", "--note", f"card {CARD}")
    cli("case", "status", case_id, "resolved")
    cli("followups", "done", f"c{case_id}", "--note", f"checked {CARD}")
    cli("case", "close", case_id, "--cause", CARD, "--prevention", CARD)
    raw = (home / "shopcare.db").read_bytes()
    for path in home.glob("shopcare.db-wal"):
        raw += path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    for whole in (
        "4111111111111111",
        "4111 1111 1111 1111",
        "1111 1111 1111",
        "5555555555554444",
        "4012888888881881",
        "4111ー1111ー1111ー1111",
        "4111-1111-1111-1111",
    ):
        assert whole not in text, whole
    shown = cli.json("case", "show", case_id)
    assert MASKED in shown["customer_name"] and shown["order_number"] == "401288******1881"


_PIECES = [
    "4111",
    "1111",
    "11",
    "111111",
    "4242424242424242",
    "0",
    "5",
    "２０２６",
    "４１１１",
    " ",
    "-",
    "ー",
    "\u3000",
    ":",
    "/",
    ".",
    "a",
    "注文",
    "\n",
    "+",
    "  - ",
]


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(_PIECES) | st.text("0123456789０１２３４５６７８９ -.", max_size=6),
        max_size=14,
    )
)
def test_the_quick_test_never_passes_over_a_card_number(pieces):
    """may_hold_card is the cheap first look before the exact one: wherever the exact look
    finds a card, the first look must have found something too."""
    text = "".join(pieces)
    probe = text.translate(cardmask._DIGITS)
    if any(True for _ in cardmask._cards_in(probe)):
        assert may_hold_card(text) is not None, text


def test_dates_and_order_numbers_pass_the_quick_test():
    for text in (
        "Sun, 25 Oct 2026 08:04:00 +0900",
        "2026-11-24T06:00:00Z",
        "503-1234567-1234567",
        "123456-20261118-00000321",
        "090-1234-5678",
    ):
        assert may_hold_card(text) is None, text
    for text in (
        "4111111111111111",
        "4111 1111 1111 1111",
        "3782-822463-10005",
        "４１１１ー１１１１ー１１１１ー１１１１",
    ):
        assert may_hold_card(text) is not None, text
