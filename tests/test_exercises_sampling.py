"""Tests for lecture_utils.exercises.sampling: deliberately wrong solutions get the right hint."""

from __future__ import annotations

import numpy as np
import pytest

from lecture_utils.exercises.sampling import (
    check_effective_sample_size,
    check_importance_weights,
    check_inverse_cdf,
    ess_reference,
    importance_weights_reference,
    inverse_cdf_reference,
)
from lecture_utils.sampling import effective_sample_size
from lecture_utils.special import logsumexp

# ------------------------------------------------------------------------------------------
# inverse CDF
# ------------------------------------------------------------------------------------------


def correct_inverse_cdf(p, u):
    cdf = np.cumsum(p)
    return np.minimum(np.searchsorted(cdf, u, side="left"), len(p) - 1)


def test_inverse_cdf_reference_slide_example():
    np.testing.assert_array_equal(inverse_cdf_reference(np.array([0.3, 0.2, 0.5]),
                                                        np.array([0.55])), [2])


def test_inverse_cdf_correct_solutions_pass():
    assert check_inverse_cdf(correct_inverse_cdf)

    def loop_version(p, u):  # a plain loop, as a learner might write it
        out = []
        for ui in u:
            total, k = 0.0, 0
            for k, pk in enumerate(p):  # noqa: B007
                total += pk
                if ui <= total:
                    break
            out.append(k)
        return np.array(out)

    assert check_inverse_cdf(loop_version)


def test_inverse_cdf_out_of_range_diagnosed():
    fb = check_inverse_cdf(lambda p, u: np.searchsorted(np.cumsum(p), u))
    assert not fb
    assert "returned outcome 10 for u = 1.0 with K = 10 outcomes" in str(fb)
    assert "clip the index to K - 1" in str(fb) and "0.9999999999999999" in str(fb)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda p, u: correct_inverse_cdf(p, u) + 1, "1-based outcome numbers"),
        (lambda p, u: np.cumsum(p)[correct_inverse_cdf(p, u)], "cumulative probability F_k"),
        (lambda p, u: np.minimum(np.searchsorted(np.cumsum(p), u, side="right"), len(p) - 1),
         "side='left'"),
        (lambda p, u: np.clip(np.searchsorted(np.cumsum(p), u) - 1, 0, len(p) - 1),
         "wrong interval"),
    ],
)
def test_inverse_cdf_mistakes_diagnosed(wrong, hint):
    fb = check_inverse_cdf(wrong)
    assert not fb
    assert hint in str(fb)


def test_inverse_cdf_crash_and_wrong_shape_reported():
    def crashes(p, u):
        raise IndexError("index 10 is out of bounds")

    fb = check_inverse_cdf(crashes)
    assert not fb and "raised IndexError" in str(fb)
    fb = check_inverse_cdf(lambda p, u: correct_inverse_cdf(p, u)[None, :])
    assert not fb and "shape (1, 6)" in str(fb)


# ------------------------------------------------------------------------------------------
# importance weights
# ------------------------------------------------------------------------------------------


def test_importance_weights_reference_matches_package():
    log_p = np.array([-1.0, -2.0, -0.5])
    log_q = np.array([-1.5, -1.0, -1.0])
    w = np.exp(log_p - log_q)
    np.testing.assert_allclose(importance_weights_reference(log_p, log_q), w / w.sum())


def test_importance_weights_correct_solutions_pass():
    def stable(log_p, log_q):
        log_w = log_p - log_q
        return np.exp(log_w - logsumexp(log_w))

    def max_shift(log_p, log_q):
        log_w = log_p - log_q
        w = np.exp(log_w - log_w.max())
        return w / w.sum()

    assert check_importance_weights(stable)
    assert check_importance_weights(max_shift)


def test_importance_weights_naive_exp_diagnosed():
    def naive(log_p, log_q):
        w = np.exp(log_p) / np.exp(log_q)
        return w / w.sum()

    fb = check_importance_weights(naive)
    assert not fb
    assert "case 2 of 3" in str(fb) and "non-finite" in str(fb)
    assert "Stay in log space" in str(fb)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda lp, lq: np.exp(lp - lq), "not normalised"),
        (lambda lp, lq: np.exp(lq - lp) / np.exp(lq - lp).sum(), "q/p instead of p/q"),
        (lambda lp, lq: (lp - lq) / (lp - lq).sum(), "normalised the log-weights"),
    ],
)
def test_importance_weights_mistakes_diagnosed(wrong, hint):
    fb = check_importance_weights(wrong)
    assert not fb
    assert "case 1 of 3" in str(fb) and hint in str(fb)


# ------------------------------------------------------------------------------------------
# effective sample size
# ------------------------------------------------------------------------------------------


def test_ess_reference_matches_package():
    for w in ([3.0, 1.0], [1.0, 1.0, 1.0], [0.2, 0.0, 0.7]):
        assert ess_reference(np.array(w)) == pytest.approx(effective_sample_size(w))


def test_ess_correct_solution_passes():
    def ess(w):
        wbar = w / w.sum()
        return 1.0 / np.sum(wbar**2)

    assert check_effective_sample_size(ess)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda w: 1.0 / np.sum(w**2), "did not normalise"),
        (lambda w: np.sum((w / w.sum()) ** 2), "reciprocal"),
        (lambda w: w.sum() / np.sum(w**2), "numerator is (sum w)**2"),
    ],
)
def test_ess_mistakes_diagnosed(wrong, hint):
    fb = check_effective_sample_size(wrong)
    assert not fb
    assert hint in str(fb)


def test_ess_unknown_mistake_still_gets_numbers():
    fb = check_effective_sample_size(lambda w: float(len(w)))
    assert not fb
    assert "every entry is 1.125 times the expected value" in str(fb)
