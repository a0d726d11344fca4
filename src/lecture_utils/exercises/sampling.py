"""Checkers of the sampling chapter (slides 45, 51-52)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..feedback import Feedback, Kind
from ..sampling import inverse_cdf
from ..special import logsumexp
from . import _check, _with_note

__all__ = [
    "check_effective_sample_size", "check_importance_weights", "check_inverse_cdf",
]  # fmt: skip


def _searchsorted(p: np.ndarray, u: np.ndarray, side: str = "left") -> np.ndarray:
    return np.searchsorted(np.cumsum(p), u, side=side)


_CDF_MISTAKES = {
    "for u = 1.0 your index is K, one past the last outcome. In floating point "
    "np.cumsum(p) can end just below 1 (ten times 0.1 sums to 0.9999999999999999), "
    "so no F_k >= u exists: clip the index to K - 1 with np.minimum.": _searchsorted,
    "your outcomes are 1-based; NumPy indices start at 0 (slide 45's c is index "
    "2).": lambda p, u: inverse_cdf(p, u) + 1,
    "you return the cumulative probability F_k instead of the outcome "
    "k.": lambda p, u: np.cumsum(p)[inverse_cdf(p, u)],
    "a u exactly on a boundary F_k belongs to outcome k (the interval is "
    "(F_k-1, F_k], and u = 0.5 gives b on slide 45): use "
    "side='left'.": lambda p, u: np.minimum(_searchsorted(p, u, "right"), len(p) - 1),
    "your index is one too small: the outcome is the first k with F_k >= "
    "u.": lambda p, u: np.clip(_searchsorted(p, u) - 1, 0, len(p) - 1),
}


def check_inverse_cdf(learner: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``learner(p, u)``: the outcomes k, shape (N,), with F_k-1 < u <= F_k
    for p (K,) and u (N,) in [0, 1] (slide 45), including u on the boundaries, an
    outcome of probability 0, and ten times 0.1 with u = 1 (the sum ends below 1).
    """
    cases = [
        (np.array([0.3, 0.2, 0.5]), np.array([0.1, 0.55, 0.3, 0.5, 0.31, 0.95])),
        (np.array([0.25, 0.0, 0.75]), np.array([0.2, 0.25, 0.26, 0.99])),
        (np.full(10, 0.1), np.array([0.05, 0.35, 0.95, 1.0])),
    ]
    name = "inverse_cdf"
    return _check(learner, inverse_cdf, cases, _CDF_MISTAKES, time_limit, name=name)


def _normalise(w: np.ndarray) -> np.ndarray:
    return w / np.sum(w)


def _weights(log_p: np.ndarray, log_q: np.ndarray) -> np.ndarray:
    log_w = log_p - log_q
    return np.exp(log_w - logsumexp(log_w))


_LOG_SPACE = (
    "Densities in many dimensions are tiny: exp(-1000) is 0.0 and exp(800) is inf in "
    "floating point, so 0/0 or inf/inf gives nan. Stay in log space: log w = log_p - "
    "log_q, then w = exp(log w - logsumexp(log w)) (the largest exponent becomes 0)."
)
_WEIGHT_MISTAKES = {
    "the weights are not normalised: divide by their sum (they must sum to "
    "1).": lambda log_p, log_q: np.exp(log_p - log_q),
    "you computed q/p; the weight is target over proposal, log w = log_p - "
    "log_q.": lambda log_p, log_q: _normalise(np.exp(log_q - log_p)),
    "you normalised the log-weights; exponentiate first, then "
    "normalise.": lambda log_p, log_q: _normalise(log_p - log_q),
}


def check_importance_weights(
    learner: Callable, *, time_limit: float = 10.0
) -> Feedback:
    """Check ``learner(log_p, log_q)``, both (S,): the normalised importance weights
    :math:`\\bar w_s = w_s / \\sum_t w_t`, :math:`w_s = p(x_s) / q(x_s)`, shape (S,)
    (slide 51). Cases 2 and 3 shift the log-densities by -1000 and +800.
    """
    x = np.random.default_rng(51).normal(0.0, 2.0, 6)
    log_p = -0.5 * (x - 1.0) ** 2 - 0.5 * np.log(2 * np.pi)
    log_q = -0.125 * x**2 - np.log(2.0) - 0.5 * np.log(2 * np.pi)
    cases = [(log_p, log_q), (log_p - 1000.0, log_q), (log_p, log_q - 800.0)]
    name = "importance_weights"
    feedback = _check(learner, _weights, cases, _WEIGHT_MISTAKES, time_limit, name=name)
    return _with_note(feedback, _LOG_SPACE, feedback.kind is Kind.NON_FINITE)


def _ess(w: np.ndarray) -> float:
    return float(np.sum(w) ** 2 / np.sum(w**2))


_ESS_MISTAKES = {
    "you did not normalise: 1 / sum(w_bar**2) needs w_bar = w / w.sum().": lambda w: (
        1.0 / np.sum(w**2)
    ),
    "you return sum(w_bar**2), the reciprocal of the effective sample "
    "size.": lambda w: np.sum(_normalise(w) ** 2),
    "the numerator is (sum w)**2, the square of the sum, not sum w.": lambda w: (
        np.sum(w) / np.sum(w**2)
    ),
}


def check_effective_sample_size(
    learner: Callable, *, time_limit: float = 10.0
) -> Feedback:
    """Check ``learner(w)``: :math:`(\\sum_s w_s)^2 / \\sum_s w_s^2` (slide 52), for
    w (S,) of entries >= 0 of any scale; the answer is a number in [1, S]."""
    weights = [[3.0, 1.0, 2.0, 2.0], [0.5, 0.0, 0.0, 0.25], [10.0, 1.0, 1.0, 1.0, 1.0]]
    cases = [(np.array(w),) for w in weights]
    return _check(learner, _ess, cases, _ESS_MISTAKES, time_limit, name="ess")
