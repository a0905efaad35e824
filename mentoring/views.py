"""Mentoring routes live in the sub-packages; importing them registers them."""
from mentoring.blueprint import bp
from mentoring.counseling import staff_views as _counseling_staff_views  # noqa: F401
from mentoring.counseling import views as _counseling_views  # noqa: F401
from mentoring.programs import views as _programs_views  # noqa: F401

__all__ = ["bp"]
