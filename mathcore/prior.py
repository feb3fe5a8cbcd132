"""The Gaussian prior p(w) = N(0, sigma^2) on the slope, and the Laplace prior used for the lasso."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.densities import _density, _gaussian_log, _laplace_log


def gaussian_prior_logpdf(w: ArrayLike, sigma: float) -> NDArray[np.float64]:
    """log p(w) for the zero-mean Gaussian prior of standard deviation sigma (> 0)."""
    return _gaussian_log(w, 0.0, sigma, ("w", "0", "sigma"))


def gaussian_prior_pdf(w: ArrayLike, sigma: float) -> NDArray[np.float64]:
    """p(w) = exp(-w^2 / (2 sigma^2)) / sqrt(2 pi sigma^2)."""
    return _density(gaussian_prior_logpdf(w, sigma), "sigma")


def laplace_prior_logpdf(w: ArrayLike, scale: float) -> NDArray[np.float64]:
    """log of the zero-mean Laplace prior of scale b (> 0)."""
    return _laplace_log(w, 0.0, scale, ("w", "0", "scale"))


def laplace_prior_pdf(w: ArrayLike, scale: float) -> NDArray[np.float64]:
    """Zero-mean Laplace prior exp(-|w| / b) / (2 b)."""
    return _density(laplace_prior_logpdf(w, scale), "scale")
