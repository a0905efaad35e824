"""The guarded status change: a status moves only from the state the user saw.

Two people acting on one row at the same moment (a member cancelling while the
counselor confirms, a withdrawal while staff move a KUR stage) must not both
win. ``change_status`` is one conditional ``UPDATE … WHERE id = :id AND status IN
(:expected)``: the database lets exactly one of them change the row (PostgreSQL
makes the second wait for the first and then re-checks the condition), and the
loser gets ``StatusChanged`` with a clear "this changed meanwhile" message.
Everything written after it in the same transaction (history, notices) is
written only by the winner.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from core.errors import Refused
from core.extensions import db

T = TypeVar("T")

CHANGED_MEANWHILE = _l("Data ini baru saja diubah (mungkin oleh orang lain). "
                       "Muat ulang halaman untuk melihat keadaannya sekarang, lalu coba lagi.")


class StatusChanged(Refused):
    """The row was no longer in an expected status (or no longer exists)."""

    def __init__(self, message=CHANGED_MEANWHILE, **kwargs) -> None:
        super().__init__(message, **kwargs)


def change_status(model: type[T], obj_or_id: T | int, expected_from: str | Iterable[str],
                  to: str, *, column: str = "status", message=None,
                  **extra_values: Any) -> T | None:
    """Set ``column`` to ``to`` (and ``extra_values``) on one row, only while its
    status is one of ``expected_from``; raise ``StatusChanged`` (``message``
    overrides its text) when no row matched.

    Works on SQLite and PostgreSQL, flushes pending changes first (autoflush) and
    only executes: the caller's view commits. When given the object, it is updated
    in place without a second UPDATE; returns it (or None when given an id).
    """
    expected = {expected_from} if isinstance(expected_from, str) else set(expected_from)
    obj = None if isinstance(obj_or_id, int) else obj_or_id
    ident = obj_or_id if obj is None else obj.id
    values = {column: to, **extra_values}
    statement = (
        update(model)
        .where(model.id == ident, getattr(model, column).in_(sorted(expected)))
        .values(values)
        .execution_options(synchronize_session=False)
    )
    result = db.session.execute(statement)
    if result.rowcount != 1:
        raise StatusChanged(**({"message": message} if message is not None else {}))
    if obj is not None:
        for key, value in values.items():
            set_committed_value(obj, key, value)
    return obj


def lock_for_update(model: type[T], ident: int) -> T | None:
    """Load the row ``ident`` of ``model`` with ``SELECT … FOR UPDATE`` (the lock is
    held until the view's commit; SQLite serialises writers anyway) and refresh the
    object in the session with what the database holds now. None when it is gone."""
    return db.session.scalar(
        select(model).where(model.id == ident).with_for_update()
        .execution_options(populate_existing=True)
    )
