"""Tests for lecture_utils.exercises.intro: right answers pass, each known mistake
gets its verdict, and hostile learner code (complex, 1e308, None, a wrong shape,
an exception, a loop that never ends) gets a Feedback, never a crash."""

from __future__ import annotations

import numpy as np
import pytest

import lecture_utils.exercises.intro as checkers
from lecture_utils.exercises.intro import check_layer_forward, check_squared_loss
from lecture_utils.feedback import Kind


def right_layer(A, b, x):
    return np.tanh(np.einsum("ij,j->i", A, x) + b)


def right_loss(theta, x, y):
    return np.sum((y - np.polynomial.polynomial.polyval(x, theta)) ** 2)


CHECKS = [(check_layer_forward, right_layer), (check_squared_loss, right_loss)]


def test_only_the_checkers_are_public():
    assert sorted(checkers.__all__) == ["check_layer_forward", "check_squared_loss"]
    assert not any(name.startswith("_") for name in checkers.__all__)


def test_other_correct_answers_pass():
    # the right answers themselves: test_checkers.py, for every checker
    def loop_layer(A, b, x):  # a plain loop, as a learner might write it
        return np.array(
            [
                np.tanh(sum(A[i, j] * x[j] for j in range(len(x))) + b[i])
                for i in range(len(b))
            ]
        )

    def vander_loss(theta, x, y):
        return float(
            np.linalg.norm(y - np.vander(x, len(theta), increasing=True) @ theta) ** 2
        )

    assert check_layer_forward(loop_layer)
    assert check_squared_loss(vander_loss)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda A, b, x: A @ x + b, "sigma is missing"),
        (lambda A, b, x: np.tanh(A @ x), "the bias is missing"),
        (lambda A, b, x: np.tanh(A @ x) + b, "added after the nonlinearity"),
    ],
)
def test_layer_mistakes_are_named(wrong, hint):
    fb = check_layer_forward(wrong)
    assert fb.kind is Kind.MISTAKE and fb.case == 1 and hint in fb.message


def test_layer_shape_errors_get_the_shape_note():
    fb = check_layer_forward(lambda A, b, x: np.tanh(x @ A + b))
    assert fb.kind is Kind.EXCEPTION and isinstance(fb.exception, ValueError)
    assert any("inner dimensions" in note for note in fb.notes)

    def other_error(A, b, x):
        raise KeyError("x")

    assert not check_layer_forward(other_error).notes  # only shape errors get it


def test_layer_transposed_a_is_caught_on_the_square_case():
    fb = check_layer_forward(
        lambda A, b, x: (
            np.tanh(A.T @ x + b) if A.shape[0] == A.shape[1] else right_layer(A, b, x)
        )
    )
    assert not fb and fb.case == 3 and fb.kind is Kind.VALUES


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda t, x, y: np.sum((y - np.polyval(t, x)) ** 2), "np.polyval"),
        (
            lambda t, x, y: np.sum(
                (y - x * np.polynomial.polynomial.polyval(x, t)) ** 2
            ),
            "powers start at x^0",
        ),
        (
            lambda t, x, y: np.mean((y - np.polynomial.polynomial.polyval(x, t)) ** 2),
            "averaged",
        ),
        (
            lambda t, x, y: np.sum(y - np.polynomial.polynomial.polyval(x, t)),
            "squared before",
        ),
        (
            lambda t, x, y: np.sum(np.abs(y - np.polynomial.polynomial.polyval(x, t))),
            "absolute errors",
        ),
    ],
)
def test_loss_mistakes_are_named(wrong, hint):
    fb = check_squared_loss(wrong)
    assert fb.kind is Kind.MISTAKE and fb.case == 1 and hint in fb.message


def test_loss_half_factor_gets_its_hint_and_other_factors_only_their_value():
    fb = check_squared_loss(lambda t, x, y: 0.5 * right_loss(t, x, y))
    assert fb.kind is Kind.FACTOR and fb.factor == pytest.approx(0.5)
    assert "without the 1/2" in fb.message
    fb = check_squared_loss(lambda t, x, y: 3.0 * right_loss(t, x, y))
    assert fb.kind is Kind.FACTOR and fb.factor == pytest.approx(3.0)
    assert "1/2" not in fb.message


def test_loss_residuals_not_summed_is_a_missing_sum():
    fb = check_squared_loss(
        lambda t, x, y: (y - np.polynomial.polynomial.polyval(x, t)) ** 2
    )
    assert fb.kind is Kind.BATCH_SUM


def test_a_learner_that_changes_its_inputs_cannot_hide_a_known_mistake():
    def mutating(A, b, x):
        out = A @ x + b  # sigma missing
        A *= 2.0  # in place: the known mistakes must still see the original A
        return out

    fb = check_layer_forward(mutating)
    assert fb.kind is Kind.MISTAKE and "sigma is missing" in fb.message
