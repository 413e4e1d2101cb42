"""Policies and remedies: layering, matching, amounts, approvals, precedents, and every error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import dump
from exports import RAKUTEN, SHOPIFY_2026, rakuten_rows, shopify_rows, write_export

from shopcare.domain.categories import BUILT_IN
from shopcare.domain.policy import Remedy
from shopcare.domain.remedies import amount_in_yen
from shopcare.settings.policy_files import load, template_names

FAULT_FOR = {
    "quality.not_as_pictured": "shop",
    "delivery.not_arrived": "carrier",
    "delivery.late": "carrier",
    "delivery.wrong_item": "shop",
    "delivery.wrong_address": "customer",
    "payment.wrong_amount": "shop",
    "support.rude": "shop",
    "inquiry.return": "customer",
}


def write_policy(home: Path, text: str, name: str = "shop.toml") -> Path:
    (home / "policies").mkdir(parents=True, exist_ok=True)
    path = home / "policies" / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def imported(cli, tmp_path):
    """#1001 totals 9,460 yen; #1002 12.50 USD."""
    cli("orders", "import", str(write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())))


RAKUTEN_ORDER = "123456-20261118-00000101"  # 6,820 yen, shipped 2026-11-19 16:10


@pytest.fixture
def rakuten(cli, tmp_path):
    """A Rakuten order of 6,820 yen: two mugs at 2,860 and a tenugui at 1,100."""
    rows = rakuten_rows(status="発送済", tracking="492155382206")
    path = write_export(tmp_path / "rms.csv", RAKUTEN, rows, encoding="cp932")
    cli("orders", "import", str(path))


def add(cli, *args: str) -> str:
    return cli("case", "add", "--summary", "件名", *args).stdout.strip()


def test_the_built_in_policy_checks_clean(cli):
    result = cli("policy", "check")
    assert "policy ok" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("category", [c.code for c in BUILT_IN])
def test_every_built_in_category_gets_an_explained_suggestion(cli, imported, category):
    case_id = add(
        cli,
        "--category",
        category,
        "--fault",
        FAULT_FOR.get(category, "unknown"),
        "--order",
        "#1001",
    )
    out = cli.json("policy", "suggest", case_id)
    assert out["rule"], f"no rule for {category}"
    rules = {
        r["id"]: r for r in json.loads(cli("policy", "show", "--format", "json").stdout)["rule"]
    }
    said = rules[out["rule"]]["when"]["category"]  # what the rule that matched says
    assert said == category or (said.endswith(".*") and category.startswith(said[:-1]))
    assert out["reasons"][0] == {"key": "category", "rule": said, "case": category}
    assert out["remedies"] and all(r["kind"] for r in out["remedies"])
    assert isinstance(out["approval_needed"], bool)


def test_percentages_use_the_order_total_with_min_and_max(cli, rakuten):
    case_id = add(
        cli, "--category", "delivery.late", "--fault", "carrier", "--order", RAKUTEN_ORDER
    )
    out = cli.json("policy", "suggest", case_id)
    assert out["rule"] == "late-points"
    assert out["remedies"] == [
        {"kind": "points", "amount": 341, "note": None, "worth": 341, "items": None}
    ]  # 5% of 6,820
    assert [r["key"] for r in out["reasons"]] == ["category", "fault", "mall", "max_order_total"]
    assert out["reasons"][3]["case"] == 6820
    assert out["approval_needed"] is False


def test_amounts():
    assert amount_in_yen(Remedy(kind="points", amount="5%", min=100, max=1000), 1000) == 100
    assert amount_in_yen(Remedy(kind="points", amount="5%", min=100, max=1000), 40000) == 1000
    assert amount_in_yen(Remedy(kind="refund", amount="100%"), 6820) == 6820
    assert amount_in_yen(Remedy(kind="coupon", amount=500), None) == 500
    assert amount_in_yen(Remedy(kind="points", amount="5%"), None) is None


def test_a_percentage_without_an_order_is_a_warning(cli):
    case_id = add(cli, "--category", "delivery.late", "--fault", "carrier", "--mall", "amazon")
    out = cli.json("policy", "suggest", case_id)
    assert out["rule"] == "late-amazon"  # 5% of the order, which is not imported
    assert out["remedies"][0]["amount"] is None and out["remedies"][0]["worth"] is None
    assert (
        "partial_refund: 5% of the order total, but no order total is known: give --amount"
        in out["warnings"]
    )


def test_most_specific_rule_wins_and_ties_go_to_the_first(cli, home, imported):
    write_policy(
        home,
        """
[[rule]]
id = "first"
when = { category = "delivery.late", mall = ["shopify"] }
remedies = [{ kind = "coupon", amount = 300 }]

[[rule]]
id = "second"
when = { category = "delivery.late", priority = "high" }
remedies = [{ kind = "coupon", amount = 700 }]
""",
    )
    case_id = add(cli, "--category", "delivery.late", "--order", "#1001")  # fault unknown
    assert cli.json("policy", "suggest", case_id)["rule"] == "first"
    carrier = add(cli, "--category", "delivery.late", "--fault", "carrier", "--order", "#1001")
    # category, fault and mall: three keys beat two
    assert cli.json("policy", "suggest", carrier)["rule"] == "late-coupon-own-cart"


def test_a_shop_rule_with_the_same_id_replaces_the_built_in(cli, home, imported):
    write_policy(
        home,
        """
[[rule]]
id = "late-points"
when = { category = "delivery.late", fault = ["shop", "carrier"], max_order_total = 20000 }
remedies = [{ kind = "points", amount = "10%", max = 800 }]
""",
    )
    case_id = add(cli, "--category", "delivery.late", "--fault", "carrier", "--order", "#1001")
    out = cli.json("policy", "suggest", case_id)
    assert out["remedies"][0]["amount"] == 800
    assert out["source"].endswith("policies/shop.toml")
    shown = cli("policy", "show", "--format", "json").stdout
    assert shown.count('"late-points"') == 1


def test_layered_tables_override_single_keys(cli, home):
    write_policy(home, '[approval]\nover = 10000\n[sla.mall.amazon]\nresolve_within = "3bd"\n')
    shown = json.loads(cli("policy", "show", "--format", "json").stdout)
    assert shown["approval"]["over"] == 10000
    assert shown["sla"]["mall"]["amazon"] == {"reply_within": "24h", "resolve_within": "3bd"}
    assert shown["returns"]["window_days"] == 8
    assert "[approval]" in cli("policy", "show").stdout


def test_unapproved_large_remedy_is_refused_and_nothing_is_written(cli, home, imported):
    case_id = add(
        cli, "--category", "quality.not_as_pictured", "--fault", "shop", "--order", "#1001"
    )
    before = dump(home)
    stderr = cli.fails("remedy", case_id, "refund")
    assert (
        "a refund worth 9,460 yen is over the approval line of 5,000 yen; nothing was recorded"
        in stderr
    )
    assert "--approved-by" in stderr
    assert dump(home) == before
    cli("remedy", case_id, "refund", "--approved-by", "owner", "--note", "返品不要")
    event = cli.json("case", "show", case_id)["events"][-1]
    assert event["kind"] == "remedy" and event["amount"] == 9460
    assert event["data"] == {
        "kind": "refund",
        "amount": 9460,
        "note": "返品不要",
        "approved_by": "owner",
        "worth": 9460,
        "items": None,
    }


def test_small_remedies_need_no_approval(cli, imported):
    case_id = add(cli, "--order", "#1001")
    cli("remedy", case_id, "points", "--amount", "300")
    cli("remedy", case_id, "apology_only")
    cli("remedy", case_id, "return_label")
    kinds = [
        e["data"]["kind"]
        for e in cli.json("case", "show", case_id)["events"]
        if e["kind"] == "remedy"
    ]
    assert kinds == ["points", "apology_only", "return_label"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["gift"], "unknown remedy kind 'gift'"),
        (["points"], "a points needs an amount"),
        (["refund"], "a refund needs an amount: this case has no imported order"),
        (["coupon", "--amount", "-5"], "--amount must be more than 0 yen, not -5"),
    ],
)
def test_bad_remedies(cli, home, args, message):
    case_id = add(cli)
    before = dump(home)
    assert message in cli.fails("remedy", case_id, *args)
    assert dump(home) == before


def _earlier_late_delivery(cli) -> str:
    """A case like the ones the precedent tests ask about, received weeks before them."""
    return add(
        cli,
        "--category",
        "delivery.late",
        "--fault",
        "carrier",
        "--order",
        RAKUTEN_ORDER,
        "--received-at",
        "2026-11-01",
    )


def test_precedents_and_a_warning_when_the_suggestion_differs(cli, rakuten):
    earlier = _earlier_late_delivery(cli)
    cli("remedy", earlier, "coupon", "--amount", "1000")
    case_id = add(
        cli, "--category", "delivery.late", "--fault", "carrier", "--order", RAKUTEN_ORDER
    )
    out = cli.json("policy", "suggest", case_id)
    assert out["precedents"] == [
        {
            "case_id": int(earlier),
            "received_at": "2026-11-01T00:00:00+09:00",
            "kind": "coupon",
            "amount": 1000,
        }
    ]
    assert out["warnings"] == ["similar cases got coupon (1 of 1), not points"]


def test_no_warning_when_precedents_agree(cli, rakuten):
    earlier = _earlier_late_delivery(cli)
    cli("remedy", earlier, "points", "--amount", "300")
    case_id = add(
        cli, "--category", "delivery.late", "--fault", "carrier", "--order", RAKUTEN_ORDER
    )
    assert cli.json("policy", "suggest", case_id)["warnings"] == []


def test_return_right_without_a_declared_policy_is_the_legal_eight_days(cli, imported):
    case_id = add(cli, "--category", "inquiry.return", "--fault", "customer", "--order", "#1001")
    right = cli.json("policy", "suggest", case_id)["return_right"]
    # shipped 2026-11-19 15:30 JST, + 2 transit days: delivered 11-21 (an estimate), and 11-21
    # is day 1 of 8: the right runs to 11-28
    assert right == {
        "basis": "law",
        "window_days": 8,
        "delivered_at": "2026-11-21T15:30:00+09:00",
        "delivered_estimated": True,
        "last_day": "2026-11-28",
        "open": True,
        "customer_pays_shipping": True,
        "text": right["text"],
    }
    assert "Act on Specified Commercial Transactions" in right["text"]
    assert "return shipping paid by the customer" in right["text"]
    assert (
        "delivered 2026-11-21 (an estimate: shipped 2026-11-19 plus 2 transit days),"
        " so until 2026-11-28: still open" in right["text"]
    )


def test_return_right_follows_a_declared_policy(cli, home, imported):
    write_policy(
        home,
        "[returns]\ndeclared_policy = true\nwindow_days = 14\ncustomer_pays_shipping = false\n",
    )
    case_id = add(cli, "--category", "inquiry.return", "--fault", "customer", "--order", "#1001")
    right = cli.json("policy", "suggest", case_id)["return_right"]
    assert right["text"].startswith(
        "the shop's declared return policy: within 14 days of delivery (the day of delivery is"
        " day 1), return shipping paid by the shop"
    )
    assert (right["basis"], right["last_day"], right["customer_pays_shipping"]) == (
        "declared",
        "2026-12-04",  # 11-21 is day 1 of 14
        False,
    )
    other = add(cli, "--category", "delivery.late", "--fault", "shop")
    assert cli.json("policy", "suggest", other)["return_right"] is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[sla\nreply_within = "1bd"\n', "shop.toml:1: TOML syntax: "),
        ('[sla]\nreply_whitin = "1bd"\n', "shop.toml:2: sla.reply_whitin: unknown key"),
        (
            '[sla]\nreply_within = "2 days"\n',
            "shop.toml:2: sla.reply_within: '2 days' is not a duration",
        ),
        (
            '[[rule]]\nid = "x"\nwhen = { category = "delivery.lat" }\nremedies = [{ kind = "reship" }]\n',
            "shop.toml:2: rule x: when.category: unknown category 'delivery.lat'",
        ),
        (
            '[[rule]]\nid = "y"\nwhen = { category = "other" }\nremedies = [{ kind = "reship" }]\ntemplate = "apologie"\n',
            "shop.toml:2: rule y: template: unknown template 'apologie'",
        ),
        (
            '[[rule]]\nid = "z"\nwhen = { category = "other", colour = "red" }\nremedies = [{ kind = "reship" }]\n',
            "shop.toml:2: rule z: when.colour: unknown key",
        ),
        (
            '[[rule]]\nid = "w"\nwhen = { category = "other" }\nremedies = [{ kind = "points", amount = "lots" }]\n',
            "shop.toml:2: rule w: remedies[1].amount: 'lots' is not an amount",
        ),
        ('[approval]\nover = "many"\n', "shop.toml:2: approval.over: "),
        (
            '[[aftercare]]\nafter = "2d"\ntemplate = "nope"\n',
            "aftercare[1].template: unknown template 'nope'",
        ),
        (  # a rule id that is no text is named by the rule's place (it raised a TypeError)
            '[[rule]]\nid = 3\nwhen = { category = "other" }\nremedies = [{ kind = "reship" }]\n',
            "shop.toml:2: rule[1].id: Input should be a valid string",
        ),
    ],
)
def test_policy_check_names_file_line_rule_and_key(cli, home, text, expected):
    write_policy(home, text)
    result = cli("policy", "check", code=1)
    assert expected in result.stdout, result.stdout
    assert result.stderr.startswith("Error: 1 problem in the policy files")


def test_policy_check_of_named_files(cli, tmp_path):
    good = tmp_path / "good.toml"
    good.write_text("[approval]\nover = 8000\n", encoding="utf-8")
    assert "policy ok" in cli("policy", "check", str(good)).stderr
    assert "no such file" in cli("policy", "check", str(tmp_path / "missing.toml"), code=1).stdout


def test_commands_that_read_policies_refuse_a_broken_one(cli, home):
    case_id = add(cli)
    write_policy(home, '[sla]\nreply_within = "soon"\n')
    for args in (
        ["policy", "suggest", case_id],
        ["remedy", case_id, "apology_only"],
        ["case", "list"],
        ["policy", "show"],
    ):
        stderr = cli.fails(*args)
        assert "policy: " in stderr and "sla.reply_within" in stderr
        assert "shopcare policy check" in stderr


def test_a_shop_can_add_categories(cli, home):
    write_policy(
        home,
        '[[category]]\ncode = "quality.scratched"\nja = "傷あり"\nen = "Scratched"\npriority = "high"\n'
        '[[rule]]\nid = "scratched"\nwhen = { category = "quality.scratched" }\nremedies = [{ kind = "partial_refund", amount = "20%" }]\n',
    )
    case_id = add(cli, "--category", "quality.scratched")
    shown = cli.json("case", "show", case_id)
    assert (shown["category_label"], shown["priority"]) == ("傷あり", "high")
    assert cli.json("policy", "suggest", case_id)["rule"] == "scratched"
    assert "quality.scratched" in [c["code"] for c in cli.json("categories")]
    # a reply never shows the category's code, in either language
    cli("init", "--name", "はなまる雑貨店")
    japanese = cli.json("reply", case_id, "apology")["body"]
    english = cli.json("reply", case_id, "apology", "--lang", "en")["body"]
    assert "quality." not in japanese and "quality." not in english


def test_the_apology_uses_the_latest_remedy(cli, imported):
    cli("init", "--name", "はなまる雑貨店")
    case_id = add(cli, "--category", "delivery.late", "--fault", "carrier", "--order", "#1001")
    cli("remedy", case_id, "points", "--amount", "473")
    body = cli.json("reply", case_id, "apology")["body"]
    assert "473ポイントを進呈いたします。" in body
    assert "473 points" in cli.json("reply", case_id, "resolution", "--lang", "en")["body"]


def test_core_load_without_the_cli(home):
    loaded, problems = load(home, template_names=template_names(home))
    assert problems == [] and loaded.policy.approval.over == 5000
    assert [a.template for a in loaded.policy.aftercare] == [
        "followup_arrival",
        "followup_feedback",
        "followup_related",
        "followup_warranty",
    ]
