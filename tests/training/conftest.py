"""Fixtures for the training tests (``kur_start`` comes from the KUR tests: the
access and browser tests walk both parts)."""
from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from mentoring.training import listing
from mentoring.training.models import TrainingSession

_titles = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_seat_counts():
    """Kept seat counts (listing.listed_seat_counts) never outlive a test."""
    listing.forget_seat_counts()
    yield
    listing.forget_seat_counts()


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


# The KUR start factory, for the tests that walk both parts (access, browser).
from tests.kur.conftest import kur_start  # noqa: E402, F401
