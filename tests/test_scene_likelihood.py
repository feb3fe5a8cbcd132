"""Chapter 3: bells, per-point curves, their product, the MLE marker and the readouts match closed forms at every
beat end, including after the sweep of w and the drag of one point; each narration bookmark starts the visual of the
words it stands before; plus the mathcore helpers the chapter uses."""

import numpy as np
import pytest

from mathcore import parameters as P
from mathcore.datasets import house_prices
from mathcore.likelihood import relative_likelihood, relative_point_likelihoods
from scenes import style as S
from scenes.ch03_likelihood import BELL_WIDTH, LikelihoodScene
from tests.scene_harness import (
    CUE_SLACK,
    colour_hits,
    cue_problems,
    first_play_of,
    frame_at_beat,
    png_round_trip,
    recording,
    run_scene,
    vertices,
)

BEATS = ["noise_model", "point_curves", "product", "equation", "sweep", "drag"]
ONE = P.DRAG_INDEX
#: (beat, bookmark, what the words after it name on screen), in narration order.
CUES = [
    ("noise_model", "gaps", lambda s: s.dots[0]), ("noise_model", "prediction", lambda s: s.line),
    ("noise_model", "noise", lambda s: s.equation[7]), ("noise_model", "bells", lambda s: s.bells[0]),
    ("point_curves", "one", lambda s: s.dots[ONE]), ("point_curves", "height", lambda s: s.ticks[ONE]),
    ("point_curves", "every", lambda s: s.bottom), ("point_curves", "traces", lambda s: s.thin[0]),
    ("product", "independent", lambda s: s.thin[0]), ("product", "product", lambda s: s.equation[6]),
    ("product", "narrower", lambda s: s.product_curve), ("product", "peak", lambda s: s.mle_marker),
    ("product", "mle", lambda s: s.mle_readout),
    ("equation", "p", lambda s: s.legend[0]), ("equation", "prod", lambda s: s.legend[1]),
    ("equation", "normal", lambda s: s.legend[2]), ("equation", "centre", lambda s: s.legend[3]),
    ("equation", "var", lambda s: s.legend[4]),
    ("sweep", "sweep", lambda s: s.w_readout), ("sweep", "shallow", lambda s: s.w),
    ("sweep", "collapse", lambda s: s.product_dot), ("sweep", "steep", lambda s: s.w), ("sweep", "peak", lambda s: s.w),
    ("drag", "pull", lambda s: s.ring), ("drag", "slides", lambda s: s.thin[ONE]), ("drag", "follows", lambda s: s.w),
    ("drag", "listens", lambda s: s.dots[0]),
]


def closed_mle(x, y):
    return float(np.sum(x * y) / np.sum(x * x))


def relative_bell(y, centre, sigma_n):
    """Height of a Gaussian at y relative to its peak."""
    return np.exp(-((y - centre) ** 2) / (2.0 * sigma_n**2))


def probe(scene, key):
    top, bottom = scene.top.axes, scene.bottom.axes if hasattr(scene, "bottom") else None
    state = {"w": scene.w.get_value(), "dots": np.array([top.p2c(d.get_center()) for d in scene.dots]),
             "bells": [vertices(b, inside_only=True) for b in scene.bells], "w_shown": scene.w_readout.shown,
             "line": vertices(scene.line)}
    if key != "noise_model":
        state["ticks"] = [vertices(k) for k in scene.ticks]
        state["thin"] = [vertices(c, inside_only=True) for c in scene.thin]
    if key not in ("noise_model", "point_curves"):
        state["product"] = vertices(scene.product_curve, inside_only=True)
        state["product_dot"] = bottom.p2c(scene.product_dot.get_center())
        state["mle_marker"] = bottom.p2c(scene.mle_marker.line.get_start())
        state["mle_shown"] = scene.mle_readout.shown
        state["mle_line"] = vertices(scene.mle_line)
    return state


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_scene(recording(LikelihoodScene), probe, tmp_path_factory.mktemp("ch03"))


def data_at(key):
    """The house data as it should be on screen at the end of a beat: the drag moves one price."""
    d = house_prices()
    y = d.y.copy()
    if key == "drag":
        y[P.DRAG_INDEX] = P.DRAG_PRICE
    return d.x, y


def test_beats_follow_the_storyboard(run):
    assert list(run[1]) == BEATS


def test_every_bookmark_starts_the_visual_it_names(run):
    assert not (problems := cue_problems(run[0], CUES)), "\n".join(problems)


def test_the_equation_is_built_as_it_is_named(run):
    scene = run[0]
    starts = {mark: at for beat, mark, at in scene.marks_used if beat in ("noise_model", "product")}
    # The factor is written when the noise is named, the product in front of it when the product is.
    assert first_play_of(scene, scene.equation[7], after=0) == pytest.approx(starts["noise"], abs=CUE_SLACK)
    assert first_play_of(scene, scene.equation[0], after=0) == pytest.approx(starts["product"], abs=CUE_SLACK)


def test_slope_readouts_and_mle(run):
    _, states = run
    x0, y0 = data_at("sweep")
    expected_w = {"noise_model": P.TRY_SLOPES[2], "point_curves": P.TRY_SLOPES[2], "product": P.TRY_SLOPES[2],
                  "equation": P.TRY_SLOPES[2], "sweep": closed_mle(x0, y0), "drag": closed_mle(*data_at("drag"))}
    for key, state in states.items():
        x, y = data_at(key)
        assert state["w"] == pytest.approx(expected_w[key], abs=1e-9)
        assert state["w_shown"] == round(state["w"], 2)
        np.testing.assert_allclose(state["dots"], np.c_[x, y], atol=1e-6)
        np.testing.assert_allclose(state["line"][:, 1], state["w"] * state["line"][:, 0], atol=1e-6)
        if "mle_marker" in state:
            mle = closed_mle(x, y)
            assert state["mle_marker"][0] == pytest.approx(mle, abs=1e-6)
            assert state["mle_shown"] == round(mle, 2)
            np.testing.assert_allclose(state["mle_line"][:, 1], mle * state["mle_line"][:, 0], atol=1e-6)
    assert closed_mle(*data_at("drag")) < closed_mle(x0, y0) - 0.3, "the drag must visibly move the MLE"


def test_bells_and_ticks_are_the_noise_model(run):
    _, states = run
    for key, state in states.items():
        x, y = data_at(key)
        w = state["w"]
        for i, bell in enumerate(state["bells"]):
            assert bell.size, f"bell {i} vanished at {key}"
            expected = x[i] + BELL_WIDTH * relative_bell(bell[:, 1], w * x[i], P.SIGMA_N)
            np.testing.assert_allclose(bell[:, 0], expected, atol=1e-6)
        for i, tick in enumerate(state.get("ticks", [])):
            np.testing.assert_allclose(tick[:, 1], y[i], atol=1e-6)
            reach = tick[:, 0].max() - x[i]
            assert reach == pytest.approx(BELL_WIDTH * relative_bell(y[i], w * x[i], P.SIGMA_N), abs=1e-6)


def test_point_curves_and_product_match_closed_forms(run):
    _, states = run
    for key, state in states.items():
        if "thin" not in state:
            continue
        x, y = data_at(key)
        for i, curve in enumerate(state["thin"]):
            np.testing.assert_allclose(curve[:, 1], relative_bell(y[i], curve[:, 0] * x[i], P.SIGMA_N), atol=1e-6)
        if "product" in state:
            mle, sxx = closed_mle(x, y), float(np.sum(x * x))
            prod = state["product"]
            # log p(D|w) - log p(D|w_MLE) = -sum(x^2) (w - w_MLE)^2 / (2 sigma_n^2) for the line through 0.
            np.testing.assert_allclose(prod[:, 1], np.exp(-sxx * (prod[:, 0] - mle) ** 2 / (2 * P.SIGMA_N**2)),
                                       atol=1e-6)
            dot_w, dot_h = state["product_dot"][:2]
            assert dot_w == pytest.approx(state["w"], abs=1e-6)
            assert dot_h == pytest.approx(np.exp(-sxx * (dot_w - mle) ** 2 / (2 * P.SIGMA_N**2)), abs=1e-6)


def test_equation_symbols_share_their_curve_colours(run):
    scene, _ = run
    parts = {p.tex_string.strip(): p.get_color() for p in scene.equation.submobjects}
    assert parts["p("] == scene.product_curve.get_stroke_color() == S.LIKELIHOOD
    assert parts[r"\sigma_n^2"] == scene.bells[0].get_stroke_color() == S.NOISE
    assert parts["y_i"] == parts["x_i"] == parts["D"] == scene.dots[0].get_color() == S.DATA
    assert parts["w"] == S.WEIGHT


def test_relative_likelihood_helpers_against_closed_forms():
    d = house_prices()
    w = np.linspace(-3.0, 5.0, 41)
    rows = relative_point_likelihoods(w, d.x, d.y, P.SIGMA_N)
    np.testing.assert_allclose(rows, relative_bell(d.y[:, None], d.x[:, None] * w[None, :], P.SIGMA_N), rtol=1e-12)
    mle = closed_mle(d.x, d.y)
    assert relative_likelihood(mle, d.x, d.y, P.SIGMA_N)[0] == pytest.approx(1.0)
    np.testing.assert_allclose(relative_likelihood(w, d.x, d.y, P.SIGMA_N), np.prod(rows, axis=0)
                               / np.prod(relative_bell(d.y, d.x * mle, P.SIGMA_N)), rtol=1e-9)
    # Far from the data the product is far below float range as a plain product, yet stays finite in log space.
    many = np.tile(d.x, 400), np.tile(d.y, 400)
    far = relative_likelihood(np.array([mle, mle + 3.0]), *many, P.SIGMA_N)
    assert far[0] == pytest.approx(1.0) and far[1] == 0.0
    with pytest.raises(ValueError, match="sigma_n"):
        relative_point_likelihoods(w, d.x, d.y, 0.0)
    assert P.dollars_per_sqft(P.TRUE_SLOPE) == pytest.approx(P.TRUE_SLOPE * 100_000 / 1_000)


def test_key_frame_shows_palette_where_the_curves_are(tmp_path):
    scene, frame = frame_at_beat(LikelihoodScene, "product", tmp_path)
    image = png_round_trip(frame, tmp_path / "product.png")
    assert image.std() > 5.0, "frame is blank"
    top, bottom = scene.top.axes, scene.bottom.axes
    d = house_prices()
    w, mle = scene.w.get_value(), closed_mle(d.x, d.y)
    assert colour_hits(image, np.array([top.c2p(x, y) for x, y in zip(d.x, d.y, strict=True)]), S.DATA) == 1.0
    ws = mle + np.linspace(-0.3, 0.3, 5)
    sxx = float(np.sum(d.x * d.x))
    peak = np.array([bottom.c2p(v, np.exp(-sxx * (v - mle) ** 2 / (2 * P.SIGMA_N**2))) for v in ws])
    assert colour_hits(image, peak, S.LIKELIHOOD) >= 0.8
    apex = np.array([top.c2p(x + BELL_WIDTH, w * x) for x in d.x])
    assert colour_hits(image, apex, S.NOISE) >= 0.8
