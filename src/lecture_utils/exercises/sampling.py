"""Checkers for the exercises of the sampling chapter (slides 43-52).

Three code exercises:

* :func:`check_inverse_cdf` -- ``inverse_cdf(p, u)``: the outcome k with
  :math:`F_{k-1} < u \\le F_k` (slide 45), never out of range;
* :func:`check_importance_weights` -- ``importance_weights(log_p, log_q)``: the
  normalised weights :math:`\\bar w_s \\propto p(x_s)/q(x_s)` from log-densities
  (slide 51), without underflow or overflow;
* :func:`check_effective_sample_size` -- ``ess(w)`` for unnormalised weights.

Examples
--------
>>> import numpy as np
>>> def importance_weights(log_p, log_q):
...     w = np.exp(log_p - log_q)
...     return w / w.sum()
>>> print(check_importance_weights(importance_weights))  # doctest: +ELLIPSIS
Not yet: importance_weights, case 2 of 3: your result has non-finite entries ...
>>> print(check_inverse_cdf(lambda p, u: np.searchsorted(np.cumsum(p), u)))  # doctest: +ELLIPSIS
Not yet: <lambda> returned outcome 10 for u = 1.0 with K = 10 outcomes ...
>>> from lecture_utils.sampling import inverse_cdf
>>> print(check_inverse_cdf(inverse_cdf))
Correct: inverse_cdf gives the reference result on all 3 test cases.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..sampling import inverse_cdf
from ..special import logsumexp
from . import Feedback, check_function

__all__ = [
    "check_effective_sample_size",
    "check_importance_weights",
    "check_inverse_cdf",
    "ess_reference",
    "importance_weights_reference",
    "inverse_cdf_reference",
]


def _name(function: Callable, default: str) -> str:
    return getattr(function, "__name__", default)


# --------------------------------------------------------------------------------------------
# Inverse-CDF sampling (slide 45)
# --------------------------------------------------------------------------------------------


def inverse_cdf_reference(p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Reference solution: outcome indices k with :math:`F_{k-1} < u \\le F_k`.

    Parameters
    ----------
    p : numpy.ndarray, shape (K,)
    u : numpy.ndarray, shape (N,)

    Returns
    -------
    numpy.ndarray of int, shape (N,)
    """
    return np.asarray(inverse_cdf(p, u))


def _inverse_cdf_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    return [
        # slide 45, with the boundaries F = 0.3 and F = 0.5 included
        (np.array([0.3, 0.2, 0.5]), np.array([0.1, 0.55, 0.3, 0.5, 0.31, 0.95])),
        # a zero-probability outcome in the middle
        (np.array([0.25, 0.0, 0.75]), np.array([0.2, 0.25, 0.26, 0.99])),
        # ten times 0.1: the float cumsum ends at 0.9999999999999999 < 1
        (np.full(10, 0.1), np.array([0.05, 0.35, 0.95, 1.0])),
    ]


def _cdf_mistakes() -> dict[str, Callable[..., object]]:
    def clipped(k: np.ndarray, p: np.ndarray) -> np.ndarray:
        return np.clip(k, 0, p.size - 1)

    return {
        "you return 1-based outcome numbers; NumPy indices start at 0 (the third outcome "
        "is index 2)": lambda p, u: inverse_cdf(p, u) + 1,
        "you return the cumulative probability F_k of the outcome instead of its index k":
            lambda p, u: np.cumsum(p)[inverse_cdf(p, u)],
        "a u exactly on a boundary F_k belongs to the interval (F_(k-1), F_k] of outcome k "
        "(slide 45: u = 0.5 gives b); take the first k with F_k >= u, i.e. "
        "np.searchsorted(cdf, u, side='left')":
            lambda p, u: clipped(np.searchsorted(np.cumsum(p), u, side="right"), p),
        "you count the outcomes with F_k < u but look up the wrong interval: use the first "
        "k with F_k >= u": lambda p, u: clipped(np.searchsorted(np.cumsum(p), u) - 1, p),
    }


def check_inverse_cdf(learner: Callable[..., object]) -> Feedback:
    """Check a learner's ``inverse_cdf(p, u)`` (slide 45).

    Parameters
    ----------
    learner : callable
        ``learner(p, u)`` with p of shape (K,) and u of shape (N,) in ``[0, 1]``,
        returning the outcome indices, shape (N,).

    Returns
    -------
    Feedback
        Names the mistake: an index out of range (the cumulative sum of p
        ends just below 1 in floating point), 1-based indices, returning
        :math:`F_k` instead of k, the wrong side of the interval boundaries.
    """
    name = _name(learner, "inverse_cdf")
    for p, u in _inverse_cdf_cases():
        try:
            got = np.asarray(learner(p.copy(), u.copy()))
        except Exception:  # reported by check_function below
            break
        if got.shape != u.shape or not np.issubdtype(got.dtype, np.number):
            break
        bad = (got < 0) | (got >= p.size)
        # only when the out-of-range entries are the only wrong ones (else a more general
        # mistake, such as 1-based indices, is diagnosed by check_function below)
        if np.any(bad) and np.array_equal(got[~bad], inverse_cdf_reference(p, u)[~bad]):
            i = int(np.flatnonzero(bad)[0])
            return Feedback(False, [
                f"{name} returned outcome {got[i]} for u = {u[i]} with K = {p.size} outcomes "
                f"(valid indices 0..{p.size - 1}). In floating point np.cumsum(p)[-1] can be "
                f"slightly below 1 (here {float(np.cumsum(p)[-1])!r}), so no F_k >= u exists; clip "
                f"the index to K - 1 (np.minimum) or set cdf[-1] = 1."
            ])
    return check_function(learner, inverse_cdf_reference, _inverse_cdf_cases(), name=name,
                          mistakes=_cdf_mistakes())


# --------------------------------------------------------------------------------------------
# Importance weights (slide 51)
# --------------------------------------------------------------------------------------------


def importance_weights_reference(log_p: np.ndarray, log_q: np.ndarray) -> np.ndarray:
    """Reference solution: normalised importance weights from log-densities.

    Parameters
    ----------
    log_p, log_q : numpy.ndarray, shape (S,)
        Log target and log proposal densities at the samples.

    Returns
    -------
    numpy.ndarray, shape (S,)
        :math:`\\bar w_s = \\exp(\\log w_s - \\operatorname{logsumexp}(\\log w))`
        with :math:`\\log w_s = \\log p_s - \\log q_s`; they sum to one.
    """
    log_w = np.asarray(log_p, dtype=float) - np.asarray(log_q, dtype=float)
    return np.exp(log_w - logsumexp(log_w))


def _weights_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(51)
    x = rng.normal(0.0, 2.0, 6)
    log_p = -0.5 * (x - 1.0) ** 2 - 0.5 * np.log(2 * np.pi)
    log_q = -0.125 * x**2 - np.log(2.0) - 0.5 * np.log(2 * np.pi)
    return [
        (log_p, log_q),  # ordinary densities
        (log_p - 1000.0, log_q),  # p underflows: exp(-1000) == 0.0
        (log_p, log_q - 800.0),  # p / q overflows: exp(800) == inf
    ]


def _weights_mistakes() -> dict[str, Callable[..., object]]:
    def normalise(w: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return w / np.sum(w)

    return {
        "the weights are not normalised: divide by their sum (or subtract logsumexp of the "
        "log-weights)": lambda lp, lq: np.exp(lp - lq),
        "you computed q/p instead of p/q: the weight is target over proposal, "
        "log w = log p - log q": lambda lp, lq: normalise(np.exp(lq - lp)),
        "you normalised the log-weights instead of the weights: exponentiate first "
        "(w = exp(log w - logsumexp(log w)))": lambda lp, lq: normalise(lp - lq),
    }


def check_importance_weights(learner: Callable[..., object]) -> Feedback:
    """Check a learner's ``importance_weights(log_p, log_q)`` (slide 51).

    Parameters
    ----------
    learner : callable
        ``learner(log_p, log_q)`` with two arrays of shape (S,), returning the
        normalised weights, shape (S,).

    Returns
    -------
    Feedback
        Names the mistake: weights not normalised, q/p instead of p/q, and
        (on the cases with log-densities near -1000 or a ratio near e^800)
        exponentiating before normalising, which gives 0/0 or inf/inf.
    """
    name = _name(learner, "importance_weights")
    with np.errstate(all="ignore"):  # the learner's naive exp may under/overflow
        feedback = check_function(learner, importance_weights_reference, _weights_cases(),
                                  name=name, mistakes=_weights_mistakes())
    if not feedback and "non-finite" in feedback.messages[0]:
        feedback.messages.append(
            "Densities in many dimensions are tiny: exp(-1000) is 0.0 and exp(800) is inf in "
            "floating point. Stay in log space: log w = log_p - log_q, then "
            "w = exp(log w - logsumexp(log w)) (subtracting the maximum makes the largest "
            "exponent 0)."
        )
    return feedback


# --------------------------------------------------------------------------------------------
# Effective sample size (slide 52)
# --------------------------------------------------------------------------------------------


def ess_reference(w: np.ndarray) -> float:
    """Reference solution: :math:`(\\sum_s w_s)^2 / \\sum_s w_s^2` for unnormalised weights.

    Parameters
    ----------
    w : numpy.ndarray, shape (S,)

    Returns
    -------
    float
    """
    w = np.asarray(w, dtype=float)
    return float(w.sum() ** 2 / np.sum(w**2))


def _ess_cases() -> list[tuple[np.ndarray]]:
    return [
        (np.array([3.0, 1.0, 2.0, 2.0]),),
        (np.array([0.5, 0.0, 0.0, 0.25]),),
        (np.array([10.0, 1.0, 1.0, 1.0, 1.0]),),
    ]


def check_effective_sample_size(learner: Callable[..., object]) -> Feedback:
    """Check a learner's ``ess(w)`` for unnormalised importance weights.

    Parameters
    ----------
    learner : callable
        ``learner(w)`` with w of shape (S,) (non-negative, any scale),
        returning a float between 1 and S.

    Returns
    -------
    Feedback
        Names the mistake: forgetting to normalise the weights, returning
        :math:`\\sum \\bar w^2` (the reciprocal), or using :math:`\\sum w`
        instead of its square.
    """
    mistakes = {
        "you did not normalise the weights: 1 / sum(w**2) needs w / w.sum(), or use "
        "(sum w)**2 / sum(w**2)": lambda w: float(1.0 / np.sum(w**2)),
        "you return sum(wbar**2), the reciprocal of the effective sample size":
            lambda w: float(np.sum((w / w.sum()) ** 2)),
        "the numerator is (sum w)**2, not sum w": lambda w: float(w.sum() / np.sum(w**2)),
    }
    return check_function(learner, ess_reference, _ess_cases(), name=_name(learner, "ess"),
                          mistakes=mistakes)
