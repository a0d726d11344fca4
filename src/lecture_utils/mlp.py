"""Multi-layer perceptrons trained by backpropagation (slides 32-35).

Slides 33-34: ``f_0 = x``, ``f_{i+1} = σ(A_i f_i + b_i)``, tanh in the hidden
layers, ``A_i`` of shape ``(n_{i+1}, n_i)``. A batch is stacked as rows,
``F_i`` of shape ``[B, n_i]``, so a layer is ``F_i A_iᵀ + b_i``. The loss is
``L = 1/(2B) Σ_n ‖y_n − f_L(x_n)‖²``. Backpropagation keeps the row vectors
``G = ∂L/∂F_{i+1}`` and, from the top layer down, computes ``δ = G ⊙ (1 − f²)``
(tanh's diagonal Jacobian), ``∂L/∂A_i = δᵀ F_i``, ``∂L/∂b_i = Σ_n δ_n`` and
``G ← δ A_i``: vector-Jacobian products. A layer's cache is ``(F_i, A_i, f, σ)``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from . import _validation as v

__all__ = [
    "MLP", "init_mlp", "mlp_backward", "mlp_forward", "mlp_loss_and_gradients",
    "train_mlp",
]  # fmt: skip

_OUTPUTS = ("linear", "tanh")


@dataclass(frozen=True)
class MLP:
    """A network ``f_{i+1} = σ(A_i f_i + b_i)``, checked on construction: weights
    ``A_i`` of shape ``(n_{i+1}, n_i)`` (outputs × inputs), biases ``b_i`` of
    shape ``(n_{i+1},)``, and the last layer's activation ``output``, "linear"
    or "tanh" (the hidden layers use tanh)."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    output: str = "linear"

    def __post_init__(self) -> None:
        v.check_choice(self.output, _OUTPUTS, "MLP", "output")
        As, bs = self.weights, self.biases
        lists = isinstance(As, list | tuple) and isinstance(bs, list | tuple)
        if not (lists and 0 < len(As) == len(bs)):
            got = f"{v.describe(As)} and {v.describe(bs)}"
            v.fail("MLP", "weights, biases", "non-empty lists of one length", got)
        As = [
            v.as_array(A, "MLP", f"weights[{i}]", ndim=2, nonempty=True)
            for i, A in enumerate(As)
        ]
        for i in range(1, len(As)):
            if As[i].shape[1] != As[i - 1].shape[0]:
                want = f"of shape (*, {As[i - 1].shape[0]}) after weights[{i - 1}]"
                v.fail("MLP", f"weights[{i}]", want, f"shape {As[i].shape}")
        bs = [
            v.as_array(b, "MLP", f"biases[{i}]", shape=(len(A),))
            for i, (A, b) in enumerate(zip(As, bs, strict=True))
        ]
        object.__setattr__(self, "weights", tuple(As))
        object.__setattr__(self, "biases", tuple(bs))

    @property
    def sizes(self) -> list[int]:
        """The widths ``[n_0, n_1, ..., n_L]``."""
        return [self.weights[0].shape[1]] + [len(A) for A in self.weights]


def init_mlp(sizes: object, *, output: str = "linear", rng: object = None) -> MLP:
    """A network of the widths ``sizes = [n_0, ..., n_L]`` (at least two, each in
    1 ... 4096) with zero biases and weights ``A_i ~ N(0, 1/n_i)``, which start
    tanh in its linear range; ``output`` is "linear" or "tanh"."""
    if not isinstance(sizes, list | tuple) or len(sizes) < 2:
        v.fail("init_mlp", "sizes", "a list of two widths or more", v.describe(sizes))
    sizes = [
        v.as_int(n, "init_mlp", f"sizes[{i}]", minimum=1, maximum=4096)
        for i, n in enumerate(sizes)
    ]
    v.check_choice(output, _OUTPUTS, "init_mlp", "output")
    rng = v.as_rng(rng, "init_mlp")
    weights = [
        rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_out, n_in))
        for n_in, n_out in itertools.pairwise(sizes)
    ]
    return MLP(weights, [np.zeros(n) for n in sizes[1:]], output)


def _check_data(net: object, x: object, y: object, func: str) -> tuple:
    """``x`` as ``[B, n_0]`` and, unless None, ``y`` as ``[B, n_L]``."""
    v.check_instance(net, MLP, func, "net", "Create one with init_mlp(sizes).")
    x = v.as_array(x, func, "x", ndim=(1, 2), nonempty=True)
    y = None if y is None else v.as_array(y, func, "y")
    for name, value, n in (("x", x, net.sizes[0]), ("y", y, net.sizes[-1])):
        if value is not None and value.shape != (len(x), n):
            want = f"of shape {(len(x), n)}, one row per example"
            fix = f"Use {name}.reshape(-1, 1)." if n == 1 else ""
            v.fail(func, name, want, f"shape {value.shape}", fix)
    return x, y


def _forward(net: MLP, x: np.ndarray) -> tuple[np.ndarray, list[tuple]]:
    """``f_{i+1} = σ(F_i A_iᵀ + b_i)`` layer by layer, keeping the caches."""
    f, caches = x, []
    for i, (A, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        z = f @ A.T + b
        activation = "tanh" if i < len(net.weights) - 1 else net.output
        out = np.tanh(z) if activation == "tanh" else z
        caches.append((f, A, out, activation))
        f = out
    return f, caches


def _backward(d_out: np.ndarray, caches: list[tuple]) -> tuple[list, np.ndarray]:
    """From ``G = ∂L/∂f_L`` down to the gradients of every ``A_i``, ``b_i``."""
    G, grads = d_out, []
    for F, A, f, activation in reversed(caches):
        delta = G * (1 - f**2) if activation == "tanh" else G  # δ = G ⊙ (1 − f²)
        grads.append((delta.T @ F, delta.sum(axis=0)))  # ∂L/∂A_i, ∂L/∂b_i
        G = delta @ A  # ∂L/∂F_i: the G of the layer below
    return grads[::-1], G


def _loss_and_gradients(net: MLP, x: np.ndarray, y: np.ndarray) -> tuple:
    f, caches = _forward(net, x)
    e = f - y
    grads, _ = _backward(e / len(x), caches)
    return 0.5 * float(np.sum(e**2)) / len(x), grads


def mlp_forward(net: MLP, x: object) -> tuple[np.ndarray, list[tuple]]:
    """The outputs ``f_L`` ``[B, n_L]`` of a batch ``x`` ``[B, n_0]``, and the
    caches ``(F_i, A_i, f_{i+1}, activation)`` of the layers for
    :func:`mlp_backward`."""
    return _forward(net, _check_data(net, x, None, "mlp_forward")[0])


def _check_caches(caches: object, func: str) -> None:
    """The caches of one call of :func:`mlp_forward`, layer after layer."""
    fix = "Pass the caches of one call of mlp_forward."
    layers = isinstance(caches, list) and caches
    if not layers or not all(
        isinstance(c, tuple)
        and len(c) == 4
        and c[3] in _OUTPUTS
        and all(isinstance(a, np.ndarray) and a.ndim == 2 for a in c[:3])
        for c in caches
    ):
        expected = "the list of caches from mlp_forward"
        v.fail(func, "caches", expected, v.describe(caches), fix, TypeError)
    B = len(caches[0][0])
    for i, (F, A, f, _) in enumerate(caches):
        want = caches[i - 1][2].shape if i else (B, A.shape[1])
        if F.shape != want or F.shape[1] != A.shape[1] or f.shape != (B, len(A)):
            expected = f"a layer from {want} to ({B}, {len(A)})"
            got = f"inputs {F.shape}, weights {A.shape} and outputs {f.shape}"
            v.fail(func, f"caches[{i}]", expected, got, fix)


def mlp_backward(d_out: object, caches: list[tuple]) -> tuple[list, np.ndarray]:
    """Backpropagate ``d_out = ∂L/∂f_L`` ``[B, n_L]`` through the network.

    Returns the list of ``(∂L/∂A_i, ∂L/∂b_i)``, shaped like ``A_i`` and ``b_i``,
    and ``∂L/∂x`` ``[B, n_0]``.
    """
    _check_caches(caches, "mlp_backward")
    d_out = v.as_array(d_out, "mlp_backward", "d_out", shape=caches[-1][2].shape)
    return _backward(d_out, caches)


def mlp_loss_and_gradients(net: MLP, x: object, y: object) -> tuple[float, list]:
    """``L = 1/(2B) Σ_n ‖y_n − f_L(x_n)‖²`` and its gradients by backpropagation.

    ``x`` and ``y`` have the shapes ``[B, n_0]`` and ``[B, n_L]``. Returns the
    loss and the list of ``(∂L/∂A_i, ∂L/∂b_i)``, shaped like ``A_i`` and ``b_i``.
    """
    return _loss_and_gradients(net, *_check_data(net, x, y, "mlp_loss_and_gradients"))


def train_mlp(
    net: MLP, x: object, y: object, *, learning_rate: float, n_steps: int
) -> tuple[MLP, np.ndarray]:
    """Full-batch gradient descent ``θ ← θ − η ∇L(θ)`` on the squared error.

    ``L`` and the data are those of :func:`mlp_loss_and_gradients`; ``net`` is
    the start (not modified), ``learning_rate`` is ``η > 0``, ``n_steps`` at most
    100 000. Returns the trained network and the losses after 0, 1, ...,
    ``n_steps`` steps, shape ``[n_steps + 1]``.
    """
    x, y = _check_data(net, x, y, "train_mlp")
    eta = v.as_scalar(learning_rate, "train_mlp", "learning_rate", positive=True)
    n_steps = v.as_int(n_steps, "train_mlp", "n_steps", minimum=0, maximum=100_000)
    losses = []
    for step in range(n_steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grads = _loss_and_gradients(net, x, y)
        if not np.isfinite(loss):
            _diverged(eta, loss, step)
        losses.append(loss)
        if step < n_steps:  # θ ← θ − η ∇L(θ)
            layers = list(zip(net.weights, net.biases, grads, strict=True))
            weights = [A - eta * dA for A, _, (dA, _) in layers]
            biases = [b - eta * db for _, b, (_, db) in layers]
            net = MLP(weights, biases, net.output)
    return net, np.array(losses)


def _diverged(eta: float, loss: float, step: int) -> None:
    """Stop: with this learning rate the loss has overflowed."""
    got = f"{eta:g}, with loss {loss} after {step} steps"
    fix = "Try a smaller one."
    v.fail("train_mlp", "learning_rate", "small enough for a finite loss", got, fix)
