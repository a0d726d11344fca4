"""Tests of lecture_utils.special against mpmath (50 digits) and scipy.special."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import scipy.special as sps
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lecture_utils.special import log_softmax, logsumexp, softmax

EPS = np.finfo(float).eps
RNG = np.random.default_rng(20240601)


def mp_logsumexp(x: np.ndarray) -> mpmath.mpf:
    """log(sum(exp(x))) of the exact float inputs, with 50 digits."""
    with mpmath.workdps(50):
        terms = [mpmath.exp(mpmath.mpf(float(v))) for v in x if v != -np.inf]
        return mpmath.log(mpmath.fsum(terms)) if terms else mpmath.mpf("-inf")


def error_bound(x: np.ndarray) -> float:
    """The documented absolute error: ulps of max(|a|, 1) plus eps sum p_i |x_i - a|."""
    a = x.max()
    p = sps.softmax(x)
    return 4 * EPS * (max(abs(a), 1.0) + np.sum(p * np.abs(x - a)))


CASES = {
    "scale_1000": RNG.normal(0, 1000, size=200),
    "near_700": 700 + RNG.normal(0, 1, size=50),  # exp overflows without the shift
    "near_minus_1000": -1000 + RNG.normal(0, 1, size=50),  # exp underflows to 0
    "mixture": np.concatenate(
        [RNG.normal(0, 1, 20), 700 + RNG.normal(0, 5, 20), -1000 + RNG.normal(0, 5, 20)]
    ),
    "dominant_zero": np.array([0.0, -40.0, -45.5]),
    "tiny_values": RNG.normal(0, 1e-8, size=100),
    "ties": np.array([3.0, 3.0, 3.0, -1.0]),
    "single": np.array([-123.456]),
    "large_n": RNG.normal(0, 1, size=100_000),
}


@pytest.mark.parametrize("name", list(CASES))
def test_logsumexp_against_mpmath(name):
    x = CASES[name]
    ref = mp_logsumexp(x)
    assert abs(mpmath.mpf(float(logsumexp(x))) - ref) <= error_bound(x)
    stacked = logsumexp(np.stack([x, x[::-1]]), axis=1)  # the same along an axis
    assert all(abs(mpmath.mpf(float(v)) - ref) <= error_bound(x) for v in stacked)


@pytest.mark.parametrize("name", list(CASES))
def test_softmax_and_log_softmax_against_mpmath(name):
    x = CASES[name]
    ref = mp_logsumexp(x)
    want = np.array([float(mpmath.mpf(float(v)) - ref) for v in x])
    np.testing.assert_allclose(log_softmax(x), want, rtol=0, atol=2 * error_bound(x))
    p = softmax(x)
    np.testing.assert_allclose(p, np.exp(want), rtol=0, atol=2 * error_bound(x))
    assert np.all(p >= 0) and abs(p.sum() - 1) < 1e-12


def test_shift_keeps_overflowing_and_underflowing_inputs_finite():
    assert float(logsumexp([1000.0, 1001.0, 1002.0])) == pytest.approx(1002.40760596444)
    assert float(logsumexp([-1000.0, -1001.0])) == pytest.approx(-999.686738429)
    p = softmax([-1000.0, -1001.0])
    np.testing.assert_allclose(p, [0.7310585786, 0.2689414214])
    log_p = log_softmax([1000.0, 1002.0])
    np.testing.assert_allclose(log_p, [-2.126928011, -0.126928011])


@pytest.mark.parametrize(
    ("shape", "axis"),
    [
        ((7,), None),
        ((7,), 0),
        ((4, 5), None),
        ((4, 5), 0),
        ((4, 5), -1),
        ((3, 4, 5), (0, 2)),
        ((3, 4, 5), (2, 1)),
        ((2, 3, 4, 5), (1, 3)),
        ((4, 5), ()),
    ],
)
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_matches_scipy_on_axes_and_keepdims(shape, axis, keepdims):
    x = RNG.normal(0, 50, size=shape)
    got = logsumexp(x, axis=axis, keepdims=keepdims)
    want = sps.logsumexp(x, axis=axis, keepdims=keepdims)
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-14)


@pytest.mark.parametrize(
    ("shape", "axis"),
    [
        ((7,), -1),
        ((7,), None),
        ((4, 5), 0),
        ((4, 5), 1),
        ((3, 4, 5), (0, 2)),
        ((2, 3, 4, 5), (3, 1)),
    ],
)
def test_softmax_and_log_softmax_match_scipy(shape, axis):
    x = RNG.normal(0, 50, size=shape)
    np.testing.assert_allclose(
        softmax(x, axis=axis), sps.softmax(x, axis=axis), rtol=1e-12, atol=1e-300
    )
    np.testing.assert_allclose(
        log_softmax(x, axis=axis), sps.log_softmax(x, axis=axis), rtol=1e-12, atol=1e-12
    )


def test_full_reduction_returns_a_numpy_scalar_and_ints_are_accepted():
    assert isinstance(logsumexp([1.0, 2.0]), np.float64)
    assert logsumexp(2.5) == 2.5
    assert float(logsumexp([0, 0])) == pytest.approx(np.log(2), rel=1e-15)
    assert softmax(7.0, axis=None) == 1.0


# The documented special values; pytest turns any warning into an error.
INF, NAN = np.inf, np.nan
SPECIAL = np.array(
    [
        [-INF, -INF, -INF],
        [INF, 1.0, -INF],
        [NAN, 1.0, 2.0],
        [INF, NAN, 0.0],
        [-INF, 0.0, -INF],
        [INF, INF, 800.0],
    ]
)


def test_logsumexp_special_values():
    want = [-INF, INF, NAN, NAN, 0.0, INF]
    np.testing.assert_array_equal(logsumexp(SPECIAL, axis=1), want)
    for row, w in zip(SPECIAL, want, strict=True):
        np.testing.assert_array_equal(logsumexp(row), w)


def test_softmax_special_values_are_nan_slices():
    p, log_p = softmax(SPECIAL), log_softmax(SPECIAL)
    nan_rows = [0, 1, 2, 3, 5]
    assert np.all(np.isnan(p[nan_rows])) and np.all(np.isnan(log_p[nan_rows]))
    np.testing.assert_array_equal(p[4], [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(log_p[4], [-INF, 0.0, -INF])


def test_empty_inputs():
    assert logsumexp([]) == -INF  # the log of the empty sum
    np.testing.assert_array_equal(logsumexp(np.zeros((0, 3)), axis=0), [-INF] * 3)
    assert logsumexp(np.zeros((0, 3)), axis=1).shape == (0,)
    assert logsumexp(np.zeros((3, 0)), axis=1, keepdims=True).shape == (3, 1)
    assert softmax(np.zeros((3, 0))).shape == (3, 0)
    assert log_softmax([]).shape == (0,)


def test_inputs_are_not_modified():
    x = RNG.normal(size=(3, 4))
    copy = x.copy()
    for f in (logsumexp, softmax, log_softmax):
        f(x, axis=1)
    np.testing.assert_array_equal(x, copy)


def test_bad_input_messages():
    with pytest.raises(
        TypeError, match=r"^logsumexp: x must be real numbers, got comp"
    ):
        logsumexp([1 + 1j])
    with pytest.raises(
        TypeError, match=r"^softmax: x must be real numbers, got an arr"
    ):
        softmax(["a", "b"])
    axis_2 = (
        r"^softmax: axis must be None or distinct axes of an array with 2 axes, "
        r"got int 2\. Use axes from -2 to 1\.$"
    )
    with pytest.raises(ValueError, match=axis_2):
        softmax(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match=r"^logsumexp: axis .* got tuple \(0, -2\)"):
        logsumexp(np.ones((2, 2)), axis=(0, -2))
    with pytest.raises(TypeError, match=r"^logsumexp: axis .* got float 1\.0"):
        logsumexp(np.ones(3), axis=1.0)
    with pytest.raises(TypeError, match=r"^log_softmax: axis .* got bool True"):
        log_softmax(np.ones(3), axis=True)
    with pytest.raises(ValueError, match=r"^log_softmax: axis .* array with 0 axes"):
        log_softmax(3.0)


rows = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, max_side=8),
    elements=st.floats(-1e3, 1e3),
)


@settings(max_examples=50, deadline=None)
@given(rows, st.floats(-500, 500))
def test_shift_invariance(x, c):
    scale = 8 * EPS * (np.abs(x).max() + abs(c) + 1)  # x + c is rounded
    np.testing.assert_allclose(
        logsumexp(x + c, axis=1), logsumexp(x, axis=1) + c, rtol=0, atol=4 * scale
    )
    np.testing.assert_allclose(softmax(x + c), softmax(x), rtol=0, atol=8 * scale)


@settings(max_examples=50, deadline=None)
@given(rows)
def test_softmax_sums_to_one_and_is_exp_of_log_softmax(x):
    p = softmax(x, axis=1)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=x.shape[1] * EPS * 2)
    np.testing.assert_allclose(np.exp(log_softmax(x)), p, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(
        log_softmax(x),
        x - logsumexp(x, axis=1, keepdims=True),
        rtol=0,
        atol=8 * EPS * (np.abs(x).max() + 1),
    )
