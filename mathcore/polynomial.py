"""Polynomial MLE and ridge (MAP) fits up to degree 15, well-conditioned via a Legendre basis.

x is mapped affinely from ``domain`` onto [-1, 1] and expanded in Legendre polynomials, whose design matrix
stays well-conditioned where raw powers of x do not. The Gaussian prior N(0, sigma^2 I) sits on these
coefficients; fits are solved with least squares on an augmented system, never an explicit inverse. Pass the
same ``domain`` (e.g. ``parameters.UNIT_DOMAIN``) for every fit that is compared on one plot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre
from numpy.typing import ArrayLike, NDArray

from mathcore.parameters import MAX_DEGREE
from mathcore.regularization import lambda_from_sigmas
from mathcore.validate import finite, finite_array, int_in_range, interval, non_negative, paired


@dataclass(frozen=True)
class PolyFit:
    """Coefficients in the Legendre basis on ``domain``, with the degree and lambda used."""

    coef: NDArray[np.float64]
    domain: tuple[float, float]
    degree: int
    lam: float

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """Evaluate the fitted polynomial at ``x`` (vectorised)."""
        return design_matrix(x, self.degree, self.domain) @ self.coef

    @property
    def weight_norm(self) -> float:
        """Euclidean norm of the Legendre coefficients (what the prior penalises)."""
        return float(np.linalg.norm(self.coef))


def design_matrix(x: ArrayLike, degree: int, domain: tuple[float, float]) -> NDArray[np.float64]:
    """Legendre design matrix of shape (len(x), degree + 1) on x scaled from ``domain`` to [-1, 1]."""
    xa = finite_array("x", x)
    d = int_in_range("degree", degree, 0, MAX_DEGREE)
    lo, hi = interval("domain", domain)
    t = (2.0 * xa - (lo + hi)) / (hi - lo)
    return legendre.legvander(t, d)


def _domain(xa: NDArray[np.float64], domain: tuple[float, float] | None) -> tuple[float, float]:
    if domain is not None:
        return interval("domain", domain)
    lo, hi = float(xa.min()), float(xa.max())
    if hi == lo:
        raise ValueError("x needs at least 2 distinct values to fit a polynomial")
    return lo, hi


def fit_ridge(
    x: ArrayLike, y: ArrayLike, degree: int, lam: float, domain: tuple[float, float] | None = None
) -> PolyFit:
    """MAP fit: argmin ||y - X c||^2 + lambda ||c||^2, by lstsq on [X; sqrt(lambda) I] c = [y; 0].

    With lambda = 0 this is least squares (minimum-norm when the degree exceeds the data); ``domain``
    defaults to the span of x.
    """
    xa, ya = paired(x, y, min_size=2)
    d = int_in_range("degree", degree, 0, MAX_DEGREE)
    lam = non_negative("lambda", lam)
    dom = _domain(xa, domain)
    X = design_matrix(xa, d, dom)
    if lam > 0.0:
        X = np.vstack([X, np.sqrt(lam) * np.eye(d + 1)])
        ya = np.concatenate([ya, np.zeros(d + 1)])
    coef, *_ = np.linalg.lstsq(X, ya, rcond=None)
    return PolyFit(coef, dom, d, lam)


def fit_map(
    x: ArrayLike, y: ArrayLike, degree: int, sigma_n: float, sigma: float, domain: tuple[float, float] | None = None
) -> PolyFit:
    """MAP fit under noise sigma_n and prior N(0, sigma^2 I) on the coefficients: ridge with sigma_n^2 / sigma^2."""
    return fit_ridge(x, y, degree, lambda_from_sigmas(sigma_n, sigma), domain)


def max_mle_degree(x: ArrayLike) -> int:
    """Highest degree with a unique least-squares fit: (number of distinct x) - 1, capped at MAX_DEGREE."""
    return min(int(np.unique(finite_array("x", x)).size) - 1, MAX_DEGREE)


def fit_mle(x: ArrayLike, y: ArrayLike, degree: int, domain: tuple[float, float] | None = None) -> PolyFit:
    """Least-squares (maximum-likelihood) polynomial fit; unique only up to degree (distinct x) - 1."""
    xa, ya = paired(x, y, min_size=2)
    d = int_in_range("degree", degree, 0, MAX_DEGREE)
    top = max_mle_degree(xa)
    if d > top:
        raise ValueError(
            f"degree must be an integer from 0 to {top} for a unique MLE through {top + 1} distinct x values, "
            f"got {degree} (use fit_ridge with lambda > 0 for higher degrees)"
        )
    return fit_ridge(xa, ya, d, 0.0, domain)


def dense_curve(fit: PolyFit, lo: float, hi: float, samples: int = 400) -> tuple[NDArray, NDArray]:
    """The fit sampled at ``samples`` (>= 2) evenly spaced x on [lo, hi] for drawing."""
    a, b = interval("x range", (lo, hi))
    xs = np.linspace(a, b, int_in_range("samples", samples, 2, 1_000_000))
    return xs, fit(xs)


def degree_blend(
    x: ArrayLike, y: ArrayLike, degree: float, lam: float, xs: ArrayLike, domain: tuple[float, float] | None = None
) -> NDArray[np.float64]:
    """Fit curve at a fractional degree, for animating the degree: (1 - t) f_floor + t f_ceil at ``xs``.

    t is the fractional part of ``degree`` (0 to MAX_DEGREE); at an integer degree this is exactly the ridge
    fit (least squares when lambda is 0).
    """
    d = finite("degree", degree)
    if not 0.0 <= d <= MAX_DEGREE:
        raise ValueError(f"degree must be a number from 0 to {MAX_DEGREE}, got {degree!r}")
    lo = int(np.floor(d))
    t = d - lo
    curve = fit_ridge(x, y, lo, lam, domain)(xs)
    if t == 0.0:
        return curve
    return (1.0 - t) * curve + t * fit_ridge(x, y, lo + 1, lam, domain)(xs)


def rms_error(predicted: ArrayLike, observed: ArrayLike) -> float:
    """Root-mean-square gap between a fit's predictions and the observed values."""
    pa, oa = paired(predicted, observed)
    return float(np.sqrt(np.mean((pa - oa) ** 2)))
