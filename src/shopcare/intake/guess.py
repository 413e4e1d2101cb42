"""The category of a new case from mail, guessed from its words by the policy's [[intake]]
lists: the category whose words the mail holds most of; a tie goes to the one listed first."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple


class Guess(NamedTuple):
    category: str
    words: list[str]  # the words found, as the policy lists them


def _plain(text: str) -> str:
    """Width and case folded: ｶﾀｶﾅ and ＡＢＣ read as カタカナ and abc."""
    return unicodedata.normalize("NFKC", text).casefold()


def _finder(word: str):
    """An English word matches whole words only ("late" is not in "chocolate"); any other
    word, as a part of the text (Japanese has no spaces). The whole-word pattern is made only
    for a text that holds the word at all: most mail holds few of the lists' English words."""
    plain = _plain(word)
    if not plain.isascii():
        return lambda text: plain in text

    @functools.cache
    def pattern() -> re.Pattern:
        return re.compile(rf"(?<![a-z0-9]){re.escape(plain)}(?![a-z0-9])")

    return lambda text: plain in text and pattern().search(text) is not None


class Guesser:
    """The policy's intake lists ((category, words), in order), made ready once for many
    mails."""

    def __init__(self, entries: Iterable[tuple[str, list[str]]]) -> None:
        self._lists = [
            (category, [(word, _finder(word)) for word in words]) for category, words in entries
        ]

    def guess(self, subject: str, text: str) -> Guess | None:
        haystack = _plain(f"{subject}\n{text}")
        best: Guess | None = None
        for category, words in self._lists:
            found = [word for word, finds in words if finds(haystack)]
            if found and (best is None or len(found) > len(best.words)):
                best = Guess(category, found)
        return best
