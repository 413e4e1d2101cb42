"""The whole command line under fuzz (issue 16): random and hostile arguments for every command,
none of which may show a traceback, exit outside 0/1/2/3, run past a deadline, exit 0 on input
known to be bad, or leave a database changed by a command that failed.

The generator lives in tests/fuzzing.py (bench/fuzz.py runs it ten thousand times). In the suite
it runs SHOPCARE_FUZZ_EXAMPLES examples (default 200), derandomized, so that CI is reproducible:
SHOPCARE_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py runs it longer.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fuzzing import (
    DrawChooser,
    Fixture,
    Invocation,
    command_table,
    describe,
    invocation,
    kind_of,
    make_fixture,
    run,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("SHOPCARE_FUZZ_EXAMPLES", "200"))
LIMIT = float(os.environ.get("SHOPCARE_FUZZ_LIMIT", "5"))  # seconds an invocation may take
TABLE = command_table()


@pytest.fixture(scope="module")
def fuzz_home(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    return make_fixture(tmp_path_factory.mktemp("fuzz"))


def test_every_command_and_parameter_is_fuzzed() -> None:
    """A new command or option is fuzzed as soon as it exists; what to type into it needs a kind
    in fuzzing.KINDS."""
    paths = {" ".join(c.path) for c in TABLE}
    assert {"case add", "case show", "remedy", "reply", "followups done", "calendar"} <= paths
    missing = [
        f"{' '.join(c.path)} {p.name}" for c in TABLE for p in c.params if kind_of(c, p) is None
    ]
    assert not missing, f"give these a kind in tests/fuzzing.py KINDS: {missing}"


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,  # run() holds each invocation to LIMIT itself, with a hard alarm
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the autouse home fixture; run() uses its own
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_no_traceback_no_hang_nothing_written_on_failure(fuzz_home: Fixture, data) -> None:
    outcome = run(invocation(DrawChooser(data), fuzz_home, TABLE), fuzz_home, limit=LIMIT)
    assert not outcome.problems, describe(outcome)


# The classes issue 16 names, and those the fuzz found since: each must stay fixed. The fuzz would
# find them again, but not in every run of 200 examples.
KNOWN = [
    ["case", "show", "9223372036854775808"],
    ["case", "show", "²"],
    ["case", "show", "１"],
    ["case", "status", "٣", "open"],
    ["case", "assign", "18446744073709551616", "sato"],
    ["remedy", "9223372036854775808", "refund", "--amount", "100"],
    ["policy", "suggest", "9223372036854775808"],
    ["orders", "show", "9223372036854775808"],
    ["customer", "show", "9223372036854775808"],
    ["followups", "done", "r²"],
    ["case", "message", "1", "まだ?", "--at", ""],
    ["followups", "--until", ""],
    ["case", "add", "--summary", "x", "--fault", ""],
    ["case", "add", "--summary", "x", "--priority", ""],
    ["case", "list", "--category", ""],
    ["templates", "show", "apology", "--lang", ""],
    ["reply", "1", "apology", "--lang", ""],
    ["case", "note", "1", "x", "--kind", ""],
    ["followups", "--kind", ""],
    ["case", "list", "--email", ""],
    ["init", "--email", ""],
    ["calendar", "--from", ""],
    ["--home", "", "case", "list"],
    ["case", "add", "--summary", "\udcff"],
    ["case", "note", "1", "\udce9t\udce9"],
    ["case", "add", "--received-at", "0001-01-01", "--summary", "x"],
    ["followups", "--until", "9999-12-31T23:00-05:00"],
    ["calendar", "--from", "9999-12-31"],
    ["case", "promise", "1", "--due", "+99999bd", "x"],
]


@pytest.mark.parametrize("args", KNOWN, ids=lambda args: " ".join(args)[:60])
def test_known_classes(fuzz_home: Fixture, args: list[str]) -> None:
    inv = Invocation(list(args), bad=["a value known to be bad"])
    outcome = run(inv, fuzz_home, limit=LIMIT)
    assert not outcome.problems, describe(outcome)
    assert outcome.exit_code in (1, 2), describe(outcome)


def test_the_fuzz_home_has_what_the_generator_names(fuzz_home: Fixture) -> None:
    """A test that cannot fail is worse than none: the home holds cases, customers and orders, so
    that valid ids reach the commands' real work."""
    assert len(fuzz_home.case_ids) >= 8
    assert fuzz_home.emails and fuzz_home.order_numbers
    assert Path(fuzz_home.home, "shopcare.db").exists()
