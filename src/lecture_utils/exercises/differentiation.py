"""Checkers for the exercises of the differentiation chapter (slides 11-28).

Three code exercises, each with the lecture's shape convention "targets x
parameters" (slide 25):

* :func:`check_row_gradient` -- the gradient of
  ``f(x1, x2) = x1**2 x2 + sin(x1 x2)`` as a ``1 x 2`` row vector;
* :func:`check_jacobian` -- the ``2 x 3`` Jacobian of
  ``f(x) = [x1 x2 x3, x1**2 + tanh(x3)]``;
* :func:`check_loss_gradient_wrt_A` -- ``dL/dA`` (``M x N``) of
  ``L(A) = 1/2 ||y - A x||**2``.

Examples
--------
>>> import numpy as np
>>> def grad_f(x):
...     x1, x2 = x
...     return np.array([2 * x1 * x2 + x2 * np.cos(x1 * x2), x1**2 + x1 * np.cos(x1 * x2)])
>>> print(check_row_gradient(grad_f))  # doctest: +ELLIPSIS
Not yet: grad_f, case 1 of 3: your result has the right numbers but shape (2,); the ...
>>> print(check_row_gradient(grad_f).messages[0][-69:])
the lecture's convention is (1, 2). Reshape it, e.g. .reshape(1, 2).
>>> print(check_row_gradient(lambda x: row_gradient_reference(x)))
Correct: <lambda> gives the reference result on all 3 test cases.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import Feedback, check_function

__all__ = [
    "check_jacobian",
    "check_loss_gradient_wrt_A",
    "check_row_gradient",
    "jacobian_exercise_f",
    "jacobian_reference",
    "loss_gradient_wrt_A_reference",
    "loss_wrt_A",
    "row_gradient_exercise_f",
    "row_gradient_reference",
]


def _points(dim: int, count: int = 3, seed: int = 17) -> list[tuple[np.ndarray]]:
    # Distinct, non-symmetric points of moderate size: swapped entries, a missing
    # inner derivative or a transpose all change the numbers visibly.
    rng = np.random.default_rng(seed)
    return [(rng.uniform(0.3, 1.7, size=dim) * rng.choice([-1.0, 1.0], size=dim),)
            for _ in range(count)]


def _name(function: Callable, default: str) -> str:
    return getattr(function, "__name__", default)


# --------------------------------------------------------------------------
# Exercise: a gradient as a row vector
# --------------------------------------------------------------------------


def row_gradient_exercise_f(x: np.ndarray) -> float:
    """The exercise's function ``f(x1, x2) = x1**2 x2 + sin(x1 x2)``.

    Parameters
    ----------
    x : numpy.ndarray, shape (2,)

    Returns
    -------
    float

    Examples
    --------
    >>> row_gradient_exercise_f(np.array([1.0, 0.0]))
    0.0
    """
    x1, x2 = np.asarray(x, dtype=float)
    return float(x1**2 * x2 + np.sin(x1 * x2))


def row_gradient_reference(x: np.ndarray) -> np.ndarray:
    """``df/dx = [2 x1 x2 + x2 cos(x1 x2), x1**2 + x1 cos(x1 x2)]``, shape ``(1, 2)``.

    Examples
    --------
    >>> print(row_gradient_reference(np.array([1.0, 0.0])))
    [[0. 2.]]
    """
    x1, x2 = np.asarray(x, dtype=float)
    c = np.cos(x1 * x2)
    return np.array([[2 * x1 * x2 + x2 * c, x1**2 + x1 * c]])


def check_row_gradient(grad_f: Callable[[np.ndarray], object]) -> Feedback:
    """Check a learner's gradient of ``f(x1, x2) = x1**2 x2 + sin(x1 x2)``.

    Parameters
    ----------
    grad_f : callable
        The learner's function of ``x`` (shape ``(2,)``) returning ``df/dx``.

    Returns
    -------
    Feedback
        Recognises a flat ``(2,)`` or column ``(2, 1)`` answer (the lecture's
        convention is the row ``(1, 2)``), swapped partial derivatives, a
        forgotten inner derivative of ``sin(x1 x2)`` (chain rule) and wrong
        entries (which one, by how much).
    """
    mistakes = {
        "the two partial derivatives are swapped: entry [0, 0] must be df/dx1 and entry "
        "[0, 1] df/dx2":
            lambda x: row_gradient_reference(x)[:, ::-1],
        "the chain rule is incomplete: d/dx1 sin(x1 x2) = cos(x1 x2) * x2 (the derivative of "
        "the inner function x1 x2), and d/dx2 sin(x1 x2) = cos(x1 x2) * x1":
            lambda x: np.array([[2 * x[0] * x[1] + np.cos(x[0] * x[1]),
                                 x[0] ** 2 + np.cos(x[0] * x[1])]]),
        "the term sin(x1 x2) is missing from your gradient: you differentiated x1^2 x2 only":
            lambda x: np.array([[2 * x[0] * x[1], x[0] ** 2]]),
    }
    return check_function(grad_f, row_gradient_reference, _points(2),
                          name=_name(grad_f, "grad_f"), mistakes=mistakes)


# --------------------------------------------------------------------------
# Exercise: a Jacobian R^3 -> R^2
# --------------------------------------------------------------------------


def jacobian_exercise_f(x: np.ndarray) -> np.ndarray:
    """The exercise's vector field ``f(x) = [x1 x2 x3, x1**2 + tanh(x3)]^T``.

    Parameters
    ----------
    x : numpy.ndarray, shape (3,)

    Returns
    -------
    numpy.ndarray, shape (2,)

    Examples
    --------
    >>> print(jacobian_exercise_f(np.array([1.0, 2.0, 0.0])))
    [0. 1.]
    """
    x1, x2, x3 = np.asarray(x, dtype=float)
    return np.array([x1 * x2 * x3, x1**2 + np.tanh(x3)])


def jacobian_reference(x: np.ndarray) -> np.ndarray:
    """The ``2 x 3`` Jacobian of :func:`jacobian_exercise_f`; entry ``(i, j)`` is ``df_i/dx_j``.

    Examples
    --------
    >>> print(jacobian_reference(np.array([1.0, 2.0, 0.0])))
    [[0. 0. 2.]
     [2. 0. 1.]]
    """
    x1, x2, x3 = np.asarray(x, dtype=float)
    return np.array([[x2 * x3, x1 * x3, x1 * x2],
                     [2 * x1, 0.0, 1.0 - np.tanh(x3) ** 2]])


def check_jacobian(jacobian: Callable[[np.ndarray], object]) -> Feedback:
    """Check a learner's Jacobian of ``f(x) = [x1 x2 x3, x1**2 + tanh(x3)]``.

    Parameters
    ----------
    jacobian : callable
        The learner's function of ``x`` (shape ``(3,)``) returning ``df/dx``.

    Returns
    -------
    Feedback
        Recognises the transpose (``3 x 2``: one *column* per output), swapped
        rows, the gradient of the sum of the outputs instead of the Jacobian,
        ``tanh'`` written as ``1 - tanh`` and wrong entries.
    """
    mistakes = {
        "your rows are in the wrong order: row i must be the gradient of output f_i":
            lambda x: jacobian_reference(x)[::-1],
        "you returned the gradient of f_1 + f_2 (the column sums of the Jacobian); the "
        "Jacobian keeps one row per output, shape (2, 3)":
            lambda x: jacobian_reference(x).sum(axis=0),
        "entry [1, 2] uses 1 - tanh(x3); the derivative of tanh is 1 - tanh(x3)**2 (slide 13)":
            lambda x: jacobian_reference(x) + np.array(
                [[0.0, 0.0, 0.0], [0.0, 0.0, np.tanh(x[2]) ** 2 - np.tanh(x[2])]]),
    }
    return check_function(jacobian, jacobian_reference, _points(3, seed=23),
                          name=_name(jacobian, "jacobian"), mistakes=mistakes)


# --------------------------------------------------------------------------
# Exercise: the gradient of a least-squares loss with respect to a matrix
# --------------------------------------------------------------------------


def loss_wrt_A(A: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """``L(A) = 1/2 ||y - A x||**2`` as a function of the matrix ``A`` (shape ``(M, N)``).

    Examples
    --------
    >>> loss_wrt_A(np.eye(2), np.array([1.0, 0.0]), np.array([1.0, 2.0]))
    2.0
    """
    e = np.asarray(y, dtype=float) - np.asarray(A, dtype=float) @ np.asarray(x, dtype=float)
    return float(0.5 * e @ e)


def loss_gradient_wrt_A_reference(A: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``dL/dA = -(y - A x) x^T``, shape ``(M, N)`` (a scalar's derivative has A's shape).

    Notes
    -----
    Chain rule with ``e = y - A x``: ``dL/dA[k, q] = sum_i (dL/de_i)(de_i/dA_kq)
    = sum_i e_i (-delta_ik x_q) = -e_k x_q``, using the tensor of slides 26-27.

    Examples
    --------
    >>> print(loss_gradient_wrt_A_reference(np.eye(2), np.array([1.0, 0.0]),
    ...                                     np.array([1.0, 2.0])))
    [[-0. -0.]
     [-2. -0.]]
    """
    A, x, y = (np.asarray(a, dtype=float) for a in (A, x, y))
    return -np.outer(y - A @ x, x)


def _loss_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(29)
    return [(rng.standard_normal((m, n)), rng.standard_normal(n), rng.standard_normal(m))
            for m, n in [(3, 2), (2, 4), (3, 3)]]


def check_loss_gradient_wrt_A(grad: Callable[..., object]) -> Feedback:
    """Check a learner's ``grad(A, x, y)`` returning ``dL/dA`` of ``L = 1/2 ||y - A x||**2``.

    Parameters
    ----------
    grad : callable
        The learner's function of ``A`` (M, N), ``x`` (N,), ``y`` (M,).

    Returns
    -------
    Feedback
        Recognises the transpose ``x e^T``, the wrong sign, a factor 2 (the
        loss without the 1/2), the gradient with respect to ``x`` (slide 19)
        instead of ``A``, the lecture's ``1 x (M x N)`` tensor layout and
        wrong entries.
    """
    mistakes = {
        "you returned dL/dx = -(y - Ax)^T A (slide 19), the derivative with respect to x; "
        "this exercise asks for the derivative with respect to the matrix A, shape (M, N)":
            lambda A, x, y: -(y - A @ x) @ A,
        "you returned dL/dx as a row vector (slide 19); this exercise asks for dL/dA, "
        "shape (M, N)":
            lambda A, x, y: (-(y - A @ x) @ A)[np.newaxis, :],
    }
    return check_function(grad, loss_gradient_wrt_A_reference, _loss_cases(),
                          name=_name(grad, "grad"), mistakes=mistakes)
