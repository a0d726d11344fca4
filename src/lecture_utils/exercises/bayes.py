"""Checkers for the exercises of the Bayesian-integration chapter (slides 40-44).

Three code exercises, each a small function the learner writes with NumPy:

* :func:`check_posterior`: ``posterior(Phi, y, noise_var, prior_var)`` returning
  the posterior mean and covariance of Bayesian linear regression;
* :func:`check_predictive_variance`: ``predictive_variance(Phi_new, cov,
  noise_var)`` returning the variance of a new observation at each input;
* :func:`check_mc_predictive`: ``mc_predictive_density(Phi_new, y_new,
  theta_samples, noise_var)`` returning the Monte Carlo predictive density of
  slide 44.

The test problems are small and well conditioned, so the textbook formulas
with ``np.linalg.inv`` or ``np.linalg.solve`` are accurate enough.

Examples
--------
>>> import numpy as np
>>> def posterior(Phi, y, noise_var, prior_var):
...     precision = Phi.T @ Phi / noise_var + np.eye(Phi.shape[1]) * prior_var  # wrong
...     cov = np.linalg.inv(precision)
...     return cov @ Phi.T @ y / noise_var, cov
>>> print(check_posterior(posterior))
Not yet: posterior, case 1 of 3: the prior term of the precision is I / prior_var (the inverse of the prior covariance prior_var * I), not prior_var * I.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import bayes
from . import Feedback, check_function

__all__ = [
    "check_mc_predictive",
    "check_posterior",
    "check_predictive_variance",
    "mc_predictive_density_reference",
    "posterior_reference",
    "predictive_variance_reference",
]


# --------------------------------------------------------------------------- posterior


def posterior_reference(
    Phi: np.ndarray, y: np.ndarray, noise_var: float, prior_var: float
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean and covariance of Bayesian linear regression.

    Parameters
    ----------
    Phi : numpy.ndarray, shape (N, D)
    y : numpy.ndarray, shape (N,)
    noise_var, prior_var : float
        σ_n² and σ_p².

    Returns
    -------
    mean : numpy.ndarray, shape (D,)
        ``Σ Φᵀ y / σ_n²``.
    cov : numpy.ndarray, shape (D, D)
        ``Σ = (ΦᵀΦ/σ_n² + I/σ_p²)⁻¹``.
    """
    post = bayes.fit_posterior(Phi, y, noise_var=noise_var, prior_var=prior_var)
    return post.mean, post.cov


def _posterior_cases() -> list[tuple]:
    rng = np.random.default_rng(40)
    cases = []
    for n, d, noise_var, prior_var in [(8, 3, 0.25, 2.0), (12, 4, 0.5, 0.3), (6, 2, 1.5, 4.0)]:
        Phi = rng.standard_normal((n, d))
        y = Phi @ rng.standard_normal(d) + np.sqrt(noise_var) * rng.standard_normal(n)
        cases.append((Phi, y, noise_var, prior_var))
    return cases


def _posterior_from_precision(
    precision: np.ndarray, Phi: np.ndarray, y: np.ndarray, noise_var: float
) -> tuple[np.ndarray, np.ndarray]:
    cov = np.linalg.inv(precision)
    return cov @ Phi.T @ y / noise_var, cov


def check_posterior(posterior: Callable[..., object]) -> Feedback:
    """Check a learner's ``posterior(Phi, y, noise_var, prior_var) -> (mean, cov)``.

    Parameters
    ----------
    posterior : callable
        The learner's function; ``Phi`` (N, D), ``y`` (N,), two variances.
        Must return the tuple ``(mean (D,), cov (D, D))``.

    Returns
    -------
    Feedback
        Recognises swapped or inverted variances, a missing prior term, a
        missing ``1/noise_var`` in the mean and the precision returned in
        place of the covariance; otherwise the generic array diagnosis.
    """
    d_eye = lambda Phi: np.eye(Phi.shape[1])  # noqa: E731
    mistakes = {
        "the prior term of the precision is I / prior_var (the inverse of the prior "
        "covariance prior_var * I), not prior_var * I":
            lambda Phi, y, nv, pv: _posterior_from_precision(
                Phi.T @ Phi / nv + d_eye(Phi) * pv, Phi, y, nv),
        "noise_var and prior_var are swapped: the data term is Phi.T @ Phi / noise_var and "
        "the prior term I / prior_var":
            lambda Phi, y, nv, pv: _posterior_from_precision(
                Phi.T @ Phi / pv + d_eye(Phi) / nv, Phi, y, pv),
        "the prior term I / prior_var is missing from the precision: without it you get "
        "the covariance of the maximum-likelihood estimate":
            lambda Phi, y, nv, pv: _posterior_from_precision(Phi.T @ Phi / nv, Phi, y, nv),
        "the mean is missing the factor 1 / noise_var: mean = cov @ Phi.T @ y / noise_var":
            lambda Phi, y, nv, pv: (
                posterior_reference(Phi, y, nv, pv)[0] * nv,
                posterior_reference(Phi, y, nv, pv)[1]),
        "you returned the precision (inverse covariance) Phi.T @ Phi / noise_var + I / "
        "prior_var; the covariance is its inverse":
            lambda Phi, y, nv, pv: (
                posterior_reference(Phi, y, nv, pv)[0],
                Phi.T @ Phi / nv + d_eye(Phi) / pv),
    }
    name = getattr(posterior, "__name__", "posterior")
    return check_function(posterior, posterior_reference, _posterior_cases(), name=name,
                          output_names=("mean", "cov"), mistakes=mistakes, rtol=1e-6)


# --------------------------------------------------------------------------- predictive


def predictive_variance_reference(
    Phi_new: np.ndarray, cov: np.ndarray, noise_var: float
) -> np.ndarray:
    """Variance of a new observation, ``φ_*ᵀ Σ φ_* + σ_n²`` for each row of Phi_new.

    Parameters
    ----------
    Phi_new : numpy.ndarray, shape (M, D)
    cov : numpy.ndarray, shape (D, D)
    noise_var : float

    Returns
    -------
    numpy.ndarray, shape (M,)
    """
    return np.einsum("md,de,me->m", Phi_new, cov, Phi_new) + noise_var


def _predictive_cases() -> list[tuple]:
    rng = np.random.default_rng(41)
    cases = []
    for m, d, noise_var in [(5, 3, 0.2), (4, 2, 0.7), (6, 4, 0.05)]:
        B = rng.standard_normal((d, d))
        cov = B @ B.T / d + 0.1 * np.eye(d)
        cases.append((rng.standard_normal((m, d)), cov, noise_var))
    return cases


def check_predictive_variance(predictive_variance: Callable[..., object]) -> Feedback:
    """Check a learner's ``predictive_variance(Phi_new, cov, noise_var) -> (M,)``.

    Parameters
    ----------
    predictive_variance : callable
        The learner's function; ``Phi_new`` (M, D), posterior ``cov`` (D, D),
        ``noise_var`` a float. Returns the variance of a new observation ``y_*``
        at each of the M inputs.

    Returns
    -------
    Feedback
        Recognises the forgotten noise term, the noise standard deviation in
        place of the variance and the full M × M matrix in place of its
        diagonal.
    """
    mistakes = {
        "you returned the variance of the latent function f(x_*) only; a new observation "
        "y_* also carries the noise: add noise_var":
            lambda P, C, nv: np.einsum("md,de,me->m", P, C, P),
        "you added the noise standard deviation sqrt(noise_var); variances add, so add "
        "noise_var itself":
            lambda P, C, nv: np.einsum("md,de,me->m", P, C, P) + np.sqrt(nv),
        "you returned the full M x M covariance Phi_new @ cov @ Phi_new.T + noise_var * I "
        "of the M predictions; the variance at each input is its diagonal":
            lambda P, C, nv: P @ C @ P.T + nv * np.eye(P.shape[0]),
        "you returned the full M x M matrix Phi_new @ cov @ Phi_new.T plus noise_var in "
        "every entry; take its diagonal and add noise_var":
            lambda P, C, nv: P @ C @ P.T + nv,
    }
    name = getattr(predictive_variance, "__name__", "predictive_variance")
    return check_function(predictive_variance, predictive_variance_reference,
                          _predictive_cases(), name=name, mistakes=mistakes)


# --------------------------------------------------------------------------- Monte Carlo


def mc_predictive_density_reference(
    Phi_new: np.ndarray, y_new: np.ndarray, theta_samples: np.ndarray, noise_var: float
) -> np.ndarray:
    """Monte Carlo predictive density ``(1/S) Σ_s N(y_* | φ_*ᵀθ^(s), σ_n²)`` (slide 44).

    Parameters
    ----------
    Phi_new : numpy.ndarray, shape (M, D)
    y_new : numpy.ndarray, shape (M,)
    theta_samples : numpy.ndarray, shape (S, D)
        Posterior samples, one per row.
    noise_var : float

    Returns
    -------
    numpy.ndarray, shape (M,)
    """
    f = Phi_new @ theta_samples.T
    return np.exp(bayes.gaussian_log_density(y_new[:, None], f, noise_var)).mean(axis=1)


def _mc_cases() -> list[tuple]:
    rng = np.random.default_rng(44)
    cases = []
    for m, d, s, noise_var in [(4, 3, 50, 0.3), (3, 2, 20, 0.8), (5, 4, 100, 0.1)]:
        Phi_new = rng.standard_normal((m, d))
        theta = rng.standard_normal(d) + 0.5 * rng.standard_normal((s, d))
        y_new = Phi_new @ theta.mean(axis=0) + 0.5 * rng.standard_normal(m)
        cases.append((Phi_new, y_new, theta, noise_var))
    return cases


def check_mc_predictive(mc_predictive_density: Callable[..., object]) -> Feedback:
    """Check a learner's ``mc_predictive_density(Phi_new, y_new, theta_samples, noise_var)``.

    Parameters
    ----------
    mc_predictive_density : callable
        The learner's function; ``Phi_new`` (M, D), ``y_new`` (M,),
        ``theta_samples`` (S, D), ``noise_var`` float. Returns (M,) densities.

    Returns
    -------
    Feedback
        Recognises averaging log-densities instead of densities, plugging in
        the mean parameter, a sum instead of an average and the noise
        variance used as a standard deviation.
    """

    def log_dens(P, y, T, nv):
        return bayes.gaussian_log_density(y[:, None], P @ T.T, nv)

    mistakes = {
        "you averaged the log-densities: Monte Carlo averages the densities "
        "p(y | theta_s, x) themselves, then (if you want) take the log":
            lambda P, y, T, nv: log_dens(P, y, T, nv).mean(axis=1),
        "you took exp of the average log-density (a geometric mean); average the densities "
        "p(y | theta_s, x) themselves":
            lambda P, y, T, nv: np.exp(log_dens(P, y, T, nv).mean(axis=1)),
        "you plugged the average parameter into one Gaussian, N(y | phi^T mean(theta), "
        "noise_var); that ignores the spread of the samples: average the S densities":
            lambda P, y, T, nv: np.exp(bayes.gaussian_log_density(y, P @ T.mean(axis=0), nv)),
        "you summed the densities over the samples; divide by the number of samples S":
            lambda P, y, T, nv: np.exp(log_dens(P, y, T, nv)).sum(axis=1),
        "noise_var is a variance: the Gaussian is exp(-(y - f)**2 / (2 * noise_var)) / "
        "sqrt(2 * pi * noise_var); you used it as a standard deviation":
            lambda P, y, T, nv: np.exp(log_dens(P, y, T, nv**2)).mean(axis=1),
    }
    name = getattr(mc_predictive_density, "__name__", "mc_predictive_density")
    return check_function(mc_predictive_density, mc_predictive_density_reference, _mc_cases(),
                          name=name, mistakes=mistakes)
