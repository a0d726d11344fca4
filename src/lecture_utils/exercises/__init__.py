"""Diagnostic checkers for the book's code exercises.

A code exercise in the book asks the learner to write a function and then
calls a checker from this package. A checker never just says pass/fail: it
runs the learner's code on prepared inputs, compares the result with the
package's reference implementation and names the most likely mistake, e.g.
a transposed matrix, a gradient of shape ``(2,)`` where the lecture's
convention is ``(1, 2)``, a missing sum over the batch, or an entry off by a
factor of 2.

The core is :func:`diagnose_array` (compare one array with the expected one)
and :func:`check_function` (run a learner's function on several inputs). The
chapter-specific checkers live in one submodule per topic
(``lecture_utils.exercises.intro``, ``.differentiation`` ...) and are thin
wrappers around these two.

Examples
--------
>>> import numpy as np
>>> expected = np.array([[1.0, 2.0], [3.0, 4.0]])
>>> print(diagnose_array(expected.T, expected, name="dL/dW"))
Not yet: dL/dW has the right shape (2, 2) but is the transpose of the expected matrix. Check the order of the factors (x.T @ d_out, not d_out.T @ x).
>>> print(diagnose_array(2 * expected, expected, name="dL/dW"))
Not yet: dL/dW is off by a constant factor: every entry is 2 times the expected value. Look for a missing 1/2 or a doubled term.
>>> print(diagnose_array(expected.copy(), expected, name="dL/dW"))
Correct: dL/dW matches the reference (largest relative error 0.0e+00).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..validation import format_shape

__all__ = ["Feedback", "check_function", "diagnose_array"]


@dataclass
class Feedback:
    """The verdict of a checker: whether the answer passed and why.

    Printing it (or leaving it as the last expression of a notebook cell)
    shows one line per finding. ``bool(feedback)`` is ``passed``, so a test
    can write ``assert check_xxx(my_function)``.

    Attributes
    ----------
    passed : bool
        True when every check passed.
    messages : list of str
        What was found, most important first.
    """

    passed: bool
    messages: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        head = "Correct: " if self.passed else "Not yet: "
        return head + "\n  ".join(self.messages)

    def __repr__(self) -> str:
        return str(self)


def _relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Entrywise |a - b| / max(|a|, |b|, 1e-12), safe for zeros."""
    denom = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)
    return np.abs(a - b) / denom


def _constant_ratio(answer: np.ndarray, expected: np.ndarray, rtol: float) -> float | None:
    """Return c if answer == c * expected for one constant c != 1, else None."""
    nonzero = np.abs(expected) > 1e-12 * max(1.0, float(np.max(np.abs(expected))))
    if not np.any(nonzero):
        return None
    ratios = answer[nonzero] / expected[nonzero]
    c = float(np.median(ratios))
    if c == 0 or abs(c - 1) <= rtol:
        return None
    if np.allclose(answer, c * expected, rtol=max(rtol, 1e-9), atol=1e-12):
        return c
    return None


def _index(idx: Iterable[int]) -> str:
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def diagnose_array(
    answer: object,
    expected: np.ndarray,
    *,
    name: str = "your answer",
    rtol: float = 1e-6,
    atol: float = 1e-9,
    batch_axis_hint: bool = True,
) -> Feedback:
    """Compare a learner's array with the expected one and name the mistake.

    Parameters
    ----------
    answer : object
        What the learner's code returned.
    expected : numpy.ndarray
        The reference result.
    name : str
        How to call the answer in the messages (e.g. ``"d_W"``).
    rtol, atol : float
        Tolerances of :func:`numpy.allclose` for "correct".
    batch_axis_hint : bool, default True
        Recognise an answer with one extra leading axis whose sum over that
        axis is the expected result (a forgotten sum over the batch).

    Returns
    -------
    Feedback
        ``passed`` is True when the answer has the expected shape and values.

    Notes
    -----
    The diagnoses are tried in order, the first match wins:

    1. ``None`` (a forgotten ``return``) or a non-numeric answer;
    2. non-finite entries;
    3. wrong shape: the transpose of the expected matrix, the same entries in
       another shape (row vector vs flat vector), or an extra leading axis
       that still has to be summed over (the batch);
    4. right shape: the transpose (square matrices), the negative, one
       constant factor on every entry, else the worst entry with both values,
       its relative error and how many entries are wrong.
    """
    expected = np.asarray(expected, dtype=float)
    if answer is None:
        return Feedback(False, [f"{name} is None. Did the function forget to `return` its result?"])
    try:
        ans = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(
            False,
            [f"{name} should be an array of numbers, got {type(answer).__name__}: {answer!r:.60}"],
        )
    if not np.all(np.isfinite(ans)):
        bad = _index(np.argwhere(~np.isfinite(ans))[0]) if ans.ndim else "(the scalar)"
        return Feedback(
            False,
            [
                f"{name} has non-finite entries (first at {bad}). Look for a "
                "division by zero, log of 0 or an overflowing exp."
            ],
        )
    got, want = format_shape(ans.shape), format_shape(expected.shape)
    if ans.shape != expected.shape:
        if (
            ans.ndim == 2
            and ans.shape == expected.shape[::-1]
            and np.allclose(ans.T, expected, rtol=rtol, atol=atol)
        ):
            return Feedback(
                False,
                [
                    f"{name} has shape {got} but should have shape {want}: it is "
                    "the transpose of the expected matrix."
                ],
            )
        if ans.size == expected.size and np.allclose(
            ans.reshape(expected.shape), expected, rtol=rtol, atol=atol
        ):
            return Feedback(
                False,
                [
                    f"{name} has the right numbers but shape {got}; the lecture's "
                    f"convention is {want}. Reshape it, e.g. "
                    f".reshape{format_shape(expected.shape)}."
                ],
            )
        if (
            batch_axis_hint
            and ans.ndim == expected.ndim + 1
            and ans.shape[1:] == expected.shape
            and np.allclose(ans.sum(axis=0), expected, rtol=rtol, atol=atol)
        ):
            return Feedback(
                False,
                [
                    f"{name} has shape {got} but should have shape {want}: each "
                    "row is one example's contribution. Sum over the batch "
                    "(axis 0)."
                ],
            )
        return Feedback(False, [f"{name} has shape {got} but should have shape {want}."])
    if np.allclose(ans, expected, rtol=rtol, atol=atol):
        worst = float(np.max(_relative_error(ans, expected))) if ans.size else 0.0
        return Feedback(
            True, [f"{name} matches the reference (largest relative error {worst:.1e})."]
        )
    if (
        ans.ndim == 2
        and ans.shape[0] == ans.shape[1]
        and np.allclose(ans.T, expected, rtol=rtol, atol=atol)
    ):
        return Feedback(
            False,
            [
                f"{name} has the right shape {got} but is the transpose of the "
                "expected matrix. Check the order of the factors "
                "(x.T @ d_out, not d_out.T @ x)."
            ],
        )
    c = _constant_ratio(ans, expected, rtol)
    if c is not None:
        if np.isclose(c, -1.0):
            return Feedback(
                False,
                [
                    f"{name} has the wrong sign everywhere. Check the sign of the "
                    "error term (y - f versus f - y)."
                ],
            )
        return Feedback(
            False,
            [
                f"{name} is off by a constant factor: every entry is {c:.4g} "
                "times the expected value. Look for a missing 1/2 or a doubled "
                "term."
            ],
        )
    err = _relative_error(ans, expected)
    wrong = ~np.isclose(ans, expected, rtol=rtol, atol=atol)
    i = np.unravel_index(int(np.argmax(err)), err.shape)
    where = _index(i) if ans.ndim else "(the scalar)"
    message = (
        f"{name}: {int(wrong.sum())} of {ans.size} entries differ. The worst is entry "
        f"{where}: you have {ans[i]:.6g}, expected {expected[i]:.6g} (relative error "
        f"{err[i]:.1e})"
    )
    if expected[i] != 0 and ans[i] != 0:
        factor = float(ans[i] / expected[i])
        if abs(factor - round(factor)) < 1e-9 and round(factor) not in (0, 1):
            message += f", off by a factor of {round(factor)}"
    return Feedback(False, [message + "."])


def check_function(
    function: Callable[..., object],
    reference: Callable[..., object],
    cases: Sequence[tuple],
    *,
    name: str | None = None,
    output_names: Sequence[str] | None = None,
    mistakes: Mapping[str, Callable[..., object]] | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> Feedback:
    """Run a learner's function and a reference on the same inputs and compare.

    Parameters
    ----------
    function : callable
        The learner's implementation.
    reference : callable
        The package's implementation with the same signature.
    cases : sequence of tuple
        Positional-argument tuples; each is passed to both functions. The
        arrays are copied first, so a function that modifies its input in place
        cannot spoil the reference.
    name : str, optional
        How to call the function in messages (default: its ``__name__``).
    output_names : sequence of str, optional
        If the functions return tuples, the names of the elements (e.g.
        ``("d_x", "d_W", "d_b")``); each element is diagnosed separately.
    mistakes : mapping of str to callable, optional
        Known wrong implementations with the reference's signature, keyed by a
        sentence that explains the mistake (e.g. ``"tanh is missing: you
        return z = Ax + b"``). When the learner's output matches one of them,
        that sentence is the diagnosis; it is more specific than what
        :func:`diagnose_array` can infer from the numbers alone.
    rtol, atol : float
        Tolerances, see :func:`diagnose_array`.

    Returns
    -------
    Feedback
        Passed when every output matches on every case. Otherwise the first
        failing case is reported, every wrong output with its diagnosis.

    Examples
    --------
    >>> import numpy as np
    >>> def ref(A, x):
    ...     return A @ x
    >>> def mine(A, x):
    ...     return A.T @ x
    >>> A = np.arange(4.0).reshape(2, 2); x = np.array([1.0, 2.0])
    >>> print(check_function(mine, ref, [(A, x)], name="matvec"))
    Not yet: matvec, case 1 of 1: your result: 2 of 2 entries differ. The worst is entry [0]: you have 4, expected 2 (relative error 5.0e-01), off by a factor of 2.
    >>> print(check_function(ref, ref, [(A, x)], name="matvec"))
    Correct: matvec gives the reference result on all 1 test cases.
    >>> print(check_function(mine, ref, [(A, x)], name="matvec",
    ...                      mistakes={"you multiplied by A.T instead of A": mine}))
    Not yet: matvec, case 1 of 1: you multiplied by A.T instead of A.
    """
    label = name or getattr(function, "__name__", "your function")
    for k, args in enumerate(cases, start=1):
        want = reference(*_copy(args))
        try:
            got = function(*_copy(args))
        except Exception as exc:  # the learner's code may raise anything
            return Feedback(
                False, [f"{label}, case {k} of {len(cases)}: raised {type(exc).__name__}: {exc}"]
            )
        if output_names is None:
            pairs = [("your result", got, want)]
        else:
            if not isinstance(got, tuple) or len(got) != len(output_names):
                return Feedback(
                    False,
                    [
                        f"{label} should return a tuple "
                        f"({', '.join(output_names)}), got {type(got).__name__}"
                        + (f" of length {len(got)}" if isinstance(got, tuple) else "")
                    ],
                )
            pairs = list(zip(output_names, got, want, strict=True))
        failures = [
            fb
            for out_name, g, w in pairs
            if not (fb := diagnose_array(g, w, name=out_name, rtol=rtol, atol=atol))
        ]
        if failures and mistakes:
            for description, wrong in mistakes.items():
                if _same_outputs(got, wrong(*_copy(args)), rtol, atol):
                    return Feedback(False, [f"{label}, case {k} of {len(cases)}: {description}."])
        if failures:
            lines = [m for fb in failures for m in fb.messages]
            return Feedback(False, [f"{label}, case {k} of {len(cases)}: {lines[0]}", *lines[1:]])
    return Feedback(True, [f"{label} gives the reference result on all {len(cases)} test cases."])


def _same_outputs(got: object, other: object, rtol: float, atol: float) -> bool:
    """True when two (tuples of) arrays have equal shapes and values."""
    got_t = got if isinstance(got, tuple) else (got,)
    other_t = other if isinstance(other, tuple) else (other,)
    if len(got_t) != len(other_t):
        return False
    try:
        pairs = [
            (np.asarray(g, dtype=float), np.asarray(o, dtype=float))
            for g, o in zip(got_t, other_t, strict=True)
        ]
    except (TypeError, ValueError):
        return False
    return all(g.shape == o.shape and np.allclose(g, o, rtol=rtol, atol=atol) for g, o in pairs)


def _copy(args: tuple) -> tuple:
    return tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)
