"""A Stripe test double behind the ``stripe`` library's own HTTP-client hook.

``StripeDouble`` is a ``stripe.HTTPClient`` subclass: the real library builds,
encodes and sends each request to it and parses its JSON answers, like Stripe's
API would answer (including idempotency keys: the same key gives the same
answer). Nothing reaches the network. ``sign`` signs a webhook payload exactly
as Stripe does (``t=…,v1=…``, HMAC-SHA256 of ``timestamp.payload``).
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from urllib.parse import parse_qs, urlparse

import stripe

WEBHOOK_SECRET = "whsec_test_rumahpurna"  # noqa: S105
SECRET_KEY = "sk_test_rumahpurna"  # noqa: S105


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class StripeDouble(stripe.HTTPClient):
    name = "double"

    def __init__(self):
        super().__init__()
        self.calls: list[dict] = []
        self.sessions: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self._answers: dict[str, tuple[str, int, dict]] = {}
        self._ids = itertools.count(1)
        self.fail_next = 0  # answer the next N calls with a connection error

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parsed = urlparse(url)
        raw = post_data.decode() if isinstance(post_data, bytes) else (post_data or parsed.query)
        params = {k: v[0] for k, v in parse_qs(raw).items()}
        key = headers.get("Idempotency-Key")
        self.calls.append({"method": method, "path": parsed.path, "params": params, "key": key})
        if self.fail_next:
            self.fail_next -= 1
            raise stripe.APIConnectionError("double: connection reset", should_retry=True)
        if key and key in self._answers:
            return self._answers[key]
        body = self._answer(method, parsed.path, params)
        answer = (json.dumps(body), 200, {"Request-Id": f"req_{next(self._ids)}"})
        if key:
            self._answers[key] = answer
        return answer

    def close(self):
        pass

    def _answer(self, method: str, path: str, params: dict) -> dict:
        if method == "post" and path == "/v1/checkout/sessions":
            n = next(self._ids)
            session = {
                "id": f"cs_test_{n}",
                "object": "checkout.session",
                "url": f"https://checkout.stripe.test/c/pay/cs_test_{n}",
                "status": "open",
                "payment_status": "unpaid",
                "amount_total": int(params["line_items[0][price_data][unit_amount]"]),
                "currency": params["line_items[0][price_data][currency]"],
                "client_reference_id": params.get("client_reference_id"),
                "metadata": {"invoice_id": params.get("metadata[invoice_id]")},
                "payment_intent": None,
                "created": int(time.time()),
            }
            self.sessions[session["id"]] = session
            return session
        if method == "post" and path.startswith("/v1/checkout/sessions/") and path.endswith("/expire"):
            session = self.sessions[path.split("/")[4]]
            if session["status"] != "open":
                raise AssertionError("Stripe refuses to expire a session that is not open")
            session["status"] = "expired"
            return session
        if method == "get" and path == "/v1/checkout/sessions":
            return {"object": "list", "url": path, "has_more": False, "data": list(self.sessions.values())}
        if method == "post" and path == "/v1/refunds":
            refund = {"id": f"re_test_{next(self._ids)}", "object": "refund", "status": "succeeded",
                      "payment_intent": params.get("payment_intent")}
            self.refunds.append(refund)
            return refund
        raise AssertionError(f"double has no answer for {method} {path}")

    # --- what Stripe would do on its side ------------------------------------

    def pay(self, session_id: str, amount: int | None = None, currency: str | None = None) -> dict:
        """The payer completes the session; returns the session as Stripe now has it."""
        session = self.sessions[session_id]
        session.update(status="complete", payment_status="paid", payment_intent=f"pi_{session_id}")
        if amount is not None:
            session["amount_total"] = amount
        if currency is not None:
            session["currency"] = currency
        return dict(session)


_event_ids = itertools.count(1)


def event(event_type: str, obj: dict, event_id: str | None = None) -> str:
    """A Stripe event payload (JSON text) as Stripe would POST it."""
    return json.dumps({
        "id": event_id or f"evt_test_{next(_event_ids)}",
        "object": "event",
        "api_version": "2025-01-01",
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "data": {"object": obj},
    })


def charge_refunded(session: dict) -> dict:
    return {
        "id": f"ch_{session['id']}", "object": "charge", "refunded": True,
        "amount": session["amount_total"], "amount_refunded": session["amount_total"],
        "payment_intent": session["payment_intent"], "metadata": session.get("metadata") or {},
    }
