"""Lasso / Laplace-prior MAP and elastic net by soft thresholding, against brute-force minimisation;
Gaussian and Laplace densities against numerical integration."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mathcore.densities import gaussian_logpdf, gaussian_pdf, laplace_logpdf, laplace_pdf
from mathcore.prior import gaussian_prior_pdf, laplace_prior_pdf
from mathcore.sparsity import (
    elastic_net_log_posterior,
    elastic_net_map_slope,
    elastic_net_prior_logpdf,
    elastic_net_slope,
    l1_lambda_from_laplace,
    laplace_log_posterior,
    laplace_map_slope,
    laplace_scale_matching_variance,
    lasso_slope,
    soft_threshold,
)
from tests.test_mathcore_slope import slope_data, sums

FAST = settings(max_examples=100, deadline=None)


def penalised_loss(w: np.ndarray, x: np.ndarray, y: np.ndarray, l1: float, l2: float) -> np.ndarray:
    """sum (y - w x)^2 + l1 |w| + l2 w^2, evaluated term by term."""
    r = y[:, None] - x[:, None] * w[None, :]
    return (r * r).sum(axis=0) + l1 * np.abs(w) + l2 * w * w


def brute_force_check(w_star: float, x: np.ndarray, y: np.ndarray, l1: float, l2: float) -> None:
    """w_star is no worse than every point of a dense grid, and lies next to the grid minimiser."""
    sxx, sxy, _ = sums(x, y)
    reach = abs(sxy) / sxx + 1.0
    w = np.linspace(-reach, reach * 1.007, 20001)
    values = penalised_loss(w, x, y, l1, l2)
    best = float(penalised_loss(np.array([w_star]), x, y, l1, l2)[0])
    assert best <= values.min() + 1e-9 * (1.0 + abs(values.min()))
    assert abs(w_star - w[np.argmin(values)]) <= 2 * (w[1] - w[0]) + 1e-9


@FAST
@given(slope_data(), st.floats(0.0, 400.0))
def test_lasso_is_the_brute_force_minimiser_of_the_l1_objective(data, lam):
    x, y = data
    brute_force_check(lasso_slope(x, y, lam), x, y, lam, 0.0)


@FAST
@given(slope_data(), st.floats(0.0, 200.0), st.floats(0.0, 50.0))
def test_elastic_net_is_the_brute_force_minimiser(data, l1, l2):
    x, y = data
    brute_force_check(elastic_net_slope(x, y, l1, l2), x, y, l1, l2)


@FAST
@given(slope_data(), st.floats(0.0, 10.0))
def test_lasso_is_exactly_zero_once_lambda_reaches_twice_sum_xy(data, excess):
    x, y = data
    _, sxy, _ = sums(x, y)
    assert lasso_slope(x, y, 2 * abs(sxy) * (1 + excess)) == 0.0


@FAST
@given(slope_data(), st.floats(0.0, 0.99))
def test_lasso_shrinks_the_mle_linearly_below_the_threshold(data, fraction):
    x, y = data
    sxx, sxy, _ = sums(x, y)
    got = lasso_slope(x, y, 2 * abs(sxy) * fraction)
    assert math.isclose(got, (1 - fraction) * sxy / sxx, rel_tol=1e-9, abs_tol=1e-12)
    assert got * sxy >= 0.0


@FAST
@given(slope_data(), st.floats(0.1, 10.0), st.floats(0.01, 20.0))
def test_laplace_map_is_the_peak_of_the_laplace_posterior(data, sigma_n, scale):
    x, y = data
    w_star = laplace_map_slope(x, y, sigma_n, scale)
    sxx, sxy, _ = sums(x, y)
    reach = abs(sxy) / sxx + 1.0
    w = np.linspace(-reach, reach * 1.007, 20001)
    logs = laplace_log_posterior(w, x, y, sigma_n, scale)
    at_star = float(laplace_log_posterior(np.array([w_star]), x, y, sigma_n, scale)[0])
    assert at_star >= logs.max() - 1e-9 * (1.0 + abs(logs.max()))
    assert math.isclose(l1_lambda_from_laplace(sigma_n, scale) * scale, 2 * sigma_n**2, rel_tol=1e-12)


@FAST
@given(st.lists(st.floats(-50.0, 50.0), min_size=1, max_size=20), st.floats(0.0, 30.0))
def test_soft_threshold_is_the_proximal_step_of_the_absolute_value(values, t):
    v = np.array(values)
    got = soft_threshold(v, t)
    u = np.linspace(-60.0, 60.0, 24001)
    for vi, gi in zip(v, got, strict=True):
        objective = 0.5 * (u - vi) ** 2 + t * np.abs(u)
        assert 0.5 * (gi - vi) ** 2 + t * abs(gi) <= objective.min() + 1e-9
    assert np.all(got[np.abs(v) <= t] == 0.0)


@FAST
@given(st.floats(-3.0, 3.0), st.floats(0.05, 5.0))
def test_laplace_density_integrates_to_one_with_variance_two_b_squared(mean, scale):
    x = np.linspace(mean - 60 * scale, mean + 60 * scale, 60001)
    p = laplace_pdf(x, mean, scale)
    assert math.isclose(np.trapezoid(p, x), 1.0, rel_tol=1e-6)
    assert math.isclose(np.trapezoid(p * x, x), mean, abs_tol=1e-6 * (1 + scale))
    assert math.isclose(np.trapezoid(p * (x - mean) ** 2, x), 2 * scale**2, rel_tol=1e-5)
    np.testing.assert_allclose(p, np.exp(-np.abs(x - mean) / scale) / (2 * scale), rtol=1e-12)


@FAST
@given(st.floats(-3.0, 3.0), st.floats(0.05, 5.0))
def test_gaussian_density_integrates_to_one_with_variance_std_squared(mean, std):
    x = np.linspace(mean - 12 * std, mean + 12 * std, 48001)
    p = gaussian_pdf(x, mean, std)
    assert math.isclose(np.trapezoid(p, x), 1.0, rel_tol=1e-9)
    assert math.isclose(np.trapezoid(p * (x - mean) ** 2, x), std**2, rel_tol=1e-8)
    np.testing.assert_allclose(gaussian_prior_pdf(x, std), np.exp(-(x**2) / (2 * std**2)) / math.sqrt(2 * math.pi
                               * std**2), rtol=1e-12, atol=1e-300)


@FAST
@given(st.floats(0.05, 5.0))
def test_variance_matched_laplace_prior_has_the_gaussian_variance(sigma):
    b = laplace_scale_matching_variance(sigma)
    w = np.linspace(-80 * b, 80 * b, 80001)
    assert math.isclose(np.trapezoid(laplace_prior_pdf(w, b) * w * w, w), sigma**2, rel_tol=1e-5)


def test_log_densities_stay_finite_far_in_the_tails():
    far = np.array([1e3, -1e4, 1e6])
    assert np.all(gaussian_pdf(far, 0.0, 1.0) == 0.0)
    np.testing.assert_allclose(gaussian_logpdf(far, 0.0, 1.0), -0.5 * far**2 - 0.5 * math.log(2 * math.pi))
    assert np.all(laplace_pdf(far, 0.0, 0.01) == 0.0)
    np.testing.assert_allclose(laplace_logpdf(far, 0.0, 0.01), -np.abs(far) / 0.01 - math.log(0.02))


@FAST
@given(slope_data(), st.floats(0.1, 10.0), st.floats(0.02, 20.0), st.floats(0.0, 1.0))
def test_elastic_net_map_is_the_peak_of_its_posterior(data, sigma_n, sigma, mix):
    x, y = data
    w_star = elastic_net_map_slope(x, y, sigma_n, sigma, mix)
    sxx, sxy, _ = sums(x, y)
    reach = abs(sxy) / sxx + 1.0
    w = np.linspace(-reach, reach * 1.007, 20001)
    logs = elastic_net_log_posterior(w, x, y, sigma_n, sigma, mix)
    at_star = float(elastic_net_log_posterior(np.array([w_star]), x, y, sigma_n, sigma, mix)[0])
    assert at_star >= logs.max() - 1e-9 * (1.0 + abs(logs.max()))


@FAST
@given(st.floats(0.05, 10.0))
def test_elastic_net_prior_blends_the_gaussian_and_the_variance_matched_laplace(sigma):
    w = np.linspace(-3.0, 3.0, 61)
    gauss = -(w**2) / (2 * sigma**2) - 0.5 * math.log(2 * math.pi * sigma**2)
    b = sigma / math.sqrt(2.0)
    laplace = -np.abs(w) / b - math.log(2 * b)
    np.testing.assert_allclose(elastic_net_prior_logpdf(w, sigma, 0.0), gauss, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(elastic_net_prior_logpdf(w, sigma, 1.0), laplace, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(elastic_net_prior_logpdf(w, sigma, 0.25), 0.25 * laplace + 0.75 * gauss,
                               rtol=1e-12, atol=1e-12)
