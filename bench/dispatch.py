"""Dispatch benchmark: 10,000 due messages delivered through the log channel.

    .venv/bin/python bench/dispatch.py                      # SQLite (a temporary file)
    BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/dispatch.py

Prints elapsed seconds and messages per second for each database. 1,000 people
get 10 non-urgent WhatsApp messages each (within the default weekly cap), due
at noon WITA (outside quiet hours); with no provider configured the WhatsApp
channel writes each message to the log (silenced here). Each message is claimed,
rendered in the person's language, "sent" and marked sent with its own commit,
exactly as the scheduler does it. On PostgreSQL the benchmark removes the rows
and people it created afterwards.
"""
from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "1000"))
PER_PERSON = 10
PHONE_PREFIX = "+628990"


def run(url: str, label: str) -> None:
    from sqlalchemy import delete, func, insert, select

    from accounts.models import User
    from config import TestingConfig
    from core import create_app
    from core.extensions import db
    from core.i18n import WITA
    from notifications.dispatch import dispatch_due
    from notifications.models import OutboxMessage

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    channel_log = logging.getLogger("rumahpurna.notifications.channels")
    channel_log.addHandler(logging.NullHandler())
    channel_log.propagate = False
    channel_log.setLevel(logging.INFO)  # the log channel really formats each message

    with app.app_context():
        db.create_all()
        _clean(db, delete, select, User, OutboxMessage)
        users = db.session.execute(
            insert(User).returning(User.id),
            [
                {"name": f"Bench Purna {n}", "phone": f"{PHONE_PREFIX}{n:07d}",
                 "password_hash": "!", "locale": "id" if n % 4 else "en", "active": True,
                 "session_token": f"bench{n}"}
                for n in range(PEOPLE)
            ],
        ).scalars().all()
        noon = datetime.combine(
            datetime.now(WITA).date() + timedelta(days=1), dt_time(12), tzinfo=WITA
        ).astimezone(UTC)
        db.session.execute(insert(OutboxMessage), [
            {"key": f"bench:{user_id}:{n}:whatsapp", "base_key": f"bench:{user_id}:{n}",
             "user_id": user_id, "channel": "whatsapp", "title": "Pengingat pelatihan",
             "body": "Besok pukul %(time)s WITA.", "params": {"time": "09.00"},
             "url": "/inbox", "urgent": False, "due_at": noon - timedelta(minutes=5),
             "status": "pending", "attempts": 0}
            for user_id in users for n in range(PER_PERSON)
        ])
        db.session.commit()
        total = PEOPLE * PER_PERSON

        started = time.perf_counter()
        result = dispatch_due(now=noon, batch=total * 2)
        elapsed = time.perf_counter() - started

        sent = db.session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.key.startswith("bench:"), OutboxMessage.status == "sent"
            )
        )
        print(f"{label}: {sent} of {total} messages sent in {elapsed:.2f} s "
              f"= {sent / elapsed:,.0f} messages/s ({result})")
        if sent != total:
            raise SystemExit(f"{label}: expected {total} sent, got {sent}")
        _clean(db, delete, select, User, OutboxMessage)
        db.engine.dispose()


def _clean(db, delete, select, User, OutboxMessage) -> None:
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.key.startswith("bench:")))
    db.session.execute(delete(User).where(User.phone.startswith(PHONE_PREFIX)))
    db.session.commit()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("INSTANCE_PATH", tmp)
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite")
        url = os.environ.get("BENCH_DATABASE_URL")
        if url:
            from config import normalise_database_url

            run(normalise_database_url(url), "PostgreSQL")


if __name__ == "__main__":
    main()
