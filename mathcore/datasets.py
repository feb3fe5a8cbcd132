"""Deterministic data sets of the storyboard, and loading a user's CSV of (x, y) pairs."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from mathcore import parameters as P
from mathcore.validate import paired, positive


@dataclass(frozen=True)
class Dataset:
    """Paired observations with the units they are measured in."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    name: str = "data"
    x_label: str = "x"
    y_label: str = "y"
    meta: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        x, y = paired(self.x, self.y)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return int(self.x.size)

    def with_point(self, index: int, x: float, y: float) -> Dataset:
        """A copy with point ``index`` moved to (x, y) (the animated drag)."""
        if not 0 <= index < len(self):
            raise ValueError(f"index must be from 0 to {len(self) - 1}, got {index}")
        xs, ys = self.x.copy(), self.y.copy()
        xs[index], ys[index] = x, y
        return Dataset(xs, ys, self.name, self.x_label, self.y_label, dict(self.meta))


HOUSE_SIZES = np.array([0.8, 1.0, 1.3, 1.6, 2.0, 2.4])


def house_prices(seed: int = 33) -> Dataset:
    """Six sales: size in 1000 sq ft, price in $100k, scattered around w = 2 with noise sigma_n."""
    rng = np.random.default_rng(seed)
    y = P.TRUE_SLOPE * HOUSE_SIZES + rng.normal(0.0, P.SIGMA_N, HOUSE_SIZES.size)
    return Dataset(HOUSE_SIZES.copy(), y, "house prices", "size (1000 sq ft)", "price ($100k)",
                   {"sigma_n": P.SIGMA_N})


def smooth_source(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """The noiseless curve behind the overfitting and playground sets."""
    return np.sin(2.0 * np.pi * 0.8 * x) + 0.5 * x


def _noisy(n: int, seed: int, noise: float) -> Dataset:
    """n samples of the smooth source, spread evenly over (0, 1) with a little jitter in x."""
    rng = np.random.default_rng(seed)
    spacing = 0.84 / (n - 1)
    x = np.linspace(0.08, 0.92, n) + rng.uniform(-0.3 * spacing, 0.3 * spacing, n)
    y = smooth_source(x) + rng.normal(0.0, noise, n)
    return Dataset(x, y, "noisy points", "x", "y", {"noise": noise})


def five_noisy_points(seed: int = 3) -> Dataset:
    """Five noisy samples of the smooth source: enough for a degree-4 polynomial to hit all."""
    data = _noisy(5, seed, 0.25)
    return Dataset(data.x, data.y, "five noisy points", "x", "y", dict(data.meta))


def fresh_points(seed: int = 11, n: int = 6) -> Dataset:
    """New samples from the same source as the five points, to expose overfitting."""
    return _noisy(n, seed, 0.25)


def polynomial_playground(seed: int = 1) -> Dataset:
    """Twelve noisy samples for the polynomial MLE-versus-MAP playground."""
    return _noisy(12, seed, 0.25)


def load_csv(path: str | Path, sigma_n: float = P.SIGMA_N) -> Dataset:
    """Read a CSV with header columns ``x`` and ``y``; errors name the line and the column."""
    positive("sigma_n", sigma_n)
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"csv path {str(p)!r} does not exist or is not a file")
    xs: list[float] = []
    ys: list[float] = []
    with p.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip().lower() for c in (reader.fieldnames or [])]
        for needed in ("x", "y"):
            if needed not in columns:
                raise ValueError(f"csv {p.name}: missing column {needed!r} (header must name columns x and y)")
        reader.fieldnames = columns
        for row in reader:
            line = reader.line_num
            for col, out in (("x", xs), ("y", ys)):
                cell = (row.get(col) or "").strip()
                try:
                    value = float(cell)
                except ValueError:
                    raise ValueError(f"csv {p.name} line {line}: column {col!r} is not a number: {cell!r}") from None
                if not math.isfinite(value):
                    raise ValueError(f"csv {p.name} line {line}: column {col!r} must be finite, got {cell!r}")
                out.append(value)
    if len(xs) < 2:
        raise ValueError(f"csv {p.name}: needs at least 2 data rows, got {len(xs)}")
    return Dataset(np.array(xs), np.array(ys), p.stem, "x", "y", {"sigma_n": sigma_n})
