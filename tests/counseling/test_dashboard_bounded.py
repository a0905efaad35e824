"""The counselor dashboard stays the same size whatever the counselor's load
(issue 14): today's first sessions, a few per day of the week and the first
waiting requests, each with a link to the rest (a day's full list, every waiting
request), paged and working without JavaScript. Its rows are drawn once per
content and language (row_parts.py): a change shows at once, another counselor
never gets them, and a nickname's real name is never kept."""
from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from psycopg.sql import Literal
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from mentoring.counseling import booking, dashboard, row_parts, slot_cache
from mentoring.counseling.models import Appointment
from mentoring.counseling.slots import local_moment
from tests.conftest import POSTGRES, statements_inside_a_transaction
from tests.factories import Auth


@pytest.fixture(autouse=True)
def fresh_rows():
    row_parts.clear()
    slot_cache.clear()
    yield
    row_parts.clear()
    slot_cache.clear()


def _add(profile, member, start, status="confirmed", pseudonym=None):
    db.session.add(Appointment(
        counselor_id=profile.id, member_id=member.id, starts_at=start, ends_at=start + timedelta(minutes=30),
        mode="phone", status=status, pseudonym=pseudonym, booked_by_id=member.id,
    ))


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="/counseling/staff/appointments/(\d+)"', html))


def _ids_on(day, profile) -> set[str]:
    start, end = local_moment(day, 0), local_moment(day + timedelta(days=1), 0)
    return {str(i) for i in db.session.scalars(select(Appointment.id).where(
        Appointment.counselor_id == profile.id, Appointment.starts_at >= start, Appointment.starts_at < end))}


def test_a_crowded_week_is_bounded_and_every_session_is_one_link_away(client, make_counselor, make_user,
                                                                      count_queries):
    profile = make_counselor()
    member = make_user(name="Maria Nenobais")
    today = utcnow().astimezone(WITA).date()
    tomorrow = today + timedelta(days=1)
    for i in range(dashboard.TODAY_ROWS + 5):  # 25 sessions today, every 30 minutes from 01.00
        _add(profile, member, local_moment(today, 60 + 30 * i))
    for i in range(dashboard.WEEK_ROWS + 3):  # 7 tomorrow
        _add(profile, member, local_moment(tomorrow, 8 * 60 + 30 * i))
    later = today + timedelta(days=3)
    for i in range(dashboard.WAITING_ROWS + 2):  # 12 waiting requests, further ahead
        _add(profile, member, local_moment(later, 8 * 60 + 30 * i), status="requested")
    db.session.commit()
    Auth(client).login(profile.user)

    client.get("/counseling/staff")
    with count_queries() as log:
        html = client.get("/counseling/staff").get_data(as_text=True)
    assert log.count <= 10, log.statements
    today_part = html.split("<h2>Hari ini</h2>")[1].split("<h2>")[0]
    assert len(_links(today_part)) == dashboard.TODAY_ROWS
    assert "Semua sesi hari ini (5 lagi)" in today_part
    assert "Semua permintaan (2 lagi)" in html
    week = html.split('<div class="week">')[1]
    tomorrow_part = week.split('<section class="week__day">')[2].split("</section>")[0]
    assert f'href="/counseling/staff/day?date={tomorrow.isoformat()}"' in tomorrow_part
    assert len(_links(tomorrow_part)) == dashboard.WEEK_ROWS and "+3 lagi" in tomorrow_part
    assert len(_links(html)) < 25 + 7 + 12  # not every session of the week

    # The day view: all of today over two pages, tomorrow on one, no JavaScript needed.
    first = client.get("/counseling/staff/day").get_data(as_text=True)
    second = client.get("/counseling/staff/day?page=2").get_data(as_text=True)
    assert 'href="/counseling/staff/day?date=' in first and 'rel="next"' in first
    assert len(_links(first)) == dashboard.PAGE_ROWS and len(_links(second)) == 5
    assert _links(first) | _links(second) == _ids_on(today, profile)
    day = client.get(f"/counseling/staff/day?date={tomorrow.isoformat()}").get_data(as_text=True)
    assert _links(day) == _ids_on(tomorrow, profile)
    requests = client.get("/counseling/staff/requests").get_data(as_text=True)
    assert len(_links(requests)) == dashboard.WAITING_ROWS + 2
    for bad in ("2026-13-01", "kemarin", "20261201", "9999-12-31"):
        assert client.get(f"/counseling/staff/day?date={bad}").status_code == 400, bad


def test_another_counselors_day_is_not_shown(client, make_counselor, make_user):
    mine, other = make_counselor(), make_counselor()
    today = utcnow().astimezone(WITA).date()
    _add(other, make_user(name="Yohana Lain"), local_moment(today, 23 * 60))
    _add(mine, make_user(name="Maria Milik"), local_moment(today, 22 * 60))
    db.session.commit()
    Auth(client).login(mine.user)
    for url in ("/counseling/staff", "/counseling/staff/day"):
        html = client.get(url).get_data(as_text=True)
        assert "Maria Milik" in html and "Yohana Lain" not in html, url


def test_kept_rows_follow_every_change_and_never_cross_counselors(client, make_counselor, make_user, book,
                                                                   monkeypatch):
    first, second = make_counselor(), make_counselor()
    hidden = make_user(name="Yohana Tersembunyi")
    nicknamed = book(first, member=hidden, index=0, pseudonym="Ina")
    named = book(first, member=make_user(name="Maria Nenobais"), index=1)
    book(second, member=make_user(name="Agustina Kase"), index=0)
    auth = Auth(client)
    auth.login(first.user)
    html = client.get("/counseling/staff").get_data(as_text=True)
    assert "Ina" in html and "Maria Nenobais" in html and "Yohana Tersembunyi" not in html
    assert row_parts.entries(), "the rows were kept"
    assert "Yohana Tersembunyi" not in repr(row_parts.entries())

    # A repeat visit is drawn from the kept rows alone.
    def no_drawing():
        raise AssertionError("a row was drawn again")

    with monkeypatch.context() as patched:
        patched.setattr(row_parts, "_parts", no_drawing)
        again = client.get("/counseling/staff").get_data(as_text=True)
    assert again.count("Maria Nenobais") == html.count("Maria Nenobais")

    # The other counselor sees their own client only, through the same cache.
    auth.logout()
    auth.login(second.user)
    html = client.get("/counseling/staff").get_data(as_text=True)
    assert "Agustina Kase" in html and "Maria Nenobais" not in html and "Ina" not in html

    # A confirmation, a shared name and the language show at once.
    booking.confirm_appointment(first.user, named)
    booking.share_identity(hidden, nicknamed)
    db.session.commit()
    auth.logout()
    auth.login(first.user)
    html = client.get("/counseling/staff").get_data(as_text=True)
    row = html.split(f'/counseling/staff/appointments/{named.id}"')[1].split("</li>")[0]
    assert "dikonfirmasi" in row and "menunggu" not in row
    assert "Yohana Tersembunyi" in html
    client.post("/lang", data={"lang": "en", "next": "/"})
    html = client.get("/counseling/staff").get_data(as_text=True)
    row = html.split(f'/counseling/staff/appointments/{named.id}"')[1].split("</li>")[0]
    assert "confirmed" in row and "dikonfirmasi" not in row


def _week_day(html: str, index: int) -> str:
    week = html.split('<div class="week">')[1]
    return week.split('<section class="week__day">')[index + 1].split("</section>")[0]


def test_a_crowded_day_shows_its_first_rows_only_and_never_another_counselors(
        client, make_counselor, make_user, count_queries):
    mine, other = make_counselor(), make_counselor()
    maria, yohana = make_user(name="Maria Nenobais"), make_user(name="Yohana Lain")
    today = utcnow().astimezone(WITA).date()
    crowded = today + timedelta(days=2)
    for i in range(40):  # 40 sessions on one day, every 30 minutes from 01.00, for each of them
        _add(mine, maria, local_moment(crowded, 60 + 30 * i))
        _add(other, yohana, local_moment(crowded, 60 + 30 * i))
    for i in range(3):  # the other counselor also has today, a waiting request and a no-show
        _add(other, yohana, local_moment(today, 60 + 30 * i), status="no_show")
        _add(other, yohana, local_moment(today + timedelta(days=4), 60 + 30 * i), status="requested")
    db.session.commit()
    auth = Auth(client)
    auth.login(mine.user)

    with count_queries() as computed:
        html = client.get("/counseling/staff").get_data(as_text=True)
    with count_queries() as kept:
        again = client.get("/counseling/staff").get_data(as_text=True)
    assert computed.count <= 6, computed.statements  # the user, the profile, three lists, the flags
    assert kept.count <= 3, kept.statements  # the lists kept: the user, the profile, the flags
    assert again == html
    day = _week_day(html, 2)
    assert len(_links(day)) == dashboard.WEEK_ROWS and f"+{40 - dashboard.WEEK_ROWS} lagi" in day
    assert _links(html) == _links(day) and _links(day) <= _ids_on(crowded, mine)
    assert "Yohana Lain" not in html and "Tidak ada permintaan yang menunggu." in html
    assert "Tidak ada sesi hari ini." in html and "Tidak hadir" not in html

    # The other counselor, through the same process's kept lists, sees only her own.
    auth.logout()
    auth.login(other.user)
    html = client.get("/counseling/staff").get_data(as_text=True)
    assert "Maria Nenobais" not in html and "Yohana Lain" in html
    assert _links(_week_day(html, 2)) <= _ids_on(crowded, other)
    assert "Semua permintaan" not in html and len(_links(html.split("<h2>Hari ini</h2>")[0])) == 3


def test_kept_lists_follow_every_change_and_the_clock(client, make_counselor, make_user, book):
    profile = make_counselor()
    member = make_user(name="Maria Nenobais")
    now = utcnow()
    today = now.astimezone(WITA).date()
    soon = now + timedelta(hours=2)
    _add(profile, member, soon, status="requested")
    db.session.commit()
    Auth(client).login(profile.user)
    assert "Maria Nenobais" in client.get("/counseling/staff").get_data(as_text=True)

    # A booking, a member's new name and a new status show on the next visit.
    booked = book(profile, member=make_user(name="Agustina Kase"), index=3)
    member.name = "Maria Nenobais-Lay"
    db.session.commit()
    html = client.get("/counseling/staff").get_data(as_text=True)
    assert "Agustina Kase" in html and "Maria Nenobais-Lay" in html
    booking.decline_appointment(profile.user, booked, "Maaf, saya berhalangan.")
    db.session.commit()
    assert "Agustina Kase" not in client.get("/counseling/staff").get_data(as_text=True)

    # The clock: a waiting request leaves the list when it begins; tomorrow starts a new week.
    board = dashboard.dashboard_for(profile.user, now)
    assert [row.client_label for row in board.waiting] == ["Maria Nenobais-Lay"]
    assert dashboard.dashboard_for(profile.user, soon + timedelta(minutes=1)).waiting == []
    tomorrow = local_moment(today + timedelta(days=1), 60)
    later = dashboard.dashboard_for(profile.user, tomorrow)
    assert later.today.day == today + timedelta(days=1) and later.week[-1].day == today + timedelta(days=7)


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_the_counselor_lists_send_nothing_inside_a_transaction(client, make_counselor, book):
    profile = make_counselor()
    book(profile)
    Auth(client).login(profile.user)
    db.session.commit()
    with statements_inside_a_transaction() as inside:
        for path in ("/counseling/staff", "/counseling/staff/day", "/counseling/staff/requests"):
            assert client.get(path).status_code == 200, path
    assert not inside


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="reads PostgreSQL's plans")
def test_the_waiting_list_is_read_off_the_requested_index_even_by_a_kept_plan(make_counselor, make_user):
    """Months of confirmed sessions ahead and two requests: the waiting list reads
    the requests off ``ix_appointments_counselor_requested``, also in the generic
    plan PostgreSQL keeps for a prepared statement (one that has not seen the
    values). With the status bound as a parameter the generic plan could not use
    the partial index and read every active session ahead (10 ms on the large bench
    set against 0.06), so PostgreSQL planned the statement anew on every request."""
    profile = make_counselor()
    member = make_user(name="Maria Nenobais")
    start = utcnow().replace(microsecond=0) + timedelta(days=1)
    for i in range(600):
        _add(profile, member, start + timedelta(hours=i))
    for i in range(2):
        _add(profile, member, start + timedelta(hours=i, minutes=30), status="requested")
    db.session.commit()
    statement = dashboard._statements()["waiting"]
    params = {"counselor_id": profile.id, "now": utcnow(), "limit": dashboard.WAITING_ROWS, "offset": 0}
    expanded = statement.compile(db.engine).construct_expanded_state(params)
    names: list[str] = []

    def numbered(match):  # psycopg's %(name)s -> PREPARE's $n
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    prepared = re.sub(r"%\((\w+)\)s", numbered, expanded.statement)
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        connection.exec_driver_sql("ANALYZE appointments")
        connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        connection.exec_driver_sql("PREPARE waiting AS " + prepared)
        values = ", ".join(Literal(expanded.parameters[name]).as_string(raw) for name in names)
        assert len(connection.exec_driver_sql(f"EXECUTE waiting({values})").all()) == 2
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN EXECUTE waiting({values})"))
        connection.exec_driver_sql("DEALLOCATE waiting")
        connection.exec_driver_sql("RESET plan_cache_mode")
    assert "ix_appointments_counselor_requested" in plan, plan



def test_the_day_view_writes_its_statuses_and_bounds_into_the_sql(client, make_counselor, make_user,
                                                                  count_queries):
    """So PostgreSQL keeps one plan for it (with them as parameters it planned the
    day view anew on every request); the rows stay the day's, in order."""
    profile = make_counselor()
    member = make_user(name="Maria Nenobais")
    tomorrow = utcnow().astimezone(WITA).date() + timedelta(days=1)
    for i in range(3):
        _add(profile, member, local_moment(tomorrow, 9 * 60 + 30 * i))
    _add(profile, member, local_moment(tomorrow + timedelta(days=1), 9 * 60))  # the day after
    db.session.commit()
    Auth(client).login(profile.user)
    with count_queries() as log:
        html = client.get(f"/counseling/staff/day?date={tomorrow.isoformat()}").get_data(as_text=True)
    assert _links(html) == _ids_on(tomorrow, profile) and len(_links(html)) == 3
    (day,) = [" ".join(text.split()) for text in log.statements
              if "ORDER BY appointments.starts_at, appointments.id" in " ".join(text.split())]
    start = local_moment(tomorrow, 0).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    end = local_moment(tomorrow + timedelta(days=1), 0).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert f"appointments.starts_at >= '{start}" in day and f"appointments.starts_at < '{end}" in day
    assert "appointments.status IN ('requested', 'confirmed', 'attended', 'no_show')" in day
