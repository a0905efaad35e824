"""The registrars' queue on many requests (issue 14): a page reads the columns it
shows and the page's services (two statements: no count of every request, no
member objects joined to every open request, no NIK or KK number read or
decrypted), and it still shows the member's name, services, status, overdue
badge and the assignee."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from community.adminduk import desk
from community.adminduk.models import HelpRequest
from core.db import utcnow
from core.extensions import db

PREFIX = "/forum/adminduk"


def test_the_queue_page_shows_names_services_and_overdue_badges(app, client, auth, registrar, member,
                                                               make_user, open_request):
    other = make_user(roles=("member",), name="Yohana Lado")
    fresh = open_request(services=("ktp-address", "moving"), nik="5371010101900001")
    old = open_request(other, services=("kk-child",))
    desk.assign(registrar, old, registrar)
    long_ago = utcnow() - timedelta(days=app.config["ADMINDUK_OVERDUE_DAYS"] + 1)
    db.session.execute(HelpRequest.__table__.update().where(HelpRequest.id == old.id)
                       .values(status_changed_at=long_ago))
    db.session.commit()
    auth.login(registrar)
    html = client.get(f"{PREFIX}/desk").get_data(as_text=True)
    assert html.index(f"#{old.id} Yohana Lado") < html.index(f"#{fresh.id} Maria Nenobais")
    assert "KTP-el: ganti alamat, Pindah domisili" in html and "KK: tambah anak" in html
    assert html.count("badge--urgent") == 1 and "Fransiskus Benu" in html and "belum ditangani" in html
    assert "5371010101900001" not in html


def test_a_queue_page_is_two_statements_without_a_count_or_encrypted_columns(registrar, open_request):
    for _ in range(30):
        open_request(services=("ktp-new", "ikd"), nik="5371010101900001")
    statements = []

    def keep(_conn, _cursor, statement, *_args):
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        page = desk.queue_page(desk.QueueFilters(), registrar, 1)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert len(statements) == 2, statements
    assert not [s for s in statements if "count(" in s or ".nik" in s or "kk_number" in s], statements
    assert len(page.items) == 25 and page.has_next and page.page == 1
    assert page.items[0].member_name == "Maria Nenobais" and page.items[0].services == ["ikd", "ktp-new"]
    assert not any(isinstance(row, db.Model) for row in page.items)
    second = desk.queue_page(desk.QueueFilters(), registrar, 2)
    assert len(second.items) == 5 and not second.has_next
    assert {r.id for r in page.items}.isdisjoint(r.id for r in second.items)
