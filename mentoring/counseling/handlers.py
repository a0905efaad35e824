"""Signal receivers of counseling: member home card, the counselor's workspace
panel on their home, the profile made when the counselor role is granted,
personal data export and deletion, demo data."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from accounts.models import User
from core.home import NOW, USER_ID, HomeCard, StaffPanel, home_query, home_row
from core.i18n import format_wita
from core.receivers import connect_receivers
from mentoring.counseling import agenda, availability, demo, slot_cache, wellbeing
from mentoring.counseling.models import ACTIVE_STATUSES, Appointment, CounselorProfile
from mentoring.counseling.personal_data import erase_for, export_for


def home_statement():
    """The member's next active session as one row, for the home's one statement
    (``core.home.home_query``)."""
    counselor = aliased(User)
    return (
        select(Appointment.id, Appointment.starts_at, Appointment.status,
               Appointment.proposed_starts_at, counselor.name.label("counselor_name"))
        .join(CounselorProfile, CounselorProfile.id == Appointment.counselor_id)
        .join(counselor, counselor.id == CounselorProfile.user_id)
        .where(Appointment.member_id == USER_ID(), Appointment.status.in_(ACTIVE_STATUSES),
               Appointment.ends_at > NOW())
        .order_by(Appointment.starts_at)
        .limit(1)
    )


def home_cards(user, **_kwargs) -> list[HomeCard]:
    """The member's next session, or the waiting proposal of a new time."""
    appointment = home_row("counseling", user)
    if appointment is None:
        return []
    url = url_for("mentoring.counseling.appointment_detail", appointment_id=appointment.id)
    when = format_wita(appointment.starts_at, "day_time")
    if appointment.proposed_starts_at is not None:
        return [HomeCard(
            title=_("Konselor mengusulkan waktu baru"),
            text=_("Untuk sesi %(time)s dengan %(name)s.", time=when, name=appointment.counselor_name),
            url=url, action=_("Jawab usulan"), priority=10,
        )]
    title = (
        _("Sesi konseling berikutnya") if appointment.status == "confirmed"
        else _("Permintaan sesi menunggu konfirmasi")
    )
    return [HomeCard(
        title=title,
        text=_("%(time)s dengan %(name)s.", time=when, name=appointment.counselor_name),
        url=url, action=_("Lihat sesi"), priority=20,
    )]


def workspace(user, **_kwargs) -> list[StaffPanel]:
    """A counselor's home leads with today's sessions and the urgent flags."""
    if not user.has_role("counselor"):
        return []
    today = agenda.today_for(user)
    urgent = wellbeing.open_urgent_count()
    lines = [
        format_wita(a.starts_at, "clock") + " · " + a.client_label for a in today[:6]
    ] or [_("Tidak ada sesi hari ini.")]
    if urgent:
        lines.insert(0, _("%(count)s tanda perlu perhatian segera", count=urgent))
    return [StaffPanel(
        title=_("Konseling hari ini"),
        url=url_for("mentoring.counseling.staff_dashboard"),
        action=_("Buka dasbor konselor"),
        lines=tuple(lines),
        count=urgent or None,
        priority=10,
        role="counselor",
    )]


def prepare_role(user, role: str | None = None, **_kwargs) -> None:
    """A new counselor gets a profile with the defaults (so no page has to make
    one on a GET); they fill it in from their dashboard."""
    if role == "counselor":
        availability.get_or_create_profile(user)


def connect() -> None:
    """Connect the receivers (called by ``create_app``; connecting twice is harmless)."""
    home_query("counseling", home_statement)
    connect_receivers("counseling", export=export_for, erase=erase_for, demo=demo.seed,
                      member_home_cards=home_cards, staff_workspace=workspace,
                      role_granted=prepare_role)
    slot_cache.install()
