"""The derived cache: the validated policy and the holidays, kept in HOME/.cache and rebuilt
whenever what lies behind them changes; a broken policy is never cached."""

import os
from datetime import date
from pathlib import Path

import pytest

from shopcare.errors import ShopcareError
from shopcare.settings import derived as policycache

TODAY = date(2026, 11, 24)


@pytest.fixture
def builds(monkeypatch):
    made = []
    real = policycache._build

    def counting(home, today):
        made.append(today)
        return real(home, today)

    monkeypatch.setattr(policycache, "_build", counting)
    return made


def write_policy(home: Path, text: str) -> Path:
    (home / "policies").mkdir(parents=True, exist_ok=True)
    path = home / "policies" / "shop.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_second_read_comes_from_the_cache(home, builds):
    home.mkdir(exist_ok=True)
    first = policycache.policy_view(home, TODAY)
    second = policycache.policy_view(home, TODAY)
    assert len(builds) == 1
    assert first.sla.reply_within == second.sla.reply_within == "1bd"
    assert (home / ".cache" / "derived.marshal").exists()
    assert policycache.holidays_known(home, TODAY)[2026][date(2026, 11, 23)] == "勤労感謝の日"


def test_a_changed_policy_file_rebuilds_it(home, builds):
    home.mkdir(exist_ok=True)
    path = write_policy(home, '[sla]\nreply_within = "2bd"\n')
    assert policycache.policy_view(home, TODAY).sla.reply_within == "2bd"
    path.write_text('[sla]\nreply_within = "3bd"\n', encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new time, even on a file system with coarse times
    assert policycache.policy_view(home, TODAY).sla.reply_within == "3bd"
    assert len(builds) == 2


def test_the_key_is_the_content_not_the_files_time(home, builds):
    """A policy copied back from a backup, or edited within the file system's time resolution,
    keeps its size and time: the cache still sees the new text."""
    home.mkdir(exist_ok=True)
    path = write_policy(home, '[sla]\nreply_within = "2bd"\n')
    os.utime(path, ns=(5, 5))
    assert policycache.policy_view(home, TODAY).sla.reply_within == "2bd"
    path.write_text('[sla]\nreply_within = "4bd"\n', encoding="utf-8")  # the same size
    os.utime(path, ns=(5, 5))
    assert policycache.policy_view(home, TODAY).sla.reply_within == "4bd"
    os.utime(path, ns=(9, 9))  # a new time alone, the same text: nothing to rebuild
    policycache.policy_view(home, TODAY)
    assert len(builds) == 2


def test_a_new_year_rebuilds_it(home, builds):
    home.mkdir(exist_ok=True)
    policycache.holidays_known(home, TODAY)
    assert 2029 in policycache.holidays_known(home, date(2027, 1, 4))
    assert len(builds) == 2


def test_a_broken_policy_is_never_cached(home, builds):
    home.mkdir(exist_ok=True)
    write_policy(home, '[sla]\nreply_within = "soon"\n')
    for _ in range(2):
        with pytest.raises(ShopcareError):
            policycache.policy_view(home, TODAY)
    assert not (home / ".cache" / "derived.marshal").exists()


def test_two_spellings_of_one_home_share_the_cache(home, builds, monkeypatch):
    home.mkdir(exist_ok=True)
    policycache.policy_view(home, TODAY)
    monkeypatch.chdir(home.parent)
    policycache.policy_view(Path(home.name), TODAY)
    assert len(builds) == 1


def test_a_damaged_cache_is_rebuilt(home, builds):
    home.mkdir(exist_ok=True)
    policycache.policy_view(home, TODAY)
    (home / ".cache" / "derived.marshal").write_bytes(b"\x00damaged")
    assert policycache.policy_view(home, TODAY).sla.reply_within == "1bd"
    assert len(builds) == 2


def test_the_config_follows_edits(home, cli):
    from shopcare.settings.config import load_config

    cli("init", "--name", "テスト商店")
    path = home / "config.toml"
    assert load_config(path).shop_name == "テスト商店"
    text = path.read_text(encoding="utf-8").replace('close = "18:00"', 'close = "17:30"')
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert str(load_config(path).close) == "17:30:00"


def test_a_broken_config_is_reported_every_time(home, cli):
    cli("init")
    path = home / "config.toml"
    path.write_text('[calendar]\nopen = "25:00"\n', encoding="utf-8")
    for _ in range(2):
        assert "calendar.open" in cli.fails("case", "list")


def test_toml_dates_in_the_config_survive_the_cache(home, cli):
    from datetime import date

    from shopcare.settings.config import load_config

    cli("init")
    path = home / "config.toml"
    text = path.read_text(encoding="utf-8").replace("closed = []", "closed = [2026-12-31]")
    path.write_text(text, encoding="utf-8")
    for _ in range(2):
        assert load_config(path).closed == (date(2026, 12, 31),)


@pytest.mark.parametrize("now", ["2031-06-01T09:00:00+09:00", "2027-01-01T08:00:00+09:00"])
def test_the_shops_categories_follow_the_pinned_clock(home, cli, builds, monkeypatch, now):
    """With a shop policy, the categories are read from the cache under the year of the pinned
    clock, in the shop's zone (2027-01-01 08:00 in Tokyo is still 2026 in UTC), the year every
    other command keys it by: so a second command does not rebuild it."""
    cli("init")
    write_policy(
        home, '[[category]]\ncode = "gift.wrapping"\nja = "ギフト包装"\nen = "Gift wrap"\n'
    )
    monkeypatch.setenv("SHOPCARE_NOW", now)
    year = int(now[:4])
    for _ in range(2):
        cli("case", "add", "--summary", "包装の相談", "--category", "gift.wrapping")
        cli("followups")  # keys the cache by the shop's date too
    assert [day.year for day in builds] == [year]
