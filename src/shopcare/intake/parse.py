"""A raw RFC 5322 message read into plain values: who wrote, what they wrote (without the
history they quoted), the ids that thread it, and whether it is a customer's message at all.

Pure functions over bytes: no database, no clock. Japanese mail is decoded the way Japanese
clients mean it (CP932 under the ISO-2022-JP and Shift_JIS labels), which Python's own
codecs do not do. Whatever the bytes, parse() returns a Mail or raises MailError.
"""

from __future__ import annotations

import binascii
import codecs
import functools
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser, compat32
from email.utils import getaddresses, parsedate_to_datetime
from typing import NamedTuple

from shopcare.errors import ShopcareError
from shopcare.patterns import LazyPattern


class MailError(ShopcareError):
    """A message that cannot be read at all (empty, or no header section)."""


# NamedTuples, not dataclasses: an MDA runs `mail in` once a message, and making these two
# classes as dataclasses cost 1.4 ms of each run (with the dataclasses module, 2 ms)


class Attachment(NamedTuple):
    name: str  # decoded file name, '' if none
    content_type: str  # e.g. 'image/jpeg'
    data: bytes


class Mail(NamedTuple):
    message_id: str  # without <>; sha256.<hex>@shopcare.invalid when the message has none
    in_reply_to: list[str]
    references: list[str]
    from_addr: str
    from_name: str
    to: list[str]
    subject: str
    date: datetime | None
    text: str  # the whole readable text
    new_text: str  # text less the quoted history
    attachments: list[Attachment]
    auto_reply: bool
    bounce: bool
    bounced_ids: list[str]
    loop: bool
    headers: list[tuple[str, str]]
    other_text: list[str] | tuple[()] = ()  # HTML parts not shown: for masking


_LOOP_HEADER = "x-shopcare-loop"
_MAX_DEPTH = 30  # nested multiparts followed; deeper ones are hostile, not mail


# ---------------------------------------------------------------------------------------------
# Charsets


def decode_text(data: bytes, charset: str | None) -> str:
    """Body bytes as text, read the way the sender's client meant the label: never raises,
    and gives U+FFFD only for bytes no likely charset reads."""
    label = _label(charset)
    family = _japanese_family(label)
    if family == "iso-2022-jp":
        text = _decode_iso2022jp(data)
    elif family == "euc-jp":
        text = _decode_eucjp(data)
    else:
        text = _first_that_fits(data, _candidates(label, family))
    if _SURROGATES.search(text):  # UTF-7's +2AA- decodes to a lone surrogate: no store takes it
        text = _SURROGATES.sub("\ufffd", text)
    return text.removeprefix("\ufeff")


def _label(charset: str | None) -> str:
    if not charset:
        return ""
    return charset.strip().strip("\"'").lower().replace("_", "-")


_SHIFT_JIS_LABELS = frozenset(
    ("shift-jis", "sjis", "x-sjis", "shiftjis", "ms-kanji", "windows-31j", "cp932", "ms932")
    + ("csshiftjis", "cswindows31j", "x-ms-cp932", "x-shift-jis")
)
_EUC_JP_LABELS = frozenset(
    ("euc-jp", "eucjp", "x-euc-jp", "ujis", "x-euc", "cseucpkdfmtjapanese", "euc-jp-ms")
    + ("eucjp-ms", "cp51932")
)


def _japanese_family(label: str) -> str | None:
    if label.startswith(("iso-2022-jp", "iso2022-jp", "iso2022jp", "csiso2022jp", "cp5022")):
        return "iso-2022-jp"
    if label in _SHIFT_JIS_LABELS:
        return "cp932"  # Windows wrote it: ① and ～ are CP932, not Shift_JIS
    if label in _EUC_JP_LABELS:
        return "euc-jp"
    return None


def _candidates(label: str, family: str | None) -> tuple[str, ...]:
    """The codecs to try in order; the first is also the last resort, with U+FFFD."""
    if family == "cp932":
        return ("cp932", "utf-8")
    known = _known_codec(label) if label else None
    if known is None:
        return ("utf-8", "cp932", "latin-1")
    return tuple(dict.fromkeys((known, "utf-8", "cp932")))


# codecs Python knows that no mail charset label may select
_NOT_MAIL_CHARSETS = frozenset(
    ("unicode-escape", "raw-unicode-escape", "unicode_escape", "raw_unicode_escape")
    + ("idna", "punycode", "undefined")
)


@functools.lru_cache(maxsize=64)
def _known_codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError, TypeError):
        return None
    try:
        b" ".decode(name)  # LookupError for bytes-to-bytes codecs (base64, zlib, ...)
    except UnicodeError:
        pass  # a text codec that cannot read a lone space (utf-16): still a text codec
    except LookupError:
        return None
    return None if name in _NOT_MAIL_CHARSETS else name


def _first_that_fits(data: bytes, codec_names: tuple[str, ...]) -> str:
    for name in codec_names:
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    return data.decode(codec_names[0], "replace")


def _decode_unlabelled(data: bytes) -> str:
    return _first_that_fits(data, ("utf-8", "cp932", "latin-1"))


# Where Python's iso2022_jp and Windows (CP50220/CP932) read the same JIS X 0208 code
# differently, the Windows reading: Japanese clients mean ～ (FF5E), not 〜 (301C).
# ESC ( J (JIS-Roman) is read as ASCII, as mail clients do.
_AS_WINDOWS_READS = str.maketrans(
    {
        "\u301c": "\uff5e",
        "\u2016": "\u2225",
        "\u2212": "\uff0d",
        "\u00a2": "\uffe0",
        "\u00a3": "\uffe1",
        "\u00ac": "\uffe2",
        "\u00a5": "\\",
        "\u203e": "~",
    }
)


def _decode_iso2022jp(data: bytes) -> str:
    """ISO-2022-JP with the CP50220 extensions. Mail of plain JIS X 0208 takes Python's fast
    codec; anything it refuses (①, ㈱, 髙, half-width kana) takes the escape walker."""
    if b"\x0e" in data:  # SO/SI kana: Python's codec passes the bytes through as they are
        return _walk_iso2022jp(data)
    if b"\x1b" not in data:
        return data.decode("ascii") if data.isascii() else _decode_unlabelled(data)
    try:
        return data.decode("iso2022_jp").translate(_AS_WINDOWS_READS)
    except UnicodeDecodeError:
        return _walk_iso2022jp(data)


_JIS_SWITCH = LazyPattern(rb"(\x1b\$[@B]|\x1b\$\([@BDOPQ]|\x1b\([BJHI]|\x1b&@|[\x0e\x0f])")
_JIS_SETS = {
    b"\x1b$@": "x0208",
    b"\x1b$B": "x0208",
    b"\x1b$(@": "x0208",
    b"\x1b$(B": "x0208",
    b"\x1b$(D": "x0212",
    b"\x1b$(O": "x0213-1",
    b"\x1b$(Q": "x0213-1",
    b"\x1b$(P": "x0213-2",
    b"\x1b(B": "ascii",
    b"\x1b(J": "ascii",
    b"\x1b(H": "ascii",
    b"\x1b(I": "kana",
}


def _walk_iso2022jp(data: bytes) -> str:
    """Follow the escape sequences and SO/SI, decoding each run in the set it is in."""
    out = []
    charset, shifted = "ascii", False
    pieces = _JIS_SWITCH.split(data)
    for i, piece in enumerate(pieces):
        if i % 2:
            if piece == b"\x0e":
                shifted = True
            elif piece == b"\x0f":
                shifted = False
            else:
                charset = _JIS_SETS.get(piece, charset)
        elif piece:
            out.append(_decode_run(piece, "kana" if shifted else charset))
    return "".join(out)


def _decode_run(piece: bytes, charset: str) -> str:
    if charset == "ascii":
        return piece.decode("ascii") if piece.isascii() else _decode_unlabelled(piece)
    if charset == "kana":
        return piece.decode("latin-1").translate(_HALF_WIDTH_KANA)
    return _double_byte(piece, _PAIR_READERS[charset])


# ESC ( I / SO: 0x21-0x5F are the half-width katakana U+FF61-U+FF9F; so are 0xA1-0xDF (JIS8)
_HALF_WIDTH_KANA = {b: 0xFF40 + b for b in range(0x21, 0x60)} | {
    b: 0xFEC0 + b for b in range(0xA1, 0xE0)
}
_HALF_WIDTH_KANA |= {b: 0xFFFD for b in range(0x60, 0x100) if b not in _HALF_WIDTH_KANA}
_HALF_WIDTH_KANA[0x7F] = 0x7F

_DOUBLE_BYTE = LazyPattern(rb"((?:[\x21-\x7e]{2})+)|([\x00-\x20\x7f]+)|[\s\S]")


def _double_byte(piece: bytes, read_pairs: Callable[[bytes], str]) -> str:
    """Pairs go to read_pairs; controls and spaces pass as they are; a stray byte is U+FFFD."""
    out = []
    for match in _DOUBLE_BYTE.finditer(piece):
        if match[1]:
            out.append(read_pairs(match[1]))
        elif match[2]:
            out.append(match[2].decode("ascii"))
        else:
            out.append("\ufffd")
    return "".join(out)


def _sjis_pair(j1: int, j2: int) -> bytes:
    """A JIS X 0208 code (two bytes 0x21-0x7E) as the Shift_JIS code of the same character."""
    s1 = (j1 + 1) // 2 + (0x70 if j1 <= 0x5E else 0xB0)
    if j1 % 2 == 0:
        return bytes((s1, j2 + 0x7E))
    return bytes((s1, j2 + (0x1F if j2 <= 0x5F else 0x20)))  # 0x7F is skipped


def _jis0208_pairs(pairs: bytes) -> str:
    """JIS X 0208 as CP932 reads it: NEC row 13 (①, ㈱, Ⅱ) and the NEC-selected IBM rows
    (髙) included. A code CP932 lacks is tried as JIS X 0213 before it becomes U+FFFD."""
    sjis = b"".join(_sjis_pair(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2))
    try:
        return sjis.decode("cp932")
    except UnicodeDecodeError:
        return "".join(
            _one_pair(sjis[i : i + 2], pairs[i : i + 2]) for i in range(0, len(pairs), 2)
        )


def _one_pair(sjis: bytes, jis: bytes) -> str:
    try:
        return sjis.decode("cp932")
    except UnicodeDecodeError:
        return _euc_pairs(jis, b"", "euc_jis_2004")


_HIGH_BIT = bytes(b | 0x80 for b in range(256))
_LOW_BITS = bytes(b & 0x7F for b in range(256))


def _euc_pairs(pairs: bytes, prefix: bytes, codec: str) -> str:
    """JIS codes read through the EUC form of a codec (prefix 0x8F for the second planes)."""
    out = []
    for i in range(0, len(pairs), 2):
        try:
            out.append((prefix + pairs[i : i + 2].translate(_HIGH_BIT)).decode(codec))
        except UnicodeDecodeError:
            out.append("\ufffd")
    return "".join(out)


_PAIR_READERS = {
    "x0208": _jis0208_pairs,
    "x0212": lambda pairs: _euc_pairs(pairs, b"\x8f", "euc_jp"),
    "x0213-1": lambda pairs: _euc_pairs(pairs, b"", "euc_jis_2004"),
    "x0213-2": lambda pairs: _euc_pairs(pairs, b"\x8f", "euc_jis_2004"),
}


def _decode_eucjp(data: bytes) -> str:
    """EUC-JP; text from Windows (CP51932: ①, 髙) read code by code as CP932 reads it, and
    only what CP932 lacks as JIS X 0213. Not euc_jis_2004 over the whole text: it reads
    CP51932's IBM rows as other kanji (髙 as 郄)."""
    try:
        return data.decode("euc_jp")
    except UnicodeDecodeError:
        return _walk_eucjp(data)


_EUC_TOKEN = LazyPattern(
    rb"([\x00-\x7f]+)|((?:[\xa1-\xfe]{2})+)|\x8e([\xa1-\xdf])|(\x8f[\xa1-\xfe]{2})|[\s\S]"
)


def _walk_eucjp(data: bytes) -> str:
    """EUC-JP beyond JIS X 0208: each two-byte code read as CP932 reads its JIS code, so the
    Windows extensions come out as they do in ISO-2022-JP."""
    out = []
    for match in _EUC_TOKEN.finditer(data):
        ascii_run, pairs, kana, plane2 = match.groups()
        if ascii_run:
            out.append(ascii_run.decode("ascii"))
        elif pairs:
            out.append(_jis0208_pairs(pairs.translate(_LOW_BITS)))
        elif kana:
            out.append(chr(0xFEC0 + kana[0]))
        elif plane2:
            out.append(_euc_pairs(plane2[1:].translate(_LOW_BITS), b"\x8f", "euc_jp"))
        else:
            out.append("\ufffd")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Headers

_ENCODED_WORD = LazyPattern(r"=\?([^?\s]*)\?([BbQq])\?([^?]*)\?=")
_FOLDING = LazyPattern(r"\r?\n(?=[ \t])")
_LINE_BREAKS = LazyPattern(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_SPACES = LazyPattern(r"[ \t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_SURROGATES = LazyPattern("[\ud800-\udfff]")
_NOT_BASE64 = LazyPattern(r"[^A-Za-z0-9+/]")
_NEEDS_DECODING = LazyPattern("[\r\n\v\f\x1b\x1c-\x1e\x85\u2028\u2029\ud800-\udfff]")


def decode_header_value(value: str) -> str:
    """A header value as one line of text: encoded-words decoded (adjacent words of one
    charset joined as bytes first, so a character split between two words survives), and
    raw 8-bit or ISO-2022-JP bytes, which some clients send unencoded, read as text."""
    if "=?" not in value and not _NEEDS_DECODING.search(value):
        return value  # most headers: plain text on one line
    text = _FOLDING.sub("", _raw_bytes_read(value))
    out: list[str] = []
    pending = bytearray()
    pending_charset: str | None = None
    position = 0
    for word in _ENCODED_WORD.finditer(text):
        between = text[position : word.start()]
        if pending_charset is None or between.strip(" \t"):
            out.append(_flush(pending, pending_charset))
            pending, pending_charset = bytearray(), None
            out.append(_unencoded(between))
        charset = _label(word[1].partition("*")[0])  # RFC 2231 adds *language
        if charset != pending_charset:
            out.append(_flush(pending, pending_charset))
            pending, pending_charset = bytearray(), charset
        pending += _word_bytes(word[2], word[3])
        position = word.end()
    out.append(_flush(pending, pending_charset))
    out.append(_unencoded(text[position:]))
    return _SURROGATES.sub("\ufffd", _LINE_BREAKS.sub(" ", "".join(out)))


def _raw_bytes_read(value: str) -> str:
    """The email package keeps 8-bit header bytes as surrogate escapes: read them as text."""
    if not _SURROGATES.search(value):
        return value
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        return _SURROGATES.sub("\ufffd", value)
    return decode_text(raw, None)


def _unencoded(text: str) -> str:
    if "\x1b" in text:  # ISO-2022-JP sent raw in a header
        return _decode_iso2022jp(text.encode("utf-8"))
    return text


def _flush(pending: bytearray, charset: str | None) -> str:
    return "" if charset is None else decode_text(bytes(pending), charset)


def _word_bytes(encoding: str, text: str) -> bytes:
    """The bytes of an encoded-word, leniently: bad padding and stray characters forgiven."""
    if encoding in "Bb":
        letters = _NOT_BASE64.sub("", text)
        if len(letters) % 4 == 1:
            letters = letters[:-1]
        return binascii.a2b_base64(letters + "=" * (-len(letters) % 4))
    return binascii.a2b_qp(text.encode("utf-8", "surrogateescape"), header=True)


def _one_line(text: str) -> str:
    """Runs of ASCII whitespace and line breaks as one space (an ideographic space stays)."""
    return _SPACES.sub(" ", text).strip(" ")


def _addresses(value: str | None) -> list[tuple[str, str]]:
    """(decoded name, address) pairs; the name is decoded after the split, so that an
    encoded comma or bracket in it cannot split it."""
    if not value:
        return []
    simple = _SIMPLE_ADDRESS.fullmatch(value)
    if simple:  # `Name <addr>`, `"Name" <addr>` or `addr`: getaddresses is slow for these
        name = simple["quoted"] if simple["quoted"] is not None else simple["phrase"] or ""
        pairs = [(name, simple["angled"] or simple["bare"])]
    else:
        pairs = getaddresses([_FOLDING.sub("", value)])
    found = []
    for name, addr in pairs:
        address = _address(_raw_bytes_read(addr))
        if address or name:
            found.append((_one_line(decode_header_value(name)), address))
    return found


_ADDR_SPEC = r'[^<>\s,;:"()\\\[\]@]+@[^<>\s,;:"()\\\[\]@]+'
_SIMPLE_ADDRESS = LazyPattern(
    rf'\s*(?:(?:"(?P<quoted>[^"\\\r\n]*)"|(?P<phrase>[^"<>,;:@()\\\[\]\r\n]*?))\s*'
    rf"<(?P<angled>{_ADDR_SPEC})>|(?P<bare>{_ADDR_SPEC}))\s*"
)


def _address(addr: str) -> str:
    addr = _one_line(addr).strip("<>")
    local, at, domain = addr.rpartition("@")
    return f"{local}@{domain.lower()}" if at else addr


_ANGLE_ID = LazyPattern(r"<([^<>]*)>")


def _message_ids(value: str | None) -> list[str]:
    """The ids in a Message-ID, In-Reply-To or References value, without <>; bare ids (with
    an @) where a client left the brackets off."""
    if not value:
        return []
    text = _raw_bytes_read(value)
    ids = ["".join(found.split()) for found in _ANGLE_ID.findall(text)]
    if not ids:
        ids = [token for token in text.split() if "@" in token]
    return list(dict.fromkeys(i for i in ids if i))


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        date = parsedate_to_datetime(_one_line(_raw_bytes_read(value)))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return date if date.tzinfo is not None else date.replace(tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Quoted history

_ORIGINAL_MESSAGE = LazyPattern(
    r"^\s*-+\s*(?:original message|元のメッセージ|オリジナル\s*メッセージ)\s*-*\s*$", re.I
)
_HEADER_FROM = LazyPattern(r"^\s*\**\s*(?:from|差出人)\s*\**\s*[:：]", re.I)
_HEADER_SENT = LazyPattern(r"^\s*\**\s*(?:sent|送信日時)\s*\**\s*[:：]", re.I)
_HEADER_SUBJECT = LazyPattern(r"^\s*\**\s*(?:subject|件名)\s*\**\s*[:：]", re.I)
_RULE = LazyPattern(r"^\s*(?:_{8,}|-{8,})\s*$")
_DATE_FIRST = LazyPattern(r"^\s*\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}.*\d{1,2}:\d{2}")
_ON_FIRST = LazyPattern(r"^\s*On\s.*\d", re.I)
_ENDS_COLON = LazyPattern(r"[:：]\s*$")
_ENDS_WROTE = LazyPattern(r"\bwrote\s*:\s*$", re.I)
_QUOTE_MARKS = LazyPattern(r"^\s*(?:[>＞]\s?)+")
# how every line that can start the history begins: one cheap test before the exact ones
_MAYBE_HISTORY = LazyPattern(r"\s*(?:[-_*]|\d{4}|on\s|from|差出人)", re.I)


def _new_text(text: str) -> str:
    """The text without the history it quotes: what stands above the first history marker,
    less its `>` lines (a top-posted reply loses the quote below it; inline answers keep the
    answers). If that leaves no words (a bottom-posted reply, a message that only quotes), the
    whole text less its `>` and attribution lines; failing that, the text unquoted."""
    lines = text.split("\n")
    cut = _history_start(lines)
    above = [line for line in lines[:cut] if not _quoted(line)]
    if _has_words(above):
        return _joined(above)
    attribution = _attribution_lines(lines)
    rest = [line for i, line in enumerate(lines) if not _quoted(line) and i not in attribution]
    if _has_words(rest):
        return _joined(rest)
    return _joined([_QUOTE_MARKS.sub("", line) for line in lines])


def _history_start(lines: list[str]) -> int:
    """The first line of the first history marker; a trailing run of `>` lines needs no
    marker: _new_text leaves out every `>` line above the cut as well."""
    for i in range(len(lines)):
        if not _MAYBE_HISTORY.match(lines[i]):
            continue
        if _ORIGINAL_MESSAGE.match(lines[i]) or _attribution_length(lines, i):
            return i
        if _outlook_header_block(lines, i):
            return _rule_above(lines, i)
    return len(lines)


def _outlook_header_block(lines: list[str], i: int) -> bool:
    """差出人:/From: followed within four lines by 送信日時:/Sent: and 件名:/Subject:."""
    if not _HEADER_FROM.match(lines[i]):
        return False
    following = lines[i + 1 : i + 5]
    return any(_HEADER_SENT.match(line) for line in following) and any(
        _HEADER_SUBJECT.match(line) for line in following
    )


def _rule_above(lines: list[str], i: int) -> int:
    """The ____ line Outlook draws above its header block, if there is one."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return j if j >= 0 and _RULE.match(lines[j]) else i


def _attribution_length(lines: list[str], i: int) -> int:
    """1 or 2 if an attribution starts at line i (`2026年11月20日(金) 19:40 山田花子 <...>:`,
    `On ..., Jane <...> wrote:`, either wrapped over two lines), else 0."""
    line = lines[i]
    if _DATE_FIRST.match(line):
        ends = _ENDS_COLON
    elif _ON_FIRST.match(line):
        ends = _ENDS_WROTE
    else:
        return 0
    for length in (1, 2):
        joined = " ".join(lines[i : i + length])
        if i + length <= len(lines) and ends.search(joined):
            # a date and a colon alone may be the customer's words; an address, "wrote:"
            # (Thunderbird's `2026/11/20 20:05、はなまる雑貨店 wrote:`) or quoted lines right
            # after make it an attribution
            attributed = (
                ends is _ENDS_WROTE
                or "@" in joined
                or _ENDS_WROTE.search(joined)
                or _quoted_next(lines, i + length)
            )
            return length if attributed else 0
    return 0


def _quoted_next(lines: list[str], i: int) -> bool:
    """Whether the first line with words from i on is a quoted one."""
    for line in lines[i:]:
        if line.strip():
            return _quoted(line)
    return False


def _attribution_lines(lines: list[str]) -> set[int]:
    found: set[int] = set()
    for i in range(len(lines)):
        found.update(range(i, i + _attribution_length(lines, i)))
    return found


def _quoted(line: str) -> bool:
    return line.lstrip(" \t").startswith((">", "＞"))


def _has_words(lines: list[str]) -> bool:
    return any(ch.isalnum() for line in lines for ch in line)


def _joined(lines: list[str]) -> str:
    return "\n".join(line.rstrip() for line in lines).strip()


# ---------------------------------------------------------------------------------------------
# The message


class _RawHeaders(type(compat32)):  # Compat32, without importing email.policy (2.6 ms)
    """compat32, lenient about everything, but handing header values back as they came
    (8-bit bytes as surrogate escapes) so that decode_header_value reads them, not Header."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value


_POLICY = _RawHeaders(mangle_from_=False)  # a forwarded message written back as it came


def parse(raw: bytes) -> Mail:
    """Read one message. MailError if it is empty or has no header section; any other
    trouble in it (bad charsets, broken encodings, malformed headers) is read around."""
    raw = bytes(raw)
    if not raw.strip():
        raise MailError("the message is empty")
    try:
        message = BytesParser(policy=_POLICY).parsebytes(raw)
        if not message.keys():
            raise MailError("not a mail message: it has no header lines")
        return _mail_of(message, raw)
    except MailError:
        raise
    except Exception as exc:  # the email package on input hostile past what it reads around
        raise MailError(f"cannot read the message ({type(exc).__name__})") from exc


def _mail_of(message: Message, raw: bytes) -> Mail:
    items = message.items()
    headers = [(name, decode_header_value(value)) for name, value in items]
    fields: dict[str, str] = {}  # the first of each header, by lower-case name, as it came
    for name, value in items:
        fields.setdefault(name.lower(), value)
    senders = _addresses(fields.get("from"))
    from_name, from_addr = senders[0] if senders else ("", "")
    subject = _one_line(next((value for name, value in headers if name.lower() == "subject"), ""))
    in_reply_to = _message_ids(fields.get("in-reply-to"))
    references = _message_ids(fields.get("references"))
    plain, html, attachments = _contents(message)
    other_text = html  # the HTML beside a plain part is not shown, but is kept: mask it too
    if plain.strip() or not html:
        text = plain
    else:  # HTML only: made readable text (most mail has a plain part and never needs this)
        from shopcare.intake.htmltext import html_text

        text = "\n\n".join(html_text(part) for part in html)
        other_text = []
    bounce = _is_bounce(message, fields, from_addr, subject)
    return Mail(
        message_id=_own_id(fields, raw),
        in_reply_to=in_reply_to,
        references=references,
        from_addr=from_addr,
        from_name=from_name,
        to=[addr for _, addr in _addresses(fields.get("to")) if addr],
        subject=subject,
        date=_date(fields.get("date")),
        text=text,
        new_text=_new_text(text),
        attachments=attachments,
        auto_reply=not bounce and _is_auto_reply(fields),
        bounce=bounce,
        bounced_ids=_bounced_ids(message, in_reply_to + references, text) if bounce else [],
        loop=_LOOP_HEADER in fields,
        headers=headers,
        other_text=other_text,
    )


def _own_id(fields: dict[str, str], raw: bytes) -> str:
    """The Message-ID, or one made from the bytes: a second delivery gets the same id."""
    ids = _message_ids(fields.get("message-id"))
    if ids:
        return ids[0]
    import hashlib  # here: nearly every message has a Message-ID

    return f"sha256.{hashlib.sha256(raw).hexdigest()}@shopcare.invalid"


def _leaves(part: Message, depth: int = 0) -> Iterator[Message]:
    """The parts that are not multipart containers, in order; message/* parts whole."""
    if part.get_content_maintype() == "multipart" and part.is_multipart():
        if depth < _MAX_DEPTH:
            for sub in part.get_payload():
                yield from _leaves(sub, depth + 1)
        return
    yield part


def _contents(message: Message) -> tuple[str, list[str], list[Attachment]]:
    """(plain text, the HTML parts as they are, attachments) of the message's parts."""
    plain, html, attachments = [], [], []
    for part in _leaves(message):
        content_type = part.get_content_type()
        if _is_attachment(part, content_type):
            attachments.append(_attachment(part, content_type))
        elif content_type == "text/plain":
            plain.append(_part_text(part))
        elif content_type == "text/html":
            html.append(_part_text(part))
    return "\n\n".join(plain), html, attachments


def _is_attachment(part: Message, content_type: str) -> bool:
    disposition = part.get_content_disposition()
    if content_type.startswith("text/"):
        return disposition == "attachment"  # a .txt or .csv sent as a file, not as the text
    if content_type in ("message/delivery-status", "message/disposition-notification"):
        return False
    if disposition == "attachment" or _filename(part):
        return True
    return content_type.startswith("image/")


def _attachment(part: Message, content_type: str) -> Attachment:
    if part.get_content_maintype() == "message" and part.is_multipart():
        data = _message_bytes(part)
    else:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
    return Attachment(name=_filename(part), content_type=_media_type(content_type), data=data)


_MEDIA_TYPE = LazyPattern(r"[!-~]+/[!-~]+")


def _media_type(content_type: str) -> str:
    """The content type as stored: printable ASCII, or application/octet-stream."""
    return content_type if _MEDIA_TYPE.fullmatch(content_type) else "application/octet-stream"


def _message_bytes(part: Message) -> bytes:
    """A forwarded message's bytes, as the email package writes it back out; b'' for one it
    cannot (messages nested hundreds deep are hostile, not mail)."""
    inner = part.get_payload()
    try:
        return inner[0].as_bytes() if inner else b""
    except (ValueError, TypeError, LookupError, UnicodeError, RecursionError):
        return b""


def _filename(part: Message) -> str:
    """The decoded file name: RFC 2231 (filename*=ISO-2022-JP''...), encoded-words in a
    quoted name= (as Japanese clients send), or raw 8-bit; without any folder in front."""
    for param, header in (("filename", "content-disposition"), ("name", "content-type")):
        value = part.get_param(param, header=header)
        if isinstance(value, tuple):  # RFC 2231: (charset, language, bytes as latin-1)
            name = decode_text(_latin1_bytes(str(value[2])), value[0] or None)
        elif value:
            name = decode_header_value(str(value))
        else:
            continue
        name = _one_line(_LINE_BREAKS.sub(" ", name)).replace("\\", "/").rpartition("/")[2]
        if name:
            return name
    return ""


def _latin1_bytes(text: str) -> bytes:
    try:
        return text.encode("latin-1", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    params = _content_type_params(part)
    text = decode_text(data, params.get("charset"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if params.get("format", "").lower() == "flowed":
        text = _unflowed(text, delsp=params.get("delsp", "").lower() == "yes")
    return text


def _content_type_params(part: Message) -> dict[str, str]:
    """The Content-Type parameters (charset, format, report-type, ...), lower-case names."""
    params: dict[str, str] = {}
    for name, value in part.get_params(failobj=[])[1:]:
        text = value[2] if isinstance(value, tuple) else value  # RFC 2231: (charset, lang, text)
        params.setdefault(name.lower(), _raw_bytes_read(str(text or "")).strip())
    return params


def _unflowed(text: str, delsp: bool) -> str:
    """format=flowed (RFC 3676) lines joined back into the paragraphs the writer typed:
    a line ending in a space goes on with the next line of the same quote depth."""
    out: list[tuple[int, str, bool]] = []
    for line in text.split("\n"):
        marks = len(line) - len(line.lstrip(">"))
        content = line[marks:].removeprefix(" ")
        flowed = content.endswith(" ") and content != "-- "
        if flowed and delsp:
            content = content[:-1]
        if out and out[-1][2] and out[-1][0] == marks:
            out[-1] = (marks, out[-1][1] + content, flowed)
        else:
            out.append((marks, content, flowed))
    return "\n".join((">" * marks + " " if marks else "") + content for marks, content, _ in out)


# ---------------------------------------------------------------------------------------------
# Auto-replies and bounces

_AUTO_PRECEDENCE = frozenset(("bulk", "junk", "list", "auto_reply", "auto-reply"))
_AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-auto-response-suppress")
_FAILURE_SUBJECT = LazyPattern(
    r"undeliver|returned mail|failure notice|delivery (?:status notification \(failure\)|fail)"
    r"|mail delivery (?:failed|failure)|could not be delivered|not delivered|delivery error"
    r"|配信不能|配送不能|未配達|配信エラー|配信に失敗|送信できませんでした|届きませんでした",
    re.I,
)


def _first_word(value: str | None) -> str:
    """A header's value without its comment or parameters, lower-cased: `auto-replied`."""
    word = re.split(r"[\s;(]", _raw_bytes_read(value or "").strip(), maxsplit=1)[0]
    return word.lower()


def _is_auto_reply(fields: dict[str, str]) -> bool:
    submitted = fields.get("auto-submitted")
    if submitted is not None and _first_word(submitted) not in ("", "no"):
        return True
    if _first_word(fields.get("precedence")) in _AUTO_PRECEDENCE:
        return True
    if any(name in fields for name in _AUTO_HEADERS):
        return True
    return _first_word(fields.get("x-amazon-mail-relay-type")) == "notification"


def _is_bounce(message: Message, fields: dict[str, str], from_addr: str, subject: str) -> bool:
    report = message.get_content_type() == "multipart/report"
    report_type = _content_type_params(message).get("report-type", "") if report else ""
    if report_type.lower() == "delivery-status":
        return _failed_delivery(message)
    failure = _FAILURE_SUBJECT.search(subject) is not None
    daemon = from_addr.partition("@")[0].lower() in ("mailer-daemon", "postmaster")
    null_sender = _one_line(_raw_bytes_read(fields.get("return-path", ""))) == "<>"
    return (daemon and failure) or (null_sender and (report or failure))


_ACTION = LazyPattern(r"^action:[ \t]*([a-z]+)", re.I | re.M)


def _failed_delivery(report: Message) -> bool:
    """A delivery status report says failed for some recipient; a delay notice (Action:
    delayed), or one that says delivered or relayed, is not a bounce. Without any Action line
    the report is taken as a failure, as most are."""
    actions: list[str] = []
    for part in _leaves(report):
        if part.get_content_type() in ("message/delivery-status", "message/global-delivery-status"):
            payload = part.get_payload()
            if isinstance(payload, list):  # email parses delivery-status into header blocks
                text = "\n".join(f"Action: {block.get('action', '')}" for block in payload)
            else:
                text = str(payload)
            actions += [found.lower() for found in _ACTION.findall(text)]
    return not actions or "failed" in actions


_RETURNED_HEADERS = ("text/rfc822-headers", "message/rfc822-headers", "message/global-headers")
_MESSAGE_ID_LINE = LazyPattern(r"^message-id:\s*(<[^<>\n]*>)", re.I | re.M)


def _bounced_ids(message: Message, thread_ids: list[str], text: str) -> list[str]:
    """The Message-IDs of the mail that came back: from the returned message or its headers,
    else from the bounce's own In-Reply-To/References, else from Message-ID: lines quoted
    in its text (bounces that return the message inline)."""
    found: list[str] = []
    for part in _leaves(message):
        content_type = part.get_content_type()
        if content_type in ("message/rfc822", "message/global") and part.is_multipart():
            inner = part.get_payload()
            found += _message_ids(inner[0].get("message-id")) if inner else []
        elif content_type in _RETURNED_HEADERS:
            payload = part.get_payload(decode=True)
            returned = BytesHeaderParser(policy=_POLICY).parsebytes(payload or b"")
            found += _message_ids(returned.get("message-id"))
    if not found:
        found = thread_ids or _message_ids(" ".join(_MESSAGE_ID_LINE.findall(text)))
    return list(dict.fromkeys(found))
