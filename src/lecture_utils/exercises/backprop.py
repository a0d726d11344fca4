"""Checkers for the exercises of the backpropagation chapter (homework, slides 29-35).

* :func:`check_logsumexp` -- a stable ``log(sum(exp(x)))`` (homework problem 3);
* :func:`check_softmax` -- a stable softmax (homework problem 4);
* :func:`check_affine_forward` -- ``out = x @ W + b`` for a batch ``x [N, D]``;
* :func:`check_affine_backward` -- ``(d_x, d_W, d_b)`` from ``d_out [N, H]``.

Each checker runs the learner's function on prepared inputs (including the
overflowing ``[1000, 1001, 1002]`` and underflowing ``[-1000, -1001]`` for the
homework problems), compares with :mod:`lecture_utils.special` /
:mod:`lecture_utils.layers`, and names the likely mistake: overflow, underflow,
a forgotten shift, a transposed ``W``, a bias gradient not summed over the
batch, the gradients returned in the wrong order.

Examples
--------
>>> import numpy as np
>>> def naive(x):
...     return np.log(np.sum(np.exp(x)))
>>> print(check_logsumexp(naive))  # doctest: +ELLIPSIS
Not yet: naive returned inf for x = [1000. 1001. 1002.]: exp(1000) overflows...
>>> def backward(d_out, cache):
...     x, W, b = cache
...     return d_out @ W.T, x.T @ d_out, d_out.sum(axis=0)
>>> print(check_affine_backward(backward))
Correct: backward gives the reference result on all 3 test cases.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from ..layers import affine_backward, affine_forward
from ..special import logsumexp, softmax
from . import Feedback, diagnose_array

__all__ = [
    "check_affine_backward",
    "check_affine_forward",
    "check_logsumexp",
    "check_softmax",
]

#: Inputs of the homework problems: ordinary, overflowing, underflowing, mixed.
STABILITY_CASES: list[np.ndarray] = [
    np.array([0.5, -1.0, 2.0, 0.0]),
    np.array([1000.0, 1001.0, 1002.0]),
    np.array([-1000.0, -1001.0]),
    np.array([-800.0, 0.0, 800.0]),
]


def _name(function: Callable, default: str) -> str:
    return getattr(function, "__name__", default)


def _run_quietly(function: Callable, *args):
    """Call the learner's code with floating-point warnings silenced (they are diagnosed)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(*(np.array(a, copy=True) if isinstance(a, np.ndarray) else a
                          for a in args))


def _format(x: np.ndarray) -> str:
    return np.array2string(x, precision=4, separator=" ")


# --------------------------------------------------------------------------
# Homework problem 3: log-sum-exp
# --------------------------------------------------------------------------
def check_logsumexp(function: Callable[[np.ndarray], object]) -> Feedback:
    """Check a learner's ``logsumexp(x)`` for a 1-D array ``x``.

    Parameters
    ----------
    function : callable
        ``function(x) -> float`` computing ``log(sum(exp(x)))``.

    Returns
    -------
    Feedback
        Passed when the result is within ``1e-12`` (relative) of
        :func:`lecture_utils.special.logsumexp` on all of
        :data:`STABILITY_CASES`; otherwise names overflow (``inf``),
        underflow (``-inf``), a forgotten ``+ a`` or a wrong shift.

    Examples
    --------
    >>> def stable(x):
    ...     a = np.max(x)
    ...     return a + np.log(np.sum(np.exp(x - a)))
    >>> print(check_logsumexp(stable))
    Correct: stable gives the reference result on all 4 test cases.
    """
    label = _name(function, "your logsumexp")
    for k, x in enumerate(STABILITY_CASES, start=1):
        want = float(logsumexp(x))
        try:
            got = _run_quietly(function, x)
        except Exception as exc:  # the learner's code may raise anything
            return Feedback(False, [f"{label} raised {type(exc).__name__}: {exc} for "
                                    f"x = {_format(x)}"])
        if got is None:
            return Feedback(False, [f"{label} returned None. Did it forget to `return`?"])
        try:
            value = float(np.asarray(got, dtype=float).reshape(()))
        except (TypeError, ValueError):
            return Feedback(False, [f"{label} should return one number, got "
                                    f"{type(got).__name__} of shape {np.shape(got)}"])
        prefix = f"{label} returned {value} for x = {_format(x)}"
        if value == np.inf:
            return Feedback(False, [f"{prefix}: exp(1000) overflows to inf. Subtract "
                                    "a = max(x) before exponentiating: log Σ e^x_i = "
                                    "a + log Σ e^(x_i − a)."])
        if value == -np.inf:
            return Feedback(False, [f"{prefix}: every exp(x_i) underflowed to 0 and log(0) = "
                                    "-inf. Shift by a = max(x): the largest term becomes "
                                    "e^0 = 1, so the sum is at least 1."])
        if not np.isfinite(value):
            return Feedback(False, [f"{prefix}. Look for inf − inf or 0/0; shift by "
                                    "a = max(x) first."])
        if np.isclose(value, want - np.max(x), rtol=1e-12, atol=1e-12) and np.max(x) != 0:
            return Feedback(False, [f"{prefix}, expected {want:.10g}: that is log Σ e^(x_i − a) "
                                    "without the shift added back. Return a + log Σ e^(x_i − a)."])
        if not np.isclose(value, want, rtol=1e-12, atol=1e-12):
            return Feedback(False, [f"{prefix}, expected {want:.10g} (case {k} of "
                                    f"{len(STABILITY_CASES)})."])
    return Feedback(True, [f"{label} gives the reference result on all "
                           f"{len(STABILITY_CASES)} test cases."])


# --------------------------------------------------------------------------
# Homework problem 4: softmax
# --------------------------------------------------------------------------
def check_softmax(function: Callable[[np.ndarray], object]) -> Feedback:
    """Check a learner's ``softmax(x)`` for a 1-D array ``x``.

    Parameters
    ----------
    function : callable
        ``function(x) -> array`` of the same shape, ``e^x_i / Σ_j e^x_j``.

    Returns
    -------
    Feedback
        Passed when the result matches :func:`lecture_utils.special.softmax`
        on all of :data:`STABILITY_CASES`; otherwise names ``nan`` from
        ``inf/inf`` (overflow) or ``0/0`` (underflow), a missing
        normalisation, or the wrong shape.

    Examples
    --------
    >>> def naive(x):
    ...     return np.exp(x) / np.sum(np.exp(x))
    >>> print(check_softmax(naive))  # doctest: +ELLIPSIS
    Not yet: naive gives nan for x = [1000. 1001. 1002.]: exp(1000) overflows, inf / inf = nan...
    """
    label = _name(function, "your softmax")
    for k, x in enumerate(STABILITY_CASES, start=1):
        want = softmax(x)
        try:
            got = _run_quietly(function, x)
        except Exception as exc:  # the learner's code may raise anything
            return Feedback(False, [f"{label} raised {type(exc).__name__}: {exc} for "
                                    f"x = {_format(x)}"])
        try:
            arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            arr = None
        if got is not None and arr is not None and arr.shape == want.shape and not np.all(
            np.isfinite(arr)
        ):
            if np.max(x) > 700:
                cause = "exp(1000) overflows, inf / inf = nan"
            else:
                cause = "every exp(x_i) underflows to 0, 0 / 0 = nan"
            return Feedback(False, [f"{label} gives nan for x = {_format(x)}: {cause}. "
                                    "Multiply numerator and denominator by e^(−a) with "
                                    "a = max(x): softmax(x) = softmax(x − a)."])
        if got is not None and arr is not None and arr.shape == want.shape and not np.isclose(
            arr.sum(), 1.0
        ) and np.allclose(arr / arr.sum(), want):
            return Feedback(False, [f"{label}: for x = {_format(x)} the result sums to "
                                    f"{arr.sum():.4g}, not 1. Divide by the sum over all "
                                    "entries."])
        fb = diagnose_array(got, want, name=f"{label}(x) for x = {_format(x)}", rtol=1e-10,
                            atol=1e-300)
        if not fb:
            return Feedback(False, [f"case {k} of {len(STABILITY_CASES)}: " + fb.messages[0]])
    return Feedback(True, [f"{label} gives the reference result on all "
                           f"{len(STABILITY_CASES)} test cases."])


# --------------------------------------------------------------------------
# The affine layer
# --------------------------------------------------------------------------
def _affine_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """(x, W, b, d_out) with N != D != H (shape mistakes show) and one square case."""
    rng = np.random.default_rng(2017)
    cases = []
    for N, D, H in [(4, 3, 2), (5, 2, 6), (3, 3, 3)]:
        cases.append((rng.normal(size=(N, D)), rng.normal(size=(D, H)), rng.normal(size=H),
                      rng.normal(size=(N, H))))
    return cases


def check_affine_forward(function: Callable[..., object]) -> Feedback:
    """Check a learner's ``affine_forward(x, W, b)``.

    The function may return ``out`` or the pair ``(out, cache)``; only
    ``out`` (shape ``[N, H]``) is checked.

    Parameters
    ----------
    function : callable
        ``function(x, W, b)`` with ``x [N, D]``, ``W [D, H]``, ``b [H]``.

    Returns
    -------
    Feedback
        Names a transposed result, a forgotten bias, ``W`` used transposed.

    Examples
    --------
    >>> print(check_affine_forward(lambda x, W, b: x @ W))  # doctest: +ELLIPSIS
    Not yet: <lambda>, case 1 of 3 (x (4, 3), W (3, 2), b (2,)): out is x @ W without the bias...
    """
    label = _name(function, "your affine_forward")
    cases = _affine_cases()
    for k, (x, W, b, _) in enumerate(cases, start=1):
        want = x @ W + b
        where = f"{label}, case {k} of {len(cases)} (x {x.shape}, W {W.shape}, b {b.shape})"
        try:
            got = _run_quietly(function, x, W, b)
        except Exception as exc:  # the learner's code may raise anything
            return Feedback(False, [f"{where}: raised {type(exc).__name__}: {exc}. "
                                    "With x [N, D] and W [D, H], x @ W is [N, H]."])
        if isinstance(got, tuple) and len(got) == 2:
            got = got[0]
        arr = _as_array(got)
        if arr is not None and arr.shape == want.shape:
            if np.allclose(arr, x @ W):
                return Feedback(False, [f"{where}: out is x @ W without the bias: add b "
                                        "(it broadcasts over the rows)."])
            if W.shape[0] == W.shape[1] and np.allclose(arr, x @ W.T + b):
                return Feedback(False, [f"{where}: out is x @ W.T + b; the homework's "
                                        "a_i = Wᵀx_i + b is row i of x @ W + b."])
        fb = diagnose_array(got, want, name="out")
        if not fb:
            return Feedback(False, [f"{label}, case {k} of {len(cases)}: " + fb.messages[0]])
    return Feedback(True, [f"{label} gives the reference result on all {len(cases)} test "
                           "cases."])


def _as_array(value: object) -> np.ndarray | None:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def check_affine_backward(function: Callable[..., object]) -> Feedback:
    """Check a learner's ``affine_backward(d_out, cache)``.

    Parameters
    ----------
    function : callable
        ``function(d_out, cache) -> (d_x, d_W, d_b)`` where
        ``cache = (x, W, b)`` as stored by the forward pass.

    Returns
    -------
    Feedback
        Compared with :func:`lecture_utils.layers.affine_backward` on three
        cases (one with ``N = D = H``, where a transpose keeps the shape).
        Names the typical mistakes: ``d_W`` transposed (``d_out.T @ x``),
        ``d_b`` not summed over the batch or averaged instead of summed,
        ``d_x`` using ``W`` instead of ``W.T``, gradients returned in another
        order than the forward arguments, wrong shapes.

    Examples
    --------
    >>> def forgot_sum(d_out, cache):
    ...     x, W, b = cache
    ...     return d_out @ W.T, x.T @ d_out, d_out
    >>> print(check_affine_backward(forgot_sum))  # doctest: +ELLIPSIS
    Not yet: forgot_sum, case 1 of 3: d_b has shape (4, 2) but should have shape (2,): ...
    """
    label = _name(function, "your affine_backward")
    cases = _affine_cases()
    names = ("d_x", "d_W", "d_b")
    for k, (x, W, b, d_out) in enumerate(cases, start=1):
        want = affine_backward(d_out, affine_forward(x, W, b)[1])
        head = f"{label}, case {k} of {len(cases)}"
        try:
            got = _run_quietly(function, d_out, (x.copy(), W.copy(), b.copy()))
        except Exception as exc:  # the learner's code may raise anything
            return Feedback(False, [f"{head}: raised {type(exc).__name__}: {exc}. Shapes: "
                                    f"x {x.shape}, W {W.shape}, d_out {d_out.shape}; "
                                    "d_x = d_out @ W.T is [N, D], d_W = x.T @ d_out is "
                                    "[D, H], d_b = d_out.sum(axis=0) is [H]."])
        if not isinstance(got, tuple | list) or len(got) != 3:
            return Feedback(False, [f"{head}: should return a tuple (d_x, d_W, d_b), got "
                                    f"{type(got).__name__}"
                                    + (f" of length {len(got)}" if isinstance(got, tuple | list)
                                       else "")])
        arrays = [_as_array(g) for g in got]
        shapes = [None if a is None else a.shape for a in arrays]
        want_shapes = [w.shape for w in want]
        if shapes != want_shapes and sorted(map(str, shapes)) == sorted(map(str, want_shapes)):
            return Feedback(False, [f"{head}: the shapes {shapes} are those of (d_x, d_W, d_b) "
                                    f"{want_shapes} in another order. Return the gradients in "
                                    "the order of the forward arguments: (d_x, d_W, d_b)."])
        messages = []
        for name, g, a, w in zip(names, got, arrays, want, strict=True):
            hint = _affine_hint(name, a, w, x, W, d_out)
            if hint:
                messages.append(hint)
                continue
            fb = diagnose_array(g, w, name=name)
            if not fb:
                messages.extend(fb.messages)
        if messages:
            return Feedback(False, [f"{head}: {messages[0]}", *messages[1:]])
    return Feedback(True, [f"{label} gives the reference result on all {len(cases)} test "
                           "cases."])


def _affine_hint(name: str, a: np.ndarray | None, want: np.ndarray, x: np.ndarray,
                 W: np.ndarray, d_out: np.ndarray) -> str | None:
    """Recognise the classic affine-backward mistakes by recomputing them."""
    if a is None or (a.shape == want.shape and np.allclose(a, want)):
        return None
    N = x.shape[0]
    if name == "d_b" and a.shape == want.shape and N > 1 and np.allclose(a, want / N):
        return (f"d_b is the mean of d_out over the batch, 1/{N} of the expected value. "
                "The bias is used by every example, so its gradient is the sum: "
                "d_out.sum(axis=0).")
    if (name == "d_W" and a.shape != want.shape and a.shape == want.shape[::-1]
            and np.allclose(a, d_out.T @ x)):
        return (f"d_W has shape {a.shape} but should have shape {want.shape} like W: it is "
                "d_out.T @ x, the transpose. Use x.T @ d_out.")
    if name == "d_W" and a.shape == want.shape and a.shape[0] == a.shape[1] and np.allclose(
        a, want.T
    ):
        return ("d_W is the transpose of the expected matrix (same shape because D = H). "
                "Use x.T @ d_out: entry [d, h] sums x[n, d] d_out[n, h] over the batch.")
    if name == "d_x" and a.shape == want.shape and W.shape[0] == W.shape[1] and np.allclose(
        a, d_out @ W
    ):
        return "d_x is d_out @ W; it should be d_out @ W.T (W is [D, H], d_x is [N, D])."
    return None
