"""The Bayesian chapter's checkers recognise correct code and typical mistakes."""

from __future__ import annotations

import numpy as np
import pytest

from lecture_utils.exercises import Feedback
from lecture_utils.exercises.bayes import (
    _mc_cases,
    _posterior_cases,
    _predictive_cases,
    check_mc_predictive,
    check_posterior,
    check_predictive_variance,
    mc_predictive_density_reference,
    posterior_reference,
    predictive_variance_reference,
)

# --------------------------------------------------------------------------- references


def test_posterior_reference_is_the_textbook_formula():
    for Phi, y, nv, pv in _posterior_cases():
        precision = Phi.T @ Phi / nv + np.eye(Phi.shape[1]) / pv
        mean, cov = posterior_reference(Phi, y, nv, pv)
        np.testing.assert_allclose(cov, np.linalg.inv(precision), rtol=1e-10)
        np.testing.assert_allclose(mean, np.linalg.solve(precision, Phi.T @ y / nv), rtol=1e-10)


def test_predictive_variance_reference_is_the_diagonal():
    for P, C, nv in _predictive_cases():
        np.testing.assert_allclose(
            predictive_variance_reference(P, C, nv), np.diag(P @ C @ P.T) + nv, rtol=1e-12
        )


def test_mc_reference_is_a_loop_over_samples():
    for P, y, T, nv in _mc_cases():
        loop = np.zeros(len(y))
        for theta in T:
            f = P @ theta
            loop += np.exp(-0.5 * (y - f) ** 2 / nv) / np.sqrt(2 * np.pi * nv)
        np.testing.assert_allclose(mc_predictive_density_reference(P, y, T, nv),
                                   loop / len(T), rtol=1e-12)


# --------------------------------------------------------------------------- posterior


def good_posterior(Phi, y, noise_var, prior_var):
    precision = Phi.T @ Phi / noise_var + np.eye(Phi.shape[1]) / prior_var
    cov = np.linalg.inv(precision)
    return cov @ Phi.T @ y / noise_var, cov


def _post(precision_fn, mean_scale=1.0, return_precision=False):
    def posterior(Phi, y, nv, pv):
        precision = precision_fn(Phi, nv, pv)
        cov = np.linalg.inv(precision)
        mean = cov @ Phi.T @ y / nv * mean_scale
        return mean, (precision if return_precision else cov)
    return posterior


def test_posterior_correct():
    fb = check_posterior(good_posterior)
    assert isinstance(fb, Feedback) and fb.passed
    assert "gives the reference result on all 3 test cases" in str(fb)


@pytest.mark.parametrize(
    ("wrong", "diagnosis"),
    [
        (_post(lambda P, nv, pv: P.T @ P / nv + np.eye(P.shape[1]) * pv),
         "not prior_var * I"),
        (lambda Phi, y, nv, pv: good_posterior(Phi, y, pv, nv),
         "noise_var and prior_var are swapped"),
        (_post(lambda P, nv, pv: P.T @ P / nv), "the prior term I / prior_var is missing"),
        (lambda Phi, y, nv, pv: (np.linalg.inv(Phi.T @ Phi / nv + np.eye(Phi.shape[1]) / pv)
                                 @ Phi.T @ y, good_posterior(Phi, y, nv, pv)[1]),
         "the mean is missing the factor 1 / noise_var"),
        (_post(lambda P, nv, pv: P.T @ P / nv + np.eye(P.shape[1]) / pv, return_precision=True),
         "you returned the precision"),
    ],
)
def test_posterior_mistakes(wrong, diagnosis):
    fb = check_posterior(wrong)
    assert not fb.passed
    assert diagnosis in str(fb)


def test_posterior_generic_diagnoses():
    fb = check_posterior(lambda Phi, y, nv, pv: good_posterior(Phi, y, nv, pv)[0])
    assert not fb and "should return a tuple (mean, cov)" in str(fb)
    fb = check_posterior(lambda Phi, y, nv, pv: tuple(
        np.atleast_2d(a) if a.ndim == 1 else a for a in good_posterior(Phi, y, nv, pv)))
    assert not fb and "mean has the right numbers but shape (1, 3)" in str(fb)
    fb = check_posterior(lambda Phi, y, nv, pv: None)
    assert not fb and "should return a tuple" in str(fb)

    def raises(Phi, y, nv, pv):
        return np.linalg.solve(Phi, y), None  # Phi is not square

    fb = check_posterior(raises)
    assert not fb and "raised LinAlgError" in str(fb)


# --------------------------------------------------------------------------- predictive variance


def good_predictive_variance(Phi_new, cov, noise_var):
    return np.sum((Phi_new @ cov) * Phi_new, axis=1) + noise_var


def test_predictive_variance_correct():
    assert check_predictive_variance(good_predictive_variance)


@pytest.mark.parametrize(
    ("wrong", "diagnosis"),
    [
        (lambda P, C, nv: np.sum((P @ C) * P, axis=1), "add noise_var"),
        (lambda P, C, nv: np.sum((P @ C) * P, axis=1) + np.sqrt(nv),
         "noise standard deviation sqrt(noise_var)"),
        (lambda P, C, nv: P @ C @ P.T + nv * np.eye(P.shape[0]), "its diagonal"),
        (lambda P, C, nv: P @ C @ P.T + nv, "take its diagonal and add noise_var"),
    ],
)
def test_predictive_variance_mistakes(wrong, diagnosis):
    fb = check_predictive_variance(wrong)
    assert not fb.passed
    assert diagnosis in str(fb)


def test_predictive_variance_generic_factor():
    fb = check_predictive_variance(lambda P, C, nv: 2 * good_predictive_variance(P, C, nv))
    assert not fb and "off by a constant factor: every entry is 2 times" in str(fb)


# --------------------------------------------------------------------------- Monte Carlo


def good_mc(Phi_new, y_new, theta_samples, noise_var):
    f = theta_samples @ Phi_new.T  # (S, M)
    dens = np.exp(-((y_new - f) ** 2) / (2 * noise_var)) / np.sqrt(2 * np.pi * noise_var)
    return dens.mean(axis=0)


def _log_dens(P, y, T, nv):
    f = T @ P.T
    return -((y - f) ** 2) / (2 * nv) - 0.5 * np.log(2 * np.pi * nv)


def test_mc_correct():
    assert check_mc_predictive(good_mc)


@pytest.mark.parametrize(
    ("wrong", "diagnosis"),
    [
        (lambda P, y, T, nv: _log_dens(P, y, T, nv).mean(axis=0), "you averaged the log-densities"),
        (lambda P, y, T, nv: np.exp(_log_dens(P, y, T, nv).mean(axis=0)), "geometric mean"),
        (lambda P, y, T, nv: np.exp(_log_dens(P, y, T.mean(axis=0, keepdims=True), nv))[0],
         "you plugged the average parameter"),
        (lambda P, y, T, nv: np.exp(_log_dens(P, y, T, nv)).sum(axis=0),
         "divide by the number of samples S"),
        (lambda P, y, T, nv: np.exp(_log_dens(P, y, T, nv**2)).mean(axis=0),
         "you used it as a standard deviation"),
    ],
)
def test_mc_mistakes(wrong, diagnosis):
    fb = check_mc_predictive(wrong)
    assert not fb.passed
    assert diagnosis in str(fb)


def test_mc_wrong_axis_is_a_shape_error():
    fb = check_mc_predictive(lambda P, y, T, nv: np.exp(_log_dens(P, y, T, nv)).mean(axis=1))
    assert not fb and "should have shape (4,)" in str(fb)
