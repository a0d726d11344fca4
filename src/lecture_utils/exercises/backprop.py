"""Checkers of the backpropagation chapter: the homework's stable logsumexp and
softmax, the affine layer's backward pass and a two-layer network by hand."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..feedback import Feedback, Kind
from ..special import logsumexp, softmax
from . import _check, _with_note

__all__ = [
    "check_affine_backward", "check_logsumexp", "check_softmax",
    "check_two_layer_backprop",
]  # fmt: skip

_CASES = [
    (np.array([0.5, -1.0, 2.0, 0.0]),),
    (np.array([1000.0, 1001.0, 1002.0]),),  # exp overflows
    (np.array([-1000.0, -1001.0]),),  # exp underflows to 0
    (np.array([-800.0, 0.0, 800.0]),),
]
_SHIFT = (
    "Shift by a = max(x) before exponentiating: exp(x - a) cannot overflow, and its "
    "largest term is exp(0) = 1, so the sum cannot underflow to 0."
)
_LSE_MISTAKES = {
    "the result misses the shift: a + log Σ exp(x_i - a), with a = max(x).": lambda x: (
        np.log(np.sum(np.exp(x - np.max(x))))
    ),
}
_NORM_MISTAKES = {
    "the result is not normalised: divide by the sum of the exponentials.": lambda x: (
        np.exp(x - np.max(x))
    ),
}


def check_logsumexp(function: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``function(x) -> log(Σ_i exp(x_i))`` for 1-D ``x``, including
    ``[1000, 1001, 1002]`` and ``[-1000, -1001]``; names a missing ``+ a``."""
    feedback = _check(
        function, logsumexp, _CASES, _LSE_MISTAKES, time_limit, rtol=1e-12, atol=1e-12
    )
    return _with_note(feedback, _SHIFT, feedback.kind is Kind.NON_FINITE)


def check_softmax(function: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``function(x) -> exp(x) / Σ_j exp(x_j)`` on the cases of
    :func:`check_logsumexp`; names a missing normalisation."""
    feedback = _check(
        function, softmax, _CASES, _NORM_MISTAKES, time_limit, rtol=1e-10, atol=1e-300
    )
    return _with_note(feedback, _SHIFT, feedback.kind is Kind.NON_FINITE)


def _affine(d_out, x, W, b, d_b=np.sum, square_d_x=False) -> tuple:
    """The gradients (d_x, d_W, d_b), or a mistake in d_b or (for square W) d_x."""
    d_x = d_out @ W.T
    if square_d_x:
        d_x = d_out @ W if len(W) == W.shape[1] else None
    return d_x, x.T @ d_out, d_b(d_out, axis=0)


_AFFINE_MISTAKES = {
    "d_W is d_out.T @ x, the transpose: d_W[d, h] = Σ_n x[n, d] d_out[n, h] is "
    "x.T @ d_out.": lambda d, x, W, b: (d @ W.T, d.T @ x, d.sum(axis=0)),
    "d_b is the mean of d_out over the batch; b is used by every example, so its "
    "gradient is the sum, d_out.sum(axis=0).": lambda *a: _affine(*a, d_b=np.mean),
    "d_x is d_out @ W; with W of shape [D, H] it is d_out @ W.T.": lambda *a: _affine(
        *a, square_d_x=True
    ),
    "the gradients come in another order; return (d_x, d_W, d_b), the order of the "
    "forward arguments.": lambda *a: _affine(*a)[::-1],
}


def check_affine_backward(function: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``function(d_out, (x, W, b)) -> (d_x, d_W, d_b)`` with ``x [N, D]``,
    ``W [D, H]``, ``b [H]``, ``d_out [N, H]``; in case 3 ``N = D = H``, where a
    transpose keeps the shape."""
    rng = np.random.default_rng(2017)
    sizes = [(4, 3, 2), (5, 2, 6), (3, 3, 3)]
    shapes = [((N, H), (N, D), (D, H), H) for N, D, H in sizes]
    cases = [tuple(rng.normal(size=s) for s in case) for case in shapes]
    feedback = _check(
        lambda d, x, W, b: function(d, (x, W, b)),
        _affine,
        cases,
        _AFFINE_MISTAKES,
        time_limit,
        name=getattr(function, "__name__", None),
        output_names=("d_x", "d_W", "d_b"),
    )
    note = "Shapes: d_out [N, H], x [N, D], W [D, H]; d_x [N, D], d_W [D, H]."
    return _with_note(feedback, note, feedback.kind is Kind.EXCEPTION)


def _two_layer(x, y, A0, b0, A1, b1, tanh_prime=None, batch_mean=True) -> tuple:
    """Gradients of ``L = 1/(2B) Σ_n ‖y_n − A1 tanh(A0 x_n + b0) − b1‖²``."""
    z = x @ A0.T + b0
    f = np.tanh(z)
    G = (f @ A1.T + b1 - y) / (len(x) if batch_mean else 1)  # ∂L/∂(output)
    delta = (G @ A1) * (1 - f**2 if tanh_prime is None else tanh_prime(z))
    return delta.T @ x, delta.sum(axis=0), G.T @ f, G.sum(axis=0)


_TWO_LAYER_MISTAKES = {
    "δ misses the factor (1 − f²): tanh'(z) = 1 − tanh²(z) = 1 − f², with f the "
    "hidden layer's output.": lambda *a: _two_layer(*a, tanh_prime=np.ones_like),
    "the factor is 1 − z²; tanh'(z) = 1 − tanh²(z) = 1 − f², with "
    "f = tanh(z).": lambda *a: _two_layer(*a, tanh_prime=lambda z: 1 - z**2),
    "every gradient is B times too large: the loss is a mean over the batch, so "
    "G = (f − y)/B.": lambda *a: _two_layer(*a, batch_mean=False),
}


def check_two_layer_backprop(
    function: Callable, *, time_limit: float = 10.0
) -> Feedback:
    """Check ``function(x, y, A0, b0, A1, b1) -> (dA0, db0, dA1, db1)`` for the
    network ``f = A1 tanh(A0 x + b0) + b1`` on rows ``x [B, n0]``, ``y [B, n2]``,
    ``A0 [n1, n0]``, ``A1 [n2, n1]`` and the loss ``L = 1/(2B) Σ_n ‖y_n − f_n‖²``.
    """
    rng = np.random.default_rng(34)
    sizes = [(5, 3, 4, 2), (1, 2, 3, 1), (3, 3, 3, 3)]
    shapes = [((B, n0), (B, n2), (n1, n0), n1, (n2, n1), n2) for B, n0, n1, n2 in sizes]
    cases = [tuple(rng.normal(size=s) for s in case) for case in shapes]
    names = ("dA0", "db0", "dA1", "db1")
    feedback = _check(
        function, _two_layer, cases, _TWO_LAYER_MISTAKES, time_limit, output_names=names
    )
    note = "Shapes: x [B, n0], f = tanh(x A0ᵀ + b0) [B, n1], G and y [B, n2]."
    return _with_note(feedback, note, feedback.kind is Kind.EXCEPTION)
