"""Argument checks at the public boundary of :mod:`lecture_utils` (private).

Every public function checks its arguments once, on entry; internal calls trust
them. A message reads "func: name must be <expected>, got <got>. <fix>", e.g.
``fit_mle: y must have shape (20,), got shape (19,).`` ``TypeError`` means the
wrong kind of object (text, a complex number, a bool for a count); ``ValueError``
a wrong value (a shape, a nan, a negative variance, a size over a cap).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import NoReturn

import numpy as np

Shape = Sequence[int | None]
#: Cap on the floats one call allocates (400 MB): a clear error instead of a
#: MemoryError or minutes of swapping.
MAX_ENTRIES = 50_000_000


def fail(
    func: str,
    name: str,
    expected: str,
    got: str,
    fix: str = "",
    error: type = ValueError,
) -> NoReturn:
    """Raise ``error("func: name must be <expected>, got <got>. <fix>")``."""
    tail = f" {fix}" if fix else ""
    raise error(f"{func}: {name} must be {expected}, got {got}.{tail}")


def format_shape(shape: Shape) -> str:
    """``(3, None)`` -> ``'(3, *)'``, ``(5,)`` -> ``'(5,)'``."""
    parts = ["*" if s is None else str(s) for s in shape]
    return f"({parts[0]},)" if len(parts) == 1 else "(" + ", ".join(parts) + ")"


def describe(value: object) -> str:
    """A short description of what arrived, for the "got ..." part of a message."""
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {format_shape(value.shape)}"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def as_array(
    x: object,
    func: str,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape: Shape | None = None,
    finite: bool = True,
    nonempty: bool = False,
    positive: bool = False,
) -> np.ndarray:
    """``x`` as a float64 array, after checking its kind, rank, shape and values.

    Bool, integer and float dtypes are converted; None, text, objects, ragged
    lists and complex numbers raise ``TypeError``. ``shape`` may contain
    ``None`` for "any length"; ``positive`` asks for every entry ``> 0``.
    """
    if x is None:
        fail(func, name, "an array of real numbers", "None", error=TypeError)
    try:
        arr = np.asarray(x)
    except ValueError:
        ragged = "a ragged nested list"
        fail(func, name, "a rectangular array of numbers", ragged, error=TypeError)
    if np.iscomplexobj(arr):
        fix = "Take .real if the imaginary part is meant to be zero."
        fail(func, name, "real numbers", "complex numbers", fix, TypeError)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        got = f"an array of dtype {arr.dtype}"
        fail(func, name, "real numbers", got, error=TypeError)
    arr = arr.astype(np.float64, copy=False)
    got = f"shape {format_shape(arr.shape)}"
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and arr.ndim not in allowed:
        want = " or ".join(map(str, allowed))
        fail(func, name, f"an array with {want} axes", f"{arr.ndim} axes ({got})")
    if shape is not None and not (
        arr.ndim == len(shape)
        and all(s in (None, a) for s, a in zip(shape, arr.shape, strict=False))
    ):
        fail(func, name, f"of shape {format_shape(shape)}", got)
    if nonempty and arr.size == 0:
        fail(func, name, "non-empty", got)
    for wanted, bad in [
        ("finite", ~np.isfinite(arr) if finite else None),
        ("> 0", ~(arr > 0) if positive else None),
    ]:
        if bad is not None and np.any(bad):
            index = np.unravel_index(np.argmax(bad), arr.shape)
            where = f"[{', '.join(map(str, index))}]" if index else "(the scalar)"
            fail(func, name, wanted, f"{arr[index]} at entry {where}")
    return arr


def as_scalar(
    x: object,
    func: str,
    name: str,
    *,
    positive: bool = False,
    nonnegative: bool = False,
    finite: bool = True,
) -> float:
    """A real number as ``float``; bools, complex numbers and arrays are refused."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x[()]
    if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Real):
        fail(func, name, "a real number", describe(x), error=TypeError)
    v = float(x)
    for wanted, bad in [
        ("a finite number", finite and not np.isfinite(v)),
        ("a number > 0", positive and not v > 0),
        ("a number >= 0", nonnegative and not v >= 0),
    ]:
        if bad:
            fail(func, name, wanted, repr(v))
    return v


def as_int(
    x: object,
    func: str,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """An integer as ``int``; bools and floats (even ``3.0``) are refused."""
    if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Integral):
        fail(func, name, "an integer", describe(x), error=TypeError)
    v = int(x)
    if minimum is not None and v < minimum:
        fail(func, name, f"an integer >= {minimum}", str(v))
    if maximum is not None and v > maximum:
        fix = "This limit keeps the computation within memory and time."
        fail(func, name, f"an integer <= {maximum:,}", f"{v:,}", fix)
    return v


def as_rng(rng: object, func: str) -> np.random.Generator:
    """NumPy SPEC 7: ``None`` (fresh entropy), a seed ``int >= 0``, a ``Generator``."""
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, bool | np.bool_) or not isinstance(rng, numbers.Integral):
        expected = "None, an integer seed >= 0 or a numpy.random.Generator"
        fix = "Create one with np.random.default_rng(seed)."
        fail(func, "rng", expected, describe(rng), fix, TypeError)
    if rng < 0:
        fail(func, "rng", "a seed >= 0", str(rng))
    return np.random.default_rng(int(rng))


def as_callable(f: object, func: str, name: str) -> Callable:
    """Check that ``f`` can be called."""
    if not callable(f):
        fail(func, name, "a function", describe(f), error=TypeError)
    return f


def call(
    f: Callable,
    args: tuple,
    func: str,
    name: str,
    *,
    shape: Shape | None = None,
    finite: bool = True,
    fix: str = "",
) -> np.ndarray:
    """``f(*args)``, checked by :func:`as_array` (complex values are refused, not cut
    to their real part); messages end with ``fix`` (by default, "Check the function
    passed as <name>.")."""
    out = f(*args)
    try:
        return as_array(
            out, func, f"the value of {name}(...)", shape=shape, finite=finite
        )
    except (TypeError, ValueError) as exc:
        tail = fix or f"Check the function passed as {name}."
        raise type(exc)(f"{exc} {tail}") from None


def check_choice(
    value: object, options: Sequence[object], func: str, name: str
) -> object:
    """Check that ``value`` is one of ``options``."""
    if not isinstance(value, str | int) or value not in options:
        fail(func, name, "one of " + ", ".join(map(repr, options)), describe(value))
    return value


def check_instance(
    obj: object, cls: type, func: str, name: str, fix: str = ""
) -> object:
    """Check that ``obj`` is an instance of ``cls`` (a container such as ``MLP``)."""
    if not isinstance(obj, cls):
        fail(func, name, f"a {cls.__name__}", describe(obj), fix, error=TypeError)
    return obj


def as_probabilities(
    p: object, func: str, name: str, *, atol: float = 1e-8
) -> np.ndarray:
    """A probability vector: 1-D, non-negative, summing to one within ``atol``;
    divided by its sum, so that ``0.1 + 0.2 + 0.7 != 1`` does not matter later."""
    arr = as_array(p, func, name, ndim=1, nonempty=True)
    if np.any(arr < 0):
        i = int(np.argmax(arr < 0))
        fail(func, name, "non-negative", f"{arr[i]} at entry [{i}]")
    total = float(arr.sum())
    if abs(total - 1.0) > atol:
        fix = f"Divide by {name}.sum() if these are weights."
        fail(func, name, "probabilities that sum to 1", f"sum {total:.6g}", fix)
    return arr / total
