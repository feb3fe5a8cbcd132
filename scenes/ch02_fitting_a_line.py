"""Chapter 2: house prices against size, and the line y = w x tried at a too low, a too high and a good slope."""

from __future__ import annotations

import re

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    FadeTransform,
    GrowFromCenter,
    LaggedStart,
    ValueTracker,
    VGroup,
    Write,
)

from mathcore import parameters as P
from mathcore.axes import line_reach
from mathcore.datasets import house_prices
from mathcore.likelihood import predictions
from scenes import style as S
from scenes.base import ChapterScene
from scenes.parts import (
    COLUMN_GAP,
    ArrayCurve,
    LabeledAxes,
    Readout,
    ctex,
    data_range,
    fitted_label,
    flare,
    keep_left_of,
    label,
    make_axes,
    pulse,
    to_scene,
    tracked_curve,
)

RIGHT_COLUMN_X = 2.5  # left edge of the text column, scene units
#: Widest the model's gloss may be on one line: from the column to the frame's right margin.
GLOSS_WIDTH = S.FRAME_W / 2 - S.MARGIN - RIGHT_COLUMN_X
RESIDUAL_WIDTH = 6  # thick enough to read as pink on a phone
VERDICT_TOP = -1.5  # top of the verdict (and of the closing question) in the lower right


def tex_text(words: str) -> str:
    """Story words set in TeX as written (``$`` and the other TeX specials escaped)."""
    return re.sub(r"([$%&#_])", r"\\\1", words)



def model_gloss(y_name: str, x_name: str) -> VGroup:
    """"<y> = slope × <x>" in words, wrapped to two lines when one would not fit the right-hand column."""
    return fitted_label(f"{y_name} = slope × {x_name}", GLOSS_WIDTH, S.LABEL_SIZE, S.MUTED)


class DollarReadout(Readout):
    """``$200 per sq ft``: the slope in the story's display unit ([words] slope_*), following ``value()``."""

    def __init__(self, value, size: float = S.LABEL_SIZE) -> None:
        words = P.STORY.words
        super().__init__(None, value, S.WEIGHT, decimals=words.slope_decimals, size=size * 1.2,
                         prefix=tex_text(words.slope_prefix) or None, unit=tex_text(words.slope_symbol))

    @property
    def shown(self) -> float:
        return round(float(self.number.get_value()), self.number.num_decimal_places)


class FittingLineScene(ChapterScene):
    chapter = "ch02_fitting_a_line"
    #: The beat whose last frame stands for the chapter (contact sheet, previews).
    contact_beat = "about_right"

    def construct(self) -> None:
        self.data = house_prices()
        self.w = ValueTracker(P.TRY_SLOPES[0])
        self.scatter_beat()
        self.too_low_beat()
        self.too_high_beat()
        self.about_right_beat()
        self.question_beat()

    def slope(self) -> float:
        return self.w.get_value()

    def scatter_beat(self) -> None:
        d = self.data
        # The dots and the tried lines at the data's extreme x: the too-high line leaves at the top right.
        x_range = data_range(d.x, length=7.4)
        y_range = data_range(d.y, line_reach(d.x, P.TRY_SLOPES), length=5.6, vertical=True)

        def build(x_length: float) -> LabeledAxes:
            plot = make_axes(x_range, y_range, x_length, 5.6, d.x_label, d.y_label)
            return plot.to_corner(DOWN + LEFT, buff=S.MARGIN).shift(RIGHT * 0.25 + UP * 0.1)

        self.plot = keep_left_of(build, 7.4, RIGHT_COLUMN_X - COLUMN_GAP)
        axes = self.plot.axes
        self.dots = VGroup(*[Dot(p, radius=0.09, color=S.DATA) for p in to_scene(axes, d.x, d.y)])
        self.model = ctex("y", "=", "w", "x", size=S.TITLE_SIZE, colors={"y": S.DATA, "x": S.DATA})
        gloss = model_gloss(P.STORY.line.y_name, P.STORY.line.x_name)
        gloss.next_to(self.model, DOWN, buff=0.25, aligned_edge=LEFT)
        self.model_block = VGroup(self.model, gloss)
        self.model_block.move_to([RIGHT_COLUMN_X, 0, 0], aligned_edge=LEFT).to_edge(UP, buff=S.MARGIN + 0.3)
        x_name, y_name = self.plot.x_label, self.plot.y_label
        with self.beat("scatter") as t:
            self.play(Create(self.plot), LaggedStart(*[GrowFromCenter(dot) for dot in self.dots], lag_ratio=0.2),
                      run_time=max(0.5, t.time_until_bookmark("size")))
            by_size, by_price = np.argsort(d.x), np.argsort(d.y)
            self.wait_until_bookmark("size")
            self.play(pulse(x_name, scale=1.3), LaggedStart(*[pulse(self.dots[i], scale=1.7) for i in by_size],
                                                            lag_ratio=0.2), run_time=1.6)
            self.wait_until_bookmark("price")
            self.play(pulse(y_name, scale=1.3), LaggedStart(*[pulse(self.dots[i], scale=1.7) for i in by_price],
                                                            lag_ratio=0.2),
                      run_time=max(1.6, t.time_until_bookmark("model") - 0.3))
            self.wait_until_bookmark("model")
            self.play(Write(self.model), run_time=1.2)
            self.wait_until_bookmark("gloss")
            self.play(FadeIn(gloss, shift=UP * 0.1), run_time=0.8)
            self.play(pulse(self.model[2]), run_time=1.0)

    def too_low_beat(self) -> None:
        axes, d = self.plot.axes, self.data
        ends = np.array(axes.x_range[:2], dtype=float)
        self.line = tracked_curve(axes, ends, lambda: predictions(ends, self.slope()), S.WEIGHT, 5)
        self.residuals = VGroup(*[self.residual(i) for i in range(len(d))])
        self.readout = Readout("w", self.w.get_value, S.WEIGHT, decimals=2, size=S.HEADING_SIZE)
        self.dollars = DollarReadout(lambda: P.dollars_per_sqft(self.slope()))
        self.readouts = VGroup(self.readout, self.dollars).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.readouts.move_to([RIGHT_COLUMN_X, 0.3, 0], aligned_edge=LEFT)
        self.verdict = self.verdict_label("too low")
        with self.beat("too_low") as t:
            self.wait_until_bookmark("w")
            self.play(Create(self.line), FadeIn(self.readout, shift=UP * 0.1), run_time=1.2)
            self.wait_until_bookmark("dollars")
            self.play(FadeIn(self.dollars, shift=UP * 0.1), run_time=0.8)
            self.play(pulse(self.dollars), run_time=1.0)
            self.wait_until_bookmark("line")
            self.play(flare(self.line), run_time=1.0)
            self.bring_to_front(self.dots)
            self.bring_to_back(self.residuals)
            self.wait_until_bookmark("gaps")
            self.play(LaggedStart(*[Create(r) for r in self.residuals], lag_ratio=0.15),
                      run_time=max(1.0, t.time_until_bookmark("long")))
            self.wait_until_bookmark("long")
            self.play(FadeIn(self.verdict, shift=UP * 0.1), flare(self.residuals[-1]), run_time=1.0)

    def residual(self, i: int) -> ArrayCurve:
        """The pink gap between point i and the line (clipped to the plot like every curve)."""
        d = self.data
        xs = np.array([d.x[i], d.x[i]])
        return tracked_curve(self.plot.axes, xs, lambda: np.array([d.y[i], predictions(d.x[i], self.slope())[0]]),
                             S.NOISE, RESIDUAL_WIDTH)

    def verdict_label(self, text: str):
        return label(text, S.HEADING_SIZE, S.MUTED).move_to([RIGHT_COLUMN_X, VERDICT_TOP, 0], aligned_edge=UL)

    def move_to_slope(self, key: str, w: float, verdict: str, point: str, last: str) -> None:
        """Swing the line to slope ``w`` as its value is spoken, name it at ``point``, show the gaps at ``last``."""
        new = self.verdict_label(verdict)
        with self.beat(key) as t:
            self.wait_until_bookmark("w")
            self.play(self.w.animate.set_value(w), FadeOut(self.verdict, shift=UP * 0.2),
                      run_time=max(1.5, t.time_until_bookmark(point) - 0.2))
            self.wait_until_bookmark(point)
            self.play(FadeIn(new, shift=UP * 0.2), flare(self.line), run_time=1.0)
            self.wait_until_bookmark(last)
            gaps = self.gap_highlight(w) if last == "sides" else [flare(r) for r in self.residuals]
            self.play(LaggedStart(*gaps, lag_ratio=0.15), run_time=1.5)
        self.verdict = new

    def gap_highlight(self, w: float) -> list:
        """Pulse the houses above the line, then those below it: both sides of the cloud."""
        d = self.data
        above = [dot for dot, x, y in zip(self.dots, d.x, d.y, strict=True) if y > w * x]
        below = [dot for dot, x, y in zip(self.dots, d.x, d.y, strict=True) if y <= w * x]
        return [pulse(*above, scale=1.5), pulse(*below, scale=1.5)]

    def too_high_beat(self) -> None:
        self.move_to_slope("too_high", P.TRY_SLOPES[1], "too high", "over", "gaps")

    def about_right_beat(self) -> None:
        self.move_to_slope("about_right", P.TRY_SLOPES[2], "about right", "middle", "sides")

    def question_beat(self) -> None:
        question = VGroup(label("Which w fits best?", S.HEADING_SIZE, S.TEXT),
                          label("We need a model\nof the gaps.", S.BODY_SIZE, S.NOISE))
        question.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        question.align_to(self.verdict, LEFT).align_to(self.verdict, UP)
        self.question = question
        with self.beat("best_question") as t:
            self.wait_until_bookmark("near")
            self.play(pulse(self.readout), run_time=1.0)
            self.wait_until_bookmark("measure")
            self.play(FadeTransform(self.verdict, question[0]), run_time=1.0)
            self.play(pulse(question[0]), run_time=max(0.8, min(1.5, t.time_until_bookmark("model"))))
            self.wait_until_bookmark("model")
            self.play(FadeIn(question[1], shift=UP * 0.1), self.residuals.animate.set_stroke(width=RESIDUAL_WIDTH * 2),
                      run_time=1.2)
        self.fade_all()
