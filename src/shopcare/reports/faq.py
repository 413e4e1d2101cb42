"""FAQ candidates: the phrases that recur in customers' messages across different cases.

The text is read as a customer wrote it, normalised (NFKC, lower case), with the greetings and
closings every mail carries taken out (お世話になっております, はじめてご連絡いたします,
よろしくお願いいたします, thank you, best regards...). It falls into clauses at punctuation,
line breaks, digits and Latin letters; a phrase then is
- Japanese: the end of a clause, 3 to 16 characters long (「まだ届きません」 out of
  「注文した商品がまだ届きません。」): where a customer's sentence lands is what they ask or
  report, where its middle is a fragment (「届きま」, 「注文し」);
- English: 2 to 6 words in a row, without the small words at either end (my, the, to...).
A phrase counts once per case, however often that case's messages hold it, and is a candidate
in MIN_CASES or more different cases. A Japanese phrase must hold a kanji or a katakana
(「ています」 says nothing) and not begin with a particle (を, が, は...). Of two Japanese phrases,
one the end of the other, the longer stands for the shorter where it is in nearly all the
same cases (9 in 10): 「交換をお願いできますか」 rather than 「お願いできますか」 when the customers
who write the one write the other. The list is most cases first (then the longer), and leaves
out a phrase inside (or around) one listed already: "has not arrived" is not listed again
beside "order has not arrived".

Work is bounded: the period's newest MESSAGES messages, TEXT_BUDGET characters of them at most,
and a text that recurs word for word is read once."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

MIN_CASES = 3  # in this many different cases or more
MESSAGES = 1_000  # the period's newest messages read, at most
TEXT_BUDGET = 60_000  # and at most this many characters of them
MESSAGE_TEXT = 2_000  # characters read of each (a long mail's first part asks its question)
SHOWN = 15  # phrases listed
CASE_IDS = 5  # case ids listed with each, newest first
JA_SHORTEST, JA_LONGEST = 3, 16
EN_SHORTEST, EN_LONGEST = 2, 6
NEARLY_ALL = 0.9  # a longer phrase in this share of a shorter one's cases stands for it

STOP_PHRASES = (
    "いつもお世話になっております",
    "お世話になっております",
    "お世話になります",
    "はじめてご連絡いたします",
    "はじめてご連絡します",
    "初めてご連絡いたします",
    "いつもありがとうございます",
    "ご回答ありがとうございます",
    "よろしくお願いいたします",
    "よろしくお願い致します",
    "宜しくお願いいたします",
    "宜しくお願い致します",
    "よろしくお願いします",
    "宜しくお願いします",
    "お願いいたします",
    "お願い致します",
    "お願いします",
    "ありがとうございます",
    "ありがとうございました",
    "お忙しいところ恐れ入りますが",
    "お忙しいところ",
    "恐れ入りますが",
    "恐れ入ります",
    "失礼いたします",
    "失礼します",
    "thank you very much",
    "thank you",
    "thanks",
    "best regards",
    "kind regards",
    "many thanks",
)
PARTICLES = frozenset("をがはにともへのや")  # a phrase does not begin with one
SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "it",
        "its",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "if",
        "so",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "can",
        "could",
        "would",
        "will",
        "should",
        "please",
        "not",
        "no",
        "yes",
        "there",
        "here",
        "what",
        "when",
        "how",
        "which",
        "hi",
        "hello",
        "dear",
    ]
)


class _Patterns:
    """The patterns, compiled on first use: a class of all kanji takes milliseconds to compile,
    which a report of a shop without messages need not pay."""

    def __init__(self) -> None:
        self.stop = re.compile(
            "|".join(map(re.escape, sorted(STOP_PHRASES, key=len, reverse=True)))
        )
        self.spaces = re.compile(r"[ \t]+")
        self.japanese = re.compile(
            r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u3005\u3400-\u4dbf\u4e00-\u9fff]+"
        )
        self.content = re.compile(r"[\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff]")  # kanji, katakana
        self.words = re.compile(r"[a-z0-9]+(?:'[a-z]+)?(?: [a-z0-9]+(?:'[a-z]+)?)*")


_patterns: _Patterns | None = None


def patterns() -> _Patterns:
    global _patterns
    if _patterns is None:
        _patterns = _Patterns()
    return _patterns


class Doc:
    """One case's words: its texts as read, the ends of its Japanese clauses, and its runs of
    English words."""

    __slots__ = ("case_id", "ja", "en", "text")

    def __init__(self, case_id: int) -> None:
        self.case_id = case_id
        self.ja: set[str] = set()
        self.en: list[tuple[str, ...]] = []
        self.text: list[str] = []

    @staticmethod
    def parts(text: str) -> tuple[str, frozenset[str], list[tuple[str, ...]]]:
        """A message as read: its normalised text, the ends of its Japanese clauses (3 to 16
        characters), its runs of English words."""
        found = patterns()
        text = unicodedata.normalize("NFKC", text).lower()
        text = found.stop.sub("\n", found.spaces.sub(" ", text))
        ends = frozenset(
            clause[-length:]
            for clause in found.japanese.findall(text)
            for length in range(JA_SHORTEST, min(len(clause), JA_LONGEST) + 1)
        )
        english = [
            words
            for run in found.words.findall(text)
            if len(words := tuple(run.split())) >= EN_SHORTEST
        ]
        return text, ends, english

    def add(self, parts: tuple[str, frozenset[str], list[tuple[str, ...]]]) -> None:
        text, ends, english = parts
        self.text.append(text)
        self.ja |= ends
        self.en += english


class Read(list):
    """The cases' words (Docs, newest case first), and how many messages they came from."""

    messages = 0


def read_messages(messages: Iterable[tuple[int, str]], budget: int = TEXT_BUDGET) -> Read:
    """The messages (case id, text), newest first, gathered per case (newest case first), until
    budget characters are read. A text that recurs word for word is read once."""
    docs: dict[int, Doc] = {}
    seen: dict[str, tuple] = {}
    read = 0
    count = 0
    for case_id, text in messages:
        if read >= budget:
            break
        text = (text or "")[:MESSAGE_TEXT]
        read += len(text)
        count += 1
        doc = docs.get(case_id)
        if doc is None:
            doc = docs[case_id] = Doc(case_id)
        parts = seen.get(text)
        if parts is None:
            parts = seen[text] = Doc.parts(text)
        doc.add(parts)
    found = Read(docs.values())
    found.messages = count
    return found


def _clause_ends(docs: list[Doc]) -> dict[str, int]:
    """The Japanese candidates: clause ends in MIN_CASES or more cases, with how many, that hold
    a kanji or a katakana and begin with no particle; of two such ends, one the end of the other,
    the shorter is dropped where the longer is in nearly all of its cases."""
    counts: Counter = Counter()
    for doc in docs:
        counts.update(doc.ja)
    content = patterns().content
    found = {
        end: n
        for end, n in counts.items()
        if n >= MIN_CASES and end[0] not in PARTICLES and content.search(end)
    }
    covered = {
        shorter
        for end, n in found.items()
        for start in range(1, len(end) - JA_SHORTEST + 1)
        if (shorter := end[start:]) in found and n >= NEARLY_ALL * found[shorter]
    }
    return {end: n for end, n in found.items() if end not in covered}


def _word_runs(docs: list[Doc]) -> dict[str, int]:
    """The English candidates: runs of EN_SHORTEST to EN_LONGEST words in MIN_CASES or more
    cases, found level by level (a run of n+1 words is looked at only where both runs of n
    inside it recur), the small words at their ends trimmed."""
    runs_of = [doc.en for doc in docs if doc.en]
    found: dict[tuple[str, ...], int] = {}
    starts = [[range(len(run) - EN_SHORTEST + 1) for run in runs] for runs in runs_of]
    length = EN_SHORTEST
    while length <= EN_LONGEST:
        counts: Counter = Counter()
        for runs, places in zip(runs_of, starts, strict=True):
            grams = set()
            for run, at in zip(runs, places, strict=True):
                grams.update(run[i : i + length] for i in at)
            counts.update(grams)
        recurring = {gram: n for gram, n in counts.items() if n >= MIN_CASES}
        if not recurring:
            break
        found.update(recurring)
        following = []
        for runs, places in zip(runs_of, starts, strict=True):
            per_run = []
            for run, at in zip(runs, places, strict=True):
                kept = {i for i in at if run[i : i + length] in recurring}
                per_run.append([i for i in at if i in kept and i + 1 in kept])
            following.append(per_run)
        starts = following
        length += 1
    phrases: dict[str, int] = {}
    for gram, n in found.items():
        start, end = 0, len(gram)
        while start < end and gram[start] in SMALL_WORDS:
            start += 1
        while end > start and gram[end - 1] in SMALL_WORDS:
            end -= 1
        if end - start >= EN_SHORTEST:
            phrase = " ".join(gram[start:end])
            phrases[phrase] = max(n, phrases.get(phrase, 0))
    return phrases


def phrases(docs: list[Doc]) -> list[dict]:
    """The recurring phrases, most cases first (then the longer, then by the phrase), leaving out
    a phrase inside or around one listed already: each with its count of cases and the newest
    few case ids."""
    if not docs:
        return []
    japanese = _clause_ends(docs)
    candidates = japanese | _word_runs(docs)
    ranked = sorted(candidates.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))
    shown: list[dict] = []
    for phrase, count in ranked:
        if any(phrase in other["phrase"] or other["phrase"] in phrase for other in shown):
            continue
        if phrase in japanese:
            ids = [doc.case_id for doc in docs if phrase in doc.ja]
        else:
            ids = [doc.case_id for doc in docs if any(phrase in text for text in doc.text)]
        shown.append({"phrase": phrase, "count": count, "case_ids": ids[:CASE_IDS]})
        if len(shown) == SHOWN:
            break
    return shown
