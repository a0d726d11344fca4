"""Tests for lecture_utils.sampling: every sampler against a known distribution.

Statistical checks use fixed seeds and tests that can fail: KS tests against
SciPy's distributions, chi-square tests of frequencies, estimates within four
standard errors of exact values. Each sampler test has a negative control: a
deliberately broken sampler run through the same check must fail it, which
shows the check has the power to catch a wrong sampler.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from lecture_utils.sampling import (
    AliasSampler,
    effective_sample_size,
    importance_sampling,
    inverse_cdf,
    metropolis_hastings,
    monte_carlo_estimate,
    rejection_sample,
    sample_discrete,
)

ALPHA = 0.001  # significance of the goodness-of-fit tests


# ------------------------------------------------------------------------------------------
# Monte Carlo estimation
# ------------------------------------------------------------------------------------------


def test_monte_carlo_within_four_standard_errors():
    x = np.random.default_rng(1).standard_normal(20_000)
    res = monte_carlo_estimate(lambda x: x**4, x)  # E[x^4] = 3
    assert abs(res.estimate - 3.0) < 4 * res.std_error
    assert res.std_error == pytest.approx(np.std(x**4, ddof=1) / np.sqrt(x.size))
    assert res.n_samples == 20_000


def test_monte_carlo_vector_valued_and_values_given():
    rng = np.random.default_rng(2)
    x = rng.normal(1.0, 2.0, size=(50_000, 2))
    res = monte_carlo_estimate(lambda x: np.column_stack([x[:, 0], x[:, 1] ** 2]), x)
    exact = np.array([1.0, 5.0])  # E[x] = 1, E[x^2] = 1 + 4
    assert res.estimate.shape == (2,) and res.std_error.shape == (2,)
    assert np.all(np.abs(res.estimate - exact) < 4 * res.std_error)
    again = monte_carlo_estimate(None, x[:, 0])
    assert again.estimate == pytest.approx(res.estimate[0])


def test_monte_carlo_standard_error_shrinks_like_one_over_sqrt_s():
    rng = np.random.default_rng(3)
    se_small = monte_carlo_estimate(np.sin, rng.standard_normal(1_000)).std_error
    se_large = monte_carlo_estimate(np.sin, rng.standard_normal(100_000)).std_error
    assert se_small / se_large == pytest.approx(10.0, rel=0.1)


def test_monte_carlo_standard_error_matches_spread_over_repetitions():
    rng = np.random.default_rng(4)
    x = rng.exponential(size=(2_000, 100))
    estimates = x.mean(axis=1)
    se = monte_carlo_estimate(None, x[0]).std_error
    # the spread of 2000 estimates agrees with one run's standard error (sd 1/sqrt(100))
    assert np.std(estimates) == pytest.approx(0.1, rel=0.05)
    assert se == pytest.approx(0.1, rel=0.3)


def test_monte_carlo_errors():
    with pytest.raises(ValueError, match="at least 2 samples"):
        monte_carlo_estimate(None, [1.0])
    with pytest.raises(ValueError, match=r"one row per sample \(3\)"):
        monte_carlo_estimate(lambda x: x[:2], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="f must be callable"):
        monte_carlo_estimate(3.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="samples must be finite"):
        monte_carlo_estimate(None, [1.0, np.nan])


# ------------------------------------------------------------------------------------------
# Discrete sampling
# ------------------------------------------------------------------------------------------


def test_inverse_cdf_slide_45_example():
    p = [0.3, 0.2, 0.5]
    assert inverse_cdf(p, 0.55) == 2
    # intervals [0, 0.3], (0.3, 0.5], (0.5, 1]: right ends belong to the interval
    np.testing.assert_array_equal(
        inverse_cdf(p, [0.0, 0.3, 0.300001, 0.5, 0.500001, 1.0]), [0, 0, 1, 1, 2, 2]
    )
    assert inverse_cdf(p, np.full((2, 3), 0.1)).shape == (2, 3)


def test_inverse_cdf_never_out_of_range_or_on_zero_probability():
    tenth = [0.1] * 10  # cumsum ends at 0.9999999999999999
    assert np.cumsum(tenth)[-1] < 1.0
    assert inverse_cdf(tenth, 1.0) == 9
    assert inverse_cdf([0.7, 0.3, 0.0], 1.0) == 1  # trailing zero probability
    assert inverse_cdf([0.0, 1.0], 0.0) == 1  # leading zero probability
    assert inverse_cdf([0.5, 0.0, 0.5], 0.5) == 0


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=8).filter(lambda c: sum(c) > 0),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=20),
)
def test_inverse_cdf_against_exact_rational_reference(counts, us):
    total = sum(counts)
    p = np.array(counts) / total
    got = inverse_cdf(p, us)
    cum = np.cumsum([Fraction(c, total) for c in counts])
    for u, k in zip(us, got, strict=True):
        fu = Fraction(u)
        assert 0 <= k < len(counts) and counts[k] > 0
        # exact reference, F_{k-1} < u <= F_k, up to rounding of the float cdf
        lower = cum[k - 1] if k > 0 else Fraction(0)
        assert lower - Fraction(1, 10**12) <= fu <= cum[k] + Fraction(1, 10**12) or (
            fu == 0 and lower == 0
        )


def test_inverse_cdf_errors():
    with pytest.raises(ValueError, match=r"p must be non-negative, but entry \[1\] is -0.1"):
        inverse_cdf([0.6, -0.1, 0.5], 0.5)
    with pytest.raises(ValueError, match="p must be finite"):
        inverse_cdf([0.5, np.nan], 0.5)
    with pytest.raises(ValueError, match="sums to zero"):
        inverse_cdf([0.0, 0.0], 0.5)
    with pytest.raises(ValueError, match="u must lie in"):
        inverse_cdf([0.5, 0.5], [0.2, 1.5])
    with pytest.raises(ValueError, match="must sum to 1"):
        inverse_cdf([0.5, 0.4], 0.5)


def _chi2_pvalue(x: np.ndarray, p: np.ndarray) -> float:
    counts = np.bincount(x.ravel(), minlength=p.size)
    positive = p > 0
    assert counts[~positive].sum() == 0
    return stats.chisquare(counts[positive], x.size * p[positive]).pvalue


P_TEST = np.array([0.05, 0.15, 0.0, 0.3, 0.2, 0.3])


def test_sample_discrete_chi_square_and_negative_control():
    x = sample_discrete(P_TEST, 50_000, rng=5)
    assert x.dtype.kind == "i" and x.min() >= 0 and x.max() < P_TEST.size
    assert _chi2_pvalue(x, P_TEST) > ALPHA
    wrong = np.array([0.06, 0.14, 0.0, 0.3, 0.2, 0.3])  # a 1% shift is detected
    assert _chi2_pvalue(x, wrong) < ALPHA


def test_sample_discrete_shapes_and_seed():
    assert sample_discrete([0.5, 0.5], (3, 4), rng=0).shape == (3, 4)
    assert sample_discrete([0.5, 0.5], 0, rng=0).shape == (0,)
    np.testing.assert_array_equal(sample_discrete(P_TEST, 10, rng=7),
                                  sample_discrete(P_TEST, 10, rng=7))
    assert np.all(sample_discrete([0.1] * 10, 10_000, rng=1) < 10)


def test_sample_discrete_errors():
    with pytest.raises(ValueError, match="size must be an integer >= 0, got -1"):
        sample_discrete([0.5, 0.5], -1)
    with pytest.raises(TypeError, match="size must be an integer"):
        sample_discrete([0.5, 0.5], 2.0)
    with pytest.raises(ValueError, match="p must be finite"):
        sample_discrete([0.5, np.inf], 3)
    with pytest.raises(ValueError, match="sums to zero"):
        sample_discrete([0.0], 3)
    with pytest.raises(ValueError, match="non-negative"):
        sample_discrete([1.5, -0.5], 3)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.0, 1e3), min_size=1, max_size=40).filter(lambda w: sum(w) > 0))
def test_alias_table_encodes_p(weights):
    p = np.array(weights) / np.sum(weights)
    sampler = AliasSampler(p)
    assert np.all((sampler.prob >= 0) & (sampler.prob <= 1))
    assert np.all((sampler.alias >= 0) & (sampler.alias < p.size))
    np.testing.assert_allclose(sampler.probabilities(), p, atol=1e-12)
    x = sampler.sample(200, rng=0)
    assert np.all(p[x] > 0)


def test_alias_sampler_chi_square_and_negative_control():
    sampler = AliasSampler(P_TEST)
    x = sampler.sample(50_000, rng=8)
    assert _chi2_pvalue(x, P_TEST) > ALPHA
    assert _chi2_pvalue(x, np.array([0.06, 0.14, 0.0, 0.3, 0.2, 0.3])) < ALPHA
    assert sampler.sample((2, 5), rng=0).shape == (2, 5)
    assert repr(sampler) == "AliasSampler(n_categories=6)"


def test_alias_sampler_many_categories_against_choice():
    rng = np.random.default_rng(9)
    p = rng.dirichlet(np.full(1_000, 0.5))
    x = AliasSampler(p).sample(400_000, rng=10)
    # group categories into 20 bins of equal expected count, chi-square on the bins
    order = np.argsort(np.cumsum(p))
    bins = np.minimum((np.cumsum(p)[order] * 20).astype(int), 19)
    expected = np.bincount(bins, weights=p[order], minlength=20) * x.size
    observed = np.bincount(bins[np.argsort(order)][x], minlength=20)
    assert stats.chisquare(observed, expected).pvalue > ALPHA


def test_alias_sampler_errors():
    with pytest.raises(ValueError, match="AliasSampler: p must be non-negative"):
        AliasSampler([0.5, -0.5, 1.0])
    with pytest.raises(ValueError, match=r"AliasSampler\.sample: size must be an integer >= 0"):
        AliasSampler([1.0]).sample(-3)


# ------------------------------------------------------------------------------------------
# Rejection sampling
# ------------------------------------------------------------------------------------------


def normal_tilde(z):
    return 3.0 * np.exp(-0.5 * z**2)  # Z = 3 sqrt(2 pi)


def cauchy_sample(n, rng):
    return rng.standard_cauchy(n)


K_CAUCHY = 3.0 * 2 * np.pi / np.sqrt(np.e)  # max of normal_tilde / cauchy pdf, at z = +-1


def test_rejection_normal_from_cauchy_ks_and_acceptance_rate():
    res = rejection_sample(normal_tilde, cauchy_sample, stats.cauchy.pdf, K_CAUCHY,
                           size=5_000, rng=11)
    assert res.samples.shape == (5_000,)
    assert stats.kstest(res.samples, stats.norm.cdf).pvalue > ALPHA
    exact_rate = 3.0 * np.sqrt(2 * np.pi) / K_CAUCHY  # Z / k = sqrt(e / (2 pi))
    se = np.sqrt(exact_rate * (1 - exact_rate) / res.n_proposed)
    assert abs(res.acceptance_rate - exact_rate) < 4 * se


def test_rejection_ks_negative_control():
    """A sampler that forgets q in the height, u ~ U[0, k], samples a different law."""
    rng = np.random.default_rng(11)
    z = rng.standard_cauchy(40_000)
    u = rng.uniform(0, K_CAUCHY * stats.cauchy.pdf(0.0), z.size)
    wrong = z[u <= normal_tilde(z)][:5_000]
    assert stats.kstest(wrong, stats.norm.cdf).pvalue < ALPHA


def test_rejection_gamma_target_with_exponential_proposal():
    # p~(z) = z e^{-z} (Gamma(2), Z = 1), q = Exp(mean 2); max p~/q = 4/e at z = 2
    def p_tilde(z):
        return np.where(z > 0, z * np.exp(-z), 0.0)

    res = rejection_sample(p_tilde, lambda n, rng: rng.exponential(2.0, n),
                           lambda z: 0.5 * np.exp(-z / 2), 4 / np.e, size=4_000, rng=12)
    assert stats.kstest(res.samples, stats.gamma(2).cdf).pvalue > ALPHA
    se = np.sqrt(0.68 * 0.32 / res.n_proposed)
    assert abs(res.acceptance_rate - np.e / 4) < 4 * se


def test_rejection_high_dimension_log_densities_rate():
    d, sigma = 10, 1.1

    def log_p(z):
        return -0.5 * np.sum(z**2, axis=1) - 0.5 * d * np.log(2 * np.pi)

    def log_q(z):
        return -0.5 * np.sum(z**2, axis=1) / sigma**2 - d * np.log(sigma) - 0.5 * d * np.log(
            2 * np.pi)

    res = rejection_sample(log_p, lambda n, rng: sigma * rng.standard_normal((n, d)), log_q,
                           sigma**d, n_proposals=100_000, log_densities=True, rng=13)
    exact = sigma**-d
    assert res.n_proposed == 100_000 and res.samples.shape[1] == d
    assert abs(res.acceptance_rate - exact) < 4 * np.sqrt(exact * (1 - exact) / 100_000)
    assert stats.kstest(res.samples[:, 0], stats.norm.cdf).pvalue > ALPHA


def test_rejection_is_vectorised_in_batches():
    calls = []

    def sampler(n, rng):
        calls.append(n)
        return rng.standard_cauchy(n)

    rejection_sample(normal_tilde, sampler, stats.cauchy.pdf, K_CAUCHY, size=20_000, rng=0)
    assert len(calls) <= 3


def test_rejection_returns_proposals_for_the_figure():
    res = rejection_sample(normal_tilde, cauchy_sample, stats.cauchy.pdf, K_CAUCHY,
                           size=300, rng=14, return_proposals=True)
    assert res.proposals.shape == res.heights.shape == res.accepted.shape
    assert res.proposals.size == res.n_proposed
    envelope = K_CAUCHY * stats.cauchy.pdf(res.proposals)
    assert np.all((res.heights > 0) & (res.heights <= envelope))
    np.testing.assert_array_equal(res.accepted, res.heights <= normal_tilde(res.proposals))
    np.testing.assert_array_equal(res.samples, res.proposals[res.accepted][:300])


def test_rejection_detects_violated_bound():
    with pytest.raises(ValueError, match=r"bound k q\(z\) >= p_tilde\(z\) is violated at z = "
                                         r"-?\d.*k q\(z\) = .* < p_tilde\(z\) = .*increase k"):
        rejection_sample(normal_tilde, cauchy_sample, stats.cauchy.pdf, 0.8 * K_CAUCHY,
                         size=1_000, rng=0)


def test_rejection_detects_zero_proposal_density():
    def uniform_pdf(z):  # density of U(-1, 1), but the sampler draws normals
        return np.where(np.abs(z) < 1, 0.5, 0.0)

    with pytest.raises(ValueError, match=r"proposal density is zero at z = .* where the target "
                                         r"is positive"):
        rejection_sample(normal_tilde, lambda n, rng: rng.standard_normal(n), uniform_pdf, 10.0,
                         size=100, rng=0)


def test_rejection_errors():
    args = (normal_tilde, cauchy_sample, stats.cauchy.pdf)
    with pytest.raises(ValueError, match=r"k must be a finite number > 0, got 0\.0"):
        rejection_sample(*args, 0.0, size=10)
    with pytest.raises(ValueError, match=r"k must be a finite number > 0, got -1\.0"):
        rejection_sample(*args, -1.0, size=10)
    with pytest.raises(ValueError, match="size must be an integer >= 0"):
        rejection_sample(*args, K_CAUCHY, size=-1)
    with pytest.raises(ValueError, match="exactly one of size"):
        rejection_sample(*args, K_CAUCHY)
    with pytest.raises(ValueError, match=r"one value per proposal, shape \(\d+,\)"):
        rejection_sample(lambda z: np.ones((z.size, 2)), cauchy_sample, stats.cauchy.pdf,
                         K_CAUCHY, size=10)
    with pytest.raises(ValueError, match=r"p_tilde must be a density \(finite, >= 0\)"):
        rejection_sample(lambda z: -np.ones(z.size), cauchy_sample, stats.cauchy.pdf,
                         K_CAUCHY, size=10)
    with pytest.raises(ValueError, match="must return n = 1000 samples"):
        rejection_sample(normal_tilde, lambda n, rng: np.zeros(3), stats.cauchy.pdf,
                         K_CAUCHY, size=10)
    with pytest.raises(TypeError, match="p_tilde must be callable"):
        rejection_sample(None, cauchy_sample, stats.cauchy.pdf, K_CAUCHY, size=10)
    with pytest.raises(RuntimeError, match="max_proposals=2000"):
        rejection_sample(normal_tilde, cauchy_sample, stats.cauchy.pdf, 1e6 * K_CAUCHY,
                         size=100, max_proposals=2_000, rng=0)
    assert rejection_sample(*args, K_CAUCHY, size=0).samples.size == 0


# ------------------------------------------------------------------------------------------
# Importance sampling
# ------------------------------------------------------------------------------------------


def test_effective_sample_size_hand_computed():
    assert effective_sample_size([1.0, 1.0, 1.0, 1.0]) == pytest.approx(4.0)
    assert effective_sample_size([5.0, 0.0, 0.0]) == pytest.approx(1.0)
    assert effective_sample_size([3.0, 1.0]) == pytest.approx(16 / 10)
    assert effective_sample_size([1.0, 2.0, 3.0]) == pytest.approx(36 / 14)
    assert effective_sample_size([0.5, 0.25, 0.25]) == pytest.approx(1 / 0.375)
    assert effective_sample_size([1e300, 1e300]) == pytest.approx(2.0)  # no overflow
    assert effective_sample_size(np.log([1.0, 2.0, 3.0]) - 800, log=True) == pytest.approx(
        36 / 14)
    assert effective_sample_size([0.0, -np.inf], log=True) == pytest.approx(1.0)


def test_effective_sample_size_errors():
    with pytest.raises(ValueError, match=r"weights must be non-negative, but entry \[1\]"):
        effective_sample_size([1.0, -1.0])
    with pytest.raises(ValueError, match="all weights are zero"):
        effective_sample_size([0.0, 0.0])
    with pytest.raises(ValueError, match="weights must be finite"):
        effective_sample_size([1.0, np.nan])
    with pytest.raises(ValueError, match="must not be empty"):
        effective_sample_size([])
    with pytest.raises(ValueError, match="log-weights must be finite or -inf"):
        effective_sample_size([0.0, np.inf], log=True)
    with pytest.raises(ValueError, match="all weights are zero"):
        effective_sample_size([-np.inf, -np.inf], log=True)


def wide_normal_sample(n, rng):
    return rng.normal(0.0, 2.0, n)


WIDE_LOGPDF = stats.norm(0.0, 2.0).logpdf


def test_importance_plain_estimator_within_four_standard_errors():
    res = importance_sampling(lambda x: x**2, stats.norm(1.0, 1.0).logpdf, wide_normal_sample,
                              WIDE_LOGPDF, 20_000, rng=15)
    assert abs(res.estimate - 2.0) < 4 * res.std_error  # E[x^2] = 1 + 1
    assert res.weights.shape == (20_000,) and res.weights.sum() == pytest.approx(1.0)
    w = np.exp(stats.norm(1.0, 1.0).logpdf(res.samples) - WIDE_LOGPDF(res.samples))
    np.testing.assert_allclose(res.weights, w / w.sum(), rtol=1e-12)
    assert res.estimate == pytest.approx(np.mean(w * res.samples**2), rel=1e-12)
    assert res.std_error == pytest.approx(np.std(w * res.samples**2, ddof=1) / np.sqrt(20_000))
    assert res.ess == pytest.approx(effective_sample_size(w))


def test_importance_plain_estimator_unbiased_over_repetitions():
    def log_p(x):
        return -0.5 * (x - 1.0) ** 2 - 0.5 * np.log(2 * np.pi)

    def log_q(x):
        return -0.125 * x**2 - np.log(2.0) - 0.5 * np.log(2 * np.pi)

    estimates = [
        importance_sampling(lambda x: x, log_p, wide_normal_sample, log_q, 10, rng=seed).estimate
        for seed in range(2_000)
    ]
    se = np.std(estimates, ddof=1) / np.sqrt(len(estimates))
    assert abs(np.mean(estimates) - 1.0) < 4 * se  # unbiased even with S = 10


def test_self_normalised_cancels_z_and_is_biased_but_consistent():
    def log_p_tilde(x):
        return -0.5 * (x - 1.0) ** 2 + np.log(7.0)  # Z = 7 sqrt(2 pi)

    def log_p(x):
        return -0.5 * (x - 1.0) ** 2 - 0.5 * np.log(2 * np.pi)

    def log_q(x):
        return -0.5 * x**2 - 0.5 * np.log(2 * np.pi)

    def standard_sample(n, rng):
        return rng.standard_normal(n)

    kwargs = dict(self_normalised=True)
    a = importance_sampling(lambda x: x, log_p_tilde, standard_sample, log_q, 50, rng=0, **kwargs)
    b = importance_sampling(lambda x: x, log_p, standard_sample, log_q, 50, rng=0, **kwargs)
    assert a.estimate == pytest.approx(b.estimate, rel=1e-12)
    # S = 2: E[estimate] is far from E_p[x] = 1 (biased)
    small = [importance_sampling(lambda x: x, log_p_tilde, standard_sample, log_q, 2, rng=seed,
                                 **kwargs).estimate for seed in range(1_000)]
    se = np.std(small, ddof=1) / np.sqrt(len(small))
    assert abs(np.mean(small) - 1.0) > 10 * se
    # S = 20 000: within four (delta-method) standard errors (consistent)
    big = importance_sampling(lambda x: x, log_p_tilde, standard_sample, log_q, 20_000, rng=16,
                              **kwargs)
    assert abs(big.estimate - 1.0) < 4 * big.std_error


def test_importance_weights_in_log_space_high_dimension():
    d = 1_000  # densities ~ exp(-1400): exp of the log-densities underflows to 0

    def log_p(x):
        return -0.5 * np.sum(x**2, axis=1) - 0.5 * d * np.log(2 * np.pi)

    def log_q(x):
        return -0.5 * np.sum(x**2, axis=1) / 1.01**2 - d * np.log(1.01) - 0.5 * d * np.log(
            2 * np.pi)

    res = importance_sampling(lambda x: x[:, 0] ** 2, log_p,
                              lambda n, rng: 1.01 * rng.standard_normal((n, d)), log_q, 2_000,
                              rng=17)
    assert np.all(np.exp(log_p(res.samples)) == 0.0)  # the naive weights would be 0 / 0
    assert np.all(np.isfinite(res.weights)) and res.weights.sum() == pytest.approx(1.0)
    assert abs(res.estimate - 1.0) < 4 * res.std_error
    assert 1.0 <= res.ess <= 2_000


def test_importance_vector_valued_f():
    res = importance_sampling(lambda x: np.column_stack([x, x**2]), stats.norm.logpdf,
                              wide_normal_sample, WIDE_LOGPDF, 20_000, rng=18)
    assert res.estimate.shape == (2,)
    assert np.all(np.abs(res.estimate - [0.0, 1.0]) < 4 * res.std_error)


def test_importance_narrow_proposal_degenerates():
    res = importance_sampling(lambda x: x**2, stats.norm.logpdf,
                              lambda n, rng: rng.normal(0.0, 0.2, n),
                              stats.norm(0.0, 0.2).logpdf, 1_000, rng=19)
    assert res.ess < 200  # of 1000 samples
    # far from the true 1, and the reported error bar does not cover it
    assert abs(res.estimate - 1.0) > 10 * res.std_error


def test_importance_errors():
    def truncated_logpdf(x):  # density of N(0, 1) restricted to |x| < 1 (up to Z)
        with np.errstate(divide="ignore"):
            return np.log(np.where(np.abs(x) < 1, 1.0, 0.0))

    with pytest.raises(ValueError, match=r"proposal density is zero at the drawn sample x = .* "
                                         r"where the target is positive"):
        importance_sampling(lambda x: x, stats.norm.logpdf, wide_normal_sample,
                            truncated_logpdf, 100, rng=0)
    with pytest.raises(ValueError, match="size must be at least 2"):
        importance_sampling(lambda x: x, stats.norm.logpdf, wide_normal_sample, WIDE_LOGPDF, 1)
    with pytest.raises(ValueError, match="size must be an integer >= 0, got -5"):
        importance_sampling(lambda x: x, stats.norm.logpdf, wide_normal_sample, WIDE_LOGPDF, -5)
    with pytest.raises(ValueError, match="every importance weight is zero"):
        importance_sampling(lambda x: x, lambda x: np.full(x.shape[0], -np.inf),
                            wide_normal_sample, WIDE_LOGPDF, 10)
    with pytest.raises(ValueError, match="log_target must be a log-density"):
        importance_sampling(lambda x: x, lambda x: np.full(x.shape[0], np.nan),
                            wide_normal_sample, WIDE_LOGPDF, 10)
    # a target that is zero where q is positive is fine (weights 0 there)
    res = importance_sampling(lambda x: x**2, truncated_logpdf, wide_normal_sample,
                              WIDE_LOGPDF, 1_000, rng=0, self_normalised=True)
    assert res.weights[np.abs(res.samples) >= 1].sum() == 0.0


# ------------------------------------------------------------------------------------------
# Metropolis-Hastings
# ------------------------------------------------------------------------------------------


def gamma3_log(x):
    x = float(x)
    return 2 * np.log(x) - x if x > 0 else -np.inf  # Gamma(3), Z = 2


def _wrong_mh(log_target, x0, n_steps, step, rng, bug):
    """A deliberately broken random-walk sampler for the negative controls."""
    rng = np.random.default_rng(rng)
    x, lp, out = x0, log_target(x0), []
    for _ in range(n_steps):
        y = x + step * rng.standard_normal()
        ly = log_target(y)
        ratio = 0.5 * (ly - lp) if bug == "sqrt ratio" else ly - lp
        if np.log(rng.random()) < ratio:
            x, lp = y, ly
            out.append(x)
        elif bug != "drops rejected states":
            out.append(x)
    return np.array(out)


THIN = 10


def test_metropolis_hastings_ks_against_gamma():
    res = metropolis_hastings(gamma3_log, 3.0, 3_000, step_size=3.0, burn_in=500, thin=THIN,
                              rng=20)
    assert res.samples.shape == (3_000,)
    assert 0.2 < res.acceptance_rate < 0.8
    assert stats.kstest(res.samples, stats.gamma(3).cdf).pvalue > ALPHA
    np.testing.assert_allclose(res.log_target, [gamma3_log(x) for x in res.samples])


@pytest.mark.parametrize("bug", ["sqrt ratio", "drops rejected states"])
def test_metropolis_hastings_ks_negative_control(bug):
    chain = _wrong_mh(gamma3_log, 3.0, 30_500, 3.0, 20, bug)[500:][::THIN][:3_000]
    assert stats.kstest(chain, stats.gamma(3).cdf).pvalue < ALPHA


def test_metropolis_hastings_acceptance_rate_standard_normal():
    step = 2.4
    res = metropolis_hastings(lambda x: -0.5 * x**2, 0.0, 60_000, step_size=step, rng=21)
    exact = 2 / np.pi * np.arctan(2 / step)  # stationary acceptance rate, N(0, 1) target
    assert res.acceptance_rate == pytest.approx(exact, abs=0.01)


def test_metropolis_hastings_two_dimensional_correlated_gaussian():
    cov = np.array([[1.0, 0.8], [0.8, 1.0]])
    prec = np.linalg.inv(cov)

    def log_p(x):
        return -0.5 * x @ prec @ x

    res = metropolis_hastings(log_p, np.zeros(2), 3_000, step_size=0.8, burn_in=200, thin=15,
                              rng=22)
    assert res.samples.shape == (3_000, 2)
    assert stats.kstest(res.samples[:, 0], stats.norm.cdf).pvalue > ALPHA
    s = (res.samples[:, 0] - res.samples[:, 1]) / np.sqrt(0.4)  # Var[x1 - x2] = 0.4
    assert stats.kstest(s, stats.norm.cdf).pvalue > ALPHA


def test_metropolis_hastings_errors_and_seed():
    with pytest.raises(ValueError, match="log_target\\(x0\\) must be finite, got -inf"):
        metropolis_hastings(gamma3_log, -1.0, 10)
    with pytest.raises(ValueError, match="thin must be an integer >= 1"):
        metropolis_hastings(gamma3_log, 1.0, 10, thin=0)
    with pytest.raises(ValueError, match="step_size must be a finite number > 0"):
        metropolis_hastings(gamma3_log, 1.0, 10, step_size=0.0)
    with pytest.raises(ValueError, match="n_samples must be an integer >= 0"):
        metropolis_hastings(gamma3_log, 1.0, -2)
    with pytest.raises(ValueError, match="must return a finite value or -inf, got nan"):
        metropolis_hastings(lambda x: np.nan if x > 1.5 else 0.0, 1.0, 100, rng=0)
    a = metropolis_hastings(gamma3_log, 1.0, 50, rng=3).samples
    np.testing.assert_array_equal(a, metropolis_hastings(gamma3_log, 1.0, 50, rng=3).samples)
