"""Numerically stable log-sum-exp, softmax and log-softmax.

The naive formulas overflow and underflow long before the answer does::

    log(sum(exp([1000, 1001, 1002])))   ->  inf   (exp(1000) overflows)
    exp(x) / sum(exp(x)) at [-1000, -1001]  ->  nan   (0 / 0)

The two identities of the homework (slide 6) remove the problem: for any
constant ``a``

.. math::

    \\log \\sum_i e^{x_i} = a + \\log \\sum_i e^{x_i - a},
    \\qquad
    \\operatorname{softmax}(x) = \\operatorname{softmax}(x - a),

and with ``a = max(x)`` every exponent is ``<= 0`` (no overflow) and the largest
term is exactly ``e^0 = 1`` (the sum cannot underflow to 0).

This module goes one step further for accuracy: the sum is written as
``1 + r`` with ``r`` the sum of the *other* terms, and ``log(1 + r)`` is
evaluated with :func:`numpy.log1p`. When one term dominates (``r`` tiny),
``log(sum)`` would first round ``1 + r`` to the nearest double and keep only
about ``16 + log10(r)`` digits of the small result (6 for ``r = 1e-10``, none
for ``r < 1e-16``); ``log1p(r)`` keeps them all.

Examples
--------
>>> import numpy as np
>>> from lecture_utils.special import logsumexp, softmax, log_softmax
>>> float(logsumexp([1000.0, 1001.0, 1002.0]))
1002.4076059644444
>>> softmax([-1000.0, -1001.0]).round(4)
array([0.7311, 0.2689])
>>> log_softmax([0.0, -40.0])[0]          # -log1p(exp(-40)), not 0
np.float64(-4.248354255291589e-18)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from .validation import as_float_array

__all__ = ["log_softmax", "logsumexp", "softmax"]

Axis = int | Sequence[int] | None


def _normalize_axes(axis: Axis, ndim: int, func: str) -> tuple[int, ...]:
    """Return the reduction axes as a sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    if type(axis) is int and -ndim <= axis < ndim:  # fast path, the common case
        return (axis % ndim,)
    items = (axis,) if isinstance(axis, numbers.Integral) else axis
    try:
        items = tuple(items)
    except TypeError:
        raise TypeError(
            f"{func}: axis must be None, an integer or a tuple of integers, "
            f"got {type(axis).__name__} {axis!r}"
        ) from None
    out = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise TypeError(
                f"{func}: axis must be None, an integer or a tuple of integers, "
                f"got {type(a).__name__} {a!r}"
            )
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{func}: axis {a} is out of range for an array with {ndim} dimension(s); "
                f"use an axis between {-ndim} and {ndim - 1}"
                if ndim
                else f"{func}: axis {a} is out of range for a scalar; use axis=None"
            )
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{func}: axis {axis!r} repeats an axis")
    return tuple(sorted(out))


def _as_rows(x: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, list[int]]:
    """Return ``x`` as a 2-D ``[R, C]`` array whose rows are the reduction slices.

    The reduction axes are moved to the end (a view) and merged; the merge
    copies only when the layout requires it. Also returns the axis
    permutation used, to restore the shape of an element-wise result.
    """
    keep = [d for d in range(x.ndim) if d not in axes]
    perm = keep + list(axes)
    moved = x if perm == list(range(x.ndim)) else np.transpose(x, perm)
    n_cols = 1
    for d in axes:
        n_cols *= x.shape[d]
    n_rows = x.size // n_cols if n_cols else 0
    for d in keep:
        if x.shape[d] == 0:
            n_rows = 0
    return moved.reshape(n_rows, n_cols), perm


#: Entries (float64) per block of rows: 256 KiB, so that a block of the input,
#: the output and the scratch buffer (shift, exp, sum) stay in a 1 MiB L2 cache.
_BLOCK = 1 << 15


def _row_blocks(n_rows: int, n_cols: int) -> range:
    step = max(1, _BLOCK // max(n_cols, 1))
    return range(0, n_rows, step)


def _lse_rows(x2: np.ndarray, out: np.ndarray, log_softmax: bool) -> None:
    """Core of logsumexp / log_softmax over the rows of a non-empty ``[R, C]`` array.

    For each row, with ``a = max(x)`` and ``r`` the sum of ``exp(x_j - a)``
    over all ``j`` except one position of the maximum, writes
    ``a + log1p(r)`` into ``out[R]`` or, if ``log_softmax``, ``(x - a) -
    log1p(r)`` into ``out[R, C]``. Rows with a non-finite maximum (+inf or
    nan; all -inf) get ``a`` (logsumexp) or ``nan`` (log_softmax).
    Works block by block with one reused scratch buffer.
    """
    n_rows, n_cols = x2.shape
    starts = _row_blocks(n_rows, n_cols)
    step = starts.step
    buf = np.empty((min(step, n_rows), n_cols))
    every_row = np.arange(min(step, n_rows))
    for i in starts:
        xb = x2[i : i + step]
        r = xb.shape[0]
        rows = every_row[:r]
        idx = xb.argmax(axis=1)  # a NaN counts as the maximum
        a = xb[rows, idx]
        finite = np.isfinite(a)
        all_finite = bool(finite.all())
        shift = a if all_finite else np.where(finite, a, 0.0)
        terms = buf[:r]
        shifted = out[i : i + r] if log_softmax else terms
        np.subtract(xb, shift[:, None], out=shifted)
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            np.exp(shifted, out=terms)
            terms[rows, idx] = 0.0  # remove the exact 1 = e^0 of the maximum
            rest = terms.sum(axis=1)
            np.log1p(rest, out=rest)
        if log_softmax:
            if not all_finite:
                rest[~finite] = np.nan
            shifted -= rest[:, None]
        else:
            if not all_finite:
                rest[~finite] = 0.0
            np.add(rest, a, out=out[i : i + r])


def _softmax_rows(x2: np.ndarray, out: np.ndarray) -> None:
    """Softmax of each row of a non-empty ``[R, C]`` array into ``out``."""
    n_rows, n_cols = x2.shape
    starts = _row_blocks(n_rows, n_cols)
    for i in starts:
        xb = x2[i : i + starts.step]
        ob = out[i : i + xb.shape[0]]
        a = xb.max(axis=1)
        finite = np.isfinite(a)
        all_finite = bool(finite.all())
        if all_finite:
            np.subtract(xb, a[:, None], out=ob)
            np.exp(ob, out=ob)
            s = ob.sum(axis=1)
        else:
            with np.errstate(over="ignore", invalid="ignore", under="ignore"):
                np.subtract(xb, np.where(finite, a, 0.0)[:, None], out=ob)
                np.exp(ob, out=ob)
                s = ob.sum(axis=1)
            s[~finite] = np.nan  # inf/inf, 0/0 or nan: a nan row, silently
        ob /= s[:, None]


def _restore(result2: np.ndarray, shape: tuple[int, ...], perm: list[int]) -> np.ndarray:
    """Undo :func:`_as_rows` for an element-wise result."""
    if perm == list(range(len(shape))):
        return result2.reshape(shape)
    moved = result2.reshape([shape[d] for d in perm])
    return np.transpose(moved, np.argsort(perm))


def logsumexp(x: object, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    """Compute ``log(sum(exp(x)))`` without overflow, underflow or lost digits.

    Parameters
    ----------
    x : array_like, any shape
        Real numbers; ``-inf``, ``+inf`` and ``nan`` are allowed (see Notes).
        Converted to float64.
    axis : None, int or tuple of int, default None
        Axes to reduce over; ``None`` reduces over all entries.
    keepdims : bool, default False
        Keep the reduced axes with length 1, so the result broadcasts against
        ``x`` (``x - logsumexp(x, axis=1, keepdims=True)``).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Shape of ``x`` without the reduced axes (length 1 with ``keepdims``);
        a NumPy scalar when every axis is reduced without ``keepdims``.

    Raises
    ------
    TypeError
        If ``x`` is not numeric or ``axis`` is not an int/tuple of ints.
    ValueError
        If ``axis`` is out of range or repeats an axis.

    Notes
    -----
    With ``a = max_i x_i`` and ``r = sum_{i != i*} exp(x_i - a)`` (all terms but
    one occurrence ``i*`` of the maximum)

    .. math:: \\log\\sum_i e^{x_i} = a + \\log(1 + r) = a + \\operatorname{log1p}(r).

    Every exponent ``x_i - a <= 0`` so nothing overflows, and ``0 <= r <= n-1``.
    Using ``log1p(r)`` instead of ``log(sum)`` keeps full relative accuracy
    when one term dominates (``r`` tiny, result close to ``a``, e.g. close to 0
    when ``a = 0``). The error is a few ulps of the result plus the
    unavoidable ``eps * sum_i p_i |x_i - a|`` from rounding ``x_i - a``
    (``p = softmax(x)``), which only matters when the result itself is the
    small difference of large numbers (catastrophic cancellation between
    ``a`` and ``log1p(r)``; the problem is then ill-conditioned).

    Special values, designed to match the limits and never to warn:

    * all entries ``-inf`` (an empty sum of probabilities): ``-inf``;
    * any entry ``+inf`` (and no nan): ``+inf``;
    * any entry ``nan``: ``nan``;
    * an empty reduction (no entries): ``-inf``, the log of the empty sum 0.

    Cost: one ``argmax`` pass, one subtraction, one ``exp``, one sum; the
    temporaries are reused in place.

    Examples
    --------
    >>> float(logsumexp([1000.0, 1001.0, 1002.0]))
    1002.4076059644444
    >>> logsumexp([[0.0, 0.0], [-np.inf, -np.inf]], axis=1)
    array([0.69314718,       -inf])
    >>> float(logsumexp([0.0, -40.0]))      # log1p(e^-40): all digits kept
    4.248354255291589e-18
    >>> float(logsumexp([]))
    -inf
    """
    arr = as_float_array(x, func="logsumexp", name="x", finite=False)
    if arr.ndim == 1 and arr.size and (axis is None or (type(axis) is int and -1 <= axis <= 0)):
        i = arr.argmax()  # 1-D fast path: a NaN counts as the maximum
        a = arr[i]
        if math.isfinite(a):  # else +inf, nan, or -inf (all entries -inf): the answer is a
            terms = arr - a
            np.exp(terms, out=terms)
            terms[i] = 0.0
            a = a + math.log1p(terms.sum())
        return np.array([a]) if keepdims else a
    axes = _normalize_axes(axis, arr.ndim, "logsumexp")
    kept_shape = tuple(1 if d in axes else n for d, n in enumerate(arr.shape))
    out_shape = kept_shape if keepdims else tuple(
        n for d, n in enumerate(arr.shape) if d not in axes
    )
    x2, _ = _as_rows(arr, axes)
    if x2.shape[1] == 0:
        return np.full(out_shape, -np.inf)  # log of the empty sum
    out = np.empty(x2.shape[0])
    if out.size:
        _lse_rows(x2, out, log_softmax=False)
    return out.reshape(out_shape) if out_shape else out[0]


def softmax(x: object, axis: Axis = -1) -> np.ndarray:
    """Compute ``exp(x) / sum(exp(x))`` along ``axis`` without overflow.

    Parameters
    ----------
    x : array_like, any shape
        Real numbers (logits); ``nan`` and ``+-inf`` are allowed, see Notes.
    axis : None, int or tuple of int, default -1
        The axis (axes) along which the result sums to one. The default
        normalises each row of an ``[N, K]`` array of logits; ``None`` uses
        all entries.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; non-negative, summing to 1 along ``axis``.

    Raises
    ------
    TypeError, ValueError
        As :func:`logsumexp`.

    Notes
    -----
    Shift invariance ``softmax(x) = softmax(x - a)`` with ``a = max(x)``:

    .. math:: \\operatorname{softmax}(x)_i = \\frac{e^{x_i - a}}{\\sum_j e^{x_j - a}}.

    The denominator is ``>= 1`` (it contains ``e^0``), so there is neither
    overflow nor a division by an underflowed 0. Each entry is accurate to a
    few ulps times ``1 + |x_i - a| + sum_j p_j |x_j - a|``, the condition
    number of softmax for the shifted input (rounding ``x_i - a`` is the only
    error that grows with the input's scale).

    Special values (documented choice, no warnings): a slice that is
    all ``-inf``, or contains ``+inf`` or ``nan``, has no well-defined
    normalisation (0/0 or inf/inf) and gives a slice of ``nan``. Empty input
    gives an empty result.

    Examples
    --------
    >>> softmax([1000.0, 1001.0, 1002.0]).round(4)
    array([0.09  , 0.2447, 0.6652])
    >>> softmax([[1.0, 1.0], [-np.inf, -np.inf]])
    array([[0.5, 0.5],
           [nan, nan]])
    """
    arr = as_float_array(x, func="softmax", name="x", finite=False)
    if arr.ndim == 1 and arr.size and (axis is None or (type(axis) is int and -1 <= axis <= 0)):
        a = arr[arr.argmax()]  # 1-D fast path
        if not math.isfinite(a):
            return np.full(arr.shape, np.nan)
        out = arr - a
        np.exp(out, out=out)
        out /= out.sum()
        return out
    x2, perm = _as_rows(arr, _normalize_axes(axis, arr.ndim, "softmax"))
    out = np.empty(x2.shape)
    if out.size:
        _softmax_rows(x2, out)
    return _restore(out, arr.shape, perm)


def log_softmax(x: object, axis: Axis = -1) -> np.ndarray:
    """Compute ``x - logsumexp(x)`` along ``axis``, accurate near 0.

    Parameters
    ----------
    x : array_like, any shape
        Real numbers (logits); ``nan`` and ``+-inf`` are allowed, see Notes.
    axis : None, int or tuple of int, default -1
        The axis (axes) along which ``exp(result)`` sums to one.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; entries ``<= 0``, the log-probabilities.

    Raises
    ------
    TypeError, ValueError
        As :func:`logsumexp`.

    Notes
    -----
    With ``a = max(x)`` and ``r`` the sum of ``e^{x_j - a}`` over all terms but
    one occurrence of the maximum,

    .. math:: \\log\\operatorname{softmax}(x)_i = (x_i - a) - \\operatorname{log1p}(r).

    Subtracting ``a`` first is exact for the largest entry, so the dominant
    class gets ``-log1p(r)`` with all its digits (``x - logsumexp(x)`` would
    return exactly 0 for logits ``[1000, 960]``; the true value is
    ``-4.2e-18``). This is the quantity a cross-entropy loss needs.

    Special values as for :func:`softmax`: a slice that is all ``-inf`` or
    contains ``+inf`` or ``nan`` gives ``nan`` (no warning). A finite slice
    with some ``-inf`` entries gives ``-inf`` there (probability 0).

    Examples
    --------
    >>> log_softmax([1000.0, 960.0])
    array([-4.24835426e-18, -4.00000000e+01])
    >>> np.exp(log_softmax([[1.0, 2.0, 3.0]])).sum(axis=-1)
    array([1.])
    """
    arr = as_float_array(x, func="log_softmax", name="x", finite=False)
    if arr.ndim == 1 and arr.size and (axis is None or (type(axis) is int and -1 <= axis <= 0)):
        i = arr.argmax()  # 1-D fast path
        a = arr[i]
        if not math.isfinite(a):
            return np.full(arr.shape, np.nan)
        out = arr - a
        terms = np.exp(out)
        terms[i] = 0.0
        out -= math.log1p(terms.sum())
        return out
    x2, perm = _as_rows(arr, _normalize_axes(axis, arr.ndim, "log_softmax"))
    out = np.empty(x2.shape)
    if out.size:
        _lse_rows(x2, out, log_softmax=True)
    return _restore(out, arr.shape, perm)
