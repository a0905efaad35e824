"""The channel wrappers: HTTP provider (against a local fake), email, log."""
from __future__ import annotations

import logging

import pytest

from notifications.channels import (
    DeliveryError,
    EmailChannel,
    HttpChannel,
    LogChannel,
    Outgoing,
    PermanentDeliveryError,
    build_channels,
    opaque_reference,
)


def _message(channel="whatsapp", to="+6281234567890", key="training:1:reminder-24h:whatsapp"):
    return Outgoing(id=1, key=key, base_key=key.rsplit(":", 1)[0], channel=channel, user_id=1,
                    to=to, subject="Rumah Purna: Pengingat", text="Rumah Purna: Pengingat")


def test_http_provider_gets_an_opaque_idempotency_key(provider):
    channel = HttpChannel("whatsapp", provider["url"], "token-123")
    channel.send(_message())
    (request,) = provider["received"]
    reference = opaque_reference("training:1:reminder-24h:whatsapp")
    assert len(reference) == 24 and "training" not in reference
    assert request["headers"]["Idempotency-Key"] == reference
    assert request["headers"]["Authorization"] == "Bearer token-123"
    assert request["json"] == {"to": "+6281234567890", "text": "Rumah Purna: Pengingat",
                               "reference": reference}


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(409, None), (400, PermanentDeliveryError), (404, PermanentDeliveryError),
     (429, DeliveryError), (503, DeliveryError)],
)
def test_http_provider_errors(provider, status, outcome):
    provider["state"]["status"] = status
    channel = HttpChannel("sms", provider["url"], "t")
    if outcome is None:
        channel.send(_message("sms"))
        return
    with pytest.raises(outcome, match=f"sms provider HTTP {status}") as raised:
        channel.send(_message("sms"))
    if outcome is DeliveryError:
        assert not isinstance(raised.value, PermanentDeliveryError)


def test_http_provider_unreachable_is_retried():
    channel = HttpChannel("sms", "http://127.0.0.1:9/send", "t", timeout=2)
    with pytest.raises(DeliveryError, match="sms provider unreachable") as raised:
        channel.send(_message("sms"))
    assert not isinstance(raised.value, PermanentDeliveryError)


def test_channels_use_the_provider_only_when_configured(app, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_API_URL", "https://wa.example/send")
    monkeypatch.setitem(app.config, "WHATSAPP_API_TOKEN", "secret")
    monkeypatch.delenv("SMS_API_URL", raising=False)
    built = build_channels()
    assert isinstance(built["whatsapp"], HttpChannel)
    assert isinstance(built["sms"], LogChannel)


def test_log_channel_masks_the_number(caplog):
    with caplog.at_level(logging.INFO, logger="rumahpurna.notifications.channels"):
        LogChannel("sms").send(_message("sms"))
    assert "+6281234567890" not in caplog.text and "+62812****890" in caplog.text


def test_email_channel_uses_smtp_when_configured(app, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            self.host = host

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            pass

        def login(self, user, password):
            pass

        def send_message(self, message):
            sent.append(message)

    import notifications.email as email_module

    monkeypatch.setattr(email_module.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example")
    EmailChannel().send(_message("email", to="maria@example.id", key="x:email"))
    (message,) = sent
    assert message["To"] == "maria@example.id" and message["Subject"] == "Rumah Purna: Pengingat"


def test_email_refused_is_permanent(app, monkeypatch):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"x@example.id": (550, b"no")})

    import notifications.email as email_module

    monkeypatch.setattr(email_module, "send_email", refuse)
    with pytest.raises(PermanentDeliveryError, match="recipient refused"):
        EmailChannel().send(_message("email", to="x@example.id", key="x:email"))
