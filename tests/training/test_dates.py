"""Issue 8 item 26 for training and KUR: one date format everywhere (``core.i18n.format_wita``
named styles), never seconds, on pages, in notices and on the member home."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.home import cards_for
from core.i18n import format_wita
from mentoring.kur import applications, reminders
from mentoring.training import operations
from notifications.models import Notification, OutboxMessage

SECONDS = re.compile(r"\d{2}[.:]\d{2}[.:]\d{2}")


def test_training_pages_and_notices_use_the_named_styles(app, client, login_as, make_training):
    training = make_training(days=5)
    member = login_as("member", "umkm_staff")
    operations.register(member, training)
    db.session.commit()

    detail = client.get(f"/trainings/{training.id}").get_data(as_text=True)
    assert format_wita(training.starts_at, "datetime", "id") in detail
    assert format_wita(training.ends_at, "short_datetime", "id") in detail
    assert "WITA WITA" not in detail
    listing = client.get("/trainings").get_data(as_text=True)
    assert format_wita(training.starts_at, "short_datetime", "id") in listing
    mine = client.get("/trainings/mine").get_data(as_text=True)
    assert format_wita(training.starts_at, "short_datetime", "id") in mine
    for html in (detail, listing, mine):
        assert not SECONDS.search(html)

    notices = db.session.scalars(select(Notification).where(Notification.user_id == member.id)).all()
    assert {n.params["time"] for n in notices} == {format_wita(training.starts_at, "datetime", "id")}
    assert {n.url for n in notices} == {f"/trainings/{training.id}"}

    with app.test_request_context():
        texts = " ".join(card.text for card in cards_for(member))
    assert format_wita(training.starts_at, "short_datetime", "id") in texts
    assert "WITA WITA" not in texts and not SECONDS.search(texts)
    page = client.get(f"/staff/trainings/{training.id}/registrants").get_data(as_text=True)
    assert format_wita(training.starts_at, "short_datetime", "id") in page


def test_kur_appointment_and_history_use_the_named_styles(client, login_as, kur_start):
    member = login_as("member")
    application = applications.start_kur_application(member, kur_start())
    when = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    reminders.set_bank_appointment(member, application, when)
    db.session.commit()
    html = client.get(f"/kur/{application.id}").get_data(as_text=True)
    assert format_wita(when, "short_datetime", "id") in html
    assert format_wita(application.events[0].created_at, "short_datetime", "id") in html
    assert "WITA WITA" not in html and not SECONDS.search(html)
    pending = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.user_id == member.id, OutboxMessage.base_key.like("kur:%:appointment:%"))).all()
    assert pending and {m.params["time"] for m in pending} == {format_wita(when, "datetime", "id")}
    assert {m.url for m in pending} == {f"/kur/{application.id}"}
