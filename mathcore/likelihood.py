"""Likelihood of the slope model y = w x + noise, noise ~ N(0, sigma_n^2), over a grid of w."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.densities import gaussian_logpdf
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
    xa, ya = paired(x, y)
    wa = finite_array("w", w)
    return gaussian_logpdf(ya[:, None], xa[:, None] * wa[None, :], positive("sigma_n", sigma_n))


def point_likelihoods(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """Each point's likelihood as a function of w, shape (points, len(w))."""
    return np.exp(point_log_likelihoods(w, x, y, sigma_n))


def log_likelihood(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """log p(D | w): the product of the point likelihoods taken as a sum of logs (never underflows)."""
    return point_log_likelihoods(w, x, y, sigma_n).sum(axis=0)


def peak_normalised(log_values: ArrayLike) -> NDArray[np.float64]:
    """exp(log_values - max): a curve scaled to peak 1, safe for any magnitude of log values."""
    lv = np.asarray(log_values, dtype=float)
    return np.exp(lv - lv.max())


def likelihood_curve(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """p(D | w) scaled to peak 1 for display."""
    return peak_normalised(log_likelihood(w, x, y, sigma_n))


def mle_slope(x: ArrayLike, y: ArrayLike) -> float:
    """Closed-form MLE of the slope: sum(x y) / sum(x^2)."""
    xa, ya = paired(x, y)
    sxx = float(xa @ xa)
    if sxx == 0.0:
        raise ValueError("x must not be all zeros: the slope is not identifiable")
    return float(xa @ ya) / sxx
