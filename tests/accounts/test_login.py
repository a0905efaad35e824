"""Login, sessions, logout: SECURITY.md "Accounts and sessions"."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from accounts.models import User
from core.extensions import db
from core.security import safe_next
from tests.factories import PASSWORD

WRONG = "Nomor HP/email atau kata sandi tidak cocok"


@pytest.mark.parametrize("typed", ["0812-3456-7890", "+6281234567890", "62 812 3456 7890"])
def test_login_with_phone_in_any_format(client, make_user, typed):
    make_user(phone="+6281234567890")
    response = client.post("/login", data={"identifier": typed, "password": PASSWORD})
    assert response.status_code == 302


def test_login_with_email_any_case(client, make_user):
    make_user(email="yohanes@example.id")
    response = client.post("/login", data={"identifier": "Yohanes@Example.ID", "password": PASSWORD})
    assert response.status_code == 302


def test_same_answer_for_unknown_account_and_wrong_password(client, make_user):
    make_user(phone="+6281234567890")
    wrong_password = client.post("/login", data={"identifier": "081234567890", "password": "salah sekali"})
    unknown = client.post("/login", data={"identifier": "081299999999", "password": "salah sekali"})
    assert wrong_password.status_code == unknown.status_code == 200
    assert WRONG in wrong_password.get_data(as_text=True)
    assert WRONG in unknown.get_data(as_text=True)
    def strip(html: str) -> str:
        # The typed number, and the CSRF token (signed with a timestamp in seconds, so
        # two requests a second apart differ there and nowhere else).
        html = html.replace("081234567890", "X").replace("081299999999", "X")
        return re.sub(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]+"', r'\1"', html)  # every token

    assert 'name="csrf_token" value=""' in strip(unknown.get_data(as_text=True))  # the language switch's, blanked
    assert strip(wrong_password.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))


def test_disabled_account_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = client.post("/login", data={"identifier": user.phone, "password": PASSWORD})
    assert WRONG in response.get_data(as_text=True)


def test_failed_logins_limited_per_account(client, make_user, app):
    user = make_user()
    limit = app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        client.post("/login", data={"identifier": user.phone, "password": "salah sekali"})
    # Even the right password is refused now.
    response = client.post("/login", data={"identifier": user.phone, "password": PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)


def test_failed_logins_limited_per_account_not_per_spelling(client, make_user, app):
    """Phone and email of one account are one counter (not twice the guesses)."""
    user = make_user(email="maria.lay@example.id")
    limit = app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    for n in range(limit):
        typed = user.phone if n % 2 else "Maria.Lay@example.id"
        client.post("/login", data={"identifier": typed, "password": "salah sekali"})
    for typed in (user.phone, "maria.lay@example.id"):
        response = client.post("/login", data={"identifier": typed, "password": PASSWORD})
        assert response.status_code == 429, typed


def _from(client, address: str, identifier: str, password: str):
    return client.post("/login", data={"identifier": identifier, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_address_past_its_limit_locks_only_accounts_that_failed_from_it(client, make_user, app):
    """Many members share one carrier address: 30 failures from it refuse the accounts
    that failed from it, but a correct password of another member still gets in."""
    carrier = "10.20.30.40"
    for n in range(app.config["LOGIN_FAILURES_PER_IP"]):
        assert _from(client, carrier, f"08129000{n:04d}", "salah sekali").status_code == 200
    guessed, other = make_user(), make_user()
    # One more guess at a known account from that address is checked, then the pair locks.
    assert _from(client, carrier, guessed.phone, "salah sekali").status_code == 200
    assert _from(client, carrier, guessed.phone, PASSWORD).status_code == 429
    # Another member behind the same address logs in.
    assert _from(client, carrier, other.phone, PASSWORD).status_code == 302
    # The guessed account itself is fine from anywhere else.
    assert _from(app.test_client(), "10.99.0.1", guessed.phone, PASSWORD).status_code == 302


def test_successful_logins_are_not_counted_against_the_address(app, make_user):
    """A training on shared Wi-Fi: 40 people log in within a minute, all get in."""
    members = [make_user() for _ in range(40)]
    codes = [_from(app.test_client(), "10.1.1.1", m.phone, PASSWORD).status_code for m in members]
    assert codes == [302] * 40


def _redis_url() -> str | None:
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        return url
    try:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=0.2).ping()
    except Exception:
        return None
    return "redis://127.0.0.1:6379/0"


WORKER = """
import sys

from config import TestingConfig
from core import create_app

config = TestingConfig()
config.SQLALCHEMY_DATABASE_URI, config.RATELIMIT_STORAGE_URI, config.RATELIMIT_KEY_PREFIX = sys.argv[1:4]
app = create_app(config)
with app.app_context():
    client = app.test_client()
    codes = [client.post("/login", data={"identifier": sys.argv[4], "password": "salah sekali"}).status_code
             for _ in range(int(sys.argv[5]))]
print(codes.count(200), codes.count(429))
"""


def test_failed_logins_counted_across_workers_with_redis(app, make_user):
    """Three worker processes at once share the count through Redis: of 30 wrong
    passwords for one account, exactly the limit is checked and the rest refused."""
    url = _redis_url()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail("Redis is required in CI")
        pytest.skip("Redis not reachable")
    user = make_user()
    prefix = f"rp-test-{uuid.uuid4().hex}"
    root = Path(__file__).resolve().parents[2]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, app.config["SQLALCHEMY_DATABASE_URI"], url, prefix,
             user.phone, "10"],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
        for _ in range(3)
    ]
    checked = refused = 0
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-2000:]
        ok, too_many = map(int, out.split())
        checked, refused = checked + ok, refused + too_many
    limit = app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    assert (checked, refused) == (limit, 30 - limit)


def test_session_cleared_before_login(client, make_user):
    """Nothing planted in the session before login survives it (no fixation)."""
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "attacker"
    client.post("/login", data={"identifier": user.phone, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{user.id}:")


def test_logout_ends_every_other_session(app, make_user):
    user = make_user()
    phone_a, phone_b = app.test_client(), app.test_client()
    for device in (phone_a, phone_b):
        device.post("/login", data={"identifier": user.phone, "password": PASSWORD, "remember": "y"})
        assert device.get("/account").status_code == 200
    phone_a.post("/logout")
    assert phone_a.get("/account").status_code == 302
    assert phone_b.get("/account").status_code == 302  # remember-me cookie no longer works either


def test_password_change_ends_other_sessions_and_remember_cookies(app, make_user):
    user = make_user()
    mine, other = app.test_client(), app.test_client()
    for device in (mine, other):
        device.post("/login", data={"identifier": user.phone, "password": PASSWORD, "remember": "y"})
    response = mine.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "jagung bose dan sambal lu'at"},
    )
    assert response.status_code == 302
    assert mine.get("/account").status_code == 200  # this device stays logged in
    other.delete_cookie("rp_session")
    assert other.get("/account").status_code == 302  # remember-me refused too
    other_with_session = app.test_client()
    assert other_with_session.get("/account").status_code == 302


def test_remember_cookie_flags(client, make_user):
    user = make_user()
    response = client.post(
        "/login", data={"identifier": user.phone, "password": PASSWORD, "remember": "y"}
    )
    cookies = [v for k, v in response.headers.items() if k == "Set-Cookie"]
    remember = next(c for c in cookies if c.startswith("rp_remember="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    session_cookie = next(c for c in cookies if c.startswith("rp_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)",
     "http:/evil.example", "\\\\evil.example", "/%0d%0aLocation: x"],
)
def test_next_only_leads_to_this_site(client, make_user, target):
    user = make_user()
    response = client.post(
        f"/login?next={target}", data={"identifier": user.phone, "password": PASSWORD}
    )
    if target.startswith("/%0d"):
        # Control characters in a query string are refused before any view runs
        # (core.errors guard); safe_next refuses them on its own too.
        assert response.status_code == 400 and "Location" not in response.headers
        assert safe_next("/\r\nLocation: x") == "/"
        return
    location = response.headers["Location"]
    assert location == "/" or (location.startswith("/") and not location.startswith("//"))
    assert "evil" not in location or target.startswith("/%0d")


def test_next_to_a_local_page_is_followed(client, make_user):
    user = make_user()
    response = client.post(
        "/login?next=/account/profile", data={"identifier": user.phone, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account/profile"


def test_login_required_pages_redirect_to_login(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_needs_post(client, login_as):
    login_as("member")
    assert client.get("/logout").status_code == 405


def test_csrf_enforced_on_forms(app, make_user, monkeypatch):
    user = make_user()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    response = client.post("/login", data={"identifier": user.phone, "password": PASSWORD})
    assert response.status_code == 400
    assert "terlalu lama terbuka" in response.get_data(as_text=True)
    checked = 0
    for path in ("/register", "/lang", "/reset-code", "/forgot"):
        assert client.post(path, data={}).status_code == 400, path
        checked += 1
    assert checked == 4


def test_csrf_token_form_works_end_to_end(app, make_user, monkeypatch):
    import re

    user = make_user()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(
        "/login", data={"identifier": user.phone, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_last_login_recorded_but_not_on_every_request(client, make_user, count_queries):
    user = make_user()
    client.post("/login", data={"identifier": user.phone, "password": PASSWORD})
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None
    with count_queries() as log:
        client.get("/account")
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in log.statements)


def test_limit_holds_however_the_number_is_typed(client, make_user, app):
    user = make_user(phone="+6281300000001")
    spellings = ["081300000001", "+6281300000001", "0813-0000-0001", "(0813) 0000 0001", "62 813 0000 0001"]
    for n in range(app.config["LOGIN_FAILURES_PER_ACCOUNT"]):
        client.post("/login", data={"identifier": spellings[n % len(spellings)], "password": "salah sekali"})
    for typed in spellings:
        response = client.post("/login", data={"identifier": typed, "password": PASSWORD})
        assert response.status_code == 429, typed
    assert user.id


def test_unknown_account_costs_the_same_argon2_work_as_a_wrong_password(client, make_user, monkeypatch):
    """Equal time without timing asserts: both paths verify exactly once and hash
    never (the dummy hash is made once per process, keyed by the parameters)."""
    from argon2 import PasswordHasher

    user = make_user()
    calls = {"verify": 0, "hash": 0}
    real_verify, real_hash = PasswordHasher.verify, PasswordHasher.hash

    def spy_verify(self, *args):
        calls["verify"] += 1
        return real_verify(self, *args)

    def spy_hash(self, *args, **kwargs):
        calls["hash"] += 1
        return real_hash(self, *args, **kwargs)

    client.post("/login", data={"identifier": "081299990000", "password": "salah sekali"})  # warm
    monkeypatch.setattr(PasswordHasher, "verify", spy_verify)
    monkeypatch.setattr(PasswordHasher, "hash", spy_hash)
    costs = []
    for identifier in ("081299990001", user.phone, "081299990002", user.phone):
        calls.update(verify=0, hash=0)
        response = client.post("/login", data={"identifier": identifier, "password": "salah sekali"})
        assert WRONG in response.get_data(as_text=True)
        costs.append(dict(calls))
    assert costs == [{"verify": 1, "hash": 0}] * 4


def test_remember_cookie_refused_by_the_server_after_remember_days(app, make_user, monkeypatch):
    import accounts.auth

    user = make_user()
    device = app.test_client()
    device.post("/login", data={"identifier": user.phone, "password": PASSWORD, "remember": "y"})
    device.delete_cookie("rp_session")  # the browser closed: only the remember-me cookie is left
    days = app.config["REMEMBER_COOKIE_DURATION"].days
    real = accounts.auth._clock()
    monkeypatch.setattr(accounts.auth, "_clock", lambda: real + (days - 1) * 86400)
    assert device.get("/account").status_code == 200
    device.delete_cookie("rp_session")
    monkeypatch.setattr(accounts.auth, "_clock", lambda: real + (days + 1) * 86400)
    response = device.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_cookie_without_a_login_time_is_refused(app, make_user):
    """An id from before login times (``<id>:<token>``) no longer loads a user."""
    from accounts.auth import load_user

    user = make_user()
    assert load_user(f"{user.id}:{user.session_token}") is None
    assert load_user(user.get_id()) == user


PERSONAL_PAGES = [
    "/", "/account", "/account/profile", "/account/contact", "/account/notifications",
    "/inbox", "/admin/users", "/admin/audit", "/staff/call-tasks",
]


def test_every_page_for_a_logged_in_person_is_no_store(client, login_as):
    admin = login_as("admin", "member")
    PERSONAL_PAGES.append(f"/admin/users/{admin.id}")
    checked = 0
    for path in PERSONAL_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        checked += 1
    assert checked == len(PERSONAL_PAGES) == 10


def test_anonymous_pages_and_static_files_may_be_cached(client, login_as):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login_as("member")
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")


COMBO_WORKER = """
import sys

from config import TestingConfig
from core import create_app

config = TestingConfig()
config.SQLALCHEMY_DATABASE_URI, config.RATELIMIT_STORAGE_URI, config.RATELIMIT_KEY_PREFIX = sys.argv[1:4]
app = create_app(config)
codes = []
for attempt in sys.argv[4:]:  # each request in its own app context, like a real one
    identifier, _, password = attempt.partition("=")
    codes.append(app.test_client().post("/login", data={"identifier": identifier, "password": password},
                                        environ_base={"REMOTE_ADDR": "10.7.7.7"}).status_code)
print(" ".join(map(str, codes)))
"""


def test_correct_password_behind_a_locked_address_gets_in_across_workers_with_redis(app, make_user):
    """Three workers spend 36 failures from one address through Redis; then a member
    who never failed there logs in, a guessed account is checked once and locked."""
    url = _redis_url()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail("Redis is required in CI")
        pytest.skip("Redis not reachable")
    member, guessed = make_user(), make_user()
    prefix = f"rp-test-{uuid.uuid4().hex}"
    root = Path(__file__).resolve().parents[2]

    def run(*attempts):
        return subprocess.Popen(
            [sys.executable, "-c", COMBO_WORKER, app.config["SQLALCHEMY_DATABASE_URI"], url,
             prefix, *attempts],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(root)},
        )

    workers = [run(*[f"08129{w}{n:05d}=salah sekali" for n in range(12)]) for w in range(3)]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-2000:]
        assert out.split() == ["200"] * 12
    last = run(f"{member.phone}={PASSWORD}", f"{guessed.phone}=salah sekali", f"{guessed.phone}={PASSWORD}")
    out, err = last.communicate(timeout=120)
    assert last.returncode == 0, err[-2000:]
    assert out.split() == ["302", "200", "429"]
