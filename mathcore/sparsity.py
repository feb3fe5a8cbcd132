"""L1 (Laplace prior) and elastic-net MAP for the slope model, in closed form by soft thresholding.

With one weight, argmin_w sum(y - w x)^2 + l1 |w| + l2 w^2 = S(sum x y, l1 / 2) / (sum x^2 + l2), where S is
soft thresholding: the weight is exactly 0 as soon as l1 >= 2 |sum x y|. A Laplace prior of scale b at noise
sigma_n gives l1 = 2 sigma_n^2 / b.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.likelihood import log_likelihood
from mathcore.prior import gaussian_prior_logpdf, laplace_prior_logpdf
from mathcore.regularization import lambda_from_sigmas
from mathcore.sums import dot
from mathcore.validate import finite_array, finite_values, non_negative, paired, positive


def soft_threshold(value: ArrayLike, threshold: float) -> NDArray[np.float64]:
    """sign(v) max(|v| - t, 0) for threshold t >= 0."""
    t = non_negative("threshold", threshold)
    v = finite_values("value", value)
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def elastic_net_slope(x: ArrayLike, y: ArrayLike, l1: float, l2: float) -> float:
    """argmin_w sum(y - w x)^2 + l1 |w| + l2 w^2 = S(sum x y, l1/2) / (sum x^2 + l2)."""
    l1, l2 = non_negative("l1", l1), non_negative("l2", l2)
    xa, ya = paired(x, y)
    denom = dot(xa, xa) + l2
    if denom == 0.0:
        raise ValueError("x must contain a nonzero value when l2 is 0 (the minimiser is not unique)")
    return float(soft_threshold(dot(xa, ya), l1 / 2.0)) / denom


def lasso_slope(x: ArrayLike, y: ArrayLike, lam: float) -> float:
    """argmin_w sum(y - w x)^2 + lambda |w| for lambda >= 0."""
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
    wa = finite_array("w", w)
    return log_likelihood(wa, x, y, sigma_n) + laplace_prior_logpdf(wa, scale)


def _mix(mix: float) -> float:
    m = non_negative("mix", mix)
    if m > 1.0:
        raise ValueError(f"mix must be a number from 0 to 1, got {mix!r}")
    return m


def elastic_net_prior_logpdf(w: ArrayLike, sigma: float, mix: float) -> NDArray[np.float64]:
    """Unnormalised elastic-net log prior: mix log Laplace + (1 - mix) log Gaussian, both of variance sigma^2.

    This geometric mixture of the two priors is exactly the prior behind the penalty mix L1 + (1 - mix) L2.
    """
    m = _mix(mix)
    wa = finite_array("w", w)
    scale = laplace_scale_matching_variance(sigma)
    return m * laplace_prior_logpdf(wa, scale) + (1.0 - m) * gaussian_prior_logpdf(wa, sigma)


def elastic_net_log_posterior(
    w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float, mix: float
) -> NDArray[np.float64]:
    """log p(D | w) + elastic-net log prior on a grid (up to a constant)."""
    wa = finite_array("w", w)
    return log_likelihood(wa, x, y, sigma_n) + elastic_net_prior_logpdf(wa, sigma, mix)


def elastic_net_map_slope(x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float, mix: float) -> float:
    """MAP slope under the elastic-net prior: l1 = mix 2 sigma_n^2 / b and l2 = (1 - mix) sigma_n^2 / sigma^2."""
    m = _mix(mix)
    l1 = m * l1_lambda_from_laplace(sigma_n, laplace_scale_matching_variance(sigma))
    return elastic_net_slope(x, y, l1, (1.0 - m) * lambda_from_sigmas(sigma_n, sigma))
