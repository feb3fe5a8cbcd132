"""The second story renders (issue #15): chapter 6 of examples/hours-studied at preview quality, silent, through the
production renderer with that story's settings, checked against mathcore computed from the story file.

The readouts the chapter shows (MLE, MAP at the tight and the wide prior, MAP/MLE) must be the example's numbers,
not the shipped story's, so the story reached the worker; the file must be what the preview preset promises and sit
in the story's own folder. One render, about a minute on two cores.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from mathcore.likelihood import mle_slope
from mathcore.posterior import map_slope, shrinkage_factor
from mathcore.story import SHIPPED_STORY, STORY_ENV, load_story
from production.config import ROOT
from production.probe import frame_count_and_rate, probe
from production.quality import preset
from production.rendering import cache
from production.rendering.jobs import ChapterJob
from production.rendering.renderer import Renderer, RenderSettings
from tests.fixtures.story_readouts import READOUTS_ENV

pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "examples" / "hours-studied" / "story.toml"
QUALITY = preset("preview")
JOB = ChapterJob(6, "ch06_posterior", "RecordedPosterior", "Posterior", "tests.fixtures.story_readouts",
                 ROOT / "tests" / "fixtures" / "story_readouts.py", ROOT / "scenes" / "narration" / "ch06_posterior.md")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    media, readouts = tmp_path_factory.mktemp("media"), tmp_path_factory.mktemp("readouts") / "rows.jsonl"
    patch = pytest.MonkeyPatch()
    patch.delenv(STORY_ENV, raising=False)  # the settings alone must carry the story to the worker
    patch.setenv(READOUTS_ENV, str(readouts))
    log: list[str] = []
    try:
        settings = RenderSettings(QUALITY, "none", "dark", story=str(EXAMPLE))
        [render] = Renderer(settings, media, 1, out=log.append).render([JOB])
    finally:
        patch.undo()
    rows = [json.loads(line) for line in readouts.read_text(encoding="utf-8").splitlines()]
    return render, {row["beat"]: row for row in rows}, media


def test_readouts_are_the_example_storys_numbers(rendered):
    _, beats, _ = rendered
    story = load_story(EXAMPLE)
    x, y, sn = np.array(story.line.x), np.array(story.line.y), story.line.sigma_n
    mle = mle_slope(x, y)
    assert {"sigma_tight", "sigma_wide"} <= set(beats)
    assert beats["sigma_tight"]["sigma"] == pytest.approx(story.prior.sigma_min)
    assert beats["sigma_wide"]["sigma"] == pytest.approx(story.prior.sigma_max)
    for beat, row in beats.items():
        sigma, places = row["sigma"], row["decimals"]
        assert row["on_screen"] == ["mle", "map", "ratio"], beat
        assert row["shown_mle"] == round(mle, places), beat
        assert row["shown_map"] == round(map_slope(x, y, sn, sigma), places), beat
        assert row["shown_ratio"] == round(shrinkage_factor(x, sn, sigma), places), beat
    shipped = load_story(ROOT / SHIPPED_STORY)
    assert beats["sigma_wide"]["mle"] != pytest.approx(mle_slope(np.array(shipped.line.x), np.array(shipped.line.y)))
    assert beats["sigma_tight"]["map"] / mle <= 0.5  # the claim chapter 6 narrates, on the example's numbers


def test_the_file_is_a_preview_render_in_the_storys_folder(rendered):
    render, _, media = rendered
    assert render.video == media / "render" / "hours-studied" / "preview" / "ch06_posterior.mp4"
    assert not (media / "render" / "preview").exists()
    info = probe(render.video)
    video = [s for s in info["streams"] if s["codec_type"] == "video"]
    assert len(video) == 1 and (video[0]["width"], video[0]["height"]) == (QUALITY.width, QUALITY.height)
    assert video[0]["codec_name"] == "h264" and Fraction(video[0]["r_frame_rate"]) == QUALITY.fps
    frames, rate = frame_count_and_rate(render.video)
    entry = cache.Manifest.from_file(media / "render" / "hours-studied" / "manifest.json").entry("preview", JOB.slug)
    assert entry is not None and (entry.frames, entry.fps) == (frames, float(rate)) == (render.frames, render.fps)
    assert abs(float(info["format"]["duration"]) - frames / QUALITY.fps) <= 1 / QUALITY.fps
    assert render.wav is None and frames / QUALITY.fps > 20  # silent, and the whole chapter
