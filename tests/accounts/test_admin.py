"""Admin pages and the walk of every role over every staff endpoint."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.routing.converters import NumberConverter

from accounts.models import ROLES, AuditEvent, User
from core.extensions import db
from tests.factories import PASSWORD


def staff_endpoints(app):
    """(url, method, required roles) for every route behind ``roles_required``."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        if roles:
            values = {
                arg: 1 if isinstance(rule._converters[arg], NumberConverter) else "x"
                for arg in rule.arguments
            }
            method = "GET" if "GET" in rule.methods else "POST"
            found.append((adapter.build(rule.endpoint, values, method=method), method, roles))
    return found


# Staff routes of the whole app behind ``roles_required``; raise it when adding some.
MIN_STAFF_ENDPOINTS = 40


def test_every_staff_endpoint_refuses_every_other_role(app, client, make_user):
    endpoints = staff_endpoints(app)
    assert len(endpoints) >= MIN_STAFF_ENDPOINTS, len(endpoints)
    assert any(url.startswith("/admin/users") for url, _, _ in endpoints)
    users = {role: make_user(roles=(role,)) for role in ROLES}
    walked = refused = 0
    for role, user in users.items():
        device = app.test_client()
        assert device.post("/login", data={"identifier": user.phone, "password": PASSWORD}).status_code == 302
        for url, method, allowed in endpoints:
            response = device.open(url, method=method)
            walked += 1
            if role in allowed:
                assert response.status_code != 403, (role, url)
            else:
                assert response.status_code == 403, (role, url, response.status_code)
                refused += 1
    assert walked == len(endpoints) * len(ROLES)
    assert 0 < refused < walked  # some refused, some let in: the walk tested both


def test_anonymous_visitors_are_sent_to_login(app, client):
    endpoints = staff_endpoints(app)
    assert len(endpoints) >= MIN_STAFF_ENDPOINTS
    walked = 0
    for url, method, _ in endpoints:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
        walked += 1
    assert walked == len(endpoints)


def test_admin_finds_users_by_name_and_phone(client, login_as, make_user):
    login_as("admin")
    make_user(name="Melkianus Kana", phone="+6281355550001")
    make_user(name="Martha Pello", phone="+6281355550002")
    html = client.get("/admin/users?q=melki").get_data(as_text=True)
    assert "Melkianus Kana" in html and "Martha Pello" not in html
    html = client.get("/admin/users?q=0813-5555-0002").get_data(as_text=True)
    assert "Martha Pello" in html and "Melkianus Kana" not in html


def test_unknown_user_is_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/users/999999").status_code == 404


def test_grant_and_revoke_roles_are_audited(client, login_as, make_user):
    admin = login_as("admin")
    member = make_user()
    client.post(f"/admin/users/{member.id}/roles", data={"role": "counselor"})
    db.session.expire_all()
    assert db.session.get(User, member.id).roles == {"member", "counselor"}
    client.post(f"/admin/users/{member.id}/roles/counselor/revoke")
    db.session.expire_all()
    assert db.session.get(User, member.id).roles == {"member"}
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_id == admin.id).order_by(AuditEvent.id)).all()
    assert actions == ["role.grant", "role.revoke"]


def test_unknown_role_refused(client, login_as, make_user):
    login_as("admin")
    member = make_user()
    client.post(f"/admin/users/{member.id}/roles", data={"role": "superuser"})
    db.session.expire_all()
    assert db.session.get(User, member.id).roles == {"member"}


def test_admin_cannot_remove_own_admin_role_or_disable_self(client, login_as):
    admin = login_as("admin")
    client.post(f"/admin/users/{admin.id}/roles/admin/revoke")
    client.post(f"/admin/users/{admin.id}/disable", data={"disable": "1"})
    db.session.expire_all()
    user = db.session.get(User, admin.id)
    assert "admin" in user.roles and user.active


def test_disabling_ends_the_members_sessions(app, client, login_as, make_user):
    member = make_user()
    phone = app.test_client()
    phone.post("/login", data={"identifier": member.phone, "password": PASSWORD, "remember": "y"})
    assert phone.get("/account").status_code == 200
    login_as("admin")
    client.post(f"/admin/users/{member.id}/disable", data={"disable": "1"})
    assert phone.get("/account").status_code == 302
    refused = phone.post("/login", data={"identifier": member.phone, "password": PASSWORD})
    assert refused.status_code == 200
    client.post(f"/admin/users/{member.id}/disable", data={"disable": "0"})
    assert phone.post("/login", data={"identifier": member.phone, "password": PASSWORD}).status_code == 302


def test_audit_log_page_lists_events(client, login_as, make_user):
    login_as("admin")
    member = make_user(name="Daniel Lay")
    client.post(f"/admin/users/{member.id}/roles", data={"role": "moderator"})
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "role.grant" in html and "Daniel Lay" in html
    assert "<code>role.grant</code>" in html
    html = client.get("/admin/audit?action=account.disable").get_data(as_text=True)
    assert "<code>role.grant</code>" not in html
    assert '<option value="account.disable" selected>' in html


def _wita_today() -> str:
    from core.db import utcnow
    from core.i18n import WITA

    return utcnow().astimezone(WITA).date().isoformat()


def test_audit_end_day_is_shown_as_chosen_and_today_stays_visible(client, login_as, make_user):
    """Item 31: "Sampai tanggal" shows the end day (not the day before); pressing
    "Tampilkan" with the form as filled in still shows what happened today."""
    import re

    login_as("admin")
    member = make_user(name="Daniel Lay")
    client.post(f"/admin/users/{member.id}/roles", data={"role": "moderator"})
    html = client.get("/admin/audit").get_data(as_text=True)
    today = _wita_today()
    assert f'id="to" name="to" value="{today}"' in html
    start = re.search(r'id="from" name="from" value="([0-9-]+)"', html).group(1)
    again = client.get(f"/admin/audit?from={start}&to={today}&action=").get_data(as_text=True)
    assert "<code>role.grant</code>" in again and f'value="{today}"' in again
    chosen = client.get("/admin/audit?from=2026-01-01&to=2026-01-31").get_data(as_text=True)
    assert 'id="to" name="to" value="2026-01-31"' in chosen
    assert "<code>role.grant</code>" not in chosen  # outside the chosen days


def test_audit_action_is_chosen_from_readable_labels(client, login_as, make_user):
    from accounts import audit

    admin = login_as("admin")
    audit.record(admin, "stall.something_new", subject=make_user())
    db.session.commit()
    html = client.get("/admin/audit").get_data(as_text=True)
    assert '<select class="field__input" id="action" name="action">' in html
    assert '<option value="role.grant">Peran diberikan</option>' in html
    assert '<option value="stall.something_new">stall.something_new</option>' in html  # codes in the log too
    unknown = client.get("/admin/audit?action=%27%20or%201=1").get_data(as_text=True)
    assert "<code>stall.something_new</code>" in unknown  # an unknown code filters nothing


def test_audit_rows_are_stacked_cards_for_a_phone(client, login_as, make_user):
    login_as("admin")
    client.post(f"/admin/users/{make_user(name='Daniel Lay').id}/roles", data={"role": "moderator"})
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "<table" not in html and 'class="list audit-list"' in html
    assert "<dt>Tentang</dt><dd>Daniel Lay</dd>" in html


def test_who_opened_whose_documents_is_one_query(app, make_user, count_queries):
    from datetime import timedelta

    from accounts import audit
    from core.db import utcnow

    registrar, member = make_user(roles=("registrar",)), make_user()
    for _ in range(5):
        audit.record(registrar, "document.view", subject=member, object_type="document", object_id=1)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as log:
        events = audit.who_opened("document.view", utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1))
        names = [(e.actor.name, e.subject.name) for e in events]
    assert log.count == 1
    assert names == [(registrar.name, member.name)] * 5


@pytest.mark.parametrize("count", [1, 50])
def test_user_list_query_budget(client, login_as, make_user, count_queries, count):
    login_as("admin")
    for _ in range(count):
        make_user(roles=("member", "counselor"))
    with count_queries() as log:
        response = client.get("/admin/users")
    assert response.status_code == 200
    assert log.count <= 6


def test_audit_page_hides_who_sensitive_actions_concern(client, login_as, make_user):
    from accounts import audit

    admin = login_as("admin")
    counselor, member = make_user(roles=("counselor",)), make_user(name="Paulina Rahasia")
    audit.record(counselor, "counseling_note.open", subject=member, object_type="session_note", object_id=7)
    audit.record(admin, "forum.reveal_author", subject=member, object_type="community_post", object_id=9)
    db.session.commit()
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "counseling_note.open" in html and "forum.reveal_author" in html
    assert "Paulina Rahasia" not in html
    assert "disembunyikan" in html


def test_granting_a_role_sends_role_granted(client, login_as, make_user, runner):
    """Admin page, demo/CLI accounts and create-admin all announce the role."""
    from core.signals import role_granted

    received = []

    def receiver(user, role=None, by=None, **_):
        received.append((user.id, role, by.id if by else None))

    role_granted.connect(receiver)
    try:
        admin = login_as("admin")
        member = make_user()
        client.post(f"/admin/users/{member.id}/roles", data={"role": "counselor"})
        client.post(f"/admin/users/{member.id}/roles", data={"role": "counselor"})  # had it: nothing
        assert received == [(member.id, "counselor", admin.id)]
        result = runner.invoke(args=["users", "create-admin", "--name", "Yosef Manek", "--phone",
                                     member.phone, "--password", "x"])
        assert result.exit_code == 0, result.output
        assert received[-1] == (member.id, "admin", None)
    finally:
        role_granted.disconnect(receiver)
    db.session.expire_all()
    assert db.session.get(User, member.id).roles == {"member", "counselor", "admin"}
