"""FastCamera's one-walk ``get_mobjects_to_display`` and per-class ``type_or_raise`` against Manim's own Camera:
the same mobjects in the same order for the lists the renderer hands it (whole families, the flattened
family members above the first moving mobject, shared submobjects, z-indices)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from manim import Dot, ImageMobject, MathTex, Mobject, PMobject, VGroup, VMobject, tempconfig
from manim.camera.camera import Camera
from manim.utils.family import extract_mobject_family_members

from scenes import fast_family as F
from scenes.fast_render import FastCamera, members_to_display
from tests.test_fast_family import random_tree


def stock_display(camera: Camera, mobjects: list[Mobject]) -> list[Mobject]:
    """Manim's Camera.get_mobjects_to_display with Manim's own family walks."""
    F.uninstall()
    try:
        return Camera.get_mobjects_to_display(camera, mobjects)
    finally:
        F.install()


def inputs(rng: random.Random, tree: Mobject) -> list[list[Mobject]]:
    """What a renderer gives the camera: the top-level mobjects, every family member (as in a frame with a
    moving mobject), a tail of those, and a shuffled sample."""
    members = extract_mobject_family_members([tree])
    sample = rng.sample(members, k=max(1, len(members) // 2))
    return [[tree], members, members[len(members) // 3:], sample, list(reversed(members))]


@pytest.fixture
def cameras():
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        yield FastCamera(), Camera()


@pytest.mark.parametrize("seed", range(40))
def test_the_same_members_as_manim_on_random_families(seed, cameras):
    fast, stock = cameras
    rng = random.Random(seed)
    tree = random_tree(rng)
    for mob in tree.get_family():
        mob.z_index = rng.choice([0, 0, 1, -1])
    for use_z_index in (False, True):
        fast.use_z_index = stock.use_z_index = use_z_index
        for given in inputs(rng, tree):
            assert fast.get_mobjects_to_display(given) == stock_display(stock, given)


def test_the_walk_answers_without_manims_fallback_on_a_flattened_formula():
    tex = VGroup(MathTex(r"p(w) = \frac{1}{\sqrt{2\pi\sigma^2}}"), Dot(), MathTex(r"\lambda = 0.5"))
    members = extract_mobject_family_members([tex])  # every ancestor and glyph, as in a moving frame
    found = members_to_display(members)
    assert found is not None and len(found) > 15
    assert found == extract_mobject_family_members(members, only_those_with_points=True)
    assert len(set(found)) == len(found)


def test_a_mobject_twice_in_one_family_goes_to_manims_path():
    shared = Dot()
    root = VGroup(VGroup(shared), VGroup(shared, Dot()))
    assert members_to_display([root]) is None
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        fast, stock = FastCamera(), Camera()
        assert fast.get_mobjects_to_display([root]) == stock_display(stock, [root])


def test_shared_between_two_families_keeps_its_last_place():
    shared = Dot()
    first, second = VGroup(shared, Dot()), VGroup(Dot(), shared)
    found = members_to_display([first, second])
    assert found == extract_mobject_family_members([first, second], only_those_with_points=True)
    assert found.index(shared) == len(found) - 1


def test_type_or_raise_is_manims_per_class(cameras):
    fast, stock = cameras
    kinds = [Dot(), VGroup(), MathTex("x")[0][0], PMobject(), Mobject(),
             ImageMobject(np.zeros((4, 4, 4), dtype=np.uint8))]
    for _ in range(2):  # the second round is answered from the per-class memo
        for mob in kinds:
            assert fast.type_or_raise(mob) is stock.type_or_raise(mob)
    assert set(fast._kinds) == {type(m) for m in kinds}
    assert VMobject in fast.display_funcs


def test_excluded_and_flat_requests_stay_manims(cameras):
    fast, stock = cameras
    group = VGroup(Dot(), VGroup(Dot(), Dot()))
    assert fast.get_mobjects_to_display([group], include_submobjects=False) == [group]
    excluded = [group[1]]
    assert (fast.get_mobjects_to_display([group], excluded_mobjects=excluded)
            == Camera.get_mobjects_to_display(stock, [group], excluded_mobjects=excluded))
