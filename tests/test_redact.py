"""The redaction behind `export --redact` (admin/redact.py), on plain values: what is found in a
text and in a record, what is left alone, and how tokens are given."""

from __future__ import annotations

import re

import pytest

from shopcare.admin.redact import Redactor, fold, trie_pattern

TOKEN = re.compile(r"\[(name|email|phone|postcode|address|tracking)-\d+\]")


@pytest.fixture
def shop() -> Redactor:
    """A redactor that knows a few customers, as an export registers them first."""
    r = Redactor()
    r.person("佐藤 美咲", "misaki.sato@example.jp")  # 1
    r.person("小林 ゆい", "yui@example.jp")  # 2
    r.person("小林 恵美", "emi@example.com")  # 3
    r.person("Emily Smith", "emily@example.com")  # 4
    r.person("松本 彩", "aya@example.jp")  # 5
    r.add_tracking("492155382206")
    r.add_tracking("EJ123456789JP")
    return r


# --- phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "090-1234-5678",
        "09012345678",
        "090 1234 5678",
        "０９０－１２３４－５６７８",
        "０９０ー１２３４ー５６７８",
        "+81 90-1234-5678",
        "+81-90-1234-5678",
        "+81 (0)90 1234 5678",
        "+８１ ９０ １２３４ ５６７８",
        "090・1234・5678",
        "090/1234/5678",
    ],
)
def test_a_mobile_number_however_written_is_one_token(shop, written):
    assert shop.text(f"携帯は{written}です") == "携帯は[phone-1]です"


@pytest.mark.parametrize(
    "written",
    ["03-1234-5678", "03(1234)5678", "0312345678", "03 1234 5678", "+81 3 1234 5678",
     "０３－１２３４－５６７８", "0120-123-456", "0466-12-3456", "050-1234-5678"],
)  # fmt: skip
def test_landline_free_dial_and_ip_phone_numbers_are_found(shop, written):
    text = shop.text(f"TEL:{written}(平日)")
    assert TOKEN.sub("", text) == "TEL:(平日)", text


def test_the_same_number_gets_the_same_token_and_others_their_own(shop):
    text = shop.text("090-1234-5678、09012345678、+81 90 1234 5678、03-1234-5678")
    assert text == "[phone-1]、[phone-1]、[phone-1]、[phone-2]"


@pytest.mark.parametrize(
    "kept",
    [
        "注文番号 381204-20261118-00000321",
        "注文番号 503-2841937-5520416",
        "2026-11-24 10:00-18:00",
        "合計 10,000円、送料 0円",
        "カード 4111 11** **** 1111",
        "商品コード APR-NV-M",
        "5枚のうち1枚",
        "2026年11月20日 19:40",
        "item 40112233445566",
    ],
)
def test_order_numbers_dates_amounts_and_masked_cards_are_left_alone(shop, kept):
    assert shop.text(kept) == kept


# --- postal codes and addresses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "redacted"),
    [
        ("〒150-0001", "〒[postcode-1]"),
        ("〒 150-0001", "〒 [postcode-1]"),
        ("〒１５０－０００１", "〒[postcode-1]"),
        ("〒1500001", "〒[postcode-1]"),
        ("〒150 0001", "〒[postcode-1]"),
        ("郵便番号1500001", "郵便番号[postcode-1]"),
        ("郵便番号：150-0001", "郵便番号：[postcode-1]"),
        ("150-0001", "[postcode-1]"),
    ],
)
def test_postal_codes(shop, written, redacted):
    assert shop.text(written) == redacted


@pytest.mark.parametrize(
    "address",
    [
        "東京都渋谷区神宮前1-2-3",
        "東京都渋谷区神宮前１－２－３",
        "東京都渋谷区神宮前9-99-99 はなまるビル1階",
        "神奈川県小田原市扇町1-2-3 コーポ扇101号室",
        "大阪府大阪市北区梅田１丁目２番３号",
        "京都府京都市中京区烏丸通1-2",
        "北海道虻田郡倶知安町字山田1-2",
        "埼玉県さいたま市浦和区高砂3-15-1",
        "横浜市中区山下町1-2",
        "札幌市中央区北1条西2丁目1-1",
        "京都市東山区祇園町北側625",
        "東京都千代田区丸の内",
        "1-2-3 Jingumae, Shibuya-ku",
    ],
)
def test_addresses_leave_nothing_of_the_street(shop, address):
    text = shop.text(f"送り先は{address}に変更してください")
    assert text == "送り先は[address-1]に変更してください", text


@pytest.mark.parametrize("kept", ["福岡県から注文しました", "東京都内は翌日着", "大阪府の皆様へ"])
def test_a_prefecture_alone_is_no_address(shop, kept):
    assert shop.text(kept) == kept


# --- e-mail addresses and tracking numbers ------------------------------------------------------


def test_e_mail_addresses_in_any_case_or_width_share_the_customers_token(shop):
    text = shop.text(
        "misaki.sato@example.jp / MISAKI.SATO@EXAMPLE.JP / ｍｉｓａｋｉ．ｓａｔｏ＠ｅｘａｍｐｌｅ．ｊｐ"
    )
    assert text == "[email-1] / [email-1] / [email-1]"
    assert shop.text("連絡先: someone.new@example.org まで") == "連絡先: [email-6] まで"
    assert shop.email("Misaki.Sato@example.jp") == "[email-1]"


def test_tracking_numbers_known_spaced_unknown_and_international(shop):
    assert shop.text("伝票番号 4921-5538-2206") == "伝票番号 [tracking-1]"
    assert shop.text("492155382206 と ej123456789jp") == "[tracking-1] と [tracking-2]"
    assert shop.text("追跡 1234 5678 9012") == "追跡 [tracking-3]"  # twelve digits, unknown
    assert shop.tracking("4921 5538 2206") == "[tracking-1]"


# --- names --------------------------------------------------------------------------------------


def test_a_known_name_with_or_without_its_space_or_in_the_other_order(shop):
    for written in ("佐藤 美咲", "佐藤美咲", "佐藤　美咲", "美咲 佐藤", "佐\u200b藤美咲"):
        assert shop.text(f"{written}様からのお問い合わせ") == "[name-1]様からのお問い合わせ"


def test_a_part_of_a_name_with_an_honorific_is_its_persons(shop):
    assert shop.text("佐藤様、美咲さん、彩さん") == "[name-1]様、[name-1]さん、[name-5]さん"
    # a family name two customers share: theirs in their own case, else a token of its own
    assert shop.text("小林様より", person=3) == "[name-3]様より"
    assert shop.text("小林様より", person=2) == "[name-2]様より"
    assert shop.text("小林様より") == "[name-6]様より"  # neither of them: a sixth token


def test_the_family_name_alone_is_found_in_the_customers_own_texts(shop):
    assert shop.text("お世話になっております。佐藤です。", person=1) == (
        "お世話になっております。[name-1]です。"
    )
    # in another customer's text a bare family name may be anyone's (佐藤 is Japan's commonest)
    assert shop.text("佐藤です。", person=2) == "佐藤です。"


def test_latin_names_are_found_as_words(shop):
    assert shop.text("Dear Ms. Smith, thanks. Emily Smith", person=None) == (
        "Dear Ms. [name-4], thanks. [name-4]"
    )
    assert shop.text("Emily here. Smithson and Smithy", person=4) == (
        "[name-4] here. Smithson and Smithy"
    )
    assert shop.text("smith-san と SMITH EMILY") == "[name-4]-san と [name-4]"


def test_a_name_first_met_in_a_field_is_registered_and_found_in_texts_after(shop):
    assert shop.name("山田 太郎") == "[name-6]"
    assert shop.text("山田太郎さんから電話") == "[name-6]さんから電話"
    assert shop.name("山田 太郎 様") == "[name-6]"  # an honorific typed into the name


# --- tokens -------------------------------------------------------------------------------------


def test_tokens_are_numbered_by_order_of_meeting_never_derived_from_the_value():
    one, other = Redactor(), Redactor()
    one.person("佐藤 美咲", "a@example.jp")
    one.person("鈴木 一郎", "b@example.jp")
    other.person("鈴木 一郎", "b@example.jp")
    other.person("佐藤 美咲", "a@example.jp")
    assert one.email("a@example.jp") == "[email-1]" and other.email("a@example.jp") == "[email-2]"
    assert one.name("佐藤 美咲") == other.name("鈴木 一郎") == "[name-1]"


def test_a_customers_name_and_address_share_their_number(shop):
    assert shop.name("松本 彩") == "[name-5]" and shop.email("aya@example.jp") == "[email-5]"
    number = shop.person("高橋 健一", "ken@example.jp")
    assert shop.name("高橋健一") == f"[name-{number}]" and shop.email("ken@example.jp") == (
        f"[email-{number}]"
    )


# --- records ------------------------------------------------------------------------------------


def test_a_record_has_its_fields_and_every_nested_text_redacted(shop):
    case = {
        "id": 1,
        "received_at": "2026-11-20T19:40:00+09:00",
        "mall": "rakuten",
        "order_number": "381204-20261118-00000321",
        "customer_name": "佐藤 美咲",
        "customer_email": "misaki.sato@example.jp",
        "category": "delivery.not_arrived",
        "summary": "佐藤です。090-1234-5678",
        "events": [
            {"id": 3, "kind": "message", "author": "customer", "text": "住所は東京都渋谷区神宮前1-2-3",
             "data": {"from": "misaki.sato@example.jp", "logged_at": "2026-11-20T19:40:00+09:00"},
             "amount": None},
        ],
        "order": {"number": "#1042", "customer_name": "佐藤 美咲", "tracking_number": "492155382206",
                  "total": -500, "items": [{"name": "マグカップ", "sku": "=cmd", "quantity": 2}]},
    }  # fmt: skip
    redacted = shop.record(case, person=1)
    assert redacted == {
        **case,
        "customer_name": "[name-1]",
        "customer_email": "[email-1]",
        "summary": "[name-1]です。[phone-1]",
        "events": [
            {**case["events"][0], "text": "住所は[address-1]",
             "data": {"from": "[email-1]", "logged_at": "2026-11-20T19:40:00+09:00"}},
        ],
        "order": {**case["order"], "customer_name": "[name-1]", "tracking_number": "[tracking-1]"},
    }  # fmt: skip
    customer = {"id": 5, "name": "松本 彩", "email": "aya@example.jp", "lang": "ja"}
    assert shop.record(customer, 5, names=frozenset({"name"}), emails=frozenset({"email"})) == {
        "id": 5,
        "name": "[name-5]",
        "email": "[email-5]",
        "lang": "ja",
    }


# --- the pieces ---------------------------------------------------------------------------------


def test_fold_maps_each_character_back_to_where_it_was():
    folded, starts = fold("ＴＥＬ０３ー１\u200b２")
    assert folded == "tel03-12"
    assert starts == [0, 1, 2, 3, 4, 5, 6, 8]
    assert fold("plain ASCII") == ("plain ascii", None)


def test_the_trie_pattern_matches_every_word_and_the_longest():
    words = [tuple("佐藤"), tuple("佐藤美咲"), tuple("佐々木"), tuple("a.b")]
    pattern = re.compile(trie_pattern(words))
    assert pattern.findall("佐藤美咲と佐藤と佐々木とa.bとaxb") == [
        "佐藤美咲",
        "佐藤",
        "佐々木",
        "a.b",
    ]
