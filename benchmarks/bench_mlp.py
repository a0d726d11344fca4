"""Benchmark: gradient of a [10, 64, 64, 1] tanh network, backprop vs autograd.

Times one evaluation of the loss and all parameter gradients:

* ``ours``: :func:`lecture_utils.mlp.mlp_loss_and_gradients` (hand-written
  chain of vector-Jacobian products, input validation included);
* ``autograd``: ``autograd.value_and_grad`` of the same loss written with
  ``autograd.numpy`` (skipped with a note if autograd is not installed).

Goal: ours no slower than autograd at batch sizes 1, 100 and 10 000 (ratio
``autograd/ours >= 1``). Both compute the same numbers; the script checks
that before timing.

Run: ``python benchmarks/bench_mlp.py``.
"""

from __future__ import annotations

import timeit

import numpy as np

from lecture_utils.mlp import init_mlp, mlp_loss_and_gradients

SIZES = [10, 64, 64, 1]
BATCHES = [1, 100, 10_000]
REPEAT = 9


def best(stmt, number: int) -> float:
    """Minimum time of one call over REPEAT repeats, in seconds."""
    return min(timeit.repeat(stmt, number=number, repeat=REPEAT)) / number


def main() -> None:
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:  # pragma: no cover - depends on the environment
        autograd = None
        print("autograd is not installed: timing ours only")
    rng = np.random.default_rng(0)
    net = init_mlp(SIZES, output="linear", rng=rng)
    params = list(zip(net.weights, net.biases, strict=True))

    print(f"{'batch':>7} {'ours [ms]':>10} {'autograd [ms]':>14} {'autograd/ours':>14}")
    for n in BATCHES:
        x = rng.normal(size=(n, SIZES[0]))
        y = rng.normal(size=(n, SIZES[-1]))
        number = max(1, 20_000 // n)
        ours = best(lambda x=x, y=y: mlp_loss_and_gradients(net, x, y), number)
        if autograd is None:
            print(f"{n:>7} {ours * 1e3:>10.4f} {'-':>14} {'-':>14}")
            continue

        def loss(params, x=x, y=y):
            f = x
            for i, (A, b) in enumerate(params):
                f = anp.dot(f, A.T) + b
                if i < len(params) - 1:
                    f = anp.tanh(f)
            return 0.5 * anp.sum((f - y) ** 2) / x.shape[0]

        value_and_grad = autograd.value_and_grad(loss)
        value, grads = value_and_grad(params)
        mine, my_grads = mlp_loss_and_gradients(net, x, y)
        assert np.isclose(value, mine, rtol=1e-12)
        for (dA, db), (gA, gb) in zip(my_grads, grads, strict=True):
            assert np.allclose(dA, gA, rtol=1e-10, atol=1e-14)
            assert np.allclose(db, gb, rtol=1e-10, atol=1e-14)
        theirs = best(lambda f=value_and_grad: f(params), number)
        print(f"{n:>7} {ours * 1e3:>10.4f} {theirs * 1e3:>14.4f} {theirs / ours:>14.2f}")


if __name__ == "__main__":
    main()
