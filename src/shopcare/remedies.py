"""Remedies: which rule fits a case and why, what it comes to in yen, what similar cases got,
and recording what was offered (refused above the approval line without an approver)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shopcare.clock import from_storage
from shopcare.errors import ShopcareError, check_choice
from shopcare.policy import REMEDY_KINDS, Policy, Remedy, Rule

# A customer returning goods for their own convenience: the return right applies.
CONVENIENCE_CATEGORIES = ("inquiry.return", "quality.not_as_pictured")
# Remedies whose worth is counted against the approval line, in yen; the goods themselves
# for a replacement or reshipment.
_NO_WORTH = ("return_label", "apology_only")


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
class Suggestion:
    rule: Rule | None
    source: str | None
    reasons: list[Reason]
    remedies: list[dict]
    approval_needed: bool
    precedents: list[dict]
    warnings: list[str] = field(default_factory=list)
    return_right: str | None = None

    def as_json(self) -> dict:
        return {
            "rule": self.rule.id if self.rule else None,
            "source": self.source,
            "template": self.rule.template if self.rule else None,
            "reasons": [{"key": r.key, "rule": r.rule, "case": r.case} for r in self.reasons],
            "remedies": self.remedies,
            "approval_needed": self.approval_needed,
            "precedents": self.precedents,
            "warnings": self.warnings,
            "return_right": self.return_right,
        }


def facts_for(
    conn: sqlite3.Connection,
    case: dict,
    order: dict | None,
    delivered: datetime | None,
    now: datetime,
) -> Facts:
    """What the rules match on: the case, its order (its total, the days since delivery) and
    whether the customer has ordered before."""
    repeat = None
    if case["customer_id"]:
        count = conn.execute(
            "SELECT count(*) AS n FROM orders WHERE customer_id = ?", [case["customer_id"]]
        ).fetchone()["n"]
        repeat = count > 1
    return Facts(
        case["category"],
        case["fault"],
        case["mall"],
        case["priority"],
        order["total"] if order else None,
        max(0, (now - delivered).days) if delivered is not None else None,
        repeat,
    )


def _delivered_at(order: dict, policy: Policy) -> datetime | None:
    if order["delivered_at"]:
        return from_storage(order["delivered_at"])
    if order["shipped_at"]:
        return from_storage(order["shipped_at"]) + timedelta(days=policy.delivery.transit_days)
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


def best_rule(policy: Policy, facts: Facts) -> tuple[Rule | None, list[Reason]]:
    """The most specific matching rule (most `when` keys); a tie goes to the one that comes first."""
    best: tuple[Rule | None, list[Reason]] = (None, [])
    for rule in policy.rule:
        reasons = _matches(rule, facts)
        if reasons is not None and (best[0] is None or len(reasons) > len(best[1])):
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


def worth(kind: str, amount: int | None, order_total: int | float | None) -> int:
    """What a remedy costs the shop in yen, for the approval line."""
    if kind in _NO_WORTH:
        return 0
    if amount is not None:
        return amount
    if kind in ("replacement", "reship", "refund") and order_total is not None:
        return round(order_total)
    return 0


def precedents(conn: sqlite3.Connection, case: dict, limit: int = 10) -> list[dict]:
    """Earlier cases of the same category and fault, and the remedies they got, newest first."""
    rows = conn.execute(
        "SELECT c.id AS case_id, c.received_at, e.amount, e.data FROM cases c"
        " JOIN events e ON e.case_id = c.id AND e.kind = 'remedy'"
        " WHERE c.category = ? AND c.fault = ? AND c.id != ? AND c.received_at <= ?"
        " ORDER BY c.received_at DESC, e.id DESC LIMIT ?",
        [case["category"], case["fault"], case["id"], case["received_at"], limit],
    ).fetchall()
    found = []
    for row in rows:
        data = json.loads(row["data"]) if row["data"] else {}
        found.append(
            {
                "case_id": row["case_id"],
                "received_at": row["received_at"],
                "kind": data.get("kind"),
                "amount": row["amount"],
            }
        )
    return found


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


def return_right(
    policy: Policy, facts: Facts, now: datetime, delivered: datetime | None
) -> str | None:
    """The return right for a return at the customer's convenience, or None for other cases."""
    if facts.fault != "customer" or facts.category not in CONVENIENCE_CATEGORIES:
        return None
    returns = policy.returns
    if returns.declared_policy:
        who = "the customer" if returns.customer_pays_shipping else "the shop"
        text = f"the shop's declared return policy: within {returns.window_days} days of delivery, return shipping paid by {who}"
        days = returns.window_days
    else:
        text = (
            "no return policy is declared, so the mail-order rules of the Act on Specified Commercial"
            " Transactions apply: the customer may return the goods within 8 days of delivery,"
            " return shipping paid by the customer"
        )
        days = 8
    if delivered is not None:
        last = (delivered + timedelta(days=days)).date()
        state = "still open" if now.date() <= last else "passed"
        text += f" (until {last.isoformat()}: {state})"
    else:
        text += " (no delivery date known for this order)"
    return text


def suggest(conn: sqlite3.Connection, case: dict, loaded, now: datetime) -> Suggestion:
    from shopcare.orders import order_of_case

    policy = loaded.policy
    order = order_of_case(conn, case)
    delivered = _delivered_at(order, policy) if order else None
    facts = facts_for(conn, case, order, delivered, now)
    rule, reasons = best_rule(policy, facts)
    remedies = []
    warnings = []
    if rule:
        for remedy in rule.remedies:
            amount = amount_in_yen(remedy, facts.order_total)
            if amount is None and isinstance(remedy.amount, str):
                warnings.append(
                    f"{remedy.kind}: {remedy.amount} of the order total, but no order total is known: give --amount"
                )
            remedies.append(
                {
                    "kind": remedy.kind,
                    "amount": amount,
                    "note": remedy.note,
                    "worth": worth(remedy.kind, amount, facts.order_total),
                }
            )
    else:
        warnings.append("no rule matches this case: decide by hand, and consider adding a rule")
    total_worth = sum(worth(r["kind"], r["amount"], facts.order_total) for r in remedies)
    earlier = precedents(conn, case)
    warnings += _compare(remedies, earlier)
    return Suggestion(
        rule=rule,
        source=loaded.sources.get(rule.id) if rule else None,
        reasons=reasons,
        remedies=remedies,
        approval_needed=total_worth > policy.approval.over,
        precedents=earlier,
        warnings=warnings,
        return_right=return_right(policy, facts, now, delivered),
    )


def record_remedy(
    conn: sqlite3.Connection,
    actor,
    case_id: int,
    kind: str,
    policy: Policy,
    amount: int | None = None,
    note: str | None = None,
    approved_by: str | None = None,
):
    """Record a remedy offered; above the approval line it needs an approver, or nothing is written."""
    from shopcare.cases import Written, _event, _touch, get_case_row
    from shopcare.orders import order_of_case

    check_choice("remedy kind", kind, REMEDY_KINDS)
    if amount is not None and amount < 0:
        raise ShopcareError("an amount cannot be negative")
    case = get_case_row(conn, case_id)
    order = order_of_case(conn, case)
    total = order["total"] if order else None
    if amount is None and kind in ("partial_refund", "points", "coupon"):
        raise ShopcareError(
            f"a {kind} needs an amount", f"shopcare remedy {case_id} {kind} --amount N"
        )
    if amount is None and kind == "refund":
        if total is None:
            raise ShopcareError(
                "a refund needs an amount: this case has no imported order",
                f"shopcare remedy {case_id} refund --amount N",
            )
        amount = round(total)
    value = worth(kind, amount, total)
    line = policy.approval.over
    approver = (approved_by or "").strip() or None
    if value > line and not approver:
        raise ShopcareError(
            f"a {kind} worth {value:,} yen is over the approval line of {line:,} yen; nothing was recorded",
            "ask the owner, then record who approved it: --approved-by NAME",
        )
    from shopcare.cardmask import mask_cards

    note_text = mask_cards((note or "").strip())[0] or None
    text = (
        f"{kind}"
        + (f" {amount:,} yen" if amount is not None else "")
        + (f": {note_text}" if note_text else "")
    )
    if approver:
        text += f" (approved by {approver})"
    with conn:
        _event(
            conn,
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
            },
        )
        _touch(conn, case_id, actor)
    return Written(case_id)
