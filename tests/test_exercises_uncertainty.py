"""Tests for lecture_utils.exercises.uncertainty: right answers pass, each known
mistake gets its verdict, and hostile learner code (complex, 1e308, None, a wrong
shape, an exception, a loop that never ends) gets a Feedback, never a crash."""

from __future__ import annotations

import numpy as np
import pytest

import lecture_utils.exercises.uncertainty as checkers
from lecture_utils.differentiation import numerical_jacobian
from lecture_utils.exercises.uncertainty import (
    check_mc_estimate,
    check_network_jacobian,
)
from lecture_utils.feedback import Kind


def right_jacobian(A0, b0, A1, b1, x):
    h = np.tanh(A0 @ x + b0)
    y = np.tanh(A1 @ h + b1)
    return np.diag(1 - y**2) @ A1 @ np.diag(1 - h**2) @ A0


def right_estimate(values):
    S = values.shape[0]
    return values.mean(axis=0), np.sqrt(values.var(axis=0, ddof=1) / S)


CHECKS = [(check_network_jacobian, right_jacobian), (check_mc_estimate, right_estimate)]


def test_only_the_checkers_are_public():
    assert sorted(checkers.__all__) == ["check_mc_estimate", "check_network_jacobian"]


def test_the_reference_jacobian_is_the_derivative():
    # the checker's reference against finite differences, on an independent network
    rng = np.random.default_rng(0)
    A0, b0, A1, b1 = (rng.standard_normal(s) for s in [(3, 2), 3, (4, 3), 4])
    x = rng.standard_normal(2)
    numeric = numerical_jacobian(lambda x: np.tanh(A1 @ np.tanh(A0 @ x + b0) + b1), x)
    np.testing.assert_allclose(
        checkers._jacobian(A0, b0, A1, b1, x), numeric, rtol=1e-7, atol=1e-9
    )


def _jac(d_tanh=lambda z, t: 1 - t**2, outer=True, inner=True):
    def jacobian(A0, b0, A1, b1, x):
        z0 = A0 @ x + b0
        h = np.tanh(z0)
        z1 = A1 @ h + b1
        y = np.tanh(z1)
        dy = np.diag(d_tanh(z1, y)) @ A1 if outer else A1
        dh = np.diag(d_tanh(z0, h)) @ A0 if inner else A0
        return dy @ dh

    return jacobian


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (_jac(d_tanh=lambda z, t: 1 - z**2), "not 1 - z^2"),
        (_jac(outer=False), "outer layer's factor"),
        (_jac(inner=False), "inner layer's factor"),
        (_jac(d_tanh=lambda z, t: 1 + t**2), "with a minus sign"),
    ],
)
def test_jacobian_mistakes_are_named(wrong, hint):
    fb = check_network_jacobian(wrong)
    assert fb.kind is Kind.MISTAKE and fb.case == 1 and hint in fb.message


@pytest.mark.parametrize(
    "wrong",
    [
        lambda *a: right_jacobian(*a).T,  # transposed
        lambda A0, b0, A1, b1, x: (
            (np.diag(1 - np.tanh(A0 @ x + b0) ** 2) @ A0).T @ A1.T
        ),  # inner times outer
        lambda A0, b0, A1, b1, x: A0 @ A1,  # raises: (3, 2) @ (4, 3)
    ],
)
def test_jacobian_order_and_shape_errors_get_the_chain_rule_note(wrong):
    fb = check_network_jacobian(wrong)
    assert fb.kind in (Kind.TRANSPOSED, Kind.SHAPE, Kind.EXCEPTION)
    assert any("outer layer on the left" in note for note in fb.notes)


def test_only_order_and_shape_errors_get_the_note():
    fb = check_network_jacobian(lambda *a: 2 * right_jacobian(*a))
    assert fb.kind is Kind.FACTOR and not fb.notes


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda f: (f.mean(0), f.std(0, ddof=1)), "standard deviation of f"),
        (lambda f: (f.mean(0), f.std(0, ddof=1) / len(f)), "not std / S"),
        (lambda f: (f.mean(0), f.std(0) / np.sqrt(len(f))), "ddof=1"),
        (lambda f: (f.mean(1), f.std(1, ddof=1) / np.sqrt(f.shape[1])), "axis=0"),
    ],
)
def test_mc_mistakes_are_named(wrong, hint):
    fb = check_mc_estimate(wrong)
    assert fb.kind is Kind.MISTAKE and hint in fb.message


def test_mc_one_wrong_output_is_named():
    fb = check_mc_estimate(lambda f: (f.mean(0), 3 * right_estimate(f)[1]))
    assert fb.kind is Kind.FACTOR and fb.factor == pytest.approx(3.0)
    assert "std_error" in fb.message and not fb.notes
    fb = check_mc_estimate(lambda f: (f.mean(0),))
    assert fb.kind is Kind.WRONG_TYPE


def test_partial_answers_get_a_verdict():
    """Beyond tests/test_checkers.py: a tuple of Nones, one output too short."""
    assert check_mc_estimate(lambda f: (None, None)).kind is Kind.NO_RESULT
    short = check_mc_estimate(lambda f: (f.mean(0)[:-1], right_estimate(f)[1]))
    assert short.kind is Kind.SHAPE
    assert (
        check_network_jacobian(lambda *a: right_jacobian(*a)[:, :1]).kind is Kind.SHAPE
    )
