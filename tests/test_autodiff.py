"""Tests for lecture_utils.autodiff: local derivatives against finite
differences, reverse and forward mode against closed forms, finite differences
and autograd, gradients that add where a path branches, the JVP/VJP cost
counts of the gradient chapter, and the messages for bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lecture_utils.autodiff import RULES, Dual, Var, jacobian, op_count
from lecture_utils.differentiation import check_gradient, numerical_jacobian

# slide 32 with scalars: z = a x + b, f = tanh z, e = y - f, L = e^2 / 2
X, Y = 1.5, 0.2


def unit_loss(theta, x=X, y=Y):
    a, b = theta
    e = y - (a * x + b).tanh()
    return 0.5 * e**2


def unit_loss_closed_form(a, b, x=X, y=Y):
    f = np.tanh(a * x + b)
    delta = -(y - f) * (1 - f**2)  # dL/dz
    return np.array([delta * x, delta])


def neuron_loss(x, y):
    """Slide 32 with N inputs and one unit; theta = (a_1, ..., a_N, b)."""

    def loss(theta):
        *a, b = theta
        z = b
        for a_i, x_i in zip(a, x, strict=True):
            z = z + a_i * x_i
        e = y - z.tanh()
        return 0.5 * e**2

    return loss


def mixed(t):
    """Every operation, constants on both sides, and variables used twice."""
    u, v, w = t
    return (
        (u * v - 2.0).tanh() / (1.5 + w * w)
        + (-u).exp() * (3.0 - v)
        + (w * w + 1.0).log() ** 1.5
        + 2.0 / (1.0 + u.exp())
        - v / 4.0
        + u * u * u
    )


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_local_derivative_matches_finite_differences(name):
    rule = RULES[name]
    n_inputs = rule.__code__.co_argcount
    point = [0.7, -1.3][:n_inputs]
    _, local = rule(*point)
    assert len(local) == n_inputs
    for i in range(n_inputs):
        h = 1e-6
        up = list(point)
        down = list(point)
        up[i] += h
        down[i] -= h
        numerical = (rule(*up)[0] - rule(*down)[0]) / (2 * h)
        assert local[i] == pytest.approx(numerical, rel=1e-7, abs=1e-9), (name, i)


def test_power_rule():
    x = Var(1.7)
    y = x**3.5
    y.backward()
    assert x.grad == pytest.approx(3.5 * 1.7**2.5, rel=1e-14)
    assert (Dual(1.7, 1.0) ** 3.5).tangent == pytest.approx(x.grad, rel=1e-14)


def test_slide32_gradient_against_the_closed_form():
    a, b = Var(0.8), Var(-0.3)
    loss = unit_loss([a, b])
    loss.backward()
    assert loss.value == pytest.approx(0.5 * (Y - math.tanh(0.8 * X - 0.3)) ** 2)
    np.testing.assert_allclose([a.grad, b.grad], unit_loss_closed_form(0.8, -0.3))


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_gradients_pass_check_gradient(mode):
    rng = np.random.default_rng(12)
    for _ in range(5):
        t = rng.uniform(-1.0, 1.0, size=3)
        grad = jacobian(mixed, t, mode=mode)
        assert grad.shape == (1, 3)

        def value(t):
            return mixed([Dual(v) for v in t]).value

        assert check_gradient(value, grad[0], t, tol=1e-6) <= 1e-6


def test_jacobian_of_a_vector_function_against_finite_differences():
    def f(t):
        u, v = t
        return [u * v, u.tanh(), v / u, (u - v).exp()]

    def f_float(t):
        u, v = t
        return np.array([u * v, np.tanh(u), v / u, np.exp(u - v)])

    t = np.array([0.8, -0.3])
    forward, reverse = jacobian(f, t, mode="forward"), jacobian(f, t, mode="reverse")
    assert forward.shape == reverse.shape == (4, 2)
    np.testing.assert_allclose(forward, reverse, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(reverse, numerical_jacobian(f_float, t), rtol=1e-7)


def test_an_output_that_does_not_use_an_input_has_derivative_zero():
    jac = jacobian(lambda t: [t[0] * 2.0, t[1].tanh()], [1.0, 2.0], mode="reverse")
    np.testing.assert_allclose(jac, [[2.0, 0.0], [0.0, 1 - np.tanh(2.0) ** 2]])


def test_dual_tangent_is_a_jacobian_vector_product():
    t, v = np.array([0.4, -0.9, 0.3]), np.array([1.0, -2.0, 0.5])
    jvp = mixed([Dual(ti, vi) for ti, vi in zip(t, v, strict=True)]).tangent
    assert jvp == pytest.approx(jacobian(mixed, t, mode="reverse")[0] @ v, rel=1e-12)


def test_gradients_add_where_a_path_branches():
    x = Var(3.0)
    (x * x).backward()
    assert x.grad == 6.0  # two paths, each contributing x
    u = Var(0.5)
    y = u * u.tanh() + u  # u is used three times
    y.backward()
    assert u.grad == pytest.approx(math.tanh(0.5) + 0.5 * (1 - math.tanh(0.5) ** 2) + 1)


def test_a_shared_intermediate_node_passes_its_gradient_on_once():
    x = Var(0.7)
    t = x.tanh()
    (t * t).backward()  # t has two paths to the output, x one path to t
    assert t.grad == pytest.approx(2 * math.tanh(0.7))
    assert x.grad == pytest.approx(2 * math.tanh(0.7) * (1 - math.tanh(0.7) ** 2))


def test_repeated_branching_visits_each_node_once():
    x = Var(1.0)
    y = x
    for _ in range(16):
        y = y + y  # 2^16 paths from y back to x, but only 32 edges
    op_count.clear()
    y.backward()
    assert x.grad == 2.0**16
    assert op_count["chain"] == 32


@pytest.mark.parametrize("kind", [Var, Dual])
def test_operations_with_a_number_on_either_side(kind):
    u = 1.5
    cases = [
        (lambda v: 4.0 + v, lambda v: 4.0 + v, 1.0),
        (lambda v: v + 4.0, lambda v: v + 4.0, 1.0),
        (lambda v: 4.0 - v, lambda v: 4.0 - v, -1.0),
        (lambda v: v - 4.0, lambda v: v - 4.0, 1.0),
        (lambda v: 4.0 * v, lambda v: 4.0 * v, 4.0),
        (lambda v: v * 4.0, lambda v: v * 4.0, 4.0),
        (lambda v: 4.0 / v, lambda v: 4.0 / v, -4.0 / u**2),
        (lambda v: v / 4.0, lambda v: v / 4.0, 0.25),
        (lambda v: -v, lambda v: -v, -1.0),
        (lambda v: v**3, lambda v: v**3, 3 * u**2),
        (lambda v: v.exp(), math.exp, math.exp(u)),
        (lambda v: v.log(), math.log, 1 / u),
    ]
    for op, on_floats, derivative in cases:
        if kind is Var:
            v = Var(u)
            out = op(v)
            out.backward()
            value, grad = out.value, v.grad
        else:
            out = op(Dual(u, 1.0))
            value, grad = out.value, out.tangent
        assert value == pytest.approx(on_floats(u), rel=1e-15)
        assert grad == pytest.approx(derivative, rel=1e-15)


def test_backward_twice_gives_the_same_gradients():
    a, b = Var(0.8), Var(-0.3)
    loss = unit_loss([a, b])
    loss.backward()
    first = (a.grad, b.grad)
    loss.backward()
    assert (a.grad, b.grad) == first


def test_backward_visits_each_node_once_and_handles_deep_graphs():
    x = Var(1.0)
    y = x
    for _ in range(20_000):  # deeper than Python's recursion limit
        y = y * 1.0001
    op_count.clear()
    y.backward()
    assert x.grad == pytest.approx(1.0001**20_000, rel=1e-9)
    assert op_count["chain"] == 2 * 20_000  # one product per edge, none twice


def test_counts_of_one_forward_and_one_backward_pass():
    op_count.clear()
    a, b = Var(0.8), Var(-0.3)
    loss = unit_loss([a, b])  # *, +, tanh, -, **, *: 6 operations, 10 edges
    assert op_count == {"primitive": 6}
    loss.backward()
    assert op_count == {"primitive": 6, "chain": 10}
    op_count.clear()
    unit_loss([Dual(0.8, 1.0), Dual(-0.3)])  # one JVP: the same 6 and 10
    assert op_count == {"primitive": 6, "chain": 10}


@pytest.mark.parametrize("n_inputs", [1, 10, 100])
def test_forward_mode_costs_n_parameters_times_reverse_mode(n_inputs):
    rng = np.random.default_rng(n_inputs)
    loss = neuron_loss(rng.normal(size=n_inputs), 0.3)
    theta = rng.normal(size=n_inputs + 1) / np.sqrt(n_inputs)
    counts = {}
    for mode in ("forward", "reverse"):
        op_count.clear()
        counts[mode] = (jacobian(loss, theta, mode=mode), sum(op_count.values()))
    np.testing.assert_allclose(counts["forward"][0], counts["reverse"][0], atol=1e-15)
    # one pass: 2N + 4 operations and 4N + 6 chain products
    assert counts["reverse"][1] == 6 * n_inputs + 10
    assert counts["forward"][1] == (n_inputs + 1) * counts["reverse"][1]


def test_forward_mode_wins_for_one_input_and_many_outputs():
    def trajectory(t, n_steps=50):  # h_k = tanh(0.9 h_(k-1) + 0.1): all states
        h, states = t[0], []
        for _ in range(n_steps):
            h = (0.9 * h + 0.1).tanh()
            states.append(h)
        return states

    costs = {}
    for mode in ("forward", "reverse"):
        op_count.clear()
        jac = jacobian(trajectory, [0.5], mode=mode)
        costs[mode] = sum(op_count.values())
    assert jac.shape == (50, 1)
    # forward: one pass, 3 operations and 5 products per step; reverse: the
    # backward pass of state k walks back through all k steps
    assert costs["forward"] == 8 * 50
    assert costs["reverse"] == 3 * 50 + 5 * 50 * 51 // 2
    assert costs["reverse"] > 15 * costs["forward"]


def test_reverse_mode_agrees_with_autograd():
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    rng = np.random.default_rng(32)
    x, y = rng.normal(size=5), 0.3

    def loss_autograd(theta):
        e = y - anp.tanh(anp.dot(theta[:-1], x) + theta[-1])
        return 0.5 * e**2

    theta = rng.normal(size=6) / 2
    ours = jacobian(neuron_loss(x, y), theta, mode="reverse")[0]
    np.testing.assert_allclose(ours, autograd.grad(loss_autograd)(theta), rtol=1e-12)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: Var("1"), TypeError, r"^Var: value must be a real number, got str"),
        (lambda: Var(True), TypeError, r"^Var: value must be a real number, got bool"),
        (
            lambda: Var(1 + 2j),
            TypeError,
            r"^Var: value must be a real number, got complex",
        ),
        (
            lambda: Var(np.ones(2)),
            TypeError,
            r"^Var: value must be a real number, got an",
        ),
        (lambda: Dual(1.0, "x"), TypeError, r"^Dual: tangent must be a real number"),
        (
            lambda: Var(1.0) + "a",
            TypeError,
            r"^Var: value must be a real number, got str",
        ),
        (
            lambda: Var(1.0) * Dual(2.0),
            TypeError,
            r"^Var: value must be a real number, got Dual",
        ),
        (
            lambda: Dual(1.0) - Var(2.0),
            TypeError,
            r"^Dual: value must be a real number, got Var",
        ),
        (
            lambda: Var(2.0) ** Var(2.0),
            TypeError,
            r"^Var: the exponent must be a real number",
        ),
        (
            lambda: Dual(2.0) ** np.nan,
            ValueError,
            r"^Dual: the exponent must be a finite number",
        ),
    ],
)
def test_bad_operands_are_named(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (
            ("f", [1.0]),
            {"mode": "reverse"},
            TypeError,
            r"f must be a function, got str",
        ),
        (
            (unit_loss, [[1.0, 2.0]]),
            {"mode": "reverse"},
            ValueError,
            r"x must be an array with 1 axes, got 2 axes",
        ),
        ((unit_loss, []), {"mode": "reverse"}, ValueError, r"x must be non-empty"),
        (
            (unit_loss, [1.0, np.inf]),
            {"mode": "reverse"},
            ValueError,
            r"x must be finite",
        ),
        (
            (unit_loss, [1.0, 2.0]),
            {"mode": "backward"},
            ValueError,
            r"mode must be one of 'forward', 'reverse', got str 'backward'",
        ),
        (
            (unit_loss, np.zeros(10_001)),
            {"mode": "reverse"},
            ValueError,
            r"x must be at most 10,000 numbers, got 10,001",
        ),
        (
            (lambda t: 1.0, [1.0, 2.0]),
            {"mode": "reverse"},
            TypeError,
            r"f\(x\) must be a Var or a list of them, computed from .*, got float",
        ),
        (
            (lambda t: [t[0], 2.0], [1.0, 2.0]),
            {"mode": "forward"},
            TypeError,
            r"f\(x\) must be a Dual or a list of them.*got list",
        ),
        (
            (lambda t: [], [1.0, 2.0]),
            {"mode": "forward"},
            TypeError,
            r"f\(x\) must be a Dual.*got list \[\]",
        ),
    ],
)
def test_bad_arguments_of_jacobian_are_named(args, kwargs, error, match):
    with pytest.raises(error, match=f"^jacobian: {match}"):
        jacobian(*args, **kwargs)
