"""shopcare templates check: every template, built-in and the shop's, rendered against sample cases.

Four samples, so that every branch of the built-ins is rendered: a complaint (an order with
items and tracking, a named customer, an open promise, several remedies, among them a full
refund with a note), a bare case (no order, no name, nothing promised or offered), an inquiry
(「ギフト包装はできますか」, no order) and a review (a complaint posted as a review, on an order).
The shop's address and the return terms are filled in where config.toml lacks them.
A Japanese mail must come out with no English words left in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from shopcare.errors import ShopcareError
from shopcare.replies.context import base_context, is_inquiry
from shopcare.replies.templates import Templates
from shopcare.settings.config import Config

# Values a template may need from --var, as a shop would give them: the check renders with these.
SAMPLE_VARS = {
    "amount": "3980",
    "answer": "はい、ギフト包装は無料で承っております。",
}
SAMPLE_SHOP = {
    "name": "見本の店",
    "email": "support@shop.example",
    "signature": "――――\n見本の店\nsupport@shop.example\n――――",
    "address": "〒150-0001 東京都渋谷区神宮前1-2-3",
    "return_address": "〒150-0001 東京都渋谷区神宮前1-2-3 見本の店 返品係",
}
# No return policy declared: the mail-order law's terms
SAMPLE_RETURNS = {
    "declared_policy": False,
    "window_days": 8,
    "customer_pays_shipping": True,
    "transit_days": 2,
    "estimated": False,
    "open": True,
}
# an e-mail address, or a run of ASCII letters, digits and the marks codes use (MUG-AI, #1042,
# don't): each is a token, judged whole
_TOKEN = re.compile(r"[\w.+-]+@[\w.-]+|[A-Za-z0-9#][A-Za-z0-9#'-]*")


@dataclass
class CheckResult:
    name: str
    lang: str
    origin: str
    error: str | None


def _case(**fields) -> dict:
    fields["is_inquiry"] = is_inquiry(fields["category"])
    return fields


def samples(now: datetime, tz: tzinfo, lang: str) -> list[dict]:
    local = now.astimezone(tz)
    label = {"ja": "商品の破損", "en": "Damaged product"}[lang]
    order = {
        "number": "123456-20261118-00000101",
        "mall": "rakuten",
        "ordered_at": local - timedelta(days=6),
        "shipped_at": local - timedelta(days=4),
        "total": 6820,
        "currency": "JPY",
        "status": "発送済",
        "carrier": "ヤマト運輸",
        "tracking_number": "492155382206",
        "items": [
            {"name": "有田焼 小皿", "sku": "ARITA-5", "quantity": 1, "price": 4400},
            {"name": "ほうじ茶", "sku": None, "quantity": 2, "price": 1210},
        ],
    }
    remedies = [
        {
            "kind": "reship",
            "note": "割れた1枚を本日発送",
            "items": [{"name": "有田焼 小皿", "sku": "ARITA-5", "quantity": 1, "price": 4400}],
            "full": False,
        },
        {"kind": "return_label", "full": False},
        {"kind": "partial_refund", "amount": 500, "full": False},
        {"kind": "refund", "amount": 6820, "note": "カードへ返金", "full": True},
        {"kind": "points", "amount": 100, "full": False},
        {"kind": "coupon", "amount": 500, "full": False},
        {"kind": "replacement", "full": False},
        {"kind": "apology_only", "full": False},
    ]
    full = {
        "case": _case(
            id=101,
            channel="email",
            summary="届いた小皿が1枚割れていた {{ 7*7 }}",
            request="交換してほしい",
            category="quality.damaged",
            category_label=label,
            priority="high",
            status="open",
            fault="carrier",
            received_at=local - timedelta(hours=20),
        ),
        "customer": {"name": "山田 花子", "email": "hanako@example.jp"},
        "order": order,
        "order_number": order["number"],
        "promise": {"due_at": local + timedelta(days=1), "text": "交換品の発送日を連絡する"},
        "remedies": remedies,
        "remedy": remedies[-1],
        "refund": remedies[3],
    }
    bare = {
        "case": _case(
            id=102,
            summary="問い合わせ",
            category="other",
            category_label={"ja": "その他", "en": "Other"}[lang],
            priority="normal",
            status="new",
            fault="unknown",
            received_at=local - timedelta(hours=1),
        ),
        "customer": {},
        "order": None,
        "order_number": None,
        "promise": None,
        "remedies": [],
        "remedy": None,
        "refund": None,
    }
    inquiry = {
        "case": _case(
            id=103,
            channel="form",
            summary="ギフト包装はできますか",
            category="inquiry.product",
            category_label={"ja": "商品についてのお問い合わせ", "en": "Product question"}[lang],
            priority="normal",
            status="new",
            fault="unknown",
            received_at=local - timedelta(hours=3),
        ),
        "customer": {"name": "田中 陽子", "email": "yoko@example.jp"},
        "order": None,
        "order_number": None,
        "promise": {"due_at": local + timedelta(hours=6), "text": "包装の可否を回答する"},
        "remedies": [],
        "remedy": None,
        "refund": None,
    }
    review = {
        "case": _case(
            id=104,
            channel="review",
            summary="箱がつぶれて届きました。星1つです",
            category="delivery.damaged",
            category_label={"ja": "配送中の破損", "en": "Damaged in transit"}[lang],
            priority="high",
            status="new",
            fault="carrier",
            customer_name="佐藤 美咲",
            customer_email="misaki@example.jp",
            order_number=order["number"],
            mall="rakuten",
            received_at=local - timedelta(hours=5),
        ),
        "customer": {"name": "佐藤 美咲", "email": "misaki@example.jp"},
        "order": order,
        "order_number": order["number"],
        "promise": None,
        "remedies": remedies[:1],
        "remedy": remedies[0],
        "refund": None,
    }
    return [full, bare, inquiry, review]


def english_left(text: str, context: dict) -> list[str]:
    """English words in a Japanese mail, whole, once the sample's own values are taken out:
    a word with a lower-case letter (Thanks, shopping); an e-mail address, a code in capitals
    and digits (SKU MUG-AI, #1042) or a number is not one."""
    for value in _values(context):
        text = text.replace(value, " ")
    words = []
    for token in _TOKEN.findall(text):
        if "@" in token or not any(ch.islower() for ch in token):
            continue
        if len(re.findall(r"[A-Za-z]", token)) >= 2:
            words.append(token)
    return words


def _first_line_of(words: list[str], source: Path) -> int | None:
    """The first line of the template file where one of the words is written."""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    patterns = [re.compile(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])") for word in words]
    for number, line in enumerate(lines, start=1):
        if any(pattern.search(line) for pattern in patterns):
            return number
    return None


def _values(context) -> list[str]:
    found: list[str] = []
    if isinstance(context, dict):
        for value in context.values():
            found += _values(value)
    elif isinstance(context, list):
        for value in context:
            found += _values(value)
    elif isinstance(context, str):
        found.append(context)
    return sorted(found, key=len, reverse=True)


def check_all(home: Path, config: Config, tz: tzinfo, now: datetime) -> list[CheckResult]:
    templates = Templates(home, config, now=now)
    base = base_context(config, tz, now, SAMPLE_VARS)
    base["shop"] = {
        key: config_value or SAMPLE_SHOP[key]
        for key, config_value in (
            ("name", config.shop_name),
            ("email", config.shop_email),
            ("signature", config.signature),
            ("address", config.shop_address),
            ("return_address", config.return_address),
        )
    }
    base["returns"] = SAMPLE_RETURNS | {"last_day": now.astimezone(tz).date() + timedelta(days=5)}
    results = []
    for entry in templates.available():
        for lang, origin in sorted(entry["langs"].items()):
            results.append(
                CheckResult(
                    entry["name"],
                    lang,
                    origin,
                    _check_one(templates, entry["name"], lang, base, now, tz),
                )
            )
    return results


def _check_one(
    templates: Templates, name: str, lang: str, base: dict, now: datetime, tz: tzinfo
) -> str | None:
    for sample in samples(now, tz, lang):
        context = base | sample
        try:
            rendered = templates.render(name, lang, context)
        except ShopcareError as exc:
            return exc.message
        if "割れていた 49" in rendered.body:  # the sample's summary holds {{ 7*7 }}
            return "customer text was evaluated as a template"
        if lang == "ja":
            leftover = english_left(rendered.subject + "\n" + rendered.body, context)
            if leftover:
                words = sorted(set(leftover))
                line = _first_line_of(words, rendered.source)
                where = f"{rendered.source}:{line}" if line else str(rendered.source)
                quoted = ", ".join(f"'{word}'" for word in words)
                return f"{where}: English left in a Japanese mail: {quoted}"
    return None
