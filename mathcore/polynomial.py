"""Polynomial MLE and ridge (MAP) fits up to degree 15, well-conditioned via a Legendre basis.

x is mapped affinely onto [-1, 1] and expanded in Legendre polynomials, whose design matrix stays
well-conditioned where raw powers of x do not. The Gaussian prior N(0, sigma^2 I) sits on these
coefficients; fits are solved with least squares on an augmented system, never an explicit inverse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre
from numpy.typing import ArrayLike, NDArray

from mathcore.parameters import MAX_DEGREE
from mathcore.validate import finite_array, int_in_range, non_negative, paired


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
        return float(np.linalg.norm(self.coef))


def design_matrix(x: ArrayLike, degree: int, domain: tuple[float, float]) -> NDArray[np.float64]:
    """Legendre design matrix of shape (len(x), degree + 1) on x scaled from ``domain`` to [-1, 1]."""
    xa = finite_array("x", x)
    d = int_in_range("degree", degree, 0, MAX_DEGREE)
    lo, hi = float(domain[0]), float(domain[1])
    if not hi > lo:
        raise ValueError(f"domain must have high > low, got {domain!r}")
    t = (2.0 * xa - (lo + hi)) / (hi - lo)
    return legendre.legvander(t, d)


def _domain(xa: NDArray[np.float64], domain: tuple[float, float] | None) -> tuple[float, float]:
    if domain is not None:
        return float(domain[0]), float(domain[1])
    lo, hi = float(xa.min()), float(xa.max())
    if hi == lo:
        raise ValueError("x needs at least two distinct values to fit a polynomial")
    return lo, hi


def fit_ridge(
    x: ArrayLike, y: ArrayLike, degree: int, lam: float, domain: tuple[float, float] | None = None
) -> PolyFit:
    """MAP fit: argmin ||y - X c||^2 + lambda ||c||^2, by lstsq on [X; sqrt(lambda) I] c = [y; 0].

    With lambda = 0 this is the MLE (least squares; minimum-norm when the degree exceeds the data).
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


def fit_mle(x: ArrayLike, y: ArrayLike, degree: int, domain: tuple[float, float] | None = None) -> PolyFit:
    """Least-squares (maximum-likelihood) polynomial fit."""
    return fit_ridge(x, y, degree, 0.0, domain)


def dense_curve(fit: PolyFit, lo: float, hi: float, samples: int = 400) -> tuple[NDArray, NDArray]:
    """The fit sampled densely on [lo, hi] for drawing."""
    xs = np.linspace(lo, hi, samples)
    return xs, fit(xs)
