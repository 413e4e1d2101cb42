"""A draft written out: as one json object, or as a complete mail (eml) a mail client opens
ready to send."""

from __future__ import annotations

import json
from datetime import datetime

from shopcare.errors import ShopcareError, breaks_line
from shopcare.replies.public import is_public
from shopcare.replies.templates import Rendered


def as_json(
    rendered: Rendered, to: str | None, case_id: int | None, ascii_only: bool = False
) -> str:
    """A draft as one json object, on one line. ascii_only: every non-ASCII character escaped,
    for an output that is not UTF-8."""
    if is_public(rendered.template):
        to = None  # posted on the mall, addressed to no one
    draft = {
        "to": to,
        "subject": rendered.subject,
        "body": rendered.body,
        "case_id": case_id,
        "template": rendered.template,
        "lang": rendered.lang,
    }
    return json.dumps(draft, ensure_ascii=ascii_only)


def as_eml(
    rendered: Rendered, *, to: str | None, shop_name: str, shop_email: str, now: datetime
) -> str:
    """A complete RFC 5322 draft: a mail client opens it ready to send (X-Unsent: 1)."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

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
    for what, value in (("subject", rendered.subject), ("recipient", to), ("shop name", shop_name)):
        if breaks_line(value):
            raise ShopcareError(
                f"the {what} holds a line break, which would break the mail's headers",
                "correct it where it comes from (case edit --order, shopcare init --name)",
            )
    try:
        message = EmailMessage()
        message["To"] = to
        user, _, domain = shop_email.partition("@")
        message["From"] = (
            Address(display_name=shop_name, username=user, domain=domain)
            if shop_name
            else shop_email
        )
        message["Subject"] = rendered.subject
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(domain=domain or None)
        message["X-Unsent"] = "1"
        message.set_content(rendered.body, charset="utf-8")
        return message.as_string()
    except (ValueError, TypeError, IndexError) as exc:  # the email package's own refusals
        raise ShopcareError(
            f"case's draft cannot be made into a mail: {exc}",
            "check the recipient, the shop's name and e-mail (shopcare init), or use --format text",
        ) from None
