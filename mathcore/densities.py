"""Gaussian and Laplace densities and log-densities, vectorised over any broadcastable arrays.

The log-densities are computed directly (never as log of a density), so they stay finite far in the tails
where the densities themselves underflow to 0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.validate import finite_values, positive

LOG_2PI = float(np.log(2.0 * np.pi))


def gaussian_logpdf(x: ArrayLike, mean: ArrayLike, std: float) -> NDArray[np.float64]:
    """log N(x | mean, std^2) = -(x - mean)^2 / (2 std^2) - log(std) - log(2 pi) / 2."""
    s = positive("std", std)
    z = (finite_values("x", x) - finite_values("mean", mean)) / s
    return -0.5 * z * z - np.log(s) - 0.5 * LOG_2PI


def gaussian_pdf(x: ArrayLike, mean: ArrayLike, std: float) -> NDArray[np.float64]:
    """N(x | mean, std^2)."""
    return np.exp(gaussian_logpdf(x, mean, std))


def laplace_logpdf(x: ArrayLike, mean: ArrayLike, scale: float) -> NDArray[np.float64]:
    """log Laplace(x | mean, scale) = -|x - mean| / scale - log(2 scale)."""
    b = positive("scale", scale)
    return -np.abs(finite_values("x", x) - finite_values("mean", mean)) / b - np.log(2.0 * b)


def laplace_pdf(x: ArrayLike, mean: ArrayLike, scale: float) -> NDArray[np.float64]:
    """Laplace(x | mean, scale); its variance is 2 scale^2."""
    return np.exp(laplace_logpdf(x, mean, scale))
