"""Benchmark: the gradient of a [10, 64, 64, 1] tanh network, backprop vs autograd.

Times one evaluation of the loss ``1/(2B) Σ_n ‖y_n − f(x_n)‖²`` and of all
its parameter gradients:

* ``ours``: :func:`lecture_utils.mlp.mlp_loss_and_gradients` (the
  hand-written backward loop, input validation included);
* ``autograd``: ``autograd.value_and_grad`` of the same loss written with
  ``autograd.numpy``.

Both compute the same numbers (checked before timing). They are timed in
alternation, so that a change in the machine's load affects both; each time
is the minimum over the repeats. Goal: ``autograd/ours >= 1`` at batch
sizes 1, 100 and 10 000.

Run: ``python benchmarks/bench_mlp.py``.
"""

from __future__ import annotations

import timeit

import autograd
import autograd.numpy as anp
import numpy as np

from lecture_utils.mlp import init_mlp, mlp_loss_and_gradients

SIZES = [10, 64, 64, 1]
BATCHES = [1, 100, 10_000]
REPEAT = 15


def autograd_loss(params: list, x: np.ndarray, y: np.ndarray) -> float:
    """The same network and loss in ``autograd.numpy``."""
    f = x
    for i, (A, b) in enumerate(params):
        f = anp.dot(f, A.T) + b
        if i < len(params) - 1:
            f = anp.tanh(f)
    return 0.5 * anp.sum((f - y) ** 2) / x.shape[0]


def main() -> None:
    rng = np.random.default_rng(0)
    net = init_mlp(SIZES, rng=rng)
    params = list(zip(net.weights, net.biases, strict=True))
    value_and_grad = autograd.value_and_grad(autograd_loss)
    print(f"{'batch':>7} {'ours [ms]':>10} {'autograd [ms]':>14} {'autograd/ours':>14}")
    for n in BATCHES:
        x, y = rng.normal(size=(n, SIZES[0])), rng.normal(size=(n, SIZES[-1]))
        value, grads = value_and_grad(params, x, y)
        loss, my_grads = mlp_loss_and_gradients(net, x, y)
        assert np.isclose(value, loss, rtol=1e-12)
        for (dA, db), (gA, gb) in zip(my_grads, grads, strict=True):
            np.testing.assert_allclose(dA, gA, rtol=1e-10, atol=1e-14)
            np.testing.assert_allclose(db, gb, rtol=1e-10, atol=1e-14)
        number = max(1, 2_000 // n)
        t_ours, t_autograd = np.inf, np.inf
        for _ in range(REPEAT):
            t = timeit.timeit(lambda x=x, y=y: mlp_loss_and_gradients(net, x, y),
                              number=number)
            t_ours = min(t_ours, t / number)
            t = timeit.timeit(lambda x=x, y=y: value_and_grad(params, x, y),
                              number=number)
            t_autograd = min(t_autograd, t / number)
        print(f"{n:>7} {t_ours * 1e3:>10.4f} {t_autograd * 1e3:>14.4f} "
              f"{t_autograd / t_ours:>14.2f}")


if __name__ == "__main__":
    main()
