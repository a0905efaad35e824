"""Documented signals through which feature packages react to each other.

A feature package never imports another feature package; it connects a receiver
to one of these signals in its ``handlers.py`` instead.
"""
from blinker import Namespace

_signals = Namespace()

user_registered = _signals.signal("user-registered")
"""Sent with ``sender=user`` after a new account is flushed (before commit)."""

collect_personal_data = _signals.signal("collect-personal-data")
"""Sent with ``sender=user`` when a member exports their data (UU PDP).

Each receiver returns ``(section_name, data)`` where data is JSON-serialisable,
or ``None`` when it holds nothing for this user. Sensitive fields that the member
may not see (counselors' notes) must not be included.
"""

account_deleting = _signals.signal("account-deleting")
"""Sent with ``sender=user`` inside the deletion transaction, before the account is
anonymised. Receivers erase or anonymise their rows, remove their files and cancel
pending reminders; they only flush."""

member_home_cards = _signals.signal("member-home-cards")
"""Sent with ``sender=user`` when the member home is drawn. Each receiver returns a
list of ``HomeCard`` (see ``core.home``) or an empty list."""

seed_demo = _signals.signal("seed-demo")
"""Sent by ``flask seed-demo`` after the demo accounts exist, with
``sender=users`` (a dict from demo key such as ``"member"`` to ``User``).
Receivers add their demo data idempotently and only flush."""

role_granted = _signals.signal("role-granted")
"""Sent with ``sender=user`` (who received the role), ``role=`` the role name and
``by=`` the acting user, after the role is flushed (before commit), by
``accounts`` whenever a role is granted. Receivers prepare what the role needs
(a counselor's profile) and only flush; they never commit."""

service_links = _signals.signal("service-links")
"""Sent with ``sender=user`` (or ``None`` for a visitor) when the "Layanan" page
(all services of the platform) is drawn. Each receiver returns a list of
``ServiceLink`` (see ``core.home``) the user may open, or an empty list."""

staff_workspace = _signals.signal("staff-workspace")
"""Sent with ``sender=user`` when the home page of a logged-in user is drawn.
Receivers return a list of ``StaffPanel`` (see ``core.home``) for the staff roles
the user holds (their dashboard, queue, today's work), or an empty list for a
user without that role. Panels are shown first, above the member cards."""

invoice_status_changed = _signals.signal("invoice-status-changed")
"""Sent by ``payments`` with ``sender=invoice`` and ``old_status``/``new_status``
after an invoice changed state (paid, expired, refunded, void), inside the
transaction. The package that owns the invoice's subject (``invoice.subject_kind``)
reacts; receivers only flush."""

account_deletion_notes = _signals.signal("account-deletion-notes")
"""Sent with ``sender=user`` when the account deletion page is drawn. Each receiver
returns a sentence (in the user's language) about what deletion will keep or remove
in its part, or ``None``: the page says so before the member decides."""

business_next_stall = _signals.signal("business-next-stall")
"""Sent by ``marketplace`` with ``sender=business`` when its public page is drawn.
A receiver (the stalls part) returns where to find the business next, as
``(text, url)``: a short sentence already in the reader's language (``"Minggu,
7 Desember: lapak B-12, Pasar SABOAK"``) and a link to the market day or stall
(or ``None``); or ``None`` when it has nothing upcoming. Read-only: never writes.
Public pages are kept for anonymous visitors for ``MARKET_CACHE_SECONDS``; call
``marketplace.cache.bump()`` in the transaction that changes an allocation to
show it at once."""

market_sales_evidence = _signals.signal("market-sales-evidence")
"""Sent with ``sender=user`` by a page that can use a member's sales evidence (the
KUR application). ``marketplace`` returns a list of ``(business name, url)`` for
each business the member runs that has a weekly sales log: the url opens the
printable evidence page (private to the business's members and UMKM staff)."""
