"""Issue 8 item 26: one date formatter. Pages, inbox texts and message
parameters write dates and times through ``core.i18n.format_wita`` (the ``|wita``
filter's named styles); nothing else formats a date itself, and no member ever
reads seconds."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from core.i18n import COMBINED_STYLES, WITA_STYLES, format_wita

ROOT = Path(__file__).resolve().parents[2]
STYLES = set(WITA_STYLES) | set(COMBINED_STYLES) | {"time", "clock"}
# Skipped: data migrations, the benchmark scripts and the tests themselves.
SKIP = ("migrations/", "bench/", "tests/", ".venv/")
# Machine tokens, not text anyone reads: the slot in a URL (UTC) and an upload's
# storage key, a spreadsheet's sortable column. Matched on the whole line, so any other use still fails.
MACHINE = {
    ("mentoring/counseling/forms.py", "return moment.astimezone(UTC).strftime(SLOT_FORMAT)"),
    # The registrant CSV's time column, sortable in a spreadsheet (WITA, no seconds).
    ("mentoring/training/exports.py", 'registration.created_at.astimezone(WITA).strftime("%Y-%m-%d %H:%M"),'),
}
MACHINE_PREFIX = {("core/uploads/store.py", 'return f"{owner}/{now:%Y/%m}/')}

PY_DATE_FORMATTING = re.compile(
    r"\.strftime\(|\bformat_(?:date|datetime|time|skeleton|timedelta)\b(?!_)|babel\.dates|"
    r"from babel import dates|\{[^{}\n]*:%[a-zA-Z]"
)
TEMPLATE_DATE_FORMATTING = re.compile(r"strftime|\|\s*(?:format_date|format_datetime|datetimeformat|dateformat)\b")
WITA_ARGUMENT = re.compile(r"\|\s*(?:wita|format_wita)\(\s*(?:[a-z_]+\|default\()?'([^']*)'")
STYLE_VARIABLE = re.compile(r"row_format\s*=\s*'([^']*)'")


def _skipped(relative: str) -> bool:
    return relative.startswith(SKIP) or "/migrations/" in relative


def _python_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if not _skipped(relative) and relative != "core/i18n.py":
            yield relative, path


def _templates():
    for path in sorted((ROOT / "templates").rglob("*")):
        relative = path.relative_to(ROOT).as_posix()
        if path.is_file() and not _skipped(relative):
            yield relative, path


def test_no_module_outside_the_kit_formats_dates_itself():
    found = []
    for relative, path in _python_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            if not PY_DATE_FORMATTING.search(line) or stripped.startswith("#"):
                continue
            if (relative, stripped) in MACHINE:
                continue
            if any(relative == where and stripped.startswith(prefix) for where, prefix in MACHINE_PREFIX):
                continue
            found.append(f"{relative}:{number}: {stripped}")
    assert not found, "format dates with core.i18n.format_wita:\n" + "\n".join(found)


def test_templates_pass_only_named_styles_to_the_formatter():
    found = []
    for relative, path in _templates():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if TEMPLATE_DATE_FORMATTING.search(line):
                found.append(f"{relative}:{number}: formats a date itself")
            for style in WITA_ARGUMENT.findall(line) + STYLE_VARIABLE.findall(line):
                if style not in STYLES and style not in ("short", "medium"):
                    found.append(f"{relative}:{number}: Babel pattern {style!r} (use a format_wita style)")
    assert not found, "\n".join(found)


def test_the_scans_catch_what_they_look_for(tmp_path):
    """The two scans are not vacuous: each pattern they must refuse is refused."""
    for line in ('x.strftime("%d/%m")', "from flask_babel import format_date", 'f"{day:%d/%m/%Y}"',
                 "dates.format_datetime(x)", "from babel.dates import format_time"):
        assert PY_DATE_FORMATTING.search(line), line
    assert not PY_DATE_FORMATTING.search("format_wita(x, 'date')")
    assert WITA_ARGUMENT.findall("{{ a|wita('EEE d MMM, HH:mm') }}") == ["EEE d MMM, HH:mm"]
    assert WITA_ARGUMENT.findall("{{ a|wita(row_format|default('HH:mm')) }}") == ["HH:mm"]
    assert TEMPLATE_DATE_FORMATTING.search("{{ d.strftime('%d/%m/%Y') }}")


MOMENT = datetime(2030, 12, 4, 5, 7, 9, tzinfo=UTC)  # Wednesday 13.07.09 WITA


@pytest.mark.parametrize(("style", "id_text", "en_text"), [
    ("date", "Rabu, 4 Desember 2030", "Wednesday, 4 December 2030"),
    ("day", "Rabu, 4 Desember", "Wednesday, 4 December"),
    ("short", "4 Des 2030", "4 Dec 2030"),
    ("day_month", "4 Des", "4 Dec"),
    ("month", "Desember 2030", "December 2030"),
    ("short_month", "Des 2030", "Dec 2030"),
    ("clock", "13.07", "13:07"),
    ("time", "13.07 WITA", "13:07 WITA"),
    ("datetime", "Rabu, 4 Desember 2030, 13.07 WITA", "Wednesday, 4 December 2030, 13:07 WITA"),
    ("short_day_time", "Rab 4 Des, 13.07 WITA", "Wed 4 Dec, 13:07 WITA"),
])
def test_every_style_in_both_languages_without_seconds(style, id_text, en_text):
    assert format_wita(MOMENT, style, "id") == id_text
    assert format_wita(MOMENT, style, "en") == en_text
    assert "09" not in format_wita(MOMENT, style, "id").replace("2030", "")


def test_a_calendar_day_is_not_shifted_by_the_zone():
    day = date(2030, 12, 4)
    assert format_wita(day, "date", "id") == "Rabu, 4 Desember 2030"
    assert format_wita(day, "short", "en") == "4 Dec 2030"
    assert format_wita(day, "short_datetime", "id") == "4 Des 2030"  # the filter's "short" on a day
    with pytest.raises(ValueError):
        format_wita(day, "clock", "id")
    with pytest.raises(ValueError):
        format_wita(MOMENT, "EEEE HH:mm:ss", "id")
