"""Public replies: a reply to a review is posted on the mall for anyone to read, so it carries
nothing private, is addressed to no one, and is never drafted as a mail."""

from __future__ import annotations

# A template whose name starts so is a reply to a review: posted on the mall for anyone to read.
PUBLIC_PREFIX = "review_reply_"
# What a public reply's context leaves out (the customer is empty), and the case's fields it drops.
_WITHHELD = ("order", "order_number", "promise", "remedy", "remedies", "refund")
_PRIVATE_CASE_FIELDS = ("customer_name", "customer_email", "customer_id", "order_number")
# Names a public reply asking for one of them is told it cannot print.
PRIVATE_NAMES = frozenset((*_WITHHELD, *_PRIVATE_CASE_FIELDS, "name", "email", "address"))


def is_public(template: str) -> bool:
    """A review reply is published on the mall, not mailed to the customer: it carries nothing
    private, is not addressed to anyone, and is never drafted as a mail (eml)."""
    return template.startswith(PUBLIC_PREFIX)


def public_context(context: dict) -> dict:
    """What a public reply sees: no customer name or e-mail, no order or its number, nothing
    promised or offered to the customer; the case without its customer's fields."""
    public = {key: value for key, value in context.items() if key not in _WITHHELD}
    public["customer"] = {}
    if isinstance(context.get("case"), dict):
        public["case"] = {
            key: value for key, value in context["case"].items() if key not in _PRIVATE_CASE_FIELDS
        }
    return public
