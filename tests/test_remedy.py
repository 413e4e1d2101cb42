"""shopcare remedy and the worth of a remedy: amounts as people type them, refunds no larger
than the order, goods sent again worth the items sent, what each mall allows, and the return
right counted in the shop's days."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import dump, shop_sql
from exports import AMAZON, RAKUTEN, SHOPIFY_2026, rakuten_rows, shopify_rows, write_export

from shopcare.domain.categories import BUILT_IN
from shopcare.domain.policy import NOT_ALLOWED

AMAZON_ORDER = "503-1111111-2222222"  # five plates at 1,200 yen: 6,000 yen, one item line
RAKUTEN_ORDER = "123456-20261118-00000101"  # 6,820 yen: two mugs at 2,860, a tenugui at 1,100


def amazon_plates() -> dict:
    return {
        "order-id": AMAZON_ORDER,
        "order-item-id": "40000000000001",
        "purchase-date": "2026-11-17T03:22:10+00:00",
        "payments-date": "2026-11-17T03:22:10+00:00",
        "buyer-email": "k1m2n3@marketplace.amazon.co.jp",
        "buyer-name": "高橋 健一",
        "sku": "PLATE-AI",
        "product-name": "有田焼 小皿 染付",
        "quantity-purchased": "5",
        "currency": "JPY",
        "item-price": "6000",
        "shipping-price": "0",
    }


@pytest.fixture
def orders(cli, tmp_path):
    """#1001 (Shopify, 9,460 yen: MUG-AI 2 × 2,860, PLATE-WH 2,200, ほうじ茶 1,540; shipped
    2026-11-19 15:30), #1002 (12.50 USD), the Amazon plates and the Rakuten order."""
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())))
    plates = amazon_plates()
    amazon = write_export(tmp_path / "a.txt", AMAZON, [plates], delimiter="\t")
    cli("orders", "import", str(amazon))
    rakuten = rakuten_rows(status="発送済", tracking="492155382206")
    cli(
        "orders",
        "import",
        str(write_export(tmp_path / "r.csv", RAKUTEN, rakuten, encoding="cp932")),
    )


def add(cli, *args: str) -> str:
    return cli("case", "add", "--summary", "件名", *args).stdout.strip()


def remedies_of(cli, case_id: str) -> list[dict]:
    return [e for e in cli.json("case", "show", case_id)["events"] if e["kind"] == "remedy"]


def write_policy(home: Path, text: str) -> None:
    (home / "policies").mkdir(parents=True, exist_ok=True)
    (home / "policies" / "shop.toml").write_text(text, encoding="utf-8")


def set_delivered(home: Path, number: str, stored_utc: str) -> None:
    """A delivery date, as an export that has one would give it (stored in UTC)."""
    shop_sql(home, "UPDATE orders SET delivered_at = ? WHERE number = ?", [stored_utc, number])


# --- amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1500", "1,500", "1500円", "¥1,500", "￥1,500", "１，５００円"])
def test_amounts_are_read_as_people_type_them(cli, orders, typed):
    case_id = add(cli, "--order", "#1001")
    result = cli("remedy", case_id, "coupon", "--amount", typed)
    assert "coupon 1,500 yen: recorded on case" in result.stderr
    [event] = remedies_of(cli, case_id)
    assert (event["amount"], event["data"]["amount"], event["data"]["worth"]) == (1500, 1500, 1500)


def test_points_are_counted_in_points(cli, orders):
    case_id = add(cli, "--order", RAKUTEN_ORDER)
    assert (
        "300 points: recorded on case" in cli("remedy", case_id, "points", "--amount", "300").stderr
    )
    assert remedies_of(cli, case_id)[0]["text"] == "300 points"


@pytest.mark.parametrize(
    "typed, message",
    [
        ("0", "--amount must be more than 0 yen, not 0"),
        ("-5", "--amount must be more than 0 yen, not -5"),
        ("−1,500", "--amount must be more than 0 yen, not -1,500"),
        ("NaN", "--amount 'NaN' is not an amount of yen"),
        ("Infinity", "--amount 'Infinity' is not an amount of yen"),
        ("1e400", "--amount '1e400' is not an amount of yen"),
        ("1500.5", "--amount '1500.5' is not an amount of yen"),
        ("9" * 5000, "--amount '" + "9" * 40 + "...' is not an amount of yen"),
    ],
)
def test_nonsense_amounts_are_refused_in_one_line(cli, home, orders, typed, message):
    case_id = add(cli, "--order", "#1001")
    before = dump(home)
    stderr = cli.fails("remedy", case_id, "partial_refund", "--amount", typed)
    assert stderr.splitlines()[0] == f"Error: {message}"
    assert stderr.splitlines()[1].startswith("hint: give whole yen, such as 1500")
    assert dump(home) == before


@pytest.mark.parametrize("kind", ["refund", "partial_refund"])
def test_a_refund_above_the_order_total_is_refused(cli, home, orders, kind):
    case_id = add(cli, "--order", "#1001")
    before = dump(home)
    stderr = cli.fails("remedy", case_id, kind, "--amount", "9,461", "--approved-by", "owner")
    assert (
        f"Error: a {kind} of 9,461 yen is more than order #1001's total of 9,460 yen;"
        " nothing was recorded" in stderr
    )
    assert dump(home) == before
    cli("remedy", case_id, kind, "--amount", "9,460", "--approved-by", "owner")
    assert remedies_of(cli, case_id)[0]["amount"] == 9460


def test_a_refund_of_an_order_in_another_currency_needs_an_amount(cli, home, orders):
    case_id = add(cli, "--order", "#1002")  # 12.50 USD: not 12 yen, not refused as above it
    assert "order #1002 is priced in USD" in cli.fails("remedy", case_id, "refund")
    cli("remedy", case_id, "refund", "--amount", "1,900")
    assert remedies_of(cli, case_id)[0]["amount"] == 1900


# --- goods sent again: worth the items ---------------------------------------------------------


def test_a_replacement_of_one_item_is_worth_that_item(cli, home, orders):
    case_id = add(cli, "--order", "#1001", "--category", "quality.damaged")
    result = cli("remedy", case_id, "replacement", "--item", "PLATE-WH", "--note", "本日発送")
    assert "replacement of 小皿 白磁 (PLATE-WH) ×1, worth 2,200 yen: recorded" in result.stderr
    [event] = remedies_of(cli, case_id)
    assert event["text"] == "replacement of 小皿 白磁 (PLATE-WH) ×1, worth 2,200 yen: 本日発送"
    assert event["amount"] is None
    assert event["data"]["worth"] == 2200 and event["data"]["approved_by"] is None
    assert event["data"]["items"] == [
        {"name": "小皿 白磁", "sku": "PLATE-WH", "quantity": 1, "price": 2200}
    ]


@pytest.mark.parametrize("item", ["mug-ai", "ＭＵＧ－ＡＩ", "マグカップ", "マグカップ 藍"])
def test_an_item_is_named_by_sku_or_name(cli, orders, item):
    case_id = add(cli, "--order", "#1001")
    cli("remedy", case_id, "reship", "--item", item)
    assert remedies_of(cli, case_id)[0]["data"]["items"][0]["sku"] == "MUG-AI"


def test_the_quantity_counts_and_the_approval_line_applies_to_the_items(cli, home, orders):
    case_id = add(cli, "--order", "#1001")
    before = dump(home)
    stderr = cli.fails("remedy", case_id, "replacement", "--item", "MUG-AI", "--quantity", "2")
    assert "a replacement worth 5,720 yen is over the approval line of 5,000 yen" in stderr
    assert dump(home) == before
    stderr = cli.fails("remedy", case_id, "replacement", "--item", "MUG-AI", "--quantity", "3")
    assert "order #1001 has 2 of マグカップ 藍, not 3" in stderr
    assert "--quantity must be 1 or more" in cli.fails(
        "remedy", case_id, "replacement", "--item", "MUG-AI", "--quantity", "0"
    )
    assert dump(home) == before
    cli(
        "remedy",
        case_id,
        "replacement",
        "--item",
        "MUG-AI",
        "--quantity",
        "2",
        "--approved-by",
        "owner",
    )
    assert remedies_of(cli, case_id)[0]["data"]["worth"] == 5720


def test_a_whole_order_sent_again_is_worth_the_order(cli, orders):
    case_id = add(cli, "--order", "#1001", "--category", "delivery.not_arrived")
    assert "a reship worth 9,460 yen is over the approval line" in cli.fails(
        "remedy", case_id, "reship", "--item", "all"
    )
    cli("remedy", case_id, "reship", "--item", "all", "--approved-by", "owner")
    data = remedies_of(cli, case_id)[0]["data"]
    assert data["worth"] == 9460
    assert [(i["sku"], i["quantity"]) for i in data["items"]] == [
        ("MUG-AI", 2),
        ("PLATE-WH", 1),
        (None, 1),
    ]


def test_several_item_lines_and_no_item_is_refused_with_the_items_listed(cli, home, orders):
    case_id = add(cli, "--order", "#1001")
    before = dump(home)
    stderr = cli.fails("remedy", case_id, "replacement")
    assert (
        "Error: the worth of the replacement is unknown: order #1001 has 3 item lines, and"
        " nothing says which it sends: MUG-AI マグカップ 藍; PLATE-WH 小皿 白磁; ほうじ茶 100g"
    ) in stderr
    assert f"hint: shopcare remedy {case_id} replacement --item SKU-or-name" in stderr
    unknown = cli.fails("remedy", case_id, "replacement", "--item", "TEAPOT")
    assert "order #1001 has no item 'TEAPOT'" in unknown
    assert "hint: the order's items: MUG-AI マグカップ 藍; PLATE-WH 小皿 白磁" in unknown
    assert dump(home) == before


def test_one_broken_plate_of_five_does_not_need_approval_for_the_set(cli, orders):
    """The order's one line is five plates at 1,200 yen (6,000 yen, above the line): a
    replacement needs no --item and counts one plate."""
    case_id = add(cli, "--order", AMAZON_ORDER, "--category", "quality.damaged")
    cli("remedy", case_id, "replacement")
    data = remedies_of(cli, case_id)[0]["data"]
    assert (data["worth"], data["approved_by"]) == (1200, None)
    assert data["items"] == [
        {"name": "有田焼 小皿 染付", "sku": "PLATE-AI", "quantity": 1, "price": 1200}
    ]


def test_an_amount_gives_the_worth_of_goods_sent_again(cli, orders):
    case_id = add(cli, "--order", "#1001")
    cli("remedy", case_id, "replacement", "--amount", "880")  # no --item needed with an amount
    data = remedies_of(cli, case_id)[0]["data"]
    assert (data["worth"], data["items"]) == (880, None)


def test_goods_sent_again_without_a_known_price_need_an_amount(cli, home, orders):
    no_order = add(cli)
    dollars = add(cli, "--order", "#1002")
    before = dump(home)
    stderr = cli.fails("remedy", no_order, "reship")
    assert "the worth of the reship is unknown: this case has no imported order" in stderr
    assert "--amount N gives the worth" in stderr
    assert "order #1002 is priced in USD, not yen" in cli.fails("remedy", dollars, "replacement")
    assert "a coupon takes neither" in cli.fails(
        "remedy", dollars, "coupon", "--amount", "500", "--item", "x"
    )
    assert dump(home) == before


# --- policy suggest: each remedy's worth the same way --------------------------------------------


def test_suggest_counts_one_item_of_a_one_line_order(cli, orders):
    case_id = add(cli, "--order", AMAZON_ORDER, "--category", "quality.damaged")
    out = cli.json("policy", "suggest", case_id)
    assert out["remedies"][0]["kind"] == "replacement"
    assert out["remedies"][0]["worth"] == 1200  # not the order's 6,000
    assert out["remedies"][0]["items"][0]["quantity"] == 1
    assert (out["worth"], out["worth_known"], out["approval_needed"]) == (1200, True, False)
    assert any(
        "worth counted for 1 of the 5 有田焼 小皿 染付 ordered" in w for w in out["warnings"]
    )


def test_suggest_says_when_the_worth_is_unknown_and_judges_approval_on_the_rest(cli, home, orders):
    write_policy(
        home,
        '[[rule]]\nid = "big"\nwhen = { category = "quality.damaged", mall = ["shopify"] }\n'
        'remedies = [{ kind = "replacement" }, { kind = "coupon", amount = 5001 }]\n',
    )
    case_id = add(cli, "--order", "#1001", "--category", "quality.damaged")
    out = cli.json("policy", "suggest", case_id)
    assert out["rule"] == "big"
    assert [r["worth"] for r in out["remedies"]] == [None, 5001]
    assert (out["worth"], out["worth_known"], out["approval_needed"]) == (5001, False, True)
    assert any(
        w.startswith("replacement: the worth of the replacement is unknown: order #1001 has 3")
        and "approval is judged on the rest" in w
        for w in out["warnings"]
    )
    table = cli("policy", "suggest", case_id, "--format", "tsv").stdout
    assert (
        "approval\tneeded: worth 5,001 yen, line 5,000 yen (not counted, worth unknown: replacement)"
        in table
    )


def test_suggest_says_a_refund_without_an_amount_is_of_unknown_worth(cli, orders):
    case_id = add(cli, "--order", "#1001", "--category", "payment.wrong_amount", "--fault", "shop")
    out = cli.json("policy", "suggest", case_id)
    assert (out["rule"], out["remedies"][0]["worth"], out["worth_known"]) == (
        "wrong-amount-refund",
        None,
        False,
    )
    assert (
        "partial_refund: no amount yet, so its worth is unknown; approval is judged on the rest:"
        f" shopcare remedy {case_id} partial_refund --amount N" in out["warnings"]
    )


# --- what each mall allows ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["points", "coupon"])
def test_points_and_coupons_are_refused_on_amazon(cli, home, orders, kind):
    for case_id in (add(cli, "--order", AMAZON_ORDER), add(cli, "--mall", "amazon")):
        before = dump(home)
        stderr = cli.fails("remedy", case_id, kind, "--amount", "300")
        offer = "points" if kind == "points" else "a coupon"
        assert f", so this Amazon case cannot get {offer}; nothing was recorded" in stderr
        assert dump(home) == before
    assert "an Amazon seller cannot give Amazon points" in cli.fails(
        "remedy", add(cli, "--mall", "amazon"), "points", "--amount", "300"
    )


def test_the_mall_of_an_order_imported_after_the_case_counts(cli, home, tmp_path):
    case_id = add(cli, "--order", AMAZON_ORDER)  # not imported yet: the case has no mall
    assert cli.json("case", "show", case_id)["mall"] is None
    cli(
        "orders",
        "import",
        str(write_export(tmp_path / "a.txt", AMAZON, [amazon_plates()], delimiter="\t")),
    )
    assert "so this Amazon case cannot get points" in cli.fails(
        "remedy", case_id, "points", "--amount", "100"
    )


@pytest.mark.parametrize(
    "order, mall, rule, kind",
    [
        (RAKUTEN_ORDER, None, "late-points", "points"),
        ("#1001", None, "late-coupon-own-cart", "coupon"),
        (AMAZON_ORDER, None, "late-amazon", "partial_refund"),
        (None, "amazon", "late-amazon", "partial_refund"),
        (None, None, "late-apology", "apology_only"),
        (None, "other", "late-apology", "apology_only"),
    ],
)
def test_a_late_delivery_gets_what_its_mall_allows(cli, orders, order, mall, rule, kind):
    args = ["--category", "delivery.late", "--fault", "carrier"]
    args += ["--order", order] if order else []
    args += ["--mall", mall] if mall else []
    out = cli.json("policy", "suggest", add(cli, *args))
    assert (out["rule"], out["remedies"][0]["kind"]) == (rule, kind)
    if rule == "late-amazon" and order:
        assert out["remedies"][0]["amount"] == 300  # 5% of 6,000


@pytest.mark.parametrize("category", [c.code for c in BUILT_IN])
@pytest.mark.parametrize("fault", ["shop", "carrier", "customer", "unknown"])
def test_the_built_in_rules_never_suggest_what_amazon_forbids(cli, orders, category, fault):
    case_id = add(cli, "--order", AMAZON_ORDER, "--category", category, "--fault", fault)
    kinds = {r["kind"] for r in cli.json("policy", "suggest", case_id)["remedies"]}
    assert not kinds & set(NOT_ALLOWED["amazon"])


def test_a_rule_offering_points_never_matches_an_amazon_case(cli, home, orders):
    write_policy(
        home,
        '[[rule]]\nid = "points-for-all"\nwhen = { category = "quality.damaged" }\n'
        'remedies = [{ kind = "points", amount = 500 }]\n',
    )
    result = cli("policy", "check")  # a warning, not an error: the rule still serves other malls
    assert (
        "shop.toml:2: warning: rule points-for-all: remedies: points: the rule can match Amazon"
        " cases, but an Amazon seller cannot give Amazon points: they skip it" in result.stdout
    )
    assert "policy ok (1 warning)" in result.stderr
    amazon = cli.json(
        "policy", "suggest", add(cli, "--order", AMAZON_ORDER, "--category", "quality.damaged")
    )
    assert amazon["rule"] == "damaged-replace"
    assert (
        "rule points-for-all matches this case, but offers points and an Amazon seller cannot"
        " give Amazon points: it was skipped" in amazon["warnings"]
    )
    rakuten = add(cli, "--order", RAKUTEN_ORDER, "--category", "quality.damaged")
    assert cli.json("policy", "suggest", rakuten)["rule"] == "points-for-all"


def test_a_rule_that_names_amazon_and_offers_points_is_an_error(cli, home):
    case_id = add(cli)
    write_policy(
        home,
        '[[rule]]\nid = "amazon-points"\nwhen = { category = "delivery.late", mall = ["amazon"] }\n'
        'remedies = [{ kind = "points", amount = 500 }]\n',
    )
    result = cli("policy", "check", code=1)
    assert (
        "shop.toml:2: rule amazon-points: remedies: points: when.mall names amazon, but an"
        " Amazon seller cannot give Amazon points: take amazon out" in result.stdout
    )
    assert "policy: " in cli.fails("policy", "suggest", case_id)


# --- the return right ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stored, local",
    [
        (
            "2026-11-22T22:00:00Z",
            "2026-11-23T07:00:00+09:00",
        ),  # early morning: the UTC date is the 22nd
        ("2026-11-23T01:00:00Z", "2026-11-23T10:00:00+09:00"),
        ("2026-11-23T14:30:00Z", "2026-11-23T23:30:00+09:00"),
    ],
)
def test_the_eight_days_count_the_day_of_delivery_as_day_one_in_the_shops_zone(
    cli, home, orders, stored, local
):
    set_delivered(home, "#1001", stored)
    case_id = add(cli, "--order", "#1001", "--category", "inquiry.return", "--fault", "customer")
    right = cli.json("policy", "suggest", case_id)["return_right"]
    assert (right["delivered_at"], right["delivered_estimated"]) == (local, False)
    assert (right["last_day"], right["open"]) == ("2026-11-30", True)
    assert "delivered 2026-11-23, so until 2026-11-30: still open" in right["text"]
    assert "estimate" not in right["text"]


@pytest.mark.parametrize(
    "now, still_open",
    [("2026-11-30T23:00:00+09:00", True), ("2026-12-01T08:00:00+09:00", False)],
)
def test_the_last_day_is_judged_on_the_shops_date(cli, home, orders, monkeypatch, now, still_open):
    set_delivered(home, "#1001", "2026-11-23T01:00:00Z")
    case_id = add(cli, "--order", "#1001", "--category", "inquiry.return", "--fault", "customer")
    monkeypatch.setenv("SHOPCARE_NOW", now)  # 11-30 23:00 in Tokyo is still the 30th
    right = cli.json("policy", "suggest", case_id)["return_right"]
    assert right["open"] is still_open
    assert right["text"].endswith("still open" if still_open else "passed")


def test_a_declared_window_counts_the_same_way(cli, home, orders):
    write_policy(
        home, "[returns]\ndeclared_policy = true\nwindow_days = 10\ncustomer_pays_shipping = true\n"
    )
    set_delivered(home, "#1001", "2026-11-22T22:00:00Z")  # 11-23 07:00 in Tokyo
    case_id = add(cli, "--order", "#1001", "--category", "inquiry.return", "--fault", "customer")
    right = cli.json("policy", "suggest", case_id)["return_right"]
    assert (right["basis"], right["last_day"], right["customer_pays_shipping"]) == (
        "declared",
        "2026-12-02",
        True,
    )


def test_a_declared_policy_can_take_no_returns(cli, home, orders):
    write_policy(home, "[returns]\ndeclared_policy = true\nwindow_days = 0\n")
    case_id = add(cli, "--order", "#1001", "--category", "inquiry.return", "--fault", "customer")
    right = cli.json("policy", "suggest", case_id)["return_right"]
    assert (right["basis"], right["last_day"], right["open"]) == ("declared", None, False)
    assert right["text"] == (
        "the shop's declared return policy: no returns at the customer's convenience"
    )


def test_a_return_right_without_a_delivery_date(cli, home, orders):
    no_order = add(cli, "--category", "inquiry.return", "--fault", "customer")
    right = cli.json("policy", "suggest", no_order)["return_right"]
    assert right["basis"] == "law"
    assert (right["delivered_at"], right["last_day"], right["open"]) == (None, None, None)
    assert right["text"].endswith(
        "no order is imported for this case, so no delivery date is known"
    )
    # and the table keeps a readable line
    tsv = cli("policy", "suggest", no_order, "--format", "tsv").stdout
    line = next(row for row in tsv.splitlines() if row.startswith("return_right\t"))
    assert line == "return_right\t" + right["text"]
    shown = json.loads(cli("policy", "suggest", add(cli), "--format", "json").stdout)
    assert shown["return_right"] is None  # not a return at the customer's convenience


def test_days_since_delivery_are_the_shops_days(cli, home, orders):
    """Delivered 11-23 23:30 in Tokyo, asked 11-24 08:00: one day, though only 8.5 hours."""
    write_policy(
        home,
        '[[rule]]\nid = "same-day"\nwhen = { category = "other", max_days_since_delivery = 0 }\n'
        'remedies = [{ kind = "apology_only" }]\n'
        '[[rule]]\nid = "within-a-week"\nwhen = { category = "other", max_days_since_delivery = 7 }\n'
        'remedies = [{ kind = "apology_only" }]\n',
    )
    set_delivered(home, "#1001", "2026-11-23T14:30:00Z")
    out = cli.json("policy", "suggest", add(cli, "--order", "#1001"))
    assert out["rule"] == "within-a-week"
    assert out["reasons"][1] == {"key": "max_days_since_delivery", "rule": 7, "case": 1}


def test_refunds_on_a_case_add_up_to_at_most_what_was_paid(cli, home, orders):
    """#1001 was 9,460 yen: refunds recorded one by one cannot come to more, a refund without
    an amount is the rest, and splitting a refund does not dodge the approval line."""
    case_id = add(cli, "--order", "#1001")
    cli("remedy", case_id, "partial_refund", "--amount", "3,000")
    # 3,000 + 2,500 = 5,500 over the 5,000 line: the second needs the owner, as one would
    stderr = cli.fails("remedy", case_id, "partial_refund", "--amount", "2,500")
    assert "remedies on this case would come to 5,500 yen" in stderr
    cli("remedy", case_id, "partial_refund", "--amount", "2,500", "--approved-by", "owner")
    before = dump(home)
    stderr = cli.fails(
        "remedy", case_id, "partial_refund", "--amount", "4,000", "--approved-by", "owner"
    )
    assert (
        "(with the 5,500 yen already recorded on this case) is more than order #1001's total"
        in stderr
    )
    assert dump(home) == before
    cli("remedy", case_id, "refund", "--approved-by", "owner")  # the rest: 3,960 yen
    assert remedies_of(cli, case_id)[-1]["amount"] == 3960
    assert "refunds recorded for all 9,460 yen" in cli.fails(
        "remedy", case_id, "refund", "--approved-by", "owner"
    )
    # each of the three is worded as what it is, and none says 全額
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    draft = cli("reply", case_id, "apology").stdout
    assert "全額" not in draft and "3,960円" in draft
