"""The two views of one objective (chapter 8): data loss + lambda w^2, and the negative log-posterior."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.posterior import grid_argmax, log_posterior_unnormalised
from mathcore.regularization import sigma_from_lambda
from mathcore.validate import finite_array, non_negative, paired


def data_loss(w: ArrayLike, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """Sum of squared residuals sum_i (y_i - w x_i)^2 at each w, as a quadratic in w."""
    xa, ya = paired(x, y)
    wa = finite_array("w", w)
    return float(ya @ ya) - 2.0 * wa * float(xa @ ya) + wa * wa * float(xa @ xa)


def ridge_objective(w: ArrayLike, x: ArrayLike, y: ArrayLike, lam: float) -> NDArray[np.float64]:
    """Regularisation view: data loss + lambda w^2."""
    wa = finite_array("w", w)
    return data_loss(wa, x, y) + non_negative("lambda", lam) * wa * wa


def neg_log_posterior(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, lam: float) -> NDArray[np.float64]:
    """Bayesian view: -log p(D|w) - log p(w) with the prior width that lambda implies."""
    return -log_posterior_unnormalised(w, x, y, sigma_n, sigma_from_lambda(lam, sigma_n))


def ridge_slope(x: ArrayLike, y: ArrayLike, lam: float) -> float:
    """Closed-form argmin of the ridge objective: sum(x y) / (sum(x^2) + lambda)."""
    xa, ya = paired(x, y)
    denom = float(xa @ xa) + non_negative("lambda", lam)
    if denom == 0.0:
        raise ValueError("x must not be all zeros when lambda is 0")
    return float(xa @ ya) / denom


def grid_argmin(w: ArrayLike, values: ArrayLike) -> float:
    """Refined grid argmin (see ``grid_argmax``)."""
    return grid_argmax(w, -np.asarray(values, dtype=float))
