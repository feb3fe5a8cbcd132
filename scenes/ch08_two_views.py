"""Chapter 8: data loss + lambda w^2 beside -log p(w | D); as lambda slides both minima stay together."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    AnimationGroup,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Transform,
    ValueTracker,
    VGroup,
    Write,
)

from mathcore import parameters as P
from mathcore.datasets import house_prices
from mathcore.likelihood import log_likelihood
from mathcore.loss_views import posterior_loss_axis, ridge_loss_axis, window_grid, zoom_unit, zoom_window
from mathcore.objectives import TwoViews, data_loss, neg_log_posterior, ridge_objective, ridge_penalty, two_views
from mathcore.prior import gaussian_prior_logpdf
from mathcore.regularization import lambda_from_sigmas, sigma_from_lambda
from scenes import style as S
from scenes.base import MIN_CUE, ChapterScene
from scenes.parts import (
    OnAxes,
    Readout,
    Slider,
    ctex,
    flare,
    label,
    live_flare,
    live_grow,
    make_axes,
    pulse,
    put_line,
    to_scene,
    tracked_curve,
)

PANEL_X, PANEL_W, PANEL_H, PANEL_TOP, HEADING_Y = 3.5, 5.0, 3.1, 2.0, 3.35
#: Shortest animation a bookmark cue plays when the next bookmark is close; lambda stops this long before the
#: beat's words end.


class MinimumMarker(OnAxes, VGroup):
    """A dot on a curve's minimum with a dashed drop line to the w axis, following ``where()``."""

    def __init__(self, axes, where: Callable[[], float], curve_at: Callable[[np.ndarray], np.ndarray]) -> None:
        self.axes, self.where, self.curve_at = axes, where, curve_at
        self.line = DashedLine(ORIGIN, UP, color=S.POSTERIOR, stroke_width=3)
        self.dot = Dot(radius=0.09, color=S.WEIGHT)
        super().__init__(self.line, self.dot)
        self.add_updater(lambda m: m.follow())
        self.follow()

    def follow(self) -> None:
        w = self.where()
        bottom, top = to_scene(self.axes, [w, w], [0.0, float(self.curve_at(np.array([w]))[0])])
        put_line(self.line, bottom, top)
        self.dot.move_to(top)

    @property
    def w(self) -> float:
        """The marker's w, read back from the dot's position on the axes."""
        return float(self.axes.p2c(self.dot.get_center())[0])


class TwoViewsScene(ChapterScene):
    chapter = "ch08_two_views"
    #: The beat whose last frame stands for the chapter (contact sheet, previews).
    contact_beat = "lambda_strong"

    def construct(self) -> None:
        self.data = house_prices()
        self.story_lambda = lambda_from_sigmas(P.SIGMA_N, P.SIGMA_START)
        self.lam = ValueTracker(self.story_lambda)
        # Both panels' windows, from the story's numbers (w in (0, 4), losses up to 150 and 45 for the shipped one).
        self.view_w = zoom_window(zoom_unit(self.data.x, self.data.y, P.DESCENT_START))
        self.w = window_grid(self.view_w, P.w_grid())
        x, y = self.data.x, self.data.y
        self.left_y = ridge_loss_axis(self.w, x, y, self.story_lambda, P.LAMBDA_SWEEP)
        self.right_y = posterior_loss_axis(self.w, x, y, P.SIGMA_N, P.SIGMA_START)
        self._cache: tuple[float, TwoViews] | None = None
        self.two_views_beat()
        self.same_minimum_beat()
        self.lambda_strong_beat()
        self.lambda_weak_beat()
        self.same_math_beat()

    # -- mathcore --------------------------------------------------------------------------------
    def views(self) -> TwoViews:
        """Both objectives at the current lambda (computed once per frame, shared by every updater)."""
        lam = self.lam.get_value()
        if self._cache is None or self._cache[0] != lam:
            self._cache = (lam, two_views(self.w, self.data.x, self.data.y, P.SIGMA_N, lam))
        return self._cache[1]

    def sigma(self) -> float:
        return sigma_from_lambda(self.lam.get_value(), P.SIGMA_N)

    # -- layout ----------------------------------------------------------------------------------
    def panel(self, y_range: tuple[float, float, float], side: np.ndarray, title: str, formula) -> VGroup:
        plot = make_axes(self.view_w.manim_range, y_range, PANEL_W, PANEL_H, None, None)
        plot.name_x(ctex("w", size=S.BODY_SIZE).next_to(plot.axes.x_axis, RIGHT, buff=0.15))
        plot.set_x(side[0] * PANEL_X)
        plot.shift(UP * (PANEL_TOP - plot.axes.get_top()[1]))
        heading = label(title, S.HEADING_SIZE * 0.75, S.TEXT).set_y(HEADING_Y)
        formula.next_to(heading, DOWN, buff=0.25)
        VGroup(heading, formula).set_x(plot.axes.get_x())
        plot.heading = VGroup(heading, formula)
        return plot


    # -- beats -----------------------------------------------------------------------------------
    def two_views_beat(self) -> None:
        x, y = self.data.x, self.data.y
        left_formula = ctex(r"\sum(", "y_i", "-", "w", "x_i", r")^2", "+", r"\lambda", "w^2",
                            colors={r"\sum(": S.LIKELIHOOD, "-": S.LIKELIHOOD, r")^2": S.LIKELIHOOD})
        right_formula = ctex(r"-\log", "p(", "D", "|", "w", ")", r"-\log", "p(", "w", ")",
                             colors={"p(": S.LIKELIHOOD, "|": S.LIKELIHOOD, ")": S.LIKELIHOOD})
        for part in right_formula.submobjects[7:]:
            if part.tex_string in ("p(", ")"):
                part.set_color(S.PRIOR)
        self.terms = {"sq": left_formula.submobjects[:6], "pen": left_formula.submobjects[7:],
                      "nll": right_formula.submobjects[:6], "nlp": right_formula.submobjects[6:]}
        self.left = self.panel(self.left_y.manim_range, LEFT, "Regularization view", left_formula)
        self.right = self.panel(self.right_y.manim_range, RIGHT, "Bayesian view", right_formula)
        la, ra = self.left.axes, self.right.axes
        self.left_curves = VGroup(
            tracked_curve(la, self.w, lambda: data_loss(self.w, x, y), S.LIKELIHOOD, 3),
            tracked_curve(la, self.w, lambda: ridge_penalty(self.w, self.lam.get_value()), S.LAMBDA, 3),
            tracked_curve(la, self.w, lambda: self.views().ridge, S.POSTERIOR, 6),
        )
        self.right_curves = VGroup(
            tracked_curve(ra, self.w, lambda: -log_likelihood(self.w, x, y, P.SIGMA_N), S.LIKELIHOOD, 3),
            tracked_curve(ra, self.w, lambda: -gaussian_prior_logpdf(self.w, self.sigma()), S.PRIOR, 3),
            tracked_curve(ra, self.w, lambda: self.views().neg_log_post, S.POSTERIOR, 6),
        )
        (loss, penalty, ridge), (nll, nlp, post) = self.left_curves, self.right_curves
        # The knob below both panels comes in with the lambda of the left formula, sigma with the right one's prior.
        self.slider = Slider(self.lam, min(P.LAMBDA_SWEEP), max(P.LAMBDA_SWEEP), r"\lambda", S.LAMBDA, length=3.0)
        self.slider.move_to(DOWN * 3.0)
        self.sigma_readout = Readout(r"\sigma", lambda: self.sigma(), S.PRIOR)
        self.sigma_readout.next_to(self.slider.track, RIGHT, buff=0.4)
        with self.beat("two_views"):
            self.play(Create(self.left), Create(self.right), run_time=1.5)
            self.at("left", FadeIn(self.left.heading, shift=DOWN * 0.2), most=1.0, until="sq")
            self.at("sq", Create(loss), pulse(*self.terms["sq"]), most=1.0, until="pen")
            self.at("pen", AnimationGroup(Create(penalty), Create(ridge), lag_ratio=0.5),
                    pulse(*self.terms["pen"]), FadeIn(self.slider, shift=UP * 0.2), most=1.2, until="right")
            self.at("right", FadeIn(self.right.heading, shift=DOWN * 0.2), most=1.0, until="nll")
            self.at("nll", Create(nll), pulse(*self.terms["nll"]), most=1.0, until="nlp")
            self.at("nlp", AnimationGroup(Create(nlp), Create(post), lag_ratio=0.5),
                    pulse(*self.terms["nlp"]), FadeIn(self.sigma_readout, shift=LEFT * 0.2), most=1.2)

    def same_minimum_beat(self) -> None:
        la, ra = self.left.axes, self.right.axes
        self.left_marker = MinimumMarker(la, lambda: self.views().ridge_argmin, lambda w: ridge_objective(
            w, self.data.x, self.data.y, self.lam.get_value()))
        self.right_marker = MinimumMarker(ra, lambda: self.views().neg_log_post_argmin, lambda w: neg_log_posterior(
            w, self.data.x, self.data.y, P.SIGMA_N, self.lam.get_value()))
        self.left_readout = Readout(r"w^*", lambda: self.views().ridge_argmin, S.POSTERIOR)
        self.right_readout = Readout(r"w_{\text{MAP}}", lambda: self.views().neg_log_post_argmin, S.POSTERIOR)
        for readout, plot in ((self.left_readout, self.left), (self.right_readout, self.right)):
            readout.next_to(plot, DOWN, buff=0.3).set_x(plot.axes.get_x())
        self.equals = ctex("=", size=S.HEADING_SIZE).move_to(
            (self.left_readout.get_center() + self.right_readout.get_center()) / 2)
        with self.beat("same_minimum") as t:
            self.at("bottom", Create(self.left_marker), Create(self.right_marker), most=1.5, until="agree")
            # The left minimum's drop line carried over onto the right one: the same w on both w axes.
            ghost = self.left_marker.line.copy().clear_updaters().set_stroke(width=6)
            self.at("agree", FadeIn(self.left_readout), FadeIn(self.right_readout),
                    Transform(ghost, self.right_marker.line.copy().set_stroke(width=6)), most=1.0, until="lam")
            self.play(FadeOut(ghost), FadeIn(self.equals, scale=1.5), Indicate(self.right_marker.dot, scale_factor=1.6),
                      run_time=min(0.6, max(MIN_CUE, t.time_until_bookmark("lam"))))
            self.at("lam", pulse(self.slider.readout, scale=1.3), most=1.0, until="width")
            self.at("width", pulse(self.sigma_readout, scale=1.3), most=1.0)

    def lambda_strong_beat(self) -> None:
        (_, penalty, _), (_, prior, _) = self.left_curves, self.right_curves
        dots = (self.left_marker.dot, self.right_marker.dot)
        with self.beat("lambda_strong", loop=True) as t:
            self.glide(t, self.lam, max(P.LAMBDA_SWEEP), {"up": [live_grow(self.slider.knob)],
                                                          "steep": [live_flare(penalty)], "narrow": [live_flare(prior)],
                                                          "slide": [live_grow(d) for d in dots]}, log=True)

    def lambda_weak_beat(self) -> None:
        (_, penalty, _), (_, prior, _) = self.left_curves, self.right_curves
        dots = (self.left_marker.dot, self.right_marker.dot)
        with self.beat("lambda_weak", loop=True) as t:
            self.glide(t, self.lam, min(P.LAMBDA_SWEEP), {"down": [live_grow(self.slider.knob)],
                                                          "relax": [live_flare(penalty)], "widen": [live_flare(prior)],
                                                          "drift": [live_grow(d) for d in dots]}, log=True)

    def same_math_beat(self) -> None:
        identity = ctex(r"-\log", "p(", "w", "|", "D", ")", "=", r"\frac{1}{2", r"\sigma_n^2", "}", r"\Big[",
                        r"\sum(", "y_i", "-", "w", "x_i", r")^2", "+", r"\lambda", "w^2", r"\Big]", "+",
                        r"\text{const}", size=S.BODY_SIZE,
                        colors={"p(": S.POSTERIOR, "|": S.POSTERIOR, ")": S.POSTERIOR, r"\sigma_n^2": S.NOISE,
                                r"\sum(": S.LIKELIHOOD, "-": S.LIKELIHOOD, r")^2": S.LIKELIHOOD})
        identity.move_to(self.slider.track).to_edge(DOWN, buff=S.MARGIN + 0.1)
        self.identity = identity
        ridges, prior = (self.left_curves[2], self.right_curves[2]), self.right_curves[1]
        with self.beat("same_math"):
            self.at("never", self.lam.animate.set_value(self.story_lambda), pulse(self.equals, scale=1.5),
                    most=1.5, until="rightc")
            self.at("rightc", AnimationGroup(flare(ridges[1]), flare(ridges[0]), lag_ratio=0.5),
                    FadeOut(self.slider), FadeOut(self.sigma_readout), most=1.5, until="over")
            self.at("over", Write(identity), most=2.0, until="choose")
            self.at("choose", pulse(identity.submobjects[18], scale=1.6), flare(prior), most=1.0)
        self.fade_all()
