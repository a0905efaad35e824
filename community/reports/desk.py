"""The Satgas desk: the queue, status changes (guarded, audited, told to the
reporter), internal notes and the audited views of a report and its contact."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import Date, bindparam, func, literal_column, select

from accounts import audit
from accounts.models import User
from community.reports._common import CHANGED_MEANWHILE, ChangedMeanwhile, ReportRefused
from community.reports.models import (
    CLOSE_REASONS,
    CLOSED,
    OPEN_URGENT,
    RECEIVED,
    REFERRAL_BODIES,
    REFERRED,
    TRANSITIONS,
    VERIFYING,
    Report,
    ReportEvent,
    ReportNote,
)
from core.db import paginated, plain_list, utcnow
from core.extensions import db
from core.i18n import WITA
from core.links import site_path
from core.status import change_status
from notifications.services import (
    FAILED,
    N_,
    contact_preview,
    delivery_state,
    notify,
    notify_contact,
)

QUEUE_PAGE_SIZE = 25
WHEN_DAYS = ("30", "90", "365")
# Only the status, never a detail of the case.
STATUS_NOTICES = {
    VERIFYING: N_("Laporan %(code)s sedang diperiksa Satgas."),
    REFERRED: N_("Laporan %(code)s sudah diteruskan ke lembaga yang berwenang."),
    CLOSED: N_("Laporan %(code)s sudah selesai ditangani Satgas."),
}
# What a visitor who asked for it gets on the phone at each new status. Whoever
# holds the phone may be the calo or family: no status, no case detail, no word
# of a report; the link opens a page that does not say either (``code_bp``).
CONTACT_TEXT = N_("Rumah Purna: ada kabar baru untuk kode Anda. Buka tautan ini, lalu masukkan kode dan "
                  "kode rahasia Anda:")
CONTACT_ENDPOINT = "community.code.enter"


def contact_message_key(report: Report, status: str | None = None) -> str:
    return f"report:{report.id}:contact:{status or report.status}"


def contact_text_preview() -> str:
    """The exact message as it leaves (text and link), shown on the report form."""
    return contact_preview(CONTACT_TEXT, site_path(CONTACT_ENDPOINT))


def _queue_select(kind, regency, status, when: str | None, since, sort: str | None):
    statement = select(
        Report.id, Report.code, Report.kind, Report.regency, Report.status, Report.urgent,
        Report.created_at, Report.happened_on, Report.happened_precision,
    )
    if kind is not None:
        statement = statement.where(Report.kind == kind)
    if regency is not None:
        statement = statement.where(Report.regency == regency)
    if status is not None:
        statement = statement.where(Report.status == status)
    if when == "none":
        statement = statement.where(Report.happened_on.is_(None))
    elif when in WHEN_DAYS:
        statement = statement.where(Report.happened_on >= since)
    # Urgent only counts while a report is still open; written as the queue indexes
    # are (models.OPEN_URGENT), so a page is read off one instead of sorting them all.
    open_urgent = literal_column(OPEN_URGENT).desc()
    if sort == "happened":
        return statement.order_by(open_urgent, Report.happened_on.desc().nulls_last(),
                                  Report.created_at.desc(), Report.id.desc())
    return statement.order_by(open_urgent, Report.created_at.desc(), Report.id.desc())


def _since(when: str | None, today: date | None) -> date | None:
    if when not in WHEN_DAYS:
        return None
    return (today or datetime.now(WITA).date()) - timedelta(days=int(when))


def queue_statement(kind: str | None = None, regency: str | None = None, status: str | None = None,
                    when: str | None = None, sort: str | None = None, today: date | None = None):
    """Urgent first, then newest sent (``sort="happened"``: most recently happened,
    reports without a date last); optional filters, ``when`` = happened within so
    many days (``"30"``, ``"90"``, ``"365"``) or ``"none"`` (no date given). Loads
    no encrypted column, so a page of the queue decrypts nothing."""
    return _queue_select(kind or None, regency or None, status or None, when, _since(when, today), sort)


@cache
def _page_statement(kind: bool, regency: bool, status: bool, when: str | None, sort: str | None):
    """``queue_statement`` of one shape of filters with its values bound, built once
    per process (building it cost more than running it)."""
    return paginated(_queue_select(
        bindparam("kind") if kind else None, bindparam("regency") if regency else None,
        bindparam("status") if status else None, when, bindparam("since", type_=Date), sort,
    ))


def queue_page(page: int, *, kind=None, regency=None, status=None, when=None, sort=None,
               per_page: int = QUEUE_PAGE_SIZE):
    """One page of the queue: ``(rows, has_next)`` in one query (one row more than
    shown tells whether there is a next page)."""
    when = when if when == "none" or when in WHEN_DAYS else None
    statement = _page_statement(bool(kind), bool(regency), bool(status), "30" if when in WHEN_DAYS else when,
                                "happened" if sort == "happened" else None)
    params = {"kind": kind, "regency": regency, "status": status, "since": _since(when, None),
              "limit": per_page + 1, "offset": (page - 1) * per_page}
    rows = plain_list(statement, params)
    return rows[:per_page], len(rows) > per_page


def waiting_counts() -> tuple[int, int]:
    """``(received, urgent and still open)`` in one query, for the officer's home."""
    received, urgent = db.session.execute(select(
        func.count().filter(Report.status == RECEIVED),
        func.count().filter(Report.urgent, Report.status != CLOSED),
    )).one()
    return received or 0, urgent or 0


def can_move(report: Report, new_status: str) -> bool:
    return new_status in TRANSITIONS.get(report.status, ())


def _change_status(actor: User, report: Report, seen_status: str, new_status: str, now: datetime,
                   **values) -> None:
    """Move ``report`` from ``seen_status`` (what the officer saw) to ``new_status``:
    a conditional update, so two officers at once never both succeed."""
    if seen_status != report.status or new_status not in TRANSITIONS.get(seen_status, ()):
        if seen_status != report.status:
            raise ChangedMeanwhile()
        raise ReportRefused(N_("Perubahan status ini tidak diizinkan."))
    values = {"status_changed_at": now, **values}
    if report.first_action_at is None:
        values["first_action_at"] = now
    change_status(Report, report, seen_status, new_status, message=CHANGED_MEANWHILE, **values)
    db.session.add(ReportEvent(report_id=report.id, actor_id=actor.id, from_status=seen_status,
                               to_status=new_status, created_at=now))
    audit.record(actor, "report.status", object_type="report", object_id=report.id,
                 detail=f"{seen_status}->{new_status}")
    _tell_reporter(report)
    db.session.flush()


def start_verifying(actor: User, report: Report, seen_status: str, now: datetime | None = None) -> None:
    """An officer starts checking the report."""
    _change_status(actor, report, seen_status, VERIFYING, now or utcnow())


def refer(actor: User, report: Report, seen_status: str, body: str, note: str = "",
          now: datetime | None = None) -> None:
    """The report goes to another body (Polri, BP3MI NTT, the labour office, other);
    ``note`` records to whom and how (encrypted, officers only)."""
    if body not in REFERRAL_BODIES:
        raise ReportRefused(N_("Pilih lembaga tujuan."))
    if body == "other" and not note.strip():
        raise ReportRefused(N_("Tulis nama lembaga tujuan."))
    now = now or utcnow()
    _change_status(actor, report, seen_status, REFERRED, now, referred_to=body,
                   referral_note=note.strip() or None, referred_at=now)


def close(actor: User, report: Report, seen_status: str, reason: str, now: datetime | None = None) -> None:
    """Close the report with one of ``CLOSE_REASONS``."""
    if reason not in CLOSE_REASONS:
        raise ReportRefused(N_("Pilih alasan menutup laporan."))
    now = now or utcnow()
    _change_status(actor, report, seen_status, CLOSED, now, close_reason=reason, closed_at=now)


def _tell_reporter(report: Report) -> None:
    """A member who reported under their account hears of the new status in the
    inbox only: a WhatsApp or SMS must never show that they reported someone.
    A visitor who asked for it gets the neutral ``CONTACT_TEXT`` on their phone
    (``notifications.contacts``: encrypted, quiet hours, retries, erased after)."""
    if report.reporter_id is None:
        if report.contact_notify and report.contact_phone:
            notify_contact(report.contact_phone, key=contact_message_key(report), text=CONTACT_TEXT,
                           path=site_path(CONTACT_ENDPOINT), locale=report.contact_locale or "id")
        return
    reporter = db.session.get(User, report.reporter_id)
    if reporter is None or not reporter.is_active:
        return
    url = site_path("community.reports.my_report", report_id=report.id)
    notify(
        reporter,
        key=f"report:{report.id}:status:{report.status}",
        title=STATUS_NOTICES[report.status],
        params={"code": report.code},
        url=url,
        channels=["in_app"],
    )


def add_note(actor: User, report: Report, text: str) -> ReportNote:
    """An internal note (officers only; never shown to the reporter)."""
    note = ReportNote(report_id=report.id, author_id=actor.id, text=text, created_at=utcnow())
    db.session.add(note)
    audit.record(actor, "report.note", object_type="report", object_id=report.id)
    db.session.flush()
    return note


def notes_for(report: Report) -> list[ReportNote]:
    return list(db.session.scalars(
        select(ReportNote).where(ReportNote.report_id == report.id).order_by(ReportNote.created_at)
    ))


def history_for(report: Report) -> list[ReportEvent]:
    return list(db.session.scalars(
        select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(ReportEvent.created_at)
    ))


def record_view(actor: User, report: Report, *, contact_shown: bool) -> None:
    """Audit an opening of the report page: by an admin (every view), and every view
    that shows the reporter's contact details."""
    if actor.has_role("admin") and not actor.has_role("satgas"):
        audit.record(actor, "report.admin_view", object_type="report", object_id=report.id)
    if contact_shown:
        audit.record(actor, "report.contact_view", object_type="report", object_id=report.id)


def record_picture_view(actor: User, report: Report, attachment) -> None:
    """Audit every opening of a report's picture."""
    audit.record(actor, "report.picture_view", object_type="report", object_id=report.id,
                 detail=f"attachment {attachment.id}")


def contact_delivery(report: Report) -> str | None:
    """How the automatic message about the current status is doing (``WAITING``,
    ``DELIVERED``, ``FAILED``), or ``None`` when there is none."""
    if not report.contact_notify or report.reporter_id is not None:
        return None
    return delivery_state(contact_message_key(report))


def officer_must_tell(report: Report, delivery: str | None) -> bool:
    """The officer tells the visitor by phone (and records it) when no automatic
    message carries the current status: none was asked for, or it finally failed."""
    return report.reporter_to_be_told and (not report.contact_notify or delivery in (None, FAILED))


def mark_reporter_told(actor: User, report: Report, status: str) -> None:
    """The officer told the reporter (by phone or SMS) that the report is now
    ``status``; audited. Refused when the status moved on meanwhile."""
    if status != report.status:
        raise ChangedMeanwhile()
    report.contact_told_status = status
    audit.record(actor, "report.reporter_told", object_type="report", object_id=report.id, detail=status)
    db.session.flush()
