"""FastDecimal.set_value lays the digits out with numpy from cached glyphs: it must leave the same family, points
and style as Manim's DecimalNumber.set_value, for every kind of number string and after the number was scaled,
recoloured or moved."""

import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, UL, UP, DecimalNumber

from scenes.parts import FastDecimal

VALUES = (0.31, 1.27, -3.5, 12.04, 0.0, -0.004, 1234.5, 0.31, 7.0, -12.04)


def state(number: DecimalNumber) -> list[tuple]:
    """Every family member's points and style, in family order."""
    return [(m.points.copy(), m.fill_rgbas.copy(), m.stroke_rgbas.copy(), float(m.stroke_width),
             m.background_stroke_rgbas.copy(), float(m.background_stroke_width)) for m in number.get_family()]


def assert_same(fast: DecimalNumber, stock: DecimalNumber, what: str) -> None:
    got, want = state(fast), state(stock)
    assert len(got) == len(want), what
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g[0].shape == w[0].shape, f"{what}: member {i} points"
        np.testing.assert_allclose(g[0], w[0], rtol=0, atol=1e-9, err_msg=f"{what}: member {i} points")
        for a, b in zip(g[1:], w[1:], strict=True):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12, err_msg=f"{what}: member {i} style")
    assert fast.get_value() == stock.get_value()
    assert fast.font_size == pytest.approx(stock.font_size, rel=1e-12)


@pytest.mark.parametrize("kwargs", [
    {"num_decimal_places": 2, "font_size": 48, "color": "#7F77DD"},
    {"num_decimal_places": 1, "font_size": 30, "group_with_commas": True},
    {"num_decimal_places": 3, "font_size": 40, "include_sign": True, "edge_to_fix": RIGHT},
    {"num_decimal_places": 0, "font_size": 36, "edge_to_fix": UL},
])
def test_set_value_matches_the_stock_class(kwargs):
    fast, stock = FastDecimal(0.3, **kwargs), DecimalNumber(0.3, **kwargs)
    for mob in (fast, stock):
        mob.shift(LEFT * 2 + UP)
    for value in VALUES:
        fast.set_value(value)
        stock.set_value(value)
        assert_same(fast, stock, f"{kwargs} at {value}")


def test_set_value_after_a_scale_a_recolour_and_a_move():
    fast, stock = (cls(2.5, num_decimal_places=2, font_size=48) for cls in (FastDecimal, DecimalNumber))
    steps = [lambda m: m.scale(1.7), lambda m: m.set_color("#D85A30"), lambda m: m.shift(DOWN * 1.5 + RIGHT),
             lambda m: m.set_opacity(0.4), lambda m: m.scale(0.5)]
    for k, step in enumerate(steps):
        step(fast)
        step(stock)
        for value in (3.14, -0.5, 2.5):
            fast.set_value(value)
            stock.set_value(value)
            assert_same(fast, stock, f"after step {k} at {value}")


def test_the_old_glyphs_are_emptied_as_the_stock_class_empties_them():
    """The renderer may still hold last frame's glyphs: both classes zero their points."""
    fast = FastDecimal(1.5, num_decimal_places=2)
    old = fast.submobjects[0].get_family()
    fast.set_value(2.25)
    assert all(not m.points.any() for m in old)
