"""Slope model: likelihood, prior, posterior, MAP, lambda and the chapter-8 objectives against closed forms.

Every reference value is computed here from the textbook formulas (the Gaussian conjugate posterior, the
normal equations, brute force on a dense grid), never by calling the mathcore function under test.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mathcore.likelihood import (
    likelihood_curve,
    likelihood_density,
    log_likelihood,
    mle_slope,
    point_likelihood_curves,
    relative_likelihood,
    relative_point_likelihoods,
)
from mathcore.objectives import (
    descent_path,
    neg_log_posterior,
    neg_log_posterior_gradient,
    ridge_objective,
    ridge_slope,
    two_views,
)
from mathcore.posterior import map_on_grid, map_slope, posterior_density, posterior_std, shrinkage_factor
from mathcore.regularization import lambda_from_sigmas, sigma_from_lambda

FAST = settings(max_examples=100, deadline=None)

coordinate = st.floats(-5.0, 5.0, allow_nan=False, allow_infinity=False)
noise = st.floats(0.1, 10.0)
prior_width = st.floats(0.05, 50.0)


@st.composite
def slope_data(draw: st.DrawFn, min_points: int = 1, max_points: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Paired (x, y) with sum(x^2) >= 0.1 so the slope is identifiable."""
    n = draw(st.integers(min_points, max_points))
    x = np.array(draw(st.lists(coordinate, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(st.floats(-20.0, 20.0), min_size=n, max_size=n)))
    if float(np.sum(x * x)) < 0.1:
        x = x + 1.0
    return x, y


def sums(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Sxx, Sxy, Syy with exactly rounded sums."""
    return (math.fsum(a * a for a in x), math.fsum(a * b for a, b in zip(x, y, strict=True)),
            math.fsum(b * b for b in y))


def conjugate_posterior(x: np.ndarray, y: np.ndarray, sigma_n: float, sigma: float) -> tuple[float, float]:
    """Mean and std of p(w | D) for y = w x + N(0, sigma_n^2), w ~ N(0, sigma^2), by precision weighting."""
    sxx, sxy, _ = sums(x, y)
    precision = sxx / sigma_n**2 + 1.0 / sigma**2
    return (sxy / sigma_n**2) / precision, 1.0 / math.sqrt(precision)


def grid_around(centre: float, half_width: float, samples: int = 2001) -> np.ndarray:
    """An evenly spaced grid whose points do not fall exactly on ``centre``."""
    return np.linspace(centre - half_width, centre + half_width * 1.013, samples)


@FAST
@given(slope_data(), noise, prior_width)
def test_map_is_the_conjugate_posterior_mean_and_the_ridge_solution(data, sigma_n, sigma):
    x, y = data
    mean, std = conjugate_posterior(x, y, sigma_n, sigma)
    got = map_slope(x, y, sigma_n, sigma)
    assert math.isclose(got, mean, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(posterior_std(x, sigma_n, sigma), std, rel_tol=1e-12)
    lam = sigma_n**2 / sigma**2
    X = x[:, None]
    ridge = np.linalg.solve(X.T @ X + lam * np.eye(1), X.T @ y)[0]
    assert math.isclose(got, ridge, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(ridge_slope(x, y, lam), ridge, rel_tol=1e-9, abs_tol=1e-12)


@FAST
@given(slope_data(), noise, prior_width)
def test_map_on_the_grid_agrees_with_the_closed_form(data, sigma_n, sigma):
    x, y = data
    mean, std = conjugate_posterior(x, y, sigma_n, sigma)
    w = grid_around(mean, 6.0 * std + 1.0)
    assert math.isclose(map_on_grid(w, x, y, sigma_n, sigma), mean, rel_tol=1e-6, abs_tol=1e-6 * (std + 1e-3))


@FAST
@given(slope_data(), noise, prior_width)
def test_posterior_density_is_the_conjugate_gaussian(data, sigma_n, sigma):
    x, y = data
    mean, std = conjugate_posterior(x, y, sigma_n, sigma)
    w = np.linspace(mean - 10 * std, mean + 10 * std, 4001)
    expected = np.exp(-0.5 * ((w - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))
    got = posterior_density(w, x, y, sigma_n, sigma)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6 * expected.max())


@FAST
@given(slope_data(), noise)
def test_map_moves_from_zero_to_the_mle_as_sigma_grows(data, sigma_n):
    x, y = data
    sxx, sxy, _ = sums(x, y)
    mle = sxy / sxx
    assert math.isclose(mle_slope(x, y), mle, rel_tol=1e-9, abs_tol=1e-12)
    sigmas = np.geomspace(1e-4, 1e5, 40)
    maps = np.array([map_slope(x, y, sigma_n, s) for s in sigmas])
    assert np.all(np.sign(maps) * np.sign(mle) >= 0)
    assert np.all(np.diff(np.abs(maps)) >= -1e-12 * abs(mle))
    assert np.all(np.abs(maps) <= abs(mle) * (1 + 1e-12))
    # A Gaussian prior of width sigma can shrink the slope no further than |sum xy| sigma^2 / sigma_n^2.
    assert abs(maps[0]) <= abs(sxy) * sigmas[0] ** 2 / sigma_n**2 * (1 + 1e-9)
    assert abs(maps[-1] - mle) <= 1e-6 * abs(mle) + 1e-12


@FAST
@given(noise, prior_width)
def test_lambda_is_noise_variance_over_prior_variance_and_inverts(sigma_n, sigma):
    lam = lambda_from_sigmas(sigma_n, sigma)
    assert math.isclose(lam * sigma**2, sigma_n**2, rel_tol=1e-12)
    assert math.isclose(sigma_from_lambda(lam, sigma_n), sigma, rel_tol=1e-12)


@FAST
@given(slope_data(), noise, st.floats(1e-3, 1e3))
def test_both_chapter8_views_share_one_argmin(data, sigma_n, lam):
    x, y = data
    sxx, sxy, _ = sums(x, y)
    closed = sxy / (sxx + lam)
    spread = 6.0 * sigma_n / math.sqrt(sxx + lam) + 1.0
    w = grid_around(closed, spread)
    views = two_views(w, x, y, sigma_n, lam)
    tol = 1e-6 * spread
    assert math.isclose(views.closed_form, closed, rel_tol=1e-9, abs_tol=1e-12)
    assert abs(views.ridge_argmin - closed) <= tol
    assert abs(views.neg_log_post_argmin - closed) <= tol
    brute = w[np.argmin([math.fsum((b - wi * a) ** 2 for a, b in zip(x, y, strict=True)) + lam * wi * wi
                         for wi in w[::10]]) * 10]
    assert abs(brute - closed) <= 10 * (w[1] - w[0])


@FAST
@given(slope_data(max_points=12), noise, st.floats(1e-3, 1e3))
def test_objectives_match_their_textbook_formulas(data, sigma_n, lam):
    x, y = data
    sigma2 = sigma_n**2 / lam
    w = np.linspace(-4.0, 4.0, 9)
    ridge = [math.fsum((b - wi * a) ** 2 for a, b in zip(x, y, strict=True)) + lam * wi * wi for wi in w]
    nlp = [x.size * 0.5 * math.log(2 * math.pi * sigma_n**2)
           + math.fsum((b - wi * a) ** 2 for a, b in zip(x, y, strict=True)) / (2 * sigma_n**2)
           + 0.5 * math.log(2 * math.pi * sigma2) + wi * wi / (2 * sigma2) for wi in w]
    np.testing.assert_allclose(ridge_objective(w, x, y, lam), ridge, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(neg_log_posterior(w, x, y, sigma_n, lam), nlp, rtol=1e-10, atol=1e-9)
    # Chapter 7's factoring step: -log posterior = [loss + lambda w^2] / (2 sigma_n^2) + a constant.
    gap = neg_log_posterior(w, x, y, sigma_n, lam) - ridge_objective(w, x, y, lam) / (2 * sigma_n**2)
    assert np.ptp(gap) <= 1e-9 * (1 + np.abs(nlp).max())


def direct_likelihood(w: np.ndarray, x: np.ndarray, y: np.ndarray, sigma_n: float) -> np.ndarray:
    """The product of the Gaussian point densities, multiplied out naively (underflows for many points)."""
    out = np.ones_like(w)
    for a, b in zip(x, y, strict=True):
        out = out * np.exp(-((b - w * a) ** 2) / (2 * sigma_n**2)) / (sigma_n * math.sqrt(2 * math.pi))
    return out


@FAST
@given(slope_data(max_points=20), st.floats(0.3, 10.0))
def test_log_space_product_equals_the_direct_product(data, sigma_n):
    x, y = data
    w = np.linspace(-6.0, 6.0, 121)
    direct = direct_likelihood(w, x, y, sigma_n)
    ok = direct > 1e-250
    np.testing.assert_allclose(log_likelihood(w, x, y, sigma_n)[ok], np.log(direct[ok]), rtol=1e-10, atol=1e-10)


def test_log_space_product_stays_finite_for_1000_points_where_the_direct_one_underflows():
    rng = np.random.default_rng(7)
    x = rng.uniform(0.5, 2.5, 1000)
    y = 2.0 * x + rng.normal(0.0, 1.5, 1000)
    sigma_n = 1.5
    w = np.linspace(-5.0, 5.0, 601)
    assert np.all(direct_likelihood(w, x, y, sigma_n) == 0.0)
    got = log_likelihood(w, x, y, sigma_n)
    sxx, sxy, syy = sums(x, y)
    closed = -x.size * math.log(sigma_n * math.sqrt(2 * math.pi)) - (syy - 2 * w * sxy + w * w * sxx) / (2 * sigma_n**2)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, closed, rtol=1e-10)
    curve = likelihood_curve(w, x, y, sigma_n)
    assert np.all(np.isfinite(curve)) and curve.max() == 1.0
    assert abs(w[np.argmax(curve)] - sxy / sxx) <= w[1] - w[0]
    # As a function of w the likelihood is the Gaussian N(MLE, sigma_n^2 / Sxx); check its unit-area version.
    fine = np.linspace(sxy / sxx - 0.5, sxy / sxx + 0.5, 2001)
    std = sigma_n / math.sqrt(sxx)
    expected = np.exp(-0.5 * ((fine - sxy / sxx) / std) ** 2) / (std * math.sqrt(2 * math.pi))
    np.testing.assert_allclose(likelihood_density(fine, x, y, sigma_n), expected, rtol=1e-4, atol=1e-8)


@FAST
@given(slope_data(max_points=10), noise)
def test_each_point_curve_peaks_at_one_where_its_own_line_passes(data, sigma_n):
    x, y = data
    keep = np.abs(x) > 0.2
    x, y = x[keep], y[keep]
    assume(x.size > 0)
    w = np.linspace(-150.0, 150.0, 30001)
    curves = point_likelihood_curves(w, x, y, sigma_n)
    assert curves.shape == (x.size, w.size)
    np.testing.assert_allclose(curves.max(axis=1), 1.0)
    np.testing.assert_allclose(w[np.argmax(curves, axis=1)], y / x, atol=w[1] - w[0])


@FAST
@given(slope_data(), noise, prior_width)
def test_shrinkage_factor_is_map_over_mle(data, sigma_n, sigma):
    x, y = data
    sxx, _, _ = sums(x, y)
    expected = sxx / (sxx + sigma_n**2 / sigma**2)
    assert math.isclose(shrinkage_factor(x, sigma_n, sigma), expected, rel_tol=1e-12)


@FAST
@given(slope_data(max_points=15), noise)
def test_relative_likelihoods_are_one_at_their_peaks(data, sigma_n):
    x, y = data
    sxx, sxy, _ = sums(x, y)
    w = np.linspace(-8.0, 8.0, 33)
    rel = relative_point_likelihoods(w, x, y, sigma_n)
    np.testing.assert_allclose(rel, np.exp(-((y[:, None] - w[None, :] * x[:, None]) ** 2) / (2 * sigma_n**2)),
                               rtol=1e-10, atol=1e-300)
    whole = relative_likelihood(np.array([sxy / sxx, sxy / sxx + 1.0]), x, y, sigma_n)
    assert math.isclose(whole[0], 1.0, rel_tol=1e-9)
    assert math.isclose(whole[1], math.exp(-sxx / (2 * sigma_n**2)), rel_tol=1e-6, abs_tol=1e-300)


@FAST
@given(slope_data(), noise, prior_width, st.floats(-5.0, 5.0), st.floats(0.0, 1.0), st.integers(0, 40))
def test_descent_path_follows_the_closed_form_iteration(data, sigma_n, sigma, start, fraction, steps):
    x, y = data
    mean, std = conjugate_posterior(x, y, sigma_n, sigma)
    curvature = 1.0 / std**2
    rate = fraction / curvature + 1e-12
    path = descent_path(x, y, sigma_n, sigma, start, rate, steps)
    k = np.arange(steps + 1)
    expected = mean + (1.0 - rate * curvature) ** k * (start - mean)
    np.testing.assert_allclose(path, expected, rtol=1e-7, atol=1e-7 * (1 + abs(start) + abs(mean)))
    assert math.isclose(neg_log_posterior_gradient(mean, x, y, sigma_n, sigma), 0.0,
                        abs_tol=1e-9 * curvature * (1 + abs(mean)))
