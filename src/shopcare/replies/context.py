"""What a template sees: the shop, today and the --var values (base_context); for a case, the
case, its customer and order, the open promise, the remedies and the return terms
(case_contexts); for an order's aftercare, which has no case, the order (order_context).

A context holds the parts the template names (Templates.names: the top-level names it and
every template it includes use), each built whole: a few queries per few hundred cases (see
store/api.py, "what drafts read"), and plain dicts a template reads as it likes."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from shopcare.clock import from_storage
from shopcare.domain.money import REFUND_KINDS
from shopcare.errors import NotFound, ShopcareError, breaks_line
from shopcare.settings.config import Config

if TYPE_CHECKING:
    from shopcare.domain.categories import Categories
    from shopcare.store.api import Store

ORDER_TIMES = ("ordered_at", "paid_at", "shipped_at", "delivered_at")
# --var values that are amounts of yen: read as people type them, and refused when they are not.
YEN_VARS = ("amount", "cost")
# The mail-order law's return right where the shop declares no return policy (特定商取引法 15条の3).
LAW_RETURN_DAYS = 8
# What a draft about a case sees and one about an order (aftercare, which has no case) does not.
CASE_ONLY = ("case", "promise", "remedy", "remedies", "refund", "returns")


def is_inquiry(category: str | None) -> bool:
    """A question (inquiry.*, other) is answered, not apologised for."""
    return category == "other" or (category or "").startswith("inquiry.")


def case_contexts(
    store: Store,
    case_ids: list[int],
    config: Config,
    categories: Categories,
    tz: tzinfo,
    now: datetime,
    variables: dict[str, str],
    lang: str,
    home: Path | None = None,
    names: Collection[str] | None = None,
) -> list[dict]:
    """For each case, in the order given: the case, its customer, its order with items, the
    shop, the open promise, every remedy (remedies, oldest first; remedy, the latest; refund,
    the latest that gives money back), the return terms with the case's own window, today and
    the --var values. The return terms come from the policy of home (None: the mail-order
    law's). A case that does not exist is an error that names it.

    names: the names the template uses (Templates.names; None: not known, so everything). A
    part it names none of is left out and not looked up: a draft that names neither order nor
    returns reads no orders (only, where it names a remedy, the order of a case refunded, to
    tell whether the refund is of the whole amount)."""
    from shopcare.domain.orders import pick_order

    def named(*parts: str) -> bool:
        return names is None or any(part in names for part in parts)

    want_order, want_returns, want_promise = named("order"), named("returns"), named("promise")
    want_remedies = named("remedy", "remedies", "refund")
    base = base_context(config, tz, now, variables)
    local_now = now.astimezone(tz)
    today = local_now.date()
    terms = return_terms(home, today) if want_returns else {}
    cases = {}
    for row in store.cases_for_drafts(case_ids):
        case = case_view(row, categories, lang, tz)  # labels in the reply's language
        cases[case["id"]] = case
    missing = next((case_id for case_id in case_ids if case_id not in cases), None)
    if missing is not None:
        raise NotFound(f"no case {missing}", "shopcare case list --status all shows every case")
    kinds = [
        kind for kind, wanted in (("promise", want_promise), ("remedy", want_remedies)) if wanted
    ]
    promises, remedies = (
        _promises_and_remedies(store, case_ids, kinds, tz, local_now) if kinds else ({}, {})
    )
    # the cases whose order is looked up: all, or those refunded (is the refund in full?)
    on_order = (
        cases
        if want_order or want_returns
        else [case_id for case_id, offered in remedies.items() if any(map(_refunds, offered))]
    )
    found = store.orders_for_drafts(
        [cases[case_id]["order_number"] for case_id in on_order if "order_number" in cases[case_id]]
    )
    # each order's view and return terms, by mall and number: cases on one order share them
    of_order: dict[tuple[str, str], tuple[dict | None, dict]] = {}
    contexts = []
    for case_id in case_ids:
        case = cases[case_id]
        number = case.get("order_number")
        if number and breaks_line(number):
            raise ShopcareError(  # stored by an older shopcare: it would split the subject
                f"case {case_id}'s order number holds a line break, which would break the"
                " mail's subject",
                f"correct it: shopcare case edit {case_id} --order NUMBER",
            )
        context = base | {
            "case": case,
            "customer": {
                key: case[field]
                for key, field in (("name", "customer_name"), ("email", "customer_email"))
                if case.get(field)
            },
            "order_number": number,
        }
        stored = order = None
        returns = terms
        if number and number in found:
            try:
                stored = pick_order(found[number], number, case.get("mall"))
            except ShopcareError as unsure:  # the number is in two malls, and the case names none
                order = unknown_order(unsure)
        if stored is not None:
            key = (stored["mall"], stored["number"])
            if key not in of_order:  # the window first: it reads the stored times
                window = return_window(stored, terms, tz, today) if want_returns else {}
                of_order[key] = (order_view(stored, tz) if want_order else None, terms | window)
            order, returns = of_order[key]
        if want_order:
            context["order"] = order
        if want_returns:
            context["returns"] = returns
        if want_promise:
            context["promise"] = promises.get(case_id)
        if want_remedies:
            offered = remedies.get(case_id, [])
            if stored is not None and offered:
                _mark_full_refunds(offered, stored)
            context["remedies"] = offered
            context["remedy"] = offered[-1] if offered else None
            context["refund"] = next((r for r in reversed(offered) if _refunds(r)), None)
        contexts.append(context)
    return contexts


def _refunds(remedy: dict) -> bool:
    """Whether a remedy gives money back: a refund of an amount."""
    return remedy["kind"] in REFUND_KINDS and "amount" in remedy


def case_view(case: dict, categories: Categories, lang: str, tz: tzinfo) -> dict:
    """A case as a template sees it: the fields that hold a value (as the store gives them,
    made the view in place), when it was received in the shop's zone, its category's label in
    the reply's language, and whether it is a question."""
    case["received_at"] = from_storage(case["received_at"]).astimezone(tz)
    case["category_label"] = categories.label(case["category"], lang)
    case["is_inquiry"] = is_inquiry(case["category"])
    return case


def order_view(order: dict, tz: tzinfo) -> dict:
    """An order as a template sees it: the fields that hold a value (as the store gives them,
    made the view in place), with its items, its times in the shop's zone, and whether the
    customer accepts marketing mail as true or false."""
    for key in ORDER_TIMES:
        if key in order:
            order[key] = from_storage(order[key]).astimezone(tz)
    if "accepts_marketing" in order:
        order["accepts_marketing"] = bool(order["accepts_marketing"])
    return order


def unknown_order(error: ShopcareError):
    """The order of a case that cannot name it for certain (its number is in two malls, and the
    case names no mall): a template that uses the order fails with error, which says how to
    name the mall; one that never names the order drafts as it would."""
    from jinja2 import StrictUndefined

    # exc: what every use of the value raises, made from the message Jinja words for it
    return StrictUndefined(name="order", exc=lambda _message: error)


def _promises_and_remedies(
    store: Store, case_ids: list[int], kinds: list[str], tz: tzinfo, local_now: datetime
) -> tuple[dict[int, dict], dict[int, list[dict]]]:
    """Each case's latest promise, where it is still open (one already past is not), and every
    remedy recorded on it, oldest first, with the fields that hold a value: of the kinds asked
    for (promise, remedy)."""
    promises: dict[int, dict | None] = {}
    remedies: dict[int, list[dict]] = {}
    for event in store.events_for_drafts(case_ids, kinds):
        case_id = event["case_id"]
        if event["kind"] == "promise" and event["due_at"]:
            due = from_storage(event["due_at"]).astimezone(tz)
            promises[case_id] = {"due_at": due, "text": event["text"]} if due >= local_now else None
        elif event["kind"] == "remedy" and event["data"]:
            offered = {key: value for key, value in event["data"].items() if value is not None}
            offered["full"] = False
            remedies.setdefault(case_id, []).append(offered)
    open_promises = {case_id: promise for case_id, promise in promises.items() if promise}
    return open_promises, remedies


def _mark_full_refunds(offered: list[dict], stored: dict) -> None:
    """full: true for a refund of exactly what was paid (the order's total, in yen), so that a
    mail says 全額 only then."""
    if "total" not in stored or stored.get("currency", "JPY") != "JPY":
        return
    for remedy in offered:
        remedy["full"] = _refunds(remedy) and remedy["amount"] == round(stored["total"])


def return_window(stored: dict, terms: dict, tz: tzinfo, today: date) -> dict:
    """For a case on an imported order: the last day of its return window (the day of delivery
    counted as the first, in the shop's zone), whether it is still open, and whether the
    delivery date is only estimated (shipped + transit days: then the mail states the rule, not
    a date the customer may have been given more days than). Nothing where it is not known."""
    if stored.get("delivered_at"):
        delivered, estimated = from_storage(stored["delivered_at"]), False
    elif stored.get("shipped_at"):
        delivered = from_storage(stored["shipped_at"]) + timedelta(days=terms["transit_days"])
        estimated = True
    else:
        return {}
    last = delivered.astimezone(tz).date() + timedelta(days=terms["window_days"] - 1)
    return {"last_day": last, "open": today <= last, "estimated": estimated}


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


# the marketing mails (they end with the sender's address and how to stop them): never to a
# customer whose order says they declined marketing mail (the aftercare list, where the policy
# marks a step marketing, goes further: only to those whose order says they accepted)
MARKETING = ("followup_related", "review_request")
# the faults that are not the customer's: an apology for their own circumstances would say
# otherwise than the record
NOT_THE_CUSTOMERS = ("shop", "carrier", "maker")


def check_fits(template: str, context: dict) -> None:
    """A draft the record does not allow is refused: a marketing mail to a customer whose order
    says they declined marketing mail; and a draft whose premise the case's own record
    contradicts: an apology for a
    question (it would apologise for a trouble nobody recorded), an apology for the
    customer's own circumstances on a case whose fault is recorded as the shop's, the
    carrier's or the maker's."""
    if template in MARKETING and (context.get("order") or {}).get("accepts_marketing") is False:
        whose = f"case {context['case']['id']}'s" if context.get("case") else "this"
        raise ShopcareError(
            f"{template} is a marketing mail, and on {whose} order the customer declined"
            " marketing mail: it must not be sent to them (特定電子メール法)",
            "write to them with a template that is not marketing (status_update, resolution)",
        )
    case = context.get("case")
    if not case:
        return
    number = case["id"]
    # (a case of category other may be a complaint of a kind the list lacks: not refused)
    if template == "apology" and str(case.get("category") or "").startswith("inquiry."):
        raise ShopcareError(
            f"case {number} is a question ({case.get('category_label') or case['category']}),"
            " not a complaint: an apology would apologise for a trouble it does not record",
            f"answer it with shopcare reply {number} resolution --var answer=...; if it is a"
            f" complaint, set its category first: shopcare case edit {number} --category ...",
        )
    if template == "apology_customer_fault" and case.get("fault") in NOT_THE_CUSTOMERS:
        raise ShopcareError(
            f"case {number} records the fault as the {case['fault']}'s: apology_customer_fault"
            " would tell the customer it came of their own circumstances",
            f"use apology; or, if the record is wrong: shopcare case edit {number} --fault"
            " customer",
        )


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


def order_context(
    store: Store,
    order_id: int,
    config: Config,
    tz: tzinfo,
    now: datetime,
    variables: dict[str, str],
) -> dict:
    """What an aftercare mail sees: the order with its items, its customer, the shop, today and
    the --var values; nothing of CASE_ONLY (a template that uses it is written about a case)."""
    stored = store.order_for_draft(order_id)
    if stored is None:
        raise NotFound(f"no order with id {order_id}", "shopcare followups lists the ids")
    order = order_view(stored, tz)
    customer = {
        key: order[field]
        for key, field in (("name", "customer_name"), ("email", "customer_email"))
        if order.get(field)
    }
    return base_context(config, tz, now, variables) | {
        "customer": customer,
        "order": order,
        "order_number": order["number"],
    }
