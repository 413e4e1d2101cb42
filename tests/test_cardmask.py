from shopcare.cardmask import luhn_ok, mask_cards


def test_luhn():
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


def test_masks_spaced_hyphenated_and_fullwidth_numbers_keeping_first_six_last_four():
    assert mask_cards("カード 4111 1111 1111 1111 です") == ("カード 4111 11** **** 1111 です", 1)
    assert mask_cards("4111-1111-1111-1111") == ("4111-11**-****-1111", 1)
    assert mask_cards("４１１１１１１１１１１１１１１１") == ("４１１１１１******１１１１", 1)
    assert mask_cards("amex 3782-822463-10005") == ("amex 3782-82****-*0005", 1)


def test_two_cards_side_by_side_are_both_masked():
    masked, count = mask_cards("5555555555554444 4012888888881881")
    assert count == 2
    assert masked == "555555******4444 401288******1881"


def test_order_numbers_phone_numbers_and_non_luhn_runs_are_left_alone():
    for text in (
        "注文番号 123456-20220518-00006701",
        "503-1234567-1234567",
        "電話 090-1234-5678",
        "4111111111111112",
        "123456789012",
    ):
        assert mask_cards(text) == (text, 0)
