"""The kept counselor list and slot picker (slot_cache): every change and the
clock show at once, nothing of one member reaches another, the language is kept
apart, and the query count stays small and flat."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.extensions import db
from mentoring.counseling import availability, slot_cache
from mentoring.counseling.forms import slot_value
from mentoring.counseling.models import (
    Appointment,
    AvailabilityRange,
    CounselingCacheState,
    CounselorProfile,
)


@pytest.fixture(autouse=True)
def _cache_row():
    """The row the migration makes (the test tables are emptied between tests)."""
    if slot_cache.current_version() is None:
        db.session.execute(insert(CounselingCacheState).values(id=1, version=1))
        db.session.commit()
    slot_cache.clear()


@pytest.fixture
def clock(monkeypatch, now):
    """The pages' clock, movable: ``clock.at = ...``."""

    class Clock:
        at = now

    for module in ("mentoring.counseling.views", "mentoring.counseling.slot_cache"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: Clock.at)
    return Clock


def counselor_list(client) -> str:
    html = client.get("/counseling").get_data(as_text=True)
    match = re.search(r'<ul class="list">.*?</ul>|<p class="card card--calm">Tidak ada konselor.*?</p>', html, re.S)
    return match.group(0)


def fresh_list(client) -> str:
    """What the list shows when nothing is kept (the truth to compare with)."""
    slot_cache.clear()
    return counselor_list(client)


def picker_starts(client, profile) -> list[str]:
    html = client.get(f"/counseling/counselors/{profile.id}?all=1").get_data(as_text=True)
    return re.findall(r"/book\?start=([^\"&]+)", html)


def fresh_picker(client, profile) -> list[str]:
    slot_cache.clear()
    return picker_starts(client, profile)


def test_booking_and_cancelling_show_at_once_on_the_list_and_the_picker(client, auth, make_counselor,
                                                                       make_user, clock):
    profile = make_counselor(name="Agustina Manafe")
    other = make_counselor(name="Daniel Lay")
    viewer, booker = make_user(), make_user()
    auth.login(viewer)
    before = counselor_list(client)
    starts = picker_starts(client, profile)
    assert counselor_list(client) == before  # kept, and the same
    auth.logout()
    auth.login(booker)
    response = client.post(f"/counseling/counselors/{profile.id}/book", data={"start": starts[0], "mode": "phone"})
    assert response.status_code == 302
    auth.logout()
    auth.login(viewer)
    after = counselor_list(client)
    assert after != before and after == fresh_list(client)
    assert picker_starts(client, profile) == starts[1:]
    assert picker_starts(client, other)  # the other counselor is untouched
    appointment = db.session.query(Appointment).one()
    auth.logout()
    auth.login(booker)
    response = client.post(f"/counseling/appointments/{appointment.id}/cancel", data={"reason": "Sakit"})
    assert response.status_code == 302
    auth.logout()
    auth.login(viewer)
    assert counselor_list(client) == before
    assert picker_starts(client, profile) == starts


def test_counselor_confirming_or_declining_frees_or_holds_at_once(client, auth, make_counselor, book, clock):
    profile = make_counselor()
    appointment = book(profile, now=clock.at)
    auth.login(profile.user)
    held = picker_starts(client, make_counselor())  # warm another entry too
    assert held
    auth.logout()
    member = appointment.member
    auth.login(member)
    starts = picker_starts(client, profile)
    assert slot_value(appointment.starts_at) not in starts
    auth.logout()
    auth.login(profile.user)
    response = client.post(f"/counseling/staff/appointments/{appointment.id}/decline", data={"reason": "Penuh"})
    assert response.status_code == 302
    auth.logout()
    auth.login(member)
    assert slot_value(appointment.starts_at) in picker_starts(client, profile)


def test_availability_and_profile_changes_show_at_once(client, auth, make_counselor, make_user, clock):
    profile = make_counselor(name="Ester Bana", ranges=[(d, 8 * 60, 12 * 60) for d in range(7)])
    member = make_user()
    auth.login(member)
    before, starts = counselor_list(client), picker_starts(client, profile)
    # A day off through the counselor's own page.
    auth.logout()
    auth.login(profile.user)
    first_day = availability.free_slots_for(profile, clock.at)[0].astimezone(availability.WITA).date()
    response = client.post("/counseling/staff/availability", data={
        "exc-day": first_day.isoformat(), "exc-kind": "off", "exc-submit": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    auth.logout()
    auth.login(member)
    after = counselor_list(client)
    assert after != before and after == fresh_list(client)
    assert len(picker_starts(client, profile)) < len(starts)
    # A weekly range removed through the counselor's page: none left on that weekday.
    auth.logout()
    auth.login(profile.user)
    for row in db.session.query(AvailabilityRange).filter_by(counselor_id=profile.id).all():
        assert client.post(f"/counseling/staff/availability/range/{row.id}/delete").status_code == 302
    auth.logout()
    auth.login(member)
    assert picker_starts(client, profile) == []
    assert counselor_list(client) == fresh_list(client) and "Belum ada waktu kosong" in counselor_list(client)
    # Booking rules and the "no new clients" badge.
    db.session.add(AvailabilityRange(counselor_id=profile.id, weekday=0, start_minute=480, end_minute=720))
    db.session.commit()
    assert picker_starts(client, profile)
    changed = db.session.get(CounselorProfile, profile.id)
    changed.accepts_new_clients = False
    db.session.commit()
    assert "tidak menerima klien baru" in counselor_list(client)
    changed.user.name = "Ester Bana-Lay"
    db.session.commit()
    assert "Ester Bana-Lay" in counselor_list(client)
    changed.active = False
    db.session.commit()
    assert "Ester Bana" not in counselor_list(client)


def test_a_change_by_another_worker_shows_at_once(client, login_as, make_counselor, make_user, clock):
    """Another process writes through its own session: its commit replaces the token."""
    profile = make_counselor()
    login_as("member")
    starts = picker_starts(client, profile)
    member = make_user()
    first = availability.free_slots_for(profile, clock.at)[0]
    with Session(db.engine) as other_worker:
        other_worker.add(Appointment(counselor_id=profile.id, member_id=member.id, starts_at=first,
                                     ends_at=first + timedelta(hours=1), mode="phone", status="requested"))
        other_worker.commit()
    assert picker_starts(client, profile) == starts[1:]


def test_the_minimum_notice_moves_with_the_clock(client, login_as, make_counselor, clock):
    # Every day 08:00–20:00 WITA, 12 hours' notice; the clock starts Monday 08:00 WITA.
    profile = make_counselor()
    login_as("member")
    before, starts = counselor_list(client), picker_starts(client, profile)
    first = availability.free_slots_for(profile, clock.at)[0]
    assert starts[0] == slot_value(first)
    clock.at = first - timedelta(hours=12)  # the first slot is still just bookable
    assert counselor_list(client) == before
    later = picker_starts(client, profile)
    assert later[0] == starts[0] and later == fresh_picker(client, profile)
    clock.at += timedelta(minutes=1)  # now it is inside the notice
    after = counselor_list(client)
    assert after != before and after == fresh_list(client)
    assert picker_starts(client, profile) == later[1:] == fresh_picker(client, profile)
    clock.at = first - timedelta(hours=13)  # a clock that went back is never served a later answer
    assert counselor_list(client) == before
    assert picker_starts(client, profile)[0] == starts[0]


def test_the_horizon_moves_with_the_clock(client, login_as, make_counselor, clock):
    # Only Wednesdays 08:00–10:00 WITA, one day ahead at most; Monday 08:00 WITA now.
    profile = make_counselor(ranges=[(2, 8 * 60, 10 * 60)], horizon_days=1)
    login_as("member")
    assert "Belum ada waktu kosong" in counselor_list(client)
    assert picker_starts(client, profile) == []
    clock.at += timedelta(days=1)  # Tuesday 08:00: Wednesday 08:00 is exactly one day ahead
    assert counselor_list(client) == fresh_list(client)
    assert "Waktu kosong pertama" in counselor_list(client)
    assert len(picker_starts(client, profile)) == 1


def test_two_members_see_only_their_own_session(client, auth, make_counselor, make_user, book, clock):
    profile = make_counselor(name="Agustina Manafe")
    mine = book(profile, member=make_user(name="Maria Nenobais"), now=clock.at,
                pseudonym="Kembang Sepatu", topic="Susah tidur sejak pulang")
    other = make_user(name="Yohanes Tefa")
    auth.login(mine.member)
    own = client.get("/counseling").get_data(as_text=True)
    assert "Sesi Anda berikutnya" in own and f"/counseling/appointments/{mine.id}" in own
    picker_starts(client, profile)
    auth.logout()
    auth.login(other)  # the list and the picker are kept now; her session is not
    for url in ("/counseling", f"/counseling/counselors/{profile.id}", f"/counseling/counselors/{profile.id}?all=1"):
        html = client.get(url).get_data(as_text=True)
        for secret in ("Sesi Anda berikutnya", f"/counseling/appointments/{mine.id}", "Maria",
                       "Kembang Sepatu", "Susah tidur"):
            assert secret not in html, (url, secret)
    assert slot_value(mine.starts_at) not in picker_starts(client, profile)
    # The counselor's own picker offers nothing to book, even with slots kept for others.
    auth.logout()
    auth.login(profile.user)
    assert picker_starts(client, profile) == []
    html = client.get("/counseling").get_data(as_text=True)
    assert "Kembang Sepatu" not in html and "Susah tidur" not in html


def test_each_language_gets_its_own_list(client, auth, make_counselor, make_user, clock):
    make_counselor()
    auth.login(make_user(locale="id"))
    assert "Waktu kosong pertama" in counselor_list(client)
    auth.logout()
    auth.login(make_user(locale="en"))
    english = counselor_list(client)
    assert "First free time" in english and "Waktu kosong pertama" not in english
    auth.logout()
    auth.login(make_user(locale="id"))
    assert "Waktu kosong pertama" in counselor_list(client)


def test_each_language_gets_its_own_picker(client, auth, make_counselor, make_user, clock):
    profile = make_counselor()
    titles = []
    for locale in ("id", "en", "id"):
        auth.login(make_user(locale=locale))
        html = client.get(f"/counseling/counselors/{profile.id}").get_data(as_text=True)
        titles.append(re.findall(r'<h3 class="slot-day__title">([^<]+)</h3>', html))
        assert ("Tampilkan hari-hari berikutnya" in html) == (locale == "id"), locale
        auth.logout()
    assert titles[0] == titles[2] and titles[0] != titles[1] and len(titles[1]) == 7
    assert titles[0][0].startswith("Selasa") and titles[1][0].startswith("Tue"), titles


def test_filters_get_their_own_list(client, login_as, make_counselor, clock):
    make_counselor(name="Agustina Manafe", languages=["id", "dawan"])
    make_counselor(name="Daniel Lay", languages=["id", "rote"])
    login_as("member")
    assert "Daniel Lay" in client.get("/counseling").get_data(as_text=True)
    dawan = client.get("/counseling?language=dawan").get_data(as_text=True)
    assert "Agustina Manafe" in dawan and "Daniel Lay" not in dawan
    assert "Daniel Lay" in client.get("/counseling?language=rote").get_data(as_text=True)


def test_query_counts_small_and_flat_kept_or_not(client, login_as, make_counselor, book, count_queries, clock):
    login_as("member")
    counts = []
    for n in (1, 12):
        for _ in range(n):
            profile = make_counselor()
            for index in range(3):
                book(profile, index=index, now=clock.at)
        slot_cache.clear()
        with count_queries() as computed:
            client.get("/counseling")
        with count_queries() as kept:
            client.get("/counseling")
        slot_cache.clear()
        with count_queries() as picker_computed:
            client.get(f"/counseling/counselors/{profile.id}")
        with count_queries() as picker_kept:
            client.get(f"/counseling/counselors/{profile.id}")
        counts.append((computed.count, kept.count, picker_computed.count, picker_kept.count))
    assert counts[0] == counts[1], counts
    assert max(counts[1]) <= 10, counts
    assert counts[1][1] < counts[1][0], counts  # keeping saves queries, too


def test_the_token_is_read_along_with_the_card_and_the_counselor(client, auth, make_counselor, make_user, book,
                                                                 count_queries, clock):
    """The list reads the token in the statement of the member's own next session, the
    picker in the statement of the counselor: kept, each page is the user and one more."""
    profile = make_counselor(name="Agustina Manafe")
    mine = book(profile, member=make_user(name="Maria Nenobais"), now=clock.at)
    other = make_user(name="Yohanes Tefa")
    auth.login(mine.member)
    for url in ("/counseling", f"/counseling/counselors/{profile.id}"):
        client.get(url)
        with count_queries() as kept:
            client.get(url)
        assert kept.count <= 2, (url, kept.statements)
    card = client.get("/counseling").get_data(as_text=True).split('<section class="card card--highlight">')[1]
    card = card.split("</section>")[0]
    assert "Agustina Manafe" in card and "menunggu" in card and f"/counseling/appointments/{mine.id}" in card
    auth.logout()
    auth.login(other)
    assert "Sesi Anda berikutnya" not in client.get("/counseling").get_data(as_text=True)

    # Without the token's row nothing is kept, and the card still shows.
    db.session.query(CounselingCacheState).delete()
    db.session.commit()
    slot_cache.clear()
    auth.logout()
    auth.login(mine.member)
    html = client.get("/counseling").get_data(as_text=True)
    assert "Sesi Anda berikutnya" in html and "Agustina Manafe" in html
    assert slot_value(availability.free_slots_for(profile, clock.at)[0]) in picker_starts(client, profile)
    assert slot_cache.current_version() is None  # the pages took the path without a token
