"""Helpers every marketplace view module shares (loading objects with their access
check, turning a refusal into a message, the private-page headers)."""
from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from marketplace.businesses import get_business
from marketplace.models import Business
from marketplace.permissions import can_edit_business, is_market_staff


def refused(error: Exception) -> None:
    """Roll back and show the refusal in the user's language."""
    db.session.rollback()
    flash(error.text() if hasattr(error, "text") else _(str(error)), "info")


def member_business_or_404(business_id: int) -> Business:
    """A business the current user runs; anybody else's answers 404."""
    business = get_business(business_id)
    if business is None or not can_edit_business(current_user, business):
        abort(404)
    return business


def staff_business_or_404(business_id: int) -> Business:
    business = get_business(business_id)
    if business is None or not is_market_staff(current_user):
        abort(404)
    return business


def no_store(response):
    """Personal pages are never kept by the browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response
