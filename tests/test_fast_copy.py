"""scenes/fast_copy.py: copies share a glyph's source path and its colours, and are otherwise Manim's own copies."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from manim import BLUE, RED, Animation, MathTex, Transform, VGroup
from manim.camera.camera import Camera
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

import scenes.base  # noqa: F401  (installs the cheaper copies)
from scenes import fast_copy


@pytest.fixture
def formula() -> MathTex:
    return MathTex(r"\hat w = \frac{\sum x_i y_i}{\sum x_i^2 + \lambda}", color=BLUE)


@pytest.fixture
def stock_copies():
    fast_copy.uninstall()
    yield
    fast_copy.install()


def glyphs(mob: MathTex) -> list[VMobjectFromSVGPath]:
    return [m for m in mob.get_family() if isinstance(m, VMobjectFromSVGPath)]


def pixels(*mobjects) -> np.ndarray:
    camera = Camera(pixel_width=480, pixel_height=270)
    camera.capture_mobjects(list(mobjects))
    return camera.pixel_array.copy()


def test_installed_by_the_scenes():
    assert VMobjectFromSVGPath.__deepcopy__ is fast_copy._glyph_deepcopy


def test_a_copied_glyph_shares_its_source_path_and_owns_its_points(formula):
    twin = formula.copy()
    pairs = list(zip(glyphs(formula), glyphs(twin), strict=True))
    assert len(pairs) > 10
    for a, b in pairs:
        assert b is not a and b.path_obj is a.path_obj
        assert b.points is not a.points and np.array_equal(a.points, b.points)
    twin.shift(2 * np.array([1.0, 0.0, 0.0])).set_color(RED)
    for a, b in pairs:
        assert not np.array_equal(a.points, b.points)
    assert formula.get_color() == BLUE and twin.get_color() == RED


def test_manims_copy_does_copy_the_path(formula, stock_copies):
    """The control: without the change each copy rebuilds the svgelements path (what the change saves)."""
    twin = formula.copy()
    assert all(b.path_obj is not a.path_obj for a, b in zip(glyphs(formula), glyphs(twin), strict=True))


def test_a_colour_copies_as_itself_and_the_copy_still_recolours_alone(formula):
    assert copy.deepcopy(BLUE) is BLUE
    twin = formula.copy()
    glyphs(twin)[0].set_fill(RED, opacity=0.5)
    first = glyphs(formula)[0]
    assert first.get_fill_color() == BLUE and first.get_fill_opacity() == 1
    assert glyphs(twin)[0].get_fill_color() == RED and glyphs(twin)[1].get_fill_color() == BLUE


def test_copies_draw_the_same_pixels_as_manims_copies(formula):
    ours = formula.copy().scale(1.3).set_color(RED)
    fast_copy.uninstall()
    try:
        theirs = formula.copy().scale(1.3).set_color(RED)
    finally:
        fast_copy.install()
    assert np.array_equal(pixels(ours), pixels(theirs))
    assert pixels(ours).any()


def test_a_transform_between_copies_ends_on_its_target(formula):
    """An animation's begin copies its start and target; the copies it interpolates between must not move the
    original target."""
    target = formula.copy().shift(np.array([0.0, -1.5, 0.0]))
    before = target.get_center().copy()
    anim = Transform(formula, target)
    anim.begin()
    anim.interpolate(1.0)
    anim.finish()
    assert np.allclose(formula.get_center(), before) and np.allclose(target.get_center(), before)


def test_copying_a_group_keeps_shared_members_shared():
    """deepcopy's memo still works: a mobject held twice in a group is one object in the copy."""
    glyph = MathTex("x")
    group = VGroup(glyph, VGroup(glyph))
    twin = group.copy()
    assert twin[0] is twin[1][0] and twin[0] is not glyph


def test_animation_copies_are_independent(formula):
    anim = Animation(formula)
    anim.begin()
    start = anim.starting_mobject
    formula.shift(np.array([1.0, 0.0, 0.0]))
    assert not np.allclose(start.get_center(), formula.get_center())


def test_uninstall_restores_manims_copy():
    fast_copy.uninstall()
    try:
        assert "__deepcopy__" not in VMobjectFromSVGPath.__dict__
    finally:
        fast_copy.install()
