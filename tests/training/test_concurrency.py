"""Seats under concurrent cancellations and registrations (PostgreSQL, real threads).

The shared ``run_together`` fixture (tests/conftest.py) starts every job at the same
instant, each in its own app context, session and connection.
"""
from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from mentoring.training import operations
from mentoring.training.models import TrainingRegistration, TrainingSession
from notifications.models import Notification
from tests.conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="true concurrency needs PostgreSQL")


def test_concurrent_cancellations_give_each_freed_seat_to_exactly_one_person(
    app, run_together, make_user, make_training
):
    training = make_training(capacity=6)
    seated = [make_user() for _ in range(6)]
    waiting = [make_user() for _ in range(10)]
    seats = [operations.register(person, training) for person in seated]
    queue = [operations.register(person, training) for person in waiting]
    db.session.commit()
    assert {r.status for r in queue} == {"waitlisted"}
    training_id = training.id
    seated_ids = [p.id for p in seated]
    waiting_ids = [p.id for p in waiting]
    leaving = [(r.id, r.user_id) for r in seats[:5]]  # five cancel at the same moment
    db.session.remove()

    def cancel(registration_id, user_id):
        def job():
            registration = db.session.get(TrainingRegistration, registration_id)
            operations.cancel_registration(db.session.get(User, user_id), registration)
        return job

    errors = run_together([cancel(rid, uid) for rid, uid in leaving]).errors
    assert errors == []

    rows = db.session.scalars(
        select(TrainingRegistration).where(TrainingRegistration.session_id == training_id)
    ).all()
    confirmed = [r for r in rows if r.status == "confirmed"]
    assert len(confirmed) == 6
    assert sorted(r.seat_no for r in confirmed) == [1, 2, 3, 4, 5, 6]
    promoted = {r.user_id for r in confirmed} - set(seated_ids)
    # The first five on the waitlist, in order, and nobody else.
    assert promoted == set(waiting_ids[:5])
    still_waiting = {r.user_id for r in rows if r.status == "waitlisted"}
    assert still_waiting == set(waiting_ids[5:])
    # Each promoted person was told exactly once.
    notices = Counter(
        db.session.scalars(
            select(Notification.user_id).where(Notification.key.like("%:promoted:in_app"))
        )
    )
    assert notices == Counter({uid: 1 for uid in waiting_ids[:5]})


def test_concurrent_registrations_never_overfill(app, run_together, make_user, make_training):
    training_id = make_training(capacity=3).id
    user_ids = [make_user().id for _ in range(12)]
    db.session.remove()

    def register(user_id):
        def job():
            operations.register(db.session.get(User, user_id), db.session.get(TrainingSession, training_id))
        return job

    errors = run_together([register(uid) for uid in user_ids]).errors
    assert errors == []
    rows = db.session.scalars(
        select(TrainingRegistration).where(TrainingRegistration.session_id == training_id)
    ).all()
    assert Counter(r.status for r in rows) == Counter({"confirmed": 3, "waitlisted": 9})
    assert sorted(r.seat_no for r in rows if r.status == "confirmed") == [1, 2, 3]


def test_one_registration_cancelled_from_two_tabs_frees_one_seat_once(
    app, run_together, make_user, make_training
):
    """Issue 8 item 15 for training registrations: the same member cancels twice at
    the same moment (two tabs, a double tap). The registration is cancelled once, the
    freed seat goes to exactly one person on the waitlist, told once."""
    training = make_training(capacity=1)
    member, first, second = make_user(), make_user(), make_user()
    registration = operations.register(member, training)
    for person in (first, second):
        operations.register(person, training)
    db.session.commit()
    ids = (registration.id, member.id, training.id, first.id, second.id)
    db.session.remove()
    registration_id, member_id, training_id, first_id, second_id = ids

    loaded = threading.Barrier(2, timeout=10)  # both tabs show the confirmed seat before either cancels

    def cancel():
        member, registration = db.session.get(User, member_id), db.session.get(TrainingRegistration, registration_id)
        loaded.wait()
        operations.cancel_registration(member, registration)

    outcomes = run_together([cancel, cancel])
    assert outcomes.errors == []
    rows = {r.user_id: r for r in db.session.scalars(
        select(TrainingRegistration).where(TrainingRegistration.session_id == training_id))}
    assert rows[member_id].status == "cancelled" and rows[member_id].seat_no is None
    assert rows[first_id].status == "confirmed" and rows[first_id].seat_no == 1
    assert rows[second_id].status == "waitlisted"
    told = list(db.session.scalars(
        select(Notification.user_id).where(Notification.key.like("%:promoted:in_app"))))
    assert told == [first_id]
