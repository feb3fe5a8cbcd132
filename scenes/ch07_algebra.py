"""Chapter 7: -log posterior rewritten step by step into the ridge loss, lambda = sigma_n^2 / sigma^2.

Every algebra step is one MathTex whose parts carry a logical key (``lik.sn``, ``pri.w``...) in their
``match_key`` (their ``tex_string`` stays the TeX they were set from); TransformMatchingKeys pairs parts by that
key, so each term moves to where it goes next.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Axes,
    Brace,
    Circumscribe,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    TransformMatchingTex,
    VGroup,
    Write,
    there_and_back,
)

from mathcore import parameters as P
from mathcore.datasets import house_prices
from mathcore.densities import gaussian_pdf
from mathcore.likelihood import log_likelihood
from mathcore.loss_views import bell_pair_view, posterior_loss_axis, window_grid, zoom_unit, zoom_window
from mathcore.objectives import descent_path
from mathcore.posterior import log_posterior_unnormalised, map_slope, posterior_curve
from mathcore.prior import gaussian_prior_logpdf
from mathcore.regularization import lambda_from_sigmas
from scenes import style as S
from scenes.base import ChapterScene
from scenes.parts import ArrayCurve, ctex, flare, label, make_axes, pulse

Part = tuple[str, str] | tuple[str, str, ManimColor]
EQ_SIZE = 46
#: The loss plot (width, height) keeps the lower left through the whole chapter; the algebra runs above it.
PLOT_SIZE = (6.6, 2.8)
EQ_Y = 2.85
#: Where each bell's name sits under the widths panel, as a fraction of its half-width.
NAME_AT = 2.6 / 4.5
#: Size of the loss plot beside the bullets (why_losses), before it moves under the algebra.
INTRO_SCALE = 0.88


def keyed_tex(parts: Sequence[Part], size: float = EQ_SIZE) -> MathTex:
    """MathTex from (key, tex[, colour]) parts; each part's ``match_key`` is its ``key``."""
    tex = ctex(*[p[1] for p in parts], size=size)
    for part, spec in zip(tex.submobjects, parts, strict=True):
        if len(spec) == 3:
            part.set_color(spec[2])
        part.match_key = spec[0]
    return tex


def match_key(part: Mobject) -> str:
    """A part's match key: the one keyed_tex gave it, else its TeX string."""
    return getattr(part, "match_key", None) or part.tex_string


class TransformMatchingKeys(TransformMatchingTex):
    """TransformMatchingTex pairing the parts of keyed equations by ``match_key`` instead of by TeX string."""

    @staticmethod
    def get_mobject_key(mobject: Mobject) -> str:
        return match_key(mobject)


def key_part(tex: MathTex, key: str, nth: int = 0) -> VGroup:
    """The nth part of ``tex`` whose match key is ``key``."""
    return [p for p in tex.submobjects if match_key(p) == key][nth]


def key_parts(tex: MathTex, first: str, last: str) -> VGroup:
    """The run of parts from key ``first`` to key ``last`` (inclusive)."""
    keys = [match_key(p) for p in tex.submobjects]
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
        # The loss plot's window, from the story's numbers (w in (0, 4), losses up to 45 for the shipped one).
        self.unit = zoom_unit(self.data.x, self.data.y, P.DESCENT_START)
        self.view_w = zoom_window(self.unit)
        self.w = window_grid(self.view_w, P.w_grid())
        self.view_y = posterior_loss_axis(self.w, self.data.x, self.data.y, self.sigma_n, self.sigma)
        self.steps = self.build_steps()
        self.why_losses_beat()
        self.negative_log_beat()
        self.two_penalties_beat()
        self.factor_out_beat()
        self.lambda_beat()
        self.ridge_beat()

    # -- layout ---------------------------------------------------------------------------------
    def build_steps(self) -> dict[str, MathTex]:
        """All algebra steps, placed with their relation signs on one vertical line at the top of the frame."""
        steps = {name: keyed_tex(parts) for name, parts in STEPS.items() if name != "lambda_def"}
        widest = max(steps.values(), key=lambda m: m.width)
        widest.move_to(ORIGIN)
        eq_x = key_part(widest, "eq").get_center()[0]
        for tex in steps.values():
            tex.set_y(EQ_Y)
            tex.shift(RIGHT * (eq_x - key_part(tex, "eq").get_center()[0]))
        steps["lambda_def"] = keyed_tex(STEPS["lambda_def"], size=EQ_SIZE * 1.1)
        return steps

    def neg_log_posterior(self, w: np.ndarray) -> np.ndarray:
        return -log_posterior_unnormalised(w, self.data.x, self.data.y, self.sigma_n, self.sigma)

    def panel_x(self) -> float:
        """Centre of the column right of the loss plot."""
        return (self.plot.get_right()[0] + S.FRAME_W / 2 - S.MARGIN) / 2

    # -- beats ----------------------------------------------------------------------------------
    def why_losses_beat(self) -> None:
        # Plain white facts, then the conclusion in the green of the loss curve it introduces.
        rows = [("One weight: set the derivative to 0, solve.", S.TEXT),
                ("Ten million weights: an n × n system, O(n³).", S.TEXT),
                ("ReLU networks: no closed form at all.", S.TEXT),
                ("So: write a loss, walk downhill.", S.POSTERIOR)]
        self.bullets = VGroup(*[label(text, S.BODY_SIZE, color) for text, color in rows])
        self.bullets.arrange(DOWN, aligned_edge=LEFT, buff=0.8).to_edge(LEFT, buff=S.MARGIN + 0.1).set_y(-0.3)
        self.plot = make_axes(self.view_w.manim_range, self.view_y.manim_range, PLOT_SIZE[0], PLOT_SIZE[1],
                              "w (slope)", None)
        self.plot.to_corner(DOWN + LEFT, buff=S.MARGIN).shift(RIGHT * 0.35)
        axes = self.plot.axes
        self.total = ArrayCurve(axes, self.w, self.neg_log_posterior(self.w), S.POSTERIOR, 5)
        self.y_name = label("loss", S.SMALL_SIZE, S.MUTED).next_to(axes.y_axis, UP, buff=0.15)
        path = descent_path(self.data.x, self.data.y, self.sigma_n, self.sigma, P.DESCENT_START, P.DESCENT_RATE,
                            P.DESCENT_STEPS)
        points = [axes.c2p(w, v) for w, v in zip(path, self.neg_log_posterior(path), strict=True)]
        self.walker = Dot(points[0], radius=0.1, color=S.WEIGHT)
        self.trail = VGroup(*[Dot(p, radius=0.05, color=S.WEIGHT, fill_opacity=0.5) for p in points[:-1]])
        # While the bullets hold the left half, the loss and its walk take the right half; the plot moves to
        # its place under the algebra when the equations arrive (negative_log).
        self.attached = VGroup(self.plot, self.total, self.y_name, self.walker, self.trail)
        home = self.plot.get_center()
        self.attached.scale(INTRO_SCALE, about_point=home)
        self.attached.shift([S.FRAME_W / 2 - S.MARGIN - self.plot.get_right()[0], -0.3 - self.plot.get_y(), 0])
        self.home = home
        steps = [self.trail[i].get_center() for i in range(1, len(self.trail))] + [None]
        # One weight: the loss of that weight, and the one point where its derivative is zero (a flat tangent).
        axes, w_star = self.plot.axes, map_slope(self.data.x, self.data.y, self.sigma_n, self.sigma)
        low = float(self.neg_log_posterior(np.array([w_star]))[0])
        reach = 0.7 * self.unit
        self.tangent = VGroup(Line(axes.c2p(w_star - reach, low), axes.c2p(w_star + reach, low), color=S.WEIGHT,
                                   stroke_width=4), Dot(axes.c2p(w_star, low), radius=0.08, color=S.WEIGHT))
        with self.beat("why_losses") as t:
            self.play(Write(self.bullets[0]), Create(self.plot), FadeIn(self.y_name),
                      run_time=self.until("derivative", 1.5))
            self.at("derivative", Create(self.total), GrowFromCenter(self.tangent), until="millions", most=2.0)
            self.at("millions", Write(self.bullets[1]), until="relu", most=2.5)
            self.at("relu", Write(self.bullets[2]), until="loss", most=2.0)
            self.at("loss", FadeIn(self.bullets[3], shift=RIGHT * 0.2), FadeOut(self.tangent),
                    FadeIn(self.walker, scale=0.5), flare(self.total), until="downhill", most=1.5)
            self.wait_until_bookmark("downhill")
            step = max(t.get_remaining_duration(), 1.4) / P.DESCENT_STEPS
            end = self.walker_end()
            for crumb, point in zip(self.trail, steps, strict=True):
                self.add(crumb)
                self.play(self.walker.animate.move_to(end if point is None else point), run_time=step)

    def walker_end(self) -> np.ndarray:
        """Where the walk downhill stops: the last step of gradient descent, on the loss curve."""
        path = descent_path(self.data.x, self.data.y, self.sigma_n, self.sigma, P.DESCENT_START, P.DESCENT_RATE,
                            P.DESCENT_STEPS)
        return self.plot.axes.c2p(path[-1], float(self.neg_log_posterior(path[-1:])[0]))

    def negative_log_beat(self) -> None:
        self.eq = self.steps["bayes"]
        with self.beat("negative_log") as t:
            shift = self.home - self.plot.get_center()
            self.play(FadeOut(self.bullets, shift=UP * 0.3), self.attached.animate.shift(shift).scale(
                1 / INTRO_SCALE, about_point=self.home), run_time=1.0)
            self.play(Write(self.eq), run_time=self.until("minus_log", 1.6))
            axes = self.plot.axes
            new_name = ctex(r"-\log", "p(", "w", "|", "D", ")", size=S.LABEL_SIZE,
                            colors={"p(": S.POSTERIOR, "|": S.POSTERIOR, ")": S.POSTERIOR})
            new_name.next_to(axes.y_axis, UP, buff=0.15).align_to(axes.y_axis, LEFT).shift(LEFT * 0.1)
            # The posterior itself, scaled to the plot: its peak is where the loss has its valley.
            height = self.view_y.high * 0.85
            density = posterior_curve(self.w, self.data.x, self.data.y, self.sigma_n, self.sigma)
            self.bump = bump = ArrayCurve(axes, self.w, height * density, S.POSTERIOR, 4).set_stroke(opacity=0.8)
            self.legend = self.make_legend()
            peak_w = self.w[int(np.argmax(density))]
            peak = Dot(axes.c2p(peak_w, height), radius=0.09, color=S.POSTERIOR)
            bottom = axes.c2p(peak_w, float(self.neg_log_posterior(np.array([peak_w]))[0]))
            self.wait_until_bookmark("minus_log")
            self.algebra_step("negative_log", run_time=self.until("sum", 1.5),
                              extra=[ReplacementTransform(self.y_name, new_name)])
            self.y_name = new_name
            self.at("sum", *[pulse(key_part(self.eq, k), scale=1.35) for k in ("lik.log", "pri.op")],
                    until="peak", most=1.2)
            self.at("peak", Create(bump), FadeIn(peak, scale=0.5), until="valley", most=1.4)
            self.wait_until_bookmark("valley")
            self.play(Transform(bump, self.total.copy()), peak.animate.move_to(bottom), FadeIn(self.legend[0]),
                      run_time=max(t.get_remaining_duration() - 0.8, 1.2))
            self.play(flare(self.total), FadeOut(peak), run_time=0.8)
            self.remove(bump)

    def algebra_step(self, name: str, run_time: float, extra: Sequence = ()) -> None:
        """Move from the equation on screen to step ``name`` with matching terms travelling."""
        target = self.steps[name]
        self.play(TransformMatchingKeys(self.eq, target), *extra, run_time=run_time)
        self.eq = target

    def make_legend(self) -> VGroup:
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
        legend.move_to([self.panel_x(), 0, 0]).align_to(self.plot.axes, UP).shift(UP * 0.1)
        return legend

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
        lik_note = label("missing the data", S.LABEL_SIZE, S.LIKELIHOOD).next_to(lik_brace, DOWN, buff=0.1)
        pri_note = label("a large weight", S.LABEL_SIZE, S.PRIOR).next_to(pri_brace, DOWN, buff=0.1)
        lik_note.align_to(lik_brace, RIGHT)
        pri_note.align_to(pri_brace, LEFT)
        pri_note.set_y(lik_note.get_y())  # one row of notes, whatever the braces' heights
        legend = self.legend
        self.penalty_notes = VGroup(lik_brace, pri_brace, lik_note, pri_note)
        parts = VGroup(self.lik_curve.copy(), self.prior_curve.copy())
        stack = self.total.copy()
        with self.beat("two_penalties"):
            self.algebra_step("two_penalties", run_time=self.until("likelihood", 1.4))
            self.at("likelihood", pulse(*lik_term), FadeIn(lik_brace), Create(self.lik_curve), FadeIn(legend[1]),
                    until="prior", most=1.6)
            self.at("prior", pulse(*pri_term), FadeIn(pri_brace), Create(self.prior_curve), FadeIn(legend[2]),
                    until="missing", most=1.6)
            self.at("missing", FadeIn(lik_note, shift=DOWN * 0.1), flare(self.lik_curve, 2.5),
                    until="large", most=1.0)
            self.at("large", FadeIn(pri_note, shift=DOWN * 0.1), flare(self.prior_curve, 2.5), most=1.0)
            # The two penalties add up to the loss: both curves stack into the green one.
            self.play(ReplacementTransform(parts, stack), run_time=1.2)
            self.remove(stack)
            self.play(flare(self.total), run_time=0.6)

    def make_widths(self) -> VGroup:
        """The two widths λ compares: the noise bell (σn, pink) and the prior bell (σ, purple), each with a bar
        from its centre to one standard deviation and its name below the baseline on that side."""
        half, top = bell_pair_view(self.sigma_n, self.sigma)
        axes = Axes(x_range=[-half, half, half / 4.5], y_range=[0, top, top / 4.5], x_length=4.6, y_length=1.0,
                    tips=False, axis_config={"color": S.MUTED, "stroke_width": 2, "include_ticks": False})
        axes.y_axis.set_opacity(0)
        xs = np.linspace(-half, half, 181)
        group = VGroup(axes)
        for sd, color, side, tex in ((self.sigma_n, S.NOISE, 1, r"\sigma_n"), (self.sigma, S.PRIOR, -1, r"\sigma")):
            curve = ArrayCurve(axes, xs, gaussian_pdf(xs, 0.0, sd), color, 4)
            h = float(gaussian_pdf(np.array([sd]), 0.0, sd)[0])
            bar = Line(axes.c2p(0, h), axes.c2p(side * sd, h), color=color, stroke_width=6)
            # Each name under its own side, a bit past the middle of the half-width (2.6 of 4.5 in the shipped).
            name = ctex(tex, f"= {sd:g}", size=S.LABEL_SIZE).next_to(axes.c2p(side * half * NAME_AT, 0), DOWN,
                                                                       buff=0.2)
            group.add(VGroup(curve, bar, name))
        group[2][2].align_to(group[1][2], UP)  # one row of names
        group.axes = axes
        return group

    def factor_out_beat(self) -> None:
        self.widths = self.make_widths()
        self.widths.move_to([self.panel_x(), 0, 0]).align_to(self.plot.axes, DOWN)
        noise, prior = self.widths[1], self.widths[2]
        with self.beat("factor_out"):
            self.wait_until_bookmark("pull")
            self.algebra_step("factor_out", run_time=self.until("error", 2.0), extra=[FadeOut(self.penalty_notes)])
            front = key_parts(self.eq, "fac.one", "fac.end")
            self.play(Circumscribe(front, color=S.NOISE, fade_out=True), run_time=self.until("error", 1.2))
            self.at("error", pulse(*key_parts(self.eq, "lik.p", "lik.close")), flare(self.lik_curve, 2.5),
                    until="ratio", most=1.0)
            self.at("ratio", pulse(*key_parts(self.eq, "rat.frac", "rat.end"), scale=1.3),
                    FadeIn(self.widths[0]), Create(noise[0]), Create(prior[0]), until="w2", most=1.6)
            self.at("w2", pulse(key_part(self.eq, "pri.w"), scale=1.35), flare(self.prior_curve, 2.5),
                    FadeIn(noise[1:]), FadeIn(prior[1:]), most=1.0)

    def lambda_beat(self) -> None:
        eq4 = self.steps["lambda_appears"]
        lam_def = self.steps["lambda_def"]
        lam_def.move_to([self.panel_x(), 0, 0]).align_to(self.legend, UP).shift(UP * 0.35)
        noise, prior = self.widths[1], self.widths[2]
        with self.beat("lambda_appears"):
            self.play(TransformMatchingKeys(VGroup(self.eq), VGroup(eq4, lam_def)), FadeOut(self.legend),
                      run_time=self.until("noise", 2.0))
            self.eq, self.lam_def = eq4, lam_def
            self.at("noise", pulse(key_part(lam_def, "lik.sn"), scale=1.4), flare(noise[0], 2.0),
                    pulse(noise[2], scale=1.3), until="width", most=1.2)
            self.at("width", pulse(key_part(lam_def, "pri.s"), scale=1.4), flare(prior[0], 2.0),
                    pulse(prior[2], scale=1.3), most=1.2)

    def ridge_beat(self) -> None:
        eq, axes = self.eq, self.plot.axes
        bracket = key_parts(eq, "br.l", "br.r")
        front = key_parts(eq, "fac.one", "fac.end")
        brace = Brace(bracket, DOWN, buff=0.12, color=S.POSTERIOR)
        name = label("ridge regression", S.HEADING_SIZE, S.POSTERIOR).next_to(brace, DOWN, buff=0.15)
        box = SurroundingRectangle(self.lam_def, color=S.LAMBDA, buff=0.2, corner_radius=0.1)
        values = ctex(r"\sigma_n", f"= {P.SIGMA_N:g},", r"\quad", r"\sigma", f"= {self.sigma:g}",
                      r"\quad\Rightarrow\quad", r"\lambda", f"= {self.lam:.2f}", size=S.BODY_SIZE)
        values.next_to(box, DOWN, buff=0.2).set_x(self.panel_x())
        self.values = values
        const = VGroup(key_part(eq, "plus"), key_part(eq, "const"))
        # A constant shifts the loss, a positive factor scales it: the valley's bottom stays at the same w.
        w_min = map_slope(self.data.x, self.data.y, self.sigma_n, self.sigma)
        floor = DashedLine(axes.c2p(w_min, 0), axes.c2p(w_min, self.view_y.high), color=S.POSTERIOR, stroke_width=3)
        origin = axes.c2p(0, 0)

        def squeezed(point: np.ndarray) -> np.ndarray:
            return np.array([point[0], origin[1] + 0.55 * (point[1] - origin[1]) + 0.6, 0.0])

        dots = [self.walker, *self.trail]
        with self.beat("ridge"):
            self.wait_until_bookmark("drop")
            self.play(pulse(*const, scale=1.3), pulse(*front, scale=1.3), run_time=self.until("minimum", 1.2))
            self.at("minimum", Create(floor),
                    self.total.animate(rate_func=there_and_back).stretch_about_point(0.55, 1, origin).shift(UP * 0.6),
                    *[d.animate(rate_func=there_and_back).move_to(squeezed(d.get_center())) for d in dots],
                    until="dropped", most=2.2)
            self.at("dropped", FadeOut(const, shift=RIGHT * 0.3), front.animate.set_opacity(0.35),
                    until="remains", most=0.8)
            self.at("remains", pulse(*key_parts(eq, "lik.p", "pri.w"), scale=1.15), FadeIn(brace, shift=UP * 0.1),
                    until="ridge", most=1.2)
            self.at("ridge", Write(name), flare(self.total), until="values", most=1.4)
            self.at("values", Create(box), FadeIn(values, shift=UP * 0.1), most=1.2)
            self.play(pulse(key_part(values, r"\lambda"), values[-1], scale=1.3),
                      pulse(key_part(eq, "lam"), scale=1.4), run_time=1.0)
        self.fade_all()
