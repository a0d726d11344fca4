"""Input validation shared by every module of :mod:`lecture_utils`.

Every public function of the package checks its arguments with these helpers,
so that bad input is answered with one kind of message everywhere: the
function, the argument, what was expected, what arrived and, where it helps,
how to fix it::

    affine_forward: x has 5 features (shape (4, 5)) but W expects 3 (shape (3, 2))

The helpers raise :class:`TypeError` for the wrong kind of object (a string
where numbers were expected, a float where an integer count was expected) and
:class:`ValueError` for the right kind with a wrong value (wrong shape,
non-finite entries, a negative variance, probabilities that do not sum to one).

Examples
--------
>>> import numpy as np
>>> from lecture_utils.validation import as_float_array, check_shape
>>> x = as_float_array([[1, 2, 3]], func="demo", name="x", ndim=2)
>>> x.dtype
dtype('float64')
>>> check_shape(x, (None, 3), func="demo", name="x")
>>> check_shape(x, (None, 4), func="demo", name="x")
Traceback (most recent call last):
...
ValueError: demo: x must have shape (*, 4), got shape (1, 3)
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

__all__ = [
    "as_float_array",
    "check_design",
    "check_finite",
    "check_int",
    "check_positive",
    "check_probabilities",
    "check_shape",
    "check_xy",
    "format_shape",
]


def format_shape(shape: Sequence[int | None]) -> str:
    """Format a shape pattern, writing ``None`` (any length) as ``*``.

    Parameters
    ----------
    shape : sequence of int or None
        A shape, possibly with wildcards.

    Returns
    -------
    str
        The shape as Python would print a tuple, with ``*`` for wildcards.

    Examples
    --------
    >>> format_shape((None, 3))
    '(*, 3)'
    >>> format_shape((5,))
    '(5,)'
    >>> format_shape(())
    '()'
    """
    parts = ["*" if s is None else str(s) for s in shape]
    if len(parts) == 1:
        return f"({parts[0]},)"
    return "(" + ", ".join(parts) + ")"


def as_float_array(
    x: object,
    *,
    func: str,
    name: str,
    ndim: int | Sequence[int] | None = None,
    finite: bool = True,
    allow_empty: bool = True,
) -> np.ndarray:
    """Convert ``x`` to a float64 array, checking its kind, rank and values.

    Parameters
    ----------
    x : array_like
        Real numbers: a scalar, a (nested) list or an array of bool, integer or
        floating dtype.
    func : str
        Name of the calling function, used in the message.
    name : str
        Name of the argument, used in the message.
    ndim : int or sequence of int, optional
        Allowed numbers of dimensions. ``None`` (default) allows any.
    finite : bool, default True
        Require every entry to be finite (no nan, no +-inf).
    allow_empty : bool, default True
        Allow arrays with zero entries.

    Returns
    -------
    numpy.ndarray
        A float64 array (a copy only if a conversion was needed).

    Raises
    ------
    TypeError
        If ``x`` is not numeric (strings, objects, complex numbers).
    ValueError
        If the rank is not allowed, the array is empty when it must not be, or
        an entry is non-finite when ``finite`` is set.

    Examples
    --------
    >>> as_float_array(3, func="f", name="x").shape
    ()
    >>> as_float_array("abc", func="f", name="x")
    Traceback (most recent call last):
    ...
    TypeError: f: x must be real numbers, got an array of dtype <U3
    >>> as_float_array([1.0, float("nan")], func="f", name="x")
    Traceback (most recent call last):
    ...
    ValueError: f: x must be finite, but entry [1] is nan
    """
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested lists
        raise TypeError(f"{func}: {name} must be a rectangular array of numbers ({exc})") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.floating)
        or np.issubdtype(arr.dtype, np.integer)
        or arr.dtype == np.bool_
    ):
        raise TypeError(f"{func}: {name} must be real numbers, got an array of dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(
                f"{func}: {name} must have {want} dimension(s), got {arr.ndim} (shape {arr.shape})"
            )
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{func}: {name} must not be empty, got shape {arr.shape}")
    if finite:
        check_finite(arr, func=func, name=name)
    return arr


def check_finite(arr: np.ndarray, *, func: str, name: str) -> None:
    """Raise ``ValueError`` naming the first non-finite entry of ``arr``.

    Parameters
    ----------
    arr : numpy.ndarray
        Array of floats.
    func, name : str
        Calling function and argument, for the message.

    Examples
    --------
    >>> import numpy as np
    >>> check_finite(np.array([[0.0, np.inf]]), func="f", name="A")
    Traceback (most recent call last):
    ...
    ValueError: f: A must be finite, but entry [0, 1] is inf
    """
    bad = ~np.isfinite(arr)
    if np.any(bad):
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = "[" + ", ".join(str(i) for i in index) + "]" if index else "(the scalar)"
        raise ValueError(f"{func}: {name} must be finite, but entry {where} is {arr[index]}")


def check_shape(
    arr: np.ndarray,
    expected: Sequence[int | None],
    *,
    func: str,
    name: str,
    hint: str = "",
) -> None:
    """Check ``arr.shape`` against a pattern in which ``None`` matches any length.

    Parameters
    ----------
    arr : numpy.ndarray
        The array to check.
    expected : sequence of int or None
        The expected shape; ``None`` entries match any length.
    func, name : str
        Calling function and argument, for the message.
    hint : str, optional
        A sentence on how to fix it, appended to the message.

    Raises
    ------
    ValueError
        If the rank or any fixed length differs.

    Examples
    --------
    >>> import numpy as np
    >>> check_shape(np.zeros((2, 3)), (3, 2), func="f", name="W", hint="Transpose W.")
    Traceback (most recent call last):
    ...
    ValueError: f: W must have shape (3, 2), got shape (2, 3). Transpose W.
    """
    shape = np.shape(arr)
    ok = len(shape) == len(expected) and all(
        e is None or e == s for e, s in zip(expected, shape, strict=True)
    )
    if not ok:
        message = (
            f"{func}: {name} must have shape {format_shape(expected)}, "
            f"got shape {format_shape(shape)}"
        )
        raise ValueError(message + (f". {hint}" if hint else ""))


def check_positive(value: object, *, func: str, name: str, strict: bool = True) -> float:
    """Return ``value`` as a float after checking it is a finite positive number.

    Parameters
    ----------
    value : real number
        The value to check (a variance, a step size, a constant k...).
    func, name : str
        Calling function and argument, for the message.
    strict : bool, default True
        Require ``value > 0``; with ``False`` require ``value >= 0``.

    Returns
    -------
    float

    Examples
    --------
    >>> check_positive(0.5, func="f", name="h")
    0.5
    >>> check_positive(0.0, func="f", name="h")
    Traceback (most recent call last):
    ...
    ValueError: f: h must be a finite number > 0, got 0.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: {name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if not np.isfinite(v) or (v <= 0 if strict else v < 0):
        raise ValueError(
            f"{func}: {name} must be a finite number {'>' if strict else '>='} 0, got {v}"
        )
    return v


def check_int(value: object, *, func: str, name: str, minimum: int | None = None) -> int:
    """Return ``value`` as an int after checking it is an integer ``>= minimum``.

    Floats such as ``3.0`` are refused: a count given as a float is usually a bug.

    Examples
    --------
    >>> check_int(3, func="f", name="degree", minimum=0)
    3
    >>> check_int(2.5, func="f", name="degree")
    Traceback (most recent call last):
    ...
    TypeError: f: degree must be an integer, got float 2.5
    >>> check_int(-1, func="f", name="size", minimum=0)
    Traceback (most recent call last):
    ...
    ValueError: f: size must be an integer >= 0, got -1
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{func}: {name} must be an integer, got {type(value).__name__} {value!r}")
    v = int(value)
    if minimum is not None and v < minimum:
        raise ValueError(f"{func}: {name} must be an integer >= {minimum}, got {v}")
    return v


def check_probabilities(p: object, *, func: str, name: str, atol: float = 1e-8) -> np.ndarray:
    """Check a probability vector and return it as float64, renormalised.

    Parameters
    ----------
    p : array_like, shape (K,)
        Non-negative finite numbers that sum to one within ``atol``.
    func, name : str
        Calling function and argument, for the message.
    atol : float, default 1e-8
        Allowed deviation of ``sum(p)`` from one. Rounding in floating point
        makes sums like ``0.1 + 0.2 + 0.7`` differ from 1 by about 1e-16; the
        returned vector is divided by its sum so such vectors are exact enough
        for sampling.

    Returns
    -------
    numpy.ndarray, shape (K,)

    Examples
    --------
    >>> check_probabilities([0.3, 0.2, 0.5], func="f", name="p")
    array([0.3, 0.2, 0.5])
    >>> check_probabilities([0.5, -0.1, 0.6], func="f", name="p")
    Traceback (most recent call last):
    ...
    ValueError: f: p must be non-negative, but entry [1] is -0.1
    >>> check_probabilities([0.5, 0.4], func="f", name="p")
    Traceback (most recent call last):
    ...
    ValueError: f: p must sum to 1, got sum 0.9; divide by p.sum() if these are weights
    """
    arr = as_float_array(p, func=func, name=name, ndim=1, allow_empty=False)
    negative = np.flatnonzero(arr < 0)
    if negative.size:
        i = int(negative[0])
        raise ValueError(f"{func}: {name} must be non-negative, but entry [{i}] is {arr[i]}")
    total = float(arr.sum())
    if total == 0.0:
        raise ValueError(f"{func}: {name} sums to zero; at least one probability must be positive")
    if abs(total - 1.0) > atol:
        raise ValueError(
            f"{func}: {name} must sum to 1, got sum {total:.6g}; "
            f"divide by {name}.sum() if these are weights"
        )
    return arr / total


def check_xy(x: object, y: object, *, func: str) -> tuple[np.ndarray, np.ndarray]:
    """Check 1-D inputs ``x`` and targets ``y`` of equal length; return them as float64.

    Examples
    --------
    >>> check_xy([1, 2, 3], [1, 2], func="f")
    Traceback (most recent call last):
    ...
    ValueError: f: x has 3 entries (shape (3,)) but y has 2 (shape (2,)); pass one target per input
    """
    x = as_float_array(x, func=func, name="x", ndim=1)
    y = as_float_array(y, func=func, name="y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(
            f"{func}: x has {x.size} entries (shape {format_shape(x.shape)}) but y has "
            f"{y.size} (shape {format_shape(y.shape)}); pass one target per input"
        )
    return x, y


def check_design(Phi: object, y: object, *, func: str) -> tuple[np.ndarray, np.ndarray]:
    """Check a design matrix ``Phi`` (N, D), D >= 1, and targets ``y`` (N,).

    Examples
    --------
    >>> check_design(np.ones((3, 2)), [1.0, 2.0], func="f")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: f: Phi has 3 rows (shape (3, 2)) but y has 2 entries (shape (2,)); Phi needs...
    """
    Phi = as_float_array(Phi, func=func, name="Phi", ndim=2)
    y = as_float_array(y, func=func, name="y", ndim=1)
    if Phi.shape[0] != y.shape[0]:
        raise ValueError(
            f"{func}: Phi has {Phi.shape[0]} rows (shape {format_shape(Phi.shape)}) but y has "
            f"{y.shape[0]} entries (shape {format_shape(y.shape)}); Phi needs one row of "
            "features per data point"
        )
    if Phi.shape[1] == 0:
        raise ValueError(
            f"{func}: Phi has no columns (shape {format_shape(Phi.shape)}); it needs at least "
            "one feature"
        )
    return Phi, y
