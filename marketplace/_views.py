"""Helpers every marketplace view module shares (loading objects with their access
check, the private-page headers); refusals become messages through
``core.views_kit.refusal_to_flash``."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from marketplace.businesses import get_business
from marketplace.models import Business
from marketplace.permissions import can_edit_business, is_market_staff


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
