"""Policies as data: the models of a policy file and of the merged policy, what a mall does
not allow, and the problems a check finds. Reading and layering the files is settings/policy_files.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shopcare.domain.durations import parse_duration

Fault = Literal["shop", "carrier", "maker", "customer", "unknown"]
Mall = Literal["rakuten", "amazon", "yahoo", "shopify", "base", "stores", "own", "other"]
Priority = Literal["high", "normal", "low"]
Status = Literal["new", "open", "waiting", "resolved", "closed"]
RemedyKind = Literal[
    "refund",
    "partial_refund",
    "replacement",
    "reship",
    "return_label",
    "points",
    "coupon",
    "apology_only",
]
REMEDY_KINDS = RemedyKind.__args__  # type: ignore[attr-defined]
# What a mall does not let a shop offer, and why. A rule offering one of these never matches
# a case of that mall, `shopcare remedy` refuses it there, and `policy check` reports a rule
# that offers it and can match that mall. Every other remedy (refunds, replacement,
# reshipment, a return label, an apology) any mall allows.
NOT_ALLOWED: dict[str, dict[str, str]] = {
    "amazon": {
        "points": "an Amazon seller cannot give Amazon points",
        "coupon": "Amazon does not let a seller send a buyer a coupon code (its messaging rules"
        " count it as marketing)",
    },
}
MALL_NAMES = {"amazon": "Amazon", "rakuten": "Rakuten", "yahoo": "Yahoo!"}


def not_allowed(mall: str | None, kind: str) -> str | None:
    """Why the case's mall does not let the shop offer this kind of remedy; None where it may."""
    return NOT_ALLOWED.get(mall or "", {}).get(kind)


_PERCENT = re.compile(r"^(\d{1,3}(?:\.\d+)?)%$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _duration(value: Any) -> str:
    parse_duration(value)
    return value


class SlaOverride(_Strict):
    reply_within: str | None = None
    resolve_within: str | None = None

    _check = field_validator("reply_within", "resolve_within")(
        lambda cls, v: v if v is None else _duration(v)
    )


class Sla(_Strict):
    reply_within: str = "1bd"
    resolve_within: str = "5bd"
    satisfaction_after: str = "3d"
    pause_when: list[Status] = ["waiting"]
    mall: dict[Mall, SlaOverride] = {}
    priority: dict[Priority, SlaOverride] = {}

    _check = field_validator("reply_within", "resolve_within", "satisfaction_after")(
        lambda cls, v: _duration(v)
    )


class Approval(_Strict):
    over: int = Field(ge=0)


class Returns(_Strict):
    declared_policy: bool
    window_days: int = Field(ge=0, le=365)
    customer_pays_shipping: bool


class Delivery(_Strict):
    transit_days: int = Field(default=2, ge=0, le=60)


class Aftercare(_Strict):
    after: str
    template: str
    marketing: bool = False

    _check = field_validator("after")(lambda cls, v: _duration(v))


class When(_Strict):
    category: str | None = None
    fault: list[Fault] | None = None
    mall: list[Mall] | None = None
    priority: Priority | None = None
    min_order_total: int | None = Field(default=None, ge=0)
    max_order_total: int | None = Field(default=None, ge=0)
    max_days_since_delivery: int | None = Field(default=None, ge=0)
    repeat_customer: bool | None = None

    def set_keys(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name) is not None]


class Remedy(_Strict):
    kind: RemedyKind
    amount: int | str | None = None
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    note: str | None = None

    @field_validator("amount")
    @classmethod
    def _amount(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, str) and not _PERCENT.match(value):
            raise ValueError(f'{value!r} is not an amount: use yen (1000) or a percentage ("5%")')
        if isinstance(value, int) and value < 0:
            raise ValueError("an amount cannot be negative")
        return value


class IntakeWords(_Strict):
    """Words in a customer's mail that point to a category: a new case from mail is filed
    under the category whose words it holds most of (marked as a guess)."""

    category: str
    words: list[str] = Field(min_length=1)

    @field_validator("words")
    @classmethod
    def _words(cls, words: list[str]) -> list[str]:
        for word in words:
            if not word.strip():
                raise ValueError("a word is empty")
            if any(ch in word for ch in "\r\n"):
                raise ValueError(f"{word!r} holds a line break")
        return [word.strip() for word in words]


class Rule(_Strict):
    id: str = Field(min_length=1)
    when: When
    remedies: list[Remedy] = Field(min_length=1)
    template: str | None = None


class CategoryDef(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    priority: Priority = "normal"


class SlaPart(_Strict):
    reply_within: str | None = None
    resolve_within: str | None = None
    satisfaction_after: str | None = None
    pause_when: list[Status] | None = None
    mall: dict[Mall, SlaOverride] | None = None
    priority: dict[Priority, SlaOverride] | None = None

    _check = field_validator("reply_within", "resolve_within", "satisfaction_after")(
        lambda cls, v: v if v is None else _duration(v)
    )


class ApprovalPart(_Strict):
    over: int | None = Field(default=None, ge=0)


class ReturnsPart(_Strict):
    declared_policy: bool | None = None
    window_days: int | None = Field(default=None, ge=0, le=365)
    customer_pays_shipping: bool | None = None


class DeliveryPart(_Strict):
    transit_days: int | None = Field(default=None, ge=0, le=60)


class PolicyFile(_Strict):
    """One file: every section and key optional, so that a shop's file says only what differs."""

    sla: SlaPart | None = None
    approval: ApprovalPart | None = None
    returns: ReturnsPart | None = None
    delivery: DeliveryPart | None = None
    aftercare: list[Aftercare] | None = None
    rule: list[Rule] = []
    category: list[CategoryDef] = []
    intake: list[IntakeWords] | None = None


class Policy(_Strict):
    sla: Sla
    approval: Approval
    returns: Returns
    delivery: Delivery
    aftercare: list[Aftercare]
    rule: list[Rule]
    category: list[CategoryDef]
    intake: list[IntakeWords] = []


@dataclass
class Problem:
    file: str
    message: str
    line: int | None = None
    rule: str | None = None
    warning: bool = False  # reported by policy check, but the policy is still used

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: "
            + ("warning: " if self.warning else "")
            + (f"rule {self.rule}: " if self.rule else "")
            + self.message
        )


@dataclass
class Loaded:
    policy: Policy
    sources: dict[str, str]  # rule id -> the file it came from
    files: list[Path]
    warnings: list[Problem] = field(default_factory=list)  # what policy check reports, not fatal
