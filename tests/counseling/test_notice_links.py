"""Links in counseling notices (``core.links.site_path``) open the page the
notice is about, for the person it is addressed to."""
from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from mentoring.counseling import wellbeing
from notifications.models import Notification


def _notice(user, contains: str) -> Notification:
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == user.id, Notification.key.contains(contains)).order_by(Notification.id))
    assert notice is not None, contains
    return notice


def _endpoint(app, url: str) -> str:
    return app.url_map.bind("localhost").match(url)[0]


def test_counseling_notice_links_lead_to_their_pages(app, client, auth, make_counselor, book):
    profile = make_counselor()
    appointment = book(profile)
    member, counselor = appointment.member, profile.user

    auth.login(member)
    mine = _notice(member, f"appointment:{appointment.id}")
    assert _endpoint(app, mine.url) == "mentoring.counseling.appointment_detail"
    assert mine.url.endswith(f"/{appointment.id}") and client.get(mine.url).status_code == 200
    auth.logout()

    auth.login(counselor)
    theirs = _notice(counselor, f"appointment:{appointment.id}")
    assert _endpoint(app, theirs.url) == "mentoring.counseling.staff_appointment"
    assert client.get(theirs.url).status_code == 200
    auth.logout()

    auth.login(member)
    client.get("/")  # a request context for the refusal texts, as the pages have
    wellbeing.submit_wellbeing(member, {"mood": "3", "sleep": "3", "safe": "yes", "harm": "plan"}, appointment)
    db.session.commit()
    auth.logout()
    auth.login(counselor)
    alert = _notice(counselor, "wellbeing:")
    assert _endpoint(app, alert.url) == "mentoring.counseling.staff_dashboard"
    page = client.get(alert.url)
    assert page.status_code == 200 and "Perlu perhatian segera" in page.get_data(as_text=True)
