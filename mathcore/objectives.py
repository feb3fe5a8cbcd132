"""The two views of one objective (chapter 8): data loss + lambda w^2, and the negative log-posterior.

For lambda = sigma_n^2 / sigma^2 the second is the first divided by 2 sigma_n^2 plus a constant, so both
curves have their minimum at the same w: the ridge slope sum(x y) / (sum(x^2) + lambda).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.posterior import grid_argmax, log_posterior_unnormalised
from mathcore.regularization import sigma_from_lambda
from mathcore.sums import dot
from mathcore.validate import finite, finite_array, int_in_range, non_negative, paired, positive


def data_loss(w: ArrayLike, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """Sum of squared residuals sum_i (y_i - w x_i)^2 at each w (summed directly, never negative)."""
    xa, ya = paired(x, y)
    wa = finite_array("w", w)
    r = ya[:, None] - xa[:, None] * wa[None, :]
    return (r * r).sum(axis=0)


def ridge_objective(w: ArrayLike, x: ArrayLike, y: ArrayLike, lam: float) -> NDArray[np.float64]:
    """Regularisation view: data loss + lambda w^2, lambda >= 0."""
    lam = non_negative("lambda", lam)
    wa = finite_array("w", w)
    return data_loss(wa, x, y) + lam * wa * wa


def ridge_penalty(w: ArrayLike, lam: float) -> NDArray[np.float64]:
    """The penalty term lambda w^2 alone."""
    wa = finite_array("w", w)
    return non_negative("lambda", lam) * wa * wa


def neg_log_posterior(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, lam: float) -> NDArray[np.float64]:
    """Bayesian view: -log p(D|w) - log p(w) with the prior width sigma = sigma_n / sqrt(lambda), lambda > 0."""
    return -log_posterior_unnormalised(w, x, y, sigma_n, sigma_from_lambda(lam, sigma_n))


def ridge_slope(x: ArrayLike, y: ArrayLike, lam: float) -> float:
    """Closed-form argmin of the ridge objective: sum(x y) / (sum(x^2) + lambda)."""
    lam = non_negative("lambda", lam)
    xa, ya = paired(x, y)
    denom = dot(xa, xa) + lam
    if denom == 0.0:
        raise ValueError("x must contain a nonzero value when lambda is 0 (the minimiser is not unique)")
    return dot(xa, ya) / denom


def grid_argmin(w: ArrayLike, values: ArrayLike) -> float:
    """Refined grid argmin (see ``grid_argmax``)."""
    return grid_argmax(w, -np.asarray(values, dtype=float))


@dataclass(frozen=True)
class TwoViews:
    """Both chapter-8 curves over one grid of w, their grid argmins and the closed-form minimiser."""

    w: NDArray[np.float64]
    ridge: NDArray[np.float64]
    neg_log_post: NDArray[np.float64]
    ridge_argmin: float
    neg_log_post_argmin: float
    closed_form: float


def two_views(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, lam: float) -> TwoViews:
    """Evaluate both views at ridge strength lambda (> 0) and noise sigma_n on the grid w."""
    positive("lambda", lam)
    wa = finite_array("w", w, min_size=3)
    ridge = ridge_objective(wa, x, y, lam)
    nlp = neg_log_posterior(wa, x, y, sigma_n, lam)
    return TwoViews(wa, ridge, nlp, grid_argmin(wa, ridge), grid_argmin(wa, nlp), ridge_slope(x, y, lam))


def neg_log_posterior_gradient(w: float, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> float:
    """d/dw of -log p(w | D) under the Gaussian prior: (w sum x^2 - sum x y) / sigma_n^2 + w / sigma^2."""
    xa, ya = paired(x, y)
    sn, s = positive("sigma_n", sigma_n), positive("sigma", sigma)
    return (float(w) * dot(xa, xa) - dot(xa, ya)) / sn**2 + float(w) / s**2


def descent_path(x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float, start: float, rate: float,
                 steps: int) -> NDArray[np.float64]:
    """Gradient descent on -log p(w | D): the iterates w_0 = start, ..., w_steps (chapter 7's walk downhill)."""
    positive("rate", rate)
    n_steps = int_in_range("steps", steps, 0, 10_000)
    path = [finite("start", start)]
    for _ in range(n_steps):
        path.append(path[-1] - rate * neg_log_posterior_gradient(path[-1], x, y, sigma_n, sigma))
    return np.array(path)
