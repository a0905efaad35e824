"""Slot computation at the edges (pure functions, no database)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from mentoring.counseling.slots import (
    DayException,
    Rules,
    day_ranges,
    free_slots,
    group_by_day,
    local_moment,
    nearest,
)

MONDAY = date(2026, 12, 7)  # a Monday
# 00:00 WITA on that Monday is 16:00 UTC the day before.
MIDNIGHT_UTC = datetime(2026, 12, 6, 16, 0, tzinfo=UTC)
NOTICE_FREE = Rules(session_minutes=60, buffer_minutes=15, min_notice=timedelta(0),
                    horizon=timedelta(days=30), daily_max=6)


def test_local_moment_is_wita_without_daylight_saving():
    assert local_moment(MONDAY, 0) == MIDNIGHT_UTC
    assert local_moment(MONDAY, 9 * 60) == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    # Half a year later the offset is the same (no DST in WITA).
    assert local_moment(date(2027, 6, 7), 0).hour == 16


def test_a_slot_at_midnight():
    weekly = {0: [(0, 120)]}
    slots = free_slots(NOTICE_FREE, weekly, [], [], MIDNIGHT_UTC - timedelta(hours=1))
    assert slots[0] == MIDNIGHT_UTC
    # 01:15 would end at 02:15, after the range: the next slot is a week later.
    assert slots[1] == MIDNIGHT_UTC + timedelta(days=7)
    # A Sunday range ending at midnight does not leak into Monday.
    sunday_late = {6: [(23 * 60, 24 * 60)]}
    assert free_slots(NOTICE_FREE, sunday_late, [], [], MIDNIGHT_UTC - timedelta(hours=2)) [0] == (
        MIDNIGHT_UTC - timedelta(hours=1)
    )


def test_last_slot_of_the_day_ends_inside_the_range():
    # 21:45–24:00: 21:45 fits (ends 22:45), 23:00 fits (ends 24:00), nothing after.
    weekly = {0: [(21 * 60 + 45, 24 * 60)]}
    rules = Rules(session_minutes=60, buffer_minutes=15, min_notice=timedelta(0),
                  horizon=timedelta(days=1), daily_max=6)
    slots = free_slots(rules, weekly, [], [], MIDNIGHT_UTC)
    assert slots == [local_moment(MONDAY, 21 * 60 + 45), local_moment(MONDAY, 23 * 60)]
    assert slots[-1] + timedelta(minutes=60) == local_moment(MONDAY + timedelta(days=1), 0)


def test_session_longer_than_the_range_gives_nothing():
    rules = Rules(session_minutes=90, buffer_minutes=0, min_notice=timedelta(0),
                  horizon=timedelta(days=1), daily_max=6)
    assert free_slots(rules, {0: [(600, 660)]}, [], [], MIDNIGHT_UTC) == []


def test_minimum_notice_boundary():
    weekly = {d: [(9 * 60, 12 * 60)] for d in range(7)}
    rules = Rules(session_minutes=60, buffer_minutes=0, min_notice=timedelta(hours=12),
                  horizon=timedelta(days=2), daily_max=6)
    # now = 21:00 WITA Sunday: 09:00 Monday is exactly 12 h away and is offered.
    now = local_moment(MONDAY, 9 * 60) - timedelta(hours=12)
    assert free_slots(rules, weekly, [], [], now)[0] == local_moment(MONDAY, 9 * 60)
    # One minute later it is not.
    later = now + timedelta(minutes=1)
    assert free_slots(rules, weekly, [], [], later)[0] == local_moment(MONDAY, 10 * 60)


def test_booking_horizon_boundary():
    weekly = {d: [(9 * 60, 10 * 60)] for d in range(7)}
    rules = Rules(session_minutes=60, buffer_minutes=0, min_notice=timedelta(0),
                  horizon=timedelta(days=3), daily_max=6)
    now = local_moment(MONDAY, 9 * 60)
    slots = free_slots(rules, weekly, [], [], now)
    # Exactly three days ahead is the last one offered: Mon, Tue, Wed, Thu 09:00.
    assert slots[-1] == now + timedelta(days=3)
    assert len(slots) == 4
    assert free_slots(rules, weekly, [], [], now + timedelta(minutes=1))[-1] == now + timedelta(days=3)


def test_busy_appointment_and_buffer_block_neighbours():
    weekly = {0: [(9 * 60, 13 * 60)]}
    rules = Rules(session_minutes=60, buffer_minutes=15, min_notice=timedelta(0),
                  horizon=timedelta(days=1), daily_max=6)
    # Someone booked 10:00–11:00 off the grid (e.g. an older session length).
    busy = [(local_moment(MONDAY, 600), local_moment(MONDAY, 660))]
    slots = free_slots(rules, weekly, [], busy, MIDNIGHT_UTC)
    # 09:00 ends 10:00 but needs 15 min buffer; 10:15 overlaps; 11:30 is the next free.
    assert local_moment(MONDAY, 540) not in slots
    assert local_moment(MONDAY, 615) not in slots
    assert slots == [local_moment(MONDAY, 690)]


def test_daily_maximum_closes_the_day():
    weekly = {0: [(8 * 60, 20 * 60)], 1: [(8 * 60, 20 * 60)]}
    rules = Rules(session_minutes=60, buffer_minutes=0, min_notice=timedelta(0),
                  horizon=timedelta(days=2), daily_max=2)
    busy = [(local_moment(MONDAY, m), local_moment(MONDAY, m + 60)) for m in (480, 600)]
    slots = free_slots(rules, weekly, [], busy, MIDNIGHT_UTC)
    assert all(s >= local_moment(MONDAY + timedelta(days=1), 0) for s in slots)


def test_exceptions_day_off_range_off_and_extra_hours():
    weekly = {0: [(9 * 60, 12 * 60)], 1: [(9 * 60, 12 * 60)]}
    tuesday = MONDAY + timedelta(days=1)
    exceptions = [
        DayException(MONDAY, "off"),
        DayException(tuesday, "off", 10 * 60, 11 * 60),
        DayException(tuesday, "open", 18 * 60, 19 * 60),
    ]
    assert day_ranges(MONDAY, weekly, exceptions) == []
    assert day_ranges(tuesday, weekly, exceptions) == [(540, 600), (660, 720), (1080, 1140)]
    rules = Rules(session_minutes=60, buffer_minutes=0, min_notice=timedelta(0),
                  horizon=timedelta(days=2), daily_max=6)
    slots = free_slots(rules, weekly, exceptions, [], MIDNIGHT_UTC)
    assert slots == [local_moment(tuesday, m) for m in (540, 660, 1080)]


def test_nearest_and_grouping():
    slots = [local_moment(MONDAY, m) for m in (540, 600, 660, 720, 780)]
    assert nearest(slots, local_moment(MONDAY, 650), 2) == [slots[1], slots[2]]
    tuesday = local_moment(MONDAY + timedelta(days=1), 540)
    groups = group_by_day([*slots, tuesday])
    assert [day for day, _ in groups] == [MONDAY, MONDAY + timedelta(days=1)]


def test_thirty_days_with_many_busy_is_fast():
    import time

    weekly = {d: [(8 * 60, 12 * 60), (13 * 60, 20 * 60)] for d in range(7)}
    busy = [
        (local_moment(MONDAY + timedelta(days=d), 8 * 60), local_moment(MONDAY + timedelta(days=d), 9 * 60))
        for d in range(31)
    ]
    started = time.perf_counter()
    for _ in range(20):
        slots = free_slots(NOTICE_FREE, weekly, [], busy, MIDNIGHT_UTC)
    assert (time.perf_counter() - started) / 20 < 0.05
    assert len(slots) > 200
