"""Finite differences, Jacobians of any shape and gradient checks (slides 11-28).

The lecture computes derivatives by hand: the table of slide 13, the sum,
product and chain rules, gradients, Jacobians and derivatives with respect to
matrices. This module supplies the numerical counterpart that lets every one
of those hand computations be *checked*:

* :func:`numerical_derivative` -- the central difference quotient of a scalar
  function, evaluated at many points at once;
* :func:`numerical_jacobian` -- the derivative of any array-valued function
  with respect to any array, in the lecture's "targets x parameters" layout
  (slide 25): ``shape(f(x)) + shape(x)``;
* :func:`check_gradient` -- compares an analytic derivative with
  :func:`numerical_jacobian` and, when they differ, says where and by how much
  (:class:`GradientCheckError`);
* the slides' worked examples (``slide13_table``, ``slide15_*`` ...
  ``slide28_*``), each with its analytic derivative.

Choice of the step
------------------
The central difference ``(f(x + h) - f(x - h)) / (2h)`` makes two errors:

* truncation: Taylor's theorem gives ``f'(x) + h**2 f'''(x) / 6 + ...``, an
  error of order ``h**2`` that shrinks with ``h``;
* round-off: ``f(x +- h)`` are computed with a relative error of about
  ``eps = 2.2e-16``, and the difference is divided by ``2h``, an error of
  order ``eps |f(x)| / h`` that *grows* as ``h`` shrinks.

The sum ``h**2 |f'''| / 6 + eps |f| / h`` is smallest at ``h ~ eps**(1/3)``
(about ``6e-6``) for a function whose size and third derivative are of order
one; the error there is of order ``eps**(2/3) ~ 4e-11``. The default step is
therefore ``h = eps**(1/3) * max(1, |x|)``: scaled with ``|x|`` because at
large ``|x|`` a fixed step would be lost in the rounding of ``x + h`` itself.
The forward difference ``(f(x + h) - f(x)) / h`` has a truncation error of
order ``h``; its best step is ``eps**(1/2) ~ 1.5e-8`` and its best error only
about ``1e-8``. The step actually used is ``(x + h) - (x - h)``, the
difference of the two floating-point arguments, so that the rounding of
``x + h`` does not add an error of its own.

Examples
--------
>>> import numpy as np
>>> from lecture_utils.differentiation import numerical_jacobian, check_gradient
>>> A = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
>>> J = numerical_jacobian(lambda x: A @ x, np.ones(3))   # f: R^3 -> R^2
>>> J.shape                                             # targets x parameters
(2, 3)
>>> print(np.round(J, 6))
[[ 1.  2.  0.]
 [ 0. -1.  3.]]
>>> error = check_gradient(lambda x: A @ x, A, np.ones(3))
>>> error < 1e-8
True
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import partial
from typing import Literal

import numpy as np

from .validation import as_float_array, check_finite, check_int, check_positive, format_shape

__all__ = [
    "GradientCheckError",
    "check_gradient",
    "default_step",
    "log_derivative",
    "numerical_derivative",
    "numerical_jacobian",
    "power",
    "power_derivative",
    "relative_error",
    "slide13_table",
    "slide15_tanh_of_power",
    "slide15_tanh_of_power_derivative",
    "slide17_polynomial",
    "slide17_polynomial_gradient",
    "slide19_least_squares_gradient",
    "slide19_least_squares_loss",
    "slide21_linear_map",
    "slide21_linear_map_jacobian",
    "slide23_df_dt",
    "slide23_df_dx",
    "slide23_dx_dt",
    "slide23_f",
    "slide23_f_of_t",
    "slide23_x",
    "slide26_Ax",
    "slide26_dAx_dA",
    "slide26_dAx_dA_entrywise",
    "slide28_A",
    "slide28_dA_dx_flattened",
    "slide28_dA_dx_stacked",
    "slide28_flat_jacobian",
    "slide28_partials",
    "tanh_derivative",
]

EPS = float(np.finfo(np.float64).eps)


class GradientCheckError(AssertionError):
    """An analytic derivative disagrees with the numerical one.

    Raised by :func:`check_gradient`. It is an :class:`AssertionError`, so a
    test that calls ``check_gradient`` fails like one that uses ``assert``;
    the message names the worst entry, both values and the relative error.
    """


# --------------------------------------------------------------------------
# Finite differences
# --------------------------------------------------------------------------


def default_step(x: object, scheme: Literal["central", "forward"] = "central") -> np.ndarray:
    """The default finite-difference step for float64 at ``x``.

    Parameters
    ----------
    x : array_like
        The point(s) at which the derivative is wanted (finite reals).
    scheme : {"central", "forward"}, default "central"
        The difference quotient the step is for.

    Returns
    -------
    numpy.ndarray
        ``eps**(1/3) * max(1, |x|)`` for central and ``eps**(1/2) * max(1, |x|)``
        for forward differences, entrywise, with the shape of ``x``.

    Notes
    -----
    The step balances the truncation error (``O(h**2)`` central, ``O(h)``
    forward) against the round-off error ``O(eps / h)``; see the module
    docstring for the derivation.

    Examples
    --------
    >>> print(f"{float(default_step(0.5)):.2e}", f"{float(default_step(100.0)):.2e}")
    6.06e-06 6.06e-04
    >>> print(f"{float(default_step(0.5, scheme='forward')):.2e}")
    1.49e-08
    """
    func = "default_step"
    x = as_float_array(x, func=func, name="x")
    power_ = _scheme_power(scheme, func)
    return EPS**power_ * np.maximum(1.0, np.abs(x))


def _scheme_power(scheme: object, func: str) -> float:
    if scheme == "central":
        return 1.0 / 3.0
    if scheme == "forward":
        return 0.5
    raise ValueError(f"{func}: scheme must be 'central' or 'forward', got {scheme!r}")


def _steps(h: object, x: np.ndarray, scheme: str, func: str) -> np.ndarray:
    """Validated step(s) broadcast to the shape of ``x``."""
    if h is None:
        return EPS ** _scheme_power(scheme, func) * np.maximum(1.0, np.abs(x))
    steps = as_float_array(h, func=func, name="h")
    bad = np.flatnonzero(~(steps > 0))
    if bad.size:
        value = steps.ravel()[bad[0]]
        index = np.unravel_index(bad[0], steps.shape)
        where = "" if steps.ndim == 0 else f" (entry {_fmt_index(index)})"
        raise ValueError(
            f"{func}: h must be > 0, got {value}{where}; the step of a difference "
            "quotient must be a positive number (or None for the default)"
        )
    try:
        return np.broadcast_to(steps, np.broadcast_shapes(steps.shape, x.shape))
    except ValueError:
        raise ValueError(
            f"{func}: h (shape {format_shape(steps.shape)}) does not broadcast against x "
            f"(shape {format_shape(x.shape)}); pass one step or one per entry of x"
        ) from None


def _fmt_index(index: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


_NOT_FINITE_FIX = (
    "the function is not finite there. Move x away from the edge of f's domain (e.g. log "
    "near 0) or pass a smaller step h"
)


def _evaluate(f: Callable, arg: np.ndarray, *, func: str, where: str) -> np.ndarray:
    """Call ``f`` at ``arg`` and convert its value to float64 (non-finite allowed)."""
    with np.errstate(all="ignore"):  # a nan/inf is reported by the caller with its location
        value = f(arg[()] if arg.ndim == 0 else arg)
    if value is None:
        raise TypeError(f"{func}: f returned None at {where}; does f forget to `return`?")
    return as_float_array(value, func=func, name="f's value", finite=False)


def _call(f: Callable, arg: np.ndarray, *, func: str, where: str) -> np.ndarray:
    """Call ``f``, convert the result to float64 and insist on finite values."""
    out = _evaluate(f, arg, func=func, where=where)
    bad = ~np.isfinite(out)
    if np.any(bad):
        first = np.argwhere(bad)[0]
        entry = "" if out.ndim == 0 else f" (entry {_fmt_index(first)} of f)"
        raise ValueError(f"{func}: f returned {out[tuple(first)]}{entry} at {where}; "
                         + _NOT_FINITE_FIX)
    return out


def numerical_derivative(
    f: Callable[[np.ndarray], object],
    x: object,
    h: object = None,
    *,
    scheme: Literal["central", "forward"] = "central",
) -> np.ndarray:
    """Derivative of a scalar function by a difference quotient, at many points.

    Parameters
    ----------
    f : callable
        A scalar function applied entrywise: ``f(z)`` for an array ``z`` must
        return an array of the same shape (NumPy ufuncs such as ``np.sin`` do).
    x : array_like
        Point(s) at which to differentiate; finite reals of any shape.
    h : float or array_like, optional
        Step(s) ``> 0``, broadcast against ``x``. Default
        ``eps**(1/3) * max(1, |x|)`` (central) or ``eps**(1/2) * max(1, |x|)``
        (forward); see :func:`default_step`.
    scheme : {"central", "forward"}, default "central"
        ``(f(x+h) - f(x-h)) / 2h`` (error ``O(h**2)``) or
        ``(f(x+h) - f(x)) / h`` (error ``O(h)``).

    Returns
    -------
    numpy.ndarray
        ``f'(x)``, shape ``broadcast(x, h)``.

    Raises
    ------
    TypeError
        If ``x`` or ``h`` are not real numbers, or ``f`` returns no numbers.
    ValueError
        If ``x`` is not finite, ``h <= 0``, ``f`` is not entrywise (its output
        has another shape than its input) or ``f`` is not finite at ``x +- h``.

    Notes
    -----
    Slide 12 defines ``f'(x) = lim_{h->0} (f(x + h) - f(x)) / h``. On a
    computer ``h`` cannot go to zero: the truncation error of the quotient
    shrinks with ``h`` but the round-off error ``eps |f| / h`` grows. The
    central quotient is exact for quadratics and its truncation error is
    ``h**2 f'''(x) / 6``, so at the default step the relative error is about
    ``1e-10`` for well-scaled functions. The denominator is the step actually
    taken, ``(x + h) - (x - h)`` in floating point.

    Tested bound: on the functions of slide 13 (``x**3``, ``sin``, ``tanh``,
    ``exp``, ``log``) at points ``0.25 <= x <= 10`` away from zeros of
    ``f'``, the relative error at the default step is ``<= 1e-9`` (measured:
    at most ``6.1e-10``; the forward difference at its default step: at most
    ``1.9e-7``). It grows where ``f'(x)`` is small compared with ``f`` and
    its third derivative (``x**3`` near 0), and for ``exp`` or ``sin`` at
    large ``|x|``, where the step scaled with ``|x|`` is larger than these
    functions need.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0.0, 0.5, 1.0])
    >>> print(np.round(numerical_derivative(np.sin, x) - np.cos(x), 9))
    [0. 0. 0.]
    >>> print(f"{float(numerical_derivative(np.exp, 1.0, scheme='forward')):.6f}")
    2.718282
    >>> numerical_derivative(np.log, 1e-7)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: numerical_derivative: f returned nan at x - h = -5.9555e-06; the function is ...
    """
    func = "numerical_derivative"
    if not callable(f):
        raise TypeError(f"{func}: f must be a callable, got {type(f).__name__}")
    x = as_float_array(x, func=func, name="x")
    steps = _steps(h, x, scheme, func)
    xb = np.broadcast_to(x, steps.shape)
    x_plus = xb + steps
    x_minus = xb - steps if scheme == "central" else np.array(xb, dtype=float)
    step = x_plus - x_minus
    if np.any(step == 0):
        i = np.unravel_index(int(np.flatnonzero(step == 0)[0]), step.shape)
        raise ValueError(
            f"{func}: h = {steps[i]:.3g} is too small to change x = {xb[i]:.6g} "
            f"(entry {_fmt_index(i)}) in float64; use a larger h"
        )
    f_plus = _call_entrywise(f, x_plus, func=func, label="x + h")
    f_minus = _call_entrywise(f, x_minus, func=func, label="x - h" if scheme == "central" else "x")
    return (f_plus - f_minus) / step


def _call_entrywise(f: Callable, arg: np.ndarray, *, func: str, label: str) -> np.ndarray:
    """Like :func:`_call`, for an entrywise ``f``: same shape out as in, nan located in x."""
    out = _evaluate(f, arg, func=func, where=label)
    if out.shape != arg.shape:
        raise ValueError(
            f"{func}: f returned shape {format_shape(out.shape)} for an input of shape "
            f"{format_shape(arg.shape)}; numerical_derivative needs a scalar function applied "
            "entrywise (like np.sin). Use numerical_jacobian for other functions"
        )
    bad = ~np.isfinite(out)
    if np.any(bad):
        first = tuple(np.argwhere(bad)[0])
        entry = f" (entry {_fmt_index(first)} of x)" if first else ""
        raise ValueError(f"{func}: f returned {out[first]} at {label} = {arg[first]:.5g}{entry}; "
                         + _NOT_FINITE_FIX)
    return out


def numerical_jacobian(
    f: Callable[[np.ndarray], object],
    x: object,
    h: object = None,
) -> np.ndarray:
    """Derivative of an array-valued function with respect to an array, by central differences.

    Parameters
    ----------
    f : callable
        Any function of an array with the shape of ``x`` (a float for a scalar
        ``x``) returning a scalar or an array of fixed shape.
    x : array_like
        The point; finite reals of any shape ``S``.
    h : float or array_like, optional
        Step(s) ``> 0``, one or one per entry of ``x``. Default
        ``eps**(1/3) * max(1, |x_i|)`` per entry (see :func:`default_step`).

    Returns
    -------
    numpy.ndarray, shape ``np.shape(f(x)) + S``
        ``J[i..., j...] = d f[i...] / d x[j...]``: "targets x parameters"
        (slide 25). A scalar ``f`` gives the gradient with the shape of ``x``;
        ``f: R^N -> R^M`` gives an ``M x N`` Jacobian; ``f: R^(M x N) ->
        R^(P x Q)`` a ``P x Q x M x N`` tensor.

    Raises
    ------
    TypeError
        If ``x`` or ``h`` are not real numbers or ``f`` returns no numbers.
    ValueError
        If ``x`` is not finite, ``h <= 0``, ``f`` is not finite at ``x`` or
        at a perturbed point, or ``f``'s output changes shape.

    Notes
    -----
    Each of the ``D`` entries of ``x`` is moved in turn by ``+-h_j`` and
    ``(f(x + h_j e_j) - f(x - h_j e_j)) / (2 h_j)`` fills the slice
    ``J[..., j]``: ``2D + 1`` calls of ``f``. This is the definition of the
    partial derivative (slide 16) with a central quotient, and works for any
    ``f``; it is meant for checking, not for training (backpropagation gets
    all ``D`` partials for the cost of about one call).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0])
    >>> g = numerical_jacobian(lambda x: x[0] ** 2 * x[1] + x[0] * x[1] ** 3, x)
    >>> print(np.round(g, 6))        # slide 17: [2 x1 x2 + x2^3, x1^2 + 3 x1 x2^2]
    [12. 13.]
    >>> numerical_jacobian(lambda X: X.T @ X, np.ones((3, 2))).shape   # R^(3x2) -> R^(2x2)
    (2, 2, 3, 2)
    """
    func = "numerical_jacobian"
    if not callable(f):
        raise TypeError(f"{func}: f must be a callable, got {type(f).__name__}")
    x = as_float_array(x, func=func, name="x")
    steps = _steps(h, x, "central", func)
    if steps.shape != x.shape:
        raise ValueError(
            f"{func}: h has shape {format_shape(np.shape(h))}, which would change the shape "
            f"of x {format_shape(x.shape)}; pass one step or one per entry of x"
        )
    f0 = _call(f, x.copy(), func=func, where="x")
    jac = np.empty((*f0.shape, x.size))
    flat = x.ravel()
    for j in range(x.size):
        entry = _fmt_index(np.unravel_index(j, x.shape)) if x.ndim else "()"
        x_plus = flat.copy()
        x_minus = flat.copy()
        x_plus[j] += steps.flat[j]
        x_minus[j] -= steps.flat[j]
        step = x_plus[j] - x_minus[j]
        if step == 0:
            raise ValueError(
                f"{func}: h = {steps.flat[j]:.3g} is too small to change x{entry} = "
                f"{flat[j]:.6g} in float64; use a larger h"
            )
        values = []
        for sign, arg in (("+", x_plus), ("-", x_minus)):
            where = f"x with entry {entry} moved to {flat[j]:.6g} {sign} h"
            value = _call(f, arg.reshape(x.shape), func=func, where=where)
            if value.shape != f0.shape:
                raise ValueError(
                    f"{func}: f returned shape {format_shape(value.shape)} at {where} but "
                    f"shape {format_shape(f0.shape)} at x; f's output must have a fixed shape"
                )
            values.append(value)
        jac[..., j] = (values[0] - values[1]) / step
    return jac.reshape(f0.shape + x.shape)


# --------------------------------------------------------------------------
# Comparing derivatives
# --------------------------------------------------------------------------


def relative_error(a: object, b: object, *, floor: float = 1.0) -> np.ndarray:
    """Entrywise relative error ``|a - b| / max(|a|, |b|, floor)``.

    Parameters
    ----------
    a, b : array_like
        Two arrays of the same shape (finite reals).
    floor : float, default 1.0
        Smallest denominator, ``> 0``. Entries smaller than ``floor`` in size
        are compared absolutely.

    Returns
    -------
    numpy.ndarray
        The errors, with the common shape of ``a`` and ``b``.

    Raises
    ------
    ValueError
        If the shapes differ, an entry is not finite or ``floor <= 0``.

    Notes
    -----
    A purely relative error fails for entries that are exactly zero: a
    finite-difference derivative of a zero entry is not exactly zero but of
    order ``eps |f| / h``. The error of a central difference scales with
    ``|f|`` and ``|f'''|``, not with the derivative itself, so it is measured
    relative to ``max(|a|, |b|)`` and absolute below ``floor``. Lower ``floor``
    to compare tiny derivatives relatively.

    Examples
    --------
    >>> print(relative_error([100.0, 0.0, 1e-3], [101.0, 1e-12, 2e-3]))
    [9.9e-03 1.0e-12 1.0e-03]
    """
    func = "relative_error"
    a = as_float_array(a, func=func, name="a")
    b = as_float_array(b, func=func, name="b")
    floor = check_positive(floor, func=func, name="floor")
    if a.shape != b.shape:
        raise ValueError(
            f"{func}: a has shape {format_shape(a.shape)} but b has shape "
            f"{format_shape(b.shape)}; compare arrays of the same shape"
        )
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)


def _lecture_shape(f_shape: tuple, x_shape: tuple) -> tuple:
    """The derivative's shape when scalars are written as 1-vectors, as the lecture does."""
    return (f_shape or (1,)) + (x_shape or (1,))


def check_gradient(
    f: Callable[[np.ndarray], object],
    grad: Callable[[np.ndarray], object] | object,
    x: object,
    *,
    tol: float = 1e-6,
    h: object = None,
    floor: float = 1.0,
) -> float:
    """Check an analytic derivative against :func:`numerical_jacobian`.

    Parameters
    ----------
    f : callable
        The function, as for :func:`numerical_jacobian`.
    grad : callable or array_like
        The analytic derivative: a function returning it at ``x`` (called as
        ``grad(x)``) or the already computed array. Its shape must be
        ``np.shape(f(x)) + np.shape(x)``; the lecture's row vector ``(1, N)``
        for a scalar ``f`` (and, likewise, a trailing axis of length 1 for a
        scalar ``x``) is accepted too.
    x : array_like
        The point; finite reals of any shape.
    tol : float, default 1e-6
        Largest accepted entrywise :func:`relative_error`.
    h : float or array_like, optional
        Step(s) for :func:`numerical_jacobian`.
    floor : float, default 1.0
        See :func:`relative_error`.

    Returns
    -------
    float
        The largest entrywise relative error (``<= tol``).

    Raises
    ------
    GradientCheckError
        If some entry differs by more than ``tol``. The message names the
        worst entry as ``d f[i] / d x[j]``, both values, the relative error, how
        many entries fail and, when it recognises one, the likely mistake (a
        constant factor, a wrong sign, a transpose, a missing term).
    ValueError
        If ``grad`` has the wrong shape or non-finite entries, ``tol <= 0``,
        or for the reasons of :func:`numerical_jacobian`.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda x: np.sum(x ** 3)
    >>> error = check_gradient(f, lambda x: 3 * x ** 2, np.array([0.5, -1.0, 2.0]))
    >>> print(f"{error:.0e}" if error < 1e-9 else error)
    0e+00
    >>> try:
    ...     check_gradient(f, lambda x: 6 * x ** 2, np.array([0.5, -1.0, 2.0]))
    ... except GradientCheckError as err:
    ...     print(err)
    check_gradient: the analytic derivative does not match the numerical one (tolerance 1e-06).
      Worst entry [2], d f / d x[2]: analytic 24, numerical 12, relative error 5.0e-01.
      3 of 3 entries exceed the tolerance.
      Hint: every failing entry is 2 times the numerical value (a doubled term or a missing 1/2?).
    """
    func = "check_gradient"
    tol = check_positive(tol, func=func, name="tol")
    floor = check_positive(floor, func=func, name="floor")
    x = as_float_array(x, func=func, name="x")
    numeric = numerical_jacobian(f, x, h)
    if callable(grad):
        with np.errstate(all="ignore"):
            value = grad(x[()] if x.ndim == 0 else x.copy())
        if value is None:
            raise ValueError(f"{func}: grad(x) returned None; does grad forget to `return`?")
    else:
        value = grad
    analytic = as_float_array(value, func=func, name="grad", finite=False)
    f_shape = numeric.shape[: numeric.ndim - x.ndim]
    if analytic.shape != numeric.shape:
        if analytic.shape == _lecture_shape(f_shape, x.shape):
            analytic = analytic.reshape(numeric.shape)
        else:
            raise ValueError(_shape_message(func, analytic, numeric, f_shape, x.shape))
    check_finite(analytic, func=func, name="grad")
    err = relative_error(analytic, numeric, floor=floor)
    worst = float(err.max()) if err.size else 0.0
    if worst <= tol:
        return worst
    raise GradientCheckError(
        _mismatch_message(func, analytic, numeric, err, tol, len(f_shape), floor)
    )


def _shape_message(
    func: str, analytic: np.ndarray, numeric: np.ndarray, f_shape: tuple, x_shape: tuple
) -> str:
    got, want = format_shape(analytic.shape), format_shape(numeric.shape)
    message = (
        f"{func}: grad has shape {got}, but the derivative of f (shape {format_shape(f_shape)}) "
        f"with respect to x (shape {format_shape(x_shape)}) has shape {want} = shape of f(x) + "
        "shape of x (targets x parameters, slide 25)"
    )
    if analytic.shape == numeric.shape[::-1]:
        message += ". grad looks transposed: put the axes of f first, then those of x"
    elif analytic.size == numeric.size:
        message += f". It has the right number of entries: reshape it to {want}"
    return message


def _mismatch_message(
    func: str,
    analytic: np.ndarray,
    numeric: np.ndarray,
    err: np.ndarray,
    tol: float,
    f_ndim: int,
    floor: float,
) -> str:
    i = np.unravel_index(int(np.argmax(err)), err.shape)
    f_part, x_part = i[:f_ndim], i[f_ndim:]
    partial_ = (
        f"d f{_fmt_index(f_part) if f_part else ''} / d x{_fmt_index(x_part) if x_part else ''}"
    )
    failing = err > tol
    lines = [
        f"{func}: the analytic derivative does not match the numerical one (tolerance {tol:.0e}).",
        f"Worst entry {_fmt_index(i) if i else '()'}, {partial_}: analytic {analytic[i]:.6g}, "
        f"numerical {numeric[i]:.6g}, relative error {err[i]:.1e}.",
        f"{int(failing.sum())} of {err.size} entries exceed the tolerance.",
    ]
    hint = _mismatch_hint(analytic, numeric, failing, tol, floor)
    if hint:
        lines.append("Hint: " + hint)
    return "\n  ".join(lines)


def _mismatch_hint(
    analytic: np.ndarray, numeric: np.ndarray, failing: np.ndarray, tol: float, floor: float
) -> str:
    if analytic.ndim == 2 and analytic.shape[0] == analytic.shape[1]:
        if np.all(relative_error(analytic.T, numeric, floor=floor) <= tol):
            return "grad is the transpose of the numerical derivative (targets x parameters)."
    a, n = analytic[failing], numeric[failing]
    if np.all(a == 0):
        return "grad is zero where the numerical derivative is not: a term is missing."
    if np.all(n != 0):
        ratios = a / n
        c = float(np.median(ratios))
        if np.allclose(ratios, c, rtol=1e-4, atol=0):
            if np.isclose(c, -1.0, rtol=1e-4):
                return "every failing entry has the wrong sign."
            return (
                f"every failing entry is {c:.4g} times the numerical value "
                "(a doubled term or a missing 1/2?)."
                if np.isclose(c, 2.0, rtol=1e-4) or np.isclose(c, 0.5, rtol=1e-4)
                else f"every failing entry is {c:.4g} times the numerical value."
            )
    return ""


# --------------------------------------------------------------------------
# Slide 13: the derivative table
# --------------------------------------------------------------------------


def power(x: object, n: int) -> np.ndarray:
    """``x**n`` entrywise, for an integer ``n >= 0`` (slide 13).

    Examples
    --------
    >>> print(power([1.0, 2.0, -3.0], 3))
    [  1.   8. -27.]
    """
    x = as_float_array(x, func="power", name="x")
    n = check_int(n, func="power", name="n", minimum=0)
    return x**n


def power_derivative(x: object, n: int) -> np.ndarray:
    """``d/dx x**n = n x**(n-1)`` entrywise, for an integer ``n >= 0`` (slide 13).

    For ``n = 0`` the derivative is 0 everywhere (also at ``x = 0``).

    Examples
    --------
    >>> print(power_derivative([1.0, 2.0, -3.0], 3))
    [ 3. 12. 27.]
    >>> print(power_derivative([0.0, 2.0], 0))
    [0. 0.]
    """
    x = as_float_array(x, func="power_derivative", name="x")
    n = check_int(n, func="power_derivative", name="n", minimum=0)
    if n == 0:
        return np.zeros_like(x)
    return n * x ** (n - 1)


def tanh_derivative(x: object) -> np.ndarray:
    """``d/dx tanh x = 1 - tanh(x)**2`` entrywise (slide 13).

    Examples
    --------
    >>> print(tanh_derivative([0.0]))
    [1.]
    """
    x = as_float_array(x, func="tanh_derivative", name="x")
    return 1.0 - np.tanh(x) ** 2


def log_derivative(x: object) -> np.ndarray:
    """``d/dx log x = 1 / x`` entrywise, for ``x > 0`` (slide 13).

    Raises
    ------
    ValueError
        If an entry is ``<= 0``, where ``log`` is not defined.

    Examples
    --------
    >>> print(log_derivative([0.5, 4.0]))
    [2.   0.25]
    """
    x = as_float_array(x, func="log_derivative", name="x")
    if np.any(x <= 0):
        i = tuple(np.argwhere(x <= 0)[0])
        raise ValueError(
            f"log_derivative: x must be > 0 (log is defined there only), but entry "
            f"{_fmt_index(i) if i else '()'} is {x[i]}"
        )
    return 1.0 / x


def slide13_table(n: int = 3) -> dict[str, tuple[Callable, Callable]]:
    """The derivative table of slide 13 as ``{name: (f, f')}``.

    Parameters
    ----------
    n : int, default 3
        The exponent of the entry ``x^n``.

    Returns
    -------
    dict
        Keys ``"x^n"`` (with the number), ``"sin x"``, ``"tanh x"``, ``"exp x"``,
        ``"log x"``; values are pairs of entrywise functions. ``log`` needs
        ``x > 0``.

    Examples
    --------
    >>> import numpy as np
    >>> table = slide13_table(n=2)
    >>> list(table)
    ['x^2', 'sin x', 'tanh x', 'exp x', 'log x']
    >>> f, df = table["x^2"]
    >>> print(f(3.0), df(3.0))
    9.0 6.0
    """
    n = check_int(n, func="slide13_table", name="n", minimum=0)
    return {
        f"x^{n}": (partial(power, n=n), partial(power_derivative, n=n)),
        "sin x": (np.sin, np.cos),
        "tanh x": (np.tanh, tanh_derivative),
        "exp x": (np.exp, np.exp),
        "log x": (np.log, log_derivative),
    }


# --------------------------------------------------------------------------
# Slide 15: chain rule, g(f(x)) = tanh(x^n)
# --------------------------------------------------------------------------


def slide15_tanh_of_power(x: object, n: int) -> np.ndarray:
    """``(g o f)(x) = tanh(x**n)`` entrywise: the chain-rule example of slide 15.

    Examples
    --------
    >>> print(np.round(slide15_tanh_of_power([0.0, 1.0], 2), 6))
    [0.       0.761594]
    """
    x = as_float_array(x, func="slide15_tanh_of_power", name="x")
    n = check_int(n, func="slide15_tanh_of_power", name="n", minimum=0)
    return np.tanh(x**n)


def slide15_tanh_of_power_derivative(x: object, n: int) -> np.ndarray:
    """``(g o f)'(x) = (1 - tanh(x**n)**2) * n x**(n-1)`` entrywise (slide 15).

    Notes
    -----
    Chain rule with outer ``g(z) = tanh z`` (``g'(z) = 1 - tanh**2 z``) and
    inner ``z = f(x) = x**n`` (``f'(x) = n x**(n-1)``):
    ``(g o f)'(x) = g'(f(x)) f'(x)``.

    Examples
    --------
    >>> print(np.round(slide15_tanh_of_power_derivative([0.0, 1.0], 2), 6))
    [0.       0.839949]
    """
    x = as_float_array(x, func="slide15_tanh_of_power_derivative", name="x")
    n = check_int(n, func="slide15_tanh_of_power_derivative", name="n", minimum=0)
    return tanh_derivative(x**n) * power_derivative(x, n)


# --------------------------------------------------------------------------
# Slides 17, 19, 21: gradients and Jacobians
# --------------------------------------------------------------------------


def _vector2(x: object, func: str) -> np.ndarray:
    x = as_float_array(x, func=func, name="x")
    if x.shape != (2,):
        raise ValueError(
            f"{func}: x must have shape (2,) (the vector [x1, x2]), got shape "
            f"{format_shape(x.shape)}"
        )
    return x


def slide17_polynomial(x: object) -> float:
    """``f(x1, x2) = x1**2 x2 + x1 x2**3`` (slide 17).

    Parameters
    ----------
    x : array_like, shape (2,)

    Returns
    -------
    float

    Examples
    --------
    >>> slide17_polynomial([1.0, 2.0])
    10.0
    """
    x1, x2 = _vector2(x, "slide17_polynomial")
    return float(x1**2 * x2 + x1 * x2**3)


def slide17_polynomial_gradient(x: object) -> np.ndarray:
    """``df/dx = [2 x1 x2 + x2**3, x1**2 + 3 x1 x2**2]``, a row vector (slide 17).

    Parameters
    ----------
    x : array_like, shape (2,)

    Returns
    -------
    numpy.ndarray, shape (1, 2)
        The gradient in the lecture's convention: a ``1 x N`` row vector.

    Examples
    --------
    >>> print(slide17_polynomial_gradient([1.0, 2.0]))
    [[12. 13.]]
    """
    x1, x2 = _vector2(x, "slide17_polynomial_gradient")
    return np.array([[2 * x1 * x2 + x2**3, x1**2 + 3 * x1 * x2**2]])


def _least_squares_args(x: object, A: object, y: object | None, func: str) -> tuple:
    A = as_float_array(A, func=func, name="A", ndim=2)
    x = as_float_array(x, func=func, name="x", ndim=1)
    if x.shape[0] != A.shape[1]:
        raise ValueError(
            f"{func}: x has {x.shape[0]} entries (shape {format_shape(x.shape)}) but A has "
            f"{A.shape[1]} columns (shape {format_shape(A.shape)}); A x needs len(x) == "
            "A.shape[1]"
        )
    if y is None:
        return x, A
    y = as_float_array(y, func=func, name="y", ndim=1)
    if y.shape[0] != A.shape[0]:
        raise ValueError(
            f"{func}: y has {y.shape[0]} entries (shape {format_shape(y.shape)}) but A has "
            f"{A.shape[0]} rows (shape {format_shape(A.shape)}); y - A x needs len(y) == "
            "A.shape[0]"
        )
    return x, A, y


def slide19_least_squares_loss(x: object, A: object, y: object) -> float:
    """``L = 1/2 ||e||**2`` with ``e = y - A x`` (slide 19).

    Parameters
    ----------
    x : array_like, shape (N,)
    A : array_like, shape (M, N)
    y : array_like, shape (M,)

    Returns
    -------
    float

    Examples
    --------
    >>> slide19_least_squares_loss([1.0, 1.0], [[1.0, 0.0], [0.0, 2.0]], [2.0, 2.0])
    0.5
    """
    x, A, y = _least_squares_args(x, A, y, "slide19_least_squares_loss")
    e = y - A @ x
    return float(0.5 * e @ e)


def slide19_least_squares_gradient(x: object, A: object, y: object) -> np.ndarray:
    """``dL/dx = -(y - A x)^T A``, a ``1 x N`` row vector (slide 19).

    Parameters
    ----------
    x : array_like, shape (N,)
    A : array_like, shape (M, N)
    y : array_like, shape (M,)

    Returns
    -------
    numpy.ndarray, shape (1, N)

    Notes
    -----
    Chain rule: ``dL/dx = (dL/de)(de/dx)`` with ``dL/de = e^T`` (``1 x M``)
    and ``de/dx = -A`` (``M x N``).

    Examples
    --------
    >>> print(slide19_least_squares_gradient([1.0, 1.0], [[1.0, 0.0], [0.0, 2.0]], [2.0, 2.0]))
    [[-1.  0.]]
    """
    x, A, y = _least_squares_args(x, A, y, "slide19_least_squares_gradient")
    e = y - A @ x
    return (e @ -A)[np.newaxis, :]


def slide21_linear_map(x: object, A: object) -> np.ndarray:
    """``f(x) = A x`` (slide 21).

    Examples
    --------
    >>> print(slide21_linear_map([1.0, 2.0], [[1.0, 0.0], [3.0, 1.0], [0.0, -1.0]]))
    [ 1.  5. -2.]
    """
    x, A = _least_squares_args(x, A, None, "slide21_linear_map")
    return A @ x


def slide21_linear_map_jacobian(x: object, A: object) -> np.ndarray:
    """``df/dx = A`` for ``f(x) = A x``: entry ``(i, j)`` is ``df_i/dx_j = A_ij`` (slide 21).

    Returns
    -------
    numpy.ndarray, shape (M, N)

    Examples
    --------
    >>> print(slide21_linear_map_jacobian([1.0, 2.0], [[1.0, 0.0], [3.0, 1.0], [0.0, -1.0]]))
    [[ 1.  0.]
     [ 3.  1.]
     [ 0. -1.]]
    """
    x, A = _least_squares_args(x, A, None, "slide21_linear_map_jacobian")
    return A.copy()


# --------------------------------------------------------------------------
# Slides 22-23: chain rule through x(t)
# --------------------------------------------------------------------------


def slide23_f(x: object) -> float:
    """``f(x1, x2) = x1**2 + 2 x2`` (slide 22).

    Examples
    --------
    >>> slide23_f([3.0, 1.0])
    11.0
    """
    x1, x2 = _vector2(x, "slide23_f")
    return float(x1**2 + 2 * x2)


def slide23_df_dx(x: object) -> np.ndarray:
    """``df/dx = [2 x1, 2]``, shape ``(1, 2)`` (slide 23).

    Examples
    --------
    >>> print(slide23_df_dx([3.0, 1.0]))
    [[6. 2.]]
    """
    x1, _ = _vector2(x, "slide23_df_dx")
    return np.array([[2 * x1, 2.0]])


def _scalar_t(t: object, func: str) -> float:
    t = as_float_array(t, func=func, name="t")
    if t.ndim != 0:
        raise ValueError(
            f"{func}: t must be a scalar, got shape {format_shape(t.shape)}; "
            "call it once per time"
        )
    return float(t)


def slide23_x(t: object) -> np.ndarray:
    """The curve ``x(t) = [sin t, cos t]^T``, shape ``(2,)`` (slide 22).

    Examples
    --------
    >>> print(slide23_x(0.0))
    [0. 1.]
    """
    t = _scalar_t(t, "slide23_x")
    return np.array([np.sin(t), np.cos(t)])


def slide23_dx_dt(t: object) -> np.ndarray:
    """``dx/dt = [cos t, -sin t]^T``, a ``2 x 1`` column (slide 23).

    Examples
    --------
    >>> print(slide23_dx_dt(0.0))
    [[ 1.]
     [-0.]]
    """
    t = _scalar_t(t, "slide23_dx_dt")
    return np.array([[np.cos(t)], [-np.sin(t)]])


def slide23_f_of_t(t: object) -> np.ndarray:
    """``f(x(t)) = sin(t)**2 + 2 cos t`` entrywise in ``t`` (slides 22-23).

    Examples
    --------
    >>> print(slide23_f_of_t([0.0]))
    [2.]
    """
    t = as_float_array(t, func="slide23_f_of_t", name="t")
    return np.sin(t) ** 2 + 2 * np.cos(t)


def slide23_df_dt(t: object) -> np.ndarray:
    """``df/dt = (df/dx)(dx/dt) = 2 sin t (cos t - 1)`` entrywise in ``t`` (slide 23).

    Notes
    -----
    ``df/dt = [2 sin t, 2] [cos t, -sin t]^T = 2 sin t cos t - 2 sin t``.

    Examples
    --------
    >>> print(np.round(slide23_df_dt([0.0, np.pi / 2]), 6))
    [ 0. -2.]
    """
    t = as_float_array(t, func="slide23_df_dt", name="t")
    return 2 * np.sin(t) * (np.cos(t) - 1)


# --------------------------------------------------------------------------
# Slides 26-27: derivative of A x with respect to the matrix A
# --------------------------------------------------------------------------


def slide26_Ax(A: object, x: object) -> np.ndarray:
    """``f(A) = A x`` as a function of the matrix ``A`` (slide 26).

    Parameters
    ----------
    A : array_like, shape (M, N)
    x : array_like, shape (N,)

    Returns
    -------
    numpy.ndarray, shape (M,)

    Examples
    --------
    >>> print(slide26_Ax([[1.0, 2.0], [3.0, 4.0]], [1.0, -1.0]))
    [-1. -1.]
    """
    x, A = _least_squares_args(x, A, None, "slide26_Ax")
    return A @ x


def slide26_dAx_dA(A: object, x: object) -> np.ndarray:
    """``df/dA`` for ``f = A x``: an ``M x (M x N)`` tensor, built with ``np.einsum``.

    Parameters
    ----------
    A : array_like, shape (M, N)
        Only its shape matters: ``f`` is linear in ``A``.
    x : array_like, shape (N,)

    Returns
    -------
    numpy.ndarray, shape (M, M, N)
        ``D[i, k, q] = df_i / dA_kq = delta_ik x_q``.

    Notes
    -----
    ``f_i = sum_j A_ij x_j`` depends on row ``i`` of ``A`` only, with
    ``df_i/dA_iq = x_q``. So slice ``D[i]`` (an ``M x N`` matrix) is zero
    except its row ``i``, which is ``x^T`` (slides 26-27). In index notation
    that is the product of the identity ``delta_ik`` and ``x_q``:
    ``np.einsum('ik,q->ikq', np.eye(M), x)``.

    Examples
    --------
    >>> D = slide26_dAx_dA(np.zeros((2, 3)), [1.0, 2.0, 3.0])
    >>> D.shape
    (2, 2, 3)
    >>> print(D[1])            # d f_2 / d A: only row 2 is non-zero, it is x^T
    [[0. 0. 0.]
     [1. 2. 3.]]
    """
    x, A = _least_squares_args(x, A, None, "slide26_dAx_dA")
    return np.einsum("ik,q->ikq", np.eye(A.shape[0]), x)


def slide26_dAx_dA_entrywise(A: object, x: object) -> np.ndarray:
    """The same tensor as :func:`slide26_dAx_dA`, entry by entry with loops.

    For every target ``i`` and every matrix entry ``(k, q)``,
    ``df_i/dA_kq = x_q`` if ``k == i`` and 0 otherwise. Slow, but it spells
    out the definition that the ``einsum`` version packs into one line.

    Returns
    -------
    numpy.ndarray, shape (M, M, N)

    Examples
    --------
    >>> A, x = np.zeros((2, 3)), np.array([1.0, 2.0, 3.0])
    >>> np.array_equal(slide26_dAx_dA_entrywise(A, x), slide26_dAx_dA(A, x))
    True
    """
    x, A = _least_squares_args(x, A, None, "slide26_dAx_dA_entrywise")
    M, N = A.shape
    D = np.zeros((M, M, N))
    for i, k, q in itertools.product(range(M), range(M), range(N)):
        if k == i:  # f_i = sum_j A_ij x_j contains A_kq only in row k = i
            D[i, k, q] = x[q]
    return D


# --------------------------------------------------------------------------
# Slide 28: a matrix A(x) in R^(4x2) depending on x in R^3
# --------------------------------------------------------------------------


def _vector3(x: object, func: str) -> np.ndarray:
    x = as_float_array(x, func=func, name="x")
    if x.shape != (3,):
        raise ValueError(
            f"{func}: x must have shape (3,) (the vector [x1, x2, x3]), got shape "
            f"{format_shape(x.shape)}"
        )
    return x


def slide28_A(x: object) -> np.ndarray:
    """A concrete matrix ``A(x)`` in ``R^(4x2)`` of ``x`` in ``R^3`` (slide 28).

    .. code-block:: text

        A(x) = [[ x1 x2,        x3**2     ],
                [ sin x1,       x2 x3     ],
                [ exp x2,       x1 + 2 x3 ],
                [ x1 x2 x3,     cos x3    ]]

    Examples
    --------
    >>> print(np.round(slide28_A([0.0, 0.0, 0.0]), 6))
    [[0. 0.]
     [0. 0.]
     [1. 0.]
     [0. 1.]]
    """
    x1, x2, x3 = _vector3(x, "slide28_A")
    return np.array(
        [
            [x1 * x2, x3**2],
            [np.sin(x1), x2 * x3],
            [np.exp(x2), x1 + 2 * x3],
            [x1 * x2 * x3, np.cos(x3)],
        ]
    )


def slide28_partials(x: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three partial derivatives ``dA/dx_k`` in ``R^(4x2)``, by hand (slide 28, way 1).

    Returns
    -------
    tuple of three numpy.ndarray, each of shape (4, 2)
        Entry ``(m, n)`` of the ``k``-th matrix is ``d A_mn / d x_k``.

    Examples
    --------
    >>> print(np.round(slide28_partials([1.0, 2.0, 3.0])[2], 4))     # d A / d x3
    [[ 0.      6.    ]
     [ 0.      2.    ]
     [ 0.      2.    ]
     [ 2.     -0.1411]]
    """
    x1, x2, x3 = _vector3(x, "slide28_partials")
    d_x1 = np.array([[x2, 0.0], [np.cos(x1), 0.0], [0.0, 1.0], [x2 * x3, 0.0]])
    d_x2 = np.array([[x1, 0.0], [0.0, x3], [np.exp(x2), 0.0], [x1 * x3, 0.0]])
    d_x3 = np.array([[0.0, 2 * x3], [0.0, x2], [0.0, 2.0], [x1 * x2, -np.sin(x3)]])
    return d_x1, d_x2, d_x3


def slide28_dA_dx_stacked(x: object) -> np.ndarray:
    """``dA/dx`` in ``R^(4x2x3)``: the partials ``dA/dx_k`` stacked along a last axis (way 1).

    Examples
    --------
    >>> slide28_dA_dx_stacked([1.0, 2.0, 3.0]).shape
    (4, 2, 3)
    """
    return np.stack(slide28_partials(x), axis=-1)


def slide28_flat_jacobian(x: object) -> np.ndarray:
    """The ``8 x 3`` Jacobian of the flattened ``A~ = vec(A)`` in ``R^8`` (slide 28, way 2).

    ``A`` is flattened row by row (NumPy's C order), so row ``2m + n`` of the
    result is the gradient of ``A_mn``.

    Returns
    -------
    numpy.ndarray, shape (8, 3)

    Examples
    --------
    >>> print(slide28_flat_jacobian([1.0, 2.0, 3.0])[:2])   # gradients of A_11, A_12
    [[2. 1. 0.]
     [0. 0. 6.]]
    """
    x1, x2, x3 = _vector3(x, "slide28_flat_jacobian")
    return np.array(
        [
            [x2, x1, 0.0],  # A_11 = x1 x2
            [0.0, 0.0, 2 * x3],  # A_12 = x3^2
            [np.cos(x1), 0.0, 0.0],  # A_21 = sin x1
            [0.0, x3, x2],  # A_22 = x2 x3
            [0.0, np.exp(x2), 0.0],  # A_31 = exp x2
            [1.0, 0.0, 2.0],  # A_32 = x1 + 2 x3
            [x2 * x3, x1 * x3, x1 * x2],  # A_41 = x1 x2 x3
            [0.0, 0.0, -np.sin(x3)],  # A_42 = cos x3
        ]
    )


def slide28_dA_dx_flattened(x: object) -> np.ndarray:
    """``dA/dx`` in ``R^(4x2x3)`` via flatten -> ``8 x 3`` Jacobian -> reshape (way 2).

    Examples
    --------
    >>> x = [1.0, 2.0, 3.0]
    >>> np.allclose(slide28_dA_dx_flattened(x), slide28_dA_dx_stacked(x))
    True
    """
    return slide28_flat_jacobian(x).reshape(4, 2, 3)
