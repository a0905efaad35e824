"""The shortcuts that keep pages fast must draw exactly what the slow paths drew:
template gettext, the per-request translations cache, ``|wita``, icons, per-row
URLs, per-row forms and the flat template globals."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import render_template_string, url_for
from flask_babel import force_locale, format_datetime, refresh
from flask_babel import gettext as babel_gettext
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.widgets import HiddenInput

from core.forms import ButtonForm, EmptyForm
from core.i18n import current_language, wita


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield


def test_template_gettext_escapes_variables_only_where_autoescaping(request_ctx):
    html = render_template_string("{{ _('%(n)s topik', n='<b>') }}")
    assert html == "&lt;b&gt; topik"
    text = render_template_string(
        "{% autoescape false %}{{ _('%(n)s topik', n='<b>') }}{% endautoescape %}"
    )
    assert text == "<b> topik"
    assert render_template_string("{{ _('100%% gratis') }}") == "100% gratis"


def test_template_gettext_in_a_loop_sees_the_loop_variable(request_ctx):
    html = render_template_string(
        "{% for n in [1, 2] %}{% set m = n * 10 %}{{ _('%(n)d topik', n=m) }};{% endfor %}"
    )
    assert html == "10 topik;20 topik;"


def test_translations_follow_force_locale_and_refresh(app, request_ctx):
    source = "{{ _('Masuk') }}"
    assert render_template_string(source) == "Masuk"
    assert babel_gettext("Masuk") == "Masuk"
    with force_locale("en"):
        assert render_template_string(source) == "Log in"
        assert babel_gettext("Masuk") == "Log in"
        assert current_language() == "en"
    assert render_template_string(source) == "Masuk"
    assert current_language() == "id"
    refresh()
    assert babel_gettext("Masuk") == "Masuk"


def test_english_pages_use_english_after_indonesian_ones(client):
    assert "Masuk" in client.get("/login").get_data(as_text=True)
    client.post("/lang", data={"lang": "en", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert "Log in" in html and ">Masuk<" not in html


@pytest.mark.parametrize("locale", ["id", "en"])
@pytest.mark.parametrize("fmt", ["medium", "short", "HH:mm", "d MMM y", "EEEE, d MMMM y, HH:mm"])
def test_wita_matches_flask_babel(request_ctx, locale, fmt):
    moment = datetime(2026, 3, 1, 23, 45, 12, tzinfo=UTC)  # already 2 March in WITA
    with force_locale(locale):
        assert wita(moment, fmt) == format_datetime(moment, fmt)
        assert wita(moment, fmt) == wita(moment, fmt)  # the remembered text is the same
    assert wita(None) == ""


def test_icons_are_the_same_svg_every_time(request_ctx):
    html = render_template_string(
        "{% from '_macros/icons.html' import icon %}{{ icon('bell') }}|{{ icon('bell') }}"
    )
    first, second = html.split("|")
    assert first == second
    assert first.startswith('<svg class="icon"') and "<path" in first and first.endswith("</svg>")


def test_a_kept_label_follows_the_language_and_the_escaping(app, request_ctx):
    """Labels without variables are kept per (translations, msgid, autoescape)."""
    labels = []
    for language in ("id", "en", "id", "en"):
        with force_locale(language):
            labels.append(render_template_string("{{ _('Beranda') }}"))
    assert labels == ["Beranda", "Home", "Beranda", "Home"]
    escaped = render_template_string("{{ _('100%% gratis') }}")
    plain = render_template_string("{% autoescape false %}{{ _('100%% gratis') }}{% endautoescape %}")
    assert escaped == plain == "100% gratis"
    with force_locale("en"):
        refresh()  # new translations objects: kept labels of the old ones are not used
        assert render_template_string("{{ _('Beranda') }}") == "Home"


def test_row_url_gives_what_url_for_gives(app, request_ctx):
    make = app.jinja_env.globals["row_url"]
    react = make("community.react", "post_id")
    moderate = make("community.moderate_post", "post_id", action="hide")
    for post_id in (1, 42, 1234567):
        assert react(post_id) == url_for("community.react", post_id=post_id)
        assert moderate(post_id) == url_for("community.moderate_post", post_id=post_id,
                                            action="hide")


def test_one_form_drawn_once_for_many_rows(app, request_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    form = EmptyForm()
    once = app.jinja_env.globals["hidden_tag_once"]
    assert once(form) == form.hidden_tag()
    assert once(form) is once(form)
    assert 'name="csrf_token"' in once(form)


class _NotDrawnHere(HiddenInput):
    def __call__(self, field, **kwargs):
        raise AssertionError("the CSRF input was drawn through WTForms' widget")


class _WithHidden(EmptyForm):
    step = HiddenField(default="2")


@pytest.mark.parametrize("form_class", [EmptyForm, _WithHidden])
def test_hidden_tag_draws_what_flask_wtf_draws(app, request_ctx, monkeypatch, form_class):
    """``BaseForm.hidden_tag`` writes the CSRF input itself: the same markup as
    Flask-WTF's, with a form's other hidden fields as before, prefixed or not."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    for form in (form_class(), form_class(prefix="row")):
        assert form.hidden_tag() == FlaskForm.hidden_tag(form)
        assert form.hidden_tag("csrf_token") == FlaskForm.hidden_tag(form, "csrf_token")
    form = form_class()
    drawn = FlaskForm.hidden_tag(form)
    assert 'name="csrf_token" type="hidden" value="' in drawn
    form.csrf_token.widget = _NotDrawnHere()  # the fast path never asks the widget
    assert form.hidden_tag() == drawn
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    assert form_class().hidden_tag() == FlaskForm.hidden_tag(form_class())


def test_template_globals_stay_overridable_per_template(app):
    env = app.jinja_env
    template = env.from_string("{{ site_title }}", globals={"site_title": "mine"})
    assert template.render() == "mine"
    assert "site_title" not in env.globals


def test_the_babel_fast_path_is_taken(app, request_ctx, monkeypatch):
    """Fails when a Flask-Babel upgrade renames its per-request state and
    ``core.i18n`` silently falls back to the slow lookups on every call."""
    from flask_babel import get_domain

    from core import i18n

    assert isinstance(get_domain(), i18n.RequestCachedDomain)
    with force_locale("en"):
        assert render_template_string("{{ _('Beranda') }}") == "Home"
        state = i18n._babel_state()
        assert state is not None, "Flask-Babel no longer keeps g._flask_babel"
        assert state.get("babel_locale") is not None and state.get("rp_translations") is not None
        monkeypatch.setattr(i18n, "get_translations", lambda: pytest.fail("slow path taken"))
        assert render_template_string("{{ _('Beranda') }}") == "Home"
        assert i18n.current_language() == "en"


def test_private_babel_state_is_read_only_in_core_i18n():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readers = [
        str(path.relative_to(root)) for path in root.rglob("*.py")
        if ".venv" not in path.parts and "tests" not in path.parts
        and "_flask_babel" in path.read_text(encoding="utf-8")
    ]
    assert readers == ["core/i18n.py"]


def test_every_template_stays_loaded_in_a_plain_cache(app):
    """All ~200 templates are loaded at start-up (``warm_up``) and kept in a plain
    dict: no lookup reorders an LRU queue and none is ever evicted and compiled again."""
    from core import warm_up

    warm_up(app)
    cache = app.jinja_env.cache
    assert type(cache) is dict
    names = {name for _loader, name in cache}
    assert names >= set(app.jinja_env.list_templates())
    first = app.jinja_env.get_template("base.html")
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    assert app.jinja_env.get_template("base.html") is first


@pytest.mark.parametrize("enabled", [True, False])
def test_a_button_form_draws_what_an_empty_form_draws(app, request_ctx, monkeypatch, enabled):
    """``ButtonForm`` (a GET page's buttons) gives the same hidden input as an
    ``EmptyForm``, the token its POST is checked with, and nothing with CSRF off."""
    from flask_wtf.csrf import validate_csrf

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", enabled)
    drawn = ButtonForm().hidden_tag()
    assert drawn == EmptyForm().hidden_tag()
    if enabled:
        token = re.search(r'value="([^"]+)"', drawn).group(1)
        validate_csrf(token)  # raises if it is not this session's
        assert app.jinja_env.globals["hidden_tag_once"](ButtonForm()) == drawn
    else:
        assert drawn == ""
