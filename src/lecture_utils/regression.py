"""Polynomial regression: maximum likelihood, MAP and cross-validation (slides 35-37).

A polynomial of degree M, ``f(x, theta) = theta_0 + theta_1 x + ... + theta_M x^M``,
is linear in theta: ``f = Phi @ theta``, row i of the design matrix ``Phi`` being
``phi(x_i)^T``. Maximum likelihood is least squares; MAP under a Gaussian prior is
ridge regression, i.e. least squares for the stacked matrix ``[Phi; sqrt(lam) I]``.
Both are solved by QR, never by the normal equations: ``cond(Phi^T Phi) =
cond(Phi)^2``. What makes the problem well conditioned is the basis: inputs
scaled to [-1, 1] (``polynomial_features(x, M, scale=5)``) or Legendre polynomials.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre
from scipy.linalg import solve_triangular

from ._validation import MAX_ENTRIES, as_array, as_int, as_rng, as_scalar, fail

__all__ = [
    "DEFAULT_NOISE_STD", "DEFAULT_SEED", "CVResult", "cross_validate", "fit_map",
    "fit_mle", "legendre_features", "make_lecture_data", "negative_log_likelihood",
    "polynomial_features", "rmse", "true_function",
]  # fmt: skip

#: Seed of the lecture's data set: every chapter that draws it gets the same points.
DEFAULT_SEED = 2017
#: Standard deviation sigma of the noise of the lecture's data set.
DEFAULT_NOISE_STD = 0.2
_MAX_DEGREE = 100
_EPS, _TINY = np.finfo(float).eps, np.finfo(float).tiny


def true_function(x: object) -> np.ndarray:
    """``f(x) = -sin(x / 5) + cos(x)`` entrywise, behind the lecture's data."""
    x = as_array(x, "true_function", "x")
    return -np.sin(x / 5.0) + np.cos(x)


def make_lecture_data(
    n: int = 20, *, noise_std: float = DEFAULT_NOISE_STD, rng: object = DEFAULT_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Draw the curve-fitting data: ``x ~ U[-5, 5]`` sorted, ``y = f(x) + eps``.

    ``n`` points (at most 10 million), ``eps ~ N(0, noise_std^2)``; the default
    ``rng`` gives every chapter the same data. Returns ``x, y`` of shape (n,).
    """
    func = "make_lecture_data"
    n = as_int(n, func, "n", minimum=1, maximum=10_000_000)
    noise_std = as_scalar(noise_std, func, "noise_std", nonnegative=True)
    rng = as_rng(rng, func)
    x = np.sort(rng.uniform(-5.0, 5.0, size=n))
    return x, true_function(x) + noise_std * rng.standard_normal(n)


def _inputs(x: object, degree: object, func: str) -> tuple[np.ndarray, int]:
    """x (N,) and a degree whose design matrix fits in memory."""
    x = as_array(x, func, "x", ndim=1)
    degree = as_int(degree, func, "degree", minimum=0, maximum=_MAX_DEGREE)
    entries = x.size * (degree + 1)
    if entries > MAX_ENTRIES:
        want, fix = f"at most {MAX_ENTRIES:,}", "Use fewer points or a lower degree."
        fail(func, "x.size * (degree + 1)", want, f"{entries:,}", fix)
    return x, degree


def polynomial_features(x: object, degree: int, *, scale: float = 1.0) -> np.ndarray:
    """Design matrix of monomials: ``Phi[i, k] = (x_i / scale)^k``, k = 0, ..., M.

    ``x`` of shape (N,), ``0 <= degree <= 100``, ``scale > 0``; shape (N, M + 1).
    ``scale=5`` maps [-5, 5] onto [-1, 1]: the MLE curve stays (``theta_k`` scales
    by ``5^k``); the conditioning of ``Phi`` and the meaning of a prior change.

    >>> polynomial_features([2.0, -1.0], 3)
    array([[ 1.,  2.,  4.,  8.],
           [ 1., -1.,  1., -1.]])
    """
    x, degree = _inputs(x, degree, "polynomial_features")
    scale = as_scalar(scale, "polynomial_features", "scale", positive=True)
    return _monomials(x, degree, scale)


def _monomials(x: np.ndarray, degree: int, scale: float) -> np.ndarray:
    return (x / scale)[:, None] ** np.arange(degree + 1)


def legendre_features(
    x: object, degree: int, *, domain: tuple[float, float] = (-5.0, 5.0)
) -> np.ndarray:
    """Design matrix of Legendre polynomials: ``Phi[i, k] = P_k(t_i)``, k = 0, ..., M.

    ``t = (2 x - (a + b)) / (b - a)`` maps ``domain = (a, b)`` onto [-1, 1], where
    ``|P_k| <= 1`` and the P_k are orthogonal: the columns of ``Phi`` (N, M + 1)
    are far closer to orthogonal than monomials.

    >>> legendre_features([5.0, 0.0], 2)  # P_2(t) = (3 t^2 - 1) / 2
    array([[ 1. ,  1. ,  1. ],
           [ 1. ,  0. , -0.5]])
    """
    func = "legendre_features"
    x, degree = _inputs(x, degree, func)
    a, b = as_array(domain, func, "domain", shape=(2,))
    if not a < b:
        fail(func, "domain", "(a, b) with a < b", f"({a}, {b})")
    return legendre.legvander((2 * x - (a + b)) / (b - a), degree)


def _solve(Phi: np.ndarray, y: np.ndarray, lam: float, func: str) -> np.ndarray:
    """Minimise ||y - Phi theta||^2 + lam ||theta||^2: A = QR, then R theta = Q^T b,
    for A = [Phi; sqrt(lam) I] (just Phi for lam = 0) and b = [y; 0]."""
    A, b = Phi, y
    if lam > 0:
        A = np.vstack([Phi, np.sqrt(lam) * np.eye(Phi.shape[1])])
        b = np.concatenate([y, np.zeros(Phi.shape[1])])
    if A.shape[0] < A.shape[1]:
        _fail_solve(func, "wide", Phi.shape)
    Q, R = np.linalg.qr(A)
    r = np.abs(np.diag(R))  # r.min() / r.max() >= 1 / cond(A)
    if not r.min() > max(max(A.shape) * _EPS * r.max(), _TINY):
        _fail_solve(func, "rank", Phi.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        theta = solve_triangular(R, Q.T @ b, check_finite=False)
    if not np.all(np.isfinite(theta)):
        _fail_solve(func, "overflow", Phi.shape)
    return theta


def _fail_solve(func: str, why: str, shape: tuple) -> None:
    """Stop :func:`_solve` on a wide or rank-deficient ``Phi``, or an overflow."""
    if why == "wide":
        want = "at least as tall as wide (one point per parameter)"
        fix = "Use fewer parameters, more points, or fit_map."
        fail(func, "Phi", want, f"shape {shape}", fix)
    if why == "rank":
        got = f"a numerically rank-deficient matrix of shape {shape}"
        fix = "Lower the degree, use distinct inputs, scale them (scale=5 or "
        fix += "legendre_features), or use fit_map."
        fail(func, "Phi", "of full column rank", got, fix)
    fix = "Rescale y (e.g. y / np.abs(y).max()) and multiply theta back."
    fail(func, "the solution", "finite", "an overflow", fix, OverflowError)


def _design(Phi: object, y: object, func: str) -> tuple[np.ndarray, np.ndarray]:
    """Phi (N, D), at most 10,000 columns, and y (N,)."""
    Phi = as_array(Phi, func, "Phi", ndim=2, nonempty=True)
    if Phi.shape[1] > 10_000:
        fail(func, "Phi", "at most 10,000 columns", f"{Phi.shape[1]:,}")
    y = as_array(y, func, "y", shape=(Phi.shape[0],))
    return Phi, y


def fit_mle(Phi: object, y: object) -> np.ndarray:
    """Maximum likelihood parameters ``theta_ML = argmin ||y - Phi theta||^2``.

    ``Phi`` (N, D) with N >= D and full column rank, ``y`` (N,); returns (D,).
    Solved by QR; ValueError for a numerically rank-deficient ``Phi``,
    OverflowError when the solution overflows.
    """
    Phi, y = _design(Phi, y, "fit_mle")
    return _solve(Phi, y, 0.0, "fit_mle")


def fit_map(
    Phi: object, y: object, *, noise_var: float, prior_var: float
) -> np.ndarray:
    """MAP parameters under ``theta ~ N(0, prior_var I)``: ridge regression.

    Minimises ``||y - Phi theta||^2 / (2 sigma^2) + ||theta||^2 / (2 s^2)``, i.e.
    ``||y - Phi theta||^2 + lam ||theta||^2`` with ``lam = noise_var / prior_var``
    (both are variances; for a ridge strength lam pass ``noise_var=lam,
    prior_var=1``). ``Phi`` (N, D) may have N < D; returns shape (D,).
    """
    Phi, y = _design(Phi, y, "fit_map")
    noise_var = as_scalar(noise_var, "fit_map", "noise_var", positive=True)
    prior_var = as_scalar(prior_var, "fit_map", "prior_var", positive=True)
    if not 0 < noise_var / prior_var < np.inf:
        fix = "Choose variances within 1e300 of each other."
        got = "an under- or overflow"
        fail("fit_map", "noise_var / prior_var", "> 0 and finite", got, fix)
    return _solve(Phi, y, noise_var / prior_var, "fit_map")


def _pair(y: object, y_pred: object, func: str) -> tuple[np.ndarray, np.ndarray]:
    """y (N,) and y_pred of the same shape."""
    y = as_array(y, func, "y", ndim=1, nonempty=True)
    return y, as_array(y_pred, func, "y_pred", shape=y.shape)


def rmse(y: object, y_pred: object) -> float:
    """Root-mean-square error ``sqrt(mean((y - y_pred)^2))`` of shape-(N,) arrays.

    >>> rmse([0.0, 0.0], [3.0, 4.0])
    3.5355339059327378
    """
    y, y_pred = _pair(y, y_pred, "rmse")
    return _rmse(y, y_pred)


def _rmse(y: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.sqrt(np.mean((y - y_pred) ** 2)))


def negative_log_likelihood(y: object, y_pred: object, *, noise_var: float) -> float:
    """Gaussian ``-log p(y | x, theta)``, ``y_i ~ N(y_pred_i, noise_var)`` independent.

    ``N/2 log(2 pi sigma^2) + ||y - y_pred||^2 / (2 sigma^2)`` (slide 35); only the
    second term depends on theta, so minimising it is least squares.

    >>> round(negative_log_likelihood([1.0], [1.0], noise_var=1.0), 6)  # log(2 pi) / 2
    0.918939
    """
    y, y_pred = _pair(y, y_pred, "negative_log_likelihood")
    s2 = as_scalar(noise_var, "negative_log_likelihood", "noise_var", positive=True)
    r = y - y_pred
    return float(0.5 * y.size * np.log(2 * np.pi * s2) + 0.5 * (r @ r) / s2)


@dataclass(frozen=True)
class CVResult:
    """Cross-validation scores: ``scores[i, j]`` is the mean held-out RMSE of degree
    ``degrees[i]`` with ridge strength ``lambdas[j]`` (``inf`` where a fold had too
    few points for a maximum likelihood fit); ``best_degree`` and ``best_lambda``
    minimise it (ties: the smallest degree, then the largest lambda)."""

    degrees: np.ndarray
    lambdas: np.ndarray
    scores: np.ndarray
    best_degree: int
    best_lambda: float


def cross_validate(
    x: object,
    y: object,
    degrees: Sequence[int],
    lambdas: Sequence[float] = (0.0,),
    *,
    k: int = 5,
    scale: float = 1.0,
    rng: object = None,
) -> CVResult:
    """k-fold cross-validation of the degree and the ridge strength of a polynomial.

    ``x, y`` of shape (N,); candidate ``degrees`` in [0, 100] and ridge strengths
    ``lambdas`` >= 0 (0: maximum likelihood). The points are shuffled by ``rng``
    and split into ``2 <= k <= N`` folds of sizes differing by at most one, the
    same for every model. Each model is fitted on ``k - 1`` folds with
    ``polynomial_features(x, M, scale=scale)`` (as :func:`fit_mle` for lam = 0,
    else :func:`fit_map` with ``noise_var=lam, prior_var=1``) and scored by its
    RMSE on the held-out fold. Returns a :class:`CVResult`.
    """
    func = "cross_validate"
    x = as_array(x, func, "x", ndim=1, nonempty=True)
    y = as_array(y, func, "y", shape=x.shape)
    degrees = [
        as_int(d, func, "degree", minimum=0, maximum=_MAX_DEGREE) for d in degrees
    ]
    lambdas = [as_scalar(lam, func, "lambda", nonnegative=True) for lam in lambdas]
    degrees, lambdas = np.array(degrees, dtype=int), np.array(lambdas, dtype=float)
    if degrees.size == 0 or lambdas.size == 0:
        fail(func, "degrees and lambdas", "non-empty", "an empty list")
    k = as_int(k, func, "k", minimum=2)
    if k > x.size:
        fail(func, "k", f"at most the number of points, {x.size}", str(k))
    scale = as_scalar(scale, func, "scale", positive=True)
    folds = np.array_split(as_rng(rng, func).permutation(x.size), k)
    scores = np.zeros((degrees.size, lambdas.size))
    for i, degree in enumerate(degrees):
        Phi = _monomials(x, degree, scale)
        for j, lam in enumerate(lambdas):
            for test in folds:
                train = np.ones(x.size, dtype=bool)
                train[test] = False
                try:
                    theta = _solve(Phi[train], y[train], lam, func)
                except ValueError:  # too few distinct points for this degree (lam = 0)
                    scores[i, j] = np.inf
                    break
                scores[i, j] += _rmse(y[test], Phi[test] @ theta) / k
    i, j = _simplest_best(scores, degrees, lambdas)
    return CVResult(degrees, lambdas, scores, int(degrees[i]), float(lambdas[j]))


def _simplest_best(scores: np.ndarray, degrees: np.ndarray, lambdas: np.ndarray):
    """Index (i, j) of the smallest score; ties: smallest degree, then largest lam."""

    def key(ij: tuple[int, int]) -> tuple:
        return scores[ij], degrees[ij[0]], -lambdas[ij[1]]

    return min(np.ndindex(scores.shape), key=key)
