"""shopcare's own exceptions: the core raises them, the CLI prints them as one line."""


class ShopcareError(Exception):
    """A problem the user can fix: a message, and often a hint on how."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFound(ShopcareError):
    """Something the user named (a case, an order, a customer) does not exist."""


def choices_hint(valid: list[str] | tuple[str, ...]) -> str:
    """The hint for a value outside a short list of choices."""
    return "choose one of: " + ", ".join(valid)


def check_choice(what: str, value: str, valid: tuple[str, ...] | list[str]) -> str:
    """Return value if it is one of valid, else raise an error that names the choices."""
    if value not in valid:
        raise ShopcareError(f"unknown {what} {value!r}", choices_hint(valid))
    return value


def breaks_line(text: str) -> bool:
    """True when text holds anything that ends a line: CR, LF, and what Python's str.splitlines
    and mail header folding also treat as one (\v, \f, \x1c-\x1e, U+0085, U+2028, U+2029)."""
    return len(text.splitlines()) > 1 or text.endswith(
        ("\r", "\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
    )


def check_text(
    value: str,
    what: str,
    hint: str = "type it again, or check the terminal's character encoding (the locale)",
) -> str:
    """value, if it is text that can be stored and shown; an error naming what it is if not."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ShopcareError(f"{what} holds bytes that are not UTF-8 text", hint) from None
    return value
