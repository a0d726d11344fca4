"""Monte Carlo estimation and sampling (slides 43-52): inverse-CDF, rejection and
importance sampling, and random-walk Metropolis-Hastings as the pointer to MCMC.

Samples are rows, (S,) or (S, D); densities are vectorised, (n,) or (n, D) to (n,).
With ``log=True`` they return log-densities (-inf for 0): a density like
:math:`e^{-1500}` (high dimension) underflows to 0.0, its logarithm does not.
Random functions take ``rng``: None, a seed ``int >= 0`` or a numpy Generator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from . import _validation as v
from .special import logsumexp

__all__ = [
    "ImportanceResult", "Proposals", "effective_sample_size", "importance_sampling",
    "inverse_cdf", "metropolis_hastings", "monte_carlo_estimate", "rejection_proposals",
    "rejection_sample", "sample_discrete",
]  # fmt: skip

MAX_DRAWS = 10**7  # samples, proposals or chain entries per call: memory and time
Density = Callable[[np.ndarray], object]
Sampler = Callable[[int, np.random.Generator], object]
Rng = np.random.Generator | int | None


def _show(x: object) -> str:
    return np.array2string(np.asarray(x), precision=4, threshold=6)


def _refuse(bad, values, func, name, expected, at=None) -> None:
    """Fail on the first entry where ``bad`` holds, naming it (and its sample)."""
    if np.any(bad):
        i = int(np.argmax(bad.ravel()))
        where = f" at {at[0]} = {_show(at[1][i])}" if at else ""
        v.fail(func, name, expected, f"{values.ravel()[i]:.6g}{where}")


def _callables(func: str, **functions: object) -> list[Callable]:
    return [v.as_callable(f, func, name) for name, f in functions.items()]


def _rows(f: Callable, args: tuple, n: int, func: str, name: str) -> np.ndarray:
    """``f(*args)``, checked to have one row per sample."""
    values = v.call(f, args, func, name)
    if values.ndim not in (1, 2) or values.shape[0] != n:
        expected = f"{n} rows, of shape ({n},) or ({n}, E)"
        got = f"shape {values.shape}"
        fix = "Vectorise it over the first axis."
        v.fail(func, f"the value of {name}", expected, got, fix)
    return values


def _log_density(density, z, log: bool, func: str, name: str) -> np.ndarray:
    """``log density(z)``, shape (n,), after checking what the function returned."""
    values = v.call(density, (z,), func, name, shape=(len(z),), finite=False)
    if log:
        bad, expected = values == np.inf, "a log-density (real or -inf)"
    else:
        bad, expected = ~np.isfinite(values) | (values < 0), "a density (finite, >= 0)"
    _refuse(bad | np.isnan(values), values, func, f"{name}(z)", expected, ("z", z))
    with np.errstate(divide="ignore"):
        return values if log else np.log(values)


def monte_carlo_estimate(f: Density, samples: object) -> tuple:
    """Estimate :math:`\\mathbb{E}_p[f(x)]` from samples of p (slide 44).

    ``samples``, shape (S,) or (S, D), are :math:`x^{(s)} \\sim p`, S >= 2, and
    ``f(samples)`` has shape (S,) or (S, E). Returns the estimate
    :math:`\\frac1S \\sum_s f(x^{(s)})` and its standard error
    :math:`\\hat\\sigma_f / \\sqrt S` (sample standard deviation, ddof=1).
    """
    func = "monte_carlo_estimate"
    x = v.as_array(samples, func, "samples", ndim=(1, 2))
    v.as_int(len(x), func, "the number of samples", minimum=2)
    values = _rows(v.as_callable(f, func, "f"), (x,), len(x), func, "f")
    estimate = values.mean(axis=0)
    std_error = values.std(axis=0, ddof=1) / np.sqrt(len(x))
    return tuple(e if e.ndim else float(e) for e in (estimate, std_error))


def inverse_cdf(p: object, u: object) -> int | np.ndarray:
    """The outcome k with :math:`F_{k-1} < u \\le F_k` (slide 45).

    ``p``, shape (K,), are the probabilities, :math:`F_k = p_0 + \\dots + p_k`;
    ``u`` (any shape) lies in [0, 1]. Returns ints of the shape of u, never out
    of range and never an outcome with :math:`p_k = 0`: in floating point
    :math:`F_{K-1}` may end below 1 (ten times 0.1 sums to 0.9999999999999999),
    so k is clipped to the outcomes of positive probability.

    >>> inverse_cdf([0.3, 0.2, 0.5], [0.1, 0.3, 0.31, 0.55, 1.0])
    array([0, 0, 1, 2, 2])
    """
    probs = v.as_probabilities(p, "inverse_cdf", "p")
    u = v.as_array(u, "inverse_cdf", "u")
    _refuse((u < 0) | (u > 1), u, "inverse_cdf", "u", "in [0, 1]")
    k = _inverse_cdf(probs, u)
    return int(k) if np.ndim(k) == 0 else k


def _inverse_cdf(p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The first k with F_k >= u, clipped to the outcomes of positive probability."""
    cdf = np.cumsum(p)
    k = np.searchsorted(cdf, u, side="left")
    positive = np.flatnonzero(p > 0)
    return np.clip(k, positive[0], positive[-1])


def sample_discrete(p: object, size: int, *, rng: Rng = None) -> np.ndarray:
    """``size`` draws, shape (size,), of the outcomes 0..K-1 with probabilities p.

    Each draw is :func:`inverse_cdf` of :math:`u \\sim U(0, 1]` (slide 45), a
    binary search: the algorithm of ``rng.choice(K, size, p=p)``.
    """
    func = "sample_discrete"
    probs = v.as_probabilities(p, func, "p")
    size = v.as_int(size, func, "size", minimum=0, maximum=MAX_DRAWS)
    u = 1.0 - v.as_rng(rng, func).random(size)  # U(0, 1], like the intervals (F, F']
    return _inverse_cdf(probs, u)


class Proposals(NamedTuple):
    """``z`` ~ q, (n,) or (n, D); ``u`` ~ U(0, k q(z)], (n,); ``u <= p_tilde(z)``."""

    z: np.ndarray
    u: np.ndarray
    accepted: np.ndarray


def _propose(p_tilde, q_sample, q, k, n, log, rng, func) -> Proposals:
    """Slide 48 for n proposals at once, compared in log space."""
    z = _rows(q_sample, (n, rng), n, func, "q_sample")  # z ~ q(z)
    log_p_tilde = _log_density(p_tilde, z, log, func, "p_tilde")
    log_kq = np.log(k) + _log_density(q, z, log, func, "q")
    _check_envelope(log_p_tilde, log_kq, k, z, func)
    log_u = log_kq + np.log1p(-rng.random(n))  # u ~ U(0, k q(z)]
    accepted = log_u <= log_p_tilde  # keep z where u <= p_tilde(z)
    return Proposals(z, np.exp(log_u), accepted)


def _check_envelope(log_p, log_kq, k: float, z, func: str) -> None:
    """Stop where k q(z) < p_tilde(z) at a proposal: the samples would be wrong."""
    bad = log_p > log_kq + 1e-9  # the tolerance allows rounding where they touch
    no_q, expected = bad & (log_kq == -np.inf), "> 0 wherever p_tilde(z) > 0"
    _refuse(no_q, np.exp(log_kq), func, "q(z)", expected, ("z", z))
    if np.any(bad):
        i = int(np.argmax(bad))
        got = f"log k q(z) = {log_kq[i]:.4g} < log p_tilde(z) = {log_p[i]:.4g}"
        got += f" at z = {_show(z[i])}"
        k_min = k * np.exp(log_p[i] - log_kq[i])
        fix = f"Use k >= {k_min:.4g} or a wider proposal."
        v.fail(func, "k", "so large that k q(z) >= p_tilde(z)", got, fix)


def rejection_proposals(
    p_tilde: Density,
    q_sample: Sampler,
    q: Density,
    k: float,
    n: int,
    *,
    log: bool = False,
    rng: Rng = None,
) -> Proposals:
    """Propose n points and accept or reject each as on slide 48, in one batch.

    ``p_tilde`` and ``q`` are vectorised densities (log-densities if ``log``),
    ``q_sample(n, rng)`` draws n samples of q, and :math:`k q \\ge \\tilde p`:
    ValueError where a proposal shows :math:`k q(z) < \\tilde p(z)`.
    ``accepted.mean()`` estimates the acceptance rate Z / k.
    """
    func = "rejection_proposals"
    fns = _callables(func, p_tilde=p_tilde, q_sample=q_sample, q=q)
    n = v.as_int(n, func, "n", minimum=0, maximum=MAX_DRAWS)
    k = v.as_scalar(k, func, "k", positive=True)
    return _propose(*fns, k, n, log, v.as_rng(rng, func), func)


def rejection_sample(
    p_tilde: Density,
    q_sample: Sampler,
    q: Density,
    k: float,
    size: int,
    *,
    log: bool = False,
    rng: Rng = None,
    max_proposals: int = 10**8,
) -> np.ndarray:
    """``size`` independent samples of :math:`p = \\tilde p / Z` (slides 47-49).

    Runs :func:`rejection_proposals` (same arguments) in batches sized by the
    acceptance rate seen so far and returns the first ``size`` accepted z,
    shape (size,) or (size, D); RuntimeError after ``max_proposals``.
    """
    func = "rejection_sample"
    fns = _callables(func, p_tilde=p_tilde, q_sample=q_sample, q=q)
    k = v.as_scalar(k, func, "k", positive=True)
    size = v.as_int(size, func, "size", minimum=0, maximum=MAX_DRAWS)
    max_proposals = v.as_int(max_proposals, func, "max_proposals", minimum=1)
    rng = v.as_rng(rng, func)
    kept, n_accepted, n_proposed = [], 0, 0
    while n_accepted < size:
        rate = max(n_accepted, 1) / max(n_proposed, 1)  # batches of 1000 to 10**6
        n = max(1.2 * (size - n_accepted) / rate, 1000)
        n = int(min(n, 10**6, max_proposals - n_proposed))
        if n <= 0:
            expected, got = f"enough for {size} samples", f"{n_accepted} accepted"
            fix = "Use a smaller k or a closer proposal."
            v.fail(func, "max_proposals", expected, got, fix, RuntimeError)
        batch = _propose(*fns, k, n, log, rng, func)
        kept.append(batch.z[batch.accepted])
        n_accepted += int(batch.accepted.sum())
        n_proposed += n
    return np.concatenate(kept)[:size] if kept else np.empty(0)


def effective_sample_size(weights: object, *, log: bool = False) -> float:
    """Kish's effective sample size :math:`1 / \\sum_s \\bar w_s^2` (slide 52).

    ``weights`` (S,): weights :math:`w_s \\ge 0` of any scale, not all 0, or their
    logs if ``log``. Returns :math:`(\\sum_s w_s)^2 / \\sum_s w_s^2`, with
    :math:`\\bar w_s = w_s / \\sum_t w_t`: S for equal weights, 1 for one.

    >>> print(effective_sample_size([3.0, 1.0]), effective_sample_size([1.0] * 4))
    1.6 4.0
    """
    func = "effective_sample_size"
    w = v.as_array(weights, func, "weights", ndim=1, nonempty=True, finite=not log)
    if log:
        _refuse(np.isnan(w) | (w == np.inf), w, func, "weights", "real or -inf")
    else:
        _refuse(w < 0, w, func, "weights", ">= 0")
    with np.errstate(divide="ignore"):
        log_w = w if log else np.log(w)
    if np.all(log_w == -np.inf):
        v.fail(func, "weights", "positive somewhere", "only zero weights")
    w_bar = np.exp(log_w - logsumexp(log_w))
    return float(1.0 / np.sum(w_bar**2))


class ImportanceResult(NamedTuple):
    """Estimate, standard error, normalised weights (S,), ESS, samples of q."""

    estimate: float | np.ndarray
    std_error: float | np.ndarray
    weights: np.ndarray
    ess: float
    samples: np.ndarray


def importance_sampling(
    f: Density,
    p: Density,
    q_sample: Sampler,
    q: Density,
    size: int,
    *,
    log: bool = False,
    self_normalised: bool = False,
    rng: Rng = None,
) -> ImportanceResult:
    """Estimate :math:`\\mathbb{E}_p[f(x)]` with samples of a proposal q (slides 51-52).

    ``f`` maps the samples to (S,) or (S, E); ``p`` is the target density (or an
    unnormalised :math:`\\tilde p` if ``self_normalised``) and ``q`` the proposal
    density, both vectorised (log-densities if ``log``); ``q_sample(n, rng)``
    draws n samples of q; ``size`` is S >= 2. The weights are formed in log space.

    Plain: :math:`\\hat\\mu = \\frac1S \\sum_s w_s f(x^{(s)})`, :math:`w_s = p/q`,
    unbiased, standard error :math:`\\operatorname{sd}(w f) / \\sqrt S`.
    Self-normalised: :math:`\\hat\\mu = \\sum_s \\bar w_s f(x^{(s)})`,
    :math:`\\bar w_s = w_s / \\sum_t w_t`, Z cancels; biased but consistent,
    standard error :math:`(\\sum_s \\bar w_s^2 (f(x^{(s)}) - \\hat\\mu)^2)^{1/2}`.
    """
    func = "importance_sampling"
    f, p, q_sample, q = _callables(func, f=f, p=p, q_sample=q_sample, q=q)
    size = v.as_int(size, func, "size", minimum=2, maximum=MAX_DRAWS)
    x = _rows(q_sample, (size, v.as_rng(rng, func)), size, func, "q_sample")  # x_s ~ q
    log_p = _log_density(p, x, log, func, "p")
    log_q = _log_density(q, x, log, func, "q")
    outside = (log_q == -np.inf) & (log_p > -np.inf)
    _refuse(outside, np.exp(log_q), func, "q(x)", "> 0 wherever p(x) > 0", ("x", x))
    if np.all(log_p == -np.inf):
        fix = "Move the proposal onto the target."
        v.fail(func, "p", "positive at some samples", f"p(x) = 0 at all {size}", fix)
    with np.errstate(invalid="ignore"):  # -inf - (-inf) where p = q = 0: w_s = 0
        log_w = np.where(log_p == -np.inf, -np.inf, log_p - log_q)  # log w_s
    fx = _rows(f, (x,), size, func, "f")
    log_sum_w = logsumexp(log_w)
    w_bar = np.exp(log_w - log_sum_w).reshape(-1, *[1] * (fx.ndim - 1))
    if self_normalised:  # sum_s w_bar_s f_s: Z cancels
        estimate = np.sum(w_bar * fx, axis=0)
        std_error = np.sqrt(np.sum(w_bar**2 * (fx - estimate) ** 2, axis=0))
    else:  # (1/S) sum_s w_s f_s, with w_s = mean(w) * S * w_bar_s
        mean_w = np.exp(log_sum_w - np.log(size))
        terms = size * w_bar * fx
        estimate = mean_w * terms.mean(axis=0)
        std_error = mean_w * terms.std(axis=0, ddof=1) / np.sqrt(size)
    w_bar = w_bar.ravel()
    estimate, std_error = (e if e.ndim else float(e) for e in (estimate, std_error))
    return ImportanceResult(estimate, std_error, w_bar, float(1 / np.sum(w_bar**2)), x)


def metropolis_hastings(
    log_p_tilde: Callable[[object], object],
    x0: object,
    n_samples: int,
    *,
    step_size: float,
    burn_in: int = 0,
    thin: int = 1,
    rng: Rng = None,
) -> tuple:
    """Random-walk Metropolis-Hastings for an unnormalised log-density (slide 52).

    ``log_p_tilde(x)`` returns :math:`\\log \\tilde p(x)` (a number or -inf) for
    one state x, a float or shape (D,) like ``x0``, where it must be finite. A
    step proposes :math:`x' = x + \\sigma\\varepsilon`, :math:`\\varepsilon \\sim
    N(0, I)`, :math:`\\sigma` = ``step_size``, and moves there with probability
    :math:`\\min\\{1, \\tilde p(x') / \\tilde p(x)\\}`, else stays: Z cancels.
    Returns the kept states, (n_samples,) or (n_samples, D), and the fraction of
    accepted moves. The chain runs ``burn_in + n_samples * thin`` steps and keeps
    the state after step t = burn_in + j thin, j = 1..n_samples: the last of each
    block of ``thin`` steps after the burn-in, never x0.
    """
    func = "metropolis_hastings"
    log_p_tilde = v.as_callable(log_p_tilde, func, "log_p_tilde")
    x = v.as_array(x0, func, "x0", ndim=(0, 1), nonempty=True)
    n_samples = v.as_int(n_samples, func, "n_samples", minimum=0)
    step_size = v.as_scalar(step_size, func, "step_size", positive=True)
    burn_in = v.as_int(burn_in, func, "burn_in", minimum=0)
    thin = v.as_int(thin, func, "thin", minimum=1)
    n_steps = burn_in + n_samples * thin
    v.as_int(n_steps * x.size, func, "steps * dimension", maximum=MAX_DRAWS)
    rng = v.as_rng(rng, func)

    def log_target(state: np.ndarray) -> float:
        value = v.call(
            log_p_tilde, (state,), func, "log_p_tilde", shape=(), finite=False
        )
        if np.isnan(value) or value == np.inf:  # a plain check: one call per step
            got = f"{value} at x = {_show(state)}"
            v.fail(func, "the value of log_p_tilde(x)", "a real number or -inf", got)
        return float(value)

    log_px = log_target(x)
    if log_px == -np.inf:
        fix = "Start the chain inside the support of the target."
        v.fail(func, "x0", "a state with log_p_tilde(x0) > -inf", "-inf", fix)
    noise = step_size * rng.standard_normal((n_steps, *x.shape))
    log_u = np.log1p(-rng.random(n_steps))  # log of u ~ U(0, 1]
    chain = np.empty((n_steps + 1, *x.shape))
    chain[0] = x
    n_accepted = 0
    for t in range(n_steps):
        proposal = x + noise[t]
        log_pp = log_target(proposal)
        if log_u[t] <= log_pp - log_px:  # accept with probability min(1, ratio)
            x, log_px = proposal, log_pp
            n_accepted += 1
        chain[t + 1] = x
    return chain[burn_in + thin :: thin], n_accepted / max(n_steps, 1)
