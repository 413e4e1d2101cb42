"""Builds the test messages beside this file, byte for byte as the named client sends them.

Run `python tests/data/mail/make.py` to write the .eml files again; it writes the same bytes
every time (tests/test_mail_parse.py checks that the files are what this script makes). The
people, shops, addresses and order numbers are made up; the Amazon relay wording is invented.

The encoders here are written for the test data on their own (they do not use shopcare's
decoder), so that a test of the decoder against these files is not a test of itself.
"""

from __future__ import annotations

import base64
import quopri
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent


# ---------------------------------------------------------------------------------------------
# Encoders, as Japanese clients encode


def jis(text: str) -> bytes:
    """ISO-2022-JP as Windows writes it (CP50221): each character's CP932 code turned back into
    its JIS code, so ①, ㈱, Ⅱ (NEC row 13) and 髙 (NEC-selected IBM rows) go out in ESC $ B,
    and half-width katakana in ESC ( I."""
    out = bytearray()
    mode = b"\x1b(B"
    for ch in text:
        if ch.isascii():
            wanted, code = b"\x1b(B", ch.encode("ascii")
        elif "\uff61" <= ch <= "\uff9f":
            wanted, code = b"\x1b(I", bytes([ord(ch) - 0xFF40])
        else:
            wanted, code = b"\x1b$B", jis_code(ch.encode("cp932"))
        if wanted != mode:
            out += wanted
            mode = wanted
        out += code
    if mode != b"\x1b(B":
        out += b"\x1b(B"
    return bytes(out)


def jis_code(sjis: bytes) -> bytes:
    """The JIS X 0208 code of a two-byte Shift_JIS code (lead 0x81-0x9F or 0xE0-0xEF)."""
    s1, s2 = sjis
    row = (s1 - (0x70 if s1 < 0xA0 else 0xB0)) * 2
    if s2 >= 0x9F:
        return bytes([row, s2 - 0x7E])
    return bytes([row - 1, s2 - (0x20 if s2 >= 0x80 else 0x1F)])


def b_word(charset: str, data: bytes) -> str:
    return f"=?{charset}?B?{base64.b64encode(data).decode('ascii')}?="


def q_word(charset: str, data: bytes) -> str:
    """RFC 2047 Q: letters and digits as they are, a space as _, every other byte as =XX."""
    out = []
    for byte in data:
        if chr(byte).isalnum() and byte < 0x80:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append("_")
        else:
            out.append(f"={byte:02X}")
    return f"=?{charset}?Q?{''.join(out)}?="


def rfc2231(charset: str, data: bytes) -> str:
    """RFC 2231 percent-encoding of a parameter value's bytes."""
    safe = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_"
    return "".join(chr(b) if b in safe else f"%{b:02X}" for b in data)


def base64_body(data: bytes) -> bytes:
    return base64.encodebytes(data)  # 76 characters a line


def qp_body(data: bytes) -> bytes:
    return quopri.encodestring(data)


def message(head: str, body: bytes, *, crlf: bool = False, raw_8bit_head: bool = False) -> bytes:
    """Header lines and body; CRLF line ends for a message as it went over SMTP, LF for one
    as a Unix MDA or Maildir hands it over."""
    if not raw_8bit_head:
        head.encode("ascii")  # header lines are 7-bit unless the client is sloppy
    raw = head.strip("\n").encode("utf-8") + b"\n\n" + body
    return raw.replace(b"\n", b"\r\n") if crlf else raw


# ---------------------------------------------------------------------------------------------
# The messages

SHOP = "support@hanamaru.example"


def outlook_iso2022jp() -> bytes:
    """Outlook for Windows in Japanese: ISO-2022-JP (CP50221), 7bit, CRLF. The subject is
    split into two encoded-words in the middle of a character, as some clients do."""
    subject = jis("マグカップ①が割れていました（㈱髙田陶房 Ⅱ型～）")
    split = subject.index(b"\x1b$B") + 3 + 2 * 4 + 1  # inside the fifth two-byte character
    body = jis(
        "はなまる雑貨店 御中\n"
        "\n"
        "いつもお世話になっております。㈱髙田設計の山田です。\n"
        "11月20日に注文したマグカップ（注文番号 123456-20261120-0000001234）が\n"
        "本日届きましたが、箱を開けたところ①の取っ手が割れていました。\n"
        "Ⅱ型（ﾌﾞﾙｰ）の２個セットのうちの１個です。\n"
        "\n"
        "写真が必要でしたらお送りします。\n"
        "交換か返金をお願いできますでしょうか。11月25日～27日は在宅しております。\n"
        "\n"
        "よろしくお願いいたします。\n"
        "\n"
        "山田 花子\n"
    )
    head = f"""
From: {b_word("iso-2022-jp", jis("山田 花子"))} <hanako.yamada@example.jp>
To: <{SHOP}>
Subject: {b_word("iso-2022-jp", subject[:split])}
 {b_word("iso-2022-jp", subject[split:])}
Date: Mon, 23 Nov 2026 19:40:12 +0900
Message-ID: <000001db3a5b$1c2d3e40$54576ac0$@example.jp>
MIME-Version: 1.0
Content-Type: text/plain;
\tcharset="iso-2022-jp"
Content-Transfer-Encoding: 7bit
X-Mailer: Microsoft Outlook 16.0
Thread-Index: AdtaWxwtPkBUV2rAQ0iWcZ1m5Q9Z0g==
Content-Language: ja
"""
    return message(head, body, crlf=True)


def shift_jis_form() -> bytes:
    """The contact form of a shop site (PHP), labelled Shift_JIS but written by Windows
    browsers: ① and ～ are CP932 codes (0x8740, 0x8160)."""
    body = (
        "お問い合わせフォームから送信されました。\n"
        "\n"
        "お名前: 鈴木 一郎\n"
        "メール: ichiro.suzuki@example.ne.jp\n"
        "ご注文番号: #1050\n"
        "\n"
        "お問い合わせ内容:\n"
        "注文したのは①番のトートバッグ（生成り・Lサイズ）ですが、\n"
        "届いたのは黒のMサイズでした。違う商品が入っていたようです。\n"
        "11/25～11/28 の間に正しい商品を送っていただけますか。\n"
    ).encode("cp932")
    head = f"""
Return-Path: <ichiro.suzuki@example.ne.jp>
From: {b_word("Shift_JIS", "鈴木 一郎".encode("cp932"))} <ichiro.suzuki@example.ne.jp>
To: {SHOP}
Subject: {b_word("Shift_JIS", "【お問い合わせ】違う商品が届きました".encode("cp932"))}
Date: Sat, 21 Nov 2026 14:03:27 +0900
Message-ID: <20261121050327.8f3a2c1d@form.hanamaru.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=Shift_JIS
Content-Transfer-Encoding: 8bit
X-Mailer: PHP/8.2.12
"""
    return message(head, body)


def windows31j_java() -> bytes:
    """An order system in Java (JavaMail): Windows-31J, base64 body, Q-encoded subject."""
    body = (
        "はなまる雑貨店 ご担当者様\n"
        "\n"
        "髙橋と申します。\n"
        "11月19日に注文した陶器の小皿（注文番号 123456-20261119-0000000987）ですが、\n"
        "色味が写真とかなり違ったため返品したいと考えております。\n"
        "未使用のまま箱に戻してあります。返送先と送料の扱いを教えてください。\n"
        "\n"
        "髙橋 誠\n"
    ).encode("cp932")
    head = f"""
From: {q_word("Windows-31J", "髙橋 誠".encode("cp932"))} <makoto.takahashi@example.com>
To: {SHOP}
Subject: {q_word("Windows-31J", "返品したい（注文番号 123456-20261119-0000000987）".encode("cp932"))}
Date: Sun, 22 Nov 2026 11:20:45 +0900 (JST)
Message-ID: <1764121245123.42.JavaMail.app@orders.example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=Windows-31J
Content-Transfer-Encoding: base64
"""
    return message(head, base64_body(body))


def eucjp_form() -> bytes:
    """The contact form of an old EUC-JP shop page: the browser encodes ① (row 13) and 髙
    (NEC-selected IBM rows) in EUC-JP as CP51932 does, which Python's euc_jp does not read."""
    text = (
        "お名前：髙木 恵\n"
        "ご注文番号：123456-20261115-0000000555\n"
        "\n"
        "11月15日に注文した湯呑み①と急須のセットですが、\n"
        "同じものを別の店で先に買ってしまったため、キャンセルしたいです。\n"
        "まだ発送前でしたらキャンセルをお願いします。\n"
    )
    head = f"""
From: {b_word("EUC-JP", euc("髙木 恵"))} <megumi.takagi@example.org>
To: {SHOP}
Subject: {b_word("EUC-JP", euc("注文のキャンセルについて"))}
Date: Mon, 16 Nov 2026 08:55:10 +0900
Message-ID: <20261115235510.31337.form@www.hanamaru.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=EUC-JP
Content-Transfer-Encoding: 8bit
X-Mailer: form.cgi (Perl)
"""
    return message(head, euc(text))


def euc(text: str) -> bytes:
    """EUC-JP as CP51932: each character's JIS code (from CP932) with the high bit set."""
    out = bytearray()
    for ch in text:
        if ch.isascii():
            out += ch.encode("ascii")
        else:
            out += bytes(b | 0x80 for b in jis_code(ch.encode("cp932")))
    return bytes(out)


def iphone_utf8_base64() -> bytes:
    """iPhone Mail: UTF-8 in base64."""
    body = (
        "はなまる雑貨店 ご担当者様\n"
        "\n"
        "11月17日に注文したアロマキャンドル（注文番号 #1052）がまだ届きません。\n"
        "発送のご連絡もいただいていないのですが、状況を教えていただけますか。\n"
        "\n"
        "伊藤 美咲\n"
        "\n"
        "iPhoneから送信\n"
    ).encode()
    head = f"""
Content-Type: text/plain;
\tcharset=utf-8
Content-Transfer-Encoding: base64
From: {b_word("utf-8", "伊藤 美咲".encode())} <misaki.ito@example.jp>
Mime-Version: 1.0 (1.0)
Date: Tue, 24 Nov 2026 07:58:02 +0900
Subject: {b_word("utf-8", "注文した商品がまだ届きません".encode())}
Message-Id: <5F0B2E1A-3C4D-4E5F-8A9B-0C1D2E3F4A5B@example.jp>
To: {SHOP}
X-Mailer: iPhone Mail (22B91)
"""
    return message(head, base64_body(body))


def thunderbird_utf8_qp() -> bytes:
    """Thunderbird: UTF-8, quoted-printable, format=flowed (the long line is wrapped at a
    space, which stays at the end of the first line)."""
    body = (
        "はなまる雑貨店 様\n"
        "\n"
        "ご注文番号 #1053 のリネンシャツ（Mサイズ）ですが、着てみたところ小さかったので \n"
        "Lサイズへの交換をお願いできますでしょうか。\n"
        "タグは付けたままです。\n"
        "\n"
        "中村 翔\n"
    ).encode()
    head = f"""
Message-ID: <7c1e5a2b-4d3f-4b8e-9a61-2f0c8d9e1b3a@example.jp>
Date: Sat, 21 Nov 2026 09:15:33 +0900
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: ja
To: {SHOP}
From: {b_word("UTF-8", "中村 翔".encode())} <sho.nakamura@example.jp>
Subject: {q_word("UTF-8", "サイズ交換のお願い".encode())}
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: quoted-printable
"""
    return message(head, qp_body(body))


def html_only_webmail() -> bytes:
    """A webmail that sends HTML only (UTF-8, quoted-printable), with a style sheet, a script,
    entities and empty paragraphs."""
    html = (
        '<html><head><meta charset="utf-8"><title>無題</title>'
        "<style>p { margin: 0 } .sig { color: #888 }</style></head>\n"
        "<body><script>trackOpen('x1');</script>\n"
        "<div>はなまる雑貨店&nbsp;様</div><div><br></div>\n"
        "<div>本日届いたガラスの花瓶（注文番号 #1054）が<b>割れていました</b>。</div>\n"
        "<div>箱の角がつぶれていたので、配送中の事故だと思います。</div>\n"
        "<p>返金か交換をお願いします。&lt;急ぎではありません&gt; &amp; 写真は後ほど送ります。</p>\n"
        "<div><br></div><div><br></div><div><br></div>\n"
        '<div class="sig">小林&nbsp;あゆみ<br>090-0000-1234</div>\n'
        "</body></html>\n"
    )
    head = f"""
From: {b_word("UTF-8", "小林 あゆみ".encode())} <ayumi.kobayashi@example.net>
To: {SHOP}
Subject: {b_word("UTF-8", "花瓶が割れていました".encode())}
Date: Sun, 22 Nov 2026 21:04:19 +0900
Message-ID: <wm.1764072259.77120@webmail.example.net>
MIME-Version: 1.0
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
"""
    return message(head, qp_body(html.encode("utf-8")))


JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xdb\x00\x43\x00" + bytes(range(64)) + b"\xff\xd9"
)
PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def attachments_mixed() -> bytes:
    """multipart/mixed from a Windows client that names files the RFC 2231 way in
    ISO-2022-JP, continued over two parameters (破損写真①.jpg); a PDF named by an
    encoded-word in a quoted name= (as most Japanese clients do); an inline image
    with no name at all."""
    boundary = "----=_NextPart_000_0012_01DB3C4A.5E6F7A80"
    photo = rfc2231("iso-2022-jp", jis("破損写真①.jpg"))
    cut = photo.index("%1B%28B")  # the second parameter starts with the return to ASCII
    note = b_word("UTF-8", "納品書.pdf".encode())
    text = jis(
        "はなまる雑貨店 御中\n"
        "\n"
        "注文番号 123456-20261121-0000002468 の花瓶が割れて届きました。\n"
        "写真と納品書を添付いたします。ご確認をお願いいたします。\n"
        "\n"
        "斎藤 陽子\n"
    )
    head = f"""
From: {b_word("ISO-2022-JP", jis("斎藤 陽子"))} <yoko.saito@example.jp>
To: {SHOP}
Subject: {b_word("ISO-2022-JP", jis("破損した商品の写真を送ります"))}
Date: Tue, 24 Nov 2026 12:31:08 +0900
Message-ID: <20261124123108.6A1F.YOKO@example.jp>
MIME-Version: 1.0
Content-Type: multipart/mixed;
\tboundary="{boundary}"
X-Mailer: Mail Client for Windows 2.8
"""
    parts = [
        (b"Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n")
        + text,
        (
            "Content-Type: image/jpeg\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment;\n"
            f" filename*0*=iso-2022-jp''{photo[:cut]};\n"
            f" filename*1*={photo[cut:]}\n\n"
        ).encode()
        + base64_body(JPEG),
        (
            f'Content-Type: application/pdf; name="{note}"\n'
            "Content-Transfer-Encoding: base64\n"
            f'Content-Disposition: attachment; filename="{note}"\n\n'
        ).encode()
        + base64_body(PDF),
        (
            b"Content-Type: image/png\n"
            b"Content-Transfer-Encoding: base64\n"
            b"Content-ID: <part1.0A1B2C3D@example.jp>\n"
            b"Content-Disposition: inline\n\n"
        )
        + base64_body(PNG),
    ]
    body = b"This is a multi-part message in MIME format.\n\n"
    for part in parts:
        body += f"--{boundary}\n".encode() + part + b"\n"
    body += f"--{boundary}--\n".encode()
    return message(head, body)


def amazon_relay() -> bytes:
    """A buyer's message relayed by the Amazon marketplace (the wording around the buyer's
    words is invented for the test, not Amazon's)."""
    body = (
        "注文番号: 250-1234567-1234567\n"
        "商品: 木製カトラリー 5本セット\n"
        "\n"
        "----- 購入者からのメッセージ -----\n"
        "昨日届いたカトラリーセットですが、思っていた色と違ったので返品したいです。\n"
        "未使用で、箱もそのまま残っています。手続きを教えてください。\n"
        "----- ここまで -----\n"
        "\n"
        "このメールに返信すると、購入者にメッセージが届きます。\n"
        "件名は変えずにご返信ください。\n"
    ).encode()
    head = f"""
From: {b_word("UTF-8", "山田 花子 - Amazon Marketplace".encode())}
 <abc123xyz@marketplace.amazon.co.jp>
To: {SHOP}
Subject: {b_word("UTF-8", "購入者からのメッセージ: 返品について (注文 250-1234567-1234567)".encode())}
Date: Wed, 25 Nov 2026 10:12:40 +0000
Message-ID: <0101019a2b3c4d5e-6f708192-a3b4-c5d6-e7f8-091a2b3c4d5e-000000@example.amazonses.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
"""
    return message(head, qp_body(body))


def gmail_reply() -> bytes:
    """A reply from Gmail: multipart/alternative (UTF-8 base64 text and HTML), the Japanese
    attribution line, `>` quoted history, threaded on shopcare's Message-ID."""
    boundary = "000000000000a1b2c3d4e5f60718"
    text = (
        "はなまる雑貨店 様\n"
        "\n"
        "ご連絡ありがとうございます。\n"
        "交換品の発送でお願いします。届け先は前回と同じで大丈夫です。\n"
        "\n"
        "山田花子\n"
        "\n"
        "2026年11月20日(金) 19:40 はなまる雑貨店 <support@hanamaru.example>:\n"
        "\n"
        "> 山田花子様\n"
        ">\n"
        "> このたびはご迷惑をおかけし、申し訳ございません。\n"
        "> 交換品の発送と返金のどちらがよろしいでしょうか。\n"
        ">\n"
        "> はなまる雑貨店\n"
        ">\n"
    )
    html = (
        '<div dir="ltr">はなまる雑貨店 様<div><br></div><div>ご連絡ありがとうございます。</div>'
        "<div>交換品の発送でお願いします。届け先は前回と同じで大丈夫です。</div><div><br></div>"
        "<div>山田花子</div></div><br>"
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">2026年11月20日(金) 19:40 '
        'はなまる雑貨店 &lt;<a href="mailto:support@hanamaru.example">support@hanamaru.example'
        "</a>&gt;:<br></div>"
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
        'rgb(204,204,204);padding-left:1ex">山田花子様<br><br>このたびはご迷惑をおかけし、'
        "申し訳ございません。<br>交換品の発送と返金のどちらがよろしいでしょうか。<br><br>"
        "はなまる雑貨店<br></blockquote></div>\n"
    )
    head = f"""
MIME-Version: 1.0
References: <shopcare.3.abc@hanamaru.example>
In-Reply-To: <shopcare.3.abc@hanamaru.example>
From: {b_word("UTF-8", "山田花子".encode())} <hanako.yamada@example.jp>
Date: Sat, 21 Nov 2026 10:05:41 +0900
Message-ID: <CAF8x2kq7Zb1YtR0m5pQe3vWnXcJd9LsHa4Uo6Ti2Ke1Gf0Bw3A@mail.gmail.com>
Subject: Re: [#3] {b_word("UTF-8", "マグカップ破損の件".encode())}
To: {b_word("UTF-8", "はなまる雑貨店".encode())} <{SHOP}>
Content-Type: multipart/alternative; boundary="{boundary}"
"""
    body = (
        f"--{boundary}\n"
        'Content-Type: text/plain; charset="UTF-8"\n'
        "Content-Transfer-Encoding: base64\n\n"
    ).encode()
    body += base64_body(text.encode()) + b"\n"
    body += (
        f"--{boundary}\n"
        'Content-Type: text/html; charset="UTF-8"\n'
        "Content-Transfer-Encoding: base64\n\n"
    ).encode()
    body += base64_body(html.encode()) + b"\n"
    body += f"--{boundary}--\n".encode()
    return message(head, body, crlf=True)


def outlook_reply() -> bytes:
    """A reply from Outlook (Microsoft 365), top-posted above its 差出人:/送信日時:/宛先:/件名:
    block and the unquoted history; UTF-8 in base64."""
    text = (
        "はなまる雑貨店\n"
        "ご担当者様\n"
        "\n"
        "お返事ありがとうございます。\n"
        "届いたのはグレーでしたので、注文どおりネイビーへの交換をお願いします。\n"
        "間違って届いた商品は着払いで返送すればよろしいでしょうか。\n"
        "\n"
        "佐藤 健\n"
        "\n"
        "________________________________\n"
        "差出人: はなまる雑貨店 <support@hanamaru.example>\n"
        "送信日時: 2026年11月21日 10:02\n"
        "宛先: 佐藤 健 <ken.sato@example.jp>\n"
        "件名: [#31] ご注文の商品について\n"
        "\n"
        "佐藤 健 様\n"
        "\n"
        "ご注文番号 #1051 の件で、ご注文と違う商品が届いたとのこと、大変申し訳ございません。\n"
        "正しい商品をお送りいたしますので、お手数ですが色とサイズをお知らせください。\n"
        "\n"
        "はなまる雑貨店\n"
    )
    head = f"""
From: {b_word("utf-8", "佐藤 健".encode())} <ken.sato@example.jp>
To: {b_word("utf-8", "はなまる雑貨店".encode())} <{SHOP}>
Subject: RE: [#31] {b_word("utf-8", "ご注文の商品について".encode())}
Thread-Topic: [#31] {b_word("utf-8", "ご注文の商品について".encode())}
Thread-Index: AQHbPGx2k3dW0X1aQkC5q8m2Zb7n9Q==
Date: Sun, 22 Nov 2026 08:12:03 +0000
Message-ID:
 <TYCPR01MB1234567ABCDEF0123456789ABCDEFA@TYCPR01MB1234.jpnprd01.prod.outlook.com>
References: <shopcare.31.k3j@hanamaru.example>
In-Reply-To: <shopcare.31.k3j@hanamaru.example>
Accept-Language: ja-JP, en-US
Content-Language: ja-JP
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64
MIME-Version: 1.0
"""
    return message(head, base64_body(text.encode()), crlf=True)


def auto_reply() -> bytes:
    """An out-of-office answer (不在のお知らせ) from a mail server's vacation rule,
    ISO-2022-JP of JIS X 0208 only."""
    body = jis(
        "誠に勝手ながら、11月23日～11月29日は不在にしております。\n"
        "11月30日以降、順次ご返信いたします。\n"
        "\n"
        "渡辺 真一\n"
    )
    head = f"""
From: {b_word("ISO-2022-JP", jis("渡辺 真一"))} <shinichi.watanabe@example.co.jp>
To: {SHOP}
Subject: {b_word("ISO-2022-JP", jis("不在のお知らせ"))}: [#12]
 {b_word("ISO-2022-JP", jis("発送のご連絡"))}
Date: Mon, 23 Nov 2026 15:00:02 +0900
Message-ID: <vacation.1763877602.4711@mail.example.co.jp>
In-Reply-To: <shopcare.12.x9q@hanamaru.example>
Auto-Submitted: auto-replied (vacation)
X-Autoreply: yes
Precedence: bulk
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit
"""
    return message(head, body)


def bounce() -> bytes:
    """A delivery failure from the shop's own MTA (multipart/report, delivery-status), with
    the headers of the reply that bounced (text/rfc822-headers). Wording made up."""
    boundary = "5A1B2C3D4E.1764000005/mail.hanamaru.example"
    returned_subject = b_word("utf-8", "[#3] マグカップ破損の件".encode())
    head = f"""
Return-Path: <>
Delivered-To: {SHOP}
Date: Tue, 24 Nov 2026 09:00:05 +0900 (JST)
From: MAILER-DAEMON@mail.hanamaru.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {SHOP}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{boundary}"
Content-Transfer-Encoding: 8bit
Message-Id: <20261124000005.5A1B2C3D4E@mail.hanamaru.example>
"""
    body = f"""A MIME delivery report follows.

--{boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

The mail server mail.hanamaru.example gave up on your message:
it could not be handed to one of its recipients.

<hanako.yamada@example.jp>: host mx.example.jp[192.0.2.25] said: 550 5.1.1
    <hanako.yamada@example.jp>: Recipient address rejected: User unknown (in
    reply to RCPT TO command)

--{boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.hanamaru.example
Arrival-Date: Tue, 24 Nov 2026 09:00:03 +0900 (JST)

Final-Recipient: rfc822; hanako.yamada@example.jp
Original-Recipient: rfc822;hanako.yamada@example.jp
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.jp
Diagnostic-Code: smtp; 550 5.1.1 <hanako.yamada@example.jp>: Recipient address
    rejected: User unknown

--{boundary}
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <{SHOP}>
Message-ID: <shopcare.3.def@hanamaru.example>
In-Reply-To: <CAF8x2kq7Zb1YtR0m5pQe3vWnXcJd9LsHa4Uo6Ti2Ke1Gf0Bw3A@mail.gmail.com>
From: =?utf-8?b?44Gv44Gq44G+44KL6ZuR6LKo5bqX?= <{SHOP}>
To: hanako.yamada@example.jp
Subject: {returned_subject}
Date: Tue, 24 Nov 2026 09:00:01 +0900
X-Shopcare-Loop: 1

--{boundary}--
"""
    return message(head, body.encode("ascii"))


def english_reply() -> bytes:
    """A US customer's plain-text reply (US-ASCII) from a webmail, the `On ... wrote:` line
    wrapped over two lines; the sender's domain in capitals."""
    body = b"""Hi,

Thanks for getting back to me. The tracking page still says "in transit"
and it has been ten days now. Could you check with the carrier, or send a
replacement? I need it before Dec 5.

Thanks,
Jane

On Sat, Nov 21, 2026 at 10:02 AM Hanamaru Zakkaten <support@hanamaru.example>
wrote:

> Dear Jane,
>
> Thank you for your order #1049. It was shipped on November 13 and
> should arrive within a week.
>
> Hanamaru Zakkaten
"""
    head = f"""
From: Jane Doe <Jane.Doe@Mail.Example.COM>
To: Hanamaru Zakkaten <{SHOP}>
Subject: Re: [#7] Your order #1049
Date: Mon, 23 Nov 2026 02:14:55 -0800
Message-ID: <a1b2c3d4-e5f6-4789-abcd-ef0123456789@mail.example.com>
In-Reply-To: <shopcare.7.mn4@hanamaru.example>
References: <shopcare.6.zz1@hanamaru.example>
 <shopcare.7.mn4@hanamaru.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit
"""
    return message(head, body)


def no_message_id() -> bytes:
    """A home-made form mailer that sends no Message-ID, and its subject as raw 8-bit UTF-8
    (no encoded-word), as some do."""
    body = (
        "先週購入したクッションカバー（注文番号 #1055）を返品したいのですが、\n"
        "開封済みでも可能でしょうか。\n"
        "\n"
        "加藤 由美\n"
    ).encode()
    head = f"""
From: {b_word("UTF-8", "加藤 由美".encode())} <yumi.kato@example.jp>
To: {SHOP}
Subject: 返品について
Date: Wed, 25 Nov 2026 22:47:31 +0900
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
X-Mailer: simple-form 1.2
"""
    return message(head, body, raw_8bit_head=True)


MESSAGES: dict[str, Callable[[], bytes]] = {
    "01-outlook-iso2022jp.eml": outlook_iso2022jp,
    "02-shift-jis-cp932.eml": shift_jis_form,
    "03-windows-31j.eml": windows31j_java,
    "04-euc-jp.eml": eucjp_form,
    "05-utf8-base64.eml": iphone_utf8_base64,
    "06-utf8-quoted-printable.eml": thunderbird_utf8_qp,
    "07-html-only.eml": html_only_webmail,
    "08-attachments.eml": attachments_mixed,
    "09-amazon-relay.eml": amazon_relay,
    "10-gmail-reply.eml": gmail_reply,
    "11-outlook-reply.eml": outlook_reply,
    "12-auto-reply.eml": auto_reply,
    "13-bounce.eml": bounce,
    "14-english.eml": english_reply,
    "15-no-message-id.eml": no_message_id,
}


def main() -> None:
    for name, build in MESSAGES.items():
        (HERE / name).write_bytes(build())


if __name__ == "__main__":
    main()
