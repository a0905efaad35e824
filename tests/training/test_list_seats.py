"""The training list keeps its seat counts per process under each session's
``updated_at`` (issue 14: no count over every registration on every visit), and
every registration, cancellation, promotion and capacity change shows at once.
Each drawn row is kept too (listing.list_row), under what it shows and the
viewer's own status on it only ("Anda terdaftar" or "daftar tunggu"), never who
the viewer is: a member sees her own status, at once when it changes, and
never another member's."""
from __future__ import annotations

from core import kept as fragments
from core.extensions import db
from mentoring.training import operations
from mentoring.training.models import TrainingRegistration
from tests.factories import Auth


def _row(html: str, training) -> str:
    return html.split(f'href="/trainings/{training.id}"')[1].split("</li>")[0]


def _seat_counts(statements) -> list[str]:
    return [s for s in statements if "FROM training_registrations" in s and "count(" in s.lower()]


def test_seat_counts_are_kept_and_follow_every_change(client, make_user, make_training, count_queries):
    training = make_training(capacity=2)
    viewer, first, second, third = (make_user(name=n) for n in ("Ana", "Beni", "Cici", "Dedi"))
    Auth(client).login(viewer)
    assert "sisa 2 tempat" in _row(client.get("/trainings").get_data(as_text=True), training)
    with count_queries() as log:
        html = client.get("/trainings").get_data(as_text=True)
    assert "sisa 2 tempat" in _row(html, training)
    assert not _seat_counts(log.statements), "the seats were counted again"

    def listed() -> str:
        return _row(client.get("/trainings").get_data(as_text=True), training)

    operations.register(first, training)
    db.session.commit()
    assert "sisa 1 tempat" in listed()
    operations.register(second, training)
    db.session.commit()
    assert "penuh, ada daftar tunggu" in listed()
    waiting = operations.register(third, training)
    db.session.commit()
    assert waiting.status == "waitlisted"
    seat = db.session.scalar(db.select(TrainingRegistration).filter_by(user_id=first.id))
    operations.cancel_registration(first, seat)  # the waitlisted one moves up: still full
    db.session.commit()
    assert "penuh, ada daftar tunggu" in listed()
    seat = db.session.scalar(db.select(TrainingRegistration).filter_by(user_id=second.id, status="confirmed"))
    operations.cancel_registration(second, seat)
    db.session.commit()
    assert "sisa 1 tempat" in listed()
    staff = make_user(roles=("member", "umkm_staff"))
    data = operations.TrainingData(
        title=training.title, description=training.description, provider=training.provider,
        provider_name=None, place=training.place, online_url=None, regency=training.regency,
        tags=["pembukuan"], starts_at=training.starts_at, ends_at=training.ends_at,
        registration_deadline_at=training.registration_deadline_at, capacity=5,
    )
    operations.update_training(staff, training, data)
    db.session.commit()
    assert "sisa 4 tempat" in listed()


def test_the_own_registration_is_shown_to_its_member_only(client, make_user, make_training):
    training = make_training(capacity=3)
    registered, other = make_user(), make_user()
    operations.register(registered, training)
    db.session.commit()
    auth = Auth(client)
    auth.login(registered)
    assert "Anda terdaftar" in _row(client.get("/trainings").get_data(as_text=True), training)
    auth.logout()
    auth.login(other)
    row = _row(client.get("/trainings").get_data(as_text=True), training)
    assert "Anda terdaftar" not in row and "sisa 2 tempat" in row


def test_kept_rows_show_each_member_her_own_status_at_once(app, client, make_user, make_training):
    fragments.clear()
    training = make_training(capacity=1)
    first, second, other = make_user(), make_user(locale="en"), make_user()
    operations.register(first, training)
    operations.register(second, training)  # waitlisted
    db.session.commit()

    def row_for(user) -> str:
        phone = app.test_client()
        Auth(phone).login(user)
        return _row(phone.get("/trainings").get_data(as_text=True), training)

    assert "Anda terdaftar" in row_for(first)
    assert "You are on the waitlist" in row_for(second) and "Anda" not in row_for(second)
    assert "penuh, ada daftar tunggu" in row_for(other) and "Anda" not in row_for(other)
    assert "Anda terdaftar" in row_for(first)  # kept: the same row again
    assert any(key[0] == "training-row" for key in fragments.entries())
    seat = db.session.scalar(db.select(TrainingRegistration).filter_by(user_id=first.id))
    operations.cancel_registration(first, seat)  # the waitlisted one moves up
    db.session.commit()
    assert "Anda" not in row_for(first) and "penuh" in row_for(first)
    assert "You are registered" in row_for(second)
