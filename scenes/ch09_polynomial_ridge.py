"""Chapter 9: polynomial ridge playground: as the degree rises the MLE fit goes wild, the MAP fit stays calm."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    Circle,
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
from scenes.base import ChapterScene
from scenes.parts import ArrayCurve, Readout, ctex, label, make_axes

#: Layout: how many x samples the fit curves are drawn with, and the plot's y window.
CURVE_SAMPLES = 600
Y_VIEW = (-1.0, 2.0, 1.0)


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

    # --- beats ---
    def build_plot(self) -> None:
        self.plot = make_axes((*P.UNIT_DOMAIN, 0.2), Y_VIEW, 8.4, 6.3, "x", "y", numbers=False)
        self.axes = self.plot.axes
        self.plot.to_edge(LEFT, buff=S.MARGIN + 0.2).shift(DOWN * 0.1)
        self.dots = VGroup(*[Dot(self.axes.c2p(x, y), radius=0.085, color=S.DATA)
                             for x, y in zip(self.data.x, self.data.y, strict=True)])
        k = self.drag_index
        self.dots[k].add_updater(lambda m: m.move_to(self.axes.c2p(self.data.x[k], self.point_y.get_value())))
        self.mle = self.fit_curve(0.0, S.LIKELIHOOD, 4)
        self.ridge = self.fit_curve(P.PLAYGROUND_LAMBDA, S.POSTERIOR, 5)
        self.dots.set_z_index(2)

    def build_panel(self) -> None:
        loss = [r"\sum_i", r"\big(", "y_i", "-", "f(", "x_i", r")\big)^2"]
        mle_tex = ctex(*loss, size=S.LABEL_SIZE)
        map_tex = ctex(*loss, "+", r"\lambda", r"\|", "w", r"\|^2", size=S.LABEL_SIZE)
        rows = VGroup()
        for name, color, tex in (("MLE", S.LIKELIHOOD, mle_tex), ("MAP / ridge", S.POSTERIOR, map_tex)):
            swatch = Line(LEFT * 0.3, RIGHT * 0.3, color=color, stroke_width=6)
            head = VGroup(swatch, label(name, S.LABEL_SIZE, color)).arrange(RIGHT, buff=0.2)
            rows.add(VGroup(head, tex).arrange(DOWN, aligned_edge=LEFT, buff=0.15))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        self.legend = rows
        self.degree_readout = Readout(r"\text{degree}", lambda: self.shown_degree(), S.TEXT, decimals=0)
        self.lambda_readout = Readout(r"\lambda", lambda: P.PLAYGROUND_LAMBDA, S.LAMBDA, decimals=2)
        self.knobs = VGroup(self.degree_readout, self.lambda_readout).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.mle_norm = Readout(r"\|w\|_{\mathrm{MLE}}", lambda: self.fit(0.0).weight_norm, S.LIKELIHOOD,
                                size=S.LABEL_SIZE)
        self.map_norm = Readout(r"\|w\|_{\mathrm{MAP}}", lambda: self.fit(P.PLAYGROUND_LAMBDA).weight_norm,
                                S.POSTERIOR, size=S.LABEL_SIZE)
        self.norms = VGroup(self.mle_norm, self.map_norm).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        column = VGroup(self.legend, self.knobs, self.norms).arrange(DOWN, aligned_edge=LEFT, buff=0.6)
        column.to_corner(UR, buff=S.MARGIN).shift(LEFT * 0.2)

    def playground_beat(self) -> None:
        self.build_plot()
        self.build_panel()
        with self.beat("playground") as t:
            self.play(Create(self.plot), run_time=1.0)
            self.play(FadeIn(self.dots, lag_ratio=0.1), run_time=1.0)
            self.play(Create(self.mle), FadeIn(self.legend[0]), run_time=1.2)
            self.play(Create(self.ridge), FadeIn(self.legend[1]), run_time=1.2)
            self.play(FadeIn(self.knobs, shift=UP * 0.2), run_time=min(1.0, max(0.5, t.duration - 4.4)))

    def drag_to_height(self, target: float, run_time: float) -> None:
        """Grab the dragged point with the cursor, move it to ``target`` and let go."""
        dot = self.dots[self.drag_index]
        ring = Circle(radius=0.2, color=S.DATA, stroke_width=3).move_to(dot)
        hand = cursor().move_to(dot.get_center(), aligned_edge=UP + LEFT).shift(RIGHT * 0.08 + DOWN * 0.08)
        ring.add_updater(lambda m: m.move_to(dot))
        hand.add_updater(lambda m: m.move_to(dot.get_center() + np.array([0.08, -0.08, 0.0]),
                                             aligned_edge=UP + LEFT))
        self.play(FadeIn(hand, shift=UP * 0.3 + LEFT * 0.3), Create(ring), run_time=0.6)
        self.play(self.point_y.animate.set_value(target), run_time=run_time)
        self.play(FadeOut(hand), FadeOut(ring), run_time=0.5)

    def drag_beat(self) -> None:
        with self.beat("drag_point") as t:
            self.drag_to_height(self.drag_to, run_time=max(1.5, t.duration * 0.45))

    def degree_beat(self) -> None:
        steps = np.diff(P.PLAYGROUND_DEGREES)
        with self.beat("degree_rises") as t:
            self.play(FadeIn(self.norms, shift=UP * 0.2), run_time=0.6)
            move = min(0.6, 0.5 * t.duration / steps.sum())
            hold = max(0.4, (0.85 * t.duration - 0.6 - move * steps.sum()) / len(steps))
            for target in P.PLAYGROUND_DEGREES[1:]:
                while self.shown_degree() < target:
                    self.play(self.degree.animate.set_value(self.shown_degree() + 1), run_time=move)
                self.wait(hold)

    def drag_high_degree_beat(self) -> None:
        with self.beat("drag_high_degree") as t:
            self.drag_to_height(float(self.data.y[self.drag_index]), run_time=max(2.0, t.duration * 0.5))

    def prior_beat(self) -> None:
        prior = ctex(r"p(", "w", ")", "=", r"\mathcal{N}(0,", r"\sigma", "^2", "I)",
                     colors={r"p(": S.PRIOR, ")": S.PRIOR}, size=S.LABEL_SIZE)
        self.prior_sigma = sigma_from_lambda(P.PLAYGROUND_LAMBDA, self.data.meta["noise"])
        link = ctex(r"\sigma", "=", r"{", r"\sigma_n", r"\over", r"\sqrt{", r"\lambda", "}}", r"\approx",
                    f"{self.prior_sigma:.2f}", colors={f"{self.prior_sigma:.2f}": S.PRIOR}, size=S.LABEL_SIZE)
        note = VGroup(prior, link).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        note.next_to(self.norms, DOWN, buff=0.5, aligned_edge=LEFT)
        box = SurroundingRectangle(self.norms, color=S.POSTERIOR, buff=0.15, corner_radius=0.1)
        with self.beat("prior_at_work") as t:
            self.play(Create(box), Indicate(self.map_norm, color=S.POSTERIOR), run_time=1.2)
            self.play(Write(note), run_time=min(2.0, t.duration * 0.3))
        self.play(FadeOut(VGroup(self.plot, self.dots, self.mle, self.ridge, self.legend, self.knobs,
                                 self.norms, box, note)), run_time=0.8)
