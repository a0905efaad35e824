"""Market-day dates and the stall map's drawing, as pure functions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.i18n import WITA, format_wita

ZONE_COLOURS = {
    "food": "#f2c9a0",
    "crafts": "#c9d3f2",
    "produce": "#c7e3b6",
    "services": "#eed6ee",
    "public_service": "#d9d9d9",
}


def upcoming_dates(weekday: int, today: date, weeks: int) -> list[date]:
    """The next ``weeks`` dates falling on ``weekday`` (0 = Monday), today included."""
    first = today + timedelta(days=(weekday - today.weekday()) % 7)
    return [first + timedelta(weeks=n) for n in range(weeks)]


def wita_date(moment: datetime) -> date:
    return moment.astimezone(WITA).date()


def wita_moment(day: date, minute: int) -> datetime:
    """The aware moment of ``minute`` after WITA midnight on ``day``."""
    return datetime.combine(day, time(0), tzinfo=WITA) + timedelta(minutes=minute)


def clock(minute: int, locale: str = "id") -> str:
    """A minute of the day as ``locale`` writes it: "07.00" in Indonesian, "07:00" in
    English (``format_wita``'s "clock" style; WITA has no summer time, any day does)."""
    return format_wita(wita_moment(date(2026, 1, 1), minute), "clock", locale)


@dataclass(frozen=True)
class MapStall:
    """What the SVG draws for one stall."""

    stall_id: int
    code: str
    zone: str
    x: int
    y: int
    w: int
    h: int
    colour: str
    occupant: str | None  # the business in it that day (short), or None

    @property
    def label_x(self) -> float:
        return self.x + self.w / 2

    @property
    def code_y(self) -> float:
        return self.y + min(self.h / 2, 1.8)

    @property
    def occupant_y(self) -> float:
        return self.code_y + 1.6


def short_name(name: str, width: int) -> str:
    """A business name cut to what fits a stall ``width`` map units wide."""
    room = max(3, int(width * 1.4))
    return name if len(name) <= room else name[: room - 1] + "…"


def map_stalls(stalls, occupants: dict[int, str]) -> list[MapStall]:
    """Drawing data for ``stalls`` (objects with code/zone/x/y/w/h/id) and the
    business name in each (``occupants``: stall id -> name)."""
    return [
        MapStall(
            stall_id=stall.id, code=stall.code, zone=stall.zone, x=stall.x, y=stall.y, w=stall.w, h=stall.h,
            colour=ZONE_COLOURS.get(stall.zone, "#ffffff"),
            occupant=short_name(occupants[stall.id], stall.w) if stall.id in occupants else None,
        )
        for stall in stalls
    ]
