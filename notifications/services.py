"""Telling people things: the in-app inbox, the outbox, preferences, call tasks.

Feature packages call ``notify`` and ``cancel_messages`` only (and, for someone
without an account, ``notify_contact``/``erase_contacts``/``delivery_state``);
they never send anything themselves. Texts are Bahasa Indonesia msgids marked with ``N_`` so they
are extracted for translation and rendered in the recipient's language when shown
or sent. Never put NIK, note text or other sensitive content in a message.

Rules the dispatcher (``notifications.dispatch``) applies per person:

- Channels: in-app always; then WhatsApp, or SMS when WhatsApp is off; email when
  chosen and an address is known. WhatsApp failing falls back to SMS; the phone
  channels failing leaves a "call this person" task for staff.
- Quiet hours (default 21:00–07:00 WITA): only in-app is delivered; other
  messages wait until the quiet hours end. Urgent messages (``urgent=True``:
  a crisis alert to a counselor, a session cancelled at short notice) do not
  wait.
- Weekly cap (default 10 non-urgent messages outside the app in 7 days): past
  the cap a message is *not* held back for later (a reminder a week late helps
  nobody) but dropped to in-app only: the inbox notice is always there.
"""
from __future__ import annotations

from notifications.call_tasks import (  # noqa: F401 (the package's public face)
    CALL_TASK_DEFAULT_ROLE,
    CALL_TASK_ROLE_BY_PREFIX,
    CALL_TASK_ROLES,
    call_task_role,
    complete_call_task,
    open_call_task,
    open_call_tasks,
)
from notifications.contacts import (  # noqa: F401
    DELIVERED,
    FAILED,
    WAITING,
    contact_preview,
    delivery_state,
    delivery_states,
    erase_contacts,
    notify_contact,
)
from notifications.inbox import (  # noqa: F401
    add_inbox_notice,
    deliver_in_app,
    inbox,
    mark_read,
    unread_count,
)
from notifications.outbox import (  # noqa: F401
    N_,
    NEUTRAL_TEXT,
    _enqueue,
    cancel_messages,
    inbox_path,
    notify,
    reminders_due,
    render,
)
from notifications.personal_data import erase_for, export_for  # noqa: F401
from notifications.preferences import (  # noqa: F401
    PHONE_CHANNELS,
    default_channels,
    phone_chain,
    preferences_for,
    save_preferences,
)
from notifications.roles import notify_role, role_holders  # noqa: F401
