"""Internal: reading (x, y) pairs from a CSV file, shared by ``datasets.load_csv`` and the story loader.

Imports nothing of the project, so the story file can be read while ``mathcore.parameters`` is being imported.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path


def read_pairs(path: str | os.PathLike[str]) -> tuple[list[float], list[float]]:
    """The x and y columns of a CSV: a header naming columns ``x`` and ``y`` (any case, any other columns
    ignored), or no header and exactly two numeric columns; at least two rows. Errors name the file, line and
    column."""
    if not isinstance(path, str | os.PathLike):
        raise ValueError(f"path must be a file path (str or Path), got {path!r}")
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
    return xs, ys


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
