"""Two registrars move one request at the same moment (PostgreSQL, real threads):
exactly one wins, the other gets "changed meanwhile", one history row."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from accounts.models import User
from community.adminduk import desk
from community.adminduk._common import ChangedMeanwhile
from community.adminduk.models import HelpRequest, StatusChange
from core.extensions import db
from tests.conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="true concurrency needs PostgreSQL")


def test_two_registrars_at_once_only_one_moves_the_request(app, make_user, open_request):
    help_request = open_request()
    first = make_user(roles=("member", "registrar"))
    second = make_user(roles=("member", "registrar"))
    request_id, people = help_request.id, [(first.id, "in_review", ""), (second.id, "closed", "Ganda")]
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker(user_id: int, status: str, note: str) -> None:
        with app.app_context(), app.test_request_context():
            try:
                actor = db.session.get(User, user_id)
                target = db.session.get(HelpRequest, request_id)
                barrier.wait(timeout=10)
                desk.change_status(actor, target, status, note, expected="submitted")
                db.session.commit()
                outcomes.append("won")
            except ChangedMeanwhile:
                db.session.rollback()
                outcomes.append("changed meanwhile")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=person) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["changed meanwhile", "won"]
    moves = db.session.scalar(select(func.count(StatusChange.id)).where(StatusChange.from_status == "submitted"))
    assert moves == 1
    assert db.session.get(HelpRequest, request_id).status in {"in_review", "closed"}
