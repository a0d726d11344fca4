"""Tests of lecture_utils.differentiation.

References: SymPy (symbolic derivatives, evaluated at random points), mpmath
(derivatives to 30 digits for the error bound of the difference quotient),
exact Jacobians of random linear maps (Hypothesis) and numerical_jacobian
itself for every analytic derivative of the module.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes
from numpy.testing import assert_allclose

from lecture_utils import differentiation as d
from lecture_utils.differentiation import (
    GradientCheckError,
    check_gradient,
    numerical_derivative,
    numerical_jacobian,
    relative_error,
)

RNG_SEED = 20170910


def _sympy_jacobian(expr, symbols):
    """Matrix of d expr_i / d symbol_j as a numpy-callable (targets x parameters)."""
    exprs = sp.Matrix(expr if isinstance(expr, (list, tuple)) else [expr])
    jac = exprs.jacobian(symbols)
    return sp.lambdify(symbols, jac, modules="numpy")


# --------------------------------------------------------------------------
# Slide examples against SymPy and numerical_jacobian
# --------------------------------------------------------------------------

z = sp.Symbol("z", real=True)

SYMPY_TABLE = {
    "sin x": sp.sin(z),
    "tanh x": sp.tanh(z),
    "exp x": sp.exp(z),
    "log x": sp.log(z),
}


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5])
def test_slide13_power_against_sympy(n):
    rng = np.random.default_rng(RNG_SEED + n)
    x = rng.uniform(-2.0, 2.0, size=7)
    f, df = d.slide13_table(n)[f"x^{n}"]
    reference = sp.lambdify(z, sp.diff(z**n, z), modules="numpy")
    assert_allclose(df(x), np.broadcast_to(reference(x), x.shape), rtol=1e-12, atol=1e-14)
    assert_allclose(f(x), x**n, rtol=1e-14)
    assert_allclose(df(x), numerical_derivative(f, x), rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("name", list(SYMPY_TABLE))
def test_slide13_table_against_sympy_and_differences(name):
    rng = np.random.default_rng(RNG_SEED)
    x = rng.uniform(0.1, 3.0, size=9)  # inside every domain (log needs x > 0)
    f, df = d.slide13_table()[name]
    reference = sp.lambdify(z, sp.diff(SYMPY_TABLE[name], z), modules="numpy")
    assert_allclose(df(x), reference(x), rtol=1e-12)
    assert_allclose(f(x), sp.lambdify(z, SYMPY_TABLE[name], modules="numpy")(x), rtol=1e-14)
    assert_allclose(df(x), numerical_derivative(f, x), rtol=1e-8)
    # and as a Jacobian: f entrywise on a vector has a diagonal Jacobian
    assert_allclose(numerical_jacobian(f, x), np.diag(df(x)), rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_slide15_chain_rule_against_sympy(n):
    rng = np.random.default_rng(RNG_SEED + 15)
    x = rng.uniform(-1.5, 1.5, size=11)
    reference = sp.lambdify(z, sp.diff(sp.tanh(z**n), z), modules="numpy")
    got = d.slide15_tanh_of_power_derivative(x, n)
    assert_allclose(got, reference(x), rtol=1e-12, atol=1e-15)
    assert_allclose(d.slide15_tanh_of_power(x, n), np.tanh(x**n), rtol=1e-15)
    assert_allclose(got, numerical_derivative(lambda t: d.slide15_tanh_of_power(t, n), x),
                    rtol=1e-8, atol=1e-9)


def test_slide17_gradient_against_sympy_and_differences():
    x1, x2 = sp.symbols("x1 x2", real=True)
    reference = _sympy_jacobian(x1**2 * x2 + x1 * x2**3, [x1, x2])
    rng = np.random.default_rng(RNG_SEED + 17)
    for _ in range(5):
        x = rng.uniform(-2.0, 2.0, size=2)
        g = d.slide17_polynomial_gradient(x)
        assert g.shape == (1, 2)  # a row vector, the lecture's convention
        assert_allclose(g, reference(*x), rtol=1e-12)
        assert check_gradient(d.slide17_polynomial, d.slide17_polynomial_gradient, x) < 1e-8
    assert d.slide17_polynomial([1.0, 2.0]) == 10.0


def test_slide19_least_squares_against_sympy_and_differences():
    M, N = 4, 3
    xs = sp.symbols(f"x0:{N}", real=True)
    rng = np.random.default_rng(RNG_SEED + 19)
    A = rng.standard_normal((M, N))
    y = rng.standard_normal(M)
    e = sp.Matrix(y) - sp.Matrix(A) * sp.Matrix(xs)
    loss = sp.Rational(1, 2) * (e.T * e)[0, 0]
    reference = _sympy_jacobian(loss, list(xs))
    for _ in range(3):
        x = rng.standard_normal(N)
        g = d.slide19_least_squares_gradient(x, A, y)
        assert g.shape == (1, N)
        assert_allclose(g, reference(*x), rtol=1e-10, atol=1e-12)
        assert_allclose(d.slide19_least_squares_loss(x, A, y),
                        float(loss.subs(dict(zip(xs, x, strict=True)))), rtol=1e-12)
        check_gradient(lambda v: d.slide19_least_squares_loss(v, A, y),
                       lambda v: d.slide19_least_squares_gradient(v, A, y), x)


def test_slide21_jacobian_against_sympy_and_differences():
    M, N = 3, 4
    xs = sp.symbols(f"x0:{N}", real=True)
    rng = np.random.default_rng(RNG_SEED + 21)
    A = rng.standard_normal((M, N))
    x = rng.standard_normal(N)
    expr = list(sp.Matrix(A) * sp.Matrix(xs))
    reference = _sympy_jacobian(expr, list(xs))
    J = d.slide21_linear_map_jacobian(x, A)
    assert J.shape == (M, N)
    assert_allclose(J, reference(*x), rtol=1e-12)
    assert_allclose(d.slide21_linear_map(x, A), A @ x)
    check_gradient(lambda v: d.slide21_linear_map(v, A), J, x, tol=1e-9)


def test_slide23_chain_rule_against_sympy_and_differences():
    t = sp.Symbol("t", real=True)
    x1, x2 = sp.symbols("x1 x2", real=True)
    f = x1**2 + 2 * x2
    x_of_t = [sp.sin(t), sp.cos(t)]
    df_dt = sp.lambdify(t, sp.diff(f.subs({x1: x_of_t[0], x2: x_of_t[1]}), t), "numpy")
    df_dx = _sympy_jacobian(f, [x1, x2])
    dx_dt = _sympy_jacobian(x_of_t, [t])
    rng = np.random.default_rng(RNG_SEED + 23)
    ts = rng.uniform(-3.0, 3.0, size=6)
    assert_allclose(d.slide23_df_dt(ts), df_dt(ts), rtol=1e-12, atol=1e-14)
    assert_allclose(d.slide23_df_dt(ts), numerical_derivative(d.slide23_f_of_t, ts),
                    rtol=1e-8, atol=1e-9)
    for tk in ts:
        x = d.slide23_x(tk)
        assert_allclose(d.slide23_f(x), d.slide23_f_of_t(tk), rtol=1e-14)
        assert d.slide23_df_dx(x).shape == (1, 2)
        assert d.slide23_dx_dt(tk).shape == (2, 1)
        assert_allclose(d.slide23_df_dx(x), df_dx(*x), rtol=1e-12)
        assert_allclose(d.slide23_dx_dt(tk), dx_dt(tk), rtol=1e-12, atol=1e-15)
        # the chain rule as a matrix product (1x2)(2x1) = 1x1
        chain = d.slide23_df_dx(x) @ d.slide23_dx_dt(tk)
        assert_allclose(chain[0, 0], d.slide23_df_dt(tk), rtol=1e-12, atol=1e-14)
        check_gradient(d.slide23_f, d.slide23_df_dx, x)
        check_gradient(d.slide23_x, d.slide23_dx_dt, tk)  # 2x1 column for scalar t
        check_gradient(d.slide23_f_of_t, d.slide23_df_dt, tk)


def test_slide26_dAx_dA_against_sympy_loops_and_differences():
    M, N = 3, 4
    A_sym = sp.Matrix(M, N, lambda i, j: sp.Symbol(f"a{i}{j}", real=True))
    rng = np.random.default_rng(RNG_SEED + 26)
    A = rng.standard_normal((M, N))
    x = rng.standard_normal(N)
    f = A_sym * sp.Matrix(x)
    reference = np.array(
        [[[float(sp.diff(f[i], A_sym[k, q])) for q in range(N)] for k in range(M)]
         for i in range(M)]
    )
    D = d.slide26_dAx_dA(A, x)
    assert D.shape == (M, M, N)
    assert_allclose(D, reference, rtol=1e-15)
    assert_allclose(d.slide26_dAx_dA_entrywise(A, x), reference, rtol=1e-15)
    assert_allclose(d.slide26_Ax(A, x), A @ x)
    assert check_gradient(lambda B: d.slide26_Ax(B, x), D, A) < 1e-9
    for i in range(M):  # slide 27: slice i is zero except row i, which is x^T
        expected = np.zeros((M, N))
        expected[i] = x
        assert_allclose(D[i], expected)


def test_slide28_both_ways_against_sympy_and_differences():
    xs = sp.symbols("x1 x2 x3", real=True)
    x1, x2, x3 = xs
    A_sym = sp.Matrix([[x1 * x2, x3**2], [sp.sin(x1), x2 * x3], [sp.exp(x2), x1 + 2 * x3],
                       [x1 * x2 * x3, sp.cos(x3)]])
    flat = _sympy_jacobian(list(A_sym), list(xs))  # row-major flattening, 8 x 3
    A_fun = sp.lambdify(xs, A_sym, "numpy")
    rng = np.random.default_rng(RNG_SEED + 28)
    for _ in range(3):
        x = rng.uniform(-1.5, 1.5, size=3)
        assert_allclose(d.slide28_A(x), A_fun(*x), rtol=1e-14)
        reference_flat = np.asarray(flat(*x), dtype=float)
        assert_allclose(d.slide28_flat_jacobian(x), reference_flat, rtol=1e-12, atol=1e-15)
        stacked = d.slide28_dA_dx_stacked(x)
        flattened = d.slide28_dA_dx_flattened(x)
        assert stacked.shape == flattened.shape == (4, 2, 3)
        assert_allclose(stacked, flattened, rtol=1e-15)
        assert_allclose(stacked, reference_flat.reshape(4, 2, 3), rtol=1e-12, atol=1e-15)
        for k, partial_k in enumerate(d.slide28_partials(x)):
            assert_allclose(partial_k, stacked[:, :, k])
        check_gradient(d.slide28_A, d.slide28_dA_dx_stacked, x)
        check_gradient(lambda v: d.slide28_A(v).ravel(), d.slide28_flat_jacobian, x)
        # the two ways numerically: directly, and flatten -> 8x3 -> reshape
        direct = numerical_jacobian(d.slide28_A, x)
        via_flat = numerical_jacobian(lambda v: d.slide28_A(v).ravel(), x).reshape(4, 2, 3)
        assert_allclose(direct, via_flat, rtol=0, atol=0)


def test_slide_functions_reject_bad_shapes():
    with pytest.raises(ValueError, match=r"slide17_polynomial: x must have shape \(2,\)"):
        d.slide17_polynomial([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"x has 2 entries \(shape \(2,\)\) but A has 3 columns"):
        d.slide19_least_squares_gradient([1.0, 2.0], np.ones((4, 3)), np.ones(4))
    with pytest.raises(ValueError, match=r"y has 3 entries .* but A has 4 rows"):
        d.slide19_least_squares_loss(np.ones(3), np.ones((4, 3)), np.ones(3))
    with pytest.raises(ValueError, match=r"slide28_A: x must have shape \(3,\)"):
        d.slide28_A(np.ones(2))
    with pytest.raises(ValueError, match="t must be a scalar"):
        d.slide23_x(np.ones(2))
    with pytest.raises(ValueError, match=r"log_derivative: x must be > 0 .* entry \[1\] is 0.0"):
        d.log_derivative([1.0, 0.0])
    with pytest.raises(ValueError, match="n must be an integer >= 0"):
        d.power(2.0, -1)
    with pytest.raises(TypeError, match="n must be an integer"):
        d.slide15_tanh_of_power(2.0, 1.5)


# --------------------------------------------------------------------------
# numerical_derivative: accuracy at the default step
# --------------------------------------------------------------------------

MP_TABLE = {  # exact derivatives with mpmath, 30 digits
    "x^3": lambda x: 3 * x**2,
    "sin x": mpmath.cos,
    "tanh x": lambda x: 1 - mpmath.tanh(x) ** 2,
    "exp x": mpmath.exp,
    "log x": lambda x: 1 / x,
}
# The bound stated in numerical_derivative's docstring and in the chapter: relative error
# <= 1e-9 at the default step for the slide 13 functions on 0.25 <= x <= 10. (Outside,
# the error grows: near 0 f'(x) of x^3 vanishes, beyond 10 the step eps^(1/3) |x| makes the
# truncation error h^2 f'''/6 of exp and sin larger; test_error_growth_outside_band.)
REPRESENTATIVE_POINTS = [0.25, 0.5, 0.7, 1.0, 1.3, 2.0, 2.9, 5.0, 7.5, 10.0]
DEFAULT_STEP_BOUND = 1e-9


def _exact(name, points):
    with mpmath.workdps(30):
        return np.array([float(MP_TABLE[name](mpmath.mpf(float(p)))) for p in points])


@pytest.mark.parametrize("name", list(MP_TABLE))
def test_default_step_error_bound_on_slide13_functions(name):
    f, _ = d.slide13_table(3)[name]
    points = np.array(REPRESENTATIVE_POINTS)
    if name == "tanh x":
        points = points[points < 5]  # beyond, 1 - tanh^2 is below 1e-4 and cancels
    if name == "sin x":
        # avoid the zeros of cos, where a relative error is meaningless
        points = points[np.abs(np.cos(points)) > 0.1]
    exact = _exact(name, points)
    got = numerical_derivative(f, points)
    err = np.abs(got - exact) / np.abs(exact)
    assert err.max() <= DEFAULT_STEP_BOUND, (name, err.max())


def test_error_growth_outside_band():
    # documented limitation: a relative error is only as good as f'(x) is large
    exact = _exact("x^3", [0.01, 100.0])
    err = np.abs(numerical_derivative(lambda v: v**3, np.array([0.01, 100.0])) - exact) / exact
    assert err[0] > 1e-8  # f'(0.01) = 3e-4 is tiny against the truncation error 6e-11
    assert err[1] < 1e-9  # x^3 scales with x: the scaled step keeps it accurate
    exact_exp = _exact("exp x", [37.0])
    err_exp = abs(float(numerical_derivative(np.exp, 37.0)) - exact_exp[0]) / exact_exp[0]
    assert 1e-9 < err_exp < 1e-7  # h = 37 eps^(1/3): truncation h^2/6 = 8e-9


def test_forward_difference_is_less_accurate_than_central():
    points = np.array([0.3, 0.7, 1.3, 2.9])
    exact = _exact("exp x", points)
    central = np.abs(numerical_derivative(np.exp, points) - exact) / exact
    forward = np.abs(numerical_derivative(np.exp, points, scheme="forward") - exact) / exact
    assert forward.max() <= 1e-7
    assert central.max() < forward.min() / 10


def test_error_against_h_has_a_v_shape():
    x0 = 1.0
    exact = float(mpmath.cos(1))
    steps = np.logspace(-13, -1, 49)
    err = np.abs(numerical_derivative(np.sin, x0, h=steps) - exact)
    at_default = abs(float(numerical_derivative(np.sin, x0)) - exact)
    assert err.shape == steps.shape
    assert err[-1] > 1e4 * at_default  # truncation dominates at large h
    assert err[0] > 1e2 * at_default  # round-off dominates at tiny h
    best = steps[np.argmin(err)]
    assert 1e-7 < best < 1e-4  # the minimum sits near eps**(1/3) = 6e-6
    # truncation error ~ h^2 f'''/6 for large h
    assert_allclose(err[-1], steps[-1] ** 2 * abs(np.cos(x0)) / 6, rtol=0.01)


def test_numerical_derivative_vectorised_and_steps():
    x = np.linspace(-2, 2, 12).reshape(3, 4)
    got = numerical_derivative(np.sin, x)
    assert got.shape == (3, 4)
    assert_allclose(got, np.cos(x), rtol=1e-9, atol=1e-10)
    # one step per entry broadcasts; quadratics are exact for central differences
    assert_allclose(numerical_derivative(np.square, x, h=np.full((3, 4), 0.5)), 2 * x,
                    atol=1e-14)
    assert_allclose(d.default_step([0.5, -300.0]), np.finfo(float).eps ** (1 / 3) * np.array(
        [1.0, 300.0]))
    # integer input is converted
    assert_allclose(numerical_derivative(np.exp, 0), 1.0, rtol=1e-10)


def test_numerical_derivative_scales_step_with_x():
    # at x = 1e8 a fixed step of 6e-6 would be lost in rounding; the scaled one is not
    x = 1e8
    assert_allclose(numerical_derivative(np.log, x), 1 / x, rtol=1e-8)


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: numerical_derivative(np.sin, "abc"), TypeError, "x must be real numbers"),
        (lambda: numerical_derivative(np.sin, [1.0, np.nan]), ValueError,
         r"x must be finite, but entry \[1\] is nan"),
        (lambda: numerical_derivative(np.sin, 1 + 2j), TypeError, "x must be real numbers"),
        (lambda: numerical_derivative(np.sin, 1.0, h=0.0), ValueError, "h must be > 0, got 0.0"),
        (lambda: numerical_derivative(np.sin, 1.0, h=-1e-3), ValueError, "h must be > 0"),
        (lambda: numerical_derivative(np.sin, [1.0, 2.0], h=[1e-3, 0.0]), ValueError,
         r"h must be > 0, got 0.0 \(entry \[1\]\)"),
        (lambda: numerical_derivative(np.sin, np.ones(2), h=np.ones(3)), ValueError,
         "does not broadcast"),
        (lambda: numerical_derivative(np.log, [1.0, 0.0]), ValueError,
         r"f returned nan at x - h = -6.0555e-06 \(entry \[1\] of x\)"),
        (lambda: numerical_derivative(np.log, 1e-7), ValueError,
         "f returned nan at x - h .* smaller step h"),
        (lambda: numerical_derivative(np.sum, np.ones(3)), ValueError,
         r"f returned shape \(\) for an input of shape \(3,\).*numerical_jacobian"),
        (lambda: numerical_derivative(lambda x: None, 1.0), TypeError, "forget to `return`"),
        (lambda: numerical_derivative(3.0, 1.0), TypeError, "f must be a callable"),
        (lambda: numerical_derivative(np.sin, 1e8, h=1e-12), ValueError, "too small to change x"),
        (lambda: numerical_derivative(np.sin, 1.0, scheme="backward"), ValueError,
         "scheme must be 'central' or 'forward'"),
    ],
)
def test_numerical_derivative_bad_input(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


# --------------------------------------------------------------------------
# numerical_jacobian: shapes and exactness on linear maps
# --------------------------------------------------------------------------


def test_jacobian_shapes_scalar_vector_matrix_tensor():
    rng = np.random.default_rng(RNG_SEED)
    x = rng.standard_normal(3)
    # scalar -> scalar
    assert_allclose(numerical_jacobian(np.sin, 0.4), np.cos(0.4), rtol=1e-9)
    assert numerical_jacobian(np.sin, 0.4).shape == ()
    # vector -> scalar: gradient with the shape of x
    g = numerical_jacobian(lambda v: np.sum(v**2), x)
    assert g.shape == (3,)
    assert_allclose(g, 2 * x, rtol=1e-9)
    # scalar -> vector
    assert numerical_jacobian(d.slide23_x, 0.3).shape == (2,)
    # R^N -> R^M: M x N
    A = rng.standard_normal((2, 3))
    assert_allclose(numerical_jacobian(lambda v: A @ v, x), A, rtol=1e-9, atol=1e-10)
    # R^(M x N) -> R^(P x Q): P x Q x M x N; f(X) = X^T X has
    # d f[p, q] / d X[m, n] = delta_pn X[m, q] + X[m, p] delta_qn
    X = rng.standard_normal((3, 2))
    J = numerical_jacobian(lambda X: X.T @ X, X)
    assert J.shape == (2, 2, 3, 2)
    eye = np.eye(2)
    exact = np.einsum("pn,mq->pqmn", eye, X) + np.einsum("mp,qn->pqmn", X, eye)
    assert_allclose(J, exact, rtol=1e-9, atol=1e-10)
    # scalar function of a 3-tensor: gradient with the tensor's shape
    T = rng.standard_normal((2, 3, 2))
    assert_allclose(numerical_jacobian(lambda T: np.sum(np.sin(T)), T), np.cos(T), rtol=1e-8)


@settings(max_examples=50, deadline=None)
@given(
    x_shape=array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3),
    f_shape=array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3),
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([1e-3, 1.0, 1e3]),
)
def test_jacobian_of_random_linear_map_is_the_map(x_shape, f_shape, seed, scale):
    rng = np.random.default_rng(seed)
    T = rng.standard_normal(f_shape + x_shape)
    x = scale * rng.standard_normal(x_shape)
    k = len(x_shape)

    def f(v):
        return np.tensordot(T, v, axes=k)

    J = numerical_jacobian(f, x)
    assert J.shape == f_shape + x_shape
    assert_allclose(J, T, rtol=1e-7, atol=1e-7 * max(1.0, scale))
    assert check_gradient(f, T, x) <= 1e-6


@settings(max_examples=50, deadline=None)
@given(
    m=st.integers(1, 4), n=st.integers(1, 4), seed=st.integers(0, 2**32 - 1),
)
def test_jacobian_of_tanh_layer_matches_chain_rule(m, n, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    b = rng.standard_normal(m)
    x = rng.standard_normal(n)
    z_ = A @ x + b
    exact = np.diag(1 - np.tanh(z_) ** 2) @ A  # (df/dz)(dz/dx), slides 29-31
    J = numerical_jacobian(lambda v: np.tanh(A @ v + b), x)
    assert J.shape == (m, n)
    assert_allclose(J, exact, rtol=1e-7, atol=1e-9)


@settings(max_examples=50, deadline=None)
@given(shape=array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4),
       seed=st.integers(0, 2**32 - 1))
def test_gradient_of_quadratic_form_is_exact(shape, seed):
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    S = rng.standard_normal((size, size))
    x = rng.standard_normal(shape)

    def f(v):
        flat = v.ravel()
        return flat @ S @ flat

    expected = ((S + S.T) @ x.ravel()).reshape(shape)
    assert_allclose(numerical_jacobian(f, x), expected, rtol=1e-8, atol=1e-9)


def test_jacobian_accepts_step_per_entry_and_does_not_touch_x():
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()
    J = numerical_jacobian(lambda v: v**2, x, h=[0.1, 0.2, 0.3])
    assert_allclose(J, np.diag(2 * x), atol=1e-13)  # exact for quadratics with any step
    assert_array_equal_strict(x, before)


def assert_array_equal_strict(a, b):
    assert a.shape == b.shape and np.array_equal(a, b)


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: numerical_jacobian(np.log, np.array([1.0, 0.0])), ValueError,
         r"f returned -inf \(entry \[1\] of f\) at x;"),
        (lambda: numerical_jacobian(lambda v: np.log(v - 1.0), np.array([2.0, 1.000001])),
         ValueError,
         r"f returned nan \(entry \[1\] of f\) at x with entry \[1\] moved to 1 - h"),
        (lambda: numerical_jacobian(lambda v: np.ones(1 + int(v[0] > 1)), np.array([1.0])),
         ValueError, r"f returned shape \(2,\) .* but shape \(1,\) at x; .* fixed shape"),
        (lambda: numerical_jacobian(lambda v: None, 1.0), TypeError, "forget to `return`"),
        (lambda: numerical_jacobian(lambda v: "a", 1.0), TypeError,
         "f's value must be real numbers"),
        (lambda: numerical_jacobian(np.sin, [np.inf, 1.0]), ValueError,
         r"x must be finite, but entry \[0\] is inf"),
        (lambda: numerical_jacobian(np.sin, ["a"]), TypeError, "x must be real numbers"),
        (lambda: numerical_jacobian(np.sin, np.ones(2), h=-1.0), ValueError, "h must be > 0"),
        (lambda: numerical_jacobian(np.sin, np.ones(2), h=np.ones((2, 2))), ValueError,
         "would change the shape of x"),
        (lambda: numerical_jacobian(None, 1.0), TypeError, "f must be a callable"),
    ],
)
def test_numerical_jacobian_bad_input(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


# --------------------------------------------------------------------------
# relative_error and check_gradient
# --------------------------------------------------------------------------


def test_relative_error_definition():
    a = np.array([100.0, 0.0, 1e-3, -2.0])
    b = np.array([101.0, 1e-12, 2e-3, 2.0])
    expected = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1.0)
    assert_allclose(relative_error(a, b), expected, rtol=1e-15)
    assert_allclose(relative_error(a, b, floor=1e-6)[2], 0.5)
    assert relative_error(3.0, 3.0) == 0.0
    with pytest.raises(ValueError, match=r"a has shape \(2,\) but b has shape \(1, 2\)"):
        relative_error([1.0, 2.0], [[1.0, 2.0]])
    with pytest.raises(ValueError, match="floor must be a finite number > 0"):
        relative_error(1.0, 1.0, floor=0)


X3 = np.array([0.5, -1.0, 2.0])


def _cube_sum(v):
    return float(np.sum(v**3))


def test_check_gradient_passes_with_callable_or_array_and_returns_error():
    err = check_gradient(_cube_sum, lambda v: 3 * v**2, X3)
    assert isinstance(err, float) and 0 <= err < 1e-9
    assert check_gradient(_cube_sum, 3 * X3**2, X3) == err
    # the lecture's row vector (1, N) for a scalar function is accepted
    assert check_gradient(_cube_sum, (3 * X3**2)[np.newaxis, :], X3) == err
    # tol is respected: a 1e-4 relative perturbation passes with tol=1e-3 only
    grad = 3 * X3**2 * (1 + 1e-4)
    assert check_gradient(_cube_sum, grad, X3, tol=1e-3) == pytest.approx(1e-4, rel=1e-3)
    with pytest.raises(GradientCheckError):
        check_gradient(_cube_sum, grad, X3)


def test_check_gradient_failure_message_is_actionable():
    with pytest.raises(GradientCheckError) as info:
        check_gradient(_cube_sum, lambda v: 6 * v**2, X3)
    message = str(info.value)
    assert isinstance(info.value, AssertionError)
    assert "Worst entry [2], d f / d x[2]: analytic 24, numerical 12" in message
    assert "relative error 5.0e-01" in message
    assert "3 of 3 entries exceed the tolerance" in message
    assert "2 times the numerical value" in message


@pytest.mark.parametrize(
    ("grad", "hint"),
    [
        (lambda v: -3 * v**2, "every failing entry has the wrong sign"),
        (lambda v: np.array([1.5 * v[0] ** 2, 3 * v[1] ** 2, 3 * v[2] ** 2]),
         "0.5 times the numerical value"),
        (lambda v: np.zeros(3), "a term is missing"),
    ],
)
def test_check_gradient_hints(grad, hint):
    with pytest.raises(GradientCheckError, match=hint):
        check_gradient(_cube_sum, grad, X3)


def test_check_gradient_names_target_and_parameter_and_transpose():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(GradientCheckError) as info:
        check_gradient(lambda v: A @ v, A.T, np.ones(2))
    message = str(info.value)
    assert "d f[1] / d x[0]: analytic 2, numerical 3" in message
    assert "grad is the transpose" in message


def test_check_gradient_shape_errors():
    with pytest.raises(ValueError, match=r"grad has shape \(2, 3\), but .* has shape \(3, 2\) "
                                         r"= shape of f\(x\) \+ shape of x.*transposed"):
        check_gradient(lambda X: np.sum(X), np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"grad has shape \(3, 1\).*reshape it to \(3,\)"):
        check_gradient(_cube_sum, np.ones((3, 1)), X3)
    with pytest.raises(ValueError, match=r"grad has shape \(4,\)"):
        check_gradient(_cube_sum, np.ones(4), X3)
    with pytest.raises(ValueError, match=r"grad must be finite, but entry \[1\] is nan"):
        check_gradient(_cube_sum, np.array([1.0, np.nan, 1.0]), X3)
    with pytest.raises(ValueError, match="grad forget to `return`"):
        check_gradient(_cube_sum, lambda v: None, X3)
    with pytest.raises(ValueError, match="tol must be a finite number > 0"):
        check_gradient(_cube_sum, 3 * X3**2, X3, tol=0.0)
    with pytest.raises(ValueError, match="f returned -inf"):
        check_gradient(np.log, 1.0, 0.0)
