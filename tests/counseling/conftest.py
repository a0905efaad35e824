"""Fixtures for the counseling tests: counselors with availability, a frozen
"now" on a known weekday, and booking helpers."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from mentoring.counseling import availability, booking
from mentoring.counseling.models import AvailabilityRange, CounselorProfile

_names = itertools.count(1)


def next_monday_utc_midnight() -> datetime:
    """A Monday 00:00 UTC (08:00 WITA) at least a week ahead of the real clock."""
    day = (utcnow() + timedelta(days=7)).date()
    day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, time(0), tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return next_monday_utc_midnight()


@pytest.fixture
def make_counselor(make_user):
    """A counselor (user + profile) available every day 08:00–20:00 WITA by default."""

    def factory(ranges=None, **settings) -> CounselorProfile:
        user = make_user(
            roles=("member", "counselor"), name=settings.pop("name", f"Yuliana Ndun {next(_names)}")
        )
        values = dict(
            languages=["id", "dawan"],
            modes=["in_person", "phone", "video"],
            place="Rumah Purna, Kota Kupang",
            video_link="https://meet.example.org/konseling",
            requires_confirmation=True,
            session_minutes=60,
            buffer_minutes=15,
            min_notice_hours=12,
            horizon_days=30,
            daily_max=6,
            cancel_notice_hours=24,
        )
        values.update(settings)
        profile = CounselorProfile(user_id=user.id, user=user, **values)
        for weekday, start, end in ranges if ranges is not None else [
            (d, 8 * 60, 20 * 60) for d in range(7)
        ]:
            profile.ranges.append(AvailabilityRange(weekday=weekday, start_minute=start, end_minute=end))
        db.session.add(profile)
        db.session.commit()
        return profile

    return factory


@pytest.fixture
def book(make_user):
    """Book the ``index``-th free slot of ``profile`` for ``member`` (committed)."""

    def do(profile, member=None, index=0, now=None, **kwargs):
        member = member or make_user()
        slots = availability.free_slots_for(profile, now)
        appointment = booking.book_appointment(
            member, profile, member, slots[index], kwargs.pop("mode", "phone"), now=now, **kwargs
        )
        db.session.commit()
        return appointment

    return do


@pytest.fixture(autouse=True)
def _request(app, request):
    """Service tests read refusal messages (``str(error)`` translates them), which
    needs a request context; page tests push their own through the client."""
    if request.node.module.__name__.endswith("test_services"):
        with app.test_request_context():
            yield
    else:
        yield
