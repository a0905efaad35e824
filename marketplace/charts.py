"""Server-rendered SVG charts (no chart JavaScript): horizontal bars for counts by
label and vertical bars for a weekly series. Pure functions returning markup; the
numbers are always also shown in a table beside the chart."""
from __future__ import annotations

from markupsafe import Markup, escape

BAR = 22
GAP = 8
LABEL_WIDTH = 150
CHART_WIDTH = 320


def hbar_chart(rows: list[tuple[str, int]], title: str) -> Markup:
    """Horizontal bars: one per ``(label, value)``."""
    if not rows:
        return Markup("")
    top = max(v for _l, v in rows) or 1
    height = len(rows) * (BAR + GAP)
    width = LABEL_WIDTH + CHART_WIDTH + 60
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">']
    for i, (label, value) in enumerate(rows):
        y = i * (BAR + GAP)
        length = round(CHART_WIDTH * value / top)
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 6}" text-anchor="end">{escape(str(label))[:24]}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" height="{BAR}" rx="3"></rect>')
        parts.append(f'<text x="{LABEL_WIDTH + length + 6}" y="{y + BAR - 6}">{value:,}</text>'.replace(",", "."))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (labels escaped above)


def column_chart(series: list[tuple[str, int]], title: str) -> Markup:
    """Vertical bars for a series of ``(label, value)`` (weeks)."""
    if not series:
        return Markup("")
    top = max(v for _l, v in series) or 1
    column = 26
    height = 160
    width = len(series) * (column + GAP) + GAP
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height + 24}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">']
    for i, (label, value) in enumerate(series):
        x = GAP + i * (column + GAP)
        bar = round(height * value / top)
        parts.append(f'<rect x="{x}" y="{height - bar}" width="{column}" height="{max(bar, 1)}" rx="3">'
                     f'<title>{escape(str(label))}: {value}</title></rect>')
        parts.append(f'<text x="{x + column / 2}" y="{height + 16}" text-anchor="middle">{escape(str(label))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (labels escaped above)
