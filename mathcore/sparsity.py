"""L1 (Laplace prior) and elastic-net MAP for the slope model, in closed form by soft thresholding.

With one weight, argmin_w sum(y - w x)^2 + l1 |w| + l2 w^2 = S(sum x y, l1 / 2) / (sum x^2 + l2), where S is
soft thresholding: the weight is exactly 0 as soon as l1 >= 2 |sum x y|. A Laplace prior of scale b at noise
sigma_n gives l1 = 2 sigma_n^2 / b.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore._scaled import dot_exact, representable, to_float
from mathcore.densities import _gaussian_log, _laplace_log
from mathcore.likelihood import log_likelihood
from mathcore.prior import laplace_prior_logpdf
from mathcore.validate import finite_array, finite_values, non_negative, paired, positive

_OVERFLOW = "exceeds the float range (1.8e308)"


def soft_threshold(value: ArrayLike, threshold: float) -> NDArray[np.float64]:
    """sign(v) max(|v| - t, 0) for threshold t >= 0."""
    t = non_negative("threshold", threshold)
    v = finite_values("value", value)
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def _soft_slope(xa: NDArray[np.float64], ya: NDArray[np.float64], l1: Fraction, l2: Fraction,
                penalties: str) -> float:
    """S(sum x y, l1 / 2) / (sum x^2 + l2) in exact arithmetic, rounded once; ``penalties`` names l1 and l2.

    With every x = 0 the objective is sum y^2 + l1 |w| + l2 w^2: minimised only by w = 0 unless both are 0.
    """
    sxy, denom = dot_exact(xa, ya), dot_exact(xa, xa) + l2
    if denom == 0:
        if l1 > 0:
            return 0.0
        raise ValueError(f"x must contain a nonzero value when {penalties} 0 (the minimiser is not unique)")
    shrunk = max(abs(sxy) - l1 / 2, Fraction(0))
    return to_float((shrunk if sxy >= 0 else -shrunk) / denom, f"x and y: the slope {_OVERFLOW}")


def elastic_net_slope(x: ArrayLike, y: ArrayLike, l1: float, l2: float) -> float:
    """argmin_w sum(y - w x)^2 + l1 |w| + l2 w^2 = S(sum x y, l1/2) / (sum x^2 + l2)."""
    l1, l2 = non_negative("l1", l1), non_negative("l2", l2)
    xa, ya = paired(x, y)
    return _soft_slope(xa, ya, Fraction(l1), Fraction(l2), "l1 and l2 are")


def lasso_slope(x: ArrayLike, y: ArrayLike, lam: float) -> float:
    """argmin_w sum(y - w x)^2 + lambda |w| for lambda >= 0."""
    lam = non_negative("lambda", lam)
    xa, ya = paired(x, y)
    return _soft_slope(xa, ya, Fraction(lam), Fraction(0), "lambda is")


def _l1_exact(sigma_n: float, scale: float) -> Fraction:
    """2 sigma_n^2 / b exactly, for validated positive arguments."""
    return 2 * Fraction(sigma_n) ** 2 / Fraction(scale)


def l1_lambda_from_laplace(sigma_n: float, scale: float) -> float:
    """Lasso strength implied by a Laplace prior of scale b: lambda = 2 sigma_n^2 / b."""
    return to_float(_l1_exact(positive("sigma_n", sigma_n), positive("scale", scale)),
                    f"sigma_n and scale: lambda = 2 sigma_n^2 / scale {_OVERFLOW}")


def laplace_scale_matching_variance(sigma: float) -> float:
    """Laplace scale b whose variance 2 b^2 equals the Gaussian prior's sigma^2."""
    return positive("sigma", sigma) / float(np.sqrt(2.0))


def laplace_map_slope(x: ArrayLike, y: ArrayLike, sigma_n: float, scale: float) -> float:
    """MAP slope under a zero-mean Laplace prior of scale b (the lasso solution)."""
    xa, ya = paired(x, y)
    l1 = _l1_exact(positive("sigma_n", sigma_n), positive("scale", scale))
    return _soft_slope(xa, ya, l1, Fraction(0), "lambda is")


def laplace_log_posterior(
    w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, scale: float
) -> NDArray[np.float64]:
    """log p(D | w) + log Laplace(w | 0, b) on a grid (for plots and checks)."""
    wa = finite_array("w", w)
    positive("scale", scale)
    with np.errstate(over="ignore"):
        total = log_likelihood(wa, x, y, sigma_n) + laplace_prior_logpdf(wa, scale)
    return representable(total, "w, x, y, sigma_n and scale: the log posterior is below the float range (-1.8e308)")


def _mix(mix: float) -> float:
    m = non_negative("mix", mix)
    if m > 1.0:
        raise ValueError(f"mix must be a number from 0 to 1, got {mix!r}")
    return m


def elastic_net_prior_logpdf(w: ArrayLike, sigma: float, mix: float) -> NDArray[np.float64]:
    """Unnormalised elastic-net log prior: mix log Laplace + (1 - mix) log Gaussian, both of variance sigma^2.

    This geometric mixture of the two priors is exactly the prior behind the penalty mix L1 + (1 - mix) L2.
    A part whose weight is 0 is not evaluated.
    """
    wa = finite_array("w", w)
    scale = laplace_scale_matching_variance(sigma)
    m = _mix(mix)
    total = np.zeros_like(wa)
    with np.errstate(over="ignore"):
        if m > 0.0:
            total = m * _laplace_log(wa, 0.0, scale, ("w", "0", "sigma"))
        if m < 1.0:
            total = total + (1.0 - m) * _gaussian_log(wa, 0.0, sigma, ("w", "0", "sigma"))
    return representable(total, "w, sigma and mix: the log prior is below the float range (-1.8e308)")


def elastic_net_log_posterior(
    w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float, mix: float
) -> NDArray[np.float64]:
    """log p(D | w) + elastic-net log prior on a grid (up to a constant)."""
    wa = finite_array("w", w)
    positive("sigma", sigma)
    _mix(mix)
    with np.errstate(over="ignore"):
        total = log_likelihood(wa, x, y, sigma_n) + elastic_net_prior_logpdf(wa, sigma, mix)
    return representable(total, "w, x, y, sigma_n, sigma and mix: the log posterior is below the float range "
                                "(-1.8e308)")


def elastic_net_map_slope(x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float, mix: float) -> float:
    """MAP slope under the elastic-net prior: l1 = mix 2 sigma_n^2 / b and l2 = (1 - mix) sigma_n^2 / sigma^2."""
    xa, ya = paired(x, y)
    s_n, s = positive("sigma_n", sigma_n), positive("sigma", sigma)
    m = _mix(mix)
    l1 = Fraction(m) * _l1_exact(s_n, laplace_scale_matching_variance(s))
    l2 = Fraction(1.0 - m) * (Fraction(s_n) / Fraction(s)) ** 2
    return _soft_slope(xa, ya, l1, l2, "l1 and l2 are")
