"""The storyboard's claims hold on the shipped, deterministic data sets and story parameters."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mathcore import parameters as P
from mathcore.datasets import five_noisy_points, fresh_points, house_prices, polynomial_playground, smooth_source
from mathcore.likelihood import mle_slope
from mathcore.objectives import descent_path, two_views
from mathcore.polynomial import fit_mle, fit_ridge
from mathcore.posterior import map_on_grid, map_slope
from mathcore.sparsity import laplace_map_slope, laplace_scale_matching_variance

HOUSES = house_prices()


def closed_form_mle(x: np.ndarray, y: np.ndarray) -> float:
    return math.fsum(x * y) / math.fsum(x * x)


def test_data_sets_are_deterministic():
    for make in (house_prices, five_noisy_points, fresh_points, polynomial_playground):
        a, b = make(), make()
        np.testing.assert_array_equal(a.x, b.x)
        np.testing.assert_array_equal(a.y, b.y)


def test_house_prices_are_positive_and_in_the_one_unit_system():
    assert np.all(HOUSES.y > 0)
    assert np.all((HOUSES.x >= 0.5) & (HOUSES.x <= 5.0)), "sizes are in thousands of square feet"
    assert np.all(HOUSES.y / HOUSES.x < 10.0), "prices are in $100k: under $1000 per square foot"
    assert HOUSES.meta["sigma_n"] == P.SIGMA_N


def test_tried_slopes_are_too_low_too_high_and_about_right():
    low, high, right = P.TRY_SLOPES
    assert np.all(HOUSES.y > low * HOUSES.x), "every sale lies above the low line"
    assert np.all(HOUSES.y < high * HOUSES.x), "every sale lies below the high line"
    losses = {w: float(np.sum((HOUSES.y - w * HOUSES.x) ** 2)) for w in P.TRY_SLOPES}
    assert losses[right] < losses[low] and losses[right] < losses[high]
    assert abs(mle_slope(HOUSES.x, HOUSES.y) - right) < min(abs(low - right), abs(high - right)) / 4


def test_mle_and_maps_lie_inside_the_plotted_w_range():
    lo, hi = P.W_RANGE
    w = P.w_grid()
    for sigma in (P.SIGMA_MIN, P.SIGMA_START, P.SIGMA_MAX):
        map_grid = map_on_grid(w, HOUSES.x, HOUSES.y, P.SIGMA_N, sigma)
        assert lo < map_grid < hi
        assert math.isclose(map_grid, map_slope(HOUSES.x, HOUSES.y, P.SIGMA_N, sigma), abs_tol=1e-9)
    assert lo < closed_form_mle(HOUSES.x, HOUSES.y) < hi


def test_tight_prior_drags_the_map_at_least_halfway_to_zero():
    mle = closed_form_mle(HOUSES.x, HOUSES.y)
    tight = map_slope(HOUSES.x, HOUSES.y, P.SIGMA_N, P.SIGMA_MIN)
    assert 0.0 <= tight <= 0.5 * mle


def test_wide_prior_leaves_the_map_within_two_percent_of_the_mle():
    mle = closed_form_mle(HOUSES.x, HOUSES.y)
    wide = map_slope(HOUSES.x, HOUSES.y, P.SIGMA_N, P.SIGMA_MAX)
    assert abs(wide - mle) <= 0.02 * abs(mle)


@pytest.mark.parametrize("lam", P.LAMBDA_SWEEP)
def test_chapter8_panels_show_one_minimum_for_every_lambda_of_the_sweep(lam):
    views = two_views(P.w_grid(), HOUSES.x, HOUSES.y, P.SIGMA_N, lam)
    closed = math.fsum(HOUSES.x * HOUSES.y) / (math.fsum(HOUSES.x**2) + lam)
    assert P.W_RANGE[0] < closed < P.W_RANGE[1]
    assert round(views.ridge_argmin, 3) == round(views.neg_log_post_argmin, 3) == round(closed, 3)
    assert abs(views.ridge_argmin - closed) < 1e-9 and abs(views.neg_log_post_argmin - closed) < 1e-9


def test_degree4_mle_passes_through_all_five_points_and_swings_between_them():
    five = five_noisy_points()
    assert len(five) == 5
    fit = fit_mle(five.x, five.y, 4, P.UNIT_DOMAIN)
    np.testing.assert_allclose(fit(five.x), five.y, atol=1e-9)
    xs = np.linspace(*P.UNIT_DOMAIN, 1001)
    assert np.ptp(fit(xs)) > 2.0 * np.ptp(five.y)


def test_fresh_points_fall_far_from_the_degree4_fit():
    five, fresh = five_noisy_points(), fresh_points()
    errors = {d: float(np.mean((fit_mle(five.x, five.y, d, P.UNIT_DOMAIN)(fresh.x) - fresh.y) ** 2))
              for d in P.OVERFIT_DEGREES}
    assert errors[4] > 3.0 * min(errors[d] for d in P.OVERFIT_DEGREES if d < 4)
    assert fresh.x.min() >= P.UNIT_DOMAIN[0] and fresh.x.max() <= P.UNIT_DOMAIN[1]


def test_data_come_from_the_smooth_source_with_modest_noise():
    for data in (five_noisy_points(), fresh_points(), polynomial_playground()):
        residual = data.y - smooth_source(data.x)
        assert np.all(np.abs(residual) < 4 * data.meta["noise"])
        assert np.all((data.x > P.UNIT_DOMAIN[0]) & (data.x < P.UNIT_DOMAIN[1]))


def test_playground_mle_goes_wild_from_degree_10_while_ridge_stays_in_the_data_range():
    data = polynomial_playground()
    high = [d for d in P.PLAYGROUND_DEGREES if d >= 10]
    assert high, "the playground must reach degree 10"
    lo, hi = float(data.y.min()), float(data.y.max())
    span = hi - lo
    plotted = np.linspace(*P.UNIT_DOMAIN, 2001)
    between = np.linspace(data.x.min(), data.x.max(), 2001)
    for d in high:
        mle = fit_mle(data.x, data.y, d, P.UNIT_DOMAIN)(plotted)
        assert max(lo - mle.min(), mle.max() - hi) > span, f"degree {d} MLE stays tame"
        ridge = fit_ridge(data.x, data.y, d, P.PLAYGROUND_LAMBDA, P.UNIT_DOMAIN)
        inside = ridge(between)
        assert np.all((inside >= lo) & (inside <= hi)), f"degree {d} ridge leaves the data range"
        # Beyond the outermost points the ridge fit may follow the source a little past the data range.
        edges = ridge(plotted)
        assert np.all((edges >= lo - 0.15 * span) & (edges <= hi + 0.15 * span))


def test_every_playground_degree_has_a_unique_mle():
    data = polynomial_playground()
    assert max(P.PLAYGROUND_DEGREES) <= len(data) - 1
    assert max(P.OVERFIT_DEGREES) <= len(five_noisy_points()) - 1


def test_tightening_the_prior_zeroes_the_laplace_map_but_not_the_gaussian_one():
    wide, tight = P.SPARSITY_SIGMAS
    sxy = math.fsum(HOUSES.x * HOUSES.y)
    for sigma in (wide, tight):
        gaussian = map_slope(HOUSES.x, HOUSES.y, P.SIGMA_N, sigma)
        assert gaussian != 0.0 and math.copysign(1, gaussian) == math.copysign(1, sxy)
    b_wide, b_tight = (laplace_scale_matching_variance(s) for s in (wide, tight))
    assert laplace_map_slope(HOUSES.x, HOUSES.y, P.SIGMA_N, b_wide) != 0.0
    assert laplace_map_slope(HOUSES.x, HOUSES.y, P.SIGMA_N, b_tight) == 0.0
    # Independent check of the threshold: the Laplace prior with scale b adds 2 sigma_n^2 / b |w| to the loss.
    assert 2 * P.SIGMA_N**2 / b_tight >= 2 * abs(sxy) > 2 * P.SIGMA_N**2 / b_wide


def test_one_unit_of_w_is_100_dollars_per_square_foot():
    assert P.dollars_per_sqft(2.0) == pytest.approx(200.0)
    assert [P.dollars_per_sqft(w) for w in P.TRY_SLOPES] == pytest.approx([50.0, 500.0, 200.0])


def test_dragging_a_house_moves_the_mle_visibly_and_keeps_it_on_the_axis():
    x_drag = HOUSES.x[P.DRAG_INDEX]
    dragged = HOUSES.with_point(P.DRAG_INDEX, x_drag, P.DRAG_PRICE)
    before, after = closed_form_mle(HOUSES.x, HOUSES.y), closed_form_mle(dragged.x, dragged.y)
    assert math.isclose(mle_slope(dragged.x, dragged.y), after, rel_tol=1e-12)
    assert abs(after - before) > 0.1 * (P.W_RANGE[1] - P.W_RANGE[0]) / 10
    assert P.W_RANGE[0] < after < P.W_RANGE[1]
    assert np.all(dragged.y > 0)


def test_chapter7_descent_walks_monotonically_downhill_to_the_map():
    path = descent_path(HOUSES.x, HOUSES.y, P.SIGMA_N, P.SIGMA_START, P.DESCENT_START, P.DESCENT_RATE,
                        P.DESCENT_STEPS)
    target = map_slope(HOUSES.x, HOUSES.y, P.SIGMA_N, P.SIGMA_START)
    gaps = target - path
    assert np.all(gaps > 0) or np.all(gaps < 0), "the walk never overshoots the minimum"
    assert np.all(np.diff(np.abs(gaps)) < 0)
    assert abs(gaps[-1]) < 0.1 * abs(gaps[0])
    assert np.all((path > P.W_RANGE[0]) & (path < P.W_RANGE[1]))


def test_playground_drag_keeps_the_story_at_high_degree():
    index, height = P.PLAYGROUND_DRAG
    data = polynomial_playground()
    dragged = data.with_point(index, data.x[index], height)
    lo, hi = float(dragged.y.min()), float(dragged.y.max())
    between = np.linspace(dragged.x.min(), dragged.x.max(), 2001)
    plotted = np.linspace(*P.UNIT_DOMAIN, 2001)
    d = max(P.PLAYGROUND_DEGREES)
    ridge = fit_ridge(dragged.x, dragged.y, d, P.PLAYGROUND_LAMBDA, P.UNIT_DOMAIN)(between)
    margin = 0.05 * (hi - lo)
    assert np.all((ridge >= lo - margin) & (ridge <= hi + margin))
    mle = fit_mle(dragged.x, dragged.y, d, P.UNIT_DOMAIN)(plotted)
    assert max(lo - mle.min(), mle.max() - hi) > hi - lo
