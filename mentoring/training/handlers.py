"""Signal receivers of training: the "Layanan" link, personal data export and
deletion, demo data; and its member home card (asked for by ``mentoring.home``)."""
from __future__ import annotations

from datetime import UTC

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import literal, select

from core.home import NOW, USER_ID, HomeCard, ServiceLink
from core.i18n import format_wita
from core.receivers import connect_receivers
from mentoring.training import demo
from mentoring.training._common import ACTIVE_STATUSES
from mentoring.training.models import TrainingRegistration, TrainingSession
from mentoring.training.personal_data import erase_for, export_for


def home_statement():
    """The member's next training as one row (kind, state, title, at, ref), for the
    home's one statement (``core.home.home_query``, registered by ``mentoring.home``)."""
    return (
        select(literal("training").label("kind"), TrainingRegistration.status.label("state"),
               TrainingSession.title.label("title"), TrainingSession.starts_at.label("at"),
               TrainingSession.id.label("ref"))
        .join(TrainingRegistration.session)
        .where(
            TrainingRegistration.user_id == USER_ID(),
            TrainingRegistration.status.in_(ACTIVE_STATUSES),
            TrainingSession.status == "scheduled",
            TrainingSession.ends_at > NOW(),
        )
        .order_by(TrainingSession.starts_at)
        .limit(1)
    )


def home_cards_from(row) -> list[HomeCard]:
    """The next training (``row`` from ``home_statement``), or an invitation to find one."""
    if row is None:
        return [HomeCard(
            title=_("Pelatihan untuk usaha Anda"),
            text=_("Tenun ikat, pembukuan, barista, pemasaran digital, dan lainnya. Gratis."),
            url=url_for("mentoring.training.trainings"), action=_("Cari pelatihan"), priority=70,
        )]
    starts_at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    text = (
        _("%(title)s, %(time)s.", title=row.title, time=format_wita(starts_at, "short_datetime"))
        if row.state == "confirmed"
        else _("Anda di daftar tunggu %(title)s.", title=row.title)
    )
    return [HomeCard(
        title=_("Pelatihan berikutnya"), text=text,
        url=url_for("mentoring.training.training_detail", training_id=row.ref), action=_("Lihat pelatihan"), priority=30,
    )]


def services_offered(user, **_kwargs) -> list[ServiceLink]:
    """Training on the "Layanan" page: always there, whatever the member did."""
    if user is None:
        return []
    return [
        ServiceLink(title=_("Pelatihan"), text=_("Tenun ikat, pembukuan, barista, pemasaran "
                    "digital, dan lainnya. Gratis."), url=url_for("mentoring.training.trainings"),
                    icon="book", priority=30),
    ]


def connect() -> None:
    """Connect this package's receivers (called by ``create_app``)."""
    connect_receivers("training", export=export_for, erase=erase_for, demo=demo.demo_data,
                      service_links=services_offered)
