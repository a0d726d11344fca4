"""Checkers for the code exercises of the curve-fitting chapter.

* :func:`check_design_matrix`: the learner writes ``design_matrix(x, degree)``
  returning ``Phi`` with columns ``1, x, ..., x^M`` (slide 36);
* :func:`check_map_estimate`: the learner writes
  ``map_estimate(Phi, y, noise_var, prior_var)`` returning the MAP parameters
  under the prior ``theta ~ N(0, prior_var I)`` and noise ``N(0, noise_var)``.

Both compare with :mod:`lecture_utils.regression` and name the usual slips:
reversed column order (NumPy's ``np.vander`` default), a missing constant
column, one power too few or too many; the ridge strength upside down, built
from standard deviations, off by a factor of 2, or the prior left out.

Examples
--------
>>> import numpy as np
>>> def design_matrix(x, degree):
...     return np.vander(x, degree + 1)          # decreasing powers
>>> print(check_design_matrix(design_matrix))
Not yet: design_matrix, case 1 of 4: the columns are in decreasing order x^M, ..., x, 1
(np.vander's default). The lecture's order is 1, x, ..., x^M: use
np.vander(x, degree + 1, increasing=True).
>>> def design_matrix(x, degree):
...     return np.vander(x, degree + 1, increasing=True)
>>> print(check_design_matrix(design_matrix))
Correct: design_matrix gives the reference result on all 4 test cases.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import regression
from . import Feedback, check_function

__all__ = ["check_design_matrix", "check_map_estimate"]


def _design_cases() -> list[tuple[np.ndarray, int]]:
    x = np.array([-4.5, -2.0, -0.5, 0.0, 1.5, 3.0, 5.0])
    return [(x, 3), (x, 1), (x[:4], 5), (x, 0)]


def _powers(x: np.ndarray, first: int, last: int) -> np.ndarray:
    return np.stack([x**k for k in range(first, last + 1)], axis=1) if last >= first else (
        np.zeros((x.size, 0)))


def check_design_matrix(function: Callable[[np.ndarray, int], object]) -> Feedback:
    """Check a learner's ``design_matrix(x, degree)`` against :func:`polynomial_features`.

    Parameters
    ----------
    function : callable
        ``function(x, degree)`` with ``x`` of shape (N,) and an int degree M,
        returning ``Phi`` of shape (N, M + 1), ``Phi[i, k] = x_i ** k``.

    Returns
    -------
    Feedback
        Passed if every test case (degrees 0, 1, 3 and 5) matches; otherwise
        the first failing case with the most likely mistake: decreasing column
        order, missing column of ones, one power too few or too many, or the
        general diagnosis of :func:`lecture_utils.exercises.diagnose_array`
        (transposed, wrong factor, worst entry).
    """
    mistakes = {
        "the columns are in decreasing order x^M, ..., x, 1 (np.vander's default). The "
        "lecture's order is 1, x, ..., x^M: use np.vander(x, degree + 1, increasing=True)":
            lambda x, m: _powers(x, 0, m)[:, ::-1],
        "the column of ones is missing: Phi should have the degree + 1 columns 1, x, ..., "
        "x^M (the constant column carries theta_0, the offset)":
            lambda x, m: _powers(x, 1, m),
        "the last power is missing: degree M needs the M + 1 powers x^0 ... x^M; use "
        "range(degree + 1), not range(degree)":
            lambda x, m: _powers(x, 0, m - 1),
        "one power too many: degree M has the M + 1 columns x^0 ... x^M":
            lambda x, m: _powers(x, 0, m + 1),
    }
    return check_function(function, regression.polynomial_features, _design_cases(),
                          name="design_matrix", mistakes=mistakes, rtol=1e-9)


def _map_cases() -> list[tuple[np.ndarray, np.ndarray, float, float]]:
    rng = np.random.default_rng(0)
    x, y = regression.make_lecture_data(12, rng=1)
    Phi = regression.polynomial_features(x, 3, scale=5.0)
    Phi_small = rng.standard_normal((6, 3))
    y_small = rng.standard_normal(6)
    return [
        (Phi, y, 0.25, 4.0),
        (Phi_small, y_small, 2.0, 0.5),
        (Phi[:3], y[:3], 0.04, 1.0),  # fewer points than parameters: only MAP is defined
    ]


def check_map_estimate(
    function: Callable[[np.ndarray, np.ndarray, float, float], object],
) -> Feedback:
    """Check a learner's ``map_estimate(Phi, y, noise_var, prior_var)``.

    Parameters
    ----------
    function : callable
        ``function(Phi, y, noise_var, prior_var)`` (positional arguments) with
        ``Phi`` of shape (N, D), ``y`` of shape (N,) and the two variances,
        returning ``theta_MAP`` of shape (D,): the minimiser of
        ``||y - Phi theta||^2 / (2 noise_var) + ||theta||^2 / (2 prior_var)``.

    Returns
    -------
    Feedback
        Passed if every test case matches :func:`lecture_utils.regression.fit_map`.
        Otherwise the first failing case, with a diagnosis when the answer is
        the MAP estimate for a wrong ridge strength (``prior_var / noise_var``
        instead of ``noise_var / prior_var``, a ratio of standard deviations,
        a factor of 2), the MLE (the prior is missing), or a prior that leaves
        ``theta_0`` out.

    Examples
    --------
    >>> import numpy as np
    >>> def map_estimate(Phi, y, noise_var, prior_var):
    ...     lam = prior_var / noise_var
    ...     return np.linalg.solve(Phi.T @ Phi + lam * np.eye(Phi.shape[1]), Phi.T @ y)
    >>> print(check_map_estimate(map_estimate))
    Not yet: map_estimate, case 1 of 3: this is the MAP estimate for
    lam = prior_var / noise_var; the ridge strength is upside down. The negative
    log-posterior is ||y - Phi theta||^2 / (2 noise_var) + ||theta||^2 / (2 prior_var);
    multiply by 2 noise_var: lam = noise_var / prior_var.
    """
    cases = _map_cases()

    def reference(Phi: np.ndarray, y: np.ndarray, nv: float, pv: float) -> np.ndarray:
        return regression.fit_map(Phi, y, noise_var=nv, prior_var=pv)

    def ridge(lam_of: Callable[[float, float], float], penalise_bias: bool = True):
        def wrong(Phi: np.ndarray, y: np.ndarray, nv: float, pv: float) -> np.ndarray:
            penalty = lam_of(nv, pv) * np.eye(Phi.shape[1])
            if not penalise_bias:
                penalty[0, 0] = 0.0
            return np.linalg.solve(Phi.T @ Phi + penalty, Phi.T @ y)
        return wrong

    def mle(Phi: np.ndarray, y: np.ndarray, nv: float, pv: float) -> np.ndarray:
        return np.linalg.lstsq(Phi, y, rcond=None)[0]

    mistakes = {
        "this is the MAP estimate for lam = prior_var / noise_var; the ridge strength is "
        "upside down. The negative log-posterior is ||y - Phi theta||^2 / (2 noise_var) + "
        "||theta||^2 / (2 prior_var); multiply by 2 noise_var: lam = noise_var / prior_var":
            ridge(lambda nv, pv: pv / nv),
        "this is the MAP estimate for lam = sqrt(noise_var / prior_var), a ratio of "
        "standard deviations. Both arguments are variances already: lam = noise_var / "
        "prior_var":
            ridge(lambda nv, pv: np.sqrt(nv / pv)),
        "this is the MAP estimate for lam = 2 noise_var / prior_var: the ridge strength is "
        "off by a factor of 2 (both terms of the log-posterior carry 1/2)":
            ridge(lambda nv, pv: 2 * nv / pv),
        "this is the MAP estimate for lam = noise_var / (2 prior_var): the ridge strength is "
        "off by a factor of 2 (both terms of the log-posterior carry 1/2)":
            ridge(lambda nv, pv: nv / (2 * pv)),
        "this is the maximum likelihood estimate: the prior is missing. Add lam I with "
        "lam = noise_var / prior_var to Phi^T Phi (or the rows sqrt(lam) I to Phi)": mle,
        "theta_0 is left out of the penalty. That is a common variant of ridge regression, "
        "but the lecture's prior theta ~ N(0, prior_var I) covers every coefficient, "
        "theta_0 included":
            ridge(lambda nv, pv: nv / pv, penalise_bias=False),
    }
    feedback = check_function(function, reference, cases, name="map_estimate",
                              mistakes=mistakes, rtol=1e-7)
    last = f"case {len(cases)} of {len(cases)}: raised"
    if not feedback and last in feedback.messages[0]:
        feedback.messages[0] += (" (this case has fewer points than parameters: Phi^T Phi is "
                                 "singular but Phi^T Phi + lam I is not; did you leave out lam?)")
    return feedback
