def test_demo_runs_the_main_job_on_a_throwaway_home(cli, home):
    result = cli("demo")
    out = result.stdout
    assert "$ shopcare" in out
    assert "佐藤 美咲" in out  # the open list
    assert "まだですか?" in out  # one case's timeline
    assert "4111 11** **** 1111" in out  # the card number the demo customer sent is stored masked
    assert not home.exists()  # the user's own home is untouched


def test_demo_keep_leaves_a_home_to_explore(cli, tmp_path):
    kept = tmp_path / "demo-shop"
    cli("demo", "--keep", str(kept))
    assert (kept / "shopcare.db").exists()
    assert cli.json("--home", str(kept), "case", "list")
    assert "not empty" in cli.fails("demo", "--keep", str(kept))
