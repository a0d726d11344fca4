"""Benchmark: inverse-CDF sampling against NumPy's ``Generator.choice``.

``sample_discrete(p, size)`` draws u ~ U(0, 1] and looks each u up in the
cumulative sum of p with a binary search (slide 45). ``rng.choice(K, size,
p=p)`` runs the same algorithm in C after validating p. This script checks
that the plain NumPy version of the lecture's algorithm is as fast, for a few
categories (slide 45's K = 3) and for many (K = 100 000), with 10**6 draws.

Run: ``python benchmarks/bench_sampling.py``. Times are the minimum over
repeats (``timeit``).
"""

from __future__ import annotations

import timeit

import numpy as np

from lecture_utils.sampling import sample_discrete

DRAWS = 1_000_000
REPEAT = 15


def best(stmt) -> float:
    """Minimum time of one call over REPEAT repeats, in seconds."""
    return min(timeit.repeat(stmt, number=1, repeat=REPEAT))


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"Discrete sampling, {DRAWS:,} draws (min of {REPEAT} repeats)")
    print(f"{'K':>8} {'rng.choice [ms]':>16} {'sample_discrete [ms]':>21} {'ratio':>7}")
    for k in (3, 1_000, 100_000):
        p = rng.dirichlet(np.ones(k))
        t_choice = best(lambda p=p, k=k: rng.choice(k, DRAWS, p=p))
        t_ours = best(lambda p=p: sample_discrete(p, DRAWS, rng=rng))
        print(
            f"{k:>8,} {1e3 * t_choice:>16.1f} {1e3 * t_ours:>21.1f} "
            f"{t_ours / t_choice:>7.2f}"
        )
    print("ratio = sample_discrete / rng.choice (below 1: ours is faster)")


if __name__ == "__main__":
    main()
