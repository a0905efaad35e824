"""Two UMKM staff deciding on one business at the same moment: exactly one wins,
the other gets "changed meanwhile" (PostgreSQL, real threads; each thread has its
own app context, session and connection)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from accounts.models import User
from core.extensions import db
from core.status import StatusChanged as ChangedMeanwhile
from marketplace import businesses, review
from marketplace.models import Business
from notifications.models import Notification
from tests.conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="true concurrency needs PostgreSQL")


def test_approve_and_decline_at_once_exactly_one_wins(make_user, make_business, run_together):
    owner = make_user()
    business_id = make_business(owner=owner, status="pending").id
    staff_ids = [make_user(roles=("umkm_staff",)).id for _ in range(6)]

    # Every reviewer has the pending business on screen before any decides (else a
    # job run to its end first makes a later decline of an approved business legal).
    loaded = threading.Barrier(len(staff_ids), timeout=10)

    def act(staff_id: int, approve: bool):
        def job():
            staff = db.session.get(User, staff_id)
            business = db.session.get(Business, business_id)
            loaded.wait()
            if approve:
                review.approve_business(staff, business)
            else:
                review.decline_business(staff, business, "Bukan usaha, iklan pinjol.")
        return job

    errors = run_together([act(s, i % 2 == 0) for i, s in enumerate(staff_ids)]).errors
    assert len(errors) == 5 and all(isinstance(e, ChangedMeanwhile) for e in errors), errors
    db.session.expire_all()
    business = db.session.get(Business, business_id)
    assert business.status in ("approved", "declined")
    # The owner is told once, about the decision that stood.
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == owner.id)) == 1


def test_pause_twice_at_once_pauses_once(make_user, make_business, run_together):
    owner = make_user()
    business_id = make_business(owner=owner).id

    def job():
        businesses.pause_business(db.session.get(User, owner.id), db.session.get(Business, business_id))

    errors = run_together([job, job, job]).errors
    assert len(errors) == 2 and all(isinstance(e, ChangedMeanwhile) for e in errors)
    db.session.expire_all()
    assert db.session.get(Business, business_id).paused
