"""Who may see and do what with notifications and call tasks."""
from __future__ import annotations

from accounts.models import User
from notifications.models import CallTask, Notification
from notifications.services import CALL_TASK_ROLES


def can_open_notification(user: User, notification: Notification | None) -> bool:
    return (
        notification is not None
        and user.is_authenticated
        and notification.user_id == user.id
    )


def can_view_call_tasks(user: User) -> bool:
    return user.is_authenticated and user.has_role(*CALL_TASK_ROLES)


def can_complete_call_task(user: User, task: CallTask | None) -> bool:
    """Only the role responsible for the task sees it and marks it done, and of
    that role only the task's handler when it names one."""
    return (
        task is not None
        and task.status == "open"
        and can_view_call_tasks(user)
        and user.has_role(task.role)
        and (task.handler_id is None or task.handler_id == user.id)
    )


TEMPLATE_PREDICATES = {
    "can_view_call_tasks": can_view_call_tasks,
    "can_complete_call_task": can_complete_call_task,
}
