"""--json prints the fields the README lists under "JSON fields", and only those: the json is
the interface, and a field that appears or vanishes unnoticed breaks somebody's script."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopcare.cli import app

README = Path(__file__).parent.parent / "README.md"


def documented() -> dict[str, list[str]]:
    """What the README's JSON fields section lists, by the name before the colon."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### JSON fields", 1)[1].split("\n## ", 1)[0]
    found = {}
    for line in section.splitlines():
        match = re.match(r"^- ([a-z ]+?)(?: \(.*?\))?: (.*)$", line)
        if match:
            found[match.group(1)] = re.findall(r"`([a-z_]+)`", match.group(2))
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("json") / "demo"
    env = {"SHOPCARE_NOW": "2026-11-24T08:00:00+09:00", "SHOPCARE_USER": "sato"}
    result = CliRunner().invoke(app, ["demo", "--keep", str(home)], env=env)
    assert result.exit_code == 0, result.output
    return home


def run(demo: Path, *args: str):
    env = {  # the demo's own SQLite shop, whatever database the suite runs on
        "SHOPCARE_HOME": str(demo),
        "SHOPCARE_NOW": "2026-11-24T08:00:00+09:00",
        "SHOPCARE_DATABASE": None,
    }
    result = CliRunner().invoke(app, [*args, "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def keys(value) -> list[str]:
    return list((value[0] if isinstance(value, list) else value).keys())


def test_every_listing_prints_the_documented_fields(demo):
    fields = documented()
    case_fields = fields["case"]
    order_fields = fields["order"]
    assert keys(run(demo, "case", "list")) == case_fields
    shown = run(demo, "case", "show", "1")
    assert keys(shown) == case_fields + fields["case show"][-3:]
    assert fields["case show"][-3:] == ["events", "order", "recent_orders"]
    assert keys(shown["events"]) == fields["event"]
    assert keys(shown["order"]) == order_fields
    assert keys(shown["order"]["items"]) == fields["item"]
    assert keys(shown["recent_orders"]) == order_fields + fields["order in a list"][-1:]
    assert keys(run(demo, "orders", "show", "#1042")) == order_fields
    customer = run(demo, "customer", "show", "yoko.tanaka@example.jp")
    assert keys(customer) == fields["customer show"]
    assert keys(customer["cases"]) == case_fields
    assert keys(customer["orders"]) == order_fields + ["item_names"]
    assert keys(run(demo, "followups")) == fields["followup"]
    assert keys(run(demo, "calendar", "--days", "1")) == fields["calendar day"]
    assert keys(run(demo, "categories")) == fields["category"]
    assert keys(run(demo, "templates", "list")) == fields["template"]
    assert keys(run(demo, "policy", "suggest", "4")) == fields["policy suggest"]
    draft = run(demo, "reply", "4", "apology")
    assert keys(draft) == fields["draft"]


def test_the_readme_section_is_read():
    fields = documented()
    assert "customer_id" not in fields["case"] and len(fields) >= 12


def test_the_follow_up_tsv_reads_the_same_values_as_its_json(demo):
    """followups' tsv reads its cells off the items by the view's columns (no dict per row): each
    cell must be the value the json gives under the column's name."""
    import csv
    import io

    listed = run(demo, "followups", "--until", "+30d")
    env = {  # the demo's own SQLite shop, whatever database the suite runs on
        "SHOPCARE_HOME": str(demo),
        "SHOPCARE_NOW": "2026-11-24T08:00:00+09:00",
        "SHOPCARE_DATABASE": None,
    }
    tsv = CliRunner().invoke(app, ["followups", "--until", "+30d", "--format", "tsv"], env=env)
    rows = list(csv.DictReader(io.StringIO(tsv.stdout), delimiter="\t"))
    assert rows and len(rows) == len(listed)
    for row, record in zip(rows, listed, strict=True):
        for key, cell in row.items():
            assert cell == ("" if record[key] is None else str(record[key])), (key, row, record)
