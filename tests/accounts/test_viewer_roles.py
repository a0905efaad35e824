"""The logged-in viewer's roles come with the viewer's one statement, as names
(``accounts.auth``), not as joined role rows; a change to them in a request shows
at once, in that request and the next, and never to another member."""
from __future__ import annotations

from flask_login import current_user

from accounts import services
from accounts.auth import load_user
from accounts.models import ROLE_NAMES, User
from core.extensions import db


def _stored_id(user_id: int) -> str:
    """What the session keeps for this user (``User.get_id``), in a fresh session."""
    stored = db.session.get(User, user_id).get_id()
    db.session.commit()
    db.session.expunge_all()
    return stored


def test_the_viewer_has_her_roles_without_her_role_rows(app, make_user, count_queries):
    stored = _stored_id(make_user(roles=("member", "counselor")).id)
    with count_queries() as queries:
        viewer = load_user(stored)
        assert viewer.roles == {"member", "counselor"}
        assert viewer.has_role("counselor") and viewer.is_staff and not viewer.has_role("admin")
    assert queries.count == 1
    assert "role_rows" not in viewer.__dict__


def test_a_role_changed_in_the_request_shows_before_and_after_its_commit(app, make_user):
    admin_id = make_user(roles=("member", "admin")).id
    viewer = load_user(_stored_id(admin_id))
    services.grant_role(viewer, viewer, "counselor")
    assert viewer.has_role("counselor")  # the rows, loaded to change them, answer now
    services.revoke_role(viewer, viewer, "counselor")
    assert not viewer.has_role("counselor")
    db.session.commit()
    assert not viewer.has_role("counselor") and viewer.roles == {"member", "admin"}
    assert load_user(_stored_id(admin_id)).roles == {"member", "admin"}


def test_a_commit_forgets_the_names_read_with_the_login(app, make_user):
    """Another request took a role away: after this request's own commit the viewer
    asks the rows again instead of trusting the names read at the start."""
    user_id = make_user(roles=("member", "moderator")).id
    stored = _stored_id(user_id)
    with app.test_request_context():
        app.login_manager._update_request_context_with_user(load_user(stored))
        viewer = current_user._get_current_object()
        assert viewer.has_role("moderator") and ROLE_NAMES in viewer.__dict__
        # The role taken away by another worker's request, then this request commits:
        db.session.execute(db.text("DELETE FROM user_roles WHERE user_id = :id AND role = 'moderator'"),
                           {"id": user_id})
        db.session.commit()
        assert ROLE_NAMES not in viewer.__dict__
        assert not viewer.has_role("moderator")


def test_each_member_gets_her_own_roles(client, login_as, make_user):
    registrar_id = make_user(roles=("member", "registrar")).id
    login_as("member")
    assert client.get("/forum/adminduk/desk").status_code == 403
    assert load_user(_stored_id(registrar_id)).has_role("registrar")
