"""Scheduled work of adminduk (listed in ``core/scheduler.py``): retention of the
documents of finished requests."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from community.adminduk._common import tell_member
from community.adminduk.models import FINISHED_STATUSES, Attachment, HelpRequest
from core.db import utcnow
from core.extensions import db
from core.uploads import delete_stored_ids
from notifications.services import N_


def apply_retention(now: datetime | None = None) -> dict:
    """Tell members a few days before, then delete the documents of requests done
    or closed more than ``ADMINDUK_RETENTION_DAYS`` ago. The request, its history
    and messages stay (attachments say "deleted"); the audit rows stay."""
    now = now or utcnow()
    days = current_app.config["ADMINDUK_RETENTION_DAYS"]
    notice_days = current_app.config["ADMINDUK_RETENTION_NOTICE_DAYS"]
    delete_before = now - timedelta(days=days)
    notice_before = now - timedelta(days=max(days - notice_days, 0))
    candidates = db.session.scalars(
        select(HelpRequest).where(
            HelpRequest.status.in_(FINISHED_STATUSES), HelpRequest.files_deleted_at.is_(None),
            HelpRequest.finished_at < notice_before,
        )
    ).unique().all()
    noticed = deleted = 0
    for request in candidates:
        attachments = db.session.scalars(select(Attachment).where(
            Attachment.request_id == request.id, Attachment.stored_file_id.is_not(None))).all()
        if request.finished_at < delete_before:
            delete_stored_ids([a.stored_file_id for a in attachments])
            for attachment in attachments:
                attachment.stored_file_id = None
                attachment.deleted_at = now
            request.files_deleted_at = now
            deleted += len(attachments)
        elif attachments:
            tell_member(request.member, request.id, "retention-notice",
                        N_("Dokumen permintaan adminduk Anda akan dihapus dalam %(days)d hari."),
                        N_("Simpan salinannya sekarang bila Anda memerlukannya."),
                        params={"days": notice_days})
            noticed += 1
    db.session.flush()
    return {"noticed": noticed, "deleted_files": deleted}
