"""shopcare orders import: every mall's export, re-imports, encodings, broken rows, strict."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import dump, shop_store
from exports import (
    AMAZON,
    BASE,
    RAKUTEN,
    SHOPIFY_2021,
    SHOPIFY_2026,
    YAHOO_ITEMS,
    YAHOO_ORDERS,
    rakuten_rows,
    shopify_rows,
    write_export,
)


def imported(cli, path, *args):
    return cli("orders", "import", str(path), *args).stderr


def test_shopify_multi_row_order_becomes_one_order_with_its_items(cli, tmp_path):
    path = write_export(tmp_path / "orders_export.csv", SHOPIFY_2026, shopify_rows())
    assert "2 added" in imported(cli, path)
    order = cli.json("orders", "show", "#1001")
    assert order["mall"] == "shopify"
    assert order["customer_email"] == "hanako.yamada@example.jp"
    assert order["customer_name"] == "山田 花子"
    assert order["ordered_at"] == "2026-11-18T09:59:50+09:00"
    assert order["shipped_at"] == "2026-11-19T15:30:00+09:00"
    assert order["total"] == 9460
    assert order["status"] == "paid / fulfilled"
    assert order["accepts_marketing"] is True
    assert [(i["name"], i["sku"], i["quantity"], i["price"]) for i in order["items"]] == [
        ("マグカップ 藍", "MUG-AI", 2, 2860),
        ("小皿 白磁", "PLATE-WH", 1, 2200),
        ("ほうじ茶 100g", None, 1, 1540),
    ]
    other = cli.json("orders", "show", "#1002")
    assert other["ordered_at"] == "2026-11-20T22:00:00+09:00"  # -0500 normalised
    assert (other["total"], other["currency"], other["accepts_marketing"]) == (12.5, "USD", False)


def test_shopify_2021_export_without_the_newer_columns(cli, tmp_path):
    path = write_export(tmp_path / "old.csv", SHOPIFY_2021, shopify_rows())
    assert "2 added" in imported(cli, path)


def test_rakuten_cp932_with_japan_time(cli, tmp_path):
    path = write_export(
        tmp_path / "rms.csv", RAKUTEN, rakuten_rows(), encoding="cp932", newline="\r\n"
    )
    stderr = imported(cli, path)
    assert "Rakuten" in stderr and "cp932" in stderr and "1 added" in stderr
    order = cli.json("orders", "show", "123456-20261118-00000101")
    assert order["ordered_at"] == "2026-11-18T20:31:07+09:00"
    assert order["customer_name"] == "佐藤 美咲"
    assert order["currency"] == "JPY" and order["total"] == 6820
    assert [i["name"] for i in order["items"]] == ["波佐見焼 マグカップ 色:白", "手ぬぐい 麻の葉"]
    assert order["accepts_marketing"] is None


def test_the_same_file_in_the_other_encoding_imports_the_same(cli, tmp_path, home):
    utf8 = write_export(tmp_path / "a.csv", RAKUTEN, rakuten_rows(), encoding="utf-8")
    sjis = write_export(tmp_path / "b.csv", RAKUTEN, rakuten_rows(), encoding="cp932")
    imported(cli, utf8)
    first = cli.json("orders", "show", "123456-20261118-00000101")
    assert "1 unchanged" in imported(cli, sjis)
    assert cli.json("orders", "show", "123456-20261118-00000101") == first


def test_amazon_tab_separated_gmt_and_line_totals(cli, tmp_path):
    rows = [
        {
            "order-id": "503-1234567-7654321",
            "purchase-date": "2026-11-17T15:30:00+00:00",
            "payments-date": "2026-11-17T15:31:00Z",
            "buyer-email": "x1y2z3@marketplace.amazon.co.jp",
            "buyer-name": "高橋 健一",
            "sku": "PLATE-5",
            "product-name": "有田焼 小皿 5枚",
            "quantity-purchased": "2",
            "currency": "JPY",
            "item-price": "8800",
            "shipping-price": "550",
        },
        {
            "order-id": "503-1234567-7654321",
            "purchase-date": "2026-11-17T15:30:00+00:00",
            "buyer-email": "x1y2z3@marketplace.amazon.co.jp",
            "sku": "HOJI",
            "product-name": "ほうじ茶",
            "quantity-purchased": "1",
            "currency": "JPY",
            "item-price": "1200",
            "shipping-price": "0",
        },
    ]
    path = write_export(tmp_path / "report.txt", AMAZON, rows, delimiter="\t")
    assert "Amazon" in imported(cli, path)
    order = cli.json("orders", "show", "503-1234567-7654321")
    assert order["ordered_at"] == "2026-11-18T00:30:00+09:00"  # GMT + 9 hours crosses midnight
    assert order["total"] == 8800 + 550 + 1200
    assert [(i["quantity"], i["price"]) for i in order["items"]] == [(2, 4400), (1, 1200)]


def test_base_with_bom_option_rows_and_variation(cli, tmp_path):
    common = {
        "注文ID": "A7KQ2M9XP4",
        "注文日時": "2026/11/19 19:02",
        "氏(請求先)": "山本",
        "名(請求先)": "翔太",
        "メールアドレス(請求先)": "shota@example.com",
        "合計金額": "5280",
        "発送状況": "発送済み",
    }
    rows = [
        common | {"商品名": "リネンエプロン", "バリエーション": "M", "価格": "4950", "数量": "1"},
        common | {"商品名": "商品オプション「名入れ刺繍」", "価格": "330", "数量": "1"},
    ]
    path = write_export(tmp_path / "base.csv", BASE, rows, encoding="utf-8-sig")
    assert "BASE" in imported(cli, path)
    order = cli.json("orders", "show", "A7KQ2M9XP4")
    assert order["ordered_at"] == "2026-11-19T19:02:00+09:00"
    assert order["status"] == "発送済み"
    assert [i["name"] for i in order["items"]] == [
        "リネンエプロン(M)",
        "商品オプション「名入れ刺繍」",
    ]


def test_yahoo_order_and_item_files_fill_in_one_order_in_either_order(cli, tmp_path):
    items = write_export(
        tmp_path / "items.csv",
        YAHOO_ITEMS,
        [
            {
                "OrderId": "shop-10088",
                "ItemId": "mug",
                "SubCode": "ai",
                "Title": "マグカップ 藍",
                "QuantityDetail": "2",
                "ShipName": "伊藤 さくら",
            }
        ],
        encoding="cp932",
    )
    orders = write_export(
        tmp_path / "orders.csv",
        YAHOO_ORDERS,
        [
            {
                "OrderId": "shop-10088",
                "OrderTime": "2026/11/21 10:15:32",
                "OrderStatus": "出荷済み",
                "BillLastName": "伊藤",
                "BillFirstName": "さくら",
                "BillMailAddress": "sakura@example.jp",
                "ShipDate": "2026/11/22 14:00:00",
                "ShipCompanyCode": "佐川急便",
                "ShipInvoiceNumber1": "360012345678",
                "TotalPrice": "5720",
            }
        ],
        encoding="cp932",
    )
    assert "1 added" in imported(cli, items)
    assert "1 updated" in imported(cli, orders)
    order = cli.json("orders", "show", "shop-10088")
    assert order["mall"] == "yahoo"
    assert order["tracking_number"] == "360012345678"
    assert order["customer_email"] == "sakura@example.jp"
    assert [(i["name"], i["sku"], i["quantity"]) for i in order["items"]] == [
        ("マグカップ 藍", "mug ai", 2)
    ]
    assert "1 unchanged" in imported(
        cli, items
    )  # the item file does not blank out the order file's fields


def test_reimport_changes_nothing_and_a_newer_export_updates(cli, tmp_path, home):
    old = write_export(tmp_path / "old.csv", RAKUTEN, rakuten_rows(), encoding="cp932")
    imported(cli, old)
    before = dump(home)
    assert "1 unchanged" in imported(cli, old)
    assert dump(home) == before
    newer = write_export(
        tmp_path / "new.csv",
        RAKUTEN,
        rakuten_rows(status="発送済", tracking="492155382206"),
        encoding="cp932",
    )
    assert "1 updated" in imported(cli, newer)
    order = cli.json("orders", "show", "123456-20261118-00000101")
    assert (order["status"], order["tracking_number"], order["carrier"]) == (
        "発送済",
        "492155382206",
        "ヤマト運輸",
    )
    assert order["shipped_at"] == "2026-11-19T16:10:00+09:00"
    assert len(order["items"]) == 2  # nothing doubled
    assert (
        cli.json("customer", "show", "abc123@fw.rakuten.ne.jp")["orders"][0]["number"]
        == order["number"]
    )


def test_a_broken_row_is_named_by_line_and_its_order_skipped(cli, tmp_path):
    rows = shopify_rows()
    rows[1]["Lineitem quantity"] = "two"
    path = write_export(tmp_path / "broken.csv", SHOPIFY_2026, rows)
    stderr = imported(cli, path)
    # line 1 is the header, #1001 starts on line 2 and its Notes span two lines: the second item is on line 4
    assert (
        "broken.csv line 4: cannot read Lineitem quantity 'two' as a quantity (order #1001 skipped)"
        in stderr
    )
    assert "1 added" in stderr and "1 skipped" in stderr
    assert "no order #1001" in cli.fails("orders", "show", "#1001")
    cli("orders", "show", "#1002")


def test_strict_fails_the_import_whole(cli, tmp_path, home):
    rows = rakuten_rows()
    rows[0]["注文日時"] = "2026-02-30 10:00:00"
    path = write_export(tmp_path / "bad.csv", RAKUTEN, rows, encoding="cp932")
    cli("case", "list")  # the database exists
    before = dump(home)
    stderr = cli.fails("orders", "import", str(path), "--strict")
    assert "line 2: cannot read 注文日時 '2026-02-30 10:00:00' as a date" in stderr
    assert "nothing was imported" in stderr
    assert dump(home) == before


def test_a_row_with_missing_columns_is_reported(cli, tmp_path):
    path = write_export(tmp_path / "x.csv", RAKUTEN, rakuten_rows(), encoding="cp932")
    path.write_bytes(path.read_bytes() + "123456-20261118-00000999,発送待ち\n".encode("cp932"))
    stderr = imported(cli, path)
    assert "line 4: has 2 columns, the header has" in stderr


def test_unknown_format_says_what_was_tried_and_what_the_header_was(cli, tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("date,amount,memo\n2026-11-01,100,x\n", encoding="utf-8")
    stderr = cli.fails("orders", "import", str(path))
    assert "matches no known order export; its header begins: date, amount, memo" in stderr
    assert (
        "Shopify" in stderr
        and "Rakuten" in stderr
        and "Amazon" in stderr
        and "BASE" in stderr
        and "Yahoo" in stderr
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--source", "rakuten"], "does not look like a Rakuten RMS order CSV: no column 注文番号"),
        (["--source", "ebay"], "unknown source 'ebay'"),
        (["--encoding", "latin-1"], "unknown encoding 'latin-1'"),
        (["--encoding", "cp932"], "s.csv is not CP932 text"),  # UTF-8 Japanese named as CP932
    ],
)
def test_wrong_source_or_encoding_writes_nothing(cli, tmp_path, home, args, message):
    path = write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())
    cli("case", "list")
    before = dump(home)
    assert message in cli.fails("orders", "import", str(path), *args)
    assert dump(home) == before


def test_a_file_in_neither_encoding(cli, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(",".join(RAKUTEN).encode("utf-8") + b"\n\x81\xff\xfe,\x80\n")
    assert "is not UTF-8 or CP932 text" in cli.fails("orders", "import", str(path))


def test_missing_and_empty_files(cli, tmp_path):
    assert "no file" in cli.fails("orders", "import", str(tmp_path / "nope.csv"))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "is empty" in cli.fails("orders", "import", str(empty))


def test_same_number_in_two_malls_needs_mall(cli, tmp_path):
    shopify = write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())
    base = write_export(
        tmp_path / "b.csv",
        BASE,
        [{"注文ID": "#1001", "注文日時": "2026-11-19 19:02:11", "商品名": "x", "数量": "1"}],
    )
    imported(cli, shopify)
    imported(cli, base)
    assert "more than one mall" in cli.fails("orders", "show", "#1001")
    assert cli.json("orders", "show", "#1001", "--mall", "base")["mall"] == "base"


def test_customer_show_and_case_add_reach_the_order_from_an_email_alone(cli, tmp_path):
    path = write_export(
        tmp_path / "rms.csv",
        RAKUTEN,
        rakuten_rows(status="発送済", tracking="492155382206"),
        encoding="cp932",
    )
    imported(cli, path)
    customer = cli.json("customer", "show", "ABC123@fw.rakuten.ne.jp")
    assert customer["name"] == "佐藤 美咲"
    assert customer["orders"][0]["tracking_number"] == "492155382206"
    case_id = cli(
        "case", "add", "--summary", "まだ?", "--email", "abc123@fw.rakuten.ne.jp"
    ).stdout.strip()
    shown = cli.json("case", "show", case_id)
    assert shown["customer_name"] == "佐藤 美咲"
    assert shown["recent_orders"][0]["tracking_number"] == "492155382206"
    assert shown["order"] is None
    assert [c["id"] for c in cli.json("customer", "show", str(customer["id"]))["cases"]] == [
        int(case_id)
    ]


def test_case_add_with_an_order_fills_customer_and_mall(cli, tmp_path):
    imported(cli, write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows()))
    case_id = cli("case", "add", "--summary", "割れていました", "--order", "#1001").stdout.strip()
    shown = cli.json("case", "show", case_id)
    assert (shown["mall"], shown["customer_name"], shown["customer_email"]) == (
        "shopify",
        "山田 花子",
        "hanako.yamada@example.jp",
    )
    assert shown["order"]["number"] == "#1001" and len(shown["order"]["items"]) == 3
    tsv = cli("case", "show", case_id).stdout
    assert "order_items\tマグカップ 藍×2、小皿 白磁×1、ほうじ茶 100g×1" in tsv


def test_case_add_with_an_unknown_order_says_so(cli):
    result = cli("case", "add", "--summary", "届かない", "--order", "999")
    assert "order 999 is not imported yet" in result.stderr


@pytest.mark.parametrize(
    "key, message",
    [("nobody@example.jp", "no customer"), ("42", "no customer"), ("山田", "neither")],
)
def test_customer_show_errors(cli, key, message):
    assert message in cli.fails("customer", "show", key)


def test_example_exports_all_import(cli):
    from shopcare.resources import resource_dir

    exports = sorted((resource_dir("examples") / "orders").iterdir())
    assert len(exports) == 6
    for path in exports:
        stderr = imported(cli, path)
        assert "skipped" in stderr and " 0 skipped" in stderr
    assert (
        cli.json("orders", "show", "381204-20261118-00000321")["tracking_number"] == "492155382206"
    )


def test_import_core_without_the_cli(home, tmp_path):
    from datetime import UTC, datetime

    from shopcare.domain.orders import get_order
    from shopcare.orders.importer import import_orders

    path = write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())
    seen = []
    with shop_store(home) as store:
        result = import_orders(
            store,
            path,
            now=datetime(2026, 11, 24, tzinfo=UTC),
            progress=lambda d, t: seen.append((d, t)),
        )
        assert (result.source, result.encoding, result.rows, result.added) == (
            "shopify",
            "utf-8",
            4,
            2,
        )
        assert seen and seen[-1][0] == seen[-1][1] == path.stat().st_size
        assert get_order(store, "#1001")["items"][0]["name"] == "マグカップ 藍"


def _schema(store) -> list:
    return store.conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()


@pytest.mark.sqlite_only
def test_an_import_leaves_the_schema_as_it_was_and_a_failed_one_leaves_no_rows(home, tmp_path):
    """An import, a shop's first or a later one, failed or not, leaves the schema (every
    index) as it was; a failed one writes nothing, and the orders' indexes answer queries."""
    import gc
    import sqlite3
    from datetime import UTC, datetime

    from shopcare.orders.importer import import_orders

    now = datetime(2026, 11, 24, tzinfo=UTC)
    first = write_export(tmp_path / "s.csv", SHOPIFY_2026, shopify_rows())
    later = write_export(tmp_path / "r.csv", RAKUTEN, rakuten_rows(), encoding="cp932")
    with shop_store(home) as store:
        before = _schema(store)
        store.conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON order_items"
            " BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
        with pytest.raises(sqlite3.IntegrityError, match="refused"):
            import_orders(store, first, now=now)
        assert gc.isenabled()
        store.conn.execute("DROP TRIGGER refuse")
        assert _schema(store) == before
        for table in ("orders", "order_items", "customers"):  # all one transaction
            assert store.conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"] == 0

        assert import_orders(store, first, now=now).added == 2  # into empty tables
        assert _schema(store) == before
        assert import_orders(store, later, now=now).added == 1  # beside the orders stored
        assert _schema(store) == before
        assert gc.isenabled()
        plan = store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM orders WHERE customer_id = ? ORDER BY ordered_at",
            [1],
        ).fetchall()
        assert "orders_customer" in " ".join(row["detail"] for row in plan)


def test_shopify_reimport_with_marketing_flags_changes_nothing(cli, tmp_path, home):
    """Marketing consent is stored as 1 or 0: a second import compares it equal, not updated."""
    path = write_export(tmp_path / "orders_export.csv", SHOPIFY_2026, shopify_rows())
    imported(cli, path)
    before = dump(home)
    assert "2 unchanged" in imported(cli, path)
    assert dump(home) == before


EXAMPLE_SHOPIFY = Path(__file__).parent.parent / "examples" / "orders" / "shopify_orders_export.csv"


def _items_of(cli, number: str) -> list[str]:
    return [item["name"] for item in cli.json("orders", "show", number)["items"]]


def test_a_row_without_its_order_number_skips_the_orders_it_may_belong_to(cli, tmp_path):
    """The second of #1042's three rows loses its number: #1042 is not half-imported, and an
    import over a good one leaves its three items as they were."""
    good = EXAMPLE_SHOPIFY.read_text(encoding="utf-8")
    imported(cli, EXAMPLE_SHOPIFY)
    assert len(_items_of(cli, "#1042")) == 3
    lines = good.split("\n")
    second = [i for i, text in enumerate(lines) if text.startswith("#1042,")][1]
    lines[second] = lines[second][len("#1042") :]
    path = tmp_path / "blanked.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    stderr = imported(cli, path)
    assert "no order number (Name is empty)" in stderr
    assert "(order #1042 skipped)" in stderr
    assert "0 skipped" not in stderr
    assert len(_items_of(cli, "#1042")) == 3  # as known before, not replaced by two of them


def test_an_open_quote_that_swallows_the_next_orders_first_row_skips_that_order(cli, tmp_path):
    """#1001's item name opens a quote that closes only in #1002's first row: that row is gone
    into #1001's, and #1002's second row alone must not become order #1002."""
    path = tmp_path / "quote.csv"
    path.write_text(
        "Name,Email,Financial Status,Total,Lineitem name,Lineitem quantity,Lineitem price,Notes\n"
        '#1001,a@example.jp,paid,100,"Cup,1,100,\n'
        '#1002,b@example.jp,paid,300,Plate,1,100,"gift\n'
        "#1002,,,,Bowl,1,200,\n"
        "#1003,c@example.jp,paid,500,Pot,1,500,\n",
        encoding="utf-8",
    )
    stderr = imported(cli, path)
    assert "(order #1001 skipped)" in stderr and "(order #1002 skipped)" in stderr
    assert "1 added" in stderr and "2 skipped" in stderr
    for number in ("#1001", "#1002"):
        assert f"no order {number}" in cli.fails("orders", "show", number)
    assert _items_of(cli, "#1003") == ["Pot"]


@pytest.mark.parametrize(
    "total", ["NaN", "Infinity", "-Infinity", "1e400", "sNaN", "1" * 5000, "12.5.0"]
)
def test_an_amount_that_is_no_amount_skips_the_order_and_keeps_the_known_total(
    cli, tmp_path, total
):
    rows = shopify_rows()
    path = write_export(tmp_path / "s.csv", SHOPIFY_2026, rows)
    imported(cli, path)
    known = cli.json("orders", "show", "#1001")["total"]
    rows[0]["Total"] = total
    stderr = imported(cli, write_export(tmp_path / "bad.csv", SHOPIFY_2026, rows))
    assert "as an amount (order #1001 skipped)" in stderr
    assert cli.json("orders", "show", "#1001")["total"] == known
    assert len(stderr) < 2000  # a 5,000-digit cell is not printed back whole


@pytest.mark.parametrize("quantity", ["1" * 5000, "99999999999", "1.5"])
def test_a_quantity_that_is_no_quantity_skips_the_order(cli, tmp_path, quantity):
    rows = shopify_rows()
    rows[0]["Lineitem quantity"] = quantity
    stderr = imported(cli, write_export(tmp_path / "bad.csv", SHOPIFY_2026, rows))
    assert "(order #1001 skipped)" in stderr


def test_a_cell_too_large_for_any_export_is_one_error_and_nothing_imported(cli, tmp_path, home):
    path = tmp_path / "big.csv"
    path.write_text(
        "Name,Email,Financial Status,Total,Lineitem name,Lineitem quantity,Lineitem price,Notes\n"
        "#1,a@example.jp,paid,100,Cup,1,100,ok\n"
        "#2,b@example.jp,paid,100,Cup,1,100," + "x" * 200_000 + "\n",
        encoding="utf-8",
    )
    cli("case", "list")
    before = dump(home)
    stderr = cli.fails("orders", "import", str(path))
    assert "big.csv line 3: field larger than field limit" in stderr
    assert "nothing was imported" in stderr
    assert dump(home) == before


def test_a_million_columns_is_read_and_reported_quickly(cli, tmp_path):
    path = tmp_path / "wide.csv"
    header = "Name,Email,Financial Status,Total,Lineitem name,Lineitem quantity,Lineitem price"
    path.write_text(
        header + "," + ",".join(f"c{i}" for i in range(1_000_000)) + "\n"
        "#1,a@example.jp,paid,100,Cup,1,100\n",
        encoding="utf-8",
    )
    stderr = imported(cli, path)
    assert "line 2: has 7 columns, the header has 1000007 (order #1 skipped)" in stderr


def test_an_order_number_with_a_line_break_is_a_row_that_cannot_be_read(cli, tmp_path):
    path = tmp_path / "nl.csv"
    path.write_text(
        "Name,Email,Financial Status,Total,Lineitem name,Lineitem quantity,Lineitem price\n"
        '"#1\n2",a@example.jp,paid,100,Cup,1,100\n'
        "#3,c@example.jp,paid,100,Cup,1,100\n",
        encoding="utf-8",
    )
    stderr = imported(cli, path)
    assert "the order number holds a line break" in stderr
    assert "1 added" in stderr


@pytest.mark.parametrize("typed", ["1042", "#1042", "＃１０４２", " #1042 "])
def test_an_order_is_found_however_its_number_is_typed(cli, typed):
    cli("orders", "import", str(EXAMPLE_SHOPIFY))
    assert cli.json("orders", "show", typed)["number"] == "#1042"
    case_id = cli("case", "add", "--summary", "届かない", "--order", typed).stdout.strip()
    case = cli.json("case", "show", case_id)
    assert case["order_number"] == "#1042" and case["mall"] == "shopify"
    assert [c["id"] for c in cli.json("case", "list", "--order", typed)] == [int(case_id)]


def test_a_base_order_is_found_in_lower_case(cli):
    base = EXAMPLE_SHOPIFY.parent / "base_orders.csv"
    cli("orders", "import", str(base))
    number = cli.json("customer", "show", "shota.yamamoto@example.com")["orders"][0]["number"]
    assert cli.json("orders", "show", number.lower())["number"] == number
    assert "no order zzz" in cli.fails("orders", "show", "zzz")
