"""Internal arithmetic on power-of-two-scaled floats, so no intermediate leaves the float range.

Scaling by a power of two is exact, so for ordinary magnitudes every result here is bit-identical to the
plain float formula; for huge or tiny inputs only a result that is itself beyond the float range comes
out infinite, and the public functions turn that into a ValueError naming their parameters.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Exponent given to zeros, far below any float's, so they never set a common scale.
_ZERO_EXPONENT = -4000
#: A plain sum of products smaller than this may have lost its largest terms to underflow.
_TINY_SUM = 2.0**-900
#: Below this scale the plain residual could magnify an underflowed product, so the split form is used.
_TINY_SCALE = 2.0**-100


def exponent(values: ArrayLike) -> int:
    """e such that max|values| / 2**e lies in [0.5, 1) (0 when every value is 0 or there are none)."""
    arr = np.asarray(values, dtype=float)
    top = float(np.max(np.abs(arr))) if arr.size else 0.0
    return math.frexp(top)[1] if top else 0


def ldexp(values: ArrayLike, exp: int | NDArray[np.int64]) -> NDArray[np.float64]:
    """values * 2**exp, inf where that exceeds the float range (no warning)."""
    with np.errstate(over="ignore", under="ignore"):
        return np.ldexp(np.asarray(values, dtype=float), exp)


def _split(values: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Mantissas in [0.5, 1) and exponents, zeros given a tiny exponent."""
    mant, exp = np.frexp(values)
    return mant, np.where(mant == 0.0, _ZERO_EXPONENT, exp.astype(np.int64))


def residual(y: ArrayLike, x: ArrayLike, w: ArrayLike, s: float = 1.0) -> NDArray[np.float64]:
    """(y - x w) / s elementwise (broadcasting), infinite only where the true value exceeds the float range.

    The plain formula is used when its result is finite (then nothing overflowed) and s is not tiny (so no
    underflow is magnified); otherwise every term is split into mantissa and exponent first.
    """
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        plain = (np.asarray(y, dtype=float) - np.asarray(x, dtype=float) * np.asarray(w, dtype=float)) / s
    if s >= _TINY_SCALE and np.all(np.isfinite(plain)):
        return plain
    return _residual_split(y, x, w, s)


def _residual_split(y: ArrayLike, x: ArrayLike, w: ArrayLike, s: float) -> NDArray[np.float64]:
    """``residual`` with every term split into mantissa and exponent, so no intermediate overflows."""
    my, ey = _split(np.asarray(y, dtype=float))
    mx, ex = _split(np.asarray(x, dtype=float))
    mw, ew = _split(np.asarray(w, dtype=float))
    ms, es = math.frexp(s)
    mp, ep = mx * mw, np.where((mx == 0.0) | (mw == 0.0), _ZERO_EXPONENT, ex + ew)
    top = np.maximum(ey, ep)
    with np.errstate(under="ignore"):
        diff = np.ldexp(my, np.maximum(ey - top, -2000)) - np.ldexp(mp, np.maximum(ep - top, -2000))
    return ldexp(diff / ms, np.clip(top - es, -5000, 5000))


def dot_exact(a: NDArray[np.float64], b: NDArray[np.float64]) -> Fraction:
    """sum_i a_i b_i, each product rounded once and the sum rounded once (math.fsum), with no overflow.

    The products are formed directly when none of them and no partial sum overflows and the sum is far
    from the underflow range, else on a and b scaled by powers of two.
    """
    with np.errstate(over="ignore", under="ignore"):
        products = a * b
    if np.all(np.isfinite(products)):
        try:
            total = math.fsum(products.tolist())
        except OverflowError:
            total = math.inf
        if _TINY_SUM <= abs(total) < math.inf:
            return Fraction(total)
    ea, eb = exponent(a), exponent(b)
    products = ldexp(a, -ea) * ldexp(b, -eb)
    return Fraction(math.fsum(products.tolist())) * Fraction(2) ** (ea + eb)


def to_float(value: Fraction, message: str) -> float:
    """The float nearest ``value``, or ValueError(message) when it is beyond the float range."""
    try:
        return float(value)
    except OverflowError:
        raise ValueError(message) from None


def inverse_sqrt(value: Fraction, message: str) -> float:
    """value**-0.5 for value > 0, or ValueError(message) when the result is outside the positive floats."""
    e = value.numerator.bit_length() - value.denominator.bit_length()
    e -= e % 2
    mantissa = float(value / Fraction(2) ** e)
    try:
        out = math.ldexp(1.0 / math.sqrt(mantissa), -e // 2)
    except OverflowError:
        raise ValueError(message) from None
    if out == 0.0:
        raise ValueError(message)
    return out


def representable(values: NDArray[np.float64], message: str) -> NDArray[np.float64]:
    """``values`` unchanged if every entry is finite, else ValueError(message)."""
    if not np.all(np.isfinite(values)):
        raise ValueError(message)
    return values


def divide_by_area(curve: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.float64]:
    """curve / (trapezoid area of curve over the increasing grid w), inf only where that exceeds the float range.

    The plain trapezoid rule is used when its area is finite and far from underflow; otherwise the area is
    summed exactly and the division done on its mantissa and exponent.
    """
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        area = float(np.trapezoid(curve, w))
    if _TINY_SUM <= area < math.inf:
        return curve / area
    c, g = [Fraction(v) for v in curve.tolist()], [Fraction(v) for v in w.tolist()]
    exact = sum(((g[i + 1] - g[i]) * (c[i] + c[i + 1]) for i in range(len(c) - 1)), Fraction(0)) / 2
    e = exact.numerator.bit_length() - exact.denominator.bit_length()
    return ldexp(curve / float(exact / Fraction(2) ** e), -e)

