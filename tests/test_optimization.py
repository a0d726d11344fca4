"""Tests for lecture_utils.optimization: the update rule, the stability bound
eta < 2 / lambda_max on quadratics (with margins on both sides), early stopping
on overflow, and the messages for bad input."""

from __future__ import annotations

import numpy as np
import pytest

from lecture_utils.optimization import DescentResult, gradient_descent


def quadratic(H):
    H = np.asarray(H, dtype=float)
    return lambda theta: (0.5 * theta @ H @ theta, H @ theta)


def rotated(eigenvalues, angle=0.6):
    c, s = np.cos(angle), np.sin(angle)
    Q = np.array([[c, -s], [s, c]])
    return Q @ np.diag(eigenvalues) @ Q.T


def test_one_step_is_theta_minus_eta_times_the_gradient():
    def loss_and_grad(theta):
        return float(np.sum(theta**3)), 3 * theta**2

    theta0 = np.array([1.0, -2.0, 0.5])
    result = gradient_descent(loss_and_grad, theta0, learning_rate=0.1, n_steps=1)
    np.testing.assert_allclose(result.path[1], theta0 - 0.1 * 3 * theta0**2)
    np.testing.assert_array_equal(result.path[0], theta0)
    assert result.losses.tolist() == [np.sum(theta0**3), np.sum(result.theta**3)]


def test_iterates_follow_the_closed_form_per_eigen_component():
    # theta_t = Q diag((1 - eta lambda_i)^t) Q^T theta_0
    lam = np.array([1.0, 10.0])
    H = rotated(lam)
    theta0 = np.array([1.0, 2.0])
    eta, T = 0.15, 40
    result = gradient_descent(quadratic(H), theta0, learning_rate=eta, n_steps=T)
    _, Q = np.linalg.eigh(H)
    c0 = Q.T @ theta0
    for t in (1, 7, T):
        expected = Q @ ((1 - eta * lam) ** t * c0)
        np.testing.assert_allclose(result.path[t], expected, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("eigenvalues", [(1.0, 10.0), (0.2, 3.0, 50.0)])
@pytest.mark.parametrize("fraction", [0.5, 0.9, 0.98])
def test_converges_below_two_over_lambda_max(eigenvalues, fraction):
    H = np.diag(eigenvalues)
    eta = fraction * 2 / max(eigenvalues)
    theta0 = np.ones(len(eigenvalues))
    result = gradient_descent(quadratic(H), theta0, learning_rate=eta, n_steps=3000)
    assert not result.diverged
    # every component shrinks by max_i |1 - eta lambda_i| per step
    rate = np.max(np.abs(1 - eta * np.array(eigenvalues)))
    assert rate < 1
    assert np.linalg.norm(result.theta) <= rate**3000 * np.sqrt(len(theta0)) + 1e-300
    assert np.linalg.norm(result.theta) < 1e-5


@pytest.mark.parametrize("fraction", [1.02, 1.1, 2.0])
def test_diverges_above_two_over_lambda_max(fraction):
    H = rotated([1.0, 10.0])
    eta = fraction * 2 / 10.0
    result = gradient_descent(quadratic(H), [1.0, 1.0], learning_rate=eta, n_steps=2000)
    assert result.diverged
    assert not np.isfinite(result.losses[-1]) or result.losses[-1] > 1e10


def test_oscillates_between_one_and_two_over_lambda_max():
    # 1 - eta lambda < 0: the component along lambda_max flips sign every step
    H = np.diag([1.0, 10.0])
    result = gradient_descent(quadratic(H), [0.0, 1.0], learning_rate=0.15, n_steps=6)
    signs = np.sign(result.path[:, 1])
    assert signs.tolist() == [1, -1, 1, -1, 1, -1, 1]
    assert not result.diverged
    slow = gradient_descent(quadratic(H), [0.0, 1.0], learning_rate=0.05, n_steps=6)
    assert np.all(slow.path[:, 1] > 0)


def test_overflow_stops_early_with_matching_path_and_losses():
    H = np.diag([1.0, 10.0])
    result = gradient_descent(
        quadratic(H), [1.0, 1.0], learning_rate=1.0, n_steps=10_000
    )
    assert result.diverged
    assert len(result.path) == len(result.losses) < 10_001
    assert not np.isfinite(result.losses[-1])
    assert np.all(np.isfinite(result.losses[:-1]))


def test_zero_steps_and_result_type():
    result = gradient_descent(
        quadratic(np.eye(2)), [1.0, 2.0], learning_rate=0.1, n_steps=0
    )
    assert isinstance(result, DescentResult)
    assert result.path.shape == (1, 2) and result.losses.tolist() == [2.5]
    assert not result.diverged


def test_theta_may_be_a_matrix():
    target = np.arange(6.0).reshape(2, 3)

    def loss_and_grad(W):
        return 0.5 * np.sum((W - target) ** 2), W - target

    result = gradient_descent(
        loss_and_grad, np.zeros((2, 3)), learning_rate=0.5, n_steps=60
    )
    assert result.path.shape == (61, 2, 3)
    np.testing.assert_allclose(result.theta, target, atol=1e-12)


def test_the_input_is_not_modified():
    theta0 = np.array([1.0, 1.0])
    gradient_descent(quadratic(np.eye(2)), theta0, learning_rate=0.5, n_steps=3)
    assert theta0.tolist() == [1.0, 1.0]


TOO_LONG = r"n_steps \* theta0.size must be at most 10,000,000.*keeps every iterate"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"learning_rate": 0.0},
            ValueError,
            r"learning_rate must be a number > 0, got 0.0",
        ),
        ({"learning_rate": -0.1}, ValueError, r"learning_rate must be a number > 0"),
        (
            {"learning_rate": True},
            TypeError,
            r"learning_rate must be a real number, got bool",
        ),
        ({"n_steps": 2.0}, TypeError, r"n_steps must be an integer, got float"),
        ({"n_steps": -1}, ValueError, r"n_steps must be an integer >= 0, got -1"),
        (
            {"n_steps": 2_000_000},
            ValueError,
            r"n_steps must be an integer <= 1,000,000",
        ),
        ({"theta0": []}, ValueError, r"theta0 must be non-empty"),
        ({"theta0": [1.0, np.nan]}, ValueError, r"theta0 must be finite, got nan"),
        ({"theta0": np.zeros(100_000), "n_steps": 200}, ValueError, TOO_LONG),
        (
            {"loss_and_grad": "f"},
            TypeError,
            r"loss_and_grad must be a function, got str",
        ),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    args = {
        "loss_and_grad": lambda t: (float(t @ t), 2 * t),
        "theta0": [1.0, 2.0],
        "learning_rate": 0.1,
        "n_steps": 5,
    } | kwargs
    with pytest.raises(error, match=f"^gradient_descent: {match}"):
        gradient_descent(args.pop("loss_and_grad"), args.pop("theta0"), **args)


TUPLE = r"loss_and_grad\(theta\) must be a tuple \(loss, gradient\)"
LOSS = r"the loss from loss_and_grad must be a real number"
GRAD = r"the gradient from loss_and_grad must be"


@pytest.mark.parametrize(
    ("returns", "error", "match"),
    [
        (lambda t: 2 * t, TypeError, TUPLE + ", got an array"),
        (lambda t: (t @ t, 2 * t, 0), TypeError, TUPLE + ", got tuple"),
        (lambda t: (t, 2 * t), TypeError, LOSS + ", got an array"),
        (lambda t: (t @ t + 1j, 2 * t), TypeError, LOSS + ", got complex"),
        (
            lambda t: (t @ t, 2 * t[:1]),
            ValueError,
            GRAD + r" of shape \(2,\), got shape \(1,\)",
        ),
        (lambda t: (t @ t, 2j * t), TypeError, GRAD + " real numbers, got complex"),
        (
            lambda t: (t @ t, None),
            TypeError,
            GRAD + " an array of real numbers, got None",
        ),
    ],
)
def test_bad_return_values_of_loss_and_grad_are_named(returns, error, match):
    with pytest.raises(error, match=f"^gradient_descent: {match}"):
        gradient_descent(returns, [1.0, 2.0], learning_rate=0.1, n_steps=3)
