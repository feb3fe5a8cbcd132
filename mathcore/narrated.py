"""The values the narration speaks, in one registry: a story's numbers and words by template name.

The narration scripts (scenes/narration/*.md) write every number and domain word they speak as ``{name}``;
:func:`narrated_values` computes what each name stands for from a story with the same mathcore functions the
scenes' readouts use (the MLE, the MAP/MLE ratio, lambda = sigma_n^2 / sigma^2, the slope in its display unit),
so the words, the frames and the equations agree. Pure: a story in, a dict out; scenes/narration fills the
templates with it. Values are numbers (int or float), words (str) or tuples of numbers.
"""

from __future__ import annotations

import math

import numpy as np

from mathcore.likelihood import mle_slope
from mathcore.posterior import shrinkage_factor
from mathcore.regularization import lambda_from_sigmas, sigma_from_lambda
from mathcore.story import Story

Value = int | float | str | tuple[int, ...] | tuple[float, ...]

#: Below this MAP/MLE ratio at sigma_min the narration says "well under half" (it is at most 0.5 by the claims).
WELL_UNDER_HALF = 0.4


def _near(value: float) -> float:
    """``value`` as the narration rounds it when it says "near" or "just under": one decimal below 10."""
    return float(round(value, 1) if abs(value) < 10 else round(value))


def _side(value: float, said: float) -> str:
    """How ``said`` (the rounded ``value``) relates to ``value``: "just under", "just over" or "at"."""
    if math.isclose(value, said, rel_tol=0.0, abs_tol=1e-12):
        return "at"
    return "just under" if value < said else "just over"


def narrated_values(story: Story) -> dict[str, Value]:
    """Template name -> value for every ``{name}`` the narration may use, computed from ``story``."""
    if not isinstance(story, Story):
        raise ValueError(f"story must be a Story (from mathcore.story.load_story), got {story!r}")
    line, words, prior = story.line, story.words, story.prior
    x, y = np.array(line.x), np.array(line.y)
    sn = line.sigma_n
    low, high, right = line.try_slopes
    mle = mle_slope(x, y)
    sweep = story.ridge.lambda_sweep
    o, g = story.overfitting, story.playground

    def scaled(w: float) -> float:
        return round(words.slope_value(w), words.slope_decimals)

    tight_ratio = shrinkage_factor(x, sn, prior.sigma_min)
    return {
        # [line] and [words]: what the data are called
        "x_name": line.x_name, "y_name": line.y_name, "item": words.item, "items": words.items,
        "sample": words.sample, "samples": words.samples, "x_words": words.x_words, "y_words": words.y_words,
        "y_plural": words.y_plural, "y_most": words.y_most, "slope_prefix": words.slope_prefix,
        "slope_unit": words.slope_unit,
        # chapter 2: the points and the three tried slopes, in w and in the display unit
        "line_points": len(line.x), "try_low": low, "try_high": high, "try_right": right,
        "try_low_scaled": scaled(low), "try_high_scaled": scaled(high), "try_right_scaled": scaled(right),
        "try_low_unit": words.unit_after(scaled(low)), "try_high_unit": words.unit_after(scaled(high)),
        "try_right_unit": words.unit_after(scaled(right)),
        # chapter 3: where the likelihood peaks, as the narration rounds it
        "mle": mle, "mle_near": _near(mle), "mle_side": _side(mle, _near(mle)),
        # chapters 5-8: the prior's sigmas, the MAP/MLE ratio at its ends, lambda = sigma_n^2 / sigma^2
        "sigma_n": sn, "sigma_start": prior.sigma_start, "sigma_min": prior.sigma_min, "sigma_max": prior.sigma_max,
        "map_ratio_tight": tight_ratio, "map_ratio_wide": shrinkage_factor(x, sn, prior.sigma_max),
        "map_share_tight": "well under half" if tight_ratio < WELL_UNDER_HALF else "under half",
        "lambda_start": lambda_from_sigmas(sn, prior.sigma_start),
        "lambda_min": min(sweep), "lambda_max": max(sweep), "lambda_max_width": sigma_from_lambda(max(sweep), sn),
        # chapter 4: the noisy points and the degrees fitted to them
        "overfit_points": o.points, "overfit_degrees": o.degrees, "overfit_top_degree": max(o.degrees),
        "overfit_weights": max(o.degrees) + 1,
        # chapter 9: the playground
        "playground_points": g.points, "playground_degrees": g.degrees, "playground_top_degree": max(g.degrees),
        "playground_lambda": g.lam, "playground_noise": g.noise,
        "playground_prior_width": sigma_from_lambda(g.lam, g.noise),
        # chapter 10: the tight sparsity sigma
        "sparsity_tight": story.sparsity.sigmas[1],
    }
