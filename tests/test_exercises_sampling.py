"""Tests for lecture_utils.exercises.sampling: right answers pass, each known
mistake gets its verdict, and hostile learner code (complex, 1e308, None, a wrong
shape, an exception, a loop that never ends) gets a Feedback, never a crash."""

from __future__ import annotations

import numpy as np
import pytest

import lecture_utils.exercises.sampling as checkers
from lecture_utils.exercises.sampling import (
    check_effective_sample_size,
    check_importance_weights,
    check_inverse_cdf,
)
from lecture_utils.feedback import Kind
from lecture_utils.special import logsumexp


def right_inverse_cdf(p, u):
    return np.minimum(np.searchsorted(np.cumsum(p), u, side="left"), len(p) - 1)


def right_weights(log_p, log_q):
    log_w = log_p - log_q
    return np.exp(log_w - logsumexp(log_w))


def right_ess(w):
    w_bar = w / w.sum()
    return 1.0 / np.sum(w_bar**2)


CHECKS = [
    (check_inverse_cdf, right_inverse_cdf),
    (check_importance_weights, right_weights),
    (check_effective_sample_size, right_ess),
]


def test_only_the_checkers_are_public():
    assert sorted(checkers.__all__) == [
        "check_effective_sample_size",
        "check_importance_weights",
        "check_inverse_cdf",
    ]


def test_other_correct_answers_pass():
    # the right answers themselves: test_checkers.py, for every checker
    def loop_version(p, u):  # a plain loop, as a learner might write it
        out = []
        for ui in u:
            total = 0.0
            for k, pk in enumerate(p):  # noqa: B007
                total += pk
                if ui <= total:
                    break
            out.append(k)
        return np.array(out)

    def max_shift(log_p, log_q):
        w = np.exp(log_p - log_q - np.max(log_p - log_q))
        return w / w.sum()

    assert check_inverse_cdf(loop_version)
    assert check_importance_weights(max_shift)
    assert check_effective_sample_size(lambda w: w.sum() ** 2 / np.sum(w**2))


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda p, u: np.searchsorted(np.cumsum(p), u), "clip the index to K - 1"),
        (lambda p, u: right_inverse_cdf(p, u) + 1, "1-based"),
        (lambda p, u: np.cumsum(p)[right_inverse_cdf(p, u)], "cumulative probability"),
        (
            lambda p, u: np.minimum(
                np.searchsorted(np.cumsum(p), u, side="right"), len(p) - 1
            ),
            "side='left'",
        ),
        (
            lambda p, u: np.clip(np.searchsorted(np.cumsum(p), u) - 1, 0, len(p) - 1),
            "one too small",
        ),
    ],
)
def test_inverse_cdf_mistakes_are_named(wrong, hint):
    fb = check_inverse_cdf(wrong)
    assert fb.kind is Kind.MISTAKE and hint in fb.message


def test_inverse_cdf_off_by_one_is_found_on_the_case_of_ten_tenths():
    fb = check_inverse_cdf(lambda p, u: np.searchsorted(np.cumsum(p), u))
    assert fb.case == 3 and "0.9999999999999999" in fb.message


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda lp, lq: np.exp(lp - lq), "not normalised"),
        (lambda lp, lq: np.exp(lq - lp) / np.exp(lq - lp).sum(), "you computed q/p"),
        (lambda lp, lq: (lp - lq) / (lp - lq).sum(), "normalised the log-weights"),
    ],
)
def test_importance_weight_mistakes_are_named(wrong, hint):
    fb = check_importance_weights(wrong)
    assert fb.kind is Kind.MISTAKE and fb.case == 1 and hint in fb.message


@pytest.mark.parametrize("shift", ["underflow", "overflow"])
def test_importance_weights_outside_log_space_get_the_log_space_note(shift):
    def naive(log_p, log_q):
        w = np.exp(log_p) / np.exp(log_q)  # 0/0 at log p ~ -1000, x/0 at log q ~ -800
        return w / w.sum()

    def naive_ratio(log_p, log_q):
        w = np.exp(log_p - log_q)  # exp(-1000) = 0 and exp(800) = inf
        return w / w.sum()

    fb = check_importance_weights(naive if shift == "underflow" else naive_ratio)
    assert fb.kind is Kind.NON_FINITE and fb.case == 2
    assert any("Stay in log space" in note for note in fb.notes)
    # only a non-finite answer gets the note
    assert not check_importance_weights(lambda lp, lq: np.exp(lp - lq)).notes


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda w: 1.0 / np.sum(w**2), "did not normalise"),
        (lambda w: np.sum((w / w.sum()) ** 2), "reciprocal"),
        (lambda w: w.sum() / np.sum(w**2), "square of the sum"),
    ],
)
def test_ess_mistakes_are_named(wrong, hint):
    fb = check_effective_sample_size(wrong)
    assert fb.kind is Kind.MISTAKE and hint in fb.message


def test_an_unknown_ess_mistake_is_reported_with_its_factor():
    fb = check_effective_sample_size(lambda w: float(len(w)))  # 4 instead of 3.556
    assert fb.kind is Kind.FACTOR and fb.factor == pytest.approx(1.125)
