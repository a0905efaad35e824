"""Marketplace routes live in the capability modules; importing them registers
them on the ``marketplace`` blueprint."""

from accounts.data import regency_label
from marketplace import product_views as _product_views  # noqa: F401
from marketplace import public_views as _public_views  # noqa: F401
from marketplace import sales_views as _sales_views  # noqa: F401
from marketplace import staff_views as _staff_views  # noqa: F401
from marketplace import vendor_views as _vendor_views  # noqa: F401
from marketplace.blueprint import bp
from marketplace.labels import CATEGORY_LABELS, STATUS_LABELS, UNIT_LABELS, rupiah

# Handed to every template by ``core.templating.expose_permissions``.
TEMPLATE_HELPERS = {
    "rupiah": rupiah,
    "category_label": lambda code: str(CATEGORY_LABELS.get(code, code)),
    "unit_label": lambda code: str(UNIT_LABELS.get(code, code)),
    "business_status_label": lambda status: str(STATUS_LABELS.get(status, status)),
    "regency_label": regency_label,
    "market_order_link": _public_views.market_order_link,
    "market_photo_src": _public_views.market_photo_src,
}


__all__ = ["bp"]
