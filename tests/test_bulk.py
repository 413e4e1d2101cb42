"""The cycle collector is paused for a batch and runs as before once it ends, however it ends."""

import gc

import pytest

from shopcare.bulk import collector_paused


def test_paused_inside_and_running_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_running_again_after_an_error():
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a broken row")
    assert gc.isenabled()


def test_left_off_if_it_was_off_before():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
