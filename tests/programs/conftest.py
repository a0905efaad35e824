"""Fixtures for the training and KUR tests."""
from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from mentoring.programs import services
from mentoring.programs.models import TrainingSession

_titles = itertools.count(1)


@pytest.fixture
def make_training(make_user):
    """A scheduled session starting in ``days`` days (committed)."""

    def factory(capacity: int = 10, days: float = 5, **fields) -> TrainingSession:
        starts = utcnow().replace(microsecond=0) + timedelta(days=days)
        training = TrainingSession(
            title=fields.pop("title", f"Pembukuan sederhana {next(_titles)}"),
            description=fields.pop("description", "Mencatat uang masuk dan keluar."),
            provider=fields.pop("provider", "blk"),
            place=fields.pop("place", "BLK Kupang"),
            regency=fields.pop("regency", "kota-kupang"),
            tags=fields.pop("tags", ",pembukuan,"),
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            registration_deadline_at=fields.pop("registration_deadline_at", starts - timedelta(hours=1)),
            capacity=capacity,
            **fields,
        )
        db.session.add(training)
        db.session.commit()
        return training

    return factory


@pytest.fixture
def kur_start():
    def factory(**overrides) -> services.KurStart:
        values = dict(
            business_name="Se'i Sapi Mama Ester",
            business_months=12,
            regency="kota-kupang",
            amount=25_000_000,
            bank="bank-ntt",
            has_ektp=True,
            adult_or_married=True,
            no_other_credit=True,
        )
        values.update(overrides)
        return services.KurStart(**values)

    return factory
