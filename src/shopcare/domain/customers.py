"""Customers: the person behind cases and orders, known by e-mail address.

A mall's relay address (Rakuten's あんしんメルアド, Amazon's marketplace relay)
identifies a buyer within that mall only; shopcare treats each address as one
customer and never guesses that two addresses are the same person.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from shopcare.clock import to_storage
from shopcare.errors import NotFound, ShopcareError
from shopcare.patterns import LazyPattern

if TYPE_CHECKING:
    from shopcare.store.api import Store

# One @, a dot in the domain, no whitespace (\s is Unicode's: CR, LF, U+2028, U+0085, \v, \f
# and \x1c-\x1f included) and no other control character: an address goes into mail headers.
_EMAIL = LazyPattern(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")


def check_email(email: str, example: str = "--email hanako@example.jp") -> str:
    """An address as typed (spaces around it dropped, its case kept), or an error."""
    value = email.strip()
    if not _EMAIL.match(value):
        raise ShopcareError(f"{email!r} is not an e-mail address", f"for example {example}")
    return value


def normalise_email(email: str) -> str:
    """An address as a customer's key: checked, and in lower case."""
    return check_email(email).lower()


def email_or_none(email: str | None) -> str | None:
    """An address from an import: normalised if it is one, else None (masked or blank cells)."""
    if not email:
        return None
    value = email.strip().lower()
    return value if _EMAIL.match(value) else None


def find_or_add_customer(
    store: Store, now: datetime, email: str | None, name: str | None
) -> int | None:
    """The customer with this e-mail address (created if new); a name-only customer otherwise."""
    from shopcare.domain.cardmask import mask_value

    email, name = mask_value(email), mask_value(name)
    if email:
        row = store.find_customer_by_email(email)
        if row:
            if name and not row["name"]:
                store.update_customer_columns(row["id"], {"name": name})
            return row["id"]
    elif not name:
        return None
    return store.add_customer(email, name, to_storage(now))


def get_customer(store: Store, key: str) -> dict:
    """A customer by e-mail address or by id."""
    from shopcare.domain.ids import is_id

    key = key.strip()
    if is_id(key):
        row = store.customer_row(int(key))
    elif "@" in key:
        row = store.find_customer_by_email(normalise_email(key))
    else:
        raise ShopcareError(
            f"{key!r} is neither an e-mail address nor a customer id",
            "shopcare customer show hanako@example.jp",
        )
    if row is None:
        raise NotFound(
            f"no customer {key}",
            "customers appear when a case names them or an order export is imported",
        )
    return row


LANGS = ("ja", "en")
# Hiragana, katakana, CJK ideographs, half-width katakana: a text with any of them is not
# English-only; one with a few words of Latin letters and none of these is. (Checked by
# comparison, not a regular expression: compiling a class of 27,000 ideographs costs 3 ms, a
# tenth of what a mail system's delivery of one message may take.)
_JAPANESE_RANGES = (
    ("\u3040", "\u30ff"),
    ("\u3400", "\u9fff"),
    ("\uf900", "\ufaff"),
    ("\uff66", "\uff9f"),
)
_WORDS = LazyPattern(r"[A-Za-z]{2,}")


def has_japanese(text: str) -> bool:
    if text.isascii():
        return False
    return any(low <= ch <= high for ch in text if ch >= "\u3040" for low, high in _JAPANESE_RANGES)


def looks_english(text: str | None) -> bool:
    """True for a customer's text in English alone: three words or more, no Japanese script,
    and mostly letters (an order number or a stray code is not a language)."""
    if not text or has_japanese(text):
        return False
    words = _WORDS.findall(text)
    visible = sum(1 for ch in text if not ch.isspace())
    return len(words) >= 3 and sum(map(len, words)) >= 0.6 * visible


def language_of(store: Store, customer_id: int | None) -> str | None:
    if customer_id is None:
        return None
    row = store.customer_row(customer_id)
    return row["lang"] if row else None


def note_language(
    store: Store, customer_id: int | None, lang: str | None, text: str | None
) -> str | None:
    """Remember a customer's language, inside the caller's transaction: the one given (it
    replaces what was known), else English where none is known and they wrote in English
    alone. Returns the language set, or None where nothing changed."""
    if customer_id is None:
        return None
    if lang is None:
        if language_of(store, customer_id) is not None or not looks_english(text):
            return None
        lang = "en"
    store.update_customer_columns(customer_id, {"lang": lang})
    return lang


def languages_of(
    store: Store, case_ids: list[int], order_ids: list[int]
) -> dict[tuple[int | None, int | None], str]:
    """The language known for each case's customer and each order's: (case_id, None) or
    (None, order_id) -> ja or en; those without one are left out."""
    found: dict[tuple[int | None, int | None], str] = {
        (case_id, None): lang for case_id, lang in store.case_customer_languages(case_ids).items()
    }
    for order_id, lang in store.order_customer_languages(order_ids).items():
        found[(None, order_id)] = lang
    return found
