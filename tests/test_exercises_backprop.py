"""The backprop chapter's checkers: right answers pass, typical mistakes are named."""

from __future__ import annotations

import numpy as np

from lecture_utils.exercises.backprop import (
    check_affine_backward,
    check_affine_forward,
    check_logsumexp,
    check_softmax,
)


# ---------------------------------------------------------------- logsumexp
def stable_lse(x):
    a = np.max(x)
    return a + np.log(np.sum(np.exp(x - a)))


def naive_lse(x):
    return np.log(np.sum(np.exp(x)))


def forgot_shift_back(x):
    a = np.max(x)
    return np.log(np.sum(np.exp(x - a)))


def shift_by_mean(x):  # a = mean: overflows for [-800, 0, 800], underflows nowhere else
    a = np.mean(x)
    return a + np.log(np.sum(np.exp(x - a)))


def test_check_logsumexp_passes_stable_version():
    fb = check_logsumexp(stable_lse)
    assert fb.passed
    assert "all 4 test cases" in str(fb)


def test_check_logsumexp_diagnoses_overflow_underflow_and_missing_shift():
    fb = check_logsumexp(naive_lse)
    assert not fb
    assert "overflows to inf" in str(fb) and "Subtract a = max(x)" in str(fb)

    fb = check_logsumexp(lambda x: naive_lse(x) if np.max(x) < 0 else stable_lse(x))
    assert not fb and "underflowed to 0 and log(0) = -inf" in str(fb)
    fb = check_logsumexp(forgot_shift_back)
    assert not fb and "without the shift added back" in str(fb)
    fb = check_logsumexp(shift_by_mean)
    assert not fb and "overflows" in str(fb)
    assert not check_logsumexp(lambda x: None)
    assert "returned None" in str(check_logsumexp(lambda x: None))
    assert "should return one number" in str(check_logsumexp(lambda x: np.exp(x)))


def test_check_logsumexp_reports_exceptions_and_plain_wrong_values():
    def broken(x):
        raise RuntimeError("boom")

    assert "raised RuntimeError: boom" in str(check_logsumexp(broken))
    fb = check_logsumexp(lambda x: stable_lse(x) + 1.0)
    assert not fb and "expected" in str(fb)


# ------------------------------------------------------------------ softmax
def stable_softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def test_check_softmax_passes_and_names_nan_causes():
    assert check_softmax(stable_softmax)
    fb = check_softmax(lambda x: np.exp(x) / np.sum(np.exp(x)))
    assert not fb and "inf / inf = nan" in str(fb) and "softmax(x − a)" in str(fb)
    fb = check_softmax(lambda x: np.exp(x) / np.sum(np.exp(x)) if np.max(x) < 700
                       else stable_softmax(x))
    assert not fb and "underflows to 0, 0 / 0 = nan" in str(fb)
    fb = check_softmax(lambda x: np.exp(x - np.max(x)))
    assert not fb and "sums to" in str(fb) and "Divide by the sum" in str(fb)
    fb = check_softmax(lambda x: stable_softmax(x).reshape(1, -1))
    assert not fb and "shape (1, 4)" in str(fb)


# ------------------------------------------------------------- affine layer
def good_forward(x, W, b):
    return x @ W + b, (x, W, b)


def test_check_affine_forward():
    assert check_affine_forward(good_forward)
    assert check_affine_forward(lambda x, W, b: x @ W + b)  # returning out alone is fine
    fb = check_affine_forward(lambda x, W, b: x @ W)
    assert not fb and "without the bias" in str(fb)
    fb = check_affine_forward(lambda x, W, b: (W.T @ x.T).T.T + b[:, None])
    assert not fb and "transpose" in str(fb)
    fb = check_affine_forward(lambda x, W, b: x @ W.T + b)
    assert not fb and "raised ValueError" in str(fb) and "x @ W is [N, H]" in str(fb)


def good_backward(d_out, cache):
    x, W, _ = cache
    return d_out @ W.T, x.T @ d_out, d_out.sum(axis=0)


def test_check_affine_backward_passes_reference():
    fb = check_affine_backward(good_backward)
    assert fb.passed and "all 3 test cases" in str(fb)


def test_check_affine_backward_transposed_dW():
    def transposed(d_out, cache):
        x, W, _ = cache
        return d_out @ W.T, d_out.T @ x, d_out.sum(axis=0)

    fb = check_affine_backward(transposed)
    assert not fb
    assert "d_W has shape (2, 3) but should have shape (3, 2)" in str(fb)
    assert "Use x.T @ d_out" in str(fb)


def test_check_affine_backward_transposed_dW_in_square_case():
    def transposed_only_when_square(d_out, cache):
        x, W, _ = cache
        d_W = x.T @ d_out
        return d_out @ W.T, d_W.T if d_W.shape[0] == d_W.shape[1] else d_W, d_out.sum(axis=0)

    fb = check_affine_backward(transposed_only_when_square)
    assert not fb and "case 3 of 3" in str(fb) and "same shape because D = H" in str(fb)


def test_check_affine_backward_db_not_summed_or_averaged():
    def not_summed(d_out, cache):
        x, W, _ = cache
        return d_out @ W.T, x.T @ d_out, d_out

    fb = check_affine_backward(not_summed)
    assert not fb and "d_b has shape (4, 2) but should have shape (2,)" in str(fb)
    assert "Sum over the batch" in str(fb)

    def averaged(d_out, cache):
        x, W, _ = cache
        return d_out @ W.T, x.T @ d_out, d_out.mean(axis=0)

    fb = check_affine_backward(averaged)
    assert not fb and "mean of d_out over the batch, 1/4" in str(fb)


def test_check_affine_backward_wrong_order_wrong_count_and_crash():
    def wrong_order(d_out, cache):
        d_x, d_W, d_b = good_backward(d_out, cache)
        return d_W, d_x, d_b

    fb = check_affine_backward(wrong_order)
    assert not fb and "in another order" in str(fb) and "(d_x, d_W, d_b)" in str(fb)
    fb = check_affine_backward(lambda d_out, cache: good_backward(d_out, cache)[:2])
    assert not fb and "should return a tuple (d_x, d_W, d_b), got tuple of length 2" in str(fb)

    def uses_W_not_WT(d_out, cache):
        x, W, _ = cache
        return d_out @ W, x.T @ d_out, d_out.sum(axis=0)

    fb = check_affine_backward(uses_W_not_WT)
    assert not fb and "raised ValueError" in str(fb) and "d_x = d_out @ W.T is [N, D]" in str(fb)

    def uses_W_only_when_square(d_out, cache):
        x, W, _ = cache
        d_x = d_out @ W if W.shape[0] == W.shape[1] else d_out @ W.T
        return d_x, x.T @ d_out, d_out.sum(axis=0)

    fb = check_affine_backward(uses_W_only_when_square)
    assert not fb and "d_x is d_out @ W; it should be d_out @ W.T" in str(fb)


def test_check_affine_backward_factor_two():
    def doubled(d_out, cache):
        d_x, d_W, d_b = good_backward(d_out, cache)
        return d_x, 2 * d_W, d_b

    fb = check_affine_backward(doubled)
    assert not fb and "every entry is 2 times" in str(fb)
