"""Unit tests of lecture_utils.validation: each helper's accept and reject paths."""

from __future__ import annotations

import numpy as np
import pytest

from lecture_utils.validation import (
    as_float_array,
    check_design,
    check_finite,
    check_int,
    check_positive,
    check_probabilities,
    check_shape,
    check_xy,
    format_shape,
)


def test_as_float_array_converts_ints_and_bools() -> None:
    out = as_float_array([[1, 2], [3, 4]], func="f", name="x", ndim=2)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1.0, 2.0], [3.0, 4.0]])
    assert as_float_array(np.array([True, False]), func="f", name="x").tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        ("abc", TypeError, r"f: x must be real numbers, got an array of dtype <U3"),
        ([1 + 2j], TypeError, r"dtype complex128"),
        ([[1, 2], [3]], TypeError, r"f: x must be a rectangular array"),
        ([1.0, np.inf], ValueError, r"f: x must be finite, but entry \[1\] is inf"),
        (np.zeros((2, 2, 2)), ValueError, r"f: x must have 1 or 2 dimension\(s\), got 3"),
    ],
)
def test_as_float_array_rejects(value: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        as_float_array(value, func="f", name="x", ndim=(1, 2))


def test_as_float_array_empty_and_nonfinite_allowed() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        as_float_array([], func="f", name="x", allow_empty=False)
    out = as_float_array([np.nan], func="f", name="x", finite=False)
    assert np.isnan(out[0])


def test_check_finite_names_the_entry() -> None:
    with pytest.raises(ValueError, match=r"g: A must be finite, but entry \[1, 0\] is nan"):
        check_finite(np.array([[0.0, 1.0], [np.nan, 2.0]]), func="g", name="A")
    with pytest.raises(ValueError, match=r"entry \(the scalar\) is inf"):
        check_finite(np.array(np.inf), func="g", name="s")


def test_check_shape_wildcards_and_hint() -> None:
    check_shape(np.zeros((7, 3)), (None, 3), func="f", name="x")
    message = r"f: x must have shape \(\*, 3\), got shape \(7, 2\)\. Fix"
    with pytest.raises(ValueError, match=message):
        check_shape(np.zeros((7, 2)), (None, 3), func="f", name="x", hint="Fix it.")
    with pytest.raises(ValueError, match=r"got shape \(3,\)"):
        check_shape(np.zeros(3), (3, 1), func="f", name="x")


def test_format_shape() -> None:
    assert format_shape((2, None)) == "(2, *)"
    assert format_shape((4,)) == "(4,)"


def test_check_positive() -> None:
    assert check_positive(2, func="f", name="k") == 2.0
    assert check_positive(0.0, func="f", name="k", strict=False) == 0.0
    with pytest.raises(ValueError, match=r"f: k must be a finite number > 0, got -1.0"):
        check_positive(-1.0, func="f", name="k")
    with pytest.raises(ValueError, match=r">= 0, got -0.5"):
        check_positive(-0.5, func="f", name="k", strict=False)
    with pytest.raises(ValueError, match="got inf"):
        check_positive(np.inf, func="f", name="k")
    with pytest.raises(TypeError, match="f: k must be a real number, got str"):
        check_positive("1", func="f", name="k")
    with pytest.raises(TypeError, match="got bool"):
        check_positive(True, func="f", name="k")


def test_check_int() -> None:
    assert check_int(np.int64(4), func="f", name="n", minimum=0) == 4
    with pytest.raises(TypeError, match="f: n must be an integer, got float 3.0"):
        check_int(3.0, func="f", name="n")
    with pytest.raises(ValueError, match="f: n must be an integer >= 1, got 0"):
        check_int(0, func="f", name="n", minimum=1)


def test_check_probabilities_renormalises_rounding() -> None:
    p = check_probabilities([0.1, 0.2, 0.7 + 1e-12], func="f", name="p")
    assert p.sum() == pytest.approx(1.0, abs=1e-15)
    for bad, match in [
        ([0.5, -0.1, 0.6], r"entry \[1\] is -0.1"),
        ([0.0, 0.0], "sums to zero"),
        ([0.5, 0.4], r"must sum to 1, got sum 0.9"),
        ([0.5, np.nan], "must be finite"),
        ([], "must not be empty"),
    ]:
        with pytest.raises(ValueError, match=match):
            check_probabilities(bad, func="f", name="p")


def test_check_xy() -> None:
    x, y = check_xy([1, 2], [3, 4], func="f")
    assert x.dtype == y.dtype == np.float64
    with pytest.raises(ValueError, match=r"f: x has 3 entries \(shape \(3,\)\) but y has 2"):
        check_xy([1, 2, 3], [1, 2], func="f")
    with pytest.raises(ValueError, match=r"f: y must have 1 dimension"):
        check_xy([1, 2], [[1, 2]], func="f")


def test_check_design() -> None:
    Phi, y = check_design(np.ones((3, 2)), [1, 2, 3], func="f")
    assert Phi.shape == (3, 2) and y.shape == (3,)
    with pytest.raises(ValueError, match=r"f: Phi has 3 rows .* but y has 2 entries .* one row"):
        check_design(np.ones((3, 2)), [1, 2], func="f")
    with pytest.raises(ValueError, match=r"f: Phi has no columns \(shape \(3, 0\)\)"):
        check_design(np.ones((3, 0)), [1, 2, 3], func="f")
    with pytest.raises(ValueError, match=r"f: Phi must be finite"):
        check_design([[np.nan]], [1.0], func="f")
