"""The ``mentoring`` blueprint with one nested blueprint per sub-package, so an
endpoint says which part it belongs to (``mentoring.counseling.staff_dashboard``,
``mentoring.training.trainings``, ``mentoring.kur.kur_detail``).
Importing a sub-package's view modules registers their routes on its blueprint."""
from mentoring.blueprint import bp
from mentoring.counseling import staff_client_views as _counseling_client  # noqa: F401
from mentoring.counseling import staff_setup_views as _counseling_setup  # noqa: F401
from mentoring.counseling import staff_views as _counseling_staff  # noqa: F401
from mentoring.counseling import views as _counseling_views  # noqa: F401
from mentoring.counseling.blueprint import bp as counseling_bp
from mentoring.kur import staff_views as _kur_staff  # noqa: F401
from mentoring.kur import views as _kur_views  # noqa: F401
from mentoring.kur.blueprint import bp as kur_bp
from mentoring.training import staff_views as _training_staff  # noqa: F401
from mentoring.training import views as _training_views  # noqa: F401
from mentoring.training.blueprint import bp as training_bp

bp.register_blueprint(counseling_bp)
bp.register_blueprint(training_bp)
bp.register_blueprint(kur_bp)

__all__ = ["bp"]
