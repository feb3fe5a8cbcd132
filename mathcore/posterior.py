"""Posterior of the slope under a Gaussian prior: on a grid, and MAP in closed form.

The model y_i = w x_i + N(0, sigma_n^2) with prior w ~ N(0, sigma^2) is conjugate: the posterior is
Gaussian with mean = the ridge solution for lambda = sigma_n^2 / sigma^2 and the precision below.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.likelihood import area_normalised, log_likelihood, peak_normalised
from mathcore.prior import gaussian_prior_logpdf
from mathcore.regularization import lambda_from_sigmas
from mathcore.sums import dot
from mathcore.validate import finite_array, finite_values, paired, positive


def log_posterior_unnormalised(
    w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float
) -> NDArray[np.float64]:
    """log p(D | w) + log p(w): the log posterior up to the constant log p(D)."""
    return log_likelihood(w, x, y, sigma_n) + gaussian_prior_logpdf(w, sigma)


def posterior_density(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> NDArray[np.float64]:
    """p(w | D) on an evenly spaced grid, normalised so it integrates to 1 over the grid."""
    return area_normalised(w, log_posterior_unnormalised(w, x, y, sigma_n, sigma))


def posterior_curve(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> NDArray[np.float64]:
    """p(w | D) scaled to peak 1 for display."""
    return peak_normalised(log_posterior_unnormalised(w, x, y, sigma_n, sigma))


def map_slope(x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> float:
    """Closed-form MAP slope: sum(x y) / (sum(x^2) + sigma_n^2 / sigma^2), i.e. the ridge solution."""
    lam = lambda_from_sigmas(sigma_n, sigma)
    xa, ya = paired(x, y)
    return dot(xa, ya) / (dot(xa, xa) + lam)


def shrinkage_factor(x: ArrayLike, sigma_n: float, sigma: float) -> float:
    """MAP / MLE = sum(x^2) / (sum(x^2) + lambda): the share of the MLE the prior lets the MAP keep."""
    xa = finite_array("x", x)
    sxx = dot(xa, xa)
    if sxx == 0.0:
        raise ValueError("x must not be all zeros: the slope is not identifiable")
    return sxx / (sxx + lambda_from_sigmas(sigma_n, sigma))


def posterior_std(x: ArrayLike, sigma_n: float, sigma: float) -> float:
    """Standard deviation of the Gaussian posterior over w: (sum x^2 / sigma_n^2 + 1 / sigma^2)^(-1/2)."""
    s_n, s = positive("sigma_n", sigma_n), positive("sigma", sigma)
    xa = finite_array("x", x)
    return float(1.0 / np.sqrt(dot(xa, xa) / s_n**2 + 1.0 / s**2))


def grid_argmax(w: ArrayLike, values: ArrayLike) -> float:
    """The grid point where ``values`` peaks, refined by the parabola through it and its two neighbours.

    The refinement is exact for quadratic values (every log-posterior of this model), so the result
    matches the closed form to rounding whenever the peak lies strictly inside the grid.
    """
    wa = finite_array("w", w, min_size=3)
    va = finite_values("values", values)
    if va.shape != wa.shape:
        raise ValueError(f"values must have the shape of w {wa.shape}, got {va.shape}")
    i = int(np.argmax(va))
    if 0 < i < wa.size - 1:
        (a, b, c), (fa, fb, fc) = wa[i - 1 : i + 2], va[i - 1 : i + 2]
        num = (b - a) ** 2 * (fb - fc) - (b - c) ** 2 * (fb - fa)
        den = (b - a) * (fb - fc) - (b - c) * (fb - fa)
        if den != 0.0:
            vertex = b - 0.5 * num / den
            if min(a, c) <= vertex <= max(a, c):
                return float(vertex)
    return float(wa[i])


def map_on_grid(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> float:
    """MAP found numerically on a grid of w (checks the closed form)."""
    return grid_argmax(w, log_posterior_unnormalised(w, x, y, sigma_n, sigma))
