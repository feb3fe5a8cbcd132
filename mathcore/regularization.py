"""The bridge between the two views: lambda = sigma_n^2 / sigma^2 and back."""

from __future__ import annotations

import math

from mathcore.validate import positive


def lambda_from_sigmas(sigma_n: float, sigma: float) -> float:
    """Ridge strength implied by noise sigma_n (> 0) and prior width sigma (> 0), as (sigma_n / sigma)^2."""
    ratio = positive("sigma_n", sigma_n) / positive("sigma", sigma)
    lam = ratio * ratio
    if not math.isfinite(lam):
        raise ValueError(f"sigma_n and sigma: lambda = sigma_n^2 / sigma^2 exceeds the float range (1.8e308), "
                         f"got sigma_n={sigma_n!r}, sigma={sigma!r}")
    return lam


def sigma_from_lambda(lam: float, sigma_n: float) -> float:
    """Prior width sigma = sigma_n / sqrt(lambda) implied by ridge strength lambda (> 0) at noise sigma_n."""
    s_n, root = positive("sigma_n", sigma_n), math.sqrt(positive("lambda", lam))
    sigma = s_n / root
    if not 0.0 < sigma < math.inf:
        raise ValueError(f"lambda and sigma_n: sigma = sigma_n / sqrt(lambda) is outside the positive floats, "
                         f"got lambda={lam!r}, sigma_n={sigma_n!r}")
    return sigma
