"""Signal receivers of the payments package (thin)."""
from __future__ import annotations

from core.signals import collect_personal_data


@collect_personal_data.connect
def _personal_data(user, **_extra):
    from payments.personal_data import export_for

    data = export_for(user)
    return ("payments", data) if data else None
