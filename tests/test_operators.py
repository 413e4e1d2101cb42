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


def test_a_reply_marked_sent_after_another_operators_is_refused_naming_them(cli, monkeypatch):
    """TEAM.md: two operators answering one customer is the accident to prevent. A reply
    marked sent where someone else's went out after the customer's latest message is refused,
    naming who and when, unless --again; one's own replies may follow each other."""
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    case_id = added(cli, "届かない")
    monkeypatch.setenv("SHOPCARE_USER", "sato")
    cli("reply", case_id, "first_response", "--mark-sent")
    cli("reply", case_id, "status_update", "--mark-sent")  # sato again: his own follow-up
    monkeypatch.setenv("SHOPCARE_USER", "tanaka")
    error = cli.fails("reply", case_id, "first_response", "--mark-sent")
    assert "answered already" in error and "sato sent" in error and "2026-11-24 08:00" in error
    assert "--again" in error
    sent = [e for e in cli.json("case", "show", case_id)["events"] if e["kind"] == "reply_sent"]
    assert len(sent) == 2  # nothing recorded
    cli("reply", case_id, "first_response", "--mark-sent", "--again")
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T10:00:00+09:00")
    cli("case", "message", case_id, "まだですか?")  # the customer wrote again: a new turn
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T10:30:00+09:00")
    monkeypatch.setenv("SHOPCARE_USER", "sato")
    cli("reply", case_id, "status_update", "--mark-sent")


def test_a_batch_marked_sent_is_refused_whole_when_one_case_was_answered_by_another(
    cli, monkeypatch
):
    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    first, second = added(cli, "届かない"), added(cli, "割れていた")
    monkeypatch.setenv("SHOPCARE_USER", "sato")
    cli("reply", second, "first_response", "--mark-sent")
    monkeypatch.setenv("SHOPCARE_USER", "tanaka")
    error = cli.fails("reply", "-", "first_response", "--mark-sent", "--format", "json",
                      input=f"{first}\n{second}\n")  # fmt: skip
    assert f"case {second} was answered already" in error
    events = cli.json("case", "show", first)["events"]
    assert not [e for e in events if e["kind"] == "reply_sent"]  # all or nothing
