"""The gunicorn entry point."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_entry_point_freezes_what_start_up_built(tmp_path):
    env = {**os.environ, "APP_ENV": "development", "INSTANCE_PATH": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    code = "import gc, wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=True)
    frozen, tracked = (int(n) for n in result.stdout.split())
    assert frozen > 50_000  # the app and its libraries
    assert tracked < frozen / 2  # what the collector still walks is small


def test_the_entry_point_is_warm_before_its_first_request(tmp_path):
    """Mappers set up and every template compiled at start-up, not by the first
    member to open a page after a restart."""
    env = {**os.environ, "APP_ENV": "development", "INSTANCE_PATH": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    code = (
        "import weakref, wsgi; from core.extensions import db; jinja = wsgi.app.jinja_env; "
        "names = jinja.list_templates(); loader = weakref.ref(jinja.loader); "
        "print(len(names), sum(jinja.cache.get((loader, n)) is not None for n in names), "
        "db.Model.registry._new_mappers)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=True)
    total, compiled, unconfigured = result.stdout.split()
    assert int(total) > 150
    assert int(compiled) == int(total)
    assert unconfigured == "False"
