"""A visitor without an account who left a phone number and asked for it gets a
neutral message on that phone at each new status, through the outbox: encrypted,
quiet hours, retries, idempotent, erased after; never in an inbox, a call-task
list or a log; the officer sees when it finally failed and tells them by phone."""
from __future__ import annotations

import logging
import re
from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from community.reports import desk
from community.reports.models import Report
from core.extensions import db
from core.i18n import WITA
from notifications.channels import OVERRIDE_KEY, DeliveryError, PermanentDeliveryError
from notifications.jobs import dispatch_due
from notifications.models import CallTask, Notification, OutboxMessage
from notifications.services import erase_contacts, notify_contact
from tests.notifications.conftest import NOON
from tests.notifications.doubles import RecordingChannel

PHONE = "+6281338800777"
WORDS_THAT_TELL = ("laporan", "lapor", "calo", "tppo", "satgas", "diperiksa", "diteruskan", "selesai", "status")


@pytest.fixture
def channels(app):
    doubles = SimpleNamespace(whatsapp=RecordingChannel("whatsapp"), sms=RecordingChannel("sms"),
                              email=RecordingChannel("email"))
    app.extensions[OVERRIDE_KEY] = {"whatsapp": doubles.whatsapp, "sms": doubles.sms, "email": doubles.email}
    yield doubles
    app.extensions.pop(OVERRIDE_KEY, None)


@pytest.fixture
def visitor_report(make_report):
    return make_report(contact_name="Agustina", contact_phone=PHONE, contact_notify=True)[0]


def _wita(day_offset: int, hour: int, minute: int = 0) -> datetime:
    day = NOON.astimezone(WITA).date() + timedelta(days=day_offset)
    return datetime.combine(day, time(hour, minute), tzinfo=WITA)


def _raw_contacts() -> list:
    return [row[0] for row in db.session.execute(text("SELECT contact FROM outbox_messages"))]


def _verify(officer, report):
    desk.start_verifying(officer, report, "received")
    db.session.commit()


def test_a_visitor_chooses_the_message_seeing_its_exact_text_and_gets_it(client, login_as, channels,
                                                                         report_form):
    form_page = client.get("/forum/lapor/baru").get_data(as_text=True)
    preview = re.search(r'id="contact-preview">([^<]+)<', form_page).group(1).strip()
    assert preview.startswith("Rumah Purna: ada kabar baru untuk kode Anda.")
    assert preview.endswith("https://rumahpurna.test/forum/kode")
    assert not any(word in preview.lower() for word in WORDS_THAT_TELL)
    done = client.post("/forum/lapor/baru", data={**report_form, "contact_name": "Agustina",
                                                   "contact_phone": "0813-3880-0777", "contact_notify": "y"})
    assert preview in done.get_data(as_text=True)
    report = db.session.scalar(select(Report))
    assert report.contact_notify and report.contact_phone == PHONE and report.contact_locale == "id"
    code = report.code

    officer = login_as("satgas")
    client.post(f"/forum/lapor/desk/{report.id}/verify", data={"seen_status": "received"})
    row = db.session.scalar(select(OutboxMessage))
    assert row.user_id is None and row.contact == PHONE and row.channel == "whatsapp"
    assert PHONE not in repr(_raw_contacts()) and "0777" not in repr(_raw_contacts())  # encrypted at rest
    assert "0777" not in repr((row.title, row.body, row.params, row.url, row.outside_text))
    page = client.get(f"/forum/lapor/desk/{report.id}").get_data(as_text=True)
    assert "sedang dikirim ke HP pelapor" in page and "Pelapor meminta dikabari" not in page

    dispatch_due(now=NOON)
    [sent] = channels.whatsapp.sent
    assert sent.to == PHONE and sent.text == preview and code not in sent.text
    assert _raw_contacts() == [None]  # erased once delivered
    page = client.get(f"/forum/lapor/desk/{report.id}").get_data(as_text=True)
    assert "sudah terkirim ke HP pelapor" in page and "Pelapor meminta dikabari" not in page
    # Nobody's inbox, no call task; the officer's inbox has nothing about it either.
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert db.session.scalar(select(func.count(CallTask.id))) == 0
    assert officer.id  # logged in throughout


def test_the_link_opens_a_neutral_page_that_shows_the_status_with_code_and_secret(client, make_report):
    report, secret = make_report(contact_phone=PHONE, contact_notify=True)
    page = client.get("/forum/kode")
    body = page.get_data(as_text=True)
    main = body.split("<main", 1)[-1].split("</main>", 1)[0].lower()
    assert page.status_code == 200 and "Masukkan kode Anda" in body
    assert not any(word in main for word in ("laporan", "lapor", "calo", "satgas"))
    wrong = client.post("/forum/kode", data={"code": report.code, "secret": "AAAA-BBBB-CCCC-DDDD"})
    assert 'id="report-status"' not in wrong.get_data(as_text=True)
    right = client.post("/forum/kode", data={"code": report.code.lower(), "secret": secret})
    assert 'id="report-status"' in right.get_data(as_text=True)


def test_the_neutral_page_shares_the_look_up_limits(client, app, monkeypatch, make_report):
    monkeypatch.setitem(app.config, "REPORT_LOOKUP_LIMIT", "3/hour")
    monkeypatch.setitem(app.config, "REPORT_LOOKUP_CODE_LIMIT", "100/hour")
    report, secret = make_report()
    wrong = {"code": report.code, "secret": "WRONG-0000"}
    statuses = [client.post("/forum/kode", data=wrong).status_code,
                client.post("/forum/lapor/status", data=wrong).status_code,
                client.post("/forum/kode", data=wrong).status_code,
                client.post("/forum/lapor/status", data=wrong).status_code]
    assert statuses == [200, 200, 200, 429]
    assert client.post("/forum/kode", data={"code": report.code, "secret": secret}).status_code == 429


@pytest.mark.parametrize("extra, message", [
    ({"contact_notify": "y"}, "tulis nomor HP Anda"),
    ({"contact_notify": "y", "anonymous": "y"}, "Laporan anonim tidak bisa dikabari"),
])
def test_asking_for_messages_without_a_phone_is_refused_and_nothing_saved(client, report_form, extra, message):
    response = client.post("/forum/lapor/baru", data={**report_form, **extra})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_without_asking_no_message_leaves_and_the_officer_tells_them(client, login_as, make_report, channels):
    report = make_report(contact_phone=PHONE)[0]
    _verify(login_as("satgas"), report)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    page = client.get(f"/forum/lapor/desk/{report.id}").get_data(as_text=True)
    assert "Pelapor meminta dikabari" in page and 'id="contact-delivery"' not in page


def test_a_member_is_told_in_the_inbox_only_even_if_the_choice_is_posted(client, auth, make_user, report_form,
                                                                         login_as, channels):
    member = make_user()
    auth.login(member)
    form_page = client.get("/forum/lapor/baru").get_data(as_text=True)
    assert 'id="contact-preview"' not in form_page
    client.post("/forum/lapor/baru", data={**report_form, "contact_phone": member.phone, "contact_notify": "y"})
    report = db.session.scalar(select(Report))
    assert report.reporter_id == member.id and not report.contact_notify
    client.post("/logout")
    _verify(login_as("satgas"), report)
    dispatch_due(now=NOON)
    assert channels.whatsapp.sent == [] and channels.sms.sent == []
    assert db.session.scalar(select(OutboxMessage.user_id).where(OutboxMessage.user_id.is_(None))) is None


def test_a_final_failure_shows_on_the_report_page_without_a_call_task(client, login_as, visitor_report,
                                                                     channels, caplog):
    caplog.set_level(logging.DEBUG)
    channels.whatsapp.fail = PermanentDeliveryError
    channels.sms.fail = PermanentDeliveryError
    _verify(login_as("satgas"), visitor_report)
    dispatch_due(now=NOON)  # WhatsApp refused → SMS queued with the contact, tried in the same run
    db.session.expire_all()
    rows = {row.channel: row for row in db.session.scalars(select(OutboxMessage))}
    assert rows["whatsapp"].status == "failed" and rows["sms"].status == "failed"
    assert channels.whatsapp.attempts == 1 and channels.sms.attempts == 1
    assert _raw_contacts() == [None, None]
    assert db.session.scalar(select(func.count(CallTask.id))) == 0
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    page = client.get(f"/forum/lapor/desk/{visitor_report.id}").get_data(as_text=True)
    assert "tidak sampai" in page and "Pelapor meminta dikabari" in page  # the fallback: tell them, record it
    client.post(f"/forum/lapor/desk/{visitor_report.id}/told", data={"seen_status": "verifying"})
    assert "Pelapor meminta dikabari" not in client.get(f"/forum/lapor/desk/{visitor_report.id}").get_data(
        as_text=True)
    assert "0777" not in caplog.text and "+62813" not in caplog.text


def test_retries_back_off_and_keep_the_contact_until_the_last_attempt(app, login_as, visitor_report, channels,
                                                                      monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_MAX_ATTEMPTS", 2)
    channels.whatsapp.fail = DeliveryError
    _verify(login_as("satgas"), visitor_report)
    dispatch_due(now=NOON)
    row = db.session.scalar(select(OutboxMessage))
    assert row.status == "pending" and row.attempts == 1 and row.contact == PHONE
    assert row.due_at == NOON + timedelta(seconds=60)
    assert dispatch_due(now=NOON + timedelta(seconds=30))["sent"] == 0  # not due yet
    channels.whatsapp.fail = None
    dispatch_due(now=NOON + timedelta(seconds=61))
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row.id).status == "sent" and channels.whatsapp.attempts == 2
    assert _raw_contacts() == [None]


def test_quiet_hours_hold_the_message_until_seven_wita(login_as, visitor_report, channels):
    _verify(login_as("satgas"), visitor_report)
    dispatch_due(now=_wita(0, 22))
    row = db.session.scalar(select(OutboxMessage))
    assert row.status == "pending" and row.due_at == _wita(1, 7) and row.contact == PHONE
    dispatch_due(now=_wita(1, 6, 59))
    assert channels.whatsapp.sent == []
    dispatch_due(now=_wita(1, 7))
    assert len(channels.whatsapp.sent) == 1


def test_one_message_per_status_however_often_it_is_asked(login_as, visitor_report, channels):
    officer = login_as("satgas")
    _verify(officer, visitor_report)
    assert not notify_contact(PHONE, key=desk.contact_message_key(visitor_report), text=desk.CONTACT_TEXT)
    dispatch_due(now=NOON)
    dispatch_due(now=NOON + timedelta(minutes=10))
    assert channels.whatsapp.counts()[f"report:{visitor_report.id}:contact:verifying:whatsapp"] == 1
    desk.refer(officer, visitor_report, "verifying", "polri")
    db.session.commit()
    dispatch_due(now=NOON + timedelta(minutes=20))
    assert len(channels.whatsapp.sent) == 2  # one more for the new status


def test_the_log_channel_writes_the_reference_only(app, login_as, visitor_report, caplog):
    caplog.set_level(logging.DEBUG)
    _verify(login_as("satgas"), visitor_report)
    dispatch_due(now=NOON)
    assert "to=contact ref=" in caplog.text
    assert "0777" not in caplog.text and "+62813" not in caplog.text and "report:" not in caplog.text


def test_erasing_forgets_the_contact_in_every_state(login_as, visitor_report, channels):
    _verify(login_as("satgas"), visitor_report)
    assert erase_contacts(f"report:{visitor_report.id}:") == 1
    db.session.commit()
    row = db.session.scalar(select(OutboxMessage))
    assert row.contact is None and row.status == "cancelled"
    dispatch_due(now=NOON)
    assert channels.whatsapp.sent == []


def test_an_admin_sees_no_delivery_state_and_no_call_task(client, login_as, visitor_report, channels):
    channels.whatsapp.fail = PermanentDeliveryError
    channels.sms.fail = PermanentDeliveryError
    _verify(login_as("satgas"), visitor_report)
    dispatch_due(now=NOON)
    dispatch_due(now=NOON + timedelta(seconds=1))
    client.post("/logout")
    login_as("admin")
    page = client.get(f"/forum/lapor/desk/{visitor_report.id}").get_data(as_text=True)
    assert 'id="contact-delivery"' not in page and "0777" not in page
    tasks = client.get("/staff/call-tasks")
    assert tasks.status_code == 200 and "0777" not in tasks.get_data(as_text=True)
