"""Identifiers that recur across reports: "also named in N other reports", and the
reports that name one identifier."""
from __future__ import annotations

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import aliased

from community.reports.desk import queue_statement
from community.reports.models import Report, ReportIdentifier
from core.db import paginated
from core.extensions import db


def links_for(report: Report) -> tuple[dict[int, int], int]:
    """``({identifier id: other reports naming it}, distinct other reports)``, in
    one query."""
    if not report.identifiers:
        return {}, 0
    mine = [identifier.id for identifier in report.identifiers]
    other = aliased(ReportIdentifier)
    own = aliased(ReportIdentifier)
    rows = db.session.execute(
        select(own.id, other.report_id)
        .join(other, other.digest == own.digest)
        .where(own.id.in_(mine), other.report_id != report.id)
    ).all()
    per_identifier: dict[int, set[int]] = {}
    for identifier_id, report_id in rows:
        per_identifier.setdefault(identifier_id, set()).add(report_id)
    distinct_reports = {report_id for _id, report_id in rows}
    return {key: len(value) for key, value in per_identifier.items()}, len(distinct_reports)


def identifier_reports(digest: str, page: int, per_page: int = 25):
    """``(first identifier row, report rows, has_next, total)`` for one identifier;
    ``None`` when no report names it."""
    first = db.session.scalar(
        select(ReportIdentifier).where(ReportIdentifier.digest == digest).order_by(ReportIdentifier.id)
    )
    if first is None:
        return None
    ids = select(ReportIdentifier.report_id).where(ReportIdentifier.digest == digest)
    rows = db.session.execute(
        paginated(queue_statement().where(Report.id.in_(ids)), per_page + 1, (page - 1) * per_page)
    ).all()
    total = db.session.scalar(
        select(func.count(distinct(ReportIdentifier.report_id))).where(ReportIdentifier.digest == digest)
    )
    return first, rows[:per_page], len(rows) > per_page, total
