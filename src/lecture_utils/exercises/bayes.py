"""Checkers of the Bayesian-integration chapter: the posterior of Bayesian linear
regression (slide 40) and the Monte Carlo predictive density (slide 44). The test
problems are small and well conditioned: the textbook formulas (with
``np.linalg.inv`` or ``np.linalg.solve``) are accurate enough there."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import linalg, stats

from .. import bayes
from ..feedback import Feedback
from . import _check

__all__ = ["check_mc_predictive", "check_posterior"]


def _posterior(Phi, y, noise_var, prior_var):
    post = bayes.fit_posterior(Phi, y, noise_var=noise_var, prior_var=prior_var)
    R_inv = linalg.solve_triangular(post.R, np.eye(len(post.mean)))
    return post.mean, R_inv @ R_inv.T  # Λ⁻¹ = R⁻¹R⁻ᵀ


def _textbook(precision, Phi, y, noise_var):
    cov = np.linalg.inv(precision)
    return cov @ Phi.T @ y / noise_var, cov


def _eye(Phi):
    return np.eye(Phi.shape[1])


_POSTERIOR_MISTAKES = {
    "The prior adds its precision I / prior_var to the precision; prior_var * I is "
    "the prior covariance.": lambda Phi, y, nv, pv: _textbook(
        Phi.T @ Phi / nv + pv * _eye(Phi), Phi, y, nv
    ),
    "noise_var and prior_var are swapped: the data term is Phi.T @ Phi / noise_var, "
    "the prior term I / prior_var.": lambda Phi, y, nv, pv: _textbook(
        Phi.T @ Phi / pv + _eye(Phi) / nv, Phi, y, pv
    ),
    "The prior term I / prior_var is missing from the precision (that is the "
    "maximum likelihood covariance).": lambda Phi, y, nv, pv: _textbook(
        Phi.T @ Phi / nv, Phi, y, nv
    ),
    "The mean lacks the factor 1 / noise_var: mean = cov @ Phi.T @ y / "
    "noise_var.": lambda Phi, y, nv, pv: (
        nv * _posterior(Phi, y, nv, pv)[0],
        _posterior(Phi, y, nv, pv)[1],
    ),
    "The covariance is the inverse of the precision Phi.T @ Phi / noise_var + "
    "I / prior_var, not the precision itself.": lambda Phi, y, nv, pv: (
        _posterior(Phi, y, nv, pv)[0],
        Phi.T @ Phi / nv + _eye(Phi) / pv,
    ),
}


def _posterior_cases() -> list[tuple]:
    rng = np.random.default_rng(40)
    cases = []
    for n, d, nv, pv in [(8, 3, 0.25, 2.0), (12, 4, 0.5, 0.3), (6, 2, 1.5, 4.0)]:
        Phi = rng.standard_normal((n, d))
        y = Phi @ rng.standard_normal(d) + np.sqrt(nv) * rng.standard_normal(n)
        cases.append((Phi, y, nv, pv))
    return cases


def check_posterior(posterior: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``posterior(Phi, y, noise_var, prior_var) -> (mean (D,), cov (D, D))``."""
    cases, mistakes = _posterior_cases(), _POSTERIOR_MISTAKES
    return _check(
        posterior, _posterior, cases, mistakes, time_limit, output_names=("mean", "cov")
    )


def _log_densities(Phi_new, y_new, theta_samples, sd):
    return stats.norm.logpdf(y_new, loc=theta_samples @ Phi_new.T, scale=sd)  # (S, M)


def _mc_predictive(Phi_new, y_new, theta_samples, noise_var):
    sd = np.sqrt(noise_var)
    return np.exp(_log_densities(Phi_new, y_new, theta_samples, sd)).mean(axis=0)


_MC_MISTAKES = {
    "This is exp of the average log-density, a geometric mean; Monte Carlo averages "
    "the densities p(y | theta_s, x) themselves.": lambda P, y, T, nv: np.exp(
        _log_densities(P, y, T, np.sqrt(nv)).mean(0)
    ),
    "This is the average log-density; Monte Carlo averages the densities "
    "p(y | theta_s, x) themselves.": lambda P, y, T, nv: _log_densities(
        P, y, T, np.sqrt(nv)
    ).mean(0),
    "This plugs the average sample into one Gaussian and ignores the spread of the "
    "samples: average the S densities instead.": lambda P, y, T, nv: _mc_predictive(
        P, y, T.mean(0, keepdims=True), nv
    ),
    "This is the sum over the samples; divide by their number S.": lambda P, y, T, nv: (
        len(T) * _mc_predictive(P, y, T, nv)
    ),
    "noise_var is a variance: the standard deviation of the Gaussian is "
    "sqrt(noise_var).": lambda P, y, T, nv: _mc_predictive(P, y, T, nv**2),
}


def _mc_cases() -> list[tuple]:
    rng = np.random.default_rng(44)
    cases = []
    for m, d, s, noise_var in [(4, 3, 50, 0.3), (3, 2, 20, 0.8), (5, 4, 100, 0.1)]:
        Phi_new = rng.standard_normal((m, d))
        theta = rng.standard_normal(d) + 0.5 * rng.standard_normal((s, d))
        y_new = Phi_new @ theta.mean(axis=0) + 0.5 * rng.standard_normal(m)
        cases.append((Phi_new, y_new, theta, noise_var))
    return cases


def check_mc_predictive(
    mc_predictive_density: Callable, *, time_limit: float = 10.0
) -> Feedback:
    """Check ``mc_predictive_density(Phi_new, y_new, theta_samples, noise_var)``,
    the Monte Carlo predictive density at each test point, shape (M,)."""
    cases = _mc_cases()
    return _check(
        mc_predictive_density, _mc_predictive, cases, _MC_MISTAKES, time_limit
    )
