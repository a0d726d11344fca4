"""Layers with hand-written backward passes, in the style of CS231n.

Every layer is a pair of functions:

* ``*_forward(inputs) -> (out, cache)`` computes the output and keeps in
  ``cache`` what the backward pass needs;
* ``*_backward(d_out, cache)`` takes the upstream gradient
  ``d_out = dL/d(out)`` (the shape of ``out``) and returns the gradients of
  ``L`` with respect to the forward inputs, in their order and shapes.

A backward function is a vector-Jacobian product: ``d_out · d(out)/d(input)``
without the Jacobian. Batches are rows, ``x`` of shape ``[N, D]``; the
lecture's ``z = A x + b`` is the affine layer with ``W = A.T``. The losses
return ``(loss, d_f)``, ``d_f = dL/df`` the first upstream gradient, and are
means over the batch so that a learning rate does not depend on ``N``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, describe, fail
from .special import log_softmax

__all__ = ["affine_backward", "affine_forward", "softmax_cross_entropy",
           "squared_error_loss", "tanh_backward", "tanh_forward"]

_FIX_CACHE = "Pass the cache that the matching forward function returned."


def _affine_inputs(x: object, W: object, b: object, func: str, of: str = "") -> tuple:
    """x [N, D], W [D, H], b [H] as float arrays whose shapes fit."""
    x = as_array(x, func, of + "x", ndim=2)
    W = as_array(W, func, of + "W", ndim=2)
    if x.shape[1] != W.shape[0]:
        fail(func, of + "W", f"of shape ({x.shape[1]}, H) for x of shape {x.shape}",
             f"shape {W.shape}", "W is [D, H]: one row per input feature of x.")
    b = as_array(b, func, of + "b", shape=(W.shape[1],))
    return x, W, b


def affine_forward(x: object, W: object, b: object) -> tuple[np.ndarray, tuple]:
    """Affine layer ``out = x @ W + b``: row ``n`` is ``Wᵀ x_n + b``.

    Parameters
    ----------
    x : array_like, shape [N, D]
        A batch of inputs, one per row.
    W : array_like, shape [D, H]
    b : array_like, shape [H]

    Returns
    -------
    out : numpy.ndarray, shape [N, H]
    cache : tuple (x, W, b)
        For :func:`affine_backward`.
    """
    x, W, b = _affine_inputs(x, W, b, "affine_forward")
    out = x @ W + b
    return out, (x, W, b)


def affine_backward(d_out: object, cache: tuple) -> tuple[np.ndarray, ...]:
    """Backward pass of :func:`affine_forward`.

    Parameters
    ----------
    d_out : array_like, shape [N, H]
        The upstream gradient ``dL/d(out)``.
    cache : tuple (x, W, b)
        From :func:`affine_forward`.

    Returns
    -------
    d_x : numpy.ndarray, shape [N, D]
    d_W : numpy.ndarray, shape [D, H]
        A sum over the batch of the outer products ``x_n d_out_n``.
    d_b : numpy.ndarray, shape [H]
        ``b`` is used by every example: its gradient is a sum over the batch.
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
    """Element-wise ``f = tanh(z)``; the cache is ``f`` itself.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    f : numpy.ndarray, the shape of ``z``
    cache : numpy.ndarray
        ``f``, since ``tanh'(z) = 1 − tanh²(z) = 1 − f²`` (slide 13).
    """
    f = np.tanh(as_array(z, "tanh_forward", "z"))
    return f, f


def tanh_backward(d_out: object, cache: np.ndarray) -> np.ndarray:
    """Backward pass of :func:`tanh_forward`: ``δ = G ⊙ (1 − f²)``.

    Parameters
    ----------
    d_out : array_like, the shape of ``f``
        The upstream gradient ``G = dL/df``.
    cache : numpy.ndarray
        ``f = tanh(z)`` from :func:`tanh_forward`.

    Returns
    -------
    d_z : numpy.ndarray, the shape of ``f``
        ``dL/dz``. The Jacobian ``diag(1 − f²)`` (slide 30) is diagonal, so
        the product is element by element.
    """
    func = "tanh_backward"
    if not isinstance(cache, np.ndarray):
        want = "the array f = tanh(z)"
        fail(func, "cache", want, describe(cache), _FIX_CACHE, TypeError)
    f = as_array(cache, func, "cache")
    if np.any(np.abs(f) > 1):
        fail(func, "cache", "f = tanh(z), with entries in [-1, 1]",
             f"an entry {f.flat[np.argmax(np.abs(f))]:.4g}", _FIX_CACHE)
    G = as_array(d_out, func, "d_out", shape=f.shape)
    return G * (1 - f**2)


def squared_error_loss(f: object, y: object) -> tuple[float, np.ndarray]:
    """``L = 1/(2N) Σ_n ‖y_n − f_n‖²`` and ``dL/df = (f − y)/N``.

    Parameters
    ----------
    f : array_like, shape [N, K]
        Predictions, one row per example.
    y : array_like, shape [N, K]
        Targets.

    Returns
    -------
    loss : float
        Slide 32's ``½‖e‖²``, ``e = y − f``, averaged over the batch.
    d_f : numpy.ndarray, shape [N, K]
    """
    f = as_array(f, "squared_error_loss", "f", ndim=2, nonempty=True)
    y = as_array(y, "squared_error_loss", "y", shape=f.shape)
    N = f.shape[0]
    e = y - f
    return 0.5 * float(np.sum(e**2)) / N, -e / N


def softmax_cross_entropy(logits: object, labels: object) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax probabilities, and its gradient.

    Parameters
    ----------
    logits : array_like, shape [N, K]
        Class scores ``s_n``, one row per example.
    labels : array_like of int, shape [N]
        The class of each example, in ``0, ..., K − 1``.

    Returns
    -------
    loss : float
        ``−(1/N) Σ_n log softmax(s_n)[labels_n]``, from the stable
        :func:`~lecture_utils.special.log_softmax`.
    d_logits : numpy.ndarray, shape [N, K]
        ``(softmax(s) − onehot(labels)) / N``.
    """
    func = "softmax_cross_entropy"
    s = as_array(logits, func, "logits", ndim=2, nonempty=True)
    N, K = s.shape
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        fail(func, "labels", "integer class indices", describe(labels),
             "Convert with labels.astype(int).", TypeError)
    if labels.shape != (N,):
        fail(func, "labels", f"of shape ({N},), one per row of logits",
             f"shape {labels.shape}")
    if np.any((labels < 0) | (labels >= K)):
        fail(func, "labels", f"classes in 0, ..., {K - 1}",
             f"{labels[(labels < 0) | (labels >= K)][0]}")
    rows = np.arange(N)
    log_p = log_softmax(s)
    onehot = np.zeros_like(s)
    onehot[rows, labels] = 1.0
    return -float(np.sum(log_p[rows, labels])) / N, (np.exp(log_p) - onehot) / N
