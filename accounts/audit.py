"""Writing and reading the audit log."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.models import AuditEvent, User
from core.extensions import db

# Readable names of the action codes, for the admin's audit page ("Tindakan").
# A code written by a package and missing here is still listed, under its code.
ACTION_LABELS = {
    "account.delete": _l("Akun dihapus oleh pemiliknya"),
    "account.disable": _l("Akun dinonaktifkan"),
    "account.enable": _l("Akun diaktifkan kembali"),
    "role.grant": _l("Peran diberikan"),
    "role.revoke": _l("Peran dicabut"),
    "password.reset_code": _l("Kode atur ulang kata sandi dibuat"),
    "password.reset_by_code": _l("Kata sandi diganti dengan kode"),
    "call_task.done": _l("Tugas menelepon selesai"),
    "counseling.member_created": _l("Konseling: akun anggota dibuat petugas"),
    "counseling_urgent.handled": _l("Konseling: tanda darurat ditangani"),
    "forum.category_saved": _l("Forum: kategori disimpan"),
    "kur.stage_change": _l("KUR: tahap pengajuan diubah"),
    "training.registrants_export": _l("Pelatihan: daftar peserta diunduh"),
    "report.admin_view": _l("Laporan Satgas dibuka"),
    "report.contact_view": _l("Kontak pelapor dibuka"),
    "report.note": _l("Catatan laporan ditulis"),
    "report.picture_view": _l("Gambar laporan dibuka"),
    "report.status": _l("Status laporan diubah"),
}


def action_choices() -> list[tuple[str, str]]:
    """Every action code known here or present in the log, with its label, sorted
    by label (one query)."""
    codes = set(ACTION_LABELS) | set(db.session.scalars(select(AuditEvent.action).distinct()))
    return sorted(((code, str(action_label(code))) for code in codes), key=lambda c: c[1].lower())


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def record(
    actor: User | None,
    action: str,
    *,
    subject: User | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    detail: str | None = None,
) -> AuditEvent:
    """Append an audit row (flushes; the caller commits). Never put NIK, passwords,
    note text or document contents in ``detail``."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_user_id=subject.id if subject else None,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    db.session.add(event)
    db.session.flush()
    return event


def with_people(statement):
    """Load actor and subject in the same query (their roles only if asked for)."""
    return statement.options(
        joinedload(AuditEvent.actor).lazyload(User.role_rows),
        joinedload(AuditEvent.subject).lazyload(User.role_rows),
    )


def who_opened(action: str, start: datetime, end: datetime) -> list[AuditEvent]:
    """Every ``action`` (e.g. ``document.view``) between ``start`` and ``end``, in one query."""
    return list(
        db.session.scalars(
            with_people(select(AuditEvent))
            .where(AuditEvent.action == action)
            .where(AuditEvent.created_at >= start, AuditEvent.created_at < end)
            .order_by(AuditEvent.created_at)
        )
    )
