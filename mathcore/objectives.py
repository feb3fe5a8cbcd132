"""The two views of one objective (chapter 8): data loss + lambda w^2, and the negative log-posterior.

For lambda = sigma_n^2 / sigma^2 the second is the first divided by 2 sigma_n^2 plus a constant, so both
curves have their minimum at the same w: the ridge slope sum(x y) / (sum(x^2) + lambda).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore._scaled import dot_exact, representable, residual, to_float
from mathcore.densities import _gaussian_log
from mathcore.likelihood import log_likelihood
from mathcore.posterior import grid_argmax
from mathcore.regularization import sigma_from_lambda
from mathcore.validate import finite, finite_array, int_in_range, non_negative, paired, positive, same_shape

_OVERFLOW = "exceeds the float range (1.8e308)"


def data_loss(w: ArrayLike, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """Sum of squared residuals sum_i (y_i - w x_i)^2 at each w (summed directly, never negative)."""
    wa = finite_array("w", w)
    xa, ya = paired(x, y)
    r = residual(ya[:, None], xa[:, None], wa[None, :])
    with np.errstate(over="ignore"):
        return representable((r * r).sum(axis=0), f"w, x and y: the data loss {_OVERFLOW}")


def ridge_objective(w: ArrayLike, x: ArrayLike, y: ArrayLike, lam: float) -> NDArray[np.float64]:
    """Regularisation view: data loss + lambda w^2, lambda >= 0."""
    lam = non_negative("lambda", lam)
    wa = finite_array("w", w)
    paired(x, y)
    with np.errstate(over="ignore"):
        total = data_loss(wa, x, y) + lam * wa * wa
    return representable(total, f"w, x, y and lambda: the ridge objective {_OVERFLOW}")


def ridge_penalty(w: ArrayLike, lam: float) -> NDArray[np.float64]:
    """The penalty term lambda w^2 alone."""
    wa = finite_array("w", w)
    with np.errstate(over="ignore"):
        return representable(non_negative("lambda", lam) * wa * wa, f"w and lambda: the penalty lambda w^2 {_OVERFLOW}")


def neg_log_posterior(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, lam: float) -> NDArray[np.float64]:
    """Bayesian view: -log p(D|w) - log p(w) with the prior width sigma = sigma_n / sqrt(lambda), lambda > 0."""
    wa = finite_array("w", w)
    xa, ya = paired(x, y)
    sigma = sigma_from_lambda(lam, positive("sigma_n", sigma_n))
    prior = _gaussian_log(wa, 0.0, sigma, ("w", "0", "sigma_n / sqrt(lambda)"))
    with np.errstate(over="ignore"):
        total = -(log_likelihood(wa, xa, ya, sigma_n) + prior)
    return representable(total, f"w, x, y, sigma_n and lambda: the negative log posterior {_OVERFLOW}")


def ridge_slope(x: ArrayLike, y: ArrayLike, lam: float) -> float:
    """Closed-form argmin of the ridge objective: sum(x y) / (sum(x^2) + lambda), exactly rounded."""
    lam = non_negative("lambda", lam)
    xa, ya = paired(x, y)
    denom = dot_exact(xa, xa) + Fraction(lam)
    if denom == 0:
        raise ValueError("x must contain a nonzero value when lambda is 0 (the minimiser is not unique)")
    return to_float(dot_exact(xa, ya) / denom, f"x, y and lambda: the ridge slope {_OVERFLOW}")


def grid_argmin(w: ArrayLike, values: ArrayLike) -> float:
    """Refined grid argmin (see ``grid_argmax``)."""
    wa = finite_array("w", w, min_size=3)
    return grid_argmax(wa, -same_shape("values", values, "w", wa))


@dataclass(frozen=True)
class TwoViews:
    """Both chapter-8 curves over one grid of w, their grid argmins and the closed-form minimiser."""

    w: NDArray[np.float64]
    ridge: NDArray[np.float64]
    neg_log_post: NDArray[np.float64]
    ridge_argmin: float
    neg_log_post_argmin: float
    closed_form: float

    def __post_init__(self) -> None:
        wa = finite_array("w", self.w)
        object.__setattr__(self, "w", wa)
        for name in ("ridge", "neg_log_post"):
            object.__setattr__(self, name, same_shape(name, getattr(self, name), "w", wa))
        for name in ("ridge_argmin", "neg_log_post_argmin", "closed_form"):
            object.__setattr__(self, name, finite(name, getattr(self, name)))


def two_views(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, lam: float) -> TwoViews:
    """Evaluate both views at ridge strength lambda (> 0) and noise sigma_n on the grid w."""
    wa = finite_array("w", w, min_size=3)
    paired(x, y)
    positive("sigma_n", sigma_n)
    positive("lambda", lam)
    ridge = ridge_objective(wa, x, y, lam)
    nlp = neg_log_posterior(wa, x, y, sigma_n, lam)
    return TwoViews(wa, ridge, nlp, grid_argmin(wa, ridge), grid_argmin(wa, nlp), ridge_slope(x, y, lam))


def _gradient_terms(xa: NDArray[np.float64], ya: NDArray[np.float64], sigma_n: float,
                    sigma: float) -> tuple[Fraction, Fraction]:
    """Exact (A, B) with gradient A w - B: A = sum x^2 / sigma_n^2 + 1 / sigma^2, B = sum x y / sigma_n^2."""
    noise = Fraction(sigma_n) ** 2
    return dot_exact(xa, xa) / noise + 1 / Fraction(sigma) ** 2, dot_exact(xa, ya) / noise


def neg_log_posterior_gradient(w: float, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> float:
    """d/dw of -log p(w | D) under the Gaussian prior: (w sum x^2 - sum x y) / sigma_n^2 + w / sigma^2."""
    wv = finite("w", w)
    xa, ya = paired(x, y)
    curvature, pull = _gradient_terms(xa, ya, positive("sigma_n", sigma_n), positive("sigma", sigma))
    return to_float(curvature * Fraction(wv) - pull, f"w, x, y, sigma_n and sigma: the gradient {_OVERFLOW}")


def descent_path(x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float, start: float, rate: float,
                 steps: int) -> NDArray[np.float64]:
    """Gradient descent on -log p(w | D): the iterates w_0 = start, ..., w_steps (chapter 7's walk downhill)."""
    xa, ya = paired(x, y)
    curvature, pull = _gradient_terms(xa, ya, positive("sigma_n", sigma_n), positive("sigma", sigma))
    path = [finite("start", start)]
    step = positive("rate", rate)
    for k in range(int_in_range("steps", steps, 0, 10_000)):
        gradient = to_float(curvature * Fraction(path[-1]) - pull,
                            f"x, y, start and rate: the gradient {_OVERFLOW} at step {k + 1}")
        nxt = path[-1] - step * gradient
        if not math.isfinite(nxt):
            raise ValueError(f"start and rate: gradient descent {_OVERFLOW} at step {k + 1} (rate too large?)")
        path.append(nxt)
    return np.array(path)
