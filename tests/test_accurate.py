"""Tests of lecture_utils._accurate: error-free transformations, Dot2, refined QR.

References: exact rational arithmetic (fractions.Fraction) for the error-free
transformations, 100-digit mpmath sums for the doubled-precision dot product,
a 60-digit mpmath least-squares solution (float64 matrix entries taken as
exact) for the refined solver, and numpy.linalg for well-conditioned cases.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture_utils import regression as reg
from lecture_utils._accurate import (
    RankDeficientError,
    column_scales,
    dot2,
    refined_lstsq,
    split,
    two_prod,
    two_sum,
)

EPS = 2.0**-53  # unit roundoff of float64

# Finite floats whose sums cannot overflow.
sum_floats = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)
# Zero or magnitudes in [1e-100, 1e100]: products neither overflow nor underflow.
prod_floats = st.one_of(
    st.just(0.0),
    st.floats(min_value=1e-100, max_value=1e100),
    st.floats(min_value=-1e100, max_value=-1e-100),
)


def significant_bits(v: float) -> int:
    """Number of bits between the leading and trailing one of |v| (0 for v = 0)."""
    num = abs(Fraction(v).numerator)  # the denominator is a power of two
    while num and num % 2 == 0:
        num //= 2
    return num.bit_length()


# ------------------------------------------------------------------ error-free transformations


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(sum_floats, sum_floats), min_size=1, max_size=20))
def test_two_sum_is_exact(pairs):
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    s, e = two_sum(a, b)
    np.testing.assert_array_equal(s, a + b)  # s is the rounded sum
    for ai, bi, si, ei in zip(a, b, s, e, strict=True):
        assert Fraction(si) + Fraction(ei) == Fraction(ai) + Fraction(bi)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(prod_floats, prod_floats), min_size=1, max_size=20))
def test_two_prod_is_exact(pairs):
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    p, e = two_prod(a, b)
    np.testing.assert_array_equal(p, a * b)  # p is the rounded product
    for ai, bi, pi, ei in zip(a, b, p, e, strict=True):
        assert Fraction(pi) + Fraction(ei) == Fraction(ai) * Fraction(bi)
        assert abs(ei) <= EPS * abs(pi)  # the error is at most half an ulp


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=-1e290, max_value=1e290), min_size=1, max_size=20))
def test_split_halves_are_exact_and_short(values):
    a = np.array(values)
    hi, lo = split(a)
    for ai, h, low in zip(a, hi, lo, strict=True):
        assert Fraction(h) + Fraction(low) == Fraction(ai)
        # 26-bit halves: their pairwise products (<= 52 bits) are exact in float64
        assert significant_bits(h) <= 26 and significant_bits(low) <= 26


def test_two_sum_and_two_prod_known_values():
    s, e = two_sum(np.array([1e16]), np.array([1.0]))  # 1e16 + 1 rounds to 1e16
    assert (s[0], e[0]) == (1e16, 1.0)
    p, e = two_prod(np.array([1.0 + 2.0**-30]), np.array([1.0 + 2.0**-30]))
    assert p[0] == 1.0 + 2.0**-29 and e[0] == 2.0**-60  # (1 + u)^2 = 1 + 2u + u^2


# --------------------------------------------------------------------------- Dot2


def mp_dot(A, x, *addends, dps=100):
    """sum(addends) + A @ x with every float64 taken as exact, to dps digits."""
    with mpmath.workdps(dps):
        out = []
        for i in range(A.shape[0]):
            terms = [mpmath.mpf(float(v[i])) for v in addends]
            terms += [mpmath.mpf(float(a)) * mpmath.mpf(float(xj)) for a, xj in zip(A[i], x,
                                                                                    strict=True)]
            out.append(mpmath.fsum(terms))
        return out


def ill_conditioned_residual(seed, cond, m=40, n=17):
    """A, x, b with b - A x of relative size 1/cond of sum |a_ij x_j| (heavy cancellation)."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n)) * 10.0 ** rng.uniform(-4, 4, size=n)
    x = rng.standard_normal(n)
    size = np.abs(A) @ np.abs(x)
    b = A @ x + size / cond * rng.uniform(0.5, 1.0, size=m) * rng.choice([-1.0, 1.0], size=m)
    return A, x, b, size


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("cond", [1e8, 1e11])
def test_dot2_residual_within_one_ulp_of_mpmath(seed, cond):
    A, x, b, _ = ill_conditioned_residual(seed, cond)
    ref = np.array([float(v) for v in mp_dot(A, -x, b)])  # exact value, rounded once
    got = dot2(A, -x, b)
    assert np.all(np.abs(got - ref) <= np.spacing(np.abs(ref)))
    # the plain residual loses about log10(cond) digits: the test can tell them apart
    plain = b - A @ x
    assert np.max(np.abs(plain - ref) / np.abs(ref)) > 1e3 * EPS


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), log_cond=st.floats(0, 20))
def test_dot2_error_bound_of_ogita_rump_oishi(seed, log_cond):
    """|res - s| <= eps |s| + gamma_n^2 sum |terms|, whatever the condition number."""
    A, x, b, size = ill_conditioned_residual(seed, 10.0**log_cond, m=8, n=12)
    r = np.random.default_rng(seed + 1).standard_normal(8)
    with mpmath.workdps(100):
        exact = mp_dot(A, -x, b, -r)
        got = dot2(A, -x, b, -r)
        n_terms = A.shape[1] + 2
        gamma = n_terms * EPS / (1 - n_terms * EPS)
        for i in range(8):
            err = abs(mpmath.mpf(float(got[i])) - exact[i])
            bound = EPS * abs(exact[i]) + gamma**2 * (size[i] + abs(b[i]) + abs(r[i]))
            assert err <= bound


def test_dot2_degree16_refinement_residual():
    """The residual Björck's refinement needs, b - r - A t on the lecture problem."""
    x, y = reg.make_lecture_data()
    A = reg.polynomial_features(x, 16)
    A = A * column_scales(A)
    t = np.linalg.lstsq(A, y, rcond=None)[0]
    r = y - A @ t
    ref = np.array([float(v) for v in mp_dot(A, -t, y, -r)])
    got = dot2(A, -t, y, -r)
    size = np.abs(A) @ np.abs(t) + np.abs(y) + np.abs(r)
    gamma = 19 * EPS / (1 - 19 * EPS)
    assert np.all(np.abs(got - ref) <= EPS * np.abs(ref) + 2 * gamma**2 * size)
    assert np.max(np.abs((y - r - A @ t) - ref)) > 1e3 * np.max(np.abs(got - ref))


def test_dot2_matches_plain_dot_when_exact():
    A = np.array([[1.0, 2.0], [3.0, -4.0]])
    np.testing.assert_array_equal(dot2(A, np.array([0.5, 0.25])), A @ np.array([0.5, 0.25]))
    np.testing.assert_array_equal(dot2(A, np.ones(2), np.array([1.0, 1.0])), [4.0, 0.0])


# --------------------------------------------------------------------------- refined least squares


def mp_lstsq_curve(A, b, A_eval, ridge=0.0, dps=60):
    """A_eval @ argmin ||A t - b||^2 + ridge ||t||^2, float entries exact, dps digits."""
    with mpmath.workdps(dps):
        P = mpmath.matrix(A.tolist())
        G = P.T * P + mpmath.eye(A.shape[1]) * mpmath.mpf(ridge)
        theta = mpmath.lu_solve(G, P.T * mpmath.matrix(b.tolist()))
        return np.array([float(v) for v in mpmath.matrix(A_eval.tolist()) * theta])


GRID = np.linspace(-5.0, 5.0, 101)


@pytest.mark.parametrize(
    ("n", "seed", "ridge"),
    [(20, reg.DEFAULT_SEED, 0.0), (25, 9, 0.0), (30, 1, 0.0), (20, reg.DEFAULT_SEED, 1e-3),
     (20, reg.DEFAULT_SEED, 0.04 / 1e4)],
)
def test_refined_lstsq_degree16_matches_mpmath(n, seed, ridge):
    """cond(A) ~ 1e12: the refined solution is that of the float64 matrix to ~1e-13.

    The curve is evaluated with dot2: plain ``A_eval @ x`` itself loses up to
    about 2e-12 to cancellation between the large coefficients.
    """
    x, y = reg.make_lecture_data(n, rng=seed)
    A = reg.polynomial_features(x, 16)
    A_eval = reg.polynomial_features(GRID, 16)
    ref = mp_lstsq_curve(A, y, A_eval, ridge)

    def error(res):
        return np.max(np.abs(dot2(A_eval, res.x) - ref)) / np.max(np.abs(ref))

    res = refined_lstsq(A, y, ridge=ridge)
    assert res.refined
    assert error(res) < 1e-12
    # without refinement (plain Householder QR) the error is orders of magnitude larger
    assert error(refined_lstsq(A, y, ridge=ridge, steps=0)) > 100 * error(res)


def test_refined_lstsq_factor_scaling_and_residual():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((12, 4)) * np.array([1.0, 1e3, 1e-2, 7.0])
    b = rng.standard_normal(12)
    lam = 0.5
    res = refined_lstsq(A, b, ridge=lam, refine_above_cond=0.0)
    expected = np.linalg.solve(A.T @ A + lam * np.eye(4), A.T @ b)
    np.testing.assert_allclose(res.x, expected, rtol=1e-12)
    R, s = res.r_factor, res.scale
    assert np.all(np.diag(R) > 0) and np.allclose(R, np.triu(R))
    np.testing.assert_allclose(R.T @ R, s[:, None] * (A.T @ A + lam * np.eye(4)) * s[None, :],
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(np.log2(s), np.round(np.log2(s)))  # powers of two
    np.testing.assert_allclose(res.residual, np.concatenate([b - A @ res.x,
                                                             -np.sqrt(lam) * res.x]),
                               rtol=1e-12, atol=1e-14)
    # well conditioned: by default no refinement is attempted
    assert not refined_lstsq(A, b).refined


def test_refined_lstsq_rank_deficient():
    A = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    with pytest.raises(RankDeficientError, match=r"numerically rank deficient \(column 1\)") as e:
        refined_lstsq(A, np.ones(3), check_rank=True)
    assert e.value.column == 1 and isinstance(e.value, ValueError)


def test_refined_lstsq_overflowing_split_falls_back_without_warnings():
    """Splitting 1e300-sized values overflows; the plain solution is kept, silently."""
    rng = np.random.default_rng(4)
    A = rng.standard_normal((6, 3))
    b = 1e300 * rng.standard_normal(6)
    res = refined_lstsq(A, b, refine_above_cond=0.0)
    assert np.all(np.isfinite(res.x)) and np.all(np.isfinite(res.residual))
    np.testing.assert_allclose(res.x, np.linalg.lstsq(A, b, rcond=None)[0], rtol=1e-12)


def test_column_scales_powers_of_two_near_reciprocal_norm():
    A = np.array([[3.0, 0.0, 1e-3, -1e5], [4.0, 0.0, 0.0, 0.0]])
    s = column_scales(A)
    np.testing.assert_array_equal(s, [0.25, 1.0, 1024.0, 2.0**-17])
    norms = np.linalg.norm(A * s, axis=0)
    assert np.all((norms[[0, 2, 3]] >= 2**-0.5) & (norms[[0, 2, 3]] <= 2**0.5))
