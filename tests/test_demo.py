def test_demo_runs_the_main_job_on_a_throwaway_home(cli, home):
    result = cli("demo")
    out = result.stdout
    assert "$ shopcare" in out
    assert "佐藤 美咲" in out  # the open list
    assert "まだですか?" in out  # one case's timeline
    assert "4111 11** **** 1111" in out  # the card number the demo customer sent is stored masked
    assert not home.exists()  # the user's own home is untouched


def test_demo_keep_leaves_a_home_to_explore(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("SHOPCARE_NOW")  # as a user runs it: the demo pins its own clock
    kept = tmp_path / "demo-shop"
    out = cli("demo", "--keep", str(kept)).stdout
    assert f"export SHOPCARE_NOW=2026-11-24T08:00:00+09:00 SHOPCARE_HOME={kept}" in out
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T08:00:00+09:00")
    assert (kept / "shopcare.db").exists()
    assert cli.json("--home", str(kept), "case", "list")
    assert "not empty" in cli.fails("demo", "--keep", str(kept))
