"""Deterministic data sets of the storyboard, and loading a user's CSV of (x, y) pairs."""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore import parameters as P
from mathcore._scaled import representable
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


HOUSE_SIZES = np.array([0.8, 1.0, 1.3, 1.6, 2.0, 2.4])


#: Seeds accepted by the data-set makers (numpy takes any non-negative integer; this keeps them to 63 bits).
MAX_SEED = 2**63 - 1


def house_prices(seed: int = 33) -> Dataset:
    """Six sales: size in 1000 sq ft, price in $100k, scattered around w = 2 with noise sigma_n."""
    rng = np.random.default_rng(int_in_range("seed", seed, 0, MAX_SEED))
    y = P.TRUE_SLOPE * HOUSE_SIZES + rng.normal(0.0, P.SIGMA_N, HOUSE_SIZES.size)
    return Dataset(HOUSE_SIZES.copy(), y, "house prices", "size (1000 sq ft)", "price ($100k)",
                   {"sigma_n": P.SIGMA_N})


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


def five_noisy_points(seed: int = 3) -> Dataset:
    """Five noisy samples of the smooth source: enough for a degree-4 polynomial to hit all."""
    data = _noisy(5, seed, 0.25)
    return Dataset(data.x, data.y, "five noisy points", "x", "y", dict(data.meta))


def fresh_points(seed: int = 11, n: int = 6) -> Dataset:
    """New samples from the same source as the five points, to expose overfitting."""
    int_in_range("seed", seed, 0, MAX_SEED)
    return _noisy(n, seed, 0.25)


def polynomial_playground(seed: int = 1) -> Dataset:
    """Twelve noisy samples for the polynomial MLE-versus-MAP playground."""
    return _noisy(12, seed, 0.25)


def load_csv(path: str | Path, sigma_n: float = P.SIGMA_N) -> Dataset:
    """Read (x, y) pairs from a CSV: a header naming columns ``x`` and ``y`` (any case, any other columns
    ignored), or no header and exactly two numeric columns. Errors name the file, line and column."""
    if not isinstance(path, str | os.PathLike):
        raise ValueError(f"path must be a file path (str or Path), got {path!r}")
    positive("sigma_n", sigma_n)
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"csv path {str(p)!r} does not exist or is not a file")
    try:
        with p.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            rows = [(reader.line_num, row) for row in reader if any(c.strip() for c in row)]
    except UnicodeDecodeError:
        raise ValueError(f"csv {p.name}: must be UTF-8 text") from None
    except csv.Error as err:
        raise ValueError(f"csv {p.name}: malformed CSV ({err})") from None
    if not rows:
        raise ValueError(f"csv {p.name}: needs a header naming columns x and y, or two numeric columns; file is empty")
    columns, rows = _columns(p.name, rows)
    xs: list[float] = []
    ys: list[float] = []
    for line, row in rows:
        for col, out in (("x", xs), ("y", ys)):
            out.append(_cell(p.name, line, row, col, columns[col]))
    if len(xs) < 2:
        raise ValueError(f"csv {p.name}: needs at least 2 data rows, got {len(xs)}")
    return Dataset(np.array(xs), np.array(ys), p.stem, "x", "y", {"sigma_n": sigma_n})


def _columns(name: str, rows: list[tuple[int, list[str]]]) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """Column indices of x and y, and the data rows (the header row removed when there is one)."""
    line, first = rows[0]
    cells = [c.strip().lower() for c in first]
    if len(cells) == 2 and all(_is_number(c) for c in cells):
        return {"x": 0, "y": 1}, rows
    for needed in ("x", "y"):
        if needed not in cells:
            raise ValueError(
                f"csv {name} line {line}: missing column {needed!r} "
                "(the header must name columns x and y, or every row must be a bare numeric x,y pair)"
            )
    return {"x": cells.index("x"), "y": cells.index("y")}, rows[1:]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _cell(name: str, line: int, row: list[str], col: str, index: int) -> float:
    """The finite number in column ``col`` of a data row, or a ValueError naming the line."""
    if index >= len(row) or not row[index].strip():
        raise ValueError(f"csv {name} line {line}: column {col!r} is empty or missing")
    cell = row[index].strip()
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(f"csv {name} line {line}: column {col!r} is not a number: {cell!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"csv {name} line {line}: column {col!r} must be a finite number, got {cell!r}")
    return value
