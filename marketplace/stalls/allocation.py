"""Fair rotation for one market day, as pure functions (no database, no clock).

The services turn applications and history into ``Candidate`` values and the
day's free stalls into ``Slot`` values; ``propose`` fills the stalls within their
zones and returns who gets which stall and who waits. Staff adjust and confirm.

Priority, most important first:

1. a returned migrant worker's business that has never sold at this market;
2. the longest wait (market days applied for without getting a stall since the
   business last sold);
3. fewer no-shows;
4. fewer days already sold (regulars do not crowd out newcomers);
5. who applied first.

So a first-time returned worker never loses a stall to a regular with the same
(or any) wait, and every stall gets at most one business, every business at most
one stall.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Slot:
    """A free stall of the day."""

    stall_id: int
    zone: str
    code: str = ""


@dataclass(frozen=True)
class Candidate:
    """One undecided application of the day, with what fairness needs to know."""

    application_id: int
    business_id: int
    zone: str
    returnee: bool = False
    days_attended: int = 0
    waited: int = 0
    no_shows: int = 0
    applied_order: int = 0

    @property
    def first_time_returnee(self) -> bool:
        return self.returnee and self.days_attended == 0


@dataclass
class Proposal:
    """``assignments``: application id -> stall id. ``waitlist``: application ids in
    queue order (the first gets the next stall that frees up in its zone)."""

    assignments: dict[int, int] = field(default_factory=dict)
    waitlist: list[int] = field(default_factory=list)


def priority(candidate: Candidate) -> tuple:
    """Sort key: smaller comes first (see the module docstring)."""
    return (
        0 if candidate.first_time_returnee else 1,
        -candidate.waited,
        candidate.no_shows,
        candidate.days_attended,
        candidate.applied_order,
        candidate.application_id,
    )


def queue(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Candidates in priority order."""
    return sorted(candidates, key=priority)


def propose(
    slots: Iterable[Slot],
    candidates: Iterable[Candidate],
    busy_businesses: Iterable[int] = (),
) -> Proposal:
    """Fill ``slots`` with ``candidates`` in priority order, each zone separately.

    ``busy_businesses``: businesses that already hold a stall that day (they get
    none). A business with several candidates gets at most one stall; its other
    applications are neither assigned nor queued.
    """
    free: dict[str, list[Slot]] = {}
    for slot in sorted(slots, key=lambda s: (s.code, s.stall_id)):
        free.setdefault(slot.zone, []).append(slot)
    placed = set(busy_businesses)
    queued: set[int] = set()
    proposal = Proposal()
    for candidate in queue(candidates):
        if candidate.business_id in placed or candidate.business_id in queued:
            continue
        zone_slots = free.get(candidate.zone)
        if zone_slots:
            proposal.assignments[candidate.application_id] = zone_slots.pop(0).stall_id
            placed.add(candidate.business_id)
        else:
            proposal.waitlist.append(candidate.application_id)
            queued.add(candidate.business_id)
    return proposal


def queue_position(candidates: Iterable[Candidate], application_id: int) -> int | None:
    """1-based place of an application in its zone's queue, or ``None``."""
    ordered = queue(candidates)
    mine = next((c for c in ordered if c.application_id == application_id), None)
    if mine is None:
        return None
    same_zone = [c for c in ordered if c.zone == mine.zone]
    return same_zone.index(mine) + 1
