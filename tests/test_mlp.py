"""Tests of lecture_utils.mlp against autograd and finite differences."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from lecture_utils.differentiation import check_gradient, numerical_jacobian
from lecture_utils.mlp import (
    MLP,
    init_mlp,
    mlp_backward,
    mlp_forward,
    mlp_loss_and_gradients,
    train_mlp,
)

autograd = pytest.importorskip(
    "autograd", reason="autograd is the independent reference"
)
anp = pytest.importorskip("autograd.numpy")


def autograd_loss(params, x, y, output):
    """The lecture's network, one example per column, written with autograd.numpy."""
    f = x.T  # columns f_0 = x_n
    for i, (A, b) in enumerate(params):
        z = anp.dot(A, f) + b[:, None]  # z = A f + b
        f = anp.tanh(z) if i < len(params) - 1 or output == "tanh" else z
    return 0.5 * anp.sum((y.T - f) ** 2) / x.shape[0]


def autograd_gradients(net, x, y):
    params = list(zip(net.weights, net.biases, strict=True))
    return autograd.value_and_grad(autograd_loss)(params, x, y, net.output)


@pytest.mark.parametrize("output", ["linear", "tanh"])
@pytest.mark.parametrize(
    ("sizes", "B"), [([3, 1], 4), ([2, 5, 3], 1), ([3, 6, 4, 2], 7)]
)
def test_gradients_match_autograd(sizes, B, output):
    rng = np.random.default_rng(sum(sizes) + B)
    net = init_mlp(sizes, output=output, rng=rng)
    net = MLP(net.weights, [rng.normal(size=b.shape) for b in net.biases], output)
    x, y = rng.normal(size=(B, sizes[0])), rng.normal(size=(B, sizes[-1]))
    loss, grads = mlp_loss_and_gradients(net, x, y)
    want_loss, want_grads = autograd_gradients(net, x, y)
    assert loss == pytest.approx(want_loss, rel=1e-13)
    assert len(grads) == len(sizes) - 1
    for (dA, db), (gA, gb), A, b in zip(
        grads, want_grads, net.weights, net.biases, strict=True
    ):
        assert dA.shape == A.shape and db.shape == b.shape
        np.testing.assert_allclose(dA, gA, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(db, gb, rtol=1e-11, atol=1e-14)


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(5)
    net = init_mlp([2, 4, 3], output="tanh", rng=rng)
    x, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 3))
    _, grads = mlp_loss_and_gradients(net, x, y)
    for i in range(2):

        def loss_of(A, i=i):
            weights = list(net.weights)
            weights[i] = A
            return mlp_loss_and_gradients(MLP(weights, net.biases, "tanh"), x, y)[0]

        check_gradient(loss_of, grads[i][0], net.weights[i], tol=1e-7)


def test_forward_is_the_lecture_recursion_and_backward_gives_d_x():
    rng = np.random.default_rng(6)
    net = init_mlp([3, 5, 2], rng=rng)
    x = rng.normal(size=(4, 3))
    out, caches = mlp_forward(net, x)
    (A0, A1), (b0, b1) = net.weights, net.biases
    for n in range(4):  # f_1 = tanh(A_0 x + b_0), f_2 = A_1 f_1 + b_1, column by column
        np.testing.assert_allclose(
            out[n], A1 @ np.tanh(A0 @ x[n] + b0) + b1, rtol=1e-13
        )
    assert len(caches) == 2
    G = rng.normal(size=(4, 2))
    grads, d_x = mlp_backward(G, caches)
    J = numerical_jacobian(lambda v: mlp_forward(net, v)[0], x)  # shape (4, 2, 4, 3)
    np.testing.assert_allclose(
        d_x, np.einsum("nk,nkmd->md", G, J), rtol=1e-7, atol=1e-9
    )
    assert [g[0].shape for g in grads] == [(5, 3), (2, 5)]


def test_train_mlp_is_plain_gradient_descent():
    rng = np.random.default_rng(7)
    net = init_mlp([1, 4, 1], rng=rng)
    x = rng.uniform(-2, 2, size=(10, 1))
    y = np.sin(x)
    trained, losses = train_mlp(net, x, y, learning_rate=0.3, n_steps=3)
    params = list(zip(net.weights, net.biases, strict=True))
    want = []
    for _ in range(3):  # theta <- theta - eta grad L(theta), with autograd's gradient
        value, grads = autograd.value_and_grad(autograd_loss)(params, x, y, "linear")
        want.append(value)
        params = [
            (A - 0.3 * gA, b - 0.3 * gb)
            for (A, b), (gA, gb) in zip(params, grads, strict=True)
        ]
    want.append(autograd_loss(params, x, y, "linear"))
    np.testing.assert_allclose(losses, want, rtol=1e-12)
    for (A, b), A_t, b_t in zip(params, trained.weights, trained.biases, strict=True):
        np.testing.assert_allclose(A_t, A, rtol=1e-12)
        np.testing.assert_allclose(b_t, b, rtol=1e-12)
    assert losses.shape == (4,)
    np.testing.assert_array_equal(net.biases[0], 0.0)  # the start is not modified


def test_train_mlp_finds_the_least_squares_fit_of_one_tanh_unit():
    least_squares = pytest.importorskip("scipy.optimize").least_squares
    rng = np.random.default_rng(9)
    x = np.linspace(-3, 3, 60).reshape(-1, 1)
    y = np.tanh(1.5 * x - 0.5) + 0.1 * rng.normal(size=x.shape)
    net = init_mlp([1, 1], output="tanh", rng=rng)
    trained, _ = train_mlp(net, x, y, learning_rate=0.5, n_steps=2000)
    fit = least_squares(lambda p: np.tanh(p[0] * x[:, 0] + p[1]) - y[:, 0], [1.0, 0.0])
    got = [trained.weights[0][0, 0], trained.biases[0][0]]
    np.testing.assert_allclose(got, fit.x, atol=1e-4)


def test_train_mlp_reduces_the_loss_and_zero_steps_change_nothing():
    rng = np.random.default_rng(8)
    x = np.linspace(-2, 2, 30).reshape(-1, 1)
    net = init_mlp([1, 8, 1], rng=rng)
    _, losses = train_mlp(net, x, np.sin(2 * x), learning_rate=0.2, n_steps=300)
    assert losses[-1] < losses[0] / 10 and np.all(np.diff(losses) <= 1e-12)
    same, losses0 = train_mlp(net, x, np.sin(2 * x), learning_rate=0.2, n_steps=0)
    assert same is net and losses0.shape == (1,)


def test_init_mlp_shapes_scale_and_seeds():
    net = init_mlp([400, 300, 2], output="tanh", rng=0)
    assert net.sizes == [400, 300, 2] and net.output == "tanh"
    assert [A.shape for A in net.weights] == [(300, 400), (2, 300)]
    assert all(np.all(b == 0) for b in net.biases)
    # Var(A_0) = 1/400: the sample variance of 120 000 entries has rel. s.e. 0.4 %
    assert abs(np.var(net.weights[0]) * 400 - 1) < 4 * np.sqrt(2 / 120_000)
    np.testing.assert_array_equal(
        init_mlp([2, 3], rng=1).weights[0],
        init_mlp([2, 3], rng=np.random.default_rng(1)).weights[0],
    )
    assert not np.array_equal(
        init_mlp([2, 3], rng=1).weights[0], init_mlp([2, 3], rng=2).weights[0]
    )


def test_mlp_is_frozen_and_checked_on_construction():
    net = init_mlp([2, 3, 1], rng=0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        net.output = "tanh"
    assert isinstance(net.weights, tuple)
    with pytest.raises(
        ValueError,
        match=r"^MLP: weights\[1\] must be of shape \(\*, 3\) "
        r"after weights\[0\], got shape \(1, 2\)\.$",
    ):
        MLP([np.ones((3, 2)), np.ones((1, 2))], [np.ones(3), np.ones(1)])
    with pytest.raises(ValueError, match=r"^MLP: biases\[0\] must be of shape \(3,\)"):
        MLP([np.ones((3, 2))], [np.ones(2)])
    with pytest.raises(
        ValueError, match=r"^MLP: output must be one of 'linear', 'tanh'"
    ):
        MLP([np.ones((3, 2))], [np.ones(3)], "relu")
    with pytest.raises(
        ValueError, match=r"^MLP: weights, biases must be non-empty lists"
    ):
        MLP([np.ones((3, 2))], [])
    with pytest.raises(ValueError, match=r"^MLP: weights\[0\] must be finite"):
        MLP([np.full((3, 2), np.nan)], [np.ones(3)])


def test_bad_input_messages():
    net = init_mlp([2, 3, 1], rng=0)
    with pytest.raises(
        TypeError,
        match=r"^mlp_forward: net must be a MLP, got dict .* "
        r"Create one with init_mlp\(sizes\)\.$",
    ):
        mlp_forward({"weights": []}, np.ones((4, 2)))
    with pytest.raises(
        ValueError,
        match=r"^mlp_forward: x must be of shape \(4, 2\), "
        r"one row per example, got shape \(4, 3\)\.$",
    ):
        mlp_forward(net, np.ones((4, 3)))
    with pytest.raises(
        ValueError,
        match=r"^mlp_loss_and_gradients: y must be of shape "
        r"\(4, 1\), .* got shape \(4,\)\. Use y\.reshape\(-1, 1\)\.$",
    ):
        mlp_loss_and_gradients(net, np.ones((4, 2)), np.ones(4))
    with pytest.raises(
        ValueError, match=r"^train_mlp: learning_rate must be a number > 0"
    ):
        train_mlp(net, np.ones((4, 2)), np.ones((4, 1)), learning_rate=0.0, n_steps=1)
    with pytest.raises(ValueError, match=r"^train_mlp: n_steps must be an integer <= "):
        train_mlp(
            net, np.ones((4, 2)), np.ones((4, 1)), learning_rate=0.1, n_steps=10**6
        )
    with pytest.raises(
        ValueError,
        match=r"^train_mlp: learning_rate must be small enough "
        r"for a finite loss, got 1e\+06, with loss (inf|nan) after \d+ steps",
    ):
        train_mlp(
            net, np.ones((4, 2)), np.full((4, 1), 1e100), learning_rate=1e6, n_steps=50
        )
    with pytest.raises(
        TypeError, match=r"^init_mlp: rng must be None, an integer seed"
    ):
        init_mlp([2, 3], rng=True)
    with pytest.raises(
        TypeError, match=r"^init_mlp: rng must be None, an integer seed"
    ):
        init_mlp([2, 3], rng="abc")
    with pytest.raises(ValueError, match=r"^init_mlp: rng must be a seed >= 0, got -1"):
        init_mlp([2, 3], rng=-1)
    with pytest.raises(
        ValueError, match=r"^init_mlp: sizes\[1\] must be an integer <= "
    ):
        init_mlp([2, 10_000])
    with pytest.raises(
        ValueError, match=r"^init_mlp: sizes must be a list of two widths"
    ):
        init_mlp([2])


def test_backward_checks_its_caches():
    net = init_mlp([2, 3, 1], rng=0)
    _, caches = mlp_forward(net, np.ones((4, 2)))
    with pytest.raises(
        TypeError,
        match=r"^mlp_backward: caches must be the list of "
        r"caches from mlp_forward, got tuple",
    ):
        mlp_backward(np.ones((4, 1)), tuple(caches))
    with pytest.raises(TypeError, match=r"^mlp_backward: caches must be the list"):
        mlp_backward(np.ones((4, 1)), [])
    with pytest.raises(TypeError, match=r"^mlp_backward: caches must be the list"):
        mlp_backward(np.ones((4, 1)), [caches[0], caches[1][:3]])
    with pytest.raises(TypeError, match=r"^mlp_backward: caches must be the list"):
        mlp_backward(np.ones((4, 1)), [caches[0], (*caches[1][:3], "relu")])
    with pytest.raises(
        ValueError,
        match=r"^mlp_backward: caches\[1\] must be a layer "
        r"from \(4, 1\) to \(4, 3\), got inputs \(4, 2\)",
    ):
        mlp_backward(np.ones((4, 1)), caches[::-1])
    _, other = mlp_forward(net, np.ones((5, 2)))
    with pytest.raises(
        ValueError,
        match=r"^mlp_backward: caches\[1\] must be a layer "
        r"from \(4, 3\) to \(4, 1\), got inputs \(5, 3\)",
    ):
        mlp_backward(np.ones((4, 1)), [caches[0], other[1]])
    with pytest.raises(
        ValueError, match=r"^mlp_backward: d_out must be of shape \(4, 1\)"
    ):
        mlp_backward(np.ones((1, 4)), caches)
