"""Training sessions, registrations with a waitlist, and KUR applications.

Plain functions that take the acting user explicitly and only flush; the view,
job or CLI command that calls them owns the commit. Every change a person should
know about goes through ``notify`` (texts are ``N_`` msgids, never sensitive).

Seats: every operation that hands out or frees a seat first locks the session row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway), and
``(session_id, seat_no)`` is unique, so a freed seat goes to exactly one person
even when several people cancel at the same moment.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_datetime
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from icalendar import Calendar, Event
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from accounts import audit
from accounts.models import User
from accounts.phones import display_phone
from core.db import utcnow
from core.errors import Refused
from core.extensions import db
from core.i18n import WITA
from core.status import StatusChanged, change_status
from mentoring.programs.data import (
    ACTIVE_STAGES,
    FORWARD_STAGES,
    MIN_BUSINESS_MONTHS,
    NPWP_THRESHOLD,
    WITHDRAWABLE_STAGES,
)
from mentoring.programs.models import (
    KurApplication,
    KurStageEvent,
    TrainingRegistration,
    TrainingSession,
)
from notifications.services import N_, cancel_messages, notify

ACTIVE_STATUSES = ("confirmed", "waitlisted")
REMINDERS = (("reminder-24h", timedelta(hours=24)), ("reminder-2h", timedelta(hours=2)))


class ProgramError(Refused):
    """A rule the person can understand and act on; ``message`` is translatable."""


CONFIRMED_BODIES = {
    2: N_("Anda terdaftar di %(title)s, %(time)s. Kami akan mengingatkan Anda sehari dan dua jam sebelumnya."),
    1: N_("Anda terdaftar di %(title)s, %(time)s. Kami akan mengingatkan Anda dua jam sebelumnya."),
    0: N_("Anda terdaftar di %(title)s, %(time)s. Pelatihan segera dimulai."),
}


def reminders_ahead(starts_at: datetime, now: datetime | None = None) -> int:
    """How many of the reminders (a day and two hours before) can still be sent,
    so pages and notices promise only what will happen (issue 8 items 24, 34)."""
    left = starts_at - (now or utcnow())
    return sum(1 for _name, before in REMINDERS if left > before)


def format_when(value: datetime, locale: str | None) -> str:
    """A date and time in WITA, written in the recipient's language, for message params."""
    text = format_datetime(value, "EEEE, d MMMM yyyy, HH.mm", tzinfo=WITA, locale=locale or "id")
    return f"{text} WITA"


# --- training sessions -------------------------------------------------------------


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
    """Load the session row locked for the rest of the transaction (PostgreSQL)."""
    statement = (
        select(TrainingSession)
        .where(TrainingSession.id == training_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.execute(statement).scalar_one()


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
        raise ProgramError(_l("Pelatihan ini sudah dibatalkan dan tidak bisa diubah."))
    confirmed = _confirmed(training.id)
    if data.capacity < len(confirmed):
        raise ProgramError(
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
            cancel_messages(f"{_registration_key(registration)}s{old_version}:")
            notify(
                registration.user,
                key=f"{_registration_key(registration)}s{training.schedule_version}:rescheduled",
                title=N_("Jadwal pelatihan berubah"),
                body=N_("%(title)s sekarang dimulai %(time)s."),
                params={"title": training.title,
                        "time": format_when(training.starts_at, registration.user.locale)},
                url=f"/trainings/{training.id}",
            )
            _schedule_reminders(training, registration)
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
    training.status = "cancelled"
    training.cancel_reason = reason or None
    training.cancelled_at = utcnow()
    db.session.flush()
    cancel_messages(f"training:{training.id}:")
    registrations = list(
        db.session.scalars(
            select(TrainingRegistration)
            .where(
                TrainingRegistration.session_id == training.id,
                TrainingRegistration.status.in_(ACTIVE_STATUSES),
            )
            .options(joinedload(TrainingRegistration.user))
        )
    )
    for registration in registrations:
        notify(
            registration.user,
            key=f"training:{training.id}:cancelled:{registration.user_id}",
            title=N_("Pelatihan dibatalkan"),
            body=N_("%(title)s pada %(time)s dibatalkan oleh penyelenggara. Mohon maaf."),
            params={"title": training.title,
                    "time": format_when(training.starts_at, registration.user.locale)},
            url=f"/trainings/{training.id}",
            urgent=True,
        )
    return len(registrations)


def registration_open(training: TrainingSession, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        training.status == "scheduled"
        and now < training.registration_deadline_at
        and now < training.starts_at
    )


def _registration_key(registration: TrainingRegistration) -> str:
    return f"training:{registration.session_id}:user:{registration.user_id}:reg:{registration.id}:"


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


def _schedule_reminders(training: TrainingSession, registration: TrainingRegistration) -> None:
    """24 h and 2 h before the start; a reminder whose time has passed is skipped."""
    now = utcnow()
    user = registration.user
    for name, before in REMINDERS:
        due = training.starts_at - before
        if due <= now:
            continue
        notify(
            user,
            key=f"{_registration_key(registration)}s{training.schedule_version}:{name}",
            title=N_("Pengingat pelatihan"),
            body=N_("%(title)s dimulai %(time)s di %(place)s."),
            params={"title": training.title, "time": format_when(training.starts_at, user.locale),
                    "place": training.place or training.online_url or ""},
            url=f"/trainings/{training.id}",
            due_at=due,
            expires_at=training.starts_at,
        )


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
        raise ProgramError(_l("Pendaftaran untuk pelatihan ini sudah ditutup."))
    if active_registration(user, training) is not None:
        raise ProgramError(_l("Anda sudah terdaftar di pelatihan ini."))
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
            key=f"{_registration_key(registration)}confirmed",
            title=N_("Pendaftaran pelatihan diterima"),
            body=CONFIRMED_BODIES[reminders_ahead(training.starts_at, now)],
            params={"title": training.title, "time": format_when(training.starts_at, user.locale)},
            url=f"/trainings/{training.id}",
        )
        _schedule_reminders(training, registration)
    else:
        notify(
            user,
            key=f"{_registration_key(registration)}waitlisted",
            title=N_("Anda masuk daftar tunggu"),
            body=N_("%(title)s sudah penuh. Jika ada tempat kosong, Anda otomatis mendapat tempat dan kami kabari."),
            params={"title": training.title},
            url=f"/trainings/{training.id}",
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
        raise ProgramError(_l("Pelatihan ini sudah dimulai; pendaftaran tidak bisa dibatalkan lagi."))
    freed = registration.status == "confirmed"
    registration.status = "cancelled"
    registration.seat_no = None
    registration.cancelled_at = utcnow()
    db.session.flush()
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
        registration.status = "confirmed"
        registration.seat_no = seat
        registration.confirmed_at = utcnow()
        db.session.flush()
        user = registration.user
        notify(
            user,
            key=f"{_registration_key(registration)}promoted",
            title=N_("Anda mendapat tempat di pelatihan"),
            body=N_("Ada tempat kosong di %(title)s, %(time)s. Tempat itu sekarang milik Anda. Jika tidak bisa datang, batalkan supaya orang lain bisa ikut."),
            params={"title": training.title, "time": format_when(training.starts_at, user.locale)},
            url=f"/trainings/{training.id}",
        )
        _schedule_reminders(training, registration)
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


# What a row of the members' training list shows (``_training_row.html``).
LIST_COLUMNS = load_only(
    TrainingSession.title, TrainingSession.place, TrainingSession.regency,
    TrainingSession.starts_at, TrainingSession.capacity, TrainingSession.status,
)


def _upcoming_statements(tag: bool, regency: bool):
    """(items, count) statements of the training list with these filters, built once
    each: building them and their cache keys on every visit cost more than running
    them. Same SQL as ``db.paginate`` would send."""
    key = (tag, regency)
    built = _UPCOMING.get(key)
    if built is None:
        statement = select(TrainingSession).options(LIST_COLUMNS).where(
            TrainingSession.status == "scheduled", TrainingSession.starts_at > bindparam("now")
        )
        if tag:
            statement = statement.where(TrainingSession.tags.like(bindparam("tag"), escape="/"))
        if regency:
            statement = statement.where(TrainingSession.regency == bindparam("regency"))
        statement = statement.order_by(TrainingSession.starts_at, TrainingSession.id)
        count = select(func.count()).select_from(statement.order_by(None).subquery())
        items = statement.limit(bindparam("limit")).offset(bindparam("offset"))
        built = _UPCOMING[key] = (items, count)
    return built


_UPCOMING: dict[tuple[bool, bool], tuple] = {}


class _UpcomingPagination(Pagination):
    """What ``db.paginate`` gives for the members' training list (same two queries)."""

    def _params(self) -> dict:
        args = self._query_args
        params = {"now": args["now"]}
        if args["tag"]:
            escaped = args["tag"].replace("/", "//").replace("%", "/%").replace("_", "/_")
            params["tag"] = f"%,{escaped},%"
        if args["regency"]:
            params["regency"] = args["regency"]
        return params

    def _statements(self):
        return _upcoming_statements(bool(self._query_args["tag"]), bool(self._query_args["regency"]))

    def _query_items(self) -> list[TrainingSession]:
        params = {**self._params(), "limit": self.per_page, "offset": self._query_offset}
        return list(db.session.execute(self._statements()[0], params).unique().scalars())

    def _query_count(self) -> int:
        return db.session.execute(self._statements()[1], self._params()).scalar()


def upcoming_trainings(tag: str | None, regency: str | None, page: int, per_page: int = 20):
    """Scheduled sessions that have not started yet, soonest first (only the
    columns the list shows)."""
    return _UpcomingPagination(
        page=page, per_page=per_page, error_out=False,
        now=utcnow(), tag=tag or None, regency=regency or None,
    )


def all_trainings(page: int, per_page: int = 20):
    """For staff: every session, the newest start first."""
    statement = select(TrainingSession).order_by(
        TrainingSession.starts_at.desc(), TrainingSession.id.desc()
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


_SEAT_COUNTS = (
    select(TrainingRegistration.session_id, TrainingRegistration.status, func.count())
    .where(
        TrainingRegistration.session_id.in_(bindparam("ids", expanding=True)),
        TrainingRegistration.status.in_(ACTIVE_STATUSES),
    )
    .group_by(TrainingRegistration.session_id, TrainingRegistration.status)
)
# The sessions are already loaded by the list: no need to join them again.
_REGISTRATIONS_OF = (
    select(TrainingRegistration)
    .options(lazyload(TrainingRegistration.session))
    .where(
        TrainingRegistration.user_id == bindparam("user_id"),
        TrainingRegistration.session_id.in_(bindparam("ids", expanding=True)),
        TrainingRegistration.status.in_(ACTIVE_STATUSES),
    )
)


def seat_counts(training_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """``{session_id: {"confirmed": n, "waitlisted": m}}`` in one query."""
    ids = list(training_ids)
    counts: dict[int, dict[str, int]] = {i: {"confirmed": 0, "waitlisted": 0} for i in ids}
    if not ids:
        return counts
    rows = db.session.execute(_SEAT_COUNTS, {"ids": ids})
    for session_id, status, count in rows:
        counts[session_id][status] = count
    return counts


def registrations_of(user: User, training_ids: Iterable[int]) -> dict[int, TrainingRegistration]:
    """The user's active registrations among these sessions, by session id."""
    ids = list(training_ids)
    if not ids:
        return {}
    rows = db.session.scalars(_REGISTRATIONS_OF, {"user_id": user.id, "ids": ids})
    return {r.session_id: r for r in rows}


def waitlist_position(registration: TrainingRegistration) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                TrainingRegistration.session_id == registration.session_id,
                TrainingRegistration.status == "waitlisted",
                (TrainingRegistration.created_at < registration.created_at)
                | (
                    (TrainingRegistration.created_at == registration.created_at)
                    & (TrainingRegistration.id < registration.id)
                ),
            )
        )
        or 0
    ) + 1


def my_registrations(user: User) -> list[TrainingRegistration]:
    """The member's registrations that are still active, with their sessions."""
    return list(
        db.session.scalars(
            select(TrainingRegistration)
            .join(TrainingRegistration.session)
            .where(
                TrainingRegistration.user_id == user.id,
                TrainingRegistration.status.in_(ACTIVE_STATUSES),
            )
            .order_by(TrainingSession.starts_at.desc())
            .limit(100)
        )
    )


def registrants(training: TrainingSession) -> list[TrainingRegistration]:
    """Everyone confirmed or waitlisted, with their accounts (one query)."""
    return list(
        db.session.scalars(
            select(TrainingRegistration)
            .where(
                TrainingRegistration.session_id == training.id,
                TrainingRegistration.status.in_(ACTIVE_STATUSES),
            )
            .options(joinedload(TrainingRegistration.user))
            .order_by(
                TrainingRegistration.status,  # confirmed before waitlisted
                TrainingRegistration.seat_no,
                TrainingRegistration.created_at,
                TrainingRegistration.id,
            )
        )
    )


def _csv_cell(value) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def registrants_csv(training: TrainingSession) -> str:
    """The registrant list as CSV (for staff), headers in the current language."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([
        gettext("Nama"), gettext("Nomor HP"), gettext("Status"), gettext("Kursi"),
        gettext("Hadir"), gettext("Terdaftar (WITA)"),
    ])
    statuses = {"confirmed": gettext("terdaftar"), "waitlisted": gettext("daftar tunggu")}
    attended = {True: gettext("ya"), False: gettext("tidak"), None: ""}
    for registration in registrants(training):
        writer.writerow([
            _csv_cell(registration.user.name),
            _csv_cell(display_phone(registration.user.phone)),
            statuses[registration.status],
            registration.seat_no or "",
            attended[registration.attended],
            registration.created_at.astimezone(WITA).strftime("%Y-%m-%d %H:%M"),
        ])
    return out.getvalue()


def training_ics(training: TrainingSession, url: str) -> bytes:
    """An iCalendar file for one session; times in UTC so every calendar shows WITA right."""
    calendar = Calendar()
    calendar.add("prodid", "-//Rumah Purna//Pelatihan//ID")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if training.is_cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"training-{training.id}@rumahpurna")
    event.add("summary", training.title)
    event.add("dtstart", training.starts_at)
    event.add("dtend", training.ends_at)
    event.add("dtstamp", utcnow())
    event.add("sequence", training.schedule_version)
    event.add("status", "CANCELLED" if training.is_cancelled else "CONFIRMED")
    event.add("location", training.place or training.online_url or "")
    event.add("description", training.description or "")
    event.add("url", url)
    calendar.add_component(event)
    return calendar.to_ical()


# --- KUR applications --------------------------------------------------------------


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
            raise ProgramError(changed.message) from None
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
        url=f"/kur/{application.id}",
    )
    if to_stage not in ACTIVE_STAGES:
        cancel_messages(f"kur:{application.id}:appointment:")
    return event


def start_kur_application(user: User, data: KurStart) -> KurApplication:
    """Start an application after the eligibility check; one in progress at a time."""
    problems = eligibility_problems(data)
    if problems:
        raise ProgramError(problems[0])
    if active_kur_application(user) is not None:
        raise ProgramError(_l("Anda sudah punya pengajuan KUR yang sedang berjalan."))
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
    them (once handed in to the bank, the list is a record, not a draft)."""
    if application.stage != "preparing":
        raise ProgramError(_l("Berkas sudah diserahkan ke bank; daftar berkas tidak bisa diubah lagi."))
    ticked = set(ticked)
    for doc in ("doc_ktp", "doc_kk", "doc_business_letter", "doc_npwp"):
        setattr(application, doc, doc in ticked)
    db.session.flush()


def mark_submitted(user: User, application: KurApplication) -> KurStageEvent:
    """The member handed the documents to the bank (only with the checklist complete)."""
    if application.stage != "preparing":
        raise ProgramError(_l("Pengajuan ini sudah melewati tahap menyiapkan berkas."))
    if missing_documents(application):
        raise ProgramError(_l("Centang dulu semua berkas yang diperlukan."))
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
        raise ProgramError(_l("Pengajuan ini tidak bisa dipindah ke tahap itu."))
    if to_stage == "rejected":
        if not note:
            raise ProgramError(_l("Tulis alasan penolakan supaya anggota mengerti."))
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
        raise ProgramError(_l("Pengajuan ini bukan milik Anda."))
    if application.stage not in WITHDRAWABLE_STAGES:
        raise ProgramError(_l("Pengajuan ini sudah diputuskan atau sedang menunggu keputusan bank, jadi tidak bisa dibatalkan lagi. Hubungi petugas UMKM jika perlu."))
    cancel_messages(f"kur:{application.id}:")
    return _record_stage(user, application, "withdrawn", (reason or "").strip()[:500] or None)


def set_bank_appointment(user: User, application: KurApplication, when: datetime | None) -> None:
    """Save (or clear) the bank appointment the member entered and remind them
    a day and two hours before."""
    cancel_messages(f"kur:{application.id}:appointment:")
    application.bank_appointment_at = when
    application.appointment_version += 1
    db.session.flush()
    if when is None:
        return
    now = utcnow()
    for name, before in REMINDERS:
        due = when - before
        if due <= now:
            continue
        notify(
            user,
            key=f"kur:{application.id}:appointment:v{application.appointment_version}:{name}",
            title=N_("Pengingat janji di bank"),
            body=N_("Janji Anda di bank untuk pengajuan KUR: %(time)s. Bawa berkas asli Anda."),
            params={"time": format_when(when, user.locale)},
            url=f"/kur/{application.id}",
            due_at=due,
        )


def my_kur_applications(user: User) -> list[KurApplication]:
    return list(
        db.session.scalars(
            select(KurApplication)
            .where(KurApplication.user_id == user.id)
            .order_by(KurApplication.created_at.desc(), KurApplication.id.desc())
            .limit(50)
        )
    )


def kur_applications_for_staff(stage: str | None, regency: str | None, sort: str, page: int,
                               per_page: int = 20):
    """Every application, filtered; ``sort="stuck"`` puts the longest waiting first."""
    statement = select(KurApplication).options(joinedload(KurApplication.user))
    if stage:
        statement = statement.where(KurApplication.stage == stage)
    if regency:
        statement = statement.where(KurApplication.regency == regency)
    if sort == "stuck":
        statement = statement.order_by(
            KurApplication.stage.in_(ACTIVE_STAGES).desc(),
            KurApplication.stage_changed_at,
            KurApplication.id,
        )
    else:
        statement = statement.order_by(KurApplication.created_at.desc(), KurApplication.id.desc())
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def days_in_stage(application: KurApplication, now: datetime | None = None) -> int:
    return max(0, ((now or utcnow()) - application.stage_changed_at).days)


STALE_MESSAGES = {
    "preparing": N_("Pengajuan KUR untuk %(business)s sudah %(days)s hari di tahap menyiapkan berkas. Butuh bantuan? Hubungi petugas UMKM."),
    "submitted": N_("Berkas KUR untuk %(business)s sudah %(days)s hari di bank. Tanyakan perkembangannya ke bank, atau hubungi petugas UMKM."),
    "survey": N_("Pengajuan KUR untuk %(business)s sudah %(days)s hari di tahap survei. Tanyakan jadwalnya ke bank."),
    "decision": N_("Pengajuan KUR untuk %(business)s sudah %(days)s hari menunggu keputusan bank. Tanyakan ke bank, atau hubungi petugas UMKM."),
}


def remind_stale_applications(stale_days: int, now: datetime | None = None) -> int:
    """Remind members whose application has waited ``stale_days`` or more in one stage.
    One reminder per stage per period of ``stale_days`` (the key says which), so
    running this again in the same period sends nothing new."""
    now = now or utcnow()
    cutoff = now - timedelta(days=stale_days)
    applications = db.session.scalars(
        select(KurApplication)
        .where(KurApplication.stage.in_(ACTIVE_STAGES), KurApplication.stage_changed_at <= cutoff)
        .options(joinedload(KurApplication.user))
    ).all()
    for application in applications:
        days = days_in_stage(application, now)
        period = days // stale_days
        stamp = int(application.stage_changed_at.timestamp())
        notify(
            application.user,
            key=f"kur:{application.id}:stale:{application.stage}:{stamp}:{period}",
            title=N_("Pengajuan KUR Anda belum bergerak"),
            body=STALE_MESSAGES[application.stage],
            params={"business": application.business_name, "days": days},
            url=f"/kur/{application.id}",
        )
    return len(applications)
