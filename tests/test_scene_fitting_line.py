"""Chapter 2: the line, its residuals, the dots and the readouts follow y = w x at the storyboard's three slopes;
each narration bookmark starts the visual of the words it stands before."""

import numpy as np
import pytest

from mathcore import parameters as P
from mathcore.datasets import house_prices
from scenes import style as S
from scenes.ch02_fitting_a_line import FittingLineScene
from tests.scene_harness import (
    colour_hits,
    cue_problems,
    frame_at_beat,
    near_colour,
    png_round_trip,
    recording,
    run_scene,
    vertices,
)

#: (beat, bookmark, what the words after it name on screen), in narration order.
CUES = [
    ("scatter", "size", lambda s: s.plot.x_label), ("scatter", "price", lambda s: s.plot.y_label),
    ("scatter", "model", lambda s: s.model), ("scatter", "gloss", lambda s: s.model_block[1]),
    ("too_low", "w", lambda s: s.line), ("too_low", "dollars", lambda s: s.dollars),
    ("too_low", "line", lambda s: s.line), ("too_low", "gaps", lambda s: s.residuals[0]),
    ("too_low", "long", lambda s: s.residuals[-1]),
    ("too_high", "w", lambda s: s.w), ("too_high", "over", lambda s: s.line),
    ("too_high", "gaps", lambda s: s.residuals[0]),
    ("about_right", "w", lambda s: s.w), ("about_right", "middle", lambda s: s.line),
    ("about_right", "sides", lambda s: s.dots[0]),
    ("best_question", "near", lambda s: s.readout), ("best_question", "measure", lambda s: s.question[0]),
    ("best_question", "model", lambda s: s.question[1]),
]


def probe(scene, key):
    axes = scene.plot.axes
    state = {"w": scene.w.get_value(), "dots": np.array([axes.p2c(d.get_center()) for d in scene.dots])}
    if hasattr(scene, "line") and scene.line in scene.mobjects:
        state["line"] = vertices(scene.line)
        state["residuals"] = [vertices(r) for r in scene.residuals]
        state["shown_w"] = scene.readout.shown
        state["shown_dollars"] = scene.dollars.shown
    return state


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_scene(recording(FittingLineScene), probe, tmp_path_factory.mktemp("ch02"))


@pytest.fixture(scope="module")
def states(run):
    return run[1]


def test_every_bookmark_starts_the_visual_it_names(run):
    assert not (problems := cue_problems(run[0], CUES)), "\n".join(problems)


def test_beats_follow_the_storyboard(states):
    # Scatter, the three tried slopes (too low, too high, about right), then the question that leads on.
    assert list(states) == ["scatter", "too_low", "too_high", "about_right", "best_question"]


def test_slopes_line_and_readouts(states):
    data = house_prices()
    expected_w = {"too_low": P.TRY_SLOPES[0], "too_high": P.TRY_SLOPES[1], "about_right": P.TRY_SLOPES[2],
                  "best_question": P.TRY_SLOPES[2]}
    assert "line" not in states["scatter"]
    for key, w in expected_w.items():
        state = states[key]
        assert state["w"] == pytest.approx(w)
        np.testing.assert_allclose(state["dots"], np.c_[data.x, data.y], atol=1e-6)
        line = state["line"]
        np.testing.assert_allclose(line[:, 1], w * line[:, 0], atol=1e-6)
        assert state["shown_w"] == round(w, 2)
        # $100k per 1000 sq ft is $100 per sq ft.
        assert state["shown_dollars"] == round(w * 100_000 / 1_000)
        for (xi, yi), seg in zip(np.c_[data.x, data.y], state["residuals"], strict=True):
            np.testing.assert_allclose(seg[:, 0], xi, atol=1e-6)
            np.testing.assert_allclose(sorted(seg[:, 1]), sorted([yi, w * xi]), atol=1e-6)


def test_too_low_and_too_high_really_are(states):
    data = house_prices()
    for key, sign in (("too_low", 1), ("too_high", -1)):
        gaps = [seg[0, 1] - seg[-1, 1] for seg in states[key]["residuals"]]  # price minus line, point first
        assert all(sign * g > 0 for g in gaps)
    w = states["about_right"]["w"]
    gaps = data.y - w * data.x
    assert (gaps > 0).any() and (gaps < 0).any()


def test_key_frame_shows_palette_where_the_curves_are(tmp_path):
    scene, frame = frame_at_beat(FittingLineScene, "too_high", tmp_path)
    image = png_round_trip(frame, tmp_path / "too_high.png")
    assert image.std() > 5.0, "frame is blank"
    axes, data = scene.plot.axes, scene.data
    w = scene.w.get_value()
    assert colour_hits(image, np.array([axes.c2p(x, y) for x, y in zip(data.x, data.y, strict=True)]), S.DATA) == 1.0
    mids = np.array([axes.c2p(x, (y + w * x) / 2) for x, y in zip(data.x, data.y, strict=True)])
    assert colour_hits(image, mids, S.NOISE) == 1.0
    along = np.array([axes.c2p(x, w * x) for x in np.linspace(0.2, 2.3, 8)])
    assert colour_hits(image, along, S.WEIGHT) >= 0.9
    # Nothing but the background in the empty top-left corner of the plot area.
    assert not near_colour(image[:10, :10], S.DATA).any()


def test_the_model_gloss_wraps_to_fit_the_column():
    from scenes.ch02_fitting_a_line import GLOSS_WIDTH, model_gloss

    assert len(model_gloss("price", "size")) == 1  # the shipped story's words stay on one line
    long = model_gloss("exam score", "study time")
    assert len(long) == 2 and long.width <= GLOSS_WIDTH  # one line was wider than the column's room
