"""Neural-network layers with hand-written backward passes (CS231n style).

Every layer is a pair of functions:

* ``*_forward(inputs...) -> (out, cache)`` computes the output and keeps in
  ``cache`` what the backward pass needs;
* ``*_backward(d_out, cache) -> grads`` takes the upstream gradient
  ``d_out = dL/d(out)`` (same shape as ``out``) and returns the gradients of
  the loss with respect to the forward inputs, **in the order of the forward
  arguments**, each with the shape of its argument.

Each backward function is a *vector-Jacobian product*: it returns
``d_out · d(out)/d(input)`` without ever forming the Jacobian tensor
``d(out)/d(input)`` (slide 34's "efficient implementation").

Batches are rows: ``x`` has shape ``[N, D]``, one example per row. The
lecture's column convention ``z = A x + b`` (``A`` is ``[H, D]``) is the same
layer with ``W = A.T``: row ``i`` of ``x @ W + b`` is ``(W.T x_i + b).T``.

Examples
--------
>>> import numpy as np
>>> from lecture_utils.layers import affine_forward, affine_backward
>>> x = np.array([[1.0, 2.0]]); W = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
>>> out, cache = affine_forward(x, W, np.zeros(3))
>>> out
array([[1., 2., 3.]])
>>> d_x, d_W, d_b = affine_backward(np.ones((1, 3)), cache)
>>> d_x, d_b
(array([[2., 2.]]), array([1., 1., 1.]))
"""

from __future__ import annotations

import numpy as np

from .special import log_softmax, softmax
from .validation import as_float_array, check_shape

__all__ = [
    "affine_backward",
    "affine_forward",
    "softmax_cross_entropy",
    "squared_error_loss",
    "tanh_backward",
    "tanh_forward",
]


# --------------------------------------------------------------------- affine
def affine_forward(
    x: object, W: object, b: object
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Affine (fully connected) layer: ``out = x @ W + b``.

    Parameters
    ----------
    x : array_like, shape [N, D]
        A batch of ``N`` inputs, one per row.
    W : array_like, shape [D, H]
        Weights; column ``h`` holds the weights of output unit ``h``.
    b : array_like, shape [H]
        Bias, one entry per output unit (broadcast over the batch).

    Returns
    -------
    out : numpy.ndarray, shape [N, H]
        Row ``i`` is ``W.T @ x[i] + b`` (the homework's ``a_i = Wᵀx_i + b``).
    cache : tuple (x, W, b)
        The float64 inputs, for :func:`affine_backward`.

    Raises
    ------
    TypeError
        If an argument is not numeric.
    ValueError
        If the shapes do not fit; the message names both shapes and the fix.

    Notes
    -----
    In the lecture's column convention ``z = A x + b`` with ``A`` of shape
    ``[H, D]``; here ``W = A.T`` and the batch is stacked as rows, so
    ``out = x @ W + b`` computes all ``N`` products at once.

    Examples
    --------
    >>> out, _ = affine_forward(np.ones((4, 3)), np.ones((3, 2)), np.array([0.0, 1.0]))
    >>> out.shape, out[0]
    ((4, 2), array([3., 4.]))
    >>> affine_forward(np.ones((4, 5)), np.ones((3, 2)), np.zeros(2))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: affine_forward: x has 5 features (shape (4, 5)) but W expects 3 (shape (3, 2))...
    """
    func = "affine_forward"
    x = as_float_array(x, func=func, name="x", ndim=2)
    W = as_float_array(W, func=func, name="W", ndim=2)
    b = as_float_array(b, func=func, name="b", ndim=1)
    _check_affine_shapes(x, W, b, func)
    return _affine_forward(x, W, b), (x, W, b)


def _check_affine_shapes(x: np.ndarray, W: np.ndarray, b: np.ndarray, func: str) -> None:
    D, H = W.shape
    if x.shape[1] != D:
        if W.shape[1] == x.shape[1]:
            fix = (f"W looks transposed: it should be [D, H] = ({x.shape[1]}, {D}); "
                   "pass W.T (the lecture's A is [H, D], W = A.T)")
        elif x.shape[0] == D:
            fix = f"x looks transposed: pass x.T, one example per row, shape (N, {D})"
        else:
            fix = f"Pass x with one example per row, shape (N, {D})"
        raise ValueError(
            f"{func}: x has {x.shape[1]} features (shape {x.shape}) but W expects {D} "
            f"(shape {W.shape}). {fix}."
        )
    if b.shape[0] != H:
        raise ValueError(
            f"{func}: b has {b.shape[0]} entries (shape {b.shape}) but W has {H} output "
            f"columns (shape {W.shape}). b needs one entry per output unit, shape ({H},)."
        )


def _affine_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = x @ W
    out += b
    return out


def affine_backward(
    d_out: object, cache: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of :func:`affine_forward`.

    Parameters
    ----------
    d_out : array_like, shape [N, H]
        Upstream gradient ``dL/d(out)``.
    cache : tuple (x, W, b)
        As returned by :func:`affine_forward`.

    Returns
    -------
    d_x : numpy.ndarray, shape [N, D]
        ``d_out @ W.T``.
    d_W : numpy.ndarray, shape [D, H]
        ``x.T @ d_out``: a sum over the batch of the outer products
        ``x_i d_out_i``.
    d_b : numpy.ndarray, shape [H]
        ``d_out.sum(axis=0)``: ``b`` is used by every example, so its
        gradient sums the examples' contributions.

    Raises
    ------
    ValueError
        If ``d_out`` does not have the shape of the forward output.

    Notes
    -----
    From ``out[n, h] = sum_d x[n, d] W[d, h] + b[h]``:
    ``dL/dx[n, d] = sum_h d_out[n, h] W[d, h]``,
    ``dL/dW[d, h] = sum_n x[n, d] d_out[n, h]``,
    ``dL/db[h] = sum_n d_out[n, h]``. Each is a vector-Jacobian product; the
    Jacobian ``d(out)/dW`` (shape ``[N, H, D, H]``) is never formed.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]]); W = np.eye(2); b = np.zeros(2)
    >>> _, cache = affine_forward(x, W, b)
    >>> d_x, d_W, d_b = affine_backward(np.array([[1.0, 0.0], [0.0, 1.0]]), cache)
    >>> d_W
    array([[1., 3.],
           [2., 4.]])
    >>> d_b
    array([1., 1.])
    """
    x, W, _ = cache
    d_out = as_float_array(d_out, func="affine_backward", name="d_out", ndim=2)
    check_shape(d_out, (x.shape[0], W.shape[1]), func="affine_backward", name="d_out",
                hint="It must have the shape of the forward output [N, H]")
    return _affine_backward(d_out, x, W)


def _affine_backward(
    d_out: np.ndarray, x: np.ndarray, W: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return d_out @ W.T, x.T @ d_out, d_out.sum(axis=0)


# ----------------------------------------------------------------------- tanh
def tanh_forward(z: object) -> tuple[np.ndarray, np.ndarray]:
    """Element-wise ``tanh`` activation.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.

    Returns
    -------
    out : numpy.ndarray, same shape as ``z``
        ``tanh(z)``.
    cache : numpy.ndarray
        ``out`` itself: the derivative is ``1 - tanh(z)**2 = 1 - out**2``.

    Examples
    --------
    >>> out, cache = tanh_forward([0.0, 1.0])
    >>> out.round(4)
    array([0.    , 0.7616])
    """
    z = as_float_array(z, func="tanh_forward", name="z")
    out = np.tanh(z)
    return out, out


def tanh_backward(d_out: object, cache: np.ndarray) -> np.ndarray:
    """Backward pass of :func:`tanh_forward`.

    Parameters
    ----------
    d_out : array_like, shape of the forward output
        Upstream gradient ``dL/d(out)``.
    cache : numpy.ndarray
        ``tanh(z)`` from :func:`tanh_forward`.

    Returns
    -------
    d_z : numpy.ndarray, same shape
        ``d_out * (1 - tanh(z)**2)``.

    Notes
    -----
    The Jacobian of an element-wise function is diagonal,
    ``df/dz = diag(1 - tanh²(z))`` (slide 30); multiplying a row vector by
    a diagonal matrix is an element-wise product, so the vector-Jacobian
    product costs O(M) instead of O(M²).

    Examples
    --------
    >>> _, cache = tanh_forward([0.0, 1.0])
    >>> tanh_backward([1.0, 1.0], cache).round(4)
    array([1.    , 0.42])
    """
    d_out = as_float_array(d_out, func="tanh_backward", name="d_out")
    check_shape(d_out, cache.shape, func="tanh_backward", name="d_out",
                hint="It must have the shape of the forward output")
    return _tanh_backward(d_out, cache)


def _tanh_backward(d_out: np.ndarray, out: np.ndarray) -> np.ndarray:
    d_z = out * out
    np.subtract(1.0, d_z, out=d_z)
    d_z *= d_out
    return d_z


# --------------------------------------------------------------------- losses
def squared_error_loss(
    prediction: object, target: object, *, reduction: str = "sum"
) -> tuple[float, np.ndarray]:
    """Squared-error loss ``½ Σ ‖y_n − f_n‖²`` and its gradient.

    Parameters
    ----------
    prediction : array_like, shape [N, K] (or any shape)
        Network outputs ``f``.
    target : array_like, same shape as ``prediction``
        Observations ``y``.
    reduction : {"sum", "mean"}, default "sum"
        ``"sum"`` gives ``½ Σ_n ‖y_n − f_n‖²`` (slide 32, summed over the
        batch); ``"mean"`` divides by the batch size ``N = len(prediction)``
        so that a learning rate does not depend on ``N``.

    Returns
    -------
    loss : float
    d_prediction : numpy.ndarray, same shape as ``prediction``
        ``dL/df = f − y`` (divided by ``N`` for ``"mean"``).

    Raises
    ------
    ValueError
        If the shapes differ or ``reduction`` is unknown.

    Notes
    -----
    With Gaussian noise ``y = f(x, θ) + ε``, ``ε ~ N(0, I)``, the negative
    log-likelihood is ``½ ‖y − f‖² + const`` (slide 35): minimising this loss
    is maximum likelihood. The gradient with respect to ``f`` is the row
    vector ``−(y − f)ᵀ = (f − y)ᵀ`` (slide 32: ``∂L/∂e = eᵀ``, ``∂e/∂f = −I``).

    Examples
    --------
    >>> loss, grad = squared_error_loss([[1.0], [3.0]], [[0.0], [0.0]])
    >>> loss, grad.ravel()
    (5.0, array([1., 3.]))
    >>> squared_error_loss([[1.0], [3.0]], [[0.0], [0.0]], reduction="mean")[0]
    2.5
    """
    func = "squared_error_loss"
    f = as_float_array(prediction, func=func, name="prediction")
    y = as_float_array(target, func=func, name="target")
    if f.shape != y.shape:
        raise ValueError(
            f"{func}: prediction has shape {f.shape} but target has shape {y.shape}; they "
            "must match (reshape y to (N, 1) for a single output, e.g. y.reshape(-1, 1))"
        )
    if reduction not in ("sum", "mean"):
        raise ValueError(f"{func}: reduction must be 'sum' or 'mean', got {reduction!r}")
    return _squared_error(f, y, reduction)


def _squared_error(f: np.ndarray, y: np.ndarray, reduction: str) -> tuple[float, np.ndarray]:
    grad = f - y
    loss = 0.5 * float(np.vdot(grad, grad))
    if reduction == "mean" and f.ndim and f.shape[0]:
        loss /= f.shape[0]
        grad /= f.shape[0]
    return loss, grad


def softmax_cross_entropy(logits: object, labels: object) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of a softmax classifier and its gradient.

    Parameters
    ----------
    logits : array_like, shape [N, K]
        Unnormalised class scores, one row per example.
    labels : array_like of int, shape [N]
        The correct class of each example, in ``0 ... K-1``.

    Returns
    -------
    loss : float
        ``-(1/N) Σ_n log softmax(logits_n)[labels_n]``.
    d_logits : numpy.ndarray, shape [N, K]
        ``(softmax(logits) − onehot(labels)) / N``.

    Raises
    ------
    TypeError
        If ``labels`` are not integers.
    ValueError
        If shapes do not fit, a label is out of range, or logits are not finite.

    Notes
    -----
    The log-probabilities come from the stable
    :func:`lecture_utils.special.log_softmax` (homework problems 3 and 4),
    so logits like ``[1000, 1001, 1002]`` give a finite loss. With
    ``p = softmax(s)``, ``∂(−log p_y)/∂s_k = p_k − [k = y]``.

    Examples
    --------
    >>> loss, d = softmax_cross_entropy([[1000.0, 1001.0, 1002.0]], [2])
    >>> round(loss, 4)
    0.4076
    >>> d.round(4)
    array([[ 0.09  ,  0.2447, -0.3348]])
    """
    func = "softmax_cross_entropy"
    s = as_float_array(logits, func=func, name="logits", ndim=2)
    lab = np.asarray(labels)
    if not (np.issubdtype(lab.dtype, np.integer) or (lab.size == 0 and lab.dtype == float)):
        raise TypeError(
            f"{func}: labels must be integer class indices, got dtype {lab.dtype}; "
            "use labels.astype(int)"
        )
    lab = lab.astype(np.intp, copy=False)
    if lab.shape != (s.shape[0],):
        raise ValueError(
            f"{func}: labels must have shape ({s.shape[0]},), one per row of logits "
            f"(shape {s.shape}), got shape {lab.shape}"
        )
    K = s.shape[1]
    bad = np.flatnonzero((lab < 0) | (lab >= K))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{func}: labels[{i}] = {lab[i]} is not a class index in 0..{K - 1}")
    N = s.shape[0]
    if N == 0:
        return 0.0, np.zeros_like(s)
    rows = np.arange(N)
    loss = -float(log_softmax(s, axis=1)[rows, lab].sum()) / N
    d = softmax(s, axis=1)
    d[rows, lab] -= 1.0
    d /= N
    return loss, d
