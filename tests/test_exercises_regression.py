"""Tests for the curve-fitting chapter's exercise checkers, with deliberately wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from lecture_utils.exercises.regression import check_design_matrix, check_map_estimate

# --------------------------------------------------------------------------- design matrix


def test_design_matrix_correct_variants():
    def vander(x, degree):
        return np.vander(x, degree + 1, increasing=True)

    def loop(x, degree):
        return np.stack([x**k for k in range(degree + 1)], axis=1)

    for fn in (vander, loop):
        feedback = check_design_matrix(fn)
        assert feedback, str(feedback)
        assert str(feedback).startswith("Correct: design_matrix gives the reference result")


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (lambda x, m: np.vander(x, m + 1), "decreasing order x^M, ..., x, 1"),
        (lambda x, m: np.stack([x**k for k in range(1, m + 1)], axis=1),
         "the column of ones is missing"),
        (lambda x, m: np.stack([x**k for k in range(m)] or [np.ones_like(x)], axis=1)
         if m else np.ones((x.size, 1)),
         "the last power is missing: degree M needs the M + 1 powers"),
        (lambda x, m: np.vander(x, m + 2, increasing=True), "one power too many"),
        (lambda x, m: np.vander(x, m + 1, increasing=True).T, "transpose of the expected matrix"),
        (lambda x, m: 2 * np.vander(x, m + 1, increasing=True), "off by a constant factor"),
        (lambda x, m: None, "is None. Did the function forget to `return`"),
        (lambda x, m: np.vander(x, m + 1, increasing=True)[:, :1] + x[:, None] ** 9,
         "has shape (7, 1) but should have shape (7, 4)"),
    ],
    ids=["vander-default", "no-ones", "range-degree", "extra-power", "transposed", "doubled",
         "no-return", "garbage"],
)
def test_design_matrix_diagnoses(fn, expected):
    feedback = check_design_matrix(fn)
    assert not feedback
    assert str(feedback).startswith("Not yet: ")
    assert expected in str(feedback)


def test_design_matrix_reports_exceptions():
    def broken(x, degree):
        raise RuntimeError("oops")

    feedback = check_design_matrix(broken)
    assert not feedback
    assert "design_matrix, case 1 of 4: raised RuntimeError: oops" in str(feedback)


def test_design_matrix_wrong_only_for_degree_zero():
    """The first cases pass; the degree-0 case (case 4) is where this one fails."""

    def no_constant_for_zero(x, degree):
        if degree == 0:
            return x[:, None] * 0.0
        return np.vander(x, degree + 1, increasing=True)

    feedback = check_design_matrix(no_constant_for_zero)
    assert not feedback
    assert "case 4 of 4" in str(feedback)


# --------------------------------------------------------------------------- MAP estimate


def _ridge(Phi, y, lam, *, penalise_bias=True):
    penalty = lam * np.eye(Phi.shape[1])
    if not penalise_bias:
        penalty[0, 0] = 0.0
    return np.linalg.solve(Phi.T @ Phi + penalty, Phi.T @ y)


def test_map_estimate_correct_variants():
    def normal_equations(Phi, y, noise_var, prior_var):
        return _ridge(Phi, y, noise_var / prior_var)

    def augmented(Phi, y, noise_var, prior_var):
        d = Phi.shape[1]
        A = np.vstack([Phi, np.sqrt(noise_var / prior_var) * np.eye(d)])
        return np.linalg.lstsq(A, np.concatenate([y, np.zeros(d)]), rcond=None)[0]

    for fn in (normal_equations, augmented):
        feedback = check_map_estimate(fn)
        assert feedback, str(feedback)
        assert "map_estimate gives the reference result on all 3 test cases" in str(feedback)


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (lambda P, y, nv, pv: _ridge(P, y, pv / nv), "the ridge strength is upside down"),
        (lambda P, y, nv, pv: _ridge(P, y, np.sqrt(nv / pv)), "a ratio of standard deviations"),
        (lambda P, y, nv, pv: _ridge(P, y, 2 * nv / pv), "lam = 2 noise_var / prior_var"),
        (lambda P, y, nv, pv: _ridge(P, y, nv / (2 * pv)), "lam = noise_var / (2 prior_var)"),
        (lambda P, y, nv, pv: np.linalg.lstsq(P, y, rcond=None)[0],
         "maximum likelihood estimate: the prior is missing"),
        (lambda P, y, nv, pv: _ridge(P, y, nv / pv, penalise_bias=False),
         "theta_0 is left out of the penalty"),
        (lambda P, y, nv, pv: -_ridge(P, y, nv / pv), "wrong sign everywhere"),
        (lambda P, y, nv, pv: _ridge(P, y, nv / pv)[:, None], "Reshape it"),
        (lambda P, y, nv, pv: _ridge(P, y, nv / pv) + 0.1, "entries differ"),
    ],
    ids=["upside-down", "std-ratio", "double", "half", "mle", "no-bias-penalty", "sign",
         "column-vector", "shifted"],
)
def test_map_estimate_diagnoses(fn, expected):
    feedback = check_map_estimate(fn)
    assert not feedback
    assert str(feedback).startswith("Not yet: map_estimate, case 1 of 3")
    assert expected in str(feedback)


def test_map_estimate_mle_with_normal_equations_fails_on_underdetermined_case():
    """A solve of Phi^T Phi (no prior) raises on the N < D case; the hint says why."""

    def mle_solve(Phi, y, noise_var, prior_var):
        if Phi.shape[0] < Phi.shape[1]:
            raise np.linalg.LinAlgError("Singular matrix")
        return _ridge(Phi, y, noise_var / prior_var)

    feedback = check_map_estimate(mle_solve)
    assert not feedback
    text = str(feedback)
    assert "case 3 of 3: raised LinAlgError: Singular matrix" in text
    assert "did you leave out lam?" in text
