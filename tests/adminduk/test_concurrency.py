"""Two registrars move one request at the same moment (PostgreSQL, real threads):
exactly one wins, the other gets "changed meanwhile", one history row."""
from __future__ import annotations

import threading
from functools import partial

import pytest
from sqlalchemy import func, select

from accounts.models import User
from community.adminduk import desk
from community.adminduk._common import ChangedMeanwhile
from community.adminduk.models import HelpRequest, StatusChange
from core.extensions import db
from tests.conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="true concurrency needs PostgreSQL")


def test_two_registrars_at_once_only_one_moves_the_request(make_user, open_request, run_together):
    help_request = open_request()
    first = make_user(roles=("member", "registrar"))
    second = make_user(roles=("member", "registrar"))
    request_id, people = help_request.id, [(first.id, "in_review", ""), (second.id, "closed", "Ganda")]
    db.session.remove()
    loaded = threading.Barrier(2, timeout=10)  # both registrars drew the page before either acts

    def worker(user_id: int, status: str, note: str) -> str:
        actor = db.session.get(User, user_id)
        target = db.session.get(HelpRequest, request_id)
        loaded.wait()
        try:
            desk.change_status(actor, target, status, note, expected="submitted")
            db.session.commit()
            return "won"
        except ChangedMeanwhile:
            db.session.rollback()
            return "changed meanwhile"

    outcomes = run_together([partial(worker, *person) for person in people])
    assert sorted(outcomes) == ["changed meanwhile", "won"]
    moves = db.session.scalar(select(func.count(StatusChange.id)).where(StatusChange.from_status == "submitted"))
    assert moves == 1
    assert db.session.get(HelpRequest, request_id).status in {"in_review", "closed"}
