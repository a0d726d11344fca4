"""Tests for lecture_utils.regression against independent references.

References: numpy.polynomial (Polynomial.fit, polyval, vander), closed forms
solved with numpy.linalg.solve on well-conditioned problems, scipy.stats, and a
60-digit mpmath least-squares solution on the ill-conditioned degree-16 problem.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial import Polynomial
from numpy.polynomial import polynomial as npoly
from scipy import stats

from lecture_utils import regression as reg
from lecture_utils.regression import (
    cross_validate,
    fit_map,
    fit_mle,
    kfold_indices,
    lstsq_reference_mpmath,
    make_lecture_data,
    negative_log_likelihood,
    polynomial_features,
    predict,
    rmse,
    true_function,
)

GRID = np.linspace(-5.0, 5.0, 201)


def curve_error(theta: np.ndarray, f_ref: np.ndarray, grid: np.ndarray = GRID) -> float:
    """Largest error of the fitted curve on the grid relative to the reference's size."""
    f = polynomial_features(grid, theta.size - 1) @ theta
    return float(np.max(np.abs(f - f_ref)) / np.max(np.abs(f_ref)))


# --------------------------------------------------------------------------- data


def test_true_function_formula_and_shape():
    x = np.linspace(-5, 5, 12).reshape(3, 4)
    np.testing.assert_allclose(true_function(x), -np.sin(x / 5) + np.cos(x), rtol=0, atol=0)
    assert true_function(x).shape == (3, 4)
    assert true_function(0.0) == pytest.approx(1.0)


def test_lecture_data_default_is_fixed_and_in_range():
    x1, y1 = make_lecture_data()
    x2, y2 = make_lecture_data()
    assert x1.shape == y1.shape == (20,)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert np.all(np.diff(x1) > 0)
    assert np.all((x1 >= -5) & (x1 <= 5))
    assert np.all(np.abs(y1) < 3)  # the lecture's figure range
    # The default seed is DEFAULT_SEED, the default noise DEFAULT_NOISE_STD.
    _, y3 = make_lecture_data(20, noise_std=reg.DEFAULT_NOISE_STD, rng=reg.DEFAULT_SEED)
    np.testing.assert_array_equal(y1, y3)


def test_lecture_data_rng_none_differs_and_generator_accepted():
    _, y1 = make_lecture_data(rng=None)
    _, y2 = make_lecture_data(rng=None)
    assert not np.array_equal(y1, y2)
    _, y3 = make_lecture_data(rng=np.random.default_rng(5))
    _, y4 = make_lecture_data(rng=5)
    np.testing.assert_array_equal(y3, y4)


def test_lecture_data_distribution():
    """x uniform on [-5, 5] and y - f(x) ~ N(0, sigma^2): KS tests that can fail."""
    x, y = make_lecture_data(4000, noise_std=0.3, rng=1)
    assert stats.kstest(x, stats.uniform(loc=-5, scale=10).cdf).pvalue > 0.01
    noise = y - true_function(x)
    assert stats.kstest(noise, stats.norm(scale=0.3).cdf).pvalue > 0.01
    # A wrong noise scale would be detected by the same test.
    assert stats.kstest(noise, stats.norm(scale=0.4).cdf).pvalue < 1e-6
    x0, y0 = make_lecture_data(10, noise_std=0.0)
    np.testing.assert_array_equal(y0, true_function(x0))


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n": 0}, ValueError, "make_lecture_data: n must be an integer >= 1, got 0"),
        ({"n": 2.5}, TypeError, "make_lecture_data: n must be an integer, got float"),
        ({"noise_std": -1.0}, ValueError, "make_lecture_data: noise_std must be a finite number"),
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
    assert Phi.shape == (len(x), degree + 1)
    np.testing.assert_allclose(Phi, expected, rtol=1e-14, atol=0)


def test_polynomial_features_scale():
    x = np.linspace(-5, 5, 7)
    np.testing.assert_allclose(polynomial_features(x, 4, scale=5.0),
                               np.vander(x / 5, 5, increasing=True), rtol=1e-15)
    with pytest.raises(ValueError, match="polynomial_features: scale must be a finite number > 0"):
        polynomial_features(x, 2, scale=0.0)
    # The MLE curve does not depend on the scale; the coefficients scale by c^k.
    _, y = make_lecture_data(7)
    t_raw = fit_mle(polynomial_features(x, 4), y)
    t_scaled = fit_mle(polynomial_features(x, 4, scale=5.0), y)
    np.testing.assert_allclose(t_scaled, t_raw * 5.0 ** np.arange(5), rtol=1e-10)


def test_polynomial_features_degree_zero_and_numpy_int():
    np.testing.assert_array_equal(polynomial_features([0.0, 3.0], 0), [[1.0], [1.0]])
    assert polynomial_features([2.0], np.int64(3)).tolist() == [[1.0, 2.0, 4.0, 8.0]]


@pytest.mark.parametrize(
    ("x", "degree", "exc", "match"),
    [
        ([1.0, 2.0], -1, ValueError, "polynomial_features: degree must be an integer >= 0, got -1"),
        ([1.0, 2.0], 2.0, TypeError, "polynomial_features: degree must be an integer, got float"),
        ([1.0, 2.0], "3", TypeError, "polynomial_features: degree must be an integer, got str"),
        ([[1.0, 2.0]], 2, ValueError, r"polynomial_features: x must have 1 dimension\(s\)"),
        ([1.0, np.nan], 2, ValueError, r"polynomial_features: x must be finite, but entry \[1\]"),
        (["a", "b"], 2, TypeError, "polynomial_features: x must be real numbers"),
    ],
)
def test_polynomial_features_bad_input(x, degree, exc, match):
    with pytest.raises(exc, match=match):
        polynomial_features(x, degree)


# --------------------------------------------------------------------------- MLE


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(8, 40),
    degree=st.integers(0, 5),
)
@settings(max_examples=50, deadline=None)
def test_fit_mle_matches_numpy_polynomial_fit(seed, n, degree):
    x, y = make_lecture_data(n, rng=seed)
    if np.unique(x).size <= degree:
        return
    theta = fit_mle(polynomial_features(x, degree), y)
    expected = Polynomial.fit(x, y, degree).convert().coef
    expected = np.pad(expected, (0, degree + 1 - expected.size))  # trailing zeros dropped
    np.testing.assert_allclose(theta, expected, rtol=1e-8, atol=1e-10)


def test_fit_mle_closed_form_and_orthogonal_residual():
    rng = np.random.default_rng(3)
    Phi = rng.standard_normal((30, 4))
    y = rng.standard_normal(30)
    theta = fit_mle(Phi, y)
    np.testing.assert_allclose(theta, np.linalg.solve(Phi.T @ Phi, Phi.T @ y), rtol=1e-12)
    # Normal equations: the residual is orthogonal to every column of Phi.
    np.testing.assert_allclose(Phi.T @ (y - Phi @ theta), 0.0, atol=1e-12)


def test_fit_mle_interpolates_and_recovers_exact_polynomial():
    x = np.array([-2.0, -1.0, 0.5, 3.0])
    coef = np.array([0.5, -1.0, 2.0, 0.25])
    y = npoly.polyval(x, coef)
    np.testing.assert_allclose(fit_mle(polynomial_features(x, 3), y), coef, rtol=1e-12)
    x, _ = make_lecture_data(25)
    y = npoly.polyval(x, coef)
    np.testing.assert_allclose(fit_mle(polynomial_features(x, 3), y), coef, rtol=1e-12)


@pytest.mark.parametrize(("n", "seed"), [(20, reg.DEFAULT_SEED), (20, 7), (25, 9), (30, 1)])
def test_fit_mle_degree16_matches_mpmath_reference(n, seed):
    """The ill-conditioned lecture problem: curve within 1e-9 of a 60-digit solution."""
    x, y = make_lecture_data(n, rng=seed)
    Phi = polynomial_features(x, 16)
    assert np.linalg.cond(Phi) > 1e11  # really ill-conditioned
    _, f_ref = lstsq_reference_mpmath(x, y, 16, x_eval=GRID)
    assert curve_error(fit_mle(Phi, y), f_ref) < 1e-9
    # The naive normal equations with an explicit inverse are far off (the chapter's lesson).
    naive = np.linalg.inv(Phi.T @ Phi) @ Phi.T @ y
    assert curve_error(naive, f_ref) > 1e-7


@pytest.mark.parametrize(
    ("Phi", "y", "exc", "match"),
    [
        (np.ones((3, 2)), np.ones(4), ValueError,
         r"fit_mle: Phi has 3 rows \(shape \(3, 2\)\) but y has 4 entries"),
        (np.ones((2, 3)), np.ones(2), ValueError, "fit_mle: Phi has 2 rows and 3 columns.*fewer"),
        (polynomial_features([1.0, 1.0, 2.0, 2.0], 2), np.ones(4), ValueError,
         "fit_mle: Phi .* is numerically rank deficient"),
        (np.ones((3, 1)), np.array([1.0, np.inf, 0.0]), ValueError,
         r"fit_mle: y must be finite, but entry \[1\] is inf"),
        (np.ones(3), np.ones(3), ValueError, r"fit_mle: Phi must have 2 dimension\(s\)"),
        (np.ones((3, 0)), np.ones(3), ValueError, "fit_mle: Phi has no columns"),
    ],
)
def test_fit_mle_bad_input(Phi, y, exc, match):
    with pytest.raises(exc, match=match):
        fit_mle(Phi, y)


# --------------------------------------------------------------------------- MAP


def test_fit_map_closed_form_well_conditioned():
    rng = np.random.default_rng(4)
    Phi = rng.standard_normal((25, 5))
    y = rng.standard_normal(25)
    noise_var, prior_var = 0.3, 2.0
    lam = noise_var / prior_var
    expected = np.linalg.solve(Phi.T @ Phi + lam * np.eye(5), Phi.T @ y)
    theta = fit_map(Phi, y, noise_var=noise_var, prior_var=prior_var)
    np.testing.assert_allclose(theta, expected, rtol=1e-12)
    # Only the ratio matters.
    np.testing.assert_allclose(fit_map(Phi, y, noise_var=lam, prior_var=1.0), theta, rtol=1e-13)
    # Stationary point of the negative log-posterior: its gradient (a row vector)
    # -(y - Phi theta)^T Phi / noise_var + theta^T / prior_var vanishes ...
    grad = -(y - Phi @ theta) @ Phi / noise_var + theta / prior_var
    np.testing.assert_allclose(grad, 0.0, atol=1e-12)

    # ... and the analytic gradient itself is right (central finite differences).
    def neg_log_post(t):
        return 0.5 * np.sum((y - Phi @ t) ** 2) / noise_var + 0.5 * t @ t / prior_var

    t0 = rng.standard_normal(5)
    h = 1e-6
    fd = np.array([(neg_log_post(t0 + h * e) - neg_log_post(t0 - h * e)) / (2 * h)
                   for e in np.eye(5)])
    analytic = -(y - Phi @ t0) @ Phi / noise_var + t0 / prior_var
    np.testing.assert_allclose(analytic, fd, rtol=1e-6, atol=1e-6)


def test_fit_map_fewer_points_than_parameters():
    x = np.array([-1.0, 0.0, 2.0])
    Phi = polynomial_features(x, 6)
    y = np.array([1.0, -1.0, 0.5])
    theta = fit_map(Phi, y, noise_var=0.1, prior_var=1.0)
    expected = np.linalg.solve(Phi.T @ Phi + 0.1 * np.eye(7), Phi.T @ y)
    np.testing.assert_allclose(theta, expected, rtol=1e-9)
    # Dual form of ridge: theta = Phi^T (Phi Phi^T + lam I)^{-1} y.
    np.testing.assert_allclose(theta, Phi.T @ np.linalg.solve(Phi @ Phi.T + 0.1 * np.eye(3), y),
                               rtol=1e-9)


@pytest.mark.parametrize("lam", [1e-8, 1e-3, 1.0])
def test_fit_map_degree16_matches_mpmath_reference(lam):
    x, y = make_lecture_data()
    _, f_ref = lstsq_reference_mpmath(x, y, 16, x_eval=GRID, ridge=lam)
    theta = fit_map(polynomial_features(x, 16), y, noise_var=lam, prior_var=1.0)
    assert curve_error(theta, f_ref) < 1e-9


def test_fit_map_tends_to_mle_as_lambda_to_zero():
    x, y = make_lecture_data(30)
    for degree in (3, 16):
        Phi = polynomial_features(x, degree)
        f_mle = predict(polynomial_features(GRID, degree), fit_mle(Phi, y))
        errors = [
            curve_error(fit_map(Phi, y, noise_var=lam, prior_var=1.0), f_mle)
            for lam in (1e-6, 1e-10, 1e-14, 1e-18)
        ]
        # The gap shrinks with lam (until it hits rounding level) and ends below 1e-9.
        assert errors[1] < errors[0]
        assert errors[-1] < 1e-9


def test_fit_map_strong_prior_shrinks_to_zero():
    x, y = make_lecture_data()
    Phi = polynomial_features(x, 5)
    norms = [np.linalg.norm(fit_map(Phi, y, noise_var=1.0, prior_var=s2))
             for s2 in (1e2, 1.0, 1e-2, 1e-6, 1e-14)]
    assert np.all(np.diff(norms) < 0)
    assert norms[-1] < 1e-4


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"noise_var": 0.0, "prior_var": 1.0}, ValueError,
         "fit_map: noise_var must be a finite number > 0, got 0.0"),
        ({"noise_var": 1.0, "prior_var": -2.0}, ValueError,
         "fit_map: prior_var must be a finite number > 0, got -2.0"),
        ({"noise_var": 1.0, "prior_var": np.inf}, ValueError,
         "fit_map: prior_var must be a finite number > 0, got inf"),
        ({"noise_var": 1.0}, TypeError, "prior_var"),
    ],
)
def test_fit_map_bad_input(kwargs, exc, match):
    Phi = polynomial_features([0.0, 1.0, 2.0], 1)
    with pytest.raises(exc, match=match):
        fit_map(Phi, [0.0, 1.0, 2.0], **kwargs)


def test_fit_map_length_mismatch():
    with pytest.raises(ValueError, match=r"fit_map: Phi has 3 rows .* but y has 2 entries"):
        fit_map(np.ones((3, 2)), [1.0, 2.0], noise_var=1.0, prior_var=1.0)


def test_fit_map_rejects_positional_variances():
    with pytest.raises(TypeError):
        fit_map(np.ones((3, 2)), np.ones(3), 1.0, 1.0)  # type: ignore[misc]


# --------------------------------------------------------------------------- predict / metrics


def test_predict_matches_polyval():
    coef = np.array([1.0, -0.5, 0.25, 2.0])
    np.testing.assert_allclose(predict(polynomial_features(GRID, 3), coef),
                               npoly.polyval(GRID, coef), rtol=1e-12, atol=1e-12)


def test_predict_shape_error():
    with pytest.raises(ValueError, match=r"predict: theta must have shape \(3,\), got shape \(4"):
        predict(np.ones((5, 3)), np.ones(4))


def test_rmse_and_nll_against_references():
    rng = np.random.default_rng(8)
    y, f = rng.standard_normal(17), rng.standard_normal(17)
    assert rmse(y, f) == pytest.approx(math.sqrt(math.fsum((y - f) ** 2) / 17), rel=1e-14)
    for noise_var in (0.01, 1.0, 7.5):
        expected = -stats.norm(loc=f, scale=math.sqrt(noise_var)).logpdf(y).sum()
        assert negative_log_likelihood(y, f, noise_var=noise_var) == pytest.approx(expected,
                                                                                    rel=1e-12)


def test_nll_minimised_by_mle():
    """Slide 35: the MLE minimises the Gaussian NLL; any perturbation increases it."""
    x, y = make_lecture_data()
    Phi = polynomial_features(x, 5)
    theta = fit_mle(Phi, y)
    best = negative_log_likelihood(y, predict(Phi, theta), noise_var=0.04)
    rng = np.random.default_rng(0)
    for _ in range(20):
        t = theta + 1e-4 * rng.standard_normal(6)
        assert negative_log_likelihood(y, predict(Phi, t), noise_var=0.04) > best


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: rmse([1.0, 2.0], [1.0]), ValueError,
         r"rmse: y_pred must have shape \(2,\), got shape \(1,\)"),
        (lambda: rmse([], []), ValueError, "rmse: y must not be empty"),
        (lambda: negative_log_likelihood([1.0], [1.0], noise_var=0.0), ValueError,
         "negative_log_likelihood: noise_var must be a finite number > 0"),
        (lambda: negative_log_likelihood([np.nan], [1.0], noise_var=1.0), ValueError,
         "negative_log_likelihood: y must be finite"),
    ],
)
def test_metrics_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --------------------------------------------------------------------------- cross-validation


@given(n=st.integers(2, 60), k=st.integers(2, 10), seed=st.integers(0, 1000))
@settings(max_examples=50, deadline=None)
def test_kfold_partitions(n, k, seed):
    if k > n:
        return
    folds = kfold_indices(n, k, rng=seed)
    assert len(folds) == k
    tests = [test for _, test in folds]
    np.testing.assert_array_equal(np.sort(np.concatenate(tests)), np.arange(n))
    sizes = [t.size for t in tests]
    assert max(sizes) - min(sizes) <= 1
    for train, test in folds:
        np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(n))
        assert np.intersect1d(train, test).size == 0


def test_kfold_rng():
    a = kfold_indices(20, 4, rng=1)
    b = kfold_indices(20, 4, rng=1)
    c = kfold_indices(20, 4, rng=2)
    assert all(np.array_equal(t1, t2) for (_, t1), (_, t2) in zip(a, b, strict=True))
    assert not all(np.array_equal(t1, t2) for (_, t1), (_, t2) in zip(a, c, strict=True))


def test_kfold_bad_input():
    with pytest.raises(ValueError, match="kfold_indices: k = 5 folds need at least k points"):
        kfold_indices(4, 5)
    with pytest.raises(ValueError, match="kfold_indices: k must be an integer >= 2, got 1"):
        kfold_indices(4, 1)


def test_cross_validation_finds_known_degree():
    """Data from a cubic: 5-fold CV never under-fits and picks degree 3 most often.

    (On one data set CV may pick a slightly larger degree whose extra
    coefficients are nearly zero, so the test counts over 20 data sets.)
    """
    picks = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        x = rng.uniform(-5, 5, 200)
        y = 0.02 * x**3 - 0.3 * x + 0.5 + 0.1 * rng.standard_normal(200)
        result = cross_validate(x, y, degrees=range(9), k=5, rng=seed)
        assert result.scores.shape == (9, 1)
        assert result.best_lambda == 0.0
        # Under-fitting degrees are clearly worse than the true one.
        assert np.all(result.scores[:3, 0] > 2 * result.scores[3, 0])
        picks.append(result.best_degree)
    counts = np.bincount(picks, minlength=9)
    assert counts[:3].sum() == 0
    assert counts[3] >= 10
    assert counts[3] == counts.max()


def test_cross_validation_scores_match_manual_computation():
    x, y = make_lecture_data(24)
    result = cross_validate(x, y, degrees=[2, 5], lambdas=[0.0, 0.5], k=4, rng=3)
    folds = kfold_indices(24, 4, rng=3)
    # Independent recomputation: numpy's Polynomial.fit (MLE) and the ridge closed form.
    mle = [rmse(y[te], Polynomial.fit(x[tr], y[tr], 5)(x[te])) for tr, te in folds]
    assert result.scores[1, 0] == pytest.approx(np.mean(mle), rel=1e-8)
    ridge = []
    for tr, te in folds:
        P = polynomial_features(x[tr], 2)
        t = np.linalg.solve(P.T @ P + 0.5 * np.eye(3), P.T @ y[tr])
        ridge.append(rmse(y[te], polynomial_features(x[te], 2) @ t))
    assert result.scores[0, 1] == pytest.approx(np.mean(ridge), rel=1e-10)


def test_cross_validation_prefers_regularisation_for_degree_16():
    x, y = make_lecture_data(30)
    lambdas = [0.0, 1e-6, 1e-3, 1.0, 1e3]
    result = cross_validate(x, y, degrees=[16], lambdas=lambdas, k=5, scale=5.0, rng=0)
    assert result.best_lambda not in (0.0, 1e3)
    assert result.scores[0, 0] > 3 * result.scores.min()  # the MLE overfits
    # The scale does not matter for the MLE column (lam = 0) ...
    raw = cross_validate(x, y, degrees=[16], lambdas=[0.0, 1e-3], k=5, rng=0)
    assert raw.scores[0, 0] == pytest.approx(result.scores[0, 0], rel=1e-6)
    # ... but the prior on raw monomials hardly restrains degree 16.
    assert raw.scores[0, 1] > 10 * result.scores.min()


def test_cross_validation_impossible_degree_scores_inf():
    x, y = make_lecture_data(10)
    result = cross_validate(x, y, degrees=[1, 9], k=5, rng=0)  # 8 training points per fold
    assert np.isinf(result.scores[1, 0])
    assert np.isfinite(result.scores[0, 0])
    assert result.best_degree == 1


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0]}, ValueError,
         r"cross_validate: x has 3 entries \(shape \(3,\)\) but y has 2"),
        ({"degrees": [-1]}, ValueError, "cross_validate: degree must be an integer >= 0"),
        ({"degrees": [1.5]}, TypeError, "cross_validate: degree must be an integer"),
        ({"lambdas": [-1.0]}, ValueError, "cross_validate: lambda must be a finite number >= 0"),
        ({"degrees": []}, ValueError, "cross_validate: degrees and lambdas must each hold"),
        ({"k": 50}, ValueError, "kfold_indices: k = 50 folds need at least k points"),
    ],
)
def test_cross_validation_bad_input(kwargs, exc, match):
    x, y = make_lecture_data(12)
    args = {"x": x, "y": y, "degrees": [1, 2]} | kwargs
    with pytest.raises(exc, match=match):
        cross_validate(**args)


# --------------------------------------------------------------------------- reference


def test_mpmath_reference_matches_polyfit_well_conditioned():
    x, y = make_lecture_data(15)
    theta, f = lstsq_reference_mpmath(x, y, 3, x_eval=GRID)
    expected = Polynomial.fit(x, y, 3).convert().coef
    np.testing.assert_allclose(theta, expected, rtol=1e-10)
    np.testing.assert_allclose(f, npoly.polyval(GRID, expected), rtol=1e-10, atol=1e-12)
    _, f_train = lstsq_reference_mpmath(x, y, 3)
    assert f_train.shape == x.shape


def test_mpmath_reference_bad_input():
    with pytest.raises(ValueError, match="lstsq_reference_mpmath: degree 3 needs at least 4"):
        lstsq_reference_mpmath([0.0, 1.0], [0.0, 1.0], 3)
    with pytest.raises(ValueError, match="lstsq_reference_mpmath: x has 2 entries"):
        lstsq_reference_mpmath([0.0, 1.0], [0.0], 1)
    with pytest.raises(ValueError, match="lstsq_reference_mpmath: dps must be an integer >= 20"):
        lstsq_reference_mpmath([0.0, 1.0], [0.0, 1.0], 1, dps=10)
