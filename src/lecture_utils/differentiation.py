"""Finite differences, Jacobians of any shape and gradient checks (slides 12-28).

Choice of the step. The central quotient ``(f(x + h) - f(x - h)) / 2h`` makes a
truncation error ``h**2 |f'''| / 6`` and a round-off error of about ``eps |f| / h``
(``f(x +- h)`` are rounded to ``eps = 2.2e-16`` relative); the sum is smallest
near ``h = eps**(1/3) ~ 6e-6`` for a function of size one, with an error of about
``eps**(2/3) ~ 4e-11``. The forward quotient ``(f(x + h) - f(x)) / h`` has a
truncation error ``h |f''| / 2``, its best step is ``eps**(1/2) ~ 1.5e-8`` and its
best error about ``1e-8``. The default steps are these times ``max(1, |x|)``, so
that ``x + h`` still differs from ``x`` at large ``|x|``, and the quotient divides
by the step actually taken, ``(x + h) - (x - h)`` in floating point.

Tolerance of a gradient check. Entry ``[i, j]`` of the numerical derivative
carries a round-off error of about ``eps |f_i(x)| / h_j``, which can exceed any
relative tolerance when ``|f|`` is large compared with the derivative
(``sum(x**2)`` at ``x = [0.5, 256, 256]``). :func:`check_gradient` accepts an
entry when ``|analytic - numerical| <= tol (1 + |numerical|) + 16 eps |f_i| / h_j``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Literal

import numpy as np

from ._validation import as_array, as_callable, as_scalar, call, check_choice, fail
from .feedback import Feedback, diagnose

__all__ = [
    "GradientCheckError", "check_gradient", "default_step", "numerical_derivative",
    "numerical_jacobian", "relative_error",
]  # fmt: skip

Scheme = Literal["central", "forward"]
EPS = float(np.finfo(np.float64).eps)
_POWER = {"central": 1.0 / 3.0, "forward": 0.5}
_ROUNDOFF = 16.0  # safety factor on the round-off estimate eps |f| / h
_FIX = "f must return real, finite numbers near x; check f, or move x or h."


class GradientCheckError(AssertionError):
    """An analytic derivative disagrees with the numerical one; branch on
    ``.feedback.kind`` (:class:`~lecture_utils.feedback.Feedback`)."""

    def __init__(self, feedback: Feedback) -> None:
        self.feedback = feedback
        head = "check_gradient: grad does not match the numerical derivative."
        note = "(The expected value is the numerical derivative; entry [i..., j...] is "
        note = textwrap.indent(textwrap.fill(note + "df[i...]/dx[j...].)", 78), "  ")
        super().__init__(f"{head}\n{feedback}\n{note}")


def default_step(x: object, scheme: Scheme = "central") -> np.ndarray:
    """The default step ``eps**p * max(1, |x|)``, entrywise (see the module notes):
    ``p = 1/3`` for the central quotient and ``p = 1/2`` for the forward one."""
    x = as_array(x, "default_step", "x")
    scheme = check_choice(scheme, tuple(_POWER), "default_step", "scheme")
    return _default_step(x, scheme)


def _default_step(x: np.ndarray, scheme: str) -> np.ndarray:
    return EPS ** _POWER[scheme] * np.maximum(1.0, np.abs(x))


def _steps(x: np.ndarray, h: object, scheme: str, func: str, entrywise=False):
    """The validated step(s): one per entry of ``x``, or broadcast with it."""
    check_choice(scheme, tuple(_POWER), func, "scheme")
    if h is None:
        return _default_step(x, scheme)
    h = as_array(h, func, "h", positive=True)
    try:
        shape = np.broadcast_shapes(h.shape, x.shape) if entrywise else x.shape
        return np.broadcast_to(h, shape)
    except ValueError:
        want = f"one step or one per entry of x {x.shape}"
        fail(func, "h", want, f"shape {h.shape}")


def _step_taken(x_plus: np.ndarray, x_minus: np.ndarray, func: str) -> np.ndarray:
    """``x_plus - x_minus``, in which no entry may be 0."""
    step = x_plus - x_minus
    if np.any(step == 0):
        i = [int(k) for k in np.argwhere(step == 0)[0]] or "(the scalar)"
        want, fix = "large enough to change x in float64", "Pass a larger h, or None"
        fail(func, "h", want, f"x + h == x - h at entry {i}", fix + " for the default.")
    return step


def _arg(z: np.ndarray) -> np.ndarray | np.floating:
    """A copy of ``z`` to pass to a user's function (a scalar for 0-d ``z``)."""
    return z[()] if z.ndim == 0 else z.copy()


def _value(f: Callable, z: np.ndarray, func: str, shape: tuple | None) -> np.ndarray:
    """``f`` at a copy of ``z``, checked to be real, finite and of ``shape``."""
    with np.errstate(all="ignore"):  # a nan or inf is reported with a message
        return call(f, (_arg(z),), func, "f", shape=shape, fix=_FIX)


def numerical_derivative(
    f: Callable[[np.ndarray], object],
    x: object,
    h: object = None,
    *,
    scheme: Scheme = "central",
) -> np.ndarray:
    """The derivative of an entrywise function by a difference quotient (slide 12).

    ``f`` is a scalar function applied entrywise (like ``np.sin``), finite at
    ``x +- h``; ``x`` is finite point(s) of any shape and ``h`` step(s) ``> 0``
    broadcast with ``x`` (default :func:`default_step`). ``scheme`` "central"
    is ``(f(x+h) - f(x-h)) / 2h``, error ``O(h**2)``, and "forward"
    ``(f(x+h) - f(x)) / h``, error ``O(h)``. Returns ``f'(x)``, shape
    ``broadcast(x, h)``, divided by the step actually taken.
    """
    func = "numerical_derivative"
    as_callable(f, func, "f")
    x = as_array(x, func, "x")
    h = _steps(x, h, scheme, func, entrywise=True)
    x_plus = x + h
    x_minus = x - h if scheme == "central" else np.broadcast_to(x, h.shape)
    step = _step_taken(x_plus, x_minus, func)  # (x + h) - (x - h), not 2h
    f_plus, f_minus = (_value(f, z, func, z.shape) for z in (x_plus, x_minus))
    return (f_plus - f_minus) / step


def _jacobian(f: Callable, x: np.ndarray, h: np.ndarray, func: str) -> tuple:
    """``(J, f(x))`` by central differences, one entry of ``x`` at a time."""
    f0 = _value(f, x, func, None)
    step = _step_taken(x + h, x - h, func)  # (x_j + h_j) - (x_j - h_j), not 2 h_j
    J = np.empty((*f0.shape, x.size))
    for j in range(x.size):
        e_j = np.zeros(x.size)
        e_j[j] = h.flat[j]
        x_plus, x_minus = x + e_j.reshape(x.shape), x - e_j.reshape(x.shape)
        f_plus, f_minus = (_value(f, z, func, f0.shape) for z in (x_plus, x_minus))
        J[..., j] = (f_plus - f_minus) / step.flat[j]
    return J.reshape(f0.shape + x.shape), f0


def numerical_jacobian(
    f: Callable[[np.ndarray], object], x: object, h: object = None
) -> np.ndarray:
    """The derivative of any array function by central differences (slides 16-25).

    ``f`` takes an array shaped like ``x`` (finite reals of any shape ``S``) and
    returns real numbers of one fixed shape; ``h`` is one step ``> 0`` or one per
    entry of ``x`` (default :func:`default_step`), and each ``x_j`` in turn moves
    by ``+-h_j``. Returns ``J[i..., j...] = d f[i...] / d x[j...]``, of shape
    ``np.shape(f(x)) + S``, "targets x parameters": ``f: R^N -> R^M`` gives
    ``M x N``, ``f: R^(M x N) -> R^(P x Q)`` gives ``P x Q x M x N``.

    >>> numerical_jacobian(lambda X: X.T @ X, np.ones((3, 2))).shape
    (2, 2, 3, 2)
    """
    func = "numerical_jacobian"
    as_callable(f, func, "f")
    x = as_array(x, func, "x")
    return _jacobian(f, x, _steps(x, h, "central", func), func)[0]


def relative_error(a: object, b: object, *, floor: float = 1.0) -> np.ndarray:
    """Entrywise ``|a - b| / max(|a|, |b|, floor)``: relative above ``floor``.

    Entries smaller than ``floor`` are compared absolutely, since the finite
    difference of a derivative that is exactly 0 is not exactly 0.
    """
    a = as_array(a, "relative_error", "a")
    b = as_array(b, "relative_error", "b", shape=a.shape)
    floor = as_scalar(floor, "relative_error", "floor", positive=True)
    return _relative_error(a, b, floor)


def _relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1.0) -> np.ndarray:
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)


def check_gradient(
    f: Callable[[np.ndarray], object],
    grad: Callable[[np.ndarray], object] | object,
    x: object,
    *,
    tol: float = 1e-6,
    h: object = None,
) -> float:
    """Check an analytic derivative against :func:`numerical_jacobian`.

    ``f``, ``x`` and the step(s) ``h`` are as for :func:`numerical_jacobian`.
    ``grad`` is the derivative at ``x`` (or a function returning it) of shape
    ``np.shape(f(x)) + np.shape(x)``, or of the lecture's shape, where a scalar
    counts as a vector of length 1: the row ``(1, N)`` for a scalar ``f`` of
    ``x`` (N,), the column ``(M, 1)`` for ``f`` (M,) of a scalar. ``tol`` is the
    relative tolerance, plus the round-off of the finite difference (module
    notes). Returns the largest :func:`relative_error` of an entry (above ``tol``
    where that round-off is larger); :class:`GradientCheckError` says how the
    two derivatives disagree.

    Examples
    --------
    >>> f = lambda x: np.sum(x**3)
    >>> check_gradient(f, lambda x: 3 * x**2, np.array([0.5, -1.0, 2.0])) < 1e-9
    True
    >>> try:
    ...     check_gradient(f, lambda x: 6 * x**2, np.array([0.5, -1.0, 2.0]))
    ... except GradientCheckError as error:
    ...     print(error.feedback)
    Not yet: every entry of grad is 2 times the expected value.
    """
    func = "check_gradient"
    as_callable(f, func, "f")
    tol = as_scalar(tol, func, "tol", positive=True)
    x = as_array(x, func, "x")
    steps = _steps(x, h, "central", func)
    numeric, f0 = _jacobian(f, x, steps, func)
    atol = tol + _ROUNDOFF * EPS * np.multiply.outer(np.abs(f0), 1.0 / steps)
    with np.errstate(all="ignore"):
        answer = grad(_arg(x)) if callable(grad) else grad
    lecture = (f0.shape or (1,)) + (x.shape or (1,))
    try:
        in_lecture_shape = np.ndim(answer) == len(lecture) != numeric.ndim
    except ValueError:  # a ragged list: diagnose names it
        in_lecture_shape = False
    expected = numeric.reshape(lecture) if in_lecture_shape else numeric
    atol = atol.reshape(expected.shape)
    feedback = diagnose(answer, expected, name="grad", rtol=tol, atol=atol)
    if not feedback:
        raise GradientCheckError(feedback)
    error = _relative_error(np.reshape(answer, numeric.shape), numeric)
    return float(np.max(error, initial=0.0))
