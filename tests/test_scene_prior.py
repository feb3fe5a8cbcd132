"""Chapter 5: the prior curve and the sigma readout follow mathcore at every beat end."""

import numpy as np
import pytest

from mathcore import parameters as P
from mathcore.prior import gaussian_prior_pdf
from scenes.ch05_prior import PriorScene
from tests.scene_harness import cue_problems, recording, run_scene, vertices


def probe(scene, key):
    axes = scene.plot.axes
    xy = vertices(scene.curve)
    band = [axes.p2c(scene.near_zero.get_start())[0], axes.p2c(scene.near_zero.get_end())[0]]
    return {"sigma": scene.sigma.get_value(), "shown": scene.slider.readout.shown, "xy": xy, "band": band,
            "peak_shown": scene.peak_readout.shown, "band_shown": scene.band_readout.shown}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    return run_scene(recording(PriorScene), probe, tmp_path_factory.mktemp("ch05"))


def test_prior_curve_matches_mathcore_at_each_beat(recorded):
    scene, states = recorded
    assert list(states) == ["formula", "sigma_narrow", "sigma_wide", "two_sigmas"]
    assert states["sigma_narrow"]["sigma"] == P.SIGMA_MIN
    assert states["sigma_wide"]["sigma"] == P.SIGMA_MAX
    for state in states.values():
        assert state["shown"] == round(state["sigma"], 2)
        xy = state["xy"]
        expected = gaussian_prior_pdf(xy[:, 0], state["sigma"])
        inside = expected <= scene.plot.axes.y_range[1]
        np.testing.assert_allclose(xy[inside, 1], expected[inside], atol=1e-6)


#: (beat, bookmark, what the words after it name), in narration order.
CUES = [
    ("formula", "bell", lambda s: s.curve), ("formula", "width", lambda s: s.formula[5]),
    ("sigma_narrow", "shrink", lambda s: s.sigma), ("sigma_narrow", "tall", lambda s: s.peak_readout.lhs[0]),
    ("sigma_narrow", "confident", lambda s: s.near_zero), ("sigma_wide", "widen", lambda s: s.sigma),
    ("sigma_wide", "plausible", lambda s: s.stems[0][0]), ("sigma_wide", "opinion", lambda s: s.curve),
    ("two_sigmas", "noise", lambda s: s.pair[0]), ("two_sigmas", "doubt", lambda s: s.pair[1]),
]


def test_every_bookmark_starts_the_visual_it_names(recorded):
    """Each bookmark of the narration is waited for and the play right after it (within a frame) animates what
    the words name: the bell, the σ in the formula, the σ sweeps, the candidate slopes, the two sigmas."""
    scene, _ = recorded
    assert not cue_problems(scene, CUES)


def test_peak_and_band_readouts_follow_sigma(recorded):
    """p(0) = 1/(sqrt(2 pi) sigma) and the band of +-2 sigma (clipped to the axis) match sigma at every beat end."""
    _, states = recorded
    for state in states.values():
        sigma = state["sigma"]
        assert state["peak_shown"] == round(1 / np.sqrt(2 * np.pi * sigma**2), 2)
        assert state["band_shown"] == round(2 * sigma, 2)
        np.testing.assert_allclose(state["band"], [max(P.W_RANGE[0], -2 * sigma), min(P.W_RANGE[1], 2 * sigma)],
                                   atol=1e-6)


def test_the_chapter_ends_on_an_empty_screen(recorded):
    """The last play is the 0.8 s fade of everything (fade_all): nothing is left in the scene, not even the trackers
    and the groups Manim added while animating."""
    scene, _ = recorded
    assert scene.mobjects == [] and scene.foreground_mobjects == []
    last_start, faded = scene.play_log[-1]
    assert float(scene.renderer.time) - last_start == pytest.approx(0.8, abs=1 / 6)  # whole frames at 6 fps
    drawn = [m for mob in (scene.plot, scene.curve, scene.slider, scene.formula)
             for m in mob.family_members_with_points()]
    assert {id(m) for m in drawn} <= faded
