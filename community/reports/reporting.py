"""Making a report and following it: submit, look up by code + secret, a member's
own reports."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from accounts.models import User
from community.reports import codes, identifiers
from community.reports.models import (
    HAPPENED_DAY,
    HAPPENED_MONTH,
    HAPPENED_PRECISIONS,
    Report,
    ReportAttachment,
    ReportIdentifier,
)
from core.db import utcnow
from core.extensions import db
from core.links import site_path
from core.uploads import IMAGE, save_upload

UPLOAD_OWNER = "reports"


@dataclass
class ReportInput:
    """What the form collected (already validated and normalised)."""

    kind: str
    regency: str
    what: str
    place: str = ""
    happened: str = ""
    people: str = ""
    happened_on: date | None = None
    happened_precision: str = ""
    phones: list[tuple[str, str]] | None = None
    companies: list[tuple[str, str]] | None = None
    handles: list[tuple[str, str]] | None = None
    urgent: bool = False
    contact_name: str = ""
    contact_phone: str = ""
    contact_notify: bool = False
    contact_locale: str = "id"


def submit_report(reporter: User | None, data: ReportInput) -> tuple[Report, str]:
    """Store a new report; returns it with its secret (shown once, never stored).

    ``reporter`` is the member when they chose to report under their account, else
    ``None``: then nothing links the report to an account, an address or a device.
    Only flushes.
    """
    secret = codes.new_secret()
    # Only a visitor with a phone number (a member is told in the inbox).
    contact_notify = bool(data.contact_notify and data.contact_phone and reporter is None)
    report = Report(
        code=_free_code(),
        secret_hash=codes.hash_secret(secret),
        kind=data.kind,
        regency=data.regency,
        urgent=data.urgent,
        what=data.what,
        place=data.place or None,
        happened=data.happened or None,
        people=data.people or None,
        **_happened(data.happened_on, data.happened_precision),
        reporter_id=reporter.id if reporter is not None else None,
        contact_name=data.contact_name or None,
        contact_phone=data.contact_phone or None,
        contact_notify=contact_notify,
        contact_locale=(data.contact_locale or "id")[:5] if contact_notify else None,
        created_at=utcnow(),
    )
    for kind, values in (("phone", data.phones), ("company", data.companies), ("handle", data.handles)):
        for normalised, written in values or []:
            report.identifiers.append(
                ReportIdentifier(kind=kind, digest=identifiers.digest(kind, normalised), display=written)
            )
    db.session.add(report)
    db.session.flush()
    return report, secret


def _happened(day: date | None, precision: str) -> dict:
    """The structured date: none without a day; a month-only date is the 1st."""
    if day is None:
        return {"happened_on": None, "happened_precision": None}
    precision = precision if precision in HAPPENED_PRECISIONS else HAPPENED_DAY
    if precision == HAPPENED_MONTH:
        day = day.replace(day=1)
    return {"happened_on": day, "happened_precision": precision}


def attach_pictures(reporter: User | None, report: Report, files: list) -> None:
    """Store photos or screenshots with ``report`` through the upload pipeline:
    images only, re-encoded (EXIF and GPS dropped), encrypted at rest. Raises
    ``core.uploads.UploadRefused``; the caller rolls back (nothing is kept)."""
    for file in files:
        stored = save_upload(file, owner=UPLOAD_OWNER, user=reporter, accept=(IMAGE,), encrypt=True)
        report.attachments.append(ReportAttachment(file_id=stored.id, file=stored))
    db.session.flush()


def alert_officers(report: Report) -> int:
    """An urgent report: every active Satgas officer finds a notice in the inbox
    (the code only; the case stays on the desk). Returns how many were told."""
    if not report.urgent:
        return 0
    from notifications.services import N_, notify_role

    return notify_role(
        "satgas",
        key=lambda officer: f"report:{report.id}:urgent:u{officer.id}",
        inbox_only=True,
        title=N_("Laporan mendesak baru: %(code)s"), params={"code": report.code},
        url=site_path("community.reports.report_detail", report_id=report.id),
    )


def _free_code() -> str:
    while True:
        code = codes.new_code()
        if db.session.scalar(select(Report.id).where(Report.code == code)) is None:
            return code


def find_by_code_and_secret(code: str | None, secret: str | None) -> Report | None:
    """The report only when both the code and its secret match (constant-time
    comparison, the same work for an unknown code)."""
    canonical = codes.canonical_code(code)
    report = (
        db.session.scalar(select(Report).where(Report.code == canonical)) if canonical else None
    )
    stored = report.secret_hash if report is not None else codes.DUMMY_HASH
    matches = codes.secret_matches(secret, stored)
    return report if report is not None and matches else None


def member_reports(user: User) -> list[Report]:
    """The reports a member made under their account, newest first."""
    return list(
        db.session.scalars(
            select(Report).where(Report.reporter_id == user.id).order_by(Report.created_at.desc())
        )
    )


def get_report(report_id: int) -> Report | None:
    return db.session.get(Report, report_id)
