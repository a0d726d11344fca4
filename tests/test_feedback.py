"""Tests of lecture_utils.feedback: every Kind, the time limit, hostile answers.

pytest turns warnings into errors (pyproject.toml), so every test here also
checks that no floating-point or complex warning leaks out of the engine.
"""

from __future__ import annotations

import re
import threading
import time

import numpy as np
import pytest

from lecture_utils import feedback as fb_module
from lecture_utils.feedback import Feedback, Kind, check_function, diagnose

rng = np.random.default_rng(0)
WANT = rng.uniform(0.5, 2.0, size=(3, 4)) * rng.choice([-1.0, 1.0], size=(3, 4))
SQUARE = rng.standard_normal((3, 3))


def _one_wrong_entry() -> np.ndarray:
    answer = WANT.copy()
    answer[1, 2] *= 3.0
    return answer


# --------------------------------------------------------------------------
# diagnose: one test per Kind
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "kind", "pattern"),
    [
        (WANT + 1e-12, Kind.CORRECT, r"^g matches the reference\.$"),
        (None, Kind.NO_RESULT, r"g is None: did the function forget to return\?"),
        ("text", Kind.WRONG_TYPE, r"g should be numbers, got str 'text'\."),
        ([[1.0, 2.0], [3.0]], Kind.WRONG_TYPE, r"g should be numbers, got list"),
        (WANT + 5j, Kind.COMPLEX, r"g has complex entries, but the answer is real"),
        (np.where(WANT > 0, np.inf, WANT), Kind.NON_FINITE, r"non-finite entry \(inf"),
        (np.full((3, 4), np.nan), Kind.NON_FINITE, r"\(nan at \[0, 0\]\)"),
        (WANT.T, Kind.TRANSPOSED, r"shape \(4, 3\) but should have shape \(3, 4\): "),
        (WANT.ravel(), Kind.SHAPE, r"right numbers but shape \(12,\);.*reshape\(3, 4"),
        (np.zeros(5), Kind.SHAPE, r"^g has shape \(5,\) but should have shape \(3, 4"),
        (np.stack([WANT / 4] * 4), Kind.BATCH_SUM, r"Sum over the batch \(axis 0\)"),
        (-WANT, Kind.SIGN, r"^every entry of g has the wrong sign\.$"),
        (0.5477 * WANT, Kind.FACTOR, r"^every entry of g is 0\.5477 times the"),
        (_one_wrong_entry(), Kind.VALUES, r"1 of 12 entries .* entry \[1, 2\]: "),
        (np.zeros((3, 4)), Kind.VALUES, r"^g is all zeros\.$"),
    ],
)
def test_diagnose_names_each_kind(answer: object, kind: Kind, pattern: str) -> None:
    feedback = diagnose(answer, WANT, name="g")
    assert feedback.kind is kind, feedback
    assert bool(feedback) is (kind is Kind.CORRECT)
    assert feedback.passed is (kind is Kind.CORRECT)
    assert re.search(pattern, feedback.message), feedback.message


def test_transposed_square_matrix_is_not_called_a_factor() -> None:
    feedback = diagnose(SQUARE.T, SQUARE)
    assert feedback.kind is Kind.TRANSPOSED
    assert "right shape (3, 3) but is the transpose" in feedback.message
    assert feedback.factor is None


def test_sign_and_factor_carry_the_constant_and_only_known_hints() -> None:
    hints = {2.0: "Is the 1/2 missing?", -1.0: "Use y - f."}
    doubled = diagnose(2 * WANT, WANT, factor_hints=hints)
    assert (doubled.kind, doubled.factor) == (Kind.FACTOR, 2.0)
    assert doubled.message.endswith("2 times the expected value. Is the 1/2 missing?")
    other = diagnose(2.702 * WANT, WANT, factor_hints=hints)
    assert other.factor == pytest.approx(2.702)
    assert "missing" not in other.message  # no cause for a factor the check can't name
    flipped = diagnose(-WANT, WANT, factor_hints=hints)
    assert (flipped.kind, flipped.factor) == (Kind.SIGN, -1.0)
    assert flipped.message.endswith("wrong sign. Use y - f.")


def test_huge_answers_get_a_verdict_without_warnings() -> None:
    for answer in (np.full((3, 4), 1e308), np.full((2, 3, 4), 1e308), 1e308):
        feedback = diagnose(answer, WANT)
        assert not feedback
        assert feedback.kind in {Kind.VALUES, Kind.FACTOR, Kind.SHAPE}


def test_atol_per_entry() -> None:
    answer = WANT + np.array([1e-3, 0.0, 0.0, 0.0])
    atol = np.full(WANT.shape, 1e-9)
    assert not diagnose(answer, WANT, atol=atol)
    atol[:, 0] = 2e-3
    assert diagnose(answer, WANT, atol=atol)


def test_str_is_wrapped_at_80_columns_with_notes_indented() -> None:
    long = Feedback(False, Kind.VALUES, "word " * 60, notes=("note " * 40,))
    lines = str(long).splitlines()
    assert max(map(len, lines)) <= 80
    assert lines[0].startswith("Not yet: word")
    assert all(line.startswith("  ") for line in lines[1:])
    assert repr(long) == str(long)
    assert str(diagnose(WANT, WANT)).startswith("Correct: ")


# --------------------------------------------------------------------------
# check_function
# --------------------------------------------------------------------------


def matvec(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    return A @ x


CASES = [(rng.standard_normal((2, 3)), rng.standard_normal(3)) for _ in range(3)]


def test_correct_function() -> None:
    feedback = check_function(matvec, matvec, CASES)
    assert feedback.kind is Kind.CORRECT
    assert str(feedback) == (
        "Correct: matvec gives the reference result on all 3 test cases."
    )


def test_a_matrix_for_a_matrix_vector_product_is_a_shape_error() -> None:
    A, x = np.arange(6.0).reshape(2, 3), np.array([1.0, 0.0, -1.0])
    feedback = check_function(lambda A, x: A.T, matvec, [(A, x)], name="f")
    assert feedback.kind is Kind.SHAPE and feedback.factor is None
    assert feedback.message == (
        "f, case 1 of 1: your result has shape (3, 2) but should have shape (2,)."
    )


def test_wrong_case_is_numbered_and_named() -> None:
    def learner(A: np.ndarray, x: np.ndarray) -> np.ndarray:
        return A @ x if x[0] != CASES[1][1][0] else -(A @ x)

    feedback = check_function(learner, matvec, CASES, name="f")
    assert (feedback.kind, feedback.case) == (Kind.SIGN, 2)
    assert feedback.message.startswith("f, case 2 of 3: every entry of your result")


def test_exception_is_reported_with_the_exception() -> None:
    def learner(A: np.ndarray, x: np.ndarray) -> np.ndarray:
        return x @ A  # (3,) @ (2, 3): a shape error

    feedback = check_function(learner, matvec, CASES)
    assert (feedback.kind, feedback.case) == (Kind.EXCEPTION, 1)
    assert isinstance(feedback.exception, ValueError)
    assert "raised ValueError: matmul" in feedback.message


def test_time_limit_stops_a_learner_that_never_returns() -> None:
    def learner(A: np.ndarray, x: np.ndarray) -> np.ndarray:
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # a learner's broad except must not swallow it
                pass

    start = time.perf_counter()
    feedback = check_function(learner, matvec, CASES, time_limit=0.5)
    assert time.perf_counter() - start < 5.0
    assert (feedback.kind, feedback.case) == (Kind.TIMEOUT, 1)
    assert "no result after 0.5 s" in feedback.message


def test_time_limit_outside_the_main_thread() -> None:
    def learner(A: np.ndarray, x: np.ndarray) -> np.ndarray:
        time.sleep(30)
        return A @ x

    result: list[Feedback] = []

    def run() -> None:
        result.append(check_function(learner, matvec, CASES, time_limit=0.5))

    worker = threading.Thread(target=run)
    start = time.perf_counter()
    worker.start()
    worker.join(10)
    assert time.perf_counter() - start < 5.0
    assert result[0].kind is Kind.TIMEOUT


def test_complex_and_huge_results_are_never_correct() -> None:
    complex_result = check_function(lambda A, x: A @ x + 5j, matvec, CASES)
    assert complex_result.kind is Kind.COMPLEX
    huge = check_function(lambda A, x: np.full(2, 1e308), matvec, CASES)
    assert not huge and huge.kind in {Kind.VALUES, Kind.FACTOR}
    overflow = check_function(lambda A, x: np.exp(1000 + np.abs(A @ x)), matvec, CASES)
    assert overflow.kind is Kind.NON_FINITE  # and no RuntimeWarning leaks


def test_tuple_outputs_each_diagnosed_with_notes() -> None:
    def reference(A: np.ndarray, x: np.ndarray) -> tuple:
        return A @ x, A.T

    def learner(A: np.ndarray, x: np.ndarray) -> tuple:
        return 2 * (A @ x), A  # a factor in the first, a transpose in the second

    names = ("y", "A_T")
    feedback = check_function(learner, reference, CASES, output_names=names)
    assert feedback.kind is Kind.FACTOR and feedback.factor == 2.0
    assert feedback.message.startswith("learner, case 1 of 3: every entry of y is 2")
    assert len(feedback.notes) == 1 and "A_T has shape (2, 3)" in feedback.notes[0]
    assert "transpose" in feedback.notes[0]
    assert check_function(reference, reference, CASES, output_names=names)
    for wrong in (lambda A, x: A @ x, lambda A, x: (A @ x, A.T, x)):
        verdict = check_function(wrong, reference, CASES, output_names=names)
        assert verdict.kind is Kind.WRONG_TYPE
        assert "should return a tuple (y, A_T)" in verdict.message


def test_a_tuple_where_one_array_is_expected_gets_a_verdict() -> None:
    feedback = check_function(lambda A, x: (A @ x, x), matvec, CASES)
    assert not feedback and feedback.kind in {Kind.SHAPE, Kind.WRONG_TYPE}


def test_known_mistakes_and_factor_hints() -> None:
    mistakes = {"You used A^T x.": lambda A, x: A.T @ np.ones(A.shape[0])}
    hints = {2.0: "Look for a doubled term."}

    def uses_transpose(A: np.ndarray, x: np.ndarray) -> np.ndarray:
        return A.T @ np.ones(A.shape[0])

    mistake = check_function(uses_transpose, matvec, CASES, mistakes=mistakes)
    assert (mistake.kind, mistake.message) == (
        Kind.MISTAKE,
        "uses_transpose, case 1 of 3: You used A^T x.",
    )
    doubled = check_function(
        lambda A, x: 2 * A @ x, matvec, CASES, mistakes=mistakes, factor_hints=hints
    )
    assert doubled.kind is Kind.FACTOR
    assert doubled.message.endswith("Look for a doubled term.")


def test_learner_cannot_change_the_callers_arrays() -> None:
    cases = [(A.copy(), x.copy()) for A, x in CASES]

    def learner(A: np.ndarray, x: np.ndarray) -> np.ndarray:
        result = A @ x
        A[:] = 0.0
        x *= -1.0
        return result

    assert check_function(learner, matvec, cases)
    for (A, x), (A0, x0) in zip(cases, CASES, strict=True):
        np.testing.assert_array_equal(A, A0)
        np.testing.assert_array_equal(x, x0)


def test_mistakes_are_recognised_although_the_learner_works_in_place() -> None:
    # The learner doubles x in place. Only if the known mistake runs on a fresh
    # copy does it give the same 2 A x and the verdict name the mistake.
    def learner(A: np.ndarray, x: np.ndarray) -> np.ndarray:
        x *= 2.0
        return A @ x

    mistakes = {"You doubled x.": lambda A, x: A @ (2.0 * x)}
    feedback = check_function(learner, matvec, CASES, mistakes=mistakes)
    assert feedback.kind is Kind.MISTAKE


def test_copy_is_what_protects_the_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    # The mutation check of the two tests above, run here: without the copy
    # both verdicts change.
    monkeypatch.setattr(fb_module, "_copy", lambda args: args)
    with pytest.raises(AssertionError):
        test_learner_cannot_change_the_callers_arrays()
    with pytest.raises(AssertionError):
        test_mistakes_are_recognised_although_the_learner_works_in_place()


def test_a_known_mistake_that_cannot_run_on_a_case_is_skipped() -> None:
    def reference(x):
        return 2 * x

    def breaks(x):
        raise ValueError("this mistake needs a matrix")

    cases = [(np.arange(3.0),)]
    mistakes = {"this mistake needs a matrix": breaks, "doubled twice": lambda x: 4 * x}
    feedback = check_function(lambda x: 4 * x, reference, cases, mistakes=mistakes)
    assert feedback.kind is Kind.MISTAKE and "doubled twice" in feedback.message
