"""Case categories: dotted codes with a Japanese and an English label.

The built-ins below are what small shops see (DOMAIN.md section 1); a shop adds
its own in a policy file. Priority, when not given, follows the category.
"""

from typing import NamedTuple

from shopcare.errors import ShopcareError


class Category(NamedTuple):
    code: str
    ja: str
    en: str
    priority: str | None = (
        None  # a shop's own category says its priority; built-ins follow the prefix
    )

    def label(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    @property
    def default_priority(self) -> str:
        if self.priority:
            return self.priority
        return "high" if self.code.startswith(HIGH_PRIORITY_PREFIXES) else "normal"


HIGH_PRIORITY_PREFIXES = (
    "delivery.",
    "quality.damaged",
    "quality.defective",
    "payment.",
    "privacy.",
)

BUILT_IN: tuple[Category, ...] = (
    Category("quality.damaged", "商品の破損", "Damaged product"),
    Category("quality.defective", "初期不良", "Defective product"),
    Category("quality.not_as_pictured", "写真・説明との相違", "Not as pictured"),
    Category("quality.malfunction", "動作不良", "Does not work"),
    Category("delivery.not_arrived", "商品の未着", "Not arrived"),
    Category("delivery.late", "配送の遅れ", "Late delivery"),
    Category("delivery.damaged", "配送中の破損", "Damaged in transit"),
    Category("delivery.wrong_item", "誤配送(商品違い)", "Wrong item delivered"),
    Category("delivery.wrong_address", "お届け先の誤り", "Wrong address"),
    Category("payment.wrong_amount", "請求金額の誤り", "Wrong amount charged"),
    Category("payment.unauthorized", "身に覚えのない請求", "Charge not made by the customer"),
    Category("payment.method", "お支払い方法のトラブル", "Payment method trouble"),
    Category("support.slow", "対応の遅さ", "Slow answer"),
    Category("support.insufficient", "説明・対応の不足", "Insufficient answer"),
    Category("support.rude", "スタッフの応対", "Rude staff"),
    Category("privacy.leak", "個人情報の漏えい", "Personal data leaked"),
    Category("privacy.card_misuse", "カードの不正利用", "Card misused"),
    Category("inquiry.product", "商品についてのお問い合わせ", "Product question"),
    Category("inquiry.campaign", "キャンペーン・割引", "Campaign or discount"),
    Category("inquiry.order_change", "ご注文内容の変更", "Order change"),
    Category("inquiry.return", "返品・返金", "Return or refund"),
    Category("inquiry.repair", "修理のご相談", "Repair"),
    Category("other", "その他", "Other"),
)


class Categories:
    """The categories in force: the built-ins plus the shop's own."""

    def __init__(self, extra: tuple[Category, ...] = ()) -> None:
        self._by_code = {c.code: c for c in BUILT_IN}
        for category in extra:
            self._by_code[category.code] = category

    def __iter__(self):
        return iter(self._by_code.values())

    def __contains__(self, code: str) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Category:
        category = self._by_code.get(code)
        if category is None:
            raise ShopcareError(f"unknown category {code!r}", self.hint_for(code))
        return category

    def label(self, code: str, lang: str) -> str:
        category = self._by_code.get(code)
        return category.label(lang) if category else code

    def hint_for(self, code: str) -> str:
        import difflib

        close = difflib.get_close_matches(code, list(self._by_code), n=3, cutoff=0.5)
        if close:
            return "did you mean " + " or ".join(close) + "? (shopcare categories lists them all)"
        groups = sorted({c.split(".")[0] for c in self._by_code})
        return (
            "categories are dotted codes in "
            + ", ".join(groups)
            + " (shopcare categories lists them all)"
        )

    def check_prefix(self, prefix: str) -> str:
        """A --category filter: an exact code, a group (delivery) or a group.* pattern."""
        group = prefix[:-2] if prefix.endswith(".*") else prefix
        if group in self._by_code or any(c.startswith(group + ".") for c in self._by_code):
            return group
        raise ShopcareError(f"unknown category {prefix!r}", self.hint_for(group))


CATEGORIES = Categories()  # the built-ins alone, for code that needs no shop's own
