"""The nested ``marketplace.stalls`` blueprint (``/pasar/lapak``)."""
from flask import Blueprint

from marketplace.blueprint import bp as market_bp

bp = Blueprint("stalls", __name__, url_prefix="/lapak")


def nest() -> None:
    """Nest under ``marketplace`` (called once, before the app registers it)."""
    if bp.name not in {child.name for child, _options in market_bp._blueprints}:
        market_bp.register_blueprint(bp)
