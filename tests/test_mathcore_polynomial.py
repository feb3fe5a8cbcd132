"""Polynomial MLE and ridge/MAP fits against the normal equations, the conjugate posterior mean and a power basis.

The reference Legendre basis is built here by Bonnet's recurrence, independently of numpy's legvander.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathcore.polynomial import (
    degree_blend,
    dense_curve,
    design_matrix,
    fit_map,
    fit_mle,
    fit_ridge,
    max_mle_degree,
    rms_error,
)

FAST = settings(max_examples=100, deadline=None)
DOMAIN = (0.0, 1.0)


def legendre_basis(x: np.ndarray, degree: int, domain: tuple[float, float]) -> np.ndarray:
    """P_0..P_degree at x mapped onto [-1, 1], by (k + 1) P_{k+1} = (2k + 1) t P_k - k P_{k-1}."""
    t = (2.0 * x - (domain[0] + domain[1])) / (domain[1] - domain[0])
    cols = [np.ones_like(t), t]
    for k in range(1, degree):
        cols.append(((2 * k + 1) * t * cols[k] - k * cols[k - 1]) / (k + 1))
    return np.stack(cols[: degree + 1], axis=1)


@st.composite
def spread_points(draw: st.DrawFn, min_points: int, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Points with distinct x in [0, 1], at least 0.5 / (n - 1) apart, and y in [-3, 3]."""
    n = draw(st.integers(min_points, max_points))
    slots = np.linspace(0.0, 1.0, n)
    jitter = np.array(draw(st.lists(st.floats(-0.25, 0.25), min_size=n, max_size=n))) / max(n - 1, 1)
    x = np.clip(slots + jitter, 0.0, 1.0)
    y = np.array(draw(st.lists(st.floats(-3.0, 3.0), min_size=n, max_size=n)))
    return x, y


@FAST
@given(st.lists(st.floats(-2.0, 3.0), min_size=1, max_size=30), st.integers(0, 15))
def test_design_matrix_is_the_legendre_basis(xs, degree):
    x = np.array(xs)
    np.testing.assert_allclose(design_matrix(x, degree, (-2.0, 3.0)), legendre_basis(x, degree, (-2.0, 3.0)),
                               rtol=1e-10, atol=1e-10)


@FAST
@given(spread_points(2, 25), st.integers(0, 15), st.floats(1e-3, 1e3))
def test_ridge_solves_the_regularised_normal_equations(data, degree, lam):
    x, y = data
    X = legendre_basis(x, degree, DOMAIN)
    expected = np.linalg.solve(X.T @ X + lam * np.eye(degree + 1), X.T @ y)
    fit = fit_ridge(x, y, degree, lam, DOMAIN)
    np.testing.assert_allclose(fit.coef, expected, rtol=1e-6, atol=1e-8)
    grid = np.linspace(0.0, 1.0, 50)
    np.testing.assert_allclose(fit(grid), legendre_basis(grid, degree, DOMAIN) @ expected, rtol=1e-6, atol=1e-8)


@FAST
@given(spread_points(2, 25), st.integers(0, 15), st.floats(0.05, 5.0), st.floats(0.05, 20.0))
def test_polynomial_map_is_the_conjugate_posterior_mean(data, degree, sigma_n, sigma):
    x, y = data
    X = legendre_basis(x, degree, DOMAIN)
    precision = X.T @ X / sigma_n**2 + np.eye(degree + 1) / sigma**2
    mean = np.linalg.solve(precision, X.T @ y / sigma_n**2)
    np.testing.assert_allclose(fit_map(x, y, degree, sigma_n, sigma, DOMAIN).coef, mean, rtol=1e-6, atol=1e-8)


@FAST
@given(spread_points(2, 25), st.integers(0, 8))
def test_mle_matches_a_power_basis_least_squares_fit(data, degree):
    x, y = data
    degree = min(degree, x.size - 1)
    t = 2.0 * x - 1.0
    power = np.polynomial.polynomial.polyfit(t, y, degree)
    grid = np.linspace(0.0, 1.0, 40)
    expected = np.polynomial.polynomial.polyval(2.0 * grid - 1.0, power)
    np.testing.assert_allclose(fit_mle(x, y, degree, DOMAIN)(grid), expected, rtol=1e-6, atol=1e-6)


@FAST
@given(spread_points(2, 13))
def test_mle_of_degree_n_minus_1_interpolates(data):
    x, y = data
    fit = fit_mle(x, y, x.size - 1)
    np.testing.assert_allclose(fit(x), y, atol=1e-7)


@FAST
@given(spread_points(13, 30), st.floats(1e-3, 1e3))
def test_degree12_ridge_is_finite_and_has_a_smaller_weight_norm_than_the_mle(data, lam):
    x, y = data
    if np.abs(y).max() < 0.1:
        y = y + 1.0
    mle = fit_mle(x, y, 12, DOMAIN)
    ridge = fit_ridge(x, y, 12, lam, DOMAIN)
    grid = np.linspace(0.0, 1.0, 400)
    assert np.all(np.isfinite(ridge.coef)) and np.all(np.isfinite(ridge(grid)))
    assert ridge.weight_norm < mle.weight_norm
    assert fit_ridge(x, y, 12, 2 * lam, DOMAIN).weight_norm <= ridge.weight_norm * (1 + 1e-12)


def test_legendre_basis_stays_well_conditioned_at_degree_15():
    x = np.linspace(0.0, 1.0, 200)
    assert np.linalg.cond(design_matrix(x, 15, DOMAIN)) < 100.0
    assert np.linalg.cond(np.vander(x, 16)) > 1e10
    coef = np.random.default_rng(5).normal(size=16)
    y = legendre_basis(x, 15, DOMAIN) @ coef
    np.testing.assert_allclose(fit_mle(x, y, 15, DOMAIN).coef, coef, atol=1e-10)


def test_ridge_stays_finite_when_the_degree_exceeds_the_points():
    x = np.array([0.1, 0.4, 0.7])
    y = np.array([1.0, -1.0, 2.0])
    for degree in range(3, 16):
        fit = fit_ridge(x, y, degree, 1e-2, DOMAIN)
        assert np.all(np.isfinite(fit.coef))
    assert max_mle_degree(x) == 2
    assert max_mle_degree(np.linspace(0, 1, 40)) == 15


def test_dense_curve_samples_the_fit_on_the_requested_range():
    x = np.linspace(0.0, 1.0, 6)
    fit = fit_mle(x, x**2, 2)
    xs, ys = dense_curve(fit, -0.5, 1.5, 301)
    assert xs.size == 301 and xs[0] == -0.5 and xs[-1] == 1.5
    np.testing.assert_allclose(ys, xs**2, atol=1e-12)


@FAST
@given(spread_points(3, 14), st.floats(0.0, 14.0), st.floats(1e-3, 10.0))
def test_degree_blend_interpolates_between_neighbouring_ridge_fits(data, degree, lam):
    x, y = data
    grid = np.linspace(0.0, 1.0, 30)
    lo = int(np.floor(degree))
    t = degree - lo
    below = legendre_basis(grid, lo, DOMAIN) @ np.linalg.solve(
        legendre_basis(x, lo, DOMAIN).T @ legendre_basis(x, lo, DOMAIN) + lam * np.eye(lo + 1),
        legendre_basis(x, lo, DOMAIN).T @ y)
    above = legendre_basis(grid, lo + 1, DOMAIN) @ np.linalg.solve(
        legendre_basis(x, lo + 1, DOMAIN).T @ legendre_basis(x, lo + 1, DOMAIN) + lam * np.eye(lo + 2),
        legendre_basis(x, lo + 1, DOMAIN).T @ y)
    expected = below if t == 0.0 else (1 - t) * below + t * above
    np.testing.assert_allclose(degree_blend(x, y, degree, lam, grid, DOMAIN), expected, rtol=1e-6, atol=1e-7)


@FAST
@given(st.lists(st.tuples(st.floats(-10, 10), st.floats(-10, 10)), min_size=1, max_size=20))
def test_rms_error_is_the_root_mean_square_gap(pairs):
    p, o = np.array(pairs).T
    expected = (sum((a - b) ** 2 for a, b in pairs) / len(pairs)) ** 0.5
    assert rms_error(p, o) == pytest.approx(expected, rel=1e-12, abs=1e-12)
