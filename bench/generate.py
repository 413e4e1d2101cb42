"""Made-up data for the benchmarks: order exports in the malls' real formats.

python bench/generate.py shopify OUT.csv --rows 100000
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

JST = timezone(timedelta(hours=9))
SHOPIFY_HEADER = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing Address1",
    "Billing Address2",
    "Billing Company",
    "Billing City",
    "Billing Zip",
    "Billing Province",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping Company",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Note Attributes",
    "Cancelled at",
    "Payment Method",
    "Payment Reference",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Employee",
    "Location",
    "Device ID",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
    "Tax 1 Name",
    "Tax 1 Value",
    "Tax 2 Name",
    "Tax 2 Value",
    "Tax 3 Name",
    "Tax 3 Value",
    "Tax 4 Name",
    "Tax 4 Value",
    "Tax 5 Name",
    "Tax 5 Value",
    "Phone",
    "Receipt Number",
    "Duties",
    "Billing Province Name",
    "Shipping Province Name",
    "Payment ID",
    "Payment Terms Name",
    "Next Payment Due At",
    "Payment References",
]
FAMILY = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
]
GIVEN = [
    "美咲",
    "健一",
    "陽子",
    "翔太",
    "さくら",
    "大輔",
    "恵美",
    "拓也",
    "直子",
    "一郎",
    "彩",
    "由美",
]
PRODUCTS = [
    ("波佐見焼 マグカップ 藍", "HS-MUG-AI", 2860),
    ("有田焼 小皿 5枚セット", "ARITA-5", 4400),
    ("京都 ほうじ茶 100g", "HOJI-100", 1200),
    ("手ぬぐい 麻の葉", "TENUGUI-ASA", 1320),
    ("リネンエプロン ネイビー M", "APR-NV-M", 4950),
    ("リネンふきん 3枚組", "FUKIN-3", 3300),
    ("ドリップバッグ 10袋", "DRIP-10", 1480),
]
PREFECTURES = ["Tokyo", "Osaka", "Kanagawa", "Aichi", "Fukuoka", "Hokkaido", "Kyoto", "Saitama"]


def shopify(path: Path, rows: int, seed: int = 7) -> int:
    """A Shopify orders export of about `rows` rows, one to three line items an order."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 9, 0, tzinfo=JST)
    written = 0
    number = 1000
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(SHOPIFY_HEADER)
        index = {name: i for i, name in enumerate(SHOPIFY_HEADER)}
        while written < rows:
            number += 1
            created = start + timedelta(minutes=number * 7)
            person = rng.randrange(len(FAMILY) * len(GIVEN) * 50)
            name = f"{FAMILY[person % len(FAMILY)]} {GIVEN[person // len(FAMILY) % len(GIVEN)]}"
            items = [
                PRODUCTS[rng.randrange(len(PRODUCTS))]
                for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))
            ]
            items = items[: rows - written]
            total = sum(price for _, _, price in items)
            shipped = created + timedelta(days=1, hours=rng.randrange(8))
            for k, (product, sku, price) in enumerate(items):
                row = [""] * len(SHOPIFY_HEADER)
                row[index["Name"]] = f"#{number}"
                row[index["Lineitem name"]] = product
                row[index["Lineitem sku"]] = sku
                row[index["Lineitem quantity"]] = "1"
                row[index["Lineitem price"]] = str(price)
                row[index["Lineitem requires shipping"]] = "true"
                row[index["Lineitem taxable"]] = "true"
                row[index["Lineitem fulfillment status"]] = "fulfilled"
                if k == 0:
                    row[index["Email"]] = f"customer{person}@example.jp"
                    row[index["Financial Status"]] = "paid"
                    row[index["Paid at"]] = created.strftime("%Y-%m-%d %H:%M:%S +0900")
                    row[index["Fulfillment Status"]] = "fulfilled"
                    row[index["Fulfilled at"]] = shipped.strftime("%Y-%m-%d %H:%M:%S +0900")
                    row[index["Accepts Marketing"]] = rng.choice(("yes", "no"))
                    row[index["Currency"]] = "JPY"
                    row[index["Subtotal"]] = str(total)
                    row[index["Shipping"]] = "0"
                    row[index["Total"]] = str(total)
                    row[index["Created at"]] = created.strftime("%Y-%m-%d %H:%M:%S +0900")
                    row[index["Billing Name"]] = name
                    row[index["Shipping Name"]] = name
                    row[index["Shipping Province"]] = PREFECTURES[person % len(PREFECTURES)]
                    row[index["Shipping Country"]] = "JP"
                    row[index["Shipping Zip"]] = f"'{1000000 + person % 8999999}"
                    row[index["Id"]] = str(5_000_000_000 + number)
                    row[index["Source"]] = "web"
                out.writerow(row)
                written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["shopify"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    count = shopify(args.out, args.rows)
    print(f"{count} rows written to {args.out}")


if __name__ == "__main__":
    main()
