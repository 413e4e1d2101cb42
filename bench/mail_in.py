"""Mail intake speed, the two figures of ../shared/MAIL.md:

1. one message piped to `shopcare mail in` on a 10,000-case home, side by side with
   `python -c "import typer"` (an MDA runs shopcare once per message): within 1.5x;
2. an mbox of 10,000 messages (Japanese, mixed encodings, a third of them replies to earlier
   ones) taken by `shopcare mail in MBOX` into a new home, side by side with the floor that only
   parses the same mbox with Python's mailbox and email packages: within 2x.

    python bench/mail_in.py [--messages 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import generated_home, side_by_side, work_dir  # noqa: E402
from generate import AGAIN as REPLIES  # noqa: E402  (what customers write again)
from generate import FAMILY, GIVEN, OPENINGS, PRODUCTS  # noqa: E402

JST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=JST)
SHOP = "support@hanamaru.example"
PY = sys.executable

# What a small shop's customers write, in their words: the texts the report and search
# benchmarks read too.
COMPLAINTS = [
    (
        "商品がまだ届きません",
        "{date}に注文した{product}がまだ届きません。発送はいつ頃になりますでしょうか。",
    ),
    (
        "商品が破損していました",
        "本日届いた{product}ですが、箱を開けたところ一部が割れていました。写真を添付します。",
    ),
    (
        "注文と違う商品が届きました",
        "{product}を注文したのですが、違う商品が届きました。交換をお願いできますか。",
    ),
    (
        "返品について",
        "{product}を購入しましたが、イメージと違ったため返品したいと考えています。未使用です。",
    ),
    (
        "請求金額について",
        "{product}の請求金額が、注文時の表示より高くなっているようです。ご確認ください。",
    ),
    ("在庫について", "{product}の再入荷の予定はありますか。プレゼントにしたいと思っています。"),
    ("ギフト包装について", "{product}をギフト包装でお願いしたいのですが、可能でしょうか。"),
    (
        "Order not arrived",
        "I ordered the {product} on {date} and it has not arrived yet. Could you check?",
    ),
]


def _word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset.lower())).decode()}?="


def _message(
    number: int, sender: str, name: str, subject: str, body: str, kind: str, reply_to: str | None
) -> bytes:
    """One message in one of the encodings Japanese clients send."""
    when = NOW - timedelta(days=30) + timedelta(minutes=4 * number)
    charset = {"jis": "ISO-2022-JP", "utf8": "UTF-8", "sjis": "Shift_JIS"}[kind]
    codec = {"jis": "iso2022_jp", "utf8": "utf-8", "sjis": "cp932"}[kind]
    headers = [
        f"From: {_word(name, 'UTF-8' if kind == 'utf8' else 'ISO-2022-JP')} <{sender}>",
        f"To: {SHOP}",
        f"Subject: {_word(subject, 'UTF-8' if kind == 'utf8' else 'ISO-2022-JP')}",
        f"Date: {when.strftime('%a, %d %b %Y %H:%M:%S +0900')}",
        f"Message-ID: <bench.{number}@mail.example.jp>",
        "MIME-Version: 1.0",
    ]
    if reply_to:
        headers += [f"In-Reply-To: <{reply_to}>", f"References: <{reply_to}>"]
    data = body.encode(codec)
    if kind == "jis":
        headers += [
            f"Content-Type: text/plain; charset={charset}",
            "Content-Transfer-Encoding: 7bit",
        ]
        payload = data
    else:
        headers += [
            f"Content-Type: text/plain; charset={charset}",
            "Content-Transfer-Encoding: base64",
        ]
        payload = base64.encodebytes(data)
    return ("\n".join(headers) + "\n\n").encode("ascii") + payload.replace(b"\r\n", b"\n")


def make_mbox(path: Path, messages: int, seed: int = 11) -> None:
    """messages made-up customer mails: two thirds new, one third replies to earlier ones."""
    rng = random.Random(seed)
    earlier: list[tuple[str, str, str, str]] = []  # sender, name, subject, message id
    with path.open("wb") as out:
        for number in range(messages):
            kind = rng.choice(("jis", "jis", "utf8", "sjis"))
            if earlier and number % 3 == 2:
                sender, name, subject, replied = rng.choice(earlier)
                body = rng.choice(REPLIES) + "\n\n> " + subject + "\n"
                raw = _message(number, sender, name, "Re: " + subject, body, kind, replied)
            else:
                name = rng.choice(FAMILY) + " " + rng.choice(GIVEN)
                sender = f"customer{number}@example.jp"
                subject, text = rng.choice(COMPLAINTS)
                product = rng.choice(PRODUCTS)[0]
                date = f"11月{rng.randint(1, 20)}日"
                body = (
                    rng.choice(OPENINGS)
                    + text.format(product=product, date=date)
                    + "\n"
                    + name
                    + "\n"
                )
                if subject.isascii():
                    kind = "utf8"
                raw = _message(number, sender, name, subject, body, kind, None)
                earlier.append((sender, name, subject, f"bench.{number}@mail.example.jp"))
            stamp = (NOW - timedelta(days=30)).strftime("%a %b %d %H:%M:%S %Y")
            out.write(f"From customer@example.jp {stamp}\n".encode("ascii"))
            out.write(raw.replace(b"\nFrom ", b"\n>From "))
            out.write(b"\n\n")


def figures(messages: int, runs: int) -> dict:
    import compileall

    import shopcare

    compileall.compile_dir(Path(shopcare.__file__).parent, quiet=1)  # as an installed package is
    work = work_dir() / "mail"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SHOPCARE_NOW=NOW.isoformat(), SHOPCARE_USER="bench")
    env.pop("SHOPCARE_HOME", None)

    # 1. one message on a 10,000-case home, as an MDA delivers it
    home = generated_home("cases_10k", 10_000, NOW)
    mda_home = work / "mda-home"
    if mda_home.exists():
        shutil.rmtree(mda_home)
    shutil.copytree(home, mda_home)
    one = work / "one.eml"
    counter = iter(range(10**9))

    def new_message() -> None:  # a message not taken before, every run
        n = next(counter)
        one.write_bytes(
            _message(
                n,
                f"mda{n}@example.jp",
                "山田 花子",
                "商品が届きません",
                "11月20日に注文したマグカップがまだ届きません。\n",
                "jis",
                None,
            ).replace(b"bench.", b"mda.")
        )

    single = side_by_side(
        [
            ("import typer", [PY, "-c", "import typer"], None),
            (
                "mail in",
                [PY, "-m", "shopcare", "--home", str(mda_home), "mail", "in"],
                new_message,
                one,
            ),
        ],
        runs=max(runs, 5),
        env=env,
    )
    floor1, shop1 = single["import typer"].median, single["mail in"].median

    # 2. an mbox of many messages into a new home
    mbox = work / f"support_{messages}.mbox"
    if not mbox.exists():
        make_mbox(mbox, messages)
    box_home = work / "mbox-home"

    def new_home() -> None:
        if box_home.exists():
            shutil.rmtree(box_home)
        init = [PY, "-m", "shopcare", "--home", str(box_home), "init", "--email", SHOP]
        subprocess.run(init, check=True, env=env, capture_output=True)
        # the policy cache a shop's home has after its first listing (settings/derived.py):
        # the figure is the intake's, not that one-off build
        warm = [PY, "-m", "shopcare", "--home", str(box_home), "followups"]
        subprocess.run(warm, check=True, env=env, capture_output=True)

    floor_script = Path(__file__).parent / "floor_mail.py"
    many = side_by_side(
        [
            ("floor", [PY, str(floor_script), str(mbox)], None),
            (
                "mail in",
                [PY, "-m", "shopcare", "--home", str(box_home), "mail", "in", str(mbox)],
                new_home,
            ),
        ],
        runs=runs,
        env=env,
    )
    floor2, shop2 = many["floor"].median, many["mail in"].median
    return {
        "one_floor_s": round(floor1, 3),
        "one_shopcare_s": round(shop1, 3),
        "one_ratio": round(shop1 / floor1, 2),
        "mbox_messages": messages,
        "mbox_floor_s": round(floor2, 3),
        "mbox_shopcare_s": round(shop2, 3),
        "mbox_ratio": round(shop2 / floor2, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(figures(args.messages, args.runs), indent=2))


if __name__ == "__main__":
    main()
