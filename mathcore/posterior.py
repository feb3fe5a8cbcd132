"""Posterior of the slope under a Gaussian prior: on a grid, and MAP in closed form."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.likelihood import log_likelihood, peak_normalised
from mathcore.prior import gaussian_prior_logpdf
from mathcore.regularization import lambda_from_sigmas
from mathcore.validate import finite_array, paired


def log_posterior_unnormalised(
    w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float
) -> NDArray[np.float64]:
    """log p(D | w) + log p(w): the log posterior up to the constant log p(D)."""
    return log_likelihood(w, x, y, sigma_n) + gaussian_prior_logpdf(w, sigma)


def posterior_density(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> NDArray[np.float64]:
    """p(w | D) on an evenly spaced grid, normalised so it integrates to 1 over the grid."""
    wa = finite_array("w", w, min_size=2)
    curve = peak_normalised(log_posterior_unnormalised(wa, x, y, sigma_n, sigma))
    return curve / np.trapezoid(curve, wa)


def posterior_curve(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> NDArray[np.float64]:
    """p(w | D) scaled to peak 1 for display."""
    return peak_normalised(log_posterior_unnormalised(w, x, y, sigma_n, sigma))


def map_slope(x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> float:
    """Closed-form MAP slope: sum(x y) / (sum(x^2) + sigma_n^2 / sigma^2), i.e. the ridge solution."""
    xa, ya = paired(x, y)
    return float(xa @ ya) / (float(xa @ xa) + lambda_from_sigmas(sigma_n, sigma))


def posterior_std(x: ArrayLike, sigma_n: float, sigma: float) -> float:
    """Standard deviation of the Gaussian posterior over w."""
    xa = finite_array("x", x)
    return float(1.0 / np.sqrt(float(xa @ xa) / sigma_n**2 + 1.0 / sigma**2))


def grid_argmax(w: ArrayLike, values: ArrayLike) -> float:
    """The grid point where ``values`` peaks, refined by a parabola through its neighbours."""
    wa = finite_array("w", w, min_size=3)
    va = np.asarray(values, dtype=float)
    i = int(np.argmax(va))
    if 0 < i < wa.size - 1:
        y0, y1, y2 = va[i - 1], va[i], va[i + 1]
        denom = y0 - 2.0 * y1 + y2
        if denom != 0.0:
            return float(wa[i] + 0.5 * (y0 - y2) / denom * (wa[i + 1] - wa[i]))
    return float(wa[i])


def map_on_grid(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> float:
    """MAP found numerically on a grid of w (checks the closed form)."""
    return grid_argmax(w, log_posterior_unnormalised(w, x, y, sigma_n, sigma))
