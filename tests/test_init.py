"""shopcare init: writes config.toml once, is safe to run twice, and every command works without it."""

from __future__ import annotations

import tomllib

import pytest

from shopcare.settings.config import load_config


@pytest.mark.sqlite_only
def test_init_writes_a_config_that_reads_back(cli, home):
    result = cli(
        "init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example", "--lang", "ja"
    )
    assert "wrote" in result.stderr
    config = load_config(home / "config.toml")
    assert config.shop_name == "はなまる雑貨店"
    assert config.shop_email == "support@hanamaru.example"
    assert "はなまる雑貨店" in config.signature
    assert config.timezone == "Asia/Tokyo"
    assert (home / "shopcare.db").exists()


def test_init_twice_keeps_the_config(cli, home):
    cli("init", "--name", "はなまる雑貨店")
    first = (home / "config.toml").read_text(encoding="utf-8")
    result = cli("init")
    assert "left as it is" in result.stderr
    assert (home / "config.toml").read_text(encoding="utf-8") == first


def test_init_with_options_changes_just_those_keys(cli, home):
    cli("init", "--name", "はなまる雑貨店", "--email", "a@hanamaru.example")
    cli("init", "--lang", "en", "--signature", "Hanamaru\nsupport@hanamaru.example")
    data = tomllib.loads((home / "config.toml").read_text(encoding="utf-8"))
    assert data["shop"]["name"] == "はなまる雑貨店"
    assert data["shop"]["language"] == "en"
    assert data["shop"]["signature"] == "Hanamaru\nsupport@hanamaru.example"


def test_bad_init_options_write_nothing(cli, home):
    assert "unknown language 'fr'" in cli.fails("init", "--lang", "fr")
    assert "unknown time zone" in cli.fails("init", "--timezone", "Tokyo/Japan")
    assert not (home / "config.toml").exists()


def test_a_broken_config_is_reported_with_the_file_and_key(cli, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('[shop]\nlanguage = "fr"\n', encoding="utf-8")
    stderr = cli.fails("case", "list")
    assert "config.toml" in stderr and "shop.language" in stderr
    (home / "config.toml").write_text('[shop]\ncolour = "red"\n', encoding="utf-8")
    assert "unknown key shop.colour" in cli.fails("case", "list")
    (home / "config.toml").write_text("[shop\n", encoding="utf-8")
    assert "config.toml" in cli.fails("init", "--name", "x")


@pytest.mark.sqlite_only
def test_a_writing_command_makes_the_shop_without_init(cli, tmp_path):
    fresh = tmp_path / "fresh"
    result = cli("--home", str(fresh), "case", "add", "--summary", "届かない")
    assert f"a new shop is made at {fresh}" in result.stderr
    assert (fresh / "shopcare.db").exists()
    assert len(cli.json("--home", str(fresh), "case", "list")) == 1


def test_init_sets_the_shops_address_and_return_address(cli, home):
    cli("init", "--name", "はなまる雑貨店", "--address", "〒150-0001 東京都渋谷区神宮前1-2-3")
    config = load_config(home / "config.toml")
    assert config.shop_address == "〒150-0001 東京都渋谷区神宮前1-2-3"
    assert config.return_address == config.shop_address  # returns go to the shop by default
    cli("init", "--return-address", "〒144-0052 東京都大田区蒲田5-6-7 はなまる倉庫")
    config = load_config(home / "config.toml")
    assert config.shop_address == "〒150-0001 東京都渋谷区神宮前1-2-3"
    assert config.return_address == "〒144-0052 東京都大田区蒲田5-6-7 はなまる倉庫"


def test_a_generated_signature_follows_the_name_and_email(cli, home):
    cli("init", "--name", "はなまる雑貨店", "--email", "a@hanamaru.example")
    result = cli("init", "--name", "はなまる雑貨店 本店", "--email", "support@hanamaru.example")
    assert "shop.signature" in result.stderr
    signature = load_config(home / "config.toml").signature
    assert "はなまる雑貨店 本店" in signature and "support@hanamaru.example" in signature
    assert "a@hanamaru.example" not in signature
    # a signature the shop wrote itself is the shop's: a new name leaves it alone
    cli("init", "--signature", "はなまる雑貨店\n店長 山田")
    cli("init", "--name", "はなまる")
    assert load_config(home / "config.toml").signature == "はなまる雑貨店\n店長 山田"


def test_the_homes_files_are_owner_only(cli, home, tmp_path):
    import os
    import stat

    def mode(path):
        return stat.S_IMODE(os.stat(path).st_mode)

    cli("init", "--name", "はなまる雑貨店", "--email", "support@hanamaru.example")
    cli("init", "--address", "〒150-0001 東京都渋谷区神宮前1-2-3")  # rewritten: still private
    assert mode(home / "config.toml") == 0o600
    cli(
        "case",
        "add",
        "--summary",
        "割れていた",
        "--customer",
        "青木 一郎",
        "--email",
        "a@example.jp",
    )
    cli("followups")  # builds the derived cache (the policy and the holidays)
    cached = list((home / ".cache").iterdir())
    assert cached and all(mode(path) == 0o600 for path in cached)
    out = tmp_path / "drafts"
    cli("reply", "-", "first_response", "--out", str(out), input="1\n")
    assert mode(out) == 0o700
    assert [mode(path) for path in out.iterdir()] == [0o600]


def test_values_that_would_break_mail_headers_are_refused(cli, home):
    for bad in ("a@b.jp\r\nBcc: x@y.example", "a@b\u2028.jp", "support@", "a b@c.jp", "a@b.jp\x00"):
        assert "is not an e-mail address" in cli.fails("init", "--email", bad)
    for bad in ("はなまる\r\nBcc: x@y.example", "はなまる\u2028雑貨店", "はなまる\x1c"):
        assert "line break" in cli.fails("init", "--name", bad)
    assert not (home / "config.toml").exists()
    cli("init", "--email", " Support@Hanamaru.example ")
    assert load_config(home / "config.toml").shop_email == "Support@Hanamaru.example"
