"""The ``mentoring`` blueprint with one nested blueprint per sub-package, so an
endpoint says which part it belongs to (``mentoring.counseling.staff_dashboard``).
Importing a sub-package's view modules registers their routes on its blueprint."""
from mentoring.blueprint import bp
from mentoring.counseling import staff_client_views as _counseling_client  # noqa: F401
from mentoring.counseling import staff_setup_views as _counseling_setup  # noqa: F401
from mentoring.counseling import staff_views as _counseling_staff  # noqa: F401
from mentoring.counseling import views as _counseling_views  # noqa: F401
from mentoring.counseling.blueprint import bp as counseling_bp
from mentoring.programs import views as _programs_views  # noqa: F401

bp.register_blueprint(counseling_bp)

__all__ = ["bp"]
