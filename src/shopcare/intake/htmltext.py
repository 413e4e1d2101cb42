"""The readable text of an HTML part (HTML-only mail): no script or style, blocks on lines
of their own, and <blockquote> as `>` lines, the quoted history a plain-text part would have.
Imported only for a message that has no plain text: most mail needs none of html.parser."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_SKIPPED_TAGS = frozenset(("script", "style", "head", "title", "template"))
# blocks that start on a line of their own, and those set off by a blank line as well
_LINE_TAGS = frozenset({"div", "li", "dt", "dd", "tr", "hr", "ul", "ol", "dl", "table", "section"})
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address", "form"})
_QUOTE_OPEN, _QUOTE_CLOSE = "\ue000", "\ue001"  # private-use marks for <blockquote>
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")


class _HtmlText(HTMLParser):
    """Collects the readable text of an HTML part: no script or style, each block on lines of
    its own (nested blocks do not pile up blank lines; <br> always breaks), and <blockquote>
    marked so that it can become `>` lines, the quoted history a plain-text part would have."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.newlines = 1  # how many line breaks the text ends with; the start counts as one
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "body":
            self.skipping = 0  # a <head> left open ends here
        elif tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "br":
            self._write("\n")
        elif tag == "blockquote":
            self._mark(_QUOTE_OPEN)
        else:
            self._end_line(2 if tag in _PARAGRAPH_TAGS else 1 if tag in _LINE_TAGS else 0)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self._mark(_QUOTE_CLOSE)
        elif tag in ("td", "th") and not self.newlines:
            self.pieces.append(" ")  # cells of a row side by side, not run together
        elif tag != "br":
            self._end_line(2 if tag in _PARAGRAPH_TAGS else 1 if tag in _LINE_TAGS else 0)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        data = _HTML_SPACE.sub(" ", data.replace(_QUOTE_OPEN, "").replace(_QUOTE_CLOSE, ""))
        if self.newlines:
            data = data.lstrip(" ")  # as a browser shows it: no space at the start of a line
        if data:
            self.pieces.append(data)
            self.newlines = 0

    def _write(self, breaks: str) -> None:
        self.pieces.append(breaks)
        self.newlines += len(breaks)

    def _end_line(self, wanted: int) -> None:
        if self.pieces and self.newlines < wanted:
            self._write("\n" * (wanted - self.newlines))

    def _mark(self, mark: str) -> None:
        self._end_line(1)
        self.pieces.append(f"{mark}\n")  # a line of its own, gone once it has done its work


def html_text(html: str) -> str:
    """The text a reader sees in an HTML part, quoted blocks as `>` lines."""
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser raises AssertionError on some malformed declarations
        return _collapse_blank_lines(unescape(re.sub(r"<[^>]*>", " ", html)).split("\n"))
    return _collapse_blank_lines(_quote_marks_as_prefixes("".join(parser.pieces)))


def _quote_marks_as_prefixes(text: str) -> list[str]:
    lines, depth = [], 0
    for line in text.replace("\xa0", " ").split("\n"):
        line = line.strip(" ")
        if line == _QUOTE_OPEN:
            depth += 1
        elif line == _QUOTE_CLOSE:
            depth = max(0, depth - 1)
        else:
            lines.append(("> " * depth + line).rstrip() if depth else line)
    return lines


def _collapse_blank_lines(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")
