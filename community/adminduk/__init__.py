"""Civil-registration help (issue 10), the nested blueprint ``community.adminduk``:
guides per service and "migrasi aman" guides (edited in the app, with versions),
the Dukcapil offices of NTT's 22 regencies/cities, the returnee bundle, help
requests (NIK/KK encrypted, documents through ``core.uploads``, a status machine
with history, a conversation), the registrars' desk (queue, assignment, internal
notes, appointments, outreach days, dashboard), retention of documents, export
and deletion of a member's data.

Shaped like ``mentoring/counseling``: ``views.py`` (members), ``staff_views.py``
(registrars, admins), ``guide_views.py``; services by capability: ``requests.py``,
``desk.py``, ``documents.py``, ``guides.py``, ``bundles.py``, ``outreach.py``; pure
``nik.py``; ``jobs.py``, ``personal_data.py``, ``demo.py``, ``handlers.py``.
"""
from __future__ import annotations

from flask import Blueprint


def blueprint() -> Blueprint:
    """The ``adminduk`` blueprint with every page (nested under ``community``)."""
    from community.adminduk import guide_views, staff_views, views  # noqa: F401

    return views.bp
