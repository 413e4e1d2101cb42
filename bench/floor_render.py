"""The floor for batch rendering: a bare Jinja loop rendering the same template with one fixed
context, N times, printing each result. Usage: floor_render.py TEMPLATE_DIR NAME N"""

import sys
from datetime import date, datetime, timedelta, timezone

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from shopcare.replies.filters import FILTERS, make_estimate

folder, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
env = Environment(
    loader=FileSystemLoader(folder), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
)
env.filters.update(FILTERS)
now = datetime(2026, 11, 24, 8, 0, tzinfo=timezone(timedelta(hours=9)))
env.filters["estimate"], env.filters["en_estimate"] = make_estimate(2, now=now)
template = env.get_template(f"ja/{name}.txt")
context = {
    "shop": {
        "name": "はなまる雑貨店",
        "email": "support@example.jp",
        "signature": "はなまる雑貨店",
        "address": "〒150-0001 東京都渋谷区神宮前1-2-3",
        "return_address": "〒150-0001 東京都渋谷区神宮前1-2-3",
    },
    "case": {
        "summary": "商品がまだ届かない",
        "category": "delivery.late",
        "category_label": "配送の遅れ",
        "fault": "unknown",
        "is_inquiry": False,
    },
    "customer": {"name": "佐藤 美咲", "email": "customer1@example.jp"},
    "order": {
        "number": "RA-00000001",
        "items": [{"name": "マグカップ", "quantity": 1}],
        "tracking_number": "492100000001",
    },
    "order_number": "RA-00000001",
    "promise": None,
    "remedy": None,
    "remedies": [],
    "refund": None,
    "returns": {"declared_policy": False, "window_days": 8, "customer_pays_shipping": True},
    "today": date(2026, 11, 24),
    "now": now,
    "vars": {},
}
out = sys.stdout
for _ in range(count):
    out.write(template.render(context))
