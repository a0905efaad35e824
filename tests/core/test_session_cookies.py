"""The session cookie (core.security.SessionCookies): Flask's signed cookie with
its serializer built once per set of keys, and still refused once the key changes."""
from __future__ import annotations


def _logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_the_serializer_is_built_once_and_anew_for_new_keys(app):
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    old_key = app.secret_key
    try:
        app.secret_key = "another-key-for-this-test-only"
        assert interface.get_signing_serializer(app) is not first
    finally:
        app.secret_key = old_key
    assert interface.get_signing_serializer(app) is not first  # back to the old key: built again


def test_a_new_secret_key_ends_every_session(app, client, login_as, monkeypatch):
    login_as("member")
    assert _logged_in(client)
    monkeypatch.setattr(app, "secret_key", "a-new-key-after-a-leak")
    assert not _logged_in(client)  # the cookie signed with the old key is refused


def test_a_key_rotated_with_the_old_one_as_fallback_keeps_the_sessions(app, client, login_as, monkeypatch):
    login_as("member")
    old_key = app.secret_key
    monkeypatch.setattr(app, "secret_key", "the-next-key")
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old_key])
    assert _logged_in(client)
