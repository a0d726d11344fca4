"""Tests of lecture_utils.exercises.differentiation.

The reference solutions are checked against SymPy and finite differences; the
checkers are fed deliberately wrong learner implementations and must name the
mistake.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from lecture_utils.differentiation import check_gradient
from lecture_utils.exercises import differentiation as ex

# --------------------------------------------------------------------------
# Reference solutions
# --------------------------------------------------------------------------


def _points(dim, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-2.0, 2.0, size=dim) for _ in range(5)]


def test_row_gradient_reference_against_sympy_and_differences():
    x1, x2 = sp.symbols("x1 x2", real=True)
    expr = x1**2 * x2 + sp.sin(x1 * x2)
    grad = sp.lambdify([x1, x2], sp.Matrix([expr]).jacobian([x1, x2]), "numpy")
    value = sp.lambdify([x1, x2], expr, "numpy")
    for x in _points(2, 1):
        assert_allclose(ex.row_gradient_reference(x), grad(*x), rtol=1e-12, atol=1e-14)
        assert_allclose(ex.row_gradient_exercise_f(x), value(*x), rtol=1e-14)
        check_gradient(ex.row_gradient_exercise_f, ex.row_gradient_reference, x)


def test_jacobian_reference_against_sympy_and_differences():
    xs = sp.symbols("x1 x2 x3", real=True)
    x1, x2, x3 = xs
    expr = sp.Matrix([x1 * x2 * x3, x1**2 + sp.tanh(x3)])
    jac = sp.lambdify(xs, expr.jacobian(xs), "numpy")
    for x in _points(3, 2):
        J = ex.jacobian_reference(x)
        assert J.shape == (2, 3)
        assert_allclose(J, jac(*x), rtol=1e-12, atol=1e-14)
        check_gradient(ex.jacobian_exercise_f, ex.jacobian_reference, x)


def test_loss_gradient_wrt_A_reference_against_sympy_and_differences():
    M, N = 3, 2
    A_sym = sp.Matrix(M, N, lambda i, j: sp.Symbol(f"a{i}{j}", real=True))
    rng = np.random.default_rng(3)
    x = rng.standard_normal(N)
    y = rng.standard_normal(M)
    e = sp.Matrix(y) - A_sym * sp.Matrix(x)
    loss = sp.Rational(1, 2) * (e.T * e)[0, 0]
    symbols = list(A_sym)
    grad = sp.lambdify(symbols, sp.Matrix([loss]).jacobian(symbols), "numpy")
    for _ in range(3):
        A = rng.standard_normal((M, N))
        G = ex.loss_gradient_wrt_A_reference(A, x, y)
        assert G.shape == (M, N)
        assert_allclose(G, np.asarray(grad(*A.ravel())).reshape(M, N), rtol=1e-12, atol=1e-14)
        assert_allclose(ex.loss_wrt_A(A, x, y), float(loss.subs(dict(
            zip(symbols, A.ravel(), strict=True)))), rtol=1e-12)
        check_gradient(lambda B: ex.loss_wrt_A(B, x, y), G, A)


# --------------------------------------------------------------------------
# check_row_gradient
# --------------------------------------------------------------------------


def _ref_row(x):
    return ex.row_gradient_reference(x)


def test_row_gradient_accepts_a_correct_answer():
    def grad_f(x):
        x1, x2 = x
        c = np.cos(x1 * x2)
        return np.array([[2 * x1 * x2 + x2 * c, x1**2 + x1 * c]])

    feedback = ex.check_row_gradient(grad_f)
    assert feedback.passed
    assert str(feedback) == "Correct: grad_f gives the reference result on all 3 test cases."


@pytest.mark.parametrize(
    ("wrong", "diagnosis"),
    [
        (lambda x: _ref_row(x).ravel(),
         r"shape \(2,\); the lecture's convention is \(1, 2\)"),
        (lambda x: _ref_row(x).T,
         r"shape \(2, 1\) but should have shape \(1, 2\): it is the transpose"),
        (lambda x: _ref_row(x)[:, ::-1], "the two partial derivatives are swapped"),
        (lambda x: np.array([[2 * x[0] * x[1] + np.cos(x[0] * x[1]),
                              x[0] ** 2 + np.cos(x[0] * x[1])]]),
         "the chain rule is incomplete: d/dx1 sin"),
        (lambda x: np.array([[2 * x[0] * x[1], x[0] ** 2]]), r"the term sin\(x1 x2\) is missing"),
        (lambda x: 2 * _ref_row(x), "every entry is 2 times the expected value"),
        (lambda x: _ref_row(x) * np.array([[1.0, 2.0]]),
         r"entry \[0, 1\].*off by a factor of 2"),
        (lambda x: None, "forget to `return`"),
        (lambda x: x[2], "raised IndexError"),
    ],
)
def test_row_gradient_diagnoses(wrong, diagnosis):
    feedback = ex.check_row_gradient(wrong)
    assert not feedback.passed
    assert str(feedback).startswith("Not yet: ")
    assert re.search(diagnosis, str(feedback)), str(feedback)


# --------------------------------------------------------------------------
# check_jacobian
# --------------------------------------------------------------------------


def _ref_jac(x):
    return ex.jacobian_reference(x)


def test_jacobian_accepts_a_correct_answer():
    def jacobian(x):
        x1, x2, x3 = x
        return np.array([[x2 * x3, x1 * x3, x1 * x2], [2 * x1, 0.0, 1 / np.cosh(x3) ** 2]])

    assert ex.check_jacobian(jacobian)


@pytest.mark.parametrize(
    ("wrong", "diagnosis"),
    [
        (lambda x: _ref_jac(x).T, r"shape \(3, 2\) but should have shape \(2, 3\): it is the "
                                  "transpose"),
        (lambda x: _ref_jac(x)[::-1], "rows are in the wrong order"),
        (lambda x: _ref_jac(x).sum(axis=0), r"gradient of f_1 \+ f_2"),
        (lambda x: np.array([[x[1] * x[2], x[0] * x[2], x[0] * x[1]],
                             [2 * x[0], 0.0, 1 - np.tanh(x[2])]]),
         r"1 - tanh\(x3\)\*\*2"),
        (lambda x: _ref_jac(x) * np.array([[1.0, 1.0, 1.0], [0.5, 1.0, 1.0]]),
         r"entry \[1, 0\]: you have"),
        (lambda x: _ref_jac(x).ravel(), r"right numbers but shape \(6,\)"),
    ],
)
def test_jacobian_diagnoses(wrong, diagnosis):
    feedback = ex.check_jacobian(wrong)
    assert not feedback
    assert re.search(diagnosis, str(feedback)), str(feedback)


# --------------------------------------------------------------------------
# check_loss_gradient_wrt_A
# --------------------------------------------------------------------------


def _ref_loss(A, x, y):
    return ex.loss_gradient_wrt_A_reference(A, x, y)


def test_loss_gradient_accepts_a_correct_answer():
    def grad(A, x, y):
        e = y - A @ x
        return -np.einsum("i,j->ij", e, x)

    assert ex.check_loss_gradient_wrt_A(grad).passed


@pytest.mark.parametrize(
    ("wrong", "diagnosis"),
    [
        (lambda A, x, y: np.outer(x, A @ x - y), "it is the transpose"),
        (lambda A, x, y: np.outer(y - A @ x, x), "wrong sign everywhere"),
        (lambda A, x, y: 2 * _ref_loss(A, x, y), "every entry is 2 times"),
        (lambda A, x, y: -(y - A @ x) @ A, r"you returned dL/dx = -\(y - Ax\)\^T A"),
        (lambda A, x, y: (-(y - A @ x) @ A)[np.newaxis], "dL/dx as a row vector"),
        (lambda A, x, y: _ref_loss(A, x, y)[np.newaxis], r"right numbers but shape \(1, 3, 2\)"),
        (lambda A, x, y: np.einsum("i,j->ij", A @ x, x), r"entries differ. The worst is entry"),
    ],
)
def test_loss_gradient_diagnoses(wrong, diagnosis):
    feedback = ex.check_loss_gradient_wrt_A(wrong)
    assert not feedback
    assert re.search(diagnosis, str(feedback)), str(feedback)


def test_checkers_do_not_let_learner_mutate_inputs():
    def sneaky(A, x, y):
        A[:] = 0.0  # modifies its input in place: must not spoil the reference
        return -np.outer(y - A @ x, x)

    feedback = ex.check_loss_gradient_wrt_A(sneaky)
    assert not feedback
