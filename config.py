"""Configuration classes. Every setting is read from the environment.

Pick one with ``APP_ENV`` (``development`` by default, ``production``, ``testing``).
Development keeps generated secret keys in ``instance/``; production refuses to
start without ``SECRET_KEY``, ``DATABASE_URL``, ``DATA_ENCRYPTION_KEY`` and
``REPORTS_IDENTIFIER_KEY``.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def under_reloader() -> bool:
    """Whether this process is the Werkzeug reloader's child (``flask run --reload``
    sets ``WERKZEUG_RUN_MAIN``). Not a setting but the process's situation, so it
    is read when asked (the scheduler refuses to start there)."""
    return bool(os.environ.get("WERKZEUG_RUN_MAIN"))


def _instance_secret(filename: str) -> str:
    """Read or create a random secret kept in ``instance/`` (development only)."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgres://`` / ``postgresql://`` URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False
    DEMO_MODE = False

    SITE_NAME = "Rumah Purna"
    PREFERRED_URL_SCHEME = "http"
    # The public address every absolute link in a message is built from
    # (core/links.py), never the request's Host. Required in production with email.
    SITE_URL = os.environ.get("SITE_URL", "")

    # hide_parameters: the engine never writes SQL parameters (password hashes,
    # phones, session tokens) into error messages or logs. No pool_pre_ping: on
    # PostgreSQL a checkout looks at the socket instead of sending a ping first
    # (core/db.py configure_postgres_liveness); SQLite has no server to lose.
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True}
    SQLALCHEMY_RECORD_QUERIES = False

    # Sessions and cookies (SECURITY.md "Accounts and sessions").
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "rp_session"
    PERMANENT_SESSION_LIFETIME = timedelta(days=_int("SESSION_DAYS", 14))
    REMEMBER_COOKIE_DURATION = timedelta(days=min(_int("REMEMBER_DAYS", 30), 30))
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_NAME = "rp_remember"

    # A slow phone may take a long time to fill a form: the CSRF token lives as
    # long as the session instead of expiring after an hour.
    WTF_CSRF_TIME_LIMIT = None

    MAX_CONTENT_LENGTH = _int("MAX_UPLOAD_MB", 8) * 1024 * 1024
    # Uploads (core/uploads.py, core/storage.py): "local" keeps files in
    # instance/uploads/ (UPLOAD_FOLDER overrides), "s3" in an S3-compatible bucket.
    UPLOAD_STORAGE = os.environ.get("UPLOAD_STORAGE", "local")
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", "")
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    S3_REGION = os.environ.get("S3_REGION", "")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    UPLOAD_MAX_IMAGE_PIXELS = _int("UPLOAD_MAX_IMAGE_PIXELS", 40_000_000)
    UPLOAD_MAX_IMAGE_SIDE = _int("UPLOAD_MAX_IMAGE_SIDE", 2400)
    UPLOAD_MAX_PDF_PAGES = _int("UPLOAD_MAX_PDF_PAGES", 20)
    UPLOAD_MAX_PDF_MB = _int("UPLOAD_MAX_PDF_MB", 5)
    UPLOAD_ORPHAN_HOURS = _int("UPLOAD_ORPHAN_HOURS", 6)
    # Civil-registration help: documents of a finished request are deleted after
    # ADMINDUK_RETENTION_DAYS (the member is told ADMINDUK_RETENTION_NOTICE_DAYS
    # before); a request waiting on the registrars longer than ADMINDUK_OVERDUE_DAYS
    # is overdue.
    ADMINDUK_RETENTION_DAYS = _int("ADMINDUK_RETENTION_DAYS", 30)
    ADMINDUK_RETENTION_NOTICE_DAYS = _int("ADMINDUK_RETENTION_NOTICE_DAYS", 3)
    ADMINDUK_OVERDUE_DAYS = _int("ADMINDUK_OVERDUE_DAYS", 5)

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Makassar"
    LANGUAGES = ("id", "en")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "rumahpurna")
    RATELIMIT_HEADERS_ENABLED = False
    # Failed logins allowed in LOGIN_FAILURE_WINDOW, per account and per address.
    LOGIN_FAILURES_PER_ACCOUNT = _int("LOGIN_FAILURES_PER_ACCOUNT", 10)
    LOGIN_FAILURES_PER_IP = _int("LOGIN_FAILURES_PER_IP", 30)
    LOGIN_FAILURE_WINDOW_MINUTES = _int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
    # Login form posts per address per minute, successes included: a flood guard
    # only, far above a training room logging in at once.
    LOGIN_POSTS_PER_IP_MINUTE = _int("LOGIN_POSTS_PER_IP_MINUTE", 300)

    # Email: printed to the log unless MAIL_SERVER is set.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_FROM = os.environ.get("MAIL_FROM", "Rumah Purna <noreply@rumahpurna.id>")

    # WhatsApp and SMS providers (notifications/channels.py); unset: written to the log.
    WHATSAPP_API_URL = os.environ.get("WHATSAPP_API_URL", "")
    WHATSAPP_API_TOKEN = os.environ.get("WHATSAPP_API_TOKEN", "")
    SMS_API_URL = os.environ.get("SMS_API_URL", "")
    SMS_API_TOKEN = os.environ.get("SMS_API_TOKEN", "")
    # Outbox retries: the first retry after this many seconds, doubling each time.
    NOTIFY_RETRY_BASE_SECONDS = _int("NOTIFY_RETRY_BASE_SECONDS", 60)
    NOTIFY_MAX_ATTEMPTS = _int("NOTIFY_MAX_ATTEMPTS", 4)

    PRIVACY_NOTICE_VERSION = "2026-11"
    PASSWORD_RESET_CODE_HOURS = 24
    PASSWORD_RESET_LINK_MINUTES = 60
    # Hours the link that finishes a registration (sent to the phone) stays valid.
    REGISTRATION_CONFIRM_HOURS = _int("REGISTRATION_CONFIRM_HOURS", 24)

    HSTS = False
    # Forum: minutes a post stays editable, seconds between two posts of one member,
    # minutes over which reply notices to a follower are batched.
    FORUM_EDIT_MINUTES = _int("FORUM_EDIT_MINUTES", 30)
    FORUM_POST_INTERVAL_SECONDS = _int("FORUM_POST_INTERVAL_SECONDS", 15)
    FORUM_REPLY_NOTICE_MINUTES = _int("FORUM_REPLY_NOTICE_MINUTES", 60)
    # KUR: days an application may wait in one stage before the member is reminded.
    KUR_STALE_DAYS = max(1, _int("KUR_STALE_DAYS", 7))

    # Marketplace: how long rendered public pages are kept for anonymous visitors
    # (any change to a business or product shows at once regardless).
    MARKET_CACHE_SECONDS = _int("MARKET_CACHE_SECONDS", 300)

    # Reverse proxies in front of the app (0: none). Set 1 behind one nginx.
    PROXY_COUNT = _int("PROXY_COUNT", 0)
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    # Reports to the Satgas: failed code+secret look-ups per address and per code,
    # and new reports per address (Flask-Limiter windows, e.g. "10/hour").
    REPORT_LOOKUP_LIMIT = os.environ.get("REPORT_LOOKUP_LIMIT", "10/hour")
    REPORT_LOOKUP_CODE_LIMIT = os.environ.get("REPORT_LOOKUP_CODE_LIMIT", "5/hour")
    REPORT_SUBMIT_LIMIT = os.environ.get("REPORT_SUBMIT_LIMIT", "10/hour")
    # The key of the identifier digests that link reports naming the same phone,
    # company or handle (community/reports/identifiers.py). Its own key, so that
    # rotating SECRET_KEY keeps the links; after changing it run
    # ``flask reports rehash``. Development keeps one in instance/; required in production.
    REPORTS_IDENTIFIER_KEY = os.environ.get("REPORTS_IDENTIFIER_KEY", "")

    SCHEDULER_TIMEZONE = "UTC"

    # Payments: Stripe Checkout is on only when a secret key is set (cash/QRIS always).
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    # Webhook deliveries signed longer ago than this are refused (replays).
    STRIPE_WEBHOOK_TOLERANCE_SECONDS = _int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300)
    # Tests plug a stripe.HTTPClient double in here; None: the library's default.
    STRIPE_HTTP_CLIENT = None

    # Hours an approved stall's fee may stay unpaid before the stall goes to the next in line.
    STALL_PAYMENT_HOURS = _int("STALL_PAYMENT_HOURS", 48)

    # Fernet key(s) for data encrypted at rest; development keeps one in instance/.
    DATA_ENCRYPTION_KEY = os.environ.get("DATA_ENCRYPTION_KEY", "")
    # Minutes a re-entered password stays valid for sensitive pages.
    REAUTH_MINUTES = _int("REAUTH_MINUTES", 10)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEMO_MODE = True

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _instance_secret("secret_key")
        self.REPORTS_IDENTIFIER_KEY = (
            os.environ.get("REPORTS_IDENTIFIER_KEY") or _instance_secret("reports_identifier_key")
        )
        self.SITE_URL = os.environ.get("SITE_URL") or "http://localhost:5000"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'rumahpurna.db'}"
        )


class TestingConfig(Config):
    __test__ = False  # not a pytest class
    ENV_NAME = "testing"
    TESTING = True
    DEMO_MODE = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    REPORTS_IDENTIFIER_KEY = "test-reports-identifier-key"  # noqa: S105
    SITE_URL = "https://rumahpurna.test"
    WTF_CSRF_ENABLED = False  # tests that check CSRF turn it back on
    RATELIMIT_STORAGE_URI = "memory://"
    # A cheap hash keeps the suite fast; production uses the argon2-cffi defaults.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024

    def __init__(self) -> None:
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("TEST_DATABASE_URL") or "sqlite://"
        )


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True

    def __init__(self) -> None:
        required = ("SECRET_KEY", "DATABASE_URL", "DATA_ENCRYPTION_KEY", "REPORTS_IDENTIFIER_KEY")
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production needs these environment variables: " + ", ".join(missing)
            )
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ["DATABASE_URL"])
        self.DATA_ENCRYPTION_KEY = os.environ["DATA_ENCRYPTION_KEY"]
        self.REPORTS_IDENTIFIER_KEY = os.environ["REPORTS_IDENTIFIER_KEY"]
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.SITE_URL = os.environ.get("SITE_URL", "")
        if self.MAIL_SERVER and not self.SITE_URL.startswith(("https://", "http://")):
            # Links in emails (password reset) come from SITE_URL only, never from
            # the request's Host: without it they could not be built safely.
            raise RuntimeError("Production with MAIL_SERVER needs SITE_URL (https://…)")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> Config:
    name = os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"Unknown APP_ENV {name!r}; use one of {', '.join(CONFIGS)}") from None
