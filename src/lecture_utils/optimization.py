"""Gradient descent: training as following the gradient downhill (slides 6 and 9).

Training minimises a loss L (slide 9) by steps against the gradient,
``theta <- theta - eta * grad L(theta)``. On ``L = theta^T H theta / 2`` a step
multiplies each eigen-component of ``theta`` by ``1 - eta * lambda_i``: the
iterates converge for ``eta < 2 / lambda_max`` and diverge above.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._validation import as_array, as_callable, as_int, as_scalar, describe, fail

__all__ = ["DescentResult", "gradient_descent"]


class DescentResult(NamedTuple):
    """The last iterate ``theta``, the ``path`` of every iterate from ``theta0``,
    shape (T + 1, *theta0.shape), the ``losses`` (T + 1,) at each, and whether it
    ``diverged``: the last loss exceeds the first or is not finite (an overflow
    stops the descent early)."""

    theta: np.ndarray
    path: np.ndarray
    losses: np.ndarray
    diverged: bool


def gradient_descent(
    loss_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    theta0: object,
    *,
    learning_rate: float,
    n_steps: int,
) -> DescentResult:
    """Minimise a loss by ``n_steps`` steps ``theta <- theta - eta * grad L(theta)``.

    ``loss_and_grad(theta)`` returns ``(L(theta), dL/dtheta)``, the gradient
    shaped like ``theta``; ``theta0`` (any shape) is the start, ``learning_rate``
    the step size ``eta > 0`` and ``n_steps`` the number T of steps, at most
    1,000,000 (and T * theta0.size <= 10**7). Returns a :class:`DescentResult`.
    """
    func = "gradient_descent"
    as_callable(loss_and_grad, func, "loss_and_grad")
    theta = as_array(theta0, func, "theta0", nonempty=True)
    eta = as_scalar(learning_rate, func, "learning_rate", positive=True)
    n_steps = as_int(n_steps, func, "n_steps", minimum=0, maximum=1_000_000)
    if (n_steps + 1) * theta.size > 10_000_000:
        got, fix = f"{n_steps:,} * {theta.size:,}", "The path keeps every iterate."
        fail(func, "n_steps * theta0.size", "at most 10,000,000", got, fix)

    def evaluate(theta: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(over="ignore", invalid="ignore"):
            result = loss_and_grad(theta)
        if not (isinstance(result, tuple) and len(result) == 2):
            want, got = "a tuple (loss, gradient)", describe(result)
            fail(func, "loss_and_grad(theta)", want, got, error=TypeError)
        loss = as_scalar(result[0], func, "the loss from loss_and_grad", finite=False)
        name = "the gradient from loss_and_grad"
        grad = as_array(result[1], func, name, shape=theta.shape, finite=False)
        return loss, grad

    path, losses = [theta], []
    for _ in range(n_steps):
        loss, grad = evaluate(theta)
        losses.append(loss)
        if not (np.isfinite(loss) and np.all(np.isfinite(grad))):
            break  # overflow: stop rather than carry inf or nan on
        with np.errstate(over="ignore", invalid="ignore"):
            theta = theta - eta * grad
        path.append(theta)
    else:
        losses.append(evaluate(theta)[0])
    diverged = not losses[-1] <= losses[0]
    return DescentResult(path[-1], np.array(path), np.array(losses), diverged)
