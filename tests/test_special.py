"""Tests of lecture_utils.special against mpmath (50 digits) and scipy.special."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import scipy.special as sps
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lecture_utils import special
from lecture_utils.special import log_softmax, logsumexp, softmax

EPS = np.finfo(float).eps
mpmath.mp.dps = 50


# ---------------------------------------------------------------- references
def mp_logsumexp(x: np.ndarray) -> mpmath.mpf:
    """log(sum(exp(x))) of the exact float inputs, with 50 digits."""
    with mpmath.workdps(50):
        terms = [mpmath.exp(mpmath.mpf(float(v))) for v in x if v != -np.inf]
        return mpmath.log(mpmath.fsum(terms)) if terms else mpmath.mpf("-inf")


def mp_log_softmax(x: np.ndarray) -> list[mpmath.mpf]:
    with mpmath.workdps(50):
        lse = mp_logsumexp(x)
        return [mpmath.mpf(float(v)) - lse for v in x]


def ulps(got: float | np.ndarray, ref) -> np.ndarray:
    """|got - ref| in units of the spacing of doubles at ref."""
    ref_f = np.array([float(r) for r in np.atleast_1d(ref)])
    got = np.atleast_1d(np.asarray(got, dtype=float))
    err = np.array(
        [float(abs(mpmath.mpf(float(g)) - r)) for g, r in zip(got, np.atleast_1d(ref), strict=True)]
    )
    return err / np.spacing(np.abs(ref_f))


def softmax_condition(x: np.ndarray) -> np.ndarray:
    """1 + |x_i - a| + sum_j p_j |x_j - a|: relative condition of softmax_i after the shift."""
    a = x.max()
    p = softmax(x)
    return 1.0 + np.abs(x - a) + np.sum(p * np.abs(x - a))


RNG = np.random.default_rng(20240601)

ACCURACY_CASES = {
    "normal_scale_1000": RNG.normal(0, 1000, size=200),
    "near_700": 700 + RNG.normal(0, 1, size=50),
    "near_minus_1000": -1000 + RNG.normal(0, 1, size=50),
    "mixture": np.concatenate([RNG.normal(0, 1, 20), 700 + RNG.normal(0, 5, 20),
                               -1000 + RNG.normal(0, 5, 20), RNG.normal(0, 1e-3, 5)]),
    "dominant_zero": np.array([0.0, -40.0, -45.5, -50.25, -60.0]),
    "dominant_zero_many": np.concatenate([[0.0], -30 - RNG.uniform(0, 20, size=500)]),
    "tiny_values": RNG.normal(0, 1e-8, size=100),
    "ties": np.array([3.0, 3.0, 3.0, -1.0]),
    "single": np.array([-123.456]),
}


# ------------------------------------------------------------------ accuracy
@pytest.mark.parametrize("name", list(ACCURACY_CASES))
def test_logsumexp_within_few_ulps_of_mpmath(name):
    x = ACCURACY_CASES[name]
    ref = mp_logsumexp(x)
    assert ulps(logsumexp(x), ref)[0] <= 2.0
    # the same slice in a 2-D array goes through the blocked row kernel
    stacked = np.stack([x, x[::-1]])
    assert np.all(ulps(logsumexp(stacked, axis=1), [ref, ref]) <= 2.0)


def test_logsumexp_result_near_zero_keeps_all_digits():
    # one dominant term e^0 = 1 and tiny others: the answer is log1p(sum of the rest) ~ 1e-18
    x = ACCURACY_CASES["dominant_zero"]
    ref = mp_logsumexp(x)
    assert float(ref) == pytest.approx(4.25e-18, rel=1e-2)
    assert ulps(logsumexp(x), ref)[0] <= 2.0
    # the plain formula a + log(sum(exp(x - a))) returns exactly 0 here: it cannot pass
    naive = x.max() + np.log(np.sum(np.exp(x - x.max())))
    assert naive == 0.0


def test_log1p_beats_log_of_sum_when_rest_is_small_but_representable():
    # rest ~ 1e-10: log(1 + rest) keeps only ~6 of 16 digits
    x = np.array([0.0, -23.0, -24.5])
    ref = mp_logsumexp(x)
    naive = np.log(np.sum(np.exp(x)))
    assert ulps(naive, ref)[0] > 1e4
    assert ulps(logsumexp(x), ref)[0] <= 2.0


@pytest.mark.parametrize("name", list(ACCURACY_CASES))
def test_log_softmax_and_softmax_against_mpmath(name):
    x = ACCURACY_CASES[name]
    ref = mp_log_softmax(x)
    cond = softmax_condition(x)
    got_log = log_softmax(x)
    # log_softmax: absolute error a few ulps of the result plus eps * condition
    err = np.array([float(abs(mpmath.mpf(float(g)) - r)) for g, r in zip(got_log, ref,
                                                                        strict=True)])
    bound = 4 * np.spacing(np.abs(got_log)) + 4 * EPS * cond
    assert np.all(err <= bound)
    # softmax: relative error a few ulps times the condition number
    p_ref = np.array([float(mpmath.exp(r)) for r in ref])
    p = softmax(x)
    nonzero = p_ref > 0
    rel = np.abs(p[nonzero] - p_ref[nonzero]) / p_ref[nonzero]
    assert np.all(rel <= 4 * EPS * cond[nonzero])
    assert np.all(p[~nonzero] == 0.0)


def test_log_softmax_dominant_class_is_not_rounded_to_zero():
    out = log_softmax(np.array([1000.0, 960.0]))
    ref = mp_log_softmax(np.array([1000.0, 960.0]))
    assert out[0] != 0.0
    assert np.all(ulps(out, ref) <= 2.0)
    # the route x - logsumexp(x) gives exactly 0 for the first entry
    assert 1000.0 - logsumexp(np.array([1000.0, 960.0])) == 0.0


# ------------------------------------------------------------ against scipy
@pytest.mark.parametrize(
    ("shape", "axis"),
    [((7,), None), ((7,), 0), ((4, 5), None), ((4, 5), 0), ((4, 5), 1), ((4, 5), -1),
     ((3, 4, 5), (0, 2)), ((3, 4, 5), (2, 1)), ((3, 4, 5), 1), ((2, 3, 4, 5), (1, 3))],
)
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_matches_scipy(shape, axis, keepdims):
    x = RNG.normal(0, 50, size=shape)
    got = logsumexp(x, axis=axis, keepdims=keepdims)
    want = sps.logsumexp(x, axis=axis, keepdims=keepdims)
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)


@pytest.mark.parametrize(
    ("shape", "axis"),
    [((7,), -1), ((7,), None), ((4, 5), 0), ((4, 5), 1), ((4, 5), None), ((3, 4, 5), (0, 2)),
     ((3, 4, 5), 1), ((2, 3, 4, 5), (3, 1))],
)
def test_softmax_and_log_softmax_match_scipy(shape, axis):
    x = RNG.normal(0, 50, size=shape)
    np.testing.assert_allclose(softmax(x, axis=axis), sps.softmax(x, axis=axis),
                               rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(log_softmax(x, axis=axis), sps.log_softmax(x, axis=axis),
                               rtol=1e-12, atol=1e-12)


def test_blocked_kernel_partial_blocks_and_non_contiguous(monkeypatch):
    monkeypatch.setattr(special, "_BLOCK", 64)  # 6 rows of 10 per block: 37 rows = 7 blocks
    x = RNG.normal(0, 300, size=(10, 37)).T  # non-contiguous rows
    x[5, 3] = np.inf
    x[8] = -np.inf
    x[20, 0] = np.nan
    with np.errstate(all="ignore"):
        want_lse = sps.logsumexp(x, axis=1)
    np.testing.assert_allclose(logsumexp(x, axis=1), want_lse, rtol=1e-14)
    finite_rows = np.all(np.isfinite(x), axis=1)
    np.testing.assert_allclose(softmax(x)[finite_rows], sps.softmax(x[finite_rows], axis=1),
                               rtol=1e-12)
    np.testing.assert_allclose(log_softmax(x)[finite_rows],
                               sps.log_softmax(x[finite_rows], axis=1), rtol=1e-12, atol=1e-12)
    assert np.all(np.isnan(softmax(x)[~finite_rows]))
    assert np.all(np.isnan(log_softmax(x)[~finite_rows]))


def test_input_is_not_modified_and_ints_are_accepted():
    x = RNG.normal(size=(3, 4))
    copy = x.copy()
    logsumexp(x, axis=1)
    softmax(x)
    log_softmax(x)
    softmax(x[0])
    log_softmax(x[0])
    logsumexp(x[0])
    np.testing.assert_array_equal(x, copy)
    assert float(logsumexp([0, 0])) == pytest.approx(np.log(2), rel=1e-15)
    np.testing.assert_allclose(softmax([True, False]), sps.softmax([1.0, 0.0]))


# --------------------------------------------------------------- edge cases
@pytest.mark.parametrize("axis", [None, 1])
def test_logsumexp_special_values(axis):
    inf, nan = np.inf, np.nan
    x = np.array([[-inf, -inf, -inf], [inf, 1.0, -inf], [nan, 1.0, 2.0], [inf, nan, 0.0],
                  [-inf, 0.0, -inf], [inf, inf, 800.0]])
    expected = [-inf, inf, nan, nan, 0.0, inf]
    if axis is None:
        for row, want in zip(x, expected, strict=True):
            got = logsumexp(row)
            assert np.isnan(got) if np.isnan(want) else got == want
    else:
        np.testing.assert_array_equal(logsumexp(x, axis=axis), expected)


def test_softmax_special_values_give_nan_rows_without_warnings():
    inf = np.inf
    x = np.array([[-inf, -inf], [inf, 0.0], [np.nan, 0.0], [-inf, 0.0], [1.0, 1.0]])
    p = softmax(x)
    assert np.all(np.isnan(p[:3]))
    np.testing.assert_array_equal(p[3:], [[0.0, 1.0], [0.5, 0.5]])
    lp = log_softmax(x)
    assert np.all(np.isnan(lp[:3]))
    np.testing.assert_array_equal(lp[3], [-inf, 0.0])
    for row in x[:3]:  # 1-D fast path
        assert np.all(np.isnan(softmax(row)))
        assert np.all(np.isnan(log_softmax(row)))


def test_empty_inputs():
    assert logsumexp([]) == -np.inf
    np.testing.assert_array_equal(logsumexp(np.zeros((0, 3)), axis=0), [-np.inf] * 3)
    assert logsumexp(np.zeros((0, 3)), axis=1).shape == (0,)
    assert logsumexp(np.zeros((3, 0)), axis=1, keepdims=True).shape == (3, 1)
    assert softmax(np.zeros((0, 4))).shape == (0, 4)
    assert log_softmax([]).shape == (0,)
    assert softmax(np.zeros((3, 0))).shape == (3, 0)


def test_scalars_and_keepdims_shapes():
    assert logsumexp(2.5) == 2.5
    assert softmax(7.0, axis=None) == 1.0
    assert log_softmax(7.0, axis=None) == 0.0
    assert logsumexp([1.0, 2.0], keepdims=True).shape == (1,)
    assert logsumexp(np.ones((2, 3)), keepdims=True).shape == (1, 1)
    assert logsumexp(np.ones((2, 3)), axis=()).shape == (2, 3)


def test_errors_name_function_and_fix():
    with pytest.raises(TypeError, match=r"logsumexp: x must be real numbers"):
        logsumexp(["a", "b"])
    with pytest.raises(ValueError, match=r"softmax: axis 2 is out of range .* between -2 and 1"):
        softmax(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match=r"log_softmax: axis -1 is out of range for a scalar"):
        log_softmax(3.0)
    with pytest.raises(TypeError, match=r"logsumexp: axis must be None, an integer"):
        logsumexp(np.ones(3), axis=1.0)
    with pytest.raises(ValueError, match=r"repeats an axis"):
        logsumexp(np.ones((2, 2)), axis=(0, -2))


# ---------------------------------------------------------------- properties
finite_rows = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=8),
    elements=st.floats(-1e3, 1e3, allow_nan=False),
)


@settings(max_examples=50, deadline=None)
@given(finite_rows, st.floats(-500, 500))
def test_shift_invariance(x, c):
    # x + c is rounded (error <= eps |x + c| / 2 per entry), hence the tolerance
    shifted = x + c
    lse = logsumexp(shifted, axis=1)
    np.testing.assert_allclose(lse, logsumexp(x, axis=1) + c, rtol=0,
                               atol=8 * EPS * (np.abs(x).max() + abs(c) + 1) * 4)
    np.testing.assert_allclose(softmax(shifted), softmax(x), rtol=0,
                               atol=64 * EPS * (np.abs(x).max() + abs(c) + 1))


@settings(max_examples=50, deadline=None)
@given(finite_rows)
def test_softmax_rows_sum_to_one_and_log_softmax_identity(x):
    p = softmax(x, axis=1)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=x.shape[1] * EPS * 2)
    lse = logsumexp(x, axis=1, keepdims=True)
    np.testing.assert_allclose(log_softmax(x, axis=1), x - lse, rtol=0,
                               atol=4 * EPS * (np.abs(x).max() + 1))
    np.testing.assert_allclose(np.exp(log_softmax(x, axis=1)), p, rtol=1e-12, atol=1e-300)
