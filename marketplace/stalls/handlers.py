"""Signal receivers of the stalls part (thin: the work is in the services)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from core.home import ServiceLink, StaffPanel
from core.i18n import format_wita
from core.signals import (
    account_deleting,
    business_next_stall,
    collect_personal_data,
    invoice_status_changed,
    seed_demo,
    service_links,
    staff_workspace,
)
from marketplace.stalls import fees
from marketplace.stalls.curation import workspace_summary
from marketplace.stalls.permissions import is_stall_staff


@invoice_status_changed.connect
def _invoice_changed(invoice, old_status: str, new_status: str, **_extra):
    fees.invoice_changed(invoice, old_status, new_status)


@seed_demo.connect
def _demo(users, **_extra):
    from marketplace.stalls.demo import seed

    seed(users)


@service_links.connect
def _service_links(user, **_extra):
    return [ServiceLink(
        title=_("Lapak pasar"),
        text=_("Ajukan lapak di pasar malam SABOAK atau sewa kios kontainer, lalu lihat peta lapak."),
        url=url_for("marketplace.stalls.index"), icon="market", priority=40,
    )]


@staff_workspace.connect
def _workspace(user, **_extra):
    if not is_stall_staff(user):
        return []
    day, waiting = workspace_summary()
    lines = (_("%(count)s pengajuan menunggu untuk %(day)s", count=waiting, day=format_wita(day.day, "day")),) if day else ()
    return [StaffPanel(
        title=_("Kurasi lapak pasar"),
        url=url_for("marketplace.stalls.staff_day", day_id=day.id) if day else url_for("marketplace.stalls.staff_index"),
        action=_("Buka antrean lapak"), lines=lines, count=waiting or None, priority=30,
    )]


@collect_personal_data.connect
def _personal_data(user, **_extra):
    from marketplace.stalls.personal_data import export_for

    data = export_for(user)
    return ("stalls", data) if data else None


@account_deleting.connect
def _erase(user, **_extra):
    from marketplace.stalls.personal_data import erase_for

    erase_for(user)


@business_next_stall.connect
def _next_stall(business, **_extra):
    """Where to find ``business`` next, for its public page (read-only)."""
    from marketplace.stalls.curation import next_stall_of

    found = next_stall_of(business)
    if found is None:
        return None
    day, stall, market = found
    if day is None:
        return (_("Kios %(code)s, %(market)s", code=stall.code, market=market.name),
                url_for("marketplace.stalls.booth_map", market_id=market.id))
    return (_("%(day)s: lapak %(code)s, %(market)s", day=format_wita(day.day, "day"), code=stall.code,
              market=market.name),
            url_for("marketplace.stalls.day_map", day_id=day.id, lapak=stall.id))

