"""One real chapter, rendered silently at preview quality, meets #12's pacing targets under ffmpeg freezedetect.

ch07 (the algebra) had the longest still of the video (10 s) and its lower half empty for most of the chapter;
it is the chapter most at risk of freezing again while the voice goes on.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from production.bench import pacing
from production.config import ROOT
from production.quality import preset

CHAPTER, SCENE = "ch07_algebra", "AlgebraScene"


@pytest.fixture(scope="module")
def render(tmp_path_factory):
    out = tmp_path_factory.mktemp("pacing")
    q = preset("preview")
    env = {**os.environ, "MLE2MAP_VOICE": "none"}
    cmd = [sys.executable, "-m", "manim", "render", "--media_dir", str(out), "-r", f"{q.width},{q.height}",
           "--fps", str(q.fps), "--disable_caching", "--progress_bar", "none", "-v", "ERROR", "-o", CHAPTER,
           str(ROOT / "scenes" / f"{CHAPTER}.py"), SCENE]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, timeout=600)
    return next(p for p in out.rglob(f"{CHAPTER}.mp4") if "partial" not in p.parts)


def test_chapter_meets_the_pacing_targets(render):
    measured = pacing.measure(render)
    assert measured.runtime > 30, "the render is too short to be the chapter"
    assert pacing.check(measured, **pacing.card_exemptions(CHAPTER)) == []
    assert measured.share <= pacing.MAX_SHARE and measured.longest <= pacing.MAX_STILL
