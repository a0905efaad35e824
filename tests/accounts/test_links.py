"""Links in messages come from SITE_URL only (core/links.py)."""
from __future__ import annotations

import pytest

from config import ProductionConfig
from core.links import absolute_url, message_link, site_path


def test_links_are_built_from_site_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://rumahpurna.example/")
    assert site_path("notifications.inbox") == "/inbox"
    assert message_link("/inbox") == "https://rumahpurna.example/inbox"
    assert absolute_url("accounts.reset_with_link", token="abc") == "https://rumahpurna.example/reset/abc"


@pytest.mark.parametrize("path", ["//evil.example/x", "https://evil.example/", "javascript:x", "", None])
def test_no_foreign_link_is_ever_made(app, path):
    assert message_link(path) == ""
    assert message_link("/inbox") == "https://rumahpurna.test/inbox"  # the positive


def test_links_work_in_a_request_with_a_forged_host(app, monkeypatch):
    with app.test_request_context("/", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}):
        assert absolute_url("accounts.login") == "https://rumahpurna.test/login"


def _production(monkeypatch, **env):
    for name in ("MAIL_SERVER", "SITE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", "k")
    monkeypatch.setenv("REPORTS_IDENTIFIER_KEY", "r" * 40)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/rp")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return ProductionConfig()


def test_production_with_email_needs_site_url(monkeypatch):
    with pytest.raises(RuntimeError, match="SITE_URL"):
        _production(monkeypatch, MAIL_SERVER="smtp.example.id")
    config = _production(monkeypatch, MAIL_SERVER="smtp.example.id", SITE_URL="https://rumahpurna.id")
    assert config.SITE_URL == "https://rumahpurna.id"
    assert _production(monkeypatch).MAIL_SERVER == ""  # no email: no SITE_URL needed


def test_settings_are_read_in_config_only():
    """channels.py and crypto.py take their settings from app.config (config.py
    reads the environment)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for name in ("notifications/channels.py", "core/crypto.py", "core/links.py", "accounts/throttle.py"):
        assert "os.environ" not in (root / name).read_text(), name
    assert "os.environ" in (root / "config.py").read_text()
