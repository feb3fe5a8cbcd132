"""The story's parameter values, in one place: scenes read these instead of typing numbers.

Units: x in thousands of square feet, y in hundreds of thousands of dollars, so w = 2 is $200/sq ft.
"""

from __future__ import annotations

import math

import numpy as np

from mathcore.validate import finite, int_in_range

#: Noise standard deviation of house prices (in $100k) assumed by the likelihood.
SIGMA_N = 1.5
#: True slope used to generate the house data ($200 per square foot).
TRUE_SLOPE = 2.0
#: Slopes tried by hand in chapter 2: too low, too high, about right.
TRY_SLOPES = (0.5, 5.0, 2.0)
#: One unit of w in dollars per square foot ($100k per 1000 sq ft).
DOLLARS_PER_SQFT_PER_W = 100.0
#: Chapter 3 drags the house with this index to this new price (in $100k) to move the MLE live.
DRAG_INDEX = 5
DRAG_PRICE = 2.0
#: Prior standard deviation: starting value and the slider's range.
SIGMA_START = 1.0
SIGMA_MIN = 0.3
SIGMA_MAX = 4.0
#: The w axis used by every distribution plot.
W_RANGE = (-5.0, 5.0)
W_SAMPLES = 601
#: Regularisation strengths swept in chapter 8 (lambda = sigma_n^2 / sigma^2).
LAMBDA_SWEEP = (0.5, 2.25, 10.0, 25.0)
#: Polynomial degrees shown in chapter 4 (overfitting) and chapter 9 (playground).
OVERFIT_DEGREES = (1, 2, 3, 4)
PLAYGROUND_DEGREES = (3, 6, 8, 10, 11)
PLAYGROUND_LAMBDA = 0.1
#: Chapter 9's animated drag: the index of the playground point moved and the height it is dragged to.
PLAYGROUND_DRAG = (6, 1.4)
#: The x range of the overfitting and playground sets (fits use it as their basis domain).
UNIT_DOMAIN = (0.0, 1.0)
MAX_DEGREE = 15
#: Chapter 10 tightens a Gaussian and an equal-variance Laplace prior from the first to the second
#: sigma: the Laplace MAP reaches exactly zero on the way, the Gaussian MAP only approaches it.
SPARSITY_SIGMAS = (1.0, 0.05)
#: Elastic-net mixing weight between the L1 and L2 penalties shown in chapter 10.
ELASTIC_MIX = 0.5
#: Chapter 7's walk downhill: gradient descent on -log p(w | D) from this w, step size and step count.
DESCENT_START = 3.8
DESCENT_RATE = 0.05
DESCENT_STEPS = 7


def w_grid(samples: int = W_SAMPLES) -> np.ndarray:
    """The shared grid of slopes on which curves over w are evaluated (samples from 3 to 100000)."""
    return np.linspace(W_RANGE[0], W_RANGE[1], int_in_range("samples", samples, 3, 100_000))


def dollars_per_sqft(w: float) -> float:
    """The house slope w (in $100k per 1000 sq ft) in dollars per square foot."""
    dollars = finite("w", w) * DOLLARS_PER_SQFT_PER_W
    if not math.isfinite(dollars):
        raise ValueError(f"w: {w!r} in dollars per square foot exceeds the float range (1.8e308)")
    return dollars
