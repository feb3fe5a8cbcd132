"""make_axes names its parts: LabeledAxes keeps VGroup(axes, labels) in that order, with .x_label and .y_label."""

import pytest
from manim import MathTex, Text, VGroup

from scenes.parts import LabeledAxes, make_axes


def test_labels_are_named_and_drawn_in_the_old_order():
    plot = make_axes((0, 2.5, 0.5), (0, 10, 2), 6.4, 2.75, "size (1000 sq ft)", "y")
    assert isinstance(plot, LabeledAxes) and isinstance(plot, VGroup)
    assert plot.submobjects == [plot.axes, plot.labels]
    assert plot.labels.submobjects == [plot.x_label, plot.y_label]
    assert isinstance(plot.x_label, Text) and plot.x_label.original_text == "size (1000 sq ft)"
    assert isinstance(plot.y_label, MathTex) and plot.y_label.tex_string == "y"


def test_a_missing_name_is_none_and_can_be_added_once():
    plot = make_axes((-3, 3, 1), (0, 1.2, 1), 6.4, 1.9, None, "likelihood")
    assert plot.x_label is None and plot.labels.submobjects == [plot.y_label]
    w = MathTex("w")
    assert plot.name_x(w) is w and plot.x_label is w
    assert plot.labels.submobjects == [plot.y_label, w]
    with pytest.raises(ValueError, match="already has a name"):
        plot.name_x(MathTex("x"))


def test_fitted_label_wraps_only_what_does_not_fit():
    from scenes.parts import fitted_label, label

    assert len(fitted_label("variance of the noise", 10.0)) == 1
    width = label("normal density of each exam score").width * 0.8
    wrapped = fitted_label("normal density of each exam score", width)
    assert len(wrapped) == 2 and wrapped.width <= width
    assert "".join(t.text for t in wrapped) == "normal density of each exam score".replace(" ", "")  # Text drops spaces


def _curve_pixels_on(number, plot, crossing) -> int:
    """Pixels of ``crossing``'s colour where ``number``'s digits are inked, drawn by Manim's camera (the curve
    added last, as the chapters do)."""
    import numpy as np
    from manim.camera.camera import Camera

    def draw(*mobjects):
        camera = Camera()
        camera.capture_mobjects(list(mobjects))
        return camera.pixel_array[..., :3].astype(int)

    background = draw()
    ink = np.abs(draw(number) - background).sum(axis=2) > 60
    colour = np.array(crossing.get_stroke_color().to_int_rgb())
    return int((np.abs(draw(plot, crossing) - colour).sum(axis=2)[ink] < 30).sum())


def test_a_curve_crossing_a_tick_number_is_cut_around_its_digits():
    """Tick numbers are ringed in the background colour and drawn above curves (z order), so a curve through
    ``0.5`` leaves the digits readable; without the ring the same curve covers them (the control)."""
    from manim import Line

    from scenes import style as S
    from scenes.parts import NUMBER_Z

    plot = make_axes((-5, 5, 1), (0, 1.5, 0.5), 9.0, 4.2)
    number = next(n for n in plot.axes.y_axis.numbers if abs(n.get_value() - 0.5) < 1e-9)
    crossing = Line(number.get_bottom() + [0, -0.3, 0], number.get_top() + [0, 0.3, 0], color=S.PRIOR,
                    stroke_width=10)
    assert number.z_index == NUMBER_Z and number.get_stroke_color(background=True) == S.BACKGROUND
    lifted = _curve_pixels_on(number, plot, crossing)
    number.set_z_index(0)
    number.set_stroke(width=0, background=True)
    covered = _curve_pixels_on(number, plot, crossing)
    assert covered > 20, covered
    assert lifted <= covered / 20, (lifted, covered)


def test_a_marker_whose_value_never_moves_has_its_tag_on_top_of_its_line():
    """WMarker moves its tag only when the line moves; a constant value must still get its tag placed."""
    from scenes.parts import WMarker

    plot = make_axes((-5, 5, 1), (0, 1.5, 0.5), 9.0, 4.2).shift([1.0, -0.5, 0])
    marker = WMarker(plot.axes, lambda: 2.0, "#D85A30", "MLE", height=1.32)
    top = plot.axes.c2p(2.0, 1.32)
    assert abs(marker.tag.get_center()[0] - top[0]) < 1e-9
    assert abs(marker.tag.get_bottom()[1] - (top[1] + 0.08)) < 1e-9
    marker.update(0)
    assert abs(marker.tag.get_bottom()[1] - (top[1] + 0.08)) < 1e-9
