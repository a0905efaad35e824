"""The ``marketplace`` blueprint (under ``/pasar``), shared by its capability
modules and by the nested ``marketplace.stalls`` blueprint."""
from flask import Blueprint

bp = Blueprint("marketplace", __name__, url_prefix="/pasar")
