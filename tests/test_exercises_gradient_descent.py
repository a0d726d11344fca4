"""Tests for lecture_utils.exercises.gradient_descent: right answers pass, each
known mistake gets its verdict, and hostile learner code (complex, 1e308, None,
a wrong shape, an exception, a loop that never ends) gets a Feedback, never a
crash and never "Correct"."""

from __future__ import annotations

import numpy as np
import pytest

import lecture_utils.exercises.gradient_descent as checkers
from lecture_utils.exercises.gradient_descent import (
    check_gradient_step,
    check_largest_learning_rate,
    check_unit_backward,
)
from lecture_utils.feedback import Kind


def right_step(theta, H, b, eta):
    return theta - eta * (H @ theta - b)


def right_unit(a, b, x, y):
    f = np.tanh(a * x + b)
    delta = -(y - f) * (1 - f**2)
    return delta * x, delta


def right_rate(H):
    return 2 / np.max(np.linalg.eigvalsh(H))


CHECKS = [
    (check_gradient_step, right_step),
    (check_unit_backward, right_unit),
    (check_largest_learning_rate, right_rate),
]


def test_only_the_checkers_are_public():
    assert sorted(checkers.__all__) == [
        "check_gradient_step",
        "check_largest_learning_rate",
        "check_unit_backward",
    ]


def test_other_correct_answers_pass():
    # the right answers themselves: test_checkers.py, for every checker
    assert check_gradient_step(lambda t, H, b, eta: t - eta * H.dot(t) + eta * b)
    assert check_largest_learning_rate(lambda H: 2 / np.linalg.norm(H, 2))

    def unit_with_autodiff(a, b, x, y):  # the chapter's engine, entry by entry
        from lecture_utils.autodiff import Var

        da, db = np.empty_like(a), np.empty_like(b)
        for i in range(a.size):
            va, vb = Var(a[i]), Var(b[i])
            (0.5 * (y[i] - (va * x[i] + vb).tanh()) ** 2).backward()
            da[i], db[i] = va.grad, vb.grad
        return da, db

    assert check_unit_backward(unit_with_autodiff)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda t, H, b, eta: t + eta * (H @ t - b), "uphill"),
        (lambda t, H, b, eta: t - (H @ t - b), "learning rate is missing"),
        (lambda t, H, b, eta: t - eta * (0.5 * H @ t - b), "the 1/2 cancels"),
        (lambda t, H, b, eta: t - eta * (H @ t + b), "the sign of b"),
        (lambda t, H, b, eta: -eta * (H @ t - b), "returned the step"),
        (lambda t, H, b, eta: H @ t - b, "returned the gradient"),
    ],
)
def test_gradient_step_mistakes_are_named(wrong, hint):
    fb = check_gradient_step(wrong)
    assert fb.kind is Kind.MISTAKE and fb.case == 1 and hint in fb.message


def test_an_unknown_step_mistake_gets_the_engine_diagnosis():
    fb = check_gradient_step(lambda t, H, b, eta: 2 * right_step(t, H, b, eta))
    assert fb.kind is Kind.FACTOR and fb.factor == pytest.approx(2.0)
    fb = check_gradient_step(lambda t, H, b, eta: t - eta * (H.T @ H @ t - b))
    assert fb.kind is Kind.VALUES


def _unit(df_dz=None, dz_da=None, sign=1.0, db_times_x=False, factor=1.0):
    def wrong(a, b, x, y):
        z = a * x + b
        f = np.tanh(z)
        local = (1 - f**2) if df_dz is None else df_dz(z, f)
        delta = sign * factor * -(y - f) * local
        da = delta * (x if dz_da is None else dz_da(a, x))
        return da, (da if db_times_x else delta)

    return wrong


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (_unit(sign=-1.0), "de/df = -1"),
        (_unit(df_dz=lambda z, f: 1.0), "the tanh step is missing"),
        (_unit(df_dz=lambda z, f: 1 - z**2), "not 1 - z^2"),
        (_unit(df_dz=lambda z, f: 1 - f), "the tanh is squared"),
        (_unit(dz_da=lambda a, x: a), "dz/da = x"),
        (_unit(db_times_x=True), "dz/db = 1"),
    ],
)
def test_unit_backward_mistakes_are_named(wrong, hint):
    fb = check_unit_backward(wrong)
    assert fb.kind is Kind.MISTAKE and fb.case == 1 and hint in fb.message


def test_unit_backward_without_the_half_gets_the_factor_hint():
    fb = check_unit_backward(_unit(factor=2.0))
    assert fb.kind is Kind.FACTOR and fb.factor == pytest.approx(2.0)
    assert "1/2 of L" in fb.message


def test_unit_backward_with_one_output_wrong_names_it():
    fb = check_unit_backward(lambda a, b, x, y: (right_unit(a, b, x, y)[0], 0 * a))
    assert not fb and "dL_db" in fb.message


@pytest.mark.parametrize(
    ("wrong", "hint", "case"),
    [
        (lambda H: 1 / np.max(np.linalg.eigvalsh(H)), "start to oscillate", 1),
        (lambda H: 2 / np.min(np.linalg.eigvalsh(H)), "smallest eigenvalue", 1),
        (lambda H: 2 / np.max(np.diag(H)), "only when H is diagonal", 2),
        (lambda H: 2 / np.linalg.norm(H), "Frobenius", 1),
    ],
)
def test_largest_learning_rate_mistakes_are_named(wrong, hint, case):
    fb = check_largest_learning_rate(wrong)
    assert fb.kind is Kind.MISTAKE and fb.case == case and hint in fb.message
