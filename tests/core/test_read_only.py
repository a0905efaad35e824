"""Pages marked ``@read_only`` (core/read_only.py): which they are, and on
PostgreSQL that they send every statement outside a transaction, as a member, a
staff member and a visitor, without tripping the write guard."""
from __future__ import annotations

import pytest

from core.extensions import db
from tests.conftest import POSTGRES, statements_inside_a_transaction

READ_ONLY = {
    "site.home", "accounts.account", "community.index", "community.category", "community.thread",
    "notifications.inbox", "mentoring.counseling.counselors",
    "mentoring.counseling.counselor_detail", "mentoring.training.trainings",
    "mentoring.counseling.staff_dashboard", "mentoring.counseling.staff_day",
    "mentoring.counseling.staff_requests", "mentoring.kur.kur_applications",
    "marketplace.index", "marketplace.search", "marketplace.business_detail",
    "marketplace.product_detail", "marketplace.stalls.day_map", "marketplace.stalls.day_map_svg",
    "community.adminduk.desk_queue", "community.reports.queue",
}


def test_the_read_only_pages_are_these(app):
    marked = {name for name, view in app.view_functions.items() if getattr(view, "read_only", False)}
    assert marked == READ_ONLY


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
@pytest.mark.parametrize("roles", [None, ("member",), ("member", "counselor", "umkm_staff")])
def test_read_only_pages_send_nothing_inside_a_transaction(client, login_as, roles):
    if roles:
        login_as(*roles)
    db.session.commit()
    with statements_inside_a_transaction() as inside:
        for path in ("/", "/account", "/inbox", "/counseling", "/trainings", "/forum/", "/pasar/", "/pasar/cari?q=kopi"):
            status = client.get(path).status_code
            assert status == (200 if roles or path == "/" or path.startswith("/pasar") else 302), path
    assert not inside
