"""Numerically stable log-sum-exp, softmax and log-softmax (the homework).

``exp(1000)`` overflows and ``exp(-1000)`` underflows to 0. The homework's
identities ``log Σ_i exp(x_i) = a + log Σ_i exp(x_i − a)`` and
``softmax(x) = softmax(x − a)``, with ``a = max_i x_i``, fix both: no exponent
is positive, and the largest term is ``exp(0) = 1``, so the sum is >= 1. The
absolute error is a few ulps of ``max(|a|, 1)`` plus ``eps Σ_i p_i |x_i − a|``
(``p = softmax(x)``) from rounding the shifts: ``log(1 + 1e-20)`` comes out
as 0, a digit SciPy keeps with ``log1p`` and one more pass.

All three take real ``x`` of any shape (``inf`` and ``nan`` allowed) and
``axis``: None, an int or a tuple of ints. Special values are designed in, as
in SciPy's ``logsumexp``, and raise no warnings: ``logsumexp`` of a slice that
is all ``-inf``, or empty, is ``-inf``; with a ``+inf`` it is ``+inf``; with a
``nan``, ``nan``. ``softmax`` and ``log_softmax`` of a slice with ``+inf`` or
``nan``, or all ``-inf``, are ``nan`` throughout: 0/0 and inf/inf have no value.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ._validation import as_array, describe, fail

__all__ = ["log_softmax", "logsumexp", "softmax"]

Axis = int | tuple[int, ...] | None


def _checked(x: object, axis: object, func: str) -> np.ndarray:
    """``x`` as a float64 array (inf and nan allowed), after checking ``axis``."""
    x = as_array(x, func, "x", finite=False)
    axes = () if axis is None else axis if isinstance(axis, tuple) else (axis,)
    for a in axes:
        integer = isinstance(a, Integral) and not isinstance(a, bool)
        if not (integer and -x.ndim <= a < x.ndim):
            break
    else:
        if len({a % x.ndim for a in axes}) == len(axes):
            return x
    want = f"None or distinct axes of an array with {x.ndim} axes"
    fix = f"Use axes from {-x.ndim} to {x.ndim - 1}." if x.ndim else ""
    fail(func, "axis", want, describe(axis), fix, ValueError if integer else TypeError)


@np.errstate(over="ignore", divide="ignore", invalid="ignore")
def logsumexp(x: object, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    """``log(sum(exp(x)))`` along ``axis``, shifted by the maximum ``a``.

    Sums over all entries for ``axis=None``; ``keepdims`` keeps the summed axes
    with length 1. Returns ``a + log(sum(exp(x - a)))``, the shape of ``x``
    without ``axis``.
    """
    x = _checked(x, axis, "logsumexp")
    a = x.max(axis=axis, keepdims=True, initial=-np.inf)
    a = np.where(np.isfinite(a), a, 0.0)  # inf, nan, all -inf: the sum gives the limit
    s = np.exp(x - a).sum(axis=axis, keepdims=keepdims)
    return (a if keepdims else np.squeeze(a, axis)) + np.log(s)


@np.errstate(invalid="ignore")
def softmax(x: object, axis: Axis = -1) -> np.ndarray:
    """``exp(x) / sum(exp(x))`` along ``axis`` (default: each row), computed as
    ``softmax(x - a)``: the shape of ``x``, non-negative, summing to 1."""
    x = _checked(x, axis, "softmax")
    e = np.exp(x - x.max(axis=axis, keepdims=True, initial=-np.inf))
    e /= e.sum(axis=axis, keepdims=True)
    return e


@np.errstate(invalid="ignore", divide="ignore")
def log_softmax(x: object, axis: Axis = -1) -> np.ndarray:
    """``x - logsumexp(x)`` along ``axis`` (default: each row): the
    log-probabilities, the shape of ``x``, entries ``<= 0``."""
    x = _checked(x, axis, "log_softmax")
    shifted = x - x.max(axis=axis, keepdims=True, initial=-np.inf)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
