"""Uncertainty through a network: challenge 2 of slide 6 (slides 41, 44).

For :math:`x \\sim \\mathcal N(\\mu, \\Sigma)` the mean and covariance of f(x) are
integrals (slide 41), without closed form for a nonlinear f. **Monte Carlo**
(slide 44) averages over draws :math:`x^{(s)} = \\mu + L\\varepsilon^{(s)}`,
:math:`LL^\\top = \\Sigma`, with errors of order :math:`1/\\sqrt S` estimated from
the same draws. **Linearisation** replaces f by :math:`f(\\mu) + J(x - \\mu)`,
:math:`J = \\partial f/\\partial x` at :math:`\\mu` (E x D), whose output is
Gaussian with mean :math:`f(\\mu)` and covariance :math:`J\\Sigma J^\\top`: exact
for affine f, but blind to curvature. To second order
:math:`\\mathbb E[f_i(x)] \\approx f_i(\\mu) + \\tfrac12\\operatorname{tr}(H_i\\Sigma)`
(:math:`H_i` the Hessian of :math:`f_i`): a shift linearisation misses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from . import _validation as v

__all__ = ["Propagated", "propagate_linearised", "propagate_monte_carlo"]


class Propagated(NamedTuple):
    """Mean (E,) and covariance (E, E) of f(x), with the Monte Carlo standard errors
    ``mean_se`` (E,) and ``cov_se`` (E, E) (None for linearisation)."""

    mean: np.ndarray
    cov: np.ndarray
    mean_se: np.ndarray | None = None
    cov_se: np.ndarray | None = None


def _gaussian(mean: object, cov: object, func: str) -> tuple[np.ndarray, ...]:
    """Check mean (D,) and a symmetric positive definite cov (D, D); add L."""
    mean = v.as_array(mean, func, "mean", ndim=1, nonempty=True)
    cov = v.as_array(cov, func, "cov", shape=(mean.size, mean.size))
    if not np.allclose(cov, cov.T, rtol=1e-12, atol=0.0):
        got = f"max |cov - cov.T| = {np.max(np.abs(cov - cov.T)):.3g}"
        v.fail(func, "cov", "symmetric", got, "Use (cov + cov.T) / 2.")
    try:
        return mean, cov, np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        got = f"smallest eigenvalue {np.linalg.eigvalsh(cov)[0]:.3g}"
        fix = "Give every direction of x a variance > 0."
        v.fail(func, "cov", "positive definite", got, fix)


def _cap(entries: int, name: str, func: str) -> None:
    """Stop before an array of more than ``MAX_ENTRIES`` entries."""
    if entries > v.MAX_ENTRIES:
        want = f"at most {v.MAX_ENTRIES:,}"
        v.fail(func, name, want, f"{entries:,}", "Use fewer samples.")


def propagate_monte_carlo(
    f: Callable[[np.ndarray], object],
    mean: object,
    cov: object,
    n_samples: int,
    *,
    rng: np.random.Generator | int | None = None,
) -> Propagated:
    """Monte Carlo mean and covariance of f(x) for x ~ N(mean, cov).

    ``f`` maps inputs (S, D) to finite outputs (S, E), row by row; ``mean`` is
    (D,), ``cov`` (D, D) symmetric positive definite, ``n_samples`` S >= 2.
    Returns the sample mean, the sample covariance (ddof 1) and their standard
    errors: ``std / sqrt(S)`` of f and of the products of its centred entries.
    """
    func = "propagate_monte_carlo"
    f = v.as_callable(f, func, "f")
    mean, cov, L = _gaussian(mean, cov, func)
    n = v.as_int(n_samples, func, "n_samples", minimum=2, maximum=v.MAX_ENTRIES)
    rng = v.as_rng(rng, func)
    _cap(n * mean.size, "n_samples * D", func)
    x = mean + rng.standard_normal((n, mean.size)) @ L.T  # x^(s) ~ N(mean, cov)
    fx = v.call(f, (x,), func, "f", shape=(n, None))
    _cap(n * fx.shape[1] ** 2, "n_samples * E^2", func)  # the products below
    centred = fx - fx.mean(axis=0)
    products = centred[:, :, None] * centred[:, None, :]  # (S, E, E)
    cov_f = np.atleast_2d(np.cov(fx, rowvar=False))
    mean_se = np.sqrt(np.diag(cov_f) / n)
    cov_se = products.std(axis=0, ddof=1) / np.sqrt(n)
    return Propagated(fx.mean(axis=0), cov_f, mean_se, cov_se)


def propagate_linearised(
    f: Callable[[np.ndarray], object],
    jacobian: Callable[[np.ndarray], object],
    mean: object,
    cov: object,
) -> Propagated:
    """Mean f(mean) and covariance J cov J^T of the linearised f.

    ``f`` as in :func:`propagate_monte_carlo`; ``jacobian(x)`` returns the
    (E, D) Jacobian of f at one input x of shape (D,); ``mean`` (D,); ``cov``
    (D, D) symmetric positive definite. Exact when f is affine.
    """
    func = "propagate_linearised"
    f = v.as_callable(f, func, "f")
    jacobian = v.as_callable(jacobian, func, "jacobian")
    mean, cov, _ = _gaussian(mean, cov, func)
    f_mean = v.call(f, (mean[None, :].copy(),), func, "f", shape=(1, None))[0]
    shape = (f_mean.size, mean.size)
    J = v.call(jacobian, (mean.copy(),), func, "jacobian", shape=shape)
    return Propagated(f_mean, J @ cov @ J.T)
