"""Bayesian linear regression and integration (slides 39-44).

Instead of committing to one parameter vector θ* (maximum likelihood or MAP),
Bayesian integration averages the predictions of *all* plausible parameters,
weighted by their posterior probability (slide 40):

.. math::

    p(y_* \\mid x_*, X, y) = \\int p(y_* \\mid x_*, θ)\\, p(θ \\mid X, y)\\, dθ .

For a model that is linear in its parameters, ``y = φ(x)ᵀθ + ε``, with a
Gaussian prior and Gaussian noise,

* prior ``θ ~ N(0, prior_var · I)`` (``prior_var`` = σ_p², a *variance*),
* noise ``ε ~ N(0, noise_var)`` (``noise_var`` = σ_n², a *variance*),

every integral has a closed form. This module computes them from a design
matrix ``Phi`` (one row ``φ(x_i)ᵀ`` per data point, e.g. polynomial features)
without ever forming an inverse: the posterior precision
``Λ = ΦᵀΦ/σ_n² + I/σ_p²`` is factorised as ``Λ = RᵀR`` by a QR decomposition
of the augmented matrix ``[Φ/σ_n; I/σ_p]`` and everything else is a triangular
solve. Predictive variances are squared norms, so they are never negative.

The second half of the module treats statistics as integrals (slide 41):
expectations, variances and covariances by numerical quadrature on a tensor
grid (cost ``n**d`` evaluations in ``d`` dimensions) and by Monte Carlo
(slide 44), the bridge to the sampling chapter.

Examples
--------
>>> import numpy as np
>>> from lecture_utils import bayes
>>> x = np.array([-1.0, 0.0, 1.0])
>>> Phi = np.stack([np.ones_like(x), x], axis=1)     # straight line
>>> post = bayes.fit_posterior(Phi, [0.1, 1.0, 2.1], noise_var=0.1, prior_var=10.0)
>>> post.mean.round(3)
array([1.063, 0.995])
>>> mean, var = bayes.predictive(post, np.array([[1.0, 2.0]]))
>>> float(mean[0].round(3)), float(var[0].round(3))
(3.053, 0.332)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import linalg, stats

from .validation import (
    as_float_array,
    check_design,
    check_int,
    check_positive,
    check_shape,
)

__all__ = [
    "GaussianPosterior",
    "fit_posterior",
    "gauss_legendre",
    "gaussian_log_density",
    "log_marginal_likelihood",
    "log_predictive_density",
    "mc_cross_covariance",
    "mc_moments",
    "mc_predictive",
    "mc_predictive_density",
    "predictive",
    "predictive_interval",
    "quadrature_moments",
    "sample_posterior",
    "tensor_grid_integrate",
]

_MAX_GRID_POINTS = 20_000_000


# ---------------------------------------------------------------------------
# Bayesian linear regression
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GaussianPosterior:
    """Gaussian posterior ``N(mean, cov)`` over the weights of a linear model.

    Created by :func:`fit_posterior`; do not build it by hand. The covariance
    is stored through a factor of the precision ``Λ = Σ⁻¹``:
    ``Λ = D⁻¹ RᵀR D⁻¹`` where ``R`` is the upper-triangular factor of the
    column-scaled augmented matrix and ``D = diag(scale)``. Use :attr:`cov`
    for the dense covariance and :attr:`chol_precision` for ``U`` with
    ``UᵀU = Λ``.

    Attributes
    ----------
    mean : numpy.ndarray, shape (D,)
        Posterior mean of θ (equal to the MAP estimate).
    r_factor : numpy.ndarray, shape (D, D)
        Upper-triangular ``R`` (positive diagonal) of the QR decomposition of
        ``[Φ/σ_n; I/σ_p] · diag(scale)``.
    scale : numpy.ndarray, shape (D,)
        Column scaling used in the factorisation (about 1 / column norm: σ_n
        times powers of two).
    noise_var : float
        Noise variance σ_n².
    prior_var : float
        Prior variance σ_p² of each weight.
    """

    mean: np.ndarray
    r_factor: np.ndarray
    scale: np.ndarray
    noise_var: float
    prior_var: float

    @property
    def n_features(self) -> int:
        """Number of weights D."""
        return int(self.mean.shape[0])

    @property
    def chol_precision(self) -> np.ndarray:
        """Upper-triangular ``U`` (positive diagonal) with ``UᵀU = Λ``, shape (D, D)."""
        return self.r_factor / self.scale[np.newaxis, :]

    @property
    def cov(self) -> np.ndarray:
        """Posterior covariance ``Σ = Λ⁻¹``, shape (D, D), from two triangular solves."""
        r_inv_t = linalg.solve_triangular(
            self.r_factor, np.eye(self.n_features), trans="T", lower=False
        )  # R^{-T}
        a = r_inv_t * self.scale[np.newaxis, :]  # R^{-T} D, so cov = aᵀa
        return a.T @ a

    def _whiten(self, Phi_new: np.ndarray) -> np.ndarray:
        """Return ``R^{-T} D φ`` for each row φ of Phi_new, shape (D, M)."""
        return linalg.solve_triangular(
            self.r_factor, (Phi_new * self.scale[np.newaxis, :]).T, trans="T", lower=False
        )


def _check_variances(noise_var: object, prior_var: object, func: str) -> tuple[float, float]:
    return (
        check_positive(noise_var, func=func, name="noise_var"),
        check_positive(prior_var, func=func, name="prior_var"),
    )



def _augmented_qr(
    Phi: np.ndarray, y: np.ndarray, noise_var: float, prior_var: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """QR of the column-scaled augmented least-squares problem, refined.

    Returns ``(R, scale, theta, residual)``: ``R`` upper triangular with a
    positive diagonal, ``[Φ/σ_n; I/σ_p] diag(scale) = Q R``, ``theta`` the
    posterior mean and ``residual = b - A θ`` for ``b = [y/σ_n; 0]``
    (length N + D).

    Multiplying the problem by σ_n gives the ridge problem
    ``min ‖y − Φθ‖² + λ‖θ‖²``, ``λ = σ_n²/σ_p²``, which
    :func:`lecture_utils._accurate.refined_lstsq` solves without rounding
    ``Φ`` (no division by σ_n; columns scaled by powers of two): Householder
    QR of ``[Φ; √λ I] D = Q R`` and two steps of Björck's iterative
    refinement with residuals in doubled precision (always, however well
    conditioned). Then
    ``[Φ/σ_n; I/σ_p] diag(σ_n D) = Q R``. Measured on the lecture's
    degree-16 problem (raw monomials, five prior/noise settings): plain
    Householder QR gives predictive means to about 3e-8 relative, refinement
    to about 2e-10 (see the tests).
    """
    # Stand-in (regression branch) for the deleted _accurate.refined_lstsq: plain
    # Householder QR of [Phi; sqrt(lam) I], no refinement. The Bayes branch
    # rewrites this module; at merge, take its version of this file.
    sn, d = np.sqrt(noise_var), Phi.shape[1]
    A = np.vstack([Phi, np.sqrt(noise_var / prior_var) * np.eye(d)])
    b = np.concatenate([y, np.zeros(d)])
    Q, R = np.linalg.qr(A)
    signs = np.where(np.diag(R) < 0, -1.0, 1.0)
    R, Q = R * signs[:, np.newaxis], Q * signs
    theta = linalg.solve_triangular(R, Q.T @ b)
    return R, np.full(d, sn), theta, (b - A @ theta) / sn


def fit_posterior(
    Phi: object, y: object, *, noise_var: float, prior_var: float
) -> GaussianPosterior:
    """Posterior over the weights of Bayesian linear regression.

    Parameters
    ----------
    Phi : array_like, shape (N, D)
        Design matrix, row i is ``φ(x_i)ᵀ``.
    y : array_like, shape (N,)
        Targets.
    noise_var : float
        Noise variance σ_n² > 0 in ``y = φ(x)ᵀθ + ε``, ``ε ~ N(0, σ_n²)``.
    prior_var : float
        Prior variance σ_p² > 0 in ``θ ~ N(0, σ_p² I)``.

    Returns
    -------
    GaussianPosterior
        Mean, factor of the precision, and the two variances.

    Raises
    ------
    ValueError
        Non-finite or mis-shaped data, non-positive variances.
    TypeError
        Non-numeric input.

    Notes
    -----
    Bayes' theorem with a Gaussian prior and likelihood gives a Gaussian
    posterior ``N(m, Σ)`` with

    .. math::

        Λ = Σ^{-1} = Φ^TΦ/σ_n^2 + I/σ_p^2, \\qquad m = Σ Φ^T y / σ_n^2 .

    ``m`` is also the MAP estimate, i.e. ridge regression with
    ``λ = σ_n²/σ_p²``. Both are computed from the least-squares problem
    ``min_θ ‖[y/σ_n; 0] − [Φ/σ_n; I/σ_p] θ‖²`` by a Householder QR of the
    column-scaled augmented matrix, whose triangular factor satisfies
    ``RᵀR = Λ`` (in scaled coordinates). No inverse and no normal equations
    are formed, so the condition number enters once, not squared. Two steps
    of iterative refinement with a residual computed in doubled precision
    (compensated dot products) bring the predictive mean of the ill-conditioned
    degree-16 lecture problem from about 3e-8 to about 2e-10 relative accuracy.

    Examples
    --------
    >>> import numpy as np
    >>> Phi = np.array([[1.0], [1.0], [1.0], [1.0]])   # unknown constant
    >>> post = fit_posterior(Phi, [1.0, 2.0, 3.0, 2.0], noise_var=1.0, prior_var=1.0)
    >>> float(post.mean[0]), float(post.cov[0, 0])     # 8/5 and 1/5
    (1.6, 0.2)
    """
    func = "fit_posterior"
    Phi, y = check_design(Phi, y, func=func)
    noise_var, prior_var = _check_variances(noise_var, prior_var, func)
    R, scale, theta, _ = _augmented_qr(Phi, y, noise_var, prior_var)
    return GaussianPosterior(
        mean=theta, r_factor=R, scale=scale, noise_var=noise_var, prior_var=prior_var
    )


def _check_posterior(posterior: object, func: str) -> GaussianPosterior:
    if not isinstance(posterior, GaussianPosterior):
        raise TypeError(
            f"{func}: posterior must be a GaussianPosterior (from fit_posterior), got "
            f"{type(posterior).__name__}"
        )
    return posterior


def _check_phi_new(Phi_new: object, posterior: GaussianPosterior, func: str) -> np.ndarray:
    Phi_new = as_float_array(Phi_new, func=func, name="Phi_new", ndim=2)
    d = posterior.n_features
    if Phi_new.shape[1] != d:
        raise ValueError(
            f"{func}: Phi_new has {Phi_new.shape[1]} features (shape {Phi_new.shape}) but the "
            f"posterior has {d} weights; build Phi_new with the same feature map as the "
            "training design matrix"
        )
    return Phi_new


def predictive(
    posterior: GaussianPosterior, Phi_new: object, *, include_noise: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of the posterior predictive distribution at new inputs.

    Parameters
    ----------
    posterior : GaussianPosterior
        From :func:`fit_posterior`.
    Phi_new : array_like, shape (M, D)
        Features ``φ(x_*)ᵀ`` of the new inputs, one per row.
    include_noise : bool, default True
        Variance of a new *observation* ``y_*`` (adds σ_n²); with ``False``
        the variance of the latent function value ``f_* = φ(x_*)ᵀθ``.

    Returns
    -------
    mean : numpy.ndarray, shape (M,)
        ``φ(x_*)ᵀ m``.
    var : numpy.ndarray, shape (M,)
        ``φ(x_*)ᵀ Σ φ(x_*)`` (+ σ_n²), always ``>= 0``.

    Raises
    ------
    ValueError
        If ``Phi_new`` has the wrong number of columns or non-finite entries.

    Notes
    -----
    Integrating the likelihood against the posterior (slide 40),

    .. math::

        p(y_* | x_*, X, y) = \\int N(y_* | φ_*^Tθ, σ_n^2)\\, N(θ | m, Σ)\\, dθ
                           = N(y_* | φ_*^T m,\\; φ_*^T Σ φ_* + σ_n^2).

    With ``Σ = (RᵀR)⁻¹`` the latent variance is ``‖R^{-T} φ_*‖²``: one
    triangular solve per input, and a sum of squares cannot be negative.

    Examples
    --------
    >>> import numpy as np
    >>> post = fit_posterior(np.ones((4, 1)), [1.0, 2.0, 3.0, 2.0], noise_var=1.0, prior_var=1.0)
    >>> mean, var = predictive(post, np.array([[1.0]]))
    >>> float(mean[0]), float(var[0])
    (1.6, 1.2)
    >>> float(predictive(post, np.array([[1.0]]), include_noise=False)[1][0])
    0.2
    """
    func = "predictive"
    posterior = _check_posterior(posterior, func)
    Phi_new = _check_phi_new(Phi_new, posterior, func)
    mean = Phi_new @ posterior.mean
    var = np.sum(posterior._whiten(Phi_new) ** 2, axis=0)
    if include_noise:
        var = var + posterior.noise_var
    return mean, var


def predictive_interval(
    mean: object, var: object, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Central interval of a Gaussian with the given mean and variance.

    Parameters
    ----------
    mean, var : array_like, shape (M,)
        Predictive means and variances (``var >= 0``).
    level : float, default 0.95
        Probability mass inside the interval, ``0 < level < 1``.

    Returns
    -------
    lower, upper : numpy.ndarray, shape (M,)
        ``mean ∓ z √var`` with ``z = Φ⁻¹((1 + level)/2)`` (1.96 for 95%).

    Examples
    --------
    >>> lo, hi = predictive_interval([0.0, 1.0], [1.0, 4.0])
    >>> lo.round(2), hi.round(2)
    (array([-1.96, -2.92]), array([1.96, 4.92]))
    """
    func = "predictive_interval"
    mean = as_float_array(mean, func=func, name="mean", ndim=(0, 1))
    var = as_float_array(var, func=func, name="var", ndim=(0, 1))
    if mean.shape != var.shape:
        raise ValueError(
            f"{func}: mean has shape {mean.shape} but var has shape {var.shape}; pass one "
            "variance per mean"
        )
    if np.any(var < 0):
        i = int(np.flatnonzero(np.atleast_1d(var) < 0)[0])
        raise ValueError(f"{func}: var must be >= 0, but entry [{i}] is {np.atleast_1d(var)[i]}")
    level = check_positive(level, func=func, name="level")
    if level >= 1.0:
        raise ValueError(f"{func}: level must be in (0, 1), got {level}; e.g. 0.95 for 95%")
    z = stats.norm.ppf(0.5 + level / 2)
    half = z * np.sqrt(var)
    return mean - half, mean + half


def gaussian_log_density(y: object, mean: object, var: object) -> np.ndarray:
    """Elementwise log-density ``log N(y | mean, var)`` of a univariate Gaussian.

    Parameters
    ----------
    y, mean, var : array_like, broadcastable
        Points, means and variances (``var > 0``).

    Returns
    -------
    numpy.ndarray
        ``-½ log(2π var) - (y - mean)² / (2 var)``, broadcast shape.

    Examples
    --------
    >>> round(float(gaussian_log_density(0.0, 0.0, 1.0)), 4)    # -½ log 2π
    -0.9189
    """
    func = "gaussian_log_density"
    y = as_float_array(y, func=func, name="y")
    mean = as_float_array(mean, func=func, name="mean")
    var = as_float_array(var, func=func, name="var")
    if np.any(var <= 0):
        raise ValueError(f"{func}: var must be > 0 everywhere, got minimum {var.min()}")
    return -0.5 * np.log(2 * np.pi * var) - 0.5 * (y - mean) ** 2 / var


def log_predictive_density(
    posterior: GaussianPosterior, Phi_new: object, y_new: object
) -> np.ndarray:
    """Exact log predictive density ``log p(y_* | x_*, X, y)`` per test point.

    Parameters
    ----------
    posterior : GaussianPosterior
        From :func:`fit_posterior`.
    Phi_new : array_like, shape (M, D)
        Test features.
    y_new : array_like, shape (M,)
        Test targets.

    Returns
    -------
    numpy.ndarray, shape (M,)
        ``log N(y_* | φ_*ᵀm, φ_*ᵀΣφ_* + σ_n²)``; sum or average it for the
        held-out predictive log-likelihood.

    Examples
    --------
    >>> import numpy as np
    >>> post = fit_posterior(np.ones((4, 1)), [1.0, 2.0, 3.0, 2.0], noise_var=1.0, prior_var=1.0)
    >>> log_predictive_density(post, np.array([[1.0]]), [1.6]).round(4)  # -½ log(2π·1.2)
    array([-1.0101])
    """
    func = "log_predictive_density"
    posterior = _check_posterior(posterior, func)
    Phi_new = _check_phi_new(Phi_new, posterior, func)
    y_new = as_float_array(y_new, func=func, name="y_new", ndim=1)
    check_shape(y_new, (Phi_new.shape[0],), func=func, name="y_new",
                hint="pass one target per row of Phi_new")
    mean, var = predictive(posterior, Phi_new)
    return gaussian_log_density(y_new, mean, var)


def log_marginal_likelihood(
    Phi: object, y: object, *, noise_var: float, prior_var: float
) -> float:
    """Log evidence ``log p(y | X)`` of Bayesian linear regression.

    Parameters
    ----------
    Phi : array_like, shape (N, D)
        Design matrix of the feature map being scored.
    y : array_like, shape (N,)
        Targets.
    noise_var, prior_var : float
        σ_n² and σ_p², both > 0 (see :func:`fit_posterior`).

    Returns
    -------
    float
        ``log N(y | 0, C)`` with ``C = σ_n² I + σ_p² ΦΦᵀ``.

    Notes
    -----
    Integrating θ out, ``y = Φθ + ε`` is Gaussian with mean 0 and covariance
    ``C``. Without forming the N×N matrix ``C``:

    * by the matrix determinant lemma
      ``log det C = 2N log σ_n + 2D log σ_p + log det Λ`` and
      ``log det Λ = 2 Σ_i log R_ii`` from the QR factor;
    * ``yᵀC⁻¹y = min_θ ‖y − Φθ‖²/σ_n² + ‖θ‖²/σ_p²``, the squared residual of
      the augmented least-squares problem solved in :func:`fit_posterior`.

    Then ``log p(y) = −½ (yᵀC⁻¹y + log det C + N log 2π)``. The evidence
    trades fit against complexity and can select the polynomial degree
    without held-out data.

    Examples
    --------
    >>> import numpy as np
    >>> lml = log_marginal_likelihood(np.ones((2, 1)), [0.0, 0.0], noise_var=1.0, prior_var=1.0)
    >>> round(lml, 4)                # -log(2π) - ½ log det [[2, 1], [1, 2]]
    -2.3872
    """
    func = "log_marginal_likelihood"
    Phi, y = check_design(Phi, y, func=func)
    noise_var, prior_var = _check_variances(noise_var, prior_var, func)
    n, d = Phi.shape
    R, scale, _, residual = _augmented_qr(Phi, y, noise_var, prior_var)
    logdet_precision = 2.0 * (np.sum(np.log(np.diag(R))) - np.sum(np.log(scale)))
    logdet_c = n * np.log(noise_var) + d * np.log(prior_var) + logdet_precision
    quad = float(residual @ residual)
    return float(-0.5 * (quad + logdet_c + n * np.log(2 * np.pi)))


def sample_posterior(
    posterior: GaussianPosterior, n_samples: int, *, rng: object = None
) -> np.ndarray:
    """Draw parameter vectors ``θ^(s) ~ N(m, Σ)`` from the posterior.

    Parameters
    ----------
    posterior : GaussianPosterior
        From :func:`fit_posterior`.
    n_samples : int
        Number of draws S >= 1.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness, passed to :func:`numpy.random.default_rng`.

    Returns
    -------
    numpy.ndarray, shape (S, D)
        One parameter vector per row.

    Notes
    -----
    With ``z ~ N(0, I)``, ``θ = m + R⁻¹z`` has covariance
    ``R⁻¹R⁻ᵀ = (RᵀR)⁻¹ = Σ``: one triangular solve, no Cholesky of Σ.

    Examples
    --------
    >>> import numpy as np
    >>> post = fit_posterior(np.ones((4, 1)), [1.0, 2.0, 3.0, 2.0], noise_var=1.0, prior_var=1.0)
    >>> theta = sample_posterior(post, 100_000, rng=0)
    >>> theta.shape
    (100000, 1)
    >>> round(float(theta.mean()), 2), round(float(theta.var()), 2)
    (1.6, 0.2)
    """
    func = "sample_posterior"
    posterior = _check_posterior(posterior, func)
    n_samples = check_int(n_samples, func=func, name="n_samples", minimum=1)
    rng = np.random.default_rng(rng)
    z = rng.standard_normal((posterior.n_features, n_samples))
    offsets = linalg.solve_triangular(posterior.r_factor, z, lower=False)
    return posterior.mean[np.newaxis, :] + (offsets * posterior.scale[:, np.newaxis]).T


def mc_predictive(
    posterior: GaussianPosterior,
    Phi_new: object,
    *,
    n_samples: int,
    include_noise: bool = True,
    rng: object = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo estimate of the predictive mean and variance.

    Parameters
    ----------
    posterior : GaussianPosterior
        From :func:`fit_posterior`.
    Phi_new : array_like, shape (M, D)
        Test features.
    n_samples : int
        Number S >= 2 of posterior samples.
    include_noise : bool, default True
        Add σ_n² to the variance (observation instead of latent function).
    rng : None, int or numpy.random.Generator, optional
        Source of randomness.

    Returns
    -------
    mean, var : numpy.ndarray, shape (M,)
        Sample mean and sample variance (divisor S − 1) of ``φ_*ᵀθ^(s)``,
        plus σ_n² if requested.

    Notes
    -----
    The predictive is the mixture ``(1/S) Σ_s N(y_* | φ_*ᵀθ^(s), σ_n²)``; its
    mean is the average of the component means and its variance is the
    spread of the component means plus σ_n² (law of total variance).

    Examples
    --------
    >>> import numpy as np
    >>> post = fit_posterior(np.ones((4, 1)), [1.0, 2.0, 3.0, 2.0], noise_var=1.0, prior_var=1.0)
    >>> m, v = mc_predictive(post, np.ones((1, 1)), n_samples=200_000, rng=1)
    >>> round(float(m[0]), 2), round(float(v[0]), 2)     # exact: 1.6, 1.2
    (1.6, 1.2)
    """
    func = "mc_predictive"
    posterior = _check_posterior(posterior, func)
    Phi_new = _check_phi_new(Phi_new, posterior, func)
    n_samples = check_int(n_samples, func=func, name="n_samples", minimum=2)
    theta = sample_posterior(posterior, n_samples, rng=rng)
    f = Phi_new @ theta.T  # (M, S)
    mean = f.mean(axis=1)
    var = f.var(axis=1, ddof=1)
    if include_noise:
        var = var + posterior.noise_var
    return mean, var


def mc_predictive_density(
    posterior: GaussianPosterior,
    Phi_new: object,
    y_new: object,
    *,
    n_samples: int,
    rng: object = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo predictive density ``p(y_*|x_*) ≈ (1/S) Σ_s p(y_*|θ^(s), x_*)``.

    Parameters
    ----------
    posterior : GaussianPosterior
        From :func:`fit_posterior`.
    Phi_new : array_like, shape (M, D)
        Test features.
    y_new : array_like, shape (M,)
        Values at which the density is evaluated (one per test input).
    n_samples : int
        Number S >= 2 of posterior samples θ^(s).
    rng : None, int or numpy.random.Generator, optional
        Source of randomness.

    Returns
    -------
    density : numpy.ndarray, shape (M,)
        The Monte Carlo average of ``N(y_* | φ_*ᵀθ^(s), σ_n²)``.
    std_error : numpy.ndarray, shape (M,)
        Its standard error, sample standard deviation / √S.

    Notes
    -----
    Slide 44: an integral against a distribution we can sample from is an
    average over samples, ``∫ p(y|θ,x) p(θ|X,y) dθ ≈ (1/S) Σ_s p(y|θ^(s),x)``.
    The estimate is unbiased and its error shrinks like ``1/√S`` whatever
    the dimension of θ. Compare with the exact :func:`log_predictive_density`.

    Examples
    --------
    >>> import numpy as np
    >>> post = fit_posterior(np.ones((4, 1)), [1.0, 2.0, 3.0, 2.0], noise_var=1.0, prior_var=1.0)
    >>> p, se = mc_predictive_density(post, np.ones((1, 1)), [1.6], n_samples=100_000, rng=2)
    >>> exact = np.exp(log_predictive_density(post, np.ones((1, 1)), [1.6]))
    >>> bool(abs(p[0] - exact[0]) < 4 * se[0])
    True
    """
    func = "mc_predictive_density"
    posterior = _check_posterior(posterior, func)
    Phi_new = _check_phi_new(Phi_new, posterior, func)
    y_new = as_float_array(y_new, func=func, name="y_new", ndim=1)
    check_shape(y_new, (Phi_new.shape[0],), func=func, name="y_new",
                hint="pass one target per row of Phi_new")
    n_samples = check_int(n_samples, func=func, name="n_samples", minimum=2)
    theta = sample_posterior(posterior, n_samples, rng=rng)
    f = Phi_new @ theta.T  # (M, S)
    dens = np.exp(gaussian_log_density(y_new[:, np.newaxis], f, posterior.noise_var))
    return dens.mean(axis=1), dens.std(axis=1, ddof=1) / np.sqrt(n_samples)


# ---------------------------------------------------------------------------
# Statistics as integrals: quadrature and Monte Carlo
# ---------------------------------------------------------------------------


def _check_box(lower: object, upper: object, func: str) -> tuple[np.ndarray, np.ndarray]:
    lower = np.atleast_1d(as_float_array(lower, func=func, name="lower", ndim=(0, 1)))
    upper = np.atleast_1d(as_float_array(upper, func=func, name="upper", ndim=(0, 1)))
    if lower.shape != upper.shape:
        raise ValueError(
            f"{func}: lower has shape {lower.shape} but upper has shape {upper.shape}; give one "
            "bound per dimension"
        )
    if lower.size == 0:
        raise ValueError(f"{func}: lower and upper must have at least one entry")
    if np.any(upper <= lower):
        i = int(np.flatnonzero(upper <= lower)[0])
        raise ValueError(
            f"{func}: upper must exceed lower in every dimension, but in dimension {i} "
            f"lower = {lower[i]} and upper = {upper[i]}"
        )
    return lower, upper


def _call_integrand(f: Callable, points: np.ndarray, func: str, name: str) -> np.ndarray:
    values = as_float_array(f(points), func=func, name=f"{name}(points)")
    if values.shape != (points.shape[0],):
        raise ValueError(
            f"{func}: {name} must return one value per point, shape ({points.shape[0]},), got "
            f"shape {values.shape}; make {name} vectorised"
        )
    return values


def gauss_legendre(
    f: Callable[[np.ndarray], np.ndarray], lower: float, upper: float, *, n_points: int = 64
) -> float:
    """One-dimensional Gauss-Legendre quadrature of ``∫_lower^upper f(x) dx``.

    Parameters
    ----------
    f : callable
        Vectorised integrand: takes an array of shape (n,), returns shape (n,).
    lower, upper : float
        Finite limits, ``lower < upper``.
    n_points : int, default 64
        Number of nodes; exact for polynomials of degree ``2 n_points − 1``.

    Returns
    -------
    float

    Notes
    -----
    ``∫_a^b f ≈ (b−a)/2 Σ_k w_k f((b−a)/2 t_k + (a+b)/2)`` with the Legendre
    nodes ``t_k`` and weights ``w_k`` on [−1, 1]. For smooth integrands the
    error falls exponentially with ``n_points``.

    Examples
    --------
    >>> import numpy as np
    >>> round(gauss_legendre(np.exp, 0.0, 1.0, n_points=10), 12)   # e - 1
    1.718281828459
    """
    func = "gauss_legendre"
    n_points = check_int(n_points, func=func, name="n_points", minimum=1)
    lo, hi = _check_box(lower, upper, func)
    if lo.size != 1:
        raise ValueError(f"{func}: lower and upper must be scalars, got shape {lo.shape}")
    t, w = np.polynomial.legendre.leggauss(n_points)
    half = 0.5 * (hi[0] - lo[0])
    x = half * t + 0.5 * (hi[0] + lo[0])
    values = _call_integrand(f, x, func, "f")
    return float(half * (w @ values))


def _tensor_grid(
    lower: np.ndarray, upper: np.ndarray, n_per_dim: int, func: str
) -> tuple[np.ndarray, np.ndarray]:
    d = lower.size
    total = n_per_dim**d
    if total > _MAX_GRID_POINTS:
        raise ValueError(
            f"{func}: a grid of {n_per_dim}^{d} = {total:.3g} points is too large (limit "
            f"{_MAX_GRID_POINTS:.0e}); grid quadrature costs n^d evaluations, use Monte Carlo in "
            "high dimensions"
        )
    t, w = np.polynomial.legendre.leggauss(n_per_dim)
    half = 0.5 * (upper - lower)
    mid = 0.5 * (upper + lower)
    axes = [half[i] * t + mid[i] for i in range(d)]
    points = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, d)
    weights = np.ones(1)
    for i in range(d):
        weights = np.multiply.outer(weights, half[i] * w).reshape(-1)
    return points, weights


def tensor_grid_integrate(
    f: Callable[[np.ndarray], np.ndarray],
    lower: object,
    upper: object,
    *,
    n_per_dim: int = 16,
) -> float:
    """Integrate over a box with a tensor-product Gauss-Legendre grid.

    Parameters
    ----------
    f : callable
        Vectorised integrand: takes points of shape (P, d), returns shape (P,).
    lower, upper : array_like, shape (d,)
        Corners of the box (scalars for d = 1).
    n_per_dim : int, default 16
        Nodes per dimension; the grid has ``n_per_dim**d`` points.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the grid would exceed 2·10⁷ points: the curse of dimensionality.

    Notes
    -----
    The product rule applies the 1-D rule along every axis. Its accuracy per
    axis is that of the 1-D rule, but its cost ``n^d`` grows exponentially
    with the dimension d, which is why numerical integration is only used in
    low dimensions (slide 42) and Monte Carlo, whose error ``∝ 1/√S`` does not
    depend on d, takes over.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda p: np.exp(-np.sum(p**2, axis=1))       # ∫∫ e^{-x²-y²} = π
    >>> round(tensor_grid_integrate(f, [-6, -6], [6, 6], n_per_dim=40), 8)
    3.14159265
    """
    func = "tensor_grid_integrate"
    n_per_dim = check_int(n_per_dim, func=func, name="n_per_dim", minimum=1)
    lower, upper = _check_box(lower, upper, func)
    points, weights = _tensor_grid(lower, upper, n_per_dim, func)
    return float(weights @ _call_integrand(f, points, func, "f"))


def quadrature_moments(
    pdf: Callable[[np.ndarray], np.ndarray],
    lower: object,
    upper: object,
    *,
    n_per_dim: int = 64,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean vector and covariance matrix of a density by grid quadrature.

    Parameters
    ----------
    pdf : callable
        Vectorised (possibly unnormalised) density: points (P, d) -> (P,).
    lower, upper : array_like, shape (d,)
        A box holding practically all of the mass (scalars for d = 1).
    n_per_dim : int, default 64
        Gauss-Legendre nodes per dimension (``n_per_dim**d`` evaluations).

    Returns
    -------
    mean : numpy.ndarray, shape (d,)
        ``E[x] = ∫ x p(x) dx``.
    cov : numpy.ndarray, shape (d, d)
        ``V[x] = ∫ (x − μ)(x − μ)ᵀ p(x) dx``; for a joint density of (x, y)
        its off-diagonal block is ``Cov[x, y]``.

    Notes
    -----
    Slide 41: statistics are integrals. All three integrals (and the
    normaliser ``Z = ∫ p``) reuse one grid; dividing by Z lets ``pdf`` be
    unnormalised and makes the truncation of the tails to the box partly
    cancel.

    Examples
    --------
    >>> import numpy as np
    >>> pdf = lambda p: np.exp(-0.5 * ((p[:, 0] - 1.0) / 2.0) ** 2)   # N(1, 4), unnormalised
    >>> mean, cov = quadrature_moments(pdf, -20.0, 22.0)
    >>> mean.round(8), cov.round(8)
    (array([1.]), array([[4.]]))
    """
    func = "quadrature_moments"
    n_per_dim = check_int(n_per_dim, func=func, name="n_per_dim", minimum=1)
    lower, upper = _check_box(lower, upper, func)
    points, weights = _tensor_grid(lower, upper, n_per_dim, func)
    p = _call_integrand(pdf, points, func, "pdf")
    if np.any(p < 0):
        raise ValueError(f"{func}: pdf must be non-negative, got minimum {p.min()}")
    wp = weights * p
    z = wp.sum()
    if z <= 0:
        raise ValueError(f"{func}: pdf integrates to {z} over the box; the box misses the mass")
    mean = (wp @ points) / z
    centred = points - mean
    cov = (centred * wp[:, np.newaxis]).T @ centred / z
    return mean, cov


def _as_samples(samples: object, func: str, name: str) -> np.ndarray:
    arr = as_float_array(samples, func=func, name=name, ndim=(1, 2))
    if arr.ndim == 1:
        arr = arr[:, np.newaxis]
    if arr.shape[0] < 2:
        raise ValueError(
            f"{func}: {name} needs at least 2 samples (rows), got shape {arr.shape}"
        )
    return arr


def mc_moments(samples: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monte Carlo estimates of ``E[x]`` and ``V[x]`` from samples of p(x).

    Parameters
    ----------
    samples : array_like, shape (S,) or (S, d)
        Independent draws ``x^(s) ~ p(x)``, one per row.

    Returns
    -------
    mean : numpy.ndarray, shape (d,)
        ``(1/S) Σ_s x^(s)``.
    cov : numpy.ndarray, shape (d, d)
        ``1/(S−1) Σ_s (x^(s) − mean)(x^(s) − mean)ᵀ`` (unbiased).
    std_error : numpy.ndarray, shape (d,)
        Standard error of each mean entry, ``√(cov_ii / S)``.

    Notes
    -----
    Slide 44: ``E[f(x)] ≈ (1/S) Σ_s f(x^(s))`` with ``f(x) = x`` and
    ``f(x) = (x − μ)(x − μ)ᵀ``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(1.0, 2.0, size=400_000)
    >>> mean, cov, se = mc_moments(x)
    >>> mean.round(2), cov.round(2), se.round(4)
    (array([1.]), array([[4.]]), array([0.0032]))
    """
    func = "mc_moments"
    x = _as_samples(samples, func, "samples")
    mean = x.mean(axis=0)
    centred = x - mean
    cov = centred.T @ centred / (x.shape[0] - 1)
    return mean, cov, np.sqrt(np.diag(cov) / x.shape[0])


def mc_cross_covariance(x: object, y: object) -> np.ndarray:
    """Monte Carlo estimate of ``Cov[x, y]`` from paired samples of p(x, y).

    Parameters
    ----------
    x : array_like, shape (S,) or (S, dx)
        Draws of x.
    y : array_like, shape (S,) or (S, dy)
        The paired draws of y (row s of x and y come from the same joint draw).

    Returns
    -------
    numpy.ndarray, shape (dx, dy)
        ``1/(S−1) Σ_s (x^(s) − x̄)(y^(s) − ȳ)ᵀ``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(200_000)
    >>> y = 3.0 * x + rng.standard_normal(200_000)       # Cov[x, y] = 3
    >>> mc_cross_covariance(x, y).round(1)
    array([[3.]])
    """
    func = "mc_cross_covariance"
    xs = _as_samples(x, func, "x")
    ys = _as_samples(y, func, "y")
    if xs.shape[0] != ys.shape[0]:
        raise ValueError(
            f"{func}: x has {xs.shape[0]} samples (shape {xs.shape}) but y has {ys.shape[0]} "
            f"(shape {ys.shape}); the samples must be paired draws of (x, y)"
        )
    xc = xs - xs.mean(axis=0)
    yc = ys - ys.mean(axis=0)
    return xc.T @ yc / (xs.shape[0] - 1)

