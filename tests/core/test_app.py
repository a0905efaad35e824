"""App skeleton: health check, headers, error pages, configuration."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from config import ProductionConfig, TestingConfig
from core import create_app
from core.extensions import db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page", "/healthz"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_no_inline_script_anywhere(client):
    for path in ("/", "/login", "/register", "/privacy", "/forgot"):
        html = client.get(path).get_data(as_text=True)
        assert "<script" not in html
        assert " onclick=" not in html and " onload=" not in html


def test_404_page_is_generic_and_translated(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    client.set_cookie("rp_lang", "en")
    response = client.get("/no-such-page")
    assert "Page not found" in response.get_data(as_text=True)


def test_500_page_hides_the_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'x.db'}"
    config.PROPAGATE_EXCEPTIONS = False
    app = create_app(config)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internal detail" not in body and "Traceback" not in body
    assert "Maaf, ada gangguan" in body
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_production_refuses_to_start_without_secrets(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "DATA_ENCRYPTION_KEY", "REPORTS_IDENTIFIER_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        ProductionConfig()
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/rp")
    with pytest.raises(RuntimeError, match="DATA_ENCRYPTION_KEY"):
        ProductionConfig()
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", "k")
    with pytest.raises(RuntimeError, match="REPORTS_IDENTIFIER_KEY"):
        ProductionConfig()


def test_production_settings(monkeypatch):
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", "k")
    monkeypatch.setenv("REPORTS_IDENTIFIER_KEY", "r" * 40)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/rp")
    config = ProductionConfig()
    assert config.DEBUG is False
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db/rp"
    assert config.DEMO_MODE is False
    assert config.HSTS is True


def test_hsts_in_production(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", "k")
    monkeypatch.setenv("REPORTS_IDENTIFIER_KEY", "r" * 40)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app(ProductionConfig())
    response = app.test_client().get("/no-such-page")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_cookie_and_csrf_settings(app):
    config = app.config
    assert config["SESSION_COOKIE_HTTPONLY"] and config["REMEMBER_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax" == config["REMEMBER_COOKIE_SAMESITE"]
    assert config["REMEMBER_COOKIE_DURATION"].days <= 30
    # A slow phone may keep a form open for hours: the CSRF token must not expire.
    assert config["WTF_CSRF_TIME_LIMIT"] is None


def test_development_generates_and_keeps_its_secret(tmp_path, monkeypatch):
    import config as config_module

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path)
    first = config_module.DevelopmentConfig().SECRET_KEY
    second = config_module.DevelopmentConfig().SECRET_KEY
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").exists()


def test_static_css_served_without_cdn(client):
    html = client.get("/").get_data(as_text=True)
    assert "https://" not in html.split("<body")[0]
    assert client.get("/static/css/app.css").status_code == 200


def test_behind_a_proxy_each_visitor_has_their_own_address(tmp_path, monkeypatch):
    """With PROXY_COUNT=1 the per-address login limit counts the forwarded address,
    so one attacker cannot lock out everyone behind the same proxy."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    from core.extensions import db as database

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'proxy.db'}"
    config.PROXY_COUNT = 1
    app = create_app(config)
    with app.app_context():
        database.create_all()
        client = app.test_client()
        for n in range(app.config["LOGIN_FAILURES_PER_IP"]):
            client.post("/login", data={"identifier": f"08129000{n:04d}", "password": "salah sekali"},
                        headers={"X-Forwarded-For": "203.0.113.9"})
        # Past the address limit an account gets one check from it, then is locked there.
        client.post("/login", data={"identifier": "081290009999", "password": "salah sekali"},
                    headers={"X-Forwarded-For": "203.0.113.9"})
        blocked = client.post("/login", data={"identifier": "081290009999", "password": "salah sekali"},
                              headers={"X-Forwarded-For": "203.0.113.9"})
        other = client.post("/login", data={"identifier": "081290009999", "password": "salah sekali"},
                            headers={"X-Forwarded-For": "198.51.100.7"})
        assert blocked.status_code == 429
        assert other.status_code == 200
        database.session.remove()
        database.engine.dispose()
