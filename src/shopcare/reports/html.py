"""The report as one self-contained HTML page: the CSS and the charts (SVG) are inline, nothing is
fetched from anywhere and no script runs, so that the page opens offline, forwarded by mail
or from a USB stick, exactly as it was written. Every text that comes from the shop's data
(category labels, malls, the customers' phrases, the shop's name) is escaped."""

from __future__ import annotations

from html import escape

# the same figures the table and json show, in the words a shop owner reads
DURATION_ROWS = (
    ("median_business_hours", "Median, business hours"),
    ("p90_business_hours", "90th percentile, business hours"),
    ("median_hours", "Median, hours"),
    ("p90_hours", "90th percentile, hours"),
    ("mean_business_hours", "Mean, business hours"),
    ("mean_hours", "Mean, hours"),
)
# (field, title, how it is shown) of the trend charts
TRENDS = (
    ("cases_received", "Cases received", "count"),
    ("first_reply.median_business_hours", "First reply: median business hours", "hours"),
    ("resolution.median_business_hours", "Resolution: median business hours", "hours"),
    ("within_sla_share", "Replies within SLA", "share"),
    ("escalation_rate", "Escalation rate", "share"),
    ("reopen_rate", "Reopen rate", "share"),
    ("backlog", "Backlog at the period's end", "count"),
    ("remedies_yen", "Remedies, yen", "count"),
)

# every figure of a period of the series, for its table
SERIES_COLUMNS = (
    ("cases_received", "Cases received", "count"),
    *(
        (f"{name}.{key}", f"{title}: {label.lower()}", "count" if key == "count" else "hours")
        for name, title in (("first_reply", "First reply"), ("resolution", "Resolution"))
        for key, label in (("count", "Cases"), *DURATION_ROWS)
    ),
    ("within_sla_share", "Replies within SLA", "share"),
    ("within_sla", "Within SLA", "count"),
    ("reopen_rate", "Reopen rate", "share"),
    ("reopened", "Reopened", "count"),
    ("escalation_rate", "Escalation rate", "share"),
    ("escalated", "Escalated", "count"),
    ("with_target", "With a verdict", "count"),
    ("backlog", "Backlog", "count"),
    ("remedies_count", "Remedies", "count"),
    ("remedies_yen", "Remedies, yen", "count"),
    ("approvals", "Approved", "count"),
    ("satisfaction_checks", "Satisfaction checks", "count"),
    ("satisfaction_share", "Resolved cases checked", "share"),
)

CSS = """
body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",Meiryo,sans-serif;
margin:2rem auto;max-width:64rem;padding:0 1rem;color:#1d2430;background:#fff;line-height:1.5}
h1{font-size:1.6rem;margin:0}h2{font-size:1.2rem;margin:2rem 0 .6rem;border-bottom:2px solid #e3e7ee}
h3{font-size:1rem;margin:1rem 0 .3rem}
.sub{color:#5b6576;margin:.2rem 0 1.2rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.6rem}
.card{border:1px solid #e3e7ee;border-radius:.5rem;padding:.6rem .8rem;background:#f8fafc}
.card .v{font-size:1.5rem;font-weight:600}.card .k{font-size:.85rem;color:#5b6576}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.92rem}
th,td{border-bottom:1px solid #e3e7ee;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:1rem}
figure{margin:0}figcaption{font-size:.9rem;font-weight:600;margin-bottom:.2rem}
svg text{font-size:11px;fill:#3b4455}svg .bar{fill:#3b7dd8}svg .axis{stroke:#c9d0db}
.note{font-size:.85rem;color:#5b6576}.wide{overflow-x:auto}.wide th,.wide td{white-space:nowrap}
@media print{body{margin:0}.charts{grid-template-columns:1fr 1fr}}
"""


def text(value) -> str:
    """A value from the data, escaped for HTML."""
    return escape("" if value is None else str(value), quote=True)


def count_text(value) -> str:
    return "–" if value is None else f"{value:,}"


def hours_text(value) -> str:
    return "–" if value is None else str(value)


def share_text(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


_SHOWN = {"count": count_text, "hours": hours_text, "share": share_text}


def field(entry: dict, name: str):
    """entry's value at a dotted name (first_reply.median_hours)."""
    value = entry
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def column_chart(title: str, labels: list[str], values: list, shown: str) -> str:
    """Columns, one a period, each with its value above it; a period without one shows none."""
    show = _SHOWN[shown]
    width, height, top, bottom, left = 380, 170, 18, 34, 28  # room for the end labels
    plot = height - top - bottom
    known = [v for v in values if v is not None]
    most = max(known, default=0) or 1
    step = (width - 2 * left) / max(1, len(values))
    bar = max(2.0, step * 0.7)
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{text(title)}">',
        f'<line class="axis" x1="{left}" y1="{top + plot}" x2="{width - left}" y2="{top + plot}"/>',
    ]
    # as many labels under the axis as fit side by side (about 6.5 units a character)
    widest = max((len(label) for label in labels), default=1) * 6.5 + 6
    every = max(1, -(-int(widest) // max(1, int(step))))
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * step + (step - bar) / 2
        middle = x + bar / 2
        if value is not None:
            tall = plot * value / most
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{top + plot - tall:.1f}" width="{bar:.1f}"'
                f' height="{tall:.1f}"><title>{text(label)}: {text(show(value))}</title></rect>'
            )
            if len(show(value)) * 7 <= step:  # each value over its column, where it fits
                parts.append(
                    f'<text x="{middle:.1f}" y="{top + plot - tall - 4:.1f}"'
                    f' text-anchor="middle">{text(show(value))}</text>'
                )
        if index % every == 0:
            parts.append(
                f'<text x="{middle:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                f"{text(label)}</text>"
            )
    parts.append("</svg>")
    return f"<figure><figcaption>{text(title)}</figcaption>{''.join(parts)}</figure>"


def bar_chart(title: str, rows: list[tuple[str, int]]) -> str:
    """Horizontal bars with their labels and counts: cases by category group, by mall."""
    if not rows:
        return ""
    row_height, label_width, width = 22, 150, 380
    height = row_height * len(rows) + 6
    most = max(count for _, count in rows) or 1
    room = width - label_width - 50
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{text(title)}">'
    ]
    for index, (label, count) in enumerate(rows):
        y = 3 + index * row_height
        long = room * count / most
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{text(label)}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{long:.1f}" height="15"/>'
            f'<text x="{label_width + long + 5:.1f}" y="{y + 15}">{count_text(count)}</text>'
        )
    parts.append("</svg>")
    return f"<figure><figcaption>{text(title)}</figcaption>{''.join(parts)}</figure>"


def _card(value: str, label: str) -> str:
    return f'<div class="card"><div class="v">{value}</div><div class="k">{text(label)}</div></div>'


def _table(headers: list[tuple[str, bool]], rows: list[list[str]]) -> str:
    """rows of cells already made safe (escaped text); numbers (True) right-aligned."""
    head = "".join(
        f'<th class="n">{text(h)}</th>' if n else f"<th>{text(h)}</th>" for h, n in headers
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{cell}</td>' if numeric else f"<td>{cell}</td>"
            for cell, (_, numeric) in zip(row, headers, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(report: dict, shop_name: str = "", lang: str = "ja") -> str:
    """The whole page."""
    title = f"{shop_name + ' ' if shop_name else ''}report {report['from']} – {report['until']}"
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{text(lang)}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{text(title)}</title>",
        f"<style>{CSS}</style></head>",
        "<body>",
        f"<header><h1>{text(title)}</h1>",
        f'<p class="sub">{text(report["from"])} to {text(report["until"])}, both days included;'
        f" figures as of {text(report['as_of'])}</p></header>",
    ]
    first, resolution = report["first_reply"], report["resolution"]
    out.append('<section><h2>Key figures</h2><div class="cards">')
    out += [
        _card(count_text(report["cases_received"]), "cases received"),
        _card(hours_text(first["median_business_hours"]), "first reply: median business hours"),
        _card(
            hours_text(resolution["median_business_hours"]),
            "resolution: median business hours",
        ),
        _card(share_text(report["within_sla_share"]), "replies within SLA"),
        _card(share_text(report["reopen_rate"]), "reopen rate"),
        _card(share_text(report["escalation_rate"]), "escalation rate"),
        _card(count_text(report["backlog"]), "backlog at the end"),
        _card(count_text(report["remedies_yen"]) + " 円", "remedies, yen"),
        _card(count_text(report["approvals"]), "remedies approved"),
        _card(count_text(report["satisfaction_checks"]), "satisfaction checks sent"),
        _card(share_text(report["satisfaction_share"]), "resolved cases checked"),
    ]
    out.append("</div></section>")

    out.append("<section><h2>First reply and resolution</h2>")
    rows = [["Cases timed", count_text(first["count"]), count_text(resolution["count"])]]
    rows += [
        [text(label), hours_text(first[key]), hours_text(resolution[key])]
        for key, label in DURATION_ROWS
    ]
    out.append(_table([("", False), ("First reply", True), ("Resolution", True)], rows))
    out.append(
        "<p class=\"note\">From the customer's first message. Business hours count the shop's"
        " opening hours on its business days only; the 90th percentile is by nearest rank. "
        f"Replies within SLA: {count_text(report['within_sla'])} of {count_text(first['count'])}."
        f" Escalated: {count_text(report['escalated'])} of {count_text(report['with_target'])}"
        f" cases with a verdict. Reopened: {count_text(report['reopened'])}.</p></section>"
    )

    out.append('<section><h2>Cases received</h2><div class="charts">')
    out.append(
        bar_chart(
            "By category group",
            [(f"{c['label']} ({c['category']})", c["count"]) for c in report["by_category"]],
        )
    )
    out.append(
        bar_chart("By mall", [(m["mall"] or "(none)", m["count"]) for m in report["by_mall"]])
    )
    out.append("</div></section>")

    out.append("<section><h2>Remedies</h2>")
    if report["remedies"]:
        out.append(
            _table(
                [
                    ("Kind", False),
                    ("Category", False),
                    ("Count", True),
                    ("Yen", True),
                    ("Approved", True),
                ],
                [
                    [
                        text(r["kind"]),
                        f"{text(r['category_label'])} ({text(r['category'])})",
                        count_text(r["count"]),
                        count_text(r["yen"])
                        + (f" (+{r['unpriced']} unpriced)" if r["unpriced"] else ""),
                        count_text(r["approved"]),
                    ]
                    for r in report["remedies"]
                ],
            )
        )
    out.append(
        f'<p class="note">{count_text(report["remedies_count"])} remedies,'
        f" {count_text(report['remedies_yen'])} 円; {count_text(report['approvals'])} approved.</p>"
        "</section>"
    )

    out.append("<section><h2>FAQ candidates</h2>")
    if report["faq"]:
        out.append(
            _table(
                [
                    ("Kind", False),
                    ("Question or phrase", False),
                    ("Cases", True),
                    ("Case ids", False),
                ],
                [
                    [
                        text(f["kind"]),
                        text(f["phrase"])
                        + (f" ({text(f['category'])})" if f.get("category") else ""),
                        count_text(f["count"]),
                        text(", ".join(map(str, f["case_ids"]))),
                    ]
                    for f in report["faq"]
                ],
            )
        )
    else:
        out.append('<p class="note">No inquiry and no phrase recurs in this period.</p>')
    out.append(
        f'<p class="note">Inquiries: the cases received, by category. Phrases: from the newest'
        f" {count_text(report['faq_messages'])} customer messages of the period, each phrase in"
        " three cases or more.</p></section>"
    )

    series = report["series"]
    if series:
        labels = [entry["period"] for entry in series]
        out.append(f'<section><h2>Trends by {text(report["by"])}</h2><div class="charts">')
        for name, caption, shown in TRENDS:
            out.append(column_chart(caption, labels, [field(e, name) for e in series], shown))
        out.append("</div>")
        headers = [("Period", False), ("From", False), ("Until", False)]
        headers += [(caption, True) for _, caption, _ in SERIES_COLUMNS]
        rows = [
            [text(entry["period"]), text(entry["from"]), text(entry["until"])]
            + [_SHOWN[shown](field(entry, name)) for name, _, shown in SERIES_COLUMNS]
            for entry in series
        ]
        out.append(f'<div class="wide">{_table(headers, rows)}</div>')
        out.append("</section>")
    out.append(
        '<footer class="note"><p>Made by shopcare report. Rates are shares of the cases'
        " each counts; the README defines every figure.</p></footer>"
    )
    out.append("</body></html>")
    return "\n".join(out) + "\n"
