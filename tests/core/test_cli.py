"""CLI: seed-demo, create-admin, scheduler list."""
from __future__ import annotations

from sqlalchemy import func, select

from accounts.models import User
from accounts.passwords import verify_password
from core.extensions import db

DEMO = {
    "+6281200000001": {"member"},
    "+6281200000002": {"member"},
    "+6281200000010": {"member", "counselor"},
    "+6281200000020": {"member", "registrar"},
    "+6281200000030": {"member", "umkm_staff"},
    "+6281200000040": {"member", "moderator"},
    "+6281200000050": {"member", "satgas"},
    "+6281200000099": {"member", "admin"},
}


def test_seed_demo_is_idempotent_and_creates_the_demo_logins(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(select(func.count(User.id)))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert db.session.scalar(select(func.count(User.id))) == count
    for phone, roles in DEMO.items():
        user = db.session.scalar(select(User).where(User.phone == phone))
        assert roles <= user.roles, phone
        assert verify_password(user.password_hash, "purna-demo")


def test_seed_demo_refused_outside_demo_mode(app, runner, monkeypatch):
    assert app.config["DEMO_MODE"] is True  # the suite's setting, so the refusal below is this test's doing
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "Refusing" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_admin(runner):
    result = runner.invoke(
        args=["users", "create-admin", "--name", "Martha Pello", "--phone", "0812-9999-0000",
              "--password", "admin kupang yang panjang"],
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.phone == "+6281299990000"))
    assert "admin" in user.roles


def test_create_admin_refuses_a_weak_password(runner):
    result = runner.invoke(
        args=["users", "create-admin", "--name", "X", "--phone", "081299990000", "--password", "password"],
    )
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_scheduler_lists_its_jobs(runner):
    result = runner.invoke(args=["scheduler", "list"])
    assert result.exit_code == 0 and "purge-reset-codes" in result.output
