"""KUR under concurrent withdrawal and staff moves (PostgreSQL, real threads).

The shared ``run_together`` fixture (tests/conftest.py) starts every job at the same
instant, each in its own app context, session and connection.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from mentoring.kur import applications
from mentoring.kur._common import KurError
from mentoring.kur.models import KurApplication, KurStageEvent
from tests.conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="true concurrency needs PostgreSQL")


def test_kur_withdrawal_and_staff_move_at_once_one_wins(app, run_together, make_user, kur_start):
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
        # Both have read the application (stage "preparing") before either acts, as two
        # people looking at the same page do; otherwise a scheduler that runs one job to
        # its end first makes it a legitimate move-then-withdraw.
        loaded = threading.Barrier(2, timeout=10)

        def withdraw(application_id=application_id, member_id=member_id, loaded=loaded):
            member, application = db.session.get(User, member_id), db.session.get(KurApplication, application_id)
            loaded.wait()
            applications.withdraw_kur_application(member, application, "Batal")

        def move(application_id=application_id, loaded=loaded):
            staff, application = db.session.get(User, staff_id), db.session.get(KurApplication, application_id)
            loaded.wait()
            applications.move_kur_application(staff, application, "submitted", None)

        errors = run_together([withdraw, move]).errors
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


def test_checklist_change_and_hand_in_at_once_never_hand_in_an_incomplete_list(
    app, run_together, make_user, kur_start
):
    """Issue 8 item 34 with item 15: the member unticks a document in one tab while
    marking the documents handed in from another. Whatever wins, an application is
    never "submitted" with a required document unticked, and the loser is told."""
    from mentoring.kur._common import KurError

    rounds = []
    for _ in range(5):
        member = make_user()
        application = applications.start_kur_application(member, kur_start())
        applications.update_checklist(member, application, ["doc_ktp", "doc_kk", "doc_business_letter"])
        db.session.commit()
        rounds.append((application.id, member.id))
    db.session.remove()

    for application_id, member_id in rounds:
        def untick(application_id=application_id, member_id=member_id):
            applications.update_checklist(
                db.session.get(User, member_id), db.session.get(KurApplication, application_id),
                ["doc_ktp", "doc_business_letter"])

        def hand_in(application_id=application_id, member_id=member_id):
            applications.mark_submitted(
                db.session.get(User, member_id), db.session.get(KurApplication, application_id))

        outcomes = run_together([untick, hand_in])
        assert len(outcomes.errors) == 1, outcomes
        assert isinstance(outcomes.errors[0], KurError)
        application = db.session.get(KurApplication, application_id)
        db.session.refresh(application)
        if application.stage == "submitted":
            assert application.doc_kk is True
            assert "tidak bisa diubah lagi" in str(outcomes.errors[0])
        else:
            assert application.stage == "preparing" and application.doc_kk is False
            assert "Centang dulu semua berkas" in str(outcomes.errors[0])
