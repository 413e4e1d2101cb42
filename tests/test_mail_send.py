"""Sending a reply through a real SMTP server on this machine (aiosmtpd on 127.0.0.1), and the
keyed Message-IDs that bring the customer's answer back onto its case. What the shop owner
would notice: the mail arrives whole and in Japanese, threads, never goes out in clear when
STARTTLS was asked, and a send that failed says so in one line and never half-claims success."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import ssl
import stat
import subprocess
import threading
from datetime import datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from shopcare.clock import zone
from shopcare.errors import ShopcareError
from shopcare.intake.msgid import case_of_message_id, make_message_id, secret
from shopcare.replies.output import as_eml
from shopcare.replies.send import build_message, check, send, subject_with_tag
from shopcare.replies.templates import Rendered
from shopcare.settings.config import SmtpSettings

SHOP = "support@hanamaru.example"
CUSTOMER = "abc123@fw.rakuten.ne.jp"
SUBJECT = "ご注文の商品についてのお詫び"
BODY = "山田花子様\n\nこのたびはご迷惑をおかけし、誠に申し訳ございません。\n①②③ 髙橋 ～\n"
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=zone("Asia/Tokyo"))
CUSTOMERS_ID = "CAF=abc+123@mail.gmail.com"
KEY = bytes(range(32))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it accepted, and refuses the addresses it is told."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.refuse = refuse
        self.mail: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.mail.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK: queued"

    def message(self) -> email.message.EmailMessage:
        (_, _, raw), *_ = self.mail
        # as a mail system stores it: the wire's CRLF as the local line end
        return email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)


@pytest.fixture
def server():
    """server(**aiosmtpd SMTP options) -> (inbox, port); stopped after the test."""
    started = []

    def start(inbox: Inbox | None = None, **options):
        inbox = inbox or Inbox()
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return inbox, port

    yield start
    for controller in started:
        controller.stop()


def settings(port: int, **changes) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=5)._replace(**changes)


def reply(**changes) -> email.message.EmailMessage:
    rendered = Rendered("apology", "ja", SUBJECT, BODY, Path("apology.ja.j2"))
    given = {
        "to": CUSTOMER,
        "shop_name": "はなまる雑貨店",
        "shop_email": SHOP,
        "now": NOW,
        "message_id": make_message_id(12, KEY, "hanamaru.example"),
        "in_reply_to": CUSTOMERS_ID,
        "references": ["first@mail.gmail.com", CUSTOMERS_ID],
        "tag_subject": "[#12]",
    }
    return build_message(rendered, **(given | changes))


def test_a_reply_arrives_whole_threaded_and_in_japanese(server):
    inbox, port = server()
    message = reply()
    send(message, settings(port), SHOP)
    (sender, recipients, _), *others = inbox.mail
    assert others == [] and sender == SHOP and recipients == [CUSTOMER]
    got = inbox.message()
    assert got["Subject"] == f"[#12] {SUBJECT}"
    assert got.get_content() == BODY
    assert got.get_content_charset() == "utf-8"
    assert got["From"].addresses[0].display_name == "はなまる雑貨店"
    assert got["From"].addresses[0].addr_spec == SHOP
    assert got["To"] == CUSTOMER
    assert got["Message-ID"] == message["Message-ID"]
    assert case_of_message_id(got["Message-ID"], KEY) == 12
    assert got["In-Reply-To"] == f"<{CUSTOMERS_ID}>"
    assert got["References"].split() == ["<first@mail.gmail.com>", f"<{CUSTOMERS_ID}>"]
    assert got["X-Shopcare-Loop"] == SHOP
    assert got["Date"].datetime == NOW
    assert "Auto-Submitted" not in got and "X-Unsent" not in got and "Bcc" not in got


def test_the_raw_headers_are_encoded_and_short():
    raw = reply().as_bytes()
    head = raw.split(b"\n\n")[0]
    assert head.isascii()  # the subject and the shop's name MIME-encoded
    assert all(len(line) <= 998 for line in raw.splitlines())


def test_a_long_message_id_is_not_mime_encoded_in_the_threading_headers():
    long_id = "x" * 120 + "@mail.example.jp"
    raw = reply(in_reply_to=long_id, references=[long_id]).as_string()
    parsed = email.message_from_string(raw, policy=email.policy.default)
    assert parsed["In-Reply-To"] == f"<{long_id}>"
    assert parsed["References"] == f"<{long_id}>"
    threading_lines = [line for line in raw.splitlines() if line.startswith(("In-Re", "Refe"))]
    assert threading_lines == [f"In-Reply-To: <{long_id}>", f"References: <{long_id}>"]


def test_bcc_self_gives_the_shop_a_copy_without_a_bcc_header(server):
    inbox, port = server()
    send(reply(), settings(port, bcc_self=True), SHOP)
    (sender, recipients, raw), *others = inbox.mail
    assert others == [] and recipients == [CUSTOMER, SHOP]
    head = raw.split(b"\r\n\r\n")[0].lower().split(b"\r\n")
    assert not [line for line in head if line.startswith(b"bcc")]
    assert inbox.message()["To"] == CUSTOMER and "Cc" not in inbox.message()


def test_starttls_asked_of_a_server_without_it_sends_nothing(server):
    inbox, port = server()
    with pytest.raises(ShopcareError) as failed:
        send(reply(), settings(port, security="starttls"), SHOP)
    assert failed.value.message.startswith("the reply was not sent: ")
    assert "STARTTLS" in failed.value.message
    assert inbox.mail == []


def reject_everyone(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=False, handled=False)


def accept_the_shop(server, session, envelope, mechanism, auth_data):
    good = auth_data.login == SHOP.encode() and auth_data.password == b"s3cret"
    return AuthResult(success=good, handled=False)


def test_a_refused_login_is_one_error_and_sends_nothing(server):
    inbox, port = server(authenticator=reject_everyone, auth_require_tls=False)
    smtp = settings(port, user=SHOP, password_env="SHOP_PW")
    with pytest.raises(ShopcareError) as failed:
        send(reply(), smtp, SHOP, env={"SHOP_PW": "wrong"})
    assert "refused the login of support@hanamaru.example" in failed.value.message
    assert "SHOP_PW" in failed.value.hint and "wrong" not in str(failed.value.__dict__)
    assert inbox.mail == []


def test_a_login_that_works_sends(server):
    inbox, port = server(authenticator=accept_the_shop, auth_require_tls=False)
    send(
        reply(), settings(port, user=SHOP, password_env="SHOP_PW"), SHOP, env={"SHOP_PW": "s3cret"}
    )
    assert len(inbox.mail) == 1


def test_a_missing_password_variable_stops_before_connecting():
    # nothing listens on this port: had it connected, the error would say so
    smtp = settings(free_port(), user=SHOP, password_env="SHOP_PW")
    with pytest.raises(ShopcareError) as failed:
        send(reply(), smtp, SHOP, env={})
    assert "SHOP_PW" in failed.value.message and "not set" in failed.value.message
    with pytest.raises(ShopcareError, match="SHOP_PW"):
        check(smtp, env={"OTHER": "x"})


class RawServer:
    """A hand-written SMTP server for what aiosmtpd will not do: announce no extensions, or drop
    the line halfway through the message."""

    def __init__(self, drop_after: int | None = None) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.drop_after = drop_after  # bytes of DATA read before the line is cut
        self.data = b""
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn, conn.makefile("rb") as lines:
            conn.sendall(b"220 raw.test ESMTP\r\n")
            for line in lines:
                verb = line[:4].upper()
                if verb == b"DATA":
                    conn.sendall(b"354 go on\r\n")
                    for body_line in lines:
                        self.data += body_line
                        if self.drop_after is not None and len(self.data) >= self.drop_after:
                            conn.shutdown(socket.SHUT_RDWR)
                            return
                        if body_line == b".\r\n":
                            break
                    conn.sendall(b"250 taken\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:  # EHLO, MAIL, RCPT: yes to all, and no extensions
                    conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)


def test_a_line_dropped_during_data_is_a_failure_not_a_success():
    raw = RawServer(drop_after=200)
    try:
        with pytest.raises(ShopcareError) as failed:
            send(reply(), settings(raw.port), SHOP)
    finally:
        raw.close()
    assert failed.value.message == (
        f"the reply was not sent: 127.0.0.1:{raw.port} closed the connection"
        " while sending the message"
    )
    assert "sent mail" in failed.value.hint  # it may have arrived: look before sending again


def test_a_server_without_8bitmime_gets_the_body_in_base64():
    raw = RawServer()
    try:
        send(reply(), settings(raw.port), SHOP)
    finally:
        raw.close()
    assert raw.data.isascii()
    got = email.message_from_bytes(raw.data.replace(b"\r\n", b"\n"), policy=email.policy.default)
    assert got["Content-Transfer-Encoding"] == "base64" and got.get_content() == BODY


def test_a_closed_port_is_one_error():
    with pytest.raises(ShopcareError) as failed:
        send(reply(), settings(free_port()), SHOP)
    assert failed.value.message.endswith("refused the connection")
    assert "smtp.port" in failed.value.hint


def test_a_server_that_never_answers_times_out():
    silent = socket.create_server(("127.0.0.1", 0))  # listens, never accepts nor speaks
    try:
        with pytest.raises(ShopcareError, match="did not answer within 1 seconds"):
            check(settings(silent.getsockname()[1], timeout=1))
    finally:
        silent.close()


def test_an_unknown_host_is_one_error(monkeypatch):
    def no_such_name(*args, **kwargs):  # what the resolver says, without asking one
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    with pytest.raises(ShopcareError, match="cannot find the mail server"):
        check(SmtpSettings(host="no-such-host.invalid", port=25, security="none", timeout=5))


def test_a_refused_customer_sends_nothing_not_even_the_shops_copy(server):
    inbox, port = server(Inbox(refuse=(CUSTOMER,)))
    with pytest.raises(ShopcareError) as failed:
        send(reply(), settings(port, bcc_self=True), SHOP)
    assert f"refused the recipient {CUSTOMER}: 550" in failed.value.message
    assert inbox.mail == []


def test_a_refused_copy_to_the_shop_still_sends_the_reply(server):
    inbox, port = server(Inbox(refuse=(SHOP,)))
    send(reply(), settings(port, bcc_self=True), SHOP)
    assert [recipients for _, recipients, _ in inbox.mail] == [[CUSTOMER]]


def test_check_connects_and_logs_in_and_sends_nothing(server):
    inbox, port = server(authenticator=accept_the_shop, auth_require_tls=False)
    lines = check(settings(port, user=SHOP, password_env="PW"), env={"PW": "s3cret"})
    assert lines == [
        f"connected to 127.0.0.1:{port}",
        'no encryption (security = "none")',
        f"logged in as {SHOP}",
    ]
    assert inbox.mail == []
    with pytest.raises(ShopcareError, match="refused the login"):
        check(settings(port, user=SHOP, password_env="PW"), env={"PW": "nope"})


# --- TLS, with a throwaway certificate made by openssl ----------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed: no certificate to test TLS with")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def test_starttls_with_a_trusted_certificate_sends(server, certificate):
    inbox, port = server(
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=accept_the_shop,
    )
    smtp = settings(port, security="starttls", cafile=certificate[0], user=SHOP, password_env="PW")
    send(reply(), smtp, SHOP, env={"PW": "s3cret"})
    assert inbox.message().get_content() == BODY
    assert check(smtp, env={"PW": "s3cret"})[1].startswith("STARTTLS ok (TLSv1.")


def test_starttls_with_an_untrusted_certificate_sends_nothing(server, certificate):
    inbox, port = server(tls_context=server_context(certificate), require_starttls=True)
    with pytest.raises(ShopcareError) as failed:
        send(reply(), settings(port, security="starttls"), SHOP)
    assert "certificate of 127.0.0.1 is not trusted" in failed.value.message
    assert "smtp.cafile" in failed.value.hint
    assert inbox.mail == []


def test_ssl_from_the_start(server, certificate):
    inbox, port = server(ssl_context=server_context(certificate))
    smtp = settings(port, security="ssl", cafile=certificate[0])
    assert check(smtp)[1].startswith("TLS ok (TLSv1.")
    send(reply(), smtp, SHOP)
    assert len(inbox.mail) == 1


def test_ssl_spoken_to_a_plain_server_is_one_error(server):
    inbox, port = server()
    with pytest.raises(ShopcareError, match="the reply was not sent: "):
        send(reply(), settings(port, security="ssl", timeout=3), SHOP)
    assert inbox.mail == []


def test_a_missing_cafile_is_one_error(server, tmp_path):
    _, port = server()
    with pytest.raises(ShopcareError, match="cannot read the CA file"):
        check(settings(port, security="starttls", cafile=tmp_path / "nope.pem"))


# --- the message itself ------------------------------------------------------------------


def test_the_subject_tag_is_put_once():
    assert subject_with_tag(SUBJECT, "[#{id}]", 12) == f"[#12] {SUBJECT}"
    assert subject_with_tag(f"Re: [#12] {SUBJECT}", "[#{id}]", 12) == f"Re: [#12] {SUBJECT}"
    assert subject_with_tag(f"[#123] {SUBJECT}", "[#{id}]", 12) == f"[#12] [#123] {SUBJECT}"
    assert subject_with_tag("#123 x", "#{id}", 12) == "#12 #123 x"  # #12 is not in #123
    assert subject_with_tag("件名【No.7】", "【No.{id}】", 7) == "件名【No.7】"


def test_the_draft_is_unsent_and_the_reply_is_not():
    assert "X-Unsent: 1" in reply(unsent=True).as_string()
    assert "X-Unsent" not in reply().as_string()


def test_a_line_break_in_a_header_value_is_refused():
    for changes in ({"to": CUSTOMER + "\nBcc: x@y"}, {"shop_name": "はなまる\r\n"}):
        with pytest.raises(ShopcareError, match="line break"):
            reply(**changes)
    with pytest.raises(ShopcareError, match="line break"):
        reply(tag_subject="[#12]\n")


def test_a_strange_id_from_the_customer_is_left_out_not_fatal():
    message = reply(in_reply_to="<not an id>", references=["ok@x.example", "bad\r\nX: y"])
    assert "In-Reply-To" not in message
    assert message["References"] == "<ok@x.example>"


def test_the_eml_draft_threads_like_a_sent_reply():
    rendered = Rendered("apology", "ja", SUBJECT, BODY, Path("apology.ja.j2"))
    raw = as_eml(
        rendered,
        to=CUSTOMER,
        shop_name="はなまる雑貨店",
        shop_email=SHOP,
        now=NOW,
        message_id="shopcare.1.x.y@hanamaru.example",
        in_reply_to=CUSTOMERS_ID,
        references=[CUSTOMERS_ID],
        tag_subject="[#1]",
    )
    got = email.message_from_string(raw, policy=email.policy.default)
    assert got["Message-ID"] == "<shopcare.1.x.y@hanamaru.example>"
    assert got["In-Reply-To"] == got["References"] == f"<{CUSTOMERS_ID}>"
    assert got["Subject"] == f"[#1] {SUBJECT}" and got["X-Unsent"] == "1"
    assert got["X-Shopcare-Loop"] == SHOP


# --- Message-IDs and their key -----------------------------------------------------------


def test_a_message_id_names_its_case_and_only_with_the_key():
    made = make_message_id(12, KEY, "hanamaru.example")
    assert made.startswith("shopcare.12.") and made.endswith("@hanamaru.example")
    assert case_of_message_id(made, KEY) == 12
    assert case_of_message_id(f"<{made}>", KEY) == 12
    assert case_of_message_id(f" <{made}>\r\n", KEY) == 12
    assert make_message_id(12, KEY, "hanamaru.example") != made  # a new token each time
    _, case_id, token, digest = made.split("@")[0].split(".")
    assert case_of_message_id(made.replace(".12.", ".13.", 1), KEY) is None
    assert case_of_message_id(made.replace(".12.", ".012.", 1), KEY) is None
    flipped = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    assert case_of_message_id(made.replace(digest, flipped), KEY) is None
    assert case_of_message_id(made.replace(token, "0" * 16), KEY) is None
    assert case_of_message_id(made, bytes(32)) is None
    assert case_of_message_id(made.replace("@hanamaru.example", "@other.example"), KEY) == 12
    for garbage in ("", "<>", "shopcare", "shopcare.12..@x", "a@b", None, 12, "shopcare.12.x.y@z"):
        assert case_of_message_id(garbage, KEY) is None


def test_the_secret_is_made_once_and_kept_owner_only(home):
    key = secret(home)
    path = home / "mail" / "secret"
    assert len(key) == 32 and secret(home) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_text().strip() == key.hex()
    assert [p.name for p in path.parent.iterdir()] == ["secret"]  # no draft left behind


def test_two_processes_making_the_secret_at_once_agree(home):
    keys: list[bytes] = []
    threads = [threading.Thread(target=lambda: keys.append(secret(home))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1


def test_a_damaged_secret_is_one_error(home):
    (home / "mail").mkdir(mode=0o700)
    (home / "mail" / "secret").write_text("not hex at all\n")
    with pytest.raises(ShopcareError, match="is damaged"):
        secret(home)
