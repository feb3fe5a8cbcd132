"""ArrayCurve.data reads back what set_data drew, in axis coordinates, unclipped and clipped at the y range."""

import numpy as np
from manim import UP, Axes, VGroup

from scenes import style as S
from scenes.parts import ArrayCurve, clipped_segments


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


def test_a_copy_of_a_curve_draws_on_the_same_axes_without_copying_them():
    """Every ``.animate`` target and transform start is a copy: copying the axes with each one cost ~65 ms."""
    axes = offset_axes()
    curve = ArrayCurve(axes, np.array([0.0, 3.0]), np.array([0.2, 0.8]), S.PRIOR)
    copy = curve.copy()
    assert copy.axes is axes
    np.testing.assert_array_equal(copy.points, curve.points)
    assert copy.points is not curve.points


def test_a_plot_copied_with_its_curve_gives_the_copy_the_copied_axes():
    axes = offset_axes()
    curve = ArrayCurve(axes, np.array([0.0, 3.0]), np.array([0.2, 0.8]), S.PRIOR)
    plot, copied_curve = VGroup(axes, curve).copy()
    assert plot is not axes and copied_curve.axes is plot
    # The original's axes are left as they were (still only the original's).
    assert curve.axes is axes


def test_a_tracked_curve_grows_while_created_beside_its_axes():
    """Create(plot) and Create(curve) in one play: with the axes deep-copied into the curve's starting copy, the
    curve stayed a point until the animation ended (ch03's line, ch05's bell); it grows from its start now."""
    from manim import Create, Scene, tempconfig

    from scenes.parts import make_axes, tracked_curve

    widths: list[float] = []

    class Grow(Scene):
        def construct(self) -> None:
            plot = make_axes((0, 10, 1), (0, 10, 2), 9.0, 4.0, "x", "y")
            ends = np.array([0.0, 10.0])
            line = tracked_curve(plot.axes, ends, lambda: ends * 0.5, S.WEIGHT)
            self.add_updater(lambda dt: widths.append(float(np.ptp(line.points[:, 0]))))
            self.play(Create(plot), Create(line), run_time=0.5)

    with tempconfig({"frame_rate": 10, "pixel_width": 160, "pixel_height": 90, "write_to_movie": False,
                     "disable_caching": True, "verbosity": "ERROR"}):
        Grow().render()
    assert len(widths) >= 4
    assert all(b > a + 0.1 for a, b in zip(widths[1:], widths[2:], strict=False)), widths


def test_an_unclipped_curve_takes_the_shortcut_with_the_same_floats():
    """With every y inside the range, clipped_segments skips the clipping: the same bits as the full computation
    (forced here by one more vertex above the range, whose segment is clipped and dropped from the comparison)."""
    rng = np.random.default_rng(3)
    xs = np.sort(rng.uniform(-1, 4, 40))
    ys = rng.uniform(0.0, 1.0, 40)
    ys[[0, 7]] = 0.0, 1.0  # on the range's edges too
    fast = clipped_segments(xs, ys, 0.0, 1.0)
    full = clipped_segments(np.append(xs, 4.5), np.append(ys, 1.8), 0.0, 1.0)
    assert [a.size for a in full] == [40] * 4  # the shortcut was not taken here
    for got, want in zip(fast, full, strict=True):
        assert got.size == 39 and np.array_equal(got, want[:39])


def test_axis_frame_follows_the_axes_with_and_without_tips():
    """The cached origin and unit steps equal Manim's c2p after the axes move in place, with tips (whose ends are
    the tips') and without (whose ends are the lines' points)."""
    from scenes.parts import axis_frame

    for tips in (False, True):
        axes = Axes(x_range=(-3, 3, 1), y_range=(0, 2, 0.5), x_length=6, y_length=3, tips=tips)
        for move in (lambda a: a, lambda a: a.shift(UP * 0.7), lambda a: a.scale(1.3),
                     lambda a: a.stretch(0.8, 0)):
            move(axes)
            o, ux, uy = axis_frame(axes)
            assert np.allclose(o, axes.c2p(0, 0)) and np.allclose(o + ux, axes.c2p(1, 0))
            assert np.allclose(o + uy, axes.c2p(0, 1))


def test_the_same_data_again_is_not_drawn_again_unless_something_moved(monkeypatch):
    """set_data stops early when the data, the axes and the curve's own points are as it left them, and draws
    again when any of them changed (the points come out as a fresh draw's)."""
    from scenes import parts

    axes = Axes(x_range=(-3, 3, 1), y_range=(0, 1, 0.5), x_length=6, y_length=3)
    xs = np.linspace(-3, 3, 61)
    curve = ArrayCurve(axes, xs, np.exp(-xs**2), S.LIKELIHOOD)
    draws = []
    original = parts.ArrayCurve._draw

    def counted(self, *args):
        if self is curve:
            draws.append(1)
        original(self, *args)

    monkeypatch.setattr(parts.ArrayCurve, "_draw", counted)

    def fresh(ys: np.ndarray) -> np.ndarray:
        return ArrayCurve(axes, xs, ys, S.LIKELIHOOD).points

    curve.set_data(xs, np.exp(-xs**2))
    assert draws == []
    curve.set_data(xs, 0.5 * np.exp(-xs**2))  # new data
    assert len(draws) == 1 and np.array_equal(curve.points, fresh(0.5 * np.exp(-xs**2)))
    curve.shift(UP)  # moved by someone else: the updater puts it back
    curve.set_data(xs, 0.5 * np.exp(-xs**2))
    assert len(draws) == 2 and np.array_equal(curve.points, fresh(0.5 * np.exp(-xs**2)))
    axes.shift(UP * 0.5)  # the axes moved: drawn on them again
    curve.set_data(xs, 0.5 * np.exp(-xs**2))
    assert len(draws) == 3 and np.array_equal(curve.points, fresh(0.5 * np.exp(-xs**2)))
    curve.set_data(xs, 0.5 * np.exp(-xs**2))
    assert len(draws) == 3


def test_place_moves_as_move_to_does_with_the_same_floats():
    """parts.place against Manim's move_to: dots, rings, lines and arcs (lone VMobjects) to the same floats, and
    a group (which place hands to move_to)."""
    from manim import Arc, Circle, Dot, Line

    from scenes.parts import place

    rng = np.random.default_rng(3)
    for make in (lambda: Dot(radius=0.08), lambda: Circle(radius=0.3).rotate(0.4),
                 lambda: Line([-1, 0.2, 0], [0.7, 1.1, 0]), lambda: Arc(angle=2.2, radius=0.5),
                 lambda: VGroup(Dot(), Dot().shift(UP))):
        for _ in range(5):
            target = rng.normal(size=3) * 3
            a = make().shift(rng.normal(size=3))
            b = a.copy()
            a.move_to(target)
            place(b, target)
            assert np.array_equal(a.points, b.points) or isinstance(a, VGroup)
            assert np.array_equal(a.get_all_points(), b.get_all_points())
