"""Chapter 5: the Gaussian prior p(w) = N(0, sigma^2), with sigma sliding from narrow to almost flat."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, UR, Create, FadeIn, FadeOut, ValueTracker, VGroup, Write

from mathcore import parameters as P
from mathcore.prior import gaussian_prior_pdf
from scenes import style as S
from scenes.base import ChapterScene
from scenes.parts import Slider, ctex, label, make_axes, tracked_curve


class PriorScene(ChapterScene):
    chapter = "ch05_prior"
    #: The beat whose last frame stands for the chapter (contact sheet, previews).
    contact_beat = "sigma_narrow"

    def construct(self) -> None:
        self.sigma = ValueTracker(P.SIGMA_START)
        self.w = P.w_grid()
        self.formula_beat()
        self.narrow_beat()
        self.wide_beat()
        self.two_sigmas_beat()

    def prior_values(self):
        return gaussian_prior_pdf(self.w, self.sigma.get_value())

    def formula_beat(self) -> None:
        peak = float(gaussian_prior_pdf(0.0, P.SIGMA_MIN))
        self.plot = make_axes((*P.W_RANGE, 1), (0, round(peak + 0.2, 1), 0.5), 9.0, 4.2, "w (slope)",
                              ctex("p(", "w", ")", colors={"p(": S.PRIOR, ")": S.PRIOR}))
        self.plot.to_edge(DOWN, buff=S.MARGIN + 0.05).shift(LEFT * 1.6)
        self.curve = tracked_curve(self.plot.axes, self.w, self.prior_values, S.PRIOR, 5)
        self.formula = ctex(r"p(", "w", r")", "=", r"\frac{1}{\sqrt{2\pi", r"\sigma", r"^2}}",
                            r"\exp\!\left(-\frac{", "w", r"^2}{2", r"\sigma", r"^2}\right)",
                            colors={r"p(": S.PRIOR, r")": S.PRIOR})
        self.formula.to_edge(UP, buff=S.MARGIN)
        self.slider = Slider(self.sigma, P.SIGMA_MIN, P.SIGMA_MAX, r"\sigma", S.PRIOR, length=3.2)
        self.slider.to_corner(UR, buff=S.MARGIN).shift(DOWN * 1.6)
        with self.beat("formula") as t:
            self.play(Write(self.formula), run_time=min(2.5, t.duration * 0.4))
            self.play(Create(self.plot), run_time=1.0)
            self.play(Create(self.curve), FadeIn(self.slider), run_time=1.2)

    def narrow_beat(self) -> None:
        with self.beat("sigma_narrow") as t:
            self.play(self.sigma.animate.set_value(P.SIGMA_MIN), run_time=max(2.0, t.duration * 0.6))

    def wide_beat(self) -> None:
        with self.beat("sigma_wide", loop=True) as t:
            self.play(self.sigma.animate.set_value(P.SIGMA_MAX), run_time=max(2.5, t.duration * 0.6))

    def two_sigmas_beat(self) -> None:
        noise = VGroup(ctex(r"\sigma_n"), label("noise in the prices", S.LABEL_SIZE, S.NOISE)).arrange(RIGHT)
        belief = VGroup(ctex(r"\sigma"), label("belief about w", S.LABEL_SIZE, S.PRIOR)).arrange(RIGHT)
        pair = VGroup(noise, belief).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        pair.next_to(self.slider, DOWN, buff=0.6).to_edge(RIGHT, buff=S.MARGIN)
        with self.beat("two_sigmas") as t:
            self.play(self.sigma.animate.set_value(P.SIGMA_START), FadeIn(pair, shift=UP * 0.2),
                      run_time=min(2.0, t.duration * 0.5))
        self.play(FadeOut(VGroup(self.formula, self.plot, self.curve, self.slider, pair)), run_time=0.8)
