"""Posterior of the slope under a Gaussian prior: on a grid, and MAP in closed form.

The model y_i = w x_i + N(0, sigma_n^2) with prior w ~ N(0, sigma^2) is conjugate: the posterior is
Gaussian with mean = the ridge solution for lambda = sigma_n^2 / sigma^2 and the precision below. The
closed forms use exact rational arithmetic on the exactly rounded sums, so only a result that is itself
beyond the float range raises a ValueError.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore._scaled import dot_exact, exponent, inverse_sqrt, ldexp, representable, to_float
from mathcore.likelihood import area_normalised, log_likelihood, peak_normalised
from mathcore.prior import gaussian_prior_logpdf
from mathcore.validate import finite_array, increasing, paired, positive, same_shape


def log_posterior_unnormalised(
    w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float
) -> NDArray[np.float64]:
    """log p(D | w) + log p(w): the log posterior up to the constant log p(D)."""
    positive("sigma", sigma)
    with np.errstate(over="ignore"):
        total = log_likelihood(w, x, y, sigma_n) + gaussian_prior_logpdf(w, sigma)
    return representable(total, "w, x, y, sigma_n and sigma: the log posterior is below the float range (-1.8e308)")


def posterior_density(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> NDArray[np.float64]:
    """p(w | D) on an increasing, evenly spaced grid, normalised so it integrates to 1 over the grid."""
    increasing("w", w, min_size=2)
    return area_normalised(w, log_posterior_unnormalised(w, x, y, sigma_n, sigma))


def posterior_curve(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> NDArray[np.float64]:
    """p(w | D) scaled to peak 1 for display."""
    return peak_normalised(log_posterior_unnormalised(w, x, y, sigma_n, sigma))


def _exact_lambda(sigma_n: float, sigma: float) -> Fraction:
    """sigma_n^2 / sigma^2 exactly, for validated positive sigmas."""
    return (Fraction(sigma_n) / Fraction(sigma)) ** 2


def map_slope(x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> float:
    """Closed-form MAP slope: sum(x y) / (sum(x^2) + sigma_n^2 / sigma^2), i.e. the ridge solution."""
    xa, ya = paired(x, y)
    lam = _exact_lambda(positive("sigma_n", sigma_n), positive("sigma", sigma))
    return to_float(dot_exact(xa, ya) / (dot_exact(xa, xa) + lam),
                    "x, y, sigma_n and sigma: the MAP slope exceeds the float range (1.8e308)")


def shrinkage_factor(x: ArrayLike, sigma_n: float, sigma: float) -> float:
    """MAP / MLE = sum(x^2) / (sum(x^2) + lambda): the share of the MLE the prior lets the MAP keep."""
    xa = finite_array("x", x)
    lam = _exact_lambda(positive("sigma_n", sigma_n), positive("sigma", sigma))
    sxx = dot_exact(xa, xa)
    if sxx == 0:
        raise ValueError("x must not be all zeros: the slope is not identifiable")
    return float(sxx / (sxx + lam))


def posterior_std(x: ArrayLike, sigma_n: float, sigma: float) -> float:
    """Standard deviation of the Gaussian posterior over w: (sum x^2 / sigma_n^2 + 1 / sigma^2)^(-1/2)."""
    xa = finite_array("x", x)
    s_n, s = Fraction(positive("sigma_n", sigma_n)), Fraction(positive("sigma", sigma))
    precision = dot_exact(xa, xa) / s_n**2 + 1 / s**2
    return inverse_sqrt(precision, "x, sigma_n and sigma: the posterior std is below the smallest positive float")


def grid_argmax(w: ArrayLike, values: ArrayLike) -> float:
    """The grid point where ``values`` peaks, refined by the parabola through it and its two neighbours.

    The refinement is exact for quadratic values (every log-posterior of this model), so the result
    matches the closed form to rounding whenever the peak lies strictly inside the grid. It is done on
    the three points scaled by powers of two, so it cannot overflow.
    """
    wa = finite_array("w", w, min_size=3)
    va = same_shape("values", values, "w", wa)
    i = int(np.argmax(va))
    if 0 < i < wa.size - 1:
        ew, ev = exponent(wa[i - 1 : i + 2]), exponent(va[i - 1 : i + 2])
        (a, b, c), (fa, fb, fc) = ldexp(wa[i - 1 : i + 2], -ew), ldexp(va[i - 1 : i + 2], -ev)
        num = (b - a) ** 2 * (fb - fc) - (b - c) ** 2 * (fb - fa)
        den = (b - a) * (fb - fc) - (b - c) * (fb - fa)
        if den != 0.0:
            with np.errstate(over="ignore", invalid="ignore"):
                vertex = b - 0.5 * num / den
            if min(a, c) <= vertex <= max(a, c):
                return float(ldexp(vertex, ew))
    return float(wa[i])


def map_on_grid(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> float:
    """MAP found numerically on a grid of w (checks the closed form)."""
    finite_array("w", w, min_size=3)
    return grid_argmax(w, log_posterior_unnormalised(w, x, y, sigma_n, sigma))
