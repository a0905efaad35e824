"""UU PDP: a vendor's stall applications and invoices are in the export; deleting
the account withdraws what is still in play and unnames the rest."""
from __future__ import annotations

import json

from sqlalchemy import select

from core.extensions import db
from marketplace.stalls import applications as apps
from marketplace.stalls import decisions
from marketplace.stalls.models import Stall, StallApplication
from tests.factories import PASSWORD


def test_export_and_deletion(client, auth, make_user, make_business, make_market, next_day):
    day = next_day(make_market(fee=25_000))
    business = make_business()
    owner = business.members[0].user
    # A family member runs it too: a business run alone is deleted with the account
    # (marketplace/personal_data.py), this one stays with its history.
    from core.db import utcnow
    from marketplace.models import BusinessMember

    db.session.add(BusinessMember(business_id=business.id, user_id=make_user().id, accepted_at=utcnow()))
    application = apps.apply_for_days(owner, business, [day], "food", note="Gerobak biru")[0]
    decisions.approve(make_user(roles=("umkm_staff",)), application, db.session.scalar(select(Stall).where(Stall.code == "A-01")))
    db.session.commit()
    auth.login(owner)
    data = json.loads(client.post("/account/data", data={"current_password": PASSWORD}).get_data(as_text=True))
    assert data["stalls"]["stall_applications"][0]["stall"] == "A-01"
    assert data["payments"]["invoices"][0]["amount_rupiah"] == 25_000
    application_id = application.id
    client.post("/account/delete", data={"current_password": PASSWORD, "confirm": "y"})
    db.session.expire_all()
    left = db.session.get(StallApplication, application_id)
    # The marketplace removes a business its only owner leaves; otherwise the row stays, unnamed.
    assert left is None or (left.status == "withdrawn" and left.applicant_id is None and left.note is None)
    assert db.session.scalar(select(StallApplication).where(StallApplication.applicant_id == owner.id)) is None


def test_erase_withdraws_and_unnames(make_user, make_business, make_market, next_day):
    from marketplace.stalls.personal_data import erase_for

    day = next_day(make_market(fee=25_000))
    business = make_business()
    owner = business.members[0].user
    application = apps.apply_for_days(owner, business, [day], "food", note="Gerobak biru")[0]
    db.session.commit()
    erase_for(owner)
    db.session.commit()
    assert (application.status, application.applicant_id, application.note) == ("withdrawn", None, None)


def test_a_stall_given_up_with_the_account_leaves_the_kept_map_at_once(client, make_user, make_business,
                                                                       make_market, next_day):
    from marketplace.stalls.personal_data import erase_for

    day = next_day(make_market(fee=25_000))
    business = make_business(name="Jagung Bose Ina Maria")
    owner = business.members[0].user
    application = apps.apply_for_days(owner, business, [day], "food")[0]
    decisions.approve(make_user(roles=("umkm_staff",)), application,
                      db.session.scalar(select(Stall).where(Stall.code == "A-01")))
    db.session.commit()
    url = f"/pasar/lapak/peta/{day.id}"
    assert "Jagung Bose Ina Maria" in client.get(url).get_data(as_text=True)
    erase_for(owner)  # the stalls part alone: the business stays (run by others, say)
    db.session.commit()
    assert "Jagung Bose Ina Maria" not in client.get(url).get_data(as_text=True)
