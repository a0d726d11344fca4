"""Tests of lecture_utils.layers: forwards against explicit sums, backwards against
finite differences (lecture_utils.differentiation.check_gradient)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sps

from lecture_utils.differentiation import check_gradient
from lecture_utils.layers import (
    affine_backward,
    affine_forward,
    softmax_cross_entropy,
    squared_error_loss,
    tanh_backward,
    tanh_forward,
)

RNG = np.random.default_rng(7)
SHAPES = [(1, 1, 1), (2, 3, 4), (5, 4, 3), (3, 3, 3)]


def vjp_check(forward, upstream, point, grad):
    """check_gradient of the scalar sum(upstream * forward(point)): its gradient is
    the vector-Jacobian product the backward pass returns."""
    return check_gradient(
        lambda v: np.sum(upstream * forward(v)), grad, point, tol=1e-7
    )


@pytest.mark.parametrize(("N", "D", "H"), SHAPES)
def test_affine_forward_is_rowwise_Wt_x_plus_b(N, D, H):
    x, W, b = RNG.normal(size=(N, D)), RNG.normal(size=(D, H)), RNG.normal(size=H)
    out, cache = affine_forward(x, W, b)
    rows = np.array(
        [W.T @ x[n] + b for n in range(N)]
    )  # the homework's a_n = W^T x_n + b
    np.testing.assert_allclose(out, rows, rtol=1e-13, atol=1e-13)
    assert isinstance(cache, tuple) and len(cache) == 3


@pytest.mark.parametrize(("N", "D", "H"), SHAPES)
def test_affine_backward_against_finite_differences(N, D, H):
    x, W, b = RNG.normal(size=(N, D)), RNG.normal(size=(D, H)), RNG.normal(size=H)
    d_out = RNG.normal(size=(N, H))
    d_x, d_W, d_b = affine_backward(d_out, affine_forward(x, W, b)[1])
    assert (d_x.shape, d_W.shape, d_b.shape) == ((N, D), (D, H), (H,))
    vjp_check(lambda v: affine_forward(v, W, b)[0], d_out, x, d_x)
    vjp_check(lambda v: affine_forward(x, v, b)[0], d_out, W, d_W)
    vjp_check(lambda v: affine_forward(x, W, v)[0], d_out, b, d_b)


def test_tanh_forward_and_backward():
    z = RNG.normal(size=(4, 3))
    f, cache = tanh_forward(z)
    np.testing.assert_array_equal(f, np.tanh(z))
    np.testing.assert_array_equal(cache, f)
    G = RNG.normal(size=(4, 3))
    d_z = tanh_backward(G, cache)
    np.testing.assert_allclose(d_z, G / np.cosh(z) ** 2, rtol=1e-12)  # 1 - tanh^2
    vjp_check(lambda v: tanh_forward(v)[0], G, z, d_z)


def test_squared_error_loss_is_mean_over_batch_of_half_squared_norms():
    f, y = RNG.normal(size=(5, 2)), RNG.normal(size=(5, 2))
    loss, d_f = squared_error_loss(f, y)
    want = sum(0.5 * np.sum((y[n] - f[n]) ** 2) for n in range(5)) / 5
    assert loss == pytest.approx(want, rel=1e-14)
    np.testing.assert_allclose(d_f, (f - y) / 5, rtol=1e-14)
    check_gradient(lambda v: squared_error_loss(v, y)[0], d_f, f, tol=1e-7)


def test_softmax_cross_entropy_loss_and_gradient():
    logits, labels = RNG.normal(0, 3, size=(6, 4)), np.array([0, 3, 1, 1, 2, 0])
    loss, d = softmax_cross_entropy(logits, labels)
    want = -np.mean(sps.log_softmax(logits, axis=1)[np.arange(6), labels])
    assert loss == pytest.approx(want, rel=1e-14)
    onehot = np.eye(4)[labels]
    np.testing.assert_allclose(
        d, (sps.softmax(logits, axis=1) - onehot) / 6, atol=1e-15
    )
    check_gradient(lambda v: softmax_cross_entropy(v, labels)[0], d, logits, tol=1e-7)


def test_softmax_cross_entropy_is_stable_for_large_logits():
    loss, d = softmax_cross_entropy([[1000.0, 1001.0, 1002.0]], [2])
    assert loss == pytest.approx(0.40760596444, rel=1e-10)
    np.testing.assert_allclose(d, [[0.09003057, 0.24472847, -0.33475904]], rtol=1e-7)
    assert softmax_cross_entropy([[0.0, -800.0]], [1])[0] == pytest.approx(800.0)


def test_inputs_are_not_modified():
    x, W, b, d = np.ones((2, 3)), np.ones((3, 2)), np.ones(2), np.ones((2, 2))
    affine_backward(d, affine_forward(x, W, b)[1])
    _, cache = tanh_forward(x)
    tanh_backward(np.ones((2, 3)), cache)
    squared_error_loss(d, np.zeros((2, 2)))
    for a in (x, W, b, d):
        assert np.all(a == 1.0)
    np.testing.assert_array_equal(cache, np.tanh(1.0))


# ------------------------------------------------------------------ bad input
def test_affine_shape_messages():
    with pytest.raises(
        ValueError,
        match=r"^affine_forward: W must be of shape \(5, H\) "
        r"for x of shape \(4, 5\), got shape \(3, 2\)\. W is \[D, H\]",
    ):
        affine_forward(np.ones((4, 5)), np.ones((3, 2)), np.zeros(2))
    with pytest.raises(
        ValueError,
        match=r"^affine_forward: b must be of shape \(2,\), "
        r"got shape \(3,\)",
    ):
        affine_forward(np.ones((4, 3)), np.ones((3, 2)), np.zeros(3))
    with pytest.raises(
        ValueError, match=r"^affine_forward: x must be an array with 2 "
    ):
        affine_forward(np.ones(3), np.ones((3, 2)), np.zeros(2))


def test_backward_checks_its_cache_and_upstream_gradient():
    _, cache = affine_forward(np.ones((4, 3)), np.ones((3, 2)), np.zeros(2))
    _, tanh_cache = tanh_forward(np.ones((4, 2)))
    with pytest.raises(
        TypeError,
        match=r"^affine_backward: cache must be the tuple "
        r"\(x, W, b\), got an array .* Pass the cache that the match",
    ):
        affine_backward(np.ones((4, 2)), tanh_cache)
    with pytest.raises(
        ValueError,
        match=r"^affine_backward: the cache's W must be of "
        r"shape \(3, H\)",
    ):
        affine_backward(np.ones((4, 2)), (cache[0], cache[1].T, cache[2]))
    with pytest.raises(
        ValueError,
        match=r"^affine_backward: d_out must be of shape "
        r"\(4, 2\), got shape \(2, 4\)",
    ):
        affine_backward(np.ones((2, 4)), cache)
    with pytest.raises(
        TypeError,
        match=r"^tanh_backward: cache must be the array "
        r"f = tanh\(z\), got tuple",
    ):
        tanh_backward(np.ones((4, 2)), cache)
    with pytest.raises(
        ValueError,
        match=r"^tanh_backward: cache must be f = tanh\(z\), "
        r"with entries in \[-1, 1\], got an entry 3",
    ):
        tanh_backward(np.ones((4, 2)), np.full((4, 2), 3.0))
    with pytest.raises(
        ValueError,
        match=r"^tanh_backward: d_out must be of shape "
        r"\(4, 2\)",
    ):
        tanh_backward(np.ones((2, 4)), tanh_cache)


def test_tanh_forward_checks_its_input():
    np.testing.assert_array_equal(tanh_forward([0, 1])[0], np.tanh([0.0, 1.0]))
    with pytest.raises(TypeError, match=r"^tanh_forward: z must be real numbers"):
        tanh_forward([1j])


def test_loss_messages():
    with pytest.raises(
        ValueError,
        match=r"^squared_error_loss: y must be of shape "
        r"\(3, 1\), got shape \(3,\)",
    ):
        squared_error_loss(np.ones((3, 1)), np.ones(3))
    with pytest.raises(ValueError, match=r"^squared_error_loss: f must be finite"):
        squared_error_loss(np.full((3, 1), np.nan), np.ones((3, 1)))
    with pytest.raises(
        TypeError,
        match=r"^softmax_cross_entropy: labels must be "
        r"integer class indices, got .*float64.*astype\(int\)",
    ):
        softmax_cross_entropy(np.ones((2, 3)), [0.0, 1.0])
    with pytest.raises(
        ValueError,
        match=r"^softmax_cross_entropy: labels must be "
        r"classes in 0, \.\.\., 2, got 3",
    ):
        softmax_cross_entropy(np.ones((2, 3)), [0, 3])
    with pytest.raises(
        ValueError,
        match=r"^softmax_cross_entropy: labels must be of "
        r"shape \(2,\), one per row of logits, got shape \(3,\)",
    ):
        softmax_cross_entropy(np.ones((2, 3)), [0, 1, 2])
    with pytest.raises(
        ValueError,
        match=r"^softmax_cross_entropy: logits must be "
        r"non-empty",
    ):
        softmax_cross_entropy(np.ones((0, 3)), np.zeros(0, dtype=int))
