"""How each person wants to be reached: channels, quiet hours, weekly cap, and
whether messages outside the platform carry the full text."""
from __future__ import annotations

from datetime import time

from accounts.models import User
from core.extensions import db
from notifications.models import NotificationPreference

PHONE_CHANNELS = ("whatsapp", "sms")


def preferences_for(user: User) -> NotificationPreference:
    """The person's preferences, or the defaults (not added to the session)."""
    prefs = db.session.get(NotificationPreference, user.id)
    return prefs if prefs is not None else NotificationPreference.defaults(user.id)


def phone_chain(
    user: User, prefs: NotificationPreference, *, requested: bool = False
) -> list[str]:
    """The phone channels to try, in order: WhatsApp first, then SMS (both for a
    message the person asked for, whatever their preferences)."""
    if not user.phone:
        return []
    return [name for name in PHONE_CHANNELS if requested or getattr(prefs, name)]


def default_channels(user: User) -> list[str]:
    """In-app always; the first phone channel the person accepts (WhatsApp, or SMS
    when WhatsApp is off: SMS also serves as WhatsApp's fallback); email when
    chosen and known."""
    prefs = preferences_for(user)
    channels = ["in_app"]
    chain = phone_chain(user, prefs)
    if chain:
        channels.append(chain[0])
    if prefs.email and user.email:
        channels.append("email")
    return channels


def save_preferences(
    user: User,
    *,
    whatsapp: bool,
    sms: bool,
    email: bool,
    quiet_from: time,
    quiet_until: time,
    weekly_cap: int,
    full_text: bool = False,
) -> NotificationPreference:
    """Store how ``user`` wants to be reached (the form has validated the values);
    ``full_text``: WhatsApp/SMS/email carry the notice itself, not a neutral text."""
    prefs = db.session.get(NotificationPreference, user.id)
    if prefs is None:
        prefs = NotificationPreference(user_id=user.id)
        db.session.add(prefs)
    prefs.whatsapp = whatsapp
    prefs.sms = sms
    prefs.email = email
    prefs.full_text = full_text
    prefs.quiet_from = quiet_from
    prefs.quiet_until = quiet_until
    prefs.weekly_cap = weekly_cap
    db.session.flush()
    return prefs
