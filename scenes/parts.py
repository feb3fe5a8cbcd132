"""Reusable visual parts: axes with named labels (LabeledAxes), array-driven curves, markers, readouts, a
slider, the bell glyph.

Curves are plain VMobjects whose points are replaced from mathcore arrays (``set_data``, read back with
``data``), so an updater costs one vectorised numpy call per frame instead of rebuilding a plot.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Axes,
    DashedLine,
    DecimalNumber,
    Dot,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    RoundedRectangle,
    Text,
    UpdateFromAlphaFunc,
    ValueTracker,
    VGroup,
    VMobject,
    there_and_back,
)
from manim.mobject.text.numbers import string_to_mob_map

from scenes import style as S


def ctex(*parts: str, size: float = S.BODY_SIZE, colors: dict[str, ManimColor] | None = None) -> MathTex:
    """MathTex built from separate parts, each part coloured by exact match in the palette's map.

    Splitting equations into the same parts in every step lets TransformMatchingTex move them.
    """
    cmap = S.tex_colors() if colors is None else {**S.tex_colors(), **colors}
    tex = MathTex(*parts, font_size=size, color=S.TEXT)
    for part in tex.submobjects:
        color = cmap.get(part.tex_string.strip())
        if color is not None:
            part.set_color(color)
    return tex


def label(text: str, size: float = S.LABEL_SIZE, color: ManimColor | None = None) -> Text:
    """Words in the project's face (CMU Serif), at TeX size ``size``: as tall as math set at that size."""
    return Text(text, font=S.FONT, font_size=size * S.TEXT_SCALE, color=color or S.TEXT)


def fitted_label(text: str, width: float, size: float = S.LABEL_SIZE, color: ManimColor | None = None,
                 buff: float = 0.12) -> VGroup:
    """``label`` on one line if it is at most ``width`` wide, else on two lines split at the space that makes
    the wider line narrowest (a story's own words can be longer than the shipped ones)."""
    line = label(text, size, color)
    words = text.split()
    if line.width <= width or len(words) < 2:
        return VGroup(line)
    splits = [(label(" ".join(words[:i]), size, color), label(" ".join(words[i:]), size, color))
              for i in range(1, len(words))]
    top, bottom = min(splits, key=lambda pair: max(pair[0].width, pair[1].width))
    return VGroup(top, bottom).arrange(DOWN, buff=buff, aligned_edge=LEFT)


#: The width of one tick-label character (a digit of the axes' numbers at S.SMALL_SIZE), in scene units.
TICK_CHAR = 0.12


def tick_decimals(axis_range: Sequence[float]) -> int:
    """Decimals needed to print the tick values of (start, stop, step) exactly."""
    step = float(axis_range[2]) if len(axis_range) > 2 else 1.0
    for decimals in range(9):
        if abs(step * 10**decimals - round(step * 10**decimals)) < 1e-9:
            return decimals
    return 3


class LabeledAxes(VGroup):
    """Axes and their names: ``VGroup(axes, labels)`` with the parts named, ``.axes``, ``.x_label`` and
    ``.y_label`` (None when the axis has no name); ``.labels`` holds the names in the order they were added."""

    def __init__(self, axes: Axes, x_label: Mobject | None = None, y_label: Mobject | None = None) -> None:
        self.axes, self.x_label, self.y_label = axes, x_label, y_label
        self.labels = VGroup(*[m for m in (x_label, y_label) if m is not None])
        super().__init__(axes, self.labels)

    def name_x(self, mob: Mobject) -> Mobject:
        """Make ``mob`` (already placed) the x axis's name, drawn after the names already there."""
        if self.x_label is not None:
            raise ValueError("this x axis already has a name")
        self.x_label = mob
        self.labels.add(mob)
        return mob


def make_axes(
    x_range: Sequence[float],
    y_range: Sequence[float],
    x_length: float,
    y_length: float,
    x_label: str | Mobject | None = None,
    y_label: str | Mobject | None = None,
    numbers: bool = True,
) -> LabeledAxes:
    """Muted axes with tick numbers and labels, as a LabeledAxes (``.axes``, ``.x_label``, ``.y_label``).

    A label is either words (muted text: below the x axis, rotated left of the y axis) or a symbol (a
    one- or two-letter string set in TeX, or a ready Mobject such as a coloured ``p(w)``): at the end of
    the x axis, above the top of the y axis. Words for a y axis that sits inside the plot (x range across
    zero) go left of the whole plot, and words for an x axis inside it (y range across zero) below the whole
    plot, so they never lie on the curves. :func:`data_range` picks ranges from the plotted values.
    """
    axes = Axes(
        x_range=list(x_range),
        y_range=list(y_range),
        x_length=x_length,
        y_length=y_length,
        tips=False,
        axis_config={"color": S.MUTED, "stroke_width": 2, "include_numbers": numbers, "font_size": S.SMALL_SIZE},
        x_axis_config={"decimal_number_config": {"num_decimal_places": tick_decimals(x_range), "color": S.TEXT}},
        y_axis_config={"decimal_number_config": {"num_decimal_places": tick_decimals(y_range), "color": S.TEXT}},
    )
    if numbers:
        make_way_at_origin(axes)
        lift_numbers(axes)
    x_name = y_name = None
    if x_label is not None:
        if is_symbol(x_label):
            x_name = axis_symbol(x_label).next_to(axes.x_axis, RIGHT, buff=0.2)
        else:
            across = y_range[0] < 0 < y_range[1]
            x_name = label(x_label, S.SMALL_SIZE, S.MUTED).next_to(axes if across else axes.x_axis, DOWN, buff=0.45)
    if y_label is not None:
        if is_symbol(y_label):
            y_name = axis_symbol(y_label).next_to(axes.y_axis.get_top(), UP, buff=0.2)
        else:
            words = label(y_label, S.SMALL_SIZE, S.MUTED).rotate(np.pi / 2)
            inside = x_range[0] < 0 < x_range[1]
            y_name = words.next_to(axes if inside else axes.y_axis, LEFT, buff=0.45)
    return LabeledAxes(axes, x_name, y_name)


#: Tick numbers are drawn above curves and dots (z_index 0-2 in the chapters) and below tags (3), ringed in the
#: background colour, so a curve that crosses one is cut around its digits instead of striking through them.
NUMBER_Z = 2.5
NUMBER_RING = 5.0


def lift_numbers(axes: Axes) -> None:
    """Ring the tick numbers of ``axes`` in the background colour and draw them above the plotted curves."""
    for number in (*axes.x_axis.numbers, *axes.y_axis.numbers):
        number.set_stroke(S.BACKGROUND, width=NUMBER_RING, background=True)
        number.set_z_index(NUMBER_Z)


def make_way_at_origin(axes: Axes, gap: float = 0.05) -> None:
    """Drop the x tick numbers that would touch a y tick number (next to the origin, when both axes cross
    inside the plot), so no two labels overlap."""
    y_boxes = [(n.get_left()[0], n.get_bottom()[1], n.get_right()[0], n.get_top()[1]) for n in axes.y_axis.numbers]
    for n in list(axes.x_axis.numbers):
        left, bottom, right, top = n.get_left()[0], n.get_bottom()[1], n.get_right()[0], n.get_top()[1]
        if any(left < b[2] + gap and b[0] < right + gap and bottom < b[3] + gap and b[1] < top + gap
               for b in y_boxes):
            axes.x_axis.numbers.remove(n)


#: Least room between a plot (tick labels included) and a text column beside it, scene units.
COLUMN_GAP = 0.15


def keep_left_of(build: Callable[[float], LabeledAxes], x_length: float, right: float) -> LabeledAxes:
    """The plot ``build(x_length)`` makes and places, built again with an x axis as much shorter as it (tick
    labels and names included) would reach past x = ``right`` (a text column's edge)."""
    plot = build(x_length)
    over = plot.get_right()[0] - right
    return build(x_length - over) if over > 0 else plot


def data_range(points: Sequence[float], reach: Sequence[float] = (), length: float = 6.0, vertical: bool = False,
               zero: bool = True) -> tuple[float, float, float]:
    """(low, high, step) for make_axes from the values an axis ``length`` scene units long shows: ``points``
    (dots, kept off the edges) and ``reach`` (ends of lines drawn to the edge), by mathcore.axes.nice_axis, with
    tick labels (``vertical``: stacked on a y axis) spaced so they do not crowd."""
    from mathcore.axes import nice_axis

    return nice_axis(points, reach, zero=zero, room=length / TICK_CHAR, side_by_side=not vertical).manim_range


def is_symbol(name: str | Mobject) -> bool:
    """True for an axis name that is a math symbol (``w``, ``x``, ``y``, a Mobject) rather than words."""
    return isinstance(name, Mobject) or len(name.strip()) <= 2


def axis_symbol(name: str | Mobject) -> Mobject:
    """An axis symbol in TeX, coloured by the palette (w white, sigma purple...), as in the equations."""
    return name if isinstance(name, Mobject) else ctex(name.strip(), size=S.BODY_SIZE)


def axis_frame(axes: Axes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scene points of the coordinate origin and of the unit steps along x and y (linear axes).

    Kept on the axes with the ends and ranges of both number lines, which are all that the mapping depends on:
    three ``coords_to_point`` calls cost about 0.2 ms, and curves ask every frame while the axes stand still."""
    x_axis, y_axis = axes.x_axis, axes.y_axis
    if any(name in line.__dict__ for line in (x_axis, y_axis) for name in ("tip", "start_tip")):
        ends = [x_axis.get_start(), x_axis.get_end(), y_axis.get_start(), y_axis.get_end()]
    else:  # without tips a number line's ends are its first and last points (13 -> 2 us a call)
        ends = [x_axis.points, y_axis.points]
    key = b"".join(np.asarray(part, float).tobytes() for part in (*ends, x_axis.x_range[:2], y_axis.x_range[:2]))
    cached = axes.__dict__.get("_frame_cache")
    if cached is not None and cached[0] == key:
        return cached[1]
    o = np.asarray(axes.c2p(0, 0))
    frame = (o, np.asarray(axes.c2p(1, 0)) - o, np.asarray(axes.c2p(0, 1)) - o)
    for part in frame:
        part.flags.writeable = False  # shared by every caller until the axes move
    axes.__dict__["_frame_cache"] = (key, frame)
    return frame


def to_scene(axes: Axes, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Vectorised coords_to_point for linear axes: (n,) x and y arrays to (n, 3) scene points."""
    o, ex, ey = axis_frame(axes)
    return o + np.asarray(xs, dtype=float)[:, None] * ex + np.asarray(ys, dtype=float)[:, None] * ey


def clipped_segments(xs: np.ndarray, ys: np.ndarray, y_lo: float, y_hi: float) -> tuple[np.ndarray, ...]:
    """Clip the polyline's segments to y_lo <= y <= y_hi; returns start/end x and y of kept segments."""
    x0, x1, y0, y1 = xs[:-1], xs[1:], ys[:-1], ys[1:]
    dy = y1 - y0
    if ys.size and y_lo <= ys.min() and ys.max() <= y_hi:
        # Nothing to clip (most frames): each segment enters at t = 0 and leaves at t = 1, the same floats as below.
        return x0, y0, x0 + (x1 - x0), y0 + dy
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t_lo = np.where(dy != 0, (y_lo - y0) / dy, np.where(y0 >= y_lo, -np.inf, np.inf))
        t_hi = np.where(dy != 0, (y_hi - y0) / dy, np.where(y0 <= y_hi, np.inf, -np.inf))
    enter = np.maximum(0.0, np.where(dy > 0, t_lo, np.where(dy < 0, t_hi, -np.inf)))
    leave = np.minimum(1.0, np.where(dy > 0, t_hi, np.where(dy < 0, t_lo, np.inf)))
    flat_inside = (dy == 0) & (y0 >= y_lo) & (y0 <= y_hi)
    enter = np.where(dy == 0, 0.0, enter)
    leave = np.where(dy == 0, np.where(flat_inside, 1.0, -1.0), leave)
    keep = leave > enter
    e, lv = enter[keep], leave[keep]
    sx = x0[keep] + e * (x1 - x0)[keep]
    sy = y0[keep] + e * dy[keep]
    ex_ = x0[keep] + lv * (x1 - x0)[keep]
    ey_ = y0[keep] + lv * dy[keep]
    return sx, sy, ex_, ey_


class OnAxes:
    """Mixin for a mobject that keeps the axes it draws on in ``self.axes`` without their being a submobject.

    Manim's copy is a deep copy of every attribute, so each copy of such a curve or marker (an ``.animate``
    target, a transform's starting copy, a fade's faded copy) also copied the whole axes with their tick labels
    (about 65 ms and a thousand mobjects for a curve). A copy now draws on the same axes, unless the axes are
    themselves part of what is being copied (a plot copied with its curves): then it draws on the copied axes.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        axes = self.__dict__.get("axes")
        if axes is None or id(axes) in memo:
            return super().__deepcopy__(memo)
        memo[id(axes)] = axes
        try:
            return super().__deepcopy__(memo)
        finally:
            # Axes met later in the same copy (outside this mobject) are copied as usual.
            del memo[id(axes)]


class ArrayCurve(OnAxes, VMobject):
    """A curve on ``axes`` drawn from sampled arrays, clipped to the axes' y range.

    ``set_data(xs, ys)`` replaces the points in place (cheap to call from an updater); ``data()`` reads the drawn
    vertices back in axis coordinates.
    """

    def __init__(self, axes: Axes, xs: np.ndarray, ys: np.ndarray, color: ManimColor, stroke_width: float = 4,
                 **kwargs) -> None:
        super().__init__(color=color, stroke_width=stroke_width, **kwargs)
        self.axes = axes
        self.set_data(xs, ys)

    def set_data(self, xs: np.ndarray, ys: np.ndarray) -> ArrayCurve:
        xs, ys = np.asarray(xs, float), np.asarray(ys, float)
        y_lo, y_hi = self.axes.y_range[0], self.axes.y_range[1]
        frame = axis_frame(self.axes)  # once per call: coords_to_point is the slow part of an update
        # The same data on the same axes over points nothing else has changed gives the same points: most calls
        # from an updater (in ch03, 44,000 of 53,000) find them drawn already and stop here.
        key = (xs.shape, ys.shape, xs.tobytes(), ys.tobytes(), y_lo, y_hi)
        drawn = self.__dict__.get("_drawn")
        if drawn is not None and drawn[1] is frame and drawn[0] == key and drawn[2] == self.points.tobytes():
            return self
        self._draw(xs, ys, y_lo, y_hi, frame)
        self._drawn = (key, frame, self.points.tobytes())
        return self

    def _draw(self, xs: np.ndarray, ys: np.ndarray, y_lo: float, y_hi: float, frame: tuple) -> None:
        sx, sy, ex, ey = clipped_segments(xs, ys, y_lo, y_hi)
        if sx.size == 0:
            self.set_points(np.zeros((0, 3)))
            return
        o, ux, uy = frame
        start = o + sx[:, None] * ux + sy[:, None] * uy
        end = o + ex[:, None] * ux + ey[:, None] * uy
        pts = np.empty((sx.size * 4, 3))
        pts[0::4] = start
        pts[1::4] = start + (end - start) / 3.0
        pts[2::4] = start + 2.0 * (end - start) / 3.0
        pts[3::4] = end
        self.set_points(pts)

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """The inverse of ``set_data``: axis coordinates (xs, ys) of the drawn polyline's vertices, each segment's
        start and then the last segment's end (two empty arrays for a curve with nothing inside the y range).

        Unclipped, these are the arrays given to ``set_data``. Where the y range cuts the curve into pieces, a piece
        starts at its entry into the range (an interpolated point on the range's edge); the ends of the pieces
        before a gap, where they leave the range, are not returned (only the last piece's end is). Linear axes.
        """
        if len(self.points) == 0:
            return np.zeros(0), np.zeros(0)
        o, ux, uy = axis_frame(self.axes)
        scene = np.concatenate([self.points[0::4], self.points[-1:]]) - o
        xs, ys = np.linalg.solve(np.stack([ux[:2], uy[:2]], axis=1), scene[:, :2].T)
        return xs, ys


def tracked_curve(
    axes: Axes, xs: np.ndarray, compute: Callable[[], np.ndarray], color: ManimColor, stroke_width: float = 4
) -> ArrayCurve:
    """An ArrayCurve that re-reads ``compute()`` (a mathcore call) every frame."""
    curve = ArrayCurve(axes, xs, compute(), color, stroke_width)
    curve.add_updater(lambda m: m.set_data(xs, compute()))
    return curve


def light_copy(mob: Mobject) -> Mobject:
    """A copy of ``mob`` and its family that owns its arrays, lists and submobjects but shares the read-only
    attributes (TeX template, SVG path data); far cheaper than ``Mobject.copy``'s deep copy."""
    new = mob.__class__.__new__(mob.__class__)
    new.__dict__.update(mob.__dict__)
    for name, value in mob.__dict__.items():
        if isinstance(value, np.ndarray):
            new.__dict__[name] = value.copy()
    new.submobjects = [light_copy(sub) for sub in mob.submobjects]
    new.updaters = []
    return new


#: Digit glyphs FastDecimal has set: (character, font size, glyph class, style) -> the glyph at that size in that
#: style, and the bounding box of its anchors (Manim's own box: Mobject.get_critical_point).
#: Emptied when it grows past _GLYPHS_MAX (a number whose style changes while its updater runs adds glyphs).
_glyphs: dict[tuple, tuple[VMobject, np.ndarray, np.ndarray]] = {}
_GLYPHS_MAX = 4096


def place(mob: Mobject, point: Any) -> Mobject:
    """``mob.move_to(point)`` with the same floats, about 3x cheaper for a lone VMobject (a dot or a ring moved by
    an updater every frame): its centre is read from the ends of its curves, as Manim's bounding box is, without
    Manim's per-axis search. Anything else goes through ``move_to``."""
    points = mob.points
    if mob.submobjects or not isinstance(mob, VMobject) or len(points) < 4 or len(points) % 4:
        return mob.move_to(point)
    lower, upper = _anchor_box(mob)
    return mob.shift(np.asarray(point) - (upper + lower) / 2)


def _anchor_box(mob: Mobject) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) corner of ``mob``'s anchors: the box Manim aligns, arranges and measures by."""
    anchors = [a for m in mob.get_family() if len(m.points) for a in (m.points[0::4], m.points[3::4])]
    points = np.concatenate(anchors)
    return points.min(axis=0), points.max(axis=0)


def _critical(lo: np.ndarray, hi: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Mobject.get_critical_point of a box: the upper, lower or middle coordinate by the direction's sign."""
    return np.where(direction > 0, hi, np.where(direction < 0, lo, (lo + hi) / 2))


class FastDecimal(DecimalNumber):
    """A DecimalNumber for updaters (``set_value`` every frame) that draws what the stock class draws.

    The stock ``set_value`` deep-copies each digit glyph, arranges, centres, rescales and moves the group by
    Manim's bounding boxes, matches the old glyphs' style and recolours the family: 3.7 ms a value (measured on
    a readout sweeping 0.30..3.00). Here each glyph is a light copy of one already set at this size and in this
    style, and the same layout (digits side by side with their bottoms aligned, a minus raised to the middle of
    the next digit, a comma lowered by half its height, centred, scaled to the current size and moved onto the
    fixed edge) is computed from the glyphs' boxes with numpy: 1.15 ms a new value, 0.8 ms one shown before.
    tests/test_parts_decimal.py compares it with the stock class.
    """

    def _string_to_mob(self, string: str, mob_class: type | None = None, **kwargs) -> VMobject:
        mob_class = mob_class or self.mob_class
        if string not in string_to_mob_map:
            string_to_mob_map[string] = mob_class(string, **kwargs)
        mob = light_copy(string_to_mob_map[string])
        mob.font_size = self._font_size
        return mob

    def _style(self) -> tuple:
        return (self.fill_rgbas.tobytes(), self.stroke_rgbas.tobytes(), self.background_stroke_rgbas.tobytes(),
                float(self.stroke_width), float(self.background_stroke_width), float(self.sheen_factor),
                tuple(np.asarray(self.sheen_direction, float).tolist()))

    def _glyph(self, char: str, style: tuple) -> tuple[VMobject, np.ndarray, np.ndarray]:
        key = (char, self._font_size, self.mob_class, style)
        if key not in _glyphs:
            glyph = self._string_to_mob(char)
            # What init_colors does to every member of the number's family, with the number's own style.
            glyph.set_fill(color=self.fill_color, opacity=self.fill_opacity, family=True)
            glyph.set_stroke(color=self.stroke_color, width=self.stroke_width, opacity=self.stroke_opacity,
                             family=True)
            glyph.set_background_stroke(color=self.background_stroke_color, width=self.background_stroke_width,
                                        opacity=self.background_stroke_opacity, family=True)
            glyph.set_sheen(factor=self.sheen_factor, direction=self.sheen_direction, family=True)
            if len(_glyphs) >= _GLYPHS_MAX:
                _glyphs.clear()
            _glyphs[key] = (glyph, *_anchor_box(glyph))
        return _glyphs[key]

    def set_value(self, number: float) -> FastDecimal:
        if self.unit is not None or self.show_ellipsis or self.include_background_rectangle or not len(
                self.family_members_with_points()):
            return super().set_value(number)  # parts kept in attributes of their own: the stock path
        lo, hi = _anchor_box(self)
        edge = np.asarray(self.edge_to_fix, float)
        anchor, scale = _critical(lo, hi, edge), self.font_size / self._font_size
        style, string = self._style(), self._get_num_string(number)
        glyphs = [self._glyph(char, style) for char in string]
        # arrange(RIGHT, buff, aligned_edge=DOWN): each glyph's lower left on the previous one's lower right.
        buff = self.digit_buff_per_font_unit * self._font_size
        shifts, boxes = [], []
        for i, (_, g_lo, g_hi) in enumerate(glyphs):
            if i == 0:
                shift = np.zeros(3)
            else:
                p_lo, p_hi = boxes[-1]
                shift = np.array([p_hi[0] + buff - g_lo[0], p_lo[1] - g_lo[1], 0.0])
            shifts.append(shift)
            boxes.append((g_lo + shift, g_hi + shift))
        for i, char in enumerate(string):  # DecimalNumber's minus and comma
            if char == "-" and i + 1 < len(string):
                nxt_lo, nxt_hi = boxes[i + 1]
                dy = nxt_hi[1] - boxes[i][1][1] - (nxt_hi[1] - nxt_lo[1]) / 2
            elif char == ",":
                dy = -(boxes[i][1][1] - boxes[i][0][1]) / 2
            else:
                continue
            shifts[i] = shifts[i] + [0.0, dy, 0.0]
            boxes[i] = (boxes[i][0] + [0.0, dy, 0.0], boxes[i][1] + [0.0, dy, 0.0])
        all_lo = np.min([b[0] for b in boxes], axis=0)
        all_hi = np.max([b[1] for b in boxes], axis=0)
        # Centred, then scaled about the centre and moved so the fixed edge stays where it was.
        offset = anchor - scale * _critical(all_lo, all_hi, edge)
        old = self.get_family()
        self.number = number
        self.submobjects = []
        for (glyph, _, _), shift in zip(glyphs, shifts, strict=True):
            copy = light_copy(glyph)
            for m in copy.get_family():
                if len(m.points):
                    m.points = offset + scale * (m.points + shift)
            self.submobjects.append(copy)
        self.initial_height = float(all_hi[1] - all_lo[1])
        for mob in old:
            mob.points[:] = 0  # as the stock class does for Cairo: old glyphs may still be drawn this frame
        return self


class Readout(VGroup):
    """A label, a live number and an optional unit set as one line of TeX, e.g. ``\\sigma = 0.30`` or
    ``\\$200 per sq ft``: one face, one size, every part on the digits' baseline.

    The line is typeset once with the starting value in the number's place; a FastDecimal then takes that place
    (bottom and left edge of the typeset digits), so updating the number costs no TeX run. ``tex`` is the label
    (``None`` for none; words as ``\\text{degree}``), ``prefix`` goes right before the number (``\\$``), ``unit``
    is words after it.
    """

    def __init__(self, tex: str | None, value: Callable[[], float], color: ManimColor, decimals: int = 2,
                 size: float = S.BODY_SIZE, unit: str | None = None, prefix: str | None = None,
                 number_color: ManimColor | None = None) -> None:
        self.value = value
        start = float(value())
        parts = ([tex, "="] if tex else []) + ([prefix] if prefix else []) + [f"{start:.{decimals}f}"]
        if unit:
            parts.append(rf"\text{{ {unit}}}")
        line = MathTex(*parts, font_size=size, color=S.TEXT)
        digits = line.submobjects[len(parts) - (2 if unit else 1)]
        if tex:
            line.submobjects[0].set_color(color)
        if prefix:
            line.submobjects[len(parts) - (3 if unit else 2)].set_color(number_color or color)
        self.lhs = VGroup(*line.submobjects[:2]) if tex else VGroup()
        self.number = FastDecimal(start, num_decimal_places=decimals, font_size=size, color=number_color or color)
        self.number.align_to(digits, DOWN).align_to(digits, LEFT)
        kept = [m for m in line.submobjects if m is not digits]
        if unit:
            self.unit = kept.pop()
            self.unit.set_color(S.MUTED)
            self._unit_gap = self.unit.get_left()[0] - digits.get_right()[0]
            self.unit.add_updater(lambda m: m.set_x(self.number.get_right()[0] + self._unit_gap + m.width / 2))
        super().__init__(*kept, self.number, *([self.unit] if unit else []))
        self.number.add_updater(lambda m: self._refresh(m))

    def _refresh(self, number: DecimalNumber) -> None:
        """Re-typeset ``number`` only when its displayed digits change (set_value rebuilds TeX glyphs)."""
        value, decimals = float(self.value()), number.num_decimal_places
        if round(value, decimals) != round(float(number.get_value()), decimals):
            number.set_value(value)

    @property
    def shown(self) -> float:
        """The value as displayed (rounded to the digits on screen)."""
        return round(float(self.number.get_value()), self.number.num_decimal_places)


class Slider(VGroup):
    """A horizontal track with a knob and a readout for one ValueTracker (sigma, lambda, degree...)."""

    def __init__(self, tracker: ValueTracker, lo: float, hi: float, tex: str, color: ManimColor,
                 length: float = 4.0, decimals: int = 2) -> None:
        self.tracker, self.lo, self.hi = tracker, lo, hi
        self.track = Line(LEFT * length / 2, RIGHT * length / 2, color=S.MUTED, stroke_width=4)
        self.knob = Dot(radius=0.11, color=color)
        self.readout = Readout(tex, tracker.get_value, color, decimals)
        self.readout.next_to(self.track, UP, buff=0.25)
        super().__init__(self.track, self.knob, self.readout)
        self.knob.add_updater(lambda m: place(m, self.knob_position()))
        self.knob.move_to(self.knob_position())

    def knob_position(self) -> np.ndarray:
        """Where the knob sits; its travel stops one radius short of the track's ends, so at either end
        it stays within the slider's own bounds (and out of the frame's edge margin)."""
        frac = float(np.clip((self.tracker.get_value() - self.lo) / (self.hi - self.lo), 0.0, 1.0))
        start, end = self.track.get_start(), self.track.get_end()
        inset = (end - start) / np.linalg.norm(end - start) * self.knob.radius
        return start + inset + frac * (end - start - 2 * inset)


class WMarker(OnAxes, VGroup):
    """A dashed vertical line with a labelled dot on a w axis, following ``value()``; ``backing`` puts the tag on
    a rectangle of the background colour (to cover what runs behind it)."""

    def __init__(self, axes: Axes, value: Callable[[], float], color: ManimColor, name: str,
                 height: float | None = None, backing: bool = False) -> None:
        self.axes, self.value = axes, value
        top = axes.y_range[1] if height is None else height
        self.line = DashedLine(axes.c2p(value(), 0), axes.c2p(value(), top), color=color, stroke_width=3)
        self.tag = label(name, S.SMALL_SIZE, color)
        if backing:
            self.tag.add_background_rectangle(color=S.BACKGROUND, opacity=1.0, buff=0.04)
        # Placed now: _follow moves the tag only when the line moves, and a value that never changes (ch06's
        # MLE) would leave the tag where label() made it, at the centre of the screen.
        self._place_tag()
        super().__init__(self.line, self.tag)
        self._top = top
        self.add_updater(lambda m: m._follow())
        self._follow()

    def _follow(self) -> None:
        start, end = to_scene(self.axes, [self.value()] * 2, [0.0, self._top])
        if put_line(self.line, start, end):
            self._place_tag()

    def _place_tag(self) -> None:
        """The tag just above the line's top."""
        self.tag.next_to(self.line, UP, buff=0.08)


def in_place(line: Line, start: np.ndarray, end: np.ndarray) -> bool:
    """True when ``line`` already runs from ``start`` to ``end`` (to a billionth of a scene unit)."""
    return bool(np.allclose(line.get_start(), start, rtol=0, atol=1e-9)
                and np.allclose(line.get_end(), end, rtol=0, atol=1e-9))


def put_line(line: Line, start: np.ndarray, end: np.ndarray) -> bool:
    """``line.put_start_and_end_on(start, end)`` unless it already runs there (re-dashing a dashed line costs about
    2 ms, a plain one about 0.4 ms: updaters call this every frame while the line mostly stands still); True when
    the line moved."""
    if in_place(line, start, end):
        return False
    line.put_start_and_end_on(start, end)
    return True


#: A sideways bell (bell_points) reaches this many sigmas above and below its centre.
BELL_SIGMAS = 3.0


def bell_points(axes: Axes, x: float, centre: float, sigma: float, width: float, samples: int = 60) -> tuple:
    """Coordinates of a sideways Gaussian bell at ``x``, centred vertically on ``centre``.

    ``width`` is the bell's peak width in x units; the density shape itself comes from mathcore.
    """
    offsets, shape = _bell_shape(float(sigma), int(samples))
    return x + width * shape, centre + offsets


@functools.lru_cache(maxsize=64)
def _bell_shape(sigma: float, samples: int) -> tuple[np.ndarray, np.ndarray]:
    """A bell's offsets from its centre and its density relative to the peak: the same wherever the bell sits,
    so the updaters that move bells every frame ask mathcore once per width."""
    from mathcore.densities import gaussian_pdf

    offsets = np.linspace(-BELL_SIGMAS, BELL_SIGMAS, samples) * sigma
    dens = gaussian_pdf(offsets, 0.0, sigma)
    shape = dens / dens.max()
    offsets.flags.writeable = shape.flags.writeable = False
    return offsets, shape


class Card(VGroup):
    """A rounded panel with a heading and body lines, for short text cards."""

    def __init__(self, heading: str, lines: Sequence[str], color: ManimColor, width: float = 6.0) -> None:
        head = label(heading, S.HEADING_SIZE * 0.8, color)
        body = VGroup(*[label(t, S.LABEL_SIZE) for t in lines]).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        content = VGroup(head, body).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        box = RoundedRectangle(corner_radius=0.2, width=max(width, content.width + 0.6),
                               height=content.height + 0.6, stroke_color=color, stroke_width=2,
                               fill_color=S.BACKGROUND, fill_opacity=0.9)
        content.move_to(box)
        super().__init__(box, content)


def pulse(*mobs: Mobject, scale: float = 1.2, run_time: float = 0.8) -> AnimationGroup:
    """Grow ``mobs`` together about their common centre and back: the term a sentence names, highlighted where
    it stands. Each part is animated on its own, so parts of an equation stay parts of it (no wrapper group is
    added to the scene)."""
    centre = VGroup(*mobs).get_center()
    return AnimationGroup(*[m.animate(rate_func=there_and_back).scale(scale, about_point=centre) for m in mobs],
                          run_time=run_time)


def flare(curve: VMobject, widen: float = 2.2, run_time: float = 0.8) -> Animation:
    """Thicken a curve and back: the curve a sentence names."""
    return curve.animate(rate_func=there_and_back, run_time=run_time).set_stroke(
        width=curve.get_stroke_width() * widen)


def live_flare(curve: VMobject, widen: float = 2.2) -> Animation:
    """Thicken a curve and back while its updater keeps redrawing it (``flare`` pauses the updater)."""
    base = curve.get_stroke_width()
    return UpdateFromAlphaFunc(curve, lambda m, a: m.set_stroke(width=base * (1 + (widen - 1) * there_and_back(a))))


def live_grow(mob: Mobject, grow: float = 1.8) -> Animation:
    """Grow a marker or a knob in place and back while its updater keeps moving it. One animation per mobject:
    an AnimationGroup would add a Group holding it to the scene, and Manim would then drop the mobject that owns
    it (and that owner's updater) from the scene."""
    base = mob.width
    return UpdateFromAlphaFunc(mob, lambda m, a: m.scale_to_fit_width(base * (1 + (grow - 1) * there_and_back(a))))
