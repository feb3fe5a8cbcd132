"""The axes of the chapters that plot the story's points (ch02, ch03) follow its data: for the shipped story and
for tests/fixtures/axes_story.toml (negative x, y in the thousands, a dozen points) every beat end passes the
layout checks, the dots lie inside the ranges, no tick label overlaps another, an axis name or other words, and
the names are the story's. Each story runs in a child process, since mathcore.parameters reads MLE2MAP_STORY at
import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "axes_story.toml"
#: Two boxes closer than this (scene units) count as touching.
GAP = 0.02


def _box(mob) -> tuple[float, float, float, float]:
    (left, bottom, _), (right, top, _) = mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])
    return left, bottom, right, top


def _overlap(a, b) -> bool:
    return a[0] < b[2] + GAP and b[0] < a[2] + GAP and a[1] < b[3] + GAP and b[1] < a[3] + GAP


def _shown(mob) -> bool:
    parts = [m for m in mob.family_members_with_points()]
    return any(np.max(m.get_fill_opacities(), initial=0) > 0.01 or np.max(m.get_stroke_opacities(), initial=0) > 0.01
               for m in parts)


def _ticks(plot) -> list[tuple[str, object]]:
    marks = []
    for name, axis in (("x", plot.axes.x_axis), ("y", plot.axes.y_axis)):
        numbers = getattr(axis, "numbers", None)
        if numbers is not None and numbers in axis.submobjects:
            marks += [(f"{name} tick {n.get_value():g}", n) for n in numbers if _shown(n)]
    return marks


def axes_problems(plot, others=()) -> list[str]:
    """Tick labels of a LabeledAxes that overlap each other, its axis names or ``others`` (texts off the plot)."""
    ticks = _ticks(plot)
    marks = ticks + [(f"{name} name", m) for name, m in (("x", plot.x_label), ("y", plot.y_label))
              if m is not None and _shown(m)]
    clashes = [f"{a} overlaps {b}" for (a, ma), (b, mb) in combinations(marks, 2) if _overlap(_box(ma), _box(mb))]
    return clashes + [f"{a} overlaps {type(m).__name__} {getattr(m, 'original_text', '')!r}" for a, ma in ticks
                      for m in others if _overlap(_box(ma), _box(m))]


def texts_off(scene, plots) -> list:
    """The words and numbers on screen that are no part of ``plots``."""
    from manim import DecimalNumber, SingleStringMathTex, Text

    inside = {id(m) for plot in plots for m in plot.get_family()}
    return [m for top in scene.mobjects for m in top.get_family()
            if isinstance(m, Text | SingleStringMathTex | DecimalNumber) and id(m) not in inside and _shown(m)]


def _story_run(full: bool) -> dict[str, dict]:
    """In the child: ch02 and ch03 rendered silently, what their axes show at every beat end (``full``, with the
    layout checked there by run_scene) or at the end of the first beat, which draws them (they stay as drawn)."""
    from mathcore import parameters as P
    from scenes.ch02_fitting_a_line import FittingLineScene
    from scenes.ch03_likelihood import LikelihoodScene
    from scenes.parts import LabeledAxes
    from tests.scene_harness import frame_at_beat, run_scene

    def probe(scene, beat):
        plots = [m for top in scene.mobjects for m in top.get_family() if isinstance(m, LabeledAxes)]
        data = scene.plot if hasattr(scene, "plot") else scene.top
        axes = data.axes
        others = texts_off(scene, plots)
        return {"problems": [p for plot in plots for p in axes_problems(plot, others)],
                "x_range": [float(v) for v in axes.x_range], "y_range": [float(v) for v in axes.y_range],
                "x_name": data.x_label.original_text, "y_name": data.y_label.original_text,
                "x_ticks": len(axes.x_axis.get_tick_range()), "y_ticks": len(axes.y_axis.get_tick_range()),
                "dots": [[float(c) for c in axes.p2c(d.get_center())] for d in scene.dots]}

    out = {"story": {"x": list(P.STORY.line.x), "y": list(P.STORY.line.y), "drag_to": P.STORY.line.drag_to,
                     "x_label": P.STORY.line.x_label, "y_label": P.STORY.line.y_label}}
    with tempfile.TemporaryDirectory() as tmp:
        for cls, first in ((FittingLineScene, "scatter"), (LikelihoodScene, "noise_model")):
            if full:
                out[cls.chapter] = run_scene(cls, probe, Path(tmp))[1]
            else:
                out[cls.chapter] = {first: probe(frame_at_beat(cls, first, Path(tmp), 192, 108, 1)[0], first)}
    return out


def run_story(story: Path | None) -> dict[str, dict]:
    """_story_run in a child process with MLE2MAP_STORY naming ``story`` (None: the shipped story, every beat
    end only for another story: the shipped one's layout is checked by each chapter's own scene test)."""
    env = {k: v for k, v in os.environ.items() if k != "MLE2MAP_STORY"}
    if story is not None:
        env["MLE2MAP_STORY"] = str(story)
    code = ("import json; from tests.test_scene_axes_story import _story_run; "
            f"print(json.dumps(_story_run({story is not None})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module", params=["shipped", "fixture"])
def story(request):
    return request.param, run_story(None if request.param == "shipped" else FIXTURE)


def test_every_beat_end_has_uncrowded_axes_named_by_the_story(story):
    """Tick labels apart from each other, the axis names and every other text, the story's names, the dots
    inside, 4 to 7 ticks (and, for the fixture, the layout checks at every beat end passed in the child: run_scene
    asserts them)."""
    _, run = story
    line = run["story"]
    for chapter in ("ch02_fitting_a_line", "ch03_likelihood"):
        for beat, state in run[chapter].items():
            assert not state["problems"], f"{chapter} {beat}: " + "; ".join(state["problems"])
            assert (state["x_name"], state["y_name"]) == (line["x_label"], line["y_label"])
            (x0, x1, _), (y0, y1, _) = state["x_range"], state["y_range"]
            for x, y in state["dots"]:
                assert x0 < x < x1 and y0 < y < y1, (chapter, beat, x, y, state["x_range"], state["y_range"])
            assert 4 <= state["x_ticks"] <= 7 and 4 <= state["y_ticks"] <= 7, (chapter, beat, state)


def test_ranges_follow_the_data(story):
    """The shipped story keeps today's ranges; the fixture's negative x and y in the thousands are all shown."""
    name, run = story
    ranges = {c: (run[c]["scatter" if c.startswith("ch02") else "noise_model"]["x_range"],
                  run[c]["scatter" if c.startswith("ch02") else "noise_model"]["y_range"])
              for c in ("ch02_fitting_a_line", "ch03_likelihood")}
    if name == "shipped":
        assert ranges == {"ch02_fitting_a_line": ([0, 2.5, 0.5], [0, 12, 2]),
                          "ch03_likelihood": ([0, 2.5, 0.5], [0, 10, 2])}
        return
    x, y = run["story"]["x"], run["story"]["y"]
    for (x0, x1, _), (y0, y1, _) in ranges.values():
        assert x0 < min(x) < 0 < max(x) < x1 and y0 < min(y) < 0 < max(y) < y1
        assert x1 - x0 < 3 * (max(x) - min(x)) and y1 - y0 < 3 * (max(y) - min(y))


@pytest.mark.parametrize("story, unit", [("stories/house-prices/story.toml", "$100 per sq ft"),
                                         ("examples/hours-studied/story.toml", "points/h"),
                                         ("tests/fixtures/axes_story.toml", "L/s per mm")])
def test_the_w_axis_names_the_storys_slope_unit(story, unit):
    """ch06's w axis: 'w (slope, <one unit of w>)' from [words], the shipped story's words as before."""
    from mathcore.story import load_story
    from scenes.ch06_posterior import slope_unit

    words = load_story(ROOT / story).words
    assert slope_unit(words.slope_scale, words.slope_prefix, words.slope_symbol) == unit
