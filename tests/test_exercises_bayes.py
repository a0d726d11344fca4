"""The Bayesian chapter's checkers: each known mistake is named, and hostile learner
code gets a verdict instead of breaking the checker. The right answers and the
hostile answers every checker faces are in test_checkers.py; here are the ones
particular to these checkers (one output complex or huge, a column mean, a
singular solve, a wrong answer that mutates its inputs).

The learner functions below are written out independently of the checker's own
``mistakes`` table, the way a learner would write them.
"""

from __future__ import annotations

import numpy as np
import pytest

import lecture_utils
from lecture_utils.exercises import bayes as ex
from lecture_utils.feedback import Kind

# --------------------------------------------------------------------------- references


def test_references_are_private_and_match_independent_formulas():
    assert ex.__all__ == ["check_mc_predictive", "check_posterior"]
    assert not any("reference" in name for name in dir(ex))  # no public references
    assert not hasattr(lecture_utils, "check_posterior")  # checkers stay in exercises
    for Phi, y, nv, pv in ex._posterior_cases():
        precision = Phi.T @ Phi / nv + np.eye(Phi.shape[1]) / pv
        mean, cov = ex._posterior(Phi, y, nv, pv)
        np.testing.assert_allclose(cov, np.linalg.inv(precision), rtol=1e-10)
        np.testing.assert_allclose(
            mean, np.linalg.solve(precision, Phi.T @ y / nv), rtol=1e-10
        )
    for P, y, T, nv in ex._mc_cases():
        loop = sum(
            np.exp(-0.5 * (y - P @ t) ** 2 / nv) / np.sqrt(2 * np.pi * nv) for t in T
        )
        np.testing.assert_allclose(
            ex._mc_predictive(P, y, T, nv), loop / len(T), rtol=1e-12
        )


# --------------------------------------------------------------------------- posterior


def textbook(precision, Phi, y, noise_var):
    cov = np.linalg.inv(precision)
    return cov @ Phi.T @ y / noise_var, cov


def good_posterior(Phi, y, noise_var, prior_var):
    precision = Phi.T @ Phi / noise_var + np.eye(Phi.shape[1]) / prior_var
    return textbook(precision, Phi, y, noise_var)


def prior_covariance_added(Phi, y, noise_var, prior_var):
    precision = Phi.T @ Phi / noise_var + prior_var * np.eye(Phi.shape[1])
    return textbook(precision, Phi, y, noise_var)


def swapped_variances(Phi, y, noise_var, prior_var):
    return good_posterior(Phi, y, prior_var, noise_var)


def no_prior(Phi, y, noise_var, prior_var):
    return textbook(Phi.T @ Phi / noise_var, Phi, y, noise_var)


def mean_without_noise_var(Phi, y, noise_var, prior_var):
    mean, cov = good_posterior(Phi, y, noise_var, prior_var)
    return mean * noise_var, cov


def precision_returned(Phi, y, noise_var, prior_var):
    mean, cov = good_posterior(Phi, y, noise_var, prior_var)
    return mean, np.linalg.inv(cov)


@pytest.mark.parametrize(
    "wrong",
    [
        prior_covariance_added,
        swapped_variances,
        no_prior,
        mean_without_noise_var,
        precision_returned,
    ],
)
def test_posterior_mistakes_are_named(wrong):
    fb = ex.check_posterior(wrong)
    assert not fb.passed and fb.kind is Kind.MISTAKE and fb.case == 1


def test_posterior_mistake_messages_are_distinct():
    messages = {
        ex.check_posterior(w).message
        for w in [
            prior_covariance_added,
            swapped_variances,
            no_prior,
            mean_without_noise_var,
            precision_returned,
        ]
    }
    assert len(messages) == 5


def test_posterior_hostile_answers():
    complex_ = ex.check_posterior(
        lambda *a: (good_posterior(*a)[0] + 5j, good_posterior(*a)[1])
    )
    assert complex_.kind is Kind.COMPLEX and not complex_
    huge = ex.check_posterior(
        lambda Phi, y, nv, pv: (
            np.full(Phi.shape[1], 1e308),
            np.full((Phi.shape[1],) * 2, 1e308),
        )
    )
    assert not huge and huge.kind is Kind.VALUES
    overflow = ex.check_posterior(
        lambda *a: (good_posterior(*a)[0] * 1e308, good_posterior(*a)[1])
    )
    assert not overflow and overflow.kind in (Kind.NON_FINITE, Kind.FACTOR, Kind.VALUES)
    column = ex.check_posterior(
        lambda *a: (good_posterior(*a)[0][:, None], good_posterior(*a)[1])
    )
    assert column.kind is Kind.SHAPE and "Reshape" in column.message
    raising = ex.check_posterior(lambda *a: np.linalg.inv(np.zeros((2, 2))))
    assert raising.kind is Kind.EXCEPTION
    assert isinstance(raising.exception, np.linalg.LinAlgError)


def test_learner_that_mutates_its_inputs_is_judged_on_clean_copies():
    def wrong_and_mutating(Phi, y, noise_var, prior_var):
        result = prior_covariance_added(Phi, y, noise_var, prior_var)
        Phi *= 0.0  # spoils the caller's arrays
        y += 1.0
        return result

    fb = ex.check_posterior(wrong_and_mutating)
    assert fb.kind is Kind.MISTAKE  # the mistake was replayed on untouched inputs
    assert ex.check_posterior(good_posterior).passed


# ------------------------------------------------------------------------ Monte Carlo


def good_mc(Phi_new, y_new, theta_samples, noise_var):
    f = theta_samples @ Phi_new.T  # (S, M)
    dens = np.exp(-0.5 * (y_new - f) ** 2 / noise_var) / np.sqrt(2 * np.pi * noise_var)
    return dens.mean(axis=0)


CHECKS = [(ex.check_posterior, good_posterior), (ex.check_mc_predictive, good_mc)]


def log_densities(Phi_new, y_new, theta_samples, noise_var):
    f = theta_samples @ Phi_new.T
    return -0.5 * (y_new - f) ** 2 / noise_var - 0.5 * np.log(2 * np.pi * noise_var)


def geometric_mean(*args):
    return np.exp(log_densities(*args).mean(axis=0))


def mean_log_density(*args):
    return log_densities(*args).mean(axis=0)


def plug_in(Phi_new, y_new, theta_samples, noise_var):
    return good_mc(Phi_new, y_new, theta_samples.mean(axis=0)[None, :], noise_var)


def summed(Phi_new, y_new, theta_samples, noise_var):
    return good_mc(Phi_new, y_new, theta_samples, noise_var) * len(theta_samples)


def variance_as_sd(Phi_new, y_new, theta_samples, noise_var):
    return good_mc(Phi_new, y_new, theta_samples, noise_var**2)


@pytest.mark.parametrize(
    "wrong", [geometric_mean, mean_log_density, plug_in, summed, variance_as_sd]
)
def test_mc_mistakes_are_named(wrong):
    fb = ex.check_mc_predictive(wrong)
    assert not fb.passed and fb.kind is Kind.MISTAKE


def test_mc_mistake_messages_are_distinct():
    messages = {
        ex.check_mc_predictive(w).message
        for w in [geometric_mean, mean_log_density, plug_in, summed, variance_as_sd]
    }
    assert len(messages) == 5


def test_mc_hostile_answers():
    huge = ex.check_mc_predictive(lambda P, y, T, nv: np.full(len(y), 1e308))
    assert not huge and huge.kind is Kind.VALUES
    per_sample = ex.check_mc_predictive(
        lambda P, y, T, nv: np.exp(log_densities(P, y, T, nv))
    )  # (S, M), not averaged
    assert per_sample.kind is Kind.SHAPE
