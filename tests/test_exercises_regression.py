"""The overfitting chapter's checkers, fed right, wrong and hostile answers."""

from __future__ import annotations

import numpy as np
import pytest

from lecture_utils.exercises.regression import check_design_matrix, check_map_estimate
from lecture_utils.feedback import Kind
from lecture_utils.regression import fit_map, polynomial_features

# ------------------------------------------------------------------------ design matrix


def _vander(x, degree):
    return np.vander(x, degree + 1, increasing=True)


@pytest.mark.parametrize(
    "fn",
    [
        _vander,
        lambda x, m: np.stack([x**k for k in range(m + 1)], axis=1),
        lambda x, m: np.asarray(x)[:, None] ** np.arange(m + 1),
        lambda x, m: polynomial_features(x, m).tolist(),  # a nested list is fine
    ],
    ids=["vander", "loop", "broadcast", "list"],
)
def test_design_matrix_accepts_correct_answers(fn):
    feedback = check_design_matrix(fn)
    assert feedback.passed and feedback.kind is Kind.CORRECT, str(feedback)


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (lambda x, m: np.vander(x, m + 1), "decreasing order"),
        (lambda x, m: _vander(x, m)[:, 1:], "column of ones is missing"),
        (lambda x, m: _vander(x, m)[:, :-1], "last power is missing"),
        (lambda x, m: np.vander(x, m + 2, increasing=True), "one power too many"),
        (lambda x, m: x[:, None] * np.arange(m + 1), "k * x"),
    ],
    ids=["vander-default", "no-ones", "range-degree", "extra-power", "times-k"],
)
def test_design_matrix_names_known_mistakes(fn, words):
    feedback = check_design_matrix(fn)
    assert not feedback.passed
    assert feedback.kind is Kind.MISTAKE and feedback.case == 1
    assert words in feedback.message


def test_design_matrix_general_diagnoses():
    transposed = check_design_matrix(lambda x, m: _vander(x, m).T)
    assert transposed.kind is Kind.TRANSPOSED
    doubled = check_design_matrix(lambda x, m: 2 * _vander(x, m))
    assert doubled.kind is Kind.FACTOR and doubled.factor == pytest.approx(2.0)


def test_design_matrix_finds_the_failing_case():
    def wrong_for_degree_zero(x, degree):
        return x[:, None] * 0.0 if degree == 0 else _vander(x, degree)

    feedback = check_design_matrix(wrong_for_degree_zero)
    assert not feedback.passed and feedback.case == 4


def test_design_matrix_reports_exceptions():
    def broken(x, degree):
        raise RuntimeError("oops")

    feedback = check_design_matrix(broken)
    assert feedback.kind is Kind.EXCEPTION
    assert isinstance(feedback.exception, RuntimeError)


# ------------------------------------------------------------------------- MAP estimate


def _map(Phi, y, nv, pv):
    return fit_map(Phi, y, noise_var=nv, prior_var=pv)


def _ridge(Phi, y, lam, *, penalise_bias=True):
    penalty = lam * np.eye(Phi.shape[1])
    if not penalise_bias:
        penalty[0, 0] = 0.0
    return np.linalg.solve(Phi.T @ Phi + penalty, Phi.T @ y)


def _augmented_qr(Phi, y, noise_var, prior_var):
    d = Phi.shape[1]
    A = np.vstack([Phi, np.sqrt(noise_var / prior_var) * np.eye(d)])
    Q, R = np.linalg.qr(A)
    return np.linalg.solve(R, Q.T @ np.concatenate([y, np.zeros(d)]))


@pytest.mark.parametrize(
    "fn",
    [_map, _augmented_qr, lambda P, y, nv, pv: _ridge(P, y, nv / pv)],
    ids=["fit_map", "augmented-qr", "normal-equations"],
)
def test_map_estimate_accepts_correct_answers(fn):
    feedback = check_map_estimate(fn)
    assert feedback.passed and feedback.kind is Kind.CORRECT, str(feedback)


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (lambda P, y, nv, pv: _ridge(P, y, pv / nv), "upside down"),
        (lambda P, y, nv, pv: _ridge(P, y, np.sqrt(nv / pv)), "standard deviations"),
        (lambda P, y, nv, pv: _ridge(P, y, 2 * nv / pv), "lam = 2 noise_var"),
        (lambda P, y, nv, pv: _ridge(P, y, nv / (2 * pv)), "noise_var / (2 prior_var)"),
        (lambda P, y, nv, pv: np.linalg.lstsq(P, y, rcond=None)[0], "prior is missing"),
        (lambda P, y, nv, pv: _ridge(P, y, nv / pv, penalise_bias=False), "theta_0"),
    ],
    ids=["upside-down", "std-ratio", "double", "half", "mle", "bias-not-penalised"],
)
def test_map_estimate_names_known_mistakes(fn, words):
    feedback = check_map_estimate(fn)
    assert not feedback.passed
    assert feedback.kind is Kind.MISTAKE and feedback.case == 1
    assert words in feedback.message


def test_map_estimate_general_diagnoses():
    assert check_map_estimate(lambda *a: -_map(*a)).kind is Kind.SIGN
    assert check_map_estimate(lambda *a: _map(*a)[:, None]).kind is Kind.SHAPE
    assert check_map_estimate(lambda *a: _map(*a) + 0.1).kind is Kind.VALUES


def test_map_estimate_hint_for_a_singular_solve_on_the_underdetermined_case():
    """Without lam, Phi^T Phi is singular on case 3: the verdict adds why."""

    def forgot_lam_there(Phi, y, nv, pv):
        if Phi.shape[0] < Phi.shape[1]:
            raise np.linalg.LinAlgError("Singular matrix")
        return _map(Phi, y, nv, pv)

    feedback = check_map_estimate(forgot_lam_there)
    assert feedback.kind is Kind.EXCEPTION and feedback.case == 3
    assert any("Is lam missing?" in note for note in feedback.notes)
    # An exception on another case gets no such note.
    other = check_map_estimate(lambda *a: 1 / 0)
    assert other.kind is Kind.EXCEPTION and other.case == 1 and other.notes == ()


# ---------------------------------------------------------------------- hostile answers

CHECKS = [(check_design_matrix, _vander), (check_map_estimate, _map)]


@pytest.mark.parametrize(
    ("check", "right"), CHECKS, ids=[check.__name__ for check, _ in CHECKS]
)
@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda right: lambda *a: right(*a) + 5j, Kind.COMPLEX),
        (lambda right: lambda *a: np.full(np.shape(right(*a)), 1e308), Kind.VALUES),
        (lambda right: lambda *a: None, Kind.NO_RESULT),
        (lambda right: lambda *a: np.ravel(right(*a))[:-1], Kind.SHAPE),
        (lambda right: lambda *a: np.asarray(right(*a)) * np.nan, Kind.NON_FINITE),
        (lambda right: lambda *a: "theta", Kind.WRONG_TYPE),
    ],
    ids=["complex", "1e308", "none", "wrong-shape", "nan", "text"],
)
def test_checkers_give_a_verdict_on_hostile_answers(check, right, make, kind):
    """Beyond tests/test_checkers.py: the exact kind, and the "Not yet: " head."""
    feedback = check(make(right))
    assert not feedback.passed
    assert feedback.kind is kind
    assert str(feedback).startswith("Not yet: ")
