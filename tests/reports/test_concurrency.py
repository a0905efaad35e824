"""Two officers change one report at the same moment (PostgreSQL, real threads):
exactly one succeeds, the other is told it changed meanwhile."""
from __future__ import annotations

import threading
from functools import partial

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent, User
from community.reports import desk
from community.reports.models import Report, ReportEvent
from core.extensions import db
from core.status import StatusChanged
from tests.conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="true concurrency needs PostgreSQL")


def test_two_officers_at_once_only_one_status_change(make_user, make_report, run_together):
    officers = [make_user(roles=("satgas",)).id for _ in range(6)]
    report_id = make_report()[0].id
    db.session.remove()
    loaded = threading.Barrier(len(officers), timeout=10)  # every officer drew the page first

    def worker(officer_id: int, index: int) -> str:
        officer = db.session.get(User, officer_id)
        report = db.session.get(Report, report_id)
        loaded.wait()
        try:
            if index % 2:
                desk.start_verifying(officer, report, "received")
            else:
                desk.close(officer, report, "received", "duplicate")
            db.session.commit()
            return "ok"
        except StatusChanged:  # ChangedMeanwhile is one too
            db.session.rollback()
            return "changed"

    outcomes = run_together([partial(worker, oid, n) for n, oid in enumerate(officers)])
    assert sorted(outcomes) == ["changed"] * 5 + ["ok"]
    assert db.session.scalar(select(func.count(ReportEvent.id))) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "report.status")) == 1
    assert db.session.get(Report, report_id).status in ("verifying", "closed")
