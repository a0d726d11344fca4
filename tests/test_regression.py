"""Tests for lecture_utils.regression against independent references.

References: numpy.polynomial (vander, Polynomial.fit, Legendre.basis), closed forms
solved with numpy.linalg.solve on well-conditioned problems, scipy.stats, and the
60-digit mpmath solutions of tests/mpmath_reference.py on the ill-conditioned
degree-16 problem. The conditioning claims printed by book/overfitting.ipynb are
asserted here with margins that hold on every OpenBLAS kernel (measured under
Prescott, Sandybridge, Haswell, SkylakeX and Zen).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath_reference import curve_error, ridge_reference
from numpy.polynomial import Legendre, Polynomial
from numpy.polynomial import polynomial as npoly
from scipy import stats

from lecture_utils import regression as reg
from lecture_utils.regression import (
    cross_validate,
    fit_map,
    fit_mle,
    legendre_features,
    make_lecture_data,
    negative_log_likelihood,
    polynomial_features,
    rmse,
    true_function,
)

GRID = np.linspace(-5.0, 5.0, 401)


@pytest.fixture(scope="module")
def lecture():
    """The lecture's data and its degree-16 MLE curve in 60 digits."""
    x, y = make_lecture_data()
    _, f_mle = ridge_reference(x, y, 16, x_eval=GRID)
    return x, y, f_mle


# --------------------------------------------------------------------------- data


def test_true_function_formula_and_shape():
    x = np.linspace(-5, 5, 12).reshape(3, 4)
    np.testing.assert_array_equal(true_function(x), -np.sin(x / 5) + np.cos(x))
    assert true_function(0.0) == 1.0


def test_lecture_data_default_is_fixed_and_in_range():
    x1, y1 = make_lecture_data()
    x2, y2 = make_lecture_data(
        20, noise_std=reg.DEFAULT_NOISE_STD, rng=reg.DEFAULT_SEED
    )
    assert x1.shape == y1.shape == (20,)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert np.all(np.diff(x1) > 0) and np.all(np.abs(x1) <= 5)
    assert np.all(np.abs(y1) < 3)  # the lecture's figure range
    # The inputs come first, then the noise, from one Generator seeded 2017.
    g = np.random.default_rng(2017)
    x3 = np.sort(g.uniform(-5, 5, 20))
    np.testing.assert_array_equal(x1, x3)
    np.testing.assert_array_equal(y1, true_function(x3) + 0.2 * g.standard_normal(20))


def test_lecture_data_rng():
    _, y1 = make_lecture_data(rng=None)
    _, y2 = make_lecture_data(rng=None)
    assert not np.array_equal(y1, y2)
    np.testing.assert_array_equal(
        make_lecture_data(rng=np.random.default_rng(5))[1], make_lecture_data(rng=5)[1]
    )


def test_lecture_data_distribution():
    """x uniform on [-5, 5] and y - f(x) ~ N(0, sigma^2): KS tests that can fail."""
    x, y = make_lecture_data(4000, noise_std=0.3, rng=1)
    assert stats.kstest(x, stats.uniform(loc=-5, scale=10).cdf).pvalue > 0.01
    noise = y - true_function(x)
    assert stats.kstest(noise, stats.norm(scale=0.3).cdf).pvalue > 0.01
    # Negative control: a wrong noise scale is detected by the same test.
    assert stats.kstest(noise, stats.norm(scale=0.4).cdf).pvalue < 1e-6
    x0, y0 = make_lecture_data(10, noise_std=0.0)
    np.testing.assert_array_equal(y0, true_function(x0))


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n": 0}, ValueError, "make_lecture_data: n must be an integer >= 1, got 0"),
        ({"n": 2.5}, TypeError, "make_lecture_data: n must be an integer, got float"),
        (
            {"n": 10**8},
            ValueError,
            "make_lecture_data: n must be an integer <= 10,000,000",
        ),
        (
            {"noise_std": -1.0},
            ValueError,
            "make_lecture_data: noise_std must be a number >= 0",
        ),
        (
            {"rng": True},
            TypeError,
            "make_lecture_data: rng must be None, an integer seed",
        ),
        ({"rng": -1}, ValueError, "make_lecture_data: rng must be a seed >= 0, got -1"),
        (
            {"rng": "abc"},
            TypeError,
            "make_lecture_data: rng must be None, an integer seed",
        ),
    ],
)
def test_lecture_data_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        make_lecture_data(**kwargs)


# --------------------------------------------------------------------------- features


@given(
    x=st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=15),
    degree=st.integers(0, 10),
)
@settings(max_examples=50, deadline=None)
def test_polynomial_features_matches_vander(x, degree):
    Phi = polynomial_features(x, degree)
    expected = np.vander(np.asarray(x, dtype=float), degree + 1, increasing=True)
    np.testing.assert_allclose(Phi, expected, rtol=1e-14, atol=0)


def test_polynomial_features_scale_changes_theta_not_the_mle_curve():
    x, y = make_lecture_data(9)
    np.testing.assert_allclose(
        polynomial_features(x, 4, scale=5.0),
        np.vander(x / 5, 5, increasing=True),
        rtol=1e-15,
    )
    t_raw = fit_mle(polynomial_features(x, 4), y)
    t_scaled = fit_mle(polynomial_features(x, 4, scale=5.0), y)
    np.testing.assert_allclose(t_scaled, t_raw * 5.0 ** np.arange(5), rtol=1e-10)
    np.testing.assert_array_equal(polynomial_features([0.0, 3.0], 0), [[1.0], [1.0]])


def test_legendre_features_match_numpy_basis_and_are_orthogonal():
    x = np.linspace(-7, 6, 23)
    for domain in [(-5.0, 5.0), (-2.0, 3.5)]:
        Phi = legendre_features(x, 6, domain=domain)
        for k in range(7):  # independent path: Legendre.basis maps the domain itself
            expected = Legendre.basis(k, domain=list(domain))(x)
            np.testing.assert_allclose(Phi[:, k], expected, rtol=1e-12, atol=1e-12)
    # Orthogonality on [-5, 5]: Gauss-Legendre nodes integrate degree <= 2n - 1 exactly.
    t, w = np.polynomial.legendre.leggauss(10)
    Phi = legendre_features(5 * t, 8)
    np.testing.assert_allclose(
        Phi.T @ (w[:, None] * Phi), np.diag(2 / (2 * np.arange(9) + 1)), atol=1e-14
    )


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (
            lambda: polynomial_features([1.0, 2.0], -1),
            ValueError,
            "polynomial_features: degree must be an integer >= 0, got -1",
        ),
        (
            lambda: polynomial_features([1.0, 2.0], 2.0),
            TypeError,
            "polynomial_features: degree must be an integer, got float",
        ),
        (
            lambda: polynomial_features([1.0, 2.0], True),
            TypeError,
            "polynomial_features: degree must be an integer, got bool",
        ),
        (
            lambda: polynomial_features([1.0], 101),
            ValueError,
            "polynomial_features: degree must be an integer <= 100",
        ),
        (
            lambda: polynomial_features(np.zeros(10**6), 60),
            ValueError,
            r"polynomial_features: x.size \* \(degree \+ 1\) must be at most 50,000,",
        ),
        (
            lambda: polynomial_features([[1.0, 2.0]], 2),
            ValueError,
            "polynomial_features: x must be an array with 1 axes, got 2 axes",
        ),
        (
            lambda: polynomial_features([1.0, np.nan], 2),
            ValueError,
            r"polynomial_features: x must be finite, got nan at entry \[1\]",
        ),
        (
            lambda: polynomial_features([1.0 + 2j], 2),
            TypeError,
            "polynomial_features: x must be real numbers, got complex numbers",
        ),
        (
            lambda: polynomial_features(["a"], 2),
            TypeError,
            "polynomial_features: x must be real numbers",
        ),
        (
            lambda: polynomial_features([1.0], 2, scale=0.0),
            ValueError,
            "polynomial_features: scale must be a number > 0, got 0.0",
        ),
        (
            lambda: legendre_features([1.0], 2, domain=(5.0, -5.0)),
            ValueError,
            r"legendre_features: domain must be \(a, b\) with a < b, got \(5.0, -5.0\)",
        ),
        (
            lambda: legendre_features([1.0], 2, domain=(0.0, 1.0, 2.0)),
            ValueError,
            r"legendre_features: domain must be of shape \(2,\)",
        ),
        (
            lambda: legendre_features([1.0], 2, domain=(0.0, np.inf)),
            ValueError,
            "legendre_features: domain must be finite",
        ),
    ],
)
def test_features_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_conditioning_claims_of_the_chapter(lecture):
    """The chapter prints cond(Phi) to one digit; these are its orders of magnitude."""
    x, _, _ = lecture
    conds = {
        "raw": np.linalg.cond(polynomial_features(x, 16)),
        "scaled": np.linalg.cond(polynomial_features(x, 16, scale=5.0)),
        "legendre": np.linalg.cond(legendre_features(x, 16)),
        "legendre on the data": np.linalg.cond(
            legendre_features(x, 16, domain=(x.min(), x.max()))
        ),
    }
    assert 2.5e12 < conds["raw"] < 3.5e12  # printed "3e+12"
    assert 5.5e8 < conds["scaled"] < 6.5e8  # "6e+08"
    assert 2.5e7 < conds["legendre"] < 3.5e7  # "3e+07"
    assert 3.5e6 < conds["legendre on the data"] < 4.5e6  # "4e+06"
    # Forming Phi^T Phi squares it: beyond 1 / eps = 4.5e15 for the raw monomials.
    assert conds["raw"] ** 2 > 1e24


# --------------------------------------------------------------------------- MLE


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(8, 40), degree=st.integers(0, 5))
@settings(max_examples=50, deadline=None)
def test_fit_mle_matches_numpy_polynomial_fit(seed, n, degree):
    x, y = make_lecture_data(n, rng=seed)
    theta = fit_mle(polynomial_features(x, degree), y)
    expected = Polynomial.fit(x, y, degree).convert().coef
    expected = np.pad(
        expected, (0, degree + 1 - expected.size)
    )  # trailing zeros dropped
    np.testing.assert_allclose(theta, expected, rtol=1e-8, atol=1e-10)


def test_fit_mle_closed_form_and_orthogonal_residual():
    rng = np.random.default_rng(3)
    Phi, y = rng.standard_normal((30, 4)), rng.standard_normal(30)
    theta = fit_mle(Phi, y)
    np.testing.assert_allclose(
        theta, np.linalg.solve(Phi.T @ Phi, Phi.T @ y), rtol=1e-12
    )
    np.testing.assert_allclose(Phi.T @ (y - Phi @ theta), 0.0, atol=1e-12)


def test_fit_mle_recovers_an_exact_polynomial():
    coef = np.array([0.5, -1.0, 2.0, 0.25])
    for x in (np.array([-2.0, -1.0, 0.5, 3.0]), make_lecture_data(25)[0]):
        y = npoly.polyval(x, coef)
        np.testing.assert_allclose(
            fit_mle(polynomial_features(x, 3), y), coef, rtol=1e-12
        )


def test_degree16_mle_curve_within_1e9_of_60_digits(lecture):
    """The accuracy bar: Legendre features on the data's range, solved by QR.

    Measured 4e-12 to 6e-11 under five OpenBLAS kernels.
    """
    x, y, f_ref = lecture
    domain = (x.min(), x.max())
    theta = fit_mle(legendre_features(x, 16, domain=domain), y)
    assert curve_error(legendre_features(GRID, 16, domain=domain) @ theta, f_ref) < 1e-9


@pytest.mark.parametrize(("n", "seed"), [(20, 7), (25, 9), (30, 1)])
def test_degree16_mle_curve_other_data_sets(n, seed):
    x, y = make_lecture_data(n, rng=seed)
    _, f_ref = ridge_reference(x, y, 16, x_eval=GRID)
    domain = (x.min(), x.max())
    theta = fit_mle(legendre_features(x, 16, domain=domain), y)
    assert curve_error(legendre_features(GRID, 16, domain=domain) @ theta, f_ref) < 1e-9


def test_naive_normal_equations_fail_where_qr_succeeds(lecture):
    """The chapter's claims about the literal formula inv(Phi^T Phi) Phi^T y.

    Measured curve errors at degree 16 on the raw monomials: naive 3e-2 to 7e-1,
    QR 1.5e-9 to 2.5e-9 (kernels Prescott ... Zen).
    """
    x, y, f_ref = lecture
    Phi, G = polynomial_features(x, 16), polynomial_features(GRID, 16)
    naive = np.linalg.inv(Phi.T @ Phi) @ Phi.T @ y
    assert curve_error(G @ naive, f_ref) > 1e-3  # "fewer than 3 correct digits"
    assert curve_error(G @ fit_mle(Phi, y), f_ref) < 1e-8  # "QR keeps about 8 digits"
    # Main line: the literal formula does not even minimise the training error.
    domain = (x.min(), x.max())
    L = legendre_features(x, 16, domain=domain)
    assert rmse(y, Phi @ naive) > 1.1 * rmse(y, L @ fit_mle(L, y))


@pytest.mark.parametrize(
    ("Phi", "y", "exc", "match"),
    [
        (
            np.ones((3, 2)),
            np.ones(4),
            ValueError,
            r"fit_mle: y must be of shape \(3,\), got shape \(4,\)",
        ),
        (
            np.ones((2, 3)),
            np.ones(2),
            ValueError,
            r"fit_mle: Phi must be at least as tall as wide .* got shape \(2, 3\)",
        ),
        (
            polynomial_features([1.0, 1.0, 2.0, 2.0], 2),
            np.ones(4),
            ValueError,
            "fit_mle: Phi must be of full column rank, got a numerically rank-defic",
        ),
        (
            5e-324 * np.array([[1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]]),
            np.ones(3),
            ValueError,
            "fit_mle: Phi must be of full column rank",
        ),
        (
            polynomial_features(np.linspace(-1, 1, 20), 2),
            np.full(20, 4.5e307),
            OverflowError,
            "fit_mle: the solution must be finite, got an overflow. Rescale y",
        ),
        (
            np.ones((3, 1)),
            np.array([1.0, np.inf, 0.0]),
            ValueError,
            r"fit_mle: y must be finite, got inf at entry \[1\]",
        ),
        (
            np.ones(3),
            np.ones(3),
            ValueError,
            "fit_mle: Phi must be an array with 2 axes",
        ),
        (np.ones((3, 0)), np.ones(3), ValueError, "fit_mle: Phi must be non-empty"),
        (
            None,
            np.ones(3),
            TypeError,
            "fit_mle: Phi must be an array of real numbers, got None",
        ),
        (
            np.ones((3, 1)) * 1j,
            np.ones(3),
            TypeError,
            "fit_mle: Phi must be real numbers",
        ),
    ],
    ids=[
        "length",
        "wide",
        "repeated-x",
        "subnormal",
        "overflow",
        "inf",
        "1-d",
        "empty",
        "none",
        "complex",
    ],
)
def test_fit_mle_bad_input(Phi, y, exc, match):
    with pytest.raises(exc, match=match):
        fit_mle(Phi, y)


def test_fit_mle_well_conditioned_tiny_or_huge_inputs_are_fine():
    """The rank test is relative: well-conditioned matrices at any normal scale pass."""
    rng = np.random.default_rng(2)
    Phi, theta = rng.standard_normal((6, 3)), np.array([1.0, -2.0, 0.5])
    for s in (1e-300, 1e-150, 1e150):
        np.testing.assert_allclose(fit_mle(s * Phi, Phi @ theta), theta / s, rtol=1e-12)


# --------------------------------------------------------------------------- MAP


def test_fit_map_closed_form_well_conditioned():
    rng = np.random.default_rng(4)
    Phi, y = rng.standard_normal((25, 5)), rng.standard_normal(25)
    noise_var, prior_var = 0.3, 2.0
    lam = noise_var / prior_var
    theta = fit_map(Phi, y, noise_var=noise_var, prior_var=prior_var)
    np.testing.assert_allclose(
        theta, np.linalg.solve(Phi.T @ Phi + lam * np.eye(5), Phi.T @ y), rtol=1e-12
    )
    np.testing.assert_allclose(
        fit_map(Phi, y, noise_var=lam, prior_var=1.0), theta, rtol=1e-13
    )
    # The gradient of the negative log-posterior vanishes there.
    grad = -(y - Phi @ theta) @ Phi / noise_var + theta / prior_var
    np.testing.assert_allclose(grad, 0.0, atol=1e-12)


def test_fit_map_fewer_points_than_parameters():
    Phi = polynomial_features([-1.0, 0.0, 2.0], 6)
    y = np.array([1.0, -1.0, 0.5])
    theta = fit_map(Phi, y, noise_var=0.1, prior_var=1.0)
    # Dual form of ridge regression: theta = Phi^T (Phi Phi^T + lam I)^{-1} y.
    np.testing.assert_allclose(
        theta, Phi.T @ np.linalg.solve(Phi @ Phi.T + 0.1 * np.eye(3), y), rtol=1e-9
    )


@pytest.mark.parametrize("lam", [1e-8, 1e-4, 0.04, 1.0])
@pytest.mark.parametrize("basis", ["legendre", "monomial"])
def test_degree16_map_curve_within_1e9_of_60_digits(lecture, basis, lam):
    """Prior on Legendre coefficients or on (x/5)^k: measured at most 3.2e-12."""
    x, y, _ = lecture
    _, f_ref = ridge_reference(x, y, 16, basis=basis, scale=5.0, lam=lam, x_eval=GRID)
    if basis == "legendre":
        Phi, G = legendre_features(x, 16), legendre_features(GRID, 16)
    else:
        Phi, G = (
            polynomial_features(x, 16, scale=5.0),
            polynomial_features(GRID, 16, scale=5.0),
        )
    theta = fit_map(Phi, y, noise_var=lam, prior_var=1.0)
    assert curve_error(G @ theta, f_ref) < 1e-9


def test_fit_map_tends_to_mle_and_shrinks_to_zero():
    x, y = make_lecture_data(30)
    Phi = legendre_features(x, 8)
    f_mle = Phi @ fit_mle(Phi, y)
    gaps = [
        curve_error(Phi @ fit_map(Phi, y, noise_var=lam, prior_var=1.0), f_mle)
        for lam in (1e-2, 1e-6, 1e-10, 1e-14)
    ]
    assert np.all(np.diff(gaps) < 0) and gaps[-1] < 1e-10
    norms = [
        np.linalg.norm(fit_map(Phi, y, noise_var=1.0, prior_var=s2))
        for s2 in (1e2, 1.0, 1e-2, 1e-6, 1e-14)
    ]
    assert np.all(np.diff(norms) < 0) and norms[-1] < 1e-4


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (
            {"noise_var": 0.0, "prior_var": 1.0},
            ValueError,
            "fit_map: noise_var must be a number > 0, got 0.0",
        ),
        (
            {"noise_var": 1.0, "prior_var": -2.0},
            ValueError,
            "fit_map: prior_var must be a number > 0, got -2.0",
        ),
        (
            {"noise_var": 1.0, "prior_var": np.inf},
            ValueError,
            "fit_map: prior_var must be a finite number, got inf",
        ),
        (
            {"noise_var": True, "prior_var": 1.0},
            TypeError,
            "fit_map: noise_var must be a real number, got bool",
        ),
        (
            {"noise_var": 1e-200, "prior_var": 1e200},
            ValueError,
            "fit_map: noise_var / prior_var must be > 0 and finite",
        ),
        ({"noise_var": 1.0}, TypeError, "prior_var"),
    ],
)
def test_fit_map_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fit_map(np.ones((3, 2)), [0.0, 1.0, 2.0], **kwargs)


def test_fit_map_rejects_positional_variances():
    with pytest.raises(TypeError):
        fit_map(np.ones((3, 2)), np.ones(3), 1.0, 1.0)  # type: ignore[misc]


def test_prior_on_raw_monomials_hardly_restrains_degree_16(lecture):
    """The chapter's (prior-on-monomials) claim: same prior, very different fits."""
    x, y, _ = lecture
    x_test, y_test = make_lecture_data(1000, rng=1)

    def test_rmse(features):
        theta = fit_map(features(x), y, noise_var=0.04, prior_var=1.0)
        return rmse(y_test, features(x_test) @ theta)

    raw = test_rmse(lambda z: polynomial_features(z, 16))
    scaled = test_rmse(lambda z: polynomial_features(z, 16, scale=5.0))
    leg = test_rmse(lambda z: legendre_features(z, 16))
    assert scaled < 0.6 and leg < 0.3  # measured 0.562 and 0.267
    assert raw > 100  # measured 233: the prior leaves x^16 free


# --------------------------------------------------------------------------- metrics


def test_rmse_and_nll_against_references():
    rng = np.random.default_rng(8)
    y, f = rng.standard_normal(17), rng.standard_normal(17)
    assert rmse(y, f) == pytest.approx(
        math.sqrt(math.fsum((y - f) ** 2) / 17), rel=1e-14
    )
    for noise_var in (0.01, 1.0, 7.5):
        expected = -stats.norm(loc=f, scale=math.sqrt(noise_var)).logpdf(y).sum()
        assert negative_log_likelihood(y, f, noise_var=noise_var) == pytest.approx(
            expected, rel=1e-12
        )


def test_nll_is_minimised_by_the_mle():
    """Slide 35: any perturbation of theta_ML increases the Gaussian NLL."""
    x, y = make_lecture_data()
    Phi = polynomial_features(x, 5)
    theta = fit_mle(Phi, y)
    best = negative_log_likelihood(y, Phi @ theta, noise_var=0.04)
    rng = np.random.default_rng(0)
    for _ in range(20):
        t = theta + 1e-4 * rng.standard_normal(6)
        assert negative_log_likelihood(y, Phi @ t, noise_var=0.04) > best


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (
            lambda: rmse([1.0, 2.0], [1.0]),
            ValueError,
            r"rmse: y_pred must be of shape \(2,\), got shape \(1,\)",
        ),
        (lambda: rmse([], []), ValueError, "rmse: y must be non-empty"),
        (
            lambda: negative_log_likelihood([1.0], [1.0], noise_var=0.0),
            ValueError,
            "negative_log_likelihood: noise_var must be a number > 0",
        ),
        (
            lambda: negative_log_likelihood([np.nan], [1.0], noise_var=1.0),
            ValueError,
            "negative_log_likelihood: y must be finite",
        ),
    ],
)
def test_metrics_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------------------ cross-validation


def test_cross_validation_finds_known_degree():
    """Data from a cubic: 5-fold CV never under-fits and picks degree 3 most often."""
    picks = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        x = rng.uniform(-5, 5, 200)
        y = 0.02 * x**3 - 0.3 * x + 0.5 + 0.1 * rng.standard_normal(200)
        result = cross_validate(x, y, degrees=range(9), k=5, rng=seed)
        assert result.scores.shape == (9, 1) and result.best_lambda == 0.0
        assert np.all(result.scores[:3, 0] > 2 * result.scores[3, 0])
        picks.append(result.best_degree)
    counts = np.bincount(picks, minlength=9)
    assert counts[:3].sum() == 0 and counts[3] >= 10 and counts[3] == counts.max()


def test_cross_validation_folds_and_scores_match_manual_computation():
    """Pins the folds: np.array_split of rng.permutation(N) into k parts."""
    x, y = make_lecture_data(24)
    result = cross_validate(x, y, degrees=[2, 5], lambdas=[0.0, 0.5], k=4, rng=3)
    folds = np.array_split(np.random.default_rng(3).permutation(24), 4)
    mle, ridge = [], []
    for te in folds:
        tr = np.setdiff1d(np.arange(24), te)
        mle.append(rmse(y[te], Polynomial.fit(x[tr], y[tr], 5)(x[te])))
        P = polynomial_features(x[tr], 2)
        t = np.linalg.solve(P.T @ P + 0.5 * np.eye(3), P.T @ y[tr])
        ridge.append(rmse(y[te], polynomial_features(x[te], 2) @ t))
    assert result.scores[1, 0] == pytest.approx(np.mean(mle), rel=1e-8)
    assert result.scores[0, 1] == pytest.approx(np.mean(ridge), rel=1e-10)


def test_cross_validation_prefers_regularisation_for_degree_16():
    x, y = make_lecture_data(30)
    lambdas = [0.0, 1e-6, 1e-3, 1.0, 1e3]
    result = cross_validate(x, y, degrees=[16], lambdas=lambdas, k=5, scale=5.0, rng=0)
    assert result.best_lambda not in (0.0, 1e3)
    assert result.scores[0, 0] > 3 * result.scores.min()  # the MLE overfits
    raw = cross_validate(x, y, degrees=[16], lambdas=[0.0], k=5, rng=0)
    assert raw.scores[0, 0] == pytest.approx(result.scores[0, 0], rel=1e-6)


def test_cross_validation_impossible_degree_scores_inf():
    x, y = make_lecture_data(10)
    result = cross_validate(
        x, y, degrees=[1, 9], k=5, rng=0
    )  # 8 training points per fold
    assert np.isinf(result.scores[1, 0]) and np.isfinite(result.scores[0, 0])
    assert result.best_degree == 1


def test_cross_validation_tie_break_is_the_simplest_model():
    """Documented: equal scores go to the smallest degree, then the largest lambda."""
    x = np.linspace(-5, 5, 15)
    result = cross_validate(
        x, np.zeros(15), degrees=[4, 2, 3], lambdas=[0.0, 1.0, 0.5], rng=0
    )
    assert np.all(result.scores == 0.0)  # every model fits y = 0 exactly: all tie
    assert (result.best_degree, result.best_lambda) == (2, 1.0)
    # The degree decides before lambda, whatever the order of the candidates.
    scores = np.array(
        [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]]
    )  # rows: degrees, cols: lambdas
    degrees, lambdas = np.array([3, 5]), np.array([0.1, 0.0, 10.0])
    assert reg._simplest_best(scores, degrees, lambdas) == (0, 0)
    assert reg._simplest_best(scores[::-1], degrees[::-1], lambdas) == (1, 0)
    nudged = scores.copy()
    nudged[0, 0] += 1e-12  # no longer a tie: the next simplest wins
    assert reg._simplest_best(nudged, degrees, lambdas) == (0, 1)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"y": [1.0, 2.0]}, ValueError, r"cross_validate: y must be of shape \(12,\)"),
        (
            {"degrees": [-1]},
            ValueError,
            "cross_validate: degree must be an integer >= 0",
        ),
        ({"degrees": [1.5]}, TypeError, "cross_validate: degree must be an integer"),
        (
            {"lambdas": [-1.0]},
            ValueError,
            "cross_validate: lambda must be a number >= 0",
        ),
        (
            {"degrees": []},
            ValueError,
            "cross_validate: degrees and lambdas must be non-empty",
        ),
        (
            {"k": 50},
            ValueError,
            "cross_validate: k must be at most the number of points, 12",
        ),
        ({"k": 1}, ValueError, "cross_validate: k must be an integer >= 2"),
        ({"rng": True}, TypeError, "cross_validate: rng must be None, an integer seed"),
        ({"scale": -5.0}, ValueError, "cross_validate: scale must be a number > 0"),
    ],
)
def test_cross_validation_bad_input(kwargs, exc, match):
    x, y = make_lecture_data(12)
    with pytest.raises(exc, match=match):
        cross_validate(**({"x": x, "y": y, "degrees": [1, 2]} | kwargs))


def test_cross_validation_overflow_is_not_silenced():
    x = np.linspace(-1, 1, 10)
    with pytest.raises(
        OverflowError, match="cross_validate: the solution must be finite"
    ):
        cross_validate(x, np.full(10, 1.7e308), degrees=[2], k=2, rng=0)


# --------------------------------------------------------------------------- the oracle


def test_mpmath_reference_matches_numpy_and_is_converged():
    x, y = make_lecture_data(15)
    theta, f = ridge_reference(x, y, 3, x_eval=GRID)
    expected = Polynomial.fit(x, y, 3).convert().coef
    np.testing.assert_allclose(theta, expected, rtol=1e-10)
    np.testing.assert_allclose(f, npoly.polyval(GRID, expected), rtol=1e-10, atol=1e-12)
    theta_leg, _ = ridge_reference(x, y, 3, basis="legendre", scale=5.0)
    np.testing.assert_allclose(
        theta_leg, Legendre.fit(x, y, 3, domain=[-5, 5]).coef, rtol=1e-10
    )
    # 60 digits are enough on the hardest problem: 100 digits agree to float64.
    x, y = make_lecture_data()
    _, f60 = ridge_reference(x, y, 16, x_eval=GRID[::10])
    _, f100 = ridge_reference(x, y, 16, x_eval=GRID[::10], dps=100)
    np.testing.assert_allclose(f60, f100, rtol=1e-15, atol=0)
