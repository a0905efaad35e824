"""Mentoring routes live in the sub-packages; importing them registers them."""
from mentoring.blueprint import bp

__all__ = ["bp"]
