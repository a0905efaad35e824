"""KUR applications: the eligibility check, the document checklist, stage moves by
staff and the member's withdrawal, each written in the stage history.

Plain functions that take the acting user explicitly and only flush; the view
owns the commit. Every stage change goes through ``core.status.change_status``
from the stage the request saw, so two people acting at once never fork the history.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from accounts import audit
from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.status import StatusChanged, change_status, lock_for_update
from mentoring.kur._common import KurError, application_path
from mentoring.kur.data import (
    ACTIVE_STAGES,
    FORWARD_STAGES,
    MIN_BUSINESS_MONTHS,
    NPWP_THRESHOLD,
    WITHDRAWABLE_STAGES,
)
from mentoring.kur.models import KurApplication, KurStageEvent
from notifications.services import N_, cancel_messages, notify


@dataclass
class KurStart:
    """What a member enters to start a KUR application."""

    business_name: str
    business_months: int
    regency: str
    amount: int
    bank: str
    has_ektp: bool
    adult_or_married: bool
    no_other_credit: bool


def eligibility_problems(data: KurStart) -> list:
    """Why someone cannot get KUR yet, each with what they can do (empty: eligible)."""
    problems = []
    if not data.has_ektp:
        problems.append(_l("KUR memerlukan e-KTP. Anda bisa membuatnya di kantor Dukcapil; petugas adminduk di Rumah Purna bisa membantu."))
    if not data.adult_or_married:
        problems.append(_l("KUR hanya untuk yang berumur 21 tahun ke atas atau sudah menikah."))
    if data.business_months < MIN_BUSINESS_MONTHS:
        problems.append(_l("Usaha perlu sudah berjalan paling sedikit 6 bulan. Anda bisa mengajukan setelah itu; sementara ini, ikuti pelatihan pembukuan supaya catatan usaha Anda siap."))
    if not data.no_other_credit:
        problems.append(_l("KUR tidak bisa diberikan kepada yang sedang menerima KUR atau kredit usaha lain. Setelah kredit itu lunas, Anda bisa mengajukan."))
    return problems


def active_kur_application(user: User) -> KurApplication | None:
    return db.session.scalar(
        select(KurApplication).where(
            KurApplication.user_id == user.id, KurApplication.stage.in_(ACTIVE_STAGES)
        )
    )


STAGE_MESSAGES = {
    "preparing": N_("Pengajuan KUR untuk %(business)s dimulai. Langkah berikutnya: lengkapi berkas."),
    "submitted": N_("Pengajuan KUR untuk %(business)s: berkas sudah diserahkan ke bank."),
    "survey": N_("Pengajuan KUR untuk %(business)s: bank akan melakukan survei dan wawancara."),
    "decision": N_("Pengajuan KUR untuk %(business)s: menunggu keputusan bank."),
    "disbursed": N_("Pengajuan KUR untuk %(business)s disetujui: tahap akad kredit dan pencairan."),
    "rejected": N_("Pengajuan KUR untuk %(business)s tidak disetujui. Lihat alasannya di halaman pengajuan."),
    "withdrawn": N_("Pengajuan KUR untuk %(business)s dibatalkan atas permintaan Anda. Anda boleh mengajukan lagi kapan saja."),
}


def _record_stage(actor: User, application: KurApplication, to_stage: str, note: str | None):
    """Move the application from the stage this request saw to ``to_stage`` and
    write the history. The move is one conditional update (``core.status``): when a
    member's withdrawal and a staff move meet, exactly one wins and the other is
    refused, so the history never forks (issue 8 item 13)."""
    first = to_stage == "preparing" and not application.events
    from_stage = None if first else application.stage
    now = utcnow()
    if first:
        application.stage = to_stage
        application.stage_changed_at = now
    else:
        try:
            change_status(KurApplication, application, from_stage, to_stage, column="stage",
                          stage_changed_at=now)
        except StatusChanged as changed:
            raise KurError(changed.message) from None
    event = KurStageEvent(from_stage=from_stage, to_stage=to_stage, note=note or None,
                          actor_id=actor.id)
    application.events.append(event)
    db.session.flush()
    notify(
        application.user,
        key=f"kur:{application.id}:stage:{event.id}",
        title=N_("Kabar pengajuan KUR Anda"),
        body=STAGE_MESSAGES[to_stage],
        params={"business": application.business_name},
        url=application_path(application.id),
    )
    if to_stage not in ACTIVE_STAGES:
        cancel_messages(f"kur:{application.id}:appointment:")
    return event


def start_kur_application(user: User, data: KurStart) -> KurApplication:
    """Start an application after the eligibility check; one in progress at a time."""
    problems = eligibility_problems(data)
    if problems:
        raise KurError(problems[0])
    if active_kur_application(user) is not None:
        raise KurError(_l("Anda sudah punya pengajuan KUR yang sedang berjalan."))
    application = KurApplication(
        user_id=user.id,
        business_name=data.business_name,
        business_months=data.business_months,
        regency=data.regency,
        amount=data.amount,
        bank=data.bank,
        has_ektp=data.has_ektp,
        adult_or_married=data.adult_or_married,
        no_other_credit=data.no_other_credit,
        stage="preparing",
    )
    application.user = user
    db.session.add(application)
    db.session.flush()
    _record_stage(user, application, "preparing", None)
    return application


def required_documents(application: KurApplication) -> list[str]:
    """KTP, KK and a business letter always; NPWP above Rp50 million."""
    docs = ["doc_ktp", "doc_kk", "doc_business_letter"]
    if application.amount > NPWP_THRESHOLD:
        docs.append("doc_npwp")
    return docs


def missing_documents(application: KurApplication) -> list[str]:
    return [d for d in required_documents(application) if not getattr(application, d)]


def update_checklist(user: User, application: KurApplication, ticked: Iterable[str]) -> None:
    """Save which documents the member has ready: only while she is still preparing
    them (once handed in to the bank, the list is a record, not a draft). The row is
    read under a lock, so a checklist saved while the documents are marked handed in
    (another tab, or staff moving the stage) is refused rather than written after."""
    application = lock_for_update(KurApplication, application.id) or application
    if application.stage != "preparing":
        raise KurError(_l("Berkas sudah diserahkan ke bank; daftar berkas tidak bisa diubah lagi."))
    ticked = set(ticked)
    for doc in ("doc_ktp", "doc_kk", "doc_business_letter", "doc_npwp"):
        setattr(application, doc, doc in ticked)
    db.session.flush()


def mark_submitted(user: User, application: KurApplication) -> KurStageEvent:
    """The member handed the documents to the bank (only with the checklist complete,
    read under the same lock as ``update_checklist``: a checklist changed at the same
    moment is either seen here or refused there)."""
    application = lock_for_update(KurApplication, application.id) or application
    if application.stage != "preparing":
        raise KurError(_l("Pengajuan ini sudah melewati tahap menyiapkan berkas."))
    if missing_documents(application):
        raise KurError(_l("Centang dulu semua berkas yang diperlukan."))
    return _record_stage(user, application, "submitted", None)


def next_stages(application: KurApplication) -> list[str]:
    """Where staff can move an application: the next stage, or rejected."""
    if application.stage not in ACTIVE_STAGES:
        return []
    index = FORWARD_STAGES.index(application.stage)
    return [FORWARD_STAGES[index + 1], "rejected"]


def move_kur_application(
    actor: User, application: KurApplication, to_stage: str, note: str | None
) -> KurStageEvent:
    """Staff move an application on (or reject it, with the reason in ``note``)."""
    if to_stage not in next_stages(application):
        raise KurError(_l("Pengajuan ini tidak bisa dipindah ke tahap itu."))
    if to_stage == "rejected":
        if not note:
            raise KurError(_l("Tulis alasan penolakan supaya anggota mengerti."))
        application.rejection_reason = note[:500]
    event = _record_stage(actor, application, to_stage, note)
    audit.record(actor, "kur.stage_change", subject=application.user,
                 object_type="kur_application", object_id=application.id, detail=to_stage)
    return event


def withdraw_kur_application(
    user: User, application: KurApplication, reason: str | None
) -> KurStageEvent:
    """The member withdraws their own application before the bank decides; every
    pending KUR reminder for it stops, and the history keeps the optional reason."""
    if application.user_id != user.id:
        raise KurError(_l("Pengajuan ini bukan milik Anda."))
    if application.stage not in WITHDRAWABLE_STAGES:
        raise KurError(_l("Pengajuan ini sudah diputuskan atau sedang menunggu keputusan bank, jadi tidak bisa dibatalkan lagi. Hubungi petugas UMKM jika perlu."))
    cancel_messages(f"kur:{application.id}:")
    return _record_stage(user, application, "withdrawn", (reason or "").strip()[:500] or None)

