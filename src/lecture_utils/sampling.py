"""Monte Carlo estimation and sampling (slides 43-52).

Monte Carlo methods use random numbers for two problems (slide 43):

1. generate samples :math:`x^{(s)}` from a distribution :math:`p(x)`;
2. compute expectations :math:`\\mathbb{E}_p[f(x)] = \\int f(x) p(x)\\,dx`.

Problem 2 is easy once problem 1 is solved: average over the samples
(:func:`monte_carlo_estimate`, slide 44). This module solves problem 1 for

* discrete distributions: inverse-CDF sampling (:func:`inverse_cdf`,
  :func:`sample_discrete`, slide 45) and Walker's alias method
  (:class:`AliasSampler`, O(1) per draw for many categories);
* continuous distributions known up to a constant, :math:`\\tilde p = Z p`:
  rejection sampling (:func:`rejection_sample`, slides 47-50) and importance
  sampling (:func:`importance_sampling`, :func:`effective_sample_size`,
  slides 51-52);
* and, as the pointer to Markov chain Monte Carlo at the end of slide 52,
  random-walk Metropolis-Hastings (:func:`metropolis_hastings`).

Every stochastic function takes ``rng`` (a seed or a
:class:`numpy.random.Generator`).

Examples
--------
>>> import numpy as np
>>> from lecture_utils.sampling import inverse_cdf
>>> int(inverse_cdf([0.3, 0.2, 0.5], 0.55))   # slide 45: u = 0.55 gives the third outcome
2
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .special import logsumexp
from .validation import (
    as_float_array,
    check_int,
    check_positive,
    check_probabilities,
)

__all__ = [
    "AliasSampler",
    "ImportanceResult",
    "MetropolisResult",
    "MonteCarloResult",
    "RejectionResult",
    "effective_sample_size",
    "importance_sampling",
    "inverse_cdf",
    "metropolis_hastings",
    "monte_carlo_estimate",
    "rejection_sample",
    "sample_discrete",
]

_SizeLike = int | tuple[int, ...]


def _check_size(size: object, *, func: str) -> tuple[int, ...]:
    """Validate an output size (int or tuple of ints, all >= 0) and return it as a tuple."""
    if isinstance(size, tuple):
        return tuple(check_int(s, func=func, name="size", minimum=0) for s in size)
    return (check_int(size, func=func, name="size", minimum=0),)


# --------------------------------------------------------------------------------------------
# Monte Carlo estimation (slide 44)
# --------------------------------------------------------------------------------------------


class MonteCarloResult(NamedTuple):
    """A Monte Carlo estimate with its standard error.

    Attributes
    ----------
    estimate : float or numpy.ndarray, shape (E,)
        The sample mean :math:`\\frac1S\\sum_s f(x^{(s)})`.
    std_error : float or numpy.ndarray, shape (E,)
        Its estimated standard error :math:`\\hat\\sigma_f / \\sqrt S`.
    n_samples : int
        The number of samples S.
    """

    estimate: float | np.ndarray
    std_error: float | np.ndarray
    n_samples: int


def monte_carlo_estimate(
    f: Callable[[np.ndarray], object] | None, samples: object
) -> MonteCarloResult:
    """Estimate :math:`\\mathbb{E}_p[f(x)]` from samples of p, with its standard error.

    Parameters
    ----------
    f : callable or None
        Vectorised function: ``f(samples)`` returns shape ``(S,)`` (scalar f) or
        ``(S, E)`` (vector-valued f). ``None`` means the samples already are the
        values :math:`f(x^{(s)})`.
    samples : array_like, shape (S,) or (S, D)
        Samples :math:`x^{(s)} \\sim p`, one per row; ``S >= 2``.

    Returns
    -------
    MonteCarloResult
        ``estimate`` (float or shape ``(E,)``), ``std_error`` (same shape) and
        ``n_samples``.

    Raises
    ------
    ValueError
        If fewer than two samples are given, or ``f`` returns the wrong number
        of rows or non-finite values.

    Notes
    -----
    Slide 44: :math:`\\mathbb{E}[f(x)] \\approx \\hat\\mu_S = \\frac1S \\sum_{s=1}^S
    f(x^{(s)})`. The estimator is unbiased with variance :math:`\\mathbb{V}[f]/S`,
    so its standard error :math:`\\hat\\sigma_f/\\sqrt S` (with the sample standard
    deviation, ``ddof=1``) shrinks like :math:`1/\\sqrt S` whatever the dimension
    of x.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal(10_000)
    >>> res = monte_carlo_estimate(lambda x: x**2, x)   # E[x^2] = 1
    >>> print(f"{res.estimate:.2f} +- {res.std_error:.3f}")
    1.00 +- 0.014
    """
    func = "monte_carlo_estimate"
    x = as_float_array(samples, func=func, name="samples", ndim=(1, 2))
    n = x.shape[0]
    if n < 2:
        raise ValueError(
            f"{func}: samples must hold at least 2 samples to estimate a standard error, "
            f"got {n} (shape {x.shape})"
        )
    if f is None:
        values = x
    else:
        if not callable(f):
            raise TypeError(f"{func}: f must be callable or None, got {type(f).__name__}")
        values = as_float_array(f(x), func=func, name="f(samples)", ndim=(1, 2))
        if values.shape[0] != n:
            raise ValueError(
                f"{func}: f(samples) must have one row per sample ({n}), got shape "
                f"{values.shape}; make f vectorised over the first axis"
            )
    estimate = values.mean(axis=0)
    std_error = values.std(axis=0, ddof=1) / np.sqrt(n)
    if values.ndim == 1:
        return MonteCarloResult(float(estimate), float(std_error), n)
    return MonteCarloResult(estimate, std_error, n)


# --------------------------------------------------------------------------------------------
# Discrete sampling (slide 45)
# --------------------------------------------------------------------------------------------


def inverse_cdf(p: object, u: object) -> np.ndarray | int:
    """Map uniform numbers to outcomes by inverting the cumulative distribution.

    Parameters
    ----------
    p : array_like, shape (K,)
        Probabilities of the outcomes ``0, ..., K-1`` (non-negative, sum 1 up to
        floating-point rounding).
    u : float or array_like, any shape
        Numbers in ``[0, 1]``.

    Returns
    -------
    int or numpy.ndarray of int, same shape as u
        The outcome k with :math:`F_{k-1} < u \\le F_k`, where
        :math:`F_k = p_0 + \\dots + p_k` and :math:`F_{-1} = 0`.

    Raises
    ------
    ValueError
        If p is negative, non-finite, sums to zero or does not sum to one, or
        if some u lies outside ``[0, 1]``.

    Notes
    -----
    Slide 45: cut ``[0, 1]`` into consecutive intervals of lengths
    :math:`p_0, p_1, \\dots`; a uniform u falls into interval k with probability
    :math:`p_k`. With p = (0.3, 0.2, 0.5) the intervals are [0, 0.3], (0.3, 0.5]
    and (0.5, 1], so u = 0.55 gives the third outcome (index 2).

    Computed in floating point, :math:`F_{K-1}` may differ from 1 by a rounding
    error, so a u close to 1 could fall past the last interval; and u = 0 would
    land on an outcome of probability zero at the start. Both ends are therefore
    clamped to the first and last outcome of positive probability: the result
    is never out of range and never an outcome with :math:`p_k = 0`.

    Examples
    --------
    >>> inverse_cdf([0.3, 0.2, 0.5], [0.1, 0.3, 0.31, 0.55, 1.0])
    array([0, 0, 1, 2, 2])
    >>> int(inverse_cdf([0.1] * 10, 1.0))   # the sum of ten 0.1 is 0.9999999999999999
    9
    """
    func = "inverse_cdf"
    probs = check_probabilities(p, func=func, name="p")
    uu = as_float_array(u, func=func, name="u")
    outside = np.flatnonzero((uu < 0) | (uu > 1))
    if outside.size:
        value = uu.ravel()[outside[0]]
        raise ValueError(f"{func}: u must lie in [0, 1], got {value} (shape {uu.shape})")
    return _inverse_cdf(probs, uu)


def _inverse_cdf(probs: np.ndarray, u: np.ndarray) -> np.ndarray | int:
    """Unchecked core of :func:`inverse_cdf` (``probs`` already validated)."""
    cdf = np.cumsum(probs)
    positive = np.flatnonzero(probs > 0)
    k = np.searchsorted(cdf, u, side="left")
    k = np.clip(k, positive[0], positive[-1])
    return int(k) if np.ndim(k) == 0 else k.astype(np.intp)


def sample_discrete(
    p: object, size: _SizeLike = 1, *, rng: np.random.Generator | int | None = None
) -> np.ndarray:
    """Draw outcomes ``0, ..., K-1`` with probabilities p by inverse-CDF sampling.

    Parameters
    ----------
    p : array_like, shape (K,)
        Probabilities (non-negative, finite, summing to one up to rounding).
    size : int or tuple of int, default 1
        Output shape; every entry ``>= 0``.
    rng : numpy.random.Generator, int or None
        Random generator or seed.

    Returns
    -------
    numpy.ndarray of int, shape size
        Independent draws.

    Raises
    ------
    ValueError
        For negative, non-finite or zero-sum probabilities, or a negative size.

    Notes
    -----
    Draw :math:`u \\sim U(0, 1]` and return :func:`inverse_cdf` ``(p, u)``. The
    cost is :math:`O(K)` once plus :math:`O(\\log K)` per draw (binary search);
    for many categories and many draws :class:`AliasSampler` is O(1) per draw.

    Examples
    --------
    >>> x = sample_discrete([0.3, 0.2, 0.5], 100_000, rng=0)
    >>> np.bincount(x) / x.size
    array([0.3, 0.2, 0.5])
    """
    func = "sample_discrete"
    probs = check_probabilities(p, func=func, name="p")
    shape = _check_size(size, func=func)
    rng = np.random.default_rng(rng)
    u = 1.0 - rng.random(shape)  # in (0, 1], matching the intervals (F_{k-1}, F_k]
    return np.asarray(_inverse_cdf(probs, u), dtype=np.intp).reshape(shape)


class AliasSampler:
    """Walker's alias method: O(1) draws from a discrete distribution.

    Parameters
    ----------
    p : array_like, shape (K,)
        Probabilities (non-negative, finite, summing to one up to rounding).

    Attributes
    ----------
    prob : numpy.ndarray, shape (K,)
        Probability of keeping column k (else its alias is returned).
    alias : numpy.ndarray of int, shape (K,)
        The alias of each column.
    n_categories : int
        K.

    Notes
    -----
    Scale the probabilities by K, so that the average height is one. Vose's
    construction repeatedly pairs a column below height one ("small") with one
    above ("large"): the small column is topped up with mass from the large one,
    which becomes its alias. After K - 1 steps every column has height one and
    holds at most two outcomes. A draw picks a column uniformly (one uniform
    number) and keeps it with probability ``prob[k]``, else returns
    ``alias[k]``: two array lookups per draw, whatever K, after an :math:`O(K)`
    construction. Outcome j is returned with probability
    :math:`\\frac1K\\bigl(\\text{prob}_j + \\sum_{k: \\text{alias}_k = j}
    (1 - \\text{prob}_k)\\bigr) = p_j`, which :meth:`probabilities` recomputes.

    Examples
    --------
    >>> sampler = AliasSampler([0.3, 0.2, 0.5])
    >>> sampler.probabilities()
    array([0.3, 0.2, 0.5])
    >>> x = sampler.sample(100_000, rng=0)
    >>> np.bincount(x, minlength=3) / x.size
    array([0.3, 0.2, 0.5])
    """

    def __init__(self, p: object) -> None:
        probs = check_probabilities(p, func="AliasSampler", name="p")
        k = probs.size
        scaled = (probs * k).tolist()
        prob = [1.0] * k
        alias = list(range(k))
        small = [i for i, q in enumerate(scaled) if q < 1.0]
        large = [i for i, q in enumerate(scaled) if q >= 1.0]
        while small and large:
            s = small.pop()
            g = large[-1]
            prob[s] = scaled[s]
            alias[s] = g
            scaled[g] = (scaled[g] + scaled[s]) - 1.0
            if scaled[g] < 1.0:
                small.append(large.pop())
        # Leftovers have height one up to rounding: keep them with probability one.
        self.prob = np.array(prob)
        self.alias = np.array(alias, dtype=np.intp)
        self.n_categories = k
        self._pairs = np.column_stack([np.arange(k), self.alias]).ravel()

    def probabilities(self) -> np.ndarray:
        """Return the distribution the table encodes (equal to p up to rounding).

        Returns
        -------
        numpy.ndarray, shape (K,)
        """
        k = self.n_categories
        out = self.prob.copy()
        np.add.at(out, self.alias, 1.0 - self.prob)
        return out / k

    def sample(
        self, size: _SizeLike = 1, *, rng: np.random.Generator | int | None = None
    ) -> np.ndarray:
        """Draw outcomes in O(1) time each.

        Parameters
        ----------
        size : int or tuple of int, default 1
            Output shape.
        rng : numpy.random.Generator, int or None
            Random generator or seed.

        Returns
        -------
        numpy.ndarray of int, shape size
        """
        shape = _check_size(size, func="AliasSampler.sample")
        rng = np.random.default_rng(rng)
        # One uniform per draw: its integer part picks the column, its fraction the coin.
        v = rng.random(shape)
        v *= self.n_categories
        column = v.astype(np.intp)
        np.minimum(column, self.n_categories - 1, out=column)  # v rounded up to K
        v -= column
        # Branch-free: entry 2k of the pair table is k, entry 2k + 1 its alias.
        index = 2 * column
        index += v >= self.prob.take(column)
        return self._pairs.take(index)

    def __repr__(self) -> str:
        return f"AliasSampler(n_categories={self.n_categories})"


# --------------------------------------------------------------------------------------------
# Rejection sampling (slides 46-50)
# --------------------------------------------------------------------------------------------


class RejectionResult(NamedTuple):
    """Output of :func:`rejection_sample`.

    Attributes
    ----------
    samples : numpy.ndarray, shape (N,) or (N, D)
        The accepted samples, distributed as :math:`p = \\tilde p / Z`.
    acceptance_rate : float
        Accepted / proposed over all proposals made (estimates :math:`Z/k`).
    n_proposed : int
        The number of proposals drawn.
    proposals, heights, accepted : numpy.ndarray or None
        With ``return_proposals=True``: every proposal z, its height
        :math:`u \\sim U[0, k q(z)]` and whether it was accepted (for the
        slide-48 figure); otherwise None.
    """

    samples: np.ndarray
    acceptance_rate: float
    n_proposed: int
    proposals: np.ndarray | None = None
    heights: np.ndarray | None = None
    accepted: np.ndarray | None = None


def _evaluate(
    fn: Callable[[np.ndarray], object], z: np.ndarray, *, func: str, name: str, log: bool
) -> np.ndarray:
    """Evaluate a (log-)density on a batch and check shape and values."""
    n = z.shape[0]
    with np.errstate(divide="ignore"):
        values = np.asarray(fn(z), dtype=float)
    if values.shape != (n,):
        raise ValueError(
            f"{func}: {name}(z) must return one value per proposal, shape ({n},), got shape "
            f"{values.shape}; make it vectorised over the first axis of z"
        )
    if log:
        bad = np.flatnonzero(np.isnan(values) | (values == np.inf))
    else:
        bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if bad.size:
        i = int(bad[0])
        kind = "a log-density (finite or -inf)" if log else "a density (finite, >= 0)"
        raise ValueError(f"{func}: {name} must be {kind}, but {name}(z) = {values[i]} at "
                         f"z = {z[i]}")
    return values


def _draw(sampler: Callable, n: int, rng: np.random.Generator, *, func: str) -> np.ndarray:
    """Draw n proposals and check they come as n rows."""
    z = as_float_array(sampler(n, rng), func=func, name="proposal_sample(n, rng)", ndim=(1, 2))
    if z.shape[0] != n:
        raise ValueError(
            f"{func}: proposal_sample(n, rng) must return n = {n} samples (rows), got shape "
            f"{z.shape}"
        )
    return z


def rejection_sample(
    p_tilde: Callable[[np.ndarray], object],
    proposal_sample: Callable[[int, np.random.Generator], object],
    proposal_pdf: Callable[[np.ndarray], object],
    k: float,
    size: int | None = None,
    *,
    n_proposals: int | None = None,
    log_densities: bool = False,
    rng: np.random.Generator | int | None = None,
    batch_size: int | None = None,
    max_proposals: int = 10**8,
    return_proposals: bool = False,
) -> RejectionResult:
    """Rejection sampling from an unnormalised density :math:`\\tilde p` (slides 47-49).

    Parameters
    ----------
    p_tilde : callable
        Vectorised unnormalised target: ``p_tilde(z)`` for z of shape ``(n,)``
        (or ``(n, D)``) returns shape ``(n,)``, values ``>= 0``.
    proposal_sample : callable
        ``proposal_sample(n, rng)`` returns n proposals, shape ``(n,)`` or ``(n, D)``.
    proposal_pdf : callable
        Vectorised proposal density q, shape ``(n,)``.
    k : float
        Envelope constant, ``k > 0``, with :math:`k q(z) \\ge \\tilde p(z)` for all z.
    size : int, optional
        Number of accepted samples wanted (proposals are drawn until there are
        enough).
    n_proposals : int, optional
        Instead of ``size``: a fixed budget of proposals; return whatever is
        accepted (used to measure tiny acceptance rates). Give exactly one of
        ``size`` and ``n_proposals``.
    log_densities : bool, default False
        ``p_tilde`` and ``proposal_pdf`` return log-densities (use in high
        dimension, where densities underflow); ``k`` is still given as k.
    rng : numpy.random.Generator, int or None
        Random generator or seed.
    batch_size : int, optional
        Proposals per batch. Default: ``size`` divided by the acceptance rate
        seen so far (at least 1000, at most 10**6).
    max_proposals : int, default 10**8
        Give up (``RuntimeError``) after this many proposals.
    return_proposals : bool, default False
        Also return every proposal, its height u and the accept mask.

    Returns
    -------
    RejectionResult
        ``samples``, ``acceptance_rate``, ``n_proposed`` (and the proposals when
        asked).

    Raises
    ------
    ValueError
        For ``k <= 0``, a negative size, both or neither of ``size`` and
        ``n_proposals``, densities of the wrong shape, negative or non-finite
        densities, a proposal density of zero where the target is positive, or a
        violated bound :math:`k q(z) < \\tilde p(z)` at a proposed z (the
        message names z and both values).
    RuntimeError
        If ``max_proposals`` proposals do not give ``size`` samples.

    Notes
    -----
    Slide 48 (after Bishop 2006): draw :math:`z_0 \\sim q`, then
    :math:`u_0 \\sim U[0, k q(z_0)]`; reject if :math:`u_0 > \\tilde p(z_0)`.
    The pairs :math:`(z_0, u_0)` are uniform under the envelope :math:`k q`;
    the accepted ones are uniform under :math:`\\tilde p`, so accepted z have
    density p (slide 49). The acceptance probability is
    :math:`\\int \\tilde p\\,dz / k = Z/k`, so k should be as small as the bound
    allows.

    Proposals are drawn in vectorised batches. A violated bound cannot be
    detected everywhere, only where proposals land; it is checked on every
    proposal (with a relative tolerance of 1e-9 for rounding at the points
    where the envelope touches the target).

    Examples
    --------
    Standard normal target (unnormalised), Cauchy proposal; the smallest valid
    k is :math:`\\max_z \\tilde p(z)/q(z) = 2\\pi/\\sqrt e` (at :math:`z = \\pm 1`), so the
    acceptance rate is :math:`\\sqrt{2\\pi}/k = \\sqrt{e/(2\\pi)} \\approx 0.658`:

    >>> import numpy as np
    >>> from scipy import stats
    >>> k = 2 * np.pi / np.sqrt(np.e)
    >>> res = rejection_sample(lambda z: np.exp(-z**2 / 2),
    ...                        lambda n, rng: rng.standard_cauchy(n),
    ...                        stats.cauchy.pdf, k, size=20_000, rng=0)
    >>> res.samples.shape, round(res.acceptance_rate, 2)
    ((20000,), 0.66)
    """
    func = "rejection_sample"
    for name, fn in (("p_tilde", p_tilde), ("proposal_sample", proposal_sample),
                     ("proposal_pdf", proposal_pdf)):
        if not callable(fn):
            raise TypeError(f"{func}: {name} must be callable, got {type(fn).__name__}")
    k = check_positive(k, func=func, name="k")
    if (size is None) == (n_proposals is None):
        raise ValueError(f"{func}: give exactly one of size (accepted samples wanted) and "
                         f"n_proposals (a fixed budget), got size={size}, "
                         f"n_proposals={n_proposals}")
    if size is not None:
        size = check_int(size, func=func, name="size", minimum=0)
    else:
        n_proposals = check_int(n_proposals, func=func, name="n_proposals", minimum=0)
    if batch_size is not None:
        batch_size = check_int(batch_size, func=func, name="batch_size", minimum=1)
    max_proposals = check_int(max_proposals, func=func, name="max_proposals", minimum=1)
    rng = np.random.default_rng(rng)
    log_k = np.log(k)

    kept: list[np.ndarray] = []
    records: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    n_proposed = 0
    n_accepted = 0
    while True:
        if size is not None:
            if n_accepted >= size and n_proposed > 0:
                break
            if size == 0:
                break
            if batch_size is not None:
                n = batch_size
            else:
                rate = n_accepted / n_proposed if n_accepted else 0.0
                need = size - n_accepted
                n = int(min(10**6, max(1000, 1.1 * need / rate if rate else 2 * need)))
            if n_proposed + n > max_proposals:
                n = max_proposals - n_proposed
                if n <= 0:
                    raise RuntimeError(
                        f"{func}: only {n_accepted} of size={size} samples accepted after "
                        f"max_proposals={max_proposals} proposals (acceptance rate "
                        f"{n_accepted / max(n_proposed, 1):.3g}); use a smaller k or a "
                        f"proposal closer to the target, or raise max_proposals"
                    )
        else:
            if n_proposed >= n_proposals:
                break
            n = min(n_proposals - n_proposed, batch_size or 10**6)
        z = _draw(proposal_sample, n, rng, func=func)
        target = _evaluate(p_tilde, z, func=func, name="p_tilde", log=log_densities)
        q = _evaluate(proposal_pdf, z, func=func, name="proposal_pdf", log=log_densities)
        if log_densities:
            zero_q = (q == -np.inf) & (target > -np.inf)
            with np.errstate(invalid="ignore"):
                envelope = log_k + q
                violated = target > envelope + 1e-9
        else:
            zero_q = (q == 0) & (target > 0)
            envelope = k * q
            violated = target > envelope * (1 + 1e-9)
        if np.any(zero_q):
            i = int(np.flatnonzero(zero_q)[0])
            raise ValueError(
                f"{func}: the proposal density is zero at z = {z[i]} where the target is "
                f"positive (p_tilde(z) = {_show(target[i], log_densities)}); q must be > 0 "
                f"wherever p_tilde > 0"
            )
        if np.any(violated):
            i = int(np.flatnonzero(violated)[0])
            raise ValueError(
                f"{func}: the bound k q(z) >= p_tilde(z) is violated at z = {z[i]}: "
                f"k q(z) = {_show(envelope[i], log_densities)} < p_tilde(z) = "
                f"{_show(target[i], log_densities)}; increase k (to at least "
                f"{_show(target[i] - q[i] if log_densities else target[i] / q[i], log_densities)}"
                f" here) or use a wider proposal"
            )
        if log_densities:
            log_u = np.log1p(-rng.random(n))  # log of U(0, 1], in (-inf, 0]
            accept = log_u + envelope <= target
            heights = np.exp(log_u + envelope) if return_proposals else None
        else:
            u = (1.0 - rng.random(n)) * envelope  # U(0, k q(z)]
            accept = u <= target
            heights = u
        n_proposed += n
        n_accepted += int(accept.sum())
        kept.append(z[accept])
        if return_proposals:
            records.append((z, heights, accept))

    samples = np.concatenate(kept) if kept else np.empty((0,))
    if size is not None:
        samples = samples[:size]
    rate = n_accepted / n_proposed if n_proposed else float("nan")
    if return_proposals and records:
        zs, us, acc = (np.concatenate(r) for r in zip(*records, strict=True))
        return RejectionResult(samples, rate, n_proposed, zs, us, acc)
    return RejectionResult(samples, rate, n_proposed)


def _show(value: float, log: bool) -> str:
    """Format a density value, or a log-density as exp(value)."""
    return f"exp({value:.6g})" if log else f"{value:.6g}"


# --------------------------------------------------------------------------------------------
# Importance sampling (slides 51-52)
# --------------------------------------------------------------------------------------------


def effective_sample_size(weights: object, *, log: bool = False) -> float:
    """Kish's effective sample size of importance weights.

    Parameters
    ----------
    weights : array_like, shape (S,)
        Non-negative weights (any scale), or log-weights if ``log`` is True.
    log : bool, default False
        The weights are given as logarithms (``-inf`` for a zero weight).

    Returns
    -------
    float
        :math:`\\mathrm{ESS} = (\\sum_s w_s)^2 / \\sum_s w_s^2 = 1/\\sum_s \\bar w_s^2`
        with :math:`\\bar w_s = w_s / \\sum_t w_t`; between 1 (all weight on
        one sample) and S (equal weights).

    Raises
    ------
    ValueError
        If the weights are empty, negative, non-finite (log-weights: nan or
        +inf) or all zero.

    Notes
    -----
    S weighted samples give an estimate about as precise as ESS unweighted
    samples from p would. Degeneracy (slide 52) is ESS close to one.

    Examples
    --------
    >>> effective_sample_size([1.0, 1.0, 1.0, 1.0])
    4.0
    >>> effective_sample_size([1.0, 0.0, 0.0, 0.0])
    1.0
    >>> effective_sample_size([3.0, 1.0])   # 16 / 10
    1.6
    >>> effective_sample_size([-1000.0, -1000.0], log=True)
    2.0
    """
    func = "effective_sample_size"
    w = as_float_array(weights, func=func, name="weights", ndim=1, finite=not log,
                       allow_empty=False)
    if log:
        bad = np.flatnonzero(np.isnan(w) | (w == np.inf))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"{func}: log-weights must be finite or -inf, but entry [{i}] "
                             f"is {w[i]}")
        if np.all(w == -np.inf):
            raise ValueError(f"{func}: all weights are zero (every log-weight is -inf)")
        log_norm = w - logsumexp(w)
        return float(np.exp(-logsumexp(2 * log_norm)))
    negative = np.flatnonzero(w < 0)
    if negative.size:
        i = int(negative[0])
        raise ValueError(f"{func}: weights must be non-negative, but entry [{i}] is {w[i]}")
    total = w.sum()
    if total == 0:
        raise ValueError(f"{func}: all weights are zero; the effective sample size is undefined")
    wn = w / w.max()  # rescale against overflow in the squares
    return float(wn.sum() ** 2 / np.sum(wn**2))


class ImportanceResult(NamedTuple):
    """Output of :func:`importance_sampling`.

    Attributes
    ----------
    estimate : float or numpy.ndarray, shape (E,)
        The importance-sampling estimate of :math:`\\mathbb{E}_p[f]`.
    std_error : float or numpy.ndarray, shape (E,)
        Its estimated standard error (delta method for the self-normalised
        estimator).
    weights : numpy.ndarray, shape (S,)
        Normalised weights :math:`\\bar w_s = w_s / \\sum_t w_t` (sum to one).
    ess : float
        Effective sample size :math:`1/\\sum_s \\bar w_s^2`.
    samples : numpy.ndarray, shape (S,) or (S, D)
        The proposals :math:`x^{(s)} \\sim q`.
    log_weights : numpy.ndarray, shape (S,)
        Unnormalised log-weights :math:`\\log p(x^{(s)}) - \\log q(x^{(s)})`.
    """

    estimate: float | np.ndarray
    std_error: float | np.ndarray
    weights: np.ndarray
    ess: float
    samples: np.ndarray
    log_weights: np.ndarray


def importance_sampling(
    f: Callable[[np.ndarray], object],
    log_target: Callable[[np.ndarray], object],
    proposal_sample: Callable[[int, np.random.Generator], object],
    proposal_logpdf: Callable[[np.ndarray], object],
    size: int,
    *,
    self_normalised: bool = False,
    rng: np.random.Generator | int | None = None,
) -> ImportanceResult:
    """Estimate :math:`\\mathbb{E}_p[f(x)]` with samples from a proposal q (slides 51-52).

    Parameters
    ----------
    f : callable
        Vectorised: ``f(x)`` returns shape ``(S,)`` or ``(S, E)``.
    log_target : callable
        Vectorised log-density of the target, shape ``(S,)``: the normalised
        :math:`\\log p` for the plain estimator, or an unnormalised
        :math:`\\log \\tilde p` with ``self_normalised=True``. ``-inf`` where
        the density is zero.
    proposal_sample : callable
        ``proposal_sample(n, rng)`` returns n samples of q, shape ``(n,)`` or ``(n, D)``.
    proposal_logpdf : callable
        Vectorised :math:`\\log q`, shape ``(S,)``.
    size : int
        Number of samples S, ``>= 2``.
    self_normalised : bool, default False
        Use the self-normalised estimator (needed when only :math:`\\tilde p`
        is known).
    rng : numpy.random.Generator, int or None
        Random generator or seed.

    Returns
    -------
    ImportanceResult
        ``estimate``, ``std_error``, normalised ``weights``, ``ess``,
        ``samples``, ``log_weights``.

    Raises
    ------
    ValueError
        For ``size < 2``, densities of the wrong shape or with nan/+inf, all
        weights zero, or a proposal density of zero at a drawn sample where the
        target is positive (q must be > 0 wherever p > 0 for the estimator to
        be unbiased; this is only detectable on the drawn samples).

    Notes
    -----
    Slide 51: :math:`\\mathbb{E}_p[f] = \\mathbb{E}_q[f\\,p/q]
    \\approx \\frac1S\\sum_s w_s f(x^{(s)})` with
    :math:`w_s = p(x^{(s)})/q(x^{(s)})`, :math:`x^{(s)} \\sim q`: unbiased when
    q > 0 wherever p > 0 (slide 52).

    Self-normalised (unnormalised :math:`\\tilde p = Z p`):
    :math:`\\hat\\mu = \\sum_s \\bar w_s f(x^{(s)})` with
    :math:`\\bar w_s = \\tilde w_s / \\sum_t \\tilde w_t`; Z cancels. A ratio of
    two unbiased estimators, it is biased, with bias :math:`O(1/S)`, but
    consistent.

    The weights are computed in log space: :math:`\\log w_s = \\log p - \\log q`
    and :math:`\\bar w = \\exp(\\log w - \\operatorname{logsumexp}(\\log w))`,
    so densities far below the smallest double (high dimension) are no
    problem. The plain estimate is then
    :math:`\\exp(\\operatorname{logsumexp}(\\log w) - \\log S)\\sum_s \\bar w_s f_s`.

    Examples
    --------
    :math:`\\mathbb{E}[x^2] = 1` under N(0, 1), proposal N(0, 2^2):

    >>> import numpy as np
    >>> from scipy import stats
    >>> res = importance_sampling(lambda x: x**2, stats.norm.logpdf,
    ...                           lambda n, rng: rng.normal(0.0, 2.0, n),
    ...                           stats.norm(0, 2).logpdf, 100_000, rng=0)
    >>> print(f"{res.estimate:.2f} +- {res.std_error:.3f}, ESS {res.ess:.0f}")
    1.00 +- 0.002, ESS 66246
    """
    func = "importance_sampling"
    for name, fn in (("f", f), ("log_target", log_target), ("proposal_sample", proposal_sample),
                     ("proposal_logpdf", proposal_logpdf)):
        if not callable(fn):
            raise TypeError(f"{func}: {name} must be callable, got {type(fn).__name__}")
    size = check_int(size, func=func, name="size", minimum=0)
    if size < 2:
        raise ValueError(f"{func}: size must be at least 2 to estimate a standard error, "
                         f"got {size}")
    rng = np.random.default_rng(rng)
    x = _draw(proposal_sample, size, rng, func=func)
    log_p = _evaluate(log_target, x, func=func, name="log_target", log=True)
    log_q = _evaluate(proposal_logpdf, x, func=func, name="proposal_logpdf", log=True)
    zero_q = (log_q == -np.inf) & (log_p > -np.inf)
    if np.any(zero_q):
        i = int(np.flatnonzero(zero_q)[0])
        raise ValueError(
            f"{func}: the proposal density is zero at the drawn sample x = {x[i]} where the "
            f"target is positive (log_target = {log_p[i]:.6g}); q must be > 0 wherever p > 0"
        )
    with np.errstate(invalid="ignore"):
        log_w = np.where(log_p == -np.inf, -np.inf, log_p - log_q)
    if np.all(log_w == -np.inf):
        raise ValueError(f"{func}: every importance weight is zero (the target density is zero "
                         f"at all {size} proposals); move the proposal onto the target")
    log_total = logsumexp(log_w)
    weights = np.exp(log_w - log_total)
    fx = as_float_array(f(x), func=func, name="f(x)", ndim=(1, 2))
    if fx.shape[0] != size:
        raise ValueError(f"{func}: f(x) must have one row per sample ({size}), got shape "
                         f"{fx.shape}; make f vectorised over the first axis")
    wcol = weights if fx.ndim == 1 else weights[:, None]
    weighted_mean = np.sum(wcol * fx, axis=0)  # sum_s wbar_s f_s
    if self_normalised:
        estimate = weighted_mean
        std_error = np.sqrt(np.sum(wcol**2 * (fx - estimate) ** 2, axis=0))
    else:
        scale = np.exp(log_total - np.log(size))  # (1/S) sum_s w_s
        estimate = scale * weighted_mean
        terms = size * scale * wcol * fx  # w_s f_s
        std_error = np.std(terms, axis=0, ddof=1) / np.sqrt(size)
    ess = float(1.0 / np.sum(weights**2))
    if fx.ndim == 1:
        estimate, std_error = float(estimate), float(std_error)
    return ImportanceResult(estimate, std_error, weights, ess, x, log_w)


# --------------------------------------------------------------------------------------------
# Metropolis-Hastings (pointer to MCMC, slide 52)
# --------------------------------------------------------------------------------------------


class MetropolisResult(NamedTuple):
    """Output of :func:`metropolis_hastings`.

    Attributes
    ----------
    samples : numpy.ndarray, shape (N,) or (N, D)
        The chain after burn-in and thinning (N = ``n_samples``).
    acceptance_rate : float
        Fraction of accepted moves over all steps (including burn-in).
    log_target : numpy.ndarray, shape (N,)
        :math:`\\log \\tilde p` at the returned states.
    """

    samples: np.ndarray
    acceptance_rate: float
    log_target: np.ndarray


def metropolis_hastings(
    log_target: Callable[[np.ndarray], object],
    x0: object,
    n_samples: int,
    *,
    step_size: float = 1.0,
    burn_in: int = 0,
    thin: int = 1,
    rng: np.random.Generator | int | None = None,
) -> MetropolisResult:
    """Random-walk Metropolis-Hastings for an unnormalised log-density.

    Parameters
    ----------
    log_target : callable
        :math:`\\log \\tilde p(x)` for one state x (shape ``()`` or ``(D,)``),
        returning a float (``-inf`` outside the support).
    x0 : float or array_like, shape (D,)
        Starting state, with finite :math:`\\log\\tilde p(x_0)`.
    n_samples : int
        Number of states returned, ``>= 0``.
    step_size : float, default 1.0
        Standard deviation :math:`\\sigma` of the Gaussian random-walk proposal.
    burn_in : int, default 0
        Steps discarded at the start.
    thin : int, default 1
        Keep every ``thin``-th state (reduces autocorrelation).
    rng : numpy.random.Generator, int or None
        Random generator or seed.

    Returns
    -------
    MetropolisResult
        ``samples`` of shape ``(n_samples,)`` (scalar x0) or ``(n_samples, D)``,
        ``acceptance_rate`` and the ``log_target`` values.

    Raises
    ------
    ValueError
        If ``log_target(x0)`` is not finite, counts are negative or ``thin < 1``,
        or ``log_target`` returns nan or +inf.

    Notes
    -----
    Propose :math:`x' = x + \\sigma\\varepsilon`, :math:`\\varepsilon\\sim
    N(0, I)`, and accept with probability
    :math:`\\min\\{1, \\tilde p(x')/\\tilde p(x)\\}` (the proposal is symmetric,
    so the Hastings factor :math:`q(x\\mid x')/q(x'\\mid x)` is one); otherwise
    stay at x. The normaliser Z cancels, and the chain has p as its stationary
    distribution. Unlike rejection and importance sampling it needs no global
    envelope or proposal, only local moves; the price is correlated samples.
    Total cost: ``burn_in + n_samples * thin`` evaluations of ``log_target``.

    Examples
    --------
    >>> res = metropolis_hastings(lambda x: -0.5 * x**2, 0.0, 20_000, step_size=2.4,
    ...                           thin=5, rng=0)
    >>> res.samples.shape
    (20000,)
    >>> print(f"mean {res.samples.mean():.1f}, var {res.samples.var():.1f}")
    mean 0.0, var 1.0
    """
    func = "metropolis_hastings"
    if not callable(log_target):
        raise TypeError(f"{func}: log_target must be callable, got {type(log_target).__name__}")
    x = as_float_array(x0, func=func, name="x0", ndim=(0, 1), allow_empty=False)
    n_samples = check_int(n_samples, func=func, name="n_samples", minimum=0)
    burn_in = check_int(burn_in, func=func, name="burn_in", minimum=0)
    thin = check_int(thin, func=func, name="thin", minimum=1)
    step = check_positive(step_size, func=func, name="step_size")
    rng = np.random.default_rng(rng)

    def evaluate(state: np.ndarray) -> float:
        with np.errstate(divide="ignore"):
            value = float(log_target(state.copy() if state.ndim else float(state)))
        if np.isnan(value) or value == np.inf:
            raise ValueError(f"{func}: log_target must return a finite value or -inf, got "
                             f"{value} at x = {state}")
        return value

    log_px = evaluate(x)
    if not np.isfinite(log_px):
        raise ValueError(f"{func}: log_target(x0) must be finite, got {log_px} at x0 = {x}; "
                         f"start the chain inside the support of the target")
    n_steps = burn_in + n_samples * thin
    noise = step * rng.standard_normal((n_steps, *x.shape))
    log_u = np.log1p(-rng.random(n_steps))
    out = np.empty((n_samples, *x.shape))
    out_log = np.empty(n_samples)
    n_accept = 0
    for t in range(n_steps):
        proposal = x + noise[t]
        log_pp = evaluate(proposal)
        if log_u[t] < log_pp - log_px:
            x, log_px = proposal, log_pp
            n_accept += 1
        j = t - burn_in
        if j >= 0 and j % thin == thin - 1:
            out[j // thin] = x
            out_log[j // thin] = log_px
    rate = n_accept / n_steps if n_steps else float("nan")
    return MetropolisResult(out, rate, out_log)
