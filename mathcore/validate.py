"""Input checks that raise ValueError naming the parameter and the allowed range."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray


def _as_float(name: str, value: object, allowed: str) -> float:
    """``value`` as a float, or a ValueError naming ``name`` and what is ``allowed``."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {allowed}, got {value!r}") from None


def positive(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and > 0."""
    allowed = "a finite number > 0"
    v = _as_float(name, value, allowed)
    if not math.isfinite(v) or v <= 0.0:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return v


def non_negative(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and >= 0."""
    allowed = "a finite number >= 0"
    v = _as_float(name, value, allowed)
    if not math.isfinite(v) or v < 0.0:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return v


def finite(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite."""
    allowed = "a finite number"
    v = _as_float(name, value, allowed)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return v


def int_in_range(name: str, value: int, low: int, high: int) -> int:
    """Return ``value`` if it is an integer in [low, high] (integral floats such as 3.0 are accepted)."""
    message = f"{name} must be an integer from {low} to {high}, got {value!r}"
    if isinstance(value, bool | str | bytes):
        raise ValueError(message)
    try:
        as_int = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(message) from None
    if as_int != value or not low <= as_int <= high:
        raise ValueError(message)
    return as_int


def finite_values(name: str, values: ArrayLike) -> NDArray[np.float64]:
    """Return ``values`` as a float array of any shape whose entries are all finite."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must contain only finite numbers, got {values!r}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or infinity)")
    return arr


def finite_array(name: str, values: ArrayLike, min_size: int = 1) -> NDArray[np.float64]:
    """Return a 1-D float array with at least ``min_size`` entries, all finite."""
    arr = finite_values(name, values)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size < min_size:
        plural = "" if min_size == 1 else "s"
        raise ValueError(f"{name} needs at least {min_size} value{plural}, got {arr.size}")
    return arr


def paired(x: ArrayLike, y: ArrayLike, min_size: int = 1) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate a pair of equally long data arrays."""
    xa = finite_array("x", x, min_size)
    ya = finite_array("y", y, min_size)
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same length, got {xa.size} and {ya.size}")
    return xa, ya


def interval(name: str, bounds: tuple[float, float]) -> tuple[float, float]:
    """Return ``bounds`` as finite floats (low, high) with high > low."""
    try:
        lo, hi = bounds
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high) of finite numbers, got {bounds!r}") from None
    lo, hi = finite(f"{name} low", lo), finite(f"{name} high", hi)
    if not hi > lo:
        raise ValueError(f"{name} must have high > low, got {bounds!r}")
    return lo, hi
