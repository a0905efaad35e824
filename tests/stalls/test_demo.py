"""``flask seed-demo`` adds SABOAK (about 100 stalls in zones), a container-booth
site and applications in every status, once; the home panel and Layanan entry."""
from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from marketplace.stalls.models import BOOTHS, WEEKLY, Market, Stall, StallApplication


def test_seed_demo_is_idempotent_with_every_status(runner):
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    saboak = db.session.scalar(select(Market).where(Market.kind == WEEKLY))
    assert db.session.scalar(select(func.count(Stall.id)).where(Stall.market_id == saboak.id)) == 100
    zones = set(db.session.scalars(select(Stall.zone).where(Stall.market_id == saboak.id)))
    assert zones == {"food", "crafts", "produce", "services", "public_service"}
    assert db.session.scalar(select(Market).where(Market.kind == BOOTHS)) is not None
    statuses = set(db.session.scalars(select(StallApplication.status)))
    assert statuses >= {"applied", "approved", "waitlisted", "resubmit", "declined", "withdrawn", "cancelled",
                        "attended", "no_show"}
    count = db.session.scalar(select(func.count(StallApplication.id)))
    runner.invoke(args=["seed-demo"])
    assert db.session.scalar(select(func.count(StallApplication.id))) == count


def test_staff_home_panel_and_layanan_entry(app, runner):
    from accounts.services import find_by_login
    from core.home import service_links_for, staff_panels_for

    runner.invoke(args=["seed-demo"])
    staff, member = find_by_login("081200000030"), find_by_login("081200000001")
    with app.test_request_context():
        [panel] = [p for p in staff_panels_for(staff) if p.title == "Kurasi lapak pasar"]
        assert panel.url.startswith("/pasar/lapak/staf/hari/") and panel.count
        assert not [p for p in staff_panels_for(member) if p.title == "Kurasi lapak pasar"]
        assert [link.url for link in service_links_for(None) if link.title == "Lapak pasar"] == ["/pasar/lapak/"]


def test_demo_vendor_sees_the_stall_map(runner, client, auth):
    runner.invoke(args=["seed-demo"])
    from accounts.services import find_by_login

    auth.login(find_by_login("081200000002"), password="purna-demo")
    page = client.get("/pasar/lapak/")
    assert page.status_code == 200 and b"Om Yos" in page.data
