"""Benchmark: our logsumexp, softmax and log_softmax against SciPy's.

For each shape the functions reduce along the last axis (the whole vector for
``(1000,)``) of normal numbers with standard deviation 10. The two
implementations are timed in alternation, so that a change in the machine's
load affects both; each time is the minimum over the repeats. The column
``ours/scipy`` is the ratio of the two (goal: at most 1 for logsumexp and
softmax at every shape).

Run: ``python benchmarks/bench_special.py``.
"""

from __future__ import annotations

import timeit

import numpy as np
import scipy.special as sps

from lecture_utils import special

SHAPES = [(1000,), (1000, 1000), (100, 100_000)]
FUNCTIONS = ["logsumexp", "softmax", "log_softmax"]
REPEAT = 15


def compare(ours, theirs, number: int) -> tuple[float, float]:
    """Minimum seconds per call of ``ours()`` and ``theirs()``, timed in turn."""
    t_ours, t_theirs = np.inf, np.inf
    for _ in range(REPEAT):
        t_ours = min(t_ours, timeit.timeit(ours, number=number) / number)
        t_theirs = min(t_theirs, timeit.timeit(theirs, number=number) / number)
    return t_ours, t_theirs


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'function':<12} {'shape':<14} {'ours [ms]':>10} {'scipy [ms]':>11} "
          f"{'ours/scipy':>11}")
    for shape in SHAPES:
        x = rng.normal(0.0, 10.0, size=shape)
        number = max(1, int(1e6 // x.size))
        for name in FUNCTIONS:
            ours, theirs = getattr(special, name), getattr(sps, name)
            np.testing.assert_allclose(ours(x, axis=-1), theirs(x, axis=-1),
                                       rtol=1e-12, atol=1e-300)
            t_ours, t_scipy = compare(lambda f=ours, x=x: f(x, axis=-1),
                                      lambda f=theirs, x=x: f(x, axis=-1), number)
            print(f"{name:<12} {shape!s:<14} {t_ours * 1e3:>10.4f} "
                  f"{t_scipy * 1e3:>11.4f} {t_ours / t_scipy:>11.2f}")


if __name__ == "__main__":
    main()
