"""Demo counselors, their availability and a realistic week of appointments
(``flask seed-demo``; idempotent, only flushes)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from accounts.phones import normalise_phone
from accounts.services import create_user_with_roles, find_by_login
from core.cli import DEMO_PASSWORD
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from mentoring.counseling import availability, notices
from mentoring.counseling.models import ATTENDED, CONFIRMED, REQUESTED, Appointment
from mentoring.counseling.slots import local_moment

PLACE = "Rumah Purna, Jl. El Tari No. 5, Kota Kupang"

# key, phone, name, bio, languages, modes, weekly ranges {weekday: [(start, end) minutes]}
COUNSELORS = [
    (
        "counselor", None, None,
        "Psikolog klinis. Lima belas tahun mendampingi perempuan pekerja migran dan keluarganya.",
        ["id", "dawan"], ["in_person", "phone", "video"],
        {d: [(9 * 60, 12 * 60), (13 * 60, 16 * 60)] for d in range(5)},
    ),
    (
        "counselor_rote", "081200000011", "Daniel Lay",
        "Konselor sebaya, purna PMI dari Malaysia. Berbahasa Rote dan Sabu.",
        ["id", "rote", "sabu"], ["phone", "in_person"],
        {1: [(8 * 60, 12 * 60)], 3: [(8 * 60, 12 * 60)], 5: [(9 * 60, 12 * 60)]},
    ),
    (
        "counselor_tetun", "081200000012", "Ester Bana",
        "Konselor di Atambua dan Kupang. Berbahasa Tetun dan Dawan.",
        ["id", "tetun", "dawan"], ["phone", "video"],
        {0: [(13 * 60, 17 * 60)], 2: [(13 * 60, 17 * 60)], 4: [(13 * 60, 17 * 60)]},
    ),
]


def _counselor_user(key, phone, name, users):
    if key in users:
        return users[key]
    e164 = normalise_phone(phone)
    return find_by_login(e164) or create_user_with_roles(
        name, e164, DEMO_PASSWORD, ["member", "counselor"]
    )


def _day_with(weekly, start_day, offset_days):
    """The first day on or after ``start_day + offset`` that has ranges."""
    day = start_day + timedelta(days=offset_days)
    for _ in range(7):
        if weekly.get(day.weekday()):
            return day
        day += timedelta(days=1)
    return day


def seed(users: dict) -> None:
    profiles = {}
    for key, phone, name, bio, languages, modes, weekly in COUNSELORS:
        user = _counselor_user(key, phone, name, users)
        profile = availability.get_or_create_profile(user)
        if not profile.ranges:
            availability.update_profile(
                user, profile, bio=bio, languages=languages, modes=modes,
                place=PLACE if "in_person" in modes else None,
                video_link="https://meet.jit.si/rumah-purna-konseling" if "video" in modes else None,
                requires_confirmation=key != "counselor_rote",
            )
            for weekday, ranges in weekly.items():
                for start, end in ranges:
                    availability.add_range(profile, weekday, start, end)
        profiles[key] = (profile, weekly)

    member = users.get("member")
    vendor = users.get("vendor")
    main, main_weekly = profiles["counselor"]
    if member is None or db.session.scalar(
        select(Appointment.id).where(Appointment.member_id == member.id).limit(1)
    ):
        return
    now = utcnow()
    today = now.astimezone(WITA).date()
    week = [
        # who, counselor key, day offset, minute, status, mode, topic
        (member, "counselor", -5, 9 * 60, ATTENDED, "in_person", "Susah tidur sejak pulang dari Malaysia."),
        (member, "counselor", 2, 10 * 60 + 15, CONFIRMED, "in_person", None),
        (member, "counselor_rote", 4, 8 * 60, REQUESTED, "phone", "Mau bicara soal utang ke calo."),
        (vendor, "counselor", 1, 9 * 60, CONFIRMED, "phone", None),
        (vendor, "counselor", 3, 13 * 60, REQUESTED, "video", None),
    ]
    for who, key, offset, minute, status, mode, topic in week:
        if who is None:
            continue
        profile, weekly = profiles[key]
        day = _day_with(weekly, today, offset)
        starts_at = local_moment(day, minute)
        appointment = Appointment(
            counselor_id=profile.id, counselor=profile, member_id=who.id, member=who,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=profile.session_minutes),
            mode=mode, status=status, topic=topic, booked_by_id=who.id,
            confirmed_at=now if status in (CONFIRMED, ATTENDED) else None,
            pseudonym="Ina" if who is vendor else None,
        )
        db.session.add(appointment)
        db.session.flush()
        if status == CONFIRMED:
            notices.schedule_reminders(appointment, now)
