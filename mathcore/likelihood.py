"""Likelihood of the slope model y = w x + noise, noise ~ N(0, sigma_n^2), over a grid of w.

Products of point likelihoods are always formed as sums of log-likelihoods, so they stay finite for any
number of points; curves for display are rescaled to peak 1 (or to unit area) only at the end.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.densities import gaussian_logpdf
from mathcore.sums import dot
from mathcore.validate import finite_array, paired, positive


def predictions(x: ArrayLike, w: float) -> NDArray[np.float64]:
    """The line's prediction w x at each x."""
    return float(w) * finite_array("x", x)


def residuals(x: ArrayLike, y: ArrayLike, w: float) -> NDArray[np.float64]:
    """y_i - w x_i for each point."""
    xa, ya = paired(x, y)
    return ya - float(w) * xa


def point_log_likelihoods(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """log N(y_i | w x_i, sigma_n^2) as an array of shape (points, len(w))."""
    s = positive("sigma_n", sigma_n)
    xa, ya = paired(x, y)
    wa = finite_array("w", w)
    return gaussian_logpdf(ya[:, None], xa[:, None] * wa[None, :], s)


def point_likelihoods(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """Each point's likelihood N(y_i | w x_i, sigma_n^2) as a function of w, shape (points, len(w))."""
    return np.exp(point_log_likelihoods(w, x, y, sigma_n))


def point_likelihood_curves(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """Each point's likelihood over w scaled so that each row peaks at 1 on the grid (for display)."""
    logs = point_log_likelihoods(w, x, y, sigma_n)
    return np.exp(logs - logs.max(axis=1, keepdims=True))


def log_likelihood(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """log p(D | w): the product of the point likelihoods taken as a sum of logs (never underflows)."""
    return point_log_likelihoods(w, x, y, sigma_n).sum(axis=0)


def peak_normalised(log_values: ArrayLike) -> NDArray[np.float64]:
    """exp(log_values - max): a curve scaled to peak 1, safe for any magnitude of log values."""
    lv = np.asarray(log_values, dtype=float)
    if lv.size == 0 or np.isnan(lv).any() or not np.isfinite(lv.max()):
        raise ValueError("log_values must be non-empty, without NaN, with a finite maximum")
    return np.exp(lv - lv.max())


def area_normalised(w: ArrayLike, log_values: ArrayLike) -> NDArray[np.float64]:
    """exp(log_values) rescaled to unit area over the evenly spaced grid ``w`` (trapezoid rule)."""
    wa = finite_array("w", w, min_size=2)
    curve = peak_normalised(log_values)
    if curve.shape != wa.shape:
        raise ValueError(f"log_values must have the shape of w {wa.shape}, got {curve.shape}")
    return curve / np.trapezoid(curve, wa)


def likelihood_curve(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """p(D | w) scaled to peak 1 for display."""
    return peak_normalised(log_likelihood(w, x, y, sigma_n))


def likelihood_density(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """p(D | w) rescaled to unit area over the grid w, to share an axis with densities over w."""
    return area_normalised(w, log_likelihood(w, x, y, sigma_n))


def mle_slope(x: ArrayLike, y: ArrayLike) -> float:
    """Closed-form MLE of the slope: sum(x y) / sum(x^2)."""
    xa, ya = paired(x, y)
    sxx = dot(xa, xa)
    if sxx == 0.0:
        raise ValueError("x must contain at least one nonzero value: with all x = 0 the slope is not identifiable")
    return dot(xa, ya) / sxx


def relative_point_likelihoods(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """Each point's likelihood over w divided by its highest possible value 1 / (sigma_n sqrt(2 pi)).

    Shape (points, len(w)); equals exp(-(y_i - w x_i)^2 / (2 sigma_n^2)), the height of the point's noise
    bell at y_i relative to the bell's peak (chapter 3 draws both on this one scale).
    """
    s = positive("sigma_n", sigma_n)
    return np.exp(point_log_likelihoods(w, x, y, s) - gaussian_logpdf(0.0, 0.0, s))


def relative_likelihood(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """p(D | w) / p(D | w_MLE): the likelihood scaled so its true peak, at the closed-form MLE, is 1."""
    peak = log_likelihood(mle_slope(x, y), x, y, sigma_n)
    return np.exp(log_likelihood(w, x, y, sigma_n) - peak)
