"""True concurrency on PostgreSQL: twenty people press "book" for one slot at the
same moment through separate sessions; exactly one gets it. A member cancelling
while the counselor confirms: exactly one of them succeeds."""
from __future__ import annotations

import threading
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import func, select

from accounts.models import User
from core.extensions import db
from core.status import StatusChanged
from mentoring.counseling import availability, booking
from mentoring.counseling.models import Appointment, CounselorProfile
from notifications.models import OutboxMessage
from tests.conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="concurrency needs PostgreSQL (TEST_DATABASE_URL)")

WORKERS = 20


def test_twenty_simultaneous_bookings_give_exactly_one(make_counselor, make_user, now, run_together):
    profile = make_counselor()
    members = [make_user().id for _ in range(WORKERS)]
    start = availability.free_slots_for(profile, now)[3]
    profile_id = profile.id

    def book(i):
        counselor = db.session.get(CounselorProfile, profile_id)
        member = db.session.get(User, members[i])
        try:
            booking.book_appointment(member, counselor, member, start, "phone", now=now)
            db.session.commit()
            return "booked"
        except booking.SlotTaken:
            db.session.rollback()
            return "taken"

    results = run_together([partial(book, i) for i in range(WORKERS)], timeout=60)
    assert sorted(results) == ["booked"] + ["taken"] * (WORKERS - 1), results
    db.session.expire_all()
    active = db.session.scalars(
        select(Appointment).where(Appointment.counselor_id == profile_id, Appointment.status == "requested")
    ).all()
    assert len(active) == 1

    # Cancelling frees the slot: one of the others gets it now.
    booking.cancel_appointment(active[0].member, active[0], "Tidak jadi", now)
    db.session.commit()
    other = db.session.get(User, members[-1] if active[0].member_id != members[-1] else members[0])
    again = booking.book_appointment(other, db.session.get(CounselorProfile, profile_id), other, start, "phone", now=now)
    db.session.commit()
    assert again.starts_at == start


def test_overlapping_pending_requests_confirmed_at_once_give_one(make_counselor, make_user, now, run_together):
    profile = make_counselor()
    start = availability.free_slots_for(profile, now)[0]
    ids = []
    for offset in (0, 30):  # two overlapping requests (rules changed in between)
        member = make_user()
        row = Appointment(
            counselor_id=profile.id, member_id=member.id, starts_at=start + timedelta(minutes=offset),
            ends_at=start + timedelta(minutes=offset + 60), mode="phone", status="requested",
        )
        db.session.add(row)
        db.session.commit()
        ids.append(row.id)
    counselor_user_id = profile.user_id
    # Both confirm pages were drawn before either acts: then, without the counselor
    # lock, both would find no confirmed overlap and both confirm.
    loaded = threading.Barrier(2, timeout=10)

    def confirm(i):
        counselor = db.session.get(User, counselor_user_id)
        appointment = db.session.get(Appointment, ids[i])
        loaded.wait()
        try:
            booking.confirm_appointment(counselor, appointment, now)
            db.session.commit()
            return "confirmed"
        except booking.CounselingError:
            db.session.rollback()
            return "refused"

    results = run_together([partial(confirm, i) for i in range(2)])
    assert sorted(results) == ["confirmed", "refused"], results
    db.session.expire_all()
    assert db.session.scalar(
        select(func.count(Appointment.id)).where(Appointment.status == "confirmed")
    ) == 1


ROUNDS = 3


def test_member_cancelling_while_the_counselor_confirms_gives_one(make_counselor, make_user, now, run_together):
    """Issue 8 item 12: both used to succeed (``confirmed`` with ``cancelled_at``
    set, reminders pending). Now one wins, the other is told it changed meanwhile,
    and the reminders follow the final state."""
    profile = make_counselor()
    outcomes = []
    for round_ in range(ROUNDS):
        member = make_user()
        start = availability.free_slots_for(profile, now)[round_]
        appointment = booking.book_appointment(member, profile, member, start, "phone", now=now)
        db.session.commit()
        ids = (appointment.id, member.id, profile.user_id)

        seen = threading.Barrier(2, timeout=20)

        def act(i, ids=ids, seen=seen):
            appointment = db.session.get(Appointment, ids[0])
            seen.wait()  # both pages were drawn from "requested"
            try:
                if i == 0:
                    booking.cancel_appointment(db.session.get(User, ids[1]), appointment, "Tidak jadi", now)
                else:
                    booking.confirm_appointment(db.session.get(User, ids[2]), appointment, now)
                db.session.commit()
                return "done"
            except StatusChanged as refusal:
                db.session.rollback()
                return "changed meanwhile" if "baru saja diubah" in str(refusal) else str(refusal)

        results = run_together([partial(act, i) for i in range(2)])  # each in a request: refusals translated
        assert sorted(results) == ["changed meanwhile", "done"], results
        db.session.expire_all()
        final = db.session.get(Appointment, ids[0])
        reminders = db.session.scalars(select(OutboxMessage.status).where(
            OutboxMessage.key.startswith(f"appointment:{final.id}:reminder"))).all()
        if final.status == "confirmed":
            assert final.cancelled_at is None and reminders and set(reminders) == {"pending"}
        else:
            assert final.status == "cancelled" and final.confirmed_at is None
            assert "pending" not in reminders
        outcomes.append(final.status)
    assert len(outcomes) == ROUNDS
