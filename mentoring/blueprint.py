"""The ``mentoring`` blueprint, parent of its sub-packages' (counseling, training, kur)."""
from flask import Blueprint
from markupsafe import Markup

from core.i18n import current_language
from core.kept import LRU

bp = Blueprint("mentoring", __name__)

# Rendered filter selects by (form, field, language, chosen value, attributes). Their
# choices are fixed lists, so the markup only changes with those; rendering the
# options through WTForms on every request cost more than the rest of the form.
_select_cache = LRU(2000)  # key -> Markup


def cached_select(form, name: str, **attributes) -> Markup:
    """``form[name](**attributes)`` for a SelectField whose choices are fixed in the
    form class, drawn once per language and chosen value and then reused."""
    field = form[name]
    data = field.data
    if data is not None and not isinstance(data, str):
        return field(**attributes)
    if data and data not in {str(value) for value, _label in field.choices}:
        return field(**attributes)  # a typed-in value: not worth remembering
    key = (type(form), name, current_language(), data, tuple(sorted(attributes.items())))
    markup = _select_cache.get(key)
    if markup is None:
        markup = field(**attributes)
        _select_cache.put(key, markup)
    return markup


# Handed to every template by ``core.templating.expose_permissions``.
TEMPLATE_HELPERS = {"cached_select": cached_select}
