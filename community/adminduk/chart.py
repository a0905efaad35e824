"""A tiny server-rendered SVG bar chart (no JavaScript, no library): median days
to done per week. The numbers are also shown beside it as a table."""
from __future__ import annotations

from datetime import datetime

from markupsafe import Markup, escape

from core.i18n import format_wita


def weekly_svg(weeks: list[tuple[datetime, float | None, int]], width: int = 320, height: int = 140) -> Markup:
    values = [value or 0 for _start, value, _count in weeks]
    top = max(values + [1])
    bar = width / max(len(weeks), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 20}" '
        f'width="100%" role="img" aria-labelledby="chart-title" class="chart">',
        '<title id="chart-title">median</title>',
    ]
    for index, (start, value, _count) in enumerate(weeks):
        h = 0 if not value else max(2, round(value / top * height))
        x = round(index * bar + 4)
        parts.append(
            f'<rect x="{x}" y="{height - h}" width="{round(bar - 8)}" height="{h}" fill="#1f2a5a"></rect>'
        )
        label = escape(format_wita(start, "day_month"))
        parts.append(f'<text x="{x}" y="{height + 14}" font-size="10" fill="#1d1d1f">{label}</text>')
        if value:
            parts.append(f'<text x="{x}" y="{max(10, height - h - 3)}" font-size="10" fill="#1d1d1f">{value:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped labels only)
