"""What the drafts say: nothing private in a public reply, every remedy worded, honest amounts,
the shop's own facts, and Japanese (and English) a careful owner would send."""

from __future__ import annotations

import json

import pytest
from conftest import shop_sql
from exports import RAKUTEN, rakuten_rows, write_export

from shopcare.replies.templates import BUILT_IN

# 佐藤 美咲, abc123@fw.rakuten.ne.jp, 6,820円: 波佐見焼 マグカップ 色:白 ×2, 手ぬぐい 麻の葉 ×1
ORDER = "123456-20261118-00000101"
ADDRESS = "〒150-0001 東京都渋谷区神宮前1-2-3 はなまるビル2F"
PRIVATE = ("佐藤", "美咲", "abc123", ORDER, "rakuten.ne.jp")
# what no built-in says to a customer who asked a question
APOLOGY_WORDS = ("お詫び", "ご迷惑", "申し訳", "ご不便")


@pytest.fixture
def shop(cli):
    cli(
        "init",
        "--name",
        "はなまる雑貨店",
        "--email",
        "support@hanamaru.example",
        "--address",
        ADDRESS,
    )


@pytest.fixture
def order(cli, shop, tmp_path) -> None:
    path = write_export(
        tmp_path / "rms.csv",
        RAKUTEN,
        rakuten_rows(status="発送済", tracking="492155382206"),
        encoding="cp932",
    )
    cli("orders", "import", str(path))


def add_case(cli, *args: str) -> str:
    return cli("case", "add", *args).stdout.strip()


@pytest.fixture
def wrong_item(cli, order) -> str:
    """The shop sent the wrong mug: the customer wrote in her own words."""
    return add_case(
        cli,
        "--summary",
        "白のマグカップを注文したのに青が届いた",
        "--order",
        ORDER,
        "--category",
        "delivery.wrong_item",
        "--fault",
        "shop",
    )


@pytest.fixture
def inquiry(cli, shop) -> str:
    return add_case(
        cli,
        "--summary",
        "ギフト包装はできますか",
        "--category",
        "inquiry.product",
        "--customer",
        "田中 陽子",
        "--email",
        "yoko@example.jp",
        "--channel",
        "form",
    )


@pytest.fixture
def review(cli, order) -> str:
    """A one-star review of the order, by its (named) customer."""
    return add_case(
        cli,
        "--summary",
        "箱がつぶれて届きました。星1つです",
        "--order",
        ORDER,
        "--channel",
        "review",
        "--category",
        "delivery.damaged",
        "--fault",
        "carrier",
    )


def draft(cli, case_id: str, template: str, *args: str, lang: str = "ja") -> dict:
    return cli.json("reply", case_id, template, "--lang", lang, *args)


def mail(cli, case_id: str, template: str, *args: str, lang: str = "ja") -> str:
    out = draft(cli, case_id, template, *args, lang=lang)
    return out["subject"] + "\n" + out["body"]


# --- 1. nothing private in public ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("template", ["review_reply_positive", "review_reply_negative"])
def test_a_review_reply_carries_nothing_private(cli, review, template, lang):
    assert cli.json("case", "show", review)["customer_name"] == "佐藤 美咲"  # the case knows her
    out = draft(cli, review, template, lang=lang)
    text = out["subject"] + out["body"]
    for private in PRIVATE:
        assert private not in text, (private, text)
    # no personal salutation: the reply opens with the thanks, not with a name or お客様
    assert not out["body"].startswith(("お客様", "Dear"))
    assert out["to"] is None  # posted on the mall, mailed to no one
    for label in ("配送中の破損", "Damaged in transit", "damaged in transit"):
        assert label not in text  # no category label pasted in


def test_a_review_reply_is_not_drafted_as_a_mail(cli, review):
    stderr = cli.fails("reply", review, "review_reply_negative", "--format", "eml")
    assert "review_reply_negative is a public reply, posted on the mall" in stderr
    assert "--format text" in stderr


@pytest.mark.parametrize(
    "line, shown",
    [
        ("{{ case.customer_name }}", "customer_name"),
        ("{{ case.customer_email }}", "customer_email"),
        ("{{ customer.name }}", "name"),
        ("{{ customer.email }}", "email"),
        ("{{ order_number }}", "order_number"),
        ("{{ order.number }}", "order"),
        ("{{ case.order_number }}", "order_number"),
    ],
)
def test_a_shops_own_review_reply_cannot_print_the_customer(cli, home, review, line, shown):
    folder = home / "templates" / "ja"
    folder.mkdir(parents=True)
    (folder / "review_reply_positive.txt").write_text(
        f"Subject: ご返信\n\n{line}\nありがとうございます。\n", encoding="utf-8"
    )
    result = cli("reply", review, "review_reply_positive", code=1)
    assert result.stdout == ""
    assert (
        f"template review_reply_positive (ja) is a public reply, posted on the mall: it cannot"
        f" print {shown}"
    ) in result.stderr
    assert "佐藤" not in result.stderr


def test_a_shops_own_review_reply_greets_no_one_by_name(cli, home, review):
    """Any template named review_reply_* is public: sama gives お客様, the case has no name."""
    folder = home / "templates" / "ja"
    folder.mkdir(parents=True)
    (folder / "review_reply_thanks.txt").write_text(
        "Subject: ご返信\n\n{{ customer | sama }}\n"
        "{{ case.customer_name | default('') }}{{ case.summary }}\n",
        encoding="utf-8",
    )
    out = draft(cli, review, "review_reply_thanks")
    assert out["body"] == "お客様\n箱がつぶれて届きました。星1つです\n"
    assert out["to"] is None


def test_a_private_template_still_greets_the_customer_by_name(cli, review):
    out = draft(cli, review, "first_response")
    assert out["body"].startswith("佐藤 美咲様\n")
    assert out["to"] == "abc123@fw.rakuten.ne.jp"


# --- 2. every remedy worded ---------------------------------------------------------------


@pytest.fixture
def two_remedies(cli, wrong_item) -> str:
    cli("remedy", wrong_item, "reship", "--item", "hs-mug", "--note", "白を11月24日に発送")
    cli("remedy", wrong_item, "return_label", "--note", "着払い伝票を交換品に同封")
    return wrong_item


def test_the_apology_words_every_remedy_with_its_note_as_to_come(cli, two_remedies):
    text = mail(cli, two_remedies, "apology")
    reship = "・波佐見焼 マグカップ 色:白を、あらためてお送りいたします。送料は当店が負担いたします。\n　※白を11月24日に発送\n"
    label = "・お手元の商品は、当店負担(着払い)でご返送いただけるよう手配いたします。\n　※着払い伝票を交換品に同封\n"
    assert reship + label in text  # both, oldest first, each with its note
    assert "詳細が決まり次第" not in text  # the remedy is decided
    assert "手配が整いましたら、あらためてご連絡いたします。" in text
    english = mail(cli, two_remedies, "apology", lang="en")
    assert (
        "- We will send 波佐見焼 マグカップ 色:白 to you again, with shipping on us.\n  (白を11月24日に発送)\n"
        in english
    )
    assert (
        "- We will arrange for you to send the item back at our cost.\n  (着払い伝票を交換品に同封)\n"
        in english
    )


def test_the_resolution_words_every_remedy_as_done(cli, two_remedies):
    text = mail(cli, two_remedies, "resolution")
    assert "・波佐見焼 マグカップ 色:白を、あらためてお送りいたしました。" in text
    assert "　※白を11月24日に発送" in text
    assert "・お手元の商品を当店負担(着払い)でご返送いただけるよう、手配いたしました。" in text
    assert "　※着払い伝票を交換品に同封" in text
    # no contradiction: reported done, then nothing promised as still to come
    for future in (
        "お送りいたします。",
        "手配いたします。",
        "お取り替えいたします",
        "詳細が決まり次第",
    ):
        assert future not in text
    # the original parcel's tracking number is not the reshipment's
    assert "492155382206" not in text
    english = mail(cli, two_remedies, "resolution", lang="en")
    assert "- We have sent 波佐見焼 マグカップ 色:白 to you again" in english
    assert "- We have arranged for you to send the item back at our cost." in english
    assert "We will" not in english


def test_the_new_parcels_tracking_number_is_given_by_var(cli, two_remedies):
    text = mail(cli, two_remedies, "resolution", "--var", "tracking=ヤマト運輸 123456789012")
    assert "お送りした商品の伝票番号はヤマト運輸 123456789012でございます。" in text


def test_full_refund_is_said_only_when_it_is_what_was_paid(cli, wrong_item):
    cli("remedy", wrong_item, "partial_refund", "--amount", "1,000")
    text = mail(cli, wrong_item, "resolution")
    assert "・1,000円の返金のお手続きをいたしました。" in text
    assert "全額" not in text
    assert "full price" not in mail(cli, wrong_item, "resolution", lang="en")
    # refunds add up to at most what was paid: the whole price again is refused, the rest is not
    assert "more than order" in cli.fails(
        "remedy", wrong_item, "refund", "--amount", "6820", "--approved-by", "owner"
    )
    cli("remedy", wrong_item, "refund", "--approved-by", "owner")
    text = mail(cli, wrong_item, "apology")
    assert "・1,000円を返金いたします。" in text and "5,820円" in text and "全額" not in text
    other = cli(
        "case", "add", "--summary", "別件", "--order", "123456-20261118-00000101"
    ).stdout.strip()
    cli("remedy", other, "refund", "--amount", "6820", "--approved-by", "owner")
    assert "・ご注文代金の全額(6,820円)を返金いたします。" in mail(cli, other, "apology")
    assert "- We will refund the full price of your order (¥6,820)." in mail(
        cli, other, "apology", lang="en"
    )


def test_a_refund_on_a_case_without_an_order_is_not_called_full(cli, inquiry):
    cli("remedy", inquiry, "refund", "--amount", "1000")
    text = mail(cli, inquiry, "refund_notice")
    assert "■返金額\n1,000円\n" in text and "全額" not in text


def test_a_refund_below_the_total_is_not_called_full(cli, wrong_item):
    cli("remedy", wrong_item, "refund", "--amount", "6819", "--approved-by", "owner")
    text = mail(cli, wrong_item, "apology")
    assert "・6,819円を返金いたします。" in text and "全額" not in text


def test_a_template_naming_remedies_gets_them_all(cli, home, two_remedies):
    folder = home / "templates" / "ja"
    folder.mkdir(parents=True)
    (folder / "kinds.txt").write_text(
        "Subject: 控え\n\n{% for r in remedies %}{{ r.kind }} {% endfor %}/{{ refund }}\n",
        encoding="utf-8",
    )
    assert draft(cli, two_remedies, "kinds")["body"] == "reship return_label /None\n"
    batch = cli("reply", "-", "kinds", "--format", "json", input=f"{two_remedies}\n").stdout
    assert json.loads(batch)["body"] == "reship return_label /None\n"


@pytest.mark.parametrize("name", ["remedies", "refund", "returns"])
def test_a_var_cannot_hide_the_cases_remedies(cli, wrong_item, name):
    assert f"--var {name} would hide the case's own {name}" in cli.fails(
        "reply", wrong_item, "apology", "--var", f"{name}=x"
    )


# --- 3. refund_notice: an amount someone decided --------------------------------------------


def test_a_refund_notice_needs_a_refund_and_never_takes_the_order_total(cli, wrong_item):
    result = cli("reply", wrong_item, "refund_notice", code=1)
    assert result.stdout == ""
    assert (
        f"Error: template refund_notice (ja) needs the amount refunded: no refund is recorded on"
        f" case {wrong_item}, and no --var amount was given"
    ) in result.stderr
    assert f"shopcare remedy {wrong_item} refund --amount N" in result.stderr
    assert "--var amount=N" in result.stderr
    assert "6,820" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "typed, shown, full",
    [("1,500", "1,500円", False), ("１５００円", "1,500円", False), ("¥6,820", "6,820円", True)],
)
def test_a_refund_notice_takes_the_amount_as_typed(cli, wrong_item, typed, shown, full):
    text = mail(cli, wrong_item, "refund_notice", "--var", f"amount={typed}")
    assert f"■返金額\n{shown}" in text
    assert ("全額" in text) is full


@pytest.mark.parametrize(
    "typed, message",
    [("0", "--var amount must be more than 0 yen"), ("abc", "--var amount 'abc' is not an amount")],
)
def test_a_bad_amount_is_one_clear_error(cli, wrong_item, typed, message):
    assert message in cli.fails("reply", wrong_item, "refund_notice", "--var", f"amount={typed}")


def test_a_refund_notice_words_the_refund_recorded(cli, wrong_item):
    cli("remedy", wrong_item, "partial_refund", "--amount", "1500")
    text = mail(cli, wrong_item, "refund_notice")
    assert "■返金額\n1,500円\n" in text and "全額" not in text
    cli("remedy", wrong_item, "refund", "--approved-by", "owner")  # the rest of the 6,820 yen
    text = mail(cli, wrong_item, "refund_notice")
    assert "■返金額\n5,320円\n" in text and "全額" not in text
    # one refund of everything that was paid is the full price
    other = cli(
        "case", "add", "--summary", "別件", "--order", "123456-20261118-00000101"
    ).stdout.strip()
    cli("remedy", other, "refund", "--approved-by", "owner")
    assert "■返金額\n6,820円(ご注文代金の全額)\n" in mail(cli, other, "refund_notice")
    assert "¥6,820 (the full price of your order)" in mail(cli, other, "refund_notice", lang="en")


# --- 4. the shop's own facts --------------------------------------------------------------


def test_return_instructions_take_the_address_from_config_and_the_law_window(cli, inquiry):
    text = mail(cli, inquiry, "return_instructions")
    assert f"■ご返送先\n{ADDRESS}\n" in text
    assert "商品がお手元に届いた日を含めて8日以内に、ご発送をお願いいたします。" in text
    assert "返送料はお客様のご負担にてお願いいたします。" in text
    english = mail(cli, inquiry, "return_instructions", lang="en")
    assert "within 8 days of receiving it, counting the day it arrived as the first." in english
    assert "the return shipping is at your cost" in english


def test_return_instructions_follow_the_declared_policy(cli, home, inquiry):
    cli("init", "--return-address", "〒150-0002 東京都渋谷区渋谷2-2-2 返品センター")
    (home / "policies").mkdir()
    (home / "policies" / "returns.toml").write_text(
        "[returns]\ndeclared_policy = true\nwindow_days = 14\ncustomer_pays_shipping = false\n",
        encoding="utf-8",
    )
    text = mail(cli, inquiry, "return_instructions")
    assert "■ご返送先\n〒150-0002 東京都渋谷区渋谷2-2-2 返品センター\n" in text
    assert "届いた日を含めて14日以内" in text
    assert "返送料は当店が負担いたします。" in text


def test_a_return_the_shop_caused_is_at_the_shops_cost(cli, two_remedies):
    text = mail(cli, two_remedies, "return_instructions")
    assert "返送料は当店が負担いたします。着払いでお送りください。" in text
    assert "返金" not in text  # a reshipment, not a refund


def test_a_return_address_missing_says_how_to_set_it(cli, inquiry, home):
    config = home / "config.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(f'address = "{ADDRESS}"', 'address = ""'), encoding="utf-8")
    stderr = cli.fails("reply", inquiry, "return_instructions")
    assert "needs shop.return_address, which config.toml does not set" in stderr
    assert "shopcare init --address VALUE" in stderr and "--return-address" in stderr
    stderr = cli.fails("reply", inquiry, "review_request")
    assert "needs shop.address" in stderr and "shopcare init --address VALUE" in stderr


@pytest.mark.parametrize("template", ["followup_related", "review_request"])
def test_marketing_mails_carry_the_sender_address_and_a_way_to_stop(cli, inquiry, template):
    text = mail(cli, inquiry, template)
    assert "送信者：はなまる雑貨店\n" in text
    assert f"所在地：{ADDRESS}\n" in text
    assert "「配信停止」とご返信いただくか、support@hanamaru.exampleまでお知らせください" in text
    english = mail(cli, inquiry, template, lang="en")
    assert "Sent by: はなまる雑貨店\n" in english and f"Address: {ADDRESS}\n" in english
    assert 'reply with "unsubscribe"' in english


def test_a_template_reading_only_whether_a_case_is_a_question_gets_it(
    cli, home, inquiry, wrong_item
):
    folder = home / "templates" / "ja"
    folder.mkdir(parents=True)
    (folder / "kind.txt").write_text("Subject: 控え\n\n{{ case.is_inquiry }}\n", encoding="utf-8")
    assert draft(cli, inquiry, "kind")["body"] == "True\n"
    assert draft(cli, wrong_item, "kind")["body"] == "False\n"


# --- 5. wording ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("template", ["first_response", "resolution", "satisfaction_check"])
def test_a_question_is_answered_not_apologised_for(cli, inquiry, template, lang):
    out = draft(cli, inquiry, template, "--var", "answer=はい、承っております。", lang=lang)
    text = out["subject"] + "\n" + out["body"]
    for word in (*APOLOGY_WORDS, "sorry", "apolog", "担当者が詳しい状況"):
        assert word not in text, (word, text)
    assert "ご注文" not in out["subject"] and "order" not in out["subject"]  # there is no order


def test_an_inquiry_is_named_for_what_it_asks(cli, inquiry):
    assert "このたびは商品についてのお問い合わせをいただき" in mail(cli, inquiry, "first_response")
    text = mail(cli, inquiry, "resolution", "--var", "answer=はい、無料で承っております。")
    assert "先日は商品についてのお問い合わせをいただき" in text
    assert "はい、無料で承っております。" in text


def test_a_complaint_is_apologised_for_in_its_own_words(cli, wrong_item):
    text = mail(cli, wrong_item, "first_response")
    assert "ご注文と異なる商品が届いた件で、ご不便とご心配をおかけしておりますこと" in text
    assert "誤配送" not in text  # the category's label is not pasted in
    assert "ご注文と異なる商品が届いた件では、大変ご迷惑をおかけいたしました。" in mail(
        cli, wrong_item, "satisfaction_check"
    )


@pytest.mark.parametrize("template", BUILT_IN)
def test_the_customers_words_are_not_pasted_as_the_shops(cli, wrong_item, template):
    cli("remedy", wrong_item, "partial_refund", "--amount", "500")
    if template == "apology_customer_fault":  # (refused where the fault is the shop's)
        cli("case", "edit", wrong_item, "--fault", "customer")
    text = mail(cli, wrong_item, template, "--var", "answer=x")
    assert "白のマグカップを注文したのに青が届いた" not in text
    assert "誤配送(商品違い)" not in text


def test_a_shops_own_category_is_this_matter(cli, home, shop):
    (home / "policies").mkdir()
    (home / "policies" / "gift.toml").write_text(
        '[[category]]\ncode = "gift.noshi"\nja = "のし"\nen = "Noshi"\n', encoding="utf-8"
    )
    case_id = add_case(cli, "--summary", "のしの名前が違う", "--category", "gift.noshi")
    text = mail(cli, case_id, "apology")
    assert "このたびの件で、多大なるご迷惑とご不便をおかけいたしましたこと" in text
    assert "【お詫び】このたびの件につきまして" in text
    assert "のし" not in text


def test_an_arrival_mail_lists_the_items_and_claims_no_manual(cli, wrong_item):
    text = mail(cli, wrong_item, "followup_arrival")
    assert "■お届けした商品\n・波佐見焼 マグカップ 色:白(2点)\n・手ぬぐい 麻の葉\n" in text
    assert "×" not in text and "説明書" not in text
    english = mail(cli, wrong_item, "followup_arrival", lang="en")
    assert "What we sent:\n- 2 × 波佐見焼 マグカップ 色:白\n- 手ぬぐい 麻の葉\n\n" in english
    assert "instructions" not in english


def test_a_related_items_mail_introduces_only_what_it_names(cli, wrong_item):
    out = draft(cli, wrong_item, "followup_related")
    assert "ご紹介" not in out["subject"] + out["body"]  # nothing named, nothing promised
    out = draft(cli, wrong_item, "followup_related", "--var", "related=・有田焼 豆皿 1,650円")
    assert (
        out["subject"] == "【はなまる雑貨店】先日のお買い物と合わせてお使いいただける商品のご紹介"
    )
    assert "・有田焼 豆皿 1,650円" in out["body"]


def test_a_warranty_mail_promises_tips_only_when_it_gives_them(cli, wrong_item):
    out = draft(cli, wrong_item, "followup_warranty")
    assert out["subject"].startswith("【はなまる雑貨店】保証についてのご案内")
    assert "長くお使い" not in out["subject"] + out["body"]
    out = draft(cli, wrong_item, "followup_warranty", "--var", "care_tip=陰干しをおすすめします。")
    assert out["subject"].startswith("【はなまる雑貨店】長くお使いいただくためのご案内")
    assert "■長くお使いいただくために\n陰干しをおすすめします。" in out["body"]


# --- 6. templates check ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, sample",
    [
        ('{% if case.category == "inquiry.product" %}{{ nope }}{% endif %}', "an inquiry"),
        ('{% if case.get("channel") == "review" %}{{ nope }}{% endif %}', "a review"),
        ('{% for r in remedies if r.kind == "coupon" %}{{ nope }}{% endfor %}', "remedies"),
        ("{% if refund and refund.full %}{{ nope }}{% endif %}", "a full refund"),
    ],
)
def test_templates_check_renders_every_kind_of_case(cli, home, body, sample):
    template = home / "templates" / "ja" / "branch.txt"
    template.parent.mkdir(parents=True)
    template.write_text(f"Subject: 件名\n\n本文\n{body}\n", encoding="utf-8")
    result = cli("templates", "check", code=1)
    assert "FAIL ja/branch (shop)" in result.stdout, sample
    assert f"{template}:4" in result.stdout


def test_templates_check_fills_in_the_shops_address(cli, home):
    template = home / "templates" / "ja" / "address.txt"
    template.parent.mkdir(parents=True)
    template.write_text(
        "Subject: 件名\n\n{{ shop.address }} {{ shop.return_address }} {{ returns.window_days }}\n",
        encoding="utf-8",
    )
    result = cli("templates", "check")  # no init: the samples stand in
    assert "ok   ja/address (shop)" in result.stdout


def test_return_instructions_keep_to_the_return_window(cli, order, home, monkeypatch):
    """The last day is stated where the delivery date is known; a window that has closed, a
    shop that takes no convenience returns, or a return_by already past is refused, not
    drafted."""

    case_id = add_case(
        cli,
        "--summary",
        "サイズが合わない",
        "--order",
        ORDER,
        "--category",
        "inquiry.return",
        "--fault",
        "customer",
    )
    # delivery only estimated (shipped 11-19 + 2 days): the rule, not a date
    text = mail(cli, case_id, "return_instructions")
    assert "商品がお手元に届いた日を含めて8日以内に、ご発送をお願いいたします。" in text
    shop_sql(
        home, "UPDATE orders SET delivered_at = '2026-11-22T03:00:00Z' WHERE number = ?", [ORDER]
    )
    text = mail(cli, case_id, "return_instructions")
    assert "2026年11月29日(日)までに(商品が届いた日を含めて8日以内)" in text
    assert "by Sunday, 29 November 2026" in mail(cli, case_id, "return_instructions", lang="en")
    assert "is already past" in cli.fails(
        "reply", case_id, "return_instructions", "--var", "return_by=2026-11-20"
    )
    monkeypatch.setenv("SHOPCARE_NOW", "2026-12-05T10:00:00+09:00")
    assert "closed on 2026-11-29" in cli.fails("reply", case_id, "return_instructions")
    # the shop's own mistake: no window applies, the shop pays
    cli("case", "edit", case_id, "--fault", "shop")
    assert "ご都合のよろしいときに" in mail(cli, case_id, "return_instructions")
    cli("case", "edit", case_id, "--fault", "customer")
    (home / "policies").mkdir(exist_ok=True)
    (home / "policies" / "returns.toml").write_text(
        "[returns]\ndeclared_policy = true\nwindow_days = 0\n", encoding="utf-8"
    )
    monkeypatch.setenv("SHOPCARE_NOW", "2026-11-24T10:00:00+09:00")
    assert "takes no returns at the customer's convenience" in cli.fails(
        "reply", case_id, "return_instructions"
    )
