"""``notify_role``: one notice to every active holder of a staff role, each once."""
from __future__ import annotations

from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from notifications.models import CallTask, Notification, OutboxMessage
from notifications.services import N_, notify_role, role_holders


def _inbox_users(prefix: str) -> list[int]:
    return sorted(db.session.scalars(
        select(Notification.user_id).where(Notification.key.startswith(prefix))
    ))


def test_every_active_holder_is_told_once_and_others_are_not(make_user):
    first = make_user(roles=("member", "satgas"))
    second = make_user(roles=("satgas", "admin"))
    make_user(roles=("member",))                       # not a holder
    make_user(roles=("satgas",), active=False)         # disabled
    make_user(roles=("satgas",), deleted_at=utcnow())  # deleted

    for _ in range(2):  # the same news twice: still one notice each
        told = notify_role("satgas", key=lambda holder: f"test:1:u{holder.id}",
                           title=N_("Laporan mendesak baru: %(code)s"), params={"code": "ABC"})
        db.session.commit()

    assert told == 2
    assert _inbox_users("test:1:") == sorted([first.id, second.id])
    assert [user.id for user in role_holders("satgas")] == sorted([first.id, second.id])


def test_inbox_only_queues_nothing_outside_and_skip_leaves_one_out(make_user):
    author = make_user(roles=("counselor",))
    colleague = make_user(roles=("counselor",))

    told = notify_role("counselor", key=lambda holder: f"test:2:u{holder.id}", skip=author.id,
                       inbox_only=True, title=N_("Perlu perhatian segera"))
    db.session.commit()

    assert told == 1
    assert _inbox_users("test:2:") == [colleague.id]
    assert db.session.scalars(select(OutboxMessage.key)
                              .where(OutboxMessage.key.startswith("test:2:"))).all() == []


def test_without_inbox_only_the_usual_channels_are_queued(make_user):
    moderator = make_user(roles=("moderator",))

    notify_role("moderator", key=lambda holder: f"test:3:u{holder.id}", title=N_("Perlu perhatian segera"),
                outside=N_("Rumah Purna: ada pesan mendesak untuk Anda. Mohon buka kotak masuk Anda hari ini."))
    db.session.commit()

    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.startswith("test:3:"))).all()
    assert [(row.user_id, row.channel) for row in rows] == [(moderator.id, "whatsapp")]
    assert rows[0].outside_text.startswith("Rumah Purna: ada pesan mendesak")


def test_each_handles_makes_each_holder_the_handler_of_their_own_message(make_user):
    counselors = [make_user(roles=("counselor",)) for _ in range(2)]

    notify_role("counselor", key=lambda holder: f"test:4:u{holder.id}", each_handles=True,
                title=N_("Perlu perhatian segera"))
    notify_role("counselor", key=lambda holder: f"test:5:u{holder.id}", title=N_("Perlu perhatian segera"))
    db.session.commit()

    handlers = {row.key: (row.user_id, row.handler_id)
                for row in db.session.scalars(select(OutboxMessage))}
    for counselor in counselors:
        assert handlers[f"test:4:u{counselor.id}:whatsapp"] == (counselor.id, counselor.id)
        assert handlers[f"test:5:u{counselor.id}:whatsapp"] == (counselor.id, None)
    assert db.session.scalar(select(CallTask.id)) is None
