"""Chapter 7: -log posterior rewritten step by step into the ridge loss, lambda = sigma_n^2 / sigma^2.

Every algebra step is one MathTex whose parts carry a logical key (``lik.sn``, ``pri.w``...); the
keys replace the parts' tex strings, so TransformMatchingTex moves each term to where it goes next.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UL,
    UP,
    Brace,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    ManimColor,
    MathTex,
    ReplacementTransform,
    SurroundingRectangle,
    TransformMatchingTex,
    VGroup,
    Write,
)

from mathcore import parameters as P
from mathcore.datasets import house_prices
from mathcore.likelihood import log_likelihood
from mathcore.objectives import descent_path
from mathcore.posterior import log_posterior_unnormalised
from mathcore.prior import gaussian_prior_logpdf
from mathcore.regularization import lambda_from_sigmas
from scenes import style as S
from scenes.base import ChapterScene
from scenes.parts import ArrayCurve, ctex, label, make_axes

Part = tuple[str, str] | tuple[str, str, ManimColor]
EQ_SIZE = S.HEADING_SIZE
PLOT_W = (0.0, 4.0, 1.0)
PLOT_Y = (0.0, 45.0, 15.0)
#: Equation heights: above the plot while it is on screen, then nearer the middle.
EQ_Y_HIGH, EQ_Y_LOW = 2.8, 1.7
LOW_STEPS = ("factor_out", "lambda_appears")


def keyed_tex(parts: Sequence[Part], size: float = EQ_SIZE) -> MathTex:
    """MathTex from (key, tex[, colour]) parts; each part's match key becomes ``key``."""
    tex = ctex(*[p[1] for p in parts], size=size)
    for part, spec in zip(tex.submobjects, parts, strict=True):
        if len(spec) == 3:
            part.set_color(spec[2])
        part.tex_string = spec[0]
    return tex


def key_part(tex: MathTex, key: str, nth: int = 0) -> VGroup:
    """The nth part of ``tex`` whose match key is ``key``."""
    return [p for p in tex.submobjects if p.tex_string == key][nth]


def key_parts(tex: MathTex, first: str, last: str) -> VGroup:
    """The run of parts from key ``first`` to key ``last`` (inclusive)."""
    keys = [p.tex_string for p in tex.submobjects]
    return VGroup(*tex.submobjects[keys.index(first): keys.index(last) + 1])


# The palette roles of the three densities.
POST, LIK, PRI = S.POSTERIOR, S.LIKELIHOOD, S.PRIOR
POSTERIOR_P: list[Part] = [("lhs.p", "p(", POST), ("lhs.w", "w", S.WEIGHT), ("lhs.bar", "|", POST),
                           ("lhs.D", "D", S.DATA), ("lhs.close", ")", POST)]
LIKELIHOOD_P: list[Part] = [("lik.p", "p(", LIK), ("lik.D", "D", S.DATA), ("lik.bar", "|", LIK),
                            ("lik.w", "w", S.WEIGHT), ("lik.close", ")", LIK)]
PRIOR_P: list[Part] = [("pri.p", "p(", PRI), ("pri.w", "w", S.WEIGHT), ("pri.close", ")", PRI)]
NEG_LOG_LHS: list[Part] = [("lhs.log", r"-\log"), *POSTERIOR_P, ("eq", "=")]
RESIDUALS: list[Part] = [("lik.p", r"\sum(", LIK), ("lik.D", "y_i", S.DATA), ("lik.minus", "-", LIK),
                         ("lik.w", "w", S.WEIGHT), ("lik.x", "x_i", S.DATA), ("lik.close", ")^2", LIK)]
SIGMA_N2: Part = ("lik.sn", r"\sigma_n^2", S.NOISE)
SIGMA2: Part = ("pri.s", r"\sigma^2", PRI)
CONST: list[Part] = [("plus", "+"), ("const", r"\text{const}")]
RATIO: list[Part] = [("rat.frac", r"\frac{"), SIGMA_N2, ("rat.mid", "}{"), SIGMA2, ("rat.end", "}")]
PREFACTOR: list[Part] = [("fac.one", r"\frac{1}{2"), SIGMA_N2, ("fac.end", "}"), ("br.l", r"\left[")]

STEPS: dict[str, list[Part]] = {
    "bayes": [*POSTERIOR_P, ("eq", r"\propto"), *LIKELIHOOD_P, ("pri.op", r"\cdot"), *PRIOR_P],
    "negative_log": [*NEG_LOG_LHS, ("lik.log", r"-\log"), *LIKELIHOOD_P, ("pri.op", r"-\log"), *PRIOR_P, *CONST],
    "two_penalties": [*NEG_LOG_LHS, ("lik.frac", r"\frac{", LIK), *RESIDUALS, ("fac.one", "}{2", LIK), SIGMA_N2,
                      ("lik.end", "}"), ("pri.op", "+"), ("pri.frac", r"\frac{"), ("pri.w", "w^2", S.WEIGHT),
                      ("rat.mid", "}{2", PRI), SIGMA2, ("pri.end", "}"), *CONST],
    "factor_out": [*NEG_LOG_LHS, *PREFACTOR, *RESIDUALS, ("pri.op", "+"), *RATIO, ("pri.w", "w^2", S.WEIGHT),
                   ("br.r", r"\right]"), *CONST],
    "lambda_appears": [*NEG_LOG_LHS, *PREFACTOR, *RESIDUALS, ("pri.op", "+"), ("lam", r"\lambda", S.LAMBDA),
                       ("pri.w", "w^2", S.WEIGHT), ("br.r", r"\right]"), *CONST],
    "lambda_def": [("lam", r"\lambda", S.LAMBDA), ("def", "="), *RATIO],
}


class AlgebraScene(ChapterScene):
    chapter = "ch07_algebra"
    #: The beat whose last frame stands for the chapter (contact sheet, previews).
    contact_beat = "ridge"

    def construct(self) -> None:
        self.data = house_prices()
        self.sigma_n, self.sigma = P.SIGMA_N, P.SIGMA_START
        self.lam = lambda_from_sigmas(self.sigma_n, self.sigma)
        self.steps = self.build_steps()
        self.why_losses_beat()
        self.negative_log_beat()
        self.two_penalties_beat()
        self.factor_out_beat()
        self.lambda_beat()
        self.ridge_beat()

    # -- layout ---------------------------------------------------------------------------------
    def build_steps(self) -> dict[str, MathTex]:
        """All algebra steps, placed with their relation signs on one vertical line."""
        steps = {name: keyed_tex(parts) for name, parts in STEPS.items() if name != "lambda_def"}
        widest = max(steps.values(), key=lambda m: m.width)
        widest.move_to(ORIGIN)
        eq_x = key_part(widest, "eq").get_center()[0]
        for name, tex in steps.items():
            tex.set_y(EQ_Y_LOW if name in LOW_STEPS else EQ_Y_HIGH)
            tex.shift(RIGHT * (eq_x - key_part(tex, "eq").get_center()[0]))
        steps["lambda_def"] = keyed_tex(STEPS["lambda_def"])
        return steps

    def plot_grid(self) -> np.ndarray:
        w = P.w_grid()
        return w[(w >= PLOT_W[0]) & (w <= PLOT_W[1])]

    # -- beats ----------------------------------------------------------------------------------
    def why_losses_beat(self) -> None:
        # Plain white facts, then the conclusion in the green of the loss curve it introduces.
        rows = [("One weight: set the derivative to 0, solve.", S.TEXT),
                ("Ten million weights: an n × n system, O(n³).", S.TEXT),
                ("ReLU networks: no closed form at all.", S.TEXT),
                ("So: write a loss, walk downhill.", S.POSTERIOR)]
        self.bullets = VGroup(*[label(text, S.LABEL_SIZE, color) for text, color in rows])
        self.bullets.arrange(DOWN, aligned_edge=LEFT, buff=0.25).to_corner(UL, buff=S.MARGIN + 0.1)
        self.plot = make_axes(PLOT_W, PLOT_Y, 7.2, 2.7, "w (slope)", None)
        self.plot.to_corner(DOWN + LEFT, buff=S.MARGIN).shift(RIGHT * 1.1)
        self.w = self.plot_grid()
        axes = self.plot.axes
        self.total = ArrayCurve(axes, self.w, self.neg_log_posterior(self.w), S.POSTERIOR, 5)
        self.y_name = label("loss", S.SMALL_SIZE, S.MUTED).next_to(axes.y_axis, UP, buff=0.15)
        path = descent_path(self.data.x, self.data.y, self.sigma_n, self.sigma, P.DESCENT_START, P.DESCENT_RATE,
                            P.DESCENT_STEPS)
        points = [axes.c2p(w, v) for w, v in zip(path, self.neg_log_posterior(path), strict=True)]
        self.walker = Dot(points[0], radius=0.09, color=S.WEIGHT)
        self.trail = VGroup(*[Dot(p, radius=0.05, color=S.WEIGHT, fill_opacity=0.5) for p in points[:-1]])
        with self.beat("why_losses") as t:
            step = t.duration / 12
            self.play(LaggedStart(*[FadeIn(b, shift=RIGHT * 0.2) for b in self.bullets[:3]], lag_ratio=0.6),
                      run_time=step * 4)
            self.play(FadeIn(self.bullets[3], shift=RIGHT * 0.2), Create(self.plot), run_time=step * 1.5)
            self.play(Create(self.total), FadeIn(self.y_name), FadeIn(self.walker, scale=0.5), run_time=step * 1.5)
            for crumb, point in zip(self.trail, points[1:], strict=True):
                self.add(crumb)
                self.play(self.walker.animate.move_to(point),
                          run_time=step * 3 / P.DESCENT_STEPS)

    def neg_log_posterior(self, w: np.ndarray) -> np.ndarray:
        return -log_posterior_unnormalised(w, self.data.x, self.data.y, self.sigma_n, self.sigma)

    def negative_log_beat(self) -> None:
        self.eq = self.steps["bayes"]
        new_name = ctex(r"-\log", "p(", "w", "|", "D", ")", size=S.LABEL_SIZE,
                        colors={"p(": S.POSTERIOR, "|": S.POSTERIOR, ")": S.POSTERIOR})
        new_name.next_to(self.plot.axes.y_axis, UP, buff=0.15)
        with self.beat("negative_log") as t:
            self.play(FadeOut(self.bullets, shift=UP * 0.3), run_time=0.6)
            self.play(Write(self.eq), run_time=min(2.0, t.duration * 0.25))
            self.wait(t.duration * 0.15)
            self.algebra_step("negative_log", run_time=2.0)
            self.play(ReplacementTransform(self.y_name, new_name), run_time=1.0)
            self.y_name = new_name

    def algebra_step(self, name: str, run_time: float, extra: Sequence = ()) -> None:
        """Move from the equation on screen to step ``name`` with matching terms travelling."""
        target = self.steps[name]
        self.play(TransformMatchingTex(self.eq, target), *extra, run_time=run_time)
        self.eq = target

    def two_penalties_beat(self) -> None:
        axes = self.plot.axes
        self.lik_curve = ArrayCurve(axes, self.w, -log_likelihood(self.w, self.data.x, self.data.y, self.sigma_n),
                                    S.LIKELIHOOD, 3)
        self.prior_curve = ArrayCurve(axes, self.w, -gaussian_prior_logpdf(self.w, self.sigma), S.PRIOR, 3)
        target = self.steps["two_penalties"]
        lik_term = key_parts(target, "lik.frac", "lik.end")
        pri_term = key_parts(target, "pri.frac", "pri.end")
        lik_brace = Brace(lik_term, DOWN, buff=0.1, color=S.LIKELIHOOD)
        pri_brace = Brace(pri_term, DOWN, buff=0.1, color=S.PRIOR)
        lik_note = label("missing the data", S.SMALL_SIZE, S.LIKELIHOOD).next_to(lik_brace, DOWN, buff=0.1)
        pri_note = label("a large weight", S.SMALL_SIZE, S.PRIOR).next_to(pri_brace, DOWN, buff=0.1)
        lik_note.align_to(lik_brace, RIGHT)
        pri_note.align_to(pri_brace, LEFT)
        pri_note.set_y(lik_note.get_y())  # one row of notes, whatever the braces' heights
        names = (
            ctex(r"-\log", "p(", "w", "|", "D", ")", size=S.BODY_SIZE, colors={"p(": POST, "|": POST, ")": POST}),
            ctex(r"-\log", "p(", "D", "|", "w", ")", size=S.BODY_SIZE, colors={"p(": LIK, "|": LIK, ")": LIK}),
            ctex(r"-\log", "p(", "w", ")", size=S.BODY_SIZE, colors={"p(": PRI, ")": PRI}),
        )
        legend = VGroup()
        for name, color, width in zip(names, (POST, LIK, PRI), (5, 3, 3), strict=True):
            swatch = Line(LEFT * 0.25, RIGHT * 0.25, color=color, stroke_width=width + 1)
            legend.add(VGroup(swatch, name.next_to(swatch, RIGHT, buff=0.2)))
        for i, row in enumerate(legend):
            row.shift(LEFT * row.get_left()[0] + UP * (-0.6 * i - row[0].get_y()))
        legend.next_to(self.plot, RIGHT, buff=0.6).align_to(self.plot.axes, UP)
        self.penalty_notes = VGroup(lik_brace, pri_brace, lik_note, pri_note)
        self.legend = legend
        with self.beat("two_penalties") as t:
            self.algebra_step("two_penalties", run_time=min(2.5, t.duration * 0.2))
            self.play(FadeIn(lik_brace), FadeIn(lik_note, shift=DOWN * 0.1), Create(self.lik_curve),
                      FadeIn(legend[1]), run_time=t.duration * 0.2)
            self.play(FadeIn(pri_brace), FadeIn(pri_note, shift=DOWN * 0.1), Create(self.prior_curve),
                      FadeIn(legend[2]), run_time=t.duration * 0.2)
            self.play(FadeIn(legend[0]), self.total.animate.set_stroke(width=7), run_time=1.0)
            self.play(self.total.animate.set_stroke(width=5), run_time=0.6)

    def factor_out_beat(self) -> None:
        plot_parts = VGroup(self.plot, self.total, self.lik_curve, self.prior_curve, self.walker, self.trail,
                            self.y_name, self.legend, self.penalty_notes)
        note = VGroup(label("factor out", S.LABEL_SIZE, S.MUTED),
                      ctex(r"\frac{1}{2", r"\sigma_n^2", "}", size=S.BODY_SIZE,
                           colors={r"\frac{1}{2": S.MUTED, "}": S.MUTED, r"\sigma_n^2": S.NOISE}))
        note.arrange(RIGHT, buff=0.2)
        self.factor_note = note
        with self.beat("factor_out") as t:
            self.play(FadeOut(plot_parts, shift=DOWN * 0.3), run_time=0.8)
            self.algebra_step("factor_out", run_time=min(3.0, t.duration * 0.35))
            note.next_to(key_parts(self.eq, "fac.one", "fac.end"), DOWN, buff=0.5)
            self.play(FadeIn(note, shift=UP * 0.1), run_time=0.8)

    def lambda_beat(self) -> None:
        eq4 = self.steps["lambda_appears"]
        lam_def = self.steps["lambda_def"]
        lam_def.scale(1.15).move_to(DOWN * 0.6)
        with self.beat("lambda_appears") as t:
            self.play(FadeOut(self.factor_note), run_time=0.5)
            self.play(TransformMatchingTex(VGroup(self.eq), VGroup(eq4, lam_def)), run_time=min(3.0, t.duration * 0.4))
            self.eq, self.lam_def = eq4, lam_def

    def ridge_beat(self) -> None:
        eq = self.eq
        bracket = key_parts(eq, "br.l", "br.r")
        front = key_parts(eq, "fac.one", "fac.end")
        brace = Brace(bracket, DOWN, buff=0.12, color=S.POSTERIOR)
        name = label("ridge regression", S.HEADING_SIZE * 0.8, S.POSTERIOR).next_to(brace, DOWN, buff=0.15)
        box = SurroundingRectangle(self.lam_def, color=S.LAMBDA, buff=0.2, corner_radius=0.1)
        values = ctex(r"\sigma_n", f"= {P.SIGMA_N:g},", r"\quad", r"\sigma", f"= {self.sigma:g}",
                      r"\quad\Rightarrow\quad", r"\lambda", f"= {self.lam:.2f}", size=S.BODY_SIZE)
        values.next_to(box, DOWN, buff=0.55)
        self.values = values
        const = VGroup(key_part(eq, "plus"), key_part(eq, "const"))
        with self.beat("ridge") as t:
            self.play(FadeOut(const, shift=RIGHT * 0.3), front.animate.set_opacity(0.35), run_time=1.2)
            self.play(FadeIn(brace, shift=UP * 0.1), Write(name), run_time=min(1.5, t.duration * 0.2))
            self.play(Create(box), run_time=0.8)
            self.play(FadeIn(values, shift=UP * 0.1), run_time=1.0)
        self.play(FadeOut(VGroup(eq, brace, name, box, self.lam_def, values)), run_time=0.8)
