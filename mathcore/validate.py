"""Input checks that raise ValueError naming the parameter and the allowed range."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray


def _as_float(name: str, value: object, allowed: str) -> float:
    """``value`` as a float, or a ValueError naming ``name`` and what is ``allowed`` (strings are rejected)."""
    if isinstance(value, str | bytes | bool | np.bool_):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
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
    if isinstance(value, bool | np.bool_ | str | bytes):
        raise ValueError(message)
    try:
        as_int = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(message) from None
    if as_int != value or not low <= as_int <= high:
        raise ValueError(message)
    return as_int


def finite_values(name: str, values: ArrayLike) -> NDArray[np.float64]:
    """Return ``values`` as a float array of any shape whose entries are all finite (no strings or booleans)."""
    try:
        raw = np.asarray(values)
        if raw.dtype.kind not in "iufO":
            raise TypeError
        arr = raw.astype(float, copy=False)
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


def paired(
    x: ArrayLike, y: ArrayLike, min_size: int = 1, names: tuple[str, str] = ("x", "y")
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate a pair of equally long data arrays (``names`` are the parameters they came from)."""
    xa = finite_array(names[0], x, min_size)
    ya = finite_array(names[1], y, min_size)
    if xa.shape != ya.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same length, got {xa.size} and {ya.size}")
    return xa, ya


def same_shape(name: str, values: ArrayLike, like: str, reference: NDArray[np.float64]) -> NDArray[np.float64]:
    """``values`` as a finite float array of the shape of ``reference`` (the parameter ``like``)."""
    arr = finite_values(name, values)
    if arr.shape != reference.shape:
        raise ValueError(f"{name} must have the shape of {like} {reference.shape}, got {arr.shape}")
    return arr


def broadcastable(names: tuple[str, str], a: NDArray[np.float64], b: NDArray[np.float64]) -> None:
    """Raise unless arrays ``a`` and ``b`` broadcast against each other."""
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"{names[0]} and {names[1]} must have broadcastable shapes, got {a.shape} and {b.shape}"
        ) from None


def increasing(name: str, values: ArrayLike, min_size: int = 2) -> NDArray[np.float64]:
    """A finite 1-D array of at least ``min_size`` strictly increasing values."""
    arr = finite_array(name, values, min_size)
    if np.any(arr[1:] <= arr[:-1]):
        raise ValueError(f"{name} must be strictly increasing")
    return arr


def text(name: str, value: object) -> str:
    """Return ``value`` if it is a string."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {value!r}")
    return value


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
