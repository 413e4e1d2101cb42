"""Personal data replaced with stable tokens, for an export that leaves the shop (SAFETY.md):
names, e-mail addresses, phone numbers, postal codes and addresses, tracking numbers.

A token says what was there and which one it was: `[name-3]`, `[email-3]`, `[phone-1]`,
`[postcode-1]`, `[address-1]`, `[tracking-1]`. Numbers are given in the order an export meets
the values, never derived from them (a hash of an e-mail address can be guessed back by
hashing likely addresses): they mean nothing outside the one export. The same value gets the
same token everywhere in it, and a customer's name and e-mail address share their number.

What is found, in the structured fields and inside every free text:
- the names the shop knows (customers', and the names on their orders): whole, with or without
  the space between family and given name, or in the other order; each part of one followed by
  an honorific (様, さん, 殿, ...) or after Mr/Ms/Dear; and in a customer's own case, their
  family name alone (「佐藤です」; in a name in Latin letters, any part of three letters or
  more). A name nobody recorded is found only by these shapes: a stranger's bare name is not.
- e-mail addresses; Japanese phone numbers (0X-XXXX-XXXX, 090..., 0120..., +81, with spaces,
  dashes or brackets, or none); postal codes (〒, 郵便番号, NNN-NNNN); addresses (a prefecture
  followed by a city, ward, district, town or village and what follows it: town, block numbers,
  a building; or a city or ward followed by block numbers); tracking numbers (the shop's own,
  12-digit ones, and international post's AB123456789JP).
Every text is matched in a folded copy (NFKC, lower case, every dash as "-", invisible format
characters dropped), so full-width digits and letters are found too; the token replaces the
characters as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# the fields that hold personal data whole, wherever they are (a case, an order)
NAME_KEYS = frozenset({"customer_name"})
# (a mail's Message-ID, in its event's data, whole: its right side need not look like a
# domain, DESKTOP-YOKO)
EMAIL_KEYS = frozenset({"customer_email", "message_id"})
TRACKING_KEYS = frozenset({"tracking_number"})
# fields of the shop's own vocabulary, kept as they are (times, ids and numbers are too)
KEEP_KEYS = frozenset(
    {
        "id",
        "case_id",
        "kind",
        "note_kind",
        "channel",
        "mall",
        "category",
        "category_label",
        "priority",
        "fault",
        "lang",
        "currency",
    }
)

HONORIFICS = ("様", "さま", "さん", "サン", "殿", "氏", "くん", "君", "ちゃん", "先生")
TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "dear")
SEPARATORS = " \t\u3000・"  # between family and given name (・ in katakana names)

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー－﹣ｰ─━", "-"))
# invisible characters that would split a name or a number without being seen
_FORMAT = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def fold(text: str) -> tuple[str, list[int] | None]:
    """text as it is matched (NFKC, lower case, dashes as '-', no invisible format characters),
    and where each of its characters came from in text (None: from the same place)."""
    if text.isascii():
        return text.lower(), None
    low = text.lower()
    if len(low) == len(text) and unicodedata.is_normalized("NFKC", low) and not _FORMAT.search(low):
        return low.translate(_DASHES), None
    pieces: list[str] = []
    starts: list[int] = []
    for index, char in enumerate(text):
        if _FORMAT.match(char):
            continue
        piece = unicodedata.normalize("NFKC", char).lower().translate(_DASHES)
        pieces.append(piece)
        starts.extend([index] * len(piece))
    return "".join(pieces), starts


def _plain(text: str) -> str:
    """A value's key: folded, without spaces (the same name typed with or without them)."""
    folded = fold(text)[0]
    return "".join(folded.split()).replace("・", "")


def _parts(name: str) -> list[str]:
    """A name's parts, folded, without an honorific written after it (佐藤 美咲 様)."""
    folded = fold(name)[0]
    for separator in SEPARATORS:
        folded = folded.replace(separator, " ")
    parts = folded.split()
    while parts and parts[-1] in HONORIFICS:
        parts.pop()
    if parts:
        for honorific in HONORIFICS:
            if len(parts[-1]) > len(honorific) and parts[-1].endswith(honorific):
                parts[-1] = parts[-1][: -len(honorific)]
                break
    return parts


def _own_names(parts: list[str]) -> set[str]:
    """The parts of a name that stand for its person alone in their own texts: the family name
    (the first part of a Japanese name, of two characters or more), or in a name in Latin
    letters each part of three letters or more."""
    if not parts:
        return set()
    if parts[0].isascii():
        return {part for part in parts if len(part) >= 3 and part.isalpha()}
    return {parts[0]} if len(parts[0]) >= 2 else set()


def _is_ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


# --- the shapes found in any text (all on folded text: ASCII digits, '-' dashes, lower case) ---

# a match starts only where a local part can begin (not inside a run of its characters): a
# hostile run of 60,000 of them with no @ is read once, not once per character
EMAIL = re.compile(
    r"(?<![a-z0-9.!#$%&'*+/=?^_`{|}~-])[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?![a-z0-9])"
)
# 0 or +81, then digits with at most two of - . space ( ) ・ / between them; checked by
# _phone_key
PHONE = re.compile(r"(?<![\d])(?:\+81|0)(?:[-. ()・/]{0,2}\d){8,11}(?![-.]?\d)")
# after 〒 or 郵便番号 (which are kept), or NNN-NNNN standing alone
POSTCODE = re.compile(
    r"(?:〒|郵便番号[:： ]*) ?(?P<code>\d{3}[- ]?\d{4})(?!\d)|(?<![\d-])\d{3}-\d{4}(?!-?\d)"
)
DIGIT_RUN = re.compile(r"(?<![\d-])\d(?:[- ]?\d){9,13}(?!-?\d)")
INTERNATIONAL_POST = re.compile(r"(?<![a-z0-9])[a-z]{2}\d{9}jp(?![a-z0-9])")

# fmt: off
PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)
BUILDINGS = (
    "ビル", "マンション", "ハイツ", "コーポ", "荘", "レジデンス", "アパート", "タワー", "ハウス",
    "メゾン", "パレス", "コート", "ヒルズ", "棟",
)
# fmt: on
_K = "\u4e00-\u9fff々〆ヶケ"  # kanji, and the marks place names use
_KANA = "ぁ-んァ-ヴ-"  # (the long vowel mark is folded to -)
_BUILDINGS = "|".join(word.translate(_DASHES) for word in BUILDINGS)
_STOP = r"\s、。,!?「」『』()<>\[\]"
_MUNICIPALITY = rf"(?![のにでへはがをともや])[{_K}{_KANA}]{{1,8}}?(?:市|区|郡|町|村)"
_TOWN = rf"[{_K}ァ-ヴ\-がのノ]{{0,12}}"
_BLOCK = r"(?:\d++(?:丁目|番地|番|号|の|-)?)*+"
_BUILDING = (  # a building's name and its room or floor, after a space or not
    rf"(?: ?[^{_STOP}]{{0,20}}?(?:{_BUILDINGS})[{_K}ァ-ヴ\-a-z]{{0,10}}(?: ?\d+(?:号室|階|f|号)?)?"
    r"| ?\d+(?:号室|階|f))?"
)
ADDRESS = re.compile(
    rf"(?:{'|'.join(PREFECTURES)})(?:{_MUNICIPALITY}){{1,3}}{_TOWN}{_BLOCK}{_BUILDING}"
    rf"|[{_K}]{{1,6}}(?:市|区)(?:[{_K}]{{1,6}}(?:区|町|村))?{_TOWN}"
    rf"\d+(?:条|丁目|番地|番|-)(?:[{_K}]{{0,3}}\d+(?:条|丁目|番地|番|号|-)?)+{_BUILDING}"
    # a city and its ward, then the town: a bare number is enough (京都市東山区祇園町北側625)
    rf"|[{_K}]{{1,6}}市[{_K}]{{1,6}}区{_TOWN}\d+(?:(?:番地|番|号|-)\d*)*{_BUILDING}"
    r"|(?:\d+(?:-\d+){1,3},? ?(?:[a-z]+,? ?){0,2})?(?<![a-z])[a-z]+-(?:ku|shi|cho|machi|gun|mura)(?![a-z])"
)
_DIGIT = re.compile(r"\d")
_ADDRESS_HINT = re.compile(r"[市区郡町村]|-(?:ku|shi|cho|machi|gun|mura)")


def _role(key: str, names: frozenset[str], emails: frozenset[str]) -> str:
    """What a record's field holds: a whole name, e-mail address or tracking number, the shop's
    own words or a time (kept), or a text to look through."""
    if key in names:
        return "name"
    if key in emails:
        return "email"
    if key in TRACKING_KEYS:
        return "tracking"
    if key in KEEP_KEYS or key == "at" or key.endswith("_at"):
        return "keep"
    return "text"


def _phone_key(digits: str) -> str | None:
    """A phone number's digits as dialled in Japan (+81 90... is 090...), or None where they
    cannot be one."""
    if digits.startswith("81") and not digits.startswith("810"):
        digits = "0" + digits[2:]
    elif digits.startswith("810"):
        digits = digits[2:]
    if digits.startswith("00") or len(digits) not in (10, 11):
        return None
    if len(digits) == 11 and digits[:3] not in ("050", "060", "070", "080", "090"):
        return None  # eleven digits are a mobile or an IP phone's
    return digits


SEP = ""  # in a trie of name units: any separators, or none, between two parts


def trie_pattern(words: Iterable[tuple[str, ...]]) -> str:
    """One regular expression that matches any of words (tuples of units: characters, and SEP
    for optional separators), built as a trie so that thousands of names cost one pass."""
    root: dict = {}
    for word in words:
        node = root
        for unit in word:
            node = node.setdefault(unit, {})
        node[None] = {}

    def render(node: dict) -> str:
        branches = [
            (f"[{re.escape(SEPARATORS)}]*" if unit == SEP else re.escape(unit)) + render(child)
            for unit, child in sorted(((u, c) for u, c in node.items() if u is not None))
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if None in node:
            return f"(?:{body})?"
        return body

    return render(root)


def _units(parts: list[str]) -> tuple[str, ...]:
    units: list[str] = []
    for index, part in enumerate(parts):
        if index:
            units.append(SEP)
        units.extend(part)
    return tuple(units)


class Redactor:
    """The tokens of one export. Register what the shop knows first (person, add_name,
    add_tracking), then redact records and texts; a value met for the first time in a
    structured field gets a new token there."""

    def __init__(self) -> None:
        self._numbers: dict[tuple[str, str], int] = {}
        self._counters: dict[str, int] = {}
        self._people = 0  # names and e-mail addresses share these numbers
        self._parts: dict[str, set[int]] = {}  # a name's part -> the people who have it
        self._own: dict[int, set[str]] = {}  # person -> their family name, for their own texts
        self._names: dict[str, int] = {}  # a whole name's key (either order) -> its person
        self._first_key: dict[int, str] = {}  # person -> the key their name token is kept under
        self._variants: set[tuple[str, ...]] = set()
        self._tracking: set[str] = set()
        self._literals: set[str] = (
            set()
        )  # known values no shape finds: tracking AB12..., odd e-mail
        self._patterns: dict[str, re.Pattern | None] | None = None
        self._memo: dict[tuple[str, object], str] = {}  # (text, person or "name") -> result
        self._roles: dict[tuple, dict[str, str]] = {}  # what each field of a record is

    # --- what the shop knows ---

    def _new_person(self) -> int:
        self._people += 1
        return self._people

    def person(self, name: str | None, email: str | None) -> int:
        """A customer: their name and e-mail address get one number, which is returned."""
        number = self._numbers.get(("email", _plain(email))) if email else None
        if number is None and name and not email:
            number = self._names.get(_plain(name))
        if number is None:
            number = self._new_person()
        if email:
            key = _plain(email)
            self._numbers.setdefault(("email", key), number)
            if not EMAIL.fullmatch(key) and key not in self._literals:
                self._literals.add(key)
                self._patterns = None
                self._memo.clear()
        if name:
            self.add_name(name, number)
        return number

    def add_name(self, name: str | None, person: int | None = None) -> int | None:
        """Another name the shop knows (an order's), of this person if known; its person."""
        parts = _parts(name or "")
        if not parts:
            return None
        key = "".join(parts)
        if key in self._names:
            number = self._names[key]
        else:
            number = person if person is not None else self._new_person()
            self._names[key] = number
            self._names.setdefault("".join(parts[::-1]), number)
            self._numbers[("name", key)] = number
            self._first_key.setdefault(number, key)
        owner = person if person is not None else number
        for part in parts:
            self._parts.setdefault(part, set()).add(owner)
        self._own.setdefault(owner, set()).update(_own_names(parts))
        variants = {_units(parts)}
        if len(parts) > 1:
            variants.add(_units(parts[::-1]))
        if not variants <= self._variants:
            self._variants |= variants
            self._patterns = None
            self._memo.clear()
        return number

    def add_tracking(self, value: str | None) -> None:
        if value and value.strip():
            key = "".join(ch for ch in fold(value)[0] if ch.isalnum())
            if key and key not in self._tracking:
                self._tracking.add(key)
                self._memo.clear()
                if not key.isdigit():  # AB123456789JP, 1Z999...: found as written
                    self._literals.add(key)
                    self._patterns = None

    # --- tokens ---

    def _token(self, kind: str, key: str, person: int | None = None) -> str:
        shared = kind in ("name", "email", "part")
        number = self._numbers.get((kind, key))
        if number is None:
            if shared:
                number = person if person is not None else self._new_person()
            else:
                number = self._counters[kind] = self._counters.get(kind, 0) + 1
            self._numbers[(kind, key)] = number
        return f"[{'name' if kind == 'part' else kind}-{number}]"

    def name(self, value: str | None, person: int | None = None) -> str | None:
        """A whole name, in a structured field."""
        known = self._memo.get((value, "name"))
        if known is not None:
            return known
        parts = _parts(value or "")
        if not parts:
            return value
        key = "".join(parts)
        if key not in self._names:
            self.add_name(value, person)
        token = self._token("name", key, self._names[key])
        self._memo[(value, "name")] = token
        return token

    def email(self, value: str | None) -> str | None:
        if not value or not value.strip():
            return value
        token = self._memo.get((value, "email"))
        if token is None:
            token = self._memo[(value, "email")] = self._token("email", _plain(value))
        return token

    def tracking(self, value: str | None) -> str | None:
        if not value or not value.strip():
            return value
        token = self._memo.get((value, "tracking"))
        if token is None:
            key = "".join(ch for ch in fold(value)[0] if ch.isalnum()) or _plain(value)
            token = self._memo[(value, "tracking")] = self._token("tracking", key)
        return token

    # --- free text ---

    def _compiled(self) -> dict[str, re.Pattern | None]:
        if self._patterns is None:
            ascii_edged = [
                v for v in self._variants if _is_ascii_word(v[0]) or _is_ascii_word(v[-1])
            ]
            others = [v for v in self._variants if v not in set(ascii_edged)]
            names = []
            if ascii_edged:
                names.append(f"(?<![a-z0-9])(?:{trie_pattern(ascii_edged)})(?![a-z0-9])")
            if others:
                names.append(f"(?:{trie_pattern(others)})")
            honorific = "(?=[ \u3000]?(?:" + "|".join(HONORIFICS) + r"|-san(?![a-z])))"
            long_parts = [tuple(p) for p in self._parts if len(p) >= 2 and not p.isascii()]
            short_parts = [tuple(p) for p in self._parts if len(p) == 1 and not p.isascii()]
            ascii_parts = [tuple(p) for p in self._parts if p.isascii()]
            parts = []
            if long_parts:
                parts.append(f"(?P<long>{trie_pattern(long_parts)}){honorific}")
            if short_parts:
                parts.append(f"(?<![{_K}])(?P<short>{trie_pattern(short_parts)}){honorific}")
            if ascii_parts:
                trie = trie_pattern(ascii_parts)
                titles = "|".join(TITLES)
                parts.append(
                    rf"(?<![a-z])(?:{titles})\.? ?(?P<titled>{trie})(?![a-z0-9])"
                    rf"|(?<![a-z0-9])(?P<honoured>{trie}){honorific}"
                )
            literals = [tuple(value) for value in self._literals]
            self._patterns = {
                "names": re.compile("|".join(names)) if names else None,
                "parts": re.compile("|".join(parts)) if parts else None,
                "literals": re.compile(trie_pattern(literals)) if literals else None,
            }
        return self._patterns

    def text(self, value: str | None, person: int | None = None) -> str | None:
        """A free text with every name, address, number and e-mail address found replaced; person:
        the customer whose case or order the text belongs to (their family name alone is theirs)."""
        if not value:
            return value
        memo = self._memo.get((value, person))
        if memo is not None:
            return memo
        folded, starts = fold(value)
        found = self._found(folded, person)
        if not found:
            result = value
        else:
            pieces = []
            position = 0
            for start, end, kind, key, owner in found:
                begin = starts[start] if starts is not None else start
                finish = starts[end - 1] + 1 if starts is not None else end
                if begin < position:
                    continue
                pieces.append(value[position:begin])
                pieces.append(self._token(kind, key, owner))
                position = finish
            pieces.append(value[position:])
            result = "".join(pieces)
        self._memo[(value, person)] = result
        return result

    def _found(self, text: str, person: int | None) -> list[tuple[int, int, str, str, int | None]]:
        """What to replace in a folded text, without overlaps: (start, end, kind, key, person),
        the earliest first, the longest where two start together."""
        candidates: list[tuple[int, int, int, str, str, int | None]] = []  # + a rank

        def add(start: int, end: int, rank: int, kind: str, key: str, owner=None) -> None:
            candidates.append((start, -(end - start), rank, kind, key, owner))

        if "@" in text:
            for m in EMAIL.finditer(text):
                add(m.start(), m.end(), 0, "email", _plain(m.group()))
        if _DIGIT.search(text):
            for m in PHONE.finditer(text):
                key = _phone_key("".join(ch for ch in m.group() if ch.isdigit()))
                if key is not None:
                    add(m.start(), m.end(), 1, "phone", key)
            for m in DIGIT_RUN.finditer(text):
                digits = "".join(ch for ch in m.group() if ch.isdigit())
                if digits in self._tracking or len(digits) == 12:
                    add(m.start(), m.end(), 2, "tracking", digits)
            for m in INTERNATIONAL_POST.finditer(text):
                add(m.start(), m.end(), 2, "tracking", m.group())
            for m in POSTCODE.finditer(text):
                start = m.start("code") if m.group("code") else m.start()
                digits = "".join(c for c in m.group() if c.isdigit())
                add(start, m.end(), 3, "postcode", digits)
        patterns = self._compiled()
        if patterns["literals"] is not None:
            for m in patterns["literals"].finditer(text):
                literal = m.group()
                kind = "tracking" if literal in self._tracking else "email"
                add(m.start(), m.end(), 2, kind, literal)
        if _ADDRESS_HINT.search(text):
            for m in ADDRESS.finditer(text):
                add(m.start(), m.end(), 4, "address", _plain(m.group()))
        if patterns["names"] is not None:
            for m in patterns["names"].finditer(text):
                key = "".join(m.group().split()).replace("・", "")
                add(m.start(), m.end(), 5, "name", key, self._names.get(key))
        if patterns["parts"] is not None:
            for m in patterns["parts"].finditer(text):
                group, part = next((g, v) for g, v in m.groupdict().items() if v is not None)
                kind, key, owner = self._part(part, person)
                add(m.start(group), m.end(group), 6, kind, key, owner)
        for own in self._own.get(person, ()) if person is not None else ():
            at = text.find(own)
            while at >= 0:
                end = at + len(own)
                if not own.isascii() or (
                    (at == 0 or not _is_ascii_word(text[at - 1]))
                    and (end == len(text) or not _is_ascii_word(text[end]))
                ):
                    add(at, end, 7, "name", self._key_of(person), person)
                at = text.find(own, end)
        if not candidates:
            return []
        candidates.sort(key=lambda candidate: candidate[:3])
        chosen = []
        reached = 0
        for start, negative_length, _rank, kind, key, owner in candidates:
            if start < reached:
                continue
            end = start - negative_length
            chosen.append((start, end, kind, key, owner))
            reached = end
        return chosen

    def _part(self, part: str, person: int | None) -> tuple[str, str, int | None]:
        """A part of a name met alone: the token of the person it belongs to (the text's own
        customer first), or one of its own where several people share it."""
        people = self._parts.get(part, set())
        if person is not None and person in people:
            return "name", self._key_of(person), person
        if len(people) == 1:
            (owner,) = people
            return "name", self._key_of(owner), owner
        return "part", part, None

    def _key_of(self, person: int) -> str:
        """The key under which person's name token is kept (their first whole name)."""
        return self._first_key.get(person, f"#{person}")

    # --- records ---

    def record(
        self,
        record: dict,
        person: int | None = None,
        names: frozenset[str] = NAME_KEYS,
        emails: frozenset[str] = EMAIL_KEYS,
    ) -> dict:
        """A record (as json shows it) with its personal data replaced: the fields in names,
        emails and TRACKING_KEYS whole, every other text (nested ones too) by text()."""
        roles = self._roles.get((names, emails))
        if roles is None:
            roles = self._roles[(names, emails)] = {}
        memo = self._memo
        redacted = {}
        for key, value in record.items():
            kind = type(value)  # the common kinds first: an export walks millions of values
            if kind is str:
                role = roles.get(key)
                if role is None:
                    role = roles[key] = _role(key, names, emails)
                if role == "text":
                    value = memo.get((value, person)) or self.text(value, person)
                elif role == "name":
                    value = self.name(value, person)
                elif role == "email":
                    value = self.email(value)
                elif role == "tracking":
                    value = self.tracking(value)
            elif kind is dict:
                value = self.record(value, person)
            elif kind is list:
                value = [
                    self.record(item, person) if type(item) is dict else self._item(item, person)
                    for item in value
                ]
            elif not (value is None or kind is int or kind is bool or kind is float):
                value = self._item(value, person) if key not in KEEP_KEYS else value
            redacted[key] = value
        return redacted

    def _item(self, value, person):
        """An item of a list, or a value of an unusual kind."""
        if isinstance(value, dict):
            return self.record(value, person)
        if isinstance(value, list):
            return [self._item(item, person) for item in value]
        if isinstance(value, str):
            return self.text(str(value), person)
        return value
