"""Speed and accuracy of polynomial least-squares solvers (not run by the tests).

Usage::

    python benchmarks/bench_regression.py

For each problem size, times (best of 5 repeats) ``fit_mle`` (scaled Householder QR
plus refinement), plain QR, ``numpy.linalg.lstsq`` (SVD) and the naive normal
equations with an explicit inverse, and reports the relative error of the fitted
curve on a 201-point grid of [-5, 5] against the 60-digit mpmath reference (only
for the small degree-16 problems, where the reference is cheap).
"""

from __future__ import annotations

import timeit

import numpy as np
from scipy.linalg import solve_triangular

from lecture_utils import regression as reg


def plain_qr(Phi: np.ndarray, y: np.ndarray) -> np.ndarray:
    Q, R = np.linalg.qr(Phi)
    return solve_triangular(R, Q.T @ y)


def svd_lstsq(Phi: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(Phi, y, rcond=None)[0]


def naive_inv(Phi: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.inv(Phi.T @ Phi) @ Phi.T @ y


SOLVERS = {"fit_mle": reg.fit_mle, "plain QR": plain_qr, "np.lstsq": svd_lstsq,
           "naive inv": naive_inv}


def main() -> None:
    grid = np.linspace(-5, 5, 201)
    print(f"{'N':>7} {'deg':>4} {'solver':>10} {'time [us]':>12} {'curve rel. err':>15}")
    for n, degree, with_ref in [(20, 16, True), (30, 16, True), (1000, 16, False),
                                (100_000, 5, False)]:
        x, y = reg.make_lecture_data(n)
        Phi = reg.polynomial_features(x, degree)
        f_ref = None
        if with_ref:
            _, f_ref = reg.lstsq_reference_mpmath(x, y, degree, x_eval=grid)
        G = reg.polynomial_features(grid, degree)
        for name, solver in SOLVERS.items():
            number = 20 if n <= 1000 else 2
            runs = timeit.repeat(lambda s=solver, P=Phi, t=y: s(P, t), number=number, repeat=5)
            t = min(runs) / number
            err = "-"
            if f_ref is not None:
                f = G @ solver(Phi, y)
                err = f"{np.max(np.abs(f - f_ref)) / np.max(np.abs(f_ref)):.1e}"
            print(f"{n:>7} {degree:>4} {name:>10} {t * 1e6:>12.1f} {err:>15}")


if __name__ == "__main__":
    main()
