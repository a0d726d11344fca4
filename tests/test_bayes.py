"""Tests of lecture_utils.bayes against independent references.

References: dense NumPy formulas (small, well-conditioned problems), a
60-digit mpmath computation (the ill-conditioned degree-16 lecture problem),
``regression.fit_map``, ``scipy.stats.multivariate_normal`` for the evidence,
``scipy.integrate.quad`` and closed forms for the integrals, and statistical
checks (k standard errors, KS tests) at fixed seeds for the Monte Carlo parts.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from lecture_utils import bayes, regression

# --------------------------------------------------------------------------- helpers


def dense_posterior(Phi, y, noise_var, prior_var):
    """Textbook formulas with an explicit inverse (fine when well conditioned)."""
    d = Phi.shape[1]
    precision = Phi.T @ Phi / noise_var + np.eye(d) / prior_var
    cov = np.linalg.inv(precision)
    mean = cov @ Phi.T @ y / noise_var
    return mean, cov, precision


def small_problem(seed, n=12, d=4):
    rng = np.random.default_rng(seed)
    Phi = rng.standard_normal((n, d))
    y = Phi @ rng.standard_normal(d) + 0.3 * rng.standard_normal(n)
    Phi_new = rng.standard_normal((7, d))
    return Phi, y, Phi_new


def mp_predictive(Phi, y, Phi_new, noise_var, prior_var, dps=60):
    """Posterior predictive (latent) mean and variance in dps-digit arithmetic.

    The float64 entries of Phi, y and Phi_new are taken as exact, so the
    reference isolates the error of the algorithm from that of building Phi.
    """
    d = Phi.shape[1]
    with mpmath.workdps(dps):
        P = mpmath.matrix(Phi.tolist())
        Pn = mpmath.matrix(Phi_new.tolist())
        L = P.T * P / mpmath.mpf(noise_var) + mpmath.eye(d) / mpmath.mpf(prior_var)
        mean_theta = mpmath.lu_solve(L, P.T * mpmath.matrix(y.tolist()) / mpmath.mpf(noise_var))
        L_inv = mpmath.inverse(L)
        mean = Pn * mean_theta
        var = [(Pn[i, :] * L_inv * Pn[i, :].T)[0] for i in range(Pn.rows)]
        return np.array([float(v) for v in mean]), np.array([float(v) for v in var])


@pytest.fixture(scope="module")
def lecture():
    x, y = regression.make_lecture_data()
    x_grid = np.linspace(-5.0, 5.0, 41)
    return {
        "x": x,
        "y": y,
        "Phi": regression.polynomial_features(x, 16),
        "Phi_grid": regression.polynomial_features(x_grid, 16),
    }


# --------------------------------------------------------------------------- posterior


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("noise_var", "prior_var"), [(0.1, 1.0), (1.0, 0.5), (0.01, 10.0)])
def test_posterior_matches_dense_formulas(seed, noise_var, prior_var):
    Phi, y, _ = small_problem(seed)
    mean, cov, precision = dense_posterior(Phi, y, noise_var, prior_var)
    post = bayes.fit_posterior(Phi, y, noise_var=noise_var, prior_var=prior_var)
    np.testing.assert_allclose(post.mean, mean, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(post.cov, cov, rtol=1e-10, atol=1e-14)
    U = post.chol_precision
    np.testing.assert_allclose(np.tril(U, -1), 0.0, atol=0.0)
    assert np.all(np.diag(U) > 0)
    np.testing.assert_allclose(U.T @ U, precision, rtol=1e-10)
    # U is *the* Cholesky factor (unique with positive diagonal)
    np.testing.assert_allclose(U, np.linalg.cholesky(precision).T, rtol=1e-9, atol=1e-12)
    assert post.noise_var == noise_var and post.prior_var == prior_var
    assert post.n_features == Phi.shape[1]


@pytest.mark.parametrize("seed", [0, 3])
def test_predictive_matches_dense_formulas(seed):
    Phi, y, Phi_new = small_problem(seed)
    noise_var, prior_var = 0.2, 2.0
    mean, cov, _ = dense_posterior(Phi, y, noise_var, prior_var)
    post = bayes.fit_posterior(Phi, y, noise_var=noise_var, prior_var=prior_var)
    m, v = bayes.predictive(post, Phi_new)
    m_lat, v_lat = bayes.predictive(post, Phi_new, include_noise=False)
    latent = np.einsum("ij,jk,ik->i", Phi_new, cov, Phi_new)
    np.testing.assert_allclose(m, Phi_new @ mean, rtol=1e-10)
    np.testing.assert_allclose(m_lat, m, rtol=0, atol=0)
    np.testing.assert_allclose(v_lat, latent, rtol=1e-10)
    np.testing.assert_allclose(v, latent + noise_var, rtol=1e-10)


def test_more_features_than_data_is_fine():
    # the prior makes the problem well posed with N < D
    Phi, y, _ = small_problem(5, n=3, d=6)
    mean, cov, _ = dense_posterior(Phi, y, 0.5, 1.5)
    post = bayes.fit_posterior(Phi, y, noise_var=0.5, prior_var=1.5)
    np.testing.assert_allclose(post.mean, mean, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(post.cov, cov, rtol=1e-10, atol=1e-13)


def test_no_data_gives_the_prior():
    post = bayes.fit_posterior(np.zeros((0, 3)), np.zeros(0), noise_var=1.0, prior_var=2.5)
    np.testing.assert_allclose(post.mean, 0.0)
    np.testing.assert_allclose(post.cov, 2.5 * np.eye(3), rtol=1e-14)


@pytest.mark.parametrize("degree", [1, 5, 16])
@pytest.mark.parametrize(("noise_var", "prior_var"), [(0.04, 1.0), (0.5, 0.01)])
def test_posterior_mean_equals_fit_map(lecture, degree, noise_var, prior_var):
    Phi = regression.polynomial_features(lecture["x"], degree)
    post = bayes.fit_posterior(Phi, lecture["y"], noise_var=noise_var, prior_var=prior_var)
    theta_map = regression.fit_map(Phi, lecture["y"], noise_var=noise_var, prior_var=prior_var)
    # compare the fitted functions (coefficients of degree 16 are ill-determined)
    np.testing.assert_allclose(
        lecture["Phi_grid"][:, : degree + 1] @ post.mean,
        lecture["Phi_grid"][:, : degree + 1] @ theta_map,
        rtol=1e-6,
        atol=1e-9,
    )
    if degree <= 5:
        np.testing.assert_allclose(post.mean, theta_map, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize(
    ("noise_var", "prior_var"), [(0.04, 1e-2), (0.04, 1.0), (0.04, 1e2), (0.04, 1e4), (1.0, 1e4)]
)
def test_degree16_lecture_problem_matches_mpmath(lecture, noise_var, prior_var):
    """Ill-conditioned (cond(Λ) ~ 1e22-1e24): 1e-8 relative against 60 digits."""
    Phi, y, Phi_grid = lecture["Phi"], lecture["y"], lecture["Phi_grid"]
    ref_mean, ref_var = mp_predictive(Phi, y, Phi_grid, noise_var, prior_var)
    post = bayes.fit_posterior(Phi, y, noise_var=noise_var, prior_var=prior_var)
    mean, var = bayes.predictive(post, Phi_grid, include_noise=False)
    assert np.all(var >= 0)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-8, atol=0)
    np.testing.assert_allclose(var, ref_var, rtol=1e-8, atol=0)
    _, var_y = bayes.predictive(post, Phi_grid)
    np.testing.assert_allclose(var_y, ref_var + noise_var, rtol=1e-8, atol=0)


def test_naive_normal_equations_fail_where_qr_succeeds(lecture):
    """The reason for the factorisation: the explicit inverse loses the digits."""
    Phi, y, Phi_grid = lecture["Phi"], lecture["y"], lecture["Phi_grid"]
    ref_mean, _ = mp_predictive(Phi, y, Phi_grid, 0.04, 1.0)
    naive, _, _ = dense_posterior(Phi, y, 0.04, 1.0)
    post = bayes.fit_posterior(Phi, y, noise_var=0.04, prior_var=1.0)
    err_naive = np.max(np.abs(Phi_grid @ naive - ref_mean) / np.abs(ref_mean))
    err_qr = np.max(np.abs(bayes.predictive(post, Phi_grid)[0] - ref_mean) / np.abs(ref_mean))
    assert err_qr < 1e-8 < 1e-4 < err_naive


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    log_noise=st.floats(-8, 4),
    log_prior=st.floats(-4, 8),
    col_scale=st.floats(0, 12),
)
def test_predictive_variance_never_negative(seed, log_noise, log_prior, col_scale):
    rng = np.random.default_rng(seed)
    # columns spanning many orders of magnitude and nearly collinear
    base = rng.standard_normal((8, 1))
    Phi = base + 1e-9 * rng.standard_normal((8, 5))
    Phi *= 10.0 ** (col_scale * np.linspace(0, 1, 5))
    y = rng.standard_normal(8)
    post = bayes.fit_posterior(Phi, y, noise_var=10.0**log_noise, prior_var=10.0**log_prior)
    Phi_new = rng.standard_normal((6, 5)) * 10.0 ** (col_scale * np.linspace(0, 1, 5))
    _, var_lat = bayes.predictive(post, Phi_new, include_noise=False)
    _, var_obs = bayes.predictive(post, Phi_new)
    assert np.all(var_lat >= 0)
    assert np.all(var_obs >= post.noise_var)
    assert np.all(np.isfinite(var_obs))


def test_predictive_band_widens_away_from_data(lecture):
    post = bayes.fit_posterior(lecture["Phi"], lecture["y"], noise_var=0.04, prior_var=1.0)
    inside = regression.polynomial_features(np.array([0.0]), 16)
    outside = regression.polynomial_features(np.array([6.0]), 16)
    assert bayes.predictive(post, outside)[1][0] > 100 * bayes.predictive(post, inside)[1][0]


# --------------------------------------------------------------------------- interval, densities


@pytest.mark.parametrize("level", [0.5, 0.95, 0.99])
def test_predictive_interval_matches_scipy(level):
    mean = np.array([0.0, 1.5, -2.0])
    var = np.array([1.0, 0.25, 9.0])
    lo, hi = bayes.predictive_interval(mean, var, level=level)
    ref_lo, ref_hi = stats.norm.interval(level, loc=mean, scale=np.sqrt(var))
    np.testing.assert_allclose(lo, ref_lo, rtol=1e-12)
    np.testing.assert_allclose(hi, ref_hi, rtol=1e-12)


def test_predictive_interval_zero_variance():
    lo, hi = bayes.predictive_interval([2.0], [0.0])
    np.testing.assert_array_equal(lo, [2.0])
    np.testing.assert_array_equal(hi, [2.0])


def test_gaussian_log_density_matches_scipy():
    y = np.array([-1.0, 0.0, 3.0])
    mean = np.array([0.5, 0.0, -1.0])
    var = np.array([0.1, 2.0, 4.0])
    np.testing.assert_allclose(
        bayes.gaussian_log_density(y, mean, var),
        stats.norm.logpdf(y, loc=mean, scale=np.sqrt(var)),
        rtol=1e-13,
    )


def test_log_predictive_density_matches_scipy():
    Phi, y, Phi_new = small_problem(7)
    y_new = np.random.default_rng(8).standard_normal(Phi_new.shape[0])
    post = bayes.fit_posterior(Phi, y, noise_var=0.3, prior_var=1.0)
    mean, cov, _ = dense_posterior(Phi, y, 0.3, 1.0)
    sd = np.sqrt(np.einsum("ij,jk,ik->i", Phi_new, cov, Phi_new) + 0.3)
    np.testing.assert_allclose(
        bayes.log_predictive_density(post, Phi_new, y_new),
        stats.norm.logpdf(y_new, loc=Phi_new @ mean, scale=sd),
        rtol=1e-10,
    )


# --------------------------------------------------------------------------- evidence


def dense_evidence(Phi, y, noise_var, prior_var):
    cov = noise_var * np.eye(len(y)) + prior_var * Phi @ Phi.T
    return stats.multivariate_normal(mean=np.zeros(len(y)), cov=cov).logpdf(y)


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 15),
    d=st.integers(1, 6),
    log_noise=st.floats(-2, 1),
    log_prior=st.floats(-2, 1),
)
def test_evidence_matches_multivariate_normal(seed, n, d, log_noise, log_prior):
    rng = np.random.default_rng(seed)
    Phi = rng.standard_normal((n, d))
    y = rng.standard_normal(n)
    nv, pv = 10.0**log_noise, 10.0**log_prior
    np.testing.assert_allclose(
        bayes.log_marginal_likelihood(Phi, y, noise_var=nv, prior_var=pv),
        dense_evidence(Phi, y, nv, pv),
        rtol=1e-9,
    )


@pytest.mark.parametrize("degree", [0, 1, 2, 3, 4, 5])
def test_evidence_on_lecture_data(lecture, degree):
    Phi = regression.polynomial_features(lecture["x"], degree)
    np.testing.assert_allclose(
        bayes.log_marginal_likelihood(Phi, lecture["y"], noise_var=0.04, prior_var=1.0),
        dense_evidence(Phi, lecture["y"], 0.04, 1.0),
        rtol=1e-7,
    )


def test_evidence_degree16_matches_mpmath(lecture):
    """The N x N covariance of degree 16 is too ill-conditioned for float64 Cholesky."""
    Phi, y = lecture["Phi"], lecture["y"]
    nv, pv = 0.04, 1.0
    with mpmath.workdps(60):
        P = mpmath.matrix(Phi.tolist())
        C = P * P.T * mpmath.mpf(pv) + mpmath.eye(len(y)) * mpmath.mpf(nv)
        Y = mpmath.matrix(y.tolist())
        quad = (Y.T * mpmath.lu_solve(C, Y))[0]
        ref = float(-(quad + mpmath.log(mpmath.det(C)) + len(y) * mpmath.log(2 * mpmath.pi)) / 2)
    got = bayes.log_marginal_likelihood(Phi, y, noise_var=nv, prior_var=pv)
    np.testing.assert_allclose(got, ref, rtol=1e-9)


def test_evidence_prefers_a_moderate_degree(lecture):
    scores = [
        bayes.log_marginal_likelihood(
            regression.polynomial_features(lecture["x"], m), lecture["y"],
            noise_var=0.04, prior_var=1.0,
        )
        for m in range(17)
    ]
    best = int(np.argmax(scores))
    assert 3 <= best <= 10
    assert scores[best] > scores[0] + 5 and scores[best] > scores[16] + 5


def test_scaled_features_chapter_setting(lecture):
    """The chapter's model: features (x/5)^k, noise 0.2^2, prior variance 100.

    Same polynomials as the raw monomials (the MLE curve is unchanged), but the
    prior now restrains every degree: the degree-16 posterior matches 60 digits,
    the evidence peaks at a moderate degree and the band widens off the data.
    """
    x, y = lecture["x"], lecture["y"]
    x_grid = np.linspace(-5.0, 5.0, 41)
    nv, pv = 0.04, 100.0
    Phi = regression.polynomial_features(x, 16, scale=5.0)
    Phi_grid = regression.polynomial_features(x_grid, 16, scale=5.0)
    np.testing.assert_allclose(
        Phi_grid @ regression.fit_mle(Phi, y),
        lecture["Phi_grid"] @ regression.fit_mle(lecture["Phi"], y),
        rtol=1e-6,
        atol=1e-6,
    )
    ref_mean, ref_var = mp_predictive(Phi, y, Phi_grid, nv, pv)
    post = bayes.fit_posterior(Phi, y, noise_var=nv, prior_var=pv)
    mean, var = bayes.predictive(post, Phi_grid, include_noise=False)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-10, atol=0)
    np.testing.assert_allclose(var, ref_var, rtol=1e-10, atol=0)
    # a sensible fit: inside the data range the mean is close to the true function
    inside = (x_grid > x.min()) & (x_grid < x.max())
    assert np.max(np.abs(mean - regression.true_function(x_grid))[inside]) < 0.5
    # the band hugs the data and widens beyond the outermost points
    assert np.sqrt(var[np.argmin(np.abs(x_grid))]) < np.sqrt(nv)
    assert np.sqrt(var[0]) > 10 * np.sqrt(nv) and np.sqrt(var[-1]) > 10 * np.sqrt(nv)
    scores = [
        bayes.log_marginal_likelihood(
            regression.polynomial_features(x, m, scale=5.0), y, noise_var=nv, prior_var=pv
        )
        for m in range(17)
    ]
    assert int(np.argmax(scores)) == 4
    assert scores[4] > scores[3] + 50 and scores[4] > scores[16] + 2


# --------------------------------------------------------------------------- sampling, MC


def test_sample_posterior_moments_and_ks():
    Phi, y, _ = small_problem(11, d=3)
    post = bayes.fit_posterior(Phi, y, noise_var=0.5, prior_var=1.0)
    S = 20_000
    theta = bayes.sample_posterior(post, S, rng=123)
    assert theta.shape == (S, 3)
    sd = np.sqrt(np.diag(post.cov))
    # sample mean within 4 standard errors
    assert np.all(np.abs(theta.mean(axis=0) - post.mean) < 4 * sd / np.sqrt(S))
    # sample covariance: each entry within 5 of its standard errors
    C = post.cov
    sample_cov = np.cov(theta.T)
    se_cov = np.sqrt((C**2 + np.outer(np.diag(C), np.diag(C))) / S)
    assert np.all(np.abs(sample_cov - C) < 5 * se_cov)
    # one-dimensional projections are N(aᵀm, aᵀΣa): KS test
    a = np.array([1.0, -2.0, 0.5])
    z = (theta @ a - a @ post.mean) / np.sqrt(a @ C @ a)
    assert stats.kstest(z, "norm").pvalue > 1e-3


def test_sample_posterior_reproducible_with_seed():
    Phi, y, _ = small_problem(1)
    post = bayes.fit_posterior(Phi, y, noise_var=0.5, prior_var=1.0)
    a = bayes.sample_posterior(post, 5, rng=7)
    b = bayes.sample_posterior(post, 5, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, bayes.sample_posterior(post, 5, rng=8))


def test_sample_posterior_degree16_covariance(lecture):
    """Samples from the ill-conditioned posterior reproduce the predictive variance."""
    post = bayes.fit_posterior(lecture["Phi"], lecture["y"], noise_var=0.04, prior_var=1.0)
    S = 20_000
    theta = bayes.sample_posterior(post, S, rng=3)
    f = lecture["Phi_grid"] @ theta.T
    _, var = bayes.predictive(post, lecture["Phi_grid"], include_noise=False)
    # sample variance of a Gaussian: relative standard error sqrt(2/(S-1))
    np.testing.assert_array_less(np.abs(f.var(axis=1, ddof=1) / var - 1), 5 * np.sqrt(2 / S))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mc_predictive_density_within_standard_errors(lecture, seed):
    post = bayes.fit_posterior(lecture["Phi"], lecture["y"], noise_var=0.04, prior_var=1.0)
    x_test = np.array([-3.0, -0.5, 1.0, 2.5, 4.0])
    Phi_test = regression.polynomial_features(x_test, 16)
    # test values within about one predictive standard deviation: far in the tails the
    # density is a rare-event average and the sample standard error is itself unreliable
    m, v = bayes.predictive(post, Phi_test)
    y_test = m + np.array([-1.0, 0.5, 0.0, 0.8, -0.3]) * np.sqrt(v)
    exact = np.exp(bayes.log_predictive_density(post, Phi_test, y_test))
    est, se = bayes.mc_predictive_density(post, Phi_test, y_test, n_samples=4000, rng=seed)
    assert np.all(se > 0)
    assert np.all(np.abs(est - exact) < 4 * se)


def test_mc_predictive_density_converges():
    Phi, y, Phi_new = small_problem(2)
    post = bayes.fit_posterior(Phi, y, noise_var=0.3, prior_var=1.0)
    y_new = Phi_new @ post.mean + 0.2
    exact = np.exp(bayes.log_predictive_density(post, Phi_new, y_new))
    errs = []
    for S in (100, 10_000):
        est, se = bayes.mc_predictive_density(post, Phi_new, y_new, n_samples=S, rng=5)
        assert np.all(np.abs(est - exact) < 4 * se)
        errs.append(np.max(se))
    # standard error falls like 1/sqrt(S): a factor 10 for 100x the samples
    assert 7 < errs[0] / errs[1] < 14


def test_mc_predictive_moments(lecture):
    post = bayes.fit_posterior(lecture["Phi"], lecture["y"], noise_var=0.04, prior_var=1.0)
    Phi_test = regression.polynomial_features(np.array([-2.0, 0.0, 3.0]), 16)
    S = 20_000
    m_mc, v_mc = bayes.mc_predictive(post, Phi_test, n_samples=S, rng=9)
    m, v = bayes.predictive(post, Phi_test)
    _, v_lat = bayes.predictive(post, Phi_test, include_noise=False)
    assert np.all(np.abs(m_mc - m) < 4 * np.sqrt(v_lat / S))
    assert np.all(np.abs((v_mc - 0.04) / v_lat - 1) < 4 * np.sqrt(2 / S))
    _, v_mc_lat = bayes.mc_predictive(post, Phi_test, n_samples=S, rng=9, include_noise=False)
    np.testing.assert_allclose(v_mc, v_mc_lat + 0.04, rtol=1e-12)
    assert v_mc.shape == v.shape == (3,)


# --------------------------------------------------------------------------- integrals


@pytest.mark.parametrize(
    ("f", "a", "b"),
    [(np.exp, 0.0, 1.0), (np.sin, 0.0, np.pi), (lambda x: 1 / (1 + x**2), -3.0, 5.0)],
)
def test_gauss_legendre_matches_quad(f, a, b):
    ref, _ = integrate.quad(f, a, b, epsabs=1e-13, epsrel=1e-12)
    assert bayes.gauss_legendre(f, a, b, n_points=64) == pytest.approx(ref, rel=1e-12)


def test_gauss_legendre_exact_for_polynomials():
    # n nodes integrate degree 2n-1 exactly
    p = np.polynomial.Polynomial([1.0, -2.0, 0.5, 3.0, 0.0, 1.0, -1.0, 2.0])  # degree 7
    exact = p.integ()(2.0) - p.integ()(-1.0)
    assert bayes.gauss_legendre(p, -1.0, 2.0, n_points=4) == pytest.approx(exact, rel=1e-13)
    assert bayes.gauss_legendre(p, -1.0, 2.0, n_points=3) != pytest.approx(exact, rel=1e-6)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_tensor_grid_gaussian_integral(d):
    f = lambda p: np.exp(-0.5 * np.sum(p**2, axis=1))  # noqa: E731
    got = bayes.tensor_grid_integrate(f, -8 * np.ones(d), 8 * np.ones(d), n_per_dim=48)
    assert got == pytest.approx((2 * np.pi) ** (d / 2), rel=1e-10)


def test_three_ways_agree_on_correlated_gaussian():
    """Slide 41: E[x], V[x], Cov[x, y] by closed form, quadrature and Monte Carlo."""
    mu = np.array([1.0, -0.5])
    Sigma = np.array([[2.0, 0.6], [0.6, 0.5]])
    dist = stats.multivariate_normal(mu, Sigma)
    lower, upper = mu - 10 * np.sqrt(np.diag(Sigma)), mu + 10 * np.sqrt(np.diag(Sigma))
    mean_q, cov_q = bayes.quadrature_moments(dist.pdf, lower, upper, n_per_dim=80)
    np.testing.assert_allclose(mean_q, mu, rtol=1e-10)
    np.testing.assert_allclose(cov_q, Sigma, rtol=1e-10)
    S = 100_000
    xy = dist.rvs(size=S, random_state=np.random.default_rng(0))
    mean_mc, cov_mc, se = bayes.mc_moments(xy)
    assert np.all(np.abs(mean_mc - mu) < 4 * se)
    np.testing.assert_allclose(se, np.sqrt(np.diag(Sigma) / S), rtol=0.02)
    cross = bayes.mc_cross_covariance(xy[:, 0], xy[:, 1])
    assert cross.shape == (1, 1)
    se_cross = np.sqrt((Sigma[0, 1] ** 2 + Sigma[0, 0] * Sigma[1, 1]) / S)
    assert abs(cross[0, 0] - Sigma[0, 1]) < 4 * se_cross
    assert abs(cov_mc[0, 1] - cross[0, 0]) < 1e-12


def test_quadrature_moments_gamma_unnormalised():
    k, theta = 3.0, 0.5  # mean k theta, variance k theta^2

    def pdf(p):
        x = p[:, 0]
        return x ** (k - 1) * np.exp(-x / theta)  # no normaliser

    mean, cov = bayes.quadrature_moments(pdf, 0.0, 40.0, n_per_dim=200)
    assert mean[0] == pytest.approx(k * theta, rel=1e-10)
    assert cov[0, 0] == pytest.approx(k * theta**2, rel=1e-9)


def test_mc_moments_match_numpy():
    x = np.random.default_rng(1).standard_normal((50, 3))
    mean, cov, se = bayes.mc_moments(x)
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(cov, np.cov(x.T), rtol=1e-12)
    np.testing.assert_allclose(se, x.std(axis=0, ddof=1) / np.sqrt(50), rtol=1e-12)
    y = np.random.default_rng(2).standard_normal((50, 2))
    np.testing.assert_allclose(
        bayes.mc_cross_covariance(x, y), np.cov(x.T, y.T)[:3, 3:], rtol=1e-12, atol=1e-15
    )


# --------------------------------------------------------------------------- bad input


def test_bad_variances():
    Phi, y, _ = small_problem(0)
    with pytest.raises(ValueError, match=r"fit_posterior: noise_var must be a finite number > 0"):
        bayes.fit_posterior(Phi, y, noise_var=0.0, prior_var=1.0)
    with pytest.raises(ValueError, match=r"fit_posterior: prior_var must be a finite number > 0"):
        bayes.fit_posterior(Phi, y, noise_var=1.0, prior_var=-2.0)
    with pytest.raises(ValueError, match=r"log_marginal_likelihood: noise_var .* got inf"):
        bayes.log_marginal_likelihood(Phi, y, noise_var=np.inf, prior_var=1.0)
    with pytest.raises(TypeError, match=r"fit_posterior: prior_var must be a real number"):
        bayes.fit_posterior(Phi, y, noise_var=1.0, prior_var="big")


def test_bad_shapes():
    Phi, y, Phi_new = small_problem(0)
    with pytest.raises(ValueError, match=r"fit_posterior: Phi has 12 rows .* but y has 11 entries"):
        bayes.fit_posterior(Phi, y[:-1], noise_var=1.0, prior_var=1.0)
    with pytest.raises(ValueError, match=r"fit_posterior: Phi must have 2 dimension"):
        bayes.fit_posterior(Phi[:, 0], y, noise_var=1.0, prior_var=1.0)
    with pytest.raises(ValueError, match=r"log_marginal_likelihood: y must have 1 dimension"):
        bayes.log_marginal_likelihood(Phi, y[:, None], noise_var=1.0, prior_var=1.0)
    post = bayes.fit_posterior(Phi, y, noise_var=1.0, prior_var=1.0)
    with pytest.raises(ValueError, match=r"predictive: Phi_new has 3 features .* 4 weights"):
        bayes.predictive(post, Phi_new[:, :3])
    with pytest.raises(ValueError, match=r"log_predictive_density: y_new must have shape \(7,\)"):
        bayes.log_predictive_density(post, Phi_new, np.zeros(6))
    with pytest.raises(ValueError, match=r"mc_predictive_density: y_new must have shape"):
        bayes.mc_predictive_density(post, Phi_new, np.zeros(6), n_samples=10)
    with pytest.raises(TypeError, match=r"predictive: posterior must be a GaussianPosterior"):
        bayes.predictive((post.mean, post.cov), Phi_new)
    with pytest.raises(ValueError, match=r"predictive_interval: mean has shape \(2,\) but var"):
        bayes.predictive_interval([0.0, 1.0], [1.0])
    with pytest.raises(ValueError, match=r"mc_cross_covariance: x has 5 samples .* y has 4"):
        bayes.mc_cross_covariance(np.zeros(5), np.zeros(4))
    with pytest.raises(ValueError, match=r"mc_moments: samples needs at least 2 samples"):
        bayes.mc_moments(np.zeros((1, 3)))


def test_non_finite_data():
    Phi, y, _ = small_problem(0)
    y_bad = y.copy()
    y_bad[3] = np.nan
    with pytest.raises(ValueError, match=r"fit_posterior: y must be finite, but entry \[3\]"):
        bayes.fit_posterior(Phi, y_bad, noise_var=1.0, prior_var=1.0)
    Phi_bad = Phi.copy()
    Phi_bad[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"log_marginal_likelihood: Phi must be finite"):
        bayes.log_marginal_likelihood(Phi_bad, y, noise_var=1.0, prior_var=1.0)
    post = bayes.fit_posterior(Phi, y, noise_var=1.0, prior_var=1.0)
    with pytest.raises(ValueError, match=r"predictive: Phi_new must be finite"):
        bayes.predictive(post, np.full((1, 4), np.nan))
    with pytest.raises(TypeError, match=r"fit_posterior: Phi must be real numbers"):
        bayes.fit_posterior([["a", "b"]], [1.0], noise_var=1.0, prior_var=1.0)


def test_bad_counts_and_levels():
    Phi, y, Phi_new = small_problem(0)
    post = bayes.fit_posterior(Phi, y, noise_var=1.0, prior_var=1.0)
    with pytest.raises(ValueError, match=r"sample_posterior: n_samples must be an integer >= 1"):
        bayes.sample_posterior(post, 0)
    with pytest.raises(TypeError, match=r"mc_predictive: n_samples must be an integer"):
        bayes.mc_predictive(post, Phi_new, n_samples=100.0)
    with pytest.raises(ValueError, match=r"predictive_interval: level must be in \(0, 1\)"):
        bayes.predictive_interval([0.0], [1.0], level=1.0)
    with pytest.raises(ValueError, match=r"predictive_interval: var must be >= 0, but entry \[1\]"):
        bayes.predictive_interval([0.0, 0.0], [1.0, -1e-3])
    with pytest.raises(ValueError, match=r"gaussian_log_density: var must be > 0"):
        bayes.gaussian_log_density(0.0, 0.0, 0.0)


def test_bad_integration_input():
    with pytest.raises(ValueError, match=r"gauss_legendre: upper must exceed lower .* dimension 0"):
        bayes.gauss_legendre(np.exp, 1.0, 0.0)
    with pytest.raises(ValueError, match=r"gauss_legendre: f must return one value per point"):
        bayes.gauss_legendre(lambda x: 1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"tensor_grid_integrate: a grid of 10\^8 .* Monte Carlo"):
        bayes.tensor_grid_integrate(lambda p: p[:, 0], np.zeros(8), np.ones(8), n_per_dim=10)
    with pytest.raises(ValueError, match=r"quadrature_moments: pdf must be non-negative"):
        bayes.quadrature_moments(lambda p: p[:, 0], -1.0, 1.0)
    with pytest.raises(ValueError, match=r"quadrature_moments: pdf integrates to 0"):
        bayes.quadrature_moments(lambda p: 0 * p[:, 0], -1.0, 1.0)
    with pytest.raises(ValueError, match=r"tensor_grid_integrate: lower has shape \(2,\)"):
        bayes.tensor_grid_integrate(lambda p: p[:, 0], [0.0, 0.0], [1.0])
    with pytest.raises(ValueError, match=r"gauss_legendre: f\(points\) must be finite"):
        bayes.gauss_legendre(lambda x: np.full_like(x, np.nan), 0.0, 1.0)
