"""Tests of lecture_utils.layers: forward vs NumPy/SciPy, backward vs finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sps

from lecture_utils.layers import (
    affine_backward,
    affine_forward,
    softmax_cross_entropy,
    squared_error_loss,
    tanh_backward,
    tanh_forward,
)

RNG = np.random.default_rng(7)


def numerical_vjp(f, x: np.ndarray, upstream: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar sum(upstream * f(x)) with respect to every entry of x."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = np.sum(upstream * f(x))
        x[i] = old - h
        minus = np.sum(upstream * f(x))
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|a|, |b|), the CS231n gradient-check measure."""
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-300)
    return float(np.max(np.abs(a - b)) / scale)


SHAPES = [(1, 1, 1), (2, 3, 4), (5, 4, 3), (7, 1, 6), (3, 6, 6)]


# ------------------------------------------------------------------- affine
@pytest.mark.parametrize(("N", "D", "H"), SHAPES)
def test_affine_forward_is_rowwise_Wt_x_plus_b(N, D, H):
    x, W, b = RNG.normal(size=(N, D)), RNG.normal(size=(D, H)), RNG.normal(size=H)
    out, cache = affine_forward(x, W, b)
    rows = np.array([W.T @ x[i] + b for i in range(N)])  # the homework's a_i = W^T x_i + b
    np.testing.assert_allclose(out, rows, rtol=1e-13, atol=1e-13)
    assert out.shape == (N, H)
    assert cache[0] is x or np.array_equal(cache[0], x)


@pytest.mark.parametrize(("N", "D", "H"), SHAPES)
def test_affine_backward_matches_finite_differences(N, D, H):
    x, W, b = RNG.normal(size=(N, D)), RNG.normal(size=(D, H)), RNG.normal(size=H)
    d_out = RNG.normal(size=(N, H))
    _, cache = affine_forward(x, W, b)
    d_x, d_W, d_b = affine_backward(d_out, cache)
    assert (d_x.shape, d_W.shape, d_b.shape) == ((N, D), (D, H), (H,))
    num_x = numerical_vjp(lambda v: affine_forward(v, W, b)[0], x.copy(), d_out)
    num_W = numerical_vjp(lambda v: affine_forward(x, v, b)[0], W.copy(), d_out)
    num_b = numerical_vjp(lambda v: affine_forward(x, W, v)[0], b.copy(), d_out)
    assert rel_error(d_x, num_x) < 1e-7
    assert rel_error(d_W, num_W) < 1e-7
    assert rel_error(d_b, num_b) < 1e-7


def test_affine_backward_closed_form():
    x, W, b = RNG.normal(size=(4, 3)), RNG.normal(size=(3, 2)), RNG.normal(size=2)
    d_out = RNG.normal(size=(4, 2))
    d_x, d_W, d_b = affine_backward(d_out, affine_forward(x, W, b)[1])
    np.testing.assert_allclose(d_W, sum(np.outer(x[n], d_out[n]) for n in range(4)), rtol=1e-13)
    np.testing.assert_allclose(d_b, d_out.sum(axis=0), rtol=1e-13)
    np.testing.assert_allclose(d_x, np.einsum("nh,dh->nd", d_out, W), rtol=1e-13)


def test_affine_shape_errors_name_both_shapes_and_the_fix():
    with pytest.raises(ValueError, match=r"x has 5 features \(shape \(4, 5\)\) but W expects 3 "
                                         r"\(shape \(3, 2\)\)\. Pass x with one example per row"):
        affine_forward(np.ones((4, 5)), np.ones((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"W looks transposed.*pass W\.T"):
        affine_forward(np.ones((4, 3)), np.ones((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match=r"x looks transposed: pass x\.T"):
        affine_forward(np.ones((3, 4)), np.ones((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"b has 3 entries \(shape \(3,\)\) but W has 2 output "
                                         r"columns \(shape \(3, 2\)\)"):
        affine_forward(np.ones((4, 3)), np.ones((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"affine_forward: b must have 1 dimension"):
        affine_forward(np.ones((4, 3)), np.ones((3, 2)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"affine_forward: x must be finite"):
        affine_forward(np.full((1, 3), np.nan), np.ones((3, 2)), np.zeros(2))
    _, cache = affine_forward(np.ones((4, 3)), np.ones((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"affine_backward: d_out must have shape \(4, 2\), got "
                                         r"shape \(2, 4\)\. It must have the shape of the forward"):
        affine_backward(np.ones((2, 4)), cache)


# --------------------------------------------------------------------- tanh
@pytest.mark.parametrize("shape", [(3,), (4, 5), (2, 3, 2)])
def test_tanh_forward_backward(shape):
    z = RNG.normal(0, 2, size=shape)
    out, cache = tanh_forward(z)
    np.testing.assert_allclose(out, np.tanh(z), rtol=1e-15)
    d_out = RNG.normal(size=shape)
    d_z = tanh_backward(d_out, cache)
    num = numerical_vjp(lambda v: tanh_forward(v)[0], z.copy(), d_out)
    assert rel_error(d_z, num) < 1e-7
    np.testing.assert_allclose(d_z, d_out / np.cosh(z) ** 2, rtol=1e-12)
    with pytest.raises(ValueError, match=r"tanh_backward: d_out must have shape"):
        tanh_backward(np.ones((*shape, 1)), cache)


# ------------------------------------------------------------------- losses
@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("shape", [(5, 1), (3, 4)])
def test_squared_error_loss_and_gradient(reduction, shape):
    f, y = RNG.normal(size=shape), RNG.normal(size=shape)
    loss, grad = squared_error_loss(f, y, reduction=reduction)
    expected = 0.5 * np.sum((y - f) ** 2) / (shape[0] if reduction == "mean" else 1)
    assert loss == pytest.approx(expected, rel=1e-14)
    num = numerical_vjp(lambda v: squared_error_loss(v, y, reduction=reduction)[0], f.copy(),
                        np.array(1.0))
    assert rel_error(grad, num) < 1e-7


def test_squared_error_loss_errors():
    with pytest.raises(ValueError, match=r"prediction has shape \(5, 1\) but target has shape "
                                         r"\(5,\).*y\.reshape\(-1, 1\)"):
        squared_error_loss(np.ones((5, 1)), np.ones(5))
    with pytest.raises(ValueError, match=r"reduction must be 'sum' or 'mean'"):
        squared_error_loss(np.ones(2), np.ones(2), reduction="avg")


@pytest.mark.parametrize(("N", "K"), [(1, 2), (6, 3), (4, 10)])
def test_softmax_cross_entropy_against_scipy_and_finite_differences(N, K):
    logits = RNG.normal(0, 3, size=(N, K))
    labels = RNG.integers(0, K, size=N)
    loss, d = softmax_cross_entropy(logits, labels)
    ref = -np.mean(sps.log_softmax(logits, axis=1)[np.arange(N), labels])
    assert loss == pytest.approx(ref, rel=1e-13)
    num = numerical_vjp(lambda v: softmax_cross_entropy(v, labels)[0], logits.copy(),
                        np.array(1.0))
    assert rel_error(d, num) < 1e-7
    np.testing.assert_allclose(d.sum(axis=1), 0.0, atol=1e-15)


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    loss, d = softmax_cross_entropy(np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0,
                                                                        -1002.0]]), [2, 0])
    assert loss == pytest.approx(np.log1p(np.exp(-1) + np.exp(-2)), rel=1e-14)
    assert np.all(np.isfinite(d))


def test_softmax_cross_entropy_errors():
    with pytest.raises(TypeError, match=r"labels must be integer class indices, got dtype "
                                        r"float64; use labels.astype\(int\)"):
        softmax_cross_entropy(np.ones((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"labels\[1\] = 3 is not a class index in 0\.\.2"):
        softmax_cross_entropy(np.ones((2, 3)), [0, 3])
    with pytest.raises(ValueError, match=r"labels must have shape \(2,\), one per row"):
        softmax_cross_entropy(np.ones((2, 3)), [0])
    assert softmax_cross_entropy(np.ones((0, 3)), np.array([], dtype=int))[0] == 0.0
