"""The dispatcher: quiet hours, weekly cap, retries, fallback, crashes."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.i18n import WITA
from notifications import dispatch
from notifications.channels import DeliveryError, PermanentDeliveryError
from notifications.jobs import dispatch_due
from notifications.models import CallTask, Notification, NotificationPreference, OutboxMessage
from notifications.services import N_, notify
from tests.notifications.conftest import NOON
from tests.notifications.doubles import Killed


def _wita(day_offset: int, hour: int, minute: int = 0) -> datetime:
    day = NOON.astimezone(WITA).date() + timedelta(days=day_offset)
    return datetime.combine(day, time(hour, minute), tzinfo=WITA).astimezone(UTC)


def _row(key: str) -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))


def _inbox_count(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id)
    )


# --- quiet hours -------------------------------------------------------------------

def test_quiet_hours_hold_external_messages_until_morning(member, channels):
    evening = _wita(0, 22, 15)
    notify(member, key="training:1:reminder", title=N_("Pengingat"), due_at=evening)
    db.session.commit()

    dispatch_due(now=evening)
    assert _inbox_count(member) == 1  # in-app is delivered in quiet hours
    assert channels.whatsapp.sent == []
    assert _row("training:1:reminder:whatsapp").due_at == _wita(1, 7)

    dispatch_due(now=_wita(1, 6, 59))
    assert channels.whatsapp.sent == []
    dispatch_due(now=_wita(1, 7))
    dispatch_due(now=_wita(1, 7, 1))
    assert channels.whatsapp.keys == ["training:1:reminder:whatsapp"]


def test_urgent_messages_do_not_wait_for_the_morning(member, channels):
    evening = _wita(0, 23)
    notify(member, key="wellbeing:1:urgent", title=N_("Perlu perhatian segera"), due_at=evening,
           urgent=True)
    notify(member, key="news:1", title=N_("Kabar"), due_at=evening)
    db.session.commit()
    dispatch_due(now=evening)
    assert channels.whatsapp.keys == ["wellbeing:1:urgent:whatsapp"]


def test_quiet_hours_follow_the_persons_choice(member, channels):
    db.session.add(NotificationPreference(
        user_id=member.id, quiet_from=time(13, 0), quiet_until=time(15, 0)
    ))
    notify(member, key="kur:1:stage", title=N_("Pengingat"), due_at=_wita(0, 14))
    notify(member, key="kur:2:stage", title=N_("Pengingat"), due_at=_wita(0, 22))
    db.session.commit()

    dispatch_due(now=_wita(0, 14))
    dispatch_due(now=_wita(0, 14, 59))
    assert channels.whatsapp.sent == []
    dispatch_due(now=_wita(0, 15))
    assert channels.whatsapp.keys == ["kur:1:stage:whatsapp"]
    dispatch_due(now=_wita(0, 22))  # 22:00 is not quiet for this person
    assert channels.whatsapp.keys == ["kur:1:stage:whatsapp", "kur:2:stage:whatsapp"]


@pytest.mark.parametrize(
    ("start", "end", "at", "expected"),
    [
        (time(21), time(7), (0, 20, 59), None),
        (time(21), time(7), (0, 21, 0), (1, 7)),
        (time(21), time(7), (0, 3, 0), (0, 7)),
        (time(21), time(7), (0, 7, 0), None),
        (time(13), time(15), (0, 14, 30), (0, 15)),
        (time(13), time(15), (0, 15, 0), None),
    ],
)
def test_quiet_window_edges(start, end, at, expected):
    prefs = NotificationPreference(quiet_from=start, quiet_until=end)
    result = dispatch.quiet_until(prefs, _wita(*at))
    assert result == (None if expected is None else _wita(*expected))


# --- weekly cap --------------------------------------------------------------------

def test_weekly_cap_drops_extra_messages_to_the_inbox(member, channels):
    db.session.add(NotificationPreference(user_id=member.id, weekly_cap=3))
    db.session.commit()
    for day in range(5):
        notify(member, key=f"news:{day}", title=N_("Kabar"), due_at=_wita(day, 10))
    notify(member, key="appointment:9:moved", title=N_("Jadwal berubah"), due_at=_wita(4, 11),
           urgent=True)
    db.session.commit()
    for day in range(5):
        dispatch_due(now=_wita(day, 12))

    assert channels.whatsapp.keys == [
        "news:0:whatsapp", "news:1:whatsapp", "news:2:whatsapp", "appointment:9:moved:whatsapp"
    ]
    assert _row("news:3:whatsapp").status == "capped"
    assert _inbox_count(member) == 6  # nothing lost: every message is in the inbox

    # Seven days after the first message the window has room again.
    notify(member, key="news:later", title=N_("Kabar"), due_at=_wita(7, 10))
    db.session.commit()
    dispatch_due(now=_wita(7, 12))
    assert channels.whatsapp.keys[-1] == "news:later:whatsapp"


def test_cap_counts_messages_not_channels(make_user, channels):
    user = make_user(email="yuliana@example.id")
    db.session.add(NotificationPreference(user_id=user.id, weekly_cap=2, email=True))
    db.session.commit()
    for n in range(3):
        notify(user, key=f"news:{n}", title=N_("Kabar"), due_at=NOON)
    db.session.commit()
    dispatch_due(now=NOON)
    assert len(channels.whatsapp.sent) == 2 and len(channels.email.sent) == 2


# --- retries and fallback ----------------------------------------------------------

def test_retries_back_off_then_fall_back_to_sms(member, channels):
    channels.whatsapp.fail = DeliveryError
    notify(member, key="training:2:reminder", title=N_("Pengingat"))
    db.session.commit()

    moment = NOON
    delays = []
    for _ in range(3):
        dispatch_due(now=moment)
        row = _row("training:2:reminder:whatsapp")
        assert row.status == "pending" and channels.sms.sent == []
        delays.append(row.due_at - moment)
        dispatch_due(now=row.due_at - timedelta(seconds=1))  # not yet
        moment = row.due_at
    assert delays == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert channels.whatsapp.attempts == 3

    dispatch_due(now=moment)  # 4th and last attempt fails: SMS goes out at once
    row = _row("training:2:reminder:whatsapp")
    assert row.status == "failed" and row.attempts == 4 and "provider said no" in row.last_error
    assert channels.sms.keys == ["training:2:reminder:sms"]
    assert db.session.scalar(select(func.count(CallTask.id))) == 0


def test_whatsapp_then_sms_fail_leaves_a_call_task(member, channels):
    channels.whatsapp.fail = PermanentDeliveryError
    channels.sms.fail = PermanentDeliveryError
    notify(member, key="kur:5:stage-survey", title=N_("Pengingat"))
    db.session.commit()

    dispatch_due(now=NOON)
    assert channels.whatsapp.attempts == 1 and channels.sms.attempts == 1  # no retries
    task = db.session.scalar(select(CallTask))
    assert task.user_id == member.id and task.message_key == "kur:5:stage-survey"
    assert task.role == "umkm_staff"
    assert task.status == "open"
    dispatch_due(now=NOON + timedelta(hours=1))
    assert db.session.scalar(select(func.count(CallTask.id))) == 1


def test_whatsapp_turned_off_goes_straight_to_sms(member, channels):
    notify(member, key="market:1:allocated", title=N_("Pengingat"), due_at=NOON)
    db.session.add(NotificationPreference(user_id=member.id, whatsapp=False))
    db.session.commit()
    dispatch_due(now=NOON)
    assert channels.whatsapp.sent == []
    assert channels.sms.keys == ["market:1:allocated:sms"]


def test_phone_channels_off_means_inbox_only(member, channels):
    db.session.add(NotificationPreference(user_id=member.id, whatsapp=False, sms=False))
    notify(member, key="news:1", title=N_("Kabar"), due_at=NOON, channels=["whatsapp"])
    db.session.commit()
    dispatch_due(now=NOON)
    assert channels.whatsapp.sent == [] and channels.sms.sent == []
    assert _inbox_count(member) == 1
    assert db.session.scalar(select(func.count(CallTask.id))) == 0


def test_texts_are_short_and_in_the_persons_language(make_user, channels, app, monkeypatch):
    english = make_user(locale="en")
    # The member chose the full text (the default is neutral, see test_privacy).
    db.session.add(NotificationPreference(user_id=english.id, full_text=True))
    monkeypatch.setitem(app.config, "SITE_URL", "https://rumahpurna.example")
    notify(english, key="demo:welcome", title=N_("Selamat datang di Rumah Purna"),
           body=N_("Atur cara kami menghubungi Anda di Akun, Pengaturan notifikasi."),
           url="/account/notifications", channels=["sms"])
    db.session.commit()
    dispatch_due(now=NOON)
    (message,) = channels.sms.sent
    assert message.text.startswith("Rumah Purna: Welcome to Rumah Purna")
    assert len(message.text) <= 160 and message.to == english.phone
    assert message.text.endswith(" https://rumahpurna.example/account/notifications")


# --- crashes -----------------------------------------------------------------------

def _queue(member, count: int) -> list[str]:
    for n in range(count):
        notify(member, key=f"bulk:{n}", title=N_("Kabar"), due_at=NOON, urgent=True,
               channels=["whatsapp"])
    db.session.commit()
    return [f"bulk:{n}:whatsapp" for n in range(count)]


def test_dispatcher_killed_mid_batch_loses_and_repeats_nothing(member, channels):
    keys = _queue(member, 30)
    channels.whatsapp.kill_after = 15
    with pytest.raises(Killed, match="^$"):  # the double's own kill, nothing else
        dispatch.dispatch_due(now=NOON, chunk=10)
    db.session.rollback()  # the process is gone: its open transaction with it
    db.session.remove()
    assert len(channels.whatsapp.sent) == 15
    channels.whatsapp.kill_after = None

    # Restarted a minute later: the untouched rows go out, the 5 rows the dead
    # process still held wait for its claim to expire (it might still be sending).
    dispatch_due(now=NOON + timedelta(minutes=1))
    assert len(channels.whatsapp.sent) == 25
    dispatch_due(now=NOON + dispatch.LEASE + timedelta(minutes=1))
    assert sorted(channels.whatsapp.keys) == sorted(keys)
    assert set(channels.whatsapp.counts().values()) == {1}
    assert {_row(key).status for key in keys} == {"sent"}


def test_killed_before_commit_of_inbox_delivery_delivers_later_once(member, channels, monkeypatch):
    for n in range(3):
        notify(member, key=f"inbox:{n}", title=N_("Kabar"), due_at=NOON, channels=["in_app"])
    db.session.commit()

    def die(*args, **kwargs):
        raise Killed()

    monkeypatch.setattr("notifications.triage._sent_this_week", die)
    with pytest.raises(Killed, match="^$"):  # the double's own kill, nothing else
        dispatch_due(now=NOON)
    db.session.rollback()
    assert _inbox_count(member) == 0
    assert {r.status for r in db.session.scalars(select(OutboxMessage))} == {"pending"}

    monkeypatch.undo()
    dispatch_due(now=NOON)
    dispatch_due(now=NOON + timedelta(hours=1))
    assert _inbox_count(member) == 3


def test_a_channel_error_does_not_stop_the_batch(member, channels):
    keys = _queue(member, 5)
    channels.whatsapp.fail = RuntimeError
    channels.whatsapp.fail_keys = {keys[1]}
    result = dispatch_due(now=NOON)
    assert result["sent"] == 4 and result["retry"] == 1
    row = _row(keys[1])
    assert row.status == "pending" and row.last_error == "RuntimeError"


def test_idempotent_channel_is_marked_in_batches_and_repeats_only_with_its_key(member, channels, count_queries):
    """A provider that dedupes by Idempotency-Key has its successes marked together
    (one UPDATE for the chunk); killed before that mark, the messages go again after
    the lease with the same reference, and nothing is lost."""
    channels.whatsapp.idempotent = True
    keys = _queue(member, 30)
    with count_queries() as log:
        assert dispatch_due(now=NOON)["sent"] == 30
    marks = [s for s in log.statements if s.lstrip().upper().startswith("UPDATE") and "sent_at" in s]
    assert len(marks) == 1, marks
    assert sorted(channels.whatsapp.keys) == sorted(keys)

    more = [f"more:{n}:whatsapp" for n in range(10)]
    for n in range(10):
        notify(member, key=f"more:{n}", title=N_("Kabar"), due_at=NOON, channels=["whatsapp"], urgent=True)
    db.session.commit()
    channels.whatsapp.kill_after = 35
    with pytest.raises(Killed, match="^$"):
        dispatch_due(now=NOON)
    db.session.rollback()
    db.session.remove()
    first = [m.reference for m in channels.whatsapp.sent[30:]]
    channels.whatsapp.kill_after = None
    dispatch_due(now=NOON + dispatch.LEASE + timedelta(minutes=1))
    sent = channels.whatsapp.sent[30:]
    assert sorted({m.key for m in sent}) == sorted(more)  # every one arrived
    repeated = [m.reference for m in sent[len(first):] if m.reference in first]
    assert len(repeated) == len(first) == 5  # the unmarked ones again, same key
    assert {r.status for r in db.session.scalars(select(OutboxMessage))} == {"sent"}
