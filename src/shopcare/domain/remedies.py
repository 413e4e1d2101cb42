"""Remedies: which rule fits a case and why, what it comes to in yen, what similar cases got,
and recording what was offered (refused above the approval line without an approver)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from shopcare.clock import from_storage
from shopcare.domain.money import REFUND_KINDS
from shopcare.domain.policy import MALL_NAMES, REMEDY_KINDS, Policy, Remedy, Rule, not_allowed
from shopcare.errors import ShopcareError, check_choice

if TYPE_CHECKING:
    from shopcare.store.api import Store

# A customer returning goods for their own convenience: the return right applies.
CONVENIENCE_CATEGORIES = ("inquiry.return", "quality.not_as_pictured")
# Remedies that count nothing against the approval line.
_NO_WORTH = ("return_label", "apology_only")
# Remedies that send goods again: worth the item(s) sent, not the whole order.
GOODS_KINDS = ("replacement", "reship")
# Remedies that pay money back: never more than the order's total.
# The currency of an order whose prices and total are yen (a blank currency is taken as yen).
_YEN_CURRENCIES = (None, "", "JPY")
ALL_ITEMS = "all"  # --item all: the whole order is sent again (a lost parcel)


@dataclass
class Facts:
    """What the rules look at, for one case."""

    category: str
    fault: str
    mall: str | None
    priority: str
    order_total: int | float | None
    days_since_delivery: int | None
    repeat_customer: bool | None


@dataclass
class Reason:
    key: str
    rule: object
    case: object


@dataclass
class ReturnRight:
    """The right to return goods at the customer's convenience, counted in the shop's days:
    the day of delivery is day 1."""

    basis: str  # "declared" (the shop's own policy) or "law" (the mail-order rules)
    window_days: int
    delivered_at: datetime | None  # in the shop's zone
    delivered_estimated: bool  # shipped date + transit days: no delivery date was known
    last_day: date | None
    open: bool | None  # today is within the window; None where no delivery date is known
    customer_pays_shipping: bool
    text: str

    def as_json(self) -> dict:
        return {
            "basis": self.basis,
            "window_days": self.window_days,
            "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None,
            "delivered_estimated": self.delivered_estimated,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "open": self.open,
            "customer_pays_shipping": self.customer_pays_shipping,
            "text": self.text,
        }


@dataclass
class Suggestion:
    rule: Rule | None
    source: str | None
    reasons: list[Reason]
    remedies: list[dict]
    approval_needed: bool
    precedents: list[dict]
    warnings: list[str] = field(default_factory=list)
    return_right: ReturnRight | None = None

    @property
    def worth(self) -> int:
        """What the remedies whose worth is known come to, in yen."""
        return sum(r["worth"] for r in self.remedies if r["worth"] is not None)

    @property
    def worth_known(self) -> bool:
        return all(r["worth"] is not None for r in self.remedies)

    def as_json(self) -> dict:
        return {
            "rule": self.rule.id if self.rule else None,
            "source": self.source,
            "template": self.rule.template if self.rule else None,
            "reasons": [{"key": r.key, "rule": r.rule, "case": r.case} for r in self.reasons],
            "remedies": self.remedies,
            "worth": self.worth,
            "worth_known": self.worth_known,
            "approval_needed": self.approval_needed,
            "precedents": self.precedents,
            "warnings": self.warnings,
            "return_right": self.return_right.as_json() if self.return_right else None,
        }


class UnknownWorth(ShopcareError):
    """Goods sent again whose worth the order cannot tell: --item or --amount says it."""


def _mall_of(case: dict, order: dict | None) -> str | None:
    return case["mall"] or (order["mall"] if order else None)


def _local_day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def facts_for(
    store: Store,
    case: dict,
    order: dict | None,
    delivered: datetime | None,
    now: datetime,
    tz: tzinfo,
) -> Facts:
    """What the rules match on: the case, its order (its total, the days since delivery, counted
    in the shop's days) and whether the customer has ordered before."""
    repeat = None
    if case["customer_id"]:
        repeat = store.count_orders_of_customer(case["customer_id"]) > 1
    days = None
    if delivered is not None:
        days = max(0, (_local_day(now, tz) - _local_day(delivered, tz)).days)
    return Facts(
        case["category"],
        case["fault"],
        _mall_of(case, order),
        case["priority"],
        order["total"] if order else None,
        days,
        repeat,
    )


def _delivered_at(order: dict, policy: Policy) -> tuple[datetime | None, bool]:
    """When the order was delivered, and whether that is an estimate (shipped + transit days)."""
    if order["delivered_at"]:
        return from_storage(order["delivered_at"]), False
    if order["shipped_at"]:
        shipped = from_storage(order["shipped_at"])
        return shipped + timedelta(days=policy.delivery.transit_days), True
    return None, False


def forbidden_remedy(rule: Rule, mall: str | None) -> tuple[str, str] | None:
    """The first remedy of the rule that the mall does not allow, with why; None if all are."""
    for remedy in rule.remedies:
        why = not_allowed(mall, remedy.kind)
        if why:
            return remedy.kind, why
    return None


def _matches(rule: Rule, facts: Facts) -> list[Reason] | None:
    """The reasons a rule matches (one per `when` key), or None where any key fails."""
    when = rule.when
    reasons = []
    for key in when.set_keys():
        wanted = getattr(when, key)
        if key == "category":
            ok = facts.category == wanted or (
                wanted.endswith(".*") and facts.category.startswith(wanted[:-1])
            )
            value = facts.category
        elif key in ("fault", "mall"):
            value = getattr(facts, key)
            ok = value in wanted
        elif key == "priority":
            value, ok = facts.priority, facts.priority == wanted
        elif key == "min_order_total":
            value = facts.order_total
            ok = value is not None and value >= wanted
        elif key == "max_order_total":
            value = facts.order_total
            ok = value is not None and value <= wanted
        elif key == "max_days_since_delivery":
            value = facts.days_since_delivery
            ok = value is not None and value <= wanted
        else:  # repeat_customer
            value = facts.repeat_customer
            ok = value is not None and value == wanted
        if not ok:
            return None
        reasons.append(Reason(key, wanted, value))
    return reasons


def best_rule(
    policy: Policy, facts: Facts, *, mall_rules: bool = True
) -> tuple[Rule | None, list[Reason]]:
    """The most specific matching rule (most `when` keys); a tie goes to the one that comes first.
    A rule offering what the case's mall does not allow never matches (mall_rules=False: it
    does, to tell what was skipped)."""
    best: tuple[Rule | None, list[Reason]] = (None, [])
    for rule in policy.rule:
        reasons = _matches(rule, facts)
        if reasons is None or (mall_rules and forbidden_remedy(rule, facts.mall)):
            continue
        if best[0] is None or len(reasons) > len(best[1]):
            best = (rule, reasons)
    return best


def amount_in_yen(remedy: Remedy, order_total: int | float | None) -> int | None:
    """A remedy's amount for this order: yen as given, or a percentage of the total within min and max."""
    if remedy.amount is None:
        if remedy.kind == "refund" and order_total is not None:
            return round(order_total)
        return None
    if isinstance(remedy.amount, int):
        value = remedy.amount
    else:
        if order_total is None:
            return None
        percent = float(re.match(r"^([\d.]+)%$", remedy.amount).group(1))
        value = round(order_total * percent / 100)
    if remedy.min is not None:
        value = max(value, remedy.min)
    if remedy.max is not None:
        value = min(value, remedy.max)
    return value


# --- goods sent again ---------------------------------------------------------------------


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def item_label(item: dict) -> str:
    """An item line as a person names it: its sku and name."""
    return f"{item['sku']} {item['name']}" if item.get("sku") else item["name"]


def goods_text(goods: list[dict]) -> str:
    """What is sent again, in one line: 小皿 白磁 (PLATE-WH) ×1, ..."""
    return ", ".join(
        item["name"] + (f" ({item['sku']})" if item.get("sku") else "") + f" ×{item['quantity']}"
        for item in goods
    )


def _find_line(order: dict, items: list[dict], wanted: str) -> dict:
    """The item line named by its sku or name (full-width and case aside), or a unique part of
    its name."""
    key = _fold(wanted)
    listed = "the order's items: " + "; ".join(item_label(i) for i in items)
    for test in (
        lambda i: bool(i["sku"]) and _fold(i["sku"]) == key,
        lambda i: _fold(i["name"]) == key,
        lambda i: bool(key) and key in _fold(i["name"]),
    ):
        found = [item for item in items if test(item)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ShopcareError(
                f"--item {wanted!r} matches {len(found)} items of order {order['number']}: "
                + "; ".join(item_label(i) for i in found),
                "give the item's sku, or more of its name",
            )
    raise ShopcareError(f"order {order['number']} has no item {wanted!r}", listed)


def goods_sent(
    order: dict | None,
    items: list[dict],
    kind: str,
    item: str | None = None,
    quantity: int | None = None,
) -> list[dict]:
    """The item lines a replacement or reshipment sends, each with the quantity sent: the line
    named (--item), or the order's only line; one unit unless a quantity is given; every line
    whole for --item all. UnknownWorth where the order cannot tell."""
    if order is None:
        raise UnknownWorth(f"the worth of the {kind} is unknown: this case has no imported order")
    if not items:
        raise UnknownWorth(
            f"the worth of the {kind} is unknown: order {order['number']} has no items imported"
        )
    if quantity is not None and quantity < 1:
        raise ShopcareError(f"--quantity must be 1 or more, not {quantity}")
    if item is not None and _fold(item) == ALL_ITEMS:
        if quantity is not None:
            raise ShopcareError(
                "--item all sends every line of the order whole: it takes no --quantity"
            )
        sent = [dict(line) for line in items]
    else:
        if item is None and len(items) > 1:
            raise UnknownWorth(
                f"the worth of the {kind} is unknown: order {order['number']} has {len(items)}"
                " item lines, and nothing says which it sends: "
                + "; ".join(item_label(i) for i in items)
            )
        line = _find_line(order, items, item) if item is not None else items[0]
        count = 1 if quantity is None else quantity
        if line["quantity"] is not None and count > line["quantity"]:
            raise ShopcareError(
                f"order {order['number']} has {line['quantity']} of {line['name']}, not {count}",
                f"--quantity {line['quantity']} at most",
            )
        sent = [{**line, "quantity": count}]
    if order["currency"] not in _YEN_CURRENCIES:
        raise UnknownWorth(
            f"the worth of the {kind} is unknown: order {order['number']} is priced in"
            f" {order['currency']}, not yen"
        )
    unpriced = [line["name"] for line in sent if line["price"] is None]
    if unpriced:
        raise UnknownWorth(
            f"the worth of the {kind} is unknown: order {order['number']} gives no price for "
            + ", ".join(unpriced)
        )
    return sent


def goods_worth(goods: list[dict]) -> int:
    return round(sum(line["price"] * line["quantity"] for line in goods))


def worth(kind: str, amount: int | None, goods: list[dict] | None) -> int | None:
    """What a remedy costs the shop in yen, for the approval line: the amount given; for goods
    sent again, the items' prices; None where it is not known."""
    if kind in _NO_WORTH:
        return 0
    if amount is not None:
        return amount
    if kind in GOODS_KINDS and goods is not None:
        return goods_worth(goods)
    return None


# --- precedents ---------------------------------------------------------------------------


def precedents(store: Store, case: dict, limit: int = 10) -> list[dict]:
    """Earlier cases of the same category and fault, and the remedies they got, newest first."""
    return store.remedy_precedents(
        case["category"], case["fault"], case["id"], case["received_at"], limit
    )


def _compare(remedies: list[dict], earlier: list[dict]) -> list[str]:
    if not earlier or not remedies:
        return []
    warnings = []
    kinds = Counter(p["kind"] for p in earlier)
    suggested = remedies[0]
    if suggested["kind"] not in kinds:
        got = ", ".join(
            f"{kind} ({count} of {len(earlier)})" for kind, count in kinds.most_common()
        )
        warnings.append(f"similar cases got {got}, not {suggested['kind']}")
        return warnings
    amounts = [p["amount"] for p in earlier if p["kind"] == suggested["kind"] and p["amount"]]
    if suggested.get("amount") and amounts:
        typical = sorted(amounts)[len(amounts) // 2]
        if suggested["amount"] > typical * 1.5 or suggested["amount"] < typical / 1.5:
            warnings.append(
                f"similar cases got {suggested['kind']} of about {typical:,} yen; this suggests {suggested['amount']:,} yen"
            )
    return warnings


# --- the return right ---------------------------------------------------------------------


def return_right(
    policy: Policy,
    facts: Facts,
    now: datetime,
    tz: tzinfo,
    delivered: datetime | None,
    estimated: bool = False,
    has_order: bool = True,
) -> ReturnRight | None:
    """The return right for a return at the customer's convenience, or None for other cases.
    The day of delivery, in the shop's time zone, is day 1: delivered on the 23rd, the 8 days
    of the mail-order law run until the 30th."""
    if facts.fault != "customer" or facts.category not in CONVENIENCE_CATEGORIES:
        return None
    returns = policy.returns
    if returns.declared_policy:
        basis, days, customer_pays = "declared", returns.window_days, returns.customer_pays_shipping
        who = "the customer" if customer_pays else "the shop"
        if days:
            text = (
                f"the shop's declared return policy: within {days} days of delivery (the day of"
                f" delivery is day 1), return shipping paid by {who}"
            )
        else:
            text = "the shop's declared return policy: no returns at the customer's convenience"
    else:
        basis, days, customer_pays = "law", 8, True
        text = (
            "no return policy is declared, so the mail-order rules of the Act on Specified"
            " Commercial Transactions apply: the customer may return the goods within 8 days of"
            " delivery (the day of delivery is day 1), return shipping paid by the customer"
        )
    local = delivered.astimezone(tz) if delivered is not None else None
    last = open_now = None
    if local is not None and days:
        last = local.date() + timedelta(days=days - 1)
        open_now = _local_day(now, tz) <= last
        shown = local.date().isoformat()
        if estimated:
            shown += (
                f" (an estimate: shipped {(local - timedelta(days=policy.delivery.transit_days)).date()}"
                f" plus {policy.delivery.transit_days} transit days)"
            )
        text += f"; delivered {shown}, so until {last.isoformat()}: " + (
            "still open" if open_now else "passed"
        )
    elif local is None and days:
        text += (
            "; no delivery date is known for this order"
            if has_order
            else "; no order is imported for this case, so no delivery date is known"
        )
    elif not days:
        open_now = False  # a declared policy that takes no returns at the customer's convenience
    return ReturnRight(
        basis=basis,
        window_days=days,
        delivered_at=local,
        delivered_estimated=estimated and local is not None,
        last_day=last,
        open=open_now,
        customer_pays_shipping=customer_pays,
        text=text,
    )


# --- suggesting and recording ---------------------------------------------------------------


def _remedy_hint(case_id: int, kind: str) -> str:
    return (
        f"shopcare remedy {case_id} {kind} --item SKU-or-name [--quantity N] counts that item's"
        " price (--item all: the whole order), or --amount N gives the worth"
    )


def suggest(store: Store, case: dict, loaded, now: datetime, tz: tzinfo) -> Suggestion:
    from shopcare.domain.orders import items_of_order, order_of_case

    policy = loaded.policy
    order = order_of_case(store, case)
    delivered, estimated = _delivered_at(order, policy) if order else (None, False)
    facts = facts_for(store, case, order, delivered, now, tz)
    rule, reasons = best_rule(policy, facts)
    remedies = []
    warnings = []
    skipped, _ = best_rule(policy, facts, mall_rules=False)
    if skipped is not None and skipped is not rule:
        kind, why = forbidden_remedy(skipped, facts.mall) or ("", "")
        if why:
            warnings.append(
                f"rule {skipped.id} matches this case, but offers {kind} and {why}: it was skipped"
            )
    items: list[dict] | None = None
    if rule:
        for remedy in rule.remedies:
            amount = amount_in_yen(remedy, facts.order_total)
            goods = None
            if amount is None and isinstance(remedy.amount, str):
                warnings.append(
                    f"{remedy.kind}: {remedy.amount} of the order total, but no order total is known: give --amount"
                )
            elif amount is None and remedy.kind in GOODS_KINDS:
                if items is None:
                    items = items_of_order(store, order["id"]) if order else []
                try:
                    goods = goods_sent(order, items, remedy.kind)
                except UnknownWorth as exc:
                    warnings.append(
                        f"{remedy.kind}: {exc.message}; approval is judged on the rest."
                        f" {_remedy_hint(case['id'], remedy.kind)}"
                    )
                else:
                    ordered = items[0]["quantity"]  # the order's only line
                    if ordered and ordered > 1:
                        warnings.append(
                            f"{remedy.kind}: worth counted for 1 of the {ordered}"
                            f" {items[0]['name']} ordered: shopcare remedy {case['id']}"
                            f" {remedy.kind} --quantity N counts more"
                        )
            elif amount is None and remedy.kind not in _NO_WORTH:
                warnings.append(
                    f"{remedy.kind}: no amount yet, so its worth is unknown; approval is judged"
                    f" on the rest: shopcare remedy {case['id']} {remedy.kind} --amount N"
                )
            remedies.append(
                {
                    "kind": remedy.kind,
                    "amount": amount,
                    "note": remedy.note,
                    "worth": worth(remedy.kind, amount, goods),
                    "items": goods,
                }
            )
    else:
        warnings.append("no rule matches this case: decide by hand, and consider adding a rule")
    earlier = precedents(store, case)
    warnings += _compare(remedies, earlier)
    total_worth = sum(r["worth"] for r in remedies if r["worth"] is not None)
    return Suggestion(
        rule=rule,
        source=loaded.sources.get(rule.id) if rule else None,
        reasons=reasons,
        remedies=remedies,
        approval_needed=total_worth > policy.approval.over,
        precedents=earlier,
        warnings=warnings,
        return_right=return_right(
            policy, facts, now, tz, delivered, estimated, has_order=order is not None
        ),
    )


class Earlier(NamedTuple):
    refunded: int  # yen refunded by the case's remedies so far
    worth: int  # what the case's remedies so far are worth, in yen


def _earlier_remedies(store: Store, case_id: int) -> Earlier:
    """What the remedies already recorded on a case come to (read inside the write; a module
    function, so that a test can slow this read down to race two writers)."""
    return Earlier(*store.remedy_totals(case_id))


def record_remedy(
    store: Store,
    actor,
    case_id: int,
    kind: str,
    policy: Policy,
    amount: int | str | None = None,
    note: str | None = None,
    approved_by: str | None = None,
    *,
    item: str | None = None,
    quantity: int | None = None,
):
    """Record a remedy offered; above the approval line it needs an approver, or nothing is
    written. The amount is read as a person types it (1,500, 1500円, ¥1,500); goods sent again
    are worth the item(s) sent, named by item (sku or name) and quantity."""
    from shopcare.domain.cases import Written, get_case_row, record_event, update_case
    from shopcare.domain.money import parse_yen
    from shopcare.domain.orders import items_of_order, order_of_case

    check_choice("remedy kind", kind, REMEDY_KINDS)
    if amount is not None:
        amount = parse_yen(amount, "--amount")
    if kind not in GOODS_KINDS and (item is not None or quantity is not None):
        raise ShopcareError(
            f"--item and --quantity name the goods sent again: a {kind} takes neither",
            "use them with replacement or reship",
        )

    # everything read here decides what is written (the cap, the approval): one transaction
    with store.write():
        case = get_case_row(store, case_id)
        order = order_of_case(store, case)
        mall = _mall_of(case, order)
        why = not_allowed(mall, kind)
        if why:
            offer = "points" if kind == "points" else f"a {kind}"
            raise ShopcareError(
                f"{why}, so this {MALL_NAMES.get(mall, mall)} case cannot get {offer};"
                " nothing was recorded",
                f"see what this case can get instead: shopcare policy suggest {case_id}",
            )
        total = order["total"] if order else None
        in_yen = order is not None and order["currency"] in _YEN_CURRENCIES
        if amount is None and kind in ("partial_refund", "points", "coupon"):
            raise ShopcareError(
                f"a {kind} needs an amount", f"shopcare remedy {case_id} {kind} --amount N"
            )
        earlier = _earlier_remedies(store, case_id)
        if amount is None and kind == "refund":
            if total is None:
                raise ShopcareError(
                    "a refund needs an amount: this case has no imported order",
                    f"shopcare remedy {case_id} refund --amount N",
                )
            if not in_yen:
                raise ShopcareError(
                    f"a refund needs an amount in yen: order {order['number']} is priced in"
                    f" {order['currency']}",
                    f"shopcare remedy {case_id} refund --amount N",
                )
            amount = round(total) - earlier.refunded  # the rest of what was paid
            if amount <= 0:
                raise ShopcareError(
                    f"case {case_id} has refunds recorded for all {round(total):,} yen of"
                    f" order {order['number']}; nothing was recorded",
                    f"shopcare case show {case_id} lists them",
                )
        refund = kind in REFUND_KINDS and amount is not None
        if refund and in_yen and total is not None and earlier.refunded + amount > total:
            already = (
                f" (with the {earlier.refunded:,} yen already recorded on this case)"
                if earlier.refunded
                else ""
            )
            raise ShopcareError(
                f"a {kind} of {amount:,} yen{already} is more than order {order['number']}'s"
                f" total of {round(total):,} yen; nothing was recorded",
                "refunds give back at most what was paid: check the amount",
            )
        goods = None
        if kind in GOODS_KINDS and (amount is None or item is not None or quantity is not None):
            items = items_of_order(store, order["id"]) if order else []
            try:
                goods = goods_sent(order, items, kind, item, quantity)
            except UnknownWorth as exc:
                raise UnknownWorth(exc.message, _remedy_hint(case_id, kind)) from None
        value = worth(kind, amount, goods)
        line = policy.approval.over
        approver = (approved_by or "").strip() or None
        running = earlier.worth + (value or 0)  # splitting a remedy does not dodge the line
        if value is not None and running > line and not approver:
            so_far = (
                f" (remedies on this case would come to {running:,} yen)" if earlier.worth else ""
            )
            raise ShopcareError(
                f"a {kind} worth {value:,} yen{so_far} is over the approval line of {line:,} yen;"
                " nothing was recorded",
                "ask the owner, then record who approved it: --approved-by NAME",
            )
        from shopcare.domain.cardmask import mask_cards

        note_text = mask_cards((note or "").strip())[0] or None
        offered = (
            (f"{amount:,} points" if kind == "points" else f"{kind}")
            + (f" {amount:,} yen" if amount is not None and kind != "points" else "")
            + (f" of {goods_text(goods)}" if goods else "")
            + (f", worth {value:,} yen" if goods and amount is None else "")
        )
        approval = f" (approved by {approver})" if approver else ""
        text = offered + (f": {note_text}" if note_text else "") + approval
        record_event(
            store,
            case_id,
            actor,
            "remedy",
            text,
            amount=amount,
            data={
                "kind": kind,
                "amount": amount,
                "note": note_text,
                "approved_by": approver,
                "worth": value,
                "items": goods,
            },
        )
        update_case(store, case_id, actor)
    return Written(case_id, notices=[f"{offered}{approval}: recorded on case {case_id}"])
