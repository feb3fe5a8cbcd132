"""Chapter 3: maximum likelihood. Noise bells on the data (top), per-point likelihoods and their product over w
(bottom), the likelihood equation, a sweep of w and a dragged point moving the MLE live."""

from __future__ import annotations

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
    ValueTracker,
    VGroup,
    Write,
)

from mathcore import parameters as P
from mathcore.datasets import Dataset, house_prices
from mathcore.likelihood import mle_slope, predictions, relative_likelihood, relative_point_likelihoods
from scenes import style as S
from scenes.base import ChapterScene
from scenes.parts import ArrayCurve, Readout, WMarker, bell_points, ctex, label, make_axes, tracked_curve

BELL_WIDTH = 0.15  # peak width of each noise bell, in x units of the top panel (layout only)
BELL_SAMPLES = 61  # odd, so the bell's centre is sampled and its peak is exactly BELL_WIDTH
COLUMN_X = 1.65  # left edge of the right-hand text column


class LikelihoodScene(ChapterScene):
    chapter = "ch03_likelihood"
    #: The beat whose last frame stands for the chapter (contact sheet, previews).
    contact_beat = "sweep"

    def construct(self) -> None:
        self.base = house_prices()
        self.drag_y = ValueTracker(float(self.base.y[P.DRAG_INDEX]))
        self.w = ValueTracker(P.TRY_SLOPES[2])
        self.grid = P.w_grid()
        self._state: dict = {}
        self.noise_model_beat()
        self.point_curves_beat()
        self.product_beat()
        self.equation_beat()
        self.sweep_beat()
        self.drag_beat()

    # The state every updater reads: the (possibly dragged) data and what mathcore says about it, computed
    # once per value of the dragged price rather than once per updater.
    def state(self) -> dict:
        y = self.drag_y.get_value()
        if self._state.get("y") != y:
            i = P.DRAG_INDEX
            d = self.base.with_point(i, float(self.base.x[i]), y)
            self._state = {"y": y, "data": d, "mle": mle_slope(d.x, d.y),
                           "points": relative_point_likelihoods(self.grid, d.x, d.y, P.SIGMA_N),
                           "product": relative_likelihood(self.grid, d.x, d.y, P.SIGMA_N)}
        return self._state

    def data(self) -> Dataset:
        return self.state()["data"]

    def mle(self) -> float:
        return self.state()["mle"]

    def point_curves(self) -> np.ndarray:
        return self.state()["points"]

    def product(self, w: float) -> float:
        d = self.data()
        return float(relative_likelihood(w, d.x, d.y, P.SIGMA_N)[0])

    def noise_model_beat(self) -> None:
        d = self.base
        self.top = make_axes((0, 2.5, 0.5), (0, 10, 2), 6.4, 2.75, d.x_label, d.y_label)
        self.top.to_corner(UL, buff=S.MARGIN).shift(RIGHT * 0.3)
        axes = self.top.axes
        ends = np.array(axes.x_range[:2], dtype=float)
        self.line = tracked_curve(axes, ends, lambda: predictions(ends, self.w.get_value()), S.WEIGHT, 4)
        self.dots = VGroup(*[self.data_dot(i) for i in range(len(d))])
        self.bells = VGroup(*[self.bell(i) for i in range(len(d))])
        self.w_readout = Readout("w", self.w.get_value, S.WEIGHT, decimals=2)
        self.mle_readout = Readout(r"w_{\text{MLE}}", lambda: self.mle(), S.LIKELIHOOD, decimals=2)
        self.readouts = VGroup(self.w_readout, self.mle_readout).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.readouts.move_to([COLUMN_X, 0, 0], aligned_edge=LEFT).to_edge(DOWN, buff=S.MARGIN + 0.6)
        self.noise_hint = VGroup(label("noise bell of width", S.LABEL_SIZE, S.NOISE), ctex(r"\sigma_n"))
        self.noise_hint.arrange(RIGHT, buff=0.15).move_to([COLUMN_X, 0, 0], aligned_edge=LEFT)
        self.noise_hint.to_edge(UP, buff=S.MARGIN + 0.4)
        with self.beat("noise_model") as t:
            self.play(Create(self.top), run_time=1.0)
            self.play(LaggedStart(*[GrowFromCenter(dot) for dot in self.dots], lag_ratio=0.15),
                      Create(self.line), FadeIn(self.w_readout, shift=UP * 0.1), run_time=1.5)
            self.bring_to_back(self.bells)
            self.play(LaggedStart(*[Create(b) for b in self.bells], lag_ratio=0.2), FadeIn(self.noise_hint),
                      run_time=min(3.0, t.duration * 0.4))

    def data_dot(self, i: int) -> Dot:
        axes = self.top.axes
        dot = Dot(radius=0.08, color=S.DATA)
        dot.add_updater(lambda m: m.move_to(axes.c2p(self.data().x[i], self.data().y[i])))
        return dot.update()

    def bell(self, i: int) -> ArrayCurve:
        """A sideways noise bell at x_i, centred on the line's prediction w x_i, width sigma_n."""
        axes = self.top.axes

        def coords() -> tuple[np.ndarray, np.ndarray]:
            x = self.data().x[i]
            centre = predictions(x, self.w.get_value())[0]
            return bell_points(axes, x, centre, P.SIGMA_N, BELL_WIDTH, BELL_SAMPLES)

        curve = ArrayCurve(axes, *coords(), S.NOISE, 2.5)
        curve.add_updater(lambda m: m.set_data(*coords()))
        return curve

    def tick(self, i: int) -> ArrayCurve:
        """Cyan segment from point i to its bell: the point's likelihood under the current line."""
        axes = self.top.axes

        def coords() -> tuple[np.ndarray, np.ndarray]:
            d = self.data()
            height = relative_point_likelihoods(self.w.get_value(), d.x, d.y, P.SIGMA_N)[i, 0]
            return np.array([d.x[i], d.x[i] + BELL_WIDTH * height]), np.array([d.y[i], d.y[i]])

        curve = ArrayCurve(axes, *coords(), S.DATA, 4)
        curve.add_updater(lambda m: m.set_data(*coords()))
        return curve

    def point_curves_beat(self) -> None:
        self.bottom = make_axes((*P.W_RANGE, 1), (0, 1.2, 1), 6.4, 1.9, None, "likelihood")
        axes = self.bottom.axes
        axes.y_axis.remove(axes.y_axis.numbers)
        w_label = ctex("w").next_to(axes.x_axis.get_right(), RIGHT, buff=0.2)
        self.bottom[1][0].next_to(axes, LEFT, buff=0.3)
        self.bottom[1].add(w_label)
        self.bottom.to_corner(DOWN + LEFT, buff=S.MARGIN).shift(RIGHT * 0.3)
        axes = self.bottom.axes
        self.ticks = VGroup(*[self.tick(i) for i in range(len(self.base))])
        self.thin = VGroup(*[tracked_curve(axes, self.grid, lambda i=i: self.point_curves()[i], S.DATA, 2)
                             for i in range(len(self.base))])
        self.w_dot = Dot(radius=0.07, color=S.WEIGHT)
        self.w_dot.add_updater(lambda m: m.move_to(axes.c2p(self.w.get_value(), 0)))
        with self.beat("point_curves") as t:
            self.play(LaggedStart(*[Create(k) for k in self.ticks], lag_ratio=0.2), run_time=1.5)
            self.bring_to_front(self.dots)
            self.play(Create(self.bottom), FadeIn(self.w_dot.update()), run_time=1.0)
            self.play(LaggedStart(*[Create(c) for c in self.thin], lag_ratio=0.25),
                      run_time=min(3.0, t.duration * 0.4))

    def product_beat(self) -> None:
        axes = self.bottom.axes
        self.product_curve = ArrayCurve(axes, self.grid, self.state()["product"], S.LIKELIHOOD, 6)
        self.mle_marker = WMarker(axes, lambda: self.mle(), S.LIKELIHOOD, "MLE", height=1.0)
        self.product_dot = Dot(radius=0.08, color=S.WEIGHT)
        self.product_dot.add_updater(lambda m: m.move_to(axes.c2p(self.w.get_value(),
                                                                  self.product(self.w.get_value()))))
        ends = np.array(self.top.axes.x_range[:2], dtype=float)
        # A wide translucent orange band under the white line: both stay visible when w sits on the MLE.
        self.mle_line = tracked_curve(self.top.axes, ends, lambda: predictions(ends, self.mle()), S.LIKELIHOOD, 10)
        self.mle_line.set_stroke(opacity=0.45)
        with self.beat("product") as t:
            ghost, stand_in = self.thin.copy().clear_updaters(), self.product_curve.copy()
            self.play(ReplacementTransform(ghost, stand_in), run_time=min(2.5, t.duration * 0.3))
            self.remove(stand_in)
            self.add(self.product_curve)
            self.product_curve.add_updater(lambda m: m.set_data(self.grid, self.state()["product"]))
            self.play(Create(self.mle_marker), FadeIn(self.product_dot.update()), run_time=1.0)
            self.bring_to_back(self.mle_line)
            self.play(Create(self.mle_line), FadeIn(self.mle_readout, shift=UP * 0.1), run_time=1.2)

    def equation_beat(self) -> None:
        orange = {"p(": S.LIKELIHOOD, ")": S.LIKELIHOOD}
        self.equation = ctex("p(", "D", r"\mid", "w", ")", "=", r"\prod_{i}", r"\mathcal{N}\big(", "y_i",
                             r"\,\big|\,", "w", "x_i", ",", r"\sigma_n^2", r"\big)",
                             colors={**orange, r"\sigma_n^2": S.NOISE})
        self.equation[2].set_color(S.LIKELIHOOD)
        self.equation.move_to([COLUMN_X, 0, 0], aligned_edge=LEFT).to_edge(UP, buff=S.MARGIN + 0.3)
        rows = [
            (ctex("D"), "six sales: (size, price)"),
            (ctex("w"), "slope of the line"),
            (ctex(r"\sigma_n"), "noise around the line"),
            (ctex("p(", "D", r"\mid", "w", ")", colors={**orange, r"\mid": S.LIKELIHOOD}), "likelihood, peak at MLE"),
        ]
        self.legend = VGroup()
        for symbol, text in rows:
            self.legend.add(VGroup(symbol, label(text, S.SMALL_SIZE, S.TEXT).next_to(symbol, RIGHT, buff=0.3)))
        self.legend.arrange(DOWN, aligned_edge=LEFT, buff=0.28).next_to(self.equation, DOWN, buff=0.5)
        self.legend.align_to(self.equation, LEFT)
        text_left = self.legend.get_left()[0] + max(row[0].width for row in self.legend) + 0.22
        for symbol, words in self.legend:
            symbol.align_to(self.legend, LEFT)
            words.move_to([text_left, symbol.get_y(), 0], aligned_edge=LEFT)
        with self.beat("equation") as t:
            self.play(FadeOut(self.noise_hint, shift=UP * 0.2), run_time=0.5)
            self.play(Write(self.equation), run_time=min(3.0, t.duration * 0.3))
            self.play(LaggedStart(*[FadeIn(row, shift=RIGHT * 0.2) for row in self.legend], lag_ratio=0.3),
                      run_time=min(3.0, t.duration * 0.3))

    def sweep_beat(self) -> None:
        with self.beat("sweep") as t:
            leg = max(2.0, t.duration * 0.27)
            self.play(self.w.animate.set_value(P.TRY_SLOPES[0]), run_time=leg)
            self.play(self.w.animate.set_value(P.TRY_SLOPES[1]), run_time=leg)
            self.play(self.w.animate.set_value(self.mle()), run_time=leg)

    def drag_beat(self) -> None:
        ring = Circle(radius=0.2, color=S.DATA, stroke_width=3)
        ring.add_updater(lambda m: m.move_to(self.dots[P.DRAG_INDEX].get_center()))
        with self.beat("drag") as t:
            self.play(Create(ring.update()), run_time=0.6)
            self.play(self.drag_y.animate.set_value(P.DRAG_PRICE), run_time=max(2.5, t.duration * 0.4))
            self.play(FadeOut(ring), run_time=0.5)
            self.play(self.w.animate.set_value(self.mle()), run_time=1.5)
        everything = VGroup(self.top, self.bottom, self.line, self.mle_line, self.dots, self.bells, self.ticks,
                            self.thin, self.product_curve, self.mle_marker, self.product_dot, self.w_dot,
                            self.readouts, self.equation, self.legend)
        self.play(FadeOut(everything), run_time=0.8)
