"""Operators side by side (TEAM.md): who I am (SHOPCARE_USER, else [operator] name, else the
login name), case take, and --mine / --assignee on the case list and the follow-ups."""

from __future__ import annotations


def added(cli, summary: str) -> str:
    return cli(
        "case", "add", "--summary", summary, "--email", f"{len(summary)}@example.jp"
    ).stdout.strip()


def test_the_operator_is_shopcare_user_else_the_config_name(cli, home, monkeypatch):
    (home / "config.toml").write_text('[operator]\nname = "sato"\n', encoding="utf-8")
    monkeypatch.delenv("SHOPCARE_USER")
    case_id = added(cli, "割れていた")
    assert cli.json("case", "show", case_id)["events"][0]["author"] == "sato"
    monkeypatch.setenv("SHOPCARE_USER", "tanaka")  # the environment wins
    cli("case", "note", case_id, "電話で確認")
    assert cli.json("case", "show", case_id)["events"][-1]["author"] == "tanaka"


def test_an_operator_name_must_be_one_short_line(cli, home):
    for bad in ('""', '"a\\nb"', "3", '"' + "x" * 65 + '"'):
        (home / "config.toml").write_text(f"[operator]\nname = {bad}\n", encoding="utf-8")
        assert "operator.name" in cli.fails("case", "list")


def test_case_take_makes_a_case_mine_and_the_lists_show_my_part(cli, monkeypatch):
    mine, theirs, nobody = (
        added(cli, "割れていた"),
        added(cli, "届かない"),
        added(cli, "返品したい"),
    )
    monkeypatch.setenv("SHOPCARE_USER", "sato")
    assert "yours now (sato)" in cli("case", "take", mine).stderr
    monkeypatch.setenv("SHOPCARE_USER", "tanaka")
    cli("case", "take", theirs)
    events = cli.json("case", "show", theirs)["events"]
    assert events[-1]["author"] == "tanaka" and "tanaka" in events[-1]["text"]
    assert [c["id"] for c in cli.json("case", "list", "--mine")] == [int(theirs)]
    assert [c["id"] for c in cli.json("case", "list", "--assignee", "sato")] == [int(mine)]
    assert cli.json("case", "list", "--assignee", "suzuki") == []
    assert len(cli.json("case", "list")) == 3 and nobody
    # follow-ups: the replies owed on the cases I hold, none of the others'
    owed = cli.json("followups", "--until", "+3d", "--mine")
    assert {item["ref"] for item in owed} == {f"case {theirs}"}
    owed = cli.json("followups", "--until", "+3d", "--assignee", "sato")
    assert {item["ref"] for item in owed} == {f"case {mine}"}
    assert len(cli.json("followups", "--until", "+3d")) == 3


def test_mine_and_assignee_together_or_empty_are_refused(cli):
    assert "give one of them" in cli.fails("case", "list", "--mine", "--assignee", "sato")
    assert "give one of them" in cli.fails("followups", "--mine", "--assignee", "sato")
    assert "--assignee is empty" in cli.fails("case", "list", "--assignee", " ")
    assert "no case 9" in cli.fails("case", "take", "9")
