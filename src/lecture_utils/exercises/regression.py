"""Checkers of the overfitting chapter (slides 36-37): the design matrix with the
columns ``1, x, ..., x^M`` and the MAP estimate under ``theta ~ N(0, prior_var I)``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import regression
from ..feedback import Feedback, Kind
from . import _check, _with_note

__all__ = ["check_design_matrix", "check_map_estimate"]


def _powers(x: np.ndarray, first: int, last: int) -> np.ndarray:
    """Columns x^first, ..., x^last (none when last < first)."""
    return np.asarray(x, dtype=float)[:, None] ** np.arange(first, last + 1)


_DESIGN_MISTAKES = {
    "the columns are in decreasing order x^M, ..., 1 (np.vander's default). The "
    "lecture's order is 1, x, ..., x^M: pass "
    "increasing=True.": lambda x, m: _powers(x, 0, m)[:, ::-1],
    "the column of ones is missing: degree M has the M + 1 columns 1, x, ..., "
    "x^M; the ones carry the offset theta_0.": lambda x, m: _powers(x, 1, m),
    "the last power is missing: degree M needs x^0, ..., x^M, i.e. "
    "range(degree + 1).": lambda x, m: _powers(x, 0, m - 1),
    "one power too many: degree M has the M + 1 columns x^0, ..., x^M.": lambda x, m: (
        _powers(x, 0, m + 1)
    ),
    "column k is k * x; it should be x to the power k (x ** k).": lambda x, m: (
        np.asarray(x, dtype=float)[:, None] * np.arange(m + 1)
    ),
}


def check_design_matrix(function: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``function(x, degree) -> Phi``, ``Phi[i, k] = x_i^k``, shape (N, M + 1),
    for the degrees 3, 1, 5 and 0."""
    x = np.array([-4.5, -2.0, -0.5, 0.0, 1.5, 3.0, 5.0])
    cases = [(x, 3), (x, 1), (x[:4], 5), (x, 0)]
    reference, name = regression.polynomial_features, "design_matrix"
    return _check(
        function, reference, cases, _DESIGN_MISTAKES, time_limit, name=name, rtol=1e-9
    )


def _ridge(lam_of: Callable[[float, float], float], penalise_bias: bool = True):
    """A MAP estimate with a wrong ridge strength (solved stably; never raises)."""

    def wrong(Phi: np.ndarray, y: np.ndarray, nv: float, pv: float) -> np.ndarray:
        penalty = np.sqrt(lam_of(nv, pv)) * np.eye(Phi.shape[1])
        if not penalise_bias:
            penalty[0, 0] = 0.0
        A = np.vstack([Phi, penalty])
        b = np.concatenate([y, np.zeros(Phi.shape[1])])
        return np.linalg.lstsq(A, b, rcond=None)[0]

    return wrong


def _map(Phi: np.ndarray, y: np.ndarray, nv: float, pv: float) -> np.ndarray:
    return regression.fit_map(Phi, y, noise_var=nv, prior_var=pv)


_MAP_MISTAKES = {
    "this is the MAP estimate for lam = prior_var / noise_var: upside down. "
    "Multiply the negative log-posterior by 2 noise_var: lam = noise_var / "
    "prior_var.": _ridge(lambda nv, pv: pv / nv),
    "this is the MAP estimate for lam = sqrt(noise_var / prior_var), a ratio "
    "of standard deviations; both arguments are variances "
    "already.": _ridge(lambda nv, pv: np.sqrt(nv / pv)),
    "this is the MAP estimate for lam = 2 noise_var / prior_var: both terms "
    "of the log-posterior carry the same 1/2.": _ridge(lambda nv, pv: 2 * nv / pv),
    "this is the MAP estimate for lam = noise_var / (2 prior_var): both terms "
    "of the log-posterior carry the same 1/2.": _ridge(lambda nv, pv: nv / pv / 2),
    "this is the maximum likelihood estimate: the prior is missing. Add lam I, "
    "lam = noise_var / prior_var, to Phi^T Phi (or stack sqrt(lam) I under "
    "Phi).": lambda Phi, y, nv, pv: np.linalg.lstsq(Phi, y, rcond=None)[0],
    "theta_0 is left out of the penalty, a common variant of ridge regression; "
    "the lecture's prior N(0, prior_var I) covers every "
    "coefficient.": _ridge(lambda nv, pv: nv / pv, penalise_bias=False),
}
_UNDER = (
    "Case 3 has fewer points than parameters: Phi^T Phi is singular there, "
    "Phi^T Phi + lam I is not. Is lam missing?"
)


def check_map_estimate(function: Callable, *, time_limit: float = 10.0) -> Feedback:
    """Check ``function(Phi, y, noise_var, prior_var) -> theta_MAP``, shape (D,),
    minimising ``||y - Phi theta||^2 / (2 noise_var) + ||theta||^2 / (2 prior_var)``;
    case 3 has fewer points than parameters."""
    rng = np.random.default_rng(0)
    x, y = regression.make_lecture_data(12, rng=1)
    Phi = regression.polynomial_features(x, 3, scale=5.0)
    cases = [
        (Phi, y, 0.25, 4.0),
        (rng.standard_normal((6, 3)), rng.standard_normal(6), 2.0, 0.5),
        (Phi[:3], y[:3], 0.04, 1.0),
    ]
    feedback = _check(
        function, _map, cases, _MAP_MISTAKES, time_limit, name="map_estimate", rtol=1e-7
    )
    under = feedback.kind is Kind.EXCEPTION and feedback.case == 3
    return _with_note(feedback, _UNDER, under)
