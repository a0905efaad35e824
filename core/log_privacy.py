"""No database error carries the values of a row into a log line or a stored error.

PostgreSQL explains a refused statement with the values it refused: a unique
violation says ``DETAIL:  Key (handle)=(yohanes-tefa) already exists``, a
not-null violation ``DETAIL:  Failing row contains (…)`` (a whole row: a phone,
a password hash), a bad literal ``invalid input syntax for type integer: "…"``.
The engine already hides SQL parameters (``hide_parameters=True``); this module
hides what the server itself writes back.

- ``safe_error_text(error)`` is what may be written down about an exception: for a
  database error its class and the names the server gives (SQLSTATE, constraint,
  table, column), never a message; for any other, its message with every
  ``DETAIL``/``CONTEXT``/``Key (…)=(…)`` part cut out.
- ``install_log_record_factory()`` makes every log record (every logger, every
  handler: gunicorn's error log, Flask's, the scheduler's, pytest's caplog) clean
  when it is born: the traceback of ``exc_info`` is written with those texts, and
  exception arguments of a message are replaced by them.
"""
from __future__ import annotations

import logging
import re
import traceback

# What the server (or a driver) appends after its one-line message: values.
_DETAIL = re.compile(r"\s*\b(?:DETAIL|CONTEXT|WHERE|QUERY|LINE \d+):.*?(?=\n\[SQL:|\n\(Background on|\Z)", re.S)
_KEY_VALUES = re.compile(r"Key \(([^)\n]*)\)=\([^\n]*")
_FAILING_ROW = re.compile(r"Failing row contains \([^\n]*")
_PARAMETERS = re.compile(r"\[parameters: .*?\]\n?", re.S)
_QUOTED_VALUE = re.compile(r'(invalid input (?:syntax|value)[^:\n]*:\s*)"[^\n]*')
_MARKERS = ("DETAIL", "CONTEXT", "Key (", "Failing row", "[parameters:", "invalid input")


def _is_database_error(error: BaseException) -> bool:
    module = type(error).__module__ or ""
    return module.startswith(("sqlalchemy.exc", "psycopg", "sqlite3")) or module == "sqlite3"


def scrub_text(text: str) -> str:
    """``text`` without the values a database error may carry."""
    if not any(marker in text for marker in _MARKERS):
        return text
    text = _DETAIL.sub("", text)
    text = _KEY_VALUES.sub(r"Key (\1)=(…)", text)
    text = _FAILING_ROW.sub("Failing row contains (…)", text)
    text = _PARAMETERS.sub("", text)
    return _QUOTED_VALUE.sub(r'\1"…"', text)


def _database_error_text(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    names = [f"{type(orig).__module__}.{type(orig).__name__}"]
    if orig is not error:
        names.insert(0, type(error).__name__)
    diag = getattr(orig, "diag", None)
    parts = []
    for label, attribute in (("sqlstate", "sqlstate"), ("constraint", "constraint_name"),
                             ("table", "table_name"), ("column", "column_name")):
        value = getattr(diag, attribute, None) if diag is not None else None
        if value is None and attribute == "sqlstate":
            value = getattr(orig, "sqlstate", None)
        if value:
            parts.append(f"{label} {value}")
    if getattr(orig, "sqlite_errorname", None):  # SQLite: SQLITE_CONSTRAINT_UNIQUE, …
        parts.append(orig.sqlite_errorname)
    return " / ".join(names) + (f" ({', '.join(parts)})" if parts else "")


def safe_error_text(error: BaseException) -> str:
    """What may be logged or stored about ``error`` (see the module's docstring)."""
    if _is_database_error(error) or _is_database_error(getattr(error, "orig", None) or error):
        return _database_error_text(error)
    return scrub_text(str(error))


def _chain(error: BaseException) -> list[BaseException]:
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return chain


def format_exception(error: BaseException) -> str:
    """A traceback like ``logging``'s, each exception's text by ``safe_error_text``."""
    blocks = []
    chain = _chain(error)
    for index, item in enumerate(reversed(chain)):
        lines = ["Traceback (most recent call last):\n", *traceback.format_tb(item.__traceback__)]
        kind = type(item)
        name = kind.__qualname__ if kind.__module__ in ("builtins", "__main__") else f"{kind.__module__}.{kind.__qualname__}"
        text = safe_error_text(item)
        lines.append(f"{name}: {text}" if text else name)
        blocks.append("".join(lines))
        if index < len(chain) - 1:
            later = list(reversed(chain))[index + 1]
            blocks.append("\nThe above exception was the direct cause of the following exception:\n\n"
                          if later.__cause__ is item else
                          "\nDuring handling of the above exception, another exception occurred:\n\n")
    return "".join(blocks).rstrip("\n")


def _clean(record: logging.LogRecord) -> logging.LogRecord:
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = format_exception(record.exc_info[1])
    if isinstance(record.msg, BaseException):
        record.msg = safe_error_text(record.msg)
    elif isinstance(record.msg, str):
        record.msg = scrub_text(record.msg)
    if isinstance(record.args, tuple) and record.args:
        record.args = tuple(
            safe_error_text(a) if isinstance(a, BaseException) else scrub_text(a) if isinstance(a, str) else a
            for a in record.args
        )
    return record


def install_log_record_factory() -> None:
    """Wrap the process's log record factory once (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "_rumahpurna_clean", False):
        return

    def factory(*args, **kwargs):
        return _clean(current(*args, **kwargs))

    factory._rumahpurna_clean = True
    logging.setLogRecordFactory(factory)
