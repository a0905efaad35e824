"""Signal receivers of the payments package (thin), connected by ``connect()``
(called by ``core.register_handlers``; importing connects nothing)."""
from __future__ import annotations

from core.receivers import connect_receivers
from payments.personal_data import export_for


def connect() -> None:
    """Connect the receivers (connecting twice is harmless)."""
    connect_receivers("payments", export=export_for)
