"""Query-string filter forms (selects of fixed choices, no CSRF) read and drawn once
per distinct choice instead of on every request.

A staff queue or a list with filters built its WTForms form, validated every select
against its choices and drew the labels and selects on every visit: about a
millisecond, as much as the rest of the page's own work. Yet such a form can only
come out a few ways: its answer (valid or not, the values) depends on the query
string's values of its fields only, and its markup on those and the language.
``read_filters`` keeps both per (form, language, mount point, those values) for the
valid ones; the form is built, validated and drawn as before on the first visit of
each, and on every visit whose values are not valid (those are never kept, so a
made-up query string cannot fill the cache).

Nothing here reads the viewer: the forms hold no CSRF token, no user and nothing
from the database, so what is kept is the same for everyone.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import get_template_attribute, request
from markupsafe import Markup

from core.i18n import current_language
from core.kept import LRU

MAX_KEPT = 4000

_kept = LRU(MAX_KEPT)  # key -> Filters


@dataclass(frozen=True)
class Filters:
    """``data`` is each field's value when the form validated, else None (``form``
    then holds the built form and its errors); ``markup`` is the form's fields
    as the template's ``filter_fields`` macro draws them."""

    data: dict | None
    markup: Markup
    form: object = None


def forget() -> None:
    """Forget every kept filter form of this process (tests)."""
    _kept.clear()


def read_filters(form_class, template: str, names: tuple[str, ...]) -> Filters:
    """The filter form ``form_class`` (fields ``names``, every field of the form)
    read from ``request.args`` and drawn by the ``filter_fields(form)`` macro of
    ``template``; kept when valid."""
    args = request.args
    key = (form_class, template, current_language(), request.script_root,
           tuple(tuple(args.getlist(name)) for name in names))
    hit = _kept.get(key)
    if hit is not None:
        return hit
    form = form_class(args)
    if set(form._fields) != set(names):
        raise ValueError(f"{form_class.__name__} has fields {sorted(form._fields)}, not {sorted(names)}")
    valid = form.validate()
    markup = get_template_attribute(template, "filter_fields")(form)  # Markup (autoescaped)
    if not valid:
        return Filters(None, markup, form)
    kept = Filters({name: form[name].data for name in names}, markup)
    _kept.put(key, kept)
    return kept
