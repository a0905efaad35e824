"""Signal receivers of counseling: member home card, personal data export and
deletion, demo data."""
from __future__ import annotations

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from core.home import HomeCard
from core.signals import account_deleting, collect_personal_data, member_home_cards, seed_demo
from mentoring.counseling import agenda
from mentoring.counseling.personal_data import erase_for, export_for


def home_cards(user, **_kwargs) -> list[HomeCard]:
    """The member's next session, or the waiting proposal of a new time."""
    appointment = agenda.next_appointment(user)
    if appointment is None:
        return []
    url = url_for("mentoring.counseling.appointment_detail", appointment_id=appointment.id)
    when = format_datetime(appointment.starts_at, "EEEE, d MMMM, HH:mm") + " WITA"
    if appointment.proposed_starts_at is not None:
        return [HomeCard(
            title=_("Konselor mengusulkan waktu baru"),
            text=_("Untuk sesi %(time)s dengan %(name)s.", time=when, name=appointment.counselor.name),
            url=url, action=_("Jawab usulan"), priority=10,
        )]
    title = (
        _("Sesi konseling berikutnya") if appointment.status == "confirmed"
        else _("Permintaan sesi menunggu konfirmasi")
    )
    return [HomeCard(
        title=title,
        text=_("%(time)s dengan %(name)s.", time=when, name=appointment.counselor.name),
        url=url, action=_("Lihat sesi"), priority=20,
    )]


def personal_data(user, **_kwargs):
    data = export_for(user)
    return ("counseling", data) if data else None


def erase(user, **_kwargs) -> None:
    erase_for(user)


def demo(users, **_kwargs) -> None:
    from mentoring.counseling.demo import seed

    seed(users)


def connect() -> None:
    member_home_cards.connect(home_cards)
    collect_personal_data.connect(personal_data)
    account_deleting.connect(erase)
    seed_demo.connect(demo)


connect()
