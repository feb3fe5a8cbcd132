"""The zoomed loss plots' windows (mathcore/loss_views.py): minimal view steps, the curves inside, today's layout."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathcore import parameters as P
from mathcore.datasets import house_prices
from mathcore.likelihood import log_likelihood, mle_slope
from mathcore.loss_views import (
    FILL,
    MLE_REACH,
    VIEW_MANTISSAS,
    _loss_axis,
    _slope_unit,
    _view_step,
    bell_pair_view,
    posterior_loss_axis,
    ridge_loss_axis,
    window_grid,
    zoom_unit,
    zoom_window,
)
from mathcore.regularization import lambda_from_sigmas
from mathcore.story import load_story

#: The steps of the view sequence, independently written out: 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times 10^k.
LADDER = sorted(m * 10.0 ** k for k in range(-8, 9) for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8))
HOURS = "examples/hours-studied/story.toml"


def ladder_at_or_above(value: float) -> float:
    return next(s for s in LADDER if s >= value * (1 - 1e-12))


@given(st.floats(min_value=1e-7, max_value=1e7, allow_nan=False))
def test_a_view_step_is_the_smallest_ladder_step_at_or_above(least):
    step, decimals = _view_step(least)
    assert step == pytest.approx(ladder_at_or_above(least), rel=1e-12)
    mantissa = step / 10.0 ** math.floor(math.log10(step) + 1e-12)
    assert any(math.isclose(mantissa, m) for m in VIEW_MANTISSAS)
    assert round(step * 7, decimals) == pytest.approx(step * 7, rel=1e-9)  # its multiples print exactly


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=40)
       .filter(lambda v: max(v) > 1e-6))
def test_a_loss_axis_leaves_a_quarter_free_above_the_highest_value_and_no_more_than_needed(values):
    axis = _loss_axis([np.array(values)], "values")
    peak = max(values)
    assert axis.low == 0.0 and axis.count == 4
    assert peak <= FILL * axis.high * (1 + 1e-9)
    smaller = max(s for s in LADDER if s < axis.step * (1 - 1e-9))
    assert peak > FILL * 3 * smaller  # one step down would crowd the curves


@pytest.mark.parametrize("bad", [[0.0, -1.0], [], [float("nan")], [1e-300]])
def test_a_loss_axis_needs_a_positive_finite_height(bad):
    with pytest.raises(ValueError, match="^w and x must give losses"):
        _loss_axis([np.array(bad)], "w and x")


@given(st.floats(min_value=-1e4, max_value=1e4).filter(lambda m: abs(m) > 1e-4),
       st.floats(min_value=0.0, max_value=1e4))
def test_the_window_holds_the_mle_with_room_and_the_start_of_the_walk(mle, start):
    q = _slope_unit(mle, [start], "mle")
    window = zoom_window(q)
    assert math.copysign(1, q) == math.copysign(1, mle)
    assert abs(mle) <= MLE_REACH * (window.high - window.low) * (1 + 1e-9)
    assert start <= 4 * abs(q) * (1 + 1e-9)
    assert (window.low, window.high) == pytest.approx((0.0, 4 * q) if q > 0 else (4 * q, 0.0), rel=1e-12)
    wider = zoom_window(q, left=1)
    assert (wider.low, wider.high) == pytest.approx((-q, 3 * q) if q > 0 else (3 * q, -q), rel=1e-12)
    assert wider.labels[-1] == f"{abs(3 * q) if q > 0 else -q:.{wider.decimals}f}"  # ends print as ticks


def test_the_shipped_story_keeps_the_windows_the_chapters_were_laid_out_with():
    data = house_prices()
    q = zoom_unit(data.x, data.y, P.DESCENT_START)
    w = window_grid(zoom_window(q), P.w_grid())
    lam = lambda_from_sigmas(P.SIGMA_N, P.SIGMA_START)
    assert zoom_window(q).manim_range == (0.0, 4.0, 1.0)
    assert zoom_window(q, left=1).manim_range == (-1.0, 3.0, 1.0)
    assert posterior_loss_axis(w, data.x, data.y, P.SIGMA_N, P.SIGMA_START).manim_range == (0.0, 45.0, 15.0)
    assert ridge_loss_axis(w, data.x, data.y, lam, P.LAMBDA_SWEEP).manim_range == (0.0, 150.0, 50.0)


def test_the_students_losses_stay_inside_their_plots():
    """Eight students weigh more than six houses: their losses need taller axes than the shipped 45 and 150."""
    story = load_story(HOURS)
    x, y, sn, sigma = np.array(story.line.x), np.array(story.line.y), story.line.sigma_n, story.prior.sigma_start
    window = zoom_window(zoom_unit(x, y, story.descent.start))
    w = np.linspace(window.low, window.high, 401)
    posterior, ridge = posterior_loss_axis(w, x, y, sn, sigma), ridge_loss_axis(
        w, x, y, sn**2 / sigma**2, story.ridge.lambda_sweep)
    nll = -log_likelihood(w, x, y, sn)
    assert posterior.high > 45 and float(np.max(nll)) <= FILL * posterior.high
    squared = np.sum((y[None, :] - w[:, None] * x[None, :]) ** 2, axis=1)  # the data loss, written out
    assert ridge.high > 150 and float(np.max(squared + 9.0 * w**2)) <= FILL * ridge.high
    for lam in story.ridge.lambda_sweep:  # the slider's minima, at the closed-form ridge slope
        w_star = float(np.dot(x, y) / (np.dot(x, x) + lam))
        assert float(np.sum((y - w_star * x) ** 2) + lam * w_star**2) <= ridge.high
    assert window.low < mle_slope(x, y) < window.high and window.low < story.descent.start < window.high


def test_the_window_grid_has_the_story_grids_spacing_and_its_samples_where_they_overlap():
    grid = P.w_grid()
    w = window_grid(zoom_window(1.0), grid)
    np.testing.assert_allclose(w, grid[(grid >= -1e-12) & (grid <= 4 + 1e-12)], rtol=0, atol=1e-12)
    beyond = window_grid(zoom_window(2.0), grid)  # (0, 8), past the story's w range (-5, 5)
    assert beyond[0] == 0.0 and beyond[-1] == 8.0 and np.allclose(np.diff(beyond), grid[1] - grid[0])
    with pytest.raises(ValueError, match="like"):
        window_grid(zoom_window(1.0), [1.0])


@given(st.floats(1e-3, 1e3), st.floats(1e-3, 1e3))
def test_chapter7s_two_bells_show_whole_with_room_above_the_taller(sigma_n, sigma):
    half, top = bell_pair_view(sigma_n, sigma)
    peaks = [1 / (math.sqrt(2 * math.pi) * s) for s in (sigma_n, sigma)]  # N(0, s^2) at 0, written out
    assert half == pytest.approx(3 * max(sigma_n, sigma))
    assert 1.1 * max(peaks) <= top + 1e-12 < 1.1 * max(peaks) + 0.05 + 1e-9
    assert round(top / 0.05, 6) == round(top / 0.05)


def test_the_bells_keep_the_shipped_panel_and_give_the_students_narrow_prior_room():
    assert bell_pair_view(1.5, 1.0) == (4.5, pytest.approx(0.45, abs=1e-15))
    half, top = bell_pair_view(1.5, 0.5)  # hours-studied: the sigma = 0.5 prior peaks at 0.80, above 0.45
    assert (half, top) == (4.5, pytest.approx(0.9))
