"""Slot benchmark: one counselor, the next 30 days, with five years of history.

    .venv/bin/python bench/slots.py                       # SQLite (a temporary file)
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/slots.py                   # also PostgreSQL (a scratch database)

The counselor works Monday to Saturday 08:00–12:00 and 13:00–17:00 WITA with 60-minute
sessions and a 15-minute buffer. Five years of past sessions (six a working day, about
9,400 rows) plus a realistic next month (about half the slots booked) are inserted.
Each round loads the counselor (as a page would: profile, ranges, exceptions) and
computes every free slot for the booking horizon, with one windowed query for the
busy appointments. Prints the median and p95 per round in milliseconds.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
YEARS = 5


def run(url: str, label: str) -> None:
    from sqlalchemy import insert

    from accounts.models import User
    from config import TestingConfig
    from core import create_app
    from core.db import utcnow
    from core.extensions import db
    from mentoring.counseling import availability
    from mentoring.counseling.models import Appointment, AvailabilityRange, CounselorProfile
    from mentoring.counseling.slots import local_day, local_moment

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    with app.app_context():
        db.create_all()
        no_login = "!"  # noqa: S105 (not a hash: nobody logs in here)
        counselor = User(name="Agustina Manafe", phone="+6281200009010", password_hash=no_login)
        member = User(name="Maria Nenobais", phone="+6281200009001", password_hash=no_login)
        db.session.add_all([counselor, member])
        db.session.flush()
        profile = CounselorProfile(user_id=counselor.id, session_minutes=60, buffer_minutes=15,
                                   min_notice_hours=12, horizon_days=30, daily_max=6)
        for weekday in range(6):
            for start, end in ((8 * 60, 12 * 60), (13 * 60, 17 * 60)):
                profile.ranges.append(AvailabilityRange(weekday=weekday, start_minute=start, end_minute=end))
        db.session.add(profile)
        db.session.commit()

        now = utcnow()
        today = local_day(now)
        rows = []
        day = today - timedelta(days=365 * YEARS)
        while day < today + timedelta(days=31):
            if day.weekday() < 6:
                minutes = (480, 555, 630, 780, 855, 930)
                if day >= today:
                    minutes = minutes[::2]  # the coming month is half booked
                for minute in minutes:
                    start = local_moment(day, minute)
                    rows.append({
                        "counselor_id": profile.id, "member_id": member.id,
                        "starts_at": start, "ends_at": start + timedelta(hours=1), "mode": "phone",
                        "status": "attended" if day < today else "confirmed",
                        "created_at": now, "updated_at": now,
                    })
            day += timedelta(days=1)
        for chunk in range(0, len(rows), 2000):
            db.session.execute(insert(Appointment), rows[chunk:chunk + 2000])
        db.session.commit()

        profile_id = profile.id
        timings = []
        for _ in range(ROUNDS):
            db.session.expunge_all()
            started = time.perf_counter()
            loaded = db.session.get(CounselorProfile, profile_id, options=availability.AVAILABILITY_LOAD)
            slots = availability.free_slots_for(loaded, now)
            timings.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(20):
                db.session.expunge_all()
                availability.free_slots_for(
                    db.session.get(CounselorProfile, profile_id, options=availability.AVAILABILITY_LOAD), now)
                db.session.rollback()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{label}: {len(rows)} appointments ({YEARS} years of history); "
            f"{len(slots)} free slots in 30 days; median {statistics.median(timings):.1f} ms, "
            f"p95 {p95:.1f} ms per round ({ROUNDS} rounds)"
        )
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("INSTANCE_PATH", tmp)
        run(f"sqlite:///{tmp}/bench.db", "SQLite")
    base = os.environ.get("BENCH_DATABASE_URL")
    if base and base.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        name = f"rp_bench_slots_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(base.rsplit("/", 1)[0] + f"/{name}", "PostgreSQL")
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
