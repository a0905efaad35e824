"""Opening documents and NIKs: every look at someone else's is in the audit log,
and "whose documents did registrar X open between t1 and t2" is one query."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from accounts import audit
from accounts.models import AuditEvent, User
from community.adminduk.models import Attachment, HelpRequest
from core.extensions import db

DOCUMENT_VIEW = "adminduk.document.view"
NIK_VIEW = "adminduk.nik.view"
VIEW_ACTIONS = (DOCUMENT_VIEW, NIK_VIEW)


def open_attachment(actor: User, request: HelpRequest, attachment: Attachment):
    """The stored file of an attachment (``None`` once deleted by retention);
    a look by anyone but the member is audited."""
    if attachment.stored_file is None:
        return None
    if actor.id != request.member_id:
        audit.record(actor, DOCUMENT_VIEW, subject=request.member, object_type="adminduk_attachment",
                     object_id=attachment.id, detail=f"request {request.id}")
    return attachment.stored_file


def reveal_numbers(actor: User, request: HelpRequest) -> tuple[str | None, str | None]:
    """NIK and KK number in full, audited (the member's own view is not)."""
    if actor.id != request.member_id and (request.nik or request.kk_number):
        audit.record(actor, NIK_VIEW, subject=request.member, object_type="adminduk_request",
                     object_id=request.id)
    return request.nik, request.kk_number


def views_by(registrar_id: int | None, start: datetime, end: datetime) -> list[AuditEvent]:
    """Every document/NIK view (by one registrar, or everyone) in ``[start, end)``,
    with the actor and the person whose papers they were, in one query."""
    statement = (
        audit.with_people(select(AuditEvent))
        .where(AuditEvent.action.in_(VIEW_ACTIONS))
        .where(AuditEvent.created_at >= start, AuditEvent.created_at < end)
        .order_by(AuditEvent.created_at.desc())
        .limit(500)
    )
    if registrar_id:
        statement = statement.where(AuditEvent.actor_id == registrar_id)
    return list(db.session.scalars(statement))
