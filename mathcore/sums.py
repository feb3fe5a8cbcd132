"""Exactly rounded sums of products, so closed forms and thresholds do not depend on summation order."""

from __future__ import annotations

from numpy.typing import ArrayLike

from mathcore._scaled import dot_exact, to_float
from mathcore.validate import paired


def dot(a: ArrayLike, b: ArrayLike) -> float:
    """sum_i a_i b_i with the products rounded once and the sum rounded once (math.fsum), free of overflow
    in between; a sum beyond the float range raises a ValueError."""
    aa, ba = paired(a, b, names=("a", "b"))
    return to_float(dot_exact(aa, ba), "a and b: the sum of products exceeds the float range (1.8e308)")
