"""Every exercise checker gives a verdict, never a crash and never a false
"Correct", whatever the learner's function does: answers that are complex, huge
or infinite, None, the wrong shape, text, an exception, a loop that never ends,
or a function that changes its inputs. One list of checkers, one set of tests.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from test_exercises_backprop import CHECKS as BACKPROP
from test_exercises_bayes import CHECKS as BAYES
from test_exercises_differentiation import CHECKS as DIFFERENTIATION
from test_exercises_gradient_descent import CHECKS as GRADIENT_DESCENT
from test_exercises_intro import CHECKS as INTRO
from test_exercises_regression import CHECKS as REGRESSION
from test_exercises_sampling import CHECKS as SAMPLING
from test_exercises_uncertainty import CHECKS as UNCERTAINTY

from lecture_utils.feedback import Kind

CHECKS = (
    INTRO
    + DIFFERENTIATION
    + BACKPROP
    + GRADIENT_DESCENT
    + REGRESSION
    + BAYES
    + SAMPLING
    + UNCERTAINTY
)
IDS = [check.__name__ for check, _ in CHECKS]


def _each_output(right, change):
    """A learner function that returns ``change(o)`` for each output o of right."""

    def learner(*args):
        out = right(*args)
        return tuple(map(change, out)) if isinstance(out, tuple) else change(out)

    return learner


def _returns_tuple(check, right) -> bool:
    """Whether the checked function returns a tuple (e.g. gradients of a layer)."""
    kinds = []

    def spy(*args):
        out = right(*args)
        kinds.append(isinstance(out, tuple))
        return out

    check(spy)
    return kinds[0]


def test_every_checker_accepts_the_right_answer():
    for check, right in CHECKS:
        fb = check(right)
        assert fb.passed and fb.kind is Kind.CORRECT, f"{check.__name__}: {fb}"


@pytest.mark.parametrize(("check", "right"), CHECKS, ids=IDS)
def test_complex_answers_are_never_correct(check, right):
    fb = check(_each_output(right, lambda o: o + 5j))
    assert not fb and fb.kind is Kind.COMPLEX


@pytest.mark.parametrize(("check", "right"), CHECKS, ids=IDS)
def test_huge_and_infinite_answers_get_a_verdict(check, right):
    for value, kinds in (
        (1e308, (Kind.VALUES, Kind.FACTOR)),
        (np.inf, (Kind.NON_FINITE,)),
        (np.nan, (Kind.NON_FINITE,)),
    ):
        fb = check(_each_output(right, lambda o, v=value: np.full(np.shape(o), v)))
        assert not fb and fb.kind in kinds, (value, fb)


@pytest.mark.parametrize(("check", "right"), CHECKS, ids=IDS)
def test_none_wrong_shape_text_and_exceptions_get_a_verdict(check, right):
    tuples = _returns_tuple(check, right)
    assert check(lambda *a: None).kind is (
        Kind.WRONG_TYPE if tuples else Kind.NO_RESULT
    )
    assert check(_each_output(right, lambda o: np.append(o, 1.0))).kind is Kind.SHAPE
    assert check(_each_output(right, lambda o: "text")).kind is Kind.WRONG_TYPE

    def crashes(*args):
        raise IndexError("index 10 is out of bounds")

    fb = check(crashes)
    assert fb.kind is Kind.EXCEPTION and isinstance(fb.exception, IndexError)


@pytest.mark.parametrize(("check", "right"), CHECKS, ids=IDS)
def test_a_function_that_never_returns_times_out(check, right):
    def hangs(*args):
        while True:
            pass

    start = time.perf_counter()
    fb = check(hangs, time_limit=0.3)
    assert fb.kind is Kind.TIMEOUT and not fb
    assert time.perf_counter() - start < 3.0  # the time limit reaches the engine


@pytest.mark.parametrize(("check", "right"), CHECKS, ids=IDS)
def test_a_learner_that_changes_its_inputs_cannot_spoil_the_check(check, right):
    def mutates(*args):
        out = right(*args)
        for arg in args:
            if isinstance(arg, np.ndarray):
                arg *= 3.0
        return out

    assert check(mutates)
