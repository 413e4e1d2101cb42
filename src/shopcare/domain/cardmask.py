"""Payment-card numbers never reach the database: they are masked on the way in.

A number of 13 to 19 digits that passes the Luhn check keeps its first 6 and last 4 digits.
It may be written unbroken, or in the groups cards print (4-4-4-4, 4-6-5, 4-6-4) with any of
the separators people type between them: one or more spaces, a no-break or ideographic space,
a hyphen or dash (-, ー, －, ‐, −), a dot, a slash, a tab or a line break; in ASCII or
full-width digits. Order numbers (503-1234567-1234567, 123456-20261118-00000321) and phone
numbers are not card-shaped and are left alone.
"""

from __future__ import annotations

import re

from shopcare.patterns import LazyPattern

# full-width digits as ASCII: the same length, so positions carry over
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SEPARATORS = " \u00a0\u3000\t\n\r-\u30fc\uff0d\u2010\u2011\u2012\u2013\u2014\u2212./\uff0e\uff0f"
# a group of digits, then (separator run, group) pairs: up to three separator characters
# between two groups ("4111 - 1111", "4111\u3000\u30001111")
_SEP = "[" + re.escape(_SEPARATORS) + "]{1,3}"
_GROUP = LazyPattern(r"[0-9]+")
_RUN = LazyPattern(r"[0-9]+(?:" + _SEP + r"[0-9]+)*")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _card_shaped(groups: list[int]) -> bool:
    """Unbroken, or grouped as cards print (4-4-4-4, 4-6-5): not 503-1234567-1234567."""
    if len(groups) == 1:
        return True
    if groups[:2] == [4, 6] and len(groups) == 3:
        return groups[2] in (4, 5)
    return all(n == 4 for n in groups[:-1]) and 1 <= groups[-1] <= 4


def _cards_in(probe: str):
    """(start, end) of each card number in probe: within each run of digit groups, the longest
    card that starts at a group, left to right."""
    for run in _RUN.finditer(probe):
        groups = [
            (m.start() + run.start(), m.end() + run.start()) for m in _GROUP.finditer(run.group())
        ]
        i = 0
        while i < len(groups):
            found = None
            digits = ""
            for j in range(i, len(groups)):
                digits += probe[groups[j][0] : groups[j][1]]
                if len(digits) > 19:
                    break
                lengths = [end - start for start, end in groups[i : j + 1]]
                if len(digits) >= 13 and _card_shaped(lengths) and luhn_ok(digits):
                    found = j
            if found is None:
                i += 1
                continue
            yield groups[i][0], groups[found][1]
            i = found + 1


# What every card number holds in one of its printed shapes: 13 digits unbroken, four then
# six then four (4-6-4, 4-6-5), or four, four, four and one more (4-4-4-4 and the shorter
# cards), where between two groups stand one to three other characters (a superset of the
# separators above). A text without one (most names, addresses, dates and order numbers) is
# passed over in one regex search; `2026 08:04:00 +0900`, in every mail's Date header, is not
# card-shaped and costs no closer look.
_D = "[0-9０-９]"
_NOT_D = "[^0-9０-９]{1,3}"
_MAYBE_CARD = re.compile(
    f"{_D}{{13}}|{_D}{{4}}{_NOT_D}{_D}{{4}}(?:{_NOT_D}{_D}{{4}}{_NOT_D}{_D}|{_D}{{2}}{_NOT_D}{_D}{{4}})"
)


may_hold_card = _MAYBE_CARD.search  # for a hot loop: a text it finds nothing in holds no card


def mask_cards(text: str) -> tuple[str, int]:
    """text with every card number masked, and how many were masked."""
    if not text or _MAYBE_CARD.search(text) is None:
        return text, 0
    probe = text.translate(_DIGITS)
    out = list(text)
    count = 0
    for start, end in _cards_in(probe):
        positions = [i for i in range(start, end) if "0" <= probe[i] <= "9"]
        for i in positions[6:-4]:
            out[i] = "*"
        count += 1
    return ("".join(out), count) if count else (text, 0)


def mask_value(value):
    """A value on its way into the store with every card number in it masked: a text, or the
    texts inside a dict or list (an event's data). Other values pass as they are."""
    if isinstance(value, str):
        return mask_cards(value)[0]
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    return value
