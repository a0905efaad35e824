"""Factories: ``make_user(roles=[...])`` and a login helper."""
from __future__ import annotations

import itertools

import pytest

from accounts.models import User, UserRole
from accounts.passwords import hash_password
from core.db import utcnow
from core.extensions import db

PASSWORD = "kopi bajawa pagi hari"
_counter = itertools.count(1)


@pytest.fixture
def make_user():
    def factory(
        roles=("member",),
        name: str | None = None,
        phone: str | None = None,
        email: str | None = None,
        password: str = PASSWORD,
        **fields,
    ) -> User:
        n = next(_counter)
        user = User(
            name=name or f"Ester Bana {n}",
            phone=phone or f"+62813{n:08d}",
            email=email,
            password_hash=hash_password(password),
            password_changed_at=utcnow(),
            regency=fields.pop("regency", "kota-kupang"),
            **fields,
        )
        for role in roles:
            user.role_rows.append(UserRole(role=role))
        db.session.add(user)
        db.session.commit()
        return user

    return factory


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user: User, password: str = PASSWORD, remember: bool = False, follow=False):
        return self.client.post(
            "/login",
            data={"identifier": user.phone, "password": password, "remember": "y" if remember else ""},
            follow_redirects=follow,
        )

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in as a new user with ``roles``; returns the user."""

    def do(*roles: str, **fields) -> User:
        user = make_user(roles=roles or ("member",), **fields)
        response = Auth(client).login(user)
        assert response.status_code == 302, response.data[:500]
        return user

    return do


def confirm_registration(client, phone: str):
    """Follow the link a self-registration sent to ``phone`` (read from the outbox,
    as the member would from WhatsApp) and press the button; returns the response."""
    from sqlalchemy import select

    from notifications.models import OutboxMessage

    url = db.session.scalar(
        select(OutboxMessage.url)
        .join(User, User.id == OutboxMessage.user_id)
        .where(User.phone == phone, OutboxMessage.key.like("account:%:confirm:%"))
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    assert url and url.startswith("/register/confirm/"), url
    return client.post(url)
