"""Personal data: the member's adminduk export (requests, history, messages,
documents: never the registrars' internal notes), and what account deletion
erases (documents from whichever storage backend holds them)."""
from __future__ import annotations

from sqlalchemy import delete, select

from accounts.models import User
from community.adminduk.models import (
    Attachment,
    Bundle,
    HelpRequest,
    OutreachAttendance,
    RequestMessage,
    StatusChange,
)
from core.extensions import db
from core.uploads import delete_stored_ids
from notifications.services import cancel_messages


def export_for(user: User) -> dict | None:
    """JSON-ready data; each document is listed under ``files`` with its
    ``stored_file_id`` so the export can put the file itself beside the data."""
    requests = db.session.scalars(
        select(HelpRequest).where(HelpRequest.member_id == user.id).order_by(HelpRequest.id)
    ).unique().all()
    bundle = db.session.scalar(select(Bundle).where(Bundle.member_id == user.id))
    if not requests and bundle is None:
        return None
    ids = [r.id for r in requests]
    messages = db.session.scalars(
        select(RequestMessage).where(RequestMessage.request_id.in_(ids), RequestMessage.internal.is_(False))
        .order_by(RequestMessage.id)
    ).unique().all() if ids else []
    history = db.session.scalars(
        select(StatusChange).where(StatusChange.request_id.in_(ids)).order_by(StatusChange.id)
    ).unique().all() if ids else []
    attachments = db.session.scalars(
        select(Attachment).where(Attachment.request_id.in_(ids)).order_by(Attachment.id)
    ).all() if ids else []
    visible_messages = {m.id for m in messages}
    files = []
    for a in attachments:
        if a.message_id is not None and a.message_id not in visible_messages:
            continue
        entry = {"request_id": a.request_id, "kind": a.kind, "created_at": a.created_at.isoformat(),
                 "deleted_at": a.deleted_at.isoformat() if a.deleted_at else None}
        if a.stored_file is not None:
            entry["stored_file_id"] = a.stored_file_id
            entry["name"] = f"adminduk/request-{a.request_id}/document-{a.id}.{a.stored_file.extension}"
        files.append(entry)
    return {
        "requests": [{
            "id": r.id, "services": r.services, "regency": r.regency, "description": r.description,
            "nik": r.nik, "kk_number": r.kk_number, "status": r.status,
            "closed_reason": r.closed_reason, "created_at": r.created_at.isoformat(),
            "history": [{"from": h.from_status, "to": h.to_status, "note": h.note,
                         "at": h.created_at.isoformat()} for h in history if h.request_id == r.id],
            "messages": [{"from_me": m.author_id == user.id, "body": m.body,
                          "at": m.created_at.isoformat()} for m in messages if m.request_id == r.id],
        } for r in requests],
        "files": files,
        "bundle": {"answers": bundle.answers, "items": bundle.items} if bundle else None,
    }


def erase_for(user: User) -> None:
    """Delete the member's requests (history, messages, documents: the files go
    from storage after the commit), her bundle and outreach replies; cancel
    pending adminduk messages to her."""
    requests = db.session.scalars(select(HelpRequest).where(HelpRequest.member_id == user.id)).unique().all()
    for request in requests:
        stored_ids = db.session.scalars(select(Attachment.stored_file_id).where(
            Attachment.request_id == request.id, Attachment.stored_file_id.is_not(None))).all()
        delete_stored_ids(stored_ids)
        cancel_messages(f"adminduk:{request.id}:")
        db.session.delete(request)
    db.session.execute(delete(Bundle).where(Bundle.member_id == user.id))
    db.session.execute(delete(OutreachAttendance).where(OutreachAttendance.member_id == user.id))
    db.session.flush()
