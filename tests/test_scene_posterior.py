"""Chapter 6: curves, MLE/MAP markers and readouts against closed forms at every beat; one rendered key frame."""

import numpy as np
import pytest

from mathcore import parameters as P
from mathcore.datasets import house_prices
from mathcore.posterior import shrinkage_factor
from scenes import style as S
from scenes.ch06_posterior import PosteriorScene
from tests.scene_harness import (
    colour_counts,
    cue_problems,
    inside_frame,
    near_colour,
    png_round_trip,
    recording,
    run_scene,
    snapshot,
    vertices,
)

BEATS = ["bayes_rule", "three_curves", "sigma_tight", "sigma_wide"]


def probe(scene, key):
    state = {"sigma": scene.sigma.get_value(), "inside": inside_frame(scene)}
    if key == "bayes_rule":
        return state
    axes = scene.plot.axes
    state["mle_x"] = axes.p2c(scene.mle_marker.line.get_start())[0]
    state["map_x"] = axes.p2c(scene.map_marker.line.get_start())[0]
    state["knot_x"] = axes.p2c(scene.rope[2][2].get_center())[0]
    # (horizontal offset of the tag from its line, gap between the line's top and the tag's bottom)
    state["tags"] = {name: (marker.tag.get_center()[0] - marker.line.get_top()[0],
                            marker.tag.get_bottom()[1] - marker.line.get_top()[1])
                     for name, marker in (("MLE", scene.mle_marker), ("MAP", scene.map_marker))}
    state["shown"] = (scene.mle_readout.shown, scene.map_readout.shown, scene.ratio_readout.shown)
    state["curves"] = {name: vertices(curve) for name, curve in
                       (("like", scene.like_curve), ("prior", scene.prior_curve), ("post", scene.post_curve))}
    if key == "sigma_tight":
        state["image"] = snapshot(scene)
        state["peaks"] = {name: axes.c2p(x, 1.0)
                          for name, x in (("prior", 0.0), ("post", state["map_x"]), ("like", state["mle_x"]))}
    return state


def closed_forms(sigma):
    """MLE, MAP and the three peak-1 curves of the slope model, written out independently of mathcore."""
    d = house_prices()
    sxx, sxy = float(np.sum(d.x**2)), float(np.sum(d.x * d.y))
    mle = sxy / sxx
    map_ = sxy / (sxx + P.SIGMA_N**2 / sigma**2)
    post_var = 1.0 / (sxx / P.SIGMA_N**2 + 1.0 / sigma**2)
    return mle, map_, {
        "like": lambda w: np.exp(-((w - mle) ** 2) * sxx / (2 * P.SIGMA_N**2)),
        "prior": lambda w: np.exp(-(w**2) / (2 * sigma**2)),
        "post": lambda w: np.exp(-((w - map_) ** 2) / (2 * post_var)),
    }


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    return run_scene(recording(PosteriorScene), probe, tmp_path_factory.mktemp("ch06"))


@pytest.fixture(scope="module")
def states(recorded):
    return recorded[1]


#: (beat, bookmark, what the words after it name), in narration order: the MLE, MAP and MAP/MLE readouts pulse
#: when they are named, the ratio last.
CUES = [
    ("bayes_rule", "posterior", lambda s: s.notes[0]), ("bayes_rule", "proportional", lambda s: s.equation[5]),
    ("bayes_rule", "likelihood", lambda s: s.notes[1]), ("bayes_rule", "prior", lambda s: s.notes[2]),
    ("three_curves", "orange", lambda s: s.like_curve), ("three_curves", "mle", lambda s: s.mle_readout),
    ("three_curves", "purple", lambda s: s.prior_curve), ("three_curves", "multiply", lambda s: s.legend[2]),
    ("three_curves", "map", lambda s: s.map_readout), ("three_curves", "knot", lambda s: s.rope[0]),
    ("sigma_tight", "tighten", lambda s: s.slider.readout), ("sigma_tight", "snaps", lambda s: s.sigma),
    ("sigma_tight", "map", lambda s: s.map_readout), ("sigma_tight", "half", lambda s: s.ratio_readout),
    ("sigma_wide", "loosen", lambda s: s.sigma), ("sigma_wide", "back", lambda s: s.map_readout),
    ("sigma_wide", "wins", lambda s: s.ratio_readout),
]


def test_every_bookmark_starts_the_visual_it_names(recorded):
    """Each bookmark is waited for, and the play right after it (within a frame) animates what the words name:
    the term of Bayes' rule, the curve, the σ sweep, the MLE, MAP and MAP/MLE readouts."""
    scene, _ = recorded
    assert not cue_problems(scene, CUES)


def test_posterior_scene_matches_closed_forms(states):
    assert list(states) == BEATS
    assert states["bayes_rule"]["sigma"] == P.SIGMA_START
    assert states["sigma_tight"]["sigma"] == P.SIGMA_MIN
    assert states["sigma_wide"]["sigma"] == P.SIGMA_MAX
    for key, state in states.items():
        assert state["inside"], f"something leaves the frame margin at the end of {key}"
        if key == "bayes_rule":
            continue
        mle, map_, curves = closed_forms(state["sigma"])
        assert abs(state["mle_x"] - mle) < 1e-6
        assert abs(state["map_x"] - map_) < 1e-6
        assert abs(state["knot_x"] - map_) < 1e-6, f"the rope's knot is not at the MAP at the end of {key}"
        for name, (dx, gap) in state["tags"].items():
            assert abs(dx) < 1e-6 and abs(gap - 0.08) < 1e-6, f"the {name} tag is not on top of its line at {key}"
        assert state["shown"] == (round(mle, 2), round(map_, 2), round(map_ / mle, 2))
        for name, xy in state["curves"].items():
            expected = curves[name](xy[:, 0])  # each curve is scaled so its highest grid sample is 1
            np.testing.assert_allclose(xy[:, 1], expected / expected.max(), atol=1e-6, err_msg=f"{name} at {key}")
    tight, wide = states["sigma_tight"], states["sigma_wide"]
    assert tight["map_x"] <= tight["mle_x"] / 2, "a tight prior drags the MAP at least halfway to zero"
    assert abs(wide["map_x"] - wide["mle_x"]) <= 0.02 * wide["mle_x"], "a wide prior lets the MAP reach the MLE"


def test_key_frame_shows_each_curve_in_its_colour(states, tmp_path):
    state = states["sigma_tight"]
    image = png_round_trip(state["image"], tmp_path / "sigma_tight.png")
    assert image.std() > 5, "key frame is blank"
    for name, colour in (("prior", S.PRIOR), ("post", S.POSTERIOR), ("like", S.LIKELIHOOD)):
        assert colour_counts(image, state["peaks"][name], colour, radius=6, tol=40)[0] >= 3, \
            f"no {colour} pixels at the {name} peak"
    assert near_colour(image[1:10, 1:10], S.BACKGROUND, tol=3).any()


def test_shrinkage_factor_is_map_over_mle():
    d = house_prices()
    for sigma in (P.SIGMA_MIN, P.SIGMA_START, P.SIGMA_MAX):
        _, map_, _ = closed_forms(sigma)
        assert abs(shrinkage_factor(d.x, P.SIGMA_N, sigma) - map_ / (np.sum(d.x * d.y) / np.sum(d.x**2))) < 1e-12
