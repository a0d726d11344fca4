"""Tests of lecture_utils.exercises.differentiation.

The private references are checked against SymPy and check_gradient; each
checker is fed the chapter's solution, every mistake it claims to name, and
hostile learner code (complex, huge, hanging, None, wrong shape, raising).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from lecture_utils.differentiation import check_gradient
from lecture_utils.exercises import differentiation as ex
from lecture_utils.feedback import Kind


def _f_row(x: np.ndarray) -> float:
    return x[0] ** 2 * x[1] + np.sin(x[0] * x[1])


def _f_jac(x: np.ndarray) -> np.ndarray:
    return np.array([x[0] * x[1] * x[2], x[0] ** 2 + np.tanh(x[2])])


def test_references_against_sympy_and_finite_differences() -> None:
    rng = np.random.default_rng(5)
    x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
    row = sp.lambdify(
        [x1, x2], sp.Matrix([x1**2 * x2 + sp.sin(x1 * x2)]).jacobian([x1, x2])
    )
    jac_expr = sp.Matrix([x1 * x2 * x3, x1**2 + sp.tanh(x3)]).jacobian([x1, x2, x3])
    jac = sp.lambdify([x1, x2, x3], jac_expr)
    for _ in range(4):
        x = rng.uniform(-2, 2, size=3)
        assert ex._row_gradient(x[:2]).shape == (1, 2)
        assert_allclose(
            ex._row_gradient(x[:2]), np.array(row(*x[:2]), float), rtol=1e-12
        )
        check_gradient(_f_row, ex._row_gradient, x[:2])
        assert_allclose(
            ex._jacobian(x), np.array(jac(*x), float), rtol=1e-12, atol=1e-15
        )
        check_gradient(_f_jac, ex._jacobian, x)
    M, N = 3, 2
    A, x, y = (
        rng.standard_normal((M, N)),
        rng.standard_normal(N),
        rng.standard_normal(M),
    )
    A_sym = sp.Matrix(M, N, lambda i, j: sp.Symbol(f"a{i}{j}", real=True))
    e = sp.Matrix(y) - A_sym * sp.Matrix(x)
    symbols = list(A_sym)
    grad = sp.lambdify(symbols, sp.Matrix([(e.T * e)[0, 0] / 2]).jacobian(symbols))
    G = ex._loss_gradient_wrt_A(A, x, y)
    assert_allclose(G, np.array(grad(*A.ravel()), float).reshape(M, N), rtol=1e-12)
    check_gradient(lambda B: 0.5 * np.sum((y - B @ x) ** 2), G, A)


# --------------------------------------------------------------------------
# Each checker: the solution passes, each named mistake is named
# --------------------------------------------------------------------------


def _row_solution(x: np.ndarray) -> np.ndarray:
    x1, x2 = x
    c = np.cos(x1 * x2)
    return np.array([[2 * x1 * x2 + x2 * c, x1**2 + x1 * c]])


def _jacobian_solution(x: np.ndarray) -> np.ndarray:
    x1, x2, x3 = x
    return np.array([[x2 * x3, x1 * x3, x1 * x2], [2 * x1, 0.0, 1 - np.tanh(x3) ** 2]])


def _grad_A_solution(A: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return -np.einsum("k,q->kq", y - A @ x, x)


CHECKS = [
    (ex.check_row_gradient, _row_solution),
    (ex.check_jacobian, _jacobian_solution),
    (ex.check_loss_gradient_wrt_A, _grad_A_solution),
]


@pytest.mark.parametrize(("checker", "solution"), CHECKS)
def test_the_solution_is_correct(checker: Callable, solution: Callable) -> None:
    """Beyond tests/test_checkers.py: the "Correct: ..." text and ``name=``."""
    feedback = checker(solution)
    assert feedback.kind is Kind.CORRECT
    assert str(feedback).startswith(f"Correct: {solution.__name__} gives the reference")
    assert checker(solution, name="mine").message.startswith("mine gives")


def test_row_gradient_mistakes() -> None:
    def flat(x):  # the first attempt of the chapter
        return _row_solution(x).ravel()

    def column(x):
        return _row_solution(x).T

    def swapped(x):
        return _row_solution(x)[:, ::-1]

    def no_inner(x):
        c = np.cos(x[0] * x[1])
        return np.array([[2 * x[0] * x[1] + c, x[0] ** 2 + c]])

    def no_sin(x):
        return np.array([[2 * x[0] * x[1], x[0] ** 2]])

    assert ex.check_row_gradient(flat).kind is Kind.SHAPE
    assert ".reshape(1, 2)" in ex.check_row_gradient(flat).message
    assert ex.check_row_gradient(column).kind is Kind.TRANSPOSED
    for wrong, words in [
        (swapped, "swapped"),
        (no_inner, "inner"),
        (no_sin, "missing"),
    ]:
        feedback = ex.check_row_gradient(wrong)
        assert feedback.kind is Kind.MISTAKE, feedback
        assert words in feedback.message


def test_jacobian_mistakes() -> None:
    def transposed(x):  # the chapter's first attempt
        return _jacobian_solution(x).T

    def rows_swapped(x):
        return _jacobian_solution(x)[::-1]

    def summed(x):
        return _jacobian_solution(x).sum(axis=0)

    def tanh_slip(x):
        J = _jacobian_solution(x)
        J[1, 2] = 1 - np.tanh(x[2])
        return J

    assert ex.check_jacobian(transposed).kind is Kind.TRANSPOSED
    for wrong, words in [
        (rows_swapped, "wrong order"),
        (summed, "f_1 + f_2"),
        (tanh_slip, "1 - tanh(x3)**2"),
    ]:
        feedback = ex.check_jacobian(wrong)
        assert feedback.kind is Kind.MISTAKE, feedback
        assert words in feedback.message


def test_loss_gradient_mistakes_and_factor_hints() -> None:
    def sign(A, x, y):  # the chapter's first attempt
        return np.outer(y - A @ x, x)

    def no_half(A, x, y):
        return 2 * _grad_A_solution(A, x, y)

    def transposed(A, x, y):
        return _grad_A_solution(A, x, y).T

    def wrt_x(A, x, y):
        return -(y - A @ x) @ A

    feedback = ex.check_loss_gradient_wrt_A(sign)
    assert (feedback.kind, feedback.factor) == (Kind.SIGN, -1.0)
    assert feedback.message.endswith("so de/dA carries a minus sign.")
    feedback = ex.check_loss_gradient_wrt_A(no_half)
    assert (feedback.kind, feedback.factor) == (Kind.FACTOR, 2.0)
    assert "The loss has a 1/2" in feedback.message
    assert ex.check_loss_gradient_wrt_A(transposed).kind is Kind.TRANSPOSED
    feedback = ex.check_loss_gradient_wrt_A(wrt_x)
    assert feedback.kind is Kind.MISTAKE and "slide 19" in feedback.message
    halved = ex.check_loss_gradient_wrt_A(
        lambda A, x, y: 0.5 * _grad_A_solution(A, x, y)
    )
    assert (
        halved.kind is Kind.FACTOR and "1/2" not in halved.message
    )  # no made-up cause


# --------------------------------------------------------------------------
# Hostile learner code: a verdict, never a crash, never "Correct"
# --------------------------------------------------------------------------


def _hostile(solution: Callable) -> dict[str, tuple[Callable, set]]:
    def hang(*args):
        while True:
            time.sleep(0.01)

    def raises(*args):
        raise ZeroDivisionError("division by zero")

    return {
        "complex": (lambda *a: solution(*a) + 5j, {Kind.COMPLEX}),
        "huge": (
            lambda *a: np.full_like(solution(*a), 1e308),
            {Kind.VALUES, Kind.FACTOR},
        ),
        "timeout": (hang, {Kind.TIMEOUT}),
        "none": (lambda *a: None, {Kind.NO_RESULT}),
        "shape": (lambda *a: np.zeros(7), {Kind.SHAPE}),
        "raises": (raises, {Kind.EXCEPTION}),
        "text": (lambda *a: "df/dx", {Kind.WRONG_TYPE}),
    }


@pytest.mark.parametrize(
    "case", ["complex", "huge", "timeout", "none", "shape", "raises", "text"]
)
@pytest.mark.parametrize(("checker", "solution"), CHECKS)
def test_hostile_answers_get_a_verdict(
    checker: Callable, solution: Callable, case: str
) -> None:
    """Beyond tests/test_checkers.py: every verdict's lines fit in 80 columns."""
    learner, kinds = _hostile(solution)[case]
    start = time.perf_counter()
    feedback = checker(learner, time_limit=0.5)
    assert time.perf_counter() - start < 5.0
    assert not feedback
    assert feedback.kind in kinds, feedback
    assert max(map(len, str(feedback).splitlines())) <= 80
