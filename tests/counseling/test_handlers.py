"""What counseling does when other parts signal: the counselor profile is made
when the role is granted (never on a GET of a staff page), and a counselor's
home leads with today's sessions and the urgent flags (issue 8 item 25)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.db import utcnow
from core.extensions import db
from core.home import staff_panels_for
from core.i18n import WITA
from core.signals import role_granted
from mentoring.counseling import slots as slotlib
from mentoring.counseling import wellbeing
from mentoring.counseling.models import Appointment, CounselorProfile


def _profiles() -> int:
    return db.session.scalar(select(func.count(CounselorProfile.id)))


def test_granting_the_counselor_role_makes_the_profile_once(make_user):
    admin = make_user(roles=("member", "admin"))
    user = make_user(roles=("member", "counselor"))
    role_granted.send(user, role="moderator", by=admin)
    assert _profiles() == 0
    role_granted.send(user, role="counselor", by=admin)
    role_granted.send(user, role="counselor", by=admin)
    profile = db.session.scalar(select(CounselorProfile))
    assert _profiles() == 1 and profile.user_id == user.id
    assert profile.session_minutes == 60 and profile.modes == ["in_person", "phone"]


def test_a_counselor_without_a_profile_sets_it_up_by_saving_the_form(client, login_as):
    login_as("member", "counselor")
    response = client.get("/counseling/staff")
    assert response.status_code == 302 and response.headers["Location"] == "/counseling/staff/profile"
    assert _profiles() == 0
    response = client.post("/counseling/staff/profile", data={
        "languages": ["id"], "modes": ["phone"], "session_minutes": "60", "buffer_minutes": "15",
        "min_notice_hours": "12", "horizon_days": "30", "daily_max": "6", "cancel_notice_hours": "24",
        "accepts_new_clients": "y", "requires_confirmation": "y"})
    assert response.status_code == 302 and _profiles() == 1
    assert client.get("/counseling/staff").status_code == 200


def test_a_counselors_workspace_panel_has_todays_sessions_and_urgent_flags(
    app, make_counselor, make_user
):
    profile = make_counselor()
    member = make_user(name="Maria Seran")
    today = utcnow().astimezone(WITA).date()
    for minute, status, nickname in ((9 * 60, "confirmed", "Ina"), (11 * 60, "cancelled", None),
                                     (14 * 60, "requested", None)):
        starts_at = slotlib.local_moment(today, minute)
        db.session.add(Appointment(
            counselor=profile, member=member, starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1), mode="phone", status=status,
            pseudonym=nickname, booked_by_id=member.id))
    tomorrow = slotlib.local_moment(today + timedelta(days=1), 9 * 60)
    db.session.add(Appointment(counselor=profile, member=member, starts_at=tomorrow,
                               ends_at=tomorrow + timedelta(hours=1), mode="phone",
                               status="confirmed", booked_by_id=member.id))
    wellbeing.submit_wellbeing(make_user(), {"mood": "3", "sleep": "3", "safe": "no", "harm": "no"})
    db.session.commit()
    with app.test_request_context():
        [panel] = staff_panels_for(profile.user)
        assert staff_panels_for(member) == []
    assert panel.url == "/counseling/staff" and panel.count == 1
    assert panel.lines == ("1 tanda perlu perhatian segera", "09.00 · Ina", "14.00 · Maria Seran")  # the kit's clock


def test_an_admin_granting_the_role_gives_the_new_counselor_a_profile(client, login_as, make_user):
    login_as("member", "admin")
    user = make_user(name="Yakobus Bria")
    response = client.post(f"/admin/users/{user.id}/roles", data={"role": "counselor"})
    assert response.status_code == 302
    profile = db.session.scalar(select(CounselorProfile))
    assert profile is not None and profile.user_id == user.id and _profiles() == 1



def test_a_counselors_home_shows_the_workspace_first(client, auth, make_counselor, make_user, book):
    profile = make_counselor()
    appointment = book(profile, member=make_user(name="Maria Seran"))
    book(make_counselor(), member=profile.user)  # she is also a member with a session of her own
    wellbeing.submit_wellbeing(appointment.member, {"mood": "3", "sleep": "3", "safe": "no", "harm": "plan"})
    db.session.commit()
    auth.login(profile.user)
    html = client.get("/").get_data(as_text=True)
    panel = html.index("Konseling hari ini")
    assert 'href="/counseling/staff"' in html[panel - 300:panel]
    assert "1 tanda perlu perhatian segera" in html
    assert panel < html.index("Langkah berikutnya")  # the workspace comes before her own member cards
    auth.logout()
    auth.login(appointment.member)
    assert "Konseling hari ini" not in client.get("/").get_data(as_text=True)


def test_each_members_home_shows_her_own_next_session_only(client, auth, make_counselor, make_user, book):
    """The home's one statement is built once per process and asked per viewer: two
    members with sessions, and one without, each see only their own."""
    ester = book(make_counselor(name="Ester Bana"), member=make_user(name="Maria Seran"))
    daniel = book(make_counselor(name="Daniel Lay"), member=make_user(name="Yohanes Tefa"))
    nobody = make_user(name="Agustina Manafe")
    seen = {}
    for member in (ester.member, daniel.member, nobody):
        auth.login(member)
        seen[member.id] = client.get("/").get_data(as_text=True)
        auth.logout()
    assert "dengan Ester Bana" in seen[ester.member.id] and "Daniel Lay" not in seen[ester.member.id]
    assert "dengan Daniel Lay" in seen[daniel.member.id] and "Ester Bana" not in seen[daniel.member.id]
    assert f"/counseling/appointments/{ester.id}" not in seen[daniel.member.id]
    lonely = seen[nobody.id]
    assert "Ester Bana" not in lonely and "Daniel Lay" not in lonely and "Permintaan sesi" not in lonely
    assert "Pelatihan untuk usaha Anda" in lonely  # a part without a row leaves the others alone
