"""Confidential notes: a counselor's own session notes (every opening audited)
and handover notes about a member, shared with other counselors only with the
member's consent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import defaultload

from accounts import audit
from accounts.models import Consent, User
from accounts.services import record_consent
from core.db import utcnow
from core.extensions import db
from mentoring.counseling.agenda import is_counselor_of
from mentoring.counseling.models import Appointment, HandoverNote, SessionNote

HANDOVER_CONSENT = "counseling_handover"


def read_note(author: User, appointment: Appointment) -> SessionNote | None:
    """The author's own note on this session; opening it is written to the audit log."""
    note = db.session.scalar(
        select(SessionNote).where(
            SessionNote.appointment_id == appointment.id, SessionNote.author_id == author.id
        )
    )
    audit.record(
        author, "counseling_note.open", subject=appointment.member,
        object_type="appointment", object_id=appointment.id,
    )
    return note


def save_note(author: User, appointment: Appointment, body: str) -> SessionNote:
    """Write or replace the author's confidential note on a session."""
    note = db.session.scalar(
        select(SessionNote).where(
            SessionNote.appointment_id == appointment.id, SessionNote.author_id == author.id
        )
    )
    if note is None:
        note = SessionNote(appointment_id=appointment.id, author_id=author.id, body=body)
        db.session.add(note)
    else:
        note.body = body
    audit.record(
        author, "counseling_note.write", subject=appointment.member,
        object_type="appointment", object_id=appointment.id,
    )
    db.session.flush()
    return note


def handover_consent(member: User) -> Consent | None:
    """The member's current consent to share handover notes, or None."""
    return db.session.scalar(
        select(Consent)
        .where(
            Consent.user_id == member.id,
            Consent.purpose == HANDOVER_CONSENT,
            Consent.withdrawn_at.is_(None),
        )
        .limit(1)
    )


def set_handover_consent(member: User, granted: bool, now: datetime | None = None) -> None:
    """Record the member's consent to share handover notes, or withdraw it."""
    current = handover_consent(member)
    if granted and current is None:
        record_consent(member, HANDOVER_CONSENT)
    elif not granted and current is not None:
        current.withdrawn_at = now or utcnow()
    db.session.flush()


def own_handover_note(author: User, member: User) -> HandoverNote | None:
    """The handover note ``author`` wrote about ``member``, or None."""
    return db.session.scalar(
        select(HandoverNote).where(
            HandoverNote.member_id == member.id, HandoverNote.author_id == author.id
        )
    )


def save_handover(author: User, member: User, body: str) -> HandoverNote:
    """Write or replace the author's handover note about a member."""
    note = own_handover_note(author, member)
    if note is None:
        note = HandoverNote(member_id=member.id, author_id=author.id, body=body)
        db.session.add(note)
    else:
        note.body = body
    db.session.flush()
    return note


def shared_handover_notes(
    reader: User,
    member: User,
    consent: Consent | None | bool = False,
    *,
    counselor_of: bool | None = None,
) -> list[HandoverNote]:
    """Handover notes other counselors wrote about ``member``: only with the
    member's consent, and only for her own counselor (``agenda.is_counselor_of``:
    not a counselor who merely booked on her behalf). Pass ``consent`` and
    ``counselor_of`` when already known, to save queries."""
    if counselor_of is None:
        counselor_of = is_counselor_of(reader, member)
    if not counselor_of:
        return []
    if consent is False:
        consent = handover_consent(member)
    if consent is None:
        return []
    return list(
        db.session.scalars(
            select(HandoverNote)
            .options(defaultload(HandoverNote.author).lazyload(User.role_rows))
            .where(HandoverNote.member_id == member.id, HandoverNote.author_id != reader.id)
        ).unique()
    )


def handover_notes_about(member: User) -> list[HandoverNote]:
    """What the member may read: the handover notes written about them."""
    return list(
        db.session.scalars(select(HandoverNote).where(HandoverNote.member_id == member.id)).unique()
    )

