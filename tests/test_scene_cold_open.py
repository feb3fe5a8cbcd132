"""Chapter 1: the ridge loss and the prior follow their closed forms; each narration bookmark starts the visual of the
words it stands before; the thumbnail still is readable."""

import numpy as np
import pytest
from manim import DOWN, LEFT, tempconfig

from mathcore import parameters as P
from mathcore.datasets import house_prices
from mathcore.objectives import ridge_penalty
from scenes import style as S
from scenes.ch01_cold_open import ColdOpenScene, ThumbnailScene
from tests.scene_harness import (
    colour_counts,
    cue_problems,
    inside_frame,
    png_round_trip,
    recording,
    run_scene,
    snapshot,
    vertices,
)

BEATS = ["ridge_loss", "gaussian_prior", "the_question", "title_card"]
#: (beat, bookmark, what the words after it name on screen), in narration order.
CUES = [
    ("ridge_loss", "loss", lambda s: s.panels.loss_eq), ("ridge_loss", "squares", lambda s: s.panels.loss_eq[4]),
    ("ridge_loss", "penalty", lambda s: s.panels.loss_eq[12]), ("ridge_loss", "bowl", lambda s: s.panels.loss_curve),
    ("ridge_loss", "bottom", lambda s: s.panels.loss_min),
    ("gaussian_prior", "bell", lambda s: s.panels.prior_eq),
    ("gaussian_prior", "gauss", lambda s: s.panels.prior_eq[4]),
    ("gaussian_prior", "width", lambda s: s.panels.prior_eq[5]), ("gaussian_prior", "small", lambda s: s.prior_fill),
    ("the_question", "split", lambda s: s.panels.data_curve),
    ("the_question", "parabola", lambda s: s.panels.penalty_curve), ("the_question", "trick", lambda s: s.box),
    ("the_question", "where", lambda s: s.words), ("the_question", "answer", lambda s: s.bridge),
    ("title_card", "mle", lambda s: s.title[4]), ("title_card", "map", lambda s: s.title[9]),
    ("title_card", "l2", lambda s: s.subtitle),
]


def probe(scene, key):
    p = scene.panels
    la = p.loss_plot.axes
    return {"inside": inside_frame(scene),
            "loss": vertices(p.loss_curve), "penalty": vertices(p.penalty_curve), "prior": vertices(p.prior_curve),
            "min": np.array(la.p2c(p.loss_min.get_center()))}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_scene(recording(ColdOpenScene), probe, tmp_path_factory.mktemp("ch01"))


@pytest.fixture(scope="module")
def states(run):
    return run[1]


def test_every_bookmark_starts_the_visual_it_names(run):
    assert not (problems := cue_problems(run[0], CUES)), "\n".join(problems)


def scene_top(points):
    return points[:, 1].max()


def test_panels_follow_closed_forms(states):
    assert list(states) == BEATS
    d = house_prices()
    lam = P.SIGMA_N**2 / P.SIGMA_START**2
    w_star = np.sum(d.x * d.y) / (np.sum(d.x**2) + lam)
    for key, state in states.items():
        assert state["inside"], f"something leaves the frame margin at the end of {key}"
        loss = state["loss"]
        loss = loss[loss[:, 1] < scene_top(loss) - 1e-9]  # points cut at the plot's top edge are interpolated
        expected = ((d.y[None, :] - loss[:, :1] * d.x[None, :]) ** 2).sum(axis=1) + lam * loss[:, 0] ** 2
        np.testing.assert_allclose(loss[:, 1], expected, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(state["penalty"][:, 1], lam * state["penalty"][:, 0] ** 2, atol=1e-6)
        w = state["prior"][:, 0]
        gauss = np.exp(-(w**2) / (2 * P.SIGMA_START**2)) / np.sqrt(2 * np.pi * P.SIGMA_START**2)
        np.testing.assert_allclose(state["prior"][:, 1], gauss, atol=1e-9)
        assert abs(state["min"][0] - w_star) < 1e-9
        assert abs(state["min"][1] - (np.sum((d.y - w_star * d.x) ** 2) + lam * w_star**2)) < 1e-6


def test_ridge_penalty():
    np.testing.assert_allclose(ridge_penalty([-2.0, 0.0, 3.0], 0.5), [2.0, 0.0, 4.5])
    with pytest.raises(ValueError, match="lambda"):
        ridge_penalty([1.0], -1.0)


def test_thumbnail_still(tmp_path):
    with tempconfig({"dry_run": True, "pixel_width": 320, "pixel_height": 180, "media_dir": str(tmp_path),
                     "verbosity": "ERROR", "progress_bar": "none"}):
        scene = ThumbnailScene()
        scene.render()
        assert inside_frame(scene)
        image = snapshot(scene, 640, 360)
        image = png_round_trip(image, tmp_path / "thumbnail.png")
        assert image.std() > 20, "thumbnail is nearly blank"
        title = scene.mobjects[0]
        assert title.height > 0.6, "title text must be big"
        assert (np.abs(image.astype(int) - [255, 255, 255]).max(axis=-1) < 30).sum() > 2000, "white title text"
        below_peak = scene.mobjects[1][2][0][2].get_top() + DOWN * 2 * S.FRAME_H / 360  # two pixels down
        assert colour_counts(image, below_peak, S.PRIOR, radius=6, tol=40)[0] >= 3
        box = scene.mobjects[2]
        assert colour_counts(image, box.get_corner(LEFT), S.LAMBDA, radius=6, tol=40)[0] >= 3
