"""Tests for lecture_utils.sampling: every sampler against a known distribution.

Statistical checks use fixed seeds and tests that can fail: KS tests against
SciPy's distributions, chi-square tests of frequencies, estimates within four
standard errors of exact values, standard errors checked against the spread of
repeated estimates. Each sampler test has a negative control: a deliberately
broken sampler (or a wrong reference) run through the same check must fail it,
which shows that the check has the power to catch a wrong sampler.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from lecture_utils.sampling import (
    effective_sample_size,
    importance_sampling,
    inverse_cdf,
    metropolis_hastings,
    monte_carlo_estimate,
    rejection_proposals,
    rejection_sample,
    sample_discrete,
)

ALPHA = 0.001  # significance of the goodness-of-fit tests


# ----------------------------------------------------------------------------------
# Monte Carlo estimation (slide 44)
# ----------------------------------------------------------------------------------


def test_monte_carlo_within_four_standard_errors():
    x = np.random.default_rng(1).standard_normal(20_000)
    est, se = monte_carlo_estimate(lambda x: x**4, x)  # E[x^4] = 3
    assert abs(est - 3.0) < 4 * se
    assert se == pytest.approx(np.std(x**4, ddof=1) / np.sqrt(x.size), rel=1e-12)
    assert isinstance(est, float) and isinstance(se, float)


def test_monte_carlo_vector_valued():
    x = np.random.default_rng(2).normal(1.0, 2.0, size=(50_000, 2))
    est, se = monte_carlo_estimate(
        lambda x: np.column_stack([x[:, 0], x[:, 1] ** 2]), x
    )
    assert est.shape == se.shape == (2,)
    assert np.all(np.abs(est - [1.0, 5.0]) < 4 * se)  # E[x] = 1, E[x^2] = 1 + 4


def test_monte_carlo_standard_error_matches_spread_over_repetitions():
    x = np.random.default_rng(4).exponential(size=(2_000, 100))
    estimates = x.mean(axis=1)
    errors = [monte_carlo_estimate(lambda v: v, row)[1] for row in x[:200]]
    # the spread of 2000 estimates (sd 1/sqrt(100) = 0.1) and the reported errors
    assert np.std(estimates) == pytest.approx(0.1, rel=0.05)
    assert np.mean(errors) == pytest.approx(np.std(estimates), rel=0.1)


def test_monte_carlo_bad_input():
    f = np.cos
    with pytest.raises(
        ValueError, match="the number of samples must be an integer >= 2"
    ):
        monte_carlo_estimate(f, [1.0])
    with pytest.raises(ValueError, match=r"the value of f must be 3 rows, of shape"):
        monte_carlo_estimate(lambda x: x[:2], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="f must be a function, got float 3.0"):
        monte_carlo_estimate(3.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="samples must be finite, got nan at entry"):
        monte_carlo_estimate(f, [1.0, np.nan])
    with pytest.raises(
        TypeError, match=r"f\(\.\.\.\) must be real numbers, got complex"
    ):
        monte_carlo_estimate(lambda x: x + 5j, [1.0, 2.0])


# ----------------------------------------------------------------------------------
# Discrete sampling (slide 45)
# ----------------------------------------------------------------------------------


def test_inverse_cdf_slide_45_example():
    p = [0.3, 0.2, 0.5]
    assert inverse_cdf(p, 0.55) == 2 and isinstance(inverse_cdf(p, 0.55), int)
    # intervals [0, 0.3], (0.3, 0.5], (0.5, 1]: right ends belong to the interval
    got = inverse_cdf(p, [0.0, 0.3, 0.300001, 0.5, 0.500001, 1.0])
    np.testing.assert_array_equal(got, [0, 0, 1, 1, 2, 2])
    assert inverse_cdf(p, np.full((2, 3), 0.1)).shape == (2, 3)


def test_inverse_cdf_never_out_of_range_or_on_zero_probability():
    tenth = [0.1] * 10
    assert np.cumsum(tenth)[-1] < 1.0  # 0.9999999999999999
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
    got = inverse_cdf(np.array(counts) / total, us)
    cum = np.cumsum([Fraction(c, total) for c in counts])
    for u, k in zip(us, got, strict=True):
        assert 0 <= k < len(counts) and counts[k] > 0
        lower = cum[k - 1] if k > 0 else Fraction(0)
        tol = Fraction(1, 10**12)  # rounding of the float cdf
        assert lower - tol <= Fraction(u) <= cum[k] + tol or (u == 0 and lower == 0)


def test_inverse_cdf_bad_input():
    with pytest.raises(
        ValueError, match=r"p must be non-negative, got -0.1 at entry \[1\]"
    ):
        inverse_cdf([0.6, -0.1, 0.5], 0.5)
    with pytest.raises(ValueError, match="p must be finite"):
        inverse_cdf([0.5, np.nan], 0.5)
    with pytest.raises(
        ValueError, match="p must be probabilities that sum to 1, got sum 0"
    ):
        inverse_cdf([0.0, 0.0], 0.5)
    with pytest.raises(
        ValueError, match=r"inverse_cdf: u must be in \[0, 1\], got 1.5"
    ):
        inverse_cdf([0.5, 0.5], [0.2, 1.5])
    with pytest.raises(TypeError, match="u must be real numbers, got complex"):
        inverse_cdf([0.5, 0.5], 0.5 + 1j)


def _chi2_pvalue(x: np.ndarray, p: np.ndarray) -> float:
    counts = np.bincount(x.ravel(), minlength=p.size)
    positive = p > 0
    assert counts[~positive].sum() == 0
    return stats.chisquare(counts[positive], x.size * p[positive]).pvalue


P_TEST = np.array([0.05, 0.15, 0.0, 0.3, 0.2, 0.3])


def test_sample_discrete_chi_square_and_negative_control():
    x = sample_discrete(P_TEST, 50_000, rng=5)
    assert x.dtype.kind == "i" and x.shape == (50_000,)
    assert _chi2_pvalue(x, P_TEST) > ALPHA
    shifted = np.array([0.06, 0.14, 0.0, 0.3, 0.2, 0.3])  # 1 % moved: detected
    assert _chi2_pvalue(x, shifted) < ALPHA


def test_sample_discrete_matches_generator_choice_in_distribution():
    p = np.random.default_rng(9).dirichlet(np.ones(20))
    ours = np.bincount(sample_discrete(p, 200_000, rng=1), minlength=20)
    theirs = np.bincount(
        np.random.default_rng(2).choice(20, 200_000, p=p), minlength=20
    )
    assert stats.chi2_contingency([ours, theirs]).pvalue > ALPHA


def test_sample_discrete_seed_and_edges():
    np.testing.assert_array_equal(
        sample_discrete(P_TEST, 10, rng=7), sample_discrete(P_TEST, 10, rng=7)
    )
    gen = np.random.default_rng(3)
    assert sample_discrete([1.0], 5, rng=gen).tolist() == [0] * 5
    assert sample_discrete([0.5, 0.5], 0, rng=0).shape == (0,)
    assert np.all(sample_discrete([0.1] * 10, 10_000, rng=1) < 10)


@pytest.mark.parametrize(
    ("rng", "error", "message"),
    [
        (
            True,
            TypeError,
            "rng must be None, an integer seed >= 0 or a numpy.random."
            "Generator, got bool True",
        ),
        (-1, ValueError, "rng must be a seed >= 0, got -1"),
        ("abc", TypeError, "got str 'abc'"),
        (1.5, TypeError, "got float 1.5"),
    ],
)
def test_bad_rng_is_refused(rng, error, message):
    with pytest.raises(error, match=message):
        sample_discrete([0.5, 0.5], 3, rng=rng)
    with pytest.raises(error, match=message):
        metropolis_hastings(lambda x: 0.0, 0.0, 3, step_size=1.0, rng=rng)


def test_sample_discrete_bad_size():
    with pytest.raises(ValueError, match="size must be an integer >= 0, got -1"):
        sample_discrete([0.5, 0.5], -1)
    with pytest.raises(TypeError, match="size must be an integer, got float 2.0"):
        sample_discrete([0.5, 0.5], 2.0)
    with pytest.raises(
        ValueError,
        match="size must be an integer <= 10,000,000, got "
        "1,000,000,000. This limit keeps",
    ):
        sample_discrete([0.5, 0.5], 10**9)


# ----------------------------------------------------------------------------------
# Rejection sampling (slides 47-50)
# ----------------------------------------------------------------------------------


def normal_tilde(z):
    return 3.0 * np.exp(-0.5 * z**2)  # Z = 3 sqrt(2 pi)


def cauchy_sample(n, rng):
    return rng.standard_cauchy(n)


K_CAUCHY = 3.0 * 2 * np.pi / np.sqrt(np.e)  # max of normal_tilde / cauchy pdf (z = 1)
CAUCHY_ARGS = (normal_tilde, cauchy_sample, stats.cauchy.pdf)


def test_rejection_normal_from_cauchy_ks_and_shifted_negative_control():
    z = rejection_sample(*CAUCHY_ARGS, K_CAUCHY, 5_000, rng=11)
    assert z.shape == (5_000,)
    assert stats.kstest(z, stats.norm.cdf).pvalue > ALPHA
    assert stats.kstest(z, stats.norm(0.1).cdf).pvalue < ALPHA  # a shifted target


def test_rejection_with_too_small_k_would_sample_the_wrong_law():
    """Negative control: slide 48 run by hand with k too small (no check) fails KS."""
    rng = np.random.default_rng(11)
    z = rng.standard_cauchy(100_000)
    u = rng.uniform(0, 0.5 * K_CAUCHY * stats.cauchy.pdf(z))
    wrong = z[u <= normal_tilde(z)][:20_000]
    assert stats.kstest(wrong, stats.norm.cdf).pvalue < ALPHA
    with pytest.raises(ValueError, match="k must be so large"):  # the package stops
        rejection_sample(*CAUCHY_ARGS, 0.5 * K_CAUCHY, 5_000, rng=11)


def test_rejection_acceptance_rate_is_z_over_k():
    batch = rejection_proposals(*CAUCHY_ARGS, K_CAUCHY, 100_000, rng=12)
    rate = 3.0 * np.sqrt(2 * np.pi) / K_CAUCHY  # Z / k = sqrt(e / (2 pi))
    assert abs(batch.accepted.mean() - rate) < 4 * np.sqrt(rate * (1 - rate) / 1e5)


def test_rejection_gamma_target_with_exponential_proposal():
    # p~(z) = z e^{-z} (Gamma(2), Z = 1), q = Exp(mean 2); max p~/q = 4/e at z = 2
    def p_tilde(z):
        return np.where(z > 0, z * np.exp(-z), 0.0)

    z = rejection_sample(
        p_tilde,
        lambda n, rng: rng.exponential(2.0, n),
        lambda z: 0.5 * np.exp(-z / 2),
        4 / np.e,
        4_000,
        rng=12,
    )
    assert stats.kstest(z, stats.gamma(2).cdf).pvalue > ALPHA
    assert stats.kstest(z, stats.gamma(2.2).cdf).pvalue < ALPHA  # negative control


def _log_normal(z, scale):
    d = z.shape[1]
    return (
        -0.5 * np.sum(z**2, axis=1) / scale**2
        - d * np.log(scale)
        - 0.5 * d * np.log(2 * np.pi)
    )


def test_rejection_high_dimension_in_log_space():
    d, sigma = 10, 1.1
    args = (
        lambda z: _log_normal(z, 1.0),
        lambda n, rng: sigma * rng.standard_normal((n, d)),
        lambda z: _log_normal(z, sigma),
        sigma**d,
    )
    batch = rejection_proposals(*args, 100_000, log=True, rng=13)
    rate = sigma**-d
    assert abs(batch.accepted.mean() - rate) < 4 * np.sqrt(rate * (1 - rate) / 1e5)
    z = rejection_sample(*args, 2_000, log=True, rng=14)
    assert z.shape == (2_000, d)
    assert stats.kstest(z[:, 0], stats.norm.cdf).pvalue > ALPHA
    # d = 1000: every density underflows to 0.0, the log-densities do not
    d = 1_000
    big = rejection_proposals(
        lambda z: _log_normal(z, 1.0),
        lambda n, rng: rng.standard_normal((n, d)),
        lambda z: _log_normal(z, 1.0),
        1.0,
        50,
        log=True,
        rng=0,
    )
    assert np.all(np.exp(_log_normal(big.z, 1.0)) == 0.0) and big.accepted.all()


def test_rejection_is_vectorised_in_batches():
    calls = []

    def sampler(n, rng):
        calls.append(n)
        return rng.standard_cauchy(n)

    rejection_sample(normal_tilde, sampler, stats.cauchy.pdf, K_CAUCHY, 20_000, rng=0)
    assert len(calls) <= 3


def test_rejection_proposals_for_the_slide_48_figure():
    batch = rejection_proposals(*CAUCHY_ARGS, K_CAUCHY, 2_000, rng=14)
    assert batch.z.shape == batch.u.shape == batch.accepted.shape == (2_000,)
    envelope = K_CAUCHY * stats.cauchy.pdf(batch.z)
    assert np.all((batch.u > 0) & (batch.u <= envelope * (1 + 1e-12)))
    np.testing.assert_array_equal(batch.accepted, batch.u <= normal_tilde(batch.z))
    # the heights are uniform in (0, k q(z)]
    assert stats.kstest(batch.u / envelope, "uniform").pvalue > ALPHA


def test_rejection_detects_violated_bound():
    with pytest.raises(
        ValueError,
        match=r"rejection_sample: k must be so large that "
        r"k q\(z\) >= p_tilde\(z\), got log k q\(z\) = .* < log "
        r"p_tilde\(z\) = .* at z = .*\. Use k >= \d",
    ):
        rejection_sample(*CAUCHY_ARGS, 0.8 * K_CAUCHY, 1_000, rng=0)


def test_rejection_detects_zero_proposal_density():
    def uniform_pdf(z):  # density of U(-1, 1), but the sampler draws normals
        return np.where(np.abs(z) < 1, 0.5, 0.0)

    with pytest.raises(
        ValueError,
        match=r"q\(z\) must be > 0 wherever p_tilde\(z\) > 0, "
        r"got 0 at z = ",
    ):
        rejection_sample(
            normal_tilde,
            lambda n, rng: rng.standard_normal(n),
            uniform_pdf,
            10.0,
            100,
            rng=0,
        )


def test_rejection_bad_input():
    args = CAUCHY_ARGS
    with pytest.raises(ValueError, match=r"k must be a number > 0, got 0\.0"):
        rejection_sample(*args, 0.0, 10)
    with pytest.raises(TypeError, match="k must be a real number, got bool True"):
        rejection_sample(*args, True, 10)
    with pytest.raises(ValueError, match="size must be an integer >= 0, got -1"):
        rejection_sample(*args, K_CAUCHY, -1)
    with pytest.raises(ValueError, match="size must be an integer <= 10,000,000"):
        rejection_sample(*args, K_CAUCHY, 10**8)
    with pytest.raises(
        ValueError, match=r"p_tilde\(\.\.\.\) must be of shape \(1000,\)"
    ):
        rejection_sample(lambda z: np.ones((z.size, 2)), *args[1:], K_CAUCHY, 10)
    with pytest.raises(
        ValueError,
        match=r"p_tilde\(z\) must be a density \(finite, >= 0"
        r"\), got -1 at z = ",
    ):
        rejection_sample(lambda z: -np.ones(z.size), *args[1:], K_CAUCHY, 10)
    with pytest.raises(
        TypeError,
        match=r"p_tilde\(\.\.\.\) must be real numbers, got "
        r"complex numbers",
    ):
        rejection_sample(lambda z: normal_tilde(z) + 0j, *args[1:], K_CAUCHY, 10)
    with pytest.raises(
        ValueError, match=r"the value of q_sample must be 1000 rows, of shape"
    ):
        rejection_sample(
            normal_tilde, lambda n, rng: np.zeros(3), stats.cauchy.pdf, K_CAUCHY, 10
        )
    with pytest.raises(TypeError, match="p_tilde must be a function, got NoneType"):
        rejection_sample(None, *args[1:], K_CAUCHY, 10)
    with pytest.raises(
        ValueError,
        match=r"q\(z\) must be a log-density \(real or -inf\), "
        r"got nan",
    ):
        rejection_proposals(
            normal_tilde,
            cauchy_sample,
            lambda z: np.full(z.size, np.nan),
            K_CAUCHY,
            10,
            log=True,
        )
    with pytest.raises(
        RuntimeError, match="max_proposals must be enough for 100 samples"
    ):
        rejection_sample(*args, 1e6 * K_CAUCHY, 100, max_proposals=2_000, rng=0)
    assert rejection_sample(*args, K_CAUCHY, 0).size == 0


# ----------------------------------------------------------------------------------
# Importance sampling (slides 51-52)
# ----------------------------------------------------------------------------------


def test_effective_sample_size_hand_computed():
    assert effective_sample_size([1.0, 1.0, 1.0, 1.0]) == pytest.approx(4.0)
    assert effective_sample_size([5.0, 0.0, 0.0]) == pytest.approx(1.0)
    assert effective_sample_size([3.0, 1.0]) == pytest.approx(16 / 10)
    assert effective_sample_size([1.0, 2.0, 3.0]) == pytest.approx(36 / 14)
    assert effective_sample_size([1e300, 1e300]) == pytest.approx(2.0)  # no overflow
    log_w = np.log([1.0, 2.0, 3.0]) - 800  # the weights underflow, their logs do not
    assert effective_sample_size(log_w, log=True) == pytest.approx(36 / 14)
    assert effective_sample_size([0.0, -np.inf], log=True) == pytest.approx(1.0)


def test_effective_sample_size_bad_input():
    ess = effective_sample_size
    with pytest.raises(ValueError, match=r"weights must be >= 0, got -1\."):
        ess([1.0, -1.0])
    with pytest.raises(
        ValueError, match="weights must be positive somewhere, got only"
    ):
        ess([0.0, 0.0])
    with pytest.raises(ValueError, match="weights must be finite, got nan"):
        ess([1.0, np.nan])
    with pytest.raises(
        ValueError, match=r"weights must be non-empty, got shape \(0,\)"
    ):
        ess([])
    with pytest.raises(ValueError, match="weights must be real or -inf, got inf"):
        ess([0.0, np.inf], log=True)
    with pytest.raises(ValueError, match="weights must be positive somewhere"):
        ess([-np.inf, -np.inf], log=True)
    with pytest.raises(TypeError, match="weights must be real numbers, got complex"):
        ess([1.0, 1j])


def wide_sample(n, rng):
    return rng.normal(0.0, 2.0, n)


WIDE_PDF = stats.norm(0.0, 2.0).pdf
WIDE_LOGPDF = stats.norm(0.0, 2.0).logpdf
TARGET = stats.norm(1.0, 1.0)  # E[x] = 1, E[x^2] = 2


def test_importance_plain_estimator_against_independent_formula():
    res = importance_sampling(
        lambda x: x**2, TARGET.pdf, wide_sample, WIDE_PDF, 20_000, rng=15
    )
    assert abs(res.estimate - 2.0) < 4 * res.std_error
    w = TARGET.pdf(res.samples) / WIDE_PDF(res.samples)
    np.testing.assert_allclose(res.weights, w / w.sum(), rtol=1e-12)
    assert res.estimate == pytest.approx(np.mean(w * res.samples**2), rel=1e-12)
    se = np.std(w * res.samples**2, ddof=1) / np.sqrt(20_000)
    assert res.std_error == pytest.approx(se, rel=1e-10)
    assert res.ess == pytest.approx(w.sum() ** 2 / np.sum(w**2), rel=1e-10)
    logs = importance_sampling(
        lambda x: x**2,
        TARGET.logpdf,
        wide_sample,
        WIDE_LOGPDF,
        20_000,
        log=True,
        rng=15,
    )
    assert logs.estimate == pytest.approx(res.estimate, rel=1e-12)


def test_importance_plain_estimator_unbiased_over_repetitions():
    estimates = [
        importance_sampling(
            lambda x: x, TARGET.pdf, wide_sample, WIDE_PDF, 10, rng=seed
        ).estimate
        for seed in range(2_000)
    ]
    se = np.std(estimates, ddof=1) / np.sqrt(len(estimates))
    assert abs(np.mean(estimates) - 1.0) < 4 * se  # unbiased even with S = 10


def _z_scores(self_normalised: bool, size: int, reps: int) -> np.ndarray:
    """(estimate - truth) / reported standard error over repeated runs."""
    rng = np.random.default_rng(20)
    runs = [
        importance_sampling(
            lambda x: x,
            lambda x: 7 * TARGET.pdf(x) if self_normalised else TARGET.pdf(x),
            wide_sample,
            WIDE_PDF,
            size,
            self_normalised=self_normalised,
            rng=rng,
        )
        for _ in range(reps)
    ]
    return np.array([(r.estimate - 1.0) / r.std_error for r in runs])


@pytest.mark.parametrize("self_normalised", [False, True])
def test_importance_standard_error_is_calibrated(self_normalised):
    """The reported error is the real one: z-scores have sd 1, +-2 SE covers 95 %.

    Fails if the standard error is off by a factor (x1000, /1000, or x2).
    """
    z = _z_scores(self_normalised, 400, 500)
    assert 0.85 < np.std(z) < 1.15
    assert 0.91 < np.mean(np.abs(z) <= 2) < 0.98


def test_self_normalised_cancels_z_and_is_biased_but_consistent():
    def p_tilde(x):
        return 7.0 * TARGET.pdf(x)  # Z = 7

    def standard_sample(n, rng):
        return rng.standard_normal(n)

    q = stats.norm.pdf
    a = importance_sampling(
        lambda x: x, p_tilde, standard_sample, q, 50, rng=0, self_normalised=True
    )
    b = importance_sampling(
        lambda x: x, TARGET.pdf, standard_sample, q, 50, rng=0, self_normalised=True
    )
    assert a.estimate == pytest.approx(b.estimate, rel=1e-12)
    # S = 2: the mean of 1000 estimates is far from E_p[x] = 1 (biased) ...
    small = [
        importance_sampling(
            lambda x: x, p_tilde, standard_sample, q, 2, rng=seed, self_normalised=True
        ).estimate
        for seed in range(1_000)
    ]
    assert abs(np.mean(small) - 1.0) > 10 * np.std(small, ddof=1) / np.sqrt(1_000)
    # ... S = 20 000: within four standard errors (consistent)
    big = importance_sampling(
        lambda x: x, p_tilde, standard_sample, q, 20_000, rng=16, self_normalised=True
    )
    assert abs(big.estimate - 1.0) < 4 * big.std_error < 0.1
    # and its error bar is the real one (z-scores with standard deviation 1)
    z = _z_scores(True, 400, 500)
    assert 0.85 < np.std(z) < 1.15


def test_importance_weights_in_log_space_high_dimension():
    d = 1_000

    def log_q(x):
        return _log_normal(x, 1.01)

    res = importance_sampling(
        lambda x: x[:, 0] ** 2,
        lambda x: _log_normal(x, 1.0),
        lambda n, rng: 1.01 * rng.standard_normal((n, d)),
        log_q,
        2_000,
        log=True,
        rng=17,
    )
    assert np.all(np.exp(_log_normal(res.samples, 1.0)) == 0.0)  # naive: 0 / 0
    assert np.all(np.isfinite(res.weights)) and res.weights.sum() == pytest.approx(1.0)
    assert abs(res.estimate - 1.0) < 4 * res.std_error
    assert 1.0 <= res.ess <= 2_000


def test_importance_vector_valued_f():
    res = importance_sampling(
        lambda x: np.column_stack([x, x**2]),
        TARGET.pdf,
        wide_sample,
        WIDE_PDF,
        20_000,
        rng=18,
    )
    assert res.estimate.shape == res.std_error.shape == (2,)
    assert np.all(np.abs(res.estimate - [1.0, 2.0]) < 4 * res.std_error)


def test_importance_narrow_proposal_degenerates():
    res = importance_sampling(
        lambda x: x**2,
        stats.norm.pdf,
        lambda n, rng: rng.normal(0.0, 0.2, n),
        stats.norm(0.0, 0.2).pdf,
        1_000,
        rng=19,
    )
    assert res.ess < 200  # of 1000 samples
    assert abs(res.estimate - 1.0) > 10 * res.std_error  # the error bar misleads


def test_importance_bad_input():
    def truncated(x):  # N(0, 1) restricted to |x| < 1 (up to Z)
        return np.where(np.abs(x) < 1, 1.0, 0.0)

    args = (stats.norm.pdf, wide_sample, WIDE_PDF)
    with pytest.raises(
        ValueError,
        match=r"q\(x\) must be > 0 wherever p\(x\) > 0, got 0"
        r" at x = ",
    ):
        importance_sampling(
            lambda x: x, stats.norm.pdf, wide_sample, truncated, 100, rng=0
        )
    with pytest.raises(ValueError, match="size must be an integer >= 2, got 1"):
        importance_sampling(lambda x: x, *args, 1)
    with pytest.raises(
        ValueError,
        match=r"p must be positive at some samples, got "
        r"p\(x\) = 0 at all 10",
    ):
        importance_sampling(lambda x: x, lambda x: np.zeros(len(x)), *args[1:], 10)
    with pytest.raises(
        ValueError,
        match=r"p\(z\) must be a log-density \(real or -inf\)"
        r", got nan at z = ",
    ):
        importance_sampling(
            lambda x: x,
            lambda x: np.full(len(x), np.nan),
            wide_sample,
            WIDE_LOGPDF,
            10,
            log=True,
        )
    with pytest.raises(
        TypeError, match=r"p\(\.\.\.\) must be real numbers, got complex"
    ):
        importance_sampling(
            lambda x: x, lambda x: stats.norm.pdf(x) + 5j, *args[1:], 10
        )
    with pytest.raises(ValueError, match=r"the value of f must be 10 rows, of shape"):
        importance_sampling(lambda x: x[:3], *args, 10)
    with pytest.raises(TypeError, match="q_sample must be a function"):
        importance_sampling(lambda x: x, stats.norm.pdf, 3, WIDE_PDF, 10)
    # a target that is zero where q is positive is fine: weight 0 there
    res = importance_sampling(
        lambda x: x**2,
        truncated,
        wide_sample,
        WIDE_PDF,
        1_000,
        rng=0,
        self_normalised=True,
    )
    assert res.weights[np.abs(res.samples) >= 1].sum() == 0.0


# ----------------------------------------------------------------------------------
# Metropolis-Hastings (slide 52)
# ----------------------------------------------------------------------------------


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
    samples, rate = metropolis_hastings(
        gamma3_log, 3.0, 3_000, step_size=3.0, burn_in=500, thin=THIN, rng=20
    )
    assert samples.shape == (3_000,)
    assert 0.2 < rate < 0.8
    assert stats.kstest(samples, stats.gamma(3).cdf).pvalue > ALPHA
    assert stats.kstest(samples, stats.gamma(3, loc=0.3).cdf).pvalue < ALPHA  # shifted


@pytest.mark.parametrize("bug", ["sqrt ratio", "drops rejected states"])
def test_metropolis_hastings_ks_negative_control(bug):
    chain = _wrong_mh(gamma3_log, 3.0, 30_500, 3.0, 20, bug)[500:][::THIN][:3_000]
    assert stats.kstest(chain, stats.gamma(3).cdf).pvalue < ALPHA


def test_metropolis_hastings_acceptance_rate_standard_normal():
    step = 2.4
    _, rate = metropolis_hastings(
        lambda x: -0.5 * x**2, 0.0, 60_000, step_size=step, rng=21
    )
    exact = 2 / np.pi * np.arctan(2 / step)  # stationary acceptance rate, N(0, 1)
    assert rate == pytest.approx(exact, abs=0.01)


def test_metropolis_hastings_two_dimensional_correlated_gaussian():
    prec = np.linalg.inv(np.array([[1.0, 0.8], [0.8, 1.0]]))
    samples, _ = metropolis_hastings(
        lambda x: -0.5 * x @ prec @ x,
        np.zeros(2),
        3_000,
        step_size=0.8,
        burn_in=200,
        thin=15,
        rng=22,
    )
    assert samples.shape == (3_000, 2)
    assert stats.kstest(samples[:, 0], stats.norm.cdf).pvalue > ALPHA
    diff = (samples[:, 0] - samples[:, 1]) / np.sqrt(0.4)  # Var[x1 - x2] = 0.4
    assert stats.kstest(diff, stats.norm.cdf).pvalue > ALPHA


@pytest.mark.parametrize(
    ("burn_in", "thin", "n"), [(0, 1, 5), (3, 1, 4), (2, 3, 4), (0, 4, 3), (5, 2, 0)]
)
def test_metropolis_hastings_thinning_phase(burn_in, thin, n):
    """Documented: keep x_t for t = burn_in + j thin, j = 1..n (x_0 = x0 never)."""
    visited = []

    def flat(x):  # every proposal is accepted; record the states in order
        visited.append(np.array(x, copy=True))
        return 0.0

    samples, rate = metropolis_hastings(
        flat, np.zeros(2), n, step_size=1.0, burn_in=burn_in, thin=thin, rng=0
    )
    assert len(visited) == 1 + burn_in + n * thin and rate in (1.0, 0.0)
    kept = [visited[burn_in + j * thin] for j in range(1, n + 1)]
    np.testing.assert_array_equal(samples, np.reshape(kept, (n, 2)))


def test_metropolis_hastings_bad_input_and_seed():
    mh = metropolis_hastings
    with pytest.raises(
        ValueError,
        match=r"x0 must be a state with log_p_tilde\(x0\) > "
        r"-inf, got -inf. Start the chain inside",
    ):
        mh(gamma3_log, -1.0, 10, step_size=1.0)
    with pytest.raises(ValueError, match="thin must be an integer >= 1, got 0"):
        mh(gamma3_log, 1.0, 10, step_size=1.0, thin=0)
    with pytest.raises(ValueError, match="step_size must be a number > 0, got 0.0"):
        mh(gamma3_log, 1.0, 10, step_size=0.0)
    with pytest.raises(TypeError, match="step_size"):
        mh(gamma3_log, 1.0, 10)
    with pytest.raises(ValueError, match="n_samples must be an integer >= 0, got -2"):
        mh(gamma3_log, 1.0, -2, step_size=1.0)
    with pytest.raises(ValueError, match="steps \\* dimension must be an integer <= "):
        mh(lambda x: 0.0, np.zeros(100), 10**6, step_size=1.0)
    with pytest.raises(
        ValueError,
        match=r"log_p_tilde\(x\) must be a real number or "
        r"-inf, got nan at x = ",
    ):
        mh(lambda x: np.nan if x > 1.5 else 0.0, 1.0, 100, step_size=1.0, rng=0)
    with pytest.raises(
        TypeError,
        match=r"log_p_tilde\(\.\.\.\) must be real numbers, "
        r"got complex",
    ):
        mh(lambda x: -0.5 * x**2 + 0j, 1.0, 10, step_size=1.0, rng=0)
    with pytest.raises(
        ValueError, match=r"log_p_tilde\(\.\.\.\) must be of shape \(\)"
    ):
        mh(lambda x: np.zeros(3), 1.0, 10, step_size=1.0, rng=0)
    a, _ = mh(gamma3_log, 1.0, 50, step_size=1.0, rng=3)
    np.testing.assert_array_equal(a, mh(gamma3_log, 1.0, 50, step_size=1.0, rng=3)[0])
