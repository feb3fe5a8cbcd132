"""Chapter 9: fits, dragged point and readouts follow independent closed forms at every beat end."""

import numpy as np
import pytest
from numpy.polynomial import legendre

from mathcore import parameters as P
from mathcore.datasets import polynomial_playground
from mathcore.polynomial import degree_blend, fit_ridge
from scenes import style as S
from scenes.ch09_polynomial_ridge import PolynomialRidgeScene
from tests.scene_harness import (
    colour_hits,
    cue_problems,
    cues_in_order,
    frame_at_beat,
    recording,
    run_scene,
    scene_vertices,
    vertices,
)

BEATS = ["playground", "drag_point", "degree_rises", "drag_high_degree", "prior_at_work"]
#: What each bookmark of the narration sets in motion (the mobject its visual animates).
CUES = {
    "points": lambda s: s.dots, "degree": lambda s: s.knobs, "orange": lambda s: s.mle,
    "green": lambda s: s.ridge, "penalty": lambda s: s.penalty,
    "pull": lambda s: s.grip_up, "bend": lambda s: s.mle, "low": lambda s: s.degree_readout,
    "d6": lambda s: s.degree, "d8": lambda s: s.degree, "d10": lambda s: s.degree, "d11": lambda s: s.degree,
    "thread": lambda s: s.dots, "whip": lambda s: s.mle, "calm": lambda s: s.ridge,
    "norms": lambda s: s.map_norm, "explode": lambda s: s.mle_norm,
    "drag": lambda s: s.grip_down, "convulse": lambda s: s.mle, "barely": lambda s: s.ridge,
    "prior": lambda s: s.prior_tex, "lam": lambda s: s.lambda_readout, "noise": lambda s: s.ratio,
    "width": lambda s: s.width_tex, "twelve": lambda s: s.dots, "huge": lambda s: s.mle_norm,
}
#: Frame time of the scene harness (6 fps): a cue may start one frame off its bookmark.
FRAME = 1 / 6 + 1e-6


def reference_coef(x, y, degree, lam):
    """Independent fit on the unit domain: numpy's legfit for least squares, normal equations for ridge."""
    t = 2.0 * np.asarray(x) - 1.0
    if lam == 0.0:
        return legendre.legfit(t, y, degree)
    X = legendre.legvander(t, degree)
    return np.linalg.solve(X.T @ X + lam * np.eye(degree + 1), X.T @ y)


def reference_curve(x, y, degree, lam, xs):
    return legendre.legval(2.0 * np.asarray(xs) - 1.0, reference_coef(x, y, degree, lam))


def probe(scene, key):
    k = scene.drag_index
    return {
        "degree": scene.degree.get_value(),
        "degree_shown": scene.degree_readout.shown,
        "lambda_shown": scene.lambda_readout.shown,
        "norms_shown": (scene.mle_norm.shown, scene.map_norm.shown),
        "norms_on_screen": scene.map_norm.number in scene.get_mobject_family_members(),
        "point_y": scene.point_y.get_value(),
        "dot": np.asarray(scene.axes.p2c(scene.dots[k].get_center())),
        "mle": vertices(scene.mle, inside_only=True),
        "ridge": vertices(scene.ridge, inside_only=True),
        "sigma": getattr(scene, "prior_sigma", None),
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_scene(recording(PolynomialRidgeScene), probe, tmp_path_factory.mktemp("ch09"))


def test_every_bookmark_starts_the_visual_it_names(run):
    cues = cues_in_order(PolynomialRidgeScene, CUES)
    assert {mark for _, mark, _ in cues} == set(CUES)
    assert not (problems := cue_problems(run[0], cues, slack=FRAME)), "\n".join(problems)


def test_beats_follow_the_storyboard(run):
    _, states = run
    assert list(states) == BEATS
    assert [s["norms_on_screen"] for s in states.values()] == [False, False, True, True, True]


def test_degree_and_drag_at_each_beat(run):
    _, states = run
    data = polynomial_playground()
    k, dragged = P.PLAYGROUND_DRAG
    home = float(data.y[k])
    expect_degree = dict(zip(BEATS, [3, 3, 11, 11, 11], strict=True))
    expect_y = dict(zip(BEATS, [home, dragged, dragged, home, home], strict=True))
    assert P.PLAYGROUND_DEGREES[0] == 3 and P.PLAYGROUND_DEGREES[-1] == 11
    for key, state in states.items():
        assert state["degree"] == expect_degree[key]
        assert state["degree_shown"] == expect_degree[key]
        assert state["lambda_shown"] == round(P.PLAYGROUND_LAMBDA, 2)
        assert state["point_y"] == pytest.approx(expect_y[key], abs=1e-12)
        np.testing.assert_allclose(state["dot"][:2], [data.x[k], expect_y[key]], atol=1e-6)


def test_curves_and_norms_match_closed_forms(run):
    _, states = run
    data = polynomial_playground()
    k = P.PLAYGROUND_DRAG[0]
    for state in states.values():
        y = data.y.copy()
        y[k] = state["point_y"]
        d = int(state["degree"])
        for name, lam in (("mle", 0.0), ("ridge", P.PLAYGROUND_LAMBDA)):
            xy = state[name]
            assert len(xy) > 100, f"{name} curve mostly missing"
            np.testing.assert_allclose(xy[:, 1], reference_curve(data.x, y, d, lam, xy[:, 0]), atol=1e-6)
        if not state["norms_on_screen"]:
            continue
        norms = [np.linalg.norm(reference_coef(data.x, y, d, lam)) for lam in (0.0, P.PLAYGROUND_LAMBDA)]
        assert state["norms_shown"] == pytest.approx([round(n, 2) for n in norms], abs=1e-9)


def test_high_degree_mle_interpolates_and_dwarfs_the_map(run):
    _, states = run
    data = polynomial_playground()
    top = int(states["drag_high_degree"]["degree"])
    assert top == len(data) - 1
    mle = reference_coef(data.x, data.y, top, 0.0)
    np.testing.assert_allclose(legendre.legval(2 * data.x - 1, mle), data.y, atol=1e-8)
    mle_norm, map_norm = states["drag_high_degree"]["norms_shown"]
    assert mle_norm > 10 * map_norm


def test_prior_width_readout(run):
    _, states = run
    noise = polynomial_playground().meta["noise"]
    assert states["prior_at_work"]["sigma"] == pytest.approx(noise / np.sqrt(P.PLAYGROUND_LAMBDA))


def test_degree_blend_is_the_fit_at_integers_and_between_them():
    data = polynomial_playground()
    xs = np.linspace(0.0, 1.0, 50)
    for degree in (2, 5):
        exact = fit_ridge(data.x, data.y, degree, 0.1, P.UNIT_DOMAIN)(xs)
        np.testing.assert_allclose(degree_blend(data.x, data.y, degree, 0.1, xs, P.UNIT_DOMAIN), exact)
    half = degree_blend(data.x, data.y, 4.25, 0.1, xs, P.UNIT_DOMAIN)
    a, b = (reference_curve(data.x, data.y, d, 0.1, xs) for d in (4, 5))
    np.testing.assert_allclose(half, 0.75 * a + 0.25 * b, atol=1e-9)
    with pytest.raises(ValueError, match="degree"):
        degree_blend(data.x, data.y, P.MAX_DEGREE + 0.5, 0.1, xs, P.UNIT_DOMAIN)


def test_key_frame_shows_both_fits_in_their_colours(tmp_path):
    scene, frame = frame_at_beat(PolynomialRidgeScene, "degree_rises", tmp_path)
    assert frame.std() > 10, "frame is blank"
    for curve, color in ((scene.ridge, S.POSTERIOR), (scene.mle, S.LIKELIHOOD)):
        pts = scene_vertices(curve)
        assert colour_hits(frame, pts[:: max(1, len(pts) // 80)], color) > 0.6
    dots = np.array([d.get_center() for d in scene.dots])
    assert colour_hits(frame, dots, S.DATA) == 1.0
