"""shopcare search: Japanese at any length, English whatever its case, every word (AND), phrases,
the index kept by the database itself, and an older home searchable once upgraded."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from exports import SHOPIFY_2026, shopify_rows, write_export
from hypothesis import given, settings
from hypothesis import strategies as st
from test_mail_in import SHOP, message, took

from shopcare.domain import search as core

RELEASED = sorted((Path(__file__).parent / "data" / "released").glob("*.db"))
FIELDS = ["case_id", "received_at", "status", "customer_name", "category", "snippet", "matched_in"]


def added(cli, *args: str) -> int:
    return int(cli("case", "add", *args).stdout.strip())


@pytest.fixture(params=["indexed", "queued"])
def shop(request, cli, tmp_path, monkeypatch) -> dict[str, int]:
    """A shop with an imported order, cases logged by hand and one taken in by mail; each test
    runs twice: with every text split into the index as it is written, and with the texts
    left in the queue (as they are until it fills: store/sqlite/search_index.py)."""
    import shopcare.store.sqlite.search_index as index

    monkeypatch.setattr(index, "QUEUE_LIMIT", 1 if request.param == "indexed" else 10_000)
    cli("init", "--name", "はなまる雑貨店", "--email", SHOP)
    cli("orders", "import", str(write_export(tmp_path / "o.csv", SHOPIFY_2026, shopify_rows())))
    ids = {
        # the order #1001: マグカップ 藍, 小皿 白磁, ほうじ茶 100g; Hanako Yamada
        "broken": added(
            cli, "--summary", "届いた小皿が割れていました", "--order", "#1001",
            "--category", "quality.damaged",
        ),
        "return": added(
            cli, "--summary", "返品したい", "--email", "ken.watanabe@example.jp", "--customer",
            "渡辺 健", "--request", "サイズが合わないので返品したい", "--category", "inquiry.return",
            "--received-at", "2026-11-01T10:00",
        ),
        "late": added(cli, "--summary", "商品がまだ届きません", "--email", "yoko@example.jp"),
        "english": added(
            cli, "--summary", "Refund request", "--email", "john@example.com", "--customer",
            "John Smith", "--lang", "en",
        ),
    }  # fmt: skip
    cli("case", "message", str(ids["broken"]), "箱を開けたら破損していました。写真を送ります。")
    # the note holds 割れ and れ物, never 割れ物
    cli("case", "note", str(ids["broken"]), "割れていた。壊れ物シールなし", "--kind", "fact")
    cli("case", "note", str(ids["late"]), "運送会社に確認中")
    cli("case", "message", str(ids["english"]), "I would like a REFUND for the broken mug.")
    mail = message(
        "マグカップを注文しましたが、まだ届きません。\n佐藤",
        subject="注文の件",
        sender="佐藤 美咲 <misaki.sato@example.jp>",
        message_id="s1@mail.example.jp",
    )
    ids["mail"] = took(cli, mail)["case_id"]
    return ids


def found(cli, *args: str) -> list[int]:
    return [row["case_id"] for row in cli.json("search", *args)]


def test_japanese_words_of_any_length_are_found(cli, shop):
    assert found(cli, "返品") == [shop["return"]]
    assert found(cli, "破損") == [shop["broken"]]
    assert found(cli, "割れ") == [shop["broken"]]
    # the customer's words in the summary count more than in a message, an item's the least
    assert found(cli, "マグカップ") == [shop["mail"], shop["broken"]]
    assert found(cli, "まだ届きません") == [shop["late"], shop["mail"]]
    assert found(cli, "藍") == [shop["broken"]]  # one character: an item, マグカップ 藍


def test_words_that_are_not_there_find_nothing(cli, shop):
    assert found(cli, "返金") == []  # only 返品 is there
    assert found(cli, "割れ物") == []  # 割れ and れ物 are in one note, never together
    assert found(cli, "返品 破損") == []  # each is there, never in one case
    assert found(cli, "壊れ物") == [shop["broken"]]
    assert found(cli, "壊れ物 割れ物") == []  # the second word checked too, not only the first
    result = cli("search", "返金", "--format", "tsv")
    assert result.stdout == "\t".join(FIELDS) + "\n"


def test_names_numbers_and_addresses_are_found(cli, shop):
    assert found(cli, "#1001") == found(cli, "1001") == [shop["broken"]]
    assert found(cli, "hanako.yamada@example.jp") == [shop["broken"]]
    assert found(cli, "yoko@") == [shop["late"]]
    assert found(cli, "渡辺") == [shop["return"]]
    assert found(cli, "ほうじ茶") == [shop["broken"]]


def test_english_is_found_whatever_its_case_and_width(cli, shop):
    for word in ("refund", "Refund", "REFUND", "ＲＥＦＵＮＤ"):
        assert found(cli, word) == [shop["english"]], word
    [row] = cli.json("search", "refund")
    assert row["matched_in"] == ["summary", "message"]
    assert found(cli, "ﾏｸﾞｶｯﾌﾟ") == found(cli, "マグカップ")  # half-width katakana


def test_several_words_are_all_needed_and_a_phrase_is_one(cli, shop):
    assert found(cli, "返品 サイズ") == [shop["return"]]
    assert found(cli, "返品　サイズ") == [shop["return"]]  # a full-width space
    assert found(cli, '"が割れて"') == [shop["broken"]]
    assert found(cli, '"REFUND for the"') == [shop["english"]]
    assert found(cli, '"REFUND the"') == []
    assert found(cli, 'broken "a refund"') == [shop["english"]]


def test_the_json_fields_and_the_snippet_around_the_match(cli, shop):
    [row] = cli.json("search", "破損")
    assert list(row) == FIELDS
    assert row["matched_in"] == ["message"]
    assert row["snippet"] == "箱を開けたら«破損»していました。写真を送ります。"
    assert row["customer_name"] == "山田 花子" and row["category"] == "quality.damaged"
    assert row["received_at"] == "2026-11-24T08:00:00+09:00" and row["status"] == "new"
    [row] = cli.json("search", "割れ")
    assert row["matched_in"] == ["summary", "note"]
    assert row["snippet"] == "届いた小皿が«割れ»ていました"
    long = (
        "お世話になっております。" * 5
        + "届いた商品の箱が潰れていました"
        + "。よろしくお願いします" * 5
    )
    cli("case", "message", str(shop["late"]), long)
    [row] = cli.json("search", "潰れ")
    # about 40 characters: as many before the match as after it
    assert (
        row["snippet"]
        == "…世話になっております。届いた商品の箱が«潰れ»ていました。よろしくお願いします。よろ…"
    )
    [row] = cli.json("search", "refund")  # the text's own spelling, the match marked
    assert row["snippet"] == "«Refund» request"
    line = cli("search", "破損", "--format", "tsv").stdout.splitlines()[1]
    assert line.endswith("\t箱を開けたら«破損»していました。写真を送ります。\tmessage")


def test_filters_status_since_and_category(cli, shop):
    cli("case", "status", str(shop["late"]), "waiting")
    assert found(cli, "届きません", "--status", "waiting") == [shop["late"]]
    assert found(cli, "届きません", "--status", "new") == [shop["mail"]]
    assert found(cli, "届きません", "--status", "all") == [shop["late"], shop["mail"]]
    assert found(cli, "返品", "--category", "inquiry") == [shop["return"]]
    assert found(cli, "返品", "--category", "inquiry.*") == [shop["return"]]
    assert found(cli, "返品", "--category", "delivery") == []
    assert found(cli, "返品", "--since", "2026-11-10") == []
    assert found(cli, "返品", "--since", "2026-10-31") == [shop["return"]]
    assert found(cli, "返品", "--since", "-30d") == [shop["return"]]


def test_the_index_follows_every_change(cli, shop, tmp_path):
    case = str(shop["return"])
    cli("case", "message", case, "ギフト用の箱が潰れていた")
    assert found(cli, "潰れ") == [shop["return"]]  # at once
    cli("case", "edit", case, "--request", "交換を希望")
    assert found(cli, "交換") == [shop["return"]]
    assert found(cli, "サイズ") == []
    cli("case", "edit", str(shop["english"]), "--customer", "ジョン スミス")
    assert found(cli, "スミス") == [shop["english"]]
    assert found(cli, "Smith") == []
    # the order's items, changed by a new export
    rows = shopify_rows()
    rows[0]["Lineitem name"] = "マグカップ 紺"
    cli("orders", "import", str(write_export(tmp_path / "o2.csv", SHOPIFY_2026, rows)))
    assert found(cli, "紺") == [shop["broken"]]
    assert found(cli, "藍") == []
    assert found(cli, "ほうじ茶") == [shop["broken"]]  # the other items stay
    # the case now names no order: the items leave it, the order number too
    cli("case", "edit", str(shop["broken"]), "--order", "#9999")
    assert found(cli, "ほうじ茶") == []
    assert found(cli, "1001") == []
    assert found(cli, "9999") == [shop["broken"]]


@pytest.mark.sqlite_only
def test_what_another_sqlite_client_writes_is_found_at_once(cli, shop, home, monkeypatch):
    """No function of shopcare's is needed to write to the database: the triggers queue the
    text, a search reads the queue as it is, and a write of shopcare's that fills the queue
    splits it into the index."""
    import shopcare.store.sqlite.search_index as index

    conn = sqlite3.connect(home / "shopcare.db")
    with conn:
        conn.execute(
            "INSERT INTO events (case_id, at, kind, author, text) VALUES"
            " (?, '2026-11-24T00:00:00Z', 'note', 'sqlite3', '倉庫で検品済み')",
            [shop["late"]],
        )
        conn.execute("UPDATE cases SET request = '至急' WHERE id = ?", [shop["return"]])
    assert found(cli, "検品") == [shop["late"]]
    assert found(cli, "運送会社 検品") == [shop["late"]]  # one word indexed, one queued
    assert found(cli, "返品 至急") == [shop["return"]]
    assert found(cli, "サイズ") == []  # the request it replaced
    monkeypatch.setattr(index, "QUEUE_LIMIT", 1)
    cli("case", "note", str(shop["english"]), "x")  # a write of shopcare's, the queue full
    assert conn.execute("SELECT count(*) FROM search_queue").fetchone() == (0,)
    entry = (shop["late"] << 3) | core.FIELDS.index("note")
    held = conn.execute("SELECT count(*) FROM search_terms WHERE entry = ?", [entry])
    assert held.fetchone()[0] > 0
    conn.close()
    assert found(cli, "検品") == [shop["late"]]
    assert found(cli, "返品 至急") == [shop["return"]]
    assert found(cli, "サイズ") == []


@pytest.mark.sqlite_only
@pytest.mark.parametrize("fixture", RELEASED, ids=lambda p: p.stem)
def test_an_older_home_is_searched_once_it_is_upgraded(cli, home, fixture):
    shutil.copy(fixture, home / "shopcare.db")
    assert found(cli, "割れ") == [1]  # a summary
    assert found(cli, "まだですか") == [2]  # a message
    assert found(cli, "見本") == [1]  # a customer's name
    assert sorted(found(cli, "mihon@example.jp")) == [1, 2]  # their addresses


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "the search is empty"),
        (("",), "the search is empty"),
        (('"',), 'opens a " that it does not close'),
        (('返品 "サイズ',), 'opens a " that it does not close'),
        (("!!!",), "has no letter or digit"),
        (("返品", "--limit", "0"), "--limit 0 is out of range"),
        (("返品", "--status", "gone"), "unknown status 'gone'"),
        (("返品", "--category", "nothing"), "unknown category 'nothing'"),
        (("返品", "--since", "someday"), "cannot read 'someday'"),
    ],
)
def test_a_search_that_cannot_be_made_is_one_error_line(cli, shop, args, says):
    if not args:
        assert cli("search", code=2).exit_code == 2  # TEXT is required: click says so
        return
    assert says in cli.fails("search", *args)


def test_more_than_the_limit_says_so(cli, shop):
    result = cli("search", "届", "--limit", "1", "--format", "tsv")
    assert len(result.stdout.splitlines()) == 2
    assert "--limit 2 shows more" in result.stderr
    assert "shows more" not in cli("search", "返品", "--format", "tsv").stderr


# --- the two forms of a text ------------------------------------------------------------------


def test_the_index_form_folds_widths_case_and_voicing_marks():
    assert core.fold("ｶﾞﾗｽが割れ、Refund ＰＬＥＡＳＥ！") == "カラスか割れ refund please "
    assert core.fold("a\u200bb") == "ab"  # a zero-width space is nothing
    assert core.fold("㈱ ① ß") == " 株  1 ss"  # compatibility characters as NFKC spells them
    assert core.index_terms("返品 したい") == {"返品", "品", "した", "たい", "い"}


JAPANESE = st.text(
    st.sampled_from(
        list("あいうかがきぎパバはアイウカガｶｷﾞﾊﾟ漢字返品割れＡＢａｂAb12１２ 　、。!-ー〜～ﾞ゛")
        + ["\u3099", "\u200b", "\n", "ß", "É", "é"]
    ),
    max_size=30,
)


@given(text=JAPANESE, data=st.data())
@settings(max_examples=300, deadline=None)
def test_whatever_the_comparison_form_finds_the_index_finds(text, data):
    """The index is never finer than the check: a word taken from a text's comparison form has
    every gram it is looked up by (or, of one character, a term starting with it) among the
    text's terms."""
    norm = core.normalise(text)
    start = data.draw(st.integers(0, len(norm)))
    word = norm[start : data.draw(st.integers(start, len(norm)))]
    folded = core.fold(word)
    terms = core.index_terms(text)
    assert set(core.grams(folded)) <= terms
    letters = folded.replace(" ", "")
    if letters and not core.grams(folded):
        assert any(term.startswith(letters[0]) for term in terms)


def test_a_terminal_shows_the_match_highlighted_and_no_colour_keeps_the_marks(
    cli, shop, monkeypatch
):
    from shopcare.cli.views import SEARCH

    [snippet] = [c for c in SEARCH.columns if c.key == "snippet"]
    assert snippet.marks == core.MARKS
    plain = cli("search", "破損", "--format", "table").stdout  # NO_COLOR, as every test runs
    assert "«破損»" in plain and "\x1b[" not in plain
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")  # a terminal that shows styles
    styled = cli("search", "破損", "--format", "table").stdout
    assert "«" not in styled and "»" not in styled
    assert "\x1b[1;7m破損\x1b[0m" in styled  # bold, reversed
