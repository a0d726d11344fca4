"""Checkers of the chapter on uncertainty (slides 6, 41, 44)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..feedback import Feedback, Kind
from . import _check, _with_note

__all__ = ["check_mc_estimate", "check_network_jacobian"]


def _jacobian(A0, b0, A1, b1, x, d_tanh=lambda z, t: 1 - t**2, outer=True, inner=True):
    """J = diag(1 - y^2) A1 diag(1 - h^2) A0, or a known mistake of it."""
    z0 = A0 @ x + b0
    h = np.tanh(z0)
    z1 = A1 @ h + b1
    y = np.tanh(z1)
    dy_dh = d_tanh(z1, y)[:, None] * A1 if outer else A1
    dh_dx = d_tanh(z0, h)[:, None] * A0 if inner else A0
    return dy_dh @ dh_dx


_JACOBIAN_MISTAKES = {
    "tanh'(z) = 1 - tanh(z)^2, evaluated at the layer's output tanh(z), not "
    "1 - z^2.": lambda *a: _jacobian(*a, d_tanh=lambda z, t: 1 - z**2),
    "the outer layer's factor diag(1 - y^2) is missing: dy/dh = diag(1 - y^2) "
    "A1.": lambda *a: _jacobian(*a, outer=False),
    "the inner layer's factor diag(1 - h^2) is missing: dh/dx = diag(1 - h^2) "
    "A0.": lambda *a: _jacobian(*a, inner=False),
    "tanh'(z) = 1 - tanh(z)^2, with a minus sign.": lambda *a: _jacobian(
        *a, d_tanh=lambda z, t: 1 + t**2
    ),
}
_ORDER = (
    "The chain rule multiplies (dy/dh)(dh/dx), an (E x H) by an (H x D) matrix, "
    "which gives the (E x D) Jacobian: outer layer on the left."
)


def check_network_jacobian(jacobian: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``jacobian(A0, b0, A1, b1, x)``: the (E, D) Jacobian dy/dx of
    y = tanh(A1 h + b1), h = tanh(A0 x + b0), with A0 (H, D), b0 (H,), A1 (E, H),
    b1 (E,), x (D,). In case 1 no two of D, H, E are equal, so that a transposed
    or misordered product cannot pass.
    """
    rng = np.random.default_rng(41)
    cases = []
    for d, h, e in [(2, 3, 4), (3, 4, 1), (2, 2, 2)]:
        A0, b0 = rng.standard_normal((h, d)), 0.5 * rng.standard_normal(h)
        A1, b1 = rng.standard_normal((e, h)) / np.sqrt(h), 0.5 * rng.standard_normal(e)
        cases.append((A0, b0, A1, b1, rng.standard_normal(d)))
    name = "jacobian"
    feedback = _check(
        jacobian, _jacobian, cases, _JACOBIAN_MISTAKES, time_limit, name=name
    )
    shape = feedback.kind in (Kind.SHAPE, Kind.TRANSPOSED)
    return _with_note(
        feedback, _ORDER, shape or isinstance(feedback.exception, ValueError)
    )


def _mc_estimate(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return values.mean(axis=0), values.std(axis=0, ddof=1) / np.sqrt(len(values))


_MC_MISTAKES = {
    "your second output is the standard deviation of f, the spread of one sample; "
    "the standard error of the mean is that divided by "
    "sqrt(S).": lambda f: (f.mean(axis=0), f.std(axis=0, ddof=1)),
    "the standard error is std / sqrt(S), not std / S.": lambda f: (
        f.mean(axis=0),
        f.std(axis=0, ddof=1) / len(f),
    ),
    "np.std divides by S by default; the sample standard deviation divides by S - 1: "
    "use np.std(..., "
    "ddof=1).": lambda f: (f.mean(axis=0), f.std(axis=0) / np.sqrt(len(f))),
    "average over the samples, the rows (axis=0): one mean per output.": lambda f: (
        f.mean(axis=1),
        f.std(axis=1, ddof=1) / np.sqrt(f.shape[1]),
    ),
}


def check_mc_estimate(estimate: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``estimate(values) -> (mean, std_error)``, both (E,): the Monte Carlo
    mean of ``values`` (S, E), f(x^(s)) in row s, and its standard error (slide 44).
    """
    rng = np.random.default_rng(44)
    cases = [
        (np.tanh(rng.normal(1.0, 1.5, size)),) for size in [(8, 3), (50, 1), (5, 2)]
    ]
    return _check(
        estimate,
        _mc_estimate,
        cases,
        _MC_MISTAKES,
        time_limit,
        name="estimate",
        output_names=("mean", "std_error"),
    )
