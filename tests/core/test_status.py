"""The guarded status change (core/status.py): a status moves only from the
state the caller expected; the loser of a race gets a clear refusal."""
from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.status import StatusChanged, change_status, lock_for_update
from mentoring.training.models import TrainingSession
from tests.conftest import POSTGRES


def make_session(status: str = "scheduled") -> TrainingSession:
    start = utcnow() + timedelta(days=3)
    training = TrainingSession(
        title="Membuat kopi Bajawa", provider="dinas", regency="kota-kupang", starts_at=start,
        ends_at=start + timedelta(hours=2), registration_deadline_at=start - timedelta(days=1),
        capacity=10, status=status,
    )
    db.session.add(training)
    db.session.commit()
    return training


def test_change_from_the_expected_status(app):
    training = make_session()
    when = utcnow()
    change_status(TrainingSession, training, {"scheduled"}, "cancelled",
                  cancel_reason="Hujan badai", cancelled_at=when)
    assert training.status == "cancelled" and training.cancel_reason == "Hujan badai"
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(TrainingSession, training.id)
    assert (stored.status, stored.cancel_reason) == ("cancelled", "Hujan badai")
    assert stored.cancelled_at == when


def test_refused_when_the_status_moved(app):
    training = make_session(status="cancelled")
    with pytest.raises(StatusChanged, match="baru saja diubah"):
        change_status(TrainingSession, training.id, "scheduled", "cancelled")
    with pytest.raises(StatusChanged, match="Sudah dibatalkan"):
        change_status(TrainingSession, training.id, "scheduled", "cancelled",
                      message="Sudah dibatalkan")
    with pytest.raises(StatusChanged, match="baru saja diubah"):  # a row that does not exist
        change_status(TrainingSession, 987654, "scheduled", "cancelled")
    db.session.rollback()
    assert db.session.get(TrainingSession, training.id).status == "cancelled"


def test_lock_for_update_reads_what_the_database_holds(app):
    training = make_session()
    db.session.execute(
        TrainingSession.__table__.update().values(status="cancelled")
        .where(TrainingSession.__table__.c.id == training.id))
    locked = lock_for_update(TrainingSession, training.id)
    assert locked is training and locked.status == "cancelled"
    assert lock_for_update(TrainingSession, 987654) is None


def _race(run_together, training_id: int, moves: list[tuple[str, str]]) -> list[str]:
    """Run each (reason, to) move in its own thread at the same moment."""

    def act(reason: str, to: str) -> str:
        try:
            change_status(TrainingSession, training_id, "scheduled", to, cancel_reason=reason)
            db.session.commit()
            return reason
        except StatusChanged:
            db.session.rollback()
            return "refused"

    return list(run_together([partial(act, *move) for move in moves]))


@pytest.mark.skipif(not POSTGRES, reason="a real race needs PostgreSQL")
def test_two_threads_exactly_one_wins(run_together):
    for round_no in range(5):
        training_id = make_session().id
        outcomes = _race(run_together, training_id, [("anggota", "cancelled"), ("petugas", "done")])
        assert len(outcomes) == 2 and outcomes.count("refused") == 1, (round_no, outcomes)
        winner = next(o for o in outcomes if o != "refused")
        db.session.expire_all()
        stored = db.session.scalar(select(TrainingSession).where(TrainingSession.id == training_id))
        assert stored.cancel_reason == winner
        assert stored.status == {"anggota": "cancelled", "petugas": "done"}[winner]
