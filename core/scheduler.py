"""The scheduler: APScheduler 3.x in its own process (``flask scheduler run``).

Never started inside web workers or under the reloader. Every periodic job is
listed in ``jobs()``; a job is a plain function called inside an app context, which
owns its transaction (one commit). Tests call the functions directly.

Several scheduler processes (several hosts) may run at once: on PostgreSQL a
session-level ``pg_try_advisory_lock`` elects one leader that runs the jobs;
the others stand by and try again at every tick, so one takes over within a
minute when the leader dies (its lock goes with its connection). The jobs stay
safe without the lock (the dispatcher's claims are atomic); the lock just keeps
the work in one place. Missed runs: jobs are coalesced (one run for many missed
ticks) and jobs marked ``run_at_start`` run once as soon as the process starts,
so a reminder that fell due while the scheduler was down goes out once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from core.extensions import db

log = logging.getLogger("rumahpurna.scheduler")


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], object]
    trigger: str  # "interval" or "cron"
    options: dict
    run_at_start: bool = False  # also run once when the scheduler starts (catch-up)


def _purge_reset_codes():
    from accounts.resets import purge_expired_reset_codes

    return purge_expired_reset_codes()


def _purge_unconfirmed_registrations():
    from accounts.registration import purge_unconfirmed_registrations

    return purge_unconfirmed_registrations()


def _dispatch_notifications():
    from notifications.jobs import dispatch_due

    return dispatch_due()


def _remind_stale_kur():
    from mentoring.kur.jobs import remind_stale_kur_applications

    return remind_stale_kur_applications()


def _counseling_morning_lists():
    from mentoring.counseling.jobs import send_counselor_morning_lists

    return send_counselor_morning_lists()


def _sweep_orphan_uploads():
    from core.uploads import sweep_orphan_uploads

    return sweep_orphan_uploads()


def _generate_market_days():
    from marketplace.stalls.jobs import generate_market_days

    return generate_market_days()


def _expire_unpaid_stalls():
    from marketplace.stalls.jobs import expire_unpaid_stalls

    return expire_unpaid_stalls()


def _adminduk_retention():
    from community.adminduk.jobs import apply_retention

    return apply_retention()


def _end_booth_leases():
    from marketplace.stalls.jobs import end_booth_leases

    return end_booth_leases()


def jobs() -> list[Job]:
    """Every periodic job, in one place."""
    return [
        Job("purge-reset-codes", _purge_reset_codes, "interval", {"hours": 1}),
        Job("purge-unconfirmed-registrations", _purge_unconfirmed_registrations, "interval", {"hours": 6}),
        # 06:00 WITA; one message per counselor per day, so a catch-up run is safe.
        Job("counseling-morning-lists", _counseling_morning_lists, "cron", {"hour": 22, "minute": 0}, run_at_start=True),
        Job("sweep-orphan-uploads", _sweep_orphan_uploads, "interval", {"hours": 1}),
        # Notices are keyed per request, so a catch-up run is safe.
        Job("adminduk-retention", _adminduk_retention, "cron", {"hour": 17, "minute": 30}, run_at_start=True),
        Job("remind-stale-kur", _remind_stale_kur, "interval", {"hours": 6}, run_at_start=True),
        Job("generate-market-days", _generate_market_days, "interval", {"hours": 6}, run_at_start=True),
        Job("end-booth-leases", _end_booth_leases, "interval", {"hours": 6}, run_at_start=True),
        Job("expire-unpaid-stalls", _expire_unpaid_stalls, "interval", {"minutes": 10}, run_at_start=True),
        Job(
            "dispatch-notifications", _dispatch_notifications, "interval", {"minutes": 1},
            run_at_start=True,
        ),
    ]


# An arbitrary constant shared by every scheduler process ("RPSC").
LEADER_LOCK_ID = 0x52505343


class Leadership:
    """Leader election among scheduler processes (PostgreSQL advisory lock).

    The lock belongs to one dedicated connection kept open for the life of the
    process; if that connection breaks, PostgreSQL drops the lock and another
    process takes it. Other databases (SQLite: one machine) always lead.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self.connection: Connection | None = None

    def is_leader(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True
        if self.connection is not None:
            try:
                self.connection.execute(text("SELECT 1"))
                return True
            except Exception:
                log.warning("lost the scheduler leader connection")
                self.release()
        try:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:id)"), {"id": LEADER_LOCK_ID}
            ).scalar()
        except Exception:
            log.exception("could not reach the database to elect a scheduler leader")
            return False
        if got:
            self.connection = connection
            log.info("this scheduler process is the leader")
            return True
        connection.close()
        return False

    def release(self) -> None:
        if self.connection is not None:
            # Invalidate rather than return to the pool: the lock must not live
            # on in a pooled connection.
            self.connection.invalidate()
            self.connection.close()
            self.connection = None


def run_job(app: Flask, job: Job, leadership: Leadership | None = None) -> None:
    """Run one job in an app context with its own transaction (leader only)."""
    with app.app_context():
        if leadership is not None and not leadership.is_leader():
            log.debug("job %s skipped: another scheduler process leads", job.id)
            return
        try:
            result = job.func()
            db.session.commit()
            log.info("job %s done: %s", job.id, result)
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job.id)
        finally:
            db.session.remove()


def build_scheduler(app: Flask):
    """The scheduler for ``flask scheduler run``; refuses to start under the reloader."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from config import under_reloader

    if under_reloader():
        raise RuntimeError("The scheduler runs in its own process, never under the reloader.")
    with app.app_context():
        leadership = Leadership(db.engine)
    scheduler = BlockingScheduler(timezone=app.config["SCHEDULER_TIMEZONE"])
    for job in jobs():
        extra = {"next_run_time": datetime.now(UTC)} if job.run_at_start else {}
        scheduler.add_job(
            run_job,
            job.trigger,
            args=(app, job, leadership),
            id=job.id,
            # Many missed ticks (a long job, a suspended host) make one run; a
            # late run still runs however late it is (no grace limit).
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            **extra,
            **job.options,
        )
    return scheduler
