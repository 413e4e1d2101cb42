"""A draft written out: as one json object, or as a complete mail (eml) a mail client opens
ready to send."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

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
    rendered: Rendered,
    *,
    to: str | None,
    shop_name: str,
    shop_email: str,
    now: datetime,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    tag_subject: str | None = None,
) -> str:
    """A complete RFC 5322 draft: a mail client opens it ready to send (X-Unsent: 1). Built as
    a sent reply is (replies/send.py), threading headers included when given; without a
    message_id it gets a random one."""
    from email.utils import make_msgid

    from shopcare.replies.send import build_message

    if message_id is None:
        message_id = make_msgid(domain=shop_email.partition("@")[2] or None)
    return build_message(
        rendered,
        to=to,
        shop_name=shop_name,
        shop_email=shop_email,
        now=now,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        tag_subject=tag_subject,
        unsent=True,
    ).as_string()
