"""Chapter 10: other regularisers are other priors (Laplace, elastic net, dropout), weight decay is a prior width."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    UR,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    ManimColor,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    Write,
)

from mathcore import parameters as P
from mathcore.axes import nice_step
from mathcore.datasets import house_prices
from mathcore.likelihood import likelihood_curve, peak_normalised
from mathcore.loss_views import window_grid, zoom_unit, zoom_window
from mathcore.posterior import log_posterior_unnormalised, map_slope
from mathcore.prior import gaussian_prior_logpdf, gaussian_prior_pdf, laplace_prior_logpdf
from mathcore.regularization import sigma_from_lambda
from mathcore.sparsity import (
    elastic_net_log_posterior,
    elastic_net_map_slope,
    elastic_net_prior_logpdf,
    laplace_log_posterior,
    laplace_map_slope,
    laplace_scale_matching_variance,
)
from scenes import style as S
from scenes.base import MIN_CUE, ChapterScene
from scenes.parts import (
    ArrayCurve,
    Card,
    Readout,
    Slider,
    WMarker,
    ctex,
    flare,
    label,
    live_flare,
    live_grow,
    make_axes,
    pulse,
    tracked_curve,
)

#: Layout: the size of the prior panels and the centres of the three columns.
PANEL_W, PANEL_H = 3.7, 3.3
COLUMN_X = (-4.5, 0.0, 4.5)
#: Layout: heights of the panel formulas' and headings' centres above the plot.
FORMULA_RISE, HEADING_RISE = 0.8, 1.45
#: Layout: the centres of the two panels before the elastic-net panel joins them.
PAIR_X = (-2.6, 2.6)
#: Layout: dense w samples so the narrowest prior (sigma 0.05) is drawn smoothly.
W_SAMPLES_DENSE = 4801
#: Squared sigmas coloured as single TeX parts (so the exponent sits tight against its subscript).
SQUARES = {r"\sigma_n^2": S.NOISE, r"\sigma^2": S.PRIOR}
#: Shortest animation a bookmark cue plays when the next bookmark is close; a glide stops this long before the
#: beat's words end.


@dataclass
class PriorFamily:
    """One regulariser seen as a prior: its name, prior formula, log prior, log posterior and MAP."""

    name: str
    formula: tuple[str, ...]
    log_prior: Callable[[np.ndarray, float], np.ndarray]
    log_post: Callable[[np.ndarray, float], np.ndarray]
    map_w: Callable[[float], float]


class Panel(VGroup):
    """Likelihood, prior and posterior of one family over w, with the MAP marker and its readout."""

    def __init__(self, family: PriorFamily, window: tuple[float, float, float], w: np.ndarray, like: np.ndarray,
                 sigma: Callable[[], float]) -> None:
        self.family = family
        heading = label(family.name, S.BODY_SIZE, S.TEXT)
        formula = ctex(*family.formula, size=S.BODY_SIZE, colors={"p(": S.PRIOR, ")": S.PRIOR})
        self.plot = make_axes(window, (0, 1.1, 0.5), PANEL_W, PANEL_H)
        axes = self.plot.axes
        axes.y_axis.remove(axes.y_axis.numbers)
        self.like = ArrayCurve(axes, w, like, S.LIKELIHOOD, 3)
        self.prior = tracked_curve(axes, w, lambda: peak_normalised(family.log_prior(w, sigma())), S.PRIOR, 3)
        self.post = tracked_curve(axes, w, lambda: peak_normalised(family.log_post(w, sigma())), S.POSTERIOR, 5)
        self.marker = WMarker(axes, lambda: family.map_w(sigma()), S.POSTERIOR, "MAP", height=1.0)
        self.readout = Readout(r"w_{\mathrm{MAP}}", lambda: family.map_w(sigma()), S.POSTERIOR, size=S.BODY_SIZE)
        # Fixed heights above the plot, so the headings of all panels line up whatever their formulas.
        plot_top = self.plot.axes.get_top()[1]
        formula.move_to([self.plot.axes.get_x(), plot_top + FORMULA_RISE, 0])
        heading.move_to([self.plot.axes.get_x(), plot_top + HEADING_RISE, 0])
        top = VGroup(heading, formula)
        self.readout.next_to(self.plot, DOWN, buff=0.25)
        self.curves = VGroup(self.like, self.prior, self.post)
        super().__init__(top, self.plot, self.curves, self.marker, self.readout)
        self.top = top


class TakeawaysScene(ChapterScene):
    chapter = "ch10_what_it_means"
    #: The beat whose last frame stands for the chapter (contact sheet, previews).
    contact_beat = "elastic_net"

    def construct(self) -> None:
        self.data = house_prices()
        self.sigma_n = self.data.meta["sigma_n"]
        self.log_sigma = ValueTracker(float(np.log(P.SPARSITY_SIGMAS[0])))
        # The zoomed w window of chapters 7 and 8, one step further left: the L1 prior's MAP reaches w = 0.
        self.window = zoom_window(zoom_unit(self.data.x, self.data.y, P.DESCENT_START), left=1)
        self.w = window_grid(self.window, P.w_grid(W_SAMPLES_DENSE))
        self.laplace_beat()
        self.exact_zero_beat()
        self.elastic_net_beat()
        self.dropout_beat()
        self.weight_decay_beat()
        self.end_card_beat()

    def sigma(self) -> float:
        return float(np.exp(self.log_sigma.get_value()))

    def families(self) -> dict[str, PriorFamily]:
        x, y, sn, mix = self.data.x, self.data.y, self.sigma_n, P.ELASTIC_MIX
        scale = laplace_scale_matching_variance
        return {
            "gauss": PriorFamily(
                "Ridge (L2)", ("p(", "w", ")", r"\propto", r"e^{-", "w", r"^2/2", r"\sigma", "^2}"),
                gaussian_prior_logpdf, lambda w, s: log_posterior_unnormalised(w, x, y, sn, s),
                lambda s: map_slope(x, y, sn, s)),
            "laplace": PriorFamily(
                "Lasso (L1)", ("p(", "w", ")", r"\propto", r"e^{-|", "w", r"|/b}", r",\;", "b", "=",
                               r"\sigma", r"/\sqrt{2}"),
                lambda w, s: laplace_prior_logpdf(w, scale(s)),
                lambda w, s: laplace_log_posterior(w, x, y, sn, scale(s)),
                lambda s: laplace_map_slope(x, y, sn, scale(s))),
            "elastic": PriorFamily(
                "Elastic net", ("p(", "w", ")", r"\propto", r"p_{L1}(", "w", r")^{\alpha}", r"\,p_{L2}(", "w",
                                r")^{1-\alpha}"),
                lambda w, s: elastic_net_prior_logpdf(w, s, mix),
                lambda w, s: elastic_net_log_posterior(w, x, y, sn, s, mix),
                lambda s: elastic_net_map_slope(x, y, sn, s, mix)),
        }

    def legend(self) -> VGroup:
        rows = VGroup()
        for name, color in (("likelihood", S.LIKELIHOOD), ("prior", S.PRIOR), ("posterior", S.POSTERIOR)):
            swatch = Line(LEFT * 0.25, RIGHT * 0.25, color=color, stroke_width=6)
            rows.add(VGroup(swatch, label(name, S.LABEL_SIZE, color)).arrange(RIGHT, buff=0.15))
        return rows.arrange(RIGHT, buff=0.45)


    # --- beats ---
    def laplace_beat(self) -> None:
        like = likelihood_curve(self.w, self.data.x, self.data.y, self.sigma_n)
        fams = self.families()
        self.panels = {key: Panel(fam, self.window.manim_range, self.w, like, self.sigma) for key, fam in fams.items()}
        for key, x in (("gauss", PAIR_X[0]), ("laplace", PAIR_X[1]), ("elastic", COLUMN_X[2])):
            self.panels[key].to_edge(DOWN, buff=S.MARGIN + 0.1).set_x(x)
        self.key = self.legend().to_corner(UL, buff=S.MARGIN)
        # A logarithmic slider: the knob follows log sigma, the readout shows sigma itself.
        self.slider = Slider(self.log_sigma, float(np.log(min(P.SPARSITY_SIGMAS))),
                             float(np.log(max(P.SPARSITY_SIGMAS))), r"\sigma", S.PRIOR, length=2.6)
        self.slider.readout.value = lambda: self.sigma()
        self.slider.readout.number.set_value(self.sigma())
        self.slider.to_corner(UR, buff=S.MARGIN)
        g, lp = self.panels["gauss"], self.panels["laplace"]
        axes = lp.plot.axes
        self.sharp_ring = Circle(radius=0.22, color=S.PRIOR, stroke_width=4).move_to(
            axes.c2p(0.0, float(peak_normalised(lp.family.log_prior(np.array([0.0]), self.sigma()))[0])))
        with self.beat("laplace_prior") as t:
            self.play(FadeIn(g.top), Create(g.plot), FadeIn(self.key), FadeIn(self.slider), run_time=0.9)
            self.play(Create(g.prior), Create(g.like),
                      run_time=min(1.0, max(MIN_CUE, t.time_until_bookmark("laplace"))))
            self.at("laplace", FadeIn(lp.top), Create(lp.plot), Create(lp.like), most=1.0, until="tent")
            self.at("tent", Create(lp.prior), most=0.8, until="sharp")
            self.at("sharp", Create(self.sharp_ring), pulse(*lp.top[1].submobjects[4:7]), most=1.0)
            self.at("lasso", *(Create(p.post) for p in (g, lp)), *(FadeIn(p.marker, p.readout) for p in (g, lp)),
                    FadeOut(self.sharp_ring), most=1.3)

    def exact_zero_beat(self) -> None:
        g, lp = self.panels["gauss"], self.panels["laplace"]
        tag = label("exactly zero", S.LABEL_SIZE, S.POSTERIOR)
        tag.next_to(lp.readout, RIGHT, buff=0.3)
        self.zero_tag = tag
        with self.beat("exact_zero") as t:
            self.glide(t, self.log_sigma, float(np.log(P.SPARSITY_SIGMAS[1])),
                       {"tighten": [live_grow(self.slider.knob)], "ridge": [live_flare(g.post)]}, until="hits")
            self.at("hits", FadeIn(tag, shift=LEFT * 0.2), Indicate(lp.readout, color=S.POSTERIOR), most=1.0)
            self.at("point", pulse(*lp.top[1].submobjects[4:7]), flare(lp.prior, widen=2.5), most=1.0)

    def elastic_net_beat(self) -> None:
        g, lp, el = (self.panels[k] for k in ("gauss", "laplace", "elastic"))
        formula = el.top[1].submobjects
        with self.beat("elastic_net") as t:
            self.play(FadeOut(self.zero_tag), g.animate.set_x(COLUMN_X[0]), lp.animate.set_x(COLUMN_X[1]),
                      run_time=max(MIN_CUE, min(1.0, t.time_until_bookmark("blend"))))
            self.at("blend", FadeIn(el.top), Create(el.plot), FadeIn(el.like), most=1.2, until="mix")
            self.at("mix", Create(el.prior), pulse(*formula[4:]), most=1.2, until="keeps")
            self.at("keeps", flare(el.prior, widen=2.5), Create(el.post), FadeIn(el.marker, el.readout),
                    most=1.2, until="loosen")
            self.glide(t, self.log_sigma, float(np.log(P.SPARSITY_SIGMAS[0])),
                       {"loosen": [live_grow(self.slider.knob)], "between": [live_flare(el.post)]})

    def dropout_beat(self) -> None:
        everything = VGroup(*self.panels.values(), self.key, self.slider)
        net = dropout_network()
        card = Card("Dropout", ["Each step drops random units,", "so each step trains a thinned net:",
                                "a sample of the weights.", "Approximate variational inference."],
                    S.PRIOR, width=6.0)
        lines = card[1][1]
        VGroup(net, card).arrange(RIGHT, buff=0.8).move_to(DOWN * 0.1)
        self.net, self.card_lines = net, lines
        with self.beat("dropout"):
            self.play(FadeOut(everything), run_time=0.8)
            self.play(FadeIn(net.edges), FadeIn(net.units), run_time=1.0)
            self.play(FadeIn(card[0]), FadeIn(card[1][0]), FadeIn(lines[0], shift=UP * 0.1), run_time=0.8)
            for mark, line, mask in zip(("thinned", "sample", "vi"), lines[1:], net.masks, strict=True):
                self.at(mark, *net.apply(mask), FadeIn(line, shift=UP * 0.1), most=1.0)
            self.play(*net.apply(np.zeros(len(net.unit_list), dtype=bool)), run_time=0.6)
        self.play(FadeOut(VGroup(net, card)), run_time=0.8)

    def weight_decay_beat(self) -> None:
        lam = ValueTracker(P.LAMBDA_SWEEP[0])
        sigma = lambda: sigma_from_lambda(lam.get_value(), P.SIGMA_N)  # noqa: E731
        equation = ctex(r"\texttt{weight\_decay}", r"\;=\;", r"\lambda", "=", r"{", r"\sigma_n^2", r"\over",
                        r"\sigma^2", "}", r"\quad\Longleftrightarrow\quad", r"\sigma", "=", "{", r"\sigma_n",
                        r"\over", r"\sqrt{", r"\lambda", "}}", size=S.HEADING_SIZE, colors=SQUARES)
        equation.to_edge(UP, buff=S.MARGIN + 0.1)
        peak = float(gaussian_prior_pdf(0.0, sigma_from_lambda(max(P.LAMBDA_SWEEP), P.SIGMA_N)))
        plot = make_axes((*P.W_RANGE, nice_step(*P.W_RANGE)), (0, round(peak + 0.2, 1), 0.5), 8.6, 4.2, "w",
                         ctex("p(", "w", ")", colors={"p(": S.PRIOR, ")": S.PRIOR}))
        plot.to_corner(DOWN + LEFT, buff=S.MARGIN + 0.2).shift(RIGHT * 0.2)
        # No numbers on the density axis: it stands at w = 0, where the narrowed prior's peak would cross them.
        plot.axes.y_axis.remove(plot.axes.y_axis.numbers)
        w = P.w_grid()
        curve = tracked_curve(plot.axes, w, lambda: gaussian_prior_pdf(w, sigma()), S.PRIOR, 5)
        lam_slider = Slider(lam, min(P.LAMBDA_SWEEP), max(P.LAMBDA_SWEEP), r"\lambda", S.LAMBDA, length=3.0)
        sig = Readout(r"\sigma", sigma, S.PRIOR, decimals=2)
        sn = Readout(r"\sigma_n", lambda: P.SIGMA_N, S.NOISE, decimals=1)
        side = VGroup(lam_slider, sn, sig).arrange(DOWN, aligned_edge=LEFT, buff=0.5)
        side.to_edge(RIGHT, buff=S.MARGIN + 0.2).set_y(plot.axes.get_y())
        self.decay = VGroup(equation, plot, curve, side)
        self.lam, self.lam_slider, self.decay_curve = lam, lam_slider, curve
        self.sigma_readout = sig
        self.equation = equation
        left, right = VGroup(*equation.submobjects[:9]), VGroup(*equation.submobjects[9:])
        with self.beat("weight_decay") as t:
            self.play(Create(plot), run_time=max(MIN_CUE, min(0.8, t.time_until_bookmark("decay"))))
            self.at("decay", Write(left), most=1.4, until="width")
            self.at("width", Create(curve), most=0.8, until="formula")
            self.at("formula", Write(right), FadeIn(side, shift=LEFT * 0.2), most=1.5, until="scales")
            self.at("scales", pulse(equation.submobjects[0], scale=1.15), most=1.0, until="raise")
            self.glide(t, lam, max(P.LAMBDA_SWEEP), {"raise": [live_grow(lam_slider.knob)],
                                                     "narrows": [live_flare(curve)]}, until="small")
            self.at("small", pulse(sig, scale=1.3), most=0.8)

    def end_card_beat(self) -> None:
        title = label("L2 regularization is Bayesian in disguise", S.TITLE_SIZE * 0.8, S.TEXT)
        identity = ctex(r"\lambda", "=", r"{", r"\sigma_n^2", r"\over", r"\sigma^2", "}", size=S.TITLE_SIZE,
                        colors=SQUARES)
        box = SurroundingRectangle(identity, color=S.LAMBDA, buff=0.25, corner_radius=0.1)
        lines = VGroup(
            label("ridge  =  MAP with a Gaussian prior", S.BODY_SIZE, S.POSTERIOR),
            label("lasso  =  MAP with a Laplace prior", S.BODY_SIZE, S.POSTERIOR),
            label("weight decay  =  a choice of prior width", S.BODY_SIZE, S.PRIOR),
        ).arrange(DOWN, buff=0.3)
        credit = label("Based on the article “From MLE to MAP: L2 Regularization is Bayesian in Disguise”",
                       S.SMALL_SIZE, S.MUTED)
        self.card = VGroup(title, VGroup(identity, box), lines, credit).arrange(DOWN, buff=0.42)
        self.card.move_to(UP * 0.0)
        with self.beat("end_card") as t:
            self.play(FadeOut(self.decay), run_time=0.8)
            self.play(Write(title), run_time=1.2)
            self.play(FadeIn(identity, scale=0.9), Create(box), run_time=1.0)
            self.play(FadeIn(lines, shift=UP * 0.2, lag_ratio=0.3), run_time=min(2.0, max(0.8, t.duration - 4.0)))
            self.play(FadeIn(credit), run_time=0.6)
        self.fade_all(run_time=1.0)  # the video ends on the background, like every chapter


class DropoutNetwork(VGroup):
    """A small fully connected network whose hidden units can be switched off (dimmed) by a mask."""

    def __init__(self, sizes: tuple[int, ...], masks: list[np.ndarray], color: ManimColor) -> None:
        layers = [VGroup(*[Circle(radius=0.17, color=color, stroke_width=3).set_fill(color, 0.35)
                           for _ in range(n)]).arrange(DOWN, buff=0.32) for n in sizes]
        column = VGroup(*layers).arrange(RIGHT, buff=1.0)
        self.unit_list = [unit for layer in layers for unit in layer]
        self.edges = VGroup()
        self.edge_ends: list[tuple[int, int]] = []
        index = 0
        for a, b in zip(layers[:-1], layers[1:], strict=True):
            start = index
            for i, u in enumerate(a):
                for j, v in enumerate(b):
                    self.edges.add(Line(u.get_center(), v.get_center(), color=S.MUTED, stroke_width=1.5))
                    self.edge_ends.append((start + i, start + len(a) + j))
            index += len(a)
        self.units = column
        self.masks = masks
        super().__init__(self.edges, self.units)

    def apply(self, dropped: np.ndarray) -> list:
        """Animations that dim the dropped units and every edge touching them."""
        anims = [unit.animate.set_opacity(0.12 if off else 1.0).set_fill(opacity=0.05 if off else 0.35)
                 for unit, off in zip(self.unit_list, dropped, strict=True)]
        anims += [edge.animate.set_stroke(opacity=0.08 if (dropped[i] or dropped[j]) else 1.0)
                  for edge, (i, j) in zip(self.edges, self.edge_ends, strict=True)]
        return anims


def dropout_network() -> DropoutNetwork:
    """Layout of the dropout sketch: three inputs, two hidden layers of five, one output; two thinned passes."""
    sizes = (3, 5, 5, 1)
    total = sum(sizes)
    hidden = np.zeros(total, dtype=bool)
    hidden[sizes[0]:total - sizes[-1]] = True
    units = np.arange(total)
    masks = [hidden & (units % 3 == k) for k in range(3)]
    return DropoutNetwork(sizes, masks, S.DATA)
