"""Who gets into the training and KUR pages: roles, 404s for other people's things, English."""
from __future__ import annotations

import pytest

from core.extensions import db
from mentoring.kur import applications
from mentoring.kur.models import KurApplication
from mentoring.training import operations
from mentoring.training.models import TrainingRegistration

STAFF_ENDPOINTS = [
    ("GET", "/staff/trainings"),
    ("GET", "/staff/trainings/new"),
    ("POST", "/staff/trainings/new"),
    ("GET", "/staff/trainings/{t}/edit"),
    ("POST", "/staff/trainings/{t}/edit"),
    ("GET", "/staff/trainings/{t}/cancel"),
    ("POST", "/staff/trainings/{t}/cancel"),
    ("GET", "/staff/trainings/{t}/registrants"),
    ("POST", "/staff/trainings/{t}/registrants"),
    ("GET", "/staff/trainings/{t}/registrants.csv"),
    ("GET", "/staff/kur"),
    ("GET", "/staff/kur/{k}"),
    ("POST", "/staff/kur/{k}"),
]


def _application(make_user, kur_start, owner=None):
    owner = owner or make_user()
    application = applications.start_kur_application(owner, kur_start())
    db.session.commit()
    return application



# --- access ------------------------------------------------------------------------


def test_every_staff_route_has_the_role_decorator(app):
    walked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/staff/trainings", "/staff/kur")):
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "required_roles", None) == ("umkm_staff",), rule.rule
            walked += 1
    assert walked == 8  # the training and KUR staff routes (update when routes are added)


@pytest.mark.parametrize("roles", [("member",), ("member", "counselor"), ("member", "admin")])
def test_other_roles_get_403_on_staff_pages(client, login_as, make_user, make_training, kur_start, roles):
    training = make_training()
    application = _application(make_user, kur_start)
    login_as(*roles)
    for method, path in STAFF_ENDPOINTS:
        url = path.format(t=training.id, k=application.id)
        response = client.open(url, method=method, data={"to_stage": "survey", "capacity": "1"})
        assert response.status_code == 403, (method, url)
    assert db.session.get(KurApplication, application.id).stage == "preparing"


def test_anonymous_visitors_are_sent_to_login(client, make_training):
    training = make_training()
    for url in ("/trainings", f"/trainings/{training.id}", "/kur", "/staff/trainings"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_get_in_everywhere(client, login_as, make_user, make_training, kur_start):
    training = make_training()
    operations.register(make_user(), training)
    application = _application(make_user, kur_start)
    login_as("member", "umkm_staff")
    for method, path in STAFF_ENDPOINTS:
        if method == "GET":
            url = path.format(t=training.id, k=application.id)
            assert client.get(url).status_code == 200, url


def test_staff_missing_objects_are_404(client, login_as):
    login_as("member", "umkm_staff")
    for url in ("/staff/trainings/999/edit", "/staff/trainings/999/registrants",
                "/staff/trainings/999/registrants.csv", "/staff/kur/999"):
        assert client.get(url).status_code == 404, url


def test_someone_elses_registration_is_404(client, login_as, make_user, make_training):
    training = make_training()
    other = operations.register(make_user(), training)
    db.session.commit()
    login_as("member")
    response = client.post(f"/trainings/{training.id}/registrations/{other.id}/cancel")
    assert response.status_code == 404
    assert db.session.get(TrainingRegistration, other.id).status == "confirmed"




def test_csv_is_for_staff_only(client, login_as, make_user, make_training):
    training = make_training()
    operations.register(make_user(name="Yuliana Ndun"), training)
    db.session.commit()
    login_as("member")
    assert client.get(f"/staff/trainings/{training.id}/registrants.csv").status_code == 403
    client.post("/logout")
    login_as("member", "umkm_staff")
    response = client.get(f"/staff/trainings/{training.id}/registrants.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "Yuliana Ndun" in response.get_data(as_text=True)



def test_pages_in_english(client, login_as, make_training, kur_start):
    training = make_training()
    member = login_as("member")
    applications.start_kur_application(member, kur_start())
    db.session.commit()
    client.post("/lang", data={"lang": "en", "next": "/"})
    assert "Trainings" in client.get("/trainings").get_data(as_text=True)
    assert "Register for this training" in client.get(f"/trainings/{training.id}").get_data(as_text=True)
    assert "illegal online lenders" in client.get("/kur").get_data(as_text=True)


def test_staff_account_page_links_both_workspaces(client, login_as):
    """The staff links (``core.templating.STAFF_LINKS``) show only endpoints that exist:
    after the split they name ``mentoring.training.*`` and ``mentoring.kur.*``."""
    login_as("member", "umkm_staff")
    html = client.get("/account").get_data(as_text=True)
    assert 'href="/staff/trainings"' in html and "Kelola pelatihan" in html
    assert 'href="/staff/kur"' in html and "Pengajuan KUR" in html
