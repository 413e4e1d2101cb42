"""Order exports made in the tests: the malls' real headers, made-up people."""

from __future__ import annotations

import csv
import io
from pathlib import Path

SHOPIFY_2026 = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,"
    "Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,"
    "Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,"
    "Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,"
    "Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,"
    "Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,"
    "Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,"
    "Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,"
    "Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,"
    "Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,"
    "Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
).split(",")
SHOPIFY_2021 = SHOPIFY_2026[:75]
RAKUTEN = (
    "注文番号,ステータス,サブステータスID,サブステータス,注文日時,注文日,注文時間,キャンセル期限日,"
    "注文確認日時,注文確定日時,発送指示日時,発送完了報告日時,支払方法名,商品合計金額,消費税合計,"
    "送料合計,請求金額,合計金額,注文者姓,注文者名,注文者姓カナ,注文者名カナ,注文者メールアドレス,"
    "送付先姓,送付先名,商品明細ID,商品ID,商品名,商品番号,商品管理番号,単価,個数,お届け日指定,"
    "ひとことメモ,SKU管理番号,SKU情報,配送会社,お荷物伝票番号"
).split(",")
AMAZON = (
    "order-id,order-item-id,purchase-date,payments-date,buyer-email,buyer-name,buyer-phone-number,sku,"
    "product-name,quantity-purchased,currency,item-price,item-tax,shipping-price,shipping-tax,"
    "ship-service-level,recipient-name,ship-address-1,ship-address-2,ship-address-3,ship-city,"
    "ship-state,ship-postal-code,ship-country,ship-phone-number,delivery-start-date,delivery-end-date,"
    "delivery-time-zone,delivery-Instructions,sales-channel"
).split(",")
BASE = (
    "注文ID,注文日時,氏(請求先),名(請求先),郵便番号(請求先),都道府県(請求先),住所(請求先),住所2(請求先),"
    "電話番号(請求先),メールアドレス(請求先),氏(配送先),名(配送先),郵便番号(配送先),都道府県(配送先),"
    "住所(配送先),住所2(配送先),電話番号(配送先),備考,商品名,バリエーション,価格,税率,数量,合計金額,送料,"
    "支払い方法,代引き手数料,発送状況,商品ID,種類ID,購入元,配送日,配送時間帯,注文メモ,調整金額"
).split(",")
YAHOO_ORDERS = (
    "OrderId,OrderTime,OrderStatus,BillLastName,BillFirstName,BillMailAddress,PayDate,ShipStatus,"
    "ShipDate,ShipCompanyCode,ShipInvoiceNumber1,TotalPrice"
).split(",")
YAHOO_ITEMS = (
    "OrderId,ItemId,SubCode,Title,QuantityDetail,ShipName,ShipZipCode,ShipPrefecture,ShipCity,"
    "ShipAddress1,ShipAddress2,ShipPhoneNumber"
).split(",")


def write_export(
    path: Path,
    header: list[str],
    rows: list[dict],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    newline: str = "\n",
) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        unknown = set(row) - set(header)
        assert not unknown, f"not in the header: {unknown}"
        writer.writerow([row.get(name, "") for name in header])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def shopify_rows() -> list[dict]:
    """Two orders; #1001 spans three rows (continuation rows blank at order level)."""
    first = {
        "Name": "#1001",
        "Email": "Hanako.Yamada@example.jp",
        "Financial Status": "paid",
        "Paid at": "2026-11-18 10:00:05 +0900",
        "Fulfillment Status": "fulfilled",
        "Fulfilled at": "2026-11-19 15:30:00 +0900",
        "Accepts Marketing": "yes",
        "Currency": "JPY",
        "Total": "9,460",
        "Created at": "2026-11-18 09:59:50 +0900",
        "Billing Name": "山田 花子",
        "Shipping Zip": "'1500001",
        "Notes": "午前中に\n届けてください",
    }
    return [
        first | {"Lineitem name": "マグカップ 藍", "Lineitem sku": "MUG-AI", "Lineitem quantity": "2", "Lineitem price": "2860"},
        {"Name": "#1001", "Lineitem name": "小皿 白磁", "Lineitem sku": "PLATE-WH", "Lineitem quantity": "1", "Lineitem price": "2200"},
        {"Name": "#1001", "Lineitem name": "ほうじ茶 100g", "Lineitem sku": "", "Lineitem quantity": "1", "Lineitem price": "1540"},
        {
            "Name": "#1002",
            "Email": "taro@example.com",
            "Financial Status": "pending",
            "Fulfillment Status": "unfulfilled",
            "Accepts Marketing": "no",
            "Currency": "USD",
            "Total": "12.50",
            "Created at": "2026-11-20 08:00:00 -0500",
            "Billing Name": "Taro Suzuki",
            "Lineitem name": "Tenugui",
            "Lineitem quantity": "1",
            "Lineitem price": "12.50",
        },
    ]


def rakuten_rows(status: str = "発送待ち", tracking: str = "") -> list[dict]:
    common = {
        "注文番号": "123456-20261118-00000101",
        "ステータス": status,
        "注文日時": "2026-11-18 20:31:07",
        "合計金額": "6820",
        "注文者姓": "佐藤",
        "注文者名": "美咲",
        "注文者メールアドレス": "abc123@fw.rakuten.ne.jp",
        "配送会社": "ヤマト運輸" if tracking else "",
        "お荷物伝票番号": tracking,
        "発送完了報告日時": "2026-11-19 16:10:00" if tracking else "",
    }
    return [
        common | {"商品名": "波佐見焼 マグカップ", "商品管理番号": "hs-mug", "単価": "2860", "個数": "2", "SKU情報": "色:白"},
        common | {"商品名": "手ぬぐい 麻の葉", "商品管理番号": "tenugui", "単価": "1100", "個数": "1"},
    ]
