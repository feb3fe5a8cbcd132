"""Chapter 7: the algebra on screen is the algebra mathcore implements; the walk downhill is gradient descent."""

import numpy as np
import pytest

from mathcore import parameters as P
from mathcore.datasets import house_prices
from mathcore.likelihood import log_likelihood
from mathcore.objectives import data_loss, descent_path, neg_log_posterior_gradient, ridge_objective
from mathcore.posterior import log_posterior_unnormalised
from mathcore.prior import gaussian_prior_logpdf
from scenes import style as S
from scenes.ch07_algebra import STEPS, AlgebraScene, TransformMatchingKeys, key_part, keyed_tex, match_key
from tests.scene_harness import (
    CUE_SLACK,
    cue_problems,
    first_play_of,
    nearest_palette_hits,
    png_round_trip,
    recording,
    run_scene,
    scene_vertices,
    vertices,
)

BEATS = ["why_losses", "negative_log", "two_penalties", "factor_out", "lambda_appears", "ridge"]
DATA = house_prices()


def closed_form_map(sigma_n: float, sigma: float) -> float:
    x, y = DATA.x, DATA.y
    return float(np.sum(x * y) / (np.sum(x * x) + sigma_n**2 / sigma**2))


def test_descent_path_matches_the_closed_form_iteration():
    sn, s, rate = P.SIGMA_N, P.SIGMA_START, P.DESCENT_RATE
    path = descent_path(DATA.x, DATA.y, sn, s, P.DESCENT_START, rate, P.DESCENT_STEPS)
    target = closed_form_map(sn, s)
    curvature = np.sum(DATA.x**2) / sn**2 + 1.0 / s**2
    k = np.arange(P.DESCENT_STEPS + 1)
    expected = target + (1.0 - rate * curvature) ** k * (P.DESCENT_START - target)
    np.testing.assert_allclose(path, expected, rtol=1e-12)
    assert abs(neg_log_posterior_gradient(target, DATA.x, DATA.y, sn, s)) < 1e-9
    assert abs(path[-1] - target) < abs(path[0] - target) / 10


@pytest.mark.parametrize("kwargs, name", [({"rate": 0.0}, "rate"), ({"steps": -1}, "steps"), ({"steps": 1.5}, "steps")])
def test_descent_path_rejects_bad_input(kwargs, name):
    args = {"start": 0.0, "rate": 0.1, "steps": 3, **kwargs}
    with pytest.raises(ValueError, match=name):
        descent_path(DATA.x, DATA.y, P.SIGMA_N, P.SIGMA_START, **args)


@pytest.mark.parametrize("sigma_n, sigma", [(P.SIGMA_N, P.SIGMA_START), (0.7, 0.3), (2.0, 4.0)])
def test_each_algebra_step_differs_from_mathcore_by_a_constant(sigma_n, sigma):
    """The three displayed rewrites of -log p(w|D) agree with mathcore up to a w-independent constant."""
    w = np.linspace(-3.0, 4.0, 57)
    x, y = DATA.x, DATA.y
    lik_term = np.sum((y[:, None] - w[None, :] * x[:, None]) ** 2, axis=0) / (2 * sigma_n**2)
    np.testing.assert_allclose(np.ptp(-log_likelihood(w, x, y, sigma_n) - lik_term), 0.0, atol=1e-9)
    np.testing.assert_allclose(np.ptp(-gaussian_prior_logpdf(w, sigma) - w**2 / (2 * sigma**2)), 0.0, atol=1e-9)
    lam = sigma_n**2 / sigma**2
    bracket = data_loss(w, x, y) + lam * w**2
    nlp = -log_posterior_unnormalised(w, x, y, sigma_n, sigma)
    np.testing.assert_allclose(np.ptp(nlp - bracket / (2 * sigma_n**2)), 0.0, atol=1e-9)
    np.testing.assert_allclose(ridge_objective(w, x, y, lam), bracket, rtol=1e-12)


def probe(scene, key):
    axes = scene.plot.axes
    state = {}
    eq = getattr(scene, "eq", None)
    if eq is not None:
        state = {"keys": [match_key(p) for p in eq.submobjects], "eq_box": (eq.get_left(), eq.get_right())}
    shown = scene.total in scene.get_mobject_family_members()
    state["plot_shown"] = shown and scene.total.get_top()[1] < 0.5
    state["plot_beside"] = shown and scene.total.get_left()[0] > scene.bullets.get_right()[0]
    state["total"] = vertices(scene.total)
    state["walker"] = np.asarray(axes.p2c(scene.walker.get_center()))
    if key == "two_penalties":
        state["lik"] = vertices(scene.lik_curve)
        state["prior"] = vertices(scene.prior_curve)
        state["scene_pts"] = {c: scene_vertices(m) for c, m in ((S.LIKELIHOOD, scene.lik_curve),
                              (S.PRIOR, scene.prior_curve), (S.POSTERIOR, scene.total))}
        scene.renderer.update_frame(scene)
        state["frame"] = np.array(scene.renderer.get_frame())[:, :, :3].copy()
    if key == "ridge":
        state["lam_text"] = scene.values.get_tex_string()
    return state


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_scene(recording(AlgebraScene), probe, tmp_path_factory.mktemp("ch07"))


def part(step: str, key: str):
    """The TeX part keyed ``key`` of algebra step ``step``, as a cue target."""
    return lambda s: key_part(s.steps[step], key)


#: (beat, bookmark, what the words after it name), in narration order: a term of the equation or a curve.
CUES = [
    ("why_losses", "derivative", lambda s: s.tangent[0]), ("why_losses", "millions", lambda s: s.bullets[1]),
    ("why_losses", "relu", lambda s: s.bullets[2]), ("why_losses", "loss", lambda s: s.total),
    ("why_losses", "downhill", lambda s: s.walker),
    ("negative_log", "minus_log", lambda s: s.steps["bayes"][0]),
    ("negative_log", "sum", part("negative_log", "pri.op")), ("negative_log", "peak", lambda s: s.bump),
    ("negative_log", "valley", lambda s: s.bump),
    ("two_penalties", "likelihood", lambda s: s.lik_curve), ("two_penalties", "prior", lambda s: s.prior_curve),
    ("two_penalties", "missing", lambda s: s.lik_curve), ("two_penalties", "large", lambda s: s.prior_curve),
    ("factor_out", "pull", lambda s: s.steps["two_penalties"][0]), ("factor_out", "error", part("factor_out", "lik.x")),
    ("factor_out", "ratio", part("factor_out", "rat.frac")), ("factor_out", "w2", lambda s: s.prior_curve),
    ("lambda_appears", "noise", lambda s: s.widths[1][0]), ("lambda_appears", "width", lambda s: s.widths[2][0]),
    ("ridge", "drop", part("lambda_appears", "const")), ("ridge", "minimum", lambda s: s.total),
    ("ridge", "dropped", part("lambda_appears", "const")), ("ridge", "remains", part("lambda_appears", "lik.x")),
    ("ridge", "ridge", lambda s: s.total), ("ridge", "values", lambda s: s.values),
]


def test_every_bookmark_starts_the_visual_it_names(run):
    """Each bookmark of the narration is waited for, in order, and the term or curve the words there name starts
    to move at it."""
    scene, _ = run
    assert not cue_problems(scene, CUES)


def test_the_terms_named_are_pulsed_where_they_stand(run):
    """The likelihood and prior cues highlight their terms in the equation, and σn and σ their parts of λ's
    definition, not just the curves."""
    scene, _ = run
    marks = {m: at for _, m, at in scene.marks_used}
    for mark, step, key in (("likelihood", "two_penalties", "lik.frac"), ("prior", "two_penalties", "pri.frac"),
                            ("noise", "lambda_def", "lik.sn"), ("width", "lambda_def", "pri.s")):
        start = first_play_of(scene, part(step, key)(scene), after=marks[mark] - CUE_SLACK)
        assert start == pytest.approx(marks[mark], abs=CUE_SLACK), mark


def test_loss_plot_uses_the_frame_in_every_beat(run):
    """The loss plot stands beside the bullets first, then keeps the lower half while the algebra runs on top:
    on screen at every beat end."""
    scene, states = run
    assert states["why_losses"]["plot_beside"]
    for beat in BEATS[1:]:
        assert states[beat]["plot_shown"], beat


def test_beats_follow_the_storyboard(run):
    _, states = run
    assert list(states) == BEATS


def test_equation_on_screen_is_the_step_of_each_beat(run):
    _, states = run
    shown = {"why_losses": None, "negative_log": "negative_log", "two_penalties": "two_penalties",
             "factor_out": "factor_out", "lambda_appears": "lambda_appears", "ridge": "lambda_appears"}
    half = S.FRAME_W / 2 - S.MARGIN
    for beat, step in shown.items():
        state = states[beat]
        if step is not None:
            assert state["keys"] == [part[0] for part in STEPS[step]]
            left, right = state["eq_box"]
            assert -half <= left[0] and right[0] <= half


def test_curves_and_walker_follow_mathcore(run):
    _, states = run
    sn, s = P.SIGMA_N, P.SIGMA_START
    x, y = DATA.x, DATA.y
    for state in states.values():
        xy = state["total"]
        nlp = -log_posterior_unnormalised(xy[:, 0], x, y, sn, s)
        np.testing.assert_allclose(xy[:, 1], nlp, atol=1e-6)
        walker_w, walker_v = state["walker"]
        final = P.DESCENT_START
        for _ in range(P.DESCENT_STEPS):
            final -= P.DESCENT_RATE * ((final * x @ x - x @ y) / sn**2 + final / s**2)
        assert walker_w == pytest.approx(final, abs=1e-6)
        assert walker_v == pytest.approx(-log_posterior_unnormalised(np.array([final]), x, y, sn, s)[0], abs=1e-6)
    two = states["two_penalties"]
    np.testing.assert_allclose(two["lik"][:, 1], -log_likelihood(two["lik"][:, 0], x, y, sn), atol=1e-6)
    np.testing.assert_allclose(two["prior"][:, 1], -gaussian_prior_logpdf(two["prior"][:, 0], s), atol=1e-6)


def test_lambda_value_on_screen_is_sigma_n_squared_over_sigma_squared(run):
    _, states = run
    text = states["ridge"]["lam_text"].replace(" ", "")
    assert text.endswith(f"={P.SIGMA_N**2 / P.SIGMA_START**2:.2f}")
    assert f"={P.SIGMA_N:g}," in text


def test_key_frame_shows_the_palette_where_the_curves_are(run, tmp_path):

    _, states = run
    state = states["two_penalties"]
    frame = png_round_trip(state["frame"], tmp_path / "two_penalties.png")
    assert frame.std() > 5
    for colour, points in state["scene_pts"].items():
        assert nearest_palette_hits(frame, points, colour) > 0.6, colour
    assert nearest_palette_hits(frame, state["scene_pts"][S.PRIOR], S.LIKELIHOOD) < 0.3
    blank = np.full_like(frame, S.BACKGROUND.to_int_rgb())
    assert nearest_palette_hits(blank, state["scene_pts"][S.POSTERIOR], S.POSTERIOR) == 0.0


def test_keyed_parts_keep_their_tex_and_are_paired_by_key():
    """keyed_tex leaves each part's TeX string as set; TransformMatchingKeys pairs parts by key even where the TeX
    differs (``a`` becomes ``b``) and never by TeX alone (the two ``x`` parts carry different keys)."""
    source = keyed_tex([("k.one", "x"), ("k.two", "a"), ("k.three", "x")])
    target = keyed_tex([("k.three", "x"), ("k.two", "b"), ("k.one", "y")])
    assert [p.tex_string for p in source.submobjects] == ["x", "a", "x"]
    moved = TransformMatchingKeys(source, target).animations[0]  # one group of parts per key matched
    pairs = sorted(([match_key(p) for p in s], [match_key(p) for p in t])
                   for s, t in zip(moved.mobject.submobjects, moved.target_mobject.submobjects, strict=True))
    assert pairs == [(["k.one"], ["k.one"]), (["k.three"], ["k.three"]), (["k.two"], ["k.two"])]
