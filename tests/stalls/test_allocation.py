"""Fair rotation: pure functions, property-tested."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.stalls.allocation import Candidate, Slot, propose, queue, queue_position

ZONES = ["food", "crafts", "produce"]


@st.composite
def days(draw):
    slots = draw(st.lists(st.sampled_from(ZONES), max_size=12))
    stalls = [Slot(stall_id=i + 1, zone=z, code=f"S{i:02d}") for i, z in enumerate(slots)]
    count = draw(st.integers(min_value=0, max_value=25))
    people = []
    for i in range(count):
        people.append(Candidate(
            application_id=i + 1,
            business_id=draw(st.integers(min_value=1, max_value=15)),
            zone=draw(st.sampled_from(ZONES)),
            returnee=draw(st.booleans()),
            days_attended=draw(st.integers(min_value=0, max_value=5)),
            waited=draw(st.integers(min_value=0, max_value=4)),
            no_shows=draw(st.integers(min_value=0, max_value=2)),
            applied_order=i,
        ))
    busy = draw(st.sets(st.integers(min_value=1, max_value=15), max_size=3))
    return stalls, people, busy


@settings(max_examples=300, deadline=None)
@given(days())
def test_every_stall_at_most_one_business(day):
    stalls, people, busy = day
    proposal = propose(stalls, people, busy)
    assert len(set(proposal.assignments.values())) == len(proposal.assignments)


@settings(max_examples=300, deadline=None)
@given(days())
def test_every_business_at_most_one_stall(day):
    stalls, people, busy = day
    proposal = propose(stalls, people, busy)
    by_app = {p.application_id: p for p in people}
    placed = [by_app[a].business_id for a in proposal.assignments]
    assert len(placed) == len(set(placed))
    assert not set(placed) & busy


@settings(max_examples=300, deadline=None)
@given(days())
def test_zone_respected(day):
    stalls, people, busy = day
    proposal = propose(stalls, people, busy)
    zone_of_stall = {s.stall_id: s.zone for s in stalls}
    by_app = {p.application_id: p for p in people}
    assert all(zone_of_stall[stall] == by_app[app].zone for app, stall in proposal.assignments.items())


@settings(max_examples=300, deadline=None)
@given(days())
def test_first_time_returnee_never_loses_to_a_regular_with_the_same_wait(day):
    stalls, people, busy = day
    proposal = propose(stalls, people, busy)
    by_app = {p.application_id: p for p in people}
    assigned = [by_app[a] for a in proposal.assignments]
    for waiting_id in proposal.waitlist:
        newcomer = by_app[waiting_id]
        if not newcomer.first_time_returnee:
            continue
        for winner in assigned:
            if winner.zone == newcomer.zone and winner.waited == newcomer.waited:
                assert winner.first_time_returnee, (newcomer, winner)


@settings(max_examples=200, deadline=None)
@given(days())
def test_no_stall_left_empty_while_someone_of_its_zone_waits(day):
    stalls, people, busy = day
    proposal = propose(stalls, people, busy)
    by_app = {p.application_id: p for p in people}
    used = set(proposal.assignments.values())
    free_zones = {s.zone for s in stalls if s.stall_id not in used}
    assert not any(by_app[a].zone in free_zones for a in proposal.waitlist)


def test_longest_wait_then_newcomers_first():
    stalls = [Slot(1, "food", "A-01")]
    regular = Candidate(1, business_id=1, zone="food", days_attended=9, waited=2)
    newcomer = Candidate(2, business_id=2, zone="food", days_attended=0, waited=2)
    patient = Candidate(3, business_id=3, zone="food", days_attended=9, waited=3)
    assert propose(stalls, [regular, newcomer, patient]).assignments == {3: 1}
    assert propose(stalls, [regular, newcomer]).assignments == {2: 1}
    returnee = Candidate(4, business_id=4, zone="food", returnee=True, waited=0)
    assert propose(stalls, [regular, newcomer, patient, returnee]).assignments == {4: 1}


def test_no_shows_lower_priority():
    stalls = [Slot(1, "food", "A-01")]
    absent = Candidate(1, business_id=1, zone="food", no_shows=2, applied_order=0)
    reliable = Candidate(2, business_id=2, zone="food", no_shows=0, applied_order=1)
    assert propose(stalls, [absent, reliable]).assignments == {2: 1}


def test_queue_position_is_per_zone():
    people = [Candidate(1, 1, "food"), Candidate(2, 2, "crafts"), Candidate(3, 3, "food", waited=1)]
    assert [c.application_id for c in queue(people)] == [3, 1, 2]
    assert queue_position(people, 1) == 2
    assert queue_position(people, 2) == 1
    assert queue_position(people, 99) is None
