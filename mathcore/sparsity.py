"""L1 (Laplace prior) and elastic-net MAP for the slope model, in closed form by soft thresholding."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.validate import finite_array, non_negative, paired, positive


def soft_threshold(value: ArrayLike, threshold: float) -> NDArray[np.float64]:
    """sign(v) max(|v| - t, 0)."""
    v = np.asarray(value, dtype=float)
    t = non_negative("threshold", threshold)
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def elastic_net_slope(x: ArrayLike, y: ArrayLike, l1: float, l2: float) -> float:
    """argmin_w sum(y - w x)^2 + l1 |w| + l2 w^2 = S(sum x y, l1/2) / (sum x^2 + l2)."""
    xa, ya = paired(x, y)
    denom = float(xa @ xa) + non_negative("l2", l2)
    if denom == 0.0:
        raise ValueError("x must not be all zeros when l2 is 0")
    return float(soft_threshold(float(xa @ ya), non_negative("l1", l1) / 2.0)) / denom


def lasso_slope(x: ArrayLike, y: ArrayLike, lam: float) -> float:
    """argmin_w sum(y - w x)^2 + lambda |w|."""
    return elastic_net_slope(x, y, lam, 0.0)


def l1_lambda_from_laplace(sigma_n: float, scale: float) -> float:
    """Lasso strength implied by a Laplace prior of scale b: lambda = 2 sigma_n^2 / b."""
    return 2.0 * positive("sigma_n", sigma_n) ** 2 / positive("scale", scale)


def laplace_scale_matching_variance(sigma: float) -> float:
    """Laplace scale b whose variance 2 b^2 equals the Gaussian prior's sigma^2."""
    return positive("sigma", sigma) / float(np.sqrt(2.0))


def laplace_map_slope(x: ArrayLike, y: ArrayLike, sigma_n: float, scale: float) -> float:
    """MAP slope under a zero-mean Laplace prior of scale b (the lasso solution)."""
    return lasso_slope(x, y, l1_lambda_from_laplace(sigma_n, scale))


def laplace_log_posterior(
    w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, scale: float
) -> NDArray[np.float64]:
    """log p(D | w) + log Laplace(w | 0, b) on a grid (for plots and checks)."""
    from mathcore.likelihood import log_likelihood
    from mathcore.prior import laplace_prior_logpdf

    wa = finite_array("w", w)
    return log_likelihood(wa, x, y, sigma_n) + laplace_prior_logpdf(wa, scale)
