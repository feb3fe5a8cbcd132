"""Chapter 10: prior panels, MAP markers and the weight-decay readout against closed forms at each beat end."""

import numpy as np
import pytest

from mathcore import parameters as P
from mathcore.datasets import house_prices
from mathcore.posterior import grid_argmax, map_slope
from mathcore.sparsity import (
    elastic_net_log_posterior,
    elastic_net_map_slope,
    elastic_net_prior_logpdf,
    laplace_map_slope,
)
from scenes import style as S
from scenes.ch10_what_it_means import TakeawaysScene
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

BEATS = ["laplace_prior", "exact_zero", "elastic_net", "dropout", "weight_decay", "end_card"]
DATA = house_prices()
SN = P.SIGMA_N
SXY, SXX = float(DATA.x @ DATA.y), float(DATA.x @ DATA.x)
#: What each bookmark of the narration sets in motion (the mobject its visual animates).
CUES = {
    "laplace": lambda s: s.panels["laplace"].plot, "tent": lambda s: s.panels["laplace"].prior,
    "sharp": lambda s: s.sharp_ring, "lasso": lambda s: s.panels["laplace"].post,
    "tighten": lambda s: s.log_sigma, "ridge": lambda s: s.panels["gauss"].post,
    "hits": lambda s: s.zero_tag, "point": lambda s: s.panels["laplace"].prior,
    "blend": lambda s: s.panels["elastic"].plot, "mix": lambda s: s.panels["elastic"].prior,
    "keeps": lambda s: s.panels["elastic"].post, "loosen": lambda s: s.log_sigma,
    "between": lambda s: s.panels["elastic"].post,
    "thinned": lambda s: s.card_lines[1], "sample": lambda s: s.card_lines[2], "vi": lambda s: s.card_lines[3],
    "decay": lambda s: s.equation[0], "width": lambda s: s.decay_curve, "formula": lambda s: s.equation[-1],
    "scales": lambda s: s.equation[0], "raise": lambda s: s.lam, "narrows": lambda s: s.decay_curve,
    "small": lambda s: s.sigma_readout,
}
#: Frame time of the scene harness (6 fps): a cue may start one frame off its bookmark.
FRAME = 1 / 6 + 1e-6


def soft(v, t):
    return np.sign(v) * max(abs(v) - t, 0.0)


def closed_form_map(family, sigma, mix=P.ELASTIC_MIX):
    """MAP slopes written out by hand: ridge, soft-thresholded lasso, and their elastic-net blend."""
    b = sigma / np.sqrt(2.0)
    l1, l2 = 2 * SN**2 / b, SN**2 / sigma**2
    if family == "gauss":
        return SXY / (SXX + l2)
    if family == "laplace":
        return soft(SXY, l1 / 2) / SXX
    return soft(SXY, mix * l1 / 2) / (SXX + (1 - mix) * l2)


def log_prior(family, w, sigma, mix=P.ELASTIC_MIX):
    b = sigma / np.sqrt(2.0)
    gauss, lap = -(w**2) / (2 * sigma**2), -np.abs(w) / b
    return {"gauss": gauss, "laplace": lap, "elastic": mix * lap + (1 - mix) * gauss}[family]


def log_post(family, w, sigma):
    loglik = -((DATA.y[:, None] - DATA.x[:, None] * w[None, :]) ** 2).sum(axis=0) / (2 * SN**2)
    return loglik + log_prior(family, w, sigma)


def panel_state(scene, panel):
    axes = panel.plot.axes
    on = panel.readout.number in scene.get_mobject_family_members()

    return {"on": on, "marker": float(axes.p2c(panel.marker.line.get_start())[0]), "shown": panel.readout.shown,
            "prior": vertices(panel.prior), "post": vertices(panel.post)}


def probe(scene, key):
    state = {"sigma": scene.sigma(), "slider": scene.slider.readout.shown,
             "panels": {k: panel_state(scene, p) for k, p in scene.panels.items()}}
    if hasattr(scene, "lam"):
        state["lam"], state["sigma_shown"] = scene.lam.get_value(), scene.sigma_readout.shown
    return state


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_scene(recording(TakeawaysScene), probe, tmp_path_factory.mktemp("ch10"))


def test_every_bookmark_starts_the_visual_it_names(run):
    cues = cues_in_order(TakeawaysScene, CUES)
    assert {mark for _, mark, _ in cues} == set(CUES)
    assert not (problems := cue_problems(run[0], cues, slack=FRAME)), "\n".join(problems)


@pytest.fixture(scope="module")
def states(run):
    return run[1]


def test_beats_follow_the_storyboard(states):
    assert list(states) == BEATS


def test_sigma_sweep_and_markers(states):
    expect_sigma = dict(zip(BEATS[:3], [P.SPARSITY_SIGMAS[0], P.SPARSITY_SIGMAS[1], P.SPARSITY_SIGMAS[0]],
                            strict=True))
    for key, sigma in expect_sigma.items():
        state = states[key]
        assert state["sigma"] == pytest.approx(sigma, rel=1e-12)
        assert state["slider"] == round(sigma, 2)
        shown = [k for k, p in state["panels"].items() if p["on"]]
        assert shown == (["gauss", "laplace", "elastic"] if key == "elastic_net" else ["gauss", "laplace"])
        for family in shown:
            panel, expected = state["panels"][family], closed_form_map(family, sigma)
            assert panel["marker"] == pytest.approx(expected, abs=1e-9)
            assert panel["shown"] == round(expected, 2)


def test_laplace_reaches_exactly_zero_while_ridge_does_not(states):
    panels = states["exact_zero"]["panels"]
    b = P.SPARSITY_SIGMAS[1] / np.sqrt(2.0)
    assert laplace_map_slope(DATA.x, DATA.y, SN, b) == 0.0  # exactly, not merely small
    assert abs(panels["laplace"]["marker"]) < 1e-12 and panels["laplace"]["shown"] == 0.0
    assert panels["gauss"]["marker"] > 0.0 and panels["gauss"]["shown"] > 0.0
    # At the wide end both are far from zero, and elastic net lies between ridge and lasso.
    wide = states["elastic_net"]["panels"]
    assert wide["gauss"]["marker"] < wide["elastic"]["marker"] < wide["laplace"]["marker"]


def test_curves_match_hand_written_densities(states):
    for key in BEATS[:3]:
        sigma = states[key]["sigma"]
        for family, panel in states[key]["panels"].items():
            if not panel["on"]:
                continue
            w, y = panel["prior"][:, 0], panel["prior"][:, 1]
            np.testing.assert_allclose(y, np.exp(log_prior(family, w, sigma)), atol=1e-6)
            w, y = panel["post"][:, 0], panel["post"][:, 1]
            top = log_post(family, np.array([closed_form_map(family, sigma)]), sigma)[0]
            np.testing.assert_allclose(y, np.exp(log_post(family, w, sigma) - top), atol=2e-3)


def test_weight_decay_maps_lambda_to_prior_width(states):
    state = states["weight_decay"]
    assert state["lam"] == max(P.LAMBDA_SWEEP)
    assert state["sigma_shown"] == round(SN / np.sqrt(max(P.LAMBDA_SWEEP)), 2)


@pytest.mark.parametrize("mix", [0.0, 0.3, 1.0])
def test_elastic_net_mathcore_against_closed_form_and_grid(mix):
    for sigma in (1.0, 0.3, 0.05):
        expected = closed_form_map("elastic", sigma, mix)
        assert elastic_net_map_slope(DATA.x, DATA.y, SN, sigma, mix) == pytest.approx(expected, abs=1e-12)
        w = np.linspace(-1.0, 3.0, 40001)
        grid = grid_argmax(w, elastic_net_log_posterior(w, DATA.x, DATA.y, SN, sigma, mix))
        assert grid == pytest.approx(expected, abs=2e-4)
        lp = elastic_net_prior_logpdf(w, sigma, mix)
        np.testing.assert_allclose(lp - lp.max(), log_prior("elastic", w, sigma, mix), atol=1e-9)
    assert elastic_net_map_slope(DATA.x, DATA.y, SN, 0.5, 0.0) == pytest.approx(map_slope(DATA.x, DATA.y, SN, 0.5))
    b = 0.5 / np.sqrt(2.0)
    assert elastic_net_map_slope(DATA.x, DATA.y, SN, 0.5, 1.0) == pytest.approx(laplace_map_slope(DATA.x, DATA.y,
                                                                                                  SN, b))
    with pytest.raises(ValueError, match="mix"):
        elastic_net_map_slope(DATA.x, DATA.y, SN, 0.5, 1.5)


def test_key_frame_shows_priors_and_posteriors_in_their_colours(tmp_path):
    scene, frame = frame_at_beat(TakeawaysScene, "laplace_prior", tmp_path)
    assert frame.std() > 10, "frame is blank"
    for panel in (scene.panels["gauss"], scene.panels["laplace"]):
        for curve, color in ((panel.prior, S.PRIOR), (panel.post, S.POSTERIOR), (panel.like, S.LIKELIHOOD)):
            pts = scene_vertices(curve)
            pts = pts[pts[:, 1] > panel.plot.axes.c2p(0, 0.15)[1]]  # above the baseline where curves overlap
            assert colour_hits(frame, pts[:: max(1, len(pts) // 60)], color) > 0.6
