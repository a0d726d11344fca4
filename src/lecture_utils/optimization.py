"""Gradient descent: training as following the gradient downhill (slides 6 and 9).

Training means finding parameters ``theta*`` that make a loss ``L`` small
(slide 9). Gradient descent starts somewhere and takes small steps against
the gradient, the direction in which ``L`` grows fastest::

    theta_{t+1} = theta_t - eta * grad L(theta_t)

with a learning rate ``eta > 0``. On a quadratic ``L(theta) = theta^T H theta / 2``
with largest curvature (eigenvalue of ``H``) ``lambda_max``, the iterates
converge for ``eta < 2 / lambda_max`` and diverge above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._validation import as_array, as_callable, as_int, as_scalar, describe, fail

__all__ = ["DescentResult", "gradient_descent"]


class DescentResult(NamedTuple):
    """What :func:`gradient_descent` returns.

    Attributes
    ----------
    theta : numpy.ndarray
        The last iterate, shaped like ``theta0``.
    path : numpy.ndarray, shape (T + 1, *theta0.shape)
        Every iterate, starting with ``theta0``.
    losses : numpy.ndarray, shape (T + 1,)
        The loss at every iterate.
    diverged : bool
        True when the last loss is larger than the first, or not finite. An
        overflowing loss also stops the descent early (``T < n_steps``).
    """

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

    Parameters
    ----------
    loss_and_grad : callable
        ``loss_and_grad(theta) -> (L(theta), dL/dtheta)``; the gradient has
        the shape of ``theta``.
    theta0 : array_like
        Where to start.
    learning_rate : float
        The step size ``eta > 0``.
    n_steps : int
        Number of steps, at most 1 000 000.

    Returns
    -------
    DescentResult
        The final parameters, the path of iterates and the losses along it.
        If the loss overflows (too large a learning rate), the descent stops
        there with ``diverged=True`` rather than carrying inf or nan on.

    Examples
    --------
    >>> import numpy as np
    >>> H = np.diag([1.0, 10.0])  # L = theta^T H theta / 2, lambda_max = 10
    >>> def quadratic(theta):
    ...     return 0.5 * theta @ H @ theta, H @ theta
    >>> result = gradient_descent(quadratic, [1.0, 1.0], learning_rate=0.1, n_steps=100)
    >>> bool(np.all(np.abs(result.theta) < 1e-4)), result.diverged
    (True, False)
    >>> eta = 0.21  # above 2 / lambda_max = 0.2
    >>> gradient_descent(quadratic, [1.0, 1.0], learning_rate=eta, n_steps=500).diverged
    True
    """
    func = "gradient_descent"
    as_callable(loss_and_grad, func, "loss_and_grad")
    theta = as_array(theta0, func, "theta0", nonempty=True)
    eta = as_scalar(learning_rate, func, "learning_rate", positive=True)
    n_steps = as_int(n_steps, func, "n_steps", minimum=0, maximum=1_000_000)

    def evaluate(theta: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(over="ignore", invalid="ignore"):
            result = loss_and_grad(theta)
        if not (isinstance(result, tuple) and len(result) == 2):
            fail(
                func,
                "loss_and_grad(theta)",
                "a tuple (loss, gradient)",
                describe(result),
                error=TypeError,
            )
        loss = as_scalar(result[0], func, "the loss from loss_and_grad", finite=False)
        grad = as_array(
            result[1],
            func,
            "the gradient from loss_and_grad",
            shape=theta.shape,
            finite=False,
        )
        return loss, grad

    path, losses = [theta], []
    for _ in range(n_steps):
        loss, grad = evaluate(theta)
        losses.append(loss)
        if not (np.isfinite(loss) and np.all(np.isfinite(grad))):
            break
        with np.errstate(over="ignore", invalid="ignore"):
            theta = theta - eta * grad
        path.append(theta)
    else:
        losses.append(evaluate(theta)[0])
    diverged = not losses[-1] <= losses[0]
    return DescentResult(path[-1], np.array(path), np.array(losses), diverged)
