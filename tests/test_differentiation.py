"""Tests of lecture_utils.differentiation.

References: closed forms of the derivatives of slide 13, SymPy for the worked
examples the chapter computes (slides 15-28), exact Jacobians of random linear
maps (Hypothesis), and the error bounds of the difference quotients. Each test
of check_gradient comes with the mistake it must catch.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from lecture_utils.differentiation import (
    EPS,
    GradientCheckError,
    check_gradient,
    default_step,
    numerical_derivative,
    numerical_jacobian,
    relative_error,
)
from lecture_utils.feedback import Kind

SEED = 20170910

# --------------------------------------------------------------------------
# numerical_derivative: accuracy, the step it takes
# --------------------------------------------------------------------------

TABLE = {  # slide 13, with closed-form derivatives
    "x^3": (lambda x: x**3, lambda x: 3 * x**2),
    "sin": (np.sin, np.cos),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "exp": (np.exp, np.exp),
    "log": (np.log, lambda x: 1 / x),
}


@pytest.mark.parametrize("name", list(TABLE))
def test_central_difference_is_accurate_to_1e_9_on_slide_13(name: str) -> None:
    # The claim of the chapter: relative error <= 1e-9 at the default step for
    # 0.25 <= x <= 10 (away from the zeros of f').
    f, df = TABLE[name]
    x = np.linspace(0.25, 10.0, 400)
    x = x[np.abs(df(x)) > 0.05 * np.maximum(1.0, np.abs(f(x)))]
    error = np.abs(numerical_derivative(f, x) - df(x)) / np.abs(df(x))
    assert error.max() <= 1e-9


def test_forward_and_central_error_bounds_of_the_chapter() -> None:
    x0, exact = 0.5, np.cos(0.5)
    central = abs(float(numerical_derivative(np.sin, x0)) - exact)
    forward = abs(float(numerical_derivative(np.sin, x0, scheme="forward")) - exact)
    assert central < 1e-9 and forward < 1e-7  # the bounds the chapter prints
    # truncation dominates for h >= 1e-4: one digit (forward) or two (central)
    # per tenfold step, as the chapter's table shows
    for h in [1e-1, 1e-2, 1e-3, 1e-4]:
        fwd = float(numerical_derivative(np.sin, x0, h, scheme="forward")) - exact
        cen = float(numerical_derivative(np.sin, x0, h)) - exact
        assert fwd == pytest.approx(-h / 2 * np.sin(x0), rel=0.1)
        assert cen == pytest.approx(-(h**2) / 6 * np.cos(x0), rel=0.01)
    # below the bottom of the V, round-off makes the error grow again
    tiny = abs(float(numerical_derivative(np.sin, x0, 1e-13)) - exact)
    assert tiny > 100 * central


def test_optimal_steps_of_exercise_ex_diff_step() -> None:
    # E1: the forward bound h |f''| / 2 + eps |f| / h is smallest at
    # h* = (2 eps |f| / |f''|)^(1/2), about 2.1e-8 for sin at 0.5.
    f = f2 = np.sin(0.5)
    f3 = np.cos(0.5)
    h = np.logspace(-10, -4, 60001)
    forward = h * f2 / 2 + EPS * f / h
    central = h**2 * f3 / 6 + EPS * f / h
    h_forward = np.sqrt(2 * EPS * f / f2)
    h_central = (3 * EPS * f / f3) ** (1 / 3)
    assert h[np.argmin(forward)] == pytest.approx(h_forward, rel=1e-3)
    assert h[np.argmin(central)] == pytest.approx(h_central, rel=1e-3)
    assert f"{h_forward:.1e}" == "2.1e-08" and f"{h_central:.0e}" == "7e-06"
    assert f"{forward.min():.1e}" == "1.0e-08" and f"{central.min():.0e}" == "2e-11"


def test_default_step() -> None:
    x = np.array([-300.0, -0.5, 0.0, 2.0])
    assert_allclose(default_step(x), EPS ** (1 / 3) * np.array([300.0, 1, 1, 2]))
    assert_allclose(default_step(x, "forward"), EPS**0.5 * np.array([300.0, 1, 1, 2]))


def test_numerical_derivative_takes_the_default_step_symmetrically() -> None:
    seen: list[np.ndarray] = []

    def spy(z: np.ndarray) -> np.ndarray:
        seen.append(np.array(z))
        return z**2

    x = np.array([0.3, -7.0, 1e5])
    numerical_derivative(spy, x)
    h = EPS ** (1 / 3) * np.maximum(1.0, np.abs(x))
    np.testing.assert_array_equal(seen[0], x + h)
    np.testing.assert_array_equal(seen[1], x - h)
    seen.clear()
    numerical_derivative(spy, x, scheme="forward")
    np.testing.assert_array_equal(seen[0], x + EPS**0.5 * np.maximum(1.0, np.abs(x)))
    np.testing.assert_array_equal(seen[1], x)


def test_numerical_derivative_divides_by_the_step_actually_taken() -> None:
    # 1 + 1e-10 is not representable: x + h and x - h are rounded, and only the
    # difference of the rounded arguments gives the identity's slope exactly.
    x, h = 1.0, 1e-10
    assert (x + h) - (x - h) != 2 * h
    assert float(numerical_derivative(lambda z: z, x, h)) == 1.0
    assert float(numerical_derivative(lambda z: z, x, h, scheme="forward")) == 1.0
    J = numerical_jacobian(lambda v: v, np.array([x, 3.0]), h=h)
    np.testing.assert_array_equal(J, np.eye(2))


def test_numerical_derivative_is_vectorised_over_x_and_h() -> None:
    steps = np.logspace(-6, -2, 5)
    out = numerical_derivative(np.sin, 0.5, h=steps)
    assert out.shape == (5,)
    assert_allclose(out, np.cos(0.5), rtol=1e-4)
    grid = np.linspace(-2, 2, 12).reshape(3, 4)
    assert_allclose(numerical_derivative(np.exp, grid), np.exp(grid), rtol=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": 3}, TypeError, r"^numerical_derivative: f must be a function, got int"),
        ({"x": [1.0, np.nan]}, ValueError, r"x must be finite, got nan at entry \[1\]"),
        ({"x": 1j}, TypeError, r"x must be real numbers, got complex numbers"),
        ({"h": 0.0}, ValueError, r"h must be > 0, got 0\.0 at entry \(the scalar\)"),
        ({"h": [1e-3, -1.0]}, ValueError, r"h must be > 0, got -1\.0 at entry \[1\]"),
        ({"h": np.ones(3)}, ValueError, r"h must be one step or one per entry of x"),
        (
            {"scheme": "backward"},
            ValueError,
            r"scheme must be one of 'central', 'forward', got str 'backward'",
        ),
        (
            {"x": 1e20, "h": 1.0},
            ValueError,
            r"h must be large enough to change x in float64, got x \+ h == x - h at "
            r"entry \(the scalar\)\. Pass a larger h",
        ),
        (
            {"f": lambda z: np.sum(z)},
            ValueError,
            r"the value of f\(\.\.\.\) must be of shape \(2,\), got shape \(\)\. f",
        ),
        (
            {"f": np.log, "x": [1e-7, 1.0]},
            ValueError,
            r"f\(\.\.\.\) must be finite, got nan at entry \[0\]\. f must return real",
        ),
        ({"f": lambda z: z + 1j}, TypeError, r"f\(\.\.\.\) must be real numbers"),
        ({"f": lambda z: None}, TypeError, r"f\(\.\.\.\) must be an array of real"),
    ],
)
def test_numerical_derivative_bad_input(kwargs: dict, error: type, match: str) -> None:
    args = {"f": np.sin, "x": [0.5, 1.0], "h": None} | kwargs
    with pytest.raises(error, match=match):
        numerical_derivative(args.pop("f"), args.pop("x"), args.pop("h"), **args)


# --------------------------------------------------------------------------
# numerical_jacobian: shapes, exactness on linear maps, the chapter's examples
# --------------------------------------------------------------------------


def test_jacobian_shapes_are_targets_times_parameters() -> None:
    A = np.arange(12.0).reshape(4, 3)
    assert numerical_jacobian(np.sin, 0.3).shape == ()
    assert numerical_jacobian(lambda v: v @ v, np.ones(3)).shape == (3,)
    assert numerical_jacobian(lambda v: A @ v, np.ones(3)).shape == (4, 3)
    assert numerical_jacobian(lambda X: X.T @ X, np.ones((3, 2))).shape == (2, 2, 3, 2)
    assert numerical_jacobian(lambda B: B @ np.ones(3), A).shape == (4, 4, 3)
    assert numerical_jacobian(lambda t: np.array([t, t**2]), 2.0).shape == (2,)


@settings(max_examples=40, deadline=None)
@given(
    x_shape=st.sampled_from([(), (1,), (3,), (2, 3)]),
    f_shape=st.sampled_from([(), (2,), (2, 2)]),
    seed=st.integers(0, 2**16),
    scale=st.sampled_from([1e-3, 1.0, 1e3]),
)
def test_jacobian_of_a_linear_map_is_the_map(
    x_shape: tuple, f_shape: tuple, seed: int, scale: float
) -> None:
    rng = np.random.default_rng(seed)
    M = rng.standard_normal(f_shape + x_shape)
    x = scale * rng.standard_normal(x_shape)
    axes = len(x_shape)

    def f(v: np.ndarray) -> np.ndarray:
        return np.tensordot(M, v, axes=axes)

    assert_allclose(numerical_jacobian(f, x), M, rtol=1e-7, atol=1e-7)


def test_jacobian_with_a_step_per_entry_leaves_x_alone() -> None:
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()
    J = numerical_jacobian(lambda v: v**2, x, h=[1e-4, 1e-5, 1e-6])
    assert_allclose(J, np.diag(2 * x), rtol=1e-8)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"f": "sin"},
            TypeError,
            r"^numerical_jacobian: f must be a function, got str",
        ),
        ({"x": [[1.0], [2.0, 3.0]]}, TypeError, r"x must be a rectangular array"),
        ({"x": [np.inf]}, ValueError, r"x must be finite, got inf at entry \[0\]"),
        ({"h": -1e-3}, ValueError, r"h must be > 0, got -0\.001"),
        (
            {"x": [1.0, 1e20], "h": 1.0},
            ValueError,
            r"^numerical_jacobian: h must be large enough .* at entry \[1\]\.",
        ),
        (
            {"h": np.ones((2, 2))},
            ValueError,
            r"h must be one step or one per entry of x \(2,\), got shape \(2, 2\)",
        ),
        (
            {"f": lambda v: v[: int(v[0] > 1.0) + 1]},
            ValueError,
            r"f\(\.\.\.\) must be of shape \(1,\), got shape \(2,\)",
        ),
        ({"f": lambda v: np.sqrt(v - 1.0)}, ValueError, r"must be finite, got nan"),
    ],
)
def test_numerical_jacobian_bad_input(kwargs: dict, error: type, match: str) -> None:
    args = {"f": np.sin, "x": [1.0, 2.0], "h": None} | kwargs
    with pytest.raises(error, match=match), np.errstate(invalid="ignore"):
        numerical_jacobian(args["f"], args["x"], args["h"])


def _sympy_jacobian(exprs: list, symbols: list) -> callable:
    return sp.lambdify(symbols, sp.Matrix(exprs).jacobian(symbols), "numpy")


def test_chapter_slide_15_chain_rule() -> None:
    z = sp.Symbol("z", real=True)
    x = np.random.default_rng(SEED).uniform(-1.5, 1.5, size=9)
    for n in (2, 3, 4):
        closed = (1 - np.tanh(x**n) ** 2) * n * x ** (n - 1)
        reference = sp.lambdify(z, sp.diff(sp.tanh(z**n), z), "numpy")(x)
        assert_allclose(closed, reference, rtol=1e-12, atol=1e-15)
        check_gradient(lambda v, n=n: np.tanh(v**n), np.diag(closed), x)


def test_chapter_slides_17_and_19_gradients() -> None:
    x1, x2 = sp.symbols("x1 x2", real=True)
    grad17 = _sympy_jacobian([x1**2 * x2 + x1 * x2**3], [x1, x2])
    rng = np.random.default_rng(SEED + 17)
    for x in rng.uniform(-2, 2, size=(4, 2)):
        closed = np.array(
            [[2 * x[0] * x[1] + x[1] ** 3, x[0] ** 2 + 3 * x[0] * x[1] ** 2]]
        )
        assert_allclose(closed, grad17(*x), rtol=1e-12)
        assert (
            check_gradient(lambda v: v[0] ** 2 * v[1] + v[0] * v[1] ** 3, closed, x)
            < 1e-8
        )
    M, N = 4, 3
    A, y, x = (
        rng.standard_normal((M, N)),
        rng.standard_normal(M),
        rng.standard_normal(N),
    )
    xs = sp.symbols(f"x0:{N}", real=True)
    e = sp.Matrix(y) - sp.Matrix(A) * sp.Matrix(xs)
    reference = _sympy_jacobian([(e.T * e)[0, 0] / 2], list(xs))(*x)
    dL_dx = (y - A @ x)[np.newaxis, :] @ -A  # dL/de de/dx, slide 19
    assert dL_dx.shape == (1, N)
    assert_allclose(dL_dx, reference, rtol=1e-10, atol=1e-12)
    check_gradient(lambda v: 0.5 * (y - A @ v) @ (y - A @ v), dL_dx, x)


def test_chapter_slides_21_to_27() -> None:
    rng = np.random.default_rng(SEED + 21)
    M, N = 4, 3
    A, x = rng.standard_normal((M, N)), rng.standard_normal(N)
    check_gradient(lambda v: A @ v, A, x, tol=1e-9)  # slide 21
    t = sp.Symbol("t", real=True)
    df_dt = sp.lambdify(t, sp.diff(sp.sin(t) ** 2 + 2 * sp.cos(t), t), "numpy")
    for tk in rng.uniform(-3, 3, size=4):  # slides 22-23
        chain = np.array([[2 * np.sin(tk), 2.0]]) @ np.array(
            [[np.cos(tk)], [-np.sin(tk)]]
        )
        assert_allclose(chain[0, 0], df_dt(tk), rtol=1e-12, atol=1e-14)
        assert_allclose(chain[0, 0], 2 * np.sin(tk) * (np.cos(tk) - 1), atol=1e-14)
        check_gradient(lambda s: np.sin(s) ** 2 + 2 * np.cos(s), chain, tk)
    A_sym = sp.Matrix(M, N, lambda i, j: sp.Symbol(f"a{i}{j}", real=True))
    f = A_sym * sp.Matrix(x)
    reference = np.array(  # slides 26-27: d f_i / d A_kq
        [
            [[float(sp.diff(f[i], A_sym[k, q])) for q in range(N)] for k in range(M)]
            for i in range(M)
        ]
    )
    D = np.einsum("ik,q->ikq", np.eye(M), x)
    assert_allclose(D, reference, rtol=1e-15)
    check_gradient(lambda B: B @ x, D, A)


def test_chapter_slide_28_both_ways() -> None:
    xs = sp.symbols("x1 x2 x3", real=True)
    x1, x2, x3 = xs
    A_sym = sp.Matrix(
        [
            [x1 * x2, x3**2],
            [sp.sin(x1), x2 * x3],
            [sp.exp(x2), x1 + 2 * x3],
            [x1 * x2 * x3, sp.cos(x3)],
        ]
    )
    flat = np.array(_sympy_jacobian(list(A_sym), list(xs))(0.4, -0.7, 1.2), float)
    A_fun = sp.lambdify([xs], A_sym, "numpy")
    x = np.array([0.4, -0.7, 1.2])
    stacked = np.stack(
        [np.array(sp.lambdify([xs], A_sym.diff(s), "numpy")(x), float) for s in xs],
        axis=-1,
    )
    assert_allclose(stacked, flat.reshape(4, 2, 3), rtol=1e-14)
    assert_allclose(
        numerical_jacobian(lambda v: np.array(A_fun(v), float), x),
        stacked,
        rtol=1e-8,
        atol=1e-9,
    )


# --------------------------------------------------------------------------
# check_gradient: the correct gradient passes, mistakes are caught
# --------------------------------------------------------------------------

X_LARGE = np.array([0.5, 256.0, 256.0])


def sum_of_squares(x: np.ndarray) -> float:
    return float(np.sum(x**2))


def test_correct_gradient_at_large_f_passes() -> None:
    # |f| = 131072 while df/dx_0 = 1: the round-off of the finite difference,
    # about eps |f| / h = 5e-6, exceeds the relative tolerance 1e-6 there.
    error = check_gradient(sum_of_squares, lambda x: 2 * x, X_LARGE)
    assert 1e-7 < error < 1e-4  # the returned number is the relative error itself


@pytest.mark.parametrize(
    ("grad", "kind"),
    [
        (lambda x: 4 * x, Kind.FACTOR),
        (lambda x: -2 * x, Kind.SIGN),
        (lambda x: 2 * x + np.array([1e-3, 0.0, 0.0]), Kind.VALUES),  # 0.1 % off
        (lambda x: 2 * x * np.array([1.0, 1.0, 1.0001]), Kind.VALUES),
        (lambda x: (2 * x)[:, np.newaxis], Kind.TRANSPOSED),
        (lambda x: 2 * x[:2], Kind.SHAPE),
        (lambda x: None, Kind.NO_RESULT),
        (lambda x: 2 * x + 0j, Kind.COMPLEX),
        (lambda x: np.array([np.nan, 1.0, 1.0]), Kind.NON_FINITE),
    ],
)
def test_mistakes_at_large_f_are_still_caught(grad: callable, kind: Kind) -> None:
    with pytest.raises(GradientCheckError) as caught:
        check_gradient(sum_of_squares, grad, X_LARGE)
    assert caught.value.feedback.kind is kind
    assert isinstance(caught.value, AssertionError)


def test_factor_and_transpose_of_a_jacobian() -> None:
    rng = np.random.default_rng(SEED)
    A, B = rng.standard_normal((3, 3)), rng.standard_normal((2, 3))
    x = rng.standard_normal(3)
    for f, grad, kind in [
        (lambda v: A @ v, A.T, Kind.TRANSPOSED),
        (lambda v: B @ v, B.T, Kind.TRANSPOSED),
        (lambda v: 0.5 * v @ A @ v, A @ x, Kind.VALUES),  # forgot the symmetric part
        (lambda v: v @ v / 2, 2 * x, Kind.FACTOR),
    ]:
        with pytest.raises(GradientCheckError) as caught:
            check_gradient(f, grad, x)
        assert caught.value.feedback.kind is kind
    with pytest.raises(GradientCheckError) as caught:
        check_gradient(lambda v: v @ v / 2, 2 * x, x)
    assert caught.value.feedback.factor == pytest.approx(2.0)
    lines = str(caught.value).splitlines()
    assert lines[0] == "check_gradient: grad does not match the numerical derivative."
    assert max(map(len, lines)) <= 80
    assert lines[1] == "Not yet: every entry of grad is 2 times the expected value."


def test_lecture_shapes_are_accepted() -> None:
    x = np.array([1.0, 2.0])
    check_gradient(lambda v: v[0] ** 2 * v[1], np.array([[4.0, 1.0]]), x)  # row (1, N)
    check_gradient(lambda v: v[0] ** 2 * v[1], np.array([4.0, 1.0]), x)  # NumPy (N,)
    check_gradient(
        lambda t: np.array([t, t**2]), np.array([[1.0], [4.0]]), 2.0
    )  # (M, 1)
    check_gradient(lambda t: t**3, np.array([[12.0]]), 2.0)  # (1, 1) for R -> R


def test_returns_the_largest_relative_error() -> None:
    x = np.array([0.5, -1.0, 2.0])
    error = check_gradient(lambda v: np.sum(v**3), 3 * x**2 * (1 + 1e-8), x)
    assert error == pytest.approx(1e-8, rel=1e-2)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"f": None},
            TypeError,
            r"^check_gradient: f must be a function, got NoneType",
        ),
        (
            {"tol": 0.0},
            ValueError,
            r"^check_gradient: tol must be a number > 0, got 0\.0",
        ),
        ({"tol": True}, TypeError, r"tol must be a real number, got bool True"),
        ({"x": [1.0, np.nan]}, ValueError, r"^check_gradient: x must be finite"),
        ({"h": 0.0}, ValueError, r"^check_gradient: h must be > 0"),
        ({"f": lambda v: np.log(v - 2)}, ValueError, r"f\(\.\.\.\) must be finite"),
    ],
)
def test_check_gradient_bad_input(kwargs: dict, error: type, match: str) -> None:
    args = {"f": np.sin, "grad": np.eye(2), "x": [1.0, 1.5]} | kwargs
    with pytest.raises(error, match=match), np.errstate(invalid="ignore"):
        check_gradient(args.pop("f"), args.pop("grad"), args.pop("x"), **args)


# --------------------------------------------------------------------------
# relative_error
# --------------------------------------------------------------------------


def test_relative_error_definition() -> None:
    assert_allclose(
        relative_error([100.0, 0.0, 1e-3], [101.0, 1e-12, 2e-3]), [1 / 101, 1e-12, 1e-3]
    )
    assert_allclose(relative_error([1e-3], [2e-3], floor=1e-6), [0.5])
    with pytest.raises(ValueError, match=r"^relative_error: b must be of shape \(2,\)"):
        relative_error([1.0, 2.0], [1.0])
    with pytest.raises(
        ValueError, match=r"^relative_error: floor must be a number > 0"
    ):
        relative_error(1.0, 1.0, floor=0.0)
