"""Replies from templates: the context a template sees, the filters it uses, and rendering.

A template is a text file ``LANG/NAME.txt`` whose first line is ``Subject: ...``;
the rest, after a blank line, is the body. The shop's own ``templates/`` folder
is searched before the built-in one, so a file of the same name and language
wins. Undefined variables are errors (StrictUndefined) unless the template gives
a default, and nothing half-rendered is returned. Text from the customer is
data: Jinja never evaluates a variable's contents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shopcare.clock import from_storage
from shopcare.domain.money import REFUND_KINDS
from shopcare.errors import ShopcareError, breaks_line
from shopcare.resources import resource_dir
from shopcare.settings.config import Config
from shopcare.store.sqlite.connect import batched, marks, tuples

if TYPE_CHECKING:
    from shopcare.domain.calendar import ShopCalendar
    from shopcare.domain.categories import Categories
    from shopcare.store.api import Store

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
WEEKDAYS_JA = "月火水木金土日"
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


# --- filters -------------------------------------------------------------------


def _as_date(value: Any, read: DateReader | None = None) -> date | datetime:
    """A date or a time as the filters take it: a date or datetime as it is; text (a --var) as
    read reads it (the command line's words: +2bd, tomorrow, ISO), or else as ISO text."""
    if isinstance(value, (date, datetime)):
        return value
    if isinstance(value, str):
        if read is not None:
            return read(value)
        try:
            return (
                datetime.fromisoformat(value)
                if "T" in value or " " in value
                else date.fromisoformat(value)
            )
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date")


def jdate(value: Any) -> str:
    """2026年11月24日(火)"""
    day = _as_date(value)
    return f"{day.year}年{day.month}月{day.day}日({WEEKDAYS_JA[day.weekday()]})"


def _with_time(value: Any, day_text, separator: str) -> str:
    """A date in words, then the time of day, left out where it is midnight or a bare date."""
    moment = _as_date(value)
    if isinstance(moment, datetime) and (moment.hour, moment.minute) != (0, 0):
        return f"{day_text(moment)}{separator}{moment:%H:%M}"
    return day_text(moment)


def jdatetime(value: Any) -> str:
    """2026年11月24日(火) 15:00"""
    return _with_time(value, jdate, " ")


def en_date(value: Any) -> str:
    """Tuesday, 24 November 2026"""
    day = _as_date(value)
    return f"{day:%A}, {day.day} {day:%B %Y}"


def en_datetime(value: Any) -> str:
    """Tuesday, 24 November 2026, 15:00"""
    return _with_time(value, en_date, ", ")


def yen(value: Any) -> str:
    """3,980円"""
    return f"{_number(value):,}円"


def en_yen(value: Any) -> str:
    """¥3,980"""
    return f"¥{_number(value):,}"


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount")
    if isinstance(value, (int, float)):
        return value
    text = str(value).replace(",", "").replace("円", "").replace("¥", "").strip()
    try:
        return int(text)
    except ValueError:
        return float(text)


# A date filter's reader of text: the text, and a function that names the --var it came from
# (called only to word an error).
DateReader = Callable[..., "date | datetime"]
_BARE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|today|tomorrow|yesterday)$", re.IGNORECASE)


def _calendar_getter(calendar: Any, config: Config | None = None) -> Callable[[], ShopCalendar]:
    """calendar as a function that gives it: a ShopCalendar, a function that gives one (built on
    first use), or None: a calendar of config.toml alone, built on first use."""
    if calendar is not None and not callable(calendar):
        return lambda: calendar
    found: list = []

    def get() -> ShopCalendar:
        if not found:
            if calendar is not None:
                found.append(calendar())
            else:
                from shopcare.domain.calendar import ShopCalendar

                found.append(ShopCalendar(config or Config()))
        return found[0]

    return get


def _now_of(now: datetime | None) -> datetime:
    if now is not None:
        return now
    from shopcare.clock import now as clock_now

    return clock_now()


def date_reader(calendar: Any = None, now: datetime | None = None) -> DateReader:
    """Text given to a date filter (a --var value) read as the command line reads a date, on the
    shop's calendar and the pinned clock: 2026-11-28, 2026-11-28T15:00, today, tomorrow, +3d,
    +4h, +2bd (closing time of the 2nd business day), +8bh. A date or a day's word gives a date;
    anything else a time in the shop's zone. Text that cannot be read is an error that names it,
    and the --var it came from where that is known."""
    calendar_of = _calendar_getter(calendar)

    def read(text: str, name_of: Callable[[], str | None] | None = None) -> date | datetime:
        from shopcare.clock import WHEN_HINT, DayTime, parse_when

        shop = calendar_of()
        try:
            moment = parse_when(
                text, tz=shop.tz, current=_now_of(now), bare_date=DayTime.start(), calendar=shop
            )
        except ShopcareError:
            name = name_of() if name_of else None
            what = f"--var {name}={text!r}" if name else repr(text)
            raise ShopcareError(f"cannot read {what} as a date or time", WHEN_HINT) from None
        local = moment.astimezone(shop.tz)
        return local.date() if _BARE_DATE.match(text.strip()) else local

    return read


def make_estimate(
    margin_days: int,
    calendar: Any = None,
    now: datetime | None = None,
    read: DateReader | None = None,
):
    """An uncertain date (a maker's, a carrier's) as 目安 wording: moved later by the shop's margin
    in business days, onto a day the shop works, so that a surprise, if any, is a good one.
    目安 is said once: 2026年11月30日(月)ごろ, around Monday, 30 November 2026. A date before today
    is an error that names it. calendar: the shop's ShopCalendar, a function that gives it, or
    None (config.toml's defaults); now: the pinned clock (None: read it when needed)."""
    calendar_of = _calendar_getter(calendar)

    def landing(value: Any, name_of: Callable[[], str | None] | None = None) -> date:
        shop = calendar_of()
        if read is not None and isinstance(value, str):
            moment = read(value, name_of)
        else:
            moment = _as_date(value)
        if isinstance(moment, datetime):
            moment = moment.astimezone(shop.tz) if moment.tzinfo else moment
            day = moment.date()
        else:
            day = moment
        today = _now_of(now).astimezone(shop.tz).date()
        if day < today:
            name = name_of() if name_of else None
            raise ShopcareError(
                f"{name or 'the estimated date'} {day.isoformat()} is already past:"
                f" today is {today.isoformat()}",
                f"give the date now expected, e.g. --var {name or 'eta'}=+3bd"
                f" or --var {name or 'eta'}={(today + timedelta(days=3)).isoformat()}",
            )
        if margin_days:
            return shop.nth_business_day_after(day, margin_days)
        return day if shop.is_business_day(day) else shop.next_business_day(day)

    def estimate_ja(value: Any, name_of: Callable[[], str | None] | None = None) -> str:
        return f"{jdate(landing(value, name_of))}ごろ"

    def estimate_en(value: Any, name_of: Callable[[], str | None] | None = None) -> str:
        return f"around {en_date(landing(value, name_of))}"

    return estimate_ja, estimate_en


def _var_name(context, value: Any) -> str | None:
    """The --var a filter's value came from, where it is one: to name it in an error."""
    variables = context.get("vars") or {}
    return next((key for key, text in variables.items() if text == value), None)


def sama(customer: dict | None) -> str:
    """The greeting's name: 山田 花子様, or お客様 where the name is not known."""
    name = (customer or {}).get("name")
    return f"{name}様" if name else "お客様"


def dear(customer: dict | None) -> str:
    name = (customer or {}).get("name")
    return f"Dear {name}," if name else "Dear customer,"


def order_tag(number: str | None) -> str:
    """（注文番号：1234）for a subject, or nothing where there is no order."""
    return f"（注文番号：{number}）" if number else ""


def en_order_tag(number: str | None) -> str:
    return f" (order {number})" if number else ""


def items_ja(items: list[dict] | None) -> str:
    return "、".join(f"{i['name']} ×{i['quantity']}" for i in items or [])


def items_en(items: list[dict] | None) -> str:
    return ", ".join(f"{i['quantity']} × {i['name']}" for i in items or [])


FILTERS = {
    "jdate": jdate,
    "jdatetime": jdatetime,
    "en_date": en_date,
    "en_datetime": en_datetime,
    "yen": yen,
    "en_yen": en_yen,
    "sama": sama,
    "dear": dear,
    "order_tag": order_tag,
    "en_order_tag": en_order_tag,
    "items_ja": items_ja,
    "items_en": items_en,
}


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
        from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

        self.shop_dir = home / "templates"
        self.builtin_dir = resource_dir("templates")
        self._paths: dict[tuple[str, str], Path | None] = {}
        self._compiled: dict[tuple[str, str], Any] = {}
        self.env = Environment(
            loader=FileSystemLoader([str(self.shop_dir), str(self.builtin_dir)], encoding="utf-8"),
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters.update(FILTERS)
        calendar_of = _calendar_getter(calendar, config)
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
            template = self.env.get_template(f"{lang}/{name}.txt")
            # Jinja keeps a template's globals as a ChainMap over the environment's, and copies
            # them into every render's context: a plain dict of the same entries copies in one
            # C call (nothing here changes the globals once a template is loaded)
            template.globals = dict(template.globals)
            self._compiled[key] = template
        return self._compiled[key]

    def reads(self, name: str, lang: str) -> dict[str, frozenset[str] | None] | None:
        """What the template reads, with every template it includes, imports or extends: each
        context name it uses, with (for case and order) the fields it reads of it, or None where
        it uses the value whole. None altogether where a template is named by a value known only
        when rendering, or does not parse (rendering then says what is wrong)."""
        from jinja2 import TemplateError, meta

        found: dict[str, set[str] | None] = {}
        seen: set[str] = set()
        todo = [f"{lang}/{name}.txt"]
        try:
            while todo:
                path = todo.pop()
                if path in seen:
                    continue
                seen.add(path)
                tree = self.env.parse(self.env.loader.get_source(self.env, path)[0])
                fields = _fields_read(tree)
                for used in meta.find_undeclared_variables(tree):
                    _merge(found, used, fields.get(used))
                for referenced in meta.find_referenced_templates(tree):
                    if referenced is None:
                        return None
                    todo.append(referenced)
        except TemplateError:
            return None
        return {key: None if value is None else frozenset(value) for key, value in found.items()}

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
        shop_owned = source is not None and source.parent.parent == self.shop_dir
        try:
            if shop_owned and not source.read_text(encoding="utf-8").strip():
                raise BrokenTemplate(f"the shop's template {source} is empty")
            text = self._template(name, lang).render(context)
            return _split(name, lang, text, source)
        except Exception as exc:  # one that is not the template's fault is raised as it was
            error = _render_error(exc, name, lang, source, context)
            if shop_owned and _is_broken(exc):
                # the shop's copy itself is broken: say how to get the built-in back
                error = ShopcareError(
                    error.message,
                    (error.hint + "; or " if error.hint else "")
                    + f"remove {source} to use the built-in {name} again, or start over from it:"
                    f" shopcare templates copy {name} --lang {lang} --force",
                )
            raise error from None


def _render_error(
    exc: Exception, name: str, lang: str, source: Path | None, context: dict | None = None
) -> Exception:
    """What a failed render tells the user: the template, its line and the fix; a failure that is
    not the template's, unchanged."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError

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
        if is_public(name) and variable.split(".")[-1] in _PRIVATE_NAMES:
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


# The parts of a context looked up field by field: a template that reads order.carrier alone
# costs no items and no other columns.
_BY_FIELD = ("case", "order")
_PRESENCE_TESTS = frozenset(("defined", "undefined", "none"))


def _fields_read(tree) -> dict[str, set[str] | None]:
    """For case and order: the fields the template reads (case.summary, order["items"]), or None
    where it uses the value any other way (passes it to a filter, names it in a set, calls a
    method of it). Used only as a condition ({% if order %}, order is defined), it needs no
    field. Only what is certain is narrowed: anything else reads the value whole."""
    from jinja2 import nodes

    found: dict[str, set[str] | None] = {}

    def visit(node, parent, in_test: bool) -> None:
        if isinstance(node, nodes.Name) and node.name in _BY_FIELD:
            _merge(found, node.name, _field_of(node, parent, in_test))
        for child in node.iter_child_nodes():
            if isinstance(node, (nodes.If, nodes.CondExpr)):
                test = child is node.test
            elif isinstance(node, (nodes.And, nodes.Or, nodes.Not)):
                test = in_test
            else:
                test = False
            visit(child, node, test)

    def _field_of(node, parent, in_test: bool) -> set[str] | None:
        if node.ctx != "load":
            return None
        if isinstance(parent, nodes.Getattr) and parent.node is node:
            # a dict's own attribute (get, items, keys) is a method: the whole value
            return None if hasattr(dict, parent.attr) else {parent.attr}
        if isinstance(parent, nodes.Getitem) and parent.node is node:
            key = parent.arg
            if isinstance(key, nodes.Const) and isinstance(key.value, str):
                return {key.value}
            return None
        if in_test or (
            isinstance(parent, nodes.Test)
            and parent.node is node
            and parent.name in _PRESENCE_TESTS
        ):
            return set()
        return None

    visit(tree, None, False)
    return found


def _merge(found: dict[str, set[str] | None], name: str, fields: set[str] | None) -> None:
    """Add what one use of name reads to what is known: None (the whole value) wins."""
    if name not in found:
        found[name] = None if fields is None else set(fields)
    elif found[name] is not None:
        if fields is None:
            found[name] = None
        else:
            found[name] |= fields


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


# --- the context -------------------------------------------------------------------


ORDER_TIMES = ("ordered_at", "paid_at", "shipped_at", "delivered_at")
# Remedies that give money back: refund_notice words the latest of them.
# --var values that are amounts of yen: read as people type them, and refused when they are not.
YEN_VARS = ("amount", "cost")
# A template whose name starts so is a reply to a review: posted on the mall for anyone to read.
PUBLIC_PREFIX = "review_reply_"
# What a public reply's context leaves out (the customer is empty), and the case's fields it drops.
_WITHHELD = ("order", "order_number", "promise", "remedy", "remedies", "refund")
_PRIVATE_CASE_FIELDS = ("customer_name", "customer_email", "customer_id", "order_number")
# Names a public reply asking for one of them is told it cannot print.
_PRIVATE_NAMES = frozenset((*_WITHHELD, *_PRIVATE_CASE_FIELDS, "name", "email", "address"))
# The mail-order law's return right where the shop declares no return policy (特定商取引法 15条の3).
LAW_RETURN_DAYS = 8


def is_public(template: str) -> bool:
    """A review reply is published on the mall, not mailed to the customer: it carries nothing
    private, is not addressed to anyone, and is never drafted as a mail (eml)."""
    return template.startswith(PUBLIC_PREFIX)


def is_inquiry(category: str | None) -> bool:
    """A question (inquiry.*, other) is answered, not apologised for."""
    return category == "other" or (category or "").startswith("inquiry.")


def public_context(context: dict) -> dict:
    """What a public reply sees: no customer name or e-mail, no order or its number, nothing
    promised or offered to the customer; the case without its customer's fields."""
    public = {key: value for key, value in context.items() if key not in _WITHHELD}
    public["customer"] = {}
    if isinstance(context.get("case"), dict):
        public["case"] = {
            key: value for key, value in context["case"].items() if key not in _PRIVATE_CASE_FIELDS
        }
    return public


def case_contexts(
    store: Store,
    case_ids: list[int],
    config: Config,
    categories: Categories,
    tz: tzinfo,
    now: datetime,
    variables: dict[str, str],
    lang: str,
    reads: dict[str, frozenset[str] | None] | None = None,
    home: Path | None = None,
) -> list[dict]:
    """For each case: the case, customer, order with items, shop, the open promise, every remedy
    (remedies, oldest first; remedy, the latest; refund, the latest that gives money back), the
    return terms, today and the --var values. Looked up a batch of cases at a time, so that
    drafting for thousands of cases costs a few queries per batch, not per case; and only what
    reads names (Templates.reads; None: everything): an apology that never names the order costs
    no order look-ups, a status mail that prints the tracking number no items. The return terms
    come from the policy of home (default: the folder of the database)."""
    from shopcare.domain.cases import CASE_COLUMNS, case_select, case_view
    from shopcare.errors import NotFound

    base = base_context(config, tz, now, variables)
    local_now = now.astimezone(tz)
    everything = reads is None
    want_order, want_promise, want_returns = (
        everything or part in reads for part in ("order", "promise", "returns")
    )
    want_remedy = everything or any(part in reads for part in ("remedy", "remedies", "refund"))
    if want_returns:
        base["returns"] = return_terms(home, local_now.date())
    case_fields = None if everything else reads.get("case", frozenset())
    if case_fields is None:
        select = case_select()
    else:  # what the template reads, and what finds the customer and the order
        needed = {"id", "order_number", "mall", "customer_name", "customer_email"} | case_fields
        if case_fields & {"category_label", "is_inquiry"}:
            needed.add("category")
        select = case_select(needed & CASE_COLUMNS.keys())
    contexts = []
    for chunk in batched(case_ids):
        # tuples: a case's view is built from them in one pass
        cursor = tuples(store, select + f" WHERE c.id IN ({marks(chunk)})", chunk)
        names = [column[0] for column in cursor.description]
        cases = {}
        for values in cursor:
            case = case_view(names, values, categories, lang)  # labels in the reply's language
            if "category" in case:
                case["is_inquiry"] = is_inquiry(case["category"])
            cases[case["id"]] = case
        missing = [case_id for case_id in chunk if case_id not in cases]
        if missing:
            raise NotFound(
                f"no case {missing[0]}", "shopcare case list --status all shows every case"
            )
        kinds = [
            kind for kind, wanted in (("promise", want_promise), ("remedy", want_remedy)) if wanted
        ]
        promises, remedies = (
            _promises_and_remedies(store, chunk, kinds, tz, local_now) if kinds else ({}, {})
        )
        if remedies:
            _mark_full_refunds(store, cases, remedies)
        orders = (
            _orders_of(store, cases, tz, None if everything else reads["order"])
            if want_order
            else None
        )
        windows = (
            _return_windows(store, cases, tz, base["returns"], local_now.date())
            if want_returns
            else {}
        )
        for case_id in chunk:
            case = cases[case_id]
            if case.get("order_number") and breaks_line(case["order_number"]):
                raise ShopcareError(  # stored by an older shopcare: it would split the subject
                    f"case {case_id}'s order number holds a line break, which would break the"
                    " mail's subject",
                    f"correct it: shopcare case edit {case_id} --order NUMBER",
                )
            if "received_at" in case:
                case["received_at"] = from_storage(case["received_at"]).astimezone(tz)
            context = base | {
                "case": case,
                "customer": {
                    key: case[field]
                    for key, field in (("name", "customer_name"), ("email", "customer_email"))
                    if case.get(field)
                },
                "order_number": case.get("order_number"),
            }
            if want_order:
                context["order"] = orders.get(case_id)
            if want_returns:
                context["returns"] = base["returns"] | windows.get(case_id, {})
            if want_promise:
                context["promise"] = promises.get(case_id)
            if want_remedy:
                offered = remedies.get(case_id, [])
                context["remedies"] = offered
                context["remedy"] = offered[-1] if offered else None
                context["refund"] = next(
                    (r for r in reversed(offered) if r["kind"] in REFUND_KINDS and "amount" in r),
                    None,
                )
            contexts.append(context)
    return contexts


def _promises_and_remedies(
    store: Store,
    case_ids: list[int],
    kinds: list[str],
    tz: tzinfo,
    local_now: datetime,
) -> tuple[dict[int, dict], dict[int, list[dict]]]:
    """Each case's latest promise, where it is still open (one already past is not), and every
    remedy recorded on it, oldest first, with the fields that hold a value: the kinds asked for,
    in one pass."""
    promises: dict[int, dict | None] = {}
    remedies: dict[int, list[dict]] = {}
    for case_id, kind, text, due_at, data in tuples(
        store,
        "SELECT case_id, kind, text, due_at, data FROM events"
        f" WHERE case_id IN ({marks(case_ids)}) AND kind IN ({marks(kinds)}) ORDER BY at, id",
        [*case_ids, *kinds],
    ):
        if kind == "promise" and due_at:
            due = from_storage(due_at).astimezone(tz)
            promises[case_id] = {"due_at": due, "text": text} if due >= local_now else None
        elif kind == "remedy" and data:
            offered = {k: v for k, v in json.loads(data).items() if v is not None}
            offered["full"] = False
            remedies.setdefault(case_id, []).append(offered)
    open_promises = {case_id: promise for case_id, promise in promises.items() if promise}
    return open_promises, remedies


def _mark_full_refunds(
    store: Store, cases: dict[int, dict], remedies: dict[int, list[dict]]
) -> None:
    """full: true for a refund of exactly what was paid (the order's total, in yen), so that a
    mail says 全額 only then. An order the case cannot name for certain is never full."""
    from shopcare.orders.importer import order_views, pick_order

    refunded = {
        case_id: cases[case_id]
        for case_id, offered in remedies.items()
        if "order_number" in cases[case_id]
        and any(r["kind"] in REFUND_KINDS and "amount" in r for r in offered)
    }
    if not refunded:
        return
    numbered = order_views(
        store,
        [case["order_number"] for case in refunded.values()],
        frozenset(("total", "currency")),
    )
    for case_id, case in refunded.items():
        try:
            order = pick_order(
                numbered.get(case["order_number"], []), case["order_number"], case.get("mall")
            )
        except ShopcareError:  # the number is in two malls: which was paid is not certain
            order = None
        if order is None or order.get("total") is None or order.get("currency", "JPY") != "JPY":
            continue
        for offered in remedies[case_id]:
            offered["full"] = (
                offered["kind"] in REFUND_KINDS
                and "amount" in offered
                and offered["amount"] == round(order["total"])
            )


def _orders_of(
    store: Store, cases: dict[int, dict], tz: tzinfo, fields: frozenset[str] | None
) -> dict[int, dict]:
    """The order each case names, with the fields given (None: all, with its items), its times
    in the shop's zone."""
    from shopcare.orders.importer import order_views, pick_order

    numbered = order_views(
        store, [case["order_number"] for case in cases.values() if "order_number" in case], fields
    )
    for candidates in numbered.values():
        for order in candidates:
            for key in ORDER_TIMES:
                if key in order:
                    order[key] = from_storage(order[key]).astimezone(tz)
    orders = {}
    for case_id, case in cases.items():
        if "order_number" in case:
            number = case["order_number"]
            order = pick_order(numbered.get(number, []), number, case.get("mall"))
            if order is not None:
                orders[case_id] = order  # cases naming one order share its view
    return orders


def _return_windows(
    store: Store, cases: dict[int, dict], tz: tzinfo, terms: dict, today: date
) -> dict[int, dict]:
    """For each case on an imported order: the last day of its return window (the day of
    delivery counted as the first, in the shop's zone), whether it is still open, and whether
    the delivery date is only estimated (shipped + transit days: then the mail states the rule,
    not a date the customer may have been given more days than)."""
    from datetime import timedelta

    from shopcare.orders.importer import order_views, pick_order

    numbers = [case["order_number"] for case in cases.values() if case.get("order_number")]
    if not numbers:
        return {}
    found = order_views(store, numbers, frozenset(("delivered_at", "shipped_at")))
    windows = {}
    for case_id, case in cases.items():
        number = case.get("order_number")
        if not number:
            continue
        try:
            order = pick_order(found.get(number, []), number, case.get("mall"))
        except ShopcareError:
            continue
        if order is None:
            continue
        if order.get("delivered_at"):
            delivered, estimated = from_storage(order["delivered_at"]), False
        elif order.get("shipped_at"):
            delivered = from_storage(order["shipped_at"]) + timedelta(days=terms["transit_days"])
            estimated = True
        else:
            continue
        last = delivered.astimezone(tz).date() + timedelta(days=terms["window_days"] - 1)
        windows[case_id] = {"last_day": last, "open": today <= last, "estimated": estimated}
    return windows


def return_terms(home: Path | None, today: date) -> dict:
    """What a return instruction states: the shop's declared return policy ([returns] of its
    policy), or where it declares none, the mail-order law's: 8 days from delivery, the day of
    delivery counted as the first, return shipping paid by the customer."""
    declared = None
    if home is not None:
        from shopcare.settings.derived import policy_view

        policy = policy_view(home, today)
        declared = policy.returns
    transit = policy.delivery.transit_days if home is not None else 2
    unknown = {"last_day": None, "open": None, "estimated": None, "transit_days": transit}
    if declared is None or not declared.declared_policy:
        return unknown | {
            "declared_policy": False,
            "window_days": LAW_RETURN_DAYS,
            "customer_pays_shipping": True,
        }
    return unknown | {
        "declared_policy": True,
        "window_days": declared.window_days,
        "customer_pays_shipping": bool(declared.customer_pays_shipping),
    }


def base_context(config: Config, tz: tzinfo, now: datetime, variables: dict[str, str]) -> dict:
    """What every draft sees: the shop (from config.toml), today, now and the --var values, the
    amounts among them (amount, cost) read as yen."""
    from jinja2 import StrictUndefined

    from shopcare.domain.money import parse_yen

    # A shop value config.toml does not set is undefined under its full name: the error says shop.email
    shop = {
        key: value or StrictUndefined(name=f"shop.{key}")
        for key, value in (
            ("name", config.shop_name),
            ("email", config.shop_email),
            ("signature", config.signature),
            ("address", config.shop_address),
            ("return_address", config.return_address),
        )
    }
    given = {
        key: parse_yen(value, f"--var {key}") if key in YEN_VARS else value
        for key, value in variables.items()
    }
    local = now.astimezone(tz)
    return {"shop": shop, "today": local.date(), "now": local, "vars": dict(given)} | given


def parse_vars(pairs: list[str]) -> dict[str, str]:
    variables: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
            raise ShopcareError(
                f"--var {pair!r} is not KEY=VALUE", "for example --var eta=2026-11-28"
            )
        if key in RESERVED:
            raise ShopcareError(
                f"--var {key} would hide the case's own {key}", "choose another name"
            )
        variables[key] = value
    return variables


RESERVED = (
    "case",
    "customer",
    "order",
    "order_number",
    "shop",
    "promise",
    "remedy",
    "remedies",
    "refund",
    "returns",
    "today",
    "now",
    "vars",
)


# --- output ---------------------------------------------------------------------------


_JSON = json.JSONEncoder(ensure_ascii=False)
_JSON_ASCII = json.JSONEncoder(ensure_ascii=True)


def as_json(
    rendered: Rendered, to: str | None, case_id: int | None, ascii_only: bool = False
) -> str:
    """A draft as one json object. Its values are encoded one by one: the encoder takes a string
    in a single call, where an object costs it a new encoder each time (a batch of 10,000 drafts:
    a tenth of the time against a third). ascii_only: every non-ASCII character escaped, for an
    output that is not UTF-8."""
    value = (_JSON_ASCII if ascii_only else _JSON).encode
    if is_public(rendered.template):
        to = None  # posted on the mall, addressed to no one
    return (
        f'{{"to": {value(to)}, "subject": {value(rendered.subject)}, '
        f'"body": {value(rendered.body)}, "case_id": {"null" if case_id is None else int(case_id)}, '
        f'"template": {value(rendered.template)}, "lang": {value(rendered.lang)}}}'
    )


def as_eml(
    rendered: Rendered, *, to: str | None, shop_name: str, shop_email: str, now: datetime
) -> str:
    """A complete RFC 5322 draft: a mail client opens it ready to send (X-Unsent: 1)."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    if is_public(rendered.template):
        raise ShopcareError(
            f"{rendered.template} is a public reply, posted on the mall under the review:"
            " it is not mailed to the customer",
            "draft it with --format text (or json) and paste it as the shop's reply on the mall",
        )
    if not to:
        raise ShopcareError(
            "this case has no customer e-mail address",
            "add one with case add --email, or use --format text",
        )
    if not shop_email:
        raise ShopcareError(
            "the shop has no e-mail address to send from",
            "shopcare init --email support@example.jp",
        )
    for what, value in (("subject", rendered.subject), ("recipient", to), ("shop name", shop_name)):
        if breaks_line(value):
            raise ShopcareError(
                f"the {what} holds a line break, which would break the mail's headers",
                "correct it where it comes from (case edit --order, shopcare init --name)",
            )
    try:
        message = EmailMessage()
        message["To"] = to
        user, _, domain = shop_email.partition("@")
        message["From"] = (
            Address(display_name=shop_name, username=user, domain=domain)
            if shop_name
            else shop_email
        )
        message["Subject"] = rendered.subject
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(domain=domain or None)
        message["X-Unsent"] = "1"
        message.set_content(rendered.body, charset="utf-8")
        return message.as_string()
    except (ValueError, TypeError, IndexError) as exc:  # the email package's own refusals
        raise ShopcareError(
            f"case's draft cannot be made into a mail: {exc}",
            "check the recipient, the shop's name and e-mail (shopcare init), or use --format text",
        ) from None


# --- drafts for an order's follow-up (aftercare), which has no case --------------------------


def order_context(
    store: Store,
    order_id: int,
    config: Config,
    tz: tzinfo,
    now: datetime,
    variables: dict[str, str],
) -> dict:
    """What an aftercare mail sees: the order with its items, its customer, the shop, today and
    the --var values; no case (a template that names one says it needs case)."""
    from shopcare.errors import NotFound
    from shopcare.orders.importer import order_views

    row = tuples(store, "SELECT number, mall FROM orders WHERE id = ?", [order_id]).fetchone()
    if row is None:
        raise NotFound(f"no order with id {order_id}", "shopcare followups lists the ids")
    number, mall = row
    order = next(o for o in order_views(store, [number])[number] if o["mall"] == mall)
    for key in ORDER_TIMES:
        if key in order:
            order[key] = from_storage(order[key]).astimezone(tz)
    customer = {
        key: order[field]
        for key, field in (("name", "customer_name"), ("email", "customer_email"))
        if order.get(field)
    }
    return base_context(config, tz, now, variables) | {
        "customer": customer,
        "order": order,
        "order_number": number,
    }
