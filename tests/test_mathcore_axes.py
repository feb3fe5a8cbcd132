"""Axis ranges from the data (mathcore/axes.py): every value inside, ticks on multiples of a nice step, 4 to 7 of
them, zero where the line through the origin needs it, labels that read back as the ticks and fit their room,
at the extremes (negative values, 1e6 and 1e-6 scales, a dozen or 200 points, all equal, one point)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathcore.axes import (
    LABEL_GAP,
    MARGIN,
    MAX_TICKS,
    MIN_TICKS,
    NICE_MANTISSAS,
    AxisRange,
    line_reach,
    nice_axis,
    nice_step,
)

FAST = settings(max_examples=300, deadline=None)
SCALES = [1e-6, 1e-3, 1.0, 1e3, 1e6]


@st.composite
def data(draw, min_size: int = 1, max_size: int = 200, low: float = -10.0, high: float = 10.0) -> list[float]:
    scale = draw(st.sampled_from(SCALES))
    values = draw(st.lists(st.floats(low, high, allow_nan=False), min_size=min_size, max_size=max_size))
    return [v * scale if abs(v) > 1e-240 else 0.0 for v in values]  # 0 or above 1e-250, as nice_axis takes


def mantissa(step: float) -> float:
    return step / 10 ** math.floor(math.log10(step) + 1e-12)


def tol(axis: AxisRange) -> float:
    return 1e-9 * max(abs(axis.low), abs(axis.high), axis.step)


def check_axis(axis: AxisRange, points: list[float], reach: list[float], zero: bool) -> None:
    """The rules every axis keeps, whatever the data."""
    t = tol(axis)
    assert axis.low < axis.high
    assert any(math.isclose(mantissa(axis.step), m, rel_tol=1e-9) for m in NICE_MANTISSAS), axis
    assert MIN_TICKS <= axis.count <= MAX_TICKS, axis
    ticks = axis.ticks
    assert ticks[0] == pytest.approx(axis.low, abs=t) and ticks[-1] == pytest.approx(axis.high, abs=t)
    for tick in ticks:
        assert abs(tick / axis.step - round(tick / axis.step)) < 1e-6, (tick, axis)
    labels = axis.labels
    assert len(set(labels)) == len(labels), labels
    for text, tick in zip(labels, ticks, strict=True):
        assert float(text) == pytest.approx(tick, abs=axis.step * 1e-6), (text, tick)
    assert all(axis.low - t <= v <= axis.high + t for v in points), (axis, points)
    if zero:
        assert axis.low <= 0.0 <= axis.high
        if min(points) >= 0:
            assert axis.low == 0.0
        elif max(points) <= 0:
            assert axis.high == 0.0
    nonneg = zero and min(points) >= 0
    nonpos = zero and not nonneg and max(points) <= 0
    for v in reach:
        if not (nonneg and v < 0) and not (nonpos and v > 0):
            assert axis.low - t <= v <= axis.high + t, (axis, v)


@FAST
@given(data(), st.booleans())
def test_every_point_inside_on_nice_ticks(points, zero):
    check_axis(nice_axis(points, zero=zero), points, [], zero)


@FAST
@given(data(), st.lists(st.floats(-20, 20, allow_nan=False), max_size=6), st.booleans())
def test_reach_inside_up_to_the_zero_edge(points, reach, zero):
    scale = max(abs(v) for v in points) or 1.0
    reach = [r * scale if abs(r * scale) > 1e-240 else 0.0 for r in reach]
    check_axis(nice_axis(points, reach, zero=zero), points, reach, zero)


@FAST
@given(data(min_size=2))
def test_points_keep_off_the_edges(points):
    """Dots keep a margin from the ends, except at zero when the data start there."""
    axis = nice_axis(points, zero=False)
    spread = max(points) - min(points)
    if spread <= 1e-9 * max(abs(v) for v in points):
        return
    gap = MARGIN * spread * (1 - 1e-9)
    assert min(points) - axis.low >= gap and axis.high - max(points) >= gap


@FAST
@given(data(), st.booleans(), st.integers(MIN_TICKS, 12))
def test_more_ticks_allowed_never_coarsens_the_step(points, zero, most):
    axis, finer = nice_axis(points, zero=zero), nice_axis(points, zero=zero, max_ticks=most)
    assert (finer.step <= axis.step) == (most >= MAX_TICKS) or finer.step == axis.step
    assert finer.count <= most


@FAST
@given(data(), st.booleans(), st.floats(6.0, 80.0))
def test_labels_fit_their_room(points, side_by_side, room):
    axis = nice_axis(points, room=room, side_by_side=side_by_side)
    each = max(len(t) for t in axis.labels) if side_by_side else 1.0
    assert axis.step >= max(points) - min(points) or (axis.count - 1) * (each + LABEL_GAP) + each <= room
    assert axis.count <= MAX_TICKS and all(v >= axis.low and v <= axis.high for v in points)


@pytest.mark.parametrize("scale", SCALES)
def test_negative_x_and_the_origin(scale):
    """A line through the origin: x from 0 when all x >= 0, reaching below 0 when some x are negative."""
    positive = [0.8 * scale, 2.4 * scale]
    assert nice_axis(positive).low == 0.0
    mixed = [-3.2 * scale, -0.4 * scale, 1.5 * scale]
    axis = nice_axis(mixed)
    assert axis.low < -3.2 * scale and axis.high > 1.5 * scale and 0.0 in [t / scale * scale for t in axis.ticks]
    negative = [-2.5 * scale, -0.7 * scale]
    assert nice_axis(negative).high == 0.0 and nice_axis(negative).low < -2.5 * scale
    check_axis(axis, mixed, [], True)


@pytest.mark.parametrize("n", [1, 12, 200])
@pytest.mark.parametrize("scale", SCALES)
def test_a_dozen_or_200_points_at_every_scale(n, scale):
    points = [scale * (math.sin(i) * 4 + 3) for i in range(n)]
    for zero in (True, False):
        check_axis(nice_axis(points, zero=zero), points, [], zero)


@pytest.mark.parametrize("value", [0.0, 5.0, -5.0, 1e6, 1e-6, -3.3e-6])
def test_all_equal_and_single_points(value):
    for points in ([value], [value] * 12):
        for zero in (True, False):
            axis = nice_axis(points, zero=zero)
            check_axis(axis, points, [], zero)
            if not zero:
                assert axis.low < value < axis.high


def test_huge_values_print_without_exponents():
    axis = nice_axis([1.2e6, 4.4e6], zero=False)
    assert all("e" not in t for t in axis.labels) and axis.step >= 5e5
    tiny = nice_axis([1.2e-6, 4.4e-6])
    assert all("e" not in t for t in tiny.labels) and len(set(tiny.labels)) == tiny.count


def test_line_reach_is_the_lines_at_the_extreme_x():
    assert line_reach([0.8, 2.4, 1.0], [0.5, 5.0]) == [0.4, 1.2, 4.0, 12.0]
    assert line_reach([-2.0, 3.0], [-1.0]) == [2.0, -3.0]


@FAST
@given(st.sampled_from(SCALES), st.floats(-10, 10), st.floats(0.01, 20), st.integers(2, 20))
def test_nice_step_is_the_finest_with_at_most_so_many_ticks(scale, low, span, most):
    low, high = low * scale, (low + span) * scale
    step = nice_step(low, high, most)
    assert any(math.isclose(mantissa(step), m, rel_tol=1e-9) for m in NICE_MANTISSAS)
    assert math.floor((high - low) / step + 1e-9) + 1 <= most
    finer = {1.0: 0.5, 2.0: 1.0, 2.5: 2.0, 5.0: 2.5}[round(mantissa(step), 6)] * step / mantissa(step)
    assert math.floor((high - low) / finer + 1e-9) + 1 > most


def test_nice_step_keeps_the_shipped_w_axis():
    """[line] w_range = [-5, 5] keeps its step of 1 (eleven ticks); a wide one gets a coarser step."""
    assert nice_step(-5.0, 5.0) == 1.0 and nice_step(-3.0, 3.0) == 1.0 and nice_step(-400.0, 100.0) == 50.0


@pytest.mark.parametrize("call, message", [
    (lambda: nice_axis([]), "points must hold at least one"),
    (lambda: nice_axis([1.0, float("nan")]), "points[1] must be a finite number"),
    (lambda: nice_axis([1.0], [float("inf")]), "reach[0] must be a finite number"),
    (lambda: nice_axis("12"), "points must be finite numbers"),
    (lambda: nice_axis([1.0], margin=0.9), "margin must be a fraction"),
    (lambda: nice_axis([1.0], max_ticks=2), "max_ticks must be an integer from 3 to 50"),
    (lambda: nice_axis([1.0], room=-1.0), "room must be a finite number >= 0"),
    (lambda: line_reach([], [1.0]), "x must hold at least one"),
    (lambda: nice_step(1.0, 1.0), "high must be above low"),
    (lambda: nice_step(0.0, 1.0, 1), "most must be an integer from 2 to 100"),
])
def test_bad_input_is_one_line_naming_it(call, message):
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace("]", r"\]")) as error:
        call()
    assert "\n" not in str(error.value)
