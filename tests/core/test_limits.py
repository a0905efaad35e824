"""Rate limits: the extension's per-request hook runs only where a limit can apply
(core/limits.py), and every limit still holds."""
from __future__ import annotations

from flask_limiter import Limit

from core.extensions import limiter
from core.limits import middleware_limits


def test_a_page_without_any_limit_never_asks_the_limiter(client, monkeypatch):
    def asked(*_args, **_kwargs):
        raise AssertionError("the limiter resolved limits for a page that has none")

    monkeypatch.setattr(limiter.limit_manager, "resolve_limits", asked)
    assert not middleware_limits(limiter)
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_a_decorated_limit_still_holds(client):
    """Registration allows 10 posts an hour per address (its decorator)."""
    answers = [client.post("/register", data={"name": "x"}).status_code for _ in range(11)]
    assert 429 not in answers[:10]
    assert answers[10] == 429


def test_a_default_limit_is_checked_on_every_request(client, monkeypatch):
    """Were a limit for every page added (``RATELIMIT_DEFAULT``), the hook runs again."""
    default = Limit(limit_provider="2/minute", key_function=limiter._key_func, finalized=False)
    monkeypatch.setattr(limiter.limit_manager, "_default_limits", [default.bind(limiter)])
    assert middleware_limits(limiter)
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]
