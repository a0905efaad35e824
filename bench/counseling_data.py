"""A counseling data set for the page benchmarks: counselors with weekly hours and
appointments spread over three years (past ones attended or cancelled, the coming
month about half booked), on top of the demo data (``flask seed-demo`` first).

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_x \
        .venv/bin/python bench/counseling_data.py --appointments 200000 [--counselors 30]

Idempotent per size: it does nothing when the database already holds at least
that many appointments. Loopback databases only; every row is synthetic.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = ["Maria", "Yohanes", "Agustina", "Daniel", "Ester", "Melki", "Yuliana", "Frans", "Martha", "Niko"]
LAST = ["Manafe", "Lay", "Bana", "Tefa", "Ndun", "Riwu", "Kana", "Pello", "Benu", "Nenobais"]
MINUTES = (480, 555, 630, 780, 855, 930)  # six 60-minute sessions, 15-minute buffer


def build(appointments: int, counselors: int, members: int) -> None:
    from sqlalchemy import func, insert, select

    from accounts.models import User, UserRole
    from core import create_app
    from core.db import utcnow
    from core.extensions import db
    from mentoring.counseling.models import Appointment, AvailabilityRange, CounselorProfile
    from mentoring.counseling.slots import local_day, local_moment

    app = create_app()
    with app.app_context():
        have = db.session.scalar(select(func.count()).select_from(Appointment))
        if have >= appointments:
            print(f"already {have} appointments: nothing to do")
            return
        rng = random.Random(14)
        password = db.session.scalar(select(User.password_hash).where(User.phone == "+6281200000001"))
        now = utcnow()
        existing = db.session.scalar(select(func.count()).select_from(CounselorProfile))
        for n in range(existing, counselors):
            user = User(name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}", phone=f"+62813{n:08d}",
                        password_hash=password, regency="kota-kupang")
            user.role_rows = [UserRole(role="member"), UserRole(role="counselor")]
            profile = CounselorProfile(user=user, user_id=None, languages=rng.sample(["id", "dawan", "rote", "tetun"], 2),
                                       modes=["in_person", "phone"], bio="Konselor.")
            for weekday in range(6):
                for start, end in ((8 * 60, 12 * 60), (13 * 60, 17 * 60)):
                    profile.ranges.append(AvailabilityRange(weekday=weekday, start_minute=start, end_minute=end))
            db.session.add(profile)
        have_members = db.session.scalar(select(func.count()).select_from(User))
        rows = [{"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "phone": f"+62814{n:08d}",
                 "password_hash": password, "locale": "id", "active": True, "session_token": f"t{n}",
                 "created_at": now, "confirmed_at": now}
                for n in range(have_members, members)]
        for chunk in range(0, len(rows), 5000):
            db.session.execute(insert(User), rows[chunk:chunk + 5000])
        db.session.commit()
        profile_ids = db.session.scalars(select(CounselorProfile.id)).all()
        member_ids = db.session.scalars(select(User.id)).all()
        taken = set(db.session.execute(select(Appointment.counselor_id, Appointment.starts_at)).all())
        today = local_day(now)
        # Three years back, one month ahead; each working day a counselor has up to six sessions.
        days = [today - timedelta(days=d) for d in range(1, 365 * 3) if (today - timedelta(days=d)).weekday() < 6]
        future = [today + timedelta(days=d) for d in range(2, 31) if (today + timedelta(days=d)).weekday() < 6]
        needed = appointments - have
        per_slot_past = max(needed - len(profile_ids) * len(future) * 3, 0)
        batch = []

        def add(counselor_id, start, status):
            if (counselor_id, start) in taken:
                return
            taken.add((counselor_id, start))
            batch.append({"counselor_id": counselor_id, "member_id": rng.choice(member_ids),
                          "starts_at": start, "ends_at": start + timedelta(hours=1), "mode": "phone",
                          "status": status, "created_at": now, "updated_at": now,
                          "booked_by_id": None, "urgent": False, "late_cancellation": False})

        for counselor_id in profile_ids:  # the coming month: every other slot
            for day in future:
                for minute in MINUTES[rng.randrange(2)::2]:
                    add(counselor_id, local_moment(day, minute), rng.choice(["confirmed", "requested"]))
        while len(batch) < needed and per_slot_past:
            add(rng.choice(profile_ids), local_moment(rng.choice(days), rng.choice(MINUTES)),
                rng.choice(["attended"] * 8 + ["cancelled", "no_show"]))
        for chunk in range(0, len(batch), 5000):
            db.session.execute(insert(Appointment), batch[chunk:chunk + 5000])
        db.session.commit()
        print(f"{len(profile_ids)} counselors, {len(member_ids)} accounts, "
              f"{have + len(batch)} appointments")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appointments", type=int, default=20_000)
    parser.add_argument("--counselors", type=int, default=30)
    parser.add_argument("--members", type=int, default=5_000)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL (a loopback benchmark database)")
    build(args.appointments, args.counselors, args.members)


if __name__ == "__main__":
    main()
