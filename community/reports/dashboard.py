"""The province dashboard: reports per month, kind and regency, the median days
to an officer's first action, and the median days from what happened to the
report (reports with a day, sure or approximate). Counts only: no personal data."""
from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from community.reports.models import HAPPENED_MONTH, KINDS, Report
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA

MONTHS_SHOWN = 12


@dataclass
class Stats:
    months: list[tuple[str, int]]  # ("2026-11", count), oldest first
    kinds: list[tuple[str, int]]
    regencies: list[tuple[str, int]]  # most reports first
    statuses: dict[str, int]
    total: int
    median_days_to_first_action: float | None
    acted_on: int
    median_days_to_report: float | None = None
    dated: int = 0  # reports with a day (not a month only) of what happened


def _month_keys(now: datetime, count: int) -> list[str]:
    year, month = now.year, now.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(keys))


def province_stats(now: datetime | None = None) -> Stats:
    """Everything the dashboard shows, from one query over a few small columns."""
    now = (now or utcnow()).astimezone(WITA)
    rows = db.session.execute(
        select(Report.created_at, Report.kind, Report.regency, Report.status, Report.first_action_at,
               Report.happened_on, Report.happened_precision)
    ).all()
    months = Counter()
    kinds = Counter()
    regencies = Counter()
    statuses = Counter()
    waits = []
    delays = []
    for created_at, kind, regency, status, first_action_at, happened_on, precision in rows:
        local = created_at.astimezone(WITA)
        if happened_on is not None and precision != HAPPENED_MONTH:
            delays.append(max((local.date() - happened_on).days, 0))
        months[f"{local.year:04d}-{local.month:02d}"] += 1
        kinds[kind] += 1
        regencies[regency] += 1
        statuses[status] += 1
        if first_action_at is not None:
            waits.append((first_action_at - created_at).total_seconds() / 86400)
    return Stats(
        months=[(key, months.get(key, 0)) for key in _month_keys(now, MONTHS_SHOWN)],
        kinds=[(kind, kinds.get(kind, 0)) for kind in KINDS],
        regencies=sorted(regencies.items(), key=lambda item: (-item[1], item[0])),
        statuses=dict(statuses),
        total=len(rows),
        median_days_to_first_action=round(statistics.median(waits), 1) if waits else None,
        acted_on=len(waits),
        median_days_to_report=round(statistics.median(delays), 1) if delays else None,
        dated=len(delays),
    )


def bars(items: list[tuple[str, int]]) -> list[tuple[str, int, float]]:
    """``(label, count, share of the largest in percent)`` for a bar chart."""
    top = max((count for _label, count in items), default=0) or 1
    return [(label, count, round(100 * count / top, 1)) for label, count in items]


def counts_csv(stats: Stats) -> str:
    """The dashboard's counts as CSV (``section,key,count``)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "count"])
    for section, items in (("month", stats.months), ("kind", stats.kinds), ("regency", stats.regencies),
                           ("status", sorted(stats.statuses.items()))):
        for key, count in items:
            writer.writerow([section, key, count])
    writer.writerow(["total", "reports", stats.total])
    median = stats.median_days_to_first_action
    writer.writerow(["median_days_to_first_action", "all", "" if median is None else median])
    delay = stats.median_days_to_report
    writer.writerow(["median_days_from_event_to_report", "dated", "" if delay is None else delay])
    return out.getvalue()
