"""Checkers for the exercises of the introduction (slides 6-7).

Examples
--------
>>> import numpy as np
>>> def layer(A, b, x):
...     return A @ x + b          # forgot the nonlinearity
>>> print(check_layer_forward(layer))
Not yet: layer, case 1 of 3: sigma is missing: you return z = Ax + b; apply np.tanh to it.
>>> print(check_layer_forward(lambda A, b, x: np.tanh(A @ x + b)))
Correct: <lambda> gives the reference result on all 3 test cases.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import Feedback, check_function

__all__ = ["check_layer_forward", "layer_forward_reference"]


def layer_forward_reference(A: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """One feedforward layer y = tanh(Ax + b) (slide 6).

    Parameters
    ----------
    A : numpy.ndarray, shape (M, N)
    b : numpy.ndarray, shape (M,)
    x : numpy.ndarray, shape (N,)

    Returns
    -------
    numpy.ndarray, shape (M,)
        ``y_i = tanh(sum_j A_ij x_j + b_i)``.
    """
    return np.tanh(np.einsum("ij,j->i", A, x) + b)


def _cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(6)
    # Non-square A so that a transposed A cannot go unnoticed; small entries so
    # tanh is not saturated and "forgot tanh" is distinguishable.
    return [
        (0.3 * rng.standard_normal((m, n)), 0.3 * rng.standard_normal(m), rng.standard_normal(n))
        for m, n in [(3, 2), (2, 4), (5, 5)]
    ]


def check_layer_forward(layer: Callable[..., object]) -> Feedback:
    """Check a learner's ``layer(A, b, x)`` computing y = tanh(Ax + b).

    Parameters
    ----------
    layer : callable
        The learner's function of ``(A, b, x)`` with A (M, N), b (M,), x (N,).

    Returns
    -------
    Feedback
        What is wrong (missing tanh, missing bias, transposed A, wrong shape),
        or confirmation.
    """
    mistakes = {
        "sigma is missing: you return z = Ax + b; apply np.tanh to it": lambda A, b, x: A @ x + b,
        "the bias is missing: you return tanh(Ax); add b before the nonlinearity": lambda A, b, x: (
            np.tanh(A @ x)
        ),
        "the bias is added after the nonlinearity: use tanh(Ax + b), not tanh(Ax) + b": lambda A, b, x: (
            np.tanh(A @ x) + b
        ),
    }
    name = getattr(layer, "__name__", "layer")
    feedback = check_function(
        layer, layer_forward_reference, _cases(), name=name, mistakes=mistakes
    )
    if not feedback and "raised ValueError" in feedback.messages[0]:
        feedback.messages.append(
            "A has shape (M, N) and x has shape (N,): the product A @ x needs the inner "
            "dimensions to match (slide 7). Did you use A.T or x @ A?"
        )
    return feedback
