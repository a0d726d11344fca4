"""Checkers for the code exercises of the sampling chapter (slides 45, 51-52).

Each checker runs the learner's function on prepared cases with
:func:`lecture_utils.feedback.check_function` and returns a
:class:`~lecture_utils.feedback.Feedback` whose ``kind`` names what went wrong;
the known mistakes of each exercise get their own explanation.

>>> import numpy as np
>>> def inverse_cdf(p, u):
...     return np.searchsorted(np.cumsum(p), u)
>>> check_inverse_cdf(inverse_cdf).kind
<Kind.MISTAKE: 'known mistake'>
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from ..feedback import Feedback, Kind, check_function
from ..sampling import inverse_cdf
from ..special import logsumexp

__all__ = [
    "check_effective_sample_size",
    "check_importance_weights",
    "check_inverse_cdf",
]


def _searchsorted(p: np.ndarray, u: np.ndarray, side: str = "left") -> np.ndarray:
    return np.searchsorted(np.cumsum(p), u, side=side)


_CDF_MISTAKES: dict[str, Callable[..., object]] = {
    "for u = 1.0 your index is K, one past the last outcome. In floating point "
    "np.cumsum(p) can end just below 1 (ten times 0.1 sums to 0.9999999999999999), "
    "so no F_k >= u exists: clip the index to K - 1 with np.minimum.": _searchsorted,
    "your outcomes are 1-based; NumPy indices start at 0 (slide 45's c is index 2).":
        lambda p, u: inverse_cdf(p, u) + 1,
    "you return the cumulative probability F_k instead of the outcome k.":
        lambda p, u: np.cumsum(p)[inverse_cdf(p, u)],
    "a u exactly on a boundary F_k belongs to outcome k (the interval is "
    "(F_k-1, F_k], and u = 0.5 gives b on slide 45): use side='left'.":
        lambda p, u: np.minimum(_searchsorted(p, u, "right"), len(p) - 1),
    "your index is one too small: the outcome is the first k with F_k >= u.":
        lambda p, u: np.clip(_searchsorted(p, u) - 1, 0, len(p) - 1),
}


def check_inverse_cdf(learner: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``learner(p, u)``: the outcomes k with F_k-1 < u <= F_k (slide 45).

    p has shape (K,), u shape (N,) in [0, 1]; the answer has shape (N,). The
    cases include slide 45 with u on the boundaries, an outcome of probability
    0, and ten times 0.1 with u = 1 (the cumulative sum ends below 1).
    """
    cases = [
        (np.array([0.3, 0.2, 0.5]), np.array([0.1, 0.55, 0.3, 0.5, 0.31, 0.95])),
        (np.array([0.25, 0.0, 0.75]), np.array([0.2, 0.25, 0.26, 0.99])),
        (np.full(10, 0.1), np.array([0.05, 0.35, 0.95, 1.0])),
    ]
    return check_function(learner, _inverse_cdf_reference, cases, name="inverse_cdf",
                          mistakes=_CDF_MISTAKES, time_limit=time_limit)


def _inverse_cdf_reference(p: np.ndarray, u: np.ndarray) -> np.ndarray:
    return np.asarray(inverse_cdf(p, u))


def _normalise(w: np.ndarray) -> np.ndarray:
    return w / np.sum(w)


_LOG_SPACE = (
    "Densities in many dimensions are tiny: exp(-1000) is 0.0 and exp(800) is inf in "
    "floating point, so 0/0 or inf/inf gives nan. Stay in log space: log w = log_p - "
    "log_q, then w = exp(log w - logsumexp(log w)) (the largest exponent becomes 0)."
)
_WEIGHT_MISTAKES: dict[str, Callable[..., object]] = {
    "the weights are not normalised: divide by their sum (they must sum to 1).":
        lambda log_p, log_q: np.exp(log_p - log_q),
    "you computed q/p; the weight is target over proposal, log w = log_p - log_q.":
        lambda log_p, log_q: _normalise(np.exp(log_q - log_p)),
    "you normalised the log-weights; exponentiate first, then normalise.":
        lambda log_p, log_q: _normalise(log_p - log_q),
}


def check_importance_weights(learner: Callable, *,
                             time_limit: float = 10.0) -> Feedback:
    """Check ``learner(log_p, log_q)``: normalised importance weights (slide 51).

    Both arguments have shape (S,); the answer is :math:`\\bar w_s = w_s /
    \\sum_t w_t` with :math:`w_s = p(x_s) / q(x_s)`, shape (S,). Cases 2 and 3
    shift the log-densities by -1000 and +800, where exp under- or overflows.
    """
    x = np.random.default_rng(51).normal(0.0, 2.0, 6)
    log_p = -0.5 * (x - 1.0) ** 2 - 0.5 * np.log(2 * np.pi)
    log_q = -0.125 * x**2 - np.log(2.0) - 0.5 * np.log(2 * np.pi)
    cases = [(log_p, log_q), (log_p - 1000.0, log_q), (log_p, log_q - 800.0)]
    feedback = check_function(learner, _weights_reference, cases,
                              name="importance_weights", mistakes=_WEIGHT_MISTAKES,
                              time_limit=time_limit)
    if feedback.kind is Kind.NON_FINITE:
        feedback = dataclasses.replace(feedback, notes=(*feedback.notes, _LOG_SPACE))
    return feedback


def _weights_reference(log_p: np.ndarray, log_q: np.ndarray) -> np.ndarray:
    log_w = log_p - log_q
    return np.exp(log_w - logsumexp(log_w))


_ESS_MISTAKES: dict[str, Callable[..., object]] = {
    "you did not normalise: 1 / sum(w_bar**2) needs w_bar = w / w.sum().":
        lambda w: 1.0 / np.sum(w**2),
    "you return sum(w_bar**2), the reciprocal of the effective sample size.":
        lambda w: np.sum(_normalise(w) ** 2),
    "the numerator is (sum w)**2, the square of the sum, not sum w.":
        lambda w: np.sum(w) / np.sum(w**2),
}


def check_effective_sample_size(learner: Callable, *,
                                time_limit: float = 10.0) -> Feedback:
    """Check ``learner(w)``: :math:`(\\sum_s w_s)^2 / \\sum_s w_s^2` (slide 52).

    w has shape (S,), entries >= 0 of any scale; the answer is a number
    between 1 and S.
    """
    cases = [(np.array([3.0, 1.0, 2.0, 2.0]),), (np.array([0.5, 0.0, 0.0, 0.25]),),
             (np.array([10.0, 1.0, 1.0, 1.0, 1.0]),)]
    return check_function(learner, _ess_reference, cases, name="ess",
                          mistakes=_ESS_MISTAKES, time_limit=time_limit)


def _ess_reference(w: np.ndarray) -> float:
    return float(np.sum(w) ** 2 / np.sum(w**2))
