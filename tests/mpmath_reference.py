"""60-digit mpmath references for polynomial least squares and ridge regression.

A test oracle, not part of the package: other tests import it with
``from mpmath_reference import ridge_reference`` (``tests/`` is on the path
when pytest runs them).

The float64 inputs ``x`` and ``y`` are taken as exact. The features are built
exactly in ``dps``-digit arithmetic, ``t = x / scale`` and then either the
monomials ``t^k`` or the Legendre polynomials ``P_k(t)`` (three-term
recurrence), and the normal equations

    (Phi^T Phi + lam I) theta = Phi^T y

are solved by LU. Their condition number (about 1e23 for raw monomials of
degree 16 on [-5, 5]) costs at most about 24 of the 60 digits, so the 36 left
make the result exact to float64 precision: what the normal equations cannot
do in float64 they do easily here. ``test_regression.py`` checks that 60 and
100 digits agree.

Examples
--------
>>> theta, f = ridge_reference([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], 1, x_eval=[3.0])
>>> theta, f
(array([1., 2.]), array([7.]))
"""

from __future__ import annotations

from collections.abc import Sequence

import mpmath
import numpy as np

__all__ = ["curve_error", "ridge_reference"]


def _features(t: object, degree: int, basis: str) -> list:
    """[phi_0(t), ..., phi_M(t)] in mpmath arithmetic."""
    if basis == "monomial":
        return [t**k for k in range(degree + 1)]
    if basis == "legendre":  # (k + 1) P_{k+1} = (2k + 1) t P_k - k P_{k-1}
        p = [mpmath.mpf(1), t]
        for k in range(1, degree):
            p.append(((2 * k + 1) * t * p[k] - k * p[k - 1]) / (k + 1))
        return p[: degree + 1]
    raise ValueError(f"basis must be 'monomial' or 'legendre', got {basis!r}")


def ridge_reference(
    x: Sequence[float],
    y: Sequence[float],
    degree: int,
    *,
    basis: str = "monomial",
    scale: float = 1.0,
    lam: float = 0.0,
    x_eval: Sequence[float] | None = None,
    dps: int = 60,
) -> tuple[np.ndarray, np.ndarray]:
    """Minimiser of ``||y - Phi theta||^2 + lam ||theta||^2`` in ``dps`` digits.

    Parameters
    ----------
    x, y : array_like, shape (N,)
        Data (float64 values taken as exact).
    degree : int
        Polynomial degree M; with ``lam == 0`` it needs N >= M + 1.
    basis : {"monomial", "legendre"}
        Features of ``t = x / scale``: ``t^k`` (``polynomial_features(x, M,
        scale=scale)``) or ``P_k(t)`` (``legendre_features(x, M,
        domain=(-scale, scale))``).
    scale : float, default 1.0
    lam : float, default 0.0
        Ridge strength ``noise_var / prior_var`` (0: least squares).
    x_eval : array_like, shape (G,), optional
        Where to evaluate the fitted curve (default: ``x``).
    dps : int, default 60
        Decimal digits of working precision.

    Returns
    -------
    theta : numpy.ndarray, shape (M + 1,)
    f_eval : numpy.ndarray, shape (G,)
        Both rounded to float64 only at the end.
    """
    x_eval = x if x_eval is None else x_eval
    with mpmath.workdps(dps):
        c = mpmath.mpf(float(scale))
        rows = [_features(mpmath.mpf(float(v)) / c, degree, basis) for v in x]
        ys = [mpmath.mpf(float(v)) for v in y]
        d = degree + 1
        A = mpmath.matrix(d, d)
        for j in range(d):
            for k in range(j, d):
                A[j, k] = A[k, j] = mpmath.fsum(r[j] * r[k] for r in rows)
            A[j, j] += mpmath.mpf(float(lam))
        b = mpmath.matrix([mpmath.fsum(r[j] * v for r, v in zip(rows, ys, strict=True))
                           for j in range(d)])
        theta = list(mpmath.lu_solve(A, b))
        f = []
        for v in x_eval:
            phi = _features(mpmath.mpf(float(v)) / c, degree, basis)
            f.append(mpmath.fsum(p * t for p, t in zip(phi, theta, strict=True)))
        return np.array([float(t) for t in theta]), np.array([float(v) for v in f])


def curve_error(f: np.ndarray, f_ref: np.ndarray) -> float:
    """``max |f - f_ref| / max |f_ref|``: the error of a fitted curve on a grid."""
    return float(np.max(np.abs(f - f_ref)) / np.max(np.abs(f_ref)))
