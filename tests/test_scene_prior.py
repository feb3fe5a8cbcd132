"""Chapter 5: the prior curve and the sigma readout follow mathcore at every beat end."""

import numpy as np

from mathcore import parameters as P
from mathcore.prior import gaussian_prior_pdf
from scenes.ch05_prior import PriorScene
from tests.scene_harness import run_scene


def probe(scene, key):
    axes = scene.plot.axes
    pts = scene.curve.points[0::4]
    xy = np.array([axes.p2c(p) for p in pts])
    return {"sigma": scene.sigma.get_value(), "shown": scene.slider.readout.shown, "xy": xy}


def test_prior_curve_matches_mathcore_at_each_beat(tmp_path):
    scene, states = run_scene(PriorScene, probe, tmp_path)
    assert list(states) == ["formula", "sigma_narrow", "sigma_wide", "two_sigmas"]
    assert states["sigma_narrow"]["sigma"] == P.SIGMA_MIN
    assert states["sigma_wide"]["sigma"] == P.SIGMA_MAX
    for state in states.values():
        assert state["shown"] == round(state["sigma"], 2)
        xy = state["xy"]
        expected = gaussian_prior_pdf(xy[:, 0], state["sigma"])
        inside = expected <= scene.plot.axes.y_range[1]
        np.testing.assert_allclose(xy[inside, 1], expected[inside], atol=1e-6)
