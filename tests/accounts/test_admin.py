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


def test_every_staff_endpoint_refuses_every_other_role(app, client, make_user):
    endpoints = staff_endpoints(app)
    assert any(url.startswith("/admin/users") for url, _, _ in endpoints)
    users = {role: make_user(roles=(role,)) for role in ROLES}
    for role, user in users.items():
        device = app.test_client()
        assert device.post("/login", data={"identifier": user.phone, "password": PASSWORD}).status_code == 302
        for url, method, allowed in endpoints:
            response = device.open(url, method=method)
            if role in allowed:
                assert response.status_code != 403, (role, url)
            else:
                assert response.status_code == 403, (role, url, response.status_code)


def test_anonymous_visitors_are_sent_to_login(app, client):
    for url, method, _ in staff_endpoints(app):
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


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
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == admin.id)).all()
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
    html = client.get("/admin/audit?action=account.disable").get_data(as_text=True)
    assert "role.grant" not in html


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
