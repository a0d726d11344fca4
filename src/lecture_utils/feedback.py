"""One feedback engine for gradient checks and exercise checkers.

A checker runs the learner's function on prepared inputs, compares every result
with a reference and returns a :class:`Feedback`: whether it passed, the
:class:`Kind` of mistake (checkers and tests branch on it, never on the wording)
and a message. A cause is named only where the checker knows it, through
``factor_hints`` (the factor -1 included).
"""

from __future__ import annotations

import dataclasses
import signal
import textwrap
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum

import numpy as np

from ._validation import describe, format_shape

__all__ = ["Feedback", "Kind", "check_function", "diagnose"]


class Kind(StrEnum):
    """What a :class:`Feedback` found."""

    CORRECT = "correct"
    NO_RESULT = "no result"  # None
    WRONG_TYPE = "wrong type"  # not numbers, or not the tuple that was asked for
    COMPLEX = "complex"
    NON_FINITE = "non-finite"
    SHAPE = "shape"
    TRANSPOSED = "transposed"
    BATCH_SUM = "missing batch sum"
    SIGN = "sign"
    FACTOR = "constant factor"
    VALUES = "values"
    MISTAKE = "known mistake"
    EXCEPTION = "exception"
    TIMEOUT = "timeout"


@dataclasses.dataclass(frozen=True)
class Feedback:
    """The verdict of a check; ``bool(feedback)`` is ``passed``.

    ``factor`` is the constant found (``Kind.SIGN``, ``Kind.FACTOR``), ``case``
    the 1-based failing case, ``exception`` what the learner's code raised and
    ``notes`` further findings. Printed, the message wraps at 80 columns with the
    notes indented below.
    """

    passed: bool
    kind: Kind
    message: str
    factor: float | None = None
    case: int | None = None
    exception: BaseException | None = None
    notes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        head = "Correct: " if self.passed else "Not yet: "
        return "\n".join(
            textwrap.fill(text, 80, initial_indent=first, subsequent_indent="  ")
            for text, first in [(self.message, head)] + [(n, "  ") for n in self.notes]
        )

    __repr__ = __str__


def _wrong(kind: Kind, message: str, **extra: object) -> Feedback:
    return Feedback(False, kind, message, **extra)


def _constant_factor(
    ans: np.ndarray, want: np.ndarray, rtol: float, atol: float
) -> float:
    """The c with ans == c * want, or nan if there is none."""
    scale = np.max(np.abs(want), initial=0.0)
    nonzero = np.abs(want) > 1e-12 * scale
    if not np.any(nonzero):
        return np.nan
    c = float(np.median(ans[nonzero] / want[nonzero]))
    if np.isfinite(c) and c != 0 and np.allclose(ans, c * want, rtol=rtol, atol=atol):
        return c
    return np.nan


def diagnose(
    answer: object,
    expected: object,
    *,
    name: str = "your result",
    rtol: float = 1e-6,
    atol: float | np.ndarray = 1e-9,
    factor_hints: Mapping[float, str] | None = None,
) -> Feedback:
    """Compare what the learner's code returned with the reference result.

    ``name`` is how the messages call the answer (e.g. ``"d_W"``); ``rtol`` and
    ``atol`` (maybe one per entry) are the tolerances of :func:`numpy.isclose`.
    ``factor_hints`` names causes of constant factors, e.g. ``{2.0: "Is the 1/2
    missing?"}``, for a factor within 0.1 % of a key; other factors are only
    reported. The verdict is the first finding of: no result, wrong type,
    complex, non-finite, shape (transposed, reshaped, missing batch sum),
    correct, transposed square matrix, sign, constant factor, other values.
    """
    want = np.asarray(expected, dtype=float)
    if answer is None:
        message = f"{name} is None: did the function forget to return?"
        return _wrong(Kind.NO_RESULT, message)
    try:
        arr = np.asarray(answer)
    except ValueError:
        arr = np.asarray(None)
    if np.iscomplexobj(arr):
        message = f"{name} has complex entries, but the answer is real. Look for"
        cause = "a square root or log of a negative number, or a stray 1j."
        return _wrong(Kind.COMPLEX, f"{message} {cause}")
    if arr.dtype.kind not in "biuf":
        message = f"{name} should be numbers, got {describe(answer)}."
        return _wrong(Kind.WRONG_TYPE, message)
    ans = arr.astype(float)
    if not np.all(np.isfinite(ans)):
        bad = np.argwhere(~np.isfinite(ans))[0]
        where = " at [" + ", ".join(map(str, bad)) + "]" if ans.ndim else ""
        message = f"{name} has a non-finite entry ({ans[tuple(bad)]}{where}). Look for"
        cause = "an overflowing exp, a division by zero or a log of 0."
        return _wrong(Kind.NON_FINITE, f"{message} {cause}")
    with np.errstate(all="ignore"):  # huge answers (1e308) may overflow in a test
        return _compare(ans, want, name, rtol, atol, factor_hints or {})


def _compare(
    ans: np.ndarray,
    want: np.ndarray,
    name: str,
    rtol: float,
    atol: float | np.ndarray,
    factor_hints: Mapping[float, str],
) -> Feedback:
    """The numerical part of :func:`diagnose`, for finite real arrays."""
    got, shape = format_shape(ans.shape), format_shape(want.shape)
    tol = float(np.max(atol))

    def close(a: np.ndarray) -> bool:
        return bool(np.allclose(a, want, rtol=rtol, atol=tol))

    wrong_shape = f"{name} has shape {got} but should have shape {shape}"
    if ans.shape != want.shape:
        if ans.ndim == 2 and ans.shape == want.shape[::-1] and close(ans.T):
            message = f"{wrong_shape}: it is the transpose of the expected matrix."
            return _wrong(Kind.TRANSPOSED, message)
        if ans.size == want.size and close(ans.reshape(want.shape)):
            message = f"{name} has the right numbers but shape {got}; the expected"
            fix = f"shape is {shape}. Reshape it, e.g. .reshape{shape}."
            return _wrong(Kind.SHAPE, f"{message} {fix}")
        if ans.shape[1:] == want.shape and close(ans.sum(axis=0)):
            message = f"{wrong_shape}: each row is one example's contribution."
            return _wrong(Kind.BATCH_SUM, f"{message} Sum over the batch (axis 0).")
        return _wrong(Kind.SHAPE, f"{wrong_shape}.")
    ok = np.isclose(ans, want, rtol=rtol, atol=atol)
    if np.all(ok):
        return Feedback(True, Kind.CORRECT, f"{name} matches the reference.")
    if ans.ndim == 2 and ans.shape[0] == ans.shape[1] and close(ans.T):
        message = f"{name} has the right shape {got} but is the transpose of the"
        return _wrong(Kind.TRANSPOSED, f"{message} expected matrix.")
    c = _constant_factor(ans, want, rtol, tol)
    if np.isfinite(c):
        hints = [h for f, h in factor_hints.items() if np.isclose(c, f, rtol=1e-3)]
        hint = f" {hints[0]}" if hints else ""
        sign = np.isclose(c, -1.0)
        c = -1.0 if sign else c
        what = "has the wrong sign" if sign else f"is {c:.4g} times the expected value"
        message = f"every entry of {name} {what}.{hint}"
        return _wrong(Kind.SIGN if sign else Kind.FACTOR, message, factor=c)
    if not np.any(ans):
        return _wrong(Kind.VALUES, f"{name} is all zeros.")
    scale = np.maximum(np.maximum(np.abs(ans), np.abs(want)), 1e-300)
    err = np.where(ok, -1.0, np.abs(ans - want) / scale)
    i = np.unravel_index(int(np.argmax(err)), ans.shape)
    where = f"entry [{', '.join(map(str, i))}]" if ans.ndim else "the value"
    message = f"{int((~ok).sum())} of {ans.size} entries of {name} differ; the worst"
    worst = f"is {where}: {ans[i]:.6g} where {want[i]:.6g} was expected."
    return _wrong(Kind.VALUES, f"{message} {worst}")


class TimeLimitExceeded(BaseException):
    """Raised in learner code past its time limit (``except Exception`` misses it)."""


def _run(function: Callable, args: tuple, seconds: float) -> object:
    """``function(*args)``, warnings silenced, stopped after ``seconds``."""
    main = threading.current_thread() is threading.main_thread()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # an overflow is named as inf, not warned
        if main and hasattr(signal, "setitimer"):
            return _with_alarm(function, args, seconds)
        return _in_thread(function, args, seconds)


def _with_alarm(function: Callable, args: tuple, seconds: float) -> object:
    """Call ``function(*args)``, interrupted by SIGALRM after ``seconds``."""

    def stop(signum: int, frame: object) -> None:
        raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _in_thread(function: Callable, args: tuple, seconds: float) -> object:
    """Call ``function(*args)`` in a daemon thread, abandoned after ``seconds``."""
    result: dict[str, object] = {}

    def target() -> None:
        try:
            with np.errstate(all="ignore"):  # error states are per thread
                result["value"] = function(*args)
        except BaseException as exc:  # handed over to the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeLimitExceeded
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]


def _copy(args: tuple) -> tuple:
    """Fresh copies of the arrays: learner code cannot change the originals."""
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _as_tuple(value: object) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _same(got: object, other: object, rtol: float, atol: float) -> bool:
    """Whether two results (arrays or tuples of arrays) agree."""
    got, other = _as_tuple(got), _as_tuple(other)
    return len(got) == len(other) and all(
        diagnose(g, o, rtol=rtol, atol=atol) for g, o in zip(got, other, strict=True)
    )


def _mistake(wrong: Callable, args: tuple, seconds: float) -> object:
    """A known mistake's result, or None where the mistake itself cannot run."""
    try:
        return _run(wrong, _copy(args), seconds)
    except (Exception, TimeLimitExceeded):  # e.g. a shape error on this case
        return None


def check_function(
    function: Callable[..., object],
    reference: Callable[..., object],
    cases: Sequence[tuple],
    *,
    name: str | None = None,
    output_names: Sequence[str] | None = None,
    mistakes: Mapping[str, Callable[..., object]] | None = None,
    factor_hints: Mapping[float, str] | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    time_limit: float = 10.0,
) -> Feedback:
    """Run the learner's ``function`` and a correct ``reference`` and compare.

    ``cases`` holds the positional arguments, one tuple per case; every call gets
    fresh copies of the arrays, so a function working in place spoils nothing.
    ``name`` is how messages call the function (default its ``__name__``);
    ``output_names`` names the elements of a returned tuple, e.g. ``("d_x",
    "d_W")``, each diagnosed on its own. ``mistakes`` maps the sentence that
    explains a known wrong implementation to it: a match gets ``Kind.MISTAKE``.
    ``factor_hints``, ``rtol`` and ``atol`` go on to :func:`diagnose`; the
    function may run ``time_limit`` seconds per case (``Kind.TIMEOUT``). Passed
    when every output matches on every case; otherwise the first failing case,
    with the other wrong outputs as notes.
    """
    label = name or getattr(function, "__name__", "your function")
    n = len(cases)
    for k, args in enumerate(cases, start=1):
        where = f"{label}, case {k} of {n}"
        expected = reference(*_copy(args))
        try:
            got = _run(function, _copy(args), time_limit)
        except TimeLimitExceeded:
            message = f"{where}: no result after {time_limit:g} s. Look for a loop"
            return _wrong(Kind.TIMEOUT, f"{message} that never ends.", case=k)
        except Exception as exc:  # the learner's code may raise anything
            message = f"{where}: raised {type(exc).__name__}: {exc}"
            return _wrong(Kind.EXCEPTION, message, case=k, exception=exc)
        if output_names is None:
            names, got_all, want_all = ("your result",), (got,), (expected,)
        elif isinstance(got, tuple) and len(got) == len(output_names):
            names, got_all, want_all = output_names, got, expected
        else:
            wanted = ", ".join(output_names)
            message = f"{where}: should return a tuple ({wanted}), got {describe(got)}."
            return _wrong(Kind.WRONG_TYPE, message, case=k)
        verdicts = [
            diagnose(g, w, name=o, rtol=rtol, atol=atol, factor_hints=factor_hints)
            for o, g, w in zip(names, got_all, want_all, strict=True)
        ]
        failures = [v for v in verdicts if not v]
        if not failures:
            continue
        for description, wrong in (mistakes or {}).items():
            if _same(got, _mistake(wrong, args, time_limit), rtol, atol):
                return _wrong(Kind.MISTAKE, f"{where}: {description}", case=k)
        first = failures[0]
        notes = tuple(f.message for f in failures[1:])
        message = f"{where}: {first.message}"
        return dataclasses.replace(first, message=message, case=k, notes=notes)
    message = f"{label} gives the reference result on all {n} test cases."
    return Feedback(True, Kind.CORRECT, message)
