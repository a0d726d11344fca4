"""Tests of lecture_utils.mlp: Jacobian tensors, VJPs, backprop vs finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from lecture_utils.mlp import (
    MLP,
    init_mlp,
    mlp_forward,
    mlp_loss_and_gradients,
    single_layer_jacobians,
    single_layer_vjp,
    train_mlp,
)

RNG = np.random.default_rng(11)


def numerical_jacobian(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference Jacobian, shape f(x).shape + x.shape."""
    x = np.array(x, dtype=float)
    out_shape = np.shape(f(x))
    jac = np.zeros(out_shape + x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = np.asarray(f(x))
        x[i] = old - h
        minus = np.asarray(f(x))
        x[i] = old
        jac[(..., *i)] = (plus - minus) / (2 * h)
    return jac


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-300)
    return float(np.max(np.abs(a - b)) / scale)


def random_layer(M: int, N: int):
    return RNG.normal(size=(M, N)) / np.sqrt(N), RNG.normal(size=M), RNG.normal(size=N)


# ---------------------------------------------------------- single layer
@pytest.mark.parametrize(("M", "N"), [(1, 1), (3, 2), (2, 5), (4, 4)])
def test_single_layer_jacobians_match_finite_differences(M, N):
    A, b, x = random_layer(M, N)
    J = single_layer_jacobians(A, b, x)
    np.testing.assert_allclose(J.z, A @ x + b, rtol=1e-14)
    np.testing.assert_allclose(J.f, np.tanh(A @ x + b), rtol=1e-14)
    assert J.dfdz.shape == J.dzdb.shape == J.dfdb.shape == (M, M)
    assert J.dzdA.shape == J.dfdA.shape == (M, M, N)
    np.testing.assert_array_equal(J.dzdb, np.eye(M))
    np.testing.assert_allclose(J.dfdz, np.diag(1 / np.cosh(J.z) ** 2), rtol=1e-12)
    num_dfdb = numerical_jacobian(lambda v: np.tanh(A @ x + v), b)
    num_dfdA = numerical_jacobian(lambda v: np.tanh(v @ x + b), A)
    num_dzdA = numerical_jacobian(lambda v: v @ x + b, A)
    assert rel_error(J.dfdb, num_dfdb) < 1e-7
    assert rel_error(J.dfdA, num_dfdA) < 1e-7
    assert rel_error(J.dzdA, num_dzdA) < 1e-7
    # slides 26-27: slice l of dz/dA is zero except row l, which is x^T
    for k in range(M):
        np.testing.assert_array_equal(J.dzdA[k, k], x)
        assert np.count_nonzero(np.delete(J.dzdA[k], k, axis=0)) == 0


@pytest.mark.parametrize(("M", "N"), [(1, 1), (3, 2), (6, 4), (10, 10)])
def test_vjp_agrees_with_jacobian_tensors_to_1e12(M, N):
    A, b, x = random_layer(M, N)
    g = RNG.normal(size=M)
    J = single_layer_jacobians(A, b, x)
    dA, db, dx = single_layer_vjp(A, b, x, g)
    assert (dA.shape, db.shape, dx.shape) == ((M, N), (M,), (N,))
    np.testing.assert_allclose(dA, np.einsum("i,ijk", g, J.dfdA), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(db, g @ J.dfdb, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dx, g @ J.dfdz @ A, rtol=1e-12, atol=1e-15)
    num_dx = numerical_jacobian(lambda v: np.tanh(A @ v + b), x)
    assert rel_error(dx, g @ num_dx) < 1e-7


def test_batched_backprop_agrees_with_single_layer_route():
    A, b, x = random_layer(4, 3)
    y = RNG.normal(size=4)
    net = MLP([A.copy()], [b.copy()], output="tanh")
    loss, grads = mlp_loss_and_gradients(net, x[None, :], y[None, :], reduction="sum")
    J = single_layer_jacobians(A, b, x)
    g = J.f - y  # dL/df for L = 1/2 ||y - f||^2 (slide 32)
    assert loss == pytest.approx(0.5 * np.sum((y - J.f) ** 2), rel=1e-14)
    np.testing.assert_allclose(grads[0][0], np.einsum("i,ijk", g, J.dfdA), rtol=1e-12,
                               atol=1e-15)
    np.testing.assert_allclose(grads[0][1], g @ J.dfdb, rtol=1e-12, atol=1e-15)


def test_single_layer_errors():
    with pytest.raises(ValueError, match=r"single_layer_jacobians: x has 3 entries \(shape "
                                         r"\(3,\)\) but A expects 2 \(shape \(4, 2\)\)"):
        single_layer_jacobians(np.ones((4, 2)), np.ones(4), np.ones(3))
    with pytest.raises(ValueError, match=r"b has 2 entries .* but A has 4 rows"):
        single_layer_vjp(np.ones((4, 2)), np.ones(2), np.ones(2), np.ones(4))
    with pytest.raises(ValueError, match=r"single_layer_vjp: g must have shape \(4,\)"):
        single_layer_vjp(np.ones((4, 2)), np.ones(4), np.ones(2), np.ones(2))


# ------------------------------------------------------------ multi layer
def _flat_loss(net: MLP, x, y, layer: int, which: int, reduction: str):
    def loss_of(v):
        trial = net.copy()
        (trial.weights if which == 0 else trial.biases)[layer][...] = v
        return mlp_loss_and_gradients(trial, x, y, reduction=reduction)[0]
    return loss_of


@pytest.mark.parametrize(
    ("sizes", "output", "reduction", "N"),
    [([1, 1], "linear", "sum", 1), ([2, 5, 1], "linear", "mean", 7),
     ([3, 4, 4, 2], "tanh", "sum", 5), ([4, 3, 6, 2, 3], "linear", "mean", 3),
     ([2, 7, 1], "tanh", "mean", 1)],
)
def test_mlp_gradients_match_finite_differences(sizes, output, reduction, N):
    net = init_mlp(sizes, output=output, rng=RNG)
    for b in net.biases:
        b[:] = RNG.normal(0, 0.5, size=b.shape)
    x = RNG.normal(size=(N, sizes[0]))
    y = RNG.normal(size=(N, sizes[-1]))
    _, grads = mlp_loss_and_gradients(net, x, y, reduction=reduction)
    for layer, (dA, db) in enumerate(grads):
        assert dA.shape == net.weights[layer].shape
        assert db.shape == net.biases[layer].shape
        num_A = numerical_jacobian(_flat_loss(net, x, y, layer, 0, reduction),
                                   net.weights[layer])
        num_b = numerical_jacobian(_flat_loss(net, x, y, layer, 1, reduction),
                                   net.biases[layer])
        assert rel_error(dA, num_A) < 1e-7
        assert rel_error(db, num_b) < 1e-7


def test_mlp_gradients_match_autograd():
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    net = init_mlp([3, 8, 8, 2], output="tanh", rng=5)
    x, y = RNG.normal(size=(10, 3)), RNG.normal(size=(10, 2))

    def loss(params):
        f = x
        for A, b in params:
            z = anp.dot(f, A.T) + b
            f = anp.tanh(z)
        return 0.5 * anp.sum((f - y) ** 2) / x.shape[0]

    params = list(zip(net.weights, net.biases, strict=True))
    want = ag.grad(loss)(params)
    value, grads = mlp_loss_and_gradients(net, x, y)
    assert value == pytest.approx(loss(params), rel=1e-14)
    for (dA, db), (wA, wb) in zip(grads, want, strict=True):
        np.testing.assert_allclose(dA, wA, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(db, wb, rtol=1e-12, atol=1e-15)


def test_mlp_forward_matches_explicit_column_formula():
    net = init_mlp([2, 3, 1], output="linear", rng=3)
    x = RNG.normal(size=(4, 2))
    A0, A1 = net.weights
    b0, b1 = net.biases
    cols = [A1 @ np.tanh(A0 @ xi + b0) + b1 for xi in x]  # the lecture's f_i = sigma(A f + b)
    np.testing.assert_allclose(mlp_forward(net, x), np.array(cols), rtol=1e-14)


def test_init_mlp_shapes_reproducibility_and_variance():
    a, b = init_mlp([4, 200, 3], rng=42), init_mlp([4, 200, 3], rng=42)
    assert a.sizes == [4, 200, 3]
    for wa, wb in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert all(np.all(bias == 0) for bias in a.biases)
    # entries of A_1 ~ N(0, 1/200): KS test against that normal
    w = a.weights[1].ravel()
    assert stats.kstest(w, stats.norm(scale=1 / np.sqrt(200)).cdf).pvalue > 1e-3
    assert not np.array_equal(init_mlp([4, 200, 3], rng=1).weights[0], a.weights[0])


def test_train_mlp_decreases_loss_and_leaves_input_alone():
    x = np.linspace(-2, 2, 40).reshape(-1, 1)
    y = np.sin(2 * x) + 0.05 * RNG.normal(size=x.shape)
    net = init_mlp([1, 16, 1], rng=0)
    before = [A.copy() for A in net.weights]
    trained, history = train_mlp(net, x, y, learning_rate=0.2, n_steps=300)
    assert history.shape == (301,)
    assert history[-1] < 0.2 * history[0]
    assert history[0] == pytest.approx(mlp_loss_and_gradients(net, x, y)[0])
    assert history[-1] == pytest.approx(mlp_loss_and_gradients(trained, x, y)[0])
    for A, A0 in zip(net.weights, before, strict=True):
        np.testing.assert_array_equal(A, A0)
    # one step equals theta - eta * grad
    one, _ = train_mlp(net, x, y, learning_rate=0.2, n_steps=1)
    _, grads = mlp_loss_and_gradients(net, x, y)
    np.testing.assert_allclose(one.weights[0], net.weights[0] - 0.2 * grads[0][0], rtol=1e-14)


def test_mlp_errors():
    net = init_mlp([2, 3, 1], rng=0)
    with pytest.raises(ValueError, match=r"mlp_forward: x has 3 features \(shape \(4, 3\)\) but "
                                         r"the network expects 2"):
        mlp_forward(net, np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"y has shape \(4,\) .* \(y\.reshape\(-1, 1\) for one"):
        mlp_loss_and_gradients(net, np.ones((4, 2)), np.ones(4))
    with pytest.raises(ValueError, match=r"init_mlp: sizes needs at least an input and an output"):
        init_mlp([3])
    with pytest.raises(ValueError, match=r"init_mlp: output must be 'linear' or 'tanh'"):
        init_mlp([3, 1], output="relu")
    with pytest.raises(TypeError, match=r"mlp_forward: net must be an MLP"):
        mlp_forward([np.ones((2, 2))], np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"learning rate .* is too large"):
        train_mlp(net, np.ones((4, 2)) * 10, np.ones((4, 1)) * 100, learning_rate=1e3,
                  n_steps=50)
    with pytest.raises(ValueError, match=r"train_mlp: learning_rate must be a finite number > 0"):
        train_mlp(net, np.ones((4, 2)), np.ones((4, 1)), learning_rate=-1.0)
