"""Full-text search over a shop's cases: what a query means, how texts are compared, how the
matches are ranked and what is shown of each. Plain Python over the rows the store hands over;
the index itself (migration m009, store/sqlite/search.py) lives in the database.

Two forms of a text, on purpose:
- the comparison form (normalise): NFKC, case folded, the characters Japanese systems spell two
  ways made one (〜 and ～), white space collapsed. A case matches a word when the comparison
  form of one of its texts holds the word's: a real substring check, made on every case shown.
- the index form (fold): the comparison form made coarser, never finer: kana without their
  voicing marks (ガ, ｶﾞ and カ are all カ), marks dropped, anything but letters and digits a
  space between words. The index holds the pairs of neighbouring characters (bigrams) within
  the words of each text's index form, each word's last character, and runs of four ASCII
  letters and digits (index_terms); it only narrows the candidates, which the comparison form
  then checks. The index is worked out here, in Python, whoever wrote the text: the
  database's triggers only queue what changed (migration m009).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from shopcare.errors import ShopcareError

if TYPE_CHECKING:
    from datetime import datetime

    from shopcare.domain.categories import Categories
    from shopcare.store.api import Store

# What the index knows a text as, in the order a case's texts are shown and ranked; the index
# stores the position in this tuple with each text (store/sqlite/search.py).
FIELDS = ("summary", "request", "message", "note", "customer", "email", "order", "item")
# A match counts this much for each kind of text it is in: the case's own words first, then
# what the customer wrote, the shop's notes, and last the names and numbers around the case.
WEIGHTS = {
    "summary": 8,
    "request": 5,
    "message": 4,
    "note": 2,
    "customer": 1,
    "email": 1,
    "order": 1,
    "item": 1,
}
SNIPPET_WIDTH = 40  # characters around the match, about
MARKS = ("«", "»")  # around the match in plain text (Japanese shop texts use 【】 themselves)
DEFAULT_LIMIT = 50
MAX_LIMIT = 100_000

# Characters Japanese systems write for the same JIS character (cp932 against the JIS tables:
# 〜 and ～, − and －, — and ―, ‖ and ∥): one character to compare, whichever was typed.
# Invisible format characters (soft hyphen, zero-width space and joiners, BOM) are dropped.
_SAME = str.maketrans(
    {"\u301c": "~", "\u2212": "-", "\u2014": "\u2015", "\u2016": "\u2225"}
    | dict.fromkeys([0xAD, *range(0x200B, 0x2010), *range(0x2060, 0x2065), 0xFEFF])
)
_SPACE_RUNS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


# --- the two forms of a text --------------------------------------------------------------------


def _base(text: str) -> str:
    """What both forms start from: NFKC, case folded (and NFKC again: a folded letter may come
    apart, İ as i and a dot), one spelling for 〜/～ and the like, no format characters."""
    if text.isascii():
        return text.lower()
    wide = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFKC", wide).translate(_SAME)


def normalise(text: str) -> str:
    """The comparison form: NFKC, case folded, one spelling for 〜/～ and the like, invisible
    format characters (a zero-width space) dropped, each run of white space one space."""
    return _SPACE_RUNS.sub(" ", _base(text))


class _IndexForm(dict):
    """str.translate's table from the comparison form to the index form, a character at a time,
    each worked out when first met: letters and digits stay (kana lose their voicing marks:
    が is か, パ is ハ), marks and format characters go, anything else (white space,
    punctuation, symbols) is a space, which separates words."""

    def __missing__(self, point: int) -> str:
        char = chr(point)
        kind = unicodedata.category(char)
        if kind[0] in "LN" or kind in ("Co", "Cn"):
            if 0x3041 <= point <= 0x30FF:
                plain = "".join(
                    c for c in unicodedata.normalize("NFD", char) if c not in "\u3099\u309a"
                )
                char = plain if len(plain) == 1 else char
        elif kind[0] == "M" or kind == "Cf":
            char = ""
        else:
            char = " "
        self[point] = char
        return char


_INDEX_FORM = _IndexForm()


def fold(text: str) -> str:
    """A text's index form: its comparison form with kana voicing marks, other marks and format
    characters dropped and everything but letters and digits a space (ｶﾞﾗｽ, ガラス and カラス
    are all カラス; Ａ is a; ① is 1). Coarser than the comparison form, never finer: whatever
    the check finds, the index finds too."""
    return _base(text).translate(_INDEX_FORM)


_ASCII_RUN = re.compile(r"[0-9a-z]{4,}")


def grams(folded: str) -> list[str]:
    """The terms a search looks up for an index form: the pairs of neighbouring characters
    within its words (a space separates words), but where letters and digits of ASCII run on
    (an order number, an address) the runs of four: a pair of digits is in every order number,
    a run of four in few. Each once, in order."""
    found: list[str] = []
    for word in folded.split(" "):
        inside: set[int] = set()  # where a pair lies wholly in a run of four or more
        for run in _ASCII_RUN.finditer(word):
            found += [run.group()[i : i + 4] for i in range(len(run.group()) - 3)]
            inside.update(range(run.start(), run.end() - 1))
        found += [word[i : i + 2] for i in range(len(word) - 1) if i not in inside]
    return list(dict.fromkeys(found))


def index_terms(text: str) -> set[str]:
    """What the index holds for a text: within each word of its index form, every pair of
    neighbouring characters and the word's last character alone (so that a word of one
    character is found wherever a word ends with it), and every run of four where ASCII
    letters and digits run on."""
    folded = fold(text) + " "
    found = {a + b for a, b in zip(folded, folded[1:], strict=False) if a != " "}
    found = {term.rstrip() for term in found}  # a word's last character: "x " as "x"
    found.discard("")
    for run in _ASCII_RUN.findall(folded):
        found.update(run[i : i + 4] for i in range(len(run) - 3))
    return found


# --- the query ----------------------------------------------------------------------------------


class Term(NamedTuple):
    """A word or a "phrase" of the query: as typed, and in the comparison form."""

    typed: str
    text: str


_QUOTES = str.maketrans({"\uff02": '"', "\u201c": '"', "\u201d": '"'})  # as keyboards type them
_QUERY_HINT = 'give one or more words, or "a phrase" in double quotes: shopcare search 返品 サイズ'


def parse_query(query: str) -> list[Term]:
    """The words and phrases of a query: words are separated by spaces (of either width), a
    phrase is in double quotes. Every one must be found in a case (AND)."""
    typed = query.translate(_QUOTES)
    if typed.count('"') % 2:
        raise ShopcareError('the search opens a " that it does not close', _QUERY_HINT)
    parts: list[str] = []
    for n, part in enumerate(typed.split('"')):
        parts += [part.strip()] if n % 2 else part.split()
    terms = list(
        dict.fromkeys(Term(part, normalise(part).strip()) for part in parts if part.strip())
    )
    if not terms:
        raise ShopcareError("the search is empty", _QUERY_HINT)
    return terms


class Filters(NamedTuple):
    """Which cases a search looks at: statuses (None: all), one category or a group of them,
    and received at or after since (a storage string)."""

    statuses: tuple[str, ...] | None = None
    category: str | None = None
    category_group: str | None = None
    since: str | None = None


def make_filters(
    status: str | None,
    category: str | None,
    since: datetime | None,
    categories: Callable[[], Categories],
) -> Filters:
    """The filters as typed: --status (default all), --category as case list reads it (a code,
    a group, group.*), --since; categories gives the categories in force, asked for only when
    a category is given."""
    from shopcare.clock import to_storage
    from shopcare.domain.cases import STATUSES
    from shopcare.errors import check_choice

    statuses = None
    if status is not None and status != "all":
        statuses = (check_choice("status", status, (*STATUSES, "all")),)
    code = group = None
    if category:
        known = categories()
        prefix = known.check_prefix(category)
        if category.endswith(".*") or prefix not in known:
            group = prefix  # the group and every code under it
        else:
            code = prefix
    return Filters(statuses, code, group, to_storage(since) if since else None)


# --- one case's texts, and what a query finds in them ------------------------------------------


class CaseTexts:
    """A case's searchable texts, in the order they are shown: summary, request, the messages
    and notes (oldest first), the customer's name and e-mail address, the order number, items."""

    __slots__ = ("row", "texts", "normalised")

    def __init__(self, row: dict) -> None:
        self.row = row
        self.texts: list[tuple[str, str]] = []
        self.normalised: list[str] = []  # each text's comparison form, once checked

    def ordered(self) -> list[tuple[str, str, str]]:
        """(kind, text, comparison form), in the order shown (the timeline's kept)."""
        rank = {field: n for n, field in enumerate(FIELDS)}
        texts = [(f, t, n) for (f, t), n in zip(self.texts, self.normalised, strict=True)]
        return sorted(texts, key=lambda text: rank[text[0]])


def _case_texts(store: Store, case_ids: list[int]) -> dict[int, CaseTexts]:
    found: dict[int, CaseTexts] = {}
    for row in store.search_case_texts(case_ids):
        case = found[row["id"]] = CaseTexts(row)
        for field, key in (
            ("summary", "summary"),
            ("request", "request"),
            ("customer", "customer_name"),
            ("email", "customer_email"),
            ("order", "order_number"),
        ):
            if row[key]:
                case.texts.append((field, row[key]))
    for case_id, kind, text in store.search_event_texts(case_ids):
        if case_id in found and text:
            found[case_id].texts.append((kind, text))
    for case_id, name in store.search_item_names(case_ids):
        if case_id in found and name:
            found[case_id].texts.append(("item", name))
    return found


def _score(case: CaseTexts, terms: Sequence[Term]) -> tuple[int, list[str]] | None:
    """What a case scores for the terms (for each term, the weight of each kind of text it is
    found in: summary, messages, ...), and where they were found; None unless every term is
    in one of its texts."""
    score = 0
    where: set[str] = set()
    case.normalised = [normalise(text) for _, text in case.texts]
    normalised = [
        (field, norm) for (field, _), norm in zip(case.texts, case.normalised, strict=True)
    ]
    for term in terms:
        found = {field for field, text in normalised if term.text in text}
        if not found:
            return None
        score += sum(WEIGHTS[field] for field in found)
        where |= found
    return score, [field for field in FIELDS if field in where]


# --- the snippet --------------------------------------------------------------------------------


def _shown(text: str) -> str:
    """Text for a snippet: each run of white space (line breaks too) one space."""
    return _SPACE_RUNS.sub(" ", text)


def _prefix_length(text: str, k: int) -> int:
    return len(normalise(text[:k]))


def _first_at_or_after(text: str, target: int) -> int:
    """The fewest characters of text whose comparison form is at least target long (the
    comparison form of a longer start is never shorter: binary search)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high) // 2
        if _prefix_length(text, middle) >= target:
            high = middle
        else:
            low = middle + 1
    return low


def snippet(
    text: str, terms: Sequence[Term], norm: str | None = None
) -> tuple[str, str, str] | None:
    """About SNIPPET_WIDTH characters of text around the first place a term is found: (before,
    the match, after), in the text's own spelling, with … where it was cut; None if no term is
    found. norm: the text's comparison form, where it is known."""
    if norm is None:
        norm = normalise(text)
    places = [(norm.find(t.text), len(t.text)) for t in terms]
    places = [(at, size) for at, size in places if at >= 0]
    if not places:
        return None
    at, size = min(places)
    if len(norm) == len(text) and normalise(text[at : at + size]) == norm[at : at + size]:
        start, end = at, at + size  # the common case: one character for one
    else:  # where the match is in the text itself: the shortest starts whose forms reach it
        start = max(_first_at_or_after(text, at + 1) - 1, 0)
        end = max(_first_at_or_after(text, at + size), start + 1)
    match = text[start:end]
    room = max(SNIPPET_WIDTH - len(match), 0)
    begin = max(start - room // 2, 0)
    finish = min(end + room - (start - begin), len(text))
    begin = max(min(begin, finish - len(match) - room), 0)  # near the end: more before it
    before = ("…" if begin > 0 else "") + _shown(text[begin:start]).lstrip()
    after = _shown(text[end:finish]).rstrip() + ("…" if finish < len(text) else "")
    return before, _shown(match), after


def marked(parts: tuple[str, str, str] | None) -> str:
    """A snippet as plain text, the match between MARKS."""
    if parts is None:
        return ""
    before, match, after = parts
    return f"{before}{MARKS[0]}{match}{MARKS[1]}{after}"


# --- the search ---------------------------------------------------------------------------------

_BATCH = 1000  # index entries read at a time
_WINDOW = 500  # candidate cases ranked together, at least (and ten times the limit)
_COUNT_CAP = 2000  # entries counted to find a query's rarest term
_CHUNK = 25  # candidate cases whose texts are read at a time


class _Key(NamedTuple):
    """How a word is looked up in the index: all these terms (grams; the first leads), or a
    character that a word of the text starts with (a word of one character)."""

    terms: list[str]
    prefix: str | None


class Found(NamedTuple):
    rows: list[dict]
    more: bool  # more cases match than were shown


def _key(term: Term) -> _Key:
    folded = fold(term.typed)
    looked_up = grams(folded)
    if looked_up:
        return _Key(looked_up, None)
    letters = folded.replace(" ", "")
    if not letters:
        raise ShopcareError(f"{term.typed!r} has no letter or digit to search by", _QUERY_HINT)
    return _Key([], letters[0])


def _leader(store: Store, keys: list[_Key]) -> int:
    """Which word leads the search (its terms are then put rarest first): the word the index
    finds in fewest texts, among those of two characters or more (a one-character word is
    checked on the cases the others find)."""
    pool = [n for n, key in enumerate(keys) if key.terms] or list(range(len(keys)))
    if len(pool) == 1 and len(keys[pool[0]].terms) <= 1:
        return pool[0]
    wanted = list(dict.fromkeys(term for n in pool for term in keys[n].terms))
    counts = dict(zip(wanted, store.search_counts(wanted, _COUNT_CAP), strict=True))
    for n in pool:
        keys[n] = _Key(sorted(keys[n].terms, key=counts.__getitem__), keys[n].prefix)
    return min(pool, key=lambda n: counts[keys[n].terms[0]] if keys[n].terms else 0)


_AT_MOST = sum(WEIGHTS.values())  # what a word found in every kind of text could weigh
_UNKNOWN = 1 << 60  # what a case whose texts the index does not hold yet could weigh


def search(store: Store, query: str, filters: Filters, limit: int = DEFAULT_LIMIT) -> Found:
    """The cases that hold every word and phrase of the query, most relevant first, then the
    newest: one row each (case_id, received_at, status, customer_name, category, snippet as
    (before, match, after), matched_in).

    The index gives the candidates, newest first, and the kinds of text each word was found in
    (the leading word's, then the others' in those cases alone); a window of them (ten times
    the limit, at least 500 cases) is ranked by what those kinds weigh, and a case is checked
    in its own texts (the comparison form) before it is shown. A word found in more cases than
    a window holds is ranked among its most recent ones."""
    terms = parse_query(query)
    keys = [_key(term) for term in terms]
    lead = _leader(store, keys)
    others = [n for n, key in enumerate(keys) if n != lead and key.terms]
    unchecked = len(terms) - 1 - len(others)  # words of one character: not in the index
    window = max(_WINDOW, limit * 10)
    rows: list[dict] = []
    before: int | None = None
    exhausted = left = False
    # texts queued for the index (store/sqlite/search_index.py), not split into terms yet:
    # their cases are candidates of any weight, checked in their texts like the others
    queued: dict[int, list[str]] = {}
    for case_id, _, text in store.search_queued():
        queued.setdefault(case_id, []).append(normalise(text))
    bounds = {
        case_id: _UNKNOWN
        for case_id, texts in queued.items()
        if any(terms[lead].text in text for text in texts)
    }
    while len(rows) < limit and not exhausted:
        while len(bounds) < window and not exhausted:
            hits = store.search_index_hits(keys[lead].terms, keys[lead].prefix, before, _BATCH)
            exhausted = len(hits) < _BATCH
            if not exhausted and hits[0][1] != hits[-1][1]:
                # the last case may go on in the next batch: it is read whole from there
                last = hits[-1][1]
                hits = [hit for hit in hits if hit[1] != last]
            if hits:
                before = hits[-1][0]
            found = _weighed((case_id, field) for _, case_id, field in hits)
            for n in others:  # every other word, in those cases only
                also = _weighed(store.search_index_kinds(keys[n].terms, list(found)))
                found = {
                    case_id: found[case_id] + also[case_id] if case_id in also else _UNKNOWN
                    for case_id in found
                    if case_id in also or case_id in queued
                }
            for case_id, weight in found.items():
                bounds.setdefault(case_id, weight + unchecked * _AT_MOST)
        received = store.search_case_keys(list(bounds), **filters._asdict())
        candidates = [(bounds[case_id], at, case_id) for case_id, at in received.items()]
        bounds = {}
        shown, left = _ranked(store, terms, candidates, limit - len(rows))
        rows += shown
    return Found(rows, left or not exhausted)


def _weighed(found: Iterable[tuple[int, str]]) -> dict[int, int]:
    """case id -> what the kinds of text it was found in weigh (each kind once)."""
    kinds: dict[int, set[str]] = {}
    for case_id, field in found:
        kinds.setdefault(case_id, set()).add(field)
    return {case_id: sum(WEIGHTS[kind] for kind in fields) for case_id, fields in kinds.items()}


def _ranked(
    store: Store, terms: Sequence[Term], candidates: list[tuple[int, str, int]], limit: int
) -> tuple[list[dict], bool]:
    """The best of the candidates (upper bound on score, received_at, id), each checked in its
    texts: a case is shown once its true score is at least what any unchecked one could be.
    Also whether candidates were left (checked or not)."""
    pending = sorted(candidates, reverse=True)
    checked: list[tuple[tuple[int, str, int], CaseTexts, list[str]]] = []
    shown: list[dict] = []
    while len(shown) < limit and (pending or checked):
        checked.sort(key=lambda found: found[0], reverse=True)
        while checked and len(shown) < limit and (not pending or checked[0][0] >= pending[0]):
            _, case, where = checked.pop(0)
            shown.append(_row(case, terms, where))
        if len(shown) >= limit or not pending:
            continue
        chunk, pending = pending[:_CHUNK], pending[_CHUNK:]
        texts = _case_texts(store, [case_id for _, _, case_id in chunk])
        for _, at, case_id in chunk:
            case = texts.get(case_id)
            scored = _score(case, terms) if case else None
            if scored is None:
                continue  # the index's bigrams were there, the words were not
            score, where = scored
            checked.append(((score, at, case_id), case, where))
    return shown, bool(pending or checked)


def _row(case: CaseTexts, terms: Sequence[Term], where: list[str]) -> dict:
    parts = None
    for _, text, norm in case.ordered():
        if any(term.text in norm for term in terms):
            parts = snippet(text, terms, norm)
            break
    row = case.row
    return {
        "case_id": row["id"],
        "received_at": row["received_at"],
        "status": row["status"],
        "customer_name": row["customer_name"],
        "category": row["category"],
        "snippet": parts,
        "matched_in": where,
    }
