"""The scheduler: job list, leader election, and the real process."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select

from accounts.models import User
from core import scheduler
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from notifications.channels import opaque_reference
from notifications.models import NotificationPreference, OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


def test_dispatch_is_listed_every_minute_and_runs_at_start(app):
    (job,) = [j for j in scheduler.jobs() if j.id == "dispatch-notifications"]
    assert job.trigger == "interval" and job.options == {"minutes": 1} and job.run_at_start
    built = scheduler.build_scheduler(app)
    (scheduled,) = [j for j in built.get_jobs() if j.id == "dispatch-notifications"]
    assert scheduled.coalesce is True and scheduled.max_instances == 1
    assert scheduled.next_run_time is not None  # runs as soon as the process starts


def test_scheduler_refuses_to_start_under_the_reloader(app, monkeypatch):
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    with pytest.raises(RuntimeError, match="never under the reloader"):
        scheduler.build_scheduler(app)


def test_only_the_leader_runs_jobs(app):
    runs = []
    job = scheduler.Job("probe", lambda: runs.append(1), "interval", {"minutes": 1})

    class Follower:
        def is_leader(self):
            return False

    scheduler.run_job(app, job, Follower())
    assert runs == []
    scheduler.run_job(app, job, scheduler.Leadership(db.engine) if not POSTGRES else None)
    assert runs == [1]


@pytest.mark.skipif(not POSTGRES, reason="advisory locks need PostgreSQL")
def test_advisory_lock_elects_one_leader(app):
    first, second = scheduler.Leadership(db.engine), scheduler.Leadership(db.engine)
    try:
        assert first.is_leader() is True
        assert second.is_leader() is False
        assert first.is_leader() is True  # keeps it
        first.release()  # the leader dies: its connection and lock go
        # The server drops the lock once it has seen the connection end (its
        # process exits a moment later); the stand-by takes over at its next try.
        assert _wait_for(second.is_leader, 10)
        assert first.is_leader() is False
    finally:
        first.release()
        second.release()


def _start(env: dict, log_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("flask")), "scheduler", "run"],
        cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_scheduler_process_catches_up_once(tmp_path):
    """`flask scheduler run` as a real process: a reminder that fell due while no
    scheduler ran goes out once, right at start (not at the first tick)."""
    url = f"sqlite:///{tmp_path / 'scheduler.db'}"
    engine = create_engine(url)
    db.metadata.create_all(engine)
    with engine.begin() as connection:
        user_id = connection.execute(
            insert(User).values(name="Yohanes Tefa", phone="+6281299990001", password_hash="x",
                                locale="id", active=True, session_token="t")
            .returning(User.id)
        ).scalar()
        # Quiet hours well away from "now", whenever the suite runs.
        hour = (datetime.now(WITA).hour + 2) % 24
        connection.execute(insert(NotificationPreference).values(
            user_id=user_id, whatsapp=True, sms=True, email=False, weekly_cap=10,
            quiet_from=dt_time(hour), quiet_until=dt_time((hour + 1) % 24), updated_at=utcnow(),
        ))
        connection.execute(insert(OutboxMessage).values(
            key="training:9:reminder-2h:whatsapp", base_key="training:9:reminder-2h",
            user_id=user_id, channel="whatsapp", title="Pengingat", params={}, urgent=True,
            due_at=utcnow() - timedelta(hours=1), status="pending", attempts=0,
        ))

    def status():
        with engine.connect() as connection:
            return connection.execute(select(OutboxMessage.status)).scalar()

    env = {**os.environ, "APP_ENV": "testing", "TEST_DATABASE_URL": url,
           "INSTANCE_PATH": str(tmp_path), "FLASK_APP": "wsgi.py", "LOG_LEVEL": "INFO"}
    log = tmp_path / "scheduler.log"
    process = _start(env, log)
    try:
        # Starting the process (imports, app) is slow on a loaded machine; the promise is
        # about what happens once it runs: sent well before the first one-minute tick.
        assert _wait_for(lambda: "Scheduler started" in log.read_text(), 120), log.read_text()
        assert _wait_for(lambda: status() == "sent", 40), log.read_text()
    finally:
        process.kill()
        process.wait(5)
        engine.dispose()
    # Logged once, under its opaque reference (the subprocess has the same SECRET_KEY).
    reference = opaque_reference("training:9:reminder-2h:whatsapp")
    assert log.read_text().count(f"ref={reference}") == 1
    assert "training:9" not in log.read_text()
