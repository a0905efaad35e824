"""The statements of the bench's key pages are built once and reused: a statement
built anew on every request pays SQLAlchemy's cache key (and an ``IN`` list written
in, its compilation) each time. Three pages did (the market pages' version reads, a
counselor's own profile, the open urgent checks: 5 to 20 % of their CPU)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from accounts.demo import DEMO_ACCOUNTS
from core.cli import DEMO_PASSWORD
from core.extensions import db

PHONES = {key: phone for key, phone, *_rest in DEMO_ACCOUNTS}


def _ids() -> dict[str, str]:
    from community.models import Category, Thread
    from marketplace.models import Business
    from marketplace.stalls.models import MarketDay
    from mentoring.counseling.models import CounselorProfile

    thread = db.session.scalar(select(Thread.id).join(Category).where(
        Thread.status == "visible", Category.is_safe_room.is_(False)).order_by(Thread.id))
    safe = db.session.scalar(select(Thread.id).join(Category).where(
        Thread.status == "visible", Category.is_safe_room.is_(True)).order_by(Thread.id))
    category = db.session.scalar(select(Category.slug).where(Category.is_safe_room.is_(False)).order_by(Category.id))
    ids = {
        "thread": thread, "safe_thread": safe, "category": category,
        "counselor": db.session.scalar(select(CounselorProfile.id).order_by(CounselorProfile.id)),
        "business": db.session.scalar(select(Business.id).where(Business.status == "approved").order_by(Business.id)),
        "market_day": db.session.scalar(select(MarketDay.id).order_by(MarketDay.id)),
        "busy_day": (datetime.now(UTC) + timedelta(hours=8)).date().isoformat(),
    }
    return {key: str(value) for key, value in ids.items() if value is not None}


def test_no_key_page_builds_a_statement_per_request(runner, client, app):
    from tests.core.test_bench import _load

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    pages = _load("pages")
    runs = pages.plan(_ids())
    assert len({run["path"] for run in runs}) >= 20  # the demo data has every part
    executed: list = []

    def seen(_conn, clauseelement, *_args):
        executed.append(clauseelement)

    event.listen(db.engine, "before_execute", seen)
    try:
        logged_in = None
        for run in runs:
            if run["account"] != logged_in:
                client.post("/logout")
                if run["account"]:
                    response = client.post("/login", data={"identifier": PHONES[run["account"]],
                                                           "password": DEMO_PASSWORD})
                    assert response.status_code == 302, run
                logged_in = run["account"]
            assert client.get(run["path"]).status_code == 200, run
            executed.clear()
            client.get(run["path"])
            first = list(executed)
            executed.clear()
            client.get(run["path"])
            fresh = [statement for statement, again in zip(first, executed, strict=False) if statement is not again]
            assert len(first) == len(executed), run
            assert fresh == [], (run["path"], run["account"], [str(statement)[:120] for statement in fresh])
    finally:
        event.remove(db.engine, "before_execute", seen)

