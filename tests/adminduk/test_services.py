"""Help requests, the status machine, consent and encryption, notices,
retention, the questionnaire, guides, export and deletion (services)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from accounts.models import Consent
from community.adminduk import bundles, desk, guides, jobs, personal_data
from community.adminduk import requests as request_services
from community.adminduk._common import AdmindukError, ChangedMeanwhile
from community.adminduk.models import (
    CLOSED,
    DONE,
    IN_REVIEW,
    NEEDS_INFO,
    STATUSES,
    SUBMITTED,
    TRANSITIONS,
    Attachment,
    Guide,
    HelpRequest,
    StatusChange,
)
from core.db import utcnow
from core.extensions import db
from core.storage import storage
from core.uploads import StoredFile, UploadRefused
from notifications.models import Notification, OutboxMessage
from tests.adminduk.conftest import KK, NIK, photo


def test_open_request_with_nik_and_photo_records_consent_first_and_encrypts(member, open_request):
    help_request = open_request(nik=NIK, kk_number=KK, files=[photo()], services=["ktp-address", "kk-update"])
    consent = db.session.get(Consent, help_request.consent_id)
    assert consent.purpose == "adminduk" and consent.version and consent.user_id == member.id
    assert consent.granted_at <= help_request.created_at
    raw = db.session.execute(text("SELECT nik, kk_number FROM adminduk_requests")).one()
    assert NIK not in raw[0] and KK not in raw[1]
    db.session.expire_all()
    stored = db.session.get(HelpRequest, help_request.id)
    assert stored.nik == NIK and stored.kk_number == KK
    assert stored.services == ["kk-update", "ktp-address"] and stored.status == SUBMITTED
    (attachment,) = db.session.scalars(select(Attachment)).all()
    assert storage().exists(attachment.stored_file.key)
    assert [c.to_status for c in db.session.scalars(select(StatusChange))] == [SUBMITTED]


def test_nik_or_documents_without_consent_are_refused_and_nothing_is_saved(member):
    with pytest.raises(AdmindukError, match="persetujuan"):
        request_services.open_request(member, services=["ktp-new"], regency="kota-kupang",
                                      description="x", nik=NIK, consent=False)
    with pytest.raises(AdmindukError, match="persetujuan"):
        request_services.open_request(member, services=["ktp-new"], regency="kota-kupang",
                                      description="x", files=[photo()], consent=False)
    db.session.rollback()
    assert db.session.scalar(select(HelpRequest.id)) is None
    assert db.session.scalar(select(Consent.id)) is None
    assert db.session.scalar(select(StoredFile.id)) is None


def test_request_without_sensitive_data_needs_no_consent(open_request):
    assert open_request().consent_id is None


def test_invalid_nik_is_refused_by_the_service(member):
    with pytest.raises(AdmindukError, match="kode wilayah"):
        request_services.open_request(member, services=["ktp-new"], regency="kota-kupang",
                                      description="x", nik="9901016512900012", consent=True)


def test_attack_file_in_a_request_leaves_nothing(member):
    with pytest.raises(UploadRefused, match="Hanya foto"):
        request_services.open_request(member, services=["ktp-new"], regency="kota-kupang", description="x",
                                      files=[b"<html><script>alert(1)</script></html>"], consent=True)
    db.session.rollback()
    assert db.session.scalar(select(HelpRequest.id)) is None


ILLEGAL = [(s, t) for s in STATUSES for t in STATUSES if t not in TRANSITIONS[s]]


def _put_in(help_request, status):
    db.session.execute(HelpRequest.__table__.update().where(HelpRequest.id == help_request.id).values(status=status))
    db.session.expire_all()
    return db.session.get(HelpRequest, help_request.id)


@pytest.mark.parametrize(("current", "new"), ILLEGAL)
def test_every_illegal_transition_is_refused(current, new, registrar, open_request):
    help_request = _put_in(open_request(), current)
    with pytest.raises(AdmindukError, match="tidak diizinkan"):
        desk.change_status(registrar, help_request, new, "alasan")
    assert db.session.get(HelpRequest, help_request.id).status == current


def test_illegal_list_is_complete():
    assert len(ILLEGAL) == 49 - sum(len(v) for v in TRANSITIONS.values())
    assert len(ILLEGAL) > 30


def test_the_whole_path_writes_history_and_tells_the_member_without_detail(member, registrar, open_request):
    help_request = open_request(nik=NIK, files=[photo()])
    for status, note in ((IN_REVIEW, ""), (NEEDS_INFO, "Kirim foto KK"), (IN_REVIEW, ""), ("ready", ""),
                         ("at_dukcapil", ""), (DONE, "")):
        desk.change_status(registrar, help_request, status, note)
    db.session.commit()
    history = db.session.scalars(select(StatusChange).order_by(StatusChange.id)).all()
    assert [h.to_status for h in history] == [SUBMITTED, IN_REVIEW, NEEDS_INFO, IN_REVIEW, "ready", "at_dukcapil", DONE]
    assert history[2].note == "Kirim foto KK" and history[2].actor_id == registrar.id
    assert help_request.finished_at is not None and help_request.assigned_to_id == registrar.id
    notices = db.session.scalars(select(Notification).where(Notification.user_id == member.id)).all()
    assert len(notices) == 7  # received + six moves
    outbox = db.session.scalars(select(OutboxMessage)).all()
    assert outbox, "messages also leave through the outbox"
    for row in [*notices, *outbox]:
        blob = f"{row.title} {row.body} {row.params} {row.url}"
        assert NIK not in blob and "KTP" not in blob and "foto KK" not in blob


def test_needs_info_and_closing_need_a_note(registrar, open_request):
    help_request = _put_in(open_request(), IN_REVIEW)
    with pytest.raises(AdmindukError, match="kurang"):
        desk.change_status(registrar, help_request, NEEDS_INFO, "  ")
    with pytest.raises(AdmindukError, match="alasan"):
        desk.change_status(registrar, help_request, CLOSED, "")
    desk.change_status(registrar, help_request, CLOSED, "Sudah diurus sendiri")
    assert help_request.closed_reason == "Sudah diurus sendiri"


def test_status_changed_meanwhile_is_refused(registrar, open_request):
    help_request = open_request()
    desk.change_status(registrar, help_request, IN_REVIEW)
    with pytest.raises(ChangedMeanwhile, match="diubah orang lain"):
        desk.change_status(registrar, help_request, IN_REVIEW, expected=SUBMITTED)
    stale = _put_in(help_request, IN_REVIEW)
    db.session.execute(HelpRequest.__table__.update().values(status=CLOSED))  # another registrar closed it
    with pytest.raises(ChangedMeanwhile, match="diubah orang lain"):
        desk.change_status(registrar, stale, NEEDS_INFO, "x", expected=IN_REVIEW)


def test_member_answer_puts_needs_info_back_in_review(member, registrar, open_request):
    help_request = open_request()
    desk.change_status(registrar, help_request, IN_REVIEW)
    desk.change_status(registrar, help_request, NEEDS_INFO, "Foto KK belum ada")
    with pytest.raises(AdmindukError, match="persetujuan"):
        request_services.post_message(member, help_request, "Ini fotonya", [photo()])
    request_services.post_message(member, help_request, "Ini fotonya", [photo()], consent=True)
    db.session.commit()
    assert help_request.status == IN_REVIEW and help_request.consent_id is not None
    assert db.session.scalar(select(Attachment.message_id)) is not None


def test_internal_notes_are_never_shown_or_exported_to_the_member(member, registrar, open_request):
    help_request = open_request(nik=NIK, files=[photo()])
    desk.add_note(registrar, help_request, "Catatan rahasia pendamping")
    request_services.post_message(registrar, help_request, "Halo Ibu Maria")
    data = personal_data.export_for(member)
    text_ = str(data)
    assert "Halo Ibu Maria" in text_ and NIK in text_
    assert "Catatan rahasia" not in text_
    assert data["files"][0]["stored_file_id"]


def test_appointment_tells_now_and_reminds_a_day_before(member, registrar, open_request):
    help_request = open_request()
    starts = utcnow() + timedelta(days=3)
    desk.set_appointment(registrar, help_request, starts, "Dukcapil Kota Kupang")
    reminders = db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.contains("reminder"))).all()
    assert reminders and all(abs((r.due_at - (starts - timedelta(hours=24))).total_seconds()) < 2 for r in reminders)
    with pytest.raises(AdmindukError, match="masa depan"):
        desk.set_appointment(registrar, help_request, utcnow() - timedelta(hours=1), "x")


def test_retention_with_a_frozen_clock(member, registrar, open_request, app):
    help_request = open_request(files=[photo(), photo()])
    desk.change_status(registrar, help_request, CLOSED, "Selesai di jemput bola")
    db.session.commit()
    closed = help_request.finished_at
    keys = [a.stored_file.key for a in db.session.scalars(select(Attachment))]
    days = app.config["ADMINDUK_RETENTION_DAYS"]
    assert days == 30

    assert jobs.apply_retention(now=closed + timedelta(days=20)) == {"noticed": 0, "deleted_files": 0}
    assert jobs.apply_retention(now=closed + timedelta(days=28)) == {"noticed": 1, "deleted_files": 0}
    assert jobs.apply_retention(now=closed + timedelta(days=28, hours=1))["noticed"] == 1  # same key: once
    db.session.commit()
    notices = db.session.scalars(select(Notification).where(Notification.title.contains("dihapus"))).all()
    assert len(notices) == 1
    assert all(storage().exists(k) for k in keys)

    assert jobs.apply_retention(now=closed + timedelta(days=30, minutes=1)) == {"noticed": 0, "deleted_files": 2}
    db.session.commit()
    assert not any(storage().exists(k) for k in keys)
    assert db.session.scalar(select(StoredFile.id)) is None
    rows = db.session.scalars(select(Attachment)).all()
    assert len(rows) == 2 and all(r.deleted_at and r.stored_file_id is None for r in rows)
    assert db.session.get(HelpRequest, help_request.id).files_deleted_at is not None
    assert len(db.session.scalars(select(StatusChange)).all()) == 2  # history stays
    assert jobs.apply_retention(now=closed + timedelta(days=60)) == {"noticed": 0, "deleted_files": 0}


def test_retention_job_is_in_the_scheduler_list():
    from core.scheduler import jobs as all_jobs

    assert "adminduk-retention" in {job.id for job in all_jobs()}


def test_open_requests_keep_their_files(registrar, open_request):
    help_request = open_request(files=[photo()])
    desk.change_status(registrar, help_request, IN_REVIEW)
    db.session.commit()
    assert jobs.apply_retention(now=utcnow() + timedelta(days=365)) == {"noticed": 0, "deleted_files": 0}


def test_questionnaire_builds_one_combined_checklist(member, guides_seeded):
    bundle = bundles.take_questionnaire(member, {"moved": True, "child": True, "married": True})
    assert bundle.services == ["moving", "ktp-address", "marriage-abroad", "kk-spouse", "child-abroad", "kk-child"]
    texts = [item["text"] for item in bundle.items]
    assert "KK asli" in texts and texts.count("KK asli") == 1  # combined, no repeats
    assert any("30" in g.body_md for g in db.session.scalars(select(Guide).where(Guide.slug == "child-abroad")))
    first = bundle.items[0]["id"]
    bundles.tick(member, first, True)
    again = bundles.take_questionnaire(member, {"moved": True, "child": True, "married": True, "ktp_lost": True})
    assert next(i for i in again.items if i["id"] == first)["done"] is True
    assert "ktp-lost" in again.services
    assert bundles.take_questionnaire(member, {}).items == []


def test_guides_seeded_with_every_service_and_offices(guides_seeded):
    from community.adminduk.models import SERVICES, Office

    slugs = set(db.session.scalars(select(Guide.slug)))
    assert set(SERVICES) <= slugs
    assert len([s for s in slugs if s.startswith("migrasi-aman")]) == 3
    assert db.session.query(Office).count() == 22
    from community.adminduk.defaults import seed_defaults

    assert seed_defaults() == 0  # idempotent


def test_guide_edits_are_versioned_sanitised_and_restorable(registrar, guides_seeded):
    guide = guides.guide_by_slug("ktp-new")
    original = guide.body_md
    content = {**guides.content_of(guide),
               "body_md": "## Baru\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1)) \"><svg onload=alert(1)>"}
    guides.save_guide(registrar, guide, content, expected_version=1)
    assert guide.version == 2
    assert "<img" not in guide.body_html and 'href="javascript' not in guide.body_html
    assert "<svg" not in guide.body_html and "&lt;svg" in guide.body_html and "<h2>Baru</h2>" in guide.body_html
    with pytest.raises(AdmindukError, match="diubah orang lain"):
        guides.save_guide(registrar, guide, content, expected_version=1)
    guides.restore_version(registrar, guide, 1)
    assert guide.version == 3 and guide.body_md == original
    versions = guides.versions(guide)
    assert [v.number for v in versions] == [3, 2, 1] and versions[1].edited_by_id == registrar.id


def test_account_deletion_removes_files_and_requests(app, member, registrar, open_request):
    from accounts.services import delete_account

    help_request = open_request(nik=NIK, files=[photo()])
    request_services.post_message(registrar, help_request, "Halo", [photo()])
    db.session.commit()
    keys = [a.stored_file.key for a in db.session.scalars(select(Attachment))]
    assert len(keys) == 2 and all(storage().exists(k) for k in keys)
    delete_account(member)
    db.session.commit()
    assert not any(storage().exists(k) for k in keys)
    assert db.session.scalar(select(HelpRequest.id)) is None
    assert db.session.scalar(select(StoredFile.id)) is None
