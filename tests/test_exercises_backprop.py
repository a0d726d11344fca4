"""The backprop chapter's checkers: classic mistakes are named. The right answers
and hostile answers (complex, 1e308, None, wrong shapes, hanging): test_checkers.py."""

from __future__ import annotations

import numpy as np
import pytest

from lecture_utils.exercises.backprop import (
    check_affine_backward,
    check_logsumexp,
    check_softmax,
    check_two_layer_backprop,
)
from lecture_utils.feedback import Kind


def stable_lse(x):
    a = np.max(x)
    return a + np.log(np.sum(np.exp(x - a)))


def stable_softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def affine_backward(d_out, cache):
    x, W, _ = cache
    return d_out @ W.T, x.T @ d_out, d_out.sum(axis=0)


def two_layer(x, y, A0, b0, A1, b1, *, factor=True, mean=True):
    f = np.tanh(x @ A0.T + b0)
    G = (f @ A1.T + b1 - y) / (len(x) if mean else 1)
    delta = G @ A1 * ((1 - f**2) if factor else 1)
    return delta.T @ x, delta.sum(axis=0), G.T @ f, G.sum(axis=0)


CHECKS = [
    (check_logsumexp, stable_lse),
    (check_softmax, stable_softmax),
    (check_affine_backward, affine_backward),
    (check_two_layer_backprop, two_layer),
]


def test_logsumexp_mistakes():
    def naive(x):
        return np.log(np.sum(np.exp(x)))

    fb = check_logsumexp(naive)
    assert fb.kind == Kind.NON_FINITE and fb.case == 2
    assert "Shift by a = max(x)" in fb.notes[-1]

    def no_shift_back(x):
        return np.log(np.sum(np.exp(x - np.max(x))))

    fb = check_logsumexp(no_shift_back)
    assert fb.kind == Kind.MISTAKE and "misses the shift" in fb.message

    def underflows(x):  # right for positive inputs, log(0) for [-1000, -1001]
        return naive(x) if np.max(x) < 700 else stable_lse(x)

    fb = check_logsumexp(underflows)
    assert fb.kind == Kind.NON_FINITE and fb.case == 3


def test_softmax_mistakes():
    fb = check_softmax(lambda x: np.exp(x) / np.sum(np.exp(x)))
    assert fb.kind == Kind.NON_FINITE and "Shift by a = max(x)" in fb.notes[-1]
    fb = check_softmax(lambda x: np.exp(x - np.max(x)))
    assert fb.kind == Kind.MISTAKE and "not normalised" in fb.message


@pytest.mark.parametrize(
    ("mistake", "kind", "words"),
    [
        (
            lambda d, x, W: (d @ W.T, d.T @ x, d.sum(axis=0)),
            Kind.MISTAKE,
            "d_out.T @ x",
        ),
        (lambda d, x, W: (d @ W.T, x.T @ d, d.mean(axis=0)), Kind.MISTAKE, "the mean"),
        (lambda d, x, W: (d @ W.T, x.T @ d, d), Kind.BATCH_SUM, "Sum over the batch"),
        (
            lambda d, x, W: (d @ W.T, x.T @ d, d.sum(axis=0))[::-1],
            Kind.MISTAKE,
            "another order",
        ),
        (lambda d, x, W: (-d @ W.T, -x.T @ d, -d.sum(axis=0)), Kind.SIGN, "sign"),
    ],
    ids=["d_W transposed", "d_b mean", "d_b not summed", "order", "sign"],
)
def test_affine_backward_mistakes(mistake, kind, words):
    fb = check_affine_backward(lambda d_out, cache: mistake(d_out, *cache[:2]))
    assert fb.kind == kind and words in str(fb)


def test_affine_backward_d_x_with_W_untransposed_is_named_in_the_square_case():
    def attempt(d_out, cache):
        x, W, _ = cache
        d_x = d_out @ W if W.shape[0] == W.shape[1] else d_out @ W.T
        return d_x, x.T @ d_out, d_out.sum(axis=0)

    fb = check_affine_backward(attempt)
    assert fb.kind == Kind.MISTAKE and fb.case == 3 and "d_out @ W.T" in fb.message
    fb = check_affine_backward(lambda d_out, cache: (d_out @ cache[1], None, None))
    assert fb.kind == Kind.EXCEPTION and "Shapes:" in fb.notes[-1]


@pytest.mark.parametrize(
    ("mistake", "kind", "words"),
    [
        (lambda *a: two_layer(*a, factor=False), Kind.MISTAKE, "(1 − f²)"),
        (lambda *a: two_layer(*a, mean=False), Kind.MISTAKE, "B times too large"),
        (lambda *a: tuple(-g for g in two_layer(*a)), Kind.SIGN, "wrong sign"),
        (
            lambda *a: (two_layer(*a)[0].T, *two_layer(*a)[1:]),
            Kind.TRANSPOSED,
            "transpose",
        ),
    ],
    ids=["no tanh'", "no 1/B", "sign", "dA0 transposed"],
)
def test_two_layer_mistakes(mistake, kind, words):
    fb = check_two_layer_backprop(mistake)
    assert fb.kind == kind and words in str(fb)


def test_two_layer_derivative_at_z_instead_of_f():
    def at_z(x, y, A0, b0, A1, b1):
        z = x @ A0.T + b0
        G = (np.tanh(z) @ A1.T + b1 - y) / len(x)
        delta = G @ A1 * (1 - z**2)
        return delta.T @ x, delta.sum(axis=0), G.T @ np.tanh(z), G.sum(axis=0)

    fb = check_two_layer_backprop(at_z)
    assert fb.kind == Kind.MISTAKE and "1 − z²" in fb.message


def test_db_not_summed_is_a_batch_sum_verdict():
    def per_example(x, y, A0, b0, A1, b1):
        dA0, _, dA1, _ = two_layer(x, y, A0, b0, A1, b1)
        f = np.tanh(x @ A0.T + b0)
        G = (f @ A1.T + b1 - y) / len(x)
        return dA0, (G @ A1) * (1 - f**2), dA1, G.sum(axis=0)

    fb = check_two_layer_backprop(per_example)
    assert fb.kind == Kind.BATCH_SUM


def test_learner_changing_its_inputs_cannot_spoil_the_diagnosis():
    def transposed_then_vandal(d_out, cache):
        x, W, _ = cache
        result = d_out @ W.T, d_out.T @ x, d_out.sum(axis=0)
        x *= 2  # the mistake is recognised on the original x
        return result

    fb = check_affine_backward(transposed_then_vandal)
    assert fb.kind == Kind.MISTAKE and "d_out.T @ x" in fb.message
