"""Polynomial MLE and ridge (MAP) fits up to degree 15, well-conditioned via a Legendre basis.

x is mapped affinely from ``domain`` onto [-1, 1] and expanded in Legendre polynomials, whose design matrix
stays well-conditioned where raw powers of x do not. The Gaussian prior N(0, sigma^2 I) sits on these
coefficients; fits are solved with least squares on an augmented system, never an explicit inverse. Pass the
same ``domain`` (e.g. ``parameters.UNIT_DOMAIN``) for every fit that is compared on one plot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre
from numpy.typing import ArrayLike, NDArray

from mathcore._scaled import exponent, ldexp, representable
from mathcore.parameters import MAX_DEGREE
from mathcore.regularization import lambda_from_sigmas
from mathcore.validate import finite, finite_array, int_in_range, interval, non_negative, paired, positive

_OVERFLOW = "exceeds the float range (1.8e308)"


@dataclass(frozen=True)
class PolyFit:
    """Coefficients in the Legendre basis on ``domain``, with the degree and lambda used."""

    coef: NDArray[np.float64]
    domain: tuple[float, float]
    degree: int
    lam: float

    def __post_init__(self) -> None:
        coef = finite_array("coef", self.coef)
        object.__setattr__(self, "domain", interval("domain", self.domain))
        object.__setattr__(self, "degree", int_in_range("degree", self.degree, 0, MAX_DEGREE))
        object.__setattr__(self, "lam", non_negative("lambda", self.lam))
        if coef.size != self.degree + 1:
            raise ValueError(f"coef must have degree + 1 = {self.degree + 1} values, got {coef.size}")
        if not math.isfinite(_norm(coef)):
            raise ValueError(f"coef: the weight norm {_OVERFLOW}")
        object.__setattr__(self, "coef", coef)

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """Evaluate the fitted polynomial at ``x`` (vectorised)."""
        return _evaluate(self, finite_array("x", x), "x")

    @property
    def weight_norm(self) -> float:
        """Euclidean norm of the Legendre coefficients (what the prior penalises)."""
        return _norm(self.coef)


def _norm(coef: NDArray[np.float64]) -> float:
    """Euclidean norm computed on coefficients scaled by a power of two (inf only if it exceeds the float range)."""
    if not np.all(np.isfinite(coef)):
        return math.inf
    e = exponent(coef)
    return float(ldexp(np.linalg.norm(ldexp(coef, -e)), e))


def _basis(xa: NDArray[np.float64], d: int, lo: float, hi: float, who: str) -> NDArray[np.float64]:
    """Legendre design matrix on validated input, computed with the domain scaled by a power of two."""
    if d == 0:
        return np.ones((xa.size, 1))
    e = exponent([lo, hi])
    lo_s, hi_s = ldexp([lo, hi], -e)
    with np.errstate(over="ignore", invalid="ignore"):
        t = (2.0 * ldexp(xa, -e) - (lo_s + hi_s)) / (hi_s - lo_s)
        basis = legendre.legvander(t, d)
    return representable(basis, f"{who}: the degree-{d} Legendre basis {_OVERFLOW} "
                                f"(x lies too far outside the domain ({lo!r}, {hi!r}))")


def _evaluate(fit: PolyFit, xa: NDArray[np.float64], who: str) -> NDArray[np.float64]:
    """The fit at validated x, as a power-of-two-scaled matrix product; ``who`` names x in errors."""
    basis = _basis(xa, fit.degree, *fit.domain, who)
    eb, ec = exponent(basis), exponent(fit.coef)
    values = ldexp(ldexp(basis, -eb) @ ldexp(fit.coef, -ec), eb + ec)
    return representable(values, f"{who}: the fitted polynomial's value {_OVERFLOW}")


def design_matrix(x: ArrayLike, degree: int, domain: tuple[float, float]) -> NDArray[np.float64]:
    """Legendre design matrix of shape (len(x), degree + 1) on x scaled from ``domain`` to [-1, 1]."""
    xa = finite_array("x", x)
    d = int_in_range("degree", degree, 0, MAX_DEGREE)
    lo, hi = interval("domain", domain)
    return _basis(xa, d, lo, hi, "x and domain")


def _checked_domain(domain: tuple[float, float] | None) -> tuple[float, float] | None:
    return None if domain is None else interval("domain", domain)


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
    defaults to the span of x. y is scaled by a power of two for the solve, so huge values cannot overflow.
    """
    xa, ya = paired(x, y, min_size=2)
    d = int_in_range("degree", degree, 0, MAX_DEGREE)
    lam = non_negative("lambda", lam)
    dom = _domain(xa, _checked_domain(domain))
    X = _basis(xa, d, *dom, "x and domain")
    ey = exponent(ya)
    rhs = ldexp(ya, -ey)
    if lam > 0.0:
        X = np.vstack([X, np.sqrt(lam) * np.eye(d + 1)])
        rhs = np.concatenate([rhs, np.zeros(d + 1)])
    try:
        coef, *_ = np.linalg.lstsq(X, rhs, rcond=None)
    except np.linalg.LinAlgError as err:
        raise ValueError(f"x, y and lambda: the least-squares solve failed ({err})") from None
    coef = ldexp(coef, ey)
    if not math.isfinite(_norm(coef)):
        raise ValueError(f"x, y and lambda: the fitted coefficients (or their norm) {_OVERFLOW}")
    return PolyFit(coef, dom, d, lam)


def fit_map(
    x: ArrayLike, y: ArrayLike, degree: int, sigma_n: float, sigma: float, domain: tuple[float, float] | None = None
) -> PolyFit:
    """MAP fit under noise sigma_n and prior N(0, sigma^2 I) on the coefficients: ridge with sigma_n^2 / sigma^2."""
    paired(x, y, min_size=2)
    int_in_range("degree", degree, 0, MAX_DEGREE)
    positive("sigma_n", sigma_n)
    positive("sigma", sigma)
    _checked_domain(domain)
    return fit_ridge(x, y, degree, lambda_from_sigmas(sigma_n, sigma), domain)


def max_mle_degree(x: ArrayLike) -> int:
    """Highest degree with a unique least-squares fit: (number of distinct x) - 1, capped at MAX_DEGREE."""
    return min(int(np.unique(finite_array("x", x)).size) - 1, MAX_DEGREE)


def fit_mle(x: ArrayLike, y: ArrayLike, degree: int, domain: tuple[float, float] | None = None) -> PolyFit:
    """Least-squares (maximum-likelihood) polynomial fit; unique only up to degree (distinct x) - 1."""
    xa, ya = paired(x, y, min_size=2)
    d = int_in_range("degree", degree, 0, MAX_DEGREE)
    _checked_domain(domain)
    top = max_mle_degree(xa)
    if d > top:
        raise ValueError(
            f"degree must be an integer from 0 to {top} for a unique MLE through {top + 1} distinct x values, "
            f"got {degree} (use fit_ridge with lambda > 0 for higher degrees)"
        )
    return fit_ridge(xa, ya, d, 0.0, domain)


def dense_curve(fit: PolyFit, lo: float, hi: float, samples: int = 400) -> tuple[NDArray, NDArray]:
    """The fit sampled at ``samples`` (>= 2) evenly spaced x on [lo, hi] for drawing."""
    if not isinstance(fit, PolyFit):
        raise ValueError(f"fit must be a PolyFit (from fit_ridge, fit_map or fit_mle), got {fit!r}")
    a, b = finite("lo", lo), finite("hi", hi)
    n = int_in_range("samples", samples, 2, 1_000_000)
    if not b > a:
        raise ValueError(f"hi must be greater than lo, got lo={lo!r}, hi={hi!r}")
    if math.isfinite((b - a) * (n - 1)):
        xs = np.linspace(a, b, n)
    else:  # numpy's linspace multiplies the span by up to n - 1 on the way: step from a by fractions of it
        xs = a + (0.5 * b - 0.5 * a) * np.linspace(0.0, 2.0, n)
        xs[-1] = b
    return xs, _evaluate(fit, xs, "lo and hi")


def degree_blend(
    x: ArrayLike, y: ArrayLike, degree: float, lam: float, xs: ArrayLike, domain: tuple[float, float] | None = None
) -> NDArray[np.float64]:
    """Fit curve at a fractional degree, for animating the degree: (1 - t) f_floor + t f_ceil at ``xs``.

    t is the fractional part of ``degree`` (0 to MAX_DEGREE); at an integer degree this is exactly the ridge
    fit (least squares when lambda is 0).
    """
    xa, ya = paired(x, y, min_size=2)
    d = finite("degree", degree)
    if not 0.0 <= d <= MAX_DEGREE:
        raise ValueError(f"degree must be a number from 0 to {MAX_DEGREE}, got {degree!r}")
    lam = non_negative("lambda", lam)
    xsa = finite_array("xs", xs)
    dom = _checked_domain(domain)
    lo = int(np.floor(d))
    t = d - lo
    curve = _evaluate(fit_ridge(xa, ya, lo, lam, dom), xsa, "xs")
    if t == 0.0:
        return curve
    upper = _evaluate(fit_ridge(xa, ya, lo + 1, lam, dom), xsa, "xs")
    with np.errstate(over="ignore"):
        return representable((1.0 - t) * curve + t * upper, f"xs: the blended curve {_OVERFLOW}")


def rms_error(predicted: ArrayLike, observed: ArrayLike) -> float:
    """Root-mean-square gap between a fit's predictions and the observed values (scaled, so it cannot overflow)."""
    pa, oa = paired(predicted, observed, names=("predicted", "observed"))
    e = max(exponent(pa), exponent(oa))
    gap = ldexp(pa, -e) - ldexp(oa, -e)
    e += (e_gap := exponent(gap))
    rms = float(ldexp(np.sqrt(np.mean(ldexp(gap, -e_gap) ** 2)), e))
    if not math.isfinite(rms):
        raise ValueError(f"predicted and observed: the rms error {_OVERFLOW}")
    return rms
