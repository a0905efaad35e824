"""Privacy of messages that go wrong: the call task is the responsible staff
member's alone and shows the name they know, and message keys (which tie a
person to what they did) never reach a log line or a provider."""
from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from notifications.channels import (
    OVERRIDE_KEY,
    HttpChannel,
    LogChannel,
    PermanentDeliveryError,
    opaque_reference,
)
from notifications.jobs import dispatch_due
from notifications.models import CallTask, OutboxMessage
from notifications.services import N_, notify
from tests.notifications.conftest import NOON

# --- call tasks: the handler alone, under the label they know -------------------------


@pytest.fixture
def paulina(make_user):
    """A member whose real name her counselor does not know (she booked as "Ina")."""
    return make_user(name="Paulina Rahasia", phone="+6281377770001")


def _unreachable(channels, user, key="appointment:42:confirmed", **kwargs):
    """A message that reaches ``user`` on neither WhatsApp nor SMS: a call task."""
    channels.whatsapp.fail = PermanentDeliveryError
    channels.sms.fail = PermanentDeliveryError
    notify(user, key=key, title=N_("Sesi konseling dikonfirmasi"), **kwargs)
    db.session.commit()
    dispatch_due(now=NOON)
    return db.session.scalar(select(CallTask).where(CallTask.message_key == key))


def test_handler_and_label_travel_from_notify_through_the_fallback(channels, paulina, make_user):
    counselor = make_user(roles=("counselor",))
    task = _unreachable(channels, paulina, handled_by=counselor, recipient_label=" Ina ")
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel != "in_app")).all()
    assert {r.channel for r in rows} == {"whatsapp", "sms"}  # SMS was the fallback
    assert {(r.handler_id, r.recipient_label) for r in rows} == {(counselor.id, "Ina")}
    assert task.role == "counselor" and task.handler_id == counselor.id
    assert task.recipient_label == "Ina"


def test_another_counselor_never_sees_or_closes_the_task(
    client, auth, channels, paulina, make_user
):
    mine = make_user(roles=("counselor",))
    colleague = make_user(roles=("counselor",))
    task = _unreachable(channels, paulina, handled_by=mine, recipient_label="Ina")

    auth.login(colleague)
    html = client.get("/staff/call-tasks").get_data(as_text=True)
    assert "Tidak ada yang perlu ditelepon" in html
    for secret in ("Paulina", "Ina", "77770001", "Sesi konseling dikonfirmasi", f"/{task.id}/done"):
        assert secret not in html, secret
    assert client.post(f"/staff/call-tasks/{task.id}/done").status_code == 404
    db.session.expire_all()
    assert db.session.get(CallTask, task.id).status == "open"
    auth.logout()

    auth.login(mine)
    html = client.get("/staff/call-tasks").get_data(as_text=True)
    assert "<strong>Ina</strong>" in html and "Paulina" not in html  # the name she gave
    assert "tel:+6281377770001" in html  # the number stays: the counselor must call
    assert client.post(f"/staff/call-tasks/{task.id}/done").status_code == 302
    db.session.expire_all()
    task = db.session.get(CallTask, task.id)
    assert task.status == "done" and task.done_by_id == mine.id


def test_without_a_handler_the_role_still_decides(client, login_as, channels, paulina):
    login_as("umkm_staff")
    task = _unreachable(channels, paulina, key="kur:5:stage-survey")
    assert task.handler_id is None and task.recipient_label is None
    html = client.get("/staff/call-tasks").get_data(as_text=True)
    assert "Paulina Rahasia" in html
    assert client.post(f"/staff/call-tasks/{task.id}/done").status_code == 302


def test_an_admin_does_not_see_a_handled_task_either(client, login_as, channels, paulina, make_user):
    login_as("admin", "counselor")
    task = _unreachable(channels, paulina, handled_by=make_user(roles=("counselor",)))
    page = client.get("/staff/call-tasks")
    assert page.status_code == 200 and "Perlu ditelepon" in page.get_data(as_text=True)
    assert "Paulina" not in page.get_data(as_text=True)
    assert client.post(f"/staff/call-tasks/{task.id}/done").status_code == 404


# --- opaque references in logs and provider requests ---------------------------------

def _community_key(user) -> str:
    return f"community:u{user.id}:p9:approved"


def _assert_no_key(text: str, user) -> None:
    assert "community:" not in text
    assert not re.search(rf"\bu{user.id}\b", text)  # the author's id
    assert ":p9" not in text


def test_reference_is_stable_opaque_and_keyed(app, monkeypatch):
    key = "community:u5:p9:approved:whatsapp"
    reference = opaque_reference(key)
    assert re.fullmatch(r"[0-9a-f]{24}", reference)
    assert opaque_reference(key) == reference
    assert opaque_reference("community:u6:p9:approved:whatsapp") != reference
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret")
    assert opaque_reference(key) != reference  # nobody can compute it without the secret


def test_the_log_channel_logs_the_reference_not_the_key(app, member, caplog):
    app.extensions[OVERRIDE_KEY] = {"whatsapp": LogChannel("whatsapp"), "sms": LogChannel("sms")}
    try:
        notify(member, key=_community_key(member), title=N_("Kiriman Anda sudah tampil"))
        db.session.commit()
        with caplog.at_level(logging.DEBUG, logger="rumahpurna"):
            assert dispatch_due(now=NOON)["sent"] == 1  # WhatsApp (in-app went at once)
    finally:
        app.extensions.pop(OVERRIDE_KEY, None)
    _assert_no_key(caplog.text, member)
    assert opaque_reference(f"{_community_key(member)}:whatsapp") in caplog.text


def test_a_failed_send_logs_the_reference_not_the_key(member, channels, caplog):
    channels.whatsapp.fail = PermanentDeliveryError
    channels.sms.fail = PermanentDeliveryError
    notify(member, key=_community_key(member), title=N_("Kiriman Anda sudah tampil"))
    db.session.commit()
    with caplog.at_level(logging.DEBUG, logger="rumahpurna"):
        dispatch_due(now=NOON)
    assert "send failed" in caplog.text
    _assert_no_key(caplog.text, member)
    for channel in ("whatsapp", "sms"):
        assert opaque_reference(f"{_community_key(member)}:{channel}") in caplog.text


def test_the_provider_gets_the_same_opaque_reference_on_a_retry(app, member, provider, caplog):
    app.extensions[OVERRIDE_KEY] = {"whatsapp": HttpChannel("whatsapp", provider["url"], "t")}
    provider["state"]["status"] = 503
    try:
        notify(member, key=_community_key(member), title=N_("Kiriman Anda sudah tampil"))
        db.session.commit()
        with caplog.at_level(logging.DEBUG, logger="rumahpurna"):
            assert dispatch_due(now=NOON)["retry"] == 1
            provider["state"]["status"] = 200
            assert dispatch_due(now=NOON + timedelta(minutes=5))["sent"] == 1
    finally:
        app.extensions.pop(OVERRIDE_KEY, None)
    first, second = provider["received"]
    expected = opaque_reference(f"{_community_key(member)}:whatsapp")
    for request in (first, second):
        assert request["headers"]["Idempotency-Key"] == expected
        assert request["json"]["reference"] == expected
        _assert_no_key(json.dumps(request), member)
    _assert_no_key(caplog.text, member)
