"""Training operations: sessions published, changed and cancelled by staff; seats
taken, freed and handed on from the waitlist; attendance.

Plain functions that take the acting user explicitly and only flush; the view,
job or CLI command that calls them owns the commit. Every change a person should
know about goes through ``notify`` (texts are ``N_`` msgids, never sensitive).

Seats: every operation that hands out or frees a seat first locks the session row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway), and
``(session_id, seat_no)`` is unique, so a freed seat goes to exactly one person
even when several people cancel at the same moment.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.status import StatusChanged, change_status, lock_for_update
from mentoring.training._common import (
    ACTIVE_STATUSES,
    TrainingError,
    registration_key,
    registration_open,
    reminders_ahead,
)
from mentoring.training.listing import registrants
from mentoring.training.models import TrainingRegistration, TrainingSession
from mentoring.training.notices import CONFIRMED_BODIES, schedule_reminders, training_path, when
from notifications.services import N_, cancel_messages, notify


@dataclass
class TrainingData:
    """What staff enter for a session (times are aware UTC)."""

    title: str
    description: str
    provider: str
    provider_name: str | None
    place: str | None
    online_url: str | None
    regency: str
    tags: list[str]
    starts_at: datetime
    ends_at: datetime
    registration_deadline_at: datetime
    capacity: int


def _apply(training: TrainingSession, data: TrainingData) -> None:
    training.title = data.title
    training.description = data.description
    training.provider = data.provider
    training.provider_name = data.provider_name or None
    training.place = data.place or None
    training.online_url = data.online_url or None
    training.regency = data.regency
    training.tags = "," + ",".join(data.tags) + "," if data.tags else ""
    training.starts_at = data.starts_at
    training.ends_at = data.ends_at
    training.registration_deadline_at = data.registration_deadline_at
    training.capacity = data.capacity


def create_training(actor: User, data: TrainingData) -> TrainingSession:
    """Publish a new training session."""
    training = TrainingSession(created_by_id=actor.id, status="scheduled")
    _apply(training, data)
    db.session.add(training)
    db.session.flush()
    return training


def _locked_training(training_id: int) -> TrainingSession:
    """Load the session row locked for the rest of the transaction (``SELECT … FOR
    UPDATE`` through ``core.status.lock_for_update``); refused when it is gone."""
    training = lock_for_update(TrainingSession, training_id)
    if training is None:
        raise StatusChanged()
    # Whatever follows may change the seats: a new ``updated_at`` (never an earlier
    # one, even from a host whose clock is behind) is the key the training list
    # keeps seat counts under (``listing.listed_seat_counts``).
    training.updated_at = max(utcnow(), training.updated_at + timedelta(microseconds=1))
    return training


def _confirmed(training_id: int) -> list[TrainingRegistration]:
    return list(
        db.session.scalars(
            select(TrainingRegistration)
            .where(
                TrainingRegistration.session_id == training_id,
                TrainingRegistration.status == "confirmed",
            )
            .options(joinedload(TrainingRegistration.user))
            .order_by(TrainingRegistration.seat_no)
            .execution_options(populate_existing=True)
        )
    )


def update_training(actor: User, training: TrainingSession, data: TrainingData) -> TrainingSession:
    """Change a session. A new time re-schedules everyone's reminders and tells them;
    more seats promote people from the waitlist; fewer seats than people already
    confirmed are refused."""
    training = _locked_training(training.id)
    if training.is_cancelled:
        raise TrainingError(_l("Pelatihan ini sudah dibatalkan dan tidak bisa diubah."))
    confirmed = _confirmed(training.id)
    if data.capacity < len(confirmed):
        raise TrainingError(
            _l("Sudah %(count)d orang terdaftar. Kapasitas tidak boleh lebih kecil dari itu.",
               count=len(confirmed))
        )
    time_changed = (data.starts_at, data.ends_at) != (training.starts_at, training.ends_at)
    _apply(training, data)
    _compact_seats(training, confirmed)
    if time_changed:
        old_version = training.schedule_version
        training.schedule_version = old_version + 1
        db.session.flush()
        for registration in confirmed:
            cancel_messages(f"{registration_key(registration)}s{old_version}:")
            notify(
                registration.user,
                key=f"{registration_key(registration)}s{training.schedule_version}:rescheduled",
                title=N_("Jadwal pelatihan berubah"),
                body=N_("%(title)s sekarang dimulai %(time)s."),
                params={"title": training.title,
                        "time": when(training.starts_at, registration.user)},
                url=training_path(training.id),
            )
            schedule_reminders(training, registration)
    db.session.flush()
    promote_waitlisted(training)
    return training


def _compact_seats(training: TrainingSession, confirmed: list[TrainingRegistration]) -> None:
    """After a capacity change, move anyone sitting above the capacity to a free seat."""
    taken = {r.seat_no for r in confirmed}
    for registration in confirmed:
        if registration.seat_no is not None and registration.seat_no > training.capacity:
            free = next(n for n in range(1, training.capacity + 1) if n not in taken)
            taken.discard(registration.seat_no)
            registration.seat_no = free
            taken.add(free)
            db.session.flush()


def cancel_training(actor: User, training: TrainingSession, reason: str | None) -> int:
    """Cancel a session: every registered or waitlisted person is told, and their
    pending reminders are cancelled. Returns how many people were told."""
    training = _locked_training(training.id)
    if training.is_cancelled:
        return 0
    change_status(TrainingSession, training, "scheduled", "cancelled",
                  cancel_reason=reason or None, cancelled_at=utcnow())
    cancel_messages(f"training:{training.id}:")
    registrations = registrants(training)
    for registration in registrations:
        notify(
            registration.user,
            key=f"training:{training.id}:cancelled:{registration.user_id}",
            title=N_("Pelatihan dibatalkan"),
            body=N_("%(title)s pada %(time)s dibatalkan oleh penyelenggara. Mohon maaf."),
            params={"title": training.title,
                    "time": when(training.starts_at, registration.user)},
            url=training_path(training.id),
            urgent=True,
        )
    return len(registrations)


def _free_seat(training: TrainingSession) -> int | None:
    taken = set(
        db.session.scalars(
            select(TrainingRegistration.seat_no).where(
                TrainingRegistration.session_id == training.id,
                TrainingRegistration.status == "confirmed",
            )
        )
    )
    return next((n for n in range(1, training.capacity + 1) if n not in taken), None)


def active_registration(user: User, training: TrainingSession) -> TrainingRegistration | None:
    return db.session.scalar(
        select(TrainingRegistration).where(
            TrainingRegistration.session_id == training.id,
            TrainingRegistration.user_id == user.id,
            TrainingRegistration.status.in_(ACTIVE_STATUSES),
        )
    )


def register(user: User, training: TrainingSession) -> TrainingRegistration:
    """Register ``user`` for a session: a seat if one is free, else the waitlist.
    Tells them either way; a confirmed seat also schedules the reminders."""
    training = _locked_training(training.id)
    if not registration_open(training):
        raise TrainingError(_l("Pendaftaran untuk pelatihan ini sudah ditutup."))
    if active_registration(user, training) is not None:
        raise TrainingError(_l("Anda sudah terdaftar di pelatihan ini."))
    seat = _free_seat(training)
    now = utcnow()
    registration = TrainingRegistration(
        session_id=training.id,
        user_id=user.id,
        status="confirmed" if seat else "waitlisted",
        seat_no=seat,
        confirmed_at=now if seat else None,
    )
    registration.user = user
    db.session.add(registration)
    db.session.flush()
    if seat:
        notify(
            user,
            key=f"{registration_key(registration)}confirmed",
            title=N_("Pendaftaran pelatihan diterima"),
            body=CONFIRMED_BODIES[reminders_ahead(training.starts_at, now)],
            params={"title": training.title, "time": when(training.starts_at, user)},
            url=training_path(training.id),
        )
        schedule_reminders(training, registration)
    else:
        notify(
            user,
            key=f"{registration_key(registration)}waitlisted",
            title=N_("Anda masuk daftar tunggu"),
            body=N_("%(title)s sudah penuh. Jika ada tempat kosong, Anda otomatis mendapat tempat dan kami kabari."),
            params={"title": training.title},
            url=training_path(training.id),
        )
    return registration


def cancel_registration(
    actor: User, registration: TrainingRegistration, *, erasing: bool = False
) -> None:
    """Cancel a registration (the member's own, or on account deletion with
    ``erasing``). Pending reminders are cancelled; a freed seat goes to the next
    person on the waitlist. Once the session has started a member cannot cancel."""
    training = _locked_training(registration.session_id)
    registration = db.session.execute(
        select(TrainingRegistration)
        .where(TrainingRegistration.id == registration.id)
        .execution_options(populate_existing=True)
    ).scalar_one()
    if registration.status not in ACTIVE_STATUSES:
        return
    if training.starts_at <= utcnow() and not erasing:
        raise TrainingError(_l("Pelatihan ini sudah dimulai; pendaftaran tidak bisa dibatalkan lagi."))
    freed = registration.status == "confirmed"
    # From the status read under the session lock: a second cancel of the same
    # registration (two taps, two tabs) finds it moved and changes nothing.
    change_status(TrainingRegistration, registration, registration.status, "cancelled",
                  seat_no=None, cancelled_at=utcnow())
    cancel_messages(f"training:{training.id}:user:{registration.user_id}:")
    if freed:
        promote_waitlisted(training)


def promote_waitlisted(training: TrainingSession) -> list[TrainingRegistration]:
    """Give free seats to the waitlist in order of registration and tell each person.
    The caller holds the session lock (``_locked_training``)."""
    promoted: list[TrainingRegistration] = []
    if training.is_cancelled or training.starts_at <= utcnow():
        return promoted
    while True:
        seat = _free_seat(training)
        if seat is None:
            break
        registration = db.session.scalar(
            select(TrainingRegistration)
            .where(
                TrainingRegistration.session_id == training.id,
                TrainingRegistration.status == "waitlisted",
            )
            .order_by(TrainingRegistration.created_at, TrainingRegistration.id)
            .limit(1)
        )
        if registration is None:
            break
        change_status(TrainingRegistration, registration, "waitlisted", "confirmed",
                      seat_no=seat, confirmed_at=utcnow())
        user = registration.user
        notify(
            user,
            key=f"{registration_key(registration)}promoted",
            title=N_("Anda mendapat tempat di pelatihan"),
            body=N_("Ada tempat kosong di %(title)s, %(time)s. Tempat itu sekarang milik Anda. Jika tidak bisa datang, batalkan supaya orang lain bisa ikut."),
            params={"title": training.title, "time": when(training.starts_at, user)},
            url=training_path(training.id),
        )
        schedule_reminders(training, registration)
        promoted.append(registration)
    return promoted


def mark_attendance(actor: User, training: TrainingSession, attended_ids: Iterable[int]) -> int:
    """Record who came: the given confirmed registrations attended, the others did not."""
    attended = set(attended_ids)
    confirmed = _confirmed(training.id)
    for registration in confirmed:
        registration.attended = registration.id in attended
    db.session.flush()
    return len([r for r in confirmed if r.attended])

