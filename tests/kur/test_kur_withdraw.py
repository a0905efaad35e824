"""Members withdraw their own KUR application; staff moves are audited."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from accounts.models import AuditEvent
from core.db import utcnow
from core.extensions import db
from mentoring.kur import applications, reminders
from mentoring.kur.models import KurApplication, KurStageEvent
from tests.inbox_helpers import outbox


def _start(member, kur_start, **overrides):
    application = applications.start_kur_application(member, kur_start(**overrides))
    db.session.commit()
    return application


def test_owner_withdraws_reminders_stop_and_history_records_it(client, login_as, kur_start):
    member = login_as("member")
    application = _start(member, kur_start)
    reminders.set_bank_appointment(member, application, utcnow() + timedelta(days=3))
    db.session.commit()
    assert [m for m in outbox(member, "pending") if m.key.startswith(f"kur:{application.id}:appointment:")]

    html = client.get(f"/kur/{application.id}").get_data(as_text=True)
    assert "Batalkan pengajuan ini" in html

    response = client.post(f"/kur/{application.id}/withdraw", data={"reason": "Modal dari keluarga sudah cukup"})
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.get(KurApplication, application.id)
    assert application.stage == "withdrawn"
    assert not [m for m in outbox(member, "pending") if ":appointment:" in m.key]
    last = db.session.scalars(
        select(KurStageEvent).where(KurStageEvent.application_id == application.id)
        .order_by(KurStageEvent.id.desc())
    ).first()
    assert (last.from_stage, last.to_stage, last.note) == (
        "preparing", "withdrawn", "Modal dari keluarga sudah cukup")
    html = client.get(f"/kur/{application.id}").get_data(as_text=True)
    assert "Dibatalkan" in html and "Batalkan pengajuan ini" not in html

    # The member may start again: the active-stage unique index ignores withdrawn ones.
    again = _start(member, kur_start, business_name="Kios Sembako Oesapa")
    assert again.stage == "preparing"


def test_staff_see_withdrawn_applications_in_their_filter(client, login_as, make_user, kur_start):
    member = make_user()
    withdrawn = _start(member, kur_start, business_name="Tenun Ndun")
    applications.withdraw_kur_application(member, withdrawn, None)
    _start(member, kur_start, business_name="Kios Sembako Oesapa")
    db.session.commit()
    login_as("member", "umkm_staff")
    html = client.get("/staff/kur?stage=withdrawn").get_data(as_text=True)
    assert "Tenun Ndun" in html and "Kios Sembako Oesapa" not in html
    assert "Dibatalkan" in html


def test_withdraw_reason_too_long_saves_nothing(client, login_as, kur_start):
    member = login_as("member")
    application = _start(member, kur_start)
    html = client.post(f"/kur/{application.id}/withdraw", data={"reason": "x" * 501}).get_data(as_text=True)
    assert "Alasan paling panjang 500 karakter." in html
    db.session.expire_all()
    assert db.session.get(KurApplication, application.id).stage == "preparing"


def test_another_member_gets_404(client, login_as, make_user, kur_start):
    application = _start(make_user(), kur_start)
    login_as("member")
    assert client.post(f"/kur/{application.id}/withdraw", data={}).status_code == 404
    db.session.expire_all()
    assert db.session.get(KurApplication, application.id).stage == "preparing"


def test_decided_application_cannot_be_withdrawn(client, login_as, make_user, kur_start):
    member = login_as("member")
    application = _start(member, kur_start)
    staff = make_user(roles=["umkm_staff"])
    for stage in ("submitted", "survey", "decision"):
        applications.move_kur_application(staff, application, stage, None)
    db.session.commit()
    events_before = len(application.events)

    html = client.post(f"/kur/{application.id}/withdraw", data={"reason": "x"},
                       follow_redirects=True).get_data(as_text=True)
    assert "tidak bisa dibatalkan lagi" in html
    assert "Batalkan pengajuan ini" not in html
    db.session.expire_all()
    application = db.session.get(KurApplication, application.id)
    assert application.stage == "decision"
    assert len(application.events) == events_before

    applications.move_kur_application(staff, application, "disbursed", None)
    db.session.commit()
    client.post(f"/kur/{application.id}/withdraw", data={})
    db.session.expire_all()
    assert db.session.get(KurApplication, application.id).stage == "disbursed"


def test_each_staff_move_writes_one_audit_row(client, login_as, make_user, kur_start):
    member = make_user()
    application = _start(member, kur_start)
    staff = login_as("member", "umkm_staff")
    client.post(f"/staff/kur/{application.id}", data={"to_stage": "submitted", "note": ""})
    client.post(f"/staff/kur/{application.id}", data={"to_stage": "rejected", "note": "Usaha belum tercatat"})
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "kur.stage_change").order_by(AuditEvent.id)
    ).all()
    assert [(r.actor_id, r.subject_user_id, r.object_type, r.object_id, r.detail) for r in rows] == [
        (staff.id, member.id, "kur_application", application.id, "submitted"),
        (staff.id, member.id, "kur_application", application.id, "rejected"),
    ]
