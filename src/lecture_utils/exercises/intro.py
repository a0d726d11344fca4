"""Checkers of the introduction (slides 6-9)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..feedback import Feedback, Kind
from . import _check, _with_note

__all__ = ["check_layer_forward", "check_squared_loss"]


def _layer(A: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.tanh(A @ x + b)


_LAYER_MISTAKES = {
    "sigma is missing: you return z = Ax + b; apply np.tanh to it.": lambda A, b, x: (
        A @ x + b
    ),
    "the bias is missing: you return tanh(Ax); add b before the "
    "nonlinearity.": lambda A, b, x: np.tanh(A @ x),
    "the bias is added after the nonlinearity: use tanh(Ax + b), not tanh(Ax) "
    "+ b.": lambda A, b, x: np.tanh(A @ x) + b,
}
_SHAPES = (
    "A has shape (M, N) and x has shape (N,): A @ x needs the inner dimensions to "
    "match (slide 7). Did you use A.T or x @ A?"
)


def check_layer_forward(layer: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``layer(A, b, x)``: y = tanh(Ax + b), shape (M,), for A (M, N), b (M,),
    x (N,) (slide 6). Small weights keep tanh far from saturated, so a missing tanh
    shows; two of the three A are not square, so a transposed A cannot pass.
    """
    rng = np.random.default_rng(6)
    cases = [
        (
            0.3 * rng.standard_normal((m, n)),
            0.3 * rng.standard_normal(m),
            rng.standard_normal(n),
        )
        for m, n in [(3, 2), (2, 4), (5, 5)]
    ]
    name = "layer"
    feedback = _check(layer, _layer, cases, _LAYER_MISTAKES, time_limit, name=name)
    raised = feedback.kind is Kind.EXCEPTION
    shape_error = raised and isinstance(feedback.exception, ValueError)
    return _with_note(feedback, _SHAPES, shape_error)


def _predict(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    return x[:, None] ** np.arange(len(theta)) @ theta  # sum_k theta_k x^k


def _loss(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum((y - _predict(theta, x)) ** 2))


_LOSS_MISTAKES = {
    "np.polyval(theta, x) takes the highest power first, but theta_0 is the constant "
    "term here: use np.polynomial.polynomial.polyval(x, theta), or "
    "theta[::-1].": lambda theta, x, y: np.sum((y - np.polyval(theta, x)) ** 2),
    "the powers start at x^0 = 1: theta_0 is the constant term, theta_1 multiplies "
    "x.": lambda theta, x, y: np.sum((y - x * _predict(theta, x)) ** 2),
    "you averaged the squared errors; slide 9's loss is their "
    "sum.": lambda theta, x, y: np.mean((y - _predict(theta, x)) ** 2),
    "the residuals must be squared before they are summed.": lambda theta, x, y: np.sum(
        y - _predict(theta, x)
    ),
    "you summed absolute errors |y - f|; slide 9's loss sums squared "
    "errors.": lambda theta, x, y: np.sum(np.abs(y - _predict(theta, x))),
}
_LOSS_FACTORS = {0.5: "Slide 9's loss is the plain sum, without the 1/2 of slide 19."}


def check_squared_loss(loss: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``loss(theta, x, y)``: sum_i (y_i - f(x_i, theta))^2 (slide 9), with
    ``f(x, theta) = theta_0 + theta_1 x + ... + theta_M x^M``, theta (M + 1,),
    x and y (N,); the answer is a number."""
    rng = np.random.default_rng(9)
    cases = []
    for degree, n in [(3, 6), (0, 4), (5, 20)]:
        x = np.sort(rng.uniform(-5.0, 5.0, n))
        theta = rng.standard_normal(degree + 1) / 3.0 ** np.arange(degree + 1)
        cases.append((theta, x, np.cos(x) + 0.2 * rng.standard_normal(n)))
    hints = _LOSS_FACTORS
    return _check(
        loss, _loss, cases, _LOSS_MISTAKES, time_limit, name="loss", factor_hints=hints
    )
