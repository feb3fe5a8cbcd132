"""Chapter 9: polynomial ridge playground: as the degree rises the MLE fit goes wild, the MAP fit stays calm.

Each visual starts on the bookmark of the words that name it (scenes/narration/ch09_polynomial_ridge.md): the
degree steps as its values are spoken, a curve thickens when its behaviour is named, a readout grows when read.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    Circle,
    Circumscribe,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    Polygon,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    Write,
)

from mathcore import parameters as P
from mathcore.datasets import Dataset, polynomial_playground
from mathcore.polynomial import PolyFit, degree_blend, fit_ridge
from mathcore.regularization import sigma_from_lambda
from scenes import style as S
from scenes.base import MIN_CUE, ChapterScene
from scenes.parts import ArrayCurve, Readout, ctex, flare, label, live_flare, make_axes, place, pulse

#: Layout: how many x samples the fit curves are drawn with, and the plot's y window.
CURVE_SAMPLES = 600
Y_VIEW = (-1.0, 2.0, 1.0)
#: The drag back down at degree eleven goes in this many nudges.
NUDGES = 4
#: Shortest animation a bookmark cue plays when the next bookmark is close.


def cursor() -> Polygon:
    """A mouse-pointer glyph (tip at the origin) that makes the animated drag read as a drag."""
    tip = [(0.0, 0.0), (0.0, -0.46), (0.11, -0.35), (0.2, -0.55), (0.27, -0.52), (0.18, -0.33), (0.33, -0.33)]
    glyph = Polygon(*[np.array([x, y, 0.0]) for x, y in tip], color=S.BACKGROUND, stroke_width=2)
    return glyph.set_fill(S.TEXT, opacity=1.0)


class PolynomialRidgeScene(ChapterScene):
    chapter = "ch09_polynomial_ridge"
    #: The beat whose last frame stands for the chapter (contact sheet, previews).
    contact_beat = "degree_rises"

    def construct(self) -> None:
        self.data = polynomial_playground()
        self.drag_index, self.drag_to = P.PLAYGROUND_DRAG
        self.point_y = ValueTracker(float(self.data.y[self.drag_index]))
        self.degree = ValueTracker(P.PLAYGROUND_DEGREES[0])
        self.xs = np.linspace(*P.UNIT_DOMAIN, CURVE_SAMPLES)
        self.playground_beat()
        self.drag_beat()
        self.degree_beat()
        self.drag_high_degree_beat()
        self.prior_beat()

    # --- state read by the updaters (all numbers come from mathcore) ---
    def current_data(self) -> Dataset:
        k = self.drag_index
        return self.data.with_point(k, float(self.data.x[k]), self.point_y.get_value())

    def shown_degree(self) -> int:
        return int(round(self.degree.get_value()))

    def fit(self, lam: float) -> PolyFit:
        """The fit at the degree the readout shows (used for the weight-norm readouts)."""
        d = self.current_data()
        return fit_ridge(d.x, d.y, self.shown_degree(), lam, P.UNIT_DOMAIN)

    def curve_values(self, lam: float) -> np.ndarray:
        d = self.current_data()
        return degree_blend(d.x, d.y, self.degree.get_value(), lam, self.xs, P.UNIT_DOMAIN)

    def fit_curve(self, lam: float, color, width: float) -> ArrayCurve:
        curve = ArrayCurve(self.axes, self.xs, self.curve_values(lam), color, width)
        curve.add_updater(lambda m: m.set_data(self.xs, self.curve_values(lam)))
        return curve

    # --- layout ---
    def build_plot(self) -> None:
        self.plot = make_axes((*P.UNIT_DOMAIN, 0.2), Y_VIEW, 8.4, 6.3, "x", "y", numbers=False)
        self.axes = self.plot.axes
        self.plot.to_edge(LEFT, buff=S.MARGIN + 0.2).shift(DOWN * 0.1)
        self.dots = VGroup(*[Dot(self.axes.c2p(x, y), radius=0.085, color=S.DATA)
                             for x, y in zip(self.data.x, self.data.y, strict=True)])
        k = self.drag_index
        self.dots[k].add_updater(lambda m: place(m, self.axes.c2p(self.data.x[k], self.point_y.get_value())))
        self.mle = self.fit_curve(0.0, S.LIKELIHOOD, 4)
        self.ridge = self.fit_curve(P.PLAYGROUND_LAMBDA, S.POSTERIOR, 5)
        self.dots.set_z_index(2)

    def build_panel(self) -> None:
        loss = [r"\sum_i", r"\big(", "y_i", "-", "f(", "x_i", r")\big)^2"]
        mle_tex = ctex(*loss, size=S.LABEL_SIZE)
        map_tex = ctex(*loss, "+", r"\lambda", r"\|", "w", r"\|^2", size=S.LABEL_SIZE)
        self.penalty = VGroup(*map_tex.submobjects[len(loss):])
        rows = VGroup()
        for name, color, tex in (("MLE", S.LIKELIHOOD, mle_tex), ("MAP / ridge", S.POSTERIOR, map_tex)):
            swatch = Line(LEFT * 0.3, RIGHT * 0.3, color=color, stroke_width=6)
            head = VGroup(swatch, label(name, S.LABEL_SIZE, color)).arrange(RIGHT, buff=0.2)
            rows.add(VGroup(head, tex).arrange(DOWN, aligned_edge=LEFT, buff=0.15))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.legend = rows
        self.degree_readout = Readout(r"\text{degree}", lambda: self.shown_degree(), S.TEXT, decimals=0)
        self.lambda_readout = Readout(r"\lambda", lambda: P.PLAYGROUND_LAMBDA, S.LAMBDA, decimals=2)
        # One row for both knobs, so the prior's note fits under the norms.
        self.knobs = VGroup(self.degree_readout, self.lambda_readout).arrange(RIGHT, buff=0.6, aligned_edge=DOWN)
        self.mle_norm = Readout(r"\|w\|_{\mathrm{MLE}}", lambda: self.fit(0.0).weight_norm, S.LIKELIHOOD,
                                size=S.LABEL_SIZE)
        self.map_norm = Readout(r"\|w\|_{\mathrm{MAP}}", lambda: self.fit(P.PLAYGROUND_LAMBDA).weight_norm,
                                S.POSTERIOR, size=S.LABEL_SIZE)
        self.norms = VGroup(self.mle_norm, self.map_norm).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        column = VGroup(self.legend, self.knobs, self.norms).arrange(DOWN, aligned_edge=LEFT, buff=0.5)
        column.to_corner(UR, buff=S.MARGIN).shift(LEFT * 0.2)

    # --- beats ---
    def playground_beat(self) -> None:
        self.build_plot()
        self.build_panel()
        with self.beat("playground"):
            self.play(Create(self.plot), run_time=1.0)
            self.at("points", FadeIn(self.dots, lag_ratio=0.1), until="degree", most=1.0)
            self.at("degree", FadeIn(self.knobs, shift=UP * 0.2, scale=1.2), until="orange", most=1.0)
            self.at("orange", Create(self.mle), FadeIn(self.legend[0]), most=1.3, until="green")
            self.at("green", Create(self.ridge), FadeIn(self.legend[1]), most=1.3, until="penalty")
            self.at("penalty", pulse(*self.penalty), Indicate(self.lambda_readout, color=S.LAMBDA),
                    most=1.0)

    def grab(self) -> VGroup:
        """The cursor and a ring on the dragged point, both following it."""
        dot = self.dots[self.drag_index]
        ring = Circle(radius=0.2, color=S.DATA, stroke_width=3).move_to(dot)
        hand = cursor().move_to(dot.get_center() + np.array([0.08, -0.08, 0.0]), aligned_edge=UP + LEFT)
        ring.add_updater(lambda m: m.move_to(dot))
        hand.add_updater(lambda m: m.move_to(dot.get_center() + np.array([0.08, -0.08, 0.0]),
                                             aligned_edge=UP + LEFT))
        return VGroup(hand, ring)

    def drag_beat(self) -> None:
        self.grip_up = grip = self.grab()
        with self.beat("drag_point") as t:
            self.at("pull", FadeIn(grip[0], shift=UP * 0.3 + LEFT * 0.3), Create(grip[1]), most=0.5)
            rise = max(MIN_CUE, t.time_until_bookmark("bend"))
            self.play(self.point_y.animate.set_value(self.drag_to), run_time=rise)
            self.at("bend", flare(self.mle), flare(self.ridge), most=1.0, until="low")
            self.at("low", pulse(self.degree_readout), FadeOut(grip), most=0.8)

    def degree_beat(self) -> None:
        steps = dict(zip(("d6", "d8", "d10", "d11"), P.PLAYGROUND_DEGREES[1:], strict=True))
        marks = [*steps, "thread"]
        with self.beat("degree_rises"):
            self.play(FadeIn(self.norms, shift=UP * 0.2), run_time=0.6)
            for mark, following in zip(marks, marks[1:], strict=False):
                self.at(mark, self.degree.animate.set_value(steps[mark]), most=0.6, until=following)
            self.at("thread", *(Indicate(d, color=S.TEXT, scale_factor=1.5) for d in self.dots), most=1.2)
            self.at("whip", flare(self.mle, widen=2.4), most=1.2)
            self.at("calm", flare(self.ridge, widen=2.0), most=1.2)
            self.at("norms", pulse(self.mle_norm, self.map_norm, scale=1.15), most=1.0)
            self.at("explode", pulse(self.mle_norm, scale=1.3), most=0.8)

    def drag_high_degree_beat(self) -> None:
        home = float(self.data.y[self.drag_index])
        heights = np.linspace(self.drag_to, home, NUDGES + 1)[1:]
        self.grip_down = grip = self.grab()
        with self.beat("drag_high_degree") as t:
            self.at("drag", FadeIn(grip[0], shift=UP * 0.3 + LEFT * 0.3), Create(grip[1]), most=0.5)
            first = heights[: NUDGES - 2]
            gap = t.time_until_bookmark("convulse") / len(first)
            for y in first:
                self.play(self.point_y.animate.set_value(y), run_time=0.6 * gap)
                self.wait(0.4 * gap)
            self.at("convulse", self.point_y.animate.set_value(heights[-2]), live_flare(self.mle), most=1.4)
            self.at("barely", self.point_y.animate.set_value(heights[-1]), live_flare(self.ridge), most=1.0)
            self.play(FadeOut(grip), run_time=0.4)

    def prior_beat(self) -> None:
        prior = ctex(r"p(", "w", ")", "=", r"\mathcal{N}(0,", r"\sigma", "^2", "I)",
                     colors={r"p(": S.PRIOR, ")": S.PRIOR}, size=S.LABEL_SIZE)
        self.prior_sigma = sigma_from_lambda(P.PLAYGROUND_LAMBDA, self.data.meta["noise"])
        noise = f"{self.data.meta['noise']:.2f}"
        lam = f"{P.PLAYGROUND_LAMBDA:g}"
        link = ctex(r"\sigma", "=", r"{", r"\sigma_n", r"\over", r"\sqrt{", r"\lambda", "}}", "=",
                    "{", noise, r"\over", r"\sqrt{", lam, "}}", r"\approx", f"{self.prior_sigma:.2f}",
                    colors={noise: S.NOISE, lam: S.LAMBDA, f"{self.prior_sigma:.2f}": S.PRIOR}, size=S.LABEL_SIZE)
        self.prior_tex = prior
        self.ratio, self.width_tex = ratio, width = VGroup(*link.submobjects[:-2]), VGroup(*link.submobjects[-2:])
        note = VGroup(prior, link).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        note.next_to(self.norms, DOWN, buff=0.45, aligned_edge=LEFT)
        self.norm_box = box = SurroundingRectangle(self.map_norm, color=S.POSTERIOR, buff=0.12, corner_radius=0.1)
        with self.beat("prior_at_work"):
            self.at("prior", Write(prior), live_flare(self.ridge), most=1.2)
            self.at("lam", pulse(self.lambda_readout), most=0.8)
            self.at("noise", Write(ratio), most=1.5)
            self.at("width", Write(width), most=0.8)
            self.play(Circumscribe(width, color=S.PRIOR, buff=0.08), run_time=1.0)
            self.at("twelve", *(Indicate(d, color=S.TEXT, scale_factor=1.5) for d in self.dots), most=1.2)
            self.at("huge", pulse(self.mle_norm, scale=1.25), Create(box), most=0.9)
        self.fade_all()
