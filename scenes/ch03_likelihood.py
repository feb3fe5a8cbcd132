"""Chapter 3: maximum likelihood. Noise bells on the data (top), per-point likelihoods and their product over w
(bottom), the likelihood equation, a sweep of w and a dragged point moving the MLE live.

Every updater reads one DataState (the dragged data and what mathcore says about it), rebuilt only when the dragged
price changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    LaggedStart,
    ReplacementTransform,
    UpdateFromAlphaFunc,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
)

from mathcore import parameters as P
from mathcore.axes import nice_step
from mathcore.datasets import Dataset, house_prices
from mathcore.likelihood import mle_slope, predictions, relative_likelihood, relative_point_likelihoods
from scenes import style as S
from scenes.base import ChapterScene
from scenes.lexicon import number_words
from scenes.parts import (
    BELL_SIGMAS,
    COLUMN_GAP,
    ArrayCurve,
    LabeledAxes,
    Readout,
    WMarker,
    bell_points,
    ctex,
    data_range,
    fitted_label,
    flare,
    keep_left_of,
    label,
    make_axes,
    place,
    pulse,
    to_scene,
    tracked_curve,
)

TOP_SIZE = (6.4, 2.75)  # the data panel's axes, scene units
#: The data panel's x axis, from the story's x (mathcore.axes.nice_axis).
TOP_X = data_range(P.STORY.line.x, length=TOP_SIZE[0])
#: Peak width of each noise bell in x units of the top panel: 6% of its x axis (layout only; 0.15 in the shipped).
BELL_WIDTH = 0.06 * (TOP_X[1] - TOP_X[0])
BELL_SAMPLES = 61  # odd, so the bell's centre is sampled and its peak is exactly BELL_WIDTH
COLUMN_X = 1.65  # left edge of the right-hand text column
BELL_STROKE = 4  # the noise bells' stroke: pink still reads on a phone


@dataclass(frozen=True)
class DataState:
    """The data with the dragged price ``y`` and mathcore's answers for it, on the scene's w grid."""

    y: float
    data: Dataset
    mle: float  # the maximum-likelihood slope
    points: np.ndarray  # each point's likelihood over w, relative to its peak: (n points, grid)
    product: np.ndarray  # the product over w, relative to its peak


class LikelihoodScene(ChapterScene):
    chapter = "ch03_likelihood"
    #: The beat whose last frame stands for the chapter (contact sheet, previews).
    contact_beat = "sweep"

    def construct(self) -> None:
        self.base = house_prices()
        self.drag_y = ValueTracker(float(self.base.y[P.DRAG_INDEX]))
        self.w = ValueTracker(P.TRY_SLOPES[2])
        self.grid = P.w_grid()
        self._state: DataState | None = None
        self._ticks: tuple[tuple[float, float], np.ndarray] | None = None
        self.noise_model_beat()
        self.point_curves_beat()
        self.product_beat()
        self.equation_beat()
        self.sweep_beat()
        self.drag_beat()

    # The state every updater reads, computed once per value of the dragged price rather than once per updater.
    def state(self) -> DataState:
        y = self.drag_y.get_value()
        if self._state is None or self._state.y != y:
            i = P.DRAG_INDEX
            d = self.base.with_point(i, float(self.base.x[i]), y)
            self._state = DataState(y=y, data=d, mle=mle_slope(d.x, d.y),
                                    points=relative_point_likelihoods(self.grid, d.x, d.y, P.SIGMA_N),
                                    product=relative_likelihood(self.grid, d.x, d.y, P.SIGMA_N))
        return self._state

    def data(self) -> Dataset:
        return self.state().data

    def mle(self) -> float:
        return self.state().mle

    def point_curves(self) -> np.ndarray:
        return self.state().points

    def tick_heights(self) -> np.ndarray:
        """Each point's likelihood under the current line, relative to its peak: one mathcore call per frame
        for all the ticks, not one per tick."""
        key = (self.w.get_value(), self.drag_y.get_value())
        if self._ticks is None or self._ticks[0] != key:
            d = self.data()
            self._ticks = (key, relative_point_likelihoods(key[0], d.x, d.y, P.SIGMA_N)[:, 0])
        return self._ticks[1]

    def product(self, w: float) -> float:
        d = self.data()
        return float(relative_likelihood(w, d.x, d.y, P.SIGMA_N)[0])

    def make_equation(self) -> None:
        """p(D | w) = ∏ N(y_i | w x_i, σn²) at the top of the right column; the factor is written first, the
        product in front of it when the product is named."""
        orange = {"p(": S.LIKELIHOOD, ")": S.LIKELIHOOD}
        self.equation = ctex("p(", "D", r"\mid", "w", ")", "=", r"\prod_{i}", r"\mathcal{N}\big(", "y_i",
                             r"\,\big|\,", "w", "x_i", ",", r"\sigma_n^2", r"\big)",
                             colors={**orange, r"\sigma_n^2": S.NOISE})
        self.equation[2].set_color(S.LIKELIHOOD)
        self.equation.move_to([COLUMN_X, 0, 0], aligned_edge=LEFT).to_edge(UP, buff=S.MARGIN + 0.3)
        self.factor = VGroup(*self.equation[7:])
        self.product_part = VGroup(*self.equation[:7])

    def hint(self, *lines: str) -> VGroup:
        """A short caption under the equation saying what the current step computes."""
        words = VGroup(*[label(line, S.LABEL_SIZE, S.TEXT) for line in lines]).arrange(DOWN, aligned_edge=LEFT,
                                                                                      buff=0.18)
        return words.next_to(self.equation, DOWN, buff=0.6).align_to(self.equation, LEFT)

    def noise_model_beat(self) -> None:
        d = self.base
        # The dots (the dragged one's end too) and the noise bells, 3 sigma_n each way of the first line.
        bells = [c + k * P.SIGMA_N for c in predictions(d.x, P.TRY_SLOPES[2]) for k in (-BELL_SIGMAS, BELL_SIGMAS)]
        y_range = data_range([*d.y, P.DRAG_PRICE], bells, length=TOP_SIZE[1], vertical=True)

        def build(x_length: float) -> LabeledAxes:
            plot = make_axes(TOP_X, y_range, x_length, TOP_SIZE[1], d.x_label, d.y_label)
            return plot.to_corner(UL, buff=S.MARGIN).shift(RIGHT * 0.3)

        self.top = keep_left_of(build, TOP_SIZE[0], COLUMN_X - COLUMN_GAP)
        axes = self.top.axes
        ends = np.array(axes.x_range[:2], dtype=float)
        self.line = tracked_curve(axes, ends, lambda: predictions(ends, self.w.get_value()), S.WEIGHT, 4)
        self.dots = VGroup(*[self.data_dot(i) for i in range(len(d))])
        self.bells = VGroup(*[self.bell(i) for i in range(len(d))])
        self.w_readout = Readout("w", self.w.get_value, S.WEIGHT, decimals=2)
        self.mle_readout = Readout(r"w_{\text{MLE}}", lambda: self.mle(), S.LIKELIHOOD, decimals=2)
        self.readouts = VGroup(self.w_readout, self.mle_readout).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.readouts.move_to([COLUMN_X, 0, 0], aligned_edge=LEFT).to_edge(DOWN, buff=S.MARGIN + 0.6)
        self.make_equation()
        self.noise_hint = VGroup(VGroup(label("noise: a bell of width", S.LABEL_SIZE, S.NOISE), ctex(r"\sigma_n"))
                                 .arrange(RIGHT, buff=0.15),
                                 label("centred on the line", S.LABEL_SIZE, S.TEXT))
        self.noise_hint.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        self.noise_hint.next_to(self.equation, DOWN, buff=0.6).align_to(self.equation, LEFT)
        with self.beat("noise_model") as t:
            self.play(Create(self.top), LaggedStart(*[GrowFromCenter(dot) for dot in self.dots], lag_ratio=0.15),
                      Create(self.line), run_time=max(1.0, t.time_until_bookmark("gaps")))
            self.wait_until_bookmark("gaps")
            self.play(LaggedStart(*[pulse(dot, scale=1.8) for dot in self.dots], lag_ratio=0.15),
                      run_time=max(1.0, t.time_until_bookmark("prediction")))
            self.wait_until_bookmark("prediction")
            self.play(flare(self.line), FadeIn(self.w_readout, shift=UP * 0.1), run_time=1.0)
            self.wait_until_bookmark("noise")
            self.play(Write(self.factor), run_time=1.5)
            self.play(FadeIn(self.noise_hint[0], shift=UP * 0.1), pulse(self.equation[13]),
                      run_time=max(1.0, t.time_until_bookmark("bells") - 0.1))
            self.bring_to_back(self.bells)
            self.wait_until_bookmark("bells")
            self.play(LaggedStart(*[Create(b) for b in self.bells], lag_ratio=0.2),
                      FadeIn(self.noise_hint[1], shift=UP * 0.1), run_time=1.8)

    def data_dot(self, i: int) -> Dot:
        axes = self.top.axes
        dot = Dot(radius=0.08, color=S.DATA)
        dot.add_updater(lambda m: place(m, to_scene(axes, self.data().x[i:i + 1], self.data().y[i:i + 1])[0]))
        return dot.update()

    def bell(self, i: int) -> ArrayCurve:
        """A sideways noise bell at x_i, centred on the line's prediction w x_i, width sigma_n."""
        axes = self.top.axes

        def coords() -> tuple[np.ndarray, np.ndarray]:
            x = self.data().x[i]
            centre = predictions(x, self.w.get_value())[0]
            return bell_points(axes, x, centre, P.SIGMA_N, BELL_WIDTH, BELL_SAMPLES)

        curve = ArrayCurve(axes, *coords(), S.NOISE, BELL_STROKE)
        curve.add_updater(lambda m: m.set_data(*coords()))
        return curve

    def tick(self, i: int) -> ArrayCurve:
        """Cyan segment from point i to its bell: the point's likelihood under the current line."""
        axes = self.top.axes

        def coords() -> tuple[np.ndarray, np.ndarray]:
            d = self.data()
            height = self.tick_heights()[i]
            return np.array([d.x[i], d.x[i] + BELL_WIDTH * height]), np.array([d.y[i], d.y[i]])

        curve = ArrayCurve(axes, *coords(), S.DATA, 4)
        curve.add_updater(lambda m: m.set_data(*coords()))
        return curve

    def point_curves_beat(self) -> None:
        self.bottom = make_axes((*P.W_RANGE, nice_step(*P.W_RANGE)), (0, 1.2, 1), 6.4, 1.9, None, "likelihood")
        axes = self.bottom.axes
        axes.y_axis.remove(axes.y_axis.numbers)
        w_label = ctex("w").next_to(axes.x_axis.get_right(), RIGHT, buff=0.2)
        self.bottom.y_label.next_to(axes, LEFT, buff=0.3)
        self.bottom.name_x(w_label)
        self.bottom.to_corner(DOWN + LEFT, buff=S.MARGIN).shift(RIGHT * 0.3)
        axes = self.bottom.axes
        self.ticks = VGroup(*[self.tick(i) for i in range(len(self.base))])
        self.thin = VGroup(*[tracked_curve(axes, self.grid, lambda i=i: self.point_curves()[i], S.DATA, 2)
                             for i in range(len(self.base))])
        self.w_dot = Dot(radius=0.07, color=S.WEIGHT)
        self.w_dot.add_updater(lambda m: place(m, axes.c2p(self.w.get_value(), 0)))
        one = P.DRAG_INDEX
        self.one_hint = self.hint("bell height at the price:", "one sale's likelihood")
        self.one_hint[1].set_color(S.DATA)
        with self.beat("point_curves") as t:
            self.wait_until_bookmark("one")
            self.play(pulse(self.dots[one], scale=2.0), flare(self.bells[one], widen=2.0),
                      FadeOut(self.noise_hint, shift=UP * 0.2), FadeIn(self.one_hint[0], shift=UP * 0.2),
                      run_time=1.2)
            self.bring_to_front(self.dots)
            self.wait_until_bookmark("height")
            self.play(Create(self.ticks[one]), FadeIn(self.one_hint[1], shift=UP * 0.1), run_time=1.0)
            self.play(LaggedStart(*[Create(k) for i, k in enumerate(self.ticks) if i != one], lag_ratio=0.2),
                      pulse(self.factor, scale=1.1), run_time=max(1.0, t.time_until_bookmark("every")))
            self.bring_to_front(self.dots)
            self.wait_until_bookmark("every")
            self.play(Create(self.bottom), FadeIn(self.w_dot.update()), run_time=1.2)
            self.play(pulse(self.w_dot, scale=1.8), run_time=max(0.6, t.time_until_bookmark("traces")))
            self.wait_until_bookmark("traces")
            self.play(LaggedStart(*[Create(c) for c in self.thin], lag_ratio=0.25), run_time=1.8)

    def product_beat(self) -> None:
        axes = self.bottom.axes
        self.product_curve = ArrayCurve(axes, self.grid, self.state().product, S.LIKELIHOOD, 6)
        self.mle_marker = WMarker(axes, lambda: self.mle(), S.LIKELIHOOD, "MLE", height=1.0)
        self.product_dot = Dot(radius=0.08, color=S.WEIGHT)
        self.product_dot.add_updater(lambda m: place(m, axes.c2p(self.w.get_value(),
                                                                 self.product(self.w.get_value()))))
        ends = np.array(self.top.axes.x_range[:2], dtype=float)
        # A wide translucent orange band under the white line: both stay visible when w sits on the MLE.
        self.mle_line = tracked_curve(self.top.axes, ends, lambda: predictions(ends, self.mle()), S.LIKELIHOOD, 10)
        self.mle_line.set_stroke(opacity=0.45)
        self.times_hint = self.hint("independent sales:", "multiply their likelihoods")
        self.times_hint[1].set_color(S.LIKELIHOOD)
        with self.beat("product") as t:
            self.wait_until_bookmark("independent")
            self.play(FadeOut(self.one_hint, shift=UP * 0.2), FadeIn(self.times_hint[0], shift=UP * 0.2),
                      LaggedStart(*[flare(c, widen=2.0) for c in self.thin], lag_ratio=0.2),
                      run_time=max(1.0, t.time_until_bookmark("product")))
            self.wait_until_bookmark("product")
            ghost, stand_in = self.thin.copy().clear_updaters(), self.product_curve.copy()
            self.play(ReplacementTransform(ghost, stand_in), Write(self.product_part),
                      FadeIn(self.times_hint[1], shift=UP * 0.1), run_time=2.0)
            self.remove(stand_in)
            self.add(self.product_curve)
            self.product_curve.add_updater(lambda m: m.set_data(self.grid, self.state().product))
            self.wait_until_bookmark("narrower")
            self.play(self.thin.animate.set_stroke(opacity=0.5), flare(self.product_curve, widen=1.6), run_time=1.2)
            self.wait_until_bookmark("peak")
            self.play(Create(self.mle_marker), FadeIn(self.product_dot.update()), run_time=1.0)
            self.bring_to_back(self.mle_line)
            self.wait_until_bookmark("mle")
            self.play(Create(self.mle_line), FadeIn(self.mle_readout, shift=UP * 0.1), run_time=1.2)
            self.play(pulse(self.mle_readout), run_time=0.8)

    def equation_beat(self) -> None:
        eq = self.equation
        rows = [
            (ctex("p(", "D", r"\mid", "w", ")", colors={"p(": S.LIKELIHOOD, ")": S.LIKELIHOOD, r"\mid": S.LIKELIHOOD}),
             "likelihood, peak at the MLE", [eq[0], eq[1], eq[2], eq[3], eq[4]]),
            (ctex(r"\prod_{i}"), f"product over the {number_words(str(len(self.base)))} {P.STORY.words.samples}",
             [eq[6]]),
            (ctex(r"\mathcal{N}", "(", "y_i", ")"), f"normal density of each {P.STORY.line.y_name}",
             [eq[7], eq[8], eq[14]]),
            (ctex("w", "x_i"), "its centre: the line", [eq[10], eq[11]]),
            (ctex(r"\sigma_n^2", colors={r"\sigma_n^2": S.NOISE}), "variance of the noise", [eq[13]]),
        ]
        text_left = self.equation.get_left()[0] + max(symbol.width for symbol, _, _ in rows) + 0.22
        room = S.FRAME_W / 2 - S.MARGIN - text_left
        self.legend = VGroup()
        for symbol, text, _ in rows:
            words = fitted_label(text, room, S.SMALL_SIZE, S.TEXT)
            self.legend.add(VGroup(symbol, words.next_to(symbol, RIGHT, buff=0.3)))
        self.legend.arrange(DOWN, aligned_edge=LEFT, buff=0.22).next_to(self.equation, DOWN, buff=0.45)
        self.legend.align_to(self.equation, LEFT)
        for symbol, words in self.legend:
            symbol.align_to(self.legend, LEFT)
            words.move_to([text_left, symbol.get_y(), 0], aligned_edge=LEFT)
        marks = ["p", "prod", "normal", "centre", "var"]
        with self.beat("equation"):
            self.play(FadeOut(self.times_hint, shift=UP * 0.2), run_time=0.5)
            for mark, row, (_, _, parts) in zip(marks, self.legend, rows, strict=True):
                self.wait_until_bookmark(mark)
                self.play(FadeIn(row, shift=RIGHT * 0.2), pulse(*parts), run_time=1.0)
            self.play(flare(self.bells[0]), *[flare(b) for b in self.bells[1:]], run_time=1.0)

    def sweep_beat(self) -> None:
        with self.beat("sweep") as t:
            self.wait_until_bookmark("sweep")
            self.play(pulse(self.w_readout), pulse(self.w_dot, scale=1.8), run_time=0.8)
            self.wait_until_bookmark("shallow")
            self.play(self.w.animate.set_value(P.TRY_SLOPES[0]), run_time=max(1.0, t.time_until_bookmark("collapse")))
            self.wait_until_bookmark("collapse")
            self.play(pulse(self.product_dot, scale=2.2), flare(self.product_curve), run_time=1.0)
            self.wait_until_bookmark("steep")
            self.play(self.w.animate.set_value(P.TRY_SLOPES[1]), run_time=max(1.0, t.time_until_bookmark("peak")))
            self.wait_until_bookmark("peak")
            self.play(self.w.animate.set_value(self.mle()), run_time=1.8)
            self.play(pulse(self.mle_marker, scale=1.15), pulse(self.mle_readout), run_time=0.8)

    def drag_beat(self) -> None:
        i = P.DRAG_INDEX
        self.ring = ring = Circle(radius=0.2, color=S.DATA, stroke_width=3)
        ring.add_updater(lambda m: place(m, self.dots[i].get_center()))
        halfway = (float(self.base.y[i]) + P.DRAG_PRICE) / 2
        curve = self.thin[i]
        with self.beat("drag") as t:
            self.wait_until_bookmark("pull")
            self.play(Create(ring.update()), run_time=0.6)
            self.play(self.drag_y.animate.set_value(halfway), run_time=max(1.0, t.time_until_bookmark("slides")))
            self.wait_until_bookmark("slides")
            self.play(self.drag_y.animate.set_value(P.DRAG_PRICE), stroke_to(curve, 6),
                      run_time=max(1.0, t.time_until_bookmark("follows")))
            self.wait_until_bookmark("follows")
            self.play(self.w.animate.set_value(self.mle()), pulse(self.mle_readout), run_time=1.5)
            self.wait_until_bookmark("listens")
            self.play(FadeOut(ring), stroke_to(curve, 2), LaggedStart(*[pulse(d, scale=1.6) for d in self.dots],
                                                                       lag_ratio=0.15), run_time=1.5)
        self.fade_all()


def stroke_to(curve: VMobject, width: float) -> UpdateFromAlphaFunc:
    """Change a curve's stroke width smoothly without pausing its updater (its points keep following the data)."""
    start = curve.get_stroke_width()
    return UpdateFromAlphaFunc(curve, lambda m, a: m.set_stroke(width=start + (width - start) * a),
                               suspend_mobject_updating=False)
