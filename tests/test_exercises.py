"""The diagnostic core of the exercise checkers: each diagnosis on a known mistake."""

from __future__ import annotations

import numpy as np
import pytest

from lecture_utils.exercises import Feedback, check_function, diagnose_array
from lecture_utils.exercises.intro import check_layer_forward

rng = np.random.default_rng(0)
EXPECTED = rng.standard_normal((3, 4))


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        (None, "is None. Did the function forget to `return`"),
        ("text", "should be an array of numbers, got str"),
        (np.full((3, 4), np.nan), r"non-finite entries \(first at \[0, 0\]\)"),
        (EXPECTED.T, r"shape \(4, 3\) but should have shape \(3, 4\): it is the transpose"),
        (EXPECTED.ravel(), r"right numbers but shape \(12,\); the lecture's convention is \(3, 4"),
        (np.stack([EXPECTED / 2, EXPECTED / 2]), r"Sum over the batch \(axis 0\)"),
        (np.zeros((5,)), r"shape \(5,\) but should have shape \(3, 4\)\.$"),
        (-EXPECTED, "wrong sign everywhere"),
        (0.5 * EXPECTED, "every entry is 0.5 times the expected value"),
    ],
)
def test_diagnoses(answer: object, match: str) -> None:
    feedback = diagnose_array(answer, EXPECTED, name="g")
    assert not feedback
    assert len(feedback.messages) == 1
    assert pytest.importorskip("re").search(match, feedback.messages[0]), feedback.messages[0]


def test_single_wrong_entry_is_located_with_its_factor() -> None:
    answer = EXPECTED.copy()
    answer[0, 1] *= 2
    message = diagnose_array(answer, EXPECTED, name="g").messages[0]
    assert "1 of 12 entries differ" in message
    assert "entry [0, 1]" in message
    assert "off by a factor of 2" in message


def test_square_transpose_and_correct() -> None:
    square = rng.standard_normal((3, 3))
    assert "is the transpose" in str(diagnose_array(square.T, square))
    ok = diagnose_array(square + 1e-12, square, name="g")
    assert ok and str(ok).startswith("Correct: g matches the reference")


def test_feedback_truthiness_and_text() -> None:
    assert Feedback(True, ["fine"]) and not Feedback(False, ["no"])
    assert str(Feedback(False, ["a", "b"])) == "Not yet: a\n  b"


def test_check_function_reports_exceptions_tuples_and_input_mutation() -> None:
    def ref(x):
        return x.sum(), x * 2

    def raises(x):
        raise KeyError("boom")

    def mutates(x):
        x *= 0
        return x.sum(), x * 2

    cases = [(np.arange(3.0),)]
    assert "raised KeyError" in str(check_function(raises, ref, cases))
    assert "should return a tuple (s, d)" in str(
        check_function(lambda x: x, ref, cases, output_names=("s", "d"))
    )
    # the learner's in-place change must not spoil the reference's input
    feedback = check_function(mutates, ref, cases, output_names=("s", "d"))
    assert not feedback and "s has non-finite" not in str(feedback)
    assert check_function(ref, ref, cases, output_names=("s", "d"))


@pytest.mark.parametrize(
    ("layer", "match"),
    [
        (lambda A, b, x: A @ x + b, "sigma is missing"),
        (lambda A, b, x: np.tanh(A @ x), "the bias is missing"),
        (lambda A, b, x: np.tanh(A @ x) + b, "added after the nonlinearity"),
        (lambda A, b, x: np.tanh(A.T @ x + b), "Did you use A.T or x @ A"),
        (lambda A, b, x: None, "is None"),
    ],
)
def test_layer_checker_names_the_mistake(layer: object, match: str) -> None:
    feedback = check_layer_forward(layer)
    assert not feedback
    assert match in str(feedback)


def test_layer_checker_accepts_correct_layer() -> None:
    assert check_layer_forward(lambda A, b, x: np.tanh(A @ x + b))
