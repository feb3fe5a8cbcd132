"""The bridge between the two views: lambda = sigma_n^2 / sigma^2 and back."""

from __future__ import annotations

import math

from mathcore.validate import positive


def lambda_from_sigmas(sigma_n: float, sigma: float) -> float:
    """Ridge strength implied by noise sigma_n (> 0) and prior width sigma (> 0)."""
    return positive("sigma_n", sigma_n) ** 2 / positive("sigma", sigma) ** 2


def sigma_from_lambda(lam: float, sigma_n: float) -> float:
    """Prior width sigma = sigma_n / sqrt(lambda) implied by ridge strength lambda (> 0) at noise sigma_n."""
    return positive("sigma_n", sigma_n) / math.sqrt(positive("lambda", lam))
