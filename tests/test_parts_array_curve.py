"""ArrayCurve.data reads back what set_data drew, in axis coordinates, unclipped and clipped at the y range."""

import numpy as np
from manim import UP, Axes, VGroup

from scenes import style as S
from scenes.parts import ArrayCurve


def offset_axes() -> Axes:
    """Axes whose origin is off-centre and whose units differ in x and y, so the inverse has work to do."""
    return Axes(x_range=[-1, 4, 1], y_range=[0, 1, 0.5], x_length=6.0, y_length=2.5)


def test_data_inverts_set_data_on_an_unclipped_curve():
    xs = np.linspace(-0.5, 3.5, 9)
    ys = 0.5 + 0.4 * np.sin(xs)
    axes = offset_axes()
    curve = ArrayCurve(axes, xs, ys, S.PRIOR)
    VGroup(axes, curve).shift(UP * 1.3).scale(0.7)  # the curve follows its axes
    got_x, got_y = curve.data()
    np.testing.assert_allclose(got_x, xs, atol=1e-9)
    np.testing.assert_allclose(got_y, ys, atol=1e-9)


def test_data_of_a_curve_clipped_at_the_y_range():
    """Up through y = 1 at x = 0.5, back in at x = 1.5, then inside to the end: the piece after the gap starts at
    the re-entry point; the exit point (0.5, 1) is not a vertex."""
    xs = np.array([0.0, 1.0, 2.0, 3.0])
    ys = np.array([0.5, 1.5, 0.5, 0.25])
    curve = ArrayCurve(offset_axes(), xs, ys, S.PRIOR)
    got_x, got_y = curve.data()
    np.testing.assert_allclose(got_x, [0.0, 1.5, 2.0, 3.0], atol=1e-9)
    np.testing.assert_allclose(got_y, [0.5, 1.0, 0.5, 0.25], atol=1e-9)


def test_data_of_a_curve_entirely_outside_is_empty():
    curve = ArrayCurve(offset_axes(), np.array([0.0, 1.0]), np.array([2.0, 3.0]), S.PRIOR)
    assert [a.size for a in curve.data()] == [0, 0]
