"""Axis ranges and ticks chosen from the data: nice steps, the data inside with a margin, zero where it belongs.

:func:`nice_axis` takes the values a plot must show and returns an :class:`AxisRange` (low, high, step) whose
ends are multiples of a nice step (1, 2, 2.5 or 5 times a power of ten), with 4 to 7 ticks (fewer only when
the labels would not fit the room given) and labels printed with the decimals the step needs. Two kinds of
values: ``points`` are drawn as dots and get a margin, so none sits on the plot's edge; ``reach`` are the ends of
what the plot draws to the edge (a fitted line, a bell), kept inside without a margin. With ``zero`` the range
holds 0 (a line through the origin y = w x) and, when every point is >= 0, starts there (<= 0: ends there), so
a curve that only dips below zero past the data is cut at the axis instead of stretching it. Values are taken
as 0 or of magnitude 1e-250 to 1e250 (finer ticks would need subnormal floats, larger spans overflow); others
are a ValueError naming the value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mathcore.validate import finite, int_in_range, non_negative

#: The mantissas of a nice step: 1, 2, 2.5 or 5 times a power of ten.
NICE_MANTISSAS = (1.0, 2.0, 2.5, 5.0)
#: Ticks of an axis, at least and at most (fewer than the least only when their labels need the room).
MIN_TICKS, MAX_TICKS = 4, 7
#: The points' margin, as a fraction of the span the values cover.
MARGIN = 0.03
#: Label characters of free space between two neighbouring tick labels.
LABEL_GAP = 1.5
#: A relative spread below this is treated as no spread at all (floats cannot place finer ticks).
_FLAT = 1e-9
#: The values an axis is made from are 0 or of a magnitude in [TINY, HUGE] (an AxisRange's own numbers may be
#: from FINEST to LARGEST): finer ticks would need subnormal floats, and the span of larger ones would overflow.
TINY, HUGE, FINEST, LARGEST = 1e-250, 1e250, 1e-300, 1e300


@dataclass(frozen=True)
class AxisRange:
    """An axis from ``low`` to ``high`` with a tick every ``step`` (both ends are ticks), labelled to ``decimals``."""

    low: float
    high: float
    step: float
    decimals: int

    @property
    def count(self) -> int:
        """The number of ticks, both ends included."""
        return int(round((self.high - self.low) / self.step)) + 1

    @property
    def ticks(self) -> tuple[float, ...]:
        """The tick values, each a multiple of the step rounded to the label's decimals."""
        first = int(round(self.low / self.step))
        return tuple(round((first + i) * self.step, self.decimals) + 0.0 for i in range(self.count))

    @property
    def labels(self) -> tuple[str, ...]:
        """The tick labels, as printed: every tick with the same decimals."""
        return tuple(f"{t:.{self.decimals}f}" for t in self.ticks)

    def __post_init__(self) -> None:
        low, high = (_axis_value("low", self.low, FINEST, LARGEST),
                     _axis_value("high", self.high, FINEST, LARGEST))
        if not high > low:
            raise ValueError(f"high must be above low, got [{low!r}, {high!r}]")
        step = _axis_value("step", self.step, FINEST, LARGEST)
        if not step > 0:
            raise ValueError(f"step must be positive, got {step!r}")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "step", step)
        object.__setattr__(self, "decimals", int_in_range("decimals", self.decimals, 0, 300))

    @property
    def manim_range(self) -> tuple[float, float, float]:
        """(low, high, step), as manim's ``Axes`` takes an axis range."""
        return (self.low, self.high, self.step)


def _axis_value(name: str, value: object, tiny: float = TINY, huge: float = HUGE) -> float:
    """A finite number that is 0 or of magnitude in [tiny, huge]; ValueError naming ``name`` otherwise."""
    v = finite(name, value)
    if v != 0.0 and not tiny <= abs(v) <= huge:
        if tiny == 0.0:
            raise ValueError(f"{name} must be of magnitude at most {huge:g} to make an axis, got {v!r}")
        raise ValueError(f"{name} must be 0 or of magnitude {tiny:g} to {huge:g} to make an axis, got {v!r}")
    return v + 0.0


def _values(name: str, values: Iterable[float]) -> list[float]:
    if isinstance(values, str | bytes):
        raise ValueError(f"{name} must be finite numbers, got {values!r}")
    try:
        items = list(values)
    except TypeError:
        raise ValueError(f"{name} must be finite numbers, got {values!r}") from None
    return [_axis_value(f"{name}[{i}]", v) for i, v in enumerate(items)]


def _nice_steps(smallest: float, mantissas: tuple[float, ...] = NICE_MANTISSAS) -> Iterator[tuple[float, int]]:
    """Steps upwards from the power of ten at or below ``smallest`` (> 0), each a mantissa times a power of ten,
    with its label decimals (one more for a mantissa with a fractional digit, such as 2.5)."""
    power = math.floor(math.log10(smallest))
    while True:
        for mantissa in mantissas:
            yield float(f"{mantissa:g}e{power}"), max(0, -power + (0 if mantissa.is_integer() else 1))
        power += 1


def _crowded(axis: AxisRange, room: float | None, side_by_side: bool) -> bool:
    """True when the labels need more than ``room`` label characters along the axis."""
    if room is None:
        return False
    each = max(len(text) for text in axis.labels) if side_by_side else 1.0
    return (axis.count - 1) * (each + LABEL_GAP) + each > room


def nice_axis(points: Iterable[float], reach: Iterable[float] = (), *, zero: bool = True, margin: float = MARGIN,
              max_ticks: int = MAX_TICKS, room: float | None = None, side_by_side: bool = True) -> AxisRange:
    """The axis for ``points`` (dots, kept off the edges by ``margin`` of the covered span) and ``reach``
    (ends of what is drawn to the edge): the smallest nice step with at most ``max_ticks`` ticks (4 to 7 with
    the default: a step half as long or less would need more than 7) whose labels
    fit ``room`` (the axis length in label characters; None: no limit), ``side_by_side`` for an x axis (labels
    in a row: their width counts), False for a y axis (stacked: one character's height each)."""
    pts, ends = _values("points", points), _values("reach", reach)
    if not pts:
        raise ValueError("points must hold at least one finite number, got none")
    margin = non_negative("margin", margin)
    if margin > 0.5:
        raise ValueError(f"margin must be a fraction of the span from 0 to 0.5, got {margin!r}")
    max_ticks = int_in_range("max_ticks", max_ticks, 3, 50)
    if room is not None:
        room = non_negative("room", room)
    covered = pts + ends + ([0.0] if zero else [])
    lo, hi = min(covered), max(covered)
    pad = margin * (hi - lo)
    lo, hi = min([min(pts) - pad, *ends]), max([max(pts) + pad, *ends])
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= _FLAT * max(abs(lo), abs(hi)):
        half = abs(hi) / 10 or 1.0
        lo, hi = lo - half, hi + half
    if zero and min(pts) >= 0.0:
        lo = 0.0
    elif zero and max(pts) <= 0.0:
        hi = 0.0
    if not hi > lo:  # only 0 among the points, and the reach on the cut side: one unit of the values' scale
        size = max(abs(v) for v in covered) or 1.0
        hi, lo = (lo + size, lo) if lo == 0.0 else (hi, hi - size)
    for step, decimals in _nice_steps((hi - lo) / (4 * max_ticks)):
        first = math.floor(lo / step + 1e-9)
        last = math.ceil(hi / step - 1e-9)
        axis = AxisRange(round(first * step, decimals) + 0.0, round(last * step, decimals) + 0.0, step, decimals)
        if axis.count > max_ticks:
            continue
        if not _crowded(axis, room, side_by_side) or step >= hi - lo:
            return axis  # uncrowded, or as few ticks as the range can have (two, three across zero)
    raise AssertionError("unreachable: nice_steps goes on past the span")  # pragma: no cover


def line_reach(x: Iterable[float], slopes: Iterable[float]) -> list[float]:
    """The heights of the lines y = w x, one per slope, at the smallest and the largest x."""
    xs = _values("x", x)
    if not xs:
        raise ValueError("x must hold at least one finite number, got none")
    ends = (min(xs), max(xs))
    ws = _values("slopes", slopes)
    if not ws:
        raise ValueError("slopes must hold at least one finite number, got none")
    heights = [w * e for w in ws for e in ends]
    for height in heights:
        _axis_value("slopes times x", height)
    return heights


def nice_step(low: float, high: float, most: int = 11) -> float:
    """The smallest nice step that puts at most ``most`` ticks on [low, high] (an axis kept as given, such as
    the story's w_range: 1 on [-5, 5])."""
    low, high = _axis_value("low", low, 0.0), _axis_value("high", high, 0.0)
    if not high - low >= FINEST:
        raise ValueError(f"high must be above low by at least {FINEST:g}, got [{low!r}, {high!r}]")
    most = int_in_range("most", most, 2, 100)
    for step, _ in _nice_steps((high - low) / (most - 1)):
        if math.floor((high - low) / step + 1e-9) + 1 <= most:
            return step
    raise AssertionError("unreachable: nice_steps goes on past the span")  # pragma: no cover
