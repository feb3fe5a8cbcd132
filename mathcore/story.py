"""The story file: every number the chapters show and compute with, as data, checked before anything renders.

A story is a TOML file (the shipped one is ``stories/house-prices/story.toml``, which documents every key) with the
sections ``[line]``, ``[prior]``, ``[descent]``, ``[ridge]``, ``[overfitting]``, ``[playground]``, ``[sparsity]``
and ``[words]`` (what the narration and the screen call the data and its slope). :func:`load_story` reads it into
a frozen :class:`Story` of one small dataclass per section and checks types, ranges and the rules between keys;
a problem raises a ValueError of one line naming the file, the ``[section] key``, the bad value and what it must
be. :func:`claims_problems` checks the claims the narration
makes (a tight prior pulls the MAP halfway to zero, the Laplace MAP reaches exactly zero, ...) with mathcore on
the story's own numbers, one line per failed claim naming the key to change.

The active story is the file named by the environment variable ``MLE2MAP_STORY`` (for the coming ``--story``
option and for tests; render workers inherit the environment), else the shipped one. mathcore/parameters.py
loads it once at import. Imports nothing of the project at import time but ``mathcore._csv``, so it can be read
while ``mathcore.parameters`` is being imported; the claims import the math they use inside their functions, so
a chapter's cache key, which reaches :func:`load_story`, does not take that math as an input.
"""

from __future__ import annotations

import math
import numbers
import os
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from mathcore._csv import read_pairs

#: The environment variable naming another story file.
STORY_ENV = "MLE2MAP_STORY"
#: The shipped story, relative to the project root.
SHIPPED_STORY = "stories/house-prices/story.toml"
_PROJECT = Path(__file__).resolve().parent.parent
#: The highest polynomial degree mathcore fits (mathcore/polynomial.py).
MAX_DEGREE = 15
#: Seeds accepted by the data-set makers (numpy takes any non-negative integer; this keeps them to 63 bits).
MAX_SEED = 2**63 - 1
#: Most points a generated data set may have.
MAX_POINTS = 10_000


def _fail(name: str, allowed: str, value: object) -> ValueError:
    return ValueError(f"{name} must be {allowed}, got {value!r}")


def _number(name: str, value: object, allowed: str = "a finite number",
            ok: Callable[[float], bool] = lambda v: True) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise _fail(name, allowed, value)
    v = float(value)
    if not math.isfinite(v) or not ok(v):
        raise _fail(name, allowed, value)
    return v


def _positive(name: str, value: object) -> float:
    return _number(name, value, "a finite number > 0", lambda v: v > 0.0)


def _integer(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise _fail(name, f"an integer from {low} to {high}", value)
    return int(value)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise _fail(name, "a string", value)
    return value


def _list(name: str, value: object, allowed: str, size: int | None = None, min_size: int = 1) -> Sequence[object]:
    """``value`` as a list, tuple or 1-D array of ``size`` (or at least ``min_size``) entries."""
    what = f"a list of {size} {allowed}" if size else f"a list of at least {min_size} {allowed}"
    if isinstance(value, np.ndarray):
        value = list(value) if value.ndim == 1 else value.tolist()
    if not isinstance(value, list | tuple) or (len(value) != size if size else len(value) < min_size):
        raise _fail(name, what, value)
    return value


def _numbers(name: str, value: object, size: int | None = None, min_size: int = 1,
             each: Callable[[str, object], float] = _number) -> tuple[float, ...]:
    items = _list(name, value, "finite numbers" if each is _number else "numbers > 0", size, min_size)
    return tuple(each(f"{name}[{i}]", v) for i, v in enumerate(items))


def _degrees(name: str, value: object) -> tuple[int, ...]:
    """Increasing polynomial degrees from 0 to MAX_DEGREE."""
    items = _list(name, value, f"integers from 0 to {MAX_DEGREE}")
    degrees = tuple(_integer(f"{name}[{i}]", v, 0, MAX_DEGREE) for i, v in enumerate(items))
    if any(b <= a for a, b in zip(degrees, degrees[1:], strict=False)):
        raise _fail(name, "increasing", list(degrees))
    return degrees


def _unique_mle(degrees: tuple[int, ...], points: int) -> None:
    """Every degree has a unique MLE through ``points`` points."""
    if max(degrees) > points - 1:
        raise _fail("degrees", f"at most points - 1 = {points - 1} (one MLE per degree)", list(degrees))


def _set(record: object, **values: object) -> None:
    for name, value in values.items():
        object.__setattr__(record, name, value)


@dataclass(frozen=True)
class LineFit:
    """``[line]``: the points of the line fit y = w x, their names and units, and the story beats on them."""

    name: str
    x_name: str
    x_unit: str
    y_name: str
    y_unit: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    true_slope: float
    sigma_n: float
    try_slopes: tuple[float, float, float]
    drag_index: int
    drag_to: float
    w_range: tuple[float, float]
    #: The CSV file the points were read from ("" when they are written in the story).
    csv: str = ""

    def __post_init__(self) -> None:
        for name in ("name", "x_name", "x_unit", "y_name", "y_unit", "csv"):
            _text(name, getattr(self, name))
        x, y = _numbers("x", self.x, min_size=2), _numbers("y", self.y, min_size=2)
        low, high = _numbers("w_range", self.w_range, size=2)
        _set(self, x=x, y=y, true_slope=_number("true_slope", self.true_slope),
             sigma_n=_positive("sigma_n", self.sigma_n), try_slopes=_numbers("try_slopes", self.try_slopes, size=3),
             drag_index=_integer("drag_index", self.drag_index, 0, MAX_POINTS - 1),
             drag_to=_number("drag_to", self.drag_to), w_range=(low, high))
        if not high > low:
            raise _fail("w_range", "[low, high] with high > low", [low, high])
        if len(x) != len(y):
            raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
        if not any(x):
            raise _fail("x", "not all zero (a line through the origin needs one x other than 0)", list(x))
        _integer("drag_index", self.drag_index, 0, len(x) - 1)

    @property
    def x_label(self) -> str:
        """The x axis label: name (unit)."""
        return f"{self.x_name} ({self.x_unit})" if self.x_unit else self.x_name

    @property
    def y_label(self) -> str:
        """The y axis label: name (unit)."""
        return f"{self.y_name} ({self.y_unit})" if self.y_unit else self.y_name


@dataclass(frozen=True)
class PriorRange:
    """``[prior]``: the Gaussian prior's sigma at the start and the ends of its slider."""

    sigma_start: float
    sigma_min: float
    sigma_max: float

    def __post_init__(self) -> None:
        start, low, high = (_positive(n, getattr(self, n)) for n in ("sigma_start", "sigma_min", "sigma_max"))
        if not low < start:
            raise _fail("sigma_min", f"below sigma_start ({start:g})", self.sigma_min)
        if not high > start:
            raise _fail("sigma_max", f"above sigma_start ({start:g})", self.sigma_max)
        _set(self, sigma_start=start, sigma_min=low, sigma_max=high)


@dataclass(frozen=True)
class Descent:
    """``[descent]``: chapter 7's gradient descent on -log p(w | D): start, step size, steps."""

    start: float
    rate: float
    steps: int

    def __post_init__(self) -> None:
        _set(self, start=_number("start", self.start), rate=_positive("rate", self.rate),
             steps=_integer("steps", self.steps, 1, 1000))


@dataclass(frozen=True)
class Ridge:
    """``[ridge]``: the lambdas chapter 8 sweeps (positive, increasing)."""

    lambda_sweep: tuple[float, ...]

    def __post_init__(self) -> None:
        sweep = _numbers("lambda_sweep", self.lambda_sweep, min_size=2, each=_positive)
        if any(b <= a for a, b in zip(sweep, sweep[1:], strict=False)):
            raise _fail("lambda_sweep", "increasing", list(sweep))
        _set(self, lambda_sweep=sweep)


@dataclass(frozen=True)
class Overfitting:
    """``[overfitting]``: chapter 4's noisy points (seed, count, noise), its degrees and the fresh points."""

    seed: int
    points: int
    noise: float
    degrees: tuple[int, ...]
    fresh_seed: int
    fresh_points: int

    def __post_init__(self) -> None:
        _set(self, seed=_integer("seed", self.seed, 0, MAX_SEED), points=_integer("points", self.points, 2, MAX_POINTS),
             noise=_positive("noise", self.noise), degrees=_degrees("degrees", self.degrees),
             fresh_seed=_integer("fresh_seed", self.fresh_seed, 0, MAX_SEED),
             fresh_points=_integer("fresh_points", self.fresh_points, 2, MAX_POINTS))
        _unique_mle(self.degrees, self.points)


@dataclass(frozen=True)
class Playground:
    """``[playground]``: chapter 9's noisy points, degrees, ridge lambda and drag."""

    seed: int
    points: int
    noise: float
    degrees: tuple[int, ...]
    lam: float
    drag_index: int
    drag_to: float

    def __post_init__(self) -> None:
        _set(self, seed=_integer("seed", self.seed, 0, MAX_SEED), points=_integer("points", self.points, 2, MAX_POINTS),
             noise=_positive("noise", self.noise), degrees=_degrees("degrees", self.degrees),
             lam=_positive("lambda", self.lam),
             drag_index=_integer("drag_index", self.drag_index, 0, MAX_POINTS - 1),
             drag_to=_number("drag_to", self.drag_to))
        _unique_mle(self.degrees, self.points)
        _integer("drag_index", self.drag_index, 0, self.points - 1)


@dataclass(frozen=True)
class Sparsity:
    """``[sparsity]``: chapter 10's prior sigmas, from wide to tight, and the elastic-net mix."""

    sigmas: tuple[float, float]
    elastic_mix: float

    def __post_init__(self) -> None:
        wide, tight = _numbers("sigmas", self.sigmas, size=2, each=_positive)
        _set(self, sigmas=(wide, tight),
             elastic_mix=_number("elastic_mix", self.elastic_mix, "a number from 0 to 1", lambda v: 0 <= v <= 1))
        if not tight < wide:
            raise _fail("sigmas", "[wide, tight] with tight < wide", [wide, tight])


def _phrase(name: str, value: object, may_be_empty: bool = False) -> str:
    """Words spoken and shown as they are: one line, no template braces or tags."""
    text = _text(name, value)
    if (not text.strip() and not may_be_empty) or any(c in text for c in "{}<>\n"):
        allowed = "words (may be empty)" if may_be_empty else "words, not empty"
        raise _fail(name, f"{allowed}, on one line, without {{ }} < >", value)
    return text


@dataclass(frozen=True)
class Words:
    """``[words]``: what the narration and the screen call the line-fit data, its units and its slope."""

    item: str
    items: str
    sample: str
    samples: str
    x_words: str
    y_words: str
    y_plural: str
    y_most: str
    slope_scale: float
    slope_prefix: str
    slope_unit: str
    slope_symbol: str
    slope_decimals: int
    #: slope_unit after a slope of exactly 1 ("point per hour"); optional, slope_unit when left out.
    slope_unit_one: str = ""

    def __post_init__(self) -> None:
        if self.slope_unit_one == "" and isinstance(self.slope_unit, str):
            _set(self, slope_unit_one=self.slope_unit)
        for f in fields(self):
            if f.type == "str":
                _phrase(f.name, getattr(self, f.name), may_be_empty=f.name == "slope_prefix")
        _set(self, slope_scale=_positive("slope_scale", self.slope_scale),
             slope_decimals=_integer("slope_decimals", self.slope_decimals, 0, 6))

    def unit_after(self, shown: float) -> str:
        """The spoken unit after a slope shown as ``shown`` (in the display unit): singular after exactly 1."""
        return self.slope_unit_one if _number("shown", shown) == 1 else self.slope_unit

    def slope_value(self, w: float) -> float:
        """The slope w in the story's display unit (w times slope_scale)."""
        value = _number("w", w) * self.slope_scale
        if not math.isfinite(value):
            raise ValueError(f"w: {w!r} times [words] slope_scale exceeds the float range (1.8e308)")
        return value


@dataclass(frozen=True)
class Story:
    """A checked story file: where it was read from and one record per section."""

    source: str
    line: LineFit
    prior: PriorRange
    descent: Descent
    ridge: Ridge
    overfitting: Overfitting
    playground: Playground
    sparsity: Sparsity
    words: Words

    def __post_init__(self) -> None:
        _text("source", self.source)
        for f in fields(self)[1:]:
            kind = _SECTIONS[f.name]
            if not isinstance(getattr(self, f.name), kind):
                raise _fail(f.name, f"a {kind.__name__}", getattr(self, f.name))

    @property
    def files(self) -> tuple[str, ...]:
        """The files the story was read from: the story file and its CSV, if any."""
        return (self.source, self.line.csv) if self.line.csv else (self.source,)


_SECTIONS: dict[str, type] = {"line": LineFit, "prior": PriorRange, "descent": Descent, "ridge": Ridge,
                              "overfitting": Overfitting, "playground": Playground, "sparsity": Sparsity,
                              "words": Words}
#: TOML keys that are not Python names: key -> field.
RENAMED_KEYS = {"lambda": "lam"}


def _active_path() -> Path:
    named = os.environ.get(STORY_ENV, "").strip()
    return Path(named) if named else _PROJECT / SHIPPED_STORY


#: (section, key) a story may leave out.
_OPTIONAL_KEYS = {("line", "csv"), ("words", "slope_unit_one")}


def _section(where: str, data: dict[str, object], section: str, story_dir: Path) -> object:
    """One section's record, or a ValueError naming the file, ``[section] key`` and what to do."""
    table = data.get(section)
    if not isinstance(table, dict):
        raise ValueError(f"{where}: [{section}] is missing or not a table; add it (see {SHIPPED_STORY})")
    table = dict(table)
    if section == "line":
        table = _line_points(where, table, story_dir)
    kind = _SECTIONS[section]
    keys = {next((k for k, v in RENAMED_KEYS.items() if v == f.name), f.name): f.name for f in fields(kind)}
    for key in table:
        if key not in keys:
            raise ValueError(f"{where}: [{section}] {key}: unknown key; the keys are {', '.join(keys)}")
    for key, name in keys.items():
        if key not in table and (section, name) not in _OPTIONAL_KEYS:
            raise ValueError(f"{where}: [{section}] {key} is missing; add it (see {SHIPPED_STORY})")
    try:
        return kind(**{keys[k]: v for k, v in table.items()})
    except ValueError as exc:
        raise ValueError(f"{where}: [{section}] {exc}") from None


def _line_points(where: str, table: dict[str, object], story_dir: Path) -> dict[str, object]:
    """``[line]`` with its points: written as x and y, or read from the CSV file ``csv`` names."""
    if "csv" not in table:
        return table
    if "x" in table or "y" in table:
        raise ValueError(f"{where}: [line] csv: give either csv or x and y, not both")
    name = table["csv"]
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: [line] csv must be the name of a CSV file beside the story, got {name!r}")
    path = story_dir / name
    try:
        x, y = read_pairs(path)
    except ValueError as exc:
        raise ValueError(f"{where}: [line] csv = {name!r}: {exc}") from None
    return {**table, "x": x, "y": y, "csv": str(path)}


def load_story(path: str | os.PathLike[str] | None = None) -> Story:
    """The checked story in ``path`` (None: the active story, ``MLE2MAP_STORY`` or the shipped one)."""
    if path is None:
        path = _active_path()
    if not isinstance(path, str | os.PathLike):
        raise _fail("path", "a story file path (str or Path)", path)
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"path {str(p)!r} does not exist or is not a file (a story TOML file, e.g. {SHIPPED_STORY})")
    where = f"story {p}"
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{where}: must be UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where}: not valid TOML ({exc}); fix the syntax") from None
    for name in data:
        if name not in _SECTIONS:
            raise ValueError(f"{where}: [{name}]: unknown section; the sections are {', '.join(_SECTIONS)}")
    records = {name: _section(where, data, name, p.parent) for name in _SECTIONS}
    return Story(str(p), **records)  # type: ignore[arg-type]


# --- the claims the narration makes, checked on the story's own numbers ------------------------------------


def _line(story: Story) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    """x, y, sum x y, sum x^2 and the MLE of the line fit."""
    from mathcore.likelihood import mle_slope
    from mathcore.sums import dot

    x, y = np.array(story.line.x), np.array(story.line.y)
    return x, y, dot(x, y), dot(x, x), mle_slope(x, y)


def _inside(story: Story, w: float) -> bool:
    low, high = story.line.w_range
    return low < w < high


def _tried_slopes(story: Story) -> list[str]:
    x, y, _, _, mle = _line(story)
    slopes = story.line.try_slopes
    low, high, right = slopes
    key = f"[line] try_slopes = {list(slopes)}"
    problems = []
    if not np.all(y > low * x):
        problems.append(f"{key}: chapter 2 says every point lies above the first (too low) line; lower try_slopes[0]")
    if not np.all(y < high * x):
        problems.append(f"{key}: chapter 2 says every point lies below the second (too high) line; "
                        "raise try_slopes[1]")
    losses = [float(np.sum((y - w * x) ** 2)) for w in slopes]
    if not (losses[2] < losses[0] and losses[2] < losses[1]):
        problems.append(f"{key}: the third (about right) slope must fit better than the other two")
    if not abs(mle - right) < min(abs(low - right), abs(high - right)) / 4:
        problems.append(f"{key}: the third (about right) slope must lie near the MLE {mle:.4g} (closer than a "
                        "quarter of its distance to the others); set try_slopes[2] near it")
    return problems


def _priors(story: Story) -> list[str]:
    from mathcore.posterior import map_slope

    x, y, _, sxx, mle = _line(story)
    sn, prior = story.line.sigma_n, story.prior
    problems = []
    tight = map_slope(x, y, sn, prior.sigma_min)
    if not (mle != 0.0 and 0.0 <= tight / mle <= 0.5):
        problems.append(
            f"[prior] sigma_min = {prior.sigma_min:g}: chapter 6 says a tight prior pulls the MAP at least halfway "
            f"from the MLE ({mle:.4g}) to zero, but at sigma_min the MAP is {tight:.4g}; lower sigma_min below "
            f"{sn / math.sqrt(sxx):.4g}")
    wide = map_slope(x, y, sn, prior.sigma_max)
    if not abs(wide - mle) <= 0.02 * abs(mle):
        problems.append(
            f"[prior] sigma_max = {prior.sigma_max:g}: chapter 6 says a wide prior leaves the MAP within 2% of the "
            f"MLE ({mle:.4g}), but at sigma_max the MAP is {wide:.4g}; raise sigma_max above "
            f"{sn / math.sqrt(sxx * 0.02 / 0.98):.4g}")
    for key, sigma in (("sigma_min", prior.sigma_min), ("sigma_start", prior.sigma_start),
                       ("sigma_max", prior.sigma_max)):
        w = map_slope(x, y, sn, sigma)
        if not _inside(story, w):
            problems.append(f"[prior] {key} = {sigma:g}: its MAP {w:.4g} lies outside [line] w_range = "
                            f"{list(story.line.w_range)}; widen w_range")
    if not _inside(story, mle):
        problems.append(f"[line] w_range = {list(story.line.w_range)}: the MLE {mle:.4g} lies outside it; widen it")
    return problems


def _ridge_sweep(story: Story) -> list[str]:
    from mathcore.objectives import two_views
    from mathcore.parameters import W_SAMPLES

    x, y, sxy, sxx, _ = _line(story)
    w = np.linspace(*story.line.w_range, W_SAMPLES)
    problems = []
    for lam in story.ridge.lambda_sweep:
        closed = sxy / (sxx + lam)
        if not _inside(story, closed):
            problems.append(f"[ridge] lambda_sweep: at lambda = {lam:g} the minimum {closed:.4g} lies outside "
                            f"[line] w_range = {list(story.line.w_range)}; widen w_range or raise that lambda")
            continue
        views = two_views(w, x, y, story.line.sigma_n, lam)
        if not (abs(views.ridge_argmin - closed) < 1e-9 and abs(views.neg_log_post_argmin - closed) < 1e-9):
            problems.append(f"[ridge] lambda_sweep: at lambda = {lam:g} chapter 8's two panels do not show one "
                            f"minimum at {closed:.4g}; change that lambda")
    return problems


def _noisy(story: Story, section: str) -> object:
    from mathcore.datasets import _noisy

    if section == "fresh":
        o = story.overfitting
        return _noisy(o.fresh_points, o.fresh_seed, o.noise)
    part = story.overfitting if section == "overfitting" else story.playground
    return _noisy(part.points, part.seed, part.noise)


def _overfitting(story: Story) -> list[str]:
    from mathcore.parameters import UNIT_DOMAIN
    from mathcore.polynomial import fit_mle

    o = story.overfitting
    points, fresh = _noisy(story, "overfitting"), _noisy(story, "fresh")
    top = max(o.degrees)
    fit = fit_mle(points.x, points.y, top, UNIT_DOMAIN)
    problems = []
    if not np.allclose(fit(points.x), points.y, rtol=0.0, atol=1e-9):
        problems.append(f"[overfitting] degrees = {list(o.degrees)}: chapter 4 says degree {top} passes through "
                        f"every one of the {o.points} points, but it misses some; make the highest degree "
                        f"points - 1 = {o.points - 1}")
    elif not np.ptp(fit(np.linspace(*UNIT_DOMAIN, 1001))) > 2.0 * np.ptp(points.y):
        problems.append(f"[overfitting] seed = {o.seed}: the degree-{top} fit does not swing wildly between the "
                        "points as chapter 4 says; try another seed")
    lower = [d for d in o.degrees if d < top]
    errors = {d: float(np.mean((fit_mle(points.x, points.y, d, UNIT_DOMAIN)(fresh.x) - fresh.y) ** 2))
              for d in o.degrees}
    if not lower or not errors[top] > 3.0 * min(errors[d] for d in lower):
        problems.append(f"[overfitting] fresh_seed = {o.fresh_seed}: chapter 4 says the fresh points fall far from "
                        f"the degree-{top} fit (3 times the best lower degree's error); try another fresh_seed "
                        "or add a lower degree")
    return problems


def _source_noise(story: Story) -> list[str]:
    from mathcore.datasets import smooth_source

    problems = []
    for section, key in (("overfitting", "[overfitting] seed"), ("fresh", "[overfitting] fresh_seed"),
                         ("playground", "[playground] seed")):
        data = _noisy(story, section)
        if not np.all(np.abs(data.y - smooth_source(data.x)) < 4 * data.meta["noise"]):
            problems.append(f"{key}: a point lies more than 4 noise from the smooth curve it is said to sample; "
                            "try another seed")
    return problems


def _playground(story: Story) -> list[str]:
    from mathcore.parameters import UNIT_DOMAIN
    from mathcore.polynomial import fit_mle, fit_ridge

    g = story.playground
    high = [d for d in g.degrees if d >= 10]
    if not high:
        return [f"[playground] degrees = {list(g.degrees)}: chapter 9 shows the MLE going wild from degree 10; "
                "include a degree of 10 or more"]
    data = _noisy(story, "playground")
    problems = []
    dragged = data.with_point(g.drag_index, data.x[g.drag_index], g.drag_to)
    for after, d, points in [*((False, d, data) for d in high), (True, max(g.degrees), dragged)]:
        lo, hi = float(points.y.min()), float(points.y.max())
        span = hi - lo
        plotted = np.linspace(*UNIT_DOMAIN, 2001)
        between = np.linspace(points.x.min(), points.x.max(), 2001)
        mle = fit_mle(points.x, points.y, d, UNIT_DOMAIN)(plotted)
        if not max(lo - mle.min(), mle.max() - hi) > span:
            key = "drag_to" if after else "seed"
            problems.append(f"[playground] {key}: the degree-{d} MLE{' after the drag' if after else ''} stays "
                            f"within the data's range, but chapter 9 says it goes wild; try another {key}")
        ridge = fit_ridge(points.x, points.y, d, g.lam, UNIT_DOMAIN)
        margin = 0.05 * span if after else 0.0
        inside, edges = ridge(between), ridge(plotted)
        if not np.all((inside >= lo - margin) & (inside <= hi + margin)) or not np.all(
                (edges >= lo - 0.15 * span) & (edges <= hi + 0.15 * span)):
            problems.append(f"[playground] lambda = {g.lam:g}: the degree-{d} ridge fit"
                            f"{' after the drag' if after else ''} leaves the data's range, but chapter 9 says it "
                            "stays tame; raise lambda")
    return problems


def _sparsity(story: Story) -> list[str]:
    from mathcore.posterior import map_slope
    from mathcore.sparsity import laplace_map_slope, laplace_scale_matching_variance

    x, y, sxy, _, _ = _line(story)
    sn = story.line.sigma_n
    wide, tight = story.sparsity.sigmas
    key = f"[sparsity] sigmas = {[wide, tight]}"
    problems = []
    for sigma in (wide, tight):
        gaussian = map_slope(x, y, sn, sigma)
        if gaussian == 0.0 or math.copysign(1, gaussian) != math.copysign(1, sxy):
            problems.append(f"{key}: chapter 10 says the Gaussian MAP only approaches zero, but at sigma = {sigma:g} "
                            f"it is {gaussian:g}; raise that sigma")
    zero_below = math.sqrt(2.0) * sn**2 / abs(sxy) if sxy else math.inf
    if laplace_map_slope(x, y, sn, laplace_scale_matching_variance(wide)) == 0.0:
        problems.append(f"{key}: the Laplace MAP must start away from zero, but at the wide sigma it is already 0; "
                        f"raise sigmas[0] above {zero_below:.4g}")
    if laplace_map_slope(x, y, sn, laplace_scale_matching_variance(tight)) != 0.0:
        problems.append(f"{key}: chapter 10 says the Laplace MAP reaches exactly zero, but at the tight sigma it "
                        f"does not; lower sigmas[1] to {zero_below:.4g} or less")
    return problems


def _line_drag(story: Story) -> list[str]:
    from mathcore.likelihood import mle_slope

    x, y, _, _, before = _line(story)
    line = story.line
    dragged = y.copy()
    dragged[line.drag_index] = line.drag_to
    after = mle_slope(x, dragged)
    low, high = line.w_range
    problems = []
    if not abs(after - before) > 0.01 * (high - low):
        problems.append(f"[line] drag_to = {line.drag_to:g}: chapter 3's drag moves the MLE only from {before:.4g} "
                        f"to {after:.4g}; drag further (change drag_to)")
    if not _inside(story, after):
        problems.append(f"[line] drag_to = {line.drag_to:g}: the dragged MLE {after:.4g} leaves w_range; drag less")
    if np.all(y > 0) and not line.drag_to > 0:
        problems.append(f"[line] drag_to = {line.drag_to:g}: the data are all positive, the dragged point must be too")
    return problems


def _descent(story: Story) -> list[str]:
    from mathcore.objectives import descent_path
    from mathcore.posterior import map_slope

    x, y, _, _, _ = _line(story)
    d, sn, sigma = story.descent, story.line.sigma_n, story.prior.sigma_start
    path = descent_path(x, y, sn, sigma, d.start, d.rate, d.steps)
    gaps = map_slope(x, y, sn, sigma) - path
    problems = []
    if not (np.all(gaps > 0) or np.all(gaps < 0)) or not np.all(np.diff(np.abs(gaps)) < 0):
        problems.append(f"[descent] rate = {d.rate:g}: chapter 7's walk must go steadily downhill without "
                        "overshooting the minimum; lower rate")
    elif not abs(gaps[-1]) < 0.1 * abs(gaps[0]):
        problems.append(f"[descent] steps = {d.steps}: chapter 7's walk ends {abs(gaps[-1]):.3g} from the MAP, "
                        "more than a tenth of the way; raise steps or rate")
    if not np.all([_inside(story, float(w)) for w in path]):
        problems.append(f"[descent] start = {d.start:g}: the walk leaves [line] w_range; start inside it")
    return problems


def _zoom(story: Story) -> list[str]:
    _, _, _, _, mle = _line(story)
    start = story.descent.start
    if start * mle <= 0:
        return [f"[descent] start = {start:g}: chapter 7's walk must start on the MLE's side of 0 (the MLE is "
                f"{mle:.4g}) so that the loss plot (w from 0 towards the MLE) holds it"]
    return []


_CLAIMS = (_tried_slopes, _priors, _ridge_sweep, _overfitting, _source_noise, _playground, _sparsity, _line_drag,
           _descent, _zoom)


def claims_problems(story: Story) -> list[str]:
    """One line per claim of the narration that the story's numbers break, each naming the key to change."""
    if not isinstance(story, Story):
        raise _fail("story", "a Story (from load_story)", story)
    problems = []
    for claim in _CLAIMS:
        try:
            problems += claim(story)
        except ValueError as exc:
            problems.append(f"{claim.__name__.strip('_').replace('_', ' ')}: cannot be computed ({exc})")
    return [f"story {story.source}: {problem}" for problem in problems]
