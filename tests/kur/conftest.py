"""Fixtures for the KUR tests (``make_training`` comes from the training tests)."""
from __future__ import annotations

import pytest

from mentoring.kur.applications import KurStart


@pytest.fixture
def kur_start():
    def factory(**overrides) -> KurStart:
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
        return KurStart(**values)

    return factory


# The training factory, for the KUR tests that also need a session (budgets, home).
from tests.training.conftest import make_training  # noqa: E402, F401
