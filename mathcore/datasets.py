"""The story's data sets (the line fit's points from the story file, the polynomial sets generated from its seeds),
and loading a user's CSV of (x, y) pairs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore import parameters as P
from mathcore._csv import read_pairs
from mathcore._scaled import representable
from mathcore.story import MAX_SEED as MAX_SEED  # seeds accepted by the data-set makers (63 bits)
from mathcore.validate import finite, finite_values, int_in_range, paired, positive, text


@dataclass(frozen=True)
class Dataset:
    """Paired observations with the units they are measured in (stored as read-only copies)."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    name: str = "data"
    x_label: str = "x"
    y_label: str = "y"
    meta: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, values in zip(("x", "y"), paired(self.x, self.y), strict=True):
            values = values.copy()
            values.setflags(write=False)
            object.__setattr__(self, name, values)
        for name in ("name", "x_label", "y_label"):
            text(name, getattr(self, name))
        if not isinstance(self.meta, Mapping):
            raise ValueError(f"meta must be a mapping of names to finite numbers, got {self.meta!r}")
        object.__setattr__(self, "meta", {text("meta key", key): finite(f"meta[{key!r}]", value)
                                          for key, value in self.meta.items()})

    def __len__(self) -> int:
        return int(self.x.size)

    def with_point(self, index: int, x: float, y: float) -> Dataset:
        """A copy with point ``index`` moved to (x, y) (the animated drag)."""
        index = int_in_range("index", index, 0, len(self) - 1)
        xs, ys = self.x.copy(), self.y.copy()
        xs[index], ys[index] = finite("x", x), finite("y", y)
        return Dataset(xs, ys, self.name, self.x_label, self.y_label, dict(self.meta))


def house_prices() -> Dataset:
    """The story's line-fit data ([line] of the story file; six sales in the shipped one: size in 1000 sq ft,
    price in $100k, scattered around w = 2 with noise sigma_n)."""
    line = P.STORY.line
    return Dataset(np.array(line.x), np.array(line.y), line.name, line.x_label, line.y_label,
                   {"sigma_n": line.sigma_n})


def smooth_source(x: ArrayLike) -> NDArray[np.float64]:
    """The noiseless curve behind the overfitting and playground sets (defined while 2 pi 0.8 x is finite)."""
    xa = finite_values("x", x)
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.sin(2.0 * np.pi * 0.8 * xa) + 0.5 * xa
    return representable(values, "x: smooth_source needs |x| below 3.5e307 (its phase 2 pi 0.8 x must be finite)")


def _noisy(n: int, seed: int, noise: float) -> Dataset:
    """n samples of the smooth source, spread evenly over (0, 1) with a little jitter in x."""
    n = int_in_range("n", n, 2, 10_000)
    rng = np.random.default_rng(int_in_range("seed", seed, 0, MAX_SEED))
    spacing = 0.84 / (n - 1)
    x = np.linspace(0.08, 0.92, n) + rng.uniform(-0.3 * spacing, 0.3 * spacing, n)
    y = smooth_source(x) + rng.normal(0.0, noise, n)
    return Dataset(x, y, "noisy points", "x", "y", {"noise": noise})


def five_noisy_points(seed: int = P.OVERFIT_SEED) -> Dataset:
    """Chapter 4's noisy samples of the smooth source ([overfitting] points and noise; five in the shipped story,
    enough for a degree-4 polynomial to hit all)."""
    data = _noisy(P.OVERFIT_POINTS, seed, P.OVERFIT_NOISE)
    return Dataset(data.x, data.y, "five noisy points", "x", "y", dict(data.meta))


def fresh_points(seed: int = P.FRESH_SEED, n: int = P.FRESH_POINTS) -> Dataset:
    """New samples from the same source and noise as chapter 4's points, to expose overfitting."""
    int_in_range("seed", seed, 0, MAX_SEED)
    return _noisy(n, seed, P.OVERFIT_NOISE)


def polynomial_playground(seed: int = P.PLAYGROUND_SEED) -> Dataset:
    """Noisy samples for the polynomial MLE-versus-MAP playground ([playground] points and noise; twelve in the
    shipped story)."""
    return _noisy(P.PLAYGROUND_POINTS, seed, P.PLAYGROUND_NOISE)


def load_csv(path: str | Path, sigma_n: float = P.SIGMA_N) -> Dataset:
    """Read (x, y) pairs from a CSV: a header naming columns ``x`` and ``y`` (any case, any other columns
    ignored), or no header and exactly two numeric columns. Errors name the file, line and column."""
    if not isinstance(path, str | os.PathLike):
        raise ValueError(f"path must be a file path (str or Path), got {path!r}")
    positive("sigma_n", sigma_n)
    xs, ys = read_pairs(path)
    return Dataset(np.array(xs), np.array(ys), Path(path).stem, "x", "y", {"sigma_n": sigma_n})
