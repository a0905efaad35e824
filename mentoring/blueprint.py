"""The ``mentoring`` blueprint, shared by its sub-packages (counseling, programs)."""
from flask import Blueprint

bp = Blueprint("mentoring", __name__)
