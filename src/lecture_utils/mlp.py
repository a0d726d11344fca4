"""Single-layer Jacobians the lecture's way, and multi-layer perceptrons by backpropagation.

Two routes to the same gradients (slides 29-34):

1. **Jacobian tensors** (:func:`single_layer_jacobians`): for ``f = tanh(Ax + b)``
   form ``∂f/∂z = diag(1 − tanh²z)``, ``∂z/∂A`` (an ``M×M×N`` tensor) and chain
   them with ``np.einsum``. Clear, but the tensor has ``M²N`` entries.
2. **Backpropagation** (:func:`single_layer_vjp`, :func:`mlp_loss_and_gradients`):
   start from the loss, whose gradient is a row vector, and multiply by one
   Jacobian at a time *from the left*. Each product is a vector-Jacobian
   product (VJP) that can be written without the Jacobian: ``O(MN)`` work
   and memory per layer.

Batches and the lecture's convention
------------------------------------
The lecture writes one example as a column, ``z = A f + b`` with ``A`` of
shape ``[M, N]`` (``M`` outputs, ``N`` inputs). Here a batch is stacked as
rows, ``F`` of shape ``[B, N]``, and the same layer is ``Z = F @ A.T + b``
(row ``n`` of ``Z`` is ``(A f_n + b)ᵀ``). The parameters keep the lecture's
shapes: ``weights[i]`` is ``A_i`` of shape ``[size_{i+1}, size_i]``. The
gradient of a loss summed over the batch is then
``∂L/∂A = Gᵀ F`` (``[M, N]``), ``∂L/∂b = Σ_n G_n`` and ``∂L/∂F = G A``, with
``G = ∂L/∂Z`` of shape ``[B, M]``.

Examples
--------
>>> import numpy as np
>>> from lecture_utils.mlp import init_mlp, mlp_loss_and_gradients
>>> net = init_mlp([2, 8, 1], rng=0)
>>> x = np.zeros((5, 2)); y = np.ones((5, 1))
>>> loss, grads = mlp_loss_and_gradients(net, x, y)
>>> [g[0].shape for g in grads]
[(8, 2), (1, 8)]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .layers import _squared_error
from .validation import as_float_array, check_int, check_positive, check_shape

__all__ = [
    "MLP",
    "SingleLayerJacobians",
    "init_mlp",
    "mlp_forward",
    "mlp_loss_and_gradients",
    "single_layer_jacobians",
    "single_layer_vjp",
    "train_mlp",
]


# ---------------------------------------------------------------- one layer
@dataclass(frozen=True)
class SingleLayerJacobians:
    """All intermediate derivatives of ``f = tanh(Ax + b)`` (slides 29-31).

    Shapes follow "targets × parameters", with ``A`` of shape ``[M, N]``.

    Attributes
    ----------
    z : numpy.ndarray, shape [M]
        Pre-activation ``Ax + b``.
    f : numpy.ndarray, shape [M]
        Output ``tanh(z)``.
    dfdz : numpy.ndarray, shape [M, M]
        ``diag(1 − tanh²(z))``.
    dzdb : numpy.ndarray, shape [M, M]
        The identity ``I``.
    dfdb : numpy.ndarray, shape [M, M]
        ``einsum('il,lj', dfdz, dzdb)``.
    dzdA : numpy.ndarray, shape [M, M, N]
        ``∂z_l/∂A_jk = [l = j] x_k``: slice ``l`` is zero except row ``l``,
        which is ``xᵀ`` (slides 26-27).
    dfdA : numpy.ndarray, shape [M, M, N]
        ``einsum('il,ljk', dfdz, dzdA)``.
    """

    z: np.ndarray
    f: np.ndarray
    dfdz: np.ndarray
    dzdb: np.ndarray
    dfdb: np.ndarray
    dzdA: np.ndarray
    dfdA: np.ndarray


def _check_single_layer(A: object, b: object, x: object, func: str):
    A = as_float_array(A, func=func, name="A", ndim=2)
    M, N = A.shape
    b = as_float_array(b, func=func, name="b", ndim=1)
    x = as_float_array(x, func=func, name="x", ndim=1)
    if x.shape[0] != N:
        raise ValueError(
            f"{func}: x has {x.shape[0]} entries (shape {x.shape}) but A expects {N} "
            f"(shape {A.shape}); A must be [M, N] with N = len(x)"
        )
    if b.shape[0] != M:
        raise ValueError(
            f"{func}: b has {b.shape[0]} entries (shape {b.shape}) but A has {M} rows "
            f"(shape {A.shape}); b needs one entry per output, shape ({M},)"
        )
    return A, b, x


def single_layer_jacobians(A: object, b: object, x: object) -> SingleLayerJacobians:
    """Derivatives of ``f = tanh(Ax + b)`` as explicit Jacobians and tensors.

    This is the lecture's route (slides 29-31), kept deliberately literal:
    every Jacobian is formed and chained with ``np.einsum``.

    Parameters
    ----------
    A : array_like, shape [M, N]
        Weight matrix.
    b : array_like, shape [M]
        Bias.
    x : array_like, shape [N]
        One input (a column vector, stored flat).

    Returns
    -------
    SingleLayerJacobians
        ``z, f, dfdz, dzdb, dfdb, dzdA, dfdA`` (see the class for shapes).

    Raises
    ------
    ValueError
        If the shapes of ``A``, ``b`` and ``x`` do not fit.

    Notes
    -----
    Chain rule written as sums over the shared index ``l``:

    .. math::

        \\frac{\\partial f}{\\partial b}[i, j] = \\sum_l
            \\frac{\\partial f}{\\partial z}[i, l] \\frac{\\partial z}{\\partial b}[l, j],
        \\qquad
        \\frac{\\partial f}{\\partial A}[i, j, k] = \\sum_l
            \\frac{\\partial f}{\\partial z}[i, l] \\frac{\\partial z}{\\partial A}[l, j, k].

    Memory is ``O(M²N)`` for ``dzdA`` and ``dfdA``; compare
    :func:`single_layer_vjp`.

    Examples
    --------
    >>> J = single_layer_jacobians(np.eye(2), np.zeros(2), np.array([0.0, 1.0]))
    >>> J.dfdA.shape
    (2, 2, 2)
    >>> J.dfdb.round(3)
    array([[1.  , 0.  ],
           [0.  , 0.42]])
    """
    A, b, x = _check_single_layer(A, b, x, "single_layer_jacobians")
    M, N = A.shape
    z = A @ x + b
    f = np.tanh(z)
    dfdz = np.diag(1.0 - f**2)
    dzdb = np.eye(M)
    dfdb = np.einsum("il,lj", dfdz, dzdb, optimize=True)
    dzdA = np.zeros((M, M, N))
    dzdA[np.arange(M), np.arange(M), :] = x  # slice l: row l is x^T
    dfdA = np.einsum("il,ljk", dfdz, dzdA, optimize=True)  # BLAS, same sums
    return SingleLayerJacobians(z=z, f=f, dfdz=dfdz, dzdb=dzdb, dfdb=dfdb, dzdA=dzdA, dfdA=dfdA)


def single_layer_vjp(
    A: object, b: object, x: object, g: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vector-Jacobian products of ``f = tanh(Ax + b)``: backprop through one layer.

    Parameters
    ----------
    A : array_like, shape [M, N]
    b : array_like, shape [M]
    x : array_like, shape [N]
    g : array_like, shape [M]
        Upstream gradient ``∂L/∂f`` (a row vector, stored flat).

    Returns
    -------
    dL_dA : numpy.ndarray, shape [M, N]
        ``g · ∂f/∂A`` = ``outer(g ⊙ (1 − f²), x)``.
    dL_db : numpy.ndarray, shape [M]
        ``g · ∂f/∂b`` = ``g ⊙ (1 − f²)``.
    dL_dx : numpy.ndarray, shape [N]
        ``g · ∂f/∂x`` = ``(g ⊙ (1 − f²)) A``.

    Raises
    ------
    ValueError
        If the shapes do not fit.

    Notes
    -----
    Multiply from the left: ``δ = g ∂f/∂z = g diag(1 − f²) = g ⊙ (1 − f²)``
    (a diagonal Jacobian is an element-wise product), then
    ``δ ∂z/∂A`` has entries ``Σ_l δ_l [l = j] x_k = δ_j x_k``: an outer
    product. ``O(MN)`` work and memory, no ``M×M×N`` tensor.

    Examples
    --------
    >>> dA, db, dx = single_layer_vjp(np.eye(2), np.zeros(2), np.array([0.0, 1.0]), np.ones(2))
    >>> db.round(3)
    array([1.  , 0.42])
    >>> dA.round(3)
    array([[0.  , 1.  ],
           [0.  , 0.42]])
    """
    A, b, x = _check_single_layer(A, b, x, "single_layer_vjp")
    g = as_float_array(g, func="single_layer_vjp", name="g", ndim=1)
    check_shape(g, (A.shape[0],), func="single_layer_vjp", name="g",
                hint="g = dL/df has one entry per output of the layer")
    f = np.tanh(A @ x + b)
    delta = g * (1.0 - f**2)
    return np.outer(delta, x), delta, delta @ A


# --------------------------------------------------------------- many layers
@dataclass
class MLP:
    """A multi-layer perceptron ``f_0 = x``, ``f_i = σ_i(A_{i−1} f_{i−1} + b_{i−1})``.

    Attributes
    ----------
    weights : list of numpy.ndarray
        ``weights[i]`` is ``A_i`` of shape ``[sizes[i+1], sizes[i]]`` (lecture
        convention: outputs × inputs).
    biases : list of numpy.ndarray
        ``biases[i]`` is ``b_i`` of shape ``[sizes[i+1]]``.
    output : {"linear", "tanh"}
        Activation of the last layer; hidden layers use ``tanh``.
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    output: str = "linear"

    @property
    def sizes(self) -> list[int]:
        """Layer widths ``[D, H_1, ..., K]``."""
        return [self.weights[0].shape[1]] + [A.shape[0] for A in self.weights]

    def copy(self) -> MLP:
        """A deep copy (the arrays are copied)."""
        return MLP([A.copy() for A in self.weights], [b.copy() for b in self.biases],
                   self.output)


def init_mlp(
    sizes: Sequence[int], *, output: str = "linear", rng: object = None
) -> MLP:
    """Create an MLP with random weights ``A_i ~ N(0, 1/fan_in)`` and zero biases.

    Parameters
    ----------
    sizes : sequence of int
        ``[D, H_1, ..., H_{L-1}, K]``: input width, hidden widths, output width
        (at least two entries, all >= 1).
    output : {"linear", "tanh"}, default "linear"
        Activation of the output layer.
    rng : None, int or numpy.random.Generator
        Source of randomness (``np.random.default_rng(rng)``).

    Returns
    -------
    MLP

    Raises
    ------
    ValueError, TypeError
        For fewer than two sizes, a non-positive size or an unknown output.

    Notes
    -----
    The variance ``1/fan_in`` keeps ``Var(z) ≈ Var(f)`` from layer to layer,
    so ``tanh`` starts in its linear range rather than saturated.

    Examples
    --------
    >>> net = init_mlp([3, 5, 2], rng=0)
    >>> net.sizes, net.weights[0].shape, net.biases[1].shape
    ([3, 5, 2], (5, 3), (2,))
    """
    func = "init_mlp"
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"{func}: sizes needs at least an input and an output width, got {sizes}; "
            "e.g. [1, 16, 1]"
        )
    sizes = [check_int(s, func=func, name="sizes[i]", minimum=1) for s in sizes]
    _check_output(output, func)
    rng = np.random.default_rng(rng)
    weights = [rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_out, n_in))
               for n_in, n_out in itertools.pairwise(sizes)]
    biases = [np.zeros(n_out) for n_out in sizes[1:]]
    return MLP(weights, biases, output)


def _check_output(output: object, func: str) -> None:
    if output not in ("linear", "tanh"):
        raise ValueError(f"{func}: output must be 'linear' or 'tanh', got {output!r}")


def _check_net_input(net: MLP, x: object, func: str) -> np.ndarray:
    if not isinstance(net, MLP):
        raise TypeError(f"{func}: net must be an MLP (see init_mlp), got {type(net).__name__}")
    _check_output(net.output, func)
    x = as_float_array(x, func=func, name="x", ndim=2)
    D = net.weights[0].shape[1]
    if x.shape[1] != D:
        raise ValueError(
            f"{func}: x has {x.shape[1]} features (shape {x.shape}) but the network expects "
            f"{D} (first weight matrix A_0 has shape {net.weights[0].shape}); pass x as "
            f"[N, {D}], one example per row (x.reshape(-1, {D}) for 1-D inputs)"
        )
    return x


def _forward(net: MLP, x: np.ndarray) -> list[np.ndarray]:
    """Activations ``[f_0 = x, f_1, ..., f_L]``, each ``[N, size]``."""
    acts = [x]
    f = x
    last = len(net.weights) - 1
    for i, (A, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        z = f @ A.T  # row-batched z = A f + b
        z += b
        if i < last or net.output == "tanh":
            np.tanh(z, out=z)
        f = z
        acts.append(f)
    return acts


def mlp_forward(net: MLP, x: object) -> np.ndarray:
    """Network output ``f_L`` for a batch of inputs.

    Parameters
    ----------
    net : MLP
    x : array_like, shape [N, D]
        One input per row.

    Returns
    -------
    numpy.ndarray, shape [N, K]

    Raises
    ------
    ValueError
        If ``x`` does not have ``D = net.sizes[0]`` columns.

    Examples
    --------
    >>> net = init_mlp([1, 4, 1], rng=0)
    >>> mlp_forward(net, np.zeros((3, 1)))
    array([[0.],
           [0.],
           [0.]])
    """
    x = _check_net_input(net, x, "mlp_forward")
    return _forward(net, x)[-1]


def mlp_loss_and_gradients(
    net: MLP, x: object, y: object, *, reduction: str = "mean"
) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """Squared-error loss and its gradients by backpropagation.

    Parameters
    ----------
    net : MLP
    x : array_like, shape [N, D]
        Inputs, one per row.
    y : array_like, shape [N, K]
        Targets.
    reduction : {"mean", "sum"}, default "mean"
        ``L = (1/N) Σ_n ½‖y_n − f_L(x_n)‖²`` or the plain sum (slide 32's
        ``½‖e‖²`` summed over the batch).

    Returns
    -------
    loss : float
    grads : list of (dL/dA_i, dL/db_i)
        One pair per layer, shapes ``[sizes[i+1], sizes[i]]`` and
        ``[sizes[i+1]]``, like the parameters.

    Raises
    ------
    ValueError
        If ``x`` or ``y`` have the wrong shape.

    Notes
    -----
    Slide 34: ``∂L/∂θ_i = (∂L/∂f_L)(∂f_L/∂f_{L−1}) ⋯ (∂f_{i+1}/∂θ_i)``.
    Backpropagation evaluates this product from the left. The running row
    vector ``G = ∂L/∂f_{i+1}`` (one row per example, ``[N, size_{i+1}]``) is
    pushed back one layer at a time:

    1. through the activation: ``G ← G ⊙ (1 − f_{i+1}²)`` (``tanh``; nothing
       for a linear output), now ``G = ∂L/∂z_i``;
    2. read off the parameter gradients: ``∂L/∂A_i = Gᵀ f_i``,
       ``∂L/∂b_i = Σ_n G_n``;
    3. through the affine map: ``G ← G A_i = ∂L/∂f_i``.

    No Jacobian is formed; each step costs as much as the forward pass of
    that layer.

    Examples
    --------
    >>> net = init_mlp([1, 3, 1], rng=1)
    >>> loss, grads = mlp_loss_and_gradients(net, [[0.5], [1.0]], [[1.0], [0.0]])
    >>> round(loss, 4), grads[1][1].shape
    (0.2036, (1,))
    """
    func = "mlp_loss_and_gradients"
    x = _check_net_input(net, x, func)
    y = as_float_array(y, func=func, name="y", ndim=(1, 2))
    K = net.weights[-1].shape[0]
    if y.shape != (x.shape[0], K):
        raise ValueError(
            f"{func}: y has shape {y.shape} but the network maps x (shape {x.shape}) to "
            f"shape ({x.shape[0]}, {K}); pass y as [N, K]"
            + (" (y.reshape(-1, 1) for one output)" if K == 1 else "")
        )
    if reduction not in ("sum", "mean"):
        raise ValueError(f"{func}: reduction must be 'sum' or 'mean', got {reduction!r}")
    return _loss_and_gradients(net, x, y, reduction)


def _loss_and_gradients(net: MLP, x: np.ndarray, y: np.ndarray, reduction: str):
    acts = _forward(net, x)
    loss, G = _squared_error(acts[-1], y, reduction)  # G = dL/df_L
    L = len(net.weights)
    grads: list[tuple[np.ndarray, np.ndarray]] = [None] * L  # type: ignore[list-item]
    for i in range(L - 1, -1, -1):
        if i < L - 1 or net.output == "tanh":
            # dL/dz_i = G * (1 - f^2), computed in the buffer of f = acts[i + 1], which is
            # not needed any more (saves one [N, size] temporary per layer)
            f = acts[i + 1]
            np.multiply(f, f, out=f)
            np.subtract(1.0, f, out=f)
            G *= f
        grads[i] = (G.T @ acts[i], G.sum(axis=0))
        if i > 0:
            G = G @ net.weights[i]  # dL/df_i
    return loss, grads


def train_mlp(
    net: MLP,
    x: object,
    y: object,
    *,
    learning_rate: float = 0.1,
    n_steps: int = 1000,
    reduction: str = "mean",
) -> tuple[MLP, np.ndarray]:
    """Full-batch gradient descent ``θ ← θ − η ∂L/∂θ`` on the squared-error loss.

    Parameters
    ----------
    net : MLP
        Starting point; it is not modified.
    x : array_like, shape [N, D]
    y : array_like, shape [N, K]
    learning_rate : float, default 0.1
        Step size ``η > 0``.
    n_steps : int, default 1000
        Number of gradient steps (>= 0).
    reduction : {"mean", "sum"}, default "mean"
        See :func:`mlp_loss_and_gradients`.

    Returns
    -------
    trained : MLP
        The network after ``n_steps`` steps.
    history : numpy.ndarray, shape [n_steps + 1]
        ``history[k]`` is the loss after ``k`` steps.

    Raises
    ------
    ValueError
        For bad shapes, a non-positive learning rate, or a loss that became
        non-finite (the learning rate is too large).

    Notes
    -----
    Minimising ``½‖y − f(x, θ)‖²`` is maximum-likelihood estimation under
    the model ``y = f(x, θ) + ε``, ``ε ~ N(0, I)`` (slide 35), and like any
    MLE it can overfit.

    Examples
    --------
    >>> x = np.linspace(-1, 1, 20).reshape(-1, 1); y = np.sin(2 * x)
    >>> net, history = train_mlp(init_mlp([1, 8, 1], rng=0), x, y, n_steps=200)
    >>> bool(history[-1] < history[0] / 10)
    True
    """
    func = "train_mlp"
    eta = check_positive(learning_rate, func=func, name="learning_rate")
    n_steps = check_int(n_steps, func=func, name="n_steps", minimum=0)
    x = _check_net_input(net, x, func)
    trained = net.copy()
    loss, grads = mlp_loss_and_gradients(trained, x, y, reduction=reduction)
    y = np.asarray(y, dtype=float)
    history = np.empty(n_steps + 1)
    history[0] = loss
    for k in range(1, n_steps + 1):
        for A, b, (dA, db) in zip(trained.weights, trained.biases, grads, strict=True):
            A -= eta * dA
            b -= eta * db
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is caught below
            loss, grads = _loss_and_gradients(trained, x, y, reduction)
        if not np.isfinite(loss):
            raise ValueError(
                f"{func}: the loss became {loss} after {k} steps; the learning rate "
                f"{eta} is too large, try a smaller one"
            )
        history[k] = loss
    return trained, history
