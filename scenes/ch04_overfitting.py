"""Chapter 4: polynomial MLE fits through five noisy points; degree 4 hits them all and fails on fresh ones."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Arrow,
    Circle,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Flash,
    LaggedStart,
    Line,
    TransformMatchingTex,
    ValueTracker,
    VGroup,
    Write,
)

from mathcore import parameters as P
from mathcore.datasets import five_noisy_points, fresh_points, smooth_source
from mathcore.polynomial import degree_blend, dense_curve, fit_mle, rms_error
from scenes import style as S
from scenes.base import ChapterScene
from scenes.parts import ArrayCurve, Readout, ctex, flare, label, make_axes, pulse, tracked_curve

POLY_COLORS = {"y": S.DATA, "x": S.DATA, **{f"x^{k}": S.DATA for k in range(2, P.MAX_DEGREE + 1)}}


def model_tex(degree: int, size: float = S.BODY_SIZE):
    """y = w_0 + w_1 x + ... + w_d x^d, one part per symbol so TransformMatchingTex adds terms smoothly."""
    parts = ["y", "=", "w_0"]
    for k in range(1, degree + 1):
        parts += ["+", f"w_{k}", "x" if k == 1 else f"x^{k}"]
    return ctex(*parts, size=size, colors=POLY_COLORS)


class OverfittingScene(ChapterScene):
    chapter = "ch04_overfitting"
    #: The beat whose last frame stands for the chapter (contact sheet, previews).
    contact_beat = "degree_four"

    def construct(self) -> None:
        self.data = five_noisy_points()
        self.fresh = fresh_points()
        self.degree = ValueTracker(P.OVERFIT_DEGREES[0])
        self.five_points_beat()
        self.growing_degree_beat()
        self.degree_four_beat()
        self.fresh_points_beat()

    # mathcore views of the current state
    def fit_at(self, xs):
        """The MLE fit at the current (possibly fractional, mid-animation) degree, evaluated at ``xs``."""
        return degree_blend(self.data.x, self.data.y, self.degree.get_value(), 0.0, xs, P.UNIT_DOMAIN)

    def train_error(self) -> float:
        return rms_error(self.fit_at(self.data.x), self.data.y)

    def fresh_error(self) -> float:
        return rms_error(self.fit_at(self.fresh.x), self.fresh.y)

    def weights(self) -> list:
        """The weight symbols w_0 ... w_d of the model formula on screen."""
        return [part for part in self.model if part.tex_string.strip().startswith("w_")]

    def five_points_beat(self) -> None:
        self.plot = make_axes((*P.UNIT_DOMAIN, 0.2), (-1, 3, 1), 7.8, 5.6, "x", "y")
        axes = self.plot.axes
        self.plot.to_corner(DOWN + LEFT, buff=S.MARGIN).shift(RIGHT * 0.3)
        self.dots = VGroup(*[Dot(axes.c2p(x, y), radius=0.09, color=S.DATA) for x, y in
                             zip(self.data.x, self.data.y, strict=True)])
        xs = dense_curve(fit_mle(self.data.x, self.data.y, P.OVERFIT_DEGREES[0], P.UNIT_DOMAIN), *P.UNIT_DOMAIN)[0]
        self.source = ArrayCurve(axes, xs, smooth_source(xs), S.MUTED, 3).set_stroke(opacity=0.7)
        self.count = label("five noisy points", S.BODY_SIZE, S.DATA)
        self.count.next_to(self.plot, RIGHT, buff=0.6).align_to(axes, UP)
        with self.beat("five_points") as t:
            self.wait_until_bookmark("trusts")
            self.play(Create(self.plot), run_time=max(1.0, t.time_until_bookmark("few") - 0.1))
            self.wait_until_bookmark("few")
            self.play(LaggedStart(*[FadeIn(d, scale=0.3) for d in self.dots], lag_ratio=0.3),
                      run_time=max(1.0, t.time_until_bookmark("five") - 0.1))
            self.wait_until_bookmark("five")
            self.play(LaggedStart(*[pulse(d, scale=1.8) for d in self.dots], lag_ratio=0.2), FadeIn(self.count),
                      run_time=max(0.8, t.time_until_bookmark("smooth")))
            self.wait_until_bookmark("smooth")
            self.play(Create(self.source), run_time=1.2)
            self.play(self.source.animate.set_stroke(opacity=0), run_time=0.8)

    def growing_degree_beat(self) -> None:
        axes = self.plot.axes
        self.xs = dense_curve(fit_mle(self.data.x, self.data.y, P.OVERFIT_DEGREES[0], P.UNIT_DOMAIN),
                              *P.UNIT_DOMAIN)[0]
        self.curve = tracked_curve(axes, self.xs, lambda: self.fit_at(self.xs), S.LIKELIHOOD, 5)
        self.curve.set_z_index(-1)
        self.model = model_tex(P.OVERFIT_DEGREES[0]).to_edge(UP, buff=S.MARGIN)
        self.degree_readout = Readout(r"\text{degree}", lambda: self.degree.get_value(), S.TEXT, decimals=0)
        self.train_readout = Readout(r"\text{the five}", lambda: self.train_error(), S.DATA)
        self.fresh_readout = Readout(r"\text{fresh points}", lambda: self.fresh_error(), S.DATA)
        rms_note = label("RMS error on", S.LABEL_SIZE * 0.9, S.MUTED)
        self.panel = VGroup(self.degree_readout, rms_note, self.train_readout, self.fresh_readout)
        self.panel.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        rms_note.shift(DOWN * 0.25)
        self.train_readout.shift(DOWN * 0.25)
        self.fresh_readout.shift(DOWN * 0.25)
        self.panel.next_to(self.plot, RIGHT, buff=0.6).align_to(axes, UP)
        two, three = P.OVERFIT_DEGREES[1:-1]
        with self.beat("growing_degree") as t:
            self.wait_until_bookmark("fit")
            self.play(Write(self.model), Create(self.curve), FadeOut(self.count, shift=UP * 0.2),
                      FadeIn(self.degree_readout), FadeIn(self.train_readout), FadeIn(rms_note),
                      run_time=max(1.0, t.time_until_bookmark("raise")))
            self.wait_until_bookmark("raise")
            self.play(pulse(self.degree_readout), run_time=1.0)
            self.wait_until_bookmark("line")
            self.play(flare(self.curve), pulse(self.train_readout), run_time=max(1.0, t.time_until_bookmark("two")))
            self.wait_until_bookmark("two")
            self.raise_degree(two, max(0.4, t.time_until_bookmark("three")))
            self.wait_until_bookmark("three")
            self.raise_degree(three, max(1.0, t.time_until_bookmark("error")))
            self.wait_until_bookmark("error")
            self.play(pulse(self.train_readout), run_time=1.0)

    def raise_degree(self, degree: int, run_time: float) -> None:
        """Move the fit (and the model formula) continuously from the current degree to ``degree``."""
        new_model = model_tex(degree).to_edge(UP, buff=S.MARGIN)
        self.play(self.degree.animate.set_value(degree), TransformMatchingTex(self.model, new_model),
                  run_time=run_time)
        self.model = new_model

    def degree_four_beat(self) -> None:
        axes = self.plot.axes
        top = P.OVERFIT_DEGREES[-1]
        end = P.UNIT_DOMAIN[1]
        with self.beat("degree_four") as t:
            self.wait_until_bookmark("four")
            self.raise_degree(top, max(0.8, t.time_until_bookmark("weights")))
            self.wait_until_bookmark("weights")
            self.play(pulse(*self.weights(), scale=1.3), run_time=1.0)
            self.play(LaggedStart(*[pulse(d, scale=1.8) for d in self.dots], lag_ratio=0.2),
                      run_time=max(0.8, t.time_until_bookmark("threads")))
            self.wait_until_bookmark("threads")
            self.play(LaggedStart(*[AnimationGroup(Flash(d, color=S.DATA, flash_radius=0.22), pulse(d, scale=1.5))
                                    for d in self.dots], lag_ratio=0.25), run_time=1.0)
            self.wait_until_bookmark("zero")
            self.play(pulse(self.train_readout), run_time=1.0)
            peak = float(self.fit_at([end])[0])
            tip = axes.c2p(end, axes.y_range[1])
            self.escape = VGroup(
                Arrow(tip + DOWN * 0.9 + LEFT * 0.9, tip + LEFT * 0.12, color=S.LIKELIHOOD, buff=0.05,
                      stroke_width=4, max_tip_length_to_length_ratio=0.2),
                label(f"off the chart: y = {peak:.1f} at x = {end:g}", S.SMALL_SIZE, S.LIKELIHOOD),
            )
            self.escape[1].next_to(self.escape[0].get_start(), DOWN + LEFT, buff=0.05)
            self.wait_until_bookmark("bulges")
            self.play(flare(self.curve, widen=1.8), run_time=max(1.0, t.time_until_bookmark("off") - 0.1))
            self.wait_until_bookmark("off")
            self.play(FadeIn(self.escape, shift=UP * 0.2), run_time=1.0)

    def fresh_points_beat(self) -> None:
        axes = self.plot.axes
        self.fresh_dots = VGroup(*[Circle(radius=0.09, color=S.DATA, stroke_width=3).move_to(axes.c2p(x, y))
                                   for x, y in zip(self.fresh.x, self.fresh.y, strict=True)])
        on_fit = self.fit_at(self.fresh.x)
        self.gaps = VGroup(*[DashedLine(axes.c2p(x, y), axes.c2p(x, f), color=S.NOISE, stroke_width=3, dash_length=0.08)
                             for x, y, f in zip(self.fresh.x, self.fresh.y, on_fit, strict=True)])
        symbols = (Dot(radius=0.09, color=S.DATA), Circle(radius=0.09, color=S.DATA, stroke_width=3),
                   DashedLine(LEFT * 0.2, RIGHT * 0.2, color=S.NOISE, stroke_width=3, dash_length=0.08),
                   Line(LEFT * 0.2, RIGHT * 0.2, color=S.MUTED, stroke_width=3))
        names = (("the five points", S.DATA), ("fresh points", S.DATA), ("gap to the fit", S.NOISE),
                 ("the true source", S.MUTED))
        rows = [VGroup(sym, label(text, S.SMALL_SIZE, color))
                for sym, (text, color) in zip(symbols, names, strict=True)]
        for row in rows:
            row[1].next_to(row[0], RIGHT, buff=0.2)
            row[0].move_to(row[1].get_left() + LEFT * 0.4)
        key = VGroup(*rows[:3]).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        key.next_to(self.panel, DOWN, buff=0.6).align_to(self.panel, LEFT)
        self.source_label = rows[3].next_to(key, DOWN, buff=0.2, aligned_edge=LEFT)
        with self.beat("fresh_points") as t:
            self.wait_until_bookmark("fresh")
            self.play(LaggedStart(*[FadeIn(c, scale=0.3) for c in self.fresh_dots], lag_ratio=0.2), FadeIn(key),
                      self.source.animate.set_stroke(opacity=0.7), FadeIn(self.source_label),
                      run_time=max(1.0, t.time_until_bookmark("land")))
            self.wait_until_bookmark("land")
            self.play(Create(self.gaps), run_time=1.0)
            self.wait_until_bookmark("large")
            self.play(FadeIn(self.fresh_readout), run_time=0.8)
            self.play(pulse(self.fresh_readout), run_time=max(0.8, t.time_until_bookmark("overfitting")))
            self.wait_until_bookmark("overfitting")
            self.play(flare(self.curve, widen=1.8), run_time=max(1.0, t.time_until_bookmark("wild") - 0.1))
            self.wait_until_bookmark("wild")
            self.play(pulse(*self.weights(), scale=1.3), run_time=1.2)
        self.fade_all()
