"""The shared kit in core/: form fields, Refused and its view helper, page and
query arguments, the pager macro, the one date formatter, predicates in templates."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import get_flashed_messages, render_template_string
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from core.db import utcnow
from core.errors import Refused
from core.extensions import db
from core.forms import (
    BaseForm,
    BoundedIntegerField,
    LongTextField,
    NameField,
    PhoneField,
    RupiahField,
    TitleField,
    WitaDateTimeField,
    format_rupiah,
)
from core.i18n import format_wita
from core.views_kit import page_arg, query_text, refusal_to_flash


class KitForm(BaseForm):
    name = NameField("Nama")
    title = TitleField("Judul", min_length=5, max_length=20, required=False)
    body = LongTextField("Isi", max_length=50)
    amount = RupiahField("Jumlah", min=1000, max=500_000_000, required=False)
    starts_at = WitaDateTimeField("Mulai", not_past=True)
    count = BoundedIntegerField("Jumlah sesi", min=1, max=20, required=False)
    phone = PhoneField("HP")


def bind(app, **data):
    with app.test_request_context(method="POST", data=MultiDict(data)):
        form = KitForm()
        valid = form.validate()
        return form, valid


GOOD = {"name": "Maria Nenobais", "starts_at": "2099-01-05T09:00"}


def test_good_input_validates(app):
    form, valid = bind(app, **GOOD, title="Jualan kopi", body="Baris\r\nkedua", amount="Rp 25.000",
                       count="3", phone="0812 3456 7890")
    assert valid, form.errors
    assert form.amount.data == 25_000 and form.count.data == 3
    assert form.phone.data == "+6281234567890"
    assert form.starts_at.data == datetime(2099, 1, 5, 1, 0, tzinfo=UTC)


def test_name_is_nfc_and_refuses_tricks(app):
    form, valid = bind(app, **{**GOOD, "name": "  Rene\u0301 Bana  "})
    assert valid and form.name.data == "Ren\u00e9 Bana"
    for bad in ["Maria\u202eBana", "Ma\u200bria", "Maria\r\nBana", "Maria\x00", "a" + "\u0301" * 5]:
        form, valid = bind(app, **{**GOOD, "name": bad})
        assert not valid and form.name.errors, repr(bad)
    form, valid = bind(app, **{**GOOD, "name": "a" + "\u0301" * 120})
    assert "terlalu banyak tanda" in str(form.name.errors[0])
    form, valid = bind(app, **{**GOOD, "name": "x" * 121})
    assert str(form.name.errors[0]) == "Nama paling panjang 120 karakter."


def test_title_and_text_bounds(app):
    form, valid = bind(app, **GOOD, title="x" * 21)
    assert not valid and form.title.errors
    form, valid = bind(app, **GOOD, body="x" * 51)
    assert str(form.body.errors[0]) == "Paling panjang 50 karakter."


@pytest.mark.parametrize(("typed", "amount"), [("25.000", 25_000), ("25000", 25_000),
                                               ("Rp 25.000", 25_000), ("rp25.000,00", 25_000)])
def test_rupiah_accepts_common_ways(app, typed, amount):
    form, valid = bind(app, **GOOD, amount=typed)
    assert valid and form.amount.data == amount


@pytest.mark.parametrize("typed", ["-5000", "25,5", "1e9", "999999999999", "500", "٢٥٠٠٠"])
def test_rupiah_refuses_negative_absurd_and_junk(app, typed):
    form, valid = bind(app, **GOOD, amount=typed)
    assert not valid and form.amount.errors and form.amount.data is None or not valid


def test_rupiah_shown_with_dots():
    assert format_rupiah(25_000) == "Rp 25.000"
    assert format_rupiah(1_500_000) == "Rp 1.500.000"
    assert format_rupiah(None) == ""


def test_wita_date_time_past_refused(app):
    form, valid = bind(app, **{**GOOD, "starts_at": "2020-01-01 09:00"})
    assert not valid and "sudah lewat" in str(form.starts_at.errors[0])
    form, valid = bind(app, **{**GOOD, "starts_at": "besok pagi"})
    assert not valid and "Tulis tanggal dan jam" in str(form.starts_at.errors[0])


def test_bounded_integer(app):
    form, valid = bind(app, **GOOD, count="21")
    assert not valid and str(form.count.errors[0]) == "Tulis angka dari 1 sampai 20."
    form, valid = bind(app, **GOOD, count="abc")
    assert not valid and "bilangan bulat" in str(form.count.errors[0])


def test_wtforms_messages_in_indonesian_on_the_registration_page(client):
    response = client.post("/register", data={"name": "Maria", "return_year": "abc"})
    html = response.get_data(as_text=True)
    assert "Tulis bilangan bulat, misalnya 2023." in html
    assert "Not a valid integer value." not in html
    client.set_cookie("rp_lang", "en")
    response = client.post("/register", data={"name": "Maria", "return_year": "abc"})
    assert "Not a valid integer value." in response.get_data(as_text=True)


# --- Refused and its view helper ------------------------------------------------------


class ThingRefused(Refused):
    pass


def test_refused_message_is_lazy_and_translated(app):
    error = ThingRefused(_l("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain, "
                            "misalnya beberapa kata yang Anda ingat."))
    with app.test_request_context():
        assert str(error).startswith("Kata sandi ini terlalu umum")
        with force_locale("en"):
            assert str(error).startswith("This password is too common")
    with pytest.raises(Refused, match="Nomor"):
        raise ThingRefused("Nomor %(n)s", n=3)


def test_refusal_to_flash_rolls_back_and_flashes(app, make_user):
    user = make_user(name="Yohana Tefa")
    with app.test_request_context():
        with refusal_to_flash() as outcome:
            user.name = "Diganti"
            db.session.flush()
            raise ThingRefused(_l("Tulis nama Anda."))
        assert outcome.refused and not outcome.ok
        assert get_flashed_messages() == ["Tulis nama Anda."]
    db.session.expire_all()
    assert user.name == "Yohana Tefa"


def test_refusal_to_flash_puts_a_field_error(app):
    with app.test_request_context(method="POST", data=GOOD):
        form = KitForm()
        with refusal_to_flash(form) as outcome:
            raise ThingRefused(_l("Tulis nama Anda."), field_name="name")
        assert outcome.refused
        assert form.name.errors == ["Tulis nama Anda."]
        assert get_flashed_messages() == []
        with refusal_to_flash(form) as outcome:
            pass
        assert outcome.ok


def test_refusal_to_flash_flashes_success_only_after_the_commit(app, make_user):
    user = make_user(name="Yohana Tefa")
    with app.test_request_context():
        with refusal_to_flash(success="Tersimpan.") as outcome:
            user.name = "Yohana Baru"
            db.session.commit()
        assert outcome.ok and outcome.committed
        assert get_flashed_messages(with_categories=True) == [("success", "Tersimpan.")]
    db.session.expire_all()
    assert user.name == "Yohana Baru"
    with app.test_request_context():  # the message may depend on what the service returned
        with refusal_to_flash() as outcome:
            db.session.commit()
            outcome.success = "Dua lapak dibagikan."
            outcome.success_category = "info"
        assert get_flashed_messages(with_categories=True) == [("info", "Dua lapak dibagikan.")]
    with app.test_request_context():
        with refusal_to_flash(success="Dibatalkan.", success_category="info"):
            db.session.commit()
        assert get_flashed_messages(with_categories=True) == [("info", "Dibatalkan.")]


def test_refusal_to_flash_success_is_not_flashed_without_a_commit_or_on_refusal(app, make_user):
    user = make_user(name="Yohana Tefa")
    with app.test_request_context():
        with refusal_to_flash(success="Tersimpan.") as outcome:
            user.name = "Belum disimpan"
            db.session.flush()  # returned early, say: nothing committed
        assert outcome.ok and not outcome.committed
        assert get_flashed_messages() == []
    db.session.rollback()
    with app.test_request_context():
        with refusal_to_flash(success="Tersimpan.") as outcome:
            db.session.commit()
            raise ThingRefused(_l("Tulis nama Anda."))  # refused after a commit: only the refusal
        assert outcome.refused
        assert get_flashed_messages() == ["Tulis nama Anda."]
    with app.test_request_context():
        with refusal_to_flash() as outcome:
            pass
        db.session.commit()  # the block's listener is gone once it ended
        assert not outcome.committed
        assert get_flashed_messages() == []
    with app.test_request_context():
        with pytest.raises(KeyError, match="late"), refusal_to_flash(success="Tersimpan."):
            db.session.commit()
            raise KeyError("late")
        assert get_flashed_messages() == []
    db.session.expire_all()
    assert user.name == "Yohana Tefa"


def test_refusal_to_flash_lets_other_errors_through(app):
    with app.test_request_context(), pytest.raises(KeyError, match="boom"), refusal_to_flash():
        raise KeyError("boom")


def test_package_refusals_are_refused():
    from accounts.services import AccountError
    from community.safety import PostingRefused
    from marketplace._common import MarketError
    from marketplace.stalls._common import StallError
    from mentoring.counseling._common import CounselingError
    from mentoring.kur._common import KurError
    from mentoring.training._common import TrainingError
    from payments.errors import PaymentRefused

    for cls in (AccountError, PostingRefused, CounselingError, TrainingError, KurError,
                MarketError, StallError, PaymentRefused):
        assert issubclass(cls, Refused), cls
    assert PostingRefused("x").field_name == "body"


# --- page and query arguments, pager -------------------------------------------------


@pytest.mark.parametrize(("query", "page"), [("", 1), ("page=3", 3), ("page=0", 1), ("page=-4", 1),
                                             ("page=99999999", 10_000), ("page=2x", None),
                                             ("page=abc", None), ("page=1.5", None), ("page=٣", None)])
def test_page_arg(app, query, page):
    with app.test_request_context(f"/?{query}"):
        if page is None:
            with pytest.raises(BadRequest, match="400 Bad Request"):
                page_arg()
        else:
            assert page_arg() == page


def test_query_text(app):
    with app.test_request_context("/?q=%20%20se%27i%20sapi%20&long=" + "x" * 300):
        assert query_text("q") == "se'i sapi"
        assert len(query_text("long", 100)) == 100
        assert query_text("missing") == ""
    with app.test_request_context("/?q=a%E2%80%AEb"), pytest.raises(BadRequest, match="400 Bad Request"):
        query_text("q")


def test_pager_macro(app):
    source = ('{% from "_macros/pager.html" import pager %}'
              '{{ pager(page, has_next, "community.search", {"q": "kopi"}) }}')
    with app.test_request_context("/forum/search?q=kopi&page=2"):
        html = render_template_string(source, page=2, has_next=True)
        assert 'href="/forum/search?q=kopi&amp;page=1"' in html
        assert 'href="/forum/search?q=kopi&amp;page=3"' in html
        assert "Halaman 2" in html
        assert render_template_string(source, page=1, has_next=False).strip() == ""


# --- dates ------------------------------------------------------------------------------


def test_one_date_formatter(app):
    moment = datetime(2026, 12, 2, 5, 0, 29, tzinfo=UTC)  # 13.00 WITA
    with app.test_request_context():
        assert format_wita(moment, "date") == "Rabu, 2 Desember 2026"
        assert format_wita(moment, "short") == "2 Des 2026"
        assert format_wita(moment, "time") == "13.00 WITA"
        assert format_wita(moment) == "2 Des 2026, 13.00 WITA"
        assert format_wita(moment, "datetime", "en") == "Wednesday, 2 December 2026, 13:00 WITA"
        # Babel's named styles used by older templates never show seconds now.
        for legacy in ("short", "medium"):
            html = render_template_string("{{ moment|wita(style) }}", moment=moment, style=legacy)
            assert html == "2 Des 2026, 13.00 WITA"
        assert render_template_string("{{ moment|wita }}", moment=moment) == "2 Des 2026, 13.00 WITA"
    with app.app_context():  # a job: no request, the default language
        assert format_wita(moment, "short") == "2 Des 2026"


def test_forum_profile_joined_date_has_no_seconds(client, login_as):
    user = login_as("member", created_at=utcnow() - timedelta(days=3))
    from community.profiles import profile_for

    profile = profile_for(user)
    db.session.commit()
    html = client.get(f"/forum/u/{profile.handle}").get_data(as_text=True)
    assert f"<dd>{format_wita(user.created_at, 'short')}</dd>" in html


# --- predicates in templates -----------------------------------------------------------


def test_every_package_predicate_reaches_the_templates(app):
    from accounts import permissions as a
    from community import permissions as c
    from community.adminduk import permissions as ad
    from community.reports import permissions as r
    from marketplace import permissions as mk
    from marketplace.stalls import permissions as st
    from mentoring.counseling import permissions as m
    from mentoring.kur import permissions as kp
    from mentoring.training import permissions as p
    from notifications import permissions as n
    from payments import permissions as pay

    modules = (a, c, m, p, kp, n, pay, r, mk, ad, st)
    names = [name for module in modules for name in module.TEMPLATE_PREDICATES]
    assert len(names) >= 12
    for module in modules:
        for name, predicate in module.TEMPLATE_PREDICATES.items():
            assert app.jinja_env.globals[name] is predicate, name


def test_expose_permissions_refuses_a_name_twice(app):
    from types import SimpleNamespace

    from core.templating import expose_permissions

    one = SimpleNamespace(__name__="one", TEMPLATE_PREDICATES={"can_x": lambda u: True})
    two = SimpleNamespace(__name__="two", TEMPLATE_PREDICATES={"can_x": lambda u: False})
    with pytest.raises(RuntimeError, match="can_x"):
        expose_permissions(app, one, two)


def test_every_package_helper_reaches_the_templates_one_way(app):
    from community import views as forum
    from community.adminduk import views as adminduk
    from community.reports import views as reports
    from marketplace import views as market
    from marketplace.stalls import views as stalls
    from mentoring import blueprint as mentoring
    from mentoring.counseling import blueprint as counseling
    from mentoring.kur import blueprint as kur
    from mentoring.training import blueprint as training

    modules = (forum, adminduk, reports, market, stalls, mentoring, counseling, kur, training)
    names = [name for module in modules for name in module.TEMPLATE_HELPERS]
    assert len(names) >= 50
    for module in modules:
        for name, helper in module.TEMPLATE_HELPERS.items():
            assert app.jinja_env.globals[name] is helper, name
    # no blueprint hands its templates anything through a context processor
    by_blueprint = {name: found for name, found in app.template_context_processors.items() if name}
    assert len(by_blueprint) >= 10
    assert {f"{f.__module__}.{f.__qualname__}" for found in by_blueprint.values() for f in found} == {
        "flask.templating._default_template_ctx_processor"}
    assert app.jinja_env.globals["regency_label"]("other") == "Di luar NTT / lainnya"
    assert app.jinja_env.globals["regency_label"](None) == ""


def test_kit_fields_are_imported_from_core_forms_only():
    import re

    from config import BASE_DIR

    pattern = re.compile(r"from accounts\.forms import [^\n]*\b(EmptyForm|strip|PhoneField|BaseForm)\b")
    sources = [p for p in BASE_DIR.rglob("*.py") if ".venv" not in p.parts]
    assert len(sources) > 200
    offenders = [str(p) for p in sources if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    import accounts.forms

    assert not hasattr(accounts.forms, "EmptyForm")

