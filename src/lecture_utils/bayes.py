"""Bayesian linear regression and statistics as integrals (slides 40-44).

Model ``y = φ(x)ᵀθ + ε``, prior ``θ ~ N(0, σ_p² I)``, noise ``ε ~ N(0, σ_n²)``
(``prior_var``, ``noise_var``); posterior ``N(m, Λ⁻¹)`` with ``Λ = ΦᵀΦ/σ_n² +
I/σ_p²`` and ``m = Λ⁻¹Φᵀy/σ_n²`` (the MAP estimate). Λ is never formed (that
squares the condition number) nor inverted: the QR factor R of ``[Φ/σ_n; I/σ_p]``
has ``RᵀR = Λ``, variances are squared norms ``‖R⁻ᵀφ‖²`` (never negative), samples
are ``m + R⁻¹z``. Statistics are integrals (slide 41): Gauss-Legendre quadrature,
tensor grids (few dimensions), Monte Carlo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import linalg, stats

from . import _validation as v

__all__ = [
    "GaussianPosterior", "fit_posterior", "gauss_legendre", "log_marginal_likelihood",
    "log_predictive_density", "mc_moments", "mc_predictive_density", "predictive",
    "predictive_interval", "quadrature_moments", "sample_posterior",
    "tensor_grid_integrate",
]  # fmt: skip

_MAX_NODES = 2_000  # Gauss-Legendre nodes per axis: leggauss builds an n x n matrix
_Rng = np.random.Generator | int | None


@dataclass(frozen=True)
class GaussianPosterior:
    """Posterior ``N(mean, (RᵀR)⁻¹)`` from :func:`fit_posterior`: ``mean`` (D,) is m,
    ``R`` (D, D) upper triangular with a positive diagonal, ``RᵀR = Λ``."""

    mean: np.ndarray
    R: np.ndarray
    noise_var: float
    prior_var: float


def _check_posterior(posterior: object, func: str) -> GaussianPosterior:
    fix = "Create it with fit_posterior(Phi, y, noise_var=..., prior_var=...)."
    v.check_instance(posterior, GaussianPosterior, func, "posterior", fix)
    mean = v.as_array(posterior.mean, func, "posterior.mean", ndim=1)
    R = v.as_array(posterior.R, func, "posterior.R", shape=(mean.size, mean.size))
    if np.any(np.tril(R, -1)) or not np.all(np.diag(R) > 0):
        want = "upper triangular with a positive diagonal"
        v.fail(func, "posterior.R", want, "another matrix", fix)
    nv = v.as_scalar(posterior.noise_var, func, "posterior.noise_var", positive=True)
    pv = v.as_scalar(posterior.prior_var, func, "posterior.prior_var", positive=True)
    return GaussianPosterior(mean, R, nv, pv)


def _check_data(Phi, y, noise_var, prior_var, func: str) -> tuple:
    """Phi (N, D), y (N,) and the two variances, checked."""
    Phi = v.as_array(Phi, func, "Phi", ndim=2)
    y = v.as_array(y, func, "y", shape=(Phi.shape[0],))
    if sum(Phi.shape) * max(Phi.shape) > v.MAX_ENTRIES:  # [Φ; I] or ΦΦᵀ
        want = f"small: (N + D) max(N, D) <= {v.MAX_ENTRIES:,}"
        v.fail(func, "Phi", want, f"shape {Phi.shape}")
    noise_var = v.as_scalar(noise_var, func, "noise_var", positive=True)
    return Phi, y, noise_var, v.as_scalar(prior_var, func, "prior_var", positive=True)


def _check_finite(func: str, name: str, *arrays: np.ndarray) -> None:
    """Stop where an array has overflowed."""
    if not all(np.all(np.isfinite(a)) for a in arrays):
        fix = "Rescale the data, e.g. divide y by its standard deviation."
        v.fail(func, name, "within double precision", "an overflow to inf", fix)


def fit_posterior(
    Phi: object, y: object, *, noise_var: float, prior_var: float
) -> GaussianPosterior:
    """Posterior ``N(m, Λ⁻¹)`` from the QR decomposition of ``[Φ/σ_n; I/σ_p]``.

    ``Phi`` (N, D) is the design matrix (row i is ``φ(x_i)ᵀ``), ``y`` (N,) the
    targets, ``noise_var`` = σ_n² > 0 and ``prior_var`` = σ_p² > 0.
    """
    func = "fit_posterior"
    Phi, y, noise_var, prior_var = _check_data(Phi, y, noise_var, prior_var, func)
    D, sn, sp = Phi.shape[1], np.sqrt(noise_var), np.sqrt(prior_var)
    with np.errstate(over="ignore"):  # an overflow is reported just below
        A = np.vstack([Phi / sn, np.eye(D) / sp])  # [Φ/σ_n; I/σ_p]
        b = np.concatenate([y / sn, np.zeros(D)])  # [y/σ_n; 0]
    _check_finite(func, "Phi / sqrt(noise_var) and y", A, b)
    Q, R = linalg.qr(A, mode="economic")  # A = QR, so Λ = AᵀA = RᵀR
    sign = np.where(np.diag(R) < 0, -1.0, 1.0)  # for a positive diagonal
    Q, R = Q * sign, R * sign[:, np.newaxis]
    mean = linalg.solve_triangular(R, Q.T @ b)  # least squares: R m = Qᵀb
    _check_finite(func, "the posterior mean", mean)
    return GaussianPosterior(mean, R, noise_var, prior_var)


def _predictive(post: GaussianPosterior, Phi_new: np.ndarray, func: str) -> tuple:
    """Predictive mean and latent variance, each (M,)."""
    with np.errstate(over="ignore", invalid="ignore"):  # reported just below
        mean = Phi_new @ post.mean
        w = linalg.solve_triangular(post.R, Phi_new.T, trans="T")  # R⁻ᵀφ for each φ
        latent_var = np.sum(w**2, axis=0)  # ‖R⁻ᵀφ‖² = φᵀΛ⁻¹φ
    _check_finite(func, "Phi_new", mean, latent_var)
    return mean, latent_var


def predictive(
    posterior: GaussianPosterior, Phi_new: object, *, include_noise: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Predictive mean ``φ_*ᵀm`` and variance ``‖R⁻ᵀφ_*‖² (+ σ_n²)``, each (M,).

    ``Phi_new`` (M, D): features of the new inputs. The variance is that of a
    new observation ``y_*``, with ``include_noise=False`` that of ``φ(x_*)ᵀθ``.
    """
    post = _check_posterior(posterior, "predictive")
    Phi_new = v.as_array(Phi_new, "predictive", "Phi_new", shape=(None, post.mean.size))
    v.check_instance(include_noise, bool, "predictive", "include_noise")
    mean, var = _predictive(post, Phi_new, "predictive")
    return mean, var + post.noise_var if include_noise else var


def predictive_interval(
    mean: object, var: object, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Central interval ``mean ∓ z √var``, ``z = Φ⁻¹((1 + level)/2)`` (1.96 for 95%).

    ``mean`` and ``var >= 0`` have shape (M,); returns ``lower, upper``, (M,).
    """
    func = "predictive_interval"
    mean = v.as_array(mean, func, "mean", ndim=(0, 1))
    var = v.as_array(var, func, "var", shape=mean.shape)
    if np.any(var < 0):
        v.fail(func, "var", "non-negative", f"minimum {var.min():.3g}")
    if not 0 < v.as_scalar(level, func, "level") < 1:
        v.fail(func, "level", "in (0, 1)", repr(level), "E.g. 0.95 for 95%.")
    half = stats.norm.ppf(0.5 + level / 2) * np.sqrt(var)
    return mean - half, mean + half


def log_predictive_density(
    posterior: GaussianPosterior, Phi_new: object, y_new: object
) -> np.ndarray:
    """``log N(y_* | φ_*ᵀm, φ_*ᵀΛ⁻¹φ_* + σ_n²)``, Phi_new (M, D), y_new (M,) -> (M,)."""
    func = "log_predictive_density"
    post = _check_posterior(posterior, func)
    Phi_new = v.as_array(Phi_new, func, "Phi_new", shape=(None, post.mean.size))
    y_new = v.as_array(y_new, func, "y_new", shape=(Phi_new.shape[0],))
    mean, var = _predictive(post, Phi_new, func)
    return stats.norm.logpdf(y_new, loc=mean, scale=np.sqrt(var + post.noise_var))


def log_marginal_likelihood(
    Phi: object, y: object, *, noise_var: float, prior_var: float
) -> float:
    """Log evidence ``log p(y) = log N(y | 0, σ_n² I + σ_p² ΦΦᵀ)`` (θ integrated out).

    Arguments as in :func:`fit_posterior`; the N x N covariance must be positive
    definite in double precision (raw monomials of degree 16 are refused).
    """
    func = "log_marginal_likelihood"
    Phi, y, noise_var, prior_var = _check_data(Phi, y, noise_var, prior_var, func)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below
        cov = noise_var * np.eye(len(y)) + prior_var * Phi @ Phi.T
    _check_finite(func, "Phi", cov)
    try:
        return float(stats.multivariate_normal(np.zeros(len(y)), cov).logpdf(y))
    except (np.linalg.LinAlgError, ValueError):  # singular or indefinite
        pass
    want = "scaled so that σ_n² I + σ_p² Phi Phi^T is positive definite in double "
    fix = "Scale the features, e.g. polynomial_features(x, M, scale=5)."
    v.fail(func, "Phi", want + "precision", "a numerically singular covariance", fix)


def _draw(post: GaussianPosterior, n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws of θ, one per row: (n, D)."""
    z = rng.standard_normal((post.mean.size, n))
    return post.mean + linalg.solve_triangular(post.R, z).T  # Cov[R⁻¹z] = Λ⁻¹


def sample_posterior(
    posterior: GaussianPosterior, n_samples: int, *, rng: _Rng = None
) -> np.ndarray:
    """Draws ``θ^(s) = m + R⁻¹z^(s)``, ``z^(s) ~ N(0, I)``, one per row: (S, D)."""
    func = "sample_posterior"
    post = _check_posterior(posterior, func)
    cap = v.MAX_ENTRIES // max(post.mean.size, 1)
    n = v.as_int(n_samples, func, "n_samples", minimum=1, maximum=cap)
    return _draw(post, n, v.as_rng(rng, func))


def mc_predictive_density(
    posterior: GaussianPosterior,
    Phi_new: object,
    y_new: object,
    *,
    n_samples: int,
    rng: _Rng = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo ``p(y_* | x_*) ≈ (1/S) Σ_s N(y_* | φ_*ᵀθ^(s), σ_n²)`` (slide 44).

    Phi_new (M, D), y_new (M,); ``θ^(s) ~ N(m, Λ⁻¹)``. Returns the estimate and
    its standard error (sample standard deviation of the densities / √S), (M,).
    """
    func = "mc_predictive_density"
    post = _check_posterior(posterior, func)
    Phi_new = v.as_array(Phi_new, func, "Phi_new", shape=(None, post.mean.size))
    y_new = v.as_array(y_new, func, "y_new", shape=(Phi_new.shape[0],))
    cap = v.MAX_ENTRIES // max(post.mean.size, len(y_new), 1)
    n = v.as_int(n_samples, func, "n_samples", minimum=2, maximum=cap)
    theta = _draw(post, n, v.as_rng(rng, func))  # (S, D)
    dens = stats.norm.pdf(y_new, loc=theta @ Phi_new.T, scale=np.sqrt(post.noise_var))
    return dens.mean(axis=0), dens.std(axis=0, ddof=1) / np.sqrt(n)


def _grid(func: str, lower, upper, n_nodes, name: str, ndim=(0, 1)) -> tuple:
    """Gauss-Legendre points (P, d) and weights (P,) on a box, n_nodes per axis."""
    lower = np.atleast_1d(v.as_array(lower, func, "lower", ndim=ndim))
    upper = np.atleast_1d(v.as_array(upper, func, "upper", ndim=ndim))
    if lower.shape != upper.shape or lower.size == 0 or np.any(upper <= lower):
        got = f"lower = {lower}, upper = {upper}"
        v.fail(func, "upper", "greater than lower, entry by entry", got)
    n = v.as_int(n_nodes, func, name, minimum=1, maximum=_MAX_NODES)
    d, P = lower.size, n**lower.size
    floats = (3 * d + 2) * P  # meshgrids 2 d P, points d P, weights P, f P
    if floats > v.MAX_ENTRIES:
        got = f"{n}**{d} points, {floats:.3g} floats"
        fix = "A grid costs n**d evaluations: use Monte Carlo in many dimensions."
        want = f"at most {v.MAX_ENTRIES:,} floats of grid"
        v.fail(func, f"{name}**d", want, got, fix)
    t, w = np.polynomial.legendre.leggauss(n)  # nodes and weights on [-1, 1]
    half, mid = (upper - lower) / 2, (upper + lower) / 2
    points = np.meshgrid(*(mid + half * t[:, np.newaxis]).T, indexing="ij")
    weights = np.prod(np.meshgrid(*(half * w[:, np.newaxis]).T, indexing="ij"), axis=0)
    return np.stack(points, axis=-1).reshape(P, d), weights.ravel()


def gauss_legendre(
    f: Callable, lower: float, upper: float, *, n_points: int = 64
) -> float:
    """``∫_lower^upper f(x) dx ≈ Σ_k w_k f(x_k)``, Gauss-Legendre nodes x_k.

    ``f`` maps the nodes, shape (n_points,), to values of the same shape. The
    rule is exact for polynomials of degree up to ``2 n_points − 1``.
    """
    func = "gauss_legendre"
    x, w = _grid(func, lower, upper, n_points, "n_points", ndim=0)
    values = v.call(v.as_callable(f, func, "f"), (x[:, 0],), func, "f", shape=w.shape)
    return float(w @ values)


def tensor_grid_integrate(
    f: Callable, lower: object, upper: object, *, n_per_dim: int = 16
) -> float:
    """``∫ f(x) dx`` over the box ``[lower, upper]`` (shape (d,)) on a product grid.

    ``f`` maps points (P, d) to values (P,). The grid has ``n_per_dim**d``
    Gauss-Legendre points: its cost grows exponentially with d.
    """
    func = "tensor_grid_integrate"
    points, weights = _grid(func, lower, upper, n_per_dim, "n_per_dim")
    f = v.as_callable(f, func, "f")
    values = v.call(f, (points,), func, "f", shape=weights.shape)
    return float(weights @ values)


def quadrature_moments(
    pdf: Callable, lower: object, upper: object, *, n_per_dim: int = 64
) -> tuple[np.ndarray, np.ndarray]:
    """``E[x] = ∫ x p(x) dx`` and ``V[x] = ∫ (x − μ)(x − μ)ᵀ p(x) dx`` on a grid.

    ``pdf`` maps points (P, d) to (P,) values of a density, maybe unnormalised,
    whose mass lies in ``[lower, upper]``. Returns the mean (d,) and covariance
    (d, d), with the ``Cov[x_i, x_j]`` off the diagonal.
    """
    func = "quadrature_moments"
    points, weights = _grid(func, lower, upper, n_per_dim, "n_per_dim")
    pdf = v.as_callable(pdf, func, "pdf")
    p = v.call(pdf, (points,), func, "pdf", shape=weights.shape)
    if np.any(p < 0) or not np.sum(p) > 0:
        want = "a density, >= 0 and positive somewhere in the box"
        v.fail(func, "pdf", want, f"values from {p.min():.3g} to {p.max():.3g}")
    mass = weights * p  # the probability each grid point stands for
    cov = np.cov(points, rowvar=False, aweights=mass, bias=True)
    return np.average(points, axis=0, weights=mass), np.atleast_2d(cov)


def mc_moments(samples: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monte Carlo mean (d,), covariance (d, d) and standard errors of the mean (d,).

    ``samples`` holds one draw ``x^(s) ~ p(x)`` per row, shape (S,) or (S, d)
    with S >= 2; the covariance is :func:`numpy.cov` (divisor S − 1).
    """
    x = v.as_array(samples, "mc_moments", "samples", ndim=(1, 2))
    if len(x) < 2:
        v.fail("mc_moments", "samples", "at least 2 draws (rows)", f"shape {x.shape}")
    x = x.reshape(len(x), -1)
    cov = np.atleast_2d(np.cov(x, rowvar=False))
    return x.mean(axis=0), cov, np.sqrt(np.diag(cov) / len(x))
