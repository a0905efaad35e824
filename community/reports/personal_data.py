"""Personal data: a member's own reports in their export, and what account deletion
keeps (referred reports, unlinked and without contact) or erases (the rest)."""
from __future__ import annotations

from sqlalchemy import select

from accounts.models import User
from community.reports.models import Report
from core.extensions import db
from core.uploads import delete_stored_ids
from notifications.services import cancel_messages, erase_contacts


def export_for(user: User) -> dict | None:
    """The reports the member made under their account, as they wrote them, with
    their pictures (``files``: the ZIP of the export holds them, decrypted); never
    officers' notes or referral details."""
    reports = db.session.scalars(
        select(Report).where(Report.reporter_id == user.id).order_by(Report.created_at)
    ).all()
    if not reports:
        return None
    files = [
        {"stored_file_id": a.file_id, "name": f"reports/{r.code}-{n}.{a.file.extension}"}
        for r in reports for n, a in enumerate(r.attachments, start=1)
    ]
    return {
        "files": files,
        "reports": [
            {
                "code": r.code,
                "kind": r.kind,
                "regency": r.regency,
                "status": r.status,
                "urgent": r.urgent,
                "what": r.what,
                "place": r.place,
                "when": r.happened,
                "happened_on": r.happened_on.isoformat() if r.happened_on else None,
                "happened_precision": r.happened_precision,
                "people": r.people,
                "named": [{"kind": i.kind, "value": i.display} for i in r.identifiers],
                "pictures": len(r.attachments),
                "contact_name": r.contact_name,
                "contact_phone": r.contact_phone,
                "created_at": r.created_at.isoformat(),
            }
            for r in reports
        ]
    }


def kept_on_deletion(user: User) -> int:
    """How many of the member's reports would stay after deleting the account."""
    return len(db.session.scalars(
        select(Report.id).where(Report.reporter_id == user.id, Report.referred_at.is_not(None))
    ).all())


def erase_for(user: User) -> None:
    """Account deletion: a report already referred belongs to a case and stays, but
    loses the link to the account and the contact details; the others are erased."""
    for report in db.session.scalars(select(Report).where(Report.reporter_id == user.id)):
        cancel_messages(f"report:{report.id}:")
        erase_contacts(f"report:{report.id}:")
        if report.referred_at is not None:
            report.reporter_id = None
            report.contact_name = None
            report.contact_phone = None
            report.contact_notify = False
        else:
            delete_stored_ids([attachment.file_id for attachment in report.attachments])
            db.session.delete(report)
    db.session.flush()
