"""Made-up data for the benchmarks: order exports in the malls' real formats.

python bench/generate.py shopify OUT.csv --rows 100000
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

JST = timezone(timedelta(hours=9))
RECENT = timedelta(days=45)  # longer than the aftercare rhythm (30 days and a week)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from exports import SHOPIFY_2026 as SHOPIFY_HEADER  # noqa: E402  (the header's facts live with the tests)

from shopcare.clock import to_storage  # noqa: E402

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


CATEGORIES = [  # category, priority, and what a customer of that kind writes
    ("delivery.not_arrived", "high", "商品がまだ届かない"),
    ("delivery.late", "high", "お届け予定日を過ぎても届かない"),
    ("quality.damaged", "high", "届いた商品が割れていた"),
    ("delivery.wrong_item", "high", "サイズ違いが届いた"),
    ("inquiry.product", "normal", "ギフト包装について"),
    ("inquiry.return", "normal", "返品したい"),
    ("payment.wrong_amount", "high", "請求額が違う"),
    ("other", "normal", "領収書を発行してほしい"),
]
# What the customers of each category write, in their words (the complaints of
# bench/mail_in.py's mbox among them): a case's summary, the message it came with ({product}
# is the item of its order) and, for one case in three, what the customer asks for. A few
# write in English. The search benchmark looks for these words.
WORDS: dict[str, list[tuple[str, str]]] = {
    "delivery.not_arrived": [
        (
            "商品がまだ届かない",
            "{date}に注文した{product}がまだ届きません。発送はいつ頃になりますでしょうか。",
        ),
        (
            "商品がまだ届きません",
            "{date}に注文しましたが、まだ届いていません。追跡番号を教えていただけますか。",
        ),
        (
            "注文した商品が届かない",
            "{product}を注文して一週間になりますが、まだ届きません。確認をお願いします。",
        ),
        (
            "Order not arrived",
            "I ordered the {product} on {date_en} and it has not arrived yet. Could you check?",
        ),
    ],
    "delivery.late": [
        (
            "お届け予定日を過ぎても届かない",
            "お届け予定日を過ぎましたが、{product}がまだ届きません。いつ頃届きますか。",
        ),
        (
            "配送が遅れている",
            "{date}に発送済みとご連絡をいただきましたが、まだ届いていません。配送状況を確認してください。",
        ),
    ],
    "quality.damaged": [
        (
            "届いた商品が割れていた",
            "本日届いた{product}ですが、箱を開けたところ一部が割れていました。写真を添付します。",
        ),
        ("商品が破損していました", "{product}が破損した状態で届きました。交換をお願いできますか。"),
        (
            "箱が潰れて中身が欠けていた",
            "届いた箱が潰れていて、{product}の縁が欠けていました。返品か交換をお願いします。",
        ),
        (
            "Item arrived broken",
            "The {product} arrived broken. I would like a refund or a replacement.",
        ),
    ],
    "delivery.wrong_item": [
        (
            "サイズ違いが届いた",
            "Mサイズを注文したのですが、Lサイズが届きました。交換をお願いできますか。",
        ),
        (
            "注文と違う商品が届きました",
            "{product}を注文したのですが、違う商品が届きました。交換をお願いできますか。",
        ),
        (
            "色違いが届いた",
            "{product}を注文しましたが、届いたものは色が違いました。正しい商品を送ってください。",
        ),
    ],
    "inquiry.product": [
        ("ギフト包装について", "{product}をギフト包装でお願いしたいのですが、可能でしょうか。"),
        ("在庫について", "{product}の再入荷の予定はありますか。プレゼントにしたいと思っています。"),
        ("商品の素材について", "{product}は電子レンジや食洗機で使えますか。素材を教えてください。"),
    ],
    "inquiry.return": [
        (
            "返品したい",
            "{product}を購入しましたが、イメージと違ったため返品したいと考えています。未使用です。",
        ),
        ("返品について", "サイズが合わなかったので返品したいです。返送の方法を教えてください。"),
        (
            "Return request",
            "I would like to return the {product}. It is unused. Please tell me how to send it back.",
        ),
    ],
    "payment.wrong_amount": [
        (
            "請求額が違う",
            "{product}の請求金額が、注文時の表示より高くなっているようです。ご確認ください。",
        ),
        ("二重に請求されている", "クレジットカードに二重に請求されています。返金をお願いします。"),
    ],
    "other": [
        (
            "領収書を発行してほしい",
            "{date}の注文の領収書を発行していただけますか。宛名は会社名でお願いします。",
        ),
        ("配送先を変更したい", "{product}の配送先を変更したいのですが、まだ間に合いますか。"),
    ],
}
REQUESTS = {
    "delivery.not_arrived": "至急発送してほしい",
    "delivery.late": "追跡番号を知りたい",
    "quality.damaged": "交換を希望",
    "delivery.wrong_item": "正しいサイズと交換してほしい",
    "inquiry.return": "返品して返金してほしい",
    "payment.wrong_amount": "差額を返金してほしい",
    "other": "領収書の発行",
}
OPENINGS = [
    "お世話になっております。",
    "はじめてご連絡いたします。",
    "いつもありがとうございます。",
    "",
]
AGAIN = [  # what a customer writes again
    "まだですか?",
    "まだ届いていません。追跡番号を教えていただけますか。",
    "ご回答ありがとうございます。引き続きよろしくお願いいたします。",
    "写真を添付しました。ご確認ください。",
    "承知しました。返送の方法を教えてください。",
]
NOTES = [  # the shop's notes, on one case in four
    "運送会社に調査を依頼した",
    "写真で破損を確認。交換品を手配する",
    "返品の着払い伝票を送付予定",
    "同じお客様から以前にも問い合わせあり",
    "Refund approved by the owner",
    "在庫を確認中",
]


def _pick(options: list, n: int, salt: int = 0):
    """One of options for case n, the same in every home (the random stream is left alone)."""
    mixed = ((n + salt * 40503) * 2654435761) & 0xFFFFFFFF  # Knuth's multiplicative hash
    return options[(mixed >> 16) % len(options)]


MALLS = ["rakuten", "amazon", "shopify", "base", "yahoo"]


REPLIED = timedelta(hours=3)  # the shop's first reply, after the case came in
WROTE_AGAIN = timedelta(hours=20)  # the customer's 「まだですか?」
WAITED = timedelta(days=1)  # how long an earlier wait on the customer lasted


def _status(event, case_id: int, at: datetime, old: str, new: str) -> str:
    stamp = to_storage(at)
    event(case_id, stamp, "status", None, data=f'{{"from": "{old}", "to": "{new}"}}')
    return stamp


def _answered(event, case_id: int, received: datetime) -> None:
    event(case_id, to_storage(received + REPLIED), "reply_sent", "【お問い合わせ受付】")


def _wrote_again(event, case_id: int, received: datetime) -> str:
    stamp = to_storage(received + WROTE_AGAIN)
    event(case_id, stamp, "message", _pick(AGAIN, case_id, 1))
    return stamp


def _promised(event, case_id: int, received: datetime) -> None:
    """The shop's answer to 「まだですか?」: news within a day."""
    event(
        case_id,
        to_storage(received + WROTE_AGAIN + timedelta(hours=1)),
        "promise",
        "配送状況を確認してご連絡します",
        due_at=to_storage(received + WROTE_AGAIN + timedelta(days=1)),
    )


def _open_case(n: int, received: datetime, now: datetime, event, marks: list) -> dict:
    """The timeline and clock columns of an open case, in a shop's usual mix (of every 20):
    8 still new (one of those answered by phone, its reply marked done), 2 replied to and
    written to again, 3 replied to and quiet, 3 waiting on the customer, 2 resolved and
    awaiting the satisfaction check, 2 back from a wait with a new message. One in ten of the
    replied ones carries a promise; one resolution in 25 is snoozed."""
    kind = n % 20
    if received + WAITED + WROTE_AGAIN + timedelta(hours=2) > now:
        kind = 0  # too recent for a longer story: still new
    stamp = to_storage(received)
    row: dict = {"status": "new", "awaiting_reply_since": stamp}
    if n % 25 == 0:
        marks.append(
            (
                f"s{n}",
                n,
                to_storage(now + timedelta(days=2)),
                to_storage(now),
            )
        )
    if kind < 8:
        if kind == 7:
            event(n, to_storage(received + REPLIED), "followup_done", f"r{n}: 電話で回答済み")
            row["awaiting_reply_since"] = None
        return row
    _answered(event, n, received)
    _status(event, n, received + REPLIED, "new", "open")
    row = {"status": "open", "awaiting_reply_since": None}
    if kind in (8, 9):
        again = _wrote_again(event, n, received)
        row.update(awaiting_reply_since=again, last_customer_at=again)
    if kind in (9, 12):
        _promised(event, n, received)
    if kind in (13, 14, 15):
        since = _status(event, n, received + timedelta(hours=5), "open", "waiting")
        row.update(status="waiting", paused_since=since)
    elif kind in (16, 17):
        resolved = _status(event, n, received + timedelta(hours=6), "open", "resolved")
        row.update(status="resolved", resolved_at=resolved)
    elif kind in (18, 19):
        _status(event, n, received + timedelta(hours=4), "open", "waiting")
        back = received + timedelta(hours=4) + WAITED
        event(n, to_storage(back), "message", "確認しました。よろしくお願いします")
        _status(event, n, back, "waiting", "open")
        row.update(
            awaiting_reply_since=to_storage(back),
            last_customer_at=to_storage(back),
            paused_seconds=int(WAITED.total_seconds()),
        )
    return row


def home(
    path: Path,
    cases: int,
    *,
    now: datetime,
    open_cases: int | None = None,
    overdue_only: bool = False,
    seed: int = 11,
) -> None:
    """A shop's home with `cases` cases: customers, orders with items, and timelines (created,
    a reply, customer messages, promises, waits, closing). The last 45 days hold the
    `open_cases` open cases (default: a tenth), in a shop's usual mix (see _open_case), and
    as many closed ones; the rest is history
    spread over the three years before that. So homes of any size with the same open_cases
    have the same follow-up list. With overdue_only, cases came in at least two days before now. Rows go in with executemany,
    the indexes are built afterwards (the product's own schema, from its migrations)."""
    import sqlite3

    from shopcare.settings.config import render_new_config
    from shopcare.store.sqlite.connect import open_db
    from shopcare.store.sqlite.migrations import apply_migrations

    if open_cases is None:
        open_cases = cases // 10
    path.mkdir(parents=True, exist_ok=True)
    (path / "config.toml").write_text(
        render_new_config(
            name="はなまる雑貨店",
            email="support@example.jp",
            signature=None,
            language="ja",
            timezone="Asia/Tokyo",
        ),
        encoding="utf-8",
    )
    # the schema through the product's own migrations, up to the search index: the rows go in
    # first, and the index is built for them at the end as an older home's upgrade builds it
    conn = sqlite3.connect(path / "shopcare.db")
    apply_migrations(conn, stop_before="m009_search")
    conn.commit()
    rng = random.Random(seed)
    conn.execute("PRAGMA synchronous = OFF")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN ('customers', 'orders', 'order_items', 'cases', 'events')"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    span = timedelta(days=3 * 365)
    newest = now - timedelta(days=2) if overdue_only else now - timedelta(hours=1)
    first_open = cases - open_cases + 1
    history = max(
        0, cases - 2 * open_cases
    )  # older than the recent band; the band holds the open cases
    # and as many closed ones (their orders are what aftercare is about)
    customers, orders, items, case_rows, events, marks = [], [], [], [], [], []

    def event(
        case_id: int,
        at: str,
        kind: str,
        text: str | None,
        due_at: str | None = None,
        data: str | None = None,
        note_kind: str | None = None,
    ) -> None:
        """One row of the timeline, numbered in the order written."""
        events.append(
            (len(events) + 1, case_id, at, kind, "bench", text, note_kind, due_at, None, data)
        )

    n_family, n_given, n_products = len(FAMILY), len(GIVEN), len(PRODUCTS)
    for n in range(1, cases + 1):
        if n > history:  # the recent band: the same in every home, whatever its size
            received = newest - RECENT * (1 - (n - history) / (cases - history))
        else:
            received = newest - RECENT - span * (1 - n / history)
        received -= timedelta(minutes=rng.randrange(600))
        stamp = to_storage(received)
        email = f"customer{n}@example.jp"
        name = f"{FAMILY[n % n_family]} {GIVEN[(n // n_family) % n_given]}"
        customers.append((n, email, name, stamp))
        mall = MALLS[n % len(MALLS)]
        number = f"{mall[:2].upper()}-{n:08d}"
        ordered = to_storage(received - timedelta(days=4))
        shipped = to_storage(received - timedelta(days=3))
        product = PRODUCTS[n % n_products]
        orders.append(
            (
                n,
                mall,
                number,
                n,
                name,
                email,
                ordered,
                ordered,
                shipped,
                None,
                product[2],
                "JPY",
                "発送済",
                f"4921{n:08d}",
                "ヤマト運輸",
                n % 2,
                ordered,
                ordered,
            )
        )
        items.append((n, n, product[0], product[1], 1, product[2]))
        category, priority, _ = CATEGORIES[n % len(CATEGORIES)]
        summary, body = _pick(WORDS[category], n)
        day = 1 + n % 28
        text = body.format(product=product[0], date=f"11月{day}日", date_en=f"November {day}")
        request = REQUESTS.get(category) if n % 3 == 0 else None
        event(n, stamp, "created", summary)
        event(n, stamp, "message", f"{_pick(OPENINGS, n, 2)}{text}\n{name}")
        if n % 4 == 1:
            note = _pick(NOTES, n, 3)
            event(
                n,
                to_storage(received + timedelta(minutes=10)),
                "note",
                note,
                None,
                None,
                "internal",
            )
        if n >= first_open:
            row = _open_case(n, received, now, event, marks)
        else:
            closed_at = to_storage(received + timedelta(days=3))
            _answered(event, n, received)
            if n % 3 == 0:
                _wrote_again(event, n, received)
                _promised(event, n, received)
            event(n, closed_at, "closed", "cause: 配送遅延")
            row = {"status": "closed", "closed_at": closed_at}
        case_rows.append(
            (
                n,
                stamp,
                "email",
                mall,
                number,
                n,
                category,
                priority,
                row["status"],
                None,
                summary,
                request,
                "unknown",
                None,
                None,
                stamp,
                stamp,
                row.get("closed_at"),
                row.get("awaiting_reply_since"),
                row.get("last_customer_at", stamp),
                row.get("paused_since"),
                row.get("paused_seconds", 0),
                row.get("resolved_at"),
            )
        )
    conn.executemany(
        "INSERT INTO customers (id, email, name, created_at) VALUES (?, ?, ?, ?)", customers
    )
    conn.executemany(
        "INSERT INTO orders (id, mall, number, customer_id, customer_name, customer_email, ordered_at, paid_at,"
        " shipped_at, delivered_at, total, currency, status, tracking_number, carrier, accepts_marketing,"
        " imported_at, updated_at) VALUES (" + ", ".join("?" * 18) + ")",
        orders,
    )
    conn.executemany(
        "INSERT INTO order_items (id, order_id, name, sku, quantity, price) VALUES (?, ?, ?, ?, ?, ?)",
        items,
    )
    conn.executemany(
        "INSERT INTO cases (id, received_at, channel, mall, order_number, customer_id, category, priority,"
        " status, assignee, summary, request, fault, cause, prevention, created_at, updated_at, closed_at,"
        " awaiting_reply_since, last_customer_at, paused_since, paused_seconds, resolved_at)"
        " VALUES (" + ", ".join("?" * 23) + ")",
        case_rows,
    )
    conn.executemany("INSERT INTO events VALUES (" + ", ".join("?" * 10) + ")", events)
    conn.executemany(
        "INSERT INTO followup_state (fid, case_id, snoozed_until, snoozed_at, author)"
        " VALUES (?, ?, ?, ?, 'bench')",
        marks,
    )
    for _, sql in indexes:
        conn.execute(sql)
    conn.commit()
    conn.close()
    with open_db(path):  # the migrations after the rows: the search index (m009) and on
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["shopify", "home"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=100_000, help="shopify: rows in the export")
    parser.add_argument("--cases", type=int, default=100_000, help="home: cases in the home")
    parser.add_argument(
        "--open", type=int, default=None, help="home: how many are open (default: a tenth)"
    )
    parser.add_argument(
        "--overdue-only", action="store_true", help="home: open cases came in 2+ days before now"
    )
    parser.add_argument(
        "--now", default="2026-11-24T08:00:00+09:00", help="home: the time it is made for"
    )
    args = parser.parse_args()
    if args.kind == "shopify":
        count = shopify(args.out, args.rows)
        print(f"{count} rows written to {args.out}")
    else:
        now = datetime.fromisoformat(args.now)
        home(args.out, args.cases, now=now, open_cases=args.open, overdue_only=args.overdue_only)
        print(f"a home with {args.cases} cases written to {args.out}")


if __name__ == "__main__":
    main()
