"""Contact sheet: each chapter's still is the last frame of its scene's ``contact_beat``."""

import subprocess
from pathlib import Path

import pytest
from PIL import Image

from production.packaging.contact import TILE_H, TILE_W, beat_end_time, contact_beat, contact_sheet
from production.rendering.jobs import ChapterJob
from production.rendering.renderer import ChapterRender
from scenes.chapters import CHAPTERS
from scenes.narration import load_script

SCRIPT = "## first\nThe first beat says this.\n\n## second\nThen the second beat follows on.\n"
SUBTITLES = """1
00:00:00,000 --> 00:00:01,200
The first beat says this.

2
00:00:01,500 --> 00:00:02,000
Then the second beat

3
00:00:02,100 --> 00:00:02,600
follows on.
"""


def test_every_chapter_names_one_of_its_beats():
    for chapter in CHAPTERS:
        beat = contact_beat(chapter.path, chapter.scene)
        assert beat in load_script(chapter.slug), chapter.slug


def test_contact_beat_is_read_from_the_named_class_only(tmp_path):
    source = tmp_path / "scene.py"
    source.write_text('class Other:\n    contact_beat = "x"\n\nclass Wanted:\n    contact_beat: str = "y"\n'
                      'class Bare:\n    pass\n')
    assert contact_beat(source, "Wanted") == "y"
    assert contact_beat(source, "Other") == "x"
    assert contact_beat(source, "Bare") is None


def test_beat_end_is_the_next_beats_first_subtitle_or_the_last_narration(tmp_path):
    subtitles = tmp_path / "c.srt"
    subtitles.write_text(SUBTITLES)
    (tmp_path / "c.md").write_text(SCRIPT)
    script = load_script("c", tmp_path)
    assert beat_end_time(subtitles, script, "first") == pytest.approx(1.5)
    assert beat_end_time(subtitles, script, "second") == pytest.approx(2.6)
    with pytest.raises(ValueError, match="beat must be one of first, second"):
        beat_end_time(subtitles, script, "third")
    edited = dict(script, second="Words that were never rendered.")
    assert beat_end_time(subtitles, edited, "first") is None
    marked = dict(script, second='<bookmark mark="go"/>Then the second <bookmark mark="on"/>beat follows on.')
    assert beat_end_time(subtitles, marked, "first") == pytest.approx(1.5)  # bookmarks are not words on screen
    assert beat_end_time(subtitles, marked, "second") == pytest.approx(2.6)


def test_sheet_takes_the_frame_at_the_contact_beat_end(tmp_path):
    """A 3 s clip: red while the first beat runs (to 1.5 s), then blue; the still must be red, although the
    fallback fraction (0.6 of 3 s) would land in the blue part."""
    video = tmp_path / "c.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=320x180:r=10:d=1.5",
                    "-f", "lavfi", "-i", "color=c=blue:s=320x180:r=10:d=1.5", "-filter_complex",
                    "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-pix_fmt", "yuv420p", str(video)], check=True)
    (tmp_path / "c.srt").write_text(SUBTITLES)
    (tmp_path / "c.md").write_text(SCRIPT)
    source = tmp_path / "c.py"
    source.write_text('class CScene:\n    contact_beat = "first"\n')
    job = ChapterJob(1, "c", "CScene", "Test chapter", "c", source, tmp_path / "c.md")
    render = ChapterRender(job, "k", video, tmp_path / "c.srt", None, 30, 10.0, 0.0, False)
    out = contact_sheet([render], tmp_path / "sheet.png")
    with Image.open(out) as sheet:
        assert sheet.size[0] == TILE_W
        r, g, b = sheet.convert("RGB").getpixel((TILE_W // 2, TILE_H // 2))
    assert r > 200 and b < 60, (r, g, b)
    assert not list(Path(tmp_path).glob(".*.tmp.png"))
