"""Exactly rounded sums of products, so closed forms and thresholds do not depend on summation order."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray


def dot(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """sum_i a_i b_i with the products rounded once and the sum rounded once (math.fsum)."""
    return math.fsum((a * b).tolist())
