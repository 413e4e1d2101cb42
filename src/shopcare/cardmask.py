"""Payment-card numbers never reach the database: they are masked on the way in.

A run of 13 to 19 digits (spaces or hyphens between groups, full-width digits
too) that passes the Luhn check keeps its first 6 and last 4 digits.
"""

from __future__ import annotations

import re

_FULLWIDTH = str.maketrans("０１２３４５６７８９－　", "0123456789- ")
_RUN = re.compile(r"[0-9](?:[ -]?[0-9])*")
_PIECE = re.compile(r"[0-9](?:-?[0-9])*")
_SEPARATOR = re.compile(r"[ -]")


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


def _card_shaped(run: str) -> bool:
    """Unbroken, or grouped as cards print (4-4-4-4, 4-6-5): not 503-1234567-1234567."""
    groups = [len(g) for g in _SEPARATOR.split(run)]
    if len(groups) == 1:
        return True
    if groups[:2] == [4, 6] and len(groups) == 3:
        return groups[2] in (4, 5)
    return all(n == 4 for n in groups[:-1]) and 1 <= groups[-1] <= 4


def _is_card(run: str) -> bool:
    digits = _SEPARATOR.sub("", run)
    return 13 <= len(digits) <= 19 and _card_shaped(run) and luhn_ok(digits)


def _cards_in(probe: str):
    """(start, end) of each card number: a whole run of digits, else its space-separated pieces."""
    for run in _RUN.finditer(probe):
        if _is_card(run.group()):
            yield run.start(), run.end()
            continue
        for piece in _PIECE.finditer(run.group()):
            if _is_card(piece.group()):
                yield run.start() + piece.start(), run.start() + piece.end()


def mask_cards(text: str) -> tuple[str, int]:
    """text with every card number masked, and how many were masked."""
    if not text:
        return text, 0
    probe = text.translate(_FULLWIDTH)  # same length: positions carry over
    out = list(text)
    count = 0
    for start, end in _cards_in(probe):
        positions = [i for i in range(start, end) if probe[i].isdigit()]
        for i in positions[6:-4]:
            out[i] = "*"
        count += 1
    return ("".join(out), count) if count else (text, 0)
