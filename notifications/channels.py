"""Delivery channels behind one small interface.

A channel has a ``name`` and ``send(message)``; it raises ``DeliveryError`` when a
send may succeed later (network, provider 5xx: retried with backoff) and
``PermanentDeliveryError`` when retrying is pointless (number not on WhatsApp,
provider 4xx: the fallback takes over at once).

- ``in_app``: puts the notice in the inbox, inside the dispatcher's transaction.
- ``email``: SMTP when ``MAIL_SERVER`` is set, otherwise written to the log.
- ``whatsapp`` / ``sms``: an HTTP provider when ``WHATSAPP_API_URL`` +
  ``WHATSAPP_API_TOKEN`` (``SMS_API_URL`` + ``SMS_API_TOKEN``) are set, otherwise
  written to the log. The message's opaque reference (``opaque_reference``)
  goes along as ``Idempotency-Key`` so a provider that saw the message already
  does not deliver it again.

Message keys never leave the database: not in a log line, not to a provider. A
key such as ``community:u5:p9:approved`` ties a person to what they did (here an
anonymous post); logs and providers get ``opaque_reference(key)`` instead.

Tests replace the channels with doubles through ``app.extensions["notification_channels"]``.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from flask import current_app

log = logging.getLogger("rumahpurna.notifications.channels")

OVERRIDE_KEY = "notification_channels"
HTTP_TIMEOUT_SECONDS = 10
SMS_MAX_CHARS = 160
CHAT_MAX_CHARS = 640


class DeliveryError(Exception):
    """The send failed but may work later (retried with backoff)."""


class PermanentDeliveryError(DeliveryError):
    """Retrying will not help; go to the next channel."""


def opaque_reference(key: str) -> str:
    """The name of a message outside the database (log lines, provider requests).

    ``HMAC-SHA256(SECRET_KEY, key)`` in hex, first 24 characters (96 bits): the
    same key always gives the same reference, so a provider's idempotency still
    works across retries and restarts, but nobody without the secret key can tell
    from it who the message was for or what it was about. To find a logged
    message, compute the reference of candidate keys (``flask shell``).
    Rotating ``SECRET_KEY`` changes every reference (a message in flight at that
    moment may then be delivered twice by a provider).
    """
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()[:24]


@dataclass(frozen=True)
class Outgoing:
    """One message ready to leave: already rendered in the person's language."""

    id: int
    key: str  # the outbox key: never logged or sent, see ``reference``
    base_key: str
    channel: str
    user_id: int | None  # None: a contact without an account (``notifications.contacts``)
    to: str  # E.164 phone or email address; "" for in-app
    subject: str
    text: str
    urgent: bool = False
    # What the dispatcher needs to queue a fallback; not sent anywhere.
    title: str = ""
    body: str | None = None
    params: dict = field(default_factory=dict)
    url: str | None = None
    fallback: str | None = None  # "sms", "call" or None
    attempts: int = 1  # this attempt's number
    handler_id: int | None = None
    recipient_label: str | None = None
    expires_at: datetime | None = None
    outside_text: str | None = None
    requested: bool = False

    @property
    def reference(self) -> str:
        """What logs and providers see instead of ``key`` (``opaque_reference``)."""
        return opaque_reference(self.key)


class Channel(Protocol):
    name: str
    # True when sending the same message (same ``reference``) twice delivers it
    # once or harms nobody: its successes may be marked sent in batches.
    idempotent: bool

    def send(self, message: Outgoing) -> None: ...


def mask(to: str) -> str:
    """Keep logs useful without writing whole phone numbers or addresses."""
    if "@" in to:
        local, _, domain = to.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{to[:6]}****{to[-3:]}" if len(to) > 9 else "****"


class LogChannel:
    """Development and tests: the message is written to the log, nothing leaves."""

    idempotent = True  # a repeated log line harms nobody

    def __init__(self, name: str):
        self.name = name

    def send(self, message: Outgoing) -> None:
        # A contact without an account is named by the reference alone, not even masked.
        to = mask(message.to) if message.user_id is not None else "contact"
        log.info("%s to=%s ref=%s text=%s", self.name, to, message.reference, message.text)


class EmailChannel:
    """Email through ``notifications.email`` (SMTP, or the log when unconfigured)."""

    name = "email"

    def send(self, message: Outgoing) -> None:
        import smtplib

        from notifications.email import send_email

        try:
            send_email(message.to, message.subject, message.text)
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentDeliveryError("recipient refused") from error
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(type(error).__name__) from error


class HttpChannel:
    """A WhatsApp or SMS provider reached with a JSON POST.

    Body: ``{"to": "+62…", "text": "…", "reference": ref}``; headers carry the
    bearer token and ``Idempotency-Key: ref`` (``ref`` = ``message.reference``,
    opaque, stable per message). 2xx is delivered, 409 means the provider
    already accepted this key (delivered). Other 4xx are permanent, except 408
    and 429; 5xx and network errors are retried.
    """

    idempotent = True  # the provider dedupes by ``Idempotency-Key``

    def __init__(self, name: str, url: str, token: str, timeout: float = HTTP_TIMEOUT_SECONDS):
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"{name} provider URL must be http(s)")
        self.name = name
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, message: Outgoing) -> None:
        reference = message.reference
        payload = json.dumps(
            {"to": message.to, "text": message.text, "reference": reference}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": reference,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read(1024)
        except urllib.error.HTTPError as error:
            if error.code == 409:
                return
            if 400 <= error.code < 500 and error.code not in (408, 429):
                raise PermanentDeliveryError(f"{self.name} provider HTTP {error.code}") from None
            raise DeliveryError(f"{self.name} provider HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise DeliveryError(f"{self.name} provider unreachable: {type(error).__name__}") from None


class InAppChannel:
    """The inbox. Runs inside the dispatcher's transaction (only flushes)."""

    name = "in_app"

    def send(self, message: Outgoing) -> None:
        from notifications.services import add_inbox_notice

        add_inbox_notice(
            message.user_id, message.base_key, message.title, message.body, message.params,
            message.url,
        )


def setting(name: str) -> str:
    """A notifications setting from the app config (config.py reads the environment)."""
    return str(current_app.config.get(name) or "")


def build_channels() -> dict[str, Channel]:
    """The channels configured for this app (HTTP providers only when set)."""
    channels: dict[str, Channel] = {"in_app": InAppChannel(), "email": EmailChannel()}
    for name, prefix in (("whatsapp", "WHATSAPP"), ("sms", "SMS")):
        url, token = setting(f"{prefix}_API_URL"), setting(f"{prefix}_API_TOKEN")
        channels[name] = HttpChannel(name, url, token) if url and token else LogChannel(name)
    return channels


def get_channel(name: str) -> Channel:
    """The channel called ``name``; test doubles in ``app.extensions`` win."""
    override = current_app.extensions.get(OVERRIDE_KEY)
    if override and name in override:
        return override[name]
    built = current_app.extensions.get("notification_channels_built")
    if built is None:
        built = current_app.extensions["notification_channels_built"] = build_channels()
    return built[name]
