def test_demo_runs_the_main_job_on_a_throwaway_home(cli, home):
    result = cli("demo")
    out = result.stdout
    assert "$ shopcare" in out
    assert "佐藤 美咲" in out  # the open list
    assert "まだですか?" in out  # one case's timeline
    assert "4111 11** **** 1111" in out  # the card number the demo customer sent is stored masked
    # the user's own shop is untouched
    assert [p.name for p in home.iterdir()] in (["shopcare.db"], [])


def test_demo_keep_leaves_a_home_to_explore(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("SHOPCARE_NOW")  # as a user runs it: the demo pins its own clock
    kept = tmp_path / "demo-shop"
    out = cli("demo", "--keep", str(kept)).stdout
    assert f"export SHOPCARE_NOW=2026-11-24T08:00:00+09:00 SHOPCARE_HOME={kept}" in out
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T08:00:00+09:00")
    assert (kept / "shopcare.db").exists()
    assert cli.json("--home", str(kept), "case", "list")
    assert "not empty" in cli.fails("demo", "--keep", str(kept))


def test_a_demo_that_stops_leaves_nothing_behind(cli, tmp_path, monkeypatch):
    """All or nothing: a demo stopped halfway (here by a clock past the demo's dates, so that its
    promise is already due) left a half-made home in --keep, and the folders it made for it."""
    monkeypatch.setenv("SHOPCARE_NOW", "2999-12-31T23:59:59+00:00")
    new = tmp_path / "new" / "shop"
    cli("demo", "--keep", str(new), code=1)
    assert not (tmp_path / "new").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    cli("demo", "--keep", str(empty), code=1)
    assert empty.is_dir() and not any(empty.iterdir())


def test_the_demo_never_writes_to_the_database_shopcare_database_names(cli, monkeypatch, tmp_path):
    """SHOPCARE_DATABASE names the shop's real database (a team's server): the demo's shop is a
    throwaway SQLite file all the same."""
    real = tmp_path / "the-real-shop.db"
    monkeypatch.setenv("SHOPCARE_DATABASE", str(real))
    cli("demo")
    assert not real.exists()
