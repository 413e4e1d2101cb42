"""Every listing's columns, defined once as data: table, tsv and json are three renderings of
the same rows (cli/output.py draws them). One module for all of them, so that a command group
that shows another's rows (a customer's orders, an order's cases) imports the view, not the
other command group."""

from shopcare.cli.output import Column, View
from shopcare.store.tables import TABLES

DAYS = View(
    title="Calendar",
    columns=(
        Column("date", "Date"),
        Column("weekday", "Day"),
        Column("business", "Open"),
        Column("hours", "Hours"),
        Column("reason", "Closed because"),
    ),
)


CASE_LIST = View(
    title="Cases",
    columns=(
        Column("id", "ID", min_width=2),
        Column("received_at", "Received", min_width=11),
        Column("status", "Status", min_width=7),
        Column("priority", "Priority", hide_below=120),
        Column("category_label", "Category", max_width=14),
        Column("mall", "Mall", hide_below=140),
        Column("order_number", "Order", max_width=24, hide_below=100),
        Column("customer_name", "Customer", max_width=12),
        Column("assignee", "Assignee", hide_below=160),
        Column("summary", "Summary", min_width=24),
    ),
    empty="no cases to show",
)


CASE_FIELDS = (
    Column("id", "Case"),
    Column("status", "Status"),
    Column("priority", "Priority"),
    Column("received_at", "Received"),
    Column("channel", "Channel"),
    Column("mall", "Mall"),
    Column("order_number", "Order"),
    Column("customer_name", "Customer"),
    Column("customer_email", "E-mail"),
    Column("category", "Category code"),
    Column("category_label", "Category"),
    Column("summary", "Summary"),
    Column("request", "Request"),
    Column("fault", "Fault"),
    Column("assignee", "Assignee"),
    Column("cause", "Cause"),
    Column("prevention", "Prevention"),
    Column("closed_at", "Closed"),
)


TIMELINE = View(
    title="Timeline",
    columns=(
        Column("at", "When"),
        Column("kind", "What"),
        Column("author", "Who"),
        Column("what", "Details", max_width=70),
    ),
    empty="no events",
)


FOLLOWUPS = View(
    title="Follow-ups",
    columns=(
        Column("due_at", "Due", attr="due"),
        Column("left", "Left", no_wrap=True),
        Column("kind", "Kind"),
        Column("id", "ID", attr="fid"),
        Column("ref", "For", no_wrap=True),
        Column("customer", "Customer"),
        Column("what", "What to do", max_width=40),
        Column("template", "Template"),
    ),
    empty="nothing due",
)


ORDER_FIELDS = (
    Column("number", "Order"),
    Column("mall", "Mall"),
    Column("status", "Status"),
    Column("customer_name", "Customer"),
    Column("customer_email", "E-mail"),
    Column("ordered_at", "Ordered"),
    Column("paid_at", "Paid"),
    Column("shipped_at", "Shipped"),
    Column("delivered_at", "Delivered"),
    Column("carrier", "Carrier"),
    Column("tracking_number", "Tracking number"),
    Column("total", "Total"),
    Column("currency", "Currency"),
    Column("accepts_marketing", "Accepts marketing"),
)


ITEMS = View(
    title="Items",
    columns=(
        Column("name", "Item", max_width=50),
        Column("sku", "SKU"),
        Column("quantity", "Qty"),
        Column("price", "Unit price"),
    ),
    empty="no items",
)


ORDER_LIST = View(
    title="Orders",
    columns=(
        Column("number", "Order", no_wrap=True),
        Column("mall", "Mall"),
        Column("ordered_at", "Ordered"),
        Column("status", "Status"),
        Column("shipped_at", "Shipped"),
        Column("tracking_number", "Tracking number"),
        Column("total", "Total"),
        Column("item_names", "Items", max_width=40),
    ),
    empty="no imported orders for this customer",
)


CUSTOMER_FIELDS = (
    Column("id", "Customer"),
    Column("name", "Name"),
    Column("email", "E-mail"),
    Column("created_at", "Known since"),
)


SUGGESTION_FIELDS = (
    Column("case_id", "Case"),
    Column("rule", "Rule"),
    Column("source", "From"),
    Column("template", "Template"),
    Column("approval", "Approval"),
    Column("return_right", "Return right"),
    Column("warnings_text", "Warnings"),
)


REASONS = View(
    title="Why this rule",
    columns=(Column("key", "Key"), Column("rule", "Rule says"), Column("case", "This case")),
    empty="no rule matched",
)


REMEDIES = View(
    title="Remedies",
    columns=(
        Column("kind", "Kind"),
        Column("amount", "Yen"),
        Column("worth", "Worth (yen)"),
        Column("items_text", "Items"),
        Column("note", "Note", max_width=60),
    ),
    empty="none",
)


PRECEDENTS = View(
    title="Similar earlier cases (same category and fault)",
    columns=(
        Column("case_id", "Case"),
        Column("received_at", "Received"),
        Column("kind", "Got"),
        Column("amount", "Yen"),
    ),
    empty="no earlier case of this kind got a remedy",
)


TEMPLATE_LIST = View(
    title="Templates",
    columns=(
        Column("name", "Name"),
        Column("ja", "ja"),
        Column("en", "en"),
        Column("description", "What it is for", max_width=60),
    ),
)


CATEGORIES = View(
    title="Categories",
    columns=(
        Column("code", "Code"),
        Column("label_ja", "日本語"),
        Column("label_en", "English"),
        Column("default_priority", "Priority"),
    ),
)


MAIL_TAKEN = View(
    title="Mail taken",
    columns=(
        Column("message_id", "Message-ID", max_width=40),
        Column("case_id", "Case"),
        Column("action", "Action"),
        Column("reason", "How / why"),
    ),
    empty="no messages",
)


MAIL_FAILED = View(
    title="Mail kept in mail/failed",
    columns=(
        Column("file", "File", max_width=60),
        Column("kept_at", "Kept"),
        Column("size", "Bytes"),
        Column("reason", "Why", max_width=60),
    ),
    empty="no messages are waiting in mail/failed",
)


REPORT_FIGURES = View(
    title="Report",
    columns=(
        Column("period", "Period"),
        Column("figure", "Figure"),
        Column("key", "Of"),
        Column("value", "Value"),
        Column("case_ids", "Cases"),
    ),
    empty="no figures",
)


SEARCH = View(
    title="Found",
    columns=(
        Column("case_id", "ID", min_width=2),
        Column("received_at", "Received", min_width=11),
        Column("status", "Status", min_width=7),
        Column("customer_name", "Customer", max_width=12),
        Column("category", "Category", max_width=20, hide_below=100),
        # domain/search.py's MARKS (not imported: every command loads this module)
        Column("snippet", "Found", min_width=24, marks=("«", "»")),
        Column("matched_in", "In", max_width=16, hide_below=120),
    ),
    empty="no case holds every word",
)

DB_INFO = (
    Column("database", "Database"),
    Column("location", "Location"),
    Column("set_by", "Set by"),
    Column("schema", "Schema"),
    *(Column(table, table.replace("_", " ").capitalize()) for table in TABLES),
)

PURGE_PLAN = View(
    title="Would be erased",
    columns=(
        Column("id", "ID", min_width=2),
        Column("closed_at", "Closed", min_width=11),
        Column("category", "Category", max_width=20),
        Column("customer_name", "Customer", max_width=12),
        Column("texts", "Texts"),
        Column("customer_erased", "Customer erased"),
    ),
    empty="no case closed before that date is left to purge",
)
