"""``flask seed-demo`` adds counselors with availability and a week of sessions, once."""
from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.scheduler import jobs
from mentoring.counseling import availability
from mentoring.counseling.models import Appointment, CounselorProfile


def test_seed_demo_is_idempotent_and_bookable(runner):
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    profiles = db.session.scalars(select(CounselorProfile)).all()
    assert len(profiles) == 3 and all(p.ranges for p in profiles)
    languages = {code for p in profiles for code in p.languages}
    assert {"dawan", "tetun", "rote"} <= languages
    assert db.session.scalar(select(func.count(Appointment.id))) == 5
    assert all(availability.free_slots_for(p) for p in profiles)


def test_morning_list_job_is_scheduled():
    job = next(j for j in jobs() if j.id == "counseling-morning-lists")
    assert job.trigger == "cron" and job.options == {"hour": 22, "minute": 0}  # 06:00 WITA
