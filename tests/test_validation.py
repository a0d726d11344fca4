"""Unit tests of lecture_utils._validation: each helper's accept and reject paths.

Every message has the form "func: name must be <expected>, got <got>. <fix>";
the tests pin it with ``match=``.
"""

from __future__ import annotations

import numpy as np
import pytest

from lecture_utils._validation import (
    as_array,
    as_callable,
    as_int,
    as_probabilities,
    as_rng,
    as_scalar,
    call,
    check_choice,
    check_instance,
    describe,
    fail,
    format_shape,
)


def test_fail_formats_the_four_parts() -> None:
    with pytest.raises(ValueError, match=r"^f: x must be > 0, got -1\. Use 1\.$"):
        fail("f", "x", "> 0", "-1", "Use 1.")
    with pytest.raises(TypeError, match=r"^f: x must be text, got 3\.$"):
        fail("f", "x", "text", "3", error=TypeError)


def test_format_shape_and_describe() -> None:
    assert format_shape((5,)) == "(5,)"
    assert format_shape((3, None)) == "(3, *)"
    assert format_shape(()) == "()"
    assert describe(np.zeros((2, 3))) == "an array of dtype float64 and shape (2, 3)"
    assert describe("abc") == "str 'abc'"
    assert describe("x" * 100).endswith("...")
    assert len(describe("x" * 100)) < 50


# --------------------------------------------------------------------------
# as_array
# --------------------------------------------------------------------------


def test_as_array_accepts_real_numbers_as_float64() -> None:
    out = as_array([[1, 2], [3, 4]], "f", "x", ndim=2, shape=(2, None))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1.0, 2.0], [3.0, 4.0]])
    assert as_array(np.array([True, False]), "f", "x").tolist() == [1.0, 0.0]
    assert as_array([np.inf], "f", "x", finite=False)[0] == np.inf
    assert as_array(2.5, "f", "x", positive=True).shape == ()


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "match"),
    [
        (None, {}, TypeError, r"^f: x must be an array of real numbers, got None\.$"),
        ([[1, 2], [3]], {}, TypeError, r"^f: x must be a rectangular array of numbers"),
        ([1 + 2j], {}, TypeError, r"must be real numbers, got complex numbers\. Take"),
        (
            "abc",
            {},
            TypeError,
            r"^f: x must be real numbers, got an array of dtype <U3",
        ),
        ([{}], {}, TypeError, r"got an array of dtype object\.$"),
        (
            np.zeros((2, 2, 2)),
            {"ndim": (1, 2)},
            ValueError,
            r"^f: x must be an array with 1 or 2 axes, got 3 axes \(shape \(2, 2, 2",
        ),
        (
            np.zeros(3),
            {"shape": (2, None)},
            ValueError,
            r"^f: x must be of shape \(2, \*\), got shape \(3,\)\.$",
        ),
        (np.zeros((2, 3)), {"shape": (2, 4)}, ValueError, r"got shape \(2, 3\)"),
        (
            [],
            {"nonempty": True},
            ValueError,
            r"^f: x must be non-empty, got shape \(0,",
        ),
        (
            [1.0, np.nan],
            {},
            ValueError,
            r"^f: x must be finite, got nan at entry \[1\]",
        ),
        (np.inf, {}, ValueError, r"finite, got inf at entry \(the scalar\)\.$"),
        (
            [[1.0, 0.0]],
            {"positive": True},
            ValueError,
            r"^f: x must be > 0, got 0\.0 at entry \[0, 1\]\.$",
        ),
    ],
)
def test_as_array_rejects(value: object, kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        as_array(value, "f", "x", **kwargs)


# --------------------------------------------------------------------------
# as_scalar, as_int, as_rng, as_callable
# --------------------------------------------------------------------------


def test_as_scalar_accepts_reals_and_0d_arrays() -> None:
    assert as_scalar(3, "f", "a") == 3.0
    assert as_scalar(np.float32(0.5), "f", "a", positive=True) == 0.5
    assert as_scalar(np.array(2.0), "f", "a", nonnegative=True) == 2.0
    assert as_scalar(0.0, "f", "a", nonnegative=True) == 0.0
    assert as_scalar(np.inf, "f", "a", finite=False) == np.inf


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "match"),
    [
        (True, {}, TypeError, r"^f: a must be a real number, got bool True\.$"),
        (1j, {}, TypeError, r"got complex 1j"),
        ("1", {}, TypeError, r"got str '1'"),
        (np.ones(2), {}, TypeError, r"got an array of dtype float64 and shape \(2,\)"),
        (np.nan, {}, ValueError, r"^f: a must be a finite number, got nan\.$"),
        (0.0, {"positive": True}, ValueError, r"^f: a must be a number > 0, got 0\.0"),
        (
            -1e-9,
            {"nonnegative": True},
            ValueError,
            r"must be a number >= 0, got -1e-09",
        ),
    ],
)
def test_as_scalar_rejects(
    value: object, kwargs: dict, error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        as_scalar(value, "f", "a", **kwargs)


def test_as_int() -> None:
    assert as_int(np.int64(4), "f", "n", minimum=0, maximum=4) == 4
    assert type(as_int(np.int64(4), "f", "n")) is int
    with pytest.raises(TypeError, match=r"^f: n must be an integer, got bool True\.$"):
        as_int(True, "f", "n")
    with pytest.raises(TypeError, match=r"^f: n must be an integer, got float 3\.0\.$"):
        as_int(3.0, "f", "n")
    with pytest.raises(ValueError, match=r"^f: n must be an integer >= 1, got 0\.$"):
        as_int(0, "f", "n", minimum=1)
    with pytest.raises(
        ValueError, match=r"^f: n must be an integer <= 1,000, got 1,001\. This limit"
    ):
        as_int(1001, "f", "n", maximum=1000)


def test_as_rng_follows_spec_7() -> None:
    generator = np.random.default_rng(5)
    assert as_rng(generator, "f") is generator
    assert isinstance(as_rng(None, "f"), np.random.Generator)
    assert as_rng(7, "f").random() == np.random.default_rng(7).random()
    assert as_rng(np.int64(7), "f").random() == np.random.default_rng(7).random()
    for bad in (True, "abc", 1.5):
        with pytest.raises(
            TypeError,
            match=r"^f: rng must be None, an integer seed >= 0 or a numpy.random."
            r"Generator, got .*\. Create one with np.random.default_rng\(seed\)\.$",
        ):
            as_rng(bad, "f")
    with pytest.raises(ValueError, match=r"^f: rng must be a seed >= 0, got -1\.$"):
        as_rng(-1, "f")


def test_as_callable() -> None:
    assert as_callable(np.sin, "f", "g") is np.sin
    with pytest.raises(TypeError, match=r"^f: g must be a function, got int 3\.$"):
        as_callable(3, "f", "g")


# --------------------------------------------------------------------------
# call, check_choice, check_instance, as_probabilities
# --------------------------------------------------------------------------


def test_call_checks_what_the_function_returns() -> None:
    out = call(lambda a, b: [a, b], (1, 2), "f", "g", shape=(2,))
    np.testing.assert_array_equal(out, [1.0, 2.0])
    assert call(lambda: np.inf, (), "f", "g", finite=False) == np.inf
    tail = r" Check the function passed as g\.$"
    with pytest.raises(
        TypeError, match=r"^f: the value of g\(\.\.\.\) must be real.*" + tail
    ):
        call(lambda: 1 + 1j, (), "f", "g")
    with pytest.raises(
        TypeError, match=r"must be an array of real numbers, got None\."
    ):
        call(lambda: None, (), "f", "g")
    with pytest.raises(
        ValueError, match=r"must be of shape \(3,\), got shape \(2,\)\." + tail
    ):
        call(lambda: [1, 2], (), "f", "g", shape=(3,))
    with pytest.raises(
        ValueError, match=r"must be finite, got nan at entry \[0\]\. Move x\.$"
    ):
        call(lambda: [np.nan], (), "f", "g", fix="Move x.")


def test_check_choice() -> None:
    assert check_choice("central", ("central", "forward"), "f", "scheme") == "central"
    for bad in ("backward", None, ["central"]):
        with pytest.raises(
            ValueError, match=r"^f: scheme must be one of 'central', 'forward', got "
        ):
            check_choice(bad, ("central", "forward"), "f", "scheme")


def test_check_instance() -> None:
    assert check_instance([1], list, "f", "net") == [1]
    with pytest.raises(
        TypeError, match=r"^f: net must be a list, got dict \{\}\. Build one first\.$"
    ):
        check_instance({}, list, "f", "net", "Build one first.")


def test_as_probabilities() -> None:
    np.testing.assert_allclose(
        as_probabilities([0.1, 0.2, 0.7], "f", "p"), [0.1, 0.2, 0.7]
    )
    p = as_probabilities([0.5, 0.5 + 4e-9], "f", "p")  # within atol: divided by its sum
    assert abs(p.sum() - 1.0) < 1e-15
    with pytest.raises(
        ValueError, match=r"^f: p must be non-negative, got -0\.1 at entry \[1\]"
    ):
        as_probabilities([0.6, -0.1, 0.5], "f", "p")
    with pytest.raises(
        ValueError,
        match=r"^f: p must be probabilities that sum to 1, got sum 2\. Divide by p",
    ):
        as_probabilities([1.0, 1.0], "f", "p")
    with pytest.raises(ValueError, match=r"^f: p must be an array with 1 axes"):
        as_probabilities([[1.0]], "f", "p")
    with pytest.raises(ValueError, match=r"^f: p must be non-empty"):
        as_probabilities([], "f", "p")
