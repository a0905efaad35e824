"""No log line and no stored error text carries the values of a database row
(issue 8 item 16, continued): PostgreSQL writes them into its error message
(``DETAIL:  Key (handle)=(…) already exists``); the kit keeps them out of every
log record (``core.log_privacy``) and out of the outbox's ``last_error``."""
from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from community.models import MemberProfile
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from core.log_privacy import format_exception, safe_error_text, scrub_text
from core.scheduler import Job, run_job
from notifications.channels import OVERRIDE_KEY, DeliveryError
from notifications.dispatch import dispatch_due
from notifications.models import OutboxMessage
from notifications.services import notify

POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")
SENTINEL = "sentinel-handle-4417-oesapa"


def _unique_violation(make_user) -> IntegrityError:
    """Two profiles with the SENTINEL handle: the database refuses the second."""
    first, second = make_user(), make_user()
    db.session.add(MemberProfile(user_id=first.id, handle=SENTINEL))
    db.session.commit()
    db.session.add(MemberProfile(user_id=second.id, handle=SENTINEL))
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        return error
    raise AssertionError("no unique violation")


def _file_handler(tmp_path):
    handler = logging.FileHandler(tmp_path / "error.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    return handler


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL writes the values into its error text")
def test_postgres_detail_values_reach_no_log_and_no_stored_error(app, caplog, tmp_path, make_user):
    caplog.set_level(logging.DEBUG)
    error = _unique_violation(make_user)
    assert SENTINEL in str(error)  # the driver's own text does carry it: the danger is real
    handler = _file_handler(tmp_path)
    try:
        # 1. A page that fails: Flask logs the traceback ("Exception on … [POST]").
        with app.test_request_context("/forum/t/1", method="POST"):
            try:
                raise error
            except IntegrityError:
                import sys

                app.log_exception(sys.exc_info())
        # 2. A scheduler job that fails.
        run_job(app, Job(id="collide", func=lambda: (_ for _ in ()).throw(error), trigger="interval", options={}))
        # 3. Any code that logs the error as an argument.
        logging.getLogger("rumahpurna.test").warning("could not save: %s", error)
        logging.getLogger("rumahpurna.test").error(error)
        # 4. A channel whose failure text repeats a database error.
        member = make_user()

        class Leaky:
            name = "whatsapp"

            def send(self, message):
                raise DeliveryError(f"provider bridge: {error}")

        app.extensions[OVERRIDE_KEY] = {"whatsapp": Leaky(), "sms": Leaky()}
        notify(member, key="leak-test", title="Halo", channels=["whatsapp"])
        db.session.commit()
        # At 10:00 WITA two days on: at any other hour of the run quiet hours could
        # hold the message back, and nothing would be tried (the test failed when
        # run between 21:00 and 06:00 WITA).
        day = (utcnow().astimezone(WITA) + timedelta(days=2)).date()
        dispatch_due(now=datetime.combine(day, time(10, 0), tzinfo=WITA).astimezone(UTC))
        db.session.commit()
    finally:
        app.extensions.pop(OVERRIDE_KEY, None)
        logging.getLogger().removeHandler(handler)
        handler.close()
    stored = [m.last_error or "" for m in db.session.scalars(select(OutboxMessage))]
    assert stored and any(stored), "the failure was recorded"
    file_text = (tmp_path / "error.log").read_text()
    for text in (caplog.text, file_text, *stored, *(r.getMessage() for r in caplog.records)):
        assert SENTINEL not in text
        assert "already exists" not in text or "Key (handle)=(…)" in text
    # What is logged still says what went wrong, by name.
    assert "UniqueViolation" in caplog.text and "uq_community_member_profiles_handle" in caplog.text
    assert "UniqueViolation" in file_text and "Exception on /forum/t/1 [POST]" in file_text
    assert "job collide failed" in caplog.text


def test_database_errors_are_told_by_class_and_names_only(app, make_user):
    error = _unique_violation(make_user)
    text = safe_error_text(error)
    assert text.startswith("IntegrityError / ") and SENTINEL not in text
    assert SENTINEL not in format_exception(error)
    assert "test_log_privacy.py" in format_exception(error)  # the traceback's frames stay


@pytest.mark.parametrize("leaky", [
    'duplicate key value violates unique constraint "uq_x"\nDETAIL:  Key (handle)=(SECRET) already exists.\n'
    "[SQL: INSERT INTO t (handle) VALUES (%(handle)s)]",
    'null value in column "phone" violates not-null constraint\nDETAIL:  Failing row contains (1, SECRET, x).',
    'invalid input syntax for type integer: "SECRET"',
    "bridge said: Key (phone)=(SECRET) is not present in table users",
    "[parameters: {'phone': 'SECRET'}]",
])
def test_scrub_text_cuts_every_value_part(leaky):
    assert "SECRET" not in scrub_text(leaky)
    assert "SECRET" not in safe_error_text(RuntimeError(leaky))


def test_ordinary_log_lines_are_left_alone(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("rumahpurna.test").info("job %s done: %s", "purge", {"removed": 3})
    assert "job purge done: {'removed': 3}" in caplog.text
