"""Training sessions: registration, waitlist promotion, reminders, cancellation, ICS."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from mentoring.training import _common as common
from mentoring.training import exports, listing, operations
from mentoring.training.models import TrainingRegistration, TrainingSession
from tests.inbox_helpers import inbox_keys, outbox


def test_registration_confirms_and_schedules_two_reminders(make_user, make_training):
    member = make_user()
    training = make_training(days=5)
    registration = operations.register(member, training)
    db.session.commit()

    assert registration.status == "confirmed" and registration.seat_no == 1
    assert inbox_keys(member) == [f"{common.registration_key(registration)}confirmed:in_app"]
    reminders = {m.base_key.rsplit(":", 1)[1]: m for m in outbox(member) if "reminder" in m.key}
    assert set(reminders) == {"reminder-24h", "reminder-2h"}
    assert reminders["reminder-24h"].due_at == training.starts_at - timedelta(hours=24)
    assert reminders["reminder-2h"].due_at == training.starts_at - timedelta(hours=2)
    assert all(m.status == "pending" for m in reminders.values())


def test_no_stale_reminder_when_registering_close_to_the_start(make_user, make_training):
    member = make_user()
    training = make_training(days=0.5)  # 12 hours ahead: the 24 h reminder is already past
    operations.register(member, training)
    db.session.commit()
    names = [m.base_key.rsplit(":", 1)[1] for m in outbox(member) if "reminder" in m.key]
    assert set(names) == {"reminder-2h"}


def test_same_person_twice_is_refused(make_user, make_training):
    member = make_user()
    training = make_training()
    operations.register(member, training)
    with pytest.raises(common.TrainingError, match="sudah terdaftar"):
        operations.register(member, training)


def test_closed_registration_is_refused(make_user, make_training):
    member = make_user()
    training = make_training(days=2, registration_deadline_at=utcnow() - timedelta(minutes=1))
    with pytest.raises(common.TrainingError, match="sudah ditutup"):
        operations.register(member, training)
    assert db.session.scalar(select(TrainingRegistration.id)) is None


def test_full_session_waitlists_and_a_cancellation_promotes_the_next_person(make_user, make_training):
    training = make_training(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    seat = operations.register(first, training)
    waiting = operations.register(second, training)
    later = operations.register(third, training)
    db.session.commit()
    assert (waiting.status, later.status) == ("waitlisted", "waitlisted")
    assert listing.waitlist_position(later) == 2

    operations.cancel_registration(first, seat)
    db.session.commit()

    db.session.expire_all()
    assert db.session.get(TrainingRegistration, waiting.id).status == "confirmed"
    assert db.session.get(TrainingRegistration, waiting.id).seat_no == 1
    assert db.session.get(TrainingRegistration, later.id).status == "waitlisted"
    assert f"{common.registration_key(waiting)}promoted:in_app" in inbox_keys(second)
    # The promoted person now gets reminders; the one who left gets none.
    assert any("reminder" in m.key for m in outbox(second, "pending"))
    assert not any("reminder" in m.key for m in outbox(first, "pending"))
    assert {m.status for m in outbox(first) if "reminder" in m.key} == {"cancelled"}


def test_cancelling_a_waitlisted_place_promotes_nobody(make_user, make_training):
    training = make_training(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    operations.register(first, training)
    waiting = operations.register(second, training)
    operations.register(third, training)
    operations.cancel_registration(second, waiting)
    db.session.commit()
    counts = listing.seat_counts([training.id])[training.id]
    assert counts == {"confirmed": 1, "waitlisted": 1}


def test_register_again_after_cancelling_gets_fresh_reminders(make_user, make_training):
    member = make_user()
    training = make_training()
    first = operations.register(member, training)
    operations.cancel_registration(member, first)
    second = operations.register(member, training)
    db.session.commit()
    assert second.id != first.id and second.status == "confirmed"
    pending = [m for m in outbox(member, "pending") if "reminder" in m.key]
    assert pending and all(f":reg:{second.id}:" in m.key for m in pending)


def test_cancelling_the_session_tells_everyone_and_stops_reminders(make_user, make_training):
    staff = make_user(roles=["member", "umkm_staff"])
    training = make_training(capacity=1)
    confirmed, waiting = make_user(), make_user()
    operations.register(confirmed, training)
    operations.register(waiting, training)
    db.session.commit()

    told = operations.cancel_training(staff, training, "Pelatih sakit")
    db.session.commit()

    assert told == 2
    for person in (confirmed, waiting):
        assert f"training:{training.id}:cancelled:{person.id}:in_app" in inbox_keys(person)
    assert not [m for m in outbox(confirmed, "pending") if "reminder" in m.key]
    assert db.session.get(TrainingSession, training.id).status == "cancelled"
    # Nobody can register for a cancelled session.
    with pytest.raises(common.TrainingError, match="sudah ditutup"):
        operations.register(make_user(), training)


def _data(training: TrainingSession, **changes) -> operations.TrainingData:
    values = dict(
        title=training.title, description=training.description, provider=training.provider,
        provider_name=None, place=training.place, online_url=None, regency=training.regency,
        tags=training.tag_list, starts_at=training.starts_at, ends_at=training.ends_at,
        registration_deadline_at=training.registration_deadline_at, capacity=training.capacity,
    )
    values.update(changes)
    return operations.TrainingData(**values)


def test_more_seats_promote_the_waitlist_and_fewer_than_registered_is_refused(make_user, make_training):
    staff = make_user(roles=["member", "umkm_staff"])
    training = make_training(capacity=1)
    a, b, c = make_user(), make_user(), make_user()
    for person in (a, b, c):
        operations.register(person, training)
    db.session.commit()

    operations.update_training(staff, training, _data(training, capacity=2))
    db.session.commit()
    assert listing.seat_counts([training.id])[training.id] == {"confirmed": 2, "waitlisted": 1}

    with pytest.raises(common.TrainingError, match="Kapasitas tidak boleh lebih kecil"):
        operations.update_training(staff, training, _data(training, capacity=1))


def test_new_time_moves_the_reminders(make_user, make_training):
    staff = make_user(roles=["member", "umkm_staff"])
    member = make_user()
    training = make_training(days=5)
    operations.register(member, training)
    db.session.commit()
    new_start = training.starts_at + timedelta(days=1)

    operations.update_training(staff, training, _data(
        training, starts_at=new_start, ends_at=new_start + timedelta(hours=2)))
    db.session.commit()

    pending = [m for m in outbox(member, "pending") if "reminder" in m.key and m.channel == "in_app"]
    assert sorted(m.due_at for m in pending) == [new_start - timedelta(hours=24),
                                                 new_start - timedelta(hours=2)]
    assert any(k.endswith("rescheduled:in_app") for k in inbox_keys(member))


def test_attendance(make_user, make_training):
    staff = make_user(roles=["member", "umkm_staff"])
    training = make_training()
    came, absent = make_user(), make_user()
    r1 = operations.register(came, training)
    operations.register(absent, training)
    assert operations.mark_attendance(staff, training, [r1.id, 999999]) == 1
    db.session.commit()
    assert {r.user_id: r.attended for r in listing.registrants(training)} == {
        came.id: True, absent.id: False}


def test_ics_has_the_right_utc_times(make_training):
    training = make_training()
    start_wita = datetime(2027, 3, 2, 9, 0, tzinfo=WITA)
    training.starts_at = start_wita.astimezone(UTC)
    training.ends_at = (start_wita + timedelta(hours=3)).astimezone(UTC)
    db.session.commit()

    body = exports.training_ics(training, "https://rumahpurna.example/trainings/1")
    text = body.decode()
    assert "DTSTART:20270302T010000Z" in text  # 09:00 WITA is 01:00 UTC
    assert "DTEND:20270302T040000Z" in text
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == training.title
    assert event.decoded("DTSTART").astimezone(WITA).hour == 9
    assert str(event["STATUS"]) == "CONFIRMED"


def test_upcoming_filters_by_tag_and_regency(make_training):
    weaving = make_training(title="Tenun ikat Amarasi", tags=",tenun-ikat,", regency="kupang")
    make_training(title="Barista kopi Bajawa", tags=",barista,", regency="ngada")
    make_training(title="Sudah lewat", days=-1)
    page = listing.upcoming_trainings("tenun-ikat", None, 1)
    assert [t.id for t in page.items] == [weaving.id]
    page = listing.upcoming_trainings(None, "ngada", 1)
    assert [t.title for t in page.items] == ["Barista kopi Bajawa"]
    titles = [t.title for t in listing.upcoming_trainings(None, None, 1).items]
    assert {"Tenun ikat Amarasi", "Barista kopi Bajawa"} <= set(titles)  # the list is there
    assert "Sudah lewat" not in titles


def test_csv_neutralises_formulas(app, make_user, make_training):
    training = make_training()
    operations.register(make_user(name="=HYPERLINK(\"http://evil\")"), training)
    db.session.commit()
    with app.test_request_context():
        text = exports.registrants_csv(training)
    assert "'=HYPERLINK" in text


def test_no_cancelling_once_started_but_account_deletion_still_erases(make_user, make_training):
    member = make_user()
    training = make_training()
    registration = operations.register(member, training)
    training.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    with pytest.raises(common.TrainingError, match="sudah dimulai"):
        operations.cancel_registration(member, registration)
    operations.cancel_registration(member, registration, erasing=True)
    assert registration.status == "cancelled"
