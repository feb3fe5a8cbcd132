"""The windows of the loss plots (chapters 7, 8 and 10), chosen from the story's numbers.

Those plots zoom in on w around the fitted slope, and chapters 7 and 8 draw losses that grow fast away from
their minimum. A fixed window fits one data set only: eight students' losses are three times the six houses'.
So the w window is four units ``q`` wide (0 to 4q in chapters 7 and 8, -q to 3q in chapter 10), the smallest
view step that holds the descent's start and leaves room right of the MLE; and a loss axis runs from 0 in three
steps, the smallest view step whose top leaves the highest curve value at most three quarters of the height
(room for the minimum markers and the labels above the curves). For the shipped story these are the ranges the
chapters were laid out with: w in (0, 4) or (-1, 3), losses up to 45 and 150.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from mathcore.axes import HUGE, TINY, AxisRange, _axis_value, _nice_steps
from mathcore.likelihood import log_likelihood, mle_slope
from mathcore.objectives import data_loss, ridge_objective, ridge_penalty
from mathcore.posterior import log_posterior_unnormalised
from mathcore.prior import gaussian_prior_logpdf
from mathcore.validate import (
    finite,
    finite_array,
    finite_values,
    increasing,
    int_in_range,
    non_negative,
    paired,
    positive,
)

#: Mantissas of a view step: finer than axes.NICE_MANTISSAS, so that three or four steps end on a round number.
VIEW_MANTISSAS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
#: The MLE sits at most this far into the w window of chapters 7 and 8, as a fraction of its width.
MLE_REACH = 0.625
#: The highest curve value on a loss axis, as a fraction of the axis height (at most).
FILL = 0.75
#: Steps of a loss axis and of the w window.
LOSS_STEPS, W_STEPS = 3, 4
#: At most this many samples in a window grid.
MAX_SAMPLES = 1_000_000


def _view_step(least: float) -> tuple[float, int]:
    """The smallest view step (a VIEW_MANTISSAS mantissa times a power of ten) at or above ``least`` (in
    [TINY, HUGE]), with the decimals its multiples need."""
    return next(step for step in _nice_steps(least, VIEW_MANTISSAS) if step[0] >= least * (1 - 1e-12))


def _slope_unit(mle: float, reach: Iterable[float], names: str) -> float:
    """The smallest view step q with |mle| at most MLE_REACH into 4q and every |reach| at most 4q; negative when
    the MLE is (the window is mirrored). ``names`` are the parameters an error message names."""
    least = max([abs(mle) / MLE_REACH, *(abs(v) for v in reach)]) / W_STEPS
    if not TINY <= least <= HUGE:
        raise ValueError(f"{names} must give a slope of magnitude {TINY:g} to {HUGE:g} to frame, got {least:g}")
    q, _ = _view_step(least)
    return -q if mle < 0 else q


def _loss_axis(curves: Iterable[np.ndarray], names: str) -> AxisRange:
    """A loss axis from 0 in LOSS_STEPS steps: the smallest view step whose top leaves the largest value of
    ``curves`` at most FILL of the height. ``names`` are the parameters an error message names."""
    values = np.concatenate([np.ravel(c) for c in curves])
    peak = float(np.max(values)) if values.size else 0.0
    if not (np.all(np.isfinite(values)) and TINY <= peak <= HUGE):
        raise ValueError(f"{names} must give losses that are finite and reach from {TINY:g} to {HUGE:g} somewhere "
                         f"(a loss axis runs from 0 up to above them), got a largest loss of {peak:g}")
    step, decimals = _view_step(peak / FILL / LOSS_STEPS)
    return AxisRange(0.0, round(step * LOSS_STEPS, decimals) + 0.0, step, decimals)


def zoom_unit(x: ArrayLike, y: ArrayLike, descent_start: float) -> float:
    """The q of every zoomed w window (chapters 7, 8 and 10 share it, so w keeps one scale): the smallest view
    step with the MLE of the data at most MLE_REACH into 4q and chapter 7's walk downhill starting inside it;
    negative when the MLE is."""
    start = finite("descent_start", descent_start)
    return _slope_unit(mle_slope(x, y), [start], "descent_start and the MLE of x and y")


def zoom_window(q: float, left: int = 0) -> AxisRange:
    """The w window of W_STEPS steps of ``q``, starting ``left`` steps before 0 (mirrored when q < 0)."""
    left = int_in_range("left", left, 0, W_STEPS)
    q = _axis_value("q", q)
    if q == 0.0:
        raise ValueError("q must not be 0")
    step, decimals = _view_step(abs(q))
    ends = (round(-left * q, decimals), round((W_STEPS - left) * q, decimals))
    return AxisRange(min(ends) + 0.0, max(ends) + 0.0, step, decimals)


def window_grid(window: AxisRange, like: ArrayLike) -> np.ndarray:
    """The window sampled at the first spacing of the increasing grid ``like`` (the story's evenly spaced w
    grid), ends included, so a zoomed curve is as smooth as the full-range ones wherever the window lies."""
    if not isinstance(window, AxisRange):
        raise ValueError(f"window must be an AxisRange (from zoom_window), got {window!r}")
    grid = increasing("like", like)
    count = (window.high - window.low) / float(grid[1] - grid[0])
    if not count <= MAX_SAMPLES:
        raise ValueError(f"like must be spaced to give at most {MAX_SAMPLES} samples over the window, got {count:g}")
    return np.linspace(window.low, window.high, int(round(count)) + 1)


def posterior_loss_axis(w: ArrayLike, x: ArrayLike, y: ArrayLike, sigma_n: float, sigma: float) -> AxisRange:
    """The loss axis for -log p(w | D) and its two terms, -log p(D | w) and -log p(w), over the window ``w``."""
    positive("sigma_n", sigma_n)
    positive("sigma", sigma)
    finite_array("w", w)
    paired(x, y)
    with np.errstate(over="ignore", invalid="ignore"):
        curves = (-log_posterior_unnormalised(w, x, y, sigma_n, sigma), -log_likelihood(w, x, y, sigma_n),
                  -gaussian_prior_logpdf(w, sigma))
    return _loss_axis(curves, "w, x, y, sigma_n and sigma")


def ridge_loss_axis(w: ArrayLike, x: ArrayLike, y: ArrayLike, lam: float, sweep: ArrayLike = ()) -> AxisRange:
    """The loss axis for the squared error, lambda w^2 and their sum at ``lam`` over the window ``w``, with the
    sum's minimum inside for every lambda of ``sweep`` too (where a slider takes it)."""
    non_negative("lambda", lam)
    finite_array("w", w)
    paired(x, y)
    sweep_values = finite_values("sweep", sweep).ravel()
    if np.any(sweep_values < 0):
        raise ValueError(f"sweep must hold lambdas >= 0, got {sweep_values.tolist()}")
    with np.errstate(over="ignore", invalid="ignore"):
        curves = [data_loss(w, x, y), ridge_penalty(w, lam), ridge_objective(w, x, y, lam)]
        minima = [np.min(ridge_objective(w, x, y, float(s))) for s in sweep_values]
    return _loss_axis([*curves, np.array(minima)], "w, x, y, lambda and sweep")


#: Chapter 7's two bells (noise and prior) reach this many of the wider one's sigmas either side of 0 ...
BELL_REACH = 3.0
#: ... and their axis rises to the taller one's peak with this much room, rounded up to a multiple of BELL_ROUND.
BELL_ROOM, BELL_ROUND = 1.1, 0.05


def bell_pair_view(sigma_n: float, sigma: float) -> tuple[float, float]:
    """The half-width and the height of the little axes chapter 7 draws the noise bell N(0, sigma_n^2) and the
    prior bell N(0, sigma^2) on, so that both show whole: (4.5, 0.45) for the shipped 1.5 and 1."""
    sigma_n, sigma = positive("sigma_n", sigma_n), positive("sigma", sigma)
    half = BELL_REACH * max(sigma_n, sigma)
    steps = BELL_ROOM / (math.sqrt(2.0 * math.pi) * min(sigma_n, sigma)) / BELL_ROUND
    if not (math.isfinite(half) and math.isfinite(steps) and steps * BELL_ROUND < HUGE):
        raise ValueError(f"sigma_n and sigma must give bells within the float range, got {sigma_n!r} and {sigma!r}")
    return half, math.ceil(steps - 1e-9) * BELL_ROUND
