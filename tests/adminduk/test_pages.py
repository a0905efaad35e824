"""Member and registrar pages beyond the request itself: the questionnaire,
guides (edit, versions, restore), offices, outreach days, the dashboard, the
home panels, the data export as a ZIP with the files, demo data."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from sqlalchemy import func, select

from community.adminduk import desk, outreach
from community.adminduk.models import (
    STATUSES,
    Bundle,
    Guide,
    HelpRequest,
    OutreachAttendance,
    OutreachDay,
)
from core.db import utcnow
from core.extensions import db
from notifications.models import Notification
from tests.adminduk.conftest import NIK, photo
from tests.factories import PASSWORD

PREFIX = "/forum/adminduk"


def test_questionnaire_page_builds_and_ticks_the_checklist(client, auth, member, guides_seeded):
    auth.login(member)
    assert client.get(PREFIX + "/bundle").status_code == 200
    response = client.post(PREFIX + "/bundle", data={"child": "y", "married": "y"})
    assert response.status_code == 302
    page = client.get(PREFIX + "/bundle").get_data(as_text=True)
    assert "Terjemahan tersumpah akta kelahiran asing" in page and "Buku nikah orang tua" in page
    assert "Surat keterangan hilang dari polisi" not in page
    assert "service=child-abroad" in page  # one tap to a request for all of it
    bundle = db.session.scalar(select(Bundle))
    first = bundle.items[0]["id"]
    client.post(PREFIX + "/bundle/tick", data={"item": first, "done": "1"})
    db.session.expire_all()
    assert db.session.scalar(select(Bundle)).items[0]["done"] is True
    new = client.get(PREFIX + "/requests/new?service=child-abroad&service=kk-child").get_data(as_text=True)
    import re

    checked = re.findall(r'<input checked[^>]*value="([a-z-]+)"', new)
    assert checked == ["kk-child", "child-abroad"] or sorted(checked) == ["child-abroad", "kk-child"]


def test_guides_and_offices_are_public_and_in_english_too(client, guides_seeded):
    page = client.get(PREFIX + "/guides/child-abroad").get_data(as_text=True)
    assert "30 hari" in page and "gratis" in page and "<h2>Yang dibawa</h2>" in page
    client.post("/lang", data={"lang": "en"})
    english = client.get(PREFIX + "/guides/child-abroad").get_data(as_text=True)
    assert "within 30 days" in english and "Sworn translation" in english
    offices = client.get(PREFIX + "/offices").get_data(as_text=True)
    assert offices.count("list__row") == 22 and "Waingapu" in offices
    assert client.get(PREFIX + "/guides/nope").status_code == 404


def test_registrar_edits_a_guide_and_restores_an_old_version(client, auth, registrar, guides_seeded):
    auth.login(registrar)
    guide = db.session.scalar(select(Guide).where(Guide.slug == "ktp-new"))
    form = client.get(f"{PREFIX}/desk/guides/ktp-new").get_data(as_text=True)
    assert "Versi 1" in form
    data = {"title": "KTP-el baru (diperbarui)", "title_en": guide.title_en, "summary": guide.summary,
            "summary_en": guide.summary_en, "body_md": "## Baru\n\n<script>alert(1)</script>",
            "body_md_en": guide.body_md_en, "checklist": guide.checklist, "checklist_en": guide.checklist_en,
            "version": "1"}
    assert client.post(f"{PREFIX}/desk/guides/ktp-new", data=data).status_code == 302
    shown = client.get(f"{PREFIX}/guides/ktp-new").get_data(as_text=True)
    assert "KTP-el baru (diperbarui)" in shown and "<script>alert" not in shown and "&lt;script&gt;" in shown
    stale = client.post(f"{PREFIX}/desk/guides/ktp-new", data={**data, "title": "Lain"}, follow_redirects=True)
    assert "diubah orang lain" in stale.get_data(as_text=True)
    assert client.post(f"{PREFIX}/desk/guides/ktp-new/restore/1").status_code == 302
    db.session.expire_all()
    guide = db.session.scalar(select(Guide).where(Guide.slug == "ktp-new"))
    assert guide.title == "KTP-el baru" and guide.version == 3
    assert client.post(f"{PREFIX}/desk/offices/1", data={"name": "Dukcapil Kota Kupang", "address": "Jl. Timor Raya",
                                                         "hours": "08.00-15.00", "phone": ""}).status_code == 302


def test_outreach_day_tells_members_of_that_regency_and_they_say_they_attend(
        client, auth, make_user, member, registrar):
    elsewhere = make_user(regency="alor")
    auth.login(registrar)
    day = (outreach.today_wita() + timedelta(days=5)).isoformat()
    response = client.post(f"{PREFIX}/desk/outreach", data={
        "regency": "kota-kupang", "day": day, "place": "Kelurahan Oesapa", "services": ["ktp-new", "ikd"]})
    assert response.status_code == 302
    outreach_day = db.session.scalar(select(OutreachDay))
    notices = db.session.scalars(select(Notification)).all()
    assert [n.user_id for n in notices] == [member.id]  # the registrar is staff; Alor is elsewhere
    assert elsewhere.id not in {n.user_id for n in notices}
    past = client.post(f"{PREFIX}/desk/outreach", data={
        "regency": "kota-kupang", "day": "2020-01-01", "place": "x"}, follow_redirects=True)
    assert "hari ini atau nanti" in past.get_data(as_text=True)
    client.post("/logout")
    auth.login(member)
    assert "Kelurahan Oesapa" in client.get(PREFIX + "/").get_data(as_text=True)
    client.post(f"{PREFIX}/outreach/{outreach_day.id}", data={"going": "1"})
    client.post(f"{PREFIX}/outreach/{outreach_day.id}", data={"going": "1"})
    assert db.session.scalar(select(func.count(OutreachAttendance.id))) == 1
    assert "Saya batal hadir" in client.get(f"{PREFIX}/outreach/{outreach_day.id}").get_data(as_text=True)


def test_dashboard_counts_and_svg(client, auth, registrar, open_request):
    first = open_request()
    second = open_request(regency="tts")
    for status in ("in_review", "ready", "at_dukcapil", "done"):
        desk.change_status(registrar, second, status)
    db.session.commit()
    auth.login(registrar)
    page = client.get(f"{PREFIX}/desk/dashboard").get_data(as_text=True)
    assert "<svg" in page and "<rect" in page and "Kota Kupang" in page
    weeks = desk.weekly_median_days()
    assert len(weeks) == 8 and weeks[-1][2] == 1
    assert desk.open_counts() == {("submitted", "kota-kupang"): 1}
    assert first.status == "submitted"


def test_home_panel_for_registrars_and_card_for_members(app, client, auth, member, registrar, open_request):
    from core.home import staff_panels_for

    open_request()
    with app.test_request_context():
        (panel,) = [p for p in staff_panels_for(registrar) if p.url.endswith("/desk")]
        assert panel.title == "Antrean adminduk" and panel.lines[0] == "1 permintaan berjalan"
        assert not [p for p in staff_panels_for(member) if p.url.endswith("/desk")]
    auth.login(member)
    home = client.get("/").get_data(as_text=True)
    assert "Permintaan bantuan dokumen" in home


def test_member_home_links_to_the_bundle_until_taken(client, auth, member):
    auth.login(member)
    assert f"{PREFIX}/bundle" in client.get("/").get_data(as_text=True)


def test_layanan_lists_civil_papers(app):
    from core.home import service_links_for

    with app.test_request_context():
        links = service_links_for(None)
    assert any(link.url.endswith("/adminduk/") for link in links)


def test_export_is_a_zip_with_the_documents(client, auth, member, registrar, open_request):
    help_request = open_request(nik=NIK, files=[photo()])
    desk.add_note(registrar, help_request, "Catatan rahasia")
    db.session.commit()
    auth.login(member)
    response = client.post("/account/data", data={"current_password": PASSWORD})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert "data.json" in names
    (document,) = [n for n in names if n.startswith("files/adminduk/")]
    assert archive.read(document)[:3] == b"\xff\xd8\xff"
    data = archive.read("data.json").decode()
    assert NIK in data and "Catatan rahasia" not in data


def test_export_without_files_stays_json(client, auth, member):
    auth.login(member)
    response = client.post("/account/data", data={"current_password": PASSWORD})
    assert response.mimetype == "application/json"


def test_seed_demo_has_every_status_and_an_outreach_day(runner, app):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    statuses = set(db.session.scalars(select(HelpRequest.status)))
    assert statuses == set(STATUSES)
    assert db.session.scalar(select(func.count(OutreachDay.id))) == 1
    assert db.session.scalar(select(func.count(Guide.id))) >= 15
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count(HelpRequest.id))) == 7
    waiting = db.session.scalars(select(HelpRequest).where(HelpRequest.status == "submitted")).all()
    assert waiting[0].created_at < utcnow()


def test_assign_to_self_or_a_colleague_notes_and_appointment(client, auth, make_user, registrar, open_request):
    colleague = make_user(roles=("member", "registrar"), name="Yuliana Ndun")
    counselor = make_user(roles=("member", "counselor"))
    help_request = open_request()
    auth.login(registrar)
    base = f"{PREFIX}/desk/requests/{help_request.id}"
    client.post(f"{base}/assign", data={"me": "1"})
    assert db.session.get(HelpRequest, help_request.id).assigned_to_id == registrar.id
    client.post(f"{base}/assign", data={"assignee": str(colleague.id)})
    assert db.session.get(HelpRequest, help_request.id).assigned_to_id == colleague.id
    client.post(f"{base}/assign", data={"assignee": str(counselor.id)})
    assert db.session.get(HelpRequest, help_request.id).assigned_to_id == colleague.id  # not a registrar
    client.post(f"{base}/notes", data={"body": "Sudah telepon Dukcapil"})
    client.post(f"{base}/appointment", data={"starts_at": "2031-05-04T09:30", "place": "Dukcapil Kota Kupang"})
    page = client.get(base).get_data(as_text=True)
    assert "Sudah telepon Dukcapil" in page and "Dukcapil Kota Kupang" in page
    assert "09.30" in page or "09:30" in page
    client.post("/logout")
    auth.login(help_request.member)
    member_page = client.get(f"{PREFIX}/requests/{help_request.id}").get_data(as_text=True)
    assert "Sudah telepon Dukcapil" not in member_page and "Dukcapil Kota Kupang" in member_page


def test_seed_defaults_command_for_production(runner):
    result = runner.invoke(args=["adminduk", "seed-defaults"])
    assert result.exit_code == 0 and "37 guides/offices added" in result.output
    assert "0 guides/offices added" in runner.invoke(args=["adminduk", "seed-defaults"]).output


def test_member_index_lists_guides_by_topic(client, auth, member, guides_seeded):
    auth.login(member)
    page = client.get(PREFIX + "/").get_data(as_text=True)
    services, migration = page.split("Migrasi aman: untuk keluarga")
    assert "Anak lahir di luar negeri" in services and "Perusahaan resmi atau calo?" in migration
    assert "Perusahaan resmi atau calo?" not in services
