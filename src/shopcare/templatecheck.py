"""shopcare templates check: every template, built-in and the shop's, rendered against sample cases.

Two samples: a full one (an order with items and tracking, a named customer, an
open promise, a remedy) and a bare one (no order, no name, nothing promised).
A Japanese mail must come out with no English words left in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from shopcare.config import Config
from shopcare.errors import ShopcareError
from shopcare.replies import Templates, base_context

# Values a template may need from --var, as a shop would give them: the check renders with these.
SAMPLE_VARS = {
    "return_address": "〒150-0001 東京都渋谷区神宮前1-2-3 返品係",
    "amount": "3980",
}
SAMPLE_SHOP = {
    "name": "見本の店",
    "email": "support@shop.example",
    "signature": "――――\n見本の店\nsupport@shop.example\n――――",
}
# ASCII that may stand in a Japanese mail: e-mail addresses, numbers, SKUs and the like are removed first.
_ALLOWED_ASCII = re.compile(r"[\w.+-]+@[\w.-]+|[A-Z0-9#][A-Z0-9#-]*|\d+")
_ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass
class CheckResult:
    name: str
    lang: str
    origin: str
    error: str | None


def samples(now: datetime, tz: tzinfo, lang: str) -> list[dict]:
    local = now.astimezone(tz)
    label = {"ja": "商品の破損", "en": "Damaged product"}[lang]
    full = {
        "case": {
            "id": 101,
            "summary": "届いた小皿が1枚割れていた {{ 7*7 }}",
            "request": "交換してほしい",
            "category": "quality.damaged",
            "category_label": label,
            "priority": "high",
            "status": "open",
            "fault": "carrier",
            "received_at": local - timedelta(hours=20),
        },
        "customer": {"name": "山田 花子", "email": "hanako@example.jp"},
        "order": {
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
        },
        "order_number": "123456-20261118-00000101",
        "promise": {"due_at": local + timedelta(days=1), "text": "交換品の発送日を連絡する"},
        "remedy": {"kind": "replacement"},
    }
    bare = {
        "case": {
            "id": 102,
            "summary": "問い合わせ",
            "category": "other",
            "category_label": {"ja": "その他", "en": "Other"}[lang],
            "priority": "normal",
            "status": "new",
            "fault": "unknown",
            "received_at": local - timedelta(hours=1),
        },
        "customer": {},
        "order": None,
        "order_number": None,
        "promise": None,
        "remedy": None,
    }
    return [full, bare]


def english_left(text: str, context: dict) -> list[str]:
    """English words in a Japanese mail, once the sample's own values are taken out."""
    for value in _values(context):
        text = text.replace(value, " ")
    text = _ALLOWED_ASCII.sub(" ", text)
    return _ENGLISH_WORD.findall(text)


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
    templates = Templates(home, config)
    base = base_context(config, tz, now, SAMPLE_VARS)
    base["shop"] = {
        key: config_value or SAMPLE_SHOP[key]
        for key, config_value in (
            ("name", config.shop_name),
            ("email", config.shop_email),
            ("signature", config.signature),
        )
    }
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
                return f"English left in a Japanese mail: {', '.join(sorted(set(leftover)))} ({rendered.source})"
    return None
