"""Benchmark: stable logsumexp / softmax / log_softmax against SciPy and the memory floor.

For each shape the reduction runs along the last axis (the whole vector for
``(1000,)``). Columns:

* ``ours`` and ``scipy``: time of ``lecture_utils.special.<f>`` and
  ``scipy.special.<f>`` (minimum over repeats, ``timeit``);
* ``scipy/ours``: the speed-up over SciPy (goal: > 1 at every shape);
* ``ours/floor``: our time divided by the cost of one ``np.exp`` pass plus one
  sum, ``np.exp(x).sum(axis=-1)``, which every exact method must at least
  pay (goal: <= 3).

Run: ``python benchmarks/bench_special.py``. The machine's load affects the
numbers; the ratios are measured back to back.
"""

from __future__ import annotations

import timeit

import numpy as np
import scipy.special as sps

from lecture_utils import special

SHAPES = [(1000,), (1000, 1000), (100, 100_000)]
REPEAT = 9


def best(stmt, number: int) -> float:
    """Minimum time of one call over REPEAT repeats, in seconds."""
    return min(timeit.repeat(stmt, number=number, repeat=REPEAT)) / number


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'function':<12} {'shape':<14} {'ours [ms]':>10} {'scipy [ms]':>11} "
          f"{'floor [ms]':>11} {'scipy/ours':>11} {'ours/floor':>11}")
    for shape in SHAPES:
        x = rng.normal(0.0, 10.0, size=shape)
        number = max(1, int(2e6 // x.size))
        floor = best(lambda x=x: np.exp(x).sum(axis=-1), number)
        for name in ("logsumexp", "softmax", "log_softmax"):
            ours_f = getattr(special, name)
            ref_f = getattr(sps, name)
            ours = best(lambda x=x, f=ours_f: f(x, axis=-1), number)
            ref = best(lambda x=x, f=ref_f: f(x, axis=-1), number)
            print(f"{name:<12} {shape!s:<14} {ours * 1e3:>10.4f} {ref * 1e3:>11.4f} "
                  f"{floor * 1e3:>11.4f} {ref / ours:>11.2f} {ours / floor:>11.2f}")


if __name__ == "__main__":
    main()
