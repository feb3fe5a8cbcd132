"""Gaussian and Laplace densities and log-densities, vectorised over any broadcastable arrays.

The log-densities are computed directly (never as log of a _density), so they stay finite far in the tails
where the densities themselves underflow to 0. The standardised distance (x - mean) / scale is formed
without intermediate overflow; a log-_density beyond the float range raises a ValueError naming the inputs.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore._scaled import representable, residual
from mathcore.validate import broadcastable, finite_values, positive

LOG_2PI = float(np.log(2.0 * np.pi))

_Names = tuple[str, str, str]


def _log_normal(z: NDArray[np.float64], s: float) -> NDArray[np.float64]:
    """log N at standardised distance z for std s (infinite only where the true value is below the float range)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return -0.5 * z * z - math.log(s) - 0.5 * LOG_2PI


def _distance(x: ArrayLike, mean: ArrayLike, scale: float, names: _Names) -> tuple[NDArray[np.float64], float]:
    """Validated (x - mean) / scale and scale, the three arguments called ``names`` in messages."""
    s = positive(names[2], scale)
    xa, ma = finite_values(names[0], x), finite_values(names[1], mean)
    broadcastable(names[:2], xa, ma)
    return residual(xa, ma, 1.0, s), s


def _who(names: _Names) -> str:
    """The parameters in a message: "x, mean and std", or "w and sigma" for a prior's fixed mean "0"."""
    if names[1] == "0":
        return f"{names[0]} and {names[2]}"
    return f"{names[0]}, {names[1]} and {names[2]}"


def _gaussian_log(
    x: ArrayLike, mean: ArrayLike, std: float, names: _Names = ("x", "mean", "std")
) -> NDArray[np.float64]:
    """``gaussian_logpdf`` with its three arguments called ``names`` in error messages."""
    z, s = _distance(x, mean, std, names)
    return representable(_log_normal(z, s), f"{_who(names)}: the log _density is below the float range "
                                           f"(-1.8e308): {names[0]} is too far from {names[1]} for this {names[2]}")


def _laplace_log(
    x: ArrayLike, mean: ArrayLike, scale: float, names: _Names = ("x", "mean", "scale")
) -> NDArray[np.float64]:
    """``laplace_logpdf`` with its three arguments called ``names`` in error messages."""
    z, b = _distance(x, mean, scale, names)
    two_b = 2.0 * b
    log_2b = math.log(two_b) if math.isfinite(two_b) else math.log(b) + math.log(2.0)
    return representable(-np.abs(z) - log_2b, f"{_who(names)}: the log _density is below the float range "
                                              f"(-1.8e308): {names[0]} is too far from {names[1]} for this {names[2]}")


def _density(log_values: NDArray[np.float64], who: str) -> NDArray[np.float64]:
    """exp(log_values), or a ValueError naming ``who`` when a _density exceeds the float range."""
    with np.errstate(over="ignore", under="ignore"):
        values = np.exp(log_values)
    return representable(values, f"{who}: the _density exceeds the float range (1.8e308); the width is too small")


def gaussian_logpdf(x: ArrayLike, mean: ArrayLike, std: float) -> NDArray[np.float64]:
    """log N(x | mean, std^2) = -(x - mean)^2 / (2 std^2) - log(std) - log(2 pi) / 2."""
    return _gaussian_log(x, mean, std)


def gaussian_pdf(x: ArrayLike, mean: ArrayLike, std: float) -> NDArray[np.float64]:
    """N(x | mean, std^2)."""
    return _density(gaussian_logpdf(x, mean, std), "std")


def laplace_logpdf(x: ArrayLike, mean: ArrayLike, scale: float) -> NDArray[np.float64]:
    """log Laplace(x | mean, scale) = -|x - mean| / scale - log(2 scale)."""
    return _laplace_log(x, mean, scale)


def laplace_pdf(x: ArrayLike, mean: ArrayLike, scale: float) -> NDArray[np.float64]:
    """Laplace(x | mean, scale); its variance is 2 scale^2."""
    return _density(laplace_logpdf(x, mean, scale), "scale")
