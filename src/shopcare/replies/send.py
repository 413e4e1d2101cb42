"""A reply as a mail, and sending it through the shop's SMTP server.

One builder makes the message for both `--send` and `--format eml`, so a draft opened in a
mail client carries the same headers as a reply sent. Sending either ends with the server
having accepted the message for the customer, or with one ShopcareError that says why not:
the caller records a reply as sent only when send() returns.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from shopcare.errors import ShopcareError, breaks_line
from shopcare.replies.public import is_public

if TYPE_CHECKING:
    import smtplib
    from email.message import EmailMessage
    from email.policy import EmailPolicy

    from shopcare.replies.templates import Rendered
    from shopcare.settings.config import SmtpSettings

LOOP_HEADER = "X-Shopcare-Loop"  # the intake ignores mail carrying it: no loops
NOT_SENT = "the reply was not sent"
CHECK_FAILED = "the mail server check failed"
MAX_REFERENCES = 20  # the first id and the latest ones: a long thread's header stays short
# A msg-id as it may come from a customer's mail: printable ASCII, no brackets, no spaces.
_MSG_ID = re.compile(r"^[!-;=?-~]{1,250}$")


def subject_with_tag(subject: str, tag_format: str, case_id: int) -> str:
    """The subject with the case tag in front (`[#12] 件名`), unless it carries it already
    (a customer's `Re: [#12] 件名` answered again)."""
    return _tagged(subject, case_tag(tag_format, case_id))


def case_tag(tag_format: str, case_id: int) -> str:
    """The case tag itself, e.g. `[#12]` from `[#{id}]`."""
    return tag_format.replace("{id}", str(case_id))


def _tagged(subject: str, tag: str) -> str:
    # not followed or preceded by a digit: [#1] is not in [#12], #1 is not in #12
    if re.search(r"(?<!\d)" + re.escape(tag) + r"(?!\d)", subject):
        return subject
    return f"{tag} {subject}"


def build_message(
    rendered: Rendered,
    *,
    to: str | None,
    shop_name: str,
    shop_email: str,
    now: datetime,
    message_id: str,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    tag_subject: str | None = None,
    unsent: bool = False,
) -> EmailMessage:
    """A reply as a mail from the shop to the customer. message_id: with or without <>.
    tag_subject: the case tag (e.g. `[#12]`) put in front of the subject if not there yet.
    in_reply_to and references: ids from the customer's mail; one that is not a plausible
    Message-ID is left out (the mail still goes; the subject's tag still threads it).
    unsent: the `X-Unsent: 1` a mail client reads as "a draft, ready to send"."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import format_datetime

    if is_public(rendered.template):
        raise ShopcareError(
            f"{rendered.template} is a public reply, posted on the mall under the review:"
            " it is not mailed to the customer",
            "draft it with --format text (or json) and paste it as the shop's reply on the mall",
        )
    if not to:
        raise ShopcareError(
            "this case has no customer e-mail address",
            "add one with case add --email, or use --format text",
        )
    if not shop_email:
        raise ShopcareError(
            "the shop has no e-mail address to send from",
            "shopcare init --email support@example.jp",
        )
    subject = _tagged(rendered.subject, tag_subject) if tag_subject else rendered.subject
    for what, value in (("subject", subject), ("recipient", to), ("shop name", shop_name)):
        if breaks_line(value):
            raise ShopcareError(
                f"the {what} holds a line break, which would break the mail's headers",
                "correct it where it comes from (case edit --order, shopcare init --name)",
            )
    try:
        own_id = _bare_id(message_id)
        if own_id is None:
            raise ValueError(f"{message_id!r} cannot be a Message-ID")
        message = EmailMessage(policy=_policy())
        message["To"] = to
        user, _, domain = shop_email.partition("@")
        message["From"] = (
            Address(display_name=shop_name, username=user, domain=domain)
            if shop_name
            else shop_email
        )
        message["Subject"] = subject
        message["Date"] = format_datetime(now)
        message["Message-ID"] = f"<{own_id}>"
        replied = _bare_id(in_reply_to) if in_reply_to else None
        if replied:
            message["In-Reply-To"] = f"<{replied}>"
        chain = _references(references, replied)
        if chain:
            message["References"] = " ".join(f"<{ref}>" for ref in chain)
        message[LOOP_HEADER] = shop_email
        if unsent:
            message["X-Unsent"] = "1"
        message.set_content(rendered.body, charset="utf-8")
        return message
    except (ValueError, TypeError, IndexError) as exc:  # the email package's own refusals
        raise ShopcareError(
            f"case's draft cannot be made into a mail: {exc}",
            "check the recipient, the shop's name and e-mail (shopcare init), or use --format text",
        ) from None


def _bare_id(value: str | None) -> str | None:
    """A Message-ID without its <>, or None if it is not one that can go into a header."""
    if not isinstance(value, str):
        return None
    bare = value.strip()
    if bare.startswith("<") and bare.endswith(">"):
        bare = bare[1:-1]
    return bare if _MSG_ID.match(bare) else None


def _references(references: Iterable[str], replied: str | None) -> list[str]:
    """References as RFC 5322 has them: the thread's ids, ending with the one replied to."""
    chain: list[str] = []
    for ref in references:
        bare = _bare_id(ref)
        if bare and bare not in chain:
            chain.append(bare)
    if replied:
        if replied in chain:
            chain.remove(replied)
        chain.append(replied)
    if len(chain) > MAX_REFERENCES:
        chain = chain[:1] + chain[-(MAX_REFERENCES - 1) :]
    return chain


@functools.cache
def _policy() -> EmailPolicy:
    """email's default policy, except that In-Reply-To and References fold between ids: as
    plain text, a long id would come out MIME-encoded, and an encoded id threads nothing."""
    from email.headerregistry import HeaderRegistry, UnstructuredHeader
    from email.policy import default

    class IdListHeader(UnstructuredHeader):
        def fold(self, *, policy: EmailPolicy) -> str:
            return (
                f"{self.name}: " + (policy.linesep + " ").join(str(self).split()) + policy.linesep
            )

    registry = HeaderRegistry()
    registry.map_to_type("in-reply-to", IdListHeader)
    registry.map_to_type("references", IdListHeader)
    return default.clone(header_factory=registry)


def send(
    message: EmailMessage,
    settings: SmtpSettings,
    shop_email: str,
    env: Mapping[str, str] = os.environ,
) -> None:
    """Send a built reply. Returns only once the server has accepted it for every address in
    To; raises one ShopcareError otherwise. The envelope sender is the shop; with bcc_self the
    shop's own address is a second envelope recipient (no Bcc header is written). The customer
    is given first: refused, nothing is sent to anyone."""
    password = _password(settings, env, NOT_SENT)
    sender = shop_email.strip()
    if not sender or breaks_line(sender) or "@" not in sender:
        raise ShopcareError(
            f"{NOT_SENT}: the shop has no e-mail address to send from",
            "shopcare init --email support@example.jp",
        )
    customers = _to_addresses(message)
    copies = [sender] if settings.bcc_self and sender not in customers else []
    international = not all(a.isascii() for a in (sender, *customers))

    with _Talk(settings, NOT_SENT) as talk:
        smtp = talk.open(password)
        if international and not smtp.has_extn("smtputf8"):
            raise ShopcareError(
                f"{NOT_SENT}: {talk.where} cannot take an address that is not ASCII (no SMTPUTF8)",
                "send this one from a mail client",
            )
        data = _wire(message, international, eight_bit=smtp.has_extn("8bitmime"))
        options = []
        if smtp.has_extn("size"):
            options.append(f"SIZE={len(data)}")
        if smtp.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
        if international:
            options.append("SMTPUTF8")
            smtp.command_encoding = "utf-8"
        talk.doing = "giving the sender"
        talk.expect(smtp.mail(sender, options), (250,), f"the server refused the sender {sender}")
        for address in customers:
            talk.doing = f"giving the recipient {address}"
            talk.expect(
                smtp.rcpt(address), (250, 251), f"the server refused the recipient {address}"
            )
        for address in copies:
            smtp.rcpt(address)  # the shop's own copy refused: the customer still gets the reply
        talk.doing = "sending the message"
        talk.expect(smtp.data(data), (250,), "the server refused the message")
        talk.finish()


def check(settings: SmtpSettings, env: Mapping[str, str] = os.environ) -> list[str]:
    """Connect, say EHLO, secure the line as set, log in if a user is set, and QUIT: nothing is
    sent. Lines describing each step that worked; one ShopcareError at the first that fails."""
    password = _password(settings, env, CHECK_FAILED)
    with _Talk(settings, CHECK_FAILED) as talk:
        talk.open(password)
        talk.finish()
    return talk.lines


def _password(settings: SmtpSettings, env: Mapping[str, str], prefix: str) -> str | None:
    """The login's password, from the environment: checked before anything is connected."""
    if not settings.user:
        return None
    name = settings.password_env
    if not name:
        raise ShopcareError(
            f"{prefix}: smtp.user is set but smtp.password_env is not",
            'name the environment variable that holds the password: password_env = "SHOPCARE_SMTP_PASSWORD"',
        )
    password = env.get(name)
    if not password:
        raise ShopcareError(
            f"{prefix}: the environment variable {name} (smtp.password_env) is not set",
            f"set {name} to the mail server's password where shopcare runs"
            " (a cron job or a mail filter has an environment of its own)",
        )
    return password


def _to_addresses(message: EmailMessage) -> list[str]:
    from email.utils import getaddresses

    found = []
    for _, address in getaddresses(message.get_all("To", [])):
        if address and address not in found:
            found.append(address)
    if not found:
        raise ShopcareError(f"{NOT_SENT}: the message has no recipient (To)")
    return found


def _wire(message: EmailMessage, international: bool, eight_bit: bool) -> bytes:
    """The message as it goes over the line: CRLF, no Bcc, and 8-bit text re-encoded as base64
    for a server that does not announce 8BITMIME."""
    import copy
    import io
    from email.generator import BytesGenerator

    needs_7bit = not eight_bit and any(
        part.get("Content-Transfer-Encoding", "").lower() == "8bit" for part in message.walk()
    )
    if "Bcc" in message or needs_7bit:
        message = copy.deepcopy(message)
        del message["Bcc"]
        for part in message.walk():
            if needs_7bit and part.get("Content-Transfer-Encoding", "").lower() == "8bit":
                subtype = part.get_content_subtype()
                part.set_content(part.get_content(), subtype=subtype, charset="utf-8", cte="base64")
    out = io.BytesIO()
    policy = message.policy.clone(utf8=international, linesep="\r\n")
    BytesGenerator(out, policy=policy).flatten(message, linesep="\r\n")
    return out.getvalue()


class _Talk:
    """One SMTP conversation: what it is doing now, what worked, and every failure turned into
    one ShopcareError that says where it stopped. The connection is closed whatever happens."""

    def __init__(self, settings: SmtpSettings, prefix: str) -> None:
        self.settings = settings
        self.prefix = prefix
        self.where = f"{settings.host}:{settings.port}"
        self.doing = "connecting"
        self.lines: list[str] = []
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> _Talk:
        return self

    def open(self, password: str | None) -> smtplib.SMTP:
        """Connected, secured as settings.security says, and logged in if there is a user."""
        import smtplib

        s = self.settings
        context = self._tls_context() if s.security != "none" else None
        if s.security == "ssl":
            self.smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            self.smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        self.lines.append(f"connected to {self.where}")
        self.doing = "greeting (EHLO)"
        self.expect(self.smtp.ehlo(), (250,), "the server refused EHLO")
        if s.security == "ssl":
            self.lines.append(f"TLS ok ({self._tls_version()})")
        elif s.security == "starttls":
            self.doing = "starting TLS"
            if not self.smtp.has_extn("starttls"):
                raise ShopcareError(
                    f"{self.prefix}: {self.where} does not offer STARTTLS, and shopcare does not"
                    ' send in clear when security = "starttls"',
                    'if the server speaks TLS from the start, set security = "ssl" (port 465);'
                    ' "none" is for a relay on this machine',
                )
            self.smtp.starttls(context=context)
            self.doing = "greeting (EHLO) after STARTTLS"
            self.expect(self.smtp.ehlo(), (250,), "the server refused EHLO")
            self.lines.append(f"STARTTLS ok ({self._tls_version()})")
        else:
            self.lines.append('no encryption (security = "none")')
        if s.user:
            self.doing = f"logging in as {s.user}"
            self.smtp.login(s.user, password or "")
            self.lines.append(f"logged in as {s.user}")
        else:
            self.lines.append("no login (smtp.user is not set)")
        return self.smtp

    def _tls_context(self):
        import ssl

        cafile = self.settings.cafile
        try:
            return ssl.create_default_context(cafile=str(cafile) if cafile else None)
        except (OSError, ssl.SSLError) as exc:
            raise ShopcareError(
                f"{self.prefix}: cannot read the CA file {cafile} (smtp.cafile):"
                f" {getattr(exc, 'strerror', None) or exc}",
                "give the path of a PEM certificate, or remove cafile to trust the system's",
            ) from None

    def _tls_version(self) -> str:
        sock = self.smtp.sock if self.smtp else None
        version = getattr(sock, "version", None)
        return (version() if callable(version) else None) or "TLS"

    def expect(self, answer: tuple[int, bytes], codes: tuple[int, ...], what: str) -> None:
        """A reply code the conversation cannot go on from is a failure: say what was refused."""
        code, text = answer
        if code not in codes:
            raise ShopcareError(f"{self.prefix}: {what}: {code} {_one_line(text)}")

    def finish(self) -> None:
        """QUIT. The server has answered everything asked by now: a failing QUIT changes
        nothing of it."""
        self.doing = "saying goodbye (QUIT)"
        if self.smtp is not None:
            with contextlib.suppress(Exception):  # what was done is done; closed on exit
                self.smtp.quit()

    def __exit__(self, kind, exc, tb) -> bool:
        if self.smtp is not None:
            with contextlib.suppress(Exception):  # closing a broken socket may fail: it is closed
                self.smtp.close()
        if exc is None or isinstance(exc, ShopcareError):
            return False
        if not isinstance(exc, Exception):
            return False  # KeyboardInterrupt, SystemExit: not ours to word
        why, hint = self._why(exc)
        # chained: SHOPCARE_DEBUG=1 shows what smtplib or the socket said
        raise ShopcareError(f"{self.prefix}: {why}", hint) from exc

    def _why(self, exc: Exception) -> tuple[str, str | None]:
        """One line on what failed, and a hint where there is a likely fix."""
        import smtplib
        import socket
        import ssl

        s, where = self.settings, self.where
        during = "" if self.doing == "connecting" else f" while {self.doing}"
        port_hint = (
            'check smtp.host and smtp.port (587 with security = "starttls",'
            ' 465 with "ssl"), then try shopcare mail check'
        )
        if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
            exc.__context__, TimeoutError
        ):
            exc = exc.__context__  # smtplib words a read that timed out as a closed line
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            hint = port_hint if self.doing == "connecting" else None
            if self.doing == "sending the message":
                hint = (
                    "the server may have kept it before the line dropped: look in the shop's"
                    " sent mail before sending it again"
                )
            return f"{where} closed the connection{during}", hint
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return (
                f"{where} refused the login of {s.user}: {exc.smtp_code} {_one_line(exc.smtp_error)}",
                f"check smtp.user and the password in ${s.password_env}",
            )
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return f"{where} does not support it{during}: {exc}", None
        if isinstance(exc, smtplib.SMTPResponseException):
            return f"{where} answered {exc.smtp_code} {_one_line(exc.smtp_error)}{during}", None
        if isinstance(exc, smtplib.SMTPException):
            return f"{where}: {_one_line(str(exc))}{during}", None
        if isinstance(exc, ssl.SSLCertVerificationError):
            return (
                f"the TLS certificate of {s.host} is not trusted: {exc.verify_message}",
                "check that smtp.host is the name on the server's certificate;"
                " for a private CA, give its certificate as smtp.cafile",
            )
        if isinstance(exc, ssl.SSLError):
            return f"TLS with {where} failed{during}: {exc.reason or exc}", port_hint
        if isinstance(exc, socket.gaierror):
            return f"cannot find the mail server {s.host}: {exc.strerror}", "check smtp.host"
        if isinstance(exc, ConnectionRefusedError):
            return f"{where} refused the connection", port_hint
        if isinstance(exc, TimeoutError):
            return f"{where} did not answer within {s.timeout:g} seconds{during}", port_hint
        if isinstance(exc, OSError):
            return f"{where}: {exc.strerror or exc}{during}", None
        if isinstance(exc, UnicodeError):
            return f"{s.host} cannot be used as a host name: {exc}", "check smtp.host"
        return f"{where}: {_one_line(str(exc)) or type(exc).__name__}{during}", None


def _one_line(text: bytes | str, limit: int = 200) -> str:
    """A server's answer on one short line (it may be several, in any encoding)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "backslashreplace")
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
