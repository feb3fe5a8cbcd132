"""Chapter 6: Bayes' rule on one w axis; the prior's width decides the tug-of-war between data and belief."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Brace,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Flash,
    Indicate,
    Line,
    ReplacementTransform,
    ValueTracker,
    VGroup,
    Write,
    config,
)

from mathcore import parameters as P
from mathcore.axes import nice_step
from mathcore.datasets import house_prices
from mathcore.likelihood import likelihood_curve, mle_slope, peak_normalised
from mathcore.posterior import map_slope, posterior_curve, shrinkage_factor
from mathcore.prior import gaussian_prior_logpdf
from scenes import style as S
from scenes.base import ChapterScene
from scenes.parts import ArrayCurve, Readout, Slider, WMarker, ctex, flare, label, make_axes, pulse, tracked_curve

#: Heights (in display units, curves peak at 1) of the MLE and MAP marker tops: apart so tags never collide.
MLE_TOP = 1.32
MAP_TOP = 1.08


def bayes_tex(size: float = S.BODY_SIZE):
    """p(w | D) ∝ p(D | w) · p(w), each factor in its curve's colour (w white, D cyan inside)."""
    tex = ctex(r"p(", "w", r"\mid", "D", r")", r"\propto", r"p(", "D", r"\mid", "w", r")", r"\cdot",
               r"p(", "w", r")", size=size)
    for index, color in ((0, S.POSTERIOR), (2, S.POSTERIOR), (4, S.POSTERIOR), (6, S.LIKELIHOOD),
                         (8, S.LIKELIHOOD), (10, S.LIKELIHOOD), (12, S.PRIOR), (14, S.PRIOR)):
        tex[index].set_color(color)
    return tex


def slope_unit(scale: float, prefix: str, symbol: str) -> str:
    """One unit of w in the story's words ([words] slope_scale, slope_prefix, slope_symbol): "$100 per sq ft"
    (shipped), "points/h" when w is already in them. Given the three values, not the section, so the cache key
    takes only those (production/rendering/reach.py)."""
    shown = "" if scale == 1 and not prefix else f"{scale:g} "
    return f"{prefix}{shown}{symbol}"


class PosteriorScene(ChapterScene):
    chapter = "ch06_posterior"
    #: The beat whose last frame stands for the chapter (contact sheet, previews).
    contact_beat = "sigma_tight"

    def construct(self) -> None:
        self.data = house_prices()
        self.sigma = ValueTracker(P.SIGMA_START)
        self.w = P.w_grid()
        self.bayes_rule_beat()
        self.three_curves_beat()
        self.tight_prior_beat()
        self.wide_prior_beat()

    # mathcore views of the current state
    def likelihood_values(self):
        return likelihood_curve(self.w, self.data.x, self.data.y, P.SIGMA_N)

    def prior_values(self):
        return peak_normalised(gaussian_prior_logpdf(self.w, self.sigma.get_value()))

    def posterior_values(self):
        return posterior_curve(self.w, self.data.x, self.data.y, P.SIGMA_N, self.sigma.get_value())

    def mle(self) -> float:
        return mle_slope(self.data.x, self.data.y)

    def map(self) -> float:
        return map_slope(self.data.x, self.data.y, P.SIGMA_N, self.sigma.get_value())

    def shrinkage(self) -> float:
        return shrinkage_factor(self.data.x, P.SIGMA_N, self.sigma.get_value())

    def bayes_rule_beat(self) -> None:
        self.equation = bayes_tex(S.TITLE_SIZE)
        eq = self.equation
        notes = VGroup()
        for parts, name, color in ((eq[0:5], "posterior", S.POSTERIOR), (eq[6:11], "likelihood", S.LIKELIHOOD),
                                   (eq[12:15], "prior", S.PRIOR)):
            brace = Brace(VGroup(*parts), DOWN, color=color, buff=0.15)
            notes.add(VGroup(brace, label(name, S.LABEL_SIZE, color).next_to(brace, DOWN, buff=0.12)))
        self.notes = notes
        marks = ("posterior", "likelihood", "prior")
        with self.beat("bayes_rule"):
            self.play(Write(eq), run_time=self.until("posterior", 2.5))
            for mark, nxt, note, parts in zip(marks, ("proportional", *marks[2:], None), notes,
                                              (eq[0:5], eq[6:11], eq[12:15]), strict=True):
                self.at(mark, FadeIn(note, shift=UP * 0.15), pulse(*parts, scale=1.12), until=nxt, most=1.2)
                if mark == "posterior":
                    self.at("proportional", pulse(eq[5], scale=1.5), until="likelihood", most=1.0)
            rest = self.current_tracker.get_remaining_duration() - 1.0
            if rest > 1.0 / config.frame_rate:
                self.wait(rest)
            self.play(FadeOut(notes), eq.animate.scale(S.BODY_SIZE / S.TITLE_SIZE).to_edge(UP, buff=S.MARGIN),
                      run_time=1.0)

    def three_curves_beat(self) -> None:
        unit = slope_unit(P.STORY.words.slope_scale, P.STORY.words.slope_prefix, P.STORY.words.slope_symbol)
        self.plot = make_axes((*P.W_RANGE, nice_step(*P.W_RANGE)), (0, MLE_TOP + 0.08, 0.5), 8.6, 4.9,
                              f"w (slope, {unit})")
        axes = self.plot.axes
        axes.y_axis.set_opacity(0)  # heights are scaled to peak 1, so only the w axis carries meaning
        axes.x_axis.add(axes.x_axis.get_number_mobject(0))
        self.plot.to_corner(DOWN + LEFT, buff=S.MARGIN).shift(RIGHT * 0.2 + UP * 0.1)
        self.like_curve = ArrayCurve(axes, self.w, self.likelihood_values(), S.LIKELIHOOD, 3.5)
        self.prior_curve = tracked_curve(axes, self.w, lambda: self.prior_values(), S.PRIOR, 5)
        self.post_curve = tracked_curve(axes, self.w, lambda: self.posterior_values(), S.POSTERIOR, 7)
        self.like_curve.set_z_index(2)
        self.mle_marker = WMarker(axes, lambda: self.mle(), S.LIKELIHOOD, "MLE", height=MLE_TOP)
        self.map_marker = WMarker(axes, lambda: self.map(), S.POSTERIOR, "MAP", height=MAP_TOP, backing=True)
        self.rope = self.make_rope()

        self.slider = Slider(self.sigma, P.SIGMA_MIN, P.SIGMA_MAX, r"\sigma", S.PRIOR, length=3.0)
        self.mle_readout = Readout(r"\text{MLE}", lambda: self.mle(), S.LIKELIHOOD)
        self.map_readout = Readout(r"\text{MAP}", lambda: self.map(), S.POSTERIOR)
        self.ratio_readout = Readout(r"\text{MAP/MLE}", lambda: self.shrinkage(), S.POSTERIOR)
        self.legend = self.make_legend()
        panel = VGroup(self.slider, self.mle_readout, self.map_readout, self.ratio_readout, self.legend)
        panel.arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        self.legend.shift(DOWN * 0.35)
        panel.next_to(self.plot, RIGHT, buff=0.5).align_to(axes, UP).shift(DOWN * 0.2)

        with self.beat("three_curves"):
            self.play(Create(self.plot), run_time=self.until("orange", 1.6))
            self.at("orange", Create(self.like_curve), FadeIn(self.legend[0]), until="mle", most=1.4)
            self.at("mle", FadeIn(self.mle_marker), FadeIn(self.mle_readout), until="purple", most=1.0)
            self.at("purple", Create(self.prior_curve), FadeIn(self.slider), FadeIn(self.legend[1]),
                    until="multiply", most=1.4)
            product = VGroup(self.like_curve.copy().set_z_index(0), self.prior_curve.copy().clear_updaters())
            self.post_curve.suspend_updating()
            self.at("multiply", ReplacementTransform(product, self.post_curve), FadeIn(self.legend[2:]),
                    until="map", most=2.0)
            self.post_curve.resume_updating()
            self.at("map", FadeIn(self.map_marker), FadeIn(self.map_readout), until="knot", most=1.0)
            self.at("knot", Create(self.rope), FadeIn(self.ratio_readout), most=1.2)
            # A flash at the knot, not a pulse of it: animating a part of the rope would stop the rope's updater.
            self.play(Flash(self.rope[2][2], color=S.POSTERIOR, flash_radius=0.3), run_time=0.8)

    def make_legend(self) -> VGroup:
        """Swatch and name of each curve, then a note on the vertical scale."""
        rows = VGroup()
        for name, color in (("likelihood", S.LIKELIHOOD), ("prior", S.PRIOR), ("posterior", S.POSTERIOR)):
            swatch = Line(LEFT * 0.25, RIGHT * 0.25, color=color, stroke_width=6)
            rows.add(VGroup(swatch, label(name, S.SMALL_SIZE, color).next_to(swatch, RIGHT, buff=0.15)))
        rows.add(label("each scaled to peak 1", S.SMALL_SIZE, S.MUTED))
        for i, row in enumerate(rows):  # even steps between the swatches: descenders (p, g) must not shift a row
            anchor = row[0] if isinstance(row, VGroup) else row
            row.shift(LEFT * row.get_left()[0] + UP * (-0.45 * i - anchor.get_y()))
        return rows

    def make_rope(self) -> VGroup:
        """A rope from the prior's centre (w = 0) to the MLE; the MAP is the knot where the two pulls balance."""
        axes = self.plot.axes
        prior_side = Line(axes.c2p(0, MAP_TOP), axes.c2p(self.map(), MAP_TOP), color=S.PRIOR, stroke_width=6)
        data_side = Line(axes.c2p(self.map(), MAP_TOP), axes.c2p(self.mle(), MAP_TOP), color=S.LIKELIHOOD,
                         stroke_width=6)
        prior_side.add_updater(lambda m: m.put_start_and_end_on(axes.c2p(0, MAP_TOP), axes.c2p(self.map(), MAP_TOP)))
        data_side.add_updater(
            lambda m: m.put_start_and_end_on(axes.c2p(self.map(), MAP_TOP), axes.c2p(self.mle(), MAP_TOP)))
        ends = VGroup(Dot(radius=0.07, color=S.PRIOR), Dot(radius=0.07, color=S.LIKELIHOOD),
                      Dot(radius=0.09, color=S.POSTERIOR))
        ends.add_updater(lambda m: [dot.move_to(axes.c2p(w, MAP_TOP)) for dot, w in zip(
            m, (0.0, self.mle(), self.map()), strict=True)])
        ends.update()
        return VGroup(prior_side, data_side, ends)

    def tight_prior_beat(self) -> None:
        axes = self.plot.axes
        half = self.mle() / 2
        # A tick on the rope at half the MLE: the knot (the MAP) ends up well left of it.
        tick = Line(axes.c2p(half, MAP_TOP - 0.06), axes.c2p(half, MAP_TOP + 0.06), color=S.LIKELIHOOD,
                    stroke_width=5)
        note = label("half the MLE", S.SMALL_SIZE, S.LIKELIHOOD).next_to(tick, UP, buff=0.1).align_to(tick, LEFT)
        note.shift(RIGHT * 0.2)
        note.add_background_rectangle(color=S.BACKGROUND, opacity=1.0, buff=0.04)
        self.map_marker.tag.set_z_index(3)  # the MAP tag's backing covers the tick where they meet
        self.half_mark = VGroup(tick, note)
        with self.beat("sigma_tight"):
            self.at("tighten", pulse(*self.slider.readout, scale=1.3), Indicate(self.slider.knob, color=S.PRIOR),
                    until="snaps", most=1.0)
            self.at("snaps", self.sigma.animate.set_value(P.SIGMA_MIN), until="map", most=3.0)
            self.at("map", pulse(*self.map_readout, scale=1.3),
                    until="half", most=1.0)
            self.at("half", Create(self.half_mark), pulse(*self.ratio_readout, scale=1.3), most=1.2)

    def wide_prior_beat(self) -> None:
        with self.beat("sigma_wide", loop=True):
            self.at("loosen", self.sigma.animate.set_value(P.SIGMA_MAX), FadeOut(self.half_mark), until="back",
                    most=4.0)
            self.at("back", pulse(*self.map_readout, scale=1.3), pulse(*self.mle_readout, scale=1.3),
                    until="wins", most=1.2)
            self.at("wins", pulse(*self.ratio_readout, scale=1.35), flare(self.like_curve, 2.0), most=1.2)
        self.fade_all()
