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
