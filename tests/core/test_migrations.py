"""Migrations: one head, and upgrading an empty database matches the models."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask_migrate import check, upgrade
from sqlalchemy import create_engine, text

from config import TestingConfig
from core import create_app
from core.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def test_single_head():
    config = AlembicConfig(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"migrations have several heads: {heads}"


def _upgrade_and_check(url: str, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        check(directory=str(ROOT / "migrations"))  # raises if models and schema differ
        db.engine.dispose()


def test_upgrade_from_empty_matches_models_sqlite(tmp_path, monkeypatch):
    _upgrade_and_check(f"sqlite:///{tmp_path / 'migrated.db'}", tmp_path, monkeypatch)


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL not configured",
)
def test_upgrade_from_empty_matches_models_postgres(tmp_path, monkeypatch):
    base = os.environ["TEST_DATABASE_URL"]
    name = f"rp_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _upgrade_and_check(base.rsplit("/", 1)[0] + f"/{name}", tmp_path, monkeypatch)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
