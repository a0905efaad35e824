"""Keeping stored objects and rows in step: the session hooks (files written in a
rolled-back transaction are deleted at once, files of deleted rows after the
commit) and the orphan sweep for what a crash left behind."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.extensions import db
from core.storage import init_storage, storage
from core.uploads.models import StoredFile
from core.uploads.store import _DOOMED, _PENDING

log = logging.getLogger("rumahpurna.uploads")


# --- transaction hooks and the orphan sweep -----------------------------------------

def _after_commit(session: Session) -> None:
    session.info.pop(_PENDING, None)
    doomed = session.info.pop(_DOOMED, None)
    if doomed:
        backend = storage()
        for key in doomed:
            try:
                backend.delete(key)
            except Exception:  # the sweep will find it: it has no row any more
                log.exception("could not delete a stored object after commit")


def _after_rollback(session: Session) -> None:
    session.info.pop(_DOOMED, None)
    written = session.info.pop(_PENDING, None)
    if written:
        try:
            backend = storage()
        except RuntimeError:  # no app context: the sweep will find them
            return
        for key in written:
            try:
                backend.delete(key)
            except Exception:
                log.exception("could not delete an uncommitted stored object")


def sweep_orphan_uploads(now: datetime | None = None) -> int:
    """Delete stored objects that no row describes (a crash between writing and
    committing, a failed delete after a commit) and temporary files, once older
    than ``UPLOAD_ORPHAN_HOURS``. Returns how many were deleted."""
    now = now or utcnow()
    cutoff = now - timedelta(hours=current_app.config["UPLOAD_ORPHAN_HOURS"])
    backend = storage()
    old = [obj.key for obj in backend.list() if obj.modified_at < cutoff]
    removed = 0
    for start in range(0, len(old), 500):
        chunk = old[start:start + 500]
        known = set(db.session.scalars(select(StoredFile.key).where(StoredFile.key.in_(chunk))))
        for key in chunk:
            if key not in known:
                backend.remove_listed(key)
                removed += 1
    if removed:
        log.info("removed %d orphan upload(s)", removed)
    return removed


def init_uploads(app: Flask) -> None:
    """Bind the storage backend and the transaction hooks (called by ``create_app``)."""
    init_storage(app)
    if not getattr(init_uploads, "_hooks", False):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        init_uploads._hooks = True
