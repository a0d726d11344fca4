"""Speed and accuracy of polynomial least-squares solvers (not run by the tests).

Usage::

    python benchmarks/bench_regression.py

For each problem, times (best of 5 repeats) ``fit_mle`` (Householder QR) on raw
monomials and on Legendre features of the data's range, ``numpy.linalg.lstsq``
(SVD) on the Legendre features, and the naive normal equations with an explicit
inverse, and reports the relative error of the fitted curve on a 401-point grid of
[-5, 5] against the 60-digit reference of ``tests/mpmath_reference.py`` (for the
small degree-16 problems, where the reference is cheap). Then the error of the
degree-16 MAP curve (``fit_map``) on the lecture data for a prior on Legendre features
and on ``(x/5)^k``.
"""

from __future__ import annotations

import pathlib
import sys
import timeit

import numpy as np

from lecture_utils import regression as reg

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
from mpmath_reference import curve_error, ridge_reference


def naive_inv(Phi: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.inv(Phi.T @ Phi) @ Phi.T @ y


def svd_lstsq(Phi: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(Phi, y, rcond=None)[0]


def main() -> None:
    grid = np.linspace(-5, 5, 401)
    print(f"{'N':>7} {'deg':>4} {'solver':>22} {'time [us]':>10} {'curve error':>12}")
    for n, degree, with_ref in [
        (20, 16, True),
        (30, 16, True),
        (1000, 16, False),
        (100_000, 5, False),
    ]:
        x, y = reg.make_lecture_data(n)
        domain = (x.min(), x.max())
        raw = [reg.polynomial_features(z, degree) for z in (x, grid)]
        leg = [reg.legendre_features(z, degree, domain=domain) for z in (x, grid)]
        cases = {
            "naive inv, monomials": (naive_inv, raw),
            "fit_mle, monomials": (reg.fit_mle, raw),
            "fit_mle, Legendre": (reg.fit_mle, leg),
            "np.lstsq, Legendre": (svd_lstsq, leg),
        }
        f_ref = ridge_reference(x, y, degree, x_eval=grid)[1] if with_ref else None
        for name, (solver, (Phi, G)) in cases.items():
            number = 20 if n <= 1000 else 2
            runs = timeit.repeat(
                lambda s=solver, P=Phi, t=y: s(P, t), number=number, repeat=5
            )
            err = "-"
            if f_ref is not None:
                err = f"{curve_error(G @ solver(Phi, y), f_ref):.1e}"
            t = min(runs) / number * 1e6
            print(f"{n:>7} {degree:>4} {name:>22} {t:>10.1f} {err:>12}")
    print(f"\nMAP, lecture data, degree 16  {'lam':>6} {'Legendre':>10} {'(x/5)^k':>9}")
    x, y = reg.make_lecture_data()
    bases = {
        "legendre": lambda z: reg.legendre_features(z, 16),
        "monomial": lambda z: reg.polynomial_features(z, 16, scale=5.0),
    }
    for lam in (1e-8, 1e-4, 0.04, 1.0):
        errs = []
        for basis, phi in bases.items():
            _, f_ref = ridge_reference(x, y, 16, basis=basis, scale=5.0, lam=lam,
                                       x_eval=grid)
            theta = reg.fit_map(phi(x), y, noise_var=lam, prior_var=1.0)
            errs.append(curve_error(phi(grid) @ theta, f_ref))
        print(f"{'':30s}{lam:>6g} {errs[0]:>10.1e} {errs[1]:>10.1e}")


if __name__ == "__main__":
    main()
