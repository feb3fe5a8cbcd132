"""Likelihood of the slope model y = w x + noise, noise ~ N(0, sigma_n^2), over a grid of w.

Products of point likelihoods are always formed as sums of log-likelihoods, so they stay finite for any
number of points; curves for display are rescaled to peak 1 (or to unit area) only at the end. Residuals
and sums are formed without intermediate overflow; a result beyond the float range raises a ValueError.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore._scaled import divide_by_area, dot_exact, representable, residual, to_float
from mathcore.densities import _density, _log_normal
from mathcore.validate import finite, finite_array, finite_values, increasing, paired, positive, same_shape

_OVERFLOW = "exceeds the float range (1.8e308)"


def predictions(x: ArrayLike, w: float) -> NDArray[np.float64]:
    """The line's prediction w x at each x."""
    xa, wv = finite_array("x", x), finite("w", w)
    with np.errstate(over="ignore"):
        return representable(wv * xa, f"x and w: a prediction w x {_OVERFLOW}")


def residuals(x: ArrayLike, y: ArrayLike, w: float) -> NDArray[np.float64]:
    """y_i - w x_i for each point."""
    xa, ya = paired(x, y)
    return representable(residual(ya, xa, finite("w", w)), f"x, y and w: a residual y - w x {_OVERFLOW}")


def _point_logs(wa: NDArray[np.float64], xa: NDArray[np.float64], ya: NDArray[np.float64],
                s: float) -> NDArray[np.float64]:
    """log N(y_i | w x_i, s^2) of validated arrays, shape (points, len(w))."""
    logs = _log_normal(residual(ya[:, None], xa[:, None], wa[None, :], s), s)
    return representable(logs, "w, x, y and sigma_n: a point's log-likelihood is below the float range (-1.8e308)")


def _validated(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float):
    """(w, x, y, sigma_n) checked in the order of the parameters."""
    wa = finite_array("w", w)
    xa, ya = paired(x, y)
    return wa, xa, ya, positive("sigma_n", sigma_n)


def point_log_likelihoods(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """log N(y_i | w x_i, sigma_n^2) as an array of shape (points, len(w))."""
    return _point_logs(*_validated(w, x, y, sigma_n))


def point_likelihoods(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """Each point's likelihood N(y_i | w x_i, sigma_n^2) as a function of w, shape (points, len(w))."""
    return _density(point_log_likelihoods(w, x, y, sigma_n), "sigma_n")


def point_likelihood_curves(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """Each point's likelihood over w scaled so that each row peaks at 1 on the grid (for display)."""
    logs = point_log_likelihoods(w, x, y, sigma_n)
    with np.errstate(over="ignore", under="ignore"):
        return np.exp(logs - logs.max(axis=1, keepdims=True))


def log_likelihood(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """log p(D | w): the product of the point likelihoods taken as a sum of logs (never underflows)."""
    with np.errstate(over="ignore"):
        total = point_log_likelihoods(w, x, y, sigma_n).sum(axis=0)
    return representable(total, "w, x, y and sigma_n: the log-likelihood is below the float range (-1.8e308)")


def peak_normalised(log_values: ArrayLike) -> NDArray[np.float64]:
    """exp(log_values - max): a curve scaled to peak 1, safe for any magnitude of log values."""
    lv = finite_values("log_values", log_values)
    if lv.size == 0:
        raise ValueError("log_values must be non-empty")
    with np.errstate(over="ignore", under="ignore"):
        return np.exp(lv - lv.max())


def area_normalised(w: ArrayLike, log_values: ArrayLike) -> NDArray[np.float64]:
    """exp(log_values) rescaled to unit area over the increasing grid ``w`` (trapezoid rule)."""
    wa = increasing("w", w, min_size=2)
    curve = peak_normalised(same_shape("log_values", log_values, "w", wa))
    return representable(divide_by_area(curve, wa), f"w: the grid is too narrow, the density {_OVERFLOW}")


def likelihood_curve(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """p(D | w) scaled to peak 1 for display."""
    return peak_normalised(log_likelihood(w, x, y, sigma_n))


def likelihood_density(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """p(D | w) rescaled to unit area over the increasing grid w, to share an axis with densities over w."""
    increasing("w", w, min_size=2)
    return area_normalised(w, log_likelihood(w, x, y, sigma_n))


def mle_slope(x: ArrayLike, y: ArrayLike) -> float:
    """Closed-form MLE of the slope: sum(x y) / sum(x^2) (exactly rounded, free of overflow in between)."""
    xa, ya = paired(x, y)
    sxx = dot_exact(xa, xa)
    if sxx == 0:
        raise ValueError("x must contain at least one nonzero value: with all x = 0 the slope is not identifiable")
    return to_float(dot_exact(xa, ya) / sxx, f"x and y: the slope sum(x y) / sum(x^2) {_OVERFLOW}")


def relative_point_likelihoods(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """Each point's likelihood over w divided by its highest possible value 1 / (sigma_n sqrt(2 pi)).

    Shape (points, len(w)); equals exp(-(y_i - w x_i)^2 / (2 sigma_n^2)), the height of the point's noise
    bell at y_i relative to the bell's peak (chapter 3 draws both on this one scale).
    """
    wa, xa, ya, s = _validated(w, x, y, sigma_n)
    z = residual(ya[:, None], xa[:, None], wa[None, :], s)
    with np.errstate(over="ignore", under="ignore"):
        return np.exp(-0.5 * z * z)


def _half_chi2(wa: NDArray[np.float64], xa: NDArray[np.float64], ya: NDArray[np.float64],
               s: float) -> NDArray[np.float64]:
    """-sum_i (y_i - w x_i)^2 / (2 s^2) at each w: log p(D | w) without its constant (-inf past the float range)."""
    z = residual(ya[:, None], xa[:, None], wa[None, :], s)
    with np.errstate(over="ignore", invalid="ignore"):
        return (-0.5 * z * z).sum(axis=0)


def relative_likelihood(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float) -> NDArray[np.float64]:
    """p(D | w) / p(D | w_MLE): the likelihood scaled so its true peak, at the closed-form MLE, is 1."""
    wa, xa, ya, s = _validated(w, x, y, sigma_n)
    peak = float(_half_chi2(np.array([mle_slope(xa, ya)]), xa, ya, s)[0])
    if not np.isfinite(peak):
        raise ValueError("x, y and sigma_n: the log-likelihood at the MLE is below the float range (-1.8e308)")
    with np.errstate(over="ignore", under="ignore"):
        return np.exp(_half_chi2(wa, xa, ya, s) - peak)
