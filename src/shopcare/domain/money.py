"""Amounts of money as people type them: 1500, 1,500, 1500円, ¥1,500, full-width digits.

One parser serves every place an amount comes in (remedy --amount, --var amount=), so that
they all read the same text the same way and refuse the same nonsense.
"""

import re
import unicodedata

from shopcare.errors import ShopcareError

# Whole yen, with or without thousands separators, a yen sign before or 円 after; at most
# 13 digits, so that no absurd number is ever turned into an int.
_YEN = re.compile(r"^[¥\\]?\s*(\d{1,3}(?:,\d{3}){1,4}|\d{1,13})\s*円?$")
MAX_YEN = 10**12  # a trillion yen: any amount above it is a typing mistake, not a remedy
# the remedies that give money back
REFUND_KINDS = ("refund", "partial_refund")
AMOUNT_HINT = "give whole yen, such as 1500, 1,500, 1500円 or ¥1,500"


def parse_yen(text: str | int, what: str = "amount") -> int:
    """A positive whole amount of yen, from what a person typed; anything else is an error that
    says what was read."""
    if isinstance(text, bool):
        raise ShopcareError(f"{what} {text!r} is not an amount of yen", AMOUNT_HINT)
    if isinstance(text, int):
        value = text
    else:
        # full-width digits, comma and yen sign (１，５００円, ￥1,500) read as their ASCII forms
        normal = unicodedata.normalize("NFKC", str(text)).strip().replace("￥", "¥")
        # a minus sign before an amount (-500, −500, ¥-500): read it, to say it is not above 0
        sign = -1 if normal[:1] in ("-", "\u2212") else 1
        match = _YEN.match(normal[1:].strip() if sign < 0 else normal)
        if not match:
            shown = str(text) if len(str(text)) <= 40 else str(text)[:40] + "..."
            raise ShopcareError(f"{what} {shown!r} is not an amount of yen", AMOUNT_HINT)
        value = sign * int(match.group(1).replace(",", ""))
    if value <= 0:
        raise ShopcareError(f"{what} must be more than 0 yen, not {value:,}", AMOUNT_HINT)
    if value > MAX_YEN:
        raise ShopcareError(f"{what} {value:,} yen is beyond any order", AMOUNT_HINT)
    return value
