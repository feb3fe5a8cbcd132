"""Chapter 4: the fits equal independent least-squares polynomials, and the readouts show their errors; each narration
bookmark starts the visual of the words it stands before."""

import numpy as np
import pytest
from numpy.polynomial import Polynomial

from mathcore import parameters as P
from mathcore.datasets import five_noisy_points, fresh_points
from mathcore.polynomial import rms_error
from scenes.ch04_overfitting import OverfittingScene
from tests.scene_harness import cue_problems, inside_frame, recording, run_scene, vertices

BEATS = ["five_points", "growing_degree", "degree_four", "fresh_points"]
#: (beat, bookmark, what the words after it name on screen), in narration order.
CUES = [
    ("five_points", "trusts", lambda s: s.plot), ("five_points", "few", lambda s: s.dots[0]),
    ("five_points", "five", lambda s: s.count), ("five_points", "smooth", lambda s: s.source),
    ("growing_degree", "fit", lambda s: s.curve), ("growing_degree", "raise", lambda s: s.degree_readout),
    ("growing_degree", "line", lambda s: s.curve), ("growing_degree", "two", lambda s: s.degree),
    ("growing_degree", "three", lambda s: s.degree), ("growing_degree", "error", lambda s: s.train_readout),
    ("degree_four", "four", lambda s: s.degree), ("degree_four", "weights", lambda s: s.model[2]),
    ("degree_four", "threads", lambda s: s.dots[0]), ("degree_four", "zero", lambda s: s.train_readout),
    ("degree_four", "bulges", lambda s: s.curve), ("degree_four", "off", lambda s: s.escape),
    ("fresh_points", "fresh", lambda s: s.fresh_dots), ("fresh_points", "land", lambda s: s.gaps),
    ("fresh_points", "large", lambda s: s.fresh_readout), ("fresh_points", "overfitting", lambda s: s.curve),
    ("fresh_points", "wild", lambda s: s.model[2]),
]


def probe(scene, key):
    axes = scene.plot.axes
    state = {"inside": inside_frame(scene), "degree": scene.degree.get_value(),
             "dots": np.array([axes.p2c(d.get_center()) for d in scene.dots])}
    if key != "five_points":
        state["curve"] = vertices(scene.curve, inside_only=True)  # points cut at the plot edge are interpolated
        shown = scene.fresh_readout in scene.get_mobject_family_members()  # its updater runs once it is on screen
        state["shown"] = (scene.degree_readout.shown, scene.train_readout.shown,
                          scene.fresh_readout.shown if shown else None)
    if key == "fresh_points":
        state["gaps"] = np.array([[axes.p2c(g.get_start()), axes.p2c(g.get_end())] for g in scene.gaps])
    return state


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_scene(recording(OverfittingScene), probe, tmp_path_factory.mktemp("ch04"))


@pytest.fixture(scope="module")
def states(run):
    return run[1]


def test_every_bookmark_starts_the_visual_it_names(run):
    assert not (problems := cue_problems(run[0], CUES)), "\n".join(problems)


def least_squares(degree):
    d = five_noisy_points()
    return Polynomial.fit(d.x, d.y, degree)


def rms(poly, data):
    return float(np.sqrt(np.mean((poly(data.x) - data.y) ** 2)))


def test_beats_and_degrees(states):
    assert list(states) == BEATS
    assert [states[k]["degree"] for k in BEATS] == [P.OVERFIT_DEGREES[0], P.OVERFIT_DEGREES[-2],
                                                    P.OVERFIT_DEGREES[-1], P.OVERFIT_DEGREES[-1]]
    for key, state in states.items():
        assert state["inside"], f"something leaves the frame margin at the end of {key}"


def test_points_curves_and_readouts(states):
    data, fresh = five_noisy_points(), fresh_points()
    for key, state in states.items():
        np.testing.assert_allclose(state["dots"][:, :2], np.c_[data.x, data.y], atol=1e-9)
        if key == "five_points":
            continue
        degree = int(state["degree"])
        poly = least_squares(degree)
        np.testing.assert_allclose(state["curve"][:, 1], poly(state["curve"][:, 0]), atol=1e-6)
        fresh_shown = round(rms(poly, fresh), 2) if key == "fresh_points" else None
        assert state["shown"] == (degree, round(rms(poly, data), 2), fresh_shown)
    four = least_squares(P.OVERFIT_DEGREES[-1])
    assert states["degree_four"]["shown"][1] == 0.0, "degree four passes through all five points"
    assert rms(four, fresh) > 3 * rms(least_squares(1), data), "fresh points fall far from the degree-4 curve"
    gaps = states["fresh_points"]["gaps"]
    np.testing.assert_allclose(gaps[:, 0, :2], np.c_[fresh.x, fresh.y], atol=1e-9)
    np.testing.assert_allclose(gaps[:, 1, :2], np.c_[fresh.x, four(fresh.x)], atol=1e-6)


def test_rms_error_is_root_mean_square():
    assert rms_error([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) == 0.0
    assert abs(rms_error([0.0, 0.0], [3.0, 4.0]) - np.sqrt(12.5)) < 1e-12
    with pytest.raises(ValueError, match="same length"):
        rms_error([1.0], [1.0, 2.0])
