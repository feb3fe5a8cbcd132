"""Chapter 8: both panels follow mathcore and their minima agree with the closed-form ridge slope at every beat."""

import numpy as np
import pytest

from mathcore import parameters as P
from mathcore.datasets import house_prices
from mathcore.likelihood import log_likelihood
from scenes import style as S
from scenes.ch08_two_views import TwoViewsScene
from tests.scene_harness import (
    cue_problems,
    cues_in_order,
    nearest_palette_hits,
    recording,
    run_scene,
    scene_vertices,
    vertices,
)

BEATS = ["two_views", "same_minimum", "lambda_strong", "lambda_weak", "same_math"]
DATA = house_prices()
#: What each bookmark of the narration sets in motion (the mobject its visual animates).
CUES = {
    "left": lambda s: s.left.heading, "sq": lambda s: s.left_curves[0], "pen": lambda s: s.left_curves[1],
    "right": lambda s: s.right.heading, "nll": lambda s: s.right_curves[0], "nlp": lambda s: s.right_curves[1],
    "bottom": lambda s: s.left_marker, "agree": lambda s: s.left_readout, "lam": lambda s: s.slider,
    "width": lambda s: s.sigma_readout,
    "up": lambda s: s.lam, "steep": lambda s: s.left_curves[1], "narrow": lambda s: s.right_curves[1],
    "slide": lambda s: s.left_marker.dot,
    "down": lambda s: s.lam, "relax": lambda s: s.left_curves[1], "widen": lambda s: s.right_curves[1],
    "drift": lambda s: s.right_marker.dot,
    "never": lambda s: s.equals, "rightc": lambda s: s.right_curves[2], "over": lambda s: s.identity,
    "choose": lambda s: s.identity,
}
#: Frame time of the scene harness (6 fps): a cue may start one frame off its bookmark.
FRAME = 1 / 6 + 1e-6


def ridge_closed_form(lam: float) -> float:
    return float(DATA.x @ DATA.y / (DATA.x @ DATA.x + lam))


def probe(scene, key):
    la, ra = scene.left.axes, scene.right.axes
    state = {"lam": scene.lam.get_value(),
             "left": [vertices(c, inside_only=True) for c in scene.left_curves],
             "right": [vertices(c, inside_only=True) for c in scene.right_curves]}
    if hasattr(scene, "left_marker"):
        state["markers"] = (scene.left_marker.w, scene.right_marker.w)
        state["readouts"] = (scene.left_readout.shown, scene.right_readout.shown)
        state["dots"] = (la.p2c(scene.left_marker.dot.get_center()), ra.p2c(scene.right_marker.dot.get_center()))
    if key == "lambda_strong":
        scene.renderer.update_frame(scene)
        state["frame"] = np.array(scene.renderer.get_frame())[:, :, :3].copy()
        state["scene_pts"] = {S.POSTERIOR: scene_vertices(scene.right_curves[2]),
                              S.PRIOR: scene_vertices(scene.right_curves[1]),
                              S.LAMBDA: scene_vertices(scene.left_curves[1])}
    return state


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_scene(recording(TwoViewsScene), probe, tmp_path_factory.mktemp("ch08"))


def test_every_bookmark_starts_the_visual_it_names(run):
    cues = cues_in_order(TwoViewsScene, CUES)
    assert {mark for _, mark, _ in cues} == set(CUES)
    assert not (problems := cue_problems(run[0], cues, slack=FRAME)), "\n".join(problems)


def test_beats_and_lambda_sweep_follow_the_storyboard(run):
    _, states = run
    assert list(states) == BEATS
    assert states["two_views"]["lam"] == pytest.approx(P.SIGMA_N**2 / P.SIGMA_START**2)
    assert states["lambda_strong"]["lam"] == max(P.LAMBDA_SWEEP)
    assert states["lambda_weak"]["lam"] == min(P.LAMBDA_SWEEP)


def test_both_curves_are_the_two_objectives(run):
    _, states = run
    x, y = DATA.x, DATA.y
    for state in states.values():
        lam = state["lam"]
        sigma = P.SIGMA_N / np.sqrt(lam)
        loss, penalty, total = state["left"]
        nll, nlprior, nlpost = state["right"]
        sq = lambda w: ((y[:, None] - w[None, :] * x[:, None]) ** 2).sum(axis=0)  # noqa: E731
        np.testing.assert_allclose(loss[:, 1], sq(loss[:, 0]), atol=1e-6)
        np.testing.assert_allclose(penalty[:, 1], lam * penalty[:, 0] ** 2, atol=1e-6)
        np.testing.assert_allclose(total[:, 1], sq(total[:, 0]) + lam * total[:, 0] ** 2, atol=1e-6)
        np.testing.assert_allclose(nll[:, 1], -log_likelihood(nll[:, 0], x, y, P.SIGMA_N), atol=1e-6)
        prior = nlprior[:, 0] ** 2 / (2 * sigma**2) + 0.5 * np.log(2 * np.pi * sigma**2)
        np.testing.assert_allclose(nlprior[:, 1], prior, atol=1e-6)
        right = -log_likelihood(nlpost[:, 0], x, y, P.SIGMA_N) + nlpost[:, 0] ** 2 / (2 * sigma**2) \
            + 0.5 * np.log(2 * np.pi * sigma**2)
        np.testing.assert_allclose(nlpost[:, 1], right, atol=1e-6)


def test_minimum_markers_and_readouts_agree_with_the_ridge_closed_form(run):
    _, states = run
    for key, state in states.items():
        if "markers" not in state:
            continue
        expected = ridge_closed_form(state["lam"])
        left, right = state["markers"]
        assert left == pytest.approx(expected, abs=1e-6), key
        assert right == pytest.approx(expected, abs=1e-6), key
        assert state["readouts"][0] == state["readouts"][1] == round(expected, 2), key
        (lw, lv), (rw, rv) = state["dots"]
        assert lv == pytest.approx(((DATA.y - lw * DATA.x) ** 2).sum() + state["lam"] * lw**2, abs=1e-6)
        assert rv == pytest.approx(np.interp(rw, *state["right"][2].T), abs=0.05)
    assert "markers" in states["lambda_strong"] and "markers" in states["lambda_weak"]


def test_key_frame_shows_the_palette_where_the_curves_are(run):
    _, states = run
    state = states["lambda_strong"]
    frame = state["frame"]
    assert frame.std() > 5
    for colour, points in state["scene_pts"].items():
        assert nearest_palette_hits(frame, points, colour) > 0.6, colour
