"""Seats under concurrent cancellations and registrations (PostgreSQL, real threads).

Each thread has its own app context, so its own session and connection; a barrier
lets them all start at the same moment.
"""
from __future__ import annotations

import os
import threading
from collections import Counter

import pytest
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from mentoring.programs import services
from mentoring.programs.models import TrainingRegistration, TrainingSession
from notifications.models import Notification

POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")
pytestmark = pytest.mark.skipif(not POSTGRES, reason="true concurrency needs PostgreSQL")


def _run_together(app, jobs) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                job()
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 (reported by the test)
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return errors


def test_concurrent_cancellations_give_each_freed_seat_to_exactly_one_person(
    app, make_user, make_training
):
    training = make_training(capacity=6)
    seated = [make_user() for _ in range(6)]
    waiting = [make_user() for _ in range(10)]
    seats = [services.register(person, training) for person in seated]
    queue = [services.register(person, training) for person in waiting]
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
            services.cancel_registration(db.session.get(User, user_id), registration)
        return job

    errors = _run_together(app, [cancel(rid, uid) for rid, uid in leaving])
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


def test_concurrent_registrations_never_overfill(app, make_user, make_training):
    training_id = make_training(capacity=3).id
    user_ids = [make_user().id for _ in range(12)]
    db.session.remove()

    def register(user_id):
        def job():
            services.register(db.session.get(User, user_id), db.session.get(TrainingSession, training_id))
        return job

    errors = _run_together(app, [register(uid) for uid in user_ids])
    assert errors == []
    rows = db.session.scalars(
        select(TrainingRegistration).where(TrainingRegistration.session_id == training_id)
    ).all()
    assert Counter(r.status for r in rows) == Counter({"confirmed": 3, "waitlisted": 9})
    assert sorted(r.seat_no for r in rows if r.status == "confirmed") == [1, 2, 3]


def test_kur_withdrawal_and_staff_move_at_once_one_wins(app, make_user, kur_start):
    """Issue 8 item 13: a member withdraws while staff move the stage; exactly one
    succeeds, the other is told it changed meanwhile, and the history does not fork."""
    from mentoring.programs.models import KurApplication, KurStageEvent

    staff_id = make_user(roles=("member", "umkm_staff")).id
    rounds = []
    for _ in range(5):
        member = make_user()
        application = services.start_kur_application(member, kur_start())
        db.session.commit()
        rounds.append((application.id, member.id))
    db.session.remove()

    for application_id, member_id in rounds:
        def withdraw(application_id=application_id, member_id=member_id):
            services.withdraw_kur_application(
                db.session.get(User, member_id), db.session.get(KurApplication, application_id), "Batal")

        def move(application_id=application_id):
            services.move_kur_application(
                db.session.get(User, staff_id), db.session.get(KurApplication, application_id),
                "submitted", None)

        errors = _run_together(app, [withdraw, move])
        assert len(errors) == 1, errors
        assert isinstance(errors[0], services.ProgramError)
        assert "baru saja diubah" in str(errors[0])
        application = db.session.get(KurApplication, application_id)
        events = db.session.scalars(
            select(KurStageEvent).where(KurStageEvent.application_id == application_id)
            .order_by(KurStageEvent.id)
        ).all()
        assert [e.to_stage for e in events] == ["preparing", application.stage]
        assert application.stage in {"withdrawn", "submitted"}
        assert events[1].from_stage == "preparing"
        db.session.remove()
