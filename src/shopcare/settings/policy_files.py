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
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from shopcare.domain.policy import (
    MALL_NAMES,
    NOT_ALLOWED,
    Aftercare,
    Approval,
    CategoryDef,
    Delivery,
    IntakeWords,
    Loaded,
    Policy,
    PolicyFile,
    Problem,
    Returns,
    Rule,
    Sla,
)
from shopcare.errors import ShopcareError
from shopcare.resources import resource_dir


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


def _category_line(text: str, code: str) -> int | None:
    """The last line of a file that sets category = code (an intake entry's)."""
    found = None
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"""^\s*category\s*=\s*["']{re.escape(code)}["']""", line):
            found = number
    return found


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
    intake: list[IntakeWords] = []
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
        if checked.intake is not None:
            problems += _twice_in_intake(checked.intake, path, text)
            # a shop's entry replaces the words of its category, and its entries come first
            # (they win a tie)
            mine = {entry.category for entry in checked.intake}
            intake = list(checked.intake) + [e for e in intake if e.category not in mine]
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
        intake=intake,
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
    intake_errors, intake_warnings = _intake_problems(policy, categories, texts, list(texts))
    problems += intake_errors
    warnings += intake_warnings
    if template_names is not None:
        for number, step in enumerate(policy.aftercare, start=1):
            if step.template not in template_names:
                problems.append(
                    Problem(
                        builtin, f"aftercare[{number}].template: unknown template {step.template!r}"
                    )
                )
    return problems, warnings


def _twice_in_intake(entries: list[IntakeWords], path: Path, text: str) -> list[Problem]:
    seen: set[str] = set()
    found = []
    for entry in entries:
        if entry.category in seen:
            found.append(
                Problem(
                    str(path),
                    f"intake: category {entry.category!r} has two entries in one file: give it"
                    " one list of words",
                    _category_line(text, entry.category),
                )
            )
        seen.add(entry.category)
    return found


def _intake_problems(
    policy: Policy, categories, texts: dict, paths: list[str]
) -> tuple[list[Problem], list[Problem]]:
    """Intake words for a category that does not exist (an error), and a word listed under two
    categories (a warning: the tie goes to the one listed first)."""
    errors, warnings = [], []
    where: dict[str, str] = {}
    for entry in policy.intake:
        source = next(
            (p for p in reversed(paths) if f'"{entry.category}"' in texts.get(p, "")), paths[0]
        )
        line = _category_line(texts.get(source, ""), entry.category)
        if entry.category not in categories:
            errors.append(Problem(source, f"intake: unknown category {entry.category!r}", line))
        for word in entry.words:
            other = where.setdefault(word.casefold(), entry.category)
            if other != entry.category:
                warnings.append(
                    Problem(
                        source,
                        f"intake: {word!r} is listed for {other} and {entry.category}: a mail"
                        f" holding only it goes to {other}",
                        warning=True,
                    )
                )
    return errors, warnings


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
