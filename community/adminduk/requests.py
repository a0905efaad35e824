"""A member's side of a help request: consent, opening a request (services,
situation, NIK/KK, documents) and the conversation."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from accounts.models import Consent, User
from community.adminduk import nik as niklib
from community.adminduk._common import AdmindukError, guarded_status, tell_member
from community.adminduk.models import (
    CONSENT_PURPOSE,
    CONSENT_VERSION,
    IN_REVIEW,
    NEEDS_INFO,
    SERVICES,
    SUBMITTED,
    Attachment,
    HelpRequest,
    RequestMessage,
    RequestService,
    StatusChange,
)
from core.db import utcnow
from core.extensions import db
from core.uploads import save_upload
from notifications.services import N_

MAX_FILES = 5


def current_consent(member: User) -> Consent | None:
    """The member's standing consent to keep NIK and documents for adminduk help."""
    return db.session.scalar(
        select(Consent)
        .where(Consent.user_id == member.id, Consent.purpose == CONSENT_PURPOSE,
               Consent.withdrawn_at.is_(None))
        .order_by(Consent.granted_at.desc())
        .limit(1)
    )


def record_consent(member: User) -> Consent:
    """Record (purpose, text version, time) before any NIK or document is stored."""
    consent = current_consent(member)
    if consent is not None and consent.version == CONSENT_VERSION:
        return consent
    consent = Consent(user_id=member.id, purpose=CONSENT_PURPOSE, version=CONSENT_VERSION)
    db.session.add(consent)
    db.session.flush()
    return consent


def attach_files(actor: User, request: HelpRequest, files: Iterable, message: RequestMessage | None) -> int:
    """Store each file through the upload pipeline and attach it (``UploadRefused``
    propagates: the caller rolls back, nothing stays)."""
    count = 0
    for file in files:
        if not file:
            continue
        if count >= MAX_FILES:
            raise AdmindukError(N_("Paling banyak 5 berkas sekali kirim."))
        stored = save_upload(file, owner="adminduk", user=actor)
        db.session.add(Attachment(
            request_id=request.id, message_id=message.id if message else None,
            stored_file_id=stored.id, uploaded_by_id=actor.id, kind=stored.kind, size=stored.size,
        ))
        count += 1
    db.session.flush()
    return count


def _real_files(files: Iterable | None) -> list:
    return [f for f in (files or []) if f and getattr(f, "filename", "x")]


def open_request(
    member: User,
    *,
    services: Sequence[str],
    regency: str,
    description: str,
    nik: str | None = None,
    kk_number: str | None = None,
    files: Iterable | None = None,
    consent: bool = False,
) -> HelpRequest:
    """Open a help request. NIK, KK number and documents need ``consent``: it is
    recorded first, then they are stored (encrypted / through the pipeline)."""
    services = [s for s in dict.fromkeys(services) if s in SERVICES]
    if not services:
        raise AdmindukError(N_("Pilih paling sedikit satu layanan."))
    nik = niklib.clean_number(nik or "") or None
    kk_number = niklib.clean_number(kk_number or "") or None
    files = _real_files(files)
    if nik and niklib.nik_error(nik):
        raise AdmindukError(niklib.nik_error(nik))
    if kk_number and niklib.kk_error(kk_number):
        raise AdmindukError(niklib.kk_error(kk_number))
    sensitive = bool(nik or kk_number or files)
    if sensitive and not consent:
        raise AdmindukError(N_("Centang persetujuan dulu supaya kami boleh menyimpan NIK dan dokumen Anda."))
    consent_row = record_consent(member) if sensitive else None
    request = HelpRequest(
        member_id=member.id, regency=regency, description=description.strip(),
        nik=nik, kk_number=kk_number, consent_id=consent_row.id if consent_row else None,
        status=SUBMITTED,
    )
    request.service_rows = [RequestService(service=s) for s in services]
    db.session.add(request)
    db.session.flush()
    db.session.add(StatusChange(request_id=request.id, from_status=None, to_status=SUBMITTED,
                                actor_id=member.id))
    attach_files(member, request, files, None)
    tell_member(member, request.id, "submitted",
                N_("Permintaan bantuan adminduk Anda sudah kami terima."),
                N_("Pendamping akan memeriksanya. Lihat perkembangannya di Rumah Purna."))
    return request


def post_message(actor: User, request: HelpRequest, body: str, files: Iterable | None = None,
                 *, consent: bool = False, expected_status: str | None = None) -> RequestMessage:
    """A message in the request's conversation (member or registrar), with
    attachments. A member answering "needs information" puts the request back
    in review (written in the history)."""
    body = (body or "").strip()
    files = _real_files(files)
    if not body and not files:
        raise AdmindukError(N_("Tulis pesan atau pilih berkas."))
    if not request.is_open:
        raise AdmindukError(N_("Permintaan ini sudah selesai atau ditutup."))
    is_member = actor.id == request.member_id
    if is_member and files and request.consent_id is None:
        if not consent:
            raise AdmindukError(N_("Centang persetujuan dulu supaya kami boleh menyimpan NIK dan dokumen Anda."))
        request.consent_id = record_consent(actor).id
    message = RequestMessage(request_id=request.id, author_id=actor.id, body=body)
    db.session.add(message)
    db.session.flush()
    attach_files(actor, request, files, message)
    if is_member and request.status == NEEDS_INFO:
        guarded_status(HelpRequest, request.id, expected_status or NEEDS_INFO, IN_REVIEW,
                       status_changed_at=utcnow())
        db.session.add(StatusChange(request_id=request.id, from_status=NEEDS_INFO,
                                    to_status=IN_REVIEW, actor_id=actor.id))
        db.session.flush()
        db.session.refresh(request)
        tell_member(actor, request.id, f"status:{IN_REVIEW}:{message.id}",
                    N_("Terima kasih, kiriman Anda sudah kami terima. Pendamping akan memeriksanya lagi."))
    elif not is_member:
        tell_member(request.member, request.id, f"message:{message.id}",
                    N_("Ada pesan baru dari pendamping adminduk."),
                    N_("Bukalah Rumah Purna untuk membacanya."))
    return message
