"""Signal receivers: member home cards, personal data, account deletion, demo data."""
from __future__ import annotations

from datetime import UTC, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import literal, select, union_all

from core.db import utcnow
from core.extensions import db
from core.home import HomeCard, ServiceLink, StaffPanel
from core.i18n import wita
from core.signals import (
    account_deleting,
    collect_personal_data,
    member_home_cards,
    seed_demo,
    service_links,
    staff_workspace,
)
from mentoring.programs import services
from mentoring.programs.data import ACTIVE_STAGES, STAGE_NAMES
from mentoring.programs.models import (
    KurApplication,
    TrainingRegistration,
    TrainingSession,
)
from notifications.services import cancel_messages


def _home_rows(user) -> dict:
    """The member's next training and active KUR application in one query (the home
    page is shared by every package and keeps within its query budget)."""
    now = utcnow()
    training = (
        select(literal("training").label("kind"), TrainingRegistration.status.label("state"),
               TrainingSession.title.label("title"), TrainingSession.starts_at.label("at"),
               TrainingSession.id.label("ref"))
        .join(TrainingRegistration.session)
        .where(
            TrainingRegistration.user_id == user.id,
            TrainingRegistration.status.in_(services.ACTIVE_STATUSES),
            TrainingSession.status == "scheduled",
            TrainingSession.ends_at > now,
        )
        .order_by(TrainingSession.starts_at)
        .limit(1)
        .subquery()
    )
    kur = (
        select(literal("kur").label("kind"), KurApplication.stage.label("state"),
               KurApplication.business_name.label("title"),
               KurApplication.created_at.label("at"), KurApplication.id.label("ref"))
        .where(KurApplication.user_id == user.id, KurApplication.stage.in_(ACTIVE_STAGES))
        .limit(1)
        .subquery()
    )
    rows = db.session.execute(union_all(select(training), select(kur))).all()
    return {row.kind: row for row in rows}


def home_cards(user, **_kwargs) -> list[HomeCard]:
    """The next training (or an invitation to find one) and the KUR step."""
    cards: list[HomeCard] = []
    rows = _home_rows(user)
    training = rows.get("training")
    if training is not None:
        starts_at = training.at if training.at.tzinfo else training.at.replace(tzinfo=UTC)
        text = (
            _("%(title)s, %(time)s WITA.", title=training.title,
              time=wita(starts_at, "d MMM yyyy, HH.mm"))
            if training.state == "confirmed"
            else _("Anda di daftar tunggu %(title)s.", title=training.title)
        )
        cards.append(HomeCard(
            title=_("Pelatihan berikutnya"), text=text,
            url=f"/trainings/{training.ref}", action=_("Lihat pelatihan"), priority=30,
        ))
    else:
        cards.append(HomeCard(
            title=_("Pelatihan untuk usaha Anda"),
            text=_("Tenun ikat, pembukuan, barista, pemasaran digital, dan lainnya. Gratis."),
            url="/trainings", action=_("Cari pelatihan"), priority=70,
        ))
    application = rows.get("kur")
    if application is not None:
        cards.append(HomeCard(
            title=_("Pengajuan KUR: %(business)s", business=application.title),
            text=_("Tahap sekarang: %(stage)s.", stage=STAGE_NAMES[application.state]),
            url=f"/kur/{application.ref}", action=_("Lihat pengajuan"), priority=35,
        ))
    else:
        cards.append(HomeCard(
            title=_("Modal usaha lewat KUR"),
            text=_("Cek syarat Kredit Usaha Rakyat (KUR) dan ajukan dengan pendampingan."),
            url="/kur", action=_("Lihat KUR"), priority=75,
        ))
    return cards


def services_offered(user, **_kwargs) -> list[ServiceLink]:
    """Training and KUR on the "Layanan" page: always there, whatever the member did."""
    if user is None:
        return []
    return [
        ServiceLink(title=_("Pelatihan"), text=_("Tenun ikat, pembukuan, barista, pemasaran "
                    "digital, dan lainnya. Gratis."), url=url_for("mentoring.trainings"),
                    icon="book", priority=30),
        ServiceLink(title=_("Modal usaha (KUR)"), text=_("Cek syarat Kredit Usaha Rakyat dan "
                    "ajukan dengan pendampingan."), url=url_for("mentoring.kur"),
                    icon="coins", priority=40),
    ]


def staff_panel(user, **_kwargs) -> list[StaffPanel]:
    """UMKM staff: trainings and KUR applications, first on their home. No counts:
    the home page is shared by every package and stays within its query budget."""
    if not user.has_role("umkm_staff"):
        return []
    return [StaffPanel(
        title=_("Kelola pelatihan dan KUR"),
        url=url_for("mentoring.kur_applications"),
        action=_("Buka pengajuan KUR"),
        lines=(_("Terbitkan pelatihan, lihat peserta, dan ikuti pengajuan KUR."),),
        priority=20, role="umkm_staff",
    )]


def personal_data(user, **_kwargs):
    """The member's registrations and KUR applications for their data export."""
    registrations = db.session.scalars(
        select(TrainingRegistration).where(TrainingRegistration.user_id == user.id)
    ).all()
    applications = db.session.scalars(
        select(KurApplication).where(KurApplication.user_id == user.id)
    ).all()
    if not registrations and not applications:
        return None
    return "programs", {
        "training_registrations": [
            {
                "training": r.session.title,
                "starts_at": r.session.starts_at.isoformat(),
                "status": r.status,
                "attended": r.attended,
                "registered_at": r.created_at.isoformat(),
            }
            for r in registrations
        ],
        "kur_applications": [
            {
                "business_name": a.business_name,
                "business_months": a.business_months,
                "regency": a.regency,
                "amount": a.amount,
                "bank": a.bank,
                "stage": a.stage,
                "rejection_reason": a.rejection_reason,
                "documents": {
                    "ktp": a.doc_ktp, "kk": a.doc_kk,
                    "business_letter": a.doc_business_letter, "npwp": a.doc_npwp,
                },
                "bank_appointment_at": (
                    a.bank_appointment_at.isoformat() if a.bank_appointment_at else None
                ),
                "created_at": a.created_at.isoformat(),
                "history": [
                    {"stage": e.to_stage, "note": e.note, "at": e.created_at.isoformat()}
                    for e in a.events
                ],
            }
            for a in applications
        ],
    }


def erase_personal_data(user, **_kwargs) -> None:
    """Free the member's seats (the waitlist moves up), cancel reminders, and erase
    their registrations and KUR applications."""
    registrations = db.session.scalars(
        select(TrainingRegistration).where(TrainingRegistration.user_id == user.id)
    ).all()
    for registration in registrations:
        services.cancel_registration(user, registration, erasing=True)
    for registration in registrations:
        db.session.delete(registration)
    for application in db.session.scalars(
        select(KurApplication).where(KurApplication.user_id == user.id)
    ).all():
        cancel_messages(f"kur:{application.id}:")
        db.session.delete(application)
    db.session.flush()


DEMO_TRAININGS = [
    # title, provider, provider name, place, regency, tags, days ahead, hour, hours, capacity
    ("Tenun ikat motif Amarasi untuk pemula", "city", "Dekranasda Kota Kupang",
     "Rumah Tenun Naikoten, Kota Kupang", "kota-kupang", ["tenun-ikat"], 6, 9, 6, 15),
    ("Pembukuan sederhana untuk penjual se'i", "bank", "Bank NTT",
     "Aula Kelurahan Oebobo, Kota Kupang", "kota-kupang", ["pembukuan", "keuangan"], 9, 13, 3, 25),
    ("Barista dengan kopi Bajawa", "blk", "BLK Kupang",
     "BLK Kupang, Jl. Perintis Kemerdekaan", "kota-kupang", ["barista"], 12, 9, 16, 12),
    ("Jualan lewat WhatsApp dan Instagram", "bp3mi", "BP3MI NTT",
     None, "kota-kupang", ["pemasaran-digital"], 15, 14, 2, 100),
    ("Olahan jagung bose dan sambal lu'at", "community", "Kelompok Purna PMI Oesao",
     "Balai Desa Oesao, Kabupaten Kupang", "kupang", ["masak"], 20, 9, 5, 20),
]


def demo_data(users, **_kwargs) -> None:
    """A few upcoming trainings and a KUR application for the vendor demo user."""
    staff = users.get("umkm_staff")
    now = utcnow()
    for title, provider, provider_name, place, regency, tags, days, hour, hours, capacity in DEMO_TRAININGS:
        if db.session.scalar(select(TrainingSession.id).where(TrainingSession.title == title)):
            continue
        day = (now + timedelta(days=days)).astimezone(services.WITA)
        starts = day.replace(hour=hour, minute=0, second=0, microsecond=0)
        db.session.add(TrainingSession(
            title=title,
            description=_demo_description(tags),
            provider=provider,
            provider_name=provider_name,
            place=place,
            online_url=None if place else "https://meet.jit.si/rumahpurna-pemasaran",
            regency=regency,
            tags="," + ",".join(tags) + ",",
            starts_at=starts.astimezone(UTC),
            ends_at=(starts + timedelta(hours=hours)).astimezone(UTC),
            registration_deadline_at=(starts - timedelta(days=1)).astimezone(UTC),
            capacity=capacity,
            created_by_id=staff.id if staff else None,
        ))
    db.session.flush()
    vendor = users.get("vendor")
    if vendor is None or db.session.scalar(
        select(KurApplication.id).where(KurApplication.user_id == vendor.id)
    ):
        return
    application = services.start_kur_application(vendor, services.KurStart(
        business_name="Se'i Babi Om Yohan",
        business_months=30,
        regency="kupang",
        amount=25_000_000,
        bank="bank-ntt",
        has_ektp=True,
        adult_or_married=True,
        no_other_credit=True,
    ))
    services.update_checklist(vendor, application, ["doc_ktp", "doc_kk", "doc_business_letter"])
    services.mark_submitted(vendor, application)


def _demo_description(tags: list[str]) -> str:
    if "tenun-ikat" in tags:
        return "Belajar dasar mengikat dan mewarnai benang dengan pewarna alam. Alat dan benang disediakan."
    if "pembukuan" in tags:
        return "Mencatat uang masuk dan keluar setiap hari, menghitung untung, dan menyiapkan catatan untuk pengajuan KUR."
    if "barista" in tags:
        return "Dua hari praktik menyeduh kopi Bajawa arabika: manual brew, espresso, dan menghitung harga per gelas."
    if "pemasaran-digital" in tags:
        return "Foto produk dengan HP, katalog WhatsApp Business, dan cara membalas pembeli dengan sopan."
    return "Praktik mengolah bahan lokal menjadi produk yang tahan lama dan siap dijual di pasar SABOAK."


def connect() -> None:
    """Connect this package's receivers (called by ``create_app``)."""
    member_home_cards.connect(home_cards)
    collect_personal_data.connect(personal_data)
    account_deleting.connect(erase_personal_data)
    seed_demo.connect(demo_data)
    service_links.connect(services_offered)
    staff_workspace.connect(staff_panel)
