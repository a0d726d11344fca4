"""Checkers of the differentiation chapter (slides 13-27). A derivative has the
shape (shape of the target) + (shape of the parameter): a gradient is a row."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..feedback import Feedback
from . import _check

__all__ = ["check_jacobian", "check_loss_gradient_wrt_A", "check_row_gradient"]


def _points(dim: int, seed: int) -> list[tuple[np.ndarray]]:
    """Three distinct, non-symmetric points: every mistake changes the numbers."""
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], size=(3, dim))
    return [(rng.uniform(0.3, 1.7, size=dim) * s,) for s in signs]


def _row_gradient(x: np.ndarray) -> np.ndarray:
    """``df/dx`` of ``f = x1**2 x2 + sin(x1 x2)``, a ``1 x 2`` row."""
    x1, x2 = x
    c = np.cos(x1 * x2)
    return np.array([[2 * x1 * x2 + x2 * c, x1**2 + x1 * c]])


def _no_inner(x: np.ndarray) -> np.ndarray:
    x1, x2 = x
    return np.array([[2 * x1 * x2 + np.cos(x1 * x2), x1**2 + np.cos(x1 * x2)]])


_ROW_MISTAKES = {
    "the two partial derivatives are swapped: entry [0, 0] must be df/dx1 "
    "and entry [0, 1] df/dx2.": lambda x: _row_gradient(x)[:, ::-1],
    "the chain rule is incomplete: d/dx1 sin(x1 x2) = cos(x1 x2) x2 (times "
    "the derivative of the inner function x1 x2), and d/dx2 sin(x1 x2) = "
    "cos(x1 x2) x1.": _no_inner,
    "the term sin(x1 x2) is missing: you differentiated x1^2 x2 only.": lambda x: (
        np.array([[2 * x[0] * x[1], x[0] ** 2]])
    ),
}


def check_row_gradient(
    grad_f: Callable, *, name: str | None = None, time_limit: float = 10.0
) -> Feedback:
    """Check ``grad_f(x)``, the gradient of ``x1**2 x2 + sin(x1 x2)`` as the row
    ``(1, 2)`` of the lecture (a flat ``(2,)`` or column answer is named)."""
    cases = _points(2, seed=17)
    return _check(grad_f, _row_gradient, cases, _ROW_MISTAKES, time_limit, name=name)


def _jacobian(x: np.ndarray) -> np.ndarray:
    """The ``2 x 3`` Jacobian of ``f(x) = [x1 x2 x3, x1**2 + tanh(x3)]``."""
    x1, x2, x3 = x
    return np.array([[x2 * x3, x1 * x3, x1 * x2], [2 * x1, 0.0, 1 - np.tanh(x3) ** 2]])


def _tanh_slip(x: np.ndarray) -> np.ndarray:
    """The Jacobian with ``1 - tanh(x3)`` at entry [1, 2]."""
    J = _jacobian(x)
    J[1, 2] = 1 - np.tanh(x[2])
    return J


_JACOBIAN_MISTAKES = {
    "your rows are in the wrong order: row i must be the gradient of f_i.": lambda x: (
        _jacobian(x)[::-1]
    ),
    "you returned the gradient of f_1 + f_2 (the column sums); the Jacobian "
    "keeps one row per output, shape (2, 3).": lambda x: _jacobian(x).sum(axis=0),
    "entry [1, 2] uses 1 - tanh(x3), but the derivative of tanh is "
    "1 - tanh(x3)**2 (slide 13).": _tanh_slip,
}


def check_jacobian(
    jacobian: Callable, *, name: str | None = None, time_limit: float = 10.0
) -> Feedback:
    """Check ``jacobian(x)``, one row per output: the (2, 3) Jacobian of
    ``f(x) = [x1 x2 x3, x1**2 + tanh(x3)]``."""
    cases = _points(3, seed=23)
    return _check(jacobian, _jacobian, cases, _JACOBIAN_MISTAKES, time_limit, name=name)


def _loss_gradient_wrt_A(A: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``dL/dA = -(y - A x) x^T`` of ``L = ||y - A x||**2 / 2``, shape ``(M, N)``."""
    return -np.outer(y - A @ x, x)


_LOSS_HINTS = {
    -1.0: "Check the sign: e = y - A x, so de/dA carries a minus sign.",
    2.0: "The loss has a 1/2: the derivative of e^T e / 2 is e^T, not 2 e^T.",
}
_LOSS_MISTAKES = {
    "you returned dL/dx = -(y - Ax)^T A (slide 19), the derivative with respect "
    "to x; this exercise asks for dL/dA, shape (M, N).": lambda A, x, y: (
        -(y - A @ x) @ A
    ),
}


def check_loss_gradient_wrt_A(
    grad_A: Callable, *, name: str | None = None, time_limit: float = 10.0
) -> Feedback:
    """Check ``grad_A(A, x, y)``, ``dL/dA`` of ``L(A) = ||y - A x||**2 / 2``, shape
    ``(M, N)`` for ``A (M, N)``."""
    rng = np.random.default_rng(29)
    sizes = [(3, 2), (2, 4), (3, 3)]
    cases = [
        (rng.standard_normal((m, n)), rng.standard_normal(n), rng.standard_normal(m))
        for m, n in sizes
    ]
    return _check(
        grad_A,
        _loss_gradient_wrt_A,
        cases,
        _LOSS_MISTAKES,
        time_limit,
        name=name,
        factor_hints=_LOSS_HINTS,
    )
