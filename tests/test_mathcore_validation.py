"""Every public mathcore callable checks each argument and never returns NaN or infinity for finite input.

``PUBLIC`` lists every public function, class and method with the kind of each parameter; the first test
finds the public callables by introspection and fails when one (or one of its parameters) is missing from
the table, so a new unvalidated function cannot slip in. The property tests then check, for each entry:
finite arguments in a wide range (huge, tiny and subnormal magnitudes included) give finite results or a
ValueError naming a parameter, and a NaN, infinity, string, None or wrongly shaped value for any one
argument raises a ValueError naming that argument.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import hashlib
import importlib
import inspect
import math
import pkgutil
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mathcore
from mathcore.datasets import MAX_SEED, Dataset
from mathcore.loss_views import zoom_window
from mathcore.polynomial import PolyFit
from mathcore.story import load_story
from mathcore.validate import (
    broadcastable,
    finite,
    finite_array,
    finite_values,
    increasing,
    int_in_range,
    interval,
    non_negative,
    paired,
    positive,
    same_shape,
    text,
)

NAN, INF = math.nan, math.inf
WIDE = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])
CSV_DIR = Path(tempfile.mkdtemp(prefix="mathcore-validation-"))
atexit.register(shutil.rmtree, CSV_DIR, ignore_errors=True)

# --- values over the whole float range -------------------------------------------------------------

MODERATE = st.floats(-10.0, 10.0)
ANY_FINITE = st.floats(allow_nan=False, allow_infinity=False)
SCALES = (1e-300, 1e-200, 1e-100, 1e100, 1e200, 1e300)
REAL = st.one_of(MODERATE, ANY_FINITE, st.tuples(MODERATE, st.sampled_from(SCALES)).map(lambda t: t[0] * t[1]))
POSITIVE = st.one_of(st.floats(0.05, 20.0), st.floats(min_value=0.0, exclude_min=True, allow_infinity=False))


EDGES = np.array([0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 1.0, -1.0, 1e300, -1e300,
                  1.7976931348623157e308, -1.7976931348623157e308])
MODES = ("moderate", "bits", "scaled", "edges")


def make_array(n: int, unique: bool, seed: int, mode: str) -> np.ndarray:
    """n finite floats: moderate, random bit patterns (every exponent, subnormals included), all at one huge or
    tiny scale, or float-range edge values; ``unique`` makes them distinct."""
    rng = np.random.default_rng(seed)
    if mode == "edges":
        return rng.choice(EDGES[1:] if unique else EDGES, size=n, replace=not unique)
    if mode == "bits":
        values = rng.integers(0, 2**64, size=4 * n, dtype=np.uint64).view(np.float64)
        values = values[np.isfinite(values)]
    else:
        values = rng.uniform(-10.0, 10.0, size=4 * n) * (rng.choice(SCALES) if mode == "scaled" else 1.0)
    if unique:
        values = values[np.sort(np.unique(values, return_index=True)[1])]
    return values[:n]


@functools.cache
def float_arrays(n: int, unique: bool = False) -> st.SearchStrategy[np.ndarray]:
    """Arrays of n finite floats over the whole float range (see ``make_array``), two choices per array."""
    return st.builds(make_array, st.just(n), st.just(unique), st.integers(0, 2**32 - 1),
                     st.sampled_from(MODES)).filter(lambda a: a.size == n)


SIZES, GRID_SIZES, DEGREES, COIN = st.integers(2, 7), st.integers(3, 8), st.integers(0, 15), st.booleans()


class Ctx:
    """Values shared by the arguments of one call (paired data, a grid of w, a degree), drawn when first used."""

    def __init__(self, draw: st.DrawFn | None = None, **fixed: object) -> None:
        self._draw, self._values = draw, dict(fixed)

    def draw(self, strategy: st.SearchStrategy[object]) -> object:
        assert self._draw is not None, "the typical context draws nothing"
        return self._draw(strategy)

    def _get(self, key: str, strategy: Callable[[], st.SearchStrategy[object]]) -> object:
        if key not in self._values:
            self._values[key] = self.draw(strategy())
        return self._values[key]

    @property
    def n(self) -> int:
        return self._get("n", lambda: SIZES)  # type: ignore[return-value]

    @property
    def x(self) -> np.ndarray:
        return self._get("x", lambda: float_arrays(self.n))  # type: ignore[return-value]

    @property
    def y(self) -> np.ndarray:
        return self._get("y", lambda: float_arrays(self.n))  # type: ignore[return-value]

    @property
    def m(self) -> int:
        return self._get("m", lambda: GRID_SIZES)  # type: ignore[return-value]

    @property
    def w(self) -> np.ndarray:
        return np.sort(self._get("w", lambda: float_arrays(self.m, unique=True)))  # type: ignore[arg-type]

    @property
    def values(self) -> np.ndarray:
        return self._get("values", lambda: float_arrays(self.m))  # type: ignore[return-value]

    @property
    def degree(self) -> int:
        return self._get("degree", lambda: DEGREES)  # type: ignore[return-value]


TYPICAL = Ctx(n=3, x=np.array([0.8, 1.0, 1.3]), y=np.array([1.5, 2.1, 2.4]), m=5, w=np.linspace(-1.0, 3.0, 5),
              values=np.array([0.0, 1.0, 3.0, 2.0, 0.5]), degree=2)

# --- kinds of argument: how to draw a valid one, a typical one, and the invalid ones ------------------


@dataclass(frozen=True)
class Kind:
    """One kind of argument: a valid value drawn in a wide range, a typical value, and the invalid values."""

    draw: Callable[[Ctx], object]
    typical: Callable[[Ctx], object]
    bad: Callable[[Ctx], list[object]] = lambda ctx: []


NOT_A_NUMBER = [NAN, INF, -INF, "abc", "1.5", None, True, [1.0, 2.0]]


def scalar(strategy: st.SearchStrategy[float], typical: float, extra_bad: tuple = ()) -> Kind:
    return Kind(lambda ctx: ctx.draw(strategy), lambda ctx: typical, lambda ctx: NOT_A_NUMBER + list(extra_bad))


@functools.cache
def integers(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def integer(low: int, high: int | Callable[[Ctx], int], typical: int, draw_high: int | None = None) -> Kind:
    """Integers from low to high (drawn only up to ``draw_high`` to keep the tests fast)."""
    def hi(ctx: Ctx) -> int:
        return high(ctx) if callable(high) else high

    return Kind(lambda ctx: ctx.draw(integers(low, min(hi(ctx), draw_high or hi(ctx)))),
                lambda ctx: min(typical, hi(ctx)),
                lambda ctx: [low - 1, hi(ctx) + 1, low + 0.5, NAN, INF, str(low), None, True])


def with_entry(values: np.ndarray, entry: float) -> np.ndarray:
    out = np.array(values, dtype=float)
    out.flat[0] = entry
    return out


def bad_arrays(values: np.ndarray, one_d: bool = True, min_size: int = 0, length: bool = False) -> list[object]:
    """Non-finite entries, text, None and booleans; for 1-D arguments also 2-D, too short or wrong length."""
    out: list[object] = [with_entry(values, NAN), with_entry(values, INF), with_entry(values, -INF), "abc", None,
                         [repr(float(v)) for v in values.flat], np.ones(values.shape, dtype=bool)]
    if one_d:
        out.append(values[None, :])
    if min_size:
        out.append(values[: min_size - 1])
    if length:
        out.append(np.append(values, 1.0))
    return out


def array(pick: Callable[[Ctx], np.ndarray], **bad: object) -> Kind:
    """An array argument taken from the context (``bad`` options as for ``bad_arrays``)."""
    return Kind(pick, pick, lambda ctx: bad_arrays(pick(ctx), **bad))  # type: ignore[arg-type]


def fresh_array(size: Callable[[Ctx], int], **bad: object) -> Kind:
    """A 1-D array argument drawn afresh with the given length."""
    return Kind(lambda ctx: ctx.draw(float_arrays(size(ctx))), lambda ctx: np.linspace(0.2, 1.4, size(ctx)),
                lambda ctx: bad_arrays(np.linspace(0.2, 1.4, size(ctx)), **bad))  # type: ignore[arg-type]


def grid(min_size: int = 1, rising: bool = False) -> Kind:
    """The context's grid of w; ``rising`` adds a reversed grid to the invalid values."""
    def bad(ctx: Ctx) -> list[object]:
        return bad_arrays(ctx.w, min_size=min_size) + ([ctx.w[::-1]] if rising else [])

    return Kind(lambda ctx: ctx.w, lambda ctx: ctx.w, bad)


DOMAINS = st.lists(REAL, min_size=2, max_size=2, unique=True).map(lambda pair: tuple(sorted(pair)))
OPTIONAL_DOMAINS = st.one_of(st.none(), DOMAINS)
BAD_DOMAINS = [(1.0, 0.0), (0.0, 0.0), (0.0, NAN), (NAN, 1.0), (0.0, INF), "ab", (0.0,), 3.0]


def domain(optional: bool) -> Kind:
    return Kind(lambda ctx: ctx.draw(OPTIONAL_DOMAINS if optional else DOMAINS), lambda ctx: (0.0, 2.0),
                lambda ctx: BAD_DOMAINS + ([] if optional else [None]))


def write_csv(ctx: Ctx) -> str:
    body = "x,y\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(ctx.x, ctx.y, strict=True))
    path = CSV_DIR / f"{hashlib.sha1(body.encode()).hexdigest()[:16]}.csv"
    if not path.exists():
        path.write_text(body, encoding="utf-8")
    return str(path)


REAL_ARG = scalar(REAL, 0.7)
POSITIVE_ARG = scalar(POSITIVE, 1.5, (0.0, -1.0))
NON_NEGATIVE = scalar(st.one_of(st.just(0.0), POSITIVE), 0.3, (-1.0,))
UNIT = scalar(st.floats(0.0, 1.0), 0.5, (-0.5, 1.5))
X = array(lambda ctx: ctx.x, min_size=1, length=True)
Y = array(lambda ctx: ctx.y, min_size=1, length=True)
X2 = array(lambda ctx: ctx.x, min_size=2, length=True)
Y2 = array(lambda ctx: ctx.y, min_size=2, length=True)
X_ALONE = array(lambda ctx: ctx.x, min_size=1)
X_ANY = array(lambda ctx: ctx.x, one_d=False)
MEAN = Kind(lambda ctx: ctx.y if ctx.draw(COIN) else ctx.draw(REAL), lambda ctx: 0.5,
            lambda ctx: NOT_A_NUMBER[:-1] + bad_arrays(ctx.y, one_d=False) + [np.zeros(ctx.n + 1)])
W = grid(min_size=1)
W3 = grid(min_size=3)
W_RISING = grid(min_size=2, rising=True)
VALUES = array(lambda ctx: ctx.values, min_size=1, length=True)
LOG_VALUES = Kind(lambda ctx: ctx.values, lambda ctx: ctx.values,
                  lambda ctx: bad_arrays(ctx.values, one_d=False) + [[]])
LOG_VALUES_LIKE_W = array(lambda ctx: ctx.values, one_d=False, length=True)
DEGREE = integer(0, 15, 2)
FIT_DEGREE = Kind(lambda ctx: ctx.degree, lambda ctx: ctx.degree, DEGREE.bad)
COEF = Kind(lambda ctx: ctx.draw(float_arrays(ctx.degree + 1)), lambda ctx: np.linspace(1.0, 0.1, ctx.degree + 1),
            lambda ctx: bad_arrays(np.linspace(1.0, 0.1, ctx.degree + 1), min_size=1, length=True))
SEED = integer(0, MAX_SEED, 33)
TEXTS = st.text(max_size=8)
TEXT = Kind(lambda ctx: ctx.draw(TEXTS), lambda ctx: "houses", lambda ctx: [None, 3.0, NAN, b"x", ["a"]])
METAS = st.dictionaries(st.text(max_size=4), REAL, max_size=3)
META = Kind(lambda ctx: ctx.draw(METAS), lambda ctx: {"sigma_n": 1.5},
            lambda ctx: [None, "abc", [("a", 1.0)], {"a": NAN}, {"a": INF}, {"a": "1"}, {3: 1.0}, {"a": None}])
PATH = Kind(write_csv, write_csv, lambda ctx: [None, 3.0, NAN, b"x.csv", ["x.csv"], str(CSV_DIR / "missing.csv")])
DATASET = Kind(lambda ctx: Dataset(ctx.x, ctx.y), lambda ctx: Dataset(ctx.x, ctx.y))
FIT = Kind(lambda ctx: PolyFit(COEF.draw(ctx) / 8.0, ctx.draw(DOMAINS), ctx.degree, NON_NEGATIVE.draw(ctx)),
           lambda ctx: PolyFit(COEF.typical(ctx), (0.0, 2.0), ctx.degree, 0.1),
           lambda ctx: [None, "fit", 3.0, (1.0, 2.0), {"coef": [1.0]}])
SELF_FIT = Kind(FIT.draw, FIT.typical)  # coefficients / 8 keep the norm of 16 of them finite
INDEX = integer(0, lambda ctx: ctx.n - 1, 1)
BLEND_DEGREE = scalar(st.floats(0.0, 15.0), 2.5, (-0.5, 15.5))

SHIPPED_STORY = load_story()
SHIPPED_PATH = SHIPPED_STORY.source


def number_list(size: int | None, typical: list[float], positive_only: bool = False) -> Kind:
    """A list of ``size`` (or 2 to 5) finite numbers; the invalid ones: not a list, NaN, text, booleans, too few."""
    n = st.just(size) if size else st.integers(2, 5)
    values = n.flatmap(lambda k: st.lists(POSITIVE if positive_only else REAL, min_size=k, max_size=k))
    bad = [None, "ab", 3.0, [NAN, *typical[1:]], [INF, *typical[1:]], ["1.0", *typical[1:]], [True, *typical[1:]],
           typical[:1]] + ([[0.0, *typical[1:]], [-1.0, *typical[1:]]] if positive_only else [])
    return Kind(lambda ctx: ctx.draw(values), lambda ctx: list(typical), lambda ctx: bad)


def degree_list(typical: list[int]) -> Kind:
    return Kind(lambda ctx: ctx.draw(st.lists(DEGREES, min_size=1, max_size=5, unique=True).map(sorted)),
                lambda ctx: list(typical),
                lambda ctx: [None, "ab", 3, [], [2, 1], [1.5], [16], [-1], [True], [NAN], [1, 99]])


def section(name: str) -> Kind:
    """A section record of the shipped story; the invalid ones: None, text, a number, another section."""
    other = SHIPPED_STORY.prior if name != "prior" else SHIPPED_STORY.line
    return Kind(lambda ctx: getattr(SHIPPED_STORY, name), lambda ctx: getattr(SHIPPED_STORY, name),
                lambda ctx: [None, "section", 3.0, other])


def _playground_points(ctx: Ctx) -> int:
    """Drawn from 16 (so any drawn degree up to 15 has its MLE) and kept, so drag_index can be drawn below it."""
    return ctx._get("points", lambda: integers(16, 40))  # type: ignore[return-value]


PLAYGROUND_POINTS = Kind(_playground_points, lambda ctx: 12,
                         lambda ctx: [1, 10_001, 2.5, NAN, INF, "12", None, True])


def playground_last(ctx: Ctx) -> int:
    """The playground's last point index: the drawn point count's, or the typical 12 points'."""
    return int(ctx._values.get("points", 12)) - 1


AXIS_FLOATS = st.lists(st.one_of(st.just(0.0), st.floats(-1e6, 1e6).map(lambda v: v if abs(v) >= 1e-250 else 0.0),
                                 st.floats(1e-250, 1e250), st.floats(-1e250, -1e-250)), min_size=1, max_size=12)
AXIS_LOW = st.one_of(st.just(0.0), st.floats(-1e6, -1e-6))
AXIS_BAD = [None, "ab", 3.0, [], [NAN], [INF], ["1.0"], [1e-300], [1e300]]
AXIS_VALUES = Kind(lambda ctx: ctx.draw(AXIS_FLOATS), lambda ctx: [0.8, 1.6, 2.4], lambda ctx: AXIS_BAD)
AXIS_REACH = Kind(lambda ctx: ctx.draw(AXIS_FLOATS), lambda ctx: [4.0], lambda ctx: [v for v in AXIS_BAD if v != []])
FLAG = Kind(lambda ctx: ctx.draw(COIN), lambda ctx: True)
MARGIN = scalar(st.floats(0.0, 0.5), 0.03, (-0.1, 0.6))
ROOM = Kind(lambda ctx: ctx.draw(st.one_of(st.none(), st.floats(0.0, 200.0))), lambda ctx: None,
            lambda ctx: [NAN, -1.0, "ab"])


WINDOW = Kind(lambda ctx: zoom_window(ctx.draw(st.floats(1e-3, 1e3))), lambda ctx: zoom_window(1.0),
              lambda ctx: [None, (0.0, 4.0, 1.0), "ab", 3.0])
SWEEP = Kind(lambda ctx: ctx.draw(st.lists(st.one_of(st.just(0.0), POSITIVE), max_size=5)),
             lambda ctx: [0.5, 2.25, 10.0], lambda ctx: [[NAN], [INF], [-1.0], "abc", None, ["1.0"]])


STORY_PATH = Kind(lambda ctx: SHIPPED_PATH if ctx.draw(COIN) else None, lambda ctx: SHIPPED_PATH,
                  lambda ctx: [3.0, NAN, b"x.toml", ["x.toml"], str(CSV_DIR / "missing.toml")])
STORY = Kind(lambda ctx: SHIPPED_STORY, lambda ctx: SHIPPED_STORY, lambda ctx: [None, "story", 3.0])
WORDS = Kind(lambda ctx: ctx.draw(st.from_regex(r"[ab$][ab $]{0,7}", fullmatch=True)), lambda ctx: "houses",
             lambda ctx: [None, 3.0, NAN, b"x", ["a"], "", "{x}", "a<b>", "a\nb"])
PREFIX = Kind(WORDS.draw, lambda ctx: "$", lambda ctx: [None, 3.0, b"x", "{x}"])
#: [words] slope_unit_one: words, or "" for slope_unit.
UNIT_ONE = Kind(WORDS.draw, lambda ctx: "point per hour", lambda ctx: [None, 3.0, b"x", ["a"], "{x}", "a<b>", "a\nb"])
SHIPPED_WORDS = Kind(lambda ctx: SHIPPED_STORY.words, lambda ctx: SHIPPED_STORY.words)
SIGMA_ARG = scalar(POSITIVE, 1.0, (0.0, -1.0))
SMALL_SIGMA, LARGE_SIGMA = scalar(POSITIVE, 0.3, (0.0, -1.0)), scalar(POSITIVE, 4.0, (0.0, -1.0))


@dataclass(frozen=True)
class Arg:
    """A parameter of a public callable: its name, kind, and the name its error messages use."""

    name: str
    kind: Kind
    label: str = ""

    @property
    def says(self) -> str:
        return self.label or self.name


def args(*specs: tuple[str, Kind] | tuple[str, Kind, str]) -> tuple[Arg, ...]:
    return tuple(Arg(*spec) for spec in specs)


LAM = ("lam", NON_NEGATIVE, "lambda")
LAM_POSITIVE = ("lam", POSITIVE_ARG, "lambda")
SN = ("sigma_n", POSITIVE_ARG)
SIGMA = ("sigma", POSITIVE_ARG)
SCALE = ("scale", POSITIVE_ARG)
GRID_XY_SN = args(("w", W), ("x", X), ("y", Y), SN)

#: Every public callable of mathcore (validators aside) and the kind of each of its parameters.
PUBLIC: dict[str, tuple[Arg, ...]] = {
    "datasets.Dataset": args(("x", X), ("y", Y), ("name", TEXT), ("x_label", TEXT), ("y_label", TEXT),
                             ("meta", META)),
    "datasets.Dataset.with_point": args(("self", DATASET), ("index", INDEX), ("x", REAL_ARG), ("y", REAL_ARG)),
    "datasets.house_prices": args(),
    "datasets.smooth_source": args(("x", X_ANY)),
    "datasets.five_noisy_points": args(("seed", SEED)),
    "datasets.fresh_points": args(("seed", SEED), ("n", integer(2, 10_000, 6, draw_high=40))),
    "datasets.polynomial_playground": args(("seed", SEED)),
    "datasets.load_csv": args(("path", PATH), SN),
    "densities.gaussian_logpdf": args(("x", X_ANY), ("mean", MEAN), ("std", POSITIVE_ARG)),
    "densities.gaussian_pdf": args(("x", X_ANY), ("mean", MEAN), ("std", POSITIVE_ARG)),
    "densities.laplace_logpdf": args(("x", X_ANY), ("mean", MEAN), SCALE),
    "densities.laplace_pdf": args(("x", X_ANY), ("mean", MEAN), SCALE),
    "likelihood.predictions": args(("x", X_ALONE), ("w", REAL_ARG)),
    "likelihood.residuals": args(("x", X), ("y", Y), ("w", REAL_ARG)),
    "likelihood.point_log_likelihoods": GRID_XY_SN,
    "likelihood.point_likelihoods": GRID_XY_SN,
    "likelihood.point_likelihood_curves": GRID_XY_SN,
    "likelihood.log_likelihood": GRID_XY_SN,
    "likelihood.peak_normalised": args(("log_values", LOG_VALUES)),
    "likelihood.area_normalised": args(("w", W_RISING), ("log_values", LOG_VALUES_LIKE_W)),
    "likelihood.likelihood_curve": GRID_XY_SN,
    "likelihood.likelihood_density": args(("w", W_RISING), ("x", X), ("y", Y), SN),
    "likelihood.mle_slope": args(("x", X), ("y", Y)),
    "likelihood.relative_point_likelihoods": GRID_XY_SN,
    "likelihood.relative_likelihood": GRID_XY_SN,
    "objectives.data_loss": args(("w", W), ("x", X), ("y", Y)),
    "objectives.ridge_objective": args(("w", W), ("x", X), ("y", Y), LAM),
    "objectives.ridge_penalty": args(("w", W), LAM),
    "objectives.neg_log_posterior": args(("w", W), ("x", X), ("y", Y), SN, LAM_POSITIVE),
    "objectives.ridge_slope": args(("x", X), ("y", Y), LAM),
    "objectives.grid_argmin": args(("w", W3), ("values", VALUES)),
    "objectives.TwoViews": args(("w", W), ("ridge", VALUES), ("neg_log_post", VALUES), ("ridge_argmin", REAL_ARG),
                                ("neg_log_post_argmin", REAL_ARG), ("closed_form", REAL_ARG)),
    "objectives.two_views": args(("w", W3), ("x", X), ("y", Y), SN, LAM_POSITIVE),
    "objectives.neg_log_posterior_gradient": args(("w", REAL_ARG), ("x", X), ("y", Y), SN, SIGMA),
    "objectives.descent_path": args(("x", X), ("y", Y), SN, SIGMA, ("start", REAL_ARG), ("rate", POSITIVE_ARG),
                                    ("steps", integer(0, 10_000, 7, draw_high=60))),
    "parameters.w_grid": args(("samples", integer(3, 100_000, 601, draw_high=2000))),
    "parameters.dollars_per_sqft": args(("w", REAL_ARG)),
    "polynomial.PolyFit": args(("coef", COEF), ("domain", domain(optional=False)), ("degree", FIT_DEGREE), LAM),
    "polynomial.PolyFit.__call__": args(("self", SELF_FIT), ("x", X_ALONE)),
    "polynomial.design_matrix": args(("x", X_ALONE), ("degree", DEGREE), ("domain", domain(optional=False))),
    "polynomial.fit_ridge": args(("x", X2), ("y", Y2), ("degree", DEGREE), LAM, ("domain", domain(optional=True))),
    "polynomial.fit_map": args(("x", X2), ("y", Y2), ("degree", DEGREE), SN, SIGMA,
                               ("domain", domain(optional=True))),
    "polynomial.max_mle_degree": args(("x", X_ALONE)),
    "polynomial.fit_mle": args(("x", X2), ("y", Y2), ("degree", DEGREE), ("domain", domain(optional=True))),
    "polynomial.dense_curve": args(("fit", FIT), ("lo", REAL_ARG), ("hi", scalar(REAL, 1.8)),
                                   ("samples", integer(2, 1_000_000, 50, draw_high=300))),
    "polynomial.degree_blend": args(("x", X2), ("y", Y2), ("degree", BLEND_DEGREE), LAM,
                                    ("xs", fresh_array(lambda ctx: ctx.m, min_size=1)),
                                    ("domain", domain(optional=True))),
    "polynomial.rms_error": args(("predicted", X), ("observed", Y)),
    "posterior.log_posterior_unnormalised": GRID_XY_SN + args(SIGMA),
    "posterior.posterior_density": args(("w", W_RISING), ("x", X), ("y", Y), SN, SIGMA),
    "posterior.posterior_curve": GRID_XY_SN + args(SIGMA),
    "posterior.map_slope": args(("x", X), ("y", Y), SN, SIGMA),
    "posterior.shrinkage_factor": args(("x", X_ALONE), SN, SIGMA),
    "posterior.posterior_std": args(("x", X_ALONE), SN, SIGMA),
    "posterior.grid_argmax": args(("w", W3), ("values", VALUES)),
    "posterior.map_on_grid": args(("w", W3), ("x", X), ("y", Y), SN, SIGMA),
    "prior.gaussian_prior_logpdf": args(("w", X_ANY), SIGMA),
    "prior.gaussian_prior_pdf": args(("w", X_ANY), SIGMA),
    "prior.laplace_prior_logpdf": args(("w", X_ANY), SCALE),
    "prior.laplace_prior_pdf": args(("w", X_ANY), SCALE),
    "regularization.lambda_from_sigmas": args(SN, SIGMA),
    "regularization.sigma_from_lambda": args(LAM_POSITIVE, SN),
    "sparsity.soft_threshold": args(("value", X_ANY), ("threshold", NON_NEGATIVE)),
    "sparsity.elastic_net_slope": args(("x", X), ("y", Y), ("l1", NON_NEGATIVE), ("l2", NON_NEGATIVE)),
    "sparsity.lasso_slope": args(("x", X), ("y", Y), LAM),
    "sparsity.l1_lambda_from_laplace": args(SN, SCALE),
    "sparsity.laplace_scale_matching_variance": args(SIGMA),
    "sparsity.laplace_map_slope": args(("x", X), ("y", Y), SN, SCALE),
    "sparsity.laplace_log_posterior": GRID_XY_SN + args(SCALE),
    "sparsity.elastic_net_prior_logpdf": args(("w", W), SIGMA, ("mix", UNIT)),
    "sparsity.elastic_net_log_posterior": GRID_XY_SN + args(SIGMA, ("mix", UNIT)),
    "sparsity.elastic_net_map_slope": args(("x", X), ("y", Y), SN, SIGMA, ("mix", UNIT)),
    "axes.AxisRange": args(("low", scalar(AXIS_LOW, -1.0)), ("high", scalar(st.floats(1.0, 1e6), 4.0)),
                           ("step", scalar(st.floats(0.5, 1e6), 1.0, (0.0, -1.0))), ("decimals", integer(0, 300, 0))),
    "axes.nice_axis": args(("points", AXIS_VALUES), ("reach", AXIS_REACH), ("zero", FLAG), ("margin", MARGIN),
                           ("max_ticks", integer(3, 50, 7)), ("room", ROOM), ("side_by_side", FLAG)),
    "axes.line_reach": args(("x", AXIS_VALUES), ("slopes", AXIS_VALUES)),
    "axes.nice_step": args(("low", scalar(AXIS_LOW, -5.0)), ("high", scalar(st.floats(1.0, 1e6), 5.0)),
                           ("most", integer(2, 100, 11))),
    "loss_views.bell_pair_view": args(SN, SIGMA),
    "loss_views.zoom_unit": args(("x", X), ("y", Y), ("descent_start", REAL_ARG)),
    "loss_views.zoom_window": args(("q", scalar(REAL, 0.7, (0.0,))), ("left", integer(0, 4, 0))),
    "loss_views.window_grid": args(("window", WINDOW), ("like", W_RISING)),
    "loss_views.posterior_loss_axis": GRID_XY_SN + args(SIGMA),
    "loss_views.ridge_loss_axis": args(("w", W), ("x", X), ("y", Y), LAM, ("sweep", SWEEP)),
    "story.LineFit": args(("name", TEXT), ("x_name", TEXT), ("x_unit", TEXT), ("y_name", TEXT), ("y_unit", TEXT),
                          ("x", X), ("y", Y), ("true_slope", REAL_ARG), SN,
                          ("try_slopes", number_list(3, [0.5, 5.0, 2.0])), ("drag_index", INDEX),
                          ("drag_to", REAL_ARG), ("w_range", domain(optional=False)),
                          ("csv", TEXT)),
    "story.PriorRange": args(("sigma_start", SIGMA_ARG), ("sigma_min", SMALL_SIGMA), ("sigma_max", LARGE_SIGMA)),
    "story.Descent": args(("start", REAL_ARG), ("rate", POSITIVE_ARG), ("steps", integer(1, 1000, 7))),
    "story.Ridge": args(("lambda_sweep", number_list(None, [0.5, 2.25, 10.0], positive_only=True))),
    "story.Overfitting": args(("seed", SEED), ("points", integer(2, 10_000, 5, draw_high=40)), ("noise", POSITIVE_ARG),
                              ("degrees", degree_list([1, 2, 3, 4])), ("fresh_seed", SEED),
                              ("fresh_points", integer(2, 10_000, 6, draw_high=40))),
    "story.Playground": args(("seed", SEED), ("points", PLAYGROUND_POINTS),
                             ("noise", POSITIVE_ARG), ("degrees", degree_list([3, 6, 8, 10, 11])),
                             ("lam", POSITIVE_ARG, "lambda"), ("drag_index", integer(0, playground_last, 6)),
                             ("drag_to", REAL_ARG)),
    "story.Sparsity": args(("sigmas", number_list(2, [1.0, 0.05], positive_only=True)), ("elastic_mix", UNIT)),
    "story.Story": args(("source", TEXT), *((name, section(name)) for name in
                                            ("line", "prior", "descent", "ridge", "overfitting", "playground",
                                             "sparsity", "words"))),
    "story.Words": args(*((name, WORDS) for name in ("item", "items", "sample", "samples", "x_words", "y_words",
                                                     "y_plural", "y_most")),
                        ("slope_scale", POSITIVE_ARG), ("slope_prefix", PREFIX), ("slope_unit", WORDS),
                        ("slope_symbol", WORDS), ("slope_decimals", integer(0, 6, 0)),
                        ("slope_unit_one", UNIT_ONE)),
    "story.Words.slope_value": args(("self", SHIPPED_WORDS), ("w", REAL_ARG)),
    "story.Words.unit_after": args(("self", SHIPPED_WORDS), ("shown", REAL_ARG)),
    "narrated.narrated_values": args(("story", STORY)),
    "story.load_story": args(("path", STORY_PATH)),
    "story.claims_problems": args(("story", STORY)),
    "sums.dot": args(("a", X), ("b", Y)),
}

#: The checks themselves: each called with a parameter named "p", and the values it must reject.
VALIDATORS: dict[str, tuple[Callable[[object], object], list[object]]] = {
    "validate.positive": (lambda v: positive("p", v), [0.0, -1.0, *NOT_A_NUMBER]),
    "validate.non_negative": (lambda v: non_negative("p", v), [-1.0, *NOT_A_NUMBER]),
    "validate.finite": (lambda v: finite("p", v), NOT_A_NUMBER),
    "validate.int_in_range": (lambda v: int_in_range("p", v, 0, 5), [6, -1, 2.5, NAN, INF, "3", None, True]),
    "validate.finite_values": (lambda v: finite_values("p", v), [[NAN], [INF], "abc", None, ["1.0"], [True]]),
    "validate.finite_array": (lambda v: finite_array("p", v, 2), [[1.0], [[1.0, 2.0]], [NAN, 1.0], "ab", None]),
    "validate.paired": (lambda v: paired(v, [1.0, 2.0], names=("p", "q")), [[1.0], [NAN, 1.0], "ab", None]),
    "validate.same_shape": (lambda v: same_shape("p", v, "q", np.zeros(2)), [[1.0], [NAN, 1.0], "ab", None]),
    "validate.broadcastable": (lambda v: broadcastable(("p", "q"), np.asarray(v), np.zeros(3)),
                               [np.zeros(2), np.zeros((3, 2))]),
    "validate.increasing": (lambda v: increasing("p", v), [[1.0, 1.0], [2.0, 1.0], [1.0], [NAN, 1.0], None]),
    "validate.text": (lambda v: text("p", v), [1.0, None, b"x", NAN]),
    "validate.interval": (lambda v: interval("p", v), BAD_DOMAINS),
}


def discover_public_callables() -> dict[str, Callable[..., object]]:
    """Every public function, class and public method (and __call__) defined in a public mathcore module."""
    found: dict[str, Callable[..., object]] = {}
    for info in pkgutil.iter_modules(mathcore.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"mathcore.{info.name}")
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                found[f"{info.name}.{name}"] = obj
            if inspect.isclass(obj):
                for method, fn in vars(obj).items():
                    if inspect.isfunction(fn) and (not method.startswith("_") or method == "__call__"):
                        found[f"{info.name}.{name}.{method}"] = fn
    return found


CALLABLES = discover_public_callables()


def test_the_table_covers_every_public_callable_and_parameter():
    assert set(CALLABLES) == set(PUBLIC) | set(VALIDATORS)
    for name, spec in PUBLIC.items():
        assert [a.name for a in spec] == list(inspect.signature(CALLABLES[name]).parameters), name


def subject(message: str) -> set[str]:
    """The words naming what a message is about: the text before "must", "needs", ":" and the like."""
    head = re.split(r" must | needs |: | does not | is not ", message, maxsplit=1)[0]
    return set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", head))


def all_finite(value: object) -> bool:
    """True when every number in ``value`` (arrays, tuples, dicts and mathcore's result classes) is finite."""
    if isinstance(value, str):
        return True
    if isinstance(value, PolyFit):
        return all_finite(value.coef) and all_finite(value.domain) and math.isfinite(value.weight_norm)
    if dataclasses.is_dataclass(value):
        return all(all_finite(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, tuple | list):
        return all(all_finite(v) for v in value)
    if isinstance(value, dict):
        return all(all_finite(v) for v in value.values())
    return bool(np.all(np.isfinite(np.asarray(value, dtype=float))))


@st.composite
def calls(draw: st.DrawFn, name: str) -> dict[str, object]:
    ctx = Ctx(draw)
    return {a.name: a.kind.draw(ctx) for a in PUBLIC[name]}


@st.composite
def bad_calls(draw: st.DrawFn, name: str) -> tuple[dict[str, object], Arg]:
    ctx = Ctx(draw)
    kwargs = {a.name: a.kind.draw(ctx) for a in PUBLIC[name]}
    checked = [a for a in PUBLIC[name] if a.kind.bad(ctx)]
    arg = checked[draw(integers(0, len(checked) - 1))]
    bad = arg.kind.bad(ctx)
    kwargs[arg.name] = bad[draw(integers(0, len(bad) - 1))]
    return kwargs, arg


NAMES = sorted(PUBLIC)
#: The callables that take arguments (house_prices takes none: its data are the story's).
WITH_ARGS = [name for name in NAMES if PUBLIC[name]]


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("name", NAMES)
@WIDE
@given(data=st.data())
def test_finite_arguments_give_finite_results_or_an_error_naming_a_parameter(name, data):
    kwargs = data.draw(calls(name))
    try:
        result = CALLABLES[name](**kwargs)
    except ValueError as err:
        assert subject(str(err)) & {a.says for a in PUBLIC[name]}, f"{name}: {err}"
    else:
        assert all_finite(result), f"{name}({kwargs}) = {result!r}"


@pytest.mark.parametrize("name", WITH_ARGS)
@WIDE
@given(data=st.data())
def test_an_invalid_argument_raises_a_value_error_naming_it(name, data):
    kwargs, arg = data.draw(bad_calls(name))
    with pytest.raises(ValueError) as err:
        CALLABLES[name](**kwargs)
    assert arg.says in subject(str(err.value)), f"{name}({arg.name}={kwargs[arg.name]!r}): {err.value}"


@pytest.mark.parametrize("name", NAMES)
def test_every_invalid_value_of_every_argument_is_rejected_by_name_on_typical_data(name):
    spec = PUBLIC[name]
    typical = {a.name: a.kind.typical(TYPICAL) for a in spec}
    result = CALLABLES[name](**typical)
    assert all_finite(result)
    for arg in spec:
        for bad in arg.kind.bad(TYPICAL):
            with pytest.raises(ValueError) as err:
                CALLABLES[name](**{**typical, arg.name: bad})
            assert arg.says in subject(str(err.value)), f"{name}({arg.name}={bad!r}): {err.value}"


@pytest.mark.parametrize("name", sorted(VALIDATORS))
def test_each_validator_rejects_bad_values_by_the_name_it_is_given(name):
    check, bad_values = VALIDATORS[name]
    for bad in bad_values:
        with pytest.raises(ValueError, match=r"^p\b"):
            check(bad)
