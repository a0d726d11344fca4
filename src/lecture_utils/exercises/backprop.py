"""Checkers for the code exercises of the backpropagation chapter.

* :func:`check_logsumexp`, :func:`check_softmax`: the homework's stable
  ``log Σ exp`` and softmax of a 1-D array, on ordinary, overflowing and
  underflowing inputs;
* :func:`check_affine_backward`: ``(d_x, d_W, d_b)`` of the affine layer;
* :func:`check_two_layer_backprop`: the gradients of a two-layer network,
  by hand.

Each runs the learner's function through :func:`lecture_utils.feedback.check_function`
(time limit, copies of the inputs) and names the classic mistakes.

Examples
--------
>>> import numpy as np
>>> def naive(x):
...     return np.log(np.sum(np.exp(x)))
>>> check_logsumexp(naive).kind
<Kind.NON_FINITE: 'non-finite'>
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from ..feedback import Feedback, Kind, check_function
from ..special import logsumexp, softmax

__all__ = [
    "check_affine_backward",
    "check_logsumexp",
    "check_softmax",
    "check_two_layer_backprop",
]

_STABILITY_CASES = [
    (np.array([0.5, -1.0, 2.0, 0.0]),),
    (np.array([1000.0, 1001.0, 1002.0]),),  # exp overflows
    (np.array([-1000.0, -1001.0]),),  # exp underflows to 0
    (np.array([-800.0, 0.0, 800.0]),),
]
_SHIFT = (
    "Shift by a = max(x) before exponentiating: exp(x - a) cannot overflow, and its "
    "largest term is exp(0) = 1, so the sum cannot underflow to 0."
)


def _name(function: object) -> str:
    return getattr(function, "__name__", "your function")


def _with_note(feedback: Feedback, kinds: tuple[Kind, ...], note: str) -> Feedback:
    """Add ``note`` to a verdict of one of ``kinds``."""
    if feedback.kind in kinds:
        return dataclasses.replace(feedback, notes=(*feedback.notes, note))
    return feedback


def check_logsumexp(function: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``function(x) -> log(Σ_i exp(x_i))`` for 1-D arrays ``x``.

    The cases include ``[1000, 1001, 1002]`` and ``[-1000, -1001]``, where the
    direct formula overflows or underflows. Names a missing ``+ a``.
    """
    mistakes = {
        "the result misses the shift: a + log Σ exp(x_i - a), with a = max(x).":
            lambda x: np.log(np.sum(np.exp(x - np.max(x)))),
    }
    feedback = check_function(
        function, lambda x: float(logsumexp(x)), _STABILITY_CASES,
        name=_name(function), mistakes=mistakes, rtol=1e-12, atol=1e-12,
        time_limit=time_limit,
    )
    return _with_note(feedback, (Kind.NON_FINITE,), _SHIFT)


def check_softmax(function: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``function(x) -> exp(x) / Σ_j exp(x_j)`` for 1-D arrays ``x``.

    The cases are those of :func:`check_logsumexp`. Names a missing
    normalisation.
    """
    mistakes = {
        "the result is not normalised: divide by the sum of the exponentials.":
            lambda x: np.exp(x - np.max(x)),
    }
    feedback = check_function(
        function, softmax, _STABILITY_CASES, name=_name(function),
        mistakes=mistakes, rtol=1e-10, atol=1e-300, time_limit=time_limit,
    )
    return _with_note(feedback, (Kind.NON_FINITE,), _SHIFT)


def _affine_backward(d_out: np.ndarray, x: np.ndarray, W: np.ndarray) -> tuple:
    return d_out @ W.T, x.T @ d_out, d_out.sum(axis=0)


def check_affine_backward(function: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``function(d_out, cache) -> (d_x, d_W, d_b)``, ``cache = (x, W, b)``.

    Shapes ``x [N, D]``, ``W [D, H]``, ``b [H]``, ``d_out [N, H]``; one case
    has ``N = D = H``, where a transpose keeps the shape.
    """
    rng = np.random.default_rng(2017)
    cases = [
        (rng.normal(size=(N, H)), rng.normal(size=(N, D)), rng.normal(size=(D, H)),
         rng.normal(size=H))
        for N, D, H in [(4, 3, 2), (5, 2, 6), (3, 3, 3)]
    ]
    mistakes = {
        "d_W is d_out.T @ x, the transpose: d_W[d, h] = Σ_n x[n, d] d_out[n, h] is "
        "x.T @ d_out.": lambda d, x, W, b: (d @ W.T, d.T @ x, d.sum(axis=0)),
        "d_b is the mean of d_out over the batch; b is used by every example, so its "
        "gradient is the sum, d_out.sum(axis=0).":
            lambda d, x, W, b: (d @ W.T, x.T @ d, d.mean(axis=0)),
        "d_x is d_out @ W; with W of shape [D, H] it is d_out @ W.T.":  # if D = H
            lambda d, x, W, b: (d @ W if W.shape[0] == W.shape[1] else None, x.T @ d,
                                d.sum(axis=0)),
        "the gradients come in another order; return (d_x, d_W, d_b), the order of the "
        "forward arguments.": lambda d, x, W, b: _affine_backward(d, x, W)[::-1],
    }
    feedback = check_function(
        lambda d, x, W, b: function(d, (x, W, b)),
        lambda d, x, W, b: _affine_backward(d, x, W),
        cases, name=_name(function), output_names=("d_x", "d_W", "d_b"),
        mistakes=mistakes, time_limit=time_limit,
    )
    shapes = "Shapes: d_out [N, H], x [N, D], W [D, H]; d_x [N, D], d_W [D, H]."
    return _with_note(feedback, (Kind.EXCEPTION,), shapes)


def _two_layer(x, y, A0, b0, A1, b1, tanh_prime=None, batch_mean=True) -> tuple:
    """Gradients of ``L = 1/(2B) Σ_n ‖y_n − A1 tanh(A0 x_n + b0) − b1‖²``."""
    z = x @ A0.T + b0
    f = np.tanh(z)
    G = (f @ A1.T + b1 - y) / (len(x) if batch_mean else 1)  # ∂L/∂(output)
    delta = (G @ A1) * (1 - f**2 if tanh_prime is None else tanh_prime(z))
    return delta.T @ x, delta.sum(axis=0), G.T @ f, G.sum(axis=0)


def check_two_layer_backprop(
    function: Callable, *, time_limit: float = 10.0
) -> Feedback:
    """Check ``function(x, y, A0, b0, A1, b1) -> (dA0, db0, dA1, db1)``.

    The network is ``f = A1 tanh(A0 x + b0) + b1`` on a batch of rows ``x
    [B, n0]``, ``y [B, n2]``, with ``A0 [n1, n0]``, ``A1 [n2, n1]`` and the
    loss ``L = 1/(2B) Σ_n ‖y_n − f_n‖²``. Names a missing ``(1 − f²)``, the
    derivative taken at ``z`` instead of ``f`` and a missing ``1/B``.
    """
    rng = np.random.default_rng(34)
    cases = []
    for B, n0, n1, n2 in [(5, 3, 4, 2), (1, 2, 3, 1), (3, 3, 3, 3)]:
        cases.append((rng.normal(size=(B, n0)), rng.normal(size=(B, n2)),
                      rng.normal(size=(n1, n0)), rng.normal(size=n1),
                      rng.normal(size=(n2, n1)), rng.normal(size=n2)))
    mistakes = {
        "δ misses the factor (1 − f²): tanh'(z) = 1 − tanh²(z) = 1 − f², with f the "
        "hidden layer's output.":
            lambda *a: _two_layer(*a, tanh_prime=np.ones_like),
        "the factor is 1 − z²; tanh'(z) = 1 − tanh²(z) = 1 − f², with f = tanh(z).":
            lambda *a: _two_layer(*a, tanh_prime=lambda z: 1 - z**2),
        "every gradient is B times too large: the loss is a mean over the batch, so "
        "G = (f − y)/B.": lambda *a: _two_layer(*a, batch_mean=False),
    }
    feedback = check_function(
        function, _two_layer, cases, name=_name(function),
        output_names=("dA0", "db0", "dA1", "db1"), mistakes=mistakes,
        time_limit=time_limit,
    )
    shapes = "Shapes: x [B, n0], f = tanh(x A0ᵀ + b0) [B, n1], G and y [B, n2]."
    return _with_note(feedback, (Kind.EXCEPTION,), shapes)
