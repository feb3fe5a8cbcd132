"""Chapter 1: the ridge loss beside the Gaussian prior, the question that links them, and the title card.

``ThumbnailScene`` composes the YouTube thumbnail still (its last frame) from the same pieces.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    CurvedArrow,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    Flash,
    Polygon,
    Scene,
    SurroundingRectangle,
    Text,
    VGroup,
    Write,
)

from mathcore import parameters as P
from mathcore.axes import nice_step
from mathcore.datasets import house_prices
from mathcore.likelihood import likelihood_curve, peak_normalised
from mathcore.objectives import data_loss, ridge_objective, ridge_penalty, ridge_slope
from mathcore.posterior import posterior_curve
from mathcore.prior import gaussian_prior_logpdf, gaussian_prior_pdf
from mathcore.regularization import lambda_from_sigmas
from scenes import style as S
from scenes.base import ChapterScene
from scenes.parts import ArrayCurve, ctex, flare, label, make_axes, pulse

PANEL_W, PANEL_H = 5.4, 4.5


def ridge_tex(size: float = S.BODY_SIZE):
    """L(w) = Σ(y_i − w x_i)² + λ w², the data term orange and the penalty gold/white as on the plots."""
    tex = ctex(r"L(", "w", r")", "=", r"\sum", "(", "y_i", "-", "w", "x_i", ")^2", "+", r"\lambda", "w", "^2",
               size=size)
    for index in (0, 2):
        tex[index].set_color(S.POSTERIOR)
    for index in (4, 5, 10):
        tex[index].set_color(S.LIKELIHOOD)
    return tex


def prior_tex(size: float = S.BODY_SIZE):
    """p(w) = N(0, σ²) in the prior's purple."""
    tex = ctex(r"p(", "w", r")", "=", r"\mathcal{N}(0,\,", r"\sigma", r"^2)", size=size)
    for index in (0, 2, 4, 6):
        tex[index].set_color(S.PRIOR)
    return tex


def panel_axes(top: float):
    """Bare axes over the shared w range (no tick numbers: the shapes carry the message)."""
    return make_axes((*P.W_RANGE, nice_step(*P.W_RANGE)), (0, top, top / 4), PANEL_W, PANEL_H, "w", numbers=False)


class Panels:
    """The ridge-loss and prior panels, computed once from mathcore (shared by the chapter and the thumbnail)."""

    def __init__(self) -> None:
        self.data = house_prices()
        self.lam = lambda_from_sigmas(P.SIGMA_N, P.SIGMA_START)
        self.w = P.w_grid()
        x, y = self.data.x, self.data.y
        loss = ridge_objective(self.w, x, y, self.lam)
        self.loss_plot = panel_axes(float(np.ceil(ridge_objective(P.W_RANGE[1], x, y, self.lam)[0])))
        self.prior_plot = panel_axes(float(gaussian_prior_pdf(0.0, P.SIGMA_START)) * 1.25)
        self.loss_plot.to_corner(UP + LEFT, buff=S.MARGIN).shift(DOWN * 1.1 + RIGHT * 0.35)
        self.prior_plot.to_corner(UP + RIGHT, buff=S.MARGIN).shift(DOWN * 1.1 + LEFT * 0.35)
        la, pa = self.loss_plot.axes, self.prior_plot.axes
        self.loss_curve = ArrayCurve(la, self.w, loss, S.POSTERIOR, 5)
        self.data_curve = DashedVMobject(ArrayCurve(la, self.w, data_loss(self.w, x, y), S.LIKELIHOOD, 3),
                                         num_dashes=60)
        self.penalty_curve = ArrayCurve(la, self.w, ridge_penalty(self.w, self.lam), S.LAMBDA, 3)
        w_min = ridge_slope(x, y, self.lam)
        self.loss_min = Dot(la.c2p(w_min, float(ridge_objective(w_min, x, y, self.lam)[0])), radius=0.08,
                            color=S.POSTERIOR)
        self.prior_curve = ArrayCurve(pa, self.w, gaussian_prior_pdf(self.w, P.SIGMA_START), S.PRIOR, 5)
        self.loss_eq = ridge_tex().next_to(self.loss_plot, UP, buff=0.35)
        self.prior_eq = prior_tex().next_to(self.prior_plot, UP, buff=0.35)
        self.prior_eq.set_y(self.loss_eq.get_y())

    def prior_area(self, opacity: float = 0.25) -> Polygon:
        """The prior's bell filled down to the w axis."""
        pa = self.prior_plot.axes
        pts = [pa.c2p(w, p) for w, p in zip(self.w, gaussian_prior_pdf(self.w, P.SIGMA_START), strict=True)]
        return Polygon(pa.c2p(self.w[0], 0), *pts, pa.c2p(self.w[-1], 0), stroke_width=0, fill_color=S.PRIOR,
                       fill_opacity=opacity)


class ColdOpenScene(ChapterScene):
    chapter = "ch01_cold_open"
    #: The beat whose last frame stands for the chapter (contact sheet, previews).
    contact_beat = "the_question"

    def construct(self) -> None:
        self.panels = Panels()
        self.ridge_loss_beat()
        self.gaussian_prior_beat()
        self.question_beat()
        self.title_beat()

    def ridge_loss_beat(self) -> None:
        p = self.panels
        eq = p.loss_eq
        with self.beat("ridge_loss") as t:
            self.wait_until_bookmark("loss")
            self.play(Write(eq), run_time=max(1.0, t.time_until_bookmark("squares")))
            self.wait_until_bookmark("squares")
            self.play(pulse(*eq[4:11]), run_time=1.2)
            self.play(Create(p.loss_plot), run_time=max(1.0, t.time_until_bookmark("penalty")))
            self.wait_until_bookmark("penalty")
            self.play(pulse(*eq[11:15]), run_time=1.2)
            self.wait_until_bookmark("bowl")
            self.play(Create(p.loss_curve), run_time=max(1.0, t.time_until_bookmark("bottom")))
            self.wait_until_bookmark("bottom")
            self.play(FadeIn(p.loss_min, scale=0.3), pulse(eq[1]), flare(p.loss_curve), run_time=1.2)
            self.play(Flash(p.loss_min, color=S.POSTERIOR, flash_radius=0.4), pulse(*eq[:3], scale=1.3), run_time=1.0)

    def gaussian_prior_beat(self) -> None:
        p = self.panels
        eq = p.prior_eq
        self.prior_fill = p.prior_area()
        with self.beat("gaussian_prior") as t:
            self.wait_until_bookmark("bell")
            self.play(Write(eq), Create(p.prior_plot), run_time=max(1.0, t.time_until_bookmark("gauss") - 0.1))
            self.wait_until_bookmark("gauss")
            self.play(pulse(eq[4]), Create(p.prior_curve), run_time=max(1.2, t.time_until_bookmark("width") - 0.1))
            self.wait_until_bookmark("width")
            self.play(pulse(eq[5], scale=1.4), run_time=1.0)
            self.play(flare(p.prior_curve), run_time=max(1.0, t.time_until_bookmark("small") - 0.1))
            self.wait_until_bookmark("small")
            self.bring_to_back(self.prior_fill)
            self.play(FadeIn(self.prior_fill), run_time=1.2)

    def question_beat(self) -> None:
        p = self.panels
        penalty = VGroup(*p.loss_eq[11:15])
        self.box = box = SurroundingRectangle(penalty, color=S.LAMBDA, buff=0.08, corner_radius=0.08)
        self.words = words = ctex(r"\text{Where does}", "+", r"\lambda", "w", "^2", r"\text{ come from?}",
                                  size=S.TITLE_SIZE)
        words.to_edge(DOWN, buff=S.MARGIN + 0.35)
        la, pa = p.loss_plot.axes, p.prior_plot.axes
        w_left, w_right = P.W_RANGE[0] / 2, P.W_RANGE[1]
        start = pa.c2p(w_left, float(gaussian_prior_pdf(w_left, P.SIGMA_START)))
        end = la.c2p(w_right, float(ridge_penalty(w_right, p.lam)[0]))
        self.bridge = bridge = CurvedArrow(start + LEFT * 0.1, end + RIGHT * 0.1, angle=np.pi / 3, color=S.LAMBDA,
                                           stroke_width=3)
        mark = label("?", S.HEADING_SIZE, S.LAMBDA).next_to(bridge, UP, buff=0.1)
        with self.beat("the_question") as t:
            self.wait_until_bookmark("split")
            self.play(Create(p.data_curve), run_time=max(1.0, t.time_until_bookmark("parabola")))
            self.wait_until_bookmark("parabola")
            self.play(Create(p.penalty_curve), run_time=1.5)
            self.play(flare(p.penalty_curve), run_time=max(1.0, t.time_until_bookmark("trick") - 0.1))
            self.wait_until_bookmark("trick")
            self.play(Create(box), pulse(*penalty), run_time=1.2)
            self.wait_until_bookmark("where")
            self.play(Write(words), run_time=1.8)
            self.play(pulse(*words[1:5]), run_time=max(0.8, t.time_until_bookmark("answer") - 0.1))
            self.wait_until_bookmark("answer")
            self.play(Create(bridge), FadeIn(mark, shift=UP * 0.2), flare(p.prior_curve), run_time=1.5)
        self.question = VGroup(box, words, bridge, mark)

    def title_beat(self) -> None:
        p = self.panels
        old = VGroup(p.loss_eq, p.loss_plot, p.loss_curve, p.data_curve, p.penalty_curve, p.loss_min, p.prior_eq,
                     p.prior_plot, p.prior_curve, self.prior_fill, self.question)
        self.title = title = Text("From MLE to MAP", font=S.FONT, font_size=S.TITLE_SIZE * 1.3 * S.TEXT_SCALE,
                                  color=S.TEXT, t2c={"MLE": S.LIKELIHOOD, "MAP": S.POSTERIOR})
        self.subtitle = subtitle = label("L2 regularization is Bayesian in disguise", S.HEADING_SIZE, S.MUTED)
        heading = VGroup(title, subtitle).arrange(DOWN, buff=0.35).move_to(UP * 1.3)
        self.motif = self.make_motif().next_to(heading, DOWN, buff=0.6)
        with self.beat("title_card") as t:
            self.play(FadeOut(old), run_time=max(0.3, t.time_until_bookmark("mle")))
            self.wait_until_bookmark("mle")
            self.play(Write(title), run_time=1.2)
            self.wait_until_bookmark("map")
            self.play(pulse(*title[9:12]), run_time=1.0)
            self.wait_until_bookmark("l2")
            self.play(FadeIn(subtitle, shift=UP * 0.2), Create(self.motif), run_time=2.0)
        self.fade_all()

    def make_motif(self) -> VGroup:
        """Likelihood, prior and posterior of the house data over w: the story in one small picture."""
        d = self.panels.data
        w = self.panels.w
        plot = make_axes((*P.W_RANGE, nice_step(*P.W_RANGE)), (0, 1.1, 0.5), 7.0, 1.8, numbers=False)
        axes = plot.axes
        axes.y_axis.set_opacity(0)
        curves = VGroup(
            ArrayCurve(axes, w, likelihood_curve(w, d.x, d.y, P.SIGMA_N), S.LIKELIHOOD, 4),
            ArrayCurve(axes, w, peak_normalised(gaussian_prior_logpdf(w, P.SIGMA_START)), S.PRIOR, 4),
            ArrayCurve(axes, w, posterior_curve(w, d.x, d.y, P.SIGMA_N, P.SIGMA_START), S.POSTERIOR, 5),
        )
        return VGroup(plot, curves)


class ThumbnailScene(Scene):
    """YouTube thumbnail (render its last frame at 1280x720): big title, the penalty and the prior it hides."""

    def construct(self) -> None:
        self.camera.background_color = S.BACKGROUND
        p = Panels()
        title = Text("Ridge is secretly Bayesian", font=S.FONT, font_size=S.TITLE_SIZE * 1.7 * S.TEXT_SCALE,
                     color=S.TEXT, weight="BOLD", t2c={"Bayesian": S.POSTERIOR})
        title.scale_to_fit_width(min(title.width, S.FRAME_W - 2 * S.MARGIN)).to_edge(UP, buff=S.MARGIN + 0.2)
        penalty = ctex("+", r"\lambda", "w", "^2", size=S.TITLE_SIZE * 3.2)
        equals = ctex("=", size=S.TITLE_SIZE * 3.2)
        p.prior_plot.axes.y_axis.set_opacity(0)
        bell = VGroup(p.prior_plot, p.prior_area(0.35), p.prior_curve.set_stroke(width=10))
        bell.scale_to_fit_width(5.6)
        caption = label("Gaussian prior", S.TITLE_SIZE, S.PRIOR)
        right = VGroup(bell, caption).arrange(DOWN, buff=0.25)
        row = VGroup(penalty, equals, right).arrange(RIGHT, buff=0.6)
        row.scale_to_fit_width(min(row.width, S.FRAME_W - 2 * S.MARGIN)).next_to(title, DOWN, buff=0.7)
        box = SurroundingRectangle(penalty, color=S.LAMBDA, buff=0.2, corner_radius=0.15, stroke_width=8)
        note = label("the L2 penalty", S.TITLE_SIZE, S.LAMBDA).next_to(box, DOWN, buff=0.25)
        note.align_to(caption, DOWN)
        note.shift(RIGHT * max(0.0, -S.FRAME_W / 2 + S.MARGIN - note.get_left()[0]))
        self.add(title, row, box, note)
