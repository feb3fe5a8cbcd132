"""The story's parameter values, in one place: scenes read these instead of typing numbers.

They come from the active story file (mathcore/story.py; ``MLE2MAP_STORY`` or the shipped
``stories/house-prices/story.toml``, where each is documented), loaded once at import. What is not the story's
(the sampling of the w grid, the polynomial degree limit, the x range of the generated sets) is set here.
In the shipped story x is in thousands of square feet, y in hundreds of thousands of dollars, so w = 2 is
$200/sq ft.
"""

from __future__ import annotations

import math

import numpy as np

from mathcore.story import MAX_DEGREE as MAX_DEGREE  # the polynomial degree limit, checked in stories too
from mathcore.story import load_story
from mathcore.validate import finite, int_in_range

#: The active story, checked (mathcore.story.load_story); every value below but the last few is one of its keys.
STORY = load_story()

#: Noise standard deviation of the line-fit data (in y units) assumed by the likelihood ([line] sigma_n).
SIGMA_N = STORY.line.sigma_n
#: The slope the line-fit data scatter around ([line] true_slope; $200 per square foot in the shipped story).
TRUE_SLOPE = STORY.line.true_slope
#: Slopes tried by hand in chapter 2: too low, too high, about right ([line] try_slopes).
TRY_SLOPES = STORY.line.try_slopes
#: Chapter 3 drags the point with this index to this new y to move the MLE live ([line] drag_index, drag_to).
DRAG_INDEX = STORY.line.drag_index
DRAG_PRICE = STORY.line.drag_to
#: Prior standard deviation: starting value and the slider's range ([prior]).
SIGMA_START = STORY.prior.sigma_start
SIGMA_MIN = STORY.prior.sigma_min
SIGMA_MAX = STORY.prior.sigma_max
#: The w axis used by every distribution plot ([line] w_range).
W_RANGE = STORY.line.w_range
#: Regularisation strengths swept in chapter 8, lambda = sigma_n^2 / sigma^2 ([ridge] lambda_sweep).
LAMBDA_SWEEP = STORY.ridge.lambda_sweep
#: Chapter 4's noisy points and the fresh ones that expose overfitting ([overfitting]).
OVERFIT_SEED = STORY.overfitting.seed
OVERFIT_POINTS = STORY.overfitting.points
OVERFIT_NOISE = STORY.overfitting.noise
FRESH_SEED = STORY.overfitting.fresh_seed
FRESH_POINTS = STORY.overfitting.fresh_points
#: Chapter 9's playground points ([playground] seed, points, noise).
PLAYGROUND_SEED = STORY.playground.seed
PLAYGROUND_POINTS = STORY.playground.points
PLAYGROUND_NOISE = STORY.playground.noise
#: Polynomial degrees shown in chapter 4 (overfitting) and chapter 9 (playground), and chapter 9's ridge lambda.
OVERFIT_DEGREES = STORY.overfitting.degrees
PLAYGROUND_DEGREES = STORY.playground.degrees
PLAYGROUND_LAMBDA = STORY.playground.lam
#: Chapter 9's animated drag: the index of the playground point moved and the height it is dragged to.
PLAYGROUND_DRAG = (STORY.playground.drag_index, STORY.playground.drag_to)
#: Chapter 10 tightens a Gaussian and an equal-variance Laplace prior from the first to the second
#: sigma: the Laplace MAP reaches exactly zero on the way, the Gaussian MAP only approaches it ([sparsity] sigmas).
SPARSITY_SIGMAS = STORY.sparsity.sigmas
#: Elastic-net mixing weight between the L1 and L2 penalties shown in chapter 10 ([sparsity] elastic_mix).
ELASTIC_MIX = STORY.sparsity.elastic_mix
#: Chapter 7's walk downhill: gradient descent on -log p(w | D) from this w, step size and step count ([descent]).
DESCENT_START = STORY.descent.start
DESCENT_RATE = STORY.descent.rate
DESCENT_STEPS = STORY.descent.steps

#: Samples of the shared w grid.
W_SAMPLES = 601
#: One unit of w in the slope's display unit ([words] slope_scale; dollars per square foot in the shipped story,
#: $100k per 1000 sq ft).
DOLLARS_PER_SQFT_PER_W = STORY.words.slope_scale
#: The x range of the overfitting and playground sets (fits use it as their basis domain).
UNIT_DOMAIN = (0.0, 1.0)


def w_grid(samples: int = W_SAMPLES) -> np.ndarray:
    """The shared grid of slopes on which curves over w are evaluated (samples from 3 to 100000)."""
    return np.linspace(W_RANGE[0], W_RANGE[1], int_in_range("samples", samples, 3, 100_000))


def dollars_per_sqft(w: float) -> float:
    """The slope w in the story's display unit ([words] slope_scale: dollars per square foot in the shipped one)."""
    dollars = finite("w", w) * DOLLARS_PER_SQFT_PER_W
    if not math.isfinite(dollars):
        raise ValueError(f"w: {w!r} in dollars per square foot exceeds the float range (1.8e308)")
    return dollars
