"""Checkers of the gradient-descent chapter (slides 9, 32)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..feedback import Feedback
from . import _check

__all__ = ["check_gradient_step", "check_largest_learning_rate", "check_unit_backward"]

_H2 = np.array([[2.0, 1.5], [1.5, 9.0]])  # symmetric positive definite, not diagonal
_H3 = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, -1.0], [0.5, -1.0, 2.0]])


def _step(theta, H, b, eta):
    return theta - eta * (H @ theta - b)


_STEP_MISTAKES = {
    "you stepped uphill: gradient descent subtracts the gradient, "
    "theta - eta * grad L(theta).": lambda t, H, b, eta: t + eta * (H @ t - b),
    "the learning rate is missing: the step is eta * grad L, not "
    "grad L.": lambda t, H, b, eta: t - (H @ t - b),
    "the gradient of theta^T H theta / 2 is H theta (the 1/2 cancels the 2 of the "
    "square), not H theta / 2.": lambda t, H, b, eta: t - eta * (H @ t / 2 - b),
    "the sign of b: the gradient of -b^T theta is -b, so grad L = H theta "
    "- b.": lambda t, H, b, eta: t - eta * (H @ t + b),
    "you returned the step -eta * grad L; the new parameters are theta plus "
    "it.": lambda t, H, b, eta: -eta * (H @ t - b),
    "you returned the gradient H theta - b; take the step with "
    "it.": lambda t, H, b, eta: H @ t - b,
}


def check_gradient_step(learner: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``learner(theta, H, b, eta)``: one gradient-descent step on
    L = theta^T H theta / 2 - b^T theta; theta, b (D,), H (D, D) symmetric."""
    cases = [
        (np.array([1.0, 2.0]), _H2, np.array([0.5, -1.0]), 0.1),
        (np.array([-0.5, 0.25, 2.0]), _H3, np.array([1.0, 0.0, -2.0]), 0.05),
        (np.array([3.0]), np.array([[2.0]]), np.array([1.0]), 0.7),
    ]
    name = "gradient_step"
    return _check(learner, _step, cases, _STEP_MISTAKES, time_limit, name=name)


def _unit_backward(a, b, x, y, df_dz=lambda z, f: 1 - f**2, dz_da=lambda a, x: x):
    f = np.tanh(a * x + b)
    delta = (y - f) * -1.0 * df_dz(a * x + b, f)  # dL/de * de/df * df/dz
    return delta * dz_da(a, x), delta  # dz/db = 1


def _unit(**wrong: Callable) -> Callable:
    """:func:`_unit_backward` with a wrong ``df_dz`` or ``dz_da``."""
    return lambda a, b, x, y: _unit_backward(a, b, x, y, **wrong)


_UNIT_MISTAKES = {
    "both gradients have the wrong sign: de/df = -1, because e = y - f falls "
    "when f grows.": lambda *args: tuple(-g for g in _unit_backward(*args)),
    "the tanh step is missing: df/dz = 1 - tanh(z)^2 = 1 - f^2 (slide 13).": _unit(
        df_dz=lambda z, f: 1.0
    ),
    "df/dz = 1 - tanh(z)^2 = 1 - f^2, with f = tanh(z), not 1 - z^2.": _unit(
        df_dz=lambda z, f: 1 - z**2
    ),
    "df/dz = 1 - tanh(z)^2: the tanh is squared, 1 - tanh(z) is not its "
    "derivative.": _unit(df_dz=lambda z, f: 1 - f),
    "dz/da = x (z = a x + b), not a.": _unit(dz_da=lambda a, x: a),
    "dL/db has no factor x: dz/db = 1.": lambda *args: (_unit_backward(*args)[0],) * 2,
}


def check_unit_backward(learner: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``learner(a, b, x, y) -> (dL_da, dL_db)`` for z = a x + b, f = tanh z,
    e = y - f, L = e^2 / 2 (slide 32), entry by entry on arrays of one shape."""
    rng = np.random.default_rng(32)
    cases = [
        (np.array([0.8]), np.array([-0.3]), np.array([1.5]), np.array([0.2])),
        tuple(rng.uniform(-1.5, 1.5, size=(4, 6))),
    ]
    return _check(
        learner,
        _unit_backward,
        cases,
        _UNIT_MISTAKES,
        time_limit,
        name="unit_backward",
        output_names=("dL_da", "dL_db"),
        factor_hints={2.0: "Is the 1/2 of L = e^2 / 2 missing?"},
    )


def _largest_rate(H):
    return 2.0 / np.linalg.eigvalsh(H)[-1]


_RATE_MISTAKES = {
    "1 / lambda_max is where the steps start to oscillate (1 - eta lambda < 0); "
    "they still converge up to |1 - eta lambda| < 1, i.e. eta < 2 / "
    "lambda_max.": lambda H: 1.0 / np.linalg.eigvalsh(H)[-1],
    "the smallest eigenvalue is not the limit: the steepest direction, "
    "lambda_max, diverges first.": lambda H: 2.0 / np.linalg.eigvalsh(H)[0],
    "the diagonal of H holds its eigenvalues only when H is diagonal: use "
    "np.linalg.eigvalsh(H).": lambda H: 2.0 / np.max(np.diag(H)),
    "np.linalg.norm(H) is the Frobenius norm, sqrt(sum of lambda_i^2), larger than "
    "lambda_max; use np.linalg.eigvalsh(H) (or the 2-norm, np.linalg.norm(H, "
    "2)).": lambda H: 2.0 / np.linalg.norm(H),
}


def check_largest_learning_rate(
    learner: Callable, *, time_limit: float = 10.0
) -> Feedback:
    """Check ``learner(H)``: the bound 2 / lambda_max(H) on the learning rate for
    theta^T H theta / 2, H (D, D) symmetric positive definite; a number."""
    cases = [(np.diag([1.0, 10.0]),), (_H2,), (_H3,), (np.array([[0.5]]),)]
    name = "largest_learning_rate"
    return _check(learner, _largest_rate, cases, _RATE_MISTAKES, time_limit, name=name)
