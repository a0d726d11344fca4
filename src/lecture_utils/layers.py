"""Layers with hand-written backward passes, in the style of CS231n.

A layer is a pair: ``*_forward(inputs) -> (out, cache)`` keeps what the backward
pass needs, and ``*_backward(d_out, cache)`` maps ``d_out = dL/d(out)`` to the
gradients of L with respect to the forward inputs, in their order and shapes: a
vector-Jacobian product, without the Jacobian. Batches are rows, ``x [N, D]``; the
lecture's ``z = A x + b`` is the affine layer with ``W = A.T``. The losses return
``(loss, dL/df)`` and are means over the batch, so that a learning rate does not
depend on ``N``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, describe, fail
from .special import log_softmax

__all__ = [
    "affine_backward", "affine_forward", "softmax_cross_entropy", "squared_error_loss",
    "tanh_backward", "tanh_forward",
]  # fmt: skip

_FIX_CACHE = "Pass the cache that the matching forward function returned."


def _affine_inputs(x: object, W: object, b: object, func: str, of: str = "") -> tuple:
    """x [N, D], W [D, H], b [H] as float arrays whose shapes fit."""
    x = as_array(x, func, of + "x", ndim=2)
    W = as_array(W, func, of + "W", ndim=2)
    if x.shape[1] != W.shape[0]:
        want = f"of shape ({x.shape[1]}, H) for x of shape {x.shape}"
        fix = "W is [D, H]: one row per input feature of x."
        fail(func, of + "W", want, f"shape {W.shape}", fix)
    b = as_array(b, func, of + "b", shape=(W.shape[1],))
    return x, W, b


def affine_forward(x: object, W: object, b: object) -> tuple[np.ndarray, tuple]:
    """Affine layer ``out = x @ W + b``: row ``n`` is ``Wᵀ x_n + b``.

    ``x`` ``[N, D]`` holds one input per row, ``W`` is ``[D, H]``, ``b`` ``[H]``;
    returns ``out`` ``[N, H]`` and the cache ``(x, W, b)``.
    """
    x, W, b = _affine_inputs(x, W, b, "affine_forward")
    out = x @ W + b
    return out, (x, W, b)


def affine_backward(d_out: object, cache: tuple) -> tuple[np.ndarray, ...]:
    """Backward pass of :func:`affine_forward`: ``d_out`` ``[N, H]`` and the cache
    ``(x, W, b)`` to ``d_x`` ``[N, D]``, ``d_W`` ``[D, H]`` and ``d_b`` ``[H]``.

    ``d_W`` sums the outer products ``x_n d_out_n`` over the batch, and ``d_b``
    sums ``d_out``: ``b`` is used by every example.
    """
    func = "affine_backward"
    if not (isinstance(cache, tuple) and len(cache) == 3):
        want = "the tuple (x, W, b)"
        fail(func, "cache", want, describe(cache), _FIX_CACHE, TypeError)
    x, W, _ = _affine_inputs(*cache, func, of="the cache's ")
    d_out = as_array(d_out, func, "d_out", shape=(x.shape[0], W.shape[1]))
    d_x = d_out @ W.T
    d_W = x.T @ d_out
    d_b = d_out.sum(axis=0)
    return d_x, d_W, d_b


def tanh_forward(z: object) -> tuple[np.ndarray, np.ndarray]:
    """Element-wise ``f = tanh(z)``, any shape; the cache is ``f`` itself, since
    ``tanh'(z) = 1 − tanh²(z) = 1 − f²`` (slide 13)."""
    f = np.tanh(as_array(z, "tanh_forward", "z"))
    return f, f


def tanh_backward(d_out: object, cache: np.ndarray) -> np.ndarray:
    """Backward pass of :func:`tanh_forward`: ``δ = G ⊙ (1 − f²)``.

    ``d_out`` is ``G = dL/df`` and ``cache`` is ``f``; returns ``dL/dz``, the
    shape of ``f``. The Jacobian ``diag(1 − f²)`` (slide 30) is diagonal, so the
    product is element by element.
    """
    func = "tanh_backward"
    if not isinstance(cache, np.ndarray):
        want = "the array f = tanh(z)"
        fail(func, "cache", want, describe(cache), _FIX_CACHE, TypeError)
    f = as_array(cache, func, "cache")
    if np.any(np.abs(f) > 1):
        got = f"an entry {f.flat[np.argmax(np.abs(f))]:.4g}"
        fail(func, "cache", "f = tanh(z), with entries in [-1, 1]", got, _FIX_CACHE)
    G = as_array(d_out, func, "d_out", shape=f.shape)
    return G * (1 - f**2)


def squared_error_loss(f: object, y: object) -> tuple[float, np.ndarray]:
    """``L = 1/(2N) Σ_n ‖y_n − f_n‖²`` and ``dL/df = (f − y)/N``.

    ``f`` (predictions) and ``y`` (targets) are ``[N, K]``, one row per example;
    the loss is slide 32's ``½‖e‖²``, ``e = y − f``, averaged over the batch.
    """
    f = as_array(f, "squared_error_loss", "f", ndim=2, nonempty=True)
    y = as_array(y, "squared_error_loss", "y", shape=f.shape)
    N = f.shape[0]
    e = y - f
    return 0.5 * float(np.sum(e**2)) / N, -e / N


def softmax_cross_entropy(logits: object, labels: object) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax probabilities, and its gradient.

    ``logits`` ``[N, K]`` are the class scores ``s_n``, one row per example, and
    ``labels`` ``[N]`` the classes, integers in ``0, ..., K − 1``. Returns the loss
    ``−(1/N) Σ_n log softmax(s_n)[labels_n]``, from the stable
    :func:`~lecture_utils.special.log_softmax`, and ``d_logits`` ``[N, K]`` =
    ``(softmax(s) − onehot(labels)) / N``.
    """
    func = "softmax_cross_entropy"
    s = as_array(logits, func, "logits", ndim=2, nonempty=True)
    N, K = s.shape
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        fix = "Convert with labels.astype(int)."
        fail(func, "labels", "integer class indices", describe(labels), fix, TypeError)
    if labels.shape != (N,):
        want = f"of shape ({N},), one per row of logits"
        fail(func, "labels", want, f"shape {labels.shape}")
    outside = (labels < 0) | (labels >= K)
    if np.any(outside):
        fail(func, "labels", f"classes in 0, ..., {K - 1}", f"{labels[outside][0]}")
    rows = np.arange(N)
    log_p = log_softmax(s)
    onehot = np.zeros_like(s)
    onehot[rows, labels] = 1.0
    return -float(np.sum(log_p[rows, labels])) / N, (np.exp(log_p) - onehot) / N
