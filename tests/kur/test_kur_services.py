"""KUR applications: eligibility, checklist, stages, reminders; home, export, deletion, demo."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from accounts.services import delete_account, export_personal_data
from core.db import utcnow
from core.extensions import db
from core.home import cards_for
from mentoring.kur import applications, jobs, reminders
from mentoring.kur._common import KurError
from mentoring.kur.demo import demo_data as kur_demo
from mentoring.kur.models import KurApplication, KurStageEvent
from mentoring.training import operations
from mentoring.training.demo import demo_data as training_demo
from mentoring.training.models import TrainingRegistration, TrainingSession
from tests.inbox_helpers import inbox_keys, outbox


@pytest.mark.parametrize(
    "change",
    [
        {"has_ektp": False},
        {"adult_or_married": False},
        {"business_months": 5},
        {"no_other_credit": False},
    ],
)
def test_each_eligibility_rule_explains_itself_and_saves_nothing(make_user, kur_start, change):
    member = make_user()
    data = kur_start(**change)
    problems = applications.eligibility_problems(data)
    assert len(problems) == 1
    with pytest.raises(KurError, match=re.escape(str(problems[0]))):
        applications.start_kur_application(member, data)
    assert db.session.scalar(select(func.count(KurApplication.id))) == 0


def test_start_tells_the_member_and_only_one_runs_at_a_time(make_user, kur_start):
    member = make_user()
    application = applications.start_kur_application(member, kur_start())
    db.session.commit()
    assert application.stage == "preparing"
    assert len(inbox_keys(member)) == 1
    with pytest.raises(KurError, match="sudah punya pengajuan KUR"):
        applications.start_kur_application(member, kur_start(business_name="Laundry"))


def test_npwp_only_required_above_fifty_million(make_user, kur_start):
    small = applications.start_kur_application(make_user(), kur_start(amount=50_000_000))
    large = applications.start_kur_application(make_user(), kur_start(amount=50_000_001))
    assert "doc_npwp" not in applications.required_documents(small)
    assert "doc_npwp" in applications.required_documents(large)


def test_member_marks_submitted_only_with_documents_ready(make_user, kur_start):
    member = make_user()
    application = applications.start_kur_application(member, kur_start())
    with pytest.raises(KurError, match="Centang dulu semua berkas"):
        applications.mark_submitted(member, application)
    applications.update_checklist(member, application, ["doc_ktp", "doc_kk", "doc_business_letter"])
    applications.mark_submitted(member, application)
    db.session.commit()
    assert application.stage == "submitted"


def test_every_stage_change_tells_the_member(make_user, kur_start):
    staff = make_user(roles=["member", "umkm_staff"])
    member = make_user()
    application = applications.start_kur_application(member, kur_start())
    for stage in ("submitted", "survey", "decision", "disbursed"):
        assert applications.next_stages(application)[0] == stage
        applications.move_kur_application(staff, application, stage, "Bawa KK asli")
    db.session.commit()
    assert len(inbox_keys(member)) == 5  # started + four moves
    assert applications.next_stages(application) == []
    with pytest.raises(KurError, match="tidak bisa dipindah ke tahap itu"):
        applications.move_kur_application(staff, application, "rejected", "Terlambat")


def test_rejection_needs_a_reason_and_skipping_stages_is_refused(make_user, kur_start):
    staff = make_user(roles=["member", "umkm_staff"])
    application = applications.start_kur_application(make_user(), kur_start())
    with pytest.raises(KurError, match="Tulis alasan penolakan"):
        applications.move_kur_application(staff, application, "rejected", "")
    with pytest.raises(KurError, match="tidak bisa dipindah ke tahap itu"):
        applications.move_kur_application(staff, application, "disbursed", None)
    applications.move_kur_application(staff, application, "rejected", "Usaha belum tercatat")
    assert application.stage == "rejected"
    assert application.rejection_reason == "Usaha belum tercatat"


def test_bank_appointment_reminders_are_replaced_and_cancelled(make_user, kur_start):
    member = make_user()
    application = applications.start_kur_application(member, kur_start())
    when = utcnow().replace(microsecond=0) + timedelta(days=3)
    reminders.set_bank_appointment(member, application, when)
    db.session.commit()
    pending = [m for m in outbox(member, "pending") if "appointment" in m.key and m.channel == "in_app"]
    assert sorted(m.due_at for m in pending) == [when - timedelta(hours=24), when - timedelta(hours=2)]

    reminders.set_bank_appointment(member, application, when + timedelta(days=1))
    db.session.commit()
    pending = [m for m in outbox(member, "pending") if "appointment" in m.key and m.channel == "in_app"]
    assert min(m.due_at for m in pending) == when  # a day before the new time

    reminders.set_bank_appointment(member, application, None)
    db.session.commit()
    assert not [m for m in outbox(member, "pending") if "appointment" in m.key]


def test_stale_reminders_once_per_stage_per_period(app, make_user, kur_start):
    member = make_user()
    application = applications.start_kur_application(member, kur_start())
    application.stage_changed_at = utcnow() - timedelta(days=8)
    db.session.commit()

    assert jobs.remind_stale_kur_applications() == 1
    db.session.commit()
    jobs.remind_stale_kur_applications()  # the same period: nothing new
    db.session.commit()
    stale = [k for k in inbox_keys(member) if ":stale:" in k]
    assert len(stale) == 1

    jobs.remind_stale_kur_applications(now=utcnow() + timedelta(days=7))  # next period
    db.session.commit()
    assert len([k for k in inbox_keys(member) if ":stale:" in k]) == 2


def test_stale_days_is_configurable(app, make_user, kur_start, monkeypatch):
    member = make_user()
    application = applications.start_kur_application(member, kur_start())
    application.stage_changed_at = utcnow() - timedelta(days=3)
    db.session.commit()
    assert jobs.remind_stale_kur_applications() == 0
    monkeypatch.setitem(app.config, "KUR_STALE_DAYS", 2)
    assert jobs.remind_stale_kur_applications() == 1


def test_fresh_application_gets_no_stale_reminder(make_user, kur_start):
    applications.start_kur_application(make_user(), kur_start())
    db.session.commit()
    assert jobs.remind_stale_kur_applications() == 0


def test_the_job_is_listed_in_the_scheduler():
    from core.scheduler import jobs as all_jobs

    assert "remind-stale-kur" in {job.id for job in all_jobs()}


def test_member_home_shows_next_training_and_kur_step(app, make_user, make_training, kur_start):
    member = make_user()
    training = make_training(title="Barista kopi Bajawa")
    operations.register(member, training)
    applications.start_kur_application(member, kur_start())
    db.session.commit()
    with app.test_request_context():
        cards = cards_for(member)
    texts = " ".join(f"{c.title} {c.text}" for c in cards)
    assert "Barista kopi Bajawa" in texts
    assert "Menyiapkan berkas" in texts
    assert f"/trainings/{training.id}" in {c.url for c in cards}


def test_data_export_has_registrations_and_applications(make_user, make_training, kur_start):
    member = make_user()
    operations.register(member, make_training(title="Tenun ikat"))
    applications.start_kur_application(member, kur_start())
    db.session.commit()
    data = export_personal_data(member)
    assert data["training"]["training_registrations"][0]["training"] == "Tenun ikat"
    assert data["kur"]["kur_applications"][0]["business_name"] == "Se'i Sapi Mama Ester"


def test_account_deletion_frees_the_seat_and_erases_rows(make_user, make_training, kur_start):
    leaving, waiting = make_user(), make_user()
    training = make_training(capacity=1)
    operations.register(leaving, training)
    waiting_registration = operations.register(waiting, training)
    application = applications.start_kur_application(leaving, kur_start())
    reminders.set_bank_appointment(leaving, application, utcnow() + timedelta(days=3))
    db.session.commit()

    delete_account(leaving)
    db.session.commit()

    assert db.session.scalar(
        select(func.count()).where(TrainingRegistration.user_id == leaving.id)) == 0
    assert db.session.scalar(select(func.count()).where(KurApplication.user_id == leaving.id)) == 0
    assert db.session.scalar(select(func.count(KurStageEvent.id))) == 0
    assert db.session.get(TrainingRegistration, waiting_registration.id).status == "confirmed"
    assert not outbox(leaving, "pending")


def test_seed_demo_is_idempotent(make_user):
    users = {
        "umkm_staff": make_user(roles=["member", "umkm_staff"]),
        "vendor": make_user(),
    }
    # Our receiver alone (other packages' demo data needs every demo user);
    # ``flask seed-demo`` sends the signal it is connected to.
    for _ in range(2):
        training_demo(users)
        kur_demo(users)
        db.session.commit()
    titles = list(db.session.scalars(select(TrainingSession.title)))
    assert len(titles) == len(set(titles)) >= 3
    assert any("kopi Bajawa" in t for t in titles)
    vendor_apps = db.session.scalars(
        select(KurApplication).where(KurApplication.user_id == users["vendor"].id)).all()
    assert len(vendor_apps) == 1 and vendor_apps[0].bank == "bank-ntt"
