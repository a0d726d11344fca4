"""Polynomial regression: maximum likelihood, MAP and cross-validation.

The lecture's curve-fitting example (slides 8-9 and 35-37): N noisy
observations ``y_i = f(x_i) + eps_i`` of a smooth function on ``x in [-5, 5]``,
fitted by a polynomial of degree M,

    f(x, theta) = theta_0 + theta_1 x + ... + theta_M x^M = phi(x)^T theta,

whose design matrix ``Phi`` has the rows ``phi(x_i)^T = [1, x_i, ..., x_i^M]``.

* :func:`make_lecture_data` draws the lecture's data set (a fixed default seed,
  so this chapter and the Bayesian chapter use the same points);
* :func:`polynomial_features` builds ``Phi``;
* :func:`fit_mle` is least squares (maximum likelihood under Gaussian noise),
  :func:`fit_map` the MAP estimate under a Gaussian prior (ridge regression);
  both are solved by a QR factorisation, never by inverting ``Phi^T Phi``;
* :func:`predict`, :func:`negative_log_likelihood`, :func:`rmse`,
  :func:`kfold_indices` and :func:`cross_validate` evaluate and select models;
* :func:`lstsq_reference_mpmath` is a slow high-precision reference for tests
  and for the chapter's lesson on numerical stability.

Examples
--------
>>> from lecture_utils.regression import (make_lecture_data, polynomial_features,
...                                       fit_mle, predict, rmse)
>>> x, y = make_lecture_data()
>>> Phi = polynomial_features(x, 5)
>>> Phi.shape
(20, 6)
>>> theta = fit_mle(Phi, y)
>>> round(rmse(y, predict(Phi, theta)), 2)
0.12
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._accurate import RankDeficientError, refined_lstsq
from .validation import (
    as_float_array,
    check_design,
    check_int,
    check_positive,
    check_shape,
    check_xy,
)

__all__ = [
    "DEFAULT_NOISE_STD",
    "DEFAULT_SEED",
    "CVResult",
    "cross_validate",
    "fit_map",
    "fit_mle",
    "kfold_indices",
    "lstsq_reference_mpmath",
    "make_lecture_data",
    "negative_log_likelihood",
    "polynomial_features",
    "predict",
    "rmse",
    "true_function",
]

#: Seed of the lecture's data set; every chapter drawing it gets the same points.
DEFAULT_SEED = 2017
#: Standard deviation of the observation noise of the lecture's data set.
DEFAULT_NOISE_STD = 0.2
X_RANGE = (-5.0, 5.0)


# --------------------------------------------------------------------------- data


def true_function(x: object) -> np.ndarray:
    """The smooth function behind the lecture's data, ``f(x) = -sin(x/5) + cos(x)``.

    Parameters
    ----------
    x : array_like, any shape
        Inputs (finite real numbers).

    Returns
    -------
    numpy.ndarray, same shape as ``x``
        ``-sin(x / 5) + cos(x)``; on ``[-5, 5]`` the values lie in about
        ``[-1.8, 1.2]``.

    Notes
    -----
    The same function as in the polynomial-regression example of Deisenroth,
    Faisal & Ong, *Mathematics for Machine Learning* (2020), chapter 9.

    Examples
    --------
    >>> print(true_function([0.0, 5.0]).round(3))
    [ 1.    -0.558]
    """
    x = as_float_array(x, func="true_function", name="x")
    return -np.sin(x / 5.0) + np.cos(x)


def make_lecture_data(
    n: int = 20,
    *,
    noise_std: float = DEFAULT_NOISE_STD,
    rng: object = DEFAULT_SEED,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw the lecture's curve-fitting data: ``y = f(x) + eps`` on ``[-5, 5]``.

    Parameters
    ----------
    n : int, default 20
        Number of points N (>= 1).
    noise_std : float, default 0.2
        Standard deviation sigma of the Gaussian noise ``eps ~ N(0, sigma^2)``
        (a standard deviation, not a variance). 0 gives noise-free data.
    rng : int, numpy.random.Generator or None, default DEFAULT_SEED (2017)
        Source of randomness, passed to :func:`numpy.random.default_rng`. The
        fixed default makes every chapter draw the same data; pass ``None`` for
        fresh data.

    Returns
    -------
    x : numpy.ndarray, shape (n,)
        Inputs drawn uniformly on ``[-5, 5]``, sorted increasingly.
    y : numpy.ndarray, shape (n,)
        Targets ``true_function(x) + noise_std * standard normal``.

    Notes
    -----
    The inputs are drawn first (``n`` uniforms), then the noise (``n``
    standard normals), from the same generator. With the defaults ``y`` lies
    well inside ``[-3, 3]``, the range of the lecture's figures.

    Examples
    --------
    >>> x, y = make_lecture_data(5)
    >>> x.shape, y.shape
    ((5,), (5,))
    >>> bool(np.all(np.abs(x) <= 5) and np.all(np.diff(x) > 0))
    True
    >>> x2, y2 = make_lecture_data(5)
    >>> bool(np.array_equal(y, y2))
    True
    """
    n = check_int(n, func="make_lecture_data", name="n", minimum=1)
    noise_std = check_positive(noise_std, func="make_lecture_data", name="noise_std", strict=False)
    rng = np.random.default_rng(rng)
    x = np.sort(rng.uniform(X_RANGE[0], X_RANGE[1], size=n))
    y = true_function(x) + noise_std * rng.standard_normal(n)
    return x, y


def polynomial_features(x: object, degree: int, *, scale: float = 1.0) -> np.ndarray:
    """Design matrix ``Phi`` of a degree-M polynomial: columns ``1, x, ..., x^M``.

    Parameters
    ----------
    x : array_like, shape (N,)
        Scalar inputs.
    degree : int
        Polynomial degree M >= 0.
    scale : float, default 1.0
        Input scale c > 0: the columns are ``(x / c)^k``. The default gives the
        lecture's raw monomials; ``scale=5`` maps ``[-5, 5]`` to ``[-1, 1]``
        (see the Notes on why that matters for regularisation).

    Returns
    -------
    numpy.ndarray, shape (N, M + 1)
        ``Phi[i, k] = (x_i / scale) ** k`` (``0**0 = 1``).

    Raises
    ------
    TypeError
        If ``degree`` is not an integer or ``x`` is not numeric.
    ValueError
        If ``degree < 0``, ``x`` is not 1-D or has non-finite entries.

    Notes
    -----
    The model ``f(x, theta) = sum_k theta_k x^k`` is ``Phi @ theta``. The raw
    monomials are badly conditioned on ``[-5, 5]`` for high degrees (cond of
    ``Phi`` about 1e12 at M = 16); :func:`fit_mle` and :func:`fit_map` cope
    with that.

    The scale does not change the maximum likelihood curve (it only rescales
    ``theta_k`` by ``c^k``), but it does change what a prior ``N(0, s^2 I)`` on
    ``theta`` means. With raw monomials on ``[-5, 5]`` the feature ``x^16``
    reaches 1.5e11, so a tiny ``theta_16`` has a large effect and the prior
    hardly restrains it; with ``scale=5`` every feature is bounded by 1 and
    the prior treats all degrees alike.

    Examples
    --------
    >>> polynomial_features([1.0, 2.0, -1.0], 3)
    array([[ 1.,  1.,  1.,  1.],
           [ 1.,  2.,  4.,  8.],
           [ 1., -1.,  1., -1.]])
    >>> polynomial_features([5.0, -2.5], 2, scale=5.0)
    array([[ 1.  ,  1.  ,  1.  ],
           [ 1.  , -0.5 ,  0.25]])
    """
    func = "polynomial_features"
    degree = check_int(degree, func=func, name="degree", minimum=0)
    x = as_float_array(x, func=func, name="x", ndim=1)
    scale = check_positive(scale, func=func, name="scale")
    if scale != 1.0:
        x = x / scale
    # x ** k by the C library's pow: within one rounding of the exact power.
    return np.power.outer(x, np.arange(degree + 1, dtype=float))


# --------------------------------------------------------------------------- fitting



def _qr_lstsq(
    A: np.ndarray, b: np.ndarray, *, ridge: float = 0.0, func: str | None = None
) -> np.ndarray:
    """Least squares ``min ||A t - b||^2 + ridge ||t||^2`` by QR with iterative refinement.

    The work is done by :func:`lecture_utils._accurate.refined_lstsq`: the
    columns are scaled by powers of two (exact), ``A`` is factorised by
    Householder QR and the solution is refined twice by Björck's (1967)
    scheme for the augmented system ``[[I, A], [A^T, 0]] [r; t] = [b; 0]``:
    both t and the residual r are corrected from residuals of the two block
    rows computed in doubled precision (compensated TwoSum / TwoProduct
    arithmetic). This removes the ``cond(A)^2 ||r||`` error term that plain
    QR leaves on noisy data and converges to the least-squares solution of
    the given (rounded) A. It is skipped when ``cond(R) < 1e3``.

    When ``func`` is given, a numerically rank-deficient ``A`` raises a
    ValueError naming ``func`` (before any triangular solve).
    """
    try:
        return refined_lstsq(A, b, ridge=ridge, check_rank=func is not None).x
    except RankDeficientError as err:
        raise ValueError(
            f"{func}: Phi (shape {A.shape}) is numerically rank deficient (column "
            f"{err.column} is a combination of the others, e.g. too few distinct x for the "
            f"degree); lower the degree or use fit_map"
        ) from None


def fit_mle(Phi: object, y: object) -> np.ndarray:
    """Maximum likelihood (least-squares) parameters ``argmin ||y - Phi theta||^2``.

    Parameters
    ----------
    Phi : array_like, shape (N, D)
        Design matrix, e.g. from :func:`polynomial_features` (D = M + 1).
    y : array_like, shape (N,)
        Targets.

    Returns
    -------
    numpy.ndarray, shape (D,)
        ``theta_ML``.

    Raises
    ------
    ValueError
        If the shapes do not match, an entry is non-finite, N < D (fewer points
        than parameters: the least-squares solution is not unique; use
        :func:`fit_map` or a lower degree), or ``Phi`` is numerically rank
        deficient (e.g. repeated inputs with too high a degree).

    Notes
    -----
    Under ``y_i = phi(x_i)^T theta + eps_i``, ``eps_i ~ N(0, sigma^2)`` the
    negative log-likelihood is ``||y - Phi theta||^2 / (2 sigma^2) + const``
    (slide 35), so the MLE is the least-squares solution, the solution of the
    normal equations ``Phi^T Phi theta = Phi^T y`` (slide 36).

    It is computed without forming ``Phi^T Phi`` (whose condition number is
    the square of that of ``Phi``, about 1e24 for degree 16 on [-5, 5]): the
    columns of ``Phi`` are scaled by powers of two near their norms (exact in
    floating point; for monomials the same as rescaling ``x`` to about
    ``[-1, 1]``), ``Phi D^{-1} = Q R`` is factorised by Householder QR and
    ``R u = Q^T y`` solved by back substitution, ``theta = D^{-1} u``. Two
    steps of iterative refinement (Björck's, on the augmented system, with
    residuals in doubled precision) then remove the error proportional to
    ``cond(Phi)^2 * ||residual||`` that plain QR leaves on noisy data.

    Accuracy (degree 16, lecture data with N = 20, 25, 30 and 12 seeds each):
    the fitted curve on a grid of [-5, 5] agrees with the 60-digit reference of
    :func:`lstsq_reference_mpmath` to at most 6e-10 relative (median 4e-12);
    what remains comes from rounding the entries ``x_i^k`` of ``Phi`` itself.
    Inverting the normal equations gets about 1e-2.

    Examples
    --------
    >>> x = np.array([0.0, 1.0, 2.0, 3.0])
    >>> fit_mle(polynomial_features(x, 1), 1.0 + 2.0 * x).round(6)
    array([1., 2.])
    """
    func = "fit_mle"
    Phi, y = check_design(Phi, y, func=func)
    n, d = Phi.shape
    if n < d:
        raise ValueError(
            f"{func}: Phi has {n} rows and {d} columns (shape {Phi.shape}): fewer points "
            f"than parameters, so the least-squares solution is not unique; use at least "
            f"{d} points, a lower degree, or fit_map"
        )
    return _qr_lstsq(Phi, y, func=func)


def fit_map(Phi: object, y: object, *, noise_var: float, prior_var: float) -> np.ndarray:
    """MAP parameters under a Gaussian prior: ridge regression with ``lam = noise_var/prior_var``.

    Parameters
    ----------
    Phi : array_like, shape (N, D)
        Design matrix. Any N >= 1 (the prior makes the problem well posed even
        with fewer points than parameters).
    y : array_like, shape (N,)
        Targets.
    noise_var : float
        Noise **variance** sigma^2 > 0 of the likelihood, ``eps ~ N(0, sigma^2)``.
    prior_var : float
        Prior **variance** s^2 > 0, ``theta ~ N(0, s^2 I)``.

    Returns
    -------
    numpy.ndarray, shape (D,)
        ``theta_MAP = (Phi^T Phi + lam I)^{-1} Phi^T y``, ``lam = sigma^2 / s^2``.

    Raises
    ------
    ValueError
        On mismatched shapes, non-finite entries or non-positive variances.

    Notes
    -----
    The negative log-posterior is, up to a constant,

        ||y - Phi theta||^2 / (2 sigma^2) + ||theta||^2 / (2 s^2),

    i.e. ``1 / (2 sigma^2)`` times the ridge (L2-regularised) loss
    ``||y - Phi theta||^2 + lam ||theta||^2`` with ``lam = sigma^2 / s^2``. To
    fit with a given ridge strength ``lam``, call
    ``fit_map(Phi, y, noise_var=lam, prior_var=1.0)``. As ``lam -> 0``
    (``prior_var -> inf``) the MAP estimate tends to :func:`fit_mle`.

    The prior acts on the coefficients of whatever columns ``Phi`` has: for
    high-degree raw monomials on ``[-5, 5]`` it barely restrains the top
    coefficients; build ``Phi`` with ``polynomial_features(x, M, scale=5)`` for
    a prior that treats all degrees alike.

    The ridge loss is the least-squares problem of the augmented system
    ``[Phi; sqrt(lam) I] theta ~ [y; 0]``, solved by Householder QR (columns
    scaled to unit norm first, as in :func:`fit_mle`); ``Phi^T Phi + lam I``
    is never formed or inverted.

    Examples
    --------
    >>> Phi = np.eye(2)
    >>> fit_map(Phi, [2.0, 4.0], noise_var=1.0, prior_var=1.0)
    array([1., 2.])
    """
    func = "fit_map"
    Phi, y = check_design(Phi, y, func=func)
    noise_var = check_positive(noise_var, func=func, name="noise_var")
    prior_var = check_positive(prior_var, func=func, name="prior_var")
    return _ridge(Phi, y, noise_var / prior_var)


def _ridge(Phi: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """Solve min ||y - Phi t||^2 + lam ||t||^2 (lam >= 0; lam = 0 is least squares)."""
    if lam == 0.0:
        return fit_mle(Phi, y)
    return _qr_lstsq(Phi, y, ridge=lam)


def predict(Phi: object, theta: object) -> np.ndarray:
    """Predictions ``f = Phi theta`` of a linear-in-the-parameters model.

    Parameters
    ----------
    Phi : array_like, shape (N, D)
        Design matrix at the inputs where to predict.
    theta : array_like, shape (D,)
        Parameters.

    Returns
    -------
    numpy.ndarray, shape (N,)

    Raises
    ------
    ValueError
        If ``theta`` has not one entry per column of ``Phi``.

    Examples
    --------
    >>> predict(polynomial_features([0.0, 2.0], 2), [1.0, 0.0, 1.0])
    array([1., 5.])
    """
    func = "predict"
    Phi = as_float_array(Phi, func=func, name="Phi", ndim=2)
    theta = as_float_array(theta, func=func, name="theta", ndim=1)
    check_shape(
        theta, (Phi.shape[1],), func=func, name="theta",
        hint="Build Phi with the same degree as the fitted model",
    )
    return Phi @ theta


# --------------------------------------------------------------------------- evaluation


def _check_pair(y: object, y_pred: object, func: str) -> tuple[np.ndarray, np.ndarray]:
    y = as_float_array(y, func=func, name="y", ndim=1, allow_empty=False)
    y_pred = as_float_array(y_pred, func=func, name="y_pred", ndim=1)
    check_shape(y_pred, y.shape, func=func, name="y_pred",
                hint="y and y_pred must have one entry per data point")
    return y, y_pred


def rmse(y: object, y_pred: object) -> float:
    """Root-mean-square error ``sqrt(mean((y - y_pred)^2))``.

    Parameters
    ----------
    y, y_pred : array_like, shape (N,)
        Targets and predictions, N >= 1.

    Returns
    -------
    float

    Examples
    --------
    >>> rmse([0.0, 0.0], [3.0, 4.0]).__round__(4)
    3.5355
    """
    y, y_pred = _check_pair(y, y_pred, "rmse")
    return float(np.sqrt(np.mean((y - y_pred) ** 2)))


def negative_log_likelihood(y: object, y_pred: object, *, noise_var: float) -> float:
    """Gaussian negative log-likelihood ``-log p(y | x, theta)`` of the predictions.

    Parameters
    ----------
    y, y_pred : array_like, shape (N,)
        Targets and model predictions ``f(x_i, theta)``.
    noise_var : float
        Noise variance sigma^2 > 0.

    Returns
    -------
    float
        ``N/2 log(2 pi sigma^2) + ||y - y_pred||^2 / (2 sigma^2)``.

    Notes
    -----
    With ``eps_i ~ N(0, sigma^2)`` independent, ``p(y | x, theta) =
    prod_i N(y_i | f(x_i, theta), sigma^2)``. Only the second term depends on
    ``theta``, so minimising the NLL is minimising the squared loss (slide 35).

    Examples
    --------
    >>> round(negative_log_likelihood([1.0], [1.0], noise_var=1.0), 6)  # log(2 pi)/2
    0.918939
    """
    func = "negative_log_likelihood"
    y, y_pred = _check_pair(y, y_pred, func)
    noise_var = check_positive(noise_var, func=func, name="noise_var")
    r = y - y_pred
    return float(0.5 * y.size * np.log(2 * np.pi * noise_var) + 0.5 * (r @ r) / noise_var)


# --------------------------------------------------------------------------- model selection


def kfold_indices(
    n: int, k: int, *, rng: object = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split ``range(n)`` into k shuffled folds for cross-validation.

    Parameters
    ----------
    n : int
        Number of data points.
    k : int
        Number of folds, ``2 <= k <= n``.
    rng : int, numpy.random.Generator or None
        Source of randomness for the shuffle.

    Returns
    -------
    list of (train, test) index arrays
        ``k`` pairs; the test sets are disjoint, cover ``range(n)`` and have
        sizes differing by at most one; ``train`` is the complement of ``test``
        (both sorted).

    Examples
    --------
    >>> folds = kfold_indices(5, 2, rng=0)
    >>> [len(test) for _, test in folds]
    [3, 2]
    >>> sorted(np.concatenate([test for _, test in folds]).tolist())
    [0, 1, 2, 3, 4]
    """
    func = "kfold_indices"
    n = check_int(n, func=func, name="n", minimum=2)
    k = check_int(k, func=func, name="k", minimum=2)
    if k > n:
        raise ValueError(f"{func}: k = {k} folds need at least k points, got n = {n}")
    rng = np.random.default_rng(rng)
    perm = rng.permutation(n)
    folds = []
    for test in np.array_split(perm, k):
        mask = np.ones(n, dtype=bool)
        mask[test] = False
        folds.append((np.flatnonzero(mask), np.sort(test)))
    return folds


@dataclass
class CVResult:
    """Cross-validation scores of polynomial models.

    Attributes
    ----------
    degrees : numpy.ndarray, shape (P,)
        The degrees tried.
    lambdas : numpy.ndarray, shape (Q,)
        The ridge strengths tried (``lam = noise_var / prior_var``, 0 = MLE).
    scores : numpy.ndarray, shape (P, Q)
        Mean held-out RMSE over the folds; ``inf`` where the fit was impossible
        (a training fold with fewer distinct points than parameters at lam = 0).
    best_degree : int
        Degree of the smallest score (ties: the smallest degree, then the
        largest lambda, i.e. the simplest model).
    best_lambda : float
        Ridge strength of the smallest score.
    """

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
    """k-fold cross-validation of polynomial degree and ridge strength.

    Parameters
    ----------
    x, y : array_like, shape (N,)
        Data.
    degrees : sequence of int
        Candidate degrees (each >= 0).
    lambdas : sequence of float, default (0.0,)
        Candidate ridge strengths ``lam = noise_var / prior_var >= 0``; 0 means
        maximum likelihood (:func:`fit_mle`), ``lam > 0`` the MAP estimate of
        :func:`fit_map`.
    k : int, default 5
        Number of folds, ``2 <= k <= N``.
    scale : float, default 1.0
        Input scale of the features, see :func:`polynomial_features` (use 5 on
        ``[-5, 5]`` when ``lam > 0``; it does not affect ``lam = 0``).
    rng : int, numpy.random.Generator or None
        Source of randomness for the fold shuffle; all models share the folds.

    Returns
    -------
    CVResult
        Held-out RMSE averaged over folds for every (degree, lambda), and the best pair.

    Raises
    ------
    ValueError
        On mismatched lengths, non-finite data, negative degrees or lambdas,
        empty candidate lists, or ``k`` outside ``[2, N]``.

    Notes
    -----
    For each fold the model is fitted on the other ``k - 1`` folds and its
    RMSE measured on the held-out fold. With lam = 0 a degree needs at least
    ``degree + 1`` distinct training points in every fold; where that fails
    the score is ``inf`` (that model is never selected).

    Examples
    --------
    >>> x = np.linspace(-1, 1, 30)
    >>> y = 1 - 2 * x + 3 * x**2 + 0.1 * np.random.default_rng(0).standard_normal(30)
    >>> cross_validate(x, y, degrees=range(6), rng=0).best_degree
    2
    """
    func = "cross_validate"
    x, y = check_xy(x, y, func=func)
    degrees_arr = np.array([check_int(d, func=func, name="degree", minimum=0) for d in degrees],
                           dtype=int)
    lambdas_arr = np.array(
        [check_positive(lam, func=func, name="lambda", strict=False) for lam in lambdas]
    )
    if degrees_arr.size == 0 or lambdas_arr.size == 0:
        raise ValueError(f"{func}: degrees and lambdas must each hold at least one value")
    scale = check_positive(scale, func=func, name="scale")
    folds = kfold_indices(x.size, k, rng=rng)
    scores = np.zeros((degrees_arr.size, lambdas_arr.size))
    for i, degree in enumerate(degrees_arr):
        Phi = polynomial_features(x, int(degree), scale=scale)
        for j, lam in enumerate(lambdas_arr):
            total = 0.0
            for train, test in folds:
                try:
                    theta = _ridge(Phi[train], y[train], float(lam))
                except ValueError:  # too few (distinct) points for an MLE of this degree
                    total = np.inf
                    break
                total += rmse(y[test], Phi[test] @ theta)
            scores[i, j] = total / len(folds)
    # Simplest model among the best: smallest degree, then largest lambda.
    order = [(scores[i, j], degrees_arr[i], -lambdas_arr[j], i, j)
             for i in range(degrees_arr.size) for j in range(lambdas_arr.size)]
    _, _, _, bi, bj = min(order)
    return CVResult(
        degrees=degrees_arr,
        lambdas=lambdas_arr,
        scores=scores,
        best_degree=int(degrees_arr[bi]),
        best_lambda=float(lambdas_arr[bj]),
    )


# --------------------------------------------------------------------------- reference


def lstsq_reference_mpmath(
    x: object,
    y: object,
    degree: int,
    *,
    x_eval: object = None,
    ridge: float = 0.0,
    dps: int = 60,
) -> tuple[np.ndarray, np.ndarray]:
    """High-precision reference for polynomial least squares / ridge (slow; for checking).

    Parameters
    ----------
    x, y : array_like, shape (N,)
        Data; the float64 values are taken as exact.
    degree : int
        Polynomial degree M >= 0 (needs N >= M + 1 when ``ridge == 0``).
    x_eval : array_like, shape (G,), optional
        Where to evaluate the fitted polynomial (default: ``x``).
    ridge : float, default 0.0
        Ridge strength ``lam >= 0`` (``noise_var / prior_var`` of :func:`fit_map`).
    dps : int, default 60
        Decimal digits of working precision (>= 20).

    Returns
    -------
    theta : numpy.ndarray, shape (M + 1,)
        The coefficients, rounded to float64.
    f_eval : numpy.ndarray, shape (G,)
        The fitted polynomial at ``x_eval``, evaluated in high precision and
        rounded to float64.

    Notes
    -----
    Solves the normal equations ``(Phi^T Phi + lam I) theta = Phi^T y`` by LU
    in ``dps``-digit arithmetic with :mod:`mpmath`. Their condition number
    (about 1e24 for degree 16 on [-5, 5]) costs about 24 of the 60 digits, so
    the result is exact to float64 precision. This is what the normal
    equations are fine for; in float64 they lose everything (see the chapter).
    Degree 16 on 30 points takes a few tens of milliseconds.

    Examples
    --------
    >>> theta, f = lstsq_reference_mpmath([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], 1)
    >>> theta
    array([1., 2.])
    """
    import mpmath

    func = "lstsq_reference_mpmath"
    degree = check_int(degree, func=func, name="degree", minimum=0)
    dps = check_int(dps, func=func, name="dps", minimum=20)
    x, y = check_xy(x, y, func=func)
    ridge = check_positive(ridge, func=func, name="ridge", strict=False)
    if ridge == 0.0 and x.size < degree + 1:
        raise ValueError(
            f"{func}: degree {degree} needs at least {degree + 1} points for least "
            f"squares, got {x.size}; use ridge > 0 or a lower degree"
        )
    x_eval = x if x_eval is None else as_float_array(x_eval, func=func, name="x_eval", ndim=1)
    d = degree + 1
    with mpmath.workdps(dps):
        xs = [mpmath.mpf(float(v)) for v in x]
        ys = [mpmath.mpf(float(v)) for v in y]
        powers = [[xi**p for p in range(2 * d - 1)] for xi in xs]
        # Gram matrix entries sum_i x_i^(j+k) depend on j + k only (Hankel).
        moments = [mpmath.fsum(row[p] for row in powers) for p in range(2 * d - 1)]
        lam = mpmath.mpf(ridge)
        A = mpmath.matrix(d, d)
        for j in range(d):
            for kk in range(d):
                A[j, kk] = moments[j + kk] + (lam if j == kk else 0)
        b = mpmath.matrix([mpmath.fsum(row[j] * yi for row, yi in zip(powers, ys, strict=True))
                           for j in range(d)])
        theta = mpmath.lu_solve(A, b)
        coeffs = [theta[j] for j in range(d)]
        f_eval = [mpmath.polyval(coeffs[::-1], mpmath.mpf(float(v))) for v in x_eval]
        theta_out = np.array([float(c) for c in coeffs])
        f_out = np.array([float(v) for v in f_eval])
    return theta_out, f_out
