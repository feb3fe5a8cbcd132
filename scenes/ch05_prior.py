"""Chapter 5: the Gaussian prior p(w) = N(0, sigma^2), with sigma sliding from narrow to almost flat.

Each sentence brings its picture at its bookmark: the bell when it is named, the sweeps of σ while they are
described, the σ in the formula and on the slider pulsing when σ is named.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

from mathcore import parameters as P
from mathcore.axes import nice_step
from mathcore.prior import gaussian_prior_pdf
from scenes import style as S
from scenes.base import ChapterScene
from scenes.parts import Readout, Slider, ctex, flare, label, make_axes, pulse, put_line, to_scene, tracked_curve

#: Slopes marked on the nearly flat prior: almost equally plausible.
CANDIDATES = (-3.0, -1.5, 0.0, 1.5, 3.0)


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

    def sigma_parts(self) -> list:
        """The σ of the formula and the slider's readout: what pulses when σ is named."""
        return [self.formula[5], self.formula[10]]

    def formula_beat(self) -> None:
        peak = float(gaussian_prior_pdf(0.0, P.SIGMA_MIN))
        self.plot = make_axes((*P.W_RANGE, nice_step(*P.W_RANGE)), (0, round(peak + 0.2, 1), 0.5), 9.0, 4.2,
                              "w (slope)", ctex("p(", "w", ")", colors={"p(": S.PRIOR, ")": S.PRIOR}))
        self.plot.to_edge(DOWN, buff=S.MARGIN + 0.05).shift(LEFT * 1.6)
        self.curve = tracked_curve(self.plot.axes, self.w, self.prior_values, S.PRIOR, 5)
        self.formula = ctex(r"p(", "w", r")", "=", r"\frac{1}{\sqrt{2\pi", r"\sigma", r"^2}}",
                            r"\exp\!\left(-\frac{", "w", r"^2}{2", r"\sigma", r"^2}\right)",
                            colors={r"p(": S.PRIOR, r")": S.PRIOR}, size=S.HEADING_SIZE)
        self.formula.to_edge(UP, buff=S.MARGIN)
        self.slider = Slider(self.sigma, P.SIGMA_MIN, P.SIGMA_MAX, r"\sigma", S.PRIOR, length=3.2)
        self.slider.to_corner(UR, buff=S.MARGIN).shift(DOWN * 1.3)
        # The bell's height at zero and the band of slopes it believes in (95 % within two σ of zero).
        self.peak_readout = Readout("p(0)", lambda: float(gaussian_prior_pdf(0.0, self.sigma.get_value())), S.PRIOR)
        self.band_readout = Readout(r"\pm 2\sigma", lambda: 2 * self.sigma.get_value(), S.PRIOR)
        self.near_zero = Line(LEFT, RIGHT, color=S.PRIOR, stroke_width=12)
        self.band_ends(self.near_zero)
        VGroup(self.peak_readout, self.band_readout).arrange(DOWN, aligned_edge=LEFT, buff=0.35).next_to(
            self.slider, DOWN, buff=0.6).align_to(self.slider.track, LEFT)
        with self.beat("formula"):
            self.play(Write(self.formula), run_time=self.until("bell", 3.6))
            self.at("bell", Create(self.plot), Create(self.curve), until="width", most=2.0)
            self.at("width", *[pulse(p, scale=1.4) for p in self.sigma_parts()], FadeIn(self.slider, shift=LEFT * 0.2),
                    FadeIn(self.peak_readout, shift=LEFT * 0.2), most=1.2)
            self.play(pulse(*self.slider.readout, scale=1.3), run_time=0.8)

    def band_ends(self, line: Line) -> None:
        """The band of slopes within two σ of zero, clipped to the w axis."""
        axes, (lo, hi), half = self.plot.axes, P.W_RANGE, 2 * self.sigma.get_value()
        start, end = to_scene(axes, [max(lo, -half), min(hi, half)], [0.0, 0.0])
        put_line(line, start, end)

    def narrow_beat(self) -> None:
        with self.beat("sigma_narrow"):
            # One sweep at an even pace from "shrink" to "confident", cut at "tall" where the height is named.
            self.wait_until_bookmark("shrink")
            first, second = self.until("tall", 3.0), self.current_tracker.time_until_bookmark("confident")
            ratio = first / max(first + second, 1e-9)
            middle = P.SIGMA_START + (P.SIGMA_MIN - P.SIGMA_START) * ratio
            self.play(self.sigma.animate(rate_func=linear).set_value(middle), run_time=first)
            self.at("tall", self.sigma.animate(rate_func=linear).set_value(P.SIGMA_MIN), pulse(*self.peak_readout.lhs),
                    until="confident", most=3.0)
            self.band_ends(self.near_zero)
            self.at("confident", flare(self.curve, 1.8), Create(self.near_zero), FadeIn(self.band_readout),
                    most=1.2)
            self.near_zero.add_updater(lambda m: self.band_ends(m))

    def wide_beat(self) -> None:
        axes = self.plot.axes
        heights = gaussian_prior_pdf(np.array(CANDIDATES), P.SIGMA_MAX)
        self.stems = VGroup(*[VGroup(Line(axes.c2p(w, 0), axes.c2p(w, h), color=S.PRIOR, stroke_width=3),
                                     Dot(axes.c2p(w, h), radius=0.08, color=S.PRIOR))
                              for w, h in zip(CANDIDATES, heights, strict=True)])
        with self.beat("sigma_wide", loop=True):
            self.at("widen", self.sigma.animate.set_value(P.SIGMA_MAX), until="plausible", most=4.0)
            self.at("plausible", *[Create(s) for s in self.stems], until="opinion", most=1.5)
            self.at("opinion", flare(self.curve, 1.8), *[pulse(s[1], scale=1.6) for s in self.stems], most=1.0)

    def two_sigmas_beat(self) -> None:
        noise = VGroup(ctex(r"\sigma_n"), label("noise in the prices", S.LABEL_SIZE, S.NOISE)).arrange(RIGHT)
        belief = VGroup(ctex(r"\sigma"), label("doubt about the weight w", S.LABEL_SIZE, S.PRIOR)).arrange(RIGHT)
        pair = VGroup(noise, belief).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        pair.next_to(self.band_readout, DOWN, buff=0.6).to_edge(RIGHT, buff=S.MARGIN)
        self.pair = pair
        with self.beat("two_sigmas"):
            self.play(self.sigma.animate.set_value(P.SIGMA_START), FadeOut(self.stems),
                      run_time=self.until("noise", 2.0))
            self.at("noise", FadeIn(noise, shift=UP * 0.2), most=1.0)
            self.play(pulse(noise[0], scale=1.4), run_time=0.8)
            self.at("doubt", FadeIn(belief, shift=UP * 0.2), *[pulse(p, scale=1.4) for p in self.sigma_parts()],
                    pulse(*self.slider.readout, scale=1.3), most=1.2)
        self.fade_all()
