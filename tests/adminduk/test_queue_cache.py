"""The registrars' queue draws each row once and keeps it (community/fragments.py,
``queue_row``): the rows are kept, every change to a request shows on the next
visit (status, assignee, the member's name, becoming overdue, services), the
language is the registrar's, and only registrars ever see a kept row. Its filter
form is drawn once per choice and language too (core/filter_forms.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from accounts.models import User
from community import fragments
from community.adminduk import desk
from community.adminduk.forms import QueueFilterForm
from community.adminduk.models import HelpRequest, RequestService
from core import filter_forms
from core.extensions import db
from tests.factories import Auth

PREFIX = "/forum/adminduk"


@pytest.fixture(autouse=True)
def _empty_cache():
    fragments.clear()
    yield
    fragments.clear()


def _row(html: str, request_id: int) -> str:
    start = html.index(f"#{request_id} ")
    return html[start:html.index("</li>", start)]


def _queue(client, query: str = "") -> str:
    response = client.get(f"{PREFIX}/desk{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_kept_rows_follow_every_change_at_the_next_visit(app, client, auth, registrar, member, make_user,
                                                          open_request):
    colleague = make_user(roles=("member", "registrar"), name="Agustinus Tefa")
    help_request = open_request()
    auth.login(registrar)
    row = _row(_queue(client), help_request.id)
    assert "Maria Nenobais" in row and "Terkirim" in row and "belum ditangani" in row
    assert "KTP-el: ganti alamat" in row and "Terlambat" not in row
    assert any(key[0] == "adminduk-queue" for key in fragments.entries()), "the rows are kept"
    assert _row(_queue(client), help_request.id) == row  # drawn again from what was kept

    desk.change_status(colleague, db.session.get(HelpRequest, help_request.id), "in_review")
    db.session.commit()
    row = _row(_queue(client), help_request.id)
    assert "Sedang diperiksa" in row and "Terkirim" not in row and "Agustinus Tefa" in row

    # One change at a time, each with nothing else of the row changing.
    def changed(**values) -> str:
        db.session.execute(update(HelpRequest).where(HelpRequest.id == help_request.id).values(**values))
        db.session.commit()
        return _row(_queue(client), help_request.id)

    assert "Siap diajukan ke Dukcapil" in changed(status="ready")
    assert "Fransiskus Benu" in changed(assigned_to_id=registrar.id)
    assert "Kabupaten Kupang" in changed(regency="kupang")
    db.session.execute(update(User).where(User.id == member.id).values(name="Maria Nenobais Tallo"))
    db.session.commit()
    assert "Maria Nenobais Tallo" in _row(_queue(client), help_request.id)
    db.session.add(RequestService(request_id=help_request.id, service="moving"))
    db.session.commit()
    assert "Pindah domisili" in _row(_queue(client), help_request.id)
    # Time passing alone makes a row overdue.
    days = app.config["ADMINDUK_OVERDUE_DAYS"]
    app.config["ADMINDUK_OVERDUE_DAYS"] = 0
    try:
        assert "Terlambat" in _row(_queue(client), help_request.id)
    finally:
        app.config["ADMINDUK_OVERDUE_DAYS"] = days
    assert "Terlambat" not in _row(_queue(client), help_request.id)

    app.config["ADMINDUK_OVERDUE_DAYS"] = 0
    try:
        client.post("/lang", data={"lang": "en", "next": f"{PREFIX}/desk"})
        row = _row(_queue(client), help_request.id)
    finally:
        app.config["ADMINDUK_OVERDUE_DAYS"] = days
    assert "Overdue" in row and "Ready" in row and "since" in row and "Terlambat" not in row and "sejak" not in row


def test_kept_rows_are_shown_to_registrars_only(app, client, auth, registrar, member, make_user, open_request):
    """A member (even the one whose request it is) never reaches the queue, and a
    registrar's "mine" filter shows theirs only, with the rows already kept."""
    help_request = open_request()
    other = open_request(make_user(roles=("member",), name="Yohana Lado"))
    colleague = make_user(roles=("member", "registrar"), name="Agustinus Tefa")
    desk.assign(colleague, db.session.get(HelpRequest, other.id), colleague)
    db.session.commit()
    auth.login(registrar)
    everything = _queue(client)
    assert f"#{help_request.id} Maria Nenobais" in everything and f"#{other.id} Yohana Lado" in everything

    member_phone = app.test_client()
    Auth(member_phone).login(member)
    assert member_phone.get(f"{PREFIX}/desk").status_code == 403

    colleague_phone = app.test_client()
    Auth(colleague_phone).login(colleague)
    mine = colleague_phone.get(f"{PREFIX}/desk?assigned=me").get_data(as_text=True)
    assert f"#{other.id} Yohana Lado" in mine and "Maria Nenobais" not in mine


def _filters(html: str) -> str:
    start = html.index('<form method="get" class="form">')
    return html[start:html.index("</form>", start)]


def test_the_filters_are_drawn_once_per_choice_and_language(app, client, auth, registrar, make_user,
                                                           open_request, monkeypatch):
    filter_forms.forget()
    validated = []
    validate = QueueFilterForm.validate
    monkeypatch.setattr(QueueFilterForm, "validate", lambda form, *a, **k: validated.append(1) or validate(form, *a, **k))
    colleague = make_user(roles=("member", "registrar"), name="Agustinus Tefa", locale="en")
    mine = open_request()
    theirs = open_request(make_user(roles=("member",), name="Yohana Lado"))
    desk.assign(registrar, db.session.get(HelpRequest, mine.id), registrar)
    desk.assign(colleague, db.session.get(HelpRequest, theirs.id), colleague)
    db.session.commit()
    auth.login(registrar)
    query = "?status=submitted&assigned=me"
    first = _queue(client, query)
    assert '<option selected value="submitted">' in first and '<option selected value="me">' in first
    assert f"#{mine.id} " in first and f"#{theirs.id} " not in first
    again = _queue(client, query)
    assert _filters(again) == _filters(first) and f"#{mine.id} " in again
    assert len(validated) == 1, "the form was built again for the same choice"

    # The colleague (in English) gets the kept choice in English, and her own requests.
    phone = app.test_client()
    Auth(phone).login(colleague)
    english = phone.get(f"{PREFIX}/desk{query}").get_data(as_text=True)
    assert "Handled by" in _filters(english) and "Ditangani" not in _filters(english)
    assert '<option selected value="me">' in english
    assert f"#{theirs.id} " in english and f"#{mine.id} " not in english

    # A made-up value is never kept: the whole queue, the form drawn as typed, every time.
    validated.clear()
    for _ in range(2):
        bogus = _queue(client, "?status=bogus&assigned=me")
        assert f"#{mine.id} " in bogus and f"#{theirs.id} " in bogus
    assert len(validated) == 2
    assert not [key for key, _filters in filter_forms._kept.items() if ("bogus",) in key[-1]]
