"""Input checks that raise ValueError naming the parameter and the allowed range."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray


def positive(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and > 0."""
    v = float(value)
    if not math.isfinite(v) or v <= 0.0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def non_negative(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and >= 0."""
    v = float(value)
    if not math.isfinite(v) or v < 0.0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return v


def int_in_range(name: str, value: int, low: int, high: int) -> int:
    """Return ``value`` if it is an integer in [low, high]."""
    if isinstance(value, bool) or int(value) != value or not low <= int(value) <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}")
    return int(value)


def finite_array(name: str, values: ArrayLike, min_size: int = 1) -> NDArray[np.float64]:
    """Return a 1-D float array with at least ``min_size`` finite entries."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} needs at least {min_size} values, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or infinity)")
    return arr


def paired(x: ArrayLike, y: ArrayLike, min_size: int = 1) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate a pair of equally long data arrays."""
    xa = finite_array("x", x, min_size)
    ya = finite_array("y", y, min_size)
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same length, got {xa.size} and {ya.size}")
    return xa, ya
