"""Pages: the inbox and bell, preferences, the staff call-task list."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from core.extensions import db
from notifications.models import CallTask, Notification, NotificationPreference
from notifications.services import N_, add_inbox_notice, call_task_role, inbox, open_call_task


def _notices(user, count: int, url: str | None = "/account") -> None:
    for n in range(count):
        add_inbox_notice(user.id, f"test:{user.id}:{n}", N_("Kabar"), None, {}, url)
    db.session.commit()


# --- inbox and bell ----------------------------------------------------------------

def test_inbox_needs_login(client):
    response = client.get("/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_inbox_lists_own_notices_and_the_bell_counts_them(client, login_as, make_user):
    user = login_as("member")
    stranger = make_user()
    _notices(user, 2)
    add_inbox_notice(stranger.id, "secret", N_("Pengingat"), None, {}, None)
    db.session.commit()

    html = client.get("/inbox").get_data(as_text=True)
    assert html.count("list__row--unread") == 2
    assert "Pengingat" not in html
    assert '<span class="bell__count">2</span>' in client.get("/").get_data(as_text=True)


def test_opening_a_notice_marks_it_read_and_follows_its_link(client, login_as):
    user = login_as("member")
    _notices(user, 2, url="/account/notifications")
    notice = db.session.scalars(select(Notification).order_by(Notification.id)).first()

    response = client.get(f"/inbox/{notice.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/account/notifications"
    assert '<span class="bell__count">1</span>' in client.get("/").get_data(as_text=True)


def test_someone_elses_notice_is_404(client, login_as, make_user):
    login_as("member")
    stranger = make_user()
    _notices(stranger, 1)
    notice = db.session.scalar(select(Notification))
    assert client.get(f"/inbox/{notice.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, notice.id).read_at is None


def test_notice_link_never_leaves_the_site(client, login_as):
    user = login_as("member")
    _notices(user, 1, url="//evil.example/x")
    notice = db.session.scalar(select(Notification))
    assert client.get(f"/inbox/{notice.id}").headers["Location"] == "/inbox"


def test_mark_all_read(client, login_as, make_user):
    user = login_as("member")
    stranger = make_user()
    _notices(user, 3)
    _notices(stranger, 1)
    client.post("/inbox/read")
    page = client.get("/inbox")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("list__row") >= 3  # her three notices, now read
    assert "list__row--unread" not in html and "bell__count" not in html
    unread = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.read_at.is_(None))
    )
    assert unread == 1  # the stranger's notice is untouched


def test_inbox_query_budget_is_flat(client, login_as, count_queries):
    user = login_as("member")
    _notices(user, 1)
    with count_queries() as one:
        assert client.get("/inbox").status_code == 200
    for n in range(49):
        add_inbox_notice(user.id, f"more:{n}", N_("Kabar"), None, {}, None)
    db.session.commit()
    with count_queries() as fifty:
        assert client.get("/inbox?page=1").status_code == 200
    assert one.count == fifty.count <= 10


# --- preferences -------------------------------------------------------------------

def _prefs_form(**overrides):
    data = {"whatsapp": "y", "sms": "y", "quiet_from": "22:00", "quiet_until": "06:00",
            "weekly_cap": "5"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_preferences_page_shows_defaults_and_is_linked_from_the_account(client, login_as):
    login_as("member")
    assert "/account/notifications" in client.get("/account").get_data(as_text=True)
    html = client.get("/account/notifications").get_data(as_text=True)
    assert '<option selected value="21:00">' in html and '<option selected value="07:00">' in html
    assert '<option selected value="10">' in html


def test_preferences_are_saved(client, login_as):
    user = login_as("member")
    response = client.post("/account/notifications", data=_prefs_form(whatsapp=None))
    assert response.status_code == 302
    prefs = db.session.get(NotificationPreference, user.id)
    assert (prefs.whatsapp, prefs.sms, prefs.email) == (False, True, False)
    assert (prefs.quiet_from, prefs.quiet_until, prefs.weekly_cap) == (time(22), time(6), 5)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"quiet_from": "21:00", "quiet_until": "21:00"}, "tidak boleh sama"),
        ({"quiet_from": "18:00", "quiet_until": "10:00"}, "paling lama 14 jam"),
        ({"quiet_until": "25:00"}, "Pilih jam dari daftar"),
        ({"weekly_cap": "1000"}, "Pilih jumlah dari daftar"),
        ({"email": "y"}, "belum punya alamat email"),
    ],
)
def test_bad_preferences_are_refused_and_nothing_is_saved(client, login_as, fields, message):
    user = login_as("member")
    response = client.post("/account/notifications", data=_prefs_form(**fields))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert '<option selected value="22:00">' in html or fields.get("quiet_from") != "22:00"
    assert db.session.get(NotificationPreference, user.id) is None


def test_preferences_page_in_english(client, login_as):
    login_as("member", locale="en")
    html = client.post(
        "/account/notifications", data=_prefs_form(quiet_from="21:00", quiet_until="21:00")
    ).get_data(as_text=True)
    assert "Quiet hours" in html and "cannot be the same" in html


def test_preferences_change_only_your_own(client, login_as, make_user):
    login_as("member")
    other = make_user()
    client.post("/account/notifications", data=_prefs_form(user_id=str(other.id)))
    assert db.session.get(NotificationPreference, other.id) is None


# --- call tasks --------------------------------------------------------------------

def _task(user, key: str = "kur:1:stage") -> CallTask:
    open_call_task(SimpleNamespace(base_key=key, user_id=user.id, title=N_("Pengingat"),
                                   params={}, url=None))
    db.session.commit()
    return db.session.scalar(select(CallTask).where(CallTask.message_key == key))


@pytest.mark.parametrize(
    ("key", "role"),
    [
        ("appointment:7:reminder-24h", "counselor"),
        ("counselor:3:daily:2026-01-05", "counselor"),
        ("wellbeing:9:urgent:4", "counselor"),
        ("training:2:user:5:reg:8:confirmed", "umkm_staff"),
        ("kur:5:stage-survey", "umkm_staff"),
        ("community:u5:p9:approved", "moderator"),
        ("account:5:password-reset", "admin"),
        ("demo:welcome", "admin"),
        ("appointment", "admin"),
        ("appointmentx:1", "admin"),
    ],
)
def test_call_task_role_follows_the_message_key(key, role):
    assert call_task_role(key) == role


@pytest.mark.parametrize(
    ("role", "key"),
    [
        ("counselor", "appointment:1:reminder-24h"),
        ("umkm_staff", "kur:1:stage"),
        ("moderator", "community:u1:p2:approved"),
        ("admin", "account:1:reset"),
    ],
)
def test_staff_see_the_call_tasks_of_their_role(client, login_as, make_user, role, key):
    login_as(role)
    person = make_user(name="Agustina Manafe", phone="+6281234567890")
    task = _task(person, key)
    assert task.role == role
    html = client.get("/staff/call-tasks").get_data(as_text=True)
    assert "Agustina Manafe" in html and "tel:+6281234567890" in html
    assert f"/staff/call-tasks/{task.id}/done" in html
    assert "/staff/call-tasks" in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("role", ["umkm_staff", "registrar", "admin", "moderator"])
def test_a_counseling_call_task_is_hidden_from_other_staff(client, login_as, make_user, role):
    login_as(role)
    task = _task(make_user(name="Yohana Kase", phone="+6281234567891"),
                 "appointment:42:reminder-24h")
    response = client.get("/staff/call-tasks")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Yohana Kase" not in html and "6281234567891" not in html
    assert "Pengingat" not in html and f"/call-tasks/{task.id}/" not in html
    assert "Tidak ada yang perlu ditelepon" in html
    assert client.post(f"/staff/call-tasks/{task.id}/done").status_code == 404
    db.session.expire_all()
    task = db.session.get(CallTask, task.id)
    assert task.status == "open" and task.done_by_id is None
    assert db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "call_task.done")) == 0


def test_a_counselor_sees_and_completes_a_counseling_call_task(client, login_as, make_user):
    counselor = login_as("counselor")
    task = _task(make_user(name="Yohana Kase"), "appointment:42:reminder-24h")
    assert "Yohana Kase" in client.get("/staff/call-tasks").get_data(as_text=True)
    assert client.post(f"/staff/call-tasks/{task.id}/done").status_code == 302
    db.session.expire_all()
    task = db.session.get(CallTask, task.id)
    assert task.status == "done" and task.done_by_id == counselor.id


@pytest.mark.parametrize(
    ("role", "visible"),
    [("umkm_staff", True), ("counselor", False), ("registrar", False), ("admin", False),
     ("moderator", False)],
)
def test_a_training_call_task_is_for_umkm_staff_only(client, login_as, make_user, role, visible):
    login_as(role)
    task = _task(make_user(name="Markus Tefa"), "training:3:user:9:reg:4:s1:reminder-24h")
    assert ("Markus Tefa" in client.get("/staff/call-tasks").get_data(as_text=True)) is visible
    status = client.post(f"/staff/call-tasks/{task.id}/done").status_code
    assert status == (302 if visible else 404)


def test_several_roles_see_the_union_of_their_tasks(client, login_as, make_user):
    login_as("counselor", "umkm_staff")
    _task(make_user(name="Yohana Kase"), "appointment:1:confirmed")
    _task(make_user(name="Markus Tefa"), "kur:2:stage")
    _task(make_user(name="Rina Ndun"), "community:u3:p4:approved")
    _task(make_user(name="Paulus Bessi"), "account:4:reset")
    response = client.get("/staff/call-tasks")
    html = response.get_data(as_text=True)
    assert "Yohana Kase" in html and "Markus Tefa" in html
    assert "Rina Ndun" not in html and "Paulus Bessi" not in html


def test_members_may_not_see_call_tasks(client, login_as, make_user):
    login_as("member")
    task = _task(make_user())
    assert client.get("/staff/call-tasks").status_code == 403
    assert client.post(f"/staff/call-tasks/{task.id}/done").status_code == 403
    account = client.get("/account")
    assert account.status_code == 200 and "Akun saya" in account.get_data(as_text=True)
    assert "/staff/call-tasks" not in account.get_data(as_text=True)


def test_marking_a_call_task_done(client, login_as, make_user):
    staff = login_as("umkm_staff")
    person = make_user(name="Daniel Lay")
    task = _task(person)
    response = client.post(f"/staff/call-tasks/{task.id}/done")
    assert response.status_code == 302
    db.session.expire_all()
    task = db.session.get(CallTask, task.id)
    assert task.status == "done" and task.done_by_id == staff.id
    page = client.get("/staff/call-tasks")
    assert page.status_code == 200 and "Perlu ditelepon" in page.get_data(as_text=True)
    assert "Daniel Lay" not in page.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "call_task.done"))
    assert client.post(f"/staff/call-tasks/{task.id}/done").status_code == 404
    assert client.post("/staff/call-tasks/99999/done").status_code == 404


def test_call_task_query_budget_is_flat(client, login_as, make_user, count_queries):
    login_as("counselor")
    _task(make_user(name="Orang Nomor 0"), "appointment:0:confirmed")
    _task(make_user(name="Bukan Urusan"), "kur:0:stage")  # another role's: not shown
    with count_queries() as one:
        html = client.get("/staff/call-tasks").get_data(as_text=True)
    assert "Orang Nomor 0" in html and "Bukan Urusan" not in html
    for n in range(1, 50):
        _task(make_user(name=f"Orang Nomor {n}"), f"appointment:{n}:confirmed")
    with count_queries() as fifty:
        html = client.get("/staff/call-tasks?page=1").get_data(as_text=True)
    assert html.count("Sudah ditelepon") == 25 and "?page=2" in html
    assert one.count == fifty.count <= 10


# --- personal data -----------------------------------------------------------------

def test_export_and_deletion(client, login_as):
    from accounts.services import delete_account, export_personal_data
    from notifications.services import notify

    user = login_as("member")
    notify(user, key="x:1", title=N_("Kabar"))
    db.session.commit()
    data = export_personal_data(user)
    assert data["notifications"]["inbox"][0]["title"] == "Kabar"
    assert data["notifications"]["messages"][0]["channel"] == "whatsapp"

    delete_account(user)
    db.session.commit()
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    from notifications.models import OutboxMessage

    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_demo_seed_is_idempotent(make_user):
    from notifications.handlers import _seed

    users = {"member": make_user(), "vendor": make_user()}
    for _ in range(2):
        _seed(users)
        db.session.commit()
    assert db.session.scalar(select(func.count(Notification.id))) == 2
    assert db.session.scalar(select(func.count(CallTask.id))) == 1


def test_inbox_pages_and_timestamps_use_the_kit(client, login_as):
    """One page argument (a non-number answers 400) and one date formatter."""
    user = login_as("member")
    add_inbox_notice(user.id, "demo:1", N_("Kabar"), None, {}, None)
    db.session.commit()
    assert client.get("/inbox?page=abc").status_code == 400
    html = client.get("/inbox?page=-3").get_data(as_text=True)
    assert "Kabar" in html and " WITA" in html  # "2 Des 2026, 13.00 WITA"
    assert client.get("/staff/call-tasks?page=1x").status_code in (400, 403)


# --- the bell's count, loaded with the user ---------------------------------------

def test_the_bell_costs_no_statement_of_its_own(client, login_as, make_user, count_queries):
    user = login_as("member")
    stranger = make_user()
    _notices(user, 3)
    _notices(stranger, 5)
    client.get("/account")
    with count_queries() as page:
        html = client.get("/account").get_data(as_text=True)
    assert '<span class="bell__count">3</span>' in html
    # One statement: the user, their roles and the unread count together.
    assert page.count == 1
    assert "notifications" in page.statements[0]


def test_the_loaded_count_follows_changes_made_in_the_same_request(app, make_user):
    from accounts.auth import load_user
    from notifications.services import mark_read, unread_count

    user, stranger = make_user(), make_user()
    _notices(user, 3)
    _notices(stranger, 5)
    with app.test_request_context("/"):
        viewer = load_user(user.get_id())
        assert unread_count(viewer) == 3
        assert unread_count(stranger) == 5  # another user's count is never the viewer's
        mark_read(viewer, None)
        assert unread_count(viewer) == 0
        add_inbox_notice(viewer.id, "test:late", N_("Kabar"), None, {}, None)
        db.session.flush()
        assert unread_count(viewer) == 1
        db.session.commit()
        assert unread_count(viewer) == 1


def _bulk_notices(user, count: int) -> None:
    from datetime import timedelta

    from core.db import utcnow

    start = utcnow() - timedelta(hours=count)
    db.session.add_all(
        Notification(user_id=user.id, key=f"bulk:{user.id}:{n}", title=f"Kabar nomor {n}", body=None,
                     params={}, url=None, created_at=start + timedelta(hours=n))
        for n in range(count)
    )
    db.session.commit()


def test_inbox_pages_newest_first_without_counting_every_notice(client, login_as, count_queries):
    """21 notices: page 1 holds the 20 newest and a "next" link, page 2 the oldest
    and no "next"; no statement counts the whole inbox (the pager needs none)."""
    user = login_as("member")
    _bulk_notices(user, 21)
    client.get("/inbox")
    with count_queries() as first:
        html = client.get("/inbox").get_data(as_text=True)
    assert "Kabar nomor 20" in html and "Kabar nomor 1<" in html and "Kabar nomor 0<" not in html
    assert html.index("Kabar nomor 20") < html.index("Kabar nomor 19")
    assert 'rel="next"' in html and 'rel="prev"' not in html
    second = client.get("/inbox?page=2").get_data(as_text=True)
    assert "Kabar nomor 0<" in second and "Kabar nomor 1<" not in second
    assert 'rel="next"' not in second and 'rel="prev"' in second
    # The user's statement (with the bell) and the page's rows: nothing else.
    assert first.count == 2
    assert sum("count(" in statement.lower() for statement in first.statements) == 1


def test_the_bell_counts_up_to_its_99_plus_only(client, login_as, make_user):
    from notifications.services import unread_count

    user = login_as("member")
    _bulk_notices(user, 99)
    assert '<span class="bell__count">99</span>' in client.get("/account").get_data(as_text=True)
    _bulk_notices(make_user(), 130)  # someone else's notices change nothing
    assert '<span class="bell__count">99</span>' in client.get("/account").get_data(as_text=True)
    db.session.query(Notification).filter_by(user_id=user.id).delete()
    _bulk_notices(user, 130)
    assert '<span class="bell__count">99+</span>' in client.get("/account").get_data(as_text=True)
    assert unread_count(user) == 100  # counting stops at the bell's cap


def test_inbox_pages_newest_first_ties_by_id_never_another_members(make_user):
    user, stranger = make_user(), make_user()
    start = datetime(2026, 11, 1, 8, tzinfo=UTC)
    # Five notices share one moment (ties go by id, newest id first); the
    # stranger's notices sit in between and after.
    times = [start + timedelta(hours=h) for h in (3, 1, 2, 2, 2, 2, 2, 0)]
    for n, when in enumerate(times):
        db.session.add(Notification(user_id=user.id, key=f"mine:{n}", title=f"mine {n}", created_at=when))
        db.session.add(Notification(user_id=stranger.id, key=f"theirs:{n}", title=f"theirs {n}",
                                    created_at=when + timedelta(minutes=30)))
    db.session.commit()
    mine = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
    expected = [n.id for n in sorted(mine, key=lambda n: (n.created_at, n.id), reverse=True)]
    assert expected[1:6] == sorted(expected[1:6], reverse=True)  # the ties, by id

    pages = [inbox(user, page, per_page=3) for page in (1, 2, 3)]
    assert [[n.id for n in p.items] for p in pages] == [expected[0:3], expected[3:6], expected[6:8]]
    assert [p.has_next for p in pages] == [True, True, False]
    assert {n.id for p in pages for n in p.items} == set(expected)  # none of the stranger's
