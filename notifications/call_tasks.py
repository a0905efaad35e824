""""Call this person" tasks: a message reached someone on no phone channel, so
the staff role responsible for it (only the handler, when one is named) calls."""
from __future__ import annotations

from sqlalchemy import or_, select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from notifications.models import CallTask, OutboxMessage

# Who handles a "call this person" task, by the prefix of the message key: only
# that role sees the task (a counseling appointment is nobody else's business).
# Keys with any other prefix (account messages, demo data) go to the admins.
CALL_TASK_ROLE_BY_PREFIX = {
    "appointment": "counselor",
    "counselor": "counselor",
    "wellbeing": "counselor",
    "training": "umkm_staff",
    "kur": "umkm_staff",
    "stall-application": "umkm_staff",
    "community": "moderator",
}
CALL_TASK_DEFAULT_ROLE = "admin"
# Roles that may open the call-task page (and see its link on the Akun page).
CALL_TASK_ROLES = ("admin", "counselor", "registrar", "umkm_staff", "moderator")


def call_task_role(message_key: str) -> str:
    """The staff role responsible for calling about the message ``message_key``.

    Decided by the key's prefix (``appointment:42:reminder-24h`` → ``counselor``,
    see ``CALL_TASK_ROLE_BY_PREFIX``); any other key goes to ``admin``.
    """
    prefix, separator, _rest = message_key.partition(":")
    if not separator:
        return CALL_TASK_DEFAULT_ROLE
    return CALL_TASK_ROLE_BY_PREFIX.get(prefix, CALL_TASK_DEFAULT_ROLE)


def open_call_task(message: OutboxMessage | object) -> bool:
    """Ask staff to call the person: a message reached them on no phone channel.
    One task per message (``base_key``); it keeps the message's ``handler_id`` and
    ``recipient_label``. Returns whether a task was added."""
    exists = db.session.scalar(
        select(CallTask.id).where(CallTask.message_key == message.base_key)
    )
    if exists:
        return False
    db.session.add(
        CallTask(
            message_key=message.base_key,
            role=call_task_role(message.base_key),
            handler_id=getattr(message, "handler_id", None),
            user_id=message.user_id,
            recipient_label=getattr(message, "recipient_label", None),
            title=message.title,
            params=message.params or {},
            url=message.url,
        )
    )
    return True


def open_call_tasks(viewer: User, page: int, per_page: int = 25):
    """The open tasks ``viewer``'s roles are responsible for, oldest first (the
    person waiting longest is called first). Several roles: all their tasks.
    A task with a handler is that person's alone (see ``notify(handled_by=...)``)."""
    statement = (
        select(CallTask)
        .where(CallTask.status == "open")
        .where(CallTask.role.in_(sorted(viewer.roles)))
        .where(or_(CallTask.handler_id.is_(None), CallTask.handler_id == viewer.id))
        .order_by(CallTask.created_at, CallTask.id)
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def complete_call_task(actor: User, task: CallTask) -> None:
    """``actor`` has called the person (or tried): the task is done."""
    from accounts import audit

    task.status = "done"
    task.done_at = utcnow()
    task.done_by_id = actor.id
    audit.record(
        actor, "call_task.done", subject=task.user, object_type="call_task", object_id=task.id
    )
    db.session.flush()
