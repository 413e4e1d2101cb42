"""The templates in force and rendering them: the shop's own folder first, then the built-in
one; what a failed render tells the user.

A template is a text file ``LANG/NAME.txt`` whose first line is ``Subject: ...``;
the rest, after a blank line, is the body. The shop's own ``templates/`` folder
is searched before the built-in one, so a file of the same name and language
wins. Undefined variables are errors (StrictUndefined) unless the template gives
a default, and nothing half-rendered is returned. Text from the customer is
data: Jinja never evaluates a variable's contents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shopcare.errors import ShopcareError
from shopcare.replies.filters import (
    FILTERS,
    calendar_getter,
    date_reader,
    en_date,
    en_datetime,
    jdate,
    jdatetime,
    make_estimate,
)
from shopcare.replies.public import PRIVATE_NAMES, is_public, public_context
from shopcare.resources import resource_dir
from shopcare.settings.config import Config

if TYPE_CHECKING:
    from shopcare.domain.calendar import ShopCalendar

LANGS = ("ja", "en")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
BUILT_IN = (
    "first_response",
    "apology",
    "status_update",
    "resolution",
    "apology_customer_fault",
    "return_instructions",
    "refund_notice",
    "followup_arrival",
    "followup_feedback",
    "followup_related",
    "followup_warranty",
    "review_request",
    "review_reply_positive",
    "review_reply_negative",
    "satisfaction_check",
)

_UNDEFINED = (re.compile(r"'([^']+)' is undefined"), re.compile(r"has no attribute '([^']+)'"))


@dataclass
class Rendered:
    template: str
    lang: str
    subject: str
    body: str
    source: Path


def check_name(name: str) -> str:
    """A template name is a name: letters, digits and underscores, never a path."""
    if not NAME.match(name):
        raise ShopcareError(
            f"{name!r} is not a template name",
            "a template is named like apology or first_response: shopcare templates list shows them",
        )
    return name


def _var_name(context, value: Any) -> str | None:
    """The --var a filter's value came from, where it is one: to name it in an error."""
    variables = context.get("vars") or {}
    return next((key for key, text in variables.items() if text == value), None)


# --- the environment -------------------------------------------------------------


class Templates:
    """The templates in force: the shop's own folder first, then the built-in one."""

    def __init__(
        self,
        home: Path,
        config: Config,
        *,
        calendar: ShopCalendar | Callable[[], ShopCalendar] | None = None,
        now: datetime | None = None,
    ) -> None:
        """calendar: the shop's calendar, or a function that gives it (built when a date filter
        first reads text: a --var); None: one of config.toml alone. now: the pinned clock
        (None: read when needed). Both are for the date filters: a --var date is read as the
        command line reads one, and an estimate counts business days from today."""
        from jinja2 import FileSystemLoader, StrictUndefined, pass_context

        self.shop_dir = home / "templates"
        self.builtin_dir = resource_dir("templates")
        self._paths: dict[tuple[str, str], Path | None] = {}
        self._compiled: dict[tuple[str, str], Any] = {}
        self._names: dict[tuple[str, str], frozenset[str] | None] = {}
        self.env = _environment()(
            loader=FileSystemLoader([str(self.shop_dir), str(self.builtin_dir)], encoding="utf-8"),
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            # a command reads each template once: Jinja need not look at the file of every
            # template a draft includes again before each draft of a batch
            auto_reload=False,
        )
        self.env.filters.update(FILTERS)
        calendar_of = calendar_getter(calendar, config)
        read = date_reader(calendar_of, now)

        def dated(show):
            """A date filter whose text (a --var) is read as the command line reads a date."""

            @pass_context
            def apply(context, value):
                if isinstance(value, str):
                    value = read(value, lambda: _var_name(context, value))
                return show(value)

            return apply

        self.env.globals["refuse"] = _refuse
        zone = config.tz()
        self.env.filters["as_date"] = dated(
            lambda value: value.astimezone(zone).date() if isinstance(value, datetime) else value
        )
        for name, show in (
            ("jdate", jdate),
            ("jdatetime", jdatetime),
            ("en_date", en_date),
            ("en_datetime", en_datetime),
        ):
            self.env.filters[name] = dated(show)
        for name, estimate in zip(
            ("estimate", "en_estimate"),
            make_estimate(config.estimate_margin_days, calendar_of, now, read),
            strict=True,
        ):
            self.env.filters[name] = pass_context(
                lambda context, value, estimate=estimate: estimate(
                    value, lambda: _var_name(context, value)
                )
            )

    def _template(self, name: str, lang: str):
        """The compiled template, compiled once per process (a batch renders it thousands of times)."""
        key = (name, lang)
        if key not in self._compiled:
            source = self.path_of(name, lang)
            if self._shop_owned(source) and not source.read_text(encoding="utf-8").strip():
                raise BrokenTemplate(f"the shop's template {source} is empty")
            self._compiled[key] = self.env.get_template(f"{lang}/{name}.txt")
        return self._compiled[key]

    def names(self, name: str, lang: str) -> frozenset[str] | None:
        """The names the template uses from its context, with those of every template it
        includes, imports or extends (Jinja's meta API). None where that is not known: a
        template named by a value known only when rendering, or one that does not parse or
        does not exist (rendering then says what is wrong)."""
        key = (name, lang)
        if key not in self._names:
            self._names[key] = self._names_of(f"{lang}/{name}.txt")
        return self._names[key]

    def _names_of(self, path: str) -> frozenset[str] | None:
        from jinja2 import TemplateError, meta

        found: set[str] = set()
        seen: set[str] = set()
        todo = [path]
        try:
            while todo:
                path = todo.pop()
                if path in seen:
                    continue
                seen.add(path)
                tree = self.env.parse(self.env.loader.get_source(self.env, path)[0])
                found |= meta.find_undeclared_variables(tree)
                for referenced in meta.find_referenced_templates(tree):
                    if referenced is None:
                        return None
                    todo.append(referenced)
        except TemplateError:
            return None
        return frozenset(found)

    def _shop_owned(self, source: Path | None) -> bool:
        return source is not None and source.parent.parent == self.shop_dir

    def path_of(self, name: str, lang: str) -> Path | None:
        key = (name, lang)
        if key not in self._paths:
            self._paths[key] = next(
                (
                    folder / lang / f"{name}.txt"
                    for folder in (self.shop_dir, self.builtin_dir)
                    if (folder / lang / f"{name}.txt").is_file()
                ),
                None,
            )
        return self._paths[key]

    def resolve(self, name: str, lang: str) -> tuple[str, list[str]]:
        """The language to render name in, and any warning (a missing language falls back)."""
        check_name(name)
        if lang not in LANGS:
            raise ShopcareError(f"unknown language {lang!r}", "choose one of: ja, en")
        if self.path_of(name, lang):
            return lang, []
        other = "en" if lang == "ja" else "ja"
        if self.path_of(name, other):
            return other, [f"template {name} has no {lang} version: using {other}"]
        raise ShopcareError(
            f"no template {name!r}", "shopcare templates list shows the templates in force"
        )

    def available(self) -> list[dict]:
        """Every template name with its languages and where each comes from."""
        found: dict[str, dict] = {}
        for origin, folder in (("shop", self.shop_dir), ("built-in", self.builtin_dir)):
            for lang in LANGS:
                if not (folder / lang).is_dir():
                    continue
                for path in sorted((folder / lang).glob("*.txt")):
                    if not NAME.match(path.stem):
                        continue
                    entry = found.setdefault(
                        path.stem, {"name": path.stem, "langs": {}, "description": ""}
                    )
                    entry["langs"].setdefault(lang, origin)
                    if not entry["description"]:
                        entry["description"] = _description(path)
        return sorted(found.values(), key=lambda e: (e["name"] not in BUILT_IN, e["name"]))

    def render(self, name: str, lang: str, context: dict) -> Rendered:
        """The draft; a public reply (is_public) is rendered from public_context alone, so that
        not even a shop's own review template can print the customer's name or order."""
        source = self.path_of(name, lang)
        if is_public(name):
            context = public_context(context)
        try:
            text = self._template(name, lang).render(context)
            return _split(name, lang, text, source)
        except Exception as exc:  # one that is not the template's fault is raised as it was
            error = _render_error(exc, name, lang, source, context)
            if self._shop_owned(source) and _is_broken(exc):
                # the shop's copy itself is broken: say how to get the built-in back
                error = ShopcareError(
                    error.message,
                    (error.hint + "; or " if error.hint else "")
                    + f"remove {source} to use the built-in {name} again, or start over from it:"
                    f" shopcare templates copy {name} --lang {lang} --force",
                )
            raise error from None


def _environment():
    """Jinja's Environment, whose templates (the included ones too) look their globals up in a
    plain dict: Environment.make_globals, Jinja's documented hook, gives a ChainMap over the
    environment's by default, and every render of every template then walks it for each name
    it resolves (70,000 lookups in 10,000 status_update drafts). A dict copy keeps the
    environment's own globals just as safe from a template's. shopcare sets its globals
    (refuse) before the first template is loaded."""
    from jinja2 import Environment

    class PlainGlobals(Environment):
        def make_globals(self, d):
            return {**self.globals, **(d or {})}

    return PlainGlobals


def _render_error(
    exc: Exception, name: str, lang: str, source: Path | None, context: dict | None = None
) -> Exception:
    """What a failed render tells the user: the template, its line and the fix; a failure that is
    not the template's, unchanged."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError

    from shopcare.replies.context import CASE_ONLY

    if isinstance(exc, TemplateNotFound):
        return ShopcareError(
            f"template {name} ({lang}) includes {exc.name}, which does not exist"
            + _where(exc, source),
            'an include names a file by its path under templates/, such as "ja/_remedy.txt"',
        )
    if isinstance(exc, TemplateSyntaxError):
        return ShopcareError(
            f"{exc.filename or source}:{exc.lineno}: {exc.message}", "fix the template at that line"
        )
    if isinstance(exc, UndefinedError):
        variable = _undefined_name(str(exc))
        if variable.startswith("shop."):
            option = variable[5:].replace("_", "-")
            hint = f"set it with shopcare init --{option} VALUE"
            if option == "return-address":
                hint = (
                    "set the shop's address with shopcare init --address VALUE"
                    " (or where returns go, if elsewhere: --return-address VALUE)"
                )
            return ShopcareError(
                f"template {name} ({lang}) needs {variable}, which config.toml does not set"
                + _where(exc, source),
                hint,
            )
        if context is not None and "case" not in context and variable.split(".")[0] in CASE_ONLY:
            return NeedsCase(
                f"template {name} ({lang}) is written about a case, and this draft is about an"
                " order, which has no case" + _where(exc, source),
                "draft an aftercare template (followup_arrival, followup_feedback, ...), or open"
                " a case for the order: shopcare case add --order NUMBER",
            )
        if is_public(name) and variable.split(".")[-1] in PRIVATE_NAMES:
            return ShopcareError(
                f"template {name} ({lang}) is a public reply, posted on the mall: it cannot"
                f" print {variable}" + _where(exc, source),
                "a review reply names no customer, e-mail, order, order number or address:"
                " take it out of the template",
            )
        if variable == "amount":
            case_id = ((context or {}).get("case") or {}).get("id", "ID")
            return ShopcareError(
                f"template {name} ({lang}) needs the amount refunded: no refund is recorded on"
                f" case {case_id}, and no --var amount was given" + _where(exc, source),
                f"record the refund with shopcare remedy {case_id} refund --amount N"
                " (or partial_refund), or give --var amount=N",
            )
        return ShopcareError(
            f"template {name} ({lang}) needs {variable}, which this case does not have"
            + _where(exc, source),
            f"give it with --var {variable.split('.')[-1]}=VALUE, or give the template a default: "
            f"{{{{ {variable} | default(...) }}}}",
        )
    if isinstance(exc, (TypeError, ValueError, ArithmeticError)):
        return ShopcareError(f"template {name} ({lang}): {exc}{_where(exc, source)}")
    return exc


def _description(path: Path) -> str:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0].strip()
    match = re.match(r"^\{#\s*(.*?)\s*#\}$", first)
    return match.group(1) if match else ""


def _undefined_name(message: str) -> str:
    for pattern in _UNDEFINED:
        match = pattern.search(message)
        if match:
            return match.group(1)
    return message


def _where(exc: BaseException, source: Path | None) -> str:
    """' (file:line)' from the template frames Jinja puts into the traceback."""
    tb = exc.__traceback__
    line = None
    filename = None
    while tb is not None:
        code = tb.tb_frame.f_code.co_filename
        if code.endswith(".txt"):
            filename, line = code, tb.tb_lineno
        tb = tb.tb_next
    if line is None:
        return ""
    return f" ({filename or source}:{line})"


def _refuse(message: str, hint: str | None = None) -> str:
    """For a template: stop with an error instead of drafting a mail that would be untrue."""
    raise ShopcareError(message, hint)


class BrokenTemplate(ShopcareError):
    """A template file that cannot be a mail at all: empty, or without its Subject line."""


class NeedsCase(ShopcareError):
    """A template written about a case (it uses case, promise, remedies, ...), drafted about an
    order's aftercare, which has no case."""


def _is_broken(exc: Exception) -> bool:
    """Whether a failed render is the template file's own fault (not a missing value)."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    return isinstance(exc, (BrokenTemplate, TemplateSyntaxError, TemplateNotFound))


def _split(name: str, lang: str, text: str, source: Path | None) -> Rendered:
    head, _, body = text.lstrip("\n").partition("\n")
    if not head.startswith("Subject:"):
        raise BrokenTemplate(
            f"template {name} ({lang}) does not start with a 'Subject: ...' line ({source}:1)",
            "a template's first line is the subject, then a blank line, then the body",
        )
    subject = head[len("Subject:") :].strip()
    body = body.strip("\n") + "\n"
    return Rendered(name, lang, subject, body, source or Path(f"{lang}/{name}.txt"))
