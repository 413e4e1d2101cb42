"""The case's own bookkeeping columns, named once: the follow-up clocks' and the report's
times. The json a user sees leaves them out, and so does what a draft reads. A leaf module (it
imports nothing), so that the store may read it without importing the domain's rules."""

CLOCK_KEYS = frozenset(
    (
        "awaiting_reply_since",
        "last_customer_at",
        "paused_since",
        "paused_seconds",
        "resolved_at",
        "undelivered_at",
        # the report's: when the shop first replied and first resolved the case, how often the
        # customer's message opened it again after that, when anyone last opened it again
        "first_reply_at",
        "first_resolved_at",
        "customer_reopened",
        "last_reopened_at",
    )
)
