"""KUR under concurrent withdrawal and staff moves (PostgreSQL, real threads).

Each thread has its own app context, so its own session and connection; a barrier
lets them all start at the same moment.
"""
from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from mentoring.kur import applications
from mentoring.kur._common import KurError
from mentoring.kur.models import KurApplication, KurStageEvent

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


def test_kur_withdrawal_and_staff_move_at_once_one_wins(app, make_user, kur_start):
    """Issue 8 item 13: a member withdraws while staff move the stage; exactly one
    succeeds, the other is told it changed meanwhile, and the history does not fork."""
    staff_id = make_user(roles=("member", "umkm_staff")).id
    rounds = []
    for _ in range(5):
        member = make_user()
        application = applications.start_kur_application(member, kur_start())
        db.session.commit()
        rounds.append((application.id, member.id))
    db.session.remove()

    for application_id, member_id in rounds:
        def withdraw(application_id=application_id, member_id=member_id):
            applications.withdraw_kur_application(
                db.session.get(User, member_id), db.session.get(KurApplication, application_id), "Batal")

        def move(application_id=application_id):
            applications.move_kur_application(
                db.session.get(User, staff_id), db.session.get(KurApplication, application_id),
                "submitted", None)

        errors = _run_together(app, [withdraw, move])
        assert len(errors) == 1, errors
        assert isinstance(errors[0], KurError)
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
