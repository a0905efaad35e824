"""The shared race harness itself (``run_together`` in tests/conftest.py): the jobs
really run at the same time, each in its own session, and nothing hangs the suite."""
from __future__ import annotations

import threading

import pytest
from flask import has_request_context

from core.extensions import db


def test_jobs_run_at_the_same_time_each_with_its_own_session(run_together):
    both_inside = threading.Barrier(2, timeout=5)  # only passes if both run at once

    def job():
        both_inside.wait()
        return db.session(), has_request_context()  # the session object itself: kept alive, compared by identity

    outcomes = run_together([job, job])
    assert outcomes.errors == []
    (first, first_in_request), (second, second_in_request) = outcomes
    mine = db.session()
    assert first is not second and mine is not first and mine is not second
    assert first_in_request and second_in_request


def test_an_exception_is_the_outcome_of_its_job_in_order(run_together):
    def fails():
        raise ValueError("stall taken")

    outcomes = run_together([lambda: "first", fails, lambda: "third"])
    assert outcomes[0] == "first" and outcomes[2] == "third"
    assert isinstance(outcomes[1], ValueError) and str(outcomes[1]) == "stall taken"
    assert outcomes.values == ["first", "third"] and outcomes.errors == [outcomes[1]]


def test_a_job_that_never_finishes_fails_the_test_within_its_bound(run_together):
    release = threading.Event()
    try:
        with pytest.raises(pytest.fail.Exception, match="1 of 2 jobs still running"):
            run_together([lambda: release.wait(30), lambda: "done"], timeout=0.5)
    finally:
        release.set()


def test_no_jobs_is_a_mistake_in_the_test(run_together):
    with pytest.raises(ValueError, match="at least one job"):
        run_together([])
