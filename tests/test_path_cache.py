"""FastCamera's PathCache: a path drawn again from the same points is appended from the cache, and the frames stay
Manim's own pixel for pixel."""

from __future__ import annotations

import numpy as np
import pytest
from manim import Circle, MathTex, Square, VGroup, tempconfig
from manim.camera.camera import Camera

from scenes.fast_render import FastCamera, PathCache
from scenes.parts import ArrayCurve, make_axes

RIGHT = np.array([1.0, 0.0, 0.0])


def picture() -> tuple[VGroup, ArrayCurve]:
    plot = make_axes((-3, 3, 1), (0, 1, 0.5), 6.0, 3.0, "w", "p").axes
    xs = np.linspace(-3, 3, 301)
    curve = ArrayCurve(plot, xs, np.exp(-xs**2) * 1.4, "#1D9E75")
    ring = Circle(radius=1.2).set_fill("#E24B4A", opacity=0.4)
    return VGroup(plot, curve, ring, Square(0.8).shift([2, 1, 0]),
                  MathTex(r"\sigma^2 = \frac{1}{2}").shift([-3, 2, 0])), curve


def frames(camera_class: type, steps: int, size: tuple[int, int]) -> tuple[list[np.ndarray], Camera]:
    """``steps`` frames of the same picture drawn by one camera; between frames the curve moves in place and
    the formula stays, as in a chapter (its frozen parts are drawn again each frame)."""
    scene, curve = picture()
    out = []
    with tempconfig({"pixel_width": size[0], "pixel_height": size[1]}):
        camera = camera_class()
        for step in range(steps):
            camera.reset()
            camera.capture_mobjects([scene])
            out.append(camera.pixel_array.copy())
            curve.shift(0.05 * RIGHT)  # numpy += on the points: same array, new values
            if step == 1:
                scene[2].scale(1.1)
    return out, camera


@pytest.mark.parametrize("size", [(480, 270), (1920, 1080)])
def test_cached_paths_draw_manims_pixels(size):
    ours, camera = frames(FastCamera, 4, size)
    theirs, _ = frames(Camera, 4, size)
    assert camera._paths.hits > 20  # the axes, their numbers and the formula came from the cache
    for a, b in zip(ours, theirs, strict=True):
        assert a.any() and np.array_equal(a, b)
    assert not np.array_equal(ours[0], ours[1])  # the curve did move


def test_a_path_changing_every_frame_is_never_copied():
    cache = PathCache()
    scene, curve = picture()
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        camera = FastCamera()
        camera._paths = cache
        for _ in range(5):
            camera.reset()
            camera.capture_mobjects([curve])
            curve.shift(0.01 * RIGHT)
    assert cache.hits == 0 and not cache.paths and len(cache.seen) == 5


def test_a_path_kept_under_one_matrix_is_not_used_under_another():
    """The key holds the context's matrix: after the matrix changes, the same points are built again."""
    import cairo

    def draw(camera_class: type) -> np.ndarray:
        scene, _ = picture()
        with tempconfig({"pixel_width": 480, "pixel_height": 270}):
            camera = camera_class()
            for _ in range(3):
                camera.reset()
                camera.capture_mobjects([scene])
            ctx = camera.get_cairo_context(camera.pixel_array)
            xx, yx, xy, yy, x0, y0 = tuple(ctx.get_matrix())
            ctx.set_matrix(cairo.Matrix(xx * 0.5, yx, xy, yy * 0.5, x0, y0))
            camera.reset()
            camera.capture_mobjects([scene])
            return camera.pixel_array.copy()

    assert np.array_equal(draw(FastCamera), draw(Camera))


def test_the_kept_paths_and_the_remembered_keys_are_bounded(monkeypatch):
    monkeypatch.setattr(PathCache, "MAX_BYTES", 60_000)
    monkeypatch.setattr(PathCache, "MAX_SEEN", 3)
    cache = PathCache()
    _, curve = picture()  # about 14 KB of points
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        camera = FastCamera()
        camera._paths = cache
        for _ in range(12):
            for _ in range(3):  # drawn three times in one place: kept on the second, appended on the third
                camera.capture_mobjects([curve])
            curve.shift(0.01 * RIGHT)
            assert 0 < cache.bytes <= PathCache.MAX_BYTES and 1 <= len(cache.paths) <= 4
        assert cache.hits == 12
        for _ in range(10):  # moving every frame: only remembered, never more than MAX_SEEN of them
            camera.capture_mobjects([curve])
            curve.shift(0.01 * RIGHT)
            assert len(cache.seen) <= 3


def test_points_that_are_not_finite_draw_nothing_cached_or_not():
    from manim import VMobject

    broken = VMobject(stroke_width=8).set_points_as_corners([[0, 0, 0], [1, 1, 0], [np.nan, 0, 0]])
    square = Square(1.0).set_fill("#E24B4A", opacity=1)
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        pictures = []
        for cls in (Camera, FastCamera):
            camera = cls()
            for _ in range(3):
                camera.reset()
                camera.capture_mobjects([broken, square])
            pictures.append(camera.pixel_array.copy())
    assert np.array_equal(*pictures) and pictures[0].any()


def test_the_pooled_buffers_of_a_camera_share_their_paths():
    """Frames handed over (each drawn on another pooled buffer, with a Cairo context of its own) still find the
    paths drawn on the others, and draw Manim's pixels."""
    from scenes.fast_render import frame_out

    theirs, _ = frames(Camera, 4, (480, 270))
    scene, curve = picture()
    with tempconfig({"pixel_width": 480, "pixel_height": 270}):
        camera = FastCamera()
        ours = []
        for step in range(4):
            camera.reset()
            camera.capture_mobjects([scene])
            ours.append(frame_out(camera))  # held: the next frame is drawn on another buffer
            curve.shift(0.05 * RIGHT)
            if step == 1:
                scene[2].scale(1.1)
    assert len(camera._pool) >= 3
    assert camera._paths.hits > 20
    for a, b in zip(ours, theirs, strict=True):
        assert np.array_equal(a, b)
