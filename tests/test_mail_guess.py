"""The category guess of a new case from mail: most words wins, a tie goes to the list given
first, English whole words only, any width and case."""

from __future__ import annotations

import pytest

from shopcare.intake.guess import Guesser


def lists(*entries: tuple[str, list[str]]) -> Guesser:
    return Guesser(list(entries))


@pytest.mark.parametrize(
    "subject, text, wanted",
    [
        ("", "マグカップが割れていました。破損です。", "quality.damaged"),
        ("返品したい", "割れていました", "inquiry.return"),  # a tie: the list given first
        ("", "The mug arrived late.", "delivery.late"),
        ("", "I love your chocolate.", None),  # "late" is not a word of "chocolate"
        ("", "ＬＡＴＥ again", "delivery.late"),  # full width and upper case
        ("", "ﾍﾝﾋﾟﾝ", "inquiry.return"),  # half-width katakana
        ("", "ありがとうございました。", None),
    ],
)
def test_the_guess(subject, text, wanted):
    guesser = lists(
        ("inquiry.return", ["返品", "ヘンピン", "return"]),
        ("quality.damaged", ["割れ", "破損"]),
        ("delivery.late", ["late", "遅れ"]),
    )
    got = guesser.guess(subject, text)
    assert (got.category if got else None) == wanted
