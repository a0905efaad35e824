"""Free-slot computation: pure functions, no database, no clock.

Everything a counselor offers is wall-clock time in Asia/Makassar (WITA, no
daylight saving); the results are aware UTC datetimes. Callers pass in only the
busy appointments of the window they ask about, so years of history cost nothing.

Rules, in order:
- a day's ranges are its weekly ranges, minus "off" exceptions (a whole day or a
  range), plus "open" exceptions (one-off extra ranges);
- slots start at each range's start and step by session + buffer; a slot must
  end inside its range (a range may end at midnight, minute 1440);
- a slot must start at least ``min_notice`` after now and at most ``horizon``
  after now;
- a slot may not overlap a busy appointment, keeping ``buffer`` between them;
- a day with ``daily_max`` busy appointments offers nothing more.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.i18n import WITA

DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Rules:
    session_minutes: int = 60
    buffer_minutes: int = 15
    min_notice: timedelta = timedelta(hours=12)
    horizon: timedelta = timedelta(days=30)
    daily_max: int = 6


@dataclass(frozen=True)
class DayException:
    day: date
    kind: str  # "off" or "open"
    start_minute: int | None = None  # both None: the whole day
    end_minute: int | None = None

    @property
    def whole_day(self) -> bool:
        return self.start_minute is None or self.end_minute is None


Range = tuple[int, int]
Busy = tuple[datetime, datetime]


def local_moment(day: date, minute: int) -> datetime:
    """The UTC instant of ``minute`` minutes after WITA midnight of ``day``."""
    midnight = datetime.combine(day, time(0), tzinfo=WITA)
    return (midnight + timedelta(minutes=minute)).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone(WITA).date()


def _subtract(ranges: list[Range], cut: Range) -> list[Range]:
    result: list[Range] = []
    for start, end in ranges:
        if cut[1] <= start or cut[0] >= end:
            result.append((start, end))
            continue
        if start < cut[0]:
            result.append((start, cut[0]))
        if cut[1] < end:
            result.append((cut[1], end))
    return result


def _merge(ranges: Iterable[Range]) -> list[Range]:
    merged: list[Range] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def day_ranges(
    day: date, weekly: Mapping[int, Sequence[Range]], exceptions: Sequence[DayException]
) -> list[Range]:
    """The ranges (minutes after WITA midnight) offered on ``day``."""
    todays = [e for e in exceptions if e.day == day]
    if any(e.kind == "off" and e.whole_day for e in todays):
        ranges: list[Range] = []
    else:
        ranges = list(weekly.get(day.weekday(), ()))
        for exc in todays:
            if exc.kind == "off":
                ranges = _subtract(ranges, (exc.start_minute, exc.end_minute))
    for exc in todays:
        if exc.kind == "open":
            extra = (0, DAY_MINUTES) if exc.whole_day else (exc.start_minute, exc.end_minute)
            ranges.append(extra)
    return [(s, min(e, DAY_MINUTES)) for s, e in _merge(ranges) if e > s]


class BusyIndex:
    """Busy appointments sorted by start, for quick overlap questions."""

    def __init__(self, busy: Iterable[Busy]):
        self.items = sorted(busy)
        self.starts = [start for start, _ in self.items]
        self.longest = max((end - start for start, end in self.items), default=timedelta(0))
        self.per_day = Counter(local_day(start) for start in self.starts)

    def overlaps(self, start: datetime, end: datetime, buffer: timedelta) -> bool:
        """True when [start, end) comes within ``buffer`` of a busy appointment."""
        index = bisect_left(self.starts, end + buffer)
        earliest = start - buffer - self.longest
        for j in range(index - 1, -1, -1):
            busy_start, busy_end = self.items[j]
            if busy_start < earliest:
                break
            if busy_end + buffer > start:
                return True
        return False


def free_slots(
    rules: Rules,
    weekly: Mapping[int, Sequence[Range]],
    exceptions: Sequence[DayException],
    busy: Iterable[Busy],
    now: datetime,
    *,
    limit: int | None = None,
) -> list[datetime]:
    """Every free start time (aware UTC) from ``now + min_notice`` to ``now + horizon``."""
    index = busy if isinstance(busy, BusyIndex) else BusyIndex(busy)
    session = timedelta(minutes=rules.session_minutes)
    buffer = timedelta(minutes=rules.buffer_minutes)
    step = rules.session_minutes + rules.buffer_minutes
    earliest = now + rules.min_notice
    latest = now + rules.horizon
    slots: list[datetime] = []
    day = local_day(earliest)
    last_day = local_day(latest)
    while day <= last_day:
        if index.per_day.get(day, 0) < rules.daily_max:
            for range_start, range_end in day_ranges(day, weekly, exceptions):
                minute = range_start
                while minute + rules.session_minutes <= range_end:
                    start = local_moment(day, minute)
                    minute += step
                    if start < earliest:
                        continue
                    if start > latest:
                        break
                    if index.overlaps(start, start + session, buffer):
                        continue
                    slots.append(start)
                    if limit is not None and len(slots) >= limit:
                        return slots
        day += timedelta(days=1)
    return slots


def nearest(slots: Sequence[datetime], target: datetime, count: int = 3) -> list[datetime]:
    """The ``count`` free slots closest in time to ``target``, in time order."""
    return sorted(sorted(slots, key=lambda s: abs(s - target))[:count])


def group_by_day(slots: Iterable[datetime]) -> list[tuple[date, list[datetime]]]:
    """Slots grouped by their WITA date, in order."""
    days: dict[date, list[datetime]] = {}
    for slot in slots:
        days.setdefault(local_day(slot), []).append(slot)
    return list(days.items())


def next_start_after(
    rules: Rules,
    weekly: Mapping[int, Sequence[Range]],
    exceptions: Sequence[DayException],
    moment: datetime,
) -> datetime | None:
    """The first slot start after ``moment`` that the ranges offer, busy or not
    (None when no range is left). When ``now + horizon`` reaches it, a slot may
    enter the booking horizon: what was computed before is stale from then on."""
    step = rules.session_minutes + rules.buffer_minutes
    day = local_day(moment)
    last_day = max([day + timedelta(days=7), *(e.day for e in exceptions)])
    while day <= last_day:
        for range_start, range_end in day_ranges(day, weekly, exceptions):
            minute = range_start
            while minute + rules.session_minutes <= range_end:
                start = local_moment(day, minute)
                minute += step
                if start > moment:
                    return start
        day += timedelta(days=1)
    return None
