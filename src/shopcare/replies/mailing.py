"""`reply --send`: a reply mailed on its case's thread, recorded as sent only once the server
has taken it, and never twice by accident.

Sending is three steps, so that no database lock is held while the mail server is talked to
(a mail system delivering a customer's message meanwhile must not wait on it):
1. one write checks that no reply went out after the customer's latest message (nor is going
   out now, from another terminal) and claims the sending;
2. the mail goes to the server;
3. one write records the reply as sent (as --mark-sent does) and keeps the message; or, if
   the server did not take it, forgets the claim: nothing is recorded as sent.
A claim never recorded (a process killed while sending, a database locked when the reply was
to be recorded) keeps blocking until the customer writes again: the reply may have gone out,
and only the shop can tell (its sent mail, the customer's answer); `--again` sends anyway,
`--mark-sent` records it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from shopcare.clock import from_storage, to_storage
from shopcare.errors import ShopcareError

if TYPE_CHECKING:
    from email.message import EmailMessage

    from shopcare.clock import Actor
    from shopcare.settings.config import Config
    from shopcare.store.api import Store

CLAIM_LIFETIME = timedelta(minutes=10)


class Thread(NamedTuple):
    """The headers that put a reply on the customer's thread."""

    in_reply_to: str | None
    references: list[str]
    tag: str  # the case tag for the subject, e.g. [#12]


def thread_of(store: Store, config: Config, case_id: int) -> Thread:
    """In-Reply-To the customer's latest message that came by mail, References its chain."""
    from shopcare.replies.send import case_tag

    latest = store.latest_mail_in(case_id)
    tag = case_tag(config.case_tag, case_id)
    if latest is None:
        return Thread(None, [], tag)
    chain = (latest["refs"] or "").split()
    return Thread(latest["message_id"], [*chain, latest["message_id"]], tag)


def draft_message_id(home: Path, config: Config, case_id: int) -> str | None:
    """A Message-ID of ours for a draft (--format eml), so that the customer's answer to it,
    sent from a mail client, threads onto its case; None where the shop's address has no
    domain to put in it."""
    from shopcare.intake.msgid import make_message_id, secret

    domain = (config.shop_email or "").partition("@")[2]
    if not domain:
        return None
    try:
        key = secret(home)
    except OSError as exc:
        raise ShopcareError(
            f"cannot read or make the Message-ID key in {home / 'mail'}: {exc.strerror}",
            "check the home folder's permissions, or draft with --format text",
        ) from None
    return make_message_id(case_id, key, domain)


def check_not_answered(
    store: Store, case_id: int, now: datetime, tz, other_than: str | None = None
) -> None:
    """Refuse a second reply after the customer's latest message, naming who sent the first
    and when (--again sends anyway), and one being sent (or sent and never recorded).
    With other_than (recording a reply sent elsewhere, --mark-sent): only another operator's
    recorded reply refuses it (TEAM.md); one's own status updates follow each other, and
    --mark-sent is how a never-recorded send gets recorded."""
    case = store.case_row(case_id)
    since = case["last_customer_at"] or case["received_at"]
    sent = store.replies_sent_since(case_id, since)
    if other_than is not None:
        sent = [reply for reply in sent if reply["author"] != other_than]
    if sent:
        last = sent[-1]
        when = from_storage(last["at"]).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        raise ShopcareError(
            f"case {case_id} was answered already after the customer's latest message:"
            f" {last['author']} sent {last['text']!r} at {when}",
            "read the case (shopcare case show) first; send anyway with --again",
        )
    if other_than is not None:
        return
    going = store.mail_sending(case_id, since)
    if going:
        started = from_storage(going[-1]["at"])
        when = started.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        if now - started < CLAIM_LIFETIME:
            raise ShopcareError(
                f"a reply on case {case_id} is being sent right now (since {when})",
                "wait for it, then read the case; send anyway with --again",
            )
        raise ShopcareError(
            f"a reply on case {case_id} was being sent at {when} and was never recorded: it may"
            f" have reached the customer (Message-ID <{going[-1]['message_id']}>)",
            "look in the shop's sent mail; record it with --mark-sent, or send anyway with --again",
        )


def send_reply(
    store: Store,
    home: Path,
    config: Config,
    actor: Actor,
    tz,
    case_id: int,
    rendered,
    to: str | None,
    again: bool,
    mall: str | None,
    fid: str | None = None,
) -> tuple[str, list[str]]:
    """Mail one rendered reply on its case's thread; (the Message-ID, the notices)."""
    from shopcare.domain.followups import record_sent
    from shopcare.intake.msgid import make_message_id, secret
    from shopcare.replies.send import build_message, send

    settings = config.smtp_for(mall)  # no [smtp]: said before anything is claimed
    domain = (config.shop_email or "").partition("@")[2]
    if not domain:
        raise ShopcareError(
            "the shop has no e-mail address to send from",
            "shopcare init --email support@example.jp",
        )
    now = actor.now
    with store.write():  # 1. the guard and the claim, one transaction
        if not again:
            check_not_answered(store, case_id, now, tz)
        thread = thread_of(store, config, case_id)
        message_id = make_message_id(case_id, secret(home), domain)
        message: EmailMessage = build_message(
            rendered,
            to=to,
            shop_name=config.shop_name,
            shop_email=config.shop_email,
            now=now.astimezone(tz),
            message_id=message_id,
            in_reply_to=thread.in_reply_to,
            references=thread.references,
            tag_subject=thread.tag,
        )
        claim = store.add_mail(
            {
                "message_id": message_id,
                "direction": "out",
                "case_id": case_id,
                "action": "sending",
                "at": to_storage(now),
                "sender": config.shop_email,
                "subject": str(message["Subject"]),
                "refs": " ".join(thread.references) or None,
                "raw": message.as_bytes(),
            }
        )
    try:  # 2. the server
        send(message, settings, config.shop_email)
    except BaseException:
        with store.write():  # 3. not taken: nothing is recorded as sent
            store.drop_mail(claim)
        raise
    try:
        with store.write():  # 3. taken: recorded as sent
            notices = record_sent(
                store,
                actor,
                case_id,
                fid,
                rendered.template,
                rendered.lang,
                str(message["Subject"]),
            )
            event = store.replies_sent_since(case_id, to_storage(now))[-1]["id"]
            store.update_mail(claim, {"action": "sent", "event_id": event})
    except Exception as exc:  # the mail is out: say so plainly, whatever stopped the record
        from shopcare.store.errors import DATABASE_ERRORS, explain_database_error

        why = explain_database_error(exc)[0] if isinstance(exc, DATABASE_ERRORS) else str(exc)
        raise ShopcareError(
            f"the reply WAS sent (Message-ID <{message_id}>), but it could not be recorded: {why}",
            f"record it: shopcare reply {case_id} {rendered.template} --mark-sent"
            " (until then, --send on this case is refused)",
        ) from exc
    return message_id, notices
