"""Policies: the built-in policies/default.toml layered under the shop's policies/*.toml.

Each file is checked on its own (pydantic, extra keys forbidden), then the files
are merged: table keys override, a rule with the same id replaces the earlier
one in its place, new rules of the shop's come before the built-in ones (so a
shop's rule wins a tie), and a shop's [[aftercare]] list replaces the built-in
list. The merged policy is then checked against the categories and templates in
force. Every problem names its file, rule and key, and its line where known.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from shopcare.domain.durations import parse_duration
from shopcare.errors import ShopcareError
from shopcare.resources import resource_dir

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


class Policy(_Strict):
    sla: Sla
    approval: Approval
    returns: Returns
    delivery: Delivery
    aftercare: list[Aftercare]
    rule: list[Rule]
    category: list[CategoryDef]


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


# --- reading -------------------------------------------------------------------------


def builtin_file() -> Path:
    return resource_dir("policies") / "default.toml"


def shop_files(home: Path) -> list[Path]:
    folder = home / "policies"
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def _read(path: Path, problems: list[Problem]) -> tuple[dict | None, str]:
    from shopcare.inputfiles import UnreadableFile, read_small_file

    try:
        text = read_small_file(path, "policy file").decode("utf-8")
    except UnreadableFile as exc:
        problems.append(Problem(str(path), exc.reason))
        return None, ""
    except UnicodeDecodeError:
        problems.append(Problem(str(path), "not UTF-8 text"))
        return None, ""
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        problems.append(
            Problem(str(path), f"TOML syntax: {message}", int(match.group(1)) if match else None)
        )
        return None, text


def _rule_line(text: str, rule_id: str | None) -> int | None:
    if not rule_id:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"""^\s*id\s*=\s*["']{re.escape(rule_id)}["']""", line):
            return number
    return None


def _key_line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _validation_problems(exc: ValidationError, data: dict, path: Path, text: str) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = list(error["loc"])
        rule_id = None
        if len(loc) >= 2 and loc[0] == "rule" and isinstance(loc[1], int):
            rules = data.get("rule") or []
            rule_id = (
                rules[loc[1]].get("id")
                if loc[1] < len(rules) and isinstance(rules[loc[1]], dict)
                else None
            )
            if isinstance(rule_id, str):
                loc = loc[2:]
            else:  # no id, or id = 3: the rule is named by its place (re.escape(3) raised)
                rule_id = None
                loc = [f"rule[{loc[1] + 1}]", *loc[2:]]
        elif len(loc) >= 2 and loc[0] in ("aftercare", "category") and isinstance(loc[1], int):
            loc = [f"{loc[0]}[{loc[1] + 1}]", *loc[2:]]
        key = ""
        for part in loc:
            key += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if key else str(part))
        message = (
            "unknown key"
            if error["type"] == "extra_forbidden"
            else error["msg"].removeprefix("Value error, ")
        )
        line = (
            _rule_line(text, rule_id) if rule_id else _key_line(text, str(loc[-1]) if loc else "")
        )
        problems.append(Problem(str(path), f"{key}: {message}", line, rule_id))
    return problems


def _check_file(path: Path, problems: list[Problem]) -> tuple[PolicyFile | None, dict, str]:
    data, text = _read(path, problems)
    if data is None:
        return None, {}, text
    try:
        return PolicyFile.model_validate(data), data, text
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, data, path, text))
        return None, data, text


def _merge_tables(base: dict, over: dict) -> dict:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_tables(merged[key], value)
        else:
            merged[key] = value
    return merged


def load(
    home: Path, files: list[Path] | None = None, template_names: set[str] | None = None
) -> tuple[Loaded | None, list[Problem]]:
    """The layered policy, and every problem found (the policy is None where there are problems)."""
    problems: list[Problem] = []
    paths = [builtin_file(), *(files if files is not None else shop_files(home))]
    tables: dict[str, Any] = {}
    rules: list[Rule] = []
    sources: dict[str, str] = {}
    texts: dict[str, str] = {}
    aftercare: list[Aftercare] = []
    categories: dict[str, CategoryDef] = {}
    for index, path in enumerate(paths):
        checked, data, text = _check_file(path, problems)
        texts[str(path)] = text
        if checked is None:
            continue
        for section in ("sla", "approval", "returns", "delivery"):
            if data.get(section) is not None:
                tables[section] = _merge_tables(tables.get(section, {}), data[section])
        if checked.aftercare is not None:
            aftercare = list(checked.aftercare)
        seen: set[str] = set()
        new_rules = []
        for rule in checked.rule:
            if rule.id in seen:
                problems.append(
                    Problem(
                        str(path),
                        "the same id twice in one file",
                        _rule_line(text, rule.id),
                        rule.id,
                    )
                )
                continue
            seen.add(rule.id)
            position = next((i for i, r in enumerate(rules) if r.id == rule.id), None)
            if position is not None:
                rules[position] = rule  # replaced in its place
            else:
                new_rules.append(rule)
            sources[rule.id] = str(path)
        rules = new_rules + rules if index > 0 else rules + new_rules
        for category in checked.category:
            categories[category.code] = category
    if problems:
        return None, problems
    try:
        sections = {
            name: cls.model_validate(tables.get(name, {}))
            for name, cls in (("sla", Sla), ("delivery", Delivery))
        }
        for name, cls in (("approval", Approval), ("returns", Returns)):
            sections[name] = cls.model_validate(tables[name]) if name in tables else None
    except ValidationError as exc:
        for error in exc.errors():
            key = ".".join(str(p) for p in error["loc"])
            message = (
                "unknown key"
                if error["type"] == "extra_forbidden"
                else error["msg"].removeprefix("Value error, ")
            )
            problems.append(Problem(_last_setting(paths, texts, key), f"{key}: {message}"))
        return None, problems
    for name in ("approval", "returns"):
        if sections[name] is None:
            problems.append(Problem(str(paths[0]), f"[{name}] is missing"))
    if problems:
        return None, problems
    policy = Policy(
        sla=sections["sla"],
        approval=sections["approval"],
        returns=sections["returns"],
        delivery=sections["delivery"],
        aftercare=aftercare,
        rule=rules,
        category=list(categories.values()),
    )
    errors, warnings = _cross_check(policy, sources, texts, str(paths[0]), template_names)
    problems += errors
    return (None if problems else Loaded(policy, sources, paths, warnings)), problems


def _last_setting(paths: list[Path], texts: dict, key: str) -> str:
    last = key.split(".")[-1]
    for path in reversed(paths):
        if _key_line(texts.get(str(path), ""), last):
            return str(path)
    return str(paths[-1])


def _cross_check(
    policy: Policy, sources: dict, texts: dict, builtin: str, template_names: set[str] | None
) -> tuple[list[Problem], list[Problem]]:
    """What needs the whole policy: categories and templates that exist, remedies the rule's
    malls allow. The errors, and the warnings."""
    from shopcare.domain.categories import Categories, Category

    categories = Categories(
        tuple(Category(c.code, c.ja, c.en, c.priority) for c in policy.category)
    )
    problems = []
    warnings = []
    for rule in policy.rule:
        source = sources.get(rule.id, builtin)
        line = _rule_line(texts.get(source, ""), rule.id)
        code = rule.when.category
        if code is not None:
            group = code[:-2] if code.endswith(".*") else code
            known = (
                group in categories
                if not code.endswith(".*")
                else any(c.code.startswith(group + ".") for c in categories)
            )
            if not known:
                problems.append(
                    Problem(source, f"when.category: unknown category {code!r}", line, rule.id)
                )
        if template_names is not None and rule.template and rule.template not in template_names:
            problems.append(
                Problem(source, f"template: unknown template {rule.template!r}", line, rule.id)
            )
        when = rule.when
        if (
            when.min_order_total is not None
            and when.max_order_total is not None
            and when.min_order_total > when.max_order_total
        ):
            problems.append(
                Problem(source, "when: min_order_total is above max_order_total", line, rule.id)
            )
        for remedy in rule.remedies:
            if remedy.min is not None and remedy.max is not None and remedy.min > remedy.max:
                problems.append(
                    Problem(source, f"remedies: {remedy.kind}: min is above max", line, rule.id)
                )
        for problem in _mall_problems(rule, source, line):
            (warnings if problem.warning else problems).append(problem)
    if template_names is not None:
        for number, step in enumerate(policy.aftercare, start=1):
            if step.template not in template_names:
                problems.append(
                    Problem(
                        builtin, f"aftercare[{number}].template: unknown template {step.template!r}"
                    )
                )
    return problems, warnings


def _mall_problems(rule: Rule, source: str, line: int | None) -> list[Problem]:
    """A remedy the rule offers that a mall it can match does not allow: an error where
    when.mall names that mall (the rule contradicts itself), a warning where the rule names no
    mall (it works elsewhere, and that mall's cases skip it)."""
    found = []
    for mall, kinds in NOT_ALLOWED.items():
        named = rule.when.mall is not None and mall in rule.when.mall
        if rule.when.mall is not None and not named:
            continue
        for kind in dict.fromkeys(r.kind for r in rule.remedies):
            why = kinds.get(kind)
            if why is None:
                continue
            name = MALL_NAMES.get(mall, mall)
            if named:
                message = f"remedies: {kind}: when.mall names {mall}, but {why}: take {mall} out"
            else:
                message = (
                    f"remedies: {kind}: the rule can match {name} cases, but {why}: they skip"
                    f" it; say which malls it is for with when.mall"
                )
            found.append(Problem(source, message, line, rule.id, warning=not named))
    return found


def template_names(home: Path) -> set[str]:
    """Every template name in force: built-in and the shop's."""
    names: set[str] = set()
    for folder in (resource_dir("templates"), home / "templates"):
        for lang in ("ja", "en"):
            if (folder / lang).is_dir():
                names.update(
                    p.stem for p in (folder / lang).glob("*.txt") if not p.stem.startswith("_")
                )
    return names


def load_or_fail(home: Path) -> Loaded:
    """The policy in force, or the first problem as an error (as every command that reads policies does)."""
    loaded, problems = load(home, template_names=template_names(home))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ShopcareError(
            f"policy: {problems[0]}{more}", "shopcare policy check lists every problem"
        )
    assert loaded is not None
    return loaded
