"""The story file (mathcore/story.py): the shipped story holds today's numbers, bad stories are stopped by
``mle2map check`` with one line naming the key, and a CSV story loads the same points."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mathcore import parameters as P
from mathcore.datasets import five_noisy_points, fresh_points, house_prices, polynomial_playground
from mathcore.story import claims_problems, load_story
from production import cli
from production.config import ROOT
from production.rendering import renderer

SHIPPED = ROOT / "stories" / "house-prices" / "story.toml"
SIZES = [0.8, 1.0, 1.3, 1.6, 2.0, 2.4]
#: The values mathcore/parameters.py held as literals before the story file, by constant.
TODAY = {
    "SIGMA_N": 1.5, "TRUE_SLOPE": 2.0, "TRY_SLOPES": (0.5, 5.0, 2.0), "DRAG_INDEX": 5, "DRAG_PRICE": 2.0,
    "SIGMA_START": 1.0, "SIGMA_MIN": 0.3, "SIGMA_MAX": 4.0, "W_RANGE": (-5.0, 5.0), "W_SAMPLES": 601,
    "LAMBDA_SWEEP": (0.5, 2.25, 10.0, 25.0), "OVERFIT_DEGREES": (1, 2, 3, 4), "PLAYGROUND_DEGREES": (3, 6, 8, 10, 11),
    "PLAYGROUND_LAMBDA": 0.1, "PLAYGROUND_DRAG": (6, 1.4), "UNIT_DOMAIN": (0.0, 1.0), "MAX_DEGREE": 15,
    "SPARSITY_SIGMAS": (1.0, 0.05), "ELASTIC_MIX": 0.5, "DESCENT_START": 3.8, "DESCENT_RATE": 0.05,
    "DESCENT_STEPS": 7, "DOLLARS_PER_SQFT_PER_W": 100.0,
}


def todays_houses() -> np.ndarray:
    """The prices datasets.house_prices(seed=33) drew before the story file: 2 x + N(0, 1.5^2)."""
    return 2.0 * np.array(SIZES) + np.random.default_rng(33).normal(0.0, 1.5, len(SIZES))


def story_text(*edits: tuple[str, str]) -> str:
    text = SHIPPED.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"the shipped story no longer holds {old!r} exactly once"
        text = text.replace(old, new)
    return text


def write_story(folder: Path, *edits: tuple[str, str]) -> Path:
    path = folder / "story.toml"
    path.write_text(story_text(*edits), encoding="utf-8")
    return path


def test_the_shipped_story_holds_todays_numbers():
    story = load_story(SHIPPED)
    line = story.line
    assert (line.x, line.sigma_n, line.true_slope, line.try_slopes) == (tuple(SIZES), 1.5, 2.0, (0.5, 5.0, 2.0))
    np.testing.assert_array_equal(line.y, todays_houses())  # the exact floats, bit for bit
    assert (line.drag_index, line.drag_to, line.w_range) == (5, 2.0, (-5.0, 5.0))
    assert (line.name, line.x_label, line.y_label) == ("house prices", "size (1000 sq ft)", "price ($100k)")
    assert (story.prior.sigma_start, story.prior.sigma_min, story.prior.sigma_max) == (1.0, 0.3, 4.0)
    assert (story.descent.start, story.descent.rate, story.descent.steps) == (3.8, 0.05, 7)
    assert story.ridge.lambda_sweep == (0.5, 2.25, 10.0, 25.0)
    o, g = story.overfitting, story.playground
    assert (o.seed, o.points, o.noise, o.degrees, o.fresh_seed, o.fresh_points) == (3, 5, 0.25, (1, 2, 3, 4), 11, 6)
    assert (g.seed, g.points, g.noise, g.degrees, g.lam) == (1, 12, 0.25, (3, 6, 8, 10, 11), 0.1)
    assert (g.drag_index, g.drag_to) == (6, 1.4)
    assert (story.sparsity.sigmas, story.sparsity.elastic_mix) == ((1.0, 0.05), 0.5)
    assert story.files == (str(SHIPPED),)


def test_the_shipped_words_are_todays_narration_and_readout():
    w = load_story(SHIPPED).words
    assert (w.item, w.items, w.sample, w.samples, w.y_plural, w.y_most) == (
        "house", "houses", "sale", "sales", "prices", "priciest")
    assert (w.x_words, w.y_words) == ("thousands of square feet", "hundreds of thousands of dollars")
    assert (w.slope_scale, w.slope_prefix, w.slope_unit, w.slope_symbol, w.slope_decimals) == (
        100.0, "$", "per square foot", "per sq ft", 0)
    assert w.slope_value(2.0) == P.dollars_per_sqft(2.0) == 200.0


def test_the_slope_scale_reaches_the_dollar_readout(tmp_path):
    story = write_story(tmp_path, ("slope_scale = 100.0", "slope_scale = 2.5"), ('slope_symbol = "per sq ft"',
                                                                               'slope_symbol = "pts/h"'))
    code = "from mathcore import parameters as P; print(P.dollars_per_sqft(2.0), P.STORY.words.slope_symbol)"
    env = {**os.environ, "MLE2MAP_STORY": str(story)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["5.0", "pts/h"]


def test_the_module_constants_and_data_sets_are_todays():
    for name, value in TODAY.items():
        assert getattr(P, name) == value and type(getattr(P, name)) is type(value), name
    houses = house_prices()
    np.testing.assert_array_equal(houses.x, SIZES)
    np.testing.assert_array_equal(houses.y, todays_houses())
    assert (houses.name, houses.x_label, houses.y_label, houses.meta) == (
        "house prices", "size (1000 sq ft)", "price ($100k)", {"sigma_n": 1.5})
    for data, n, seed in ((five_noisy_points(), 5, 3), (fresh_points(), 6, 11), (polynomial_playground(), 12, 1)):
        rng = np.random.default_rng(seed)  # today's generator, written out: even spacing, jitter, noise 0.25
        spacing = 0.84 / (n - 1)
        x = np.linspace(0.08, 0.92, n) + rng.uniform(-0.3 * spacing, 0.3 * spacing, n)
        np.testing.assert_array_equal(data.x, x)
        np.testing.assert_array_equal(data.y, np.sin(2.0 * np.pi * 0.8 * x) + 0.5 * x + rng.normal(0.0, 0.25, n))


def test_the_shipped_story_keeps_every_claim_of_the_narration():
    assert claims_problems(load_story(SHIPPED)) == []


@pytest.fixture
def no_render(monkeypatch, tmp_path):
    monkeypatch.setattr(renderer.Renderer, "render", lambda *a, **k: pytest.fail("nothing may render"))
    monkeypatch.setattr(cli, "MEDIA", tmp_path / "media")


def test_check_rejects_a_sigma_range_that_breaks_the_narration(tmp_path, monkeypatch, no_render, capsys):
    story = write_story(tmp_path, ("sigma_min = 0.3 ", "sigma_min = 2.5 "), ("sigma_start = 1.0", "sigma_start = 3.0"))
    monkeypatch.setenv("MLE2MAP_STORY", str(story))
    assert cli.main(["check"]) == 2
    problems = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  problem  story: ")]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"  problem  story: {story}: [prior] sigma_min = 2.5: ")
    assert "lower sigma_min below 0.379" in problems[0]
    assert cli.main(["render", "--quality", "preview", "--no-voice"]) == 2  # every command stops on it
    assert "[prior] sigma_min = 2.5" in capsys.readouterr().err


@pytest.mark.parametrize(("edits", "key"), [
    ((("sigma_max = 4.0", "sigma_max = 1.2"),), "[prior] sigma_max = 1.2: "),  # the MAP stays 9% off the MLE
    ((("sigmas = [1.0, 0.05]", "sigmas = [1.0, 0.5]"),), "[sparsity] sigmas = [1.0, 0.5]: "),  # Laplace MAP not 0
    ((("degrees = [1, 2, 3, 4]", "degrees = [1, 2, 3]"),), "[overfitting] degrees = [1, 2, 3]: "),
    ((("degrees = [3, 6, 8, 10, 11]", "degrees = [3, 6, 8]"),), "[playground] degrees = [3, 6, 8]: "),
    ((("try_slopes = [0.5, 5.0, 2.0]", "try_slopes = [1.5, 5.0, 2.0]"),), "[line] try_slopes = [1.5, 5.0, 2.0]: "),
    ((("rate = 0.05", "rate = 0.5"),), "[descent] rate = 0.5: "),  # the walk overshoots
    ((("lambda = 0.1", "lambda = 0.000001"),), "[playground] lambda = 1e-06: "),
    ((("start = 3.8", "start = -3.8"),), "[descent] start = -3.8: chapter 7's walk must start on the MLE's side"),
])
def test_each_broken_claim_names_the_key_to_change(tmp_path, edits, key):
    story = load_story(write_story(tmp_path, *edits))
    problems = claims_problems(story)
    assert problems and all(p.startswith(f"story {story.source}: ") and "\n" not in p for p in problems)
    assert any(key in p for p in problems), problems


@pytest.mark.parametrize(("old", "new", "says"), [
    ("steps = 7", 'steps = "7"', "[descent] steps must be an integer from 1 to 1000, got '7'"),
    ("sigma_n = 1.5", "sigma_n = -1.5", "[line] sigma_n must be a finite number > 0, got -1.5"),
    ("sigma_min = 0.3 ", "sigma_min = 2.5 ", "[prior] sigma_min must be below sigma_start (1), got 2.5"),
    ("sigma_max = 4.0", "sigma_max = 0.5", "[prior] sigma_max must be above sigma_start (1), got 0.5"),
    ("drag_index = 5", "drag_index = 6", "[line] drag_index must be an integer from 0 to 5, got 6"),
    ("lambda_sweep = [0.5, 2.25, 10.0, 25.0]", "lambda_sweep = [0.5, 25.0, 10.0]",
     "[ridge] lambda_sweep must be increasing, got [0.5, 25.0, 10.0]"),
    ("lambda_sweep = [0.5, 2.25, 10.0, 25.0]", "lambda_sweep = [0.0, 2.25]",
     "[ridge] lambda_sweep[0] must be a finite number > 0, got 0.0"),
    ("degrees = [3, 6, 8, 10, 11]", "degrees = [3, 6, 8, 10, 16]",
     "[playground] degrees[4] must be an integer from 0 to 15, got 16"),
    ("degrees = [1, 2, 3, 4]", "degrees = [1, 2, 3, 4, 5]",
     "[overfitting] degrees must be at most points - 1 = 4 (one MLE per degree), got [1, 2, 3, 4, 5]"),
    ("elastic_mix = 0.5", "elastic_mix = 1.5", "[sparsity] elastic_mix must be a number from 0 to 1, got 1.5"),
    ("sigmas = [1.0, 0.05]", "sigmas = [0.05, 1.0]", "[sparsity] sigmas must be [wide, tight] with tight < wide"),
    ("w_range = [-5.0, 5.0]", "w_range = [5.0, -5.0]", "[line] w_range must be [low, high] with high > low"),
    ("x = [0.8, 1.0", "x = [1.0", "[line] x and y must have the same length, got 5 and 6"),
    ("rate = 0.05", "rate = 0.05\nspeed = 2", "[descent] speed: unknown key; the keys are start, rate, steps"),
    ("start = 3.8\n", "", "[descent] start is missing; add it"),
    ("[sparsity]", "[sparsity_]", "[sparsity_]: unknown section; the sections are line, prior"),
    ("true_slope = 2.0", "true_slope = 2.0.0", "not valid TOML"),
    ("x = [0.8", 'csv = "houses.csv"\nx = [0.8', "[line] csv: give either csv or x and y, not both"),
    ('item = "house"', 'item = ""', "[words] item must be words, not empty, on one line, without { } < >, got ''"),
    ('items = "houses"', 'items = "{houses}"', "[words] items must be words, not empty, on one line"),
    ('y_most = "priciest"', 'y_most = 3', "[words] y_most must be a string, got 3"),
    ("slope_scale = 100.0", "slope_scale = 0", "[words] slope_scale must be a finite number > 0, got 0"),
    ("slope_decimals = 0", "slope_decimals = 1.5", "[words] slope_decimals must be an integer from 0 to 6, got 1.5"),
    ('slope_unit = "per square foot"', 'slope_unit = "per <b>foot"', "[words] slope_unit must be words, not empty"),
    ('sample = "sale"         # one', 'samples_ = "sale"  # one', "[words] samples_: unknown key; the keys are item"),
    ('slope_symbol = "per sq ft"', "", "[words] slope_symbol is missing; add it"),
])
def test_a_bad_value_is_one_line_naming_the_file_and_key(tmp_path, old, new, says):
    path = write_story(tmp_path, (old, new))
    with pytest.raises(ValueError) as err:
        load_story(path)
    message = str(err.value)
    assert message.startswith(f"story {path}: ") and says in message and "\n" not in message, message


def test_a_missing_story_or_csv_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"^path '.*nowhere\.toml' does not exist or is not a file"):
        load_story(tmp_path / "nowhere.toml")
    text = story_text()
    start, end = text.index("x = [0.8"), text.index("true_slope")
    path = tmp_path / "story.toml"
    path.write_text(text[:start] + 'csv = "houses.csv"\n' + text[end:], encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[line\] csv = 'houses.csv': csv path '.*houses\.csv' does not exist"):
        load_story(path)


def test_a_story_with_its_points_in_a_csv_loads_the_same_numbers(tmp_path):
    shipped = load_story(SHIPPED)
    text = story_text()
    start, end = text.index("x = [0.8"), text.index("true_slope")
    path = tmp_path / "story.toml"
    path.write_text(text[:start] + 'csv = "houses.csv"\n' + text[end:], encoding="utf-8")
    rows = "".join(f"{x!r},{y!r}\n" for x, y in zip(SIZES, todays_houses().tolist(), strict=True))
    (tmp_path / "houses.csv").write_text("x,y\n" + rows, encoding="utf-8")
    story = load_story(path)
    assert story.line.x == shipped.line.x and story.line.y == shipped.line.y
    assert story.files == (str(path), str(tmp_path / "houses.csv"))
    assert claims_problems(story) == []


def test_mle2map_story_selects_the_story_the_module_constants_come_from(tmp_path):
    story = write_story(tmp_path, ("sigma_min = 0.3 ", "sigma_min = 0.2 "), ("elastic_mix = 0.5", "elastic_mix = 0.25"))
    code = "from mathcore import parameters as P; print(P.SIGMA_MIN, P.ELASTIC_MIX, P.STORY.source)"
    env = {**os.environ, "MLE2MAP_STORY": str(story)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0.2", "0.25", str(story)]


def test_the_unit_after_a_slope_of_one_is_singular_when_the_story_says_so(tmp_path):
    """"w = 1, 1 point per hour" in chapter 2 of the example, not "1 points per hour"; a story without
    slope_unit_one (the shipped one) says slope_unit after every value."""
    from mathcore.narrated import narrated_values
    from scenes.narration import load_script

    example = load_story(ROOT / "examples" / "hours-studied" / "story.toml")
    assert example.words.slope_unit_one == "point per hour"
    assert [example.words.unit_after(v) for v in (1.0, 4.0, 0.5)] == ["point per hour"] + ["points per hour"] * 2
    too_low = load_script("ch02_fitting_a_line", story=example)["too_low"]
    assert "1 point per hour" in too_low and "1 points" not in too_low, too_low
    shipped = load_story(SHIPPED)
    assert shipped.words.slope_unit_one == shipped.words.slope_unit == "per square foot"
    assert narrated_values(shipped)["try_low_unit"] == "per square foot"
    one = load_story(write_story(tmp_path, ("slope_scale = 100.0", "slope_scale = 2.0")))
    assert narrated_values(one)["try_low_unit"] == "per square foot"  # 0.5 x 2 = 1, no singular given
