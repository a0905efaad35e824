"""The counselor dashboard on a full week (issue 14): its rows load only what they
show (no encrypted topic read or decrypted, no counselor joined to every row, of
the member only the name), and they still show the nickname or the name as before."""
from __future__ import annotations

from sqlalchemy import event

from core.extensions import db
from tests.factories import Auth


def test_the_dashboard_reads_no_topic_and_shows_nickname_or_name(client, make_counselor, make_user, book):
    profile = make_counselor()
    named = make_user(name="Maria Nenobais")
    hidden = make_user(name="Yohana Tersembunyi")
    book(profile, member=named, index=0, topic="Sulit tidur sejak pulang")
    book(profile, member=hidden, index=1, pseudonym="Ina", topic="Utang ke agen")
    Auth(client).login(profile.user)
    statements = []

    def keep(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        response = client.get("/counseling/staff")
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Maria Nenobais" in html and "Ina" in html and "Yohana Tersembunyi" not in html
    assert "Sulit tidur" not in html and "Utang" not in html
    appointment_reads = [s for s in statements if "FROM appointments" in s]
    assert appointment_reads, statements
    assert not [s for s in appointment_reads if "appointments.topic" in s], appointment_reads
    assert not [s for s in appointment_reads if "counselor_profiles" in s], appointment_reads
    assert not [s for s in appointment_reads if "users_1.password_hash" in s or "users_1.phone" in s]
