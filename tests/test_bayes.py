"""Tests of lecture_utils.bayes against independent references.

References: a 60-digit mpmath oracle (the ill-conditioned degree-16 lecture
problem, raw monomials and scaled features), dense textbook formulas on small
well-conditioned problems, ``scipy.stats`` densities, ``scipy.integrate.quad``
and closed forms for the integrals, and statistical checks at fixed seeds (with
negative controls) for everything random. The tests named ``test_chapter_*``
assert the claims that book/bayesian_integration.ipynb prints, with margins that
hold on every OpenBLAS kernel (measured under Prescott, Sandybridge, Haswell,
SkylakeX and Zen, 1 and 2 threads).
"""

from __future__ import annotations

import re
from unittest import mock

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, linalg, stats

from lecture_utils import bayes, regression

NOISE_VAR, PRIOR_VAR = regression.DEFAULT_NOISE_STD**2, 100.0  # the chapter's setting

# --------------------------------------------------------------------------- oracles


def mp_predictive(Phi, y, Phi_new, noise_var, prior_var, dps=60):
    """Predictive mean and latent variance in ``dps``-digit arithmetic.

    The float64 entries of Phi, y, Phi_new and the variances are taken as
    exact, so the reference measures the error of the algorithm alone.
    """
    with mpmath.workdps(dps):
        P, N = mpmath.matrix(Phi.tolist()), mpmath.matrix(Phi_new.tolist())
        nv, pv = mpmath.mpf(noise_var), mpmath.mpf(prior_var)
        cov = mpmath.inverse(P.T * P / nv + mpmath.eye(P.cols) / pv)  # 60 digits
        mean = N * (cov * (P.T * mpmath.matrix(y.tolist())) / nv)
        var = [(N[i, :] * cov * N[i, :].T)[0] for i in range(N.rows)]
        return np.array([float(v) for v in mean]), np.array([float(v) for v in var])


def mp_log_evidence(Phi, y, noise_var, prior_var, dps=60):
    """log N(y | 0, noise_var I + prior_var Phi Phi^T) in dps-digit arithmetic."""
    with mpmath.workdps(dps):
        P, Y = mpmath.matrix(Phi.tolist()), mpmath.matrix(y.tolist())
        C = P * P.T * mpmath.mpf(prior_var) + mpmath.eye(P.rows) * mpmath.mpf(noise_var)
        quad = (Y.T * mpmath.lu_solve(C, Y))[0]
        return float(
            -(quad + mpmath.log(mpmath.det(C)) + P.rows * mpmath.log(2 * mpmath.pi)) / 2
        )


def dense_posterior(Phi, y, noise_var, prior_var):
    """Textbook formulas with an explicit inverse (fine when well conditioned)."""
    precision = Phi.T @ Phi / noise_var + np.eye(Phi.shape[1]) / prior_var
    cov = np.linalg.inv(precision)
    return cov @ Phi.T @ y / noise_var, cov, precision


def small_problem(seed, n=12, d=4):
    rng = np.random.default_rng(seed)
    Phi = rng.standard_normal((n, d))
    y = Phi @ rng.standard_normal(d) + 0.3 * rng.standard_normal(n)
    return Phi, y, rng.standard_normal((7, d))


@pytest.fixture(scope="module")
def lecture():
    x, y = regression.make_lecture_data()
    x_grid = np.linspace(-5.0, 5.0, 41)
    return {"x": x, "y": y, "x_grid": x_grid}


def features(x, scale):
    return regression.polynomial_features(x, 16, scale=scale)


# --------------------------------------------------------------------------- posterior


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(
    ("noise_var", "prior_var"), [(0.1, 1.0), (1.0, 0.5), (0.01, 10.0)]
)
def test_posterior_matches_dense_formulas(seed, noise_var, prior_var):
    Phi, y, _ = small_problem(seed)
    mean, _, precision = dense_posterior(Phi, y, noise_var, prior_var)
    post = bayes.fit_posterior(Phi, y, noise_var=noise_var, prior_var=prior_var)
    np.testing.assert_allclose(post.mean, mean, rtol=1e-11, atol=1e-13)
    np.testing.assert_array_equal(np.tril(post.R, -1), 0.0)
    assert np.all(np.diag(post.R) > 0)
    np.testing.assert_allclose(post.R.T @ post.R, precision, rtol=1e-12)
    # R is *the* Cholesky factor of Λ (unique with a positive diagonal)
    np.testing.assert_allclose(
        post.R, np.linalg.cholesky(precision).T, rtol=1e-10, atol=1e-13
    )
    assert (post.noise_var, post.prior_var) == (noise_var, prior_var)


def test_predictive_matches_dense_formulas():
    Phi, y, Phi_new = small_problem(3)
    mean, cov, _ = dense_posterior(Phi, y, 0.2, 2.0)
    post = bayes.fit_posterior(Phi, y, noise_var=0.2, prior_var=2.0)
    m, v = bayes.predictive(post, Phi_new)
    m_lat, v_lat = bayes.predictive(post, Phi_new, include_noise=False)
    latent = np.einsum("ij,jk,ik->i", Phi_new, cov, Phi_new)
    np.testing.assert_allclose(m, Phi_new @ mean, rtol=1e-11)
    np.testing.assert_array_equal(m_lat, m)
    np.testing.assert_allclose(v_lat, latent, rtol=1e-11)
    np.testing.assert_allclose(v, latent + 0.2, rtol=1e-11)


def test_more_features_than_data_and_no_data():
    Phi, y, _ = small_problem(5, n=3, d=6)  # the prior makes N < D well posed
    mean, _, _ = dense_posterior(Phi, y, 0.5, 1.5)
    post = bayes.fit_posterior(Phi, y, noise_var=0.5, prior_var=1.5)
    np.testing.assert_allclose(post.mean, mean, rtol=1e-10, atol=1e-13)
    empty = bayes.fit_posterior(
        np.zeros((0, 3)), np.zeros(0), noise_var=1.0, prior_var=2.5
    )
    np.testing.assert_array_equal(empty.mean, 0.0)  # no data: the prior N(0, 2.5 I)
    np.testing.assert_allclose(empty.R, np.eye(3) / np.sqrt(2.5), rtol=1e-15)


@pytest.mark.parametrize("degree", [1, 5, 16])
def test_posterior_mean_is_the_map_estimate(lecture, degree):
    Phi = regression.polynomial_features(lecture["x"], degree, scale=5.0)
    post = bayes.fit_posterior(Phi, lecture["y"], noise_var=0.04, prior_var=1.0)
    theta_map = regression.fit_map(Phi, lecture["y"], noise_var=0.04, prior_var=1.0)
    np.testing.assert_allclose(post.mean, theta_map, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    ("scale", "rtol_mean", "rtol_var"), [(1.0, 1e-6, 1e-7), (5.0, 1e-11, 1e-11)]
)
@pytest.mark.parametrize(
    ("noise_var", "prior_var"),
    [(0.04, 1e-2), (0.04, 1.0), (0.04, 1e2), (0.04, 1e4), (1.0, 1e4)],
)
def test_degree16_predictive_matches_mpmath(
    lecture, scale, rtol_mean, rtol_var, noise_var, prior_var
):
    """Raw monomials (cond(Λ) ~ 1e21-1e24): worst 7e-8 measured; (x/5)^k: 6e-14."""
    Phi, Phi_grid = features(lecture["x"], scale), features(lecture["x_grid"], scale)
    ref_mean, ref_var = mp_predictive(Phi, lecture["y"], Phi_grid, noise_var, prior_var)
    post = bayes.fit_posterior(
        Phi, lecture["y"], noise_var=noise_var, prior_var=prior_var
    )
    mean, var = bayes.predictive(post, Phi_grid, include_noise=False)
    assert np.max(np.abs(mean - ref_mean)) < rtol_mean * np.max(np.abs(ref_mean))
    np.testing.assert_allclose(var, ref_var, rtol=rtol_var, atol=0)
    np.testing.assert_allclose(
        bayes.predictive(post, Phi_grid)[1], ref_var + noise_var, rtol=rtol_var, atol=0
    )


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    log_noise=st.floats(-8, 4),
    log_prior=st.floats(-4, 8),
    col_scale=st.floats(0, 12),
)
def test_predictive_variance_never_negative(seed, log_noise, log_prior, col_scale):
    rng = np.random.default_rng(seed)
    growth = 10.0 ** (col_scale * np.linspace(0, 1, 5))  # nearly collinear, wild scales
    Phi = (rng.standard_normal((8, 1)) + 1e-9 * rng.standard_normal((8, 5))) * growth
    post = bayes.fit_posterior(
        Phi,
        rng.standard_normal(8),
        noise_var=10.0**log_noise,
        prior_var=10.0**log_prior,
    )
    Phi_new = rng.standard_normal((6, 5)) * growth
    assert np.all(bayes.predictive(post, Phi_new, include_noise=False)[1] >= 0)
    assert np.all(bayes.predictive(post, Phi_new)[1] >= post.noise_var)


# --------------------------------------------------------------------------- densities


@pytest.mark.parametrize("level", [0.5, 0.95, 0.99])
def test_predictive_interval_matches_scipy(level):
    mean, var = np.array([0.0, 1.5, -2.0]), np.array([1.0, 0.25, 9.0])
    lo, hi = bayes.predictive_interval(mean, var, level)
    ref_lo, ref_hi = stats.norm.interval(level, loc=mean, scale=np.sqrt(var))
    np.testing.assert_allclose(lo, ref_lo, rtol=1e-13)
    np.testing.assert_allclose(hi, ref_hi, rtol=1e-13)
    np.testing.assert_array_equal(bayes.predictive_interval([2.0], [0.0])[0], [2.0])


def test_log_predictive_density_matches_scipy():
    Phi, y, Phi_new = small_problem(7)
    y_new = np.random.default_rng(8).standard_normal(len(Phi_new))
    mean, cov, _ = dense_posterior(Phi, y, 0.3, 1.0)
    sd = np.sqrt(np.einsum("ij,jk,ik->i", Phi_new, cov, Phi_new) + 0.3)
    post = bayes.fit_posterior(Phi, y, noise_var=0.3, prior_var=1.0)
    np.testing.assert_allclose(
        bayes.log_predictive_density(post, Phi_new, y_new),
        stats.norm.logpdf(y_new, loc=Phi_new @ mean, scale=sd),
        rtol=1e-11,
    )


def bayes_identity_evidence(Phi, y, noise_var, prior_var):
    """log p(y) = log p(y | m) + log p(m) - log p(m | y), Bayes' theorem at θ = m."""
    mean, cov, _ = dense_posterior(Phi, y, noise_var, prior_var)
    return (
        stats.norm.logpdf(y, Phi @ mean, np.sqrt(noise_var)).sum()
        + stats.norm.logpdf(mean, 0.0, np.sqrt(prior_var)).sum()
        - stats.multivariate_normal(mean, cov).logpdf(mean)
    )


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 15),
    d=st.integers(1, 6),
    log_noise=st.floats(-2, 1),
    log_prior=st.floats(-2, 1),
)
def test_evidence_matches_bayes_identity(seed, n, d, log_noise, log_prior):
    rng = np.random.default_rng(seed)
    Phi, y = rng.standard_normal((n, d)), rng.standard_normal(n)
    nv, pv = 10.0**log_noise, 10.0**log_prior
    np.testing.assert_allclose(
        bayes.log_marginal_likelihood(Phi, y, noise_var=nv, prior_var=pv),
        bayes_identity_evidence(Phi, y, nv, pv),
        rtol=1e-9,
    )


def test_evidence_degree16_scaled_matches_mpmath(lecture):
    Phi = features(lecture["x"], 5.0)
    got = bayes.log_marginal_likelihood(
        Phi, lecture["y"], noise_var=NOISE_VAR, prior_var=PRIOR_VAR
    )
    assert got == pytest.approx(
        mp_log_evidence(Phi, lecture["y"], NOISE_VAR, PRIOR_VAR), rel=1e-10
    )


# --------------------------------------------------------------------------- sampling


def gaussian_checks(theta, mean, cov):
    """Sample mean within 4 standard errors, covariance within 5, KS of a projection."""
    S = len(theta)
    se_cov = np.sqrt((cov**2 + np.outer(np.diag(cov), np.diag(cov))) / S)
    a = np.linspace(1.0, -2.0, len(mean))
    z = (theta @ a - a @ mean) / np.sqrt(a @ cov @ a)
    return (
        np.all(np.abs(theta.mean(axis=0) - mean) < 4 * np.sqrt(np.diag(cov) / S))
        and np.all(np.abs(np.cov(theta.T) - cov) < 5 * se_cov)
        and stats.kstest(z, "norm").pvalue > 1e-3
    )


def test_sample_posterior_is_the_posterior_with_negative_control():
    Phi, y, _ = small_problem(11, d=3)
    post = bayes.fit_posterior(Phi, y, noise_var=0.5, prior_var=1.0)
    _, cov, _ = dense_posterior(Phi, y, 0.5, 1.0)
    theta = bayes.sample_posterior(post, 20_000, rng=123)
    assert theta.shape == (20_000, 3)
    assert gaussian_checks(theta, post.mean, cov)
    # negative control: m + R^{-T} z has covariance R^{-T} R^{-1}, not R^{-1} R^{-T}
    z = np.random.default_rng(123).standard_normal((3, 20_000))
    wrong = post.mean + linalg.solve_triangular(post.R, z, trans="T").T
    assert not gaussian_checks(wrong, post.mean, cov)


def test_sample_posterior_seeds():
    Phi, y, _ = small_problem(1)
    post = bayes.fit_posterior(Phi, y, noise_var=0.5, prior_var=1.0)
    a = bayes.sample_posterior(post, 5, rng=7)
    np.testing.assert_array_equal(
        a, bayes.sample_posterior(post, 5, rng=np.random.default_rng(7))
    )
    assert not np.array_equal(a, bayes.sample_posterior(post, 5, rng=8))


def mc_density_sd(post, Phi_new, y_new):
    """Exact standard deviation of one term N(y | φᵀθ, σ²), θ ~ posterior.

    With f = φᵀθ ~ N(μ, v): N(y | f, σ²)² = N(y | f, σ²/2) / (2σ√π), so
    E[p²] = N(y | μ, σ²/2 + v) / (2σ√π) and V[p] = E[p²] − N(y | μ, σ² + v)².
    """
    mu, v = bayes.predictive(post, Phi_new, include_noise=False)
    s2 = post.noise_var
    second = stats.norm.pdf(y_new, mu, np.sqrt(s2 / 2 + v)) / (2 * np.sqrt(np.pi * s2))
    return np.sqrt(second - stats.norm.pdf(y_new, mu, np.sqrt(s2 + v)) ** 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mc_predictive_density_estimate_and_standard_error(lecture, seed):
    post = bayes.fit_posterior(
        features(lecture["x"], 5.0),
        lecture["y"],
        noise_var=NOISE_VAR,
        prior_var=PRIOR_VAR,
    )
    Phi_new = features(np.array([-4.0, -1.0, 1.5, 4.0]), 5.0)
    m, v = bayes.predictive(post, Phi_new)
    y_new = m + np.array([-1.0, 0.5, 0.0, 0.8]) * np.sqrt(v)
    exact = np.exp(bayes.log_predictive_density(post, Phi_new, y_new))
    S = 4000
    est, se = bayes.mc_predictive_density(post, Phi_new, y_new, n_samples=S, rng=seed)
    assert np.all(np.abs(est - exact) < 4 * se)
    # the reported standard error is the true one (not 1000x, not without the 1/√S)
    np.testing.assert_allclose(
        se, mc_density_sd(post, Phi_new, y_new) / np.sqrt(S), rtol=0.15
    )


def test_mc_predictive_density_validates_once(lecture):
    post = bayes.fit_posterior(
        features(lecture["x"], 5.0), lecture["y"], noise_var=0.04, prior_var=1.0
    )
    with mock.patch.object(
        bayes, "_check_posterior", wraps=bayes._check_posterior
    ) as spy:
        bayes.mc_predictive_density(
            post, features(np.zeros(1), 5.0), [0.0], n_samples=10, rng=0
        )
    assert spy.call_count == 1


# --------------------------------------------------------------------------- integrals


@pytest.mark.parametrize(
    ("f", "a", "b"),
    [(np.exp, 0.0, 1.0), (np.sin, 0.0, np.pi), (lambda x: 1 / (1 + x**2), -3.0, 5.0)],
)
def test_gauss_legendre_matches_quad(f, a, b):
    ref, _ = integrate.quad(f, a, b, epsabs=1e-14, epsrel=1e-13)
    assert bayes.gauss_legendre(f, a, b, n_points=64) == pytest.approx(ref, rel=1e-12)


def test_gauss_legendre_exact_up_to_degree_2n_minus_1():
    p7 = np.polynomial.Polynomial([1.0, -2.0, 0.5, 3.0, 0.0, 1.0, -1.0, 2.0])
    p8 = p7 + np.polynomial.Polynomial([0.0] * 8 + [1.0])
    for p in (p7, p8):
        exact = p.integ()(2.0) - p.integ()(-1.0)
        got = bayes.gauss_legendre(p, -1.0, 2.0, n_points=4)
        assert (got == pytest.approx(exact, rel=1e-13)) == (p is p7)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_tensor_grid_gaussian_integral(d):
    got = bayes.tensor_grid_integrate(
        lambda p: np.exp(-0.5 * np.sum(p**2, axis=1)),
        -8 * np.ones(d),
        8 * np.ones(d),
        n_per_dim=48,
    )
    assert got == pytest.approx((2 * np.pi) ** (d / 2), rel=1e-10)


def test_tensor_grid_on_a_box_with_different_sides():
    got = bayes.tensor_grid_integrate(
        lambda p: p[:, 0] ** 2 * p[:, 1], [0.0, -1.0], [3.0, 2.0], n_per_dim=3
    )
    assert got == pytest.approx(9.0 * 1.5, rel=1e-13)  # ∫x² dx ∫y dy = 9 · 3/2


def test_quadrature_moments_correlated_gaussian_and_unnormalised_gamma():
    mu, Sigma = np.array([1.0, -0.5]), np.array([[2.0, 0.6], [0.6, 0.5]])
    sd = np.sqrt(np.diag(Sigma))
    mean, cov = bayes.quadrature_moments(
        stats.multivariate_normal(mu, Sigma).pdf,
        mu - 10 * sd,
        mu + 10 * sd,
        n_per_dim=80,
    )
    np.testing.assert_allclose(mean, mu, rtol=1e-10)
    np.testing.assert_allclose(cov, Sigma, rtol=1e-10)
    mean, cov = bayes.quadrature_moments(
        lambda p: p[:, 0] ** 2 * np.exp(-2 * p[:, 0]), 0.0, 40.0, n_per_dim=200
    )  # Gamma(3, 1/2)
    assert (mean[0], cov[0, 0]) == (
        pytest.approx(1.5, rel=1e-10),
        pytest.approx(0.75, rel=1e-9),
    )


def test_mc_moments_against_closed_form_with_negative_control():
    mu, Sigma = (
        np.array([1.0, -0.5, 2.0]),
        np.array([[2.0, 0.6, 0], [0.6, 0.5, 0.1], [0, 0.1, 1.0]]),
    )
    S = 50_000
    x = np.random.default_rng(0).multivariate_normal(mu, Sigma, size=S)
    mean, cov, se = bayes.mc_moments(x)
    assert gaussian_checks(x, mean, cov) and gaussian_checks(x, mu, Sigma)
    np.testing.assert_allclose(se, np.sqrt(np.diag(Sigma) / S), rtol=0.02)
    se_cov = np.sqrt((Sigma**2 + np.outer(np.diag(Sigma), np.diag(Sigma))) / S)
    assert np.all(np.abs(cov - Sigma) < 5 * se_cov)
    assert not np.all(np.abs(1.1 * cov - Sigma) < 5 * se_cov)  # a 10% error is caught
    two = bayes.mc_moments([0.0, 2.0])  # divisor S - 1: variance 2, standard error 1
    assert (two[0][0], two[1][0, 0], two[2][0]) == (1.0, 2.0, 1.0)
    one_d = bayes.mc_moments(x[:, 0])
    assert one_d[1].shape == (1, 1) and one_d[1][0, 0] == pytest.approx(
        cov[0, 0], rel=1e-12
    )


# ------------------------------------------------------------------------ the chapter


@pytest.fixture(scope="module")
def chapter(lecture):
    x, y = lecture["x"], lecture["y"]
    x_plot = np.linspace(-5, 5, 400)
    Phi, Phi_plot = features(x, 5.0), features(x_plot, 5.0)
    return {
        "x": x,
        "y": y,
        "x_plot": x_plot,
        "Phi": Phi,
        "Phi_plot": Phi_plot,
        "post": bayes.fit_posterior(Phi, y, noise_var=NOISE_VAR, prior_var=PRIOR_VAR),
    }


def precision(Phi, noise_var=NOISE_VAR, prior_var=PRIOR_VAR):
    return Phi.T @ Phi / noise_var + np.eye(Phi.shape[1]) / prior_var


def test_chapter_map_and_bayes_mean_coincide(chapter):
    """Prints 'MAP and Bayes mean differ by less than 1e-10 ...: True' (7e-14)."""
    theta_map = regression.fit_map(
        chapter["Phi"], chapter["y"], noise_var=NOISE_VAR, prior_var=PRIOR_VAR
    )
    mean, _ = bayes.predictive(chapter["post"], chapter["Phi_plot"])
    assert np.max(np.abs(chapter["Phi_plot"] @ theta_map - mean)) < 1e-10 / 100


def test_chapter_band_widens_away_from_the_data(chapter):
    """Latent sd below σ_n at x = 0, several σ_n in the gap, ~40 σ_n at the edges."""
    Phi = features(np.array([0.0, -4.0, -5.0, 5.0]), 5.0)
    sd = np.sqrt(bayes.predictive(chapter["post"], Phi, include_noise=False)[1])
    sigma = np.sqrt(NOISE_VAR)
    assert sd[0] < sigma and 4 * sigma < sd[1] < 10 * sigma
    assert 25 * sigma < min(sd[2:]) and max(sd[2:]) < 60 * sigma


def test_chapter_conditioning_claims(chapter):
    """Prints cond(Λ) = 6.3e+04 for (x/5)^k and 'above 1e20: True' for x^k."""
    cond_scaled = np.linalg.cond(precision(chapter["Phi"]))
    assert 6.25e4 < cond_scaled < 6.35e4  # 6.3339e4 on every kernel
    Phi_raw = features(chapter["x"], 1.0)
    assert np.linalg.cond(precision(Phi_raw)) > 1e20 * 4  # computed: 4e23-2e24
    with mpmath.workdps(60):
        exact = mpmath.matrix(precision(Phi_raw).tolist())
        eigs = mpmath.eigsy(exact)[0]
        assert max(eigs) / min(eigs) > 1e23  # 3.8e23


def test_chapter_explicit_inverse_loses_the_digits(chapter):
    """The dropdown's three claims (measured minima 8e-2, 0.16, 9e-4 over kernels)."""
    Phi_raw, Phi_plot_raw = (
        features(chapter["x"], 1.0),
        features(chapter["x_plot"], 1.0),
    )
    post_raw = bayes.fit_posterior(
        Phi_raw, chapter["y"], noise_var=NOISE_VAR, prior_var=PRIOR_VAR
    )
    mean, var = bayes.predictive(post_raw, Phi_plot_raw, include_noise=False)
    cov_naive = np.linalg.inv(precision(Phi_raw))
    mean_naive = Phi_plot_raw @ (cov_naive @ Phi_raw.T @ chapter["y"] / NOISE_VAR)
    var_naive = np.einsum("ij,jk,ik->i", Phi_plot_raw, cov_naive, Phi_plot_raw)
    assert np.max(np.abs(mean_naive - mean)) / np.max(np.abs(mean)) > 10 * 1e-3
    assert np.max(np.abs(var_naive - var) / var) > 5 * 0.01
    assert (
        np.max(np.abs(cov_naive - cov_naive.T)) / np.max(np.abs(cov_naive)) > 10 * 1e-5
    )


def test_chapter_bayes_predicts_best_on_held_out_data(chapter):
    """The chapter's held-out table: Bayes has the best log-likelihood of MLE, MAP and
    Bayes, narrowly overall and clearly beyond the data (same random stream)."""
    rng = np.random.default_rng(40)
    bayes.sample_posterior(chapter["post"], 20, rng=rng)  # the figure's 20 polynomials
    x_test, y_test = regression.make_lecture_data(200, rng=rng)
    Phi_test = features(x_test, 5.0)
    theta_map = regression.fit_map(chapter["Phi"], chapter["y"], noise_var=NOISE_VAR,
                                   prior_var=PRIOR_VAR)
    ll_map = stats.norm.logpdf(y_test, Phi_test @ theta_map, np.sqrt(NOISE_VAR))
    ll_bayes = bayes.log_predictive_density(chapter["post"], Phi_test, y_test)
    beyond = (x_test < chapter["x"].min()) | (x_test > chapter["x"].max())
    assert ll_map.mean() < ll_bayes.mean() < ll_map.mean() + 0.05
    assert ll_bayes[beyond].mean() > ll_map[beyond].mean() + 0.5
    assert ll_bayes[~beyond].mean() < ll_map[~beyond].mean()  # insurance costs inside


def test_chapter_evidence_claims(chapter):
    """Picks degree 4; -11.2 at degree 4 and -15.2 at degree 16 (printed to 0.1)."""
    scores = np.array(
        [
            bayes.log_marginal_likelihood(
                regression.polynomial_features(chapter["x"], m, scale=5.0),
                chapter["y"],
                noise_var=NOISE_VAR,
                prior_var=PRIOR_VAR,
            )
            for m in range(17)
        ]
    )
    assert int(np.argmax(scores)) == 4
    assert abs(scores[4] + 11.2) < 0.04 and abs(scores[16] + 15.2) < 0.04


def test_chapter_statistics_are_integrals():
    """Quadrature prints 1.5000 3.0000 0.7500 4.0000 1.5000; Gauss-Legendre 1.500000."""
    gamma = stats.gamma(a=3.0, scale=0.5)

    def joint_pdf(p):
        return gamma.pdf(p[:, 0]) * stats.norm.pdf(p[:, 1], loc=2 * p[:, 0])

    mean, cov = bayes.quadrature_moments(
        joint_pdf, [0.0, -8.0], [15.0, 38.0], n_per_dim=150
    )
    np.testing.assert_allclose(mean, [1.5, 3.0], atol=5e-6)
    np.testing.assert_allclose(cov, [[0.75, 1.5], [1.5, 4.0]], atol=5e-6)
    got = bayes.gauss_legendre(lambda t: t * gamma.pdf(t), 0.0, 15.0, n_points=100)
    assert abs(got - 1.5) < 5e-8


def test_chapter_mc_constant_depends_on_dimension():
    """E5: relative sd of one sample of cos(sum of x): 0.74 (d = 1), 8.6 (d = 5)."""
    rel_sd = {}
    for d in (1, 5):
        exact_sd = np.sqrt((1 + np.exp(-2 * d)) / 2 - np.exp(-d)) / np.exp(-d / 2)
        f = np.cos(np.random.default_rng(d).standard_normal((400_000, d)).sum(axis=1))
        assert (
            abs(f.std() / np.exp(-d / 2) / exact_sd - 1) < 0.01
        )  # the formula is right
        rel_sd[d] = exact_sd
    assert f"{rel_sd[1]:.2f}" == "0.74" and f"{rel_sd[5]:.1f}" == "8.6"
    assert round((rel_sd[5] / rel_sd[1]) ** 2) == 135


def test_chapter_grid_errors_grow_with_dimension():
    """The table's grid column, 1.5e-02 ... 7.4e-02, from 12 nodes per axis."""
    errs = []
    for d in range(1, 6):
        exact = np.exp(-d / 2)
        got = bayes.tensor_grid_integrate(
            lambda p: (
                np.cos(p.sum(axis=1))
                * stats.multivariate_normal(np.zeros(p.shape[1])).pdf(p)
            ),
            -6 * np.ones(d),
            6 * np.ones(d),
            n_per_dim=12,
        )
        errs.append(abs(got - exact) / exact)
    assert np.all(np.diff(errs) > 0)
    assert [f"{e:.1e}" for e in (errs[0], errs[-1])] == ["1.5e-02", "7.4e-02"]


# --------------------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def small():
    Phi, y, Phi_new = small_problem(0)
    return Phi, y, Phi_new, bayes.fit_posterior(Phi, y, noise_var=1.0, prior_var=1.0)


def test_bad_data_and_variances(small):
    Phi, y, _, _ = small
    fit = bayes.fit_posterior
    with pytest.raises(
        ValueError,
        match=r"^fit_posterior: noise_var must be a number > 0, "
        r"got 0\.0\.$",
    ):
        fit(Phi, y, noise_var=0.0, prior_var=1.0)
    with pytest.raises(
        ValueError, match=r"log_marginal_likelihood: prior_var must be a finite"
    ):
        bayes.log_marginal_likelihood(Phi, y, noise_var=1.0, prior_var=np.inf)
    with pytest.raises(
        TypeError,
        match=r"fit_posterior: prior_var must be a real number, got "
        r"bool True",
    ):
        fit(Phi, y, noise_var=1.0, prior_var=True)
    with pytest.raises(
        ValueError,
        match=re.escape("fit_posterior: y must be of shape (12,), got shape (11,)."),
    ):
        fit(Phi, y[:-1], noise_var=1.0, prior_var=1.0)
    with pytest.raises(
        ValueError, match=r"fit_posterior: Phi must be an array with 2 axes"
    ):
        fit(Phi[:, 0], y, noise_var=1.0, prior_var=1.0)
    with pytest.raises(
        ValueError,
        match=r"fit_posterior: y must be finite, got nan at entry "
        r"\[3\]",
    ):
        fit(Phi, np.where(np.arange(12) == 3, np.nan, y), noise_var=1.0, prior_var=1.0)
    with pytest.raises(
        TypeError, match=r"fit_posterior: Phi must be real numbers, got complex"
    ):
        fit(Phi + 1j, y, noise_var=1.0, prior_var=1.0)
    with pytest.raises(
        TypeError,
        match=r"fit_posterior: Phi must be real numbers, got an "
        r"array of dtype <U1",
    ):
        fit([["a", "b"]], [1.0], noise_var=1.0, prior_var=1.0)
    with pytest.raises(
        ValueError, match=r"fit_posterior: Phi must be small: \(N \+ D\) max"
    ):
        fit(np.zeros((8000, 1)), np.zeros(8000), noise_var=1.0, prior_var=1.0)


def test_overflow_and_subnormal_data(small):
    Phi, _, _, post = small
    with pytest.raises(
        ValueError,
        match=r"fit_posterior: Phi / sqrt\(noise_var\) and y must "
        r"be within double precision, got an overflow to inf\. Rescale",
    ):
        bayes.fit_posterior(Phi, np.full(12, 4.5e307), noise_var=0.01, prior_var=1.0)
    with pytest.raises(ValueError, match=r"predictive: Phi_new must be within double"):
        bayes.predictive(post, np.full((1, 4), 1e300))
    tiny = bayes.fit_posterior(
        np.full((3, 2), 5e-324), [1.0, 2.0, 3.0], noise_var=1.0, prior_var=1.0
    )
    np.testing.assert_allclose(
        tiny.mean, 0.0, atol=1e-300
    )  # the data say nothing: prior
    assert np.all(np.isfinite(tiny.R))


def test_bad_posterior_containers(small):
    _, _, Phi_new, post = small
    with pytest.raises(
        TypeError,
        match=r"predictive: posterior must be a GaussianPosterior, "
        r"got tuple .* Create it with fit_posterior",
    ):
        bayes.predictive((post.mean, post.R), Phi_new)
    lower = bayes.GaussianPosterior(post.mean, post.R.T, 1.0, 1.0)
    with pytest.raises(
        ValueError,
        match=r"sample_posterior: posterior\.R must be upper "
        r"triangular with a positive diagonal",
    ):
        bayes.sample_posterior(lower, 3, rng=0)
    short = bayes.GaussianPosterior(post.mean[:3], post.R, 1.0, 1.0)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "log_predictive_density: posterior.R must "
            "be of shape (3, 3), got shape (4, 4)."
        ),
    ):
        bayes.log_predictive_density(short, Phi_new, np.zeros(7))
    bad = bayes.GaussianPosterior(np.full(4, np.nan), post.R, 1.0, 1.0)
    with pytest.raises(
        ValueError,
        match=r"mc_predictive_density: posterior\.mean must be "
        r"finite",
    ):
        bayes.mc_predictive_density(bad, Phi_new, np.zeros(7), n_samples=5, rng=0)
    negative = bayes.GaussianPosterior(post.mean, post.R, -1.0, 1.0)
    with pytest.raises(
        ValueError, match=r"predictive: posterior\.noise_var must be a number"
    ):
        bayes.predictive(negative, Phi_new)


def test_bad_features_rng_and_counts(small):
    _, _, Phi_new, post = small
    with pytest.raises(
        ValueError,
        match=re.escape(
            "predictive: Phi_new must be of shape (*, 4), got shape (7, 3)."
        ),
    ):
        bayes.predictive(post, Phi_new[:, :3])
    with pytest.raises(TypeError, match=r"predictive: include_noise must be a bool"):
        bayes.predictive(post, Phi_new, include_noise="yes")
    with pytest.raises(
        ValueError,
        match=re.escape(
            "mc_predictive_density: y_new must be of shape (7,), got shape (6,)."
        ),
    ):
        bayes.mc_predictive_density(post, Phi_new, np.zeros(6), n_samples=10, rng=0)
    for rng, error in [
        ("abc", TypeError),
        (True, TypeError),
        (-1, ValueError),
        (2.5, TypeError),
    ]:
        with pytest.raises(error, match=r"sample_posterior: rng must be"):
            bayes.sample_posterior(post, 3, rng=rng)
    with pytest.raises(
        ValueError, match=r"sample_posterior: n_samples must be an integer >= 1"
    ):
        bayes.sample_posterior(post, 0)
    with pytest.raises(
        TypeError,
        match=r"mc_predictive_density: n_samples must be an integer,"
        r" got float 100\.0",
    ):
        bayes.mc_predictive_density(post, Phi_new, np.zeros(7), n_samples=100.0)
    with pytest.raises(
        ValueError,
        match=r"sample_posterior: n_samples must be an integer <= "
        r"12,500,000, got 10,000,000,000\. This limit keeps",
    ):
        bayes.sample_posterior(post, 10**10)


def test_bad_intervals():
    with pytest.raises(
        ValueError,
        match=r"predictive_interval: level must be in \(0, 1\), got "
        r"1\.0\. E\.g\. 0\.95",
    ):
        bayes.predictive_interval([0.0], [1.0], 1.0)
    with pytest.raises(
        ValueError,
        match=r"predictive_interval: var must be non-negative, got "
        r"minimum -0\.001",
    ):
        bayes.predictive_interval([0.0, 0.0], [1.0, -1e-3])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "predictive_interval: var must be of shape (2,), got shape (1,)."
        ),
    ):
        bayes.predictive_interval([0.0, 1.0], [1.0])


def test_evidence_refuses_a_numerically_singular_covariance(lecture):
    with pytest.raises(
        ValueError,
        match=r"log_marginal_likelihood: Phi must be scaled so that "
        r".* positive definite in double precision.* scale=5",
    ):
        bayes.log_marginal_likelihood(
            features(lecture["x"], 1.0),
            lecture["y"],
            noise_var=NOISE_VAR,
            prior_var=PRIOR_VAR,
        )


def test_integration_size_caps_do_not_allocate():
    # was: 6.7 GiB for gauss_legendre(n_points=30000), 728 TiB for a 1e7-node grid
    with pytest.raises(
        ValueError,
        match=r"gauss_legendre: n_points must be an integer <= "
        r"2,000, got 30,000",
    ):
        bayes.gauss_legendre(np.exp, 0.0, 1.0, n_points=30_000)
    with pytest.raises(
        ValueError,
        match=r"tensor_grid_integrate: n_per_dim must be an integer"
        r" <= 2,000, got 10,000,000",
    ):
        bayes.tensor_grid_integrate(np.sum, [0.0], [1.0], n_per_dim=10**7)
    with pytest.raises(
        ValueError,
        match=r"quadrature_moments: n_per_dim\*\*d must be at most "
        r"50,000,000 floats of grid, got 100\*\*4 points, 1\.4e\+09 floats\. A "
        r"grid costs n\*\*d evaluations: use Monte Carlo",
    ):
        bayes.quadrature_moments(np.sum, np.zeros(4), np.ones(4), n_per_dim=100)
    # the guard counts 3 d + 2 floats per point: 40**4 points pass, 45**4 do not
    assert bayes.tensor_grid_integrate(
        lambda p: np.ones(len(p)), np.zeros(4), np.ones(4), n_per_dim=40
    ) == pytest.approx(1.0, rel=1e-12)
    with pytest.raises(ValueError, match=r"got 45\*\*4 points, 5\.74e\+07 floats"):
        bayes.tensor_grid_integrate(np.sum, np.zeros(4), np.ones(4), n_per_dim=45)


def test_bad_integrands_and_boxes():
    with pytest.raises(
        ValueError,
        match=r"gauss_legendre: upper must be greater than lower, "
        r"entry by entry",
    ):
        bayes.gauss_legendre(np.exp, 1.0, 0.0)
    with pytest.raises(
        ValueError, match=r"gauss_legendre: lower must be an array with 0 axes"
    ):
        bayes.gauss_legendre(np.exp, [0.0, 1.0], [1.0, 2.0])
    with pytest.raises(
        TypeError, match=r"tensor_grid_integrate: f must be a function, got str"
    ):
        bayes.tensor_grid_integrate("sin", [0.0], [1.0])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "gauss_legendre: the value of f(...) must be "
            "of shape (64,), got shape (). Check the "
            "function passed as f."
        ),
    ):
        bayes.gauss_legendre(lambda x: 1.0, 0.0, 1.0)
    with pytest.raises(
        TypeError,
        match=r"tensor_grid_integrate: the value of f\(\.\.\.\) must "
        r"be real numbers, got complex",
    ):
        bayes.tensor_grid_integrate(lambda p: p[:, 0] + 1j, [0.0], [1.0])
    with pytest.raises(
        ValueError,
        match=r"gauss_legendre: the value of f\(\.\.\.\) must be "
        r"finite, got nan",
    ):
        bayes.gauss_legendre(lambda x: np.full_like(x, np.nan), 0.0, 1.0)
    with pytest.raises(
        ValueError,
        match=r"quadrature_moments: pdf must be a density, >= 0 "
        r"and positive somewhere in the box, got values from -0.999 to 0.999.",
    ):
        bayes.quadrature_moments(lambda p: p[:, 0], -1.0, 1.0)
    with pytest.raises(
        ValueError,
        match=r"quadrature_moments: pdf must be a density.* from 0 "
        r"to 0",
    ):
        bayes.quadrature_moments(lambda p: 0 * p[:, 0], -1.0, 1.0)
    with pytest.raises(
        ValueError,
        match=r"tensor_grid_integrate: upper must be greater than "
        r"lower",
    ):
        bayes.tensor_grid_integrate(np.sum, [0.0, 0.0], [1.0])
    with pytest.raises(
        ValueError,
        match=r"mc_moments: samples must be at least 2 draws \(rows\)"
        r", got shape \(1, 3\)",
    ):
        bayes.mc_moments(np.zeros((1, 3)))
