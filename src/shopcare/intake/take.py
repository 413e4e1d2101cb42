"""Taking a message in: which case it belongs to, and what it adds there (../shared/MAIL.md).

A message is taken whole or not at all: its case, its timeline event, the kept message and
its attachments' records are one transaction. Its Message-ID is unique in the store, so a
second delivery of the same message changes nothing. Which case: in this order, the first
that holds wins:
1. In-Reply-To or References names a Message-ID we sent (ours carry the case and a keyed
   hash, so that nobody outside can forge one);
2. the subject carries the case tag and the sender is that case's customer;
3. an order number in the subject or the text names an imported order: that order's open
   case, else a new case on the order;
4. the sender is a customer with exactly one open case;
5. else a new case, its category guessed from the words (marked as a guess).
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from shopcare.clock import Actor, to_storage
from shopcare.domain.cardmask import mask_cards, may_hold_card
from shopcare.domain.cases import (
    NewCase,
    add_case,
    add_message,
    get_case_row,
    record_event,
    reply_bounced,
)
from shopcare.domain.customers import email_or_none
from shopcare.home import attachment_path, remove_leftovers, write_durably
from shopcare.intake.guess import Guesser
from shopcare.intake.parse import Mail, parse
from shopcare.patterns import LazyPattern

if TYPE_CHECKING:
    from shopcare.app import Session

# "Open" as MAIL.md means it for steps 3 and 4: a case the shop is still working on. A
# resolved case is not open (a new subject from its customer is a new case); a message that
# names a resolved case itself (steps 1 and 2) reopens it.
OPEN = ("new", "open", "waiting")
# the malls' relay domains: a buyer writing through the mall
RELAY_DOMAINS = {"marketplace.amazon.co.jp": "amazon", "fw.rakuten.ne.jp": "rakuten"}
MAIL_AUTHOR = "mail"  # who logs what `mail in` takes, on the timeline
_FUTURE_SKEW = timedelta(minutes=5)

# Order numbers as the malls write them; a candidate counts only if it names an imported order.
_ORDER_NUMBERS = LazyPattern(
    r"(?<![0-9A-Za-z-])(?:"
    r"\d{6}-\d{8}-\d{7,10}"  # Rakuten 123456-20261120-0000001234
    r"|\d{3}-\d{7}-\d{7}"  # Amazon 250-1234567-1234567
    r"|#\d{3,10}"  # Shopify #1050
    r"|[a-z0-9_]{3,30}-\d{5,12}"  # Yahoo! store-10000123
    r"|[A-Z0-9]{16}"  # BASE
    r")(?![0-9A-Za-z-])"
)
_ASKED_NUMBER = LazyPattern(
    r"(?:注文番号|受注番号|オーダー番号|order (?:number|no\.?|#))\s*[:：は]?\s*[#＃]?([0-9A-Za-z-]{3,40})",
    re.IGNORECASE,
)
_REPLY_PREFIX = LazyPattern(r"^\s*(?:(?:re|fw|fwd|aw|返信|転送)\s*[:：]\s*)+", re.IGNORECASE)


class Match(NamedTuple):
    case_id: int | None
    how: str  # what matched it, in a few words ("" for a new case)
    order: dict | None = None  # the imported order a new case is about


class DryRun(Exception):
    """Raised at the end of a dry run's one transaction, to roll it back."""


class Taken(NamedTuple):
    """What became of one message: the json fields of `mail in`, and the notices to print."""

    message_id: str
    case_id: int | None
    action: str  # new case | message added | auto-reply noted | bounce noted | skipped
    reason: str | None = None  # why it was skipped, or how it was matched
    notices: list[str] | tuple[()] = ()

    def line(self) -> str:
        if self.action == "skipped":
            return f"skipped: {self.reason} <{self.message_id}>"
        how = f" ({self.reason})" if self.reason else ""
        return f"case {self.case_id}: {self.action}{how}"

    def record(self) -> dict:
        return {
            "message_id": self.message_id,
            "case_id": self.case_id,
            "action": self.action,
            "reason": self.reason,
        }


class Intake:
    """Takes messages into one session's home."""

    def __init__(self, session: Session, dry_run: bool = False, dated: bool = False) -> None:
        """dry_run: attachments are not written; the caller takes every message inside one
        transaction and rolls it back (DryRun), so that each sees what the ones before did.
        dated: the messages come from files, received when their Date header says."""
        self.dated = dated
        self.s = session
        self.dry_run = dry_run
        self.actor = Actor(MAIL_AUTHOR, session.now)
        self.shop_email = (session.config.shop_email or "").strip().lower()
        self._secret: bytes | None = None
        self._intake: Guesser | None = None
        tag = re.escape(session.config.case_tag).replace(re.escape("{id}"), r"(\d{1,18})")
        self._tag = re.compile(tag)

    def _our_case(self, message_id: str) -> int | None:
        """The case a Message-ID of ours names (the key is read on first need: most new mail
        names none)."""
        if not message_id.startswith("shopcare."):  # as every one of ours does (msgid.py)
            return None
        from shopcare.intake.msgid import case_of_message_id, secret

        if self._secret is None:
            self._secret = secret(self.s.home)
        return case_of_message_id(message_id, self._secret)

    def take(self, raw: bytes) -> Taken:
        """Take one message (MailError if it cannot be read at all; a database error if it
        cannot be stored: the caller keeps it)."""
        mail = parse(raw)
        if mail.loop or (self.shop_email and mail.from_addr.lower() == self.shop_email):
            return Taken(mail.message_id, None, "skipped", "sent by the shop itself")
        store = self.s.store
        with store.write():
            if store.mail_by_message_id(mail.message_id) is not None:
                return Taken(mail.message_id, None, "skipped", "already taken")
            if mail.bounce:
                return self._bounce(mail, raw)
            if mail.auto_reply:
                return self._auto_reply(mail, raw)
            return self._message(mail, raw)

    # --- the three kinds of message ---

    def _message(self, mail: Mail, raw: bytes) -> Taken:
        case_id, how, order = self._match(mail)
        at = self._received_at(mail)
        text = self._text(mail)
        notices: list[str] = []
        about = self._event_data(mail)
        if case_id is None:
            case_id, notices, guessed = self._new_case(mail, at, order)
            how = ", ".join(part for part in (how, guessed) if part)
            action = "new case"
        else:
            action = "message added"
        case = get_case_row(self.s.store, case_id)
        at = max(at, datetime.fromisoformat(case["received_at"].replace("Z", "+00:00")))
        written = add_message(self.s.store, self.actor, case_id, text, at=at, mail=about)
        notices += list(written.notices)
        self._keep(mail, raw, case_id, written.event, "message")
        return Taken(mail.message_id, case_id, action, how or None, notices)

    def _auto_reply(self, mail: Mail, raw: bytes) -> Taken:
        """An auto-reply (不在のお知らせ): a note on its case, never a new case, and the reply
        clock left as it was."""
        case_id = self._match(mail).case_id
        if case_id is None:
            self._keep(mail, raw, None, None, "auto-reply")
            return Taken(mail.message_id, None, "skipped", "auto-reply")
        event = record_event(
            self.s.store,
            case_id,
            self.actor,
            "note",
            f"auto-reply from {mail.from_addr}: {mail.subject}".strip(),
            note_kind="contact",
            data=self._event_data(mail),
        )
        self._keep(mail, raw, case_id, event, "auto-reply")
        return Taken(mail.message_id, case_id, "auto-reply noted")

    def _bounce(self, mail: Mail, raw: bytes) -> Taken:
        """A bounce of a reply we sent: that reply marked as not delivered, on its case."""
        store = self.s.store
        for bounced_id in mail.bounced_ids:
            sent = store.mail_by_message_id(bounced_id)
            if sent is None or sent["direction"] != "out" or sent["case_id"] is None:
                continue
            store.mark_mail_undelivered(sent["id"], to_storage(self.s.now))
            notices = reply_bounced(
                store,
                self.actor,
                sent["case_id"],
                f"not delivered: the reply {sent['subject']!r} came back from {mail.from_addr}",
            )
            self._keep(mail, raw, sent["case_id"], None, "bounce")
            return Taken(mail.message_id, sent["case_id"], "bounce noted", None, notices)
        self._keep(mail, raw, None, None, "bounce")
        return Taken(mail.message_id, None, "skipped", "a bounce of no mail sent from shopcare")

    # --- which case ---

    def _match(self, mail: Mail) -> Match:
        store = self.s.store
        sender = email_or_none(mail.from_addr)
        # 1. a reply to a message we sent
        for named in [*reversed(mail.references), *mail.in_reply_to]:
            case_id = self._our_case(named)
            if case_id is not None and store.case_row(case_id) is not None:
                return Match(case_id, "reply to our mail")
        # 2. the case tag, from that case's customer
        for found in self._tag.finditer(mail.subject):
            row = store.case_row(int(found.group(1)))
            if row is not None and sender and row["customer_email"] == sender:
                return Match(row["id"], "case tag")
        # 3. an order number
        order = self._order(mail)
        if order is not None:
            open_cases = list(store.case_rows(statuses=OPEN, order_numbers=[order["number"]]))
            if open_cases:  # the latest, where there are several
                return Match(open_cases[-1]["id"], f"order {order['number']}")
            return Match(None, f"order {order['number']}", order)
        # 4. a customer with exactly one open case
        if sender:
            customer = store.find_customer_by_email(sender)
            if customer is not None:
                open_ids = store.open_cases_of_customer(customer["id"], list(OPEN))
                if len(open_ids) == 1:
                    return Match(open_ids[0], "the sender's open case")
        return Match(None, "")

    def _order(self, mail: Mail) -> dict | None:
        """The first order number in the subject or the text that names an imported order."""
        from shopcare.domain.orders import find_order

        seen: list[str] = []
        subject = self._tag.sub(" ", mail.subject)  # [#1042] is a case, not Shopify's #1042
        for text in (subject, mail.new_text or mail.text):
            for found in _ASKED_NUMBER.finditer(text):
                seen.append(found.group(1))
            seen += _ORDER_NUMBERS.findall(text)
        for number in dict.fromkeys(seen):
            order = find_order(self.s.store, number)
            if order is not None:
                return order
        return None

    # --- what is written ---

    def _new_case(self, mail: Mail, at: datetime, order: dict | None) -> tuple[int, list[str], str]:
        """A new case from a message; its id, the notices, and the category guess in words."""
        domain = mail.from_addr.rpartition("@")[2].lower()
        mall = next(
            (m for d, m in RELAY_DOMAINS.items() if domain == d or domain.endswith("." + d)), None
        )
        guess = self._guesser().guess(mail.subject, mail.new_text or mail.text)
        category = guess.category if guess and guess.category in self.s.categories else "other"
        new = NewCase(
            summary=self._summary(mail),
            received_at=at,
            channel="mall" if mall else "email",
            mall=mall or (order["mall"] if order else None),
            order_number=order["number"] if order else None,
            customer_name=_display_name(mail.from_name) or None,
            customer_email=email_or_none(mail.from_addr),
            category=category,
        )
        written = add_case(self.s.store, self.actor, new, self.s.categories)
        if guess and category != "other":
            record_event(
                self.s.store,
                written.id,
                self.actor,
                "note",
                f"category {category} guessed from the words: {', '.join(guess.words)}"
                " (correct it with case edit --category)",
                note_kind="internal",
                data={"category_guess": category, "words": guess.words},
            )
            return written.id, list(written.notices), f"category guessed: {category}"
        return written.id, list(written.notices), ""

    def _guesser(self) -> Guesser:
        if self._intake is None:
            from shopcare.settings.derived import intake_words

            self._intake = Guesser(intake_words(self.s.home, self.s.today))
        return self._intake

    def _received_at(self, mail: Mail) -> datetime:
        """When the shop received it. A mail system's delivery is received now: the sender's
        Date header may be slow, fast or forged, and a reply that seemed older than the answer
        it answers would wrong the clocks and the double-reply guard. A message from a file
        (an mbox of last month's mail) was received when its Date says, unless that is in the
        future."""
        now = self.s.now
        if not self.dated or mail.date is None or mail.date > now + _FUTURE_SKEW:
            return now
        return min(mail.date, now)

    @staticmethod
    def _summary(mail: Mail) -> str:
        subject = _REPLY_PREFIX.sub("", mail.subject).strip()
        if subject:
            return subject[:200]
        first = next((line.strip() for line in mail.new_text.splitlines() if line.strip()), "")
        return first[:80] or "(a mail with no subject and no text)"

    @staticmethod
    def _text(mail: Mail) -> str:
        text = mail.new_text.strip() or mail.text.strip()
        if text:
            return text
        names = ", ".join(a.name or a.content_type for a in mail.attachments)
        return f"(no text) attachments: {names}" if names else "(an empty mail)"

    @staticmethod
    def _event_data(mail: Mail) -> dict:
        return {
            "message_id": mail.message_id,
            "from": mail.from_addr,
            "subject": mail.subject,
            "attachments": [
                {"name": a.name, "type": a.content_type, "size": len(a.data)}
                for a in mail.attachments
            ],
        }

    def _keep(
        self, mail: Mail, raw: bytes, case_id: int | None, event_id: int | None, action: str
    ) -> None:
        """The message itself, kept whole with card numbers masked, and its attachments."""
        store = self.s.store
        mail_id = store.add_mail(
            {
                "message_id": mail.message_id,
                "direction": "in",
                "case_id": case_id,
                "event_id": event_id,
                "action": action,
                "at": to_storage(self.s.now),
                "sender": mail.from_addr,
                "subject": mask_cards(mail.subject)[0],
                "refs": " ".join([*mail.references, *mail.in_reply_to]) or None,
                "raw": masked_raw(raw, mail),
            }
        )
        files = []
        if mail.attachments:
            import hashlib  # here: most mail has no attachment
        for attachment in mail.attachments:
            data = attachment.data
            text = _attachment_text(attachment)
            if _holds_card(text):  # a text file with a card number in it is kept masked
                data = mask_cards(text)[0].encode("utf-8")
            digest = hashlib.sha256(data).hexdigest()
            if not self.dry_run:
                store_attachment(self.s.home, digest, data)
            files.append(
                (
                    mask_cards(attachment.name)[0],
                    attachment.content_type,
                    len(data),
                    digest,
                )
            )
        if files:
            store.add_attachments(mail_id, files)


def _display_name(name: str) -> str:
    """A sender's name without what a relay adds to it (山田 花子 - Amazon Marketplace)."""
    return re.sub(r"\s*-\s*Amazon\s*(?:Marketplace|マーケットプレイス)\s*$", "", name or "").strip()


def store_attachment(home: Path, digest: str, data: bytes) -> None:
    """An attachment's bytes under their content hash, owner-only; written once, atomically
    (a file of that name holds those bytes already)."""
    path = attachment_path(home, digest)
    if path.exists():
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent.parent, 0o700)
    remove_leftovers(path.parent, digest)  # a delivery killed mid-write, delivered again
    write_durably(path, data)


# headers mail systems write, where a run of digits is a date, an address or an id
_MACHINE_HEADERS = frozenset(
    (
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "received",
        "dkim-signature",
        "arc-seal",
        "arc-message-signature",
        "arc-authentication-results",
        "x-received",
        "authentication-results",
        "received-spf",
        "return-path",
        "content-type",
        "content-transfer-encoding",
        "mime-version",
    )
)


def _holds_card(text: str) -> bool:
    # may_hold_card alone finds a Date header's digits; a card number is what passes Luhn
    return bool(text) and may_hold_card(text) is not None and mask_cards(text)[1] > 0


def _attachment_text(attachment) -> str:
    return (
        attachment.data.decode("utf-8", "replace")
        if attachment.content_type.startswith("text/")
        else ""
    )


def masked_raw(raw: bytes, mail: Mail) -> bytes:
    """The message as received, unless it holds a card number somewhere a person writes (the
    subject and other headers, a text or HTML part, a text attachment, a file name): then
    those parts and headers are written again with the numbers masked, the rest as it was."""
    texts = [
        mail.subject,
        mail.text,
        *mail.other_text,
        *(value for name, value in mail.headers if name.lower() not in _MACHINE_HEADERS),
        *(a.name for a in mail.attachments),
        *(_attachment_text(a) for a in mail.attachments),
    ]
    if not any(_holds_card(text) for text in texts):
        return raw
    import email
    import email.policy

    message = email.message_from_bytes(raw, policy=email.policy.default)
    try:
        for part in message.walk():
            _mask_headers(part)
            if part.get_content_maintype() != "text" or part.is_multipart():
                continue
            content = part.get_content()
            if _holds_card(content):
                filename = part.get_filename()
                disposition = part.get_content_disposition()
                part.set_content(
                    mask_cards(content)[0],
                    subtype=part.get_content_subtype(),
                    charset="utf-8",
                    disposition=disposition,
                    filename=mask_cards(filename)[0] if filename else None,
                )
        return message.as_bytes()
    except Exception:  # noqa: BLE001 - a part email cannot write again: mask the bytes as they are
        text = raw.decode("latin-1")
        return mask_cards(text)[0].encode("latin-1")


def _mask_headers(part) -> None:
    """Every header of a part with a card number in it masked, each in its place (two headers
    of one name stay two, in their order)."""
    items = list(part.items())
    if not any(_holds_card(str(value)) for _, value in items):
        return
    for name in dict.fromkeys(name for name, _ in items):
        del part[name]
    for name, value in items:
        part[name] = mask_cards(str(value))[0] if _holds_card(str(value)) else value
