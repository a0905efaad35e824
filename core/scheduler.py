"""The scheduler: APScheduler 3.x in its own process (``flask scheduler run``).

Never started inside web workers or under the reloader. Every periodic job is
listed in ``JOBS``; a job is a plain function called inside an app context, which
owns its transaction (one commit). Tests call the functions directly.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from core.extensions import db

log = logging.getLogger("rumahpurna.scheduler")


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], object]
    trigger: str  # "interval" or "cron"
    options: dict


def _purge_reset_codes():
    from accounts.services import purge_expired_reset_codes

    return purge_expired_reset_codes()


def jobs() -> list[Job]:
    """Every periodic job, in one place."""
    return [
        Job("purge-reset-codes", _purge_reset_codes, "interval", {"hours": 1}),
    ]


def run_job(app: Flask, job: Job) -> None:
    """Run one job in an app context with its own transaction."""
    with app.app_context():
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
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone=app.config["SCHEDULER_TIMEZONE"])
    for job in jobs():
        scheduler.add_job(
            run_job,
            job.trigger,
            args=(app, job),
            id=job.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            **job.options,
        )
    return scheduler
