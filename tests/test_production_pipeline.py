"""End to end: three tiny chapters rendered in parallel, assembled, and checked with ffprobe and parsers.

The tests share one build (module fixture) and run in file order: the spec checks first, then the cache,
a changed chapter, and failures that must leave the previous files untouched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import time
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import srt
from PIL import Image

from production.config import ROOT, load_config
from production.packaging import encode
from production.packaging.assemble import Assembler
from production.packaging.thumbnail import make_thumbnail
from production.probe import frame_count_and_rate, probe, top_level_atoms
from production.quality import CRF, Quality
from production.rendering.renderer import Renderer, RenderError, RenderSettings
from tests.fixtures.jobs import tiny_jobs
from tests.fixtures.media_checks import coded_pictures, keyframe_indices, rgb, rgb_at, x264_options

pytestmark = pytest.mark.slow

QUALITY = Quality("test", 192, 108, 10, "veryfast")
SETTINGS = RenderSettings(QUALITY, "none", "dark")
# pinned, so edits elsewhere in the tree cannot change the keys
SHARED = [ROOT / "production" / "rendering" / "worker.py"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(env) -> tuple[list, object]:
    renders = Renderer(SETTINGS, env.media, 2, out=env.log.append, shared=SHARED).render(env.jobs)
    package = Assembler(SETTINGS, env.cfg, env.media, out=env.log.append, still=None).run(renders)
    return renders, package


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    jobs = tiny_jobs(tmp_path_factory.mktemp("narration"))
    state = SimpleNamespace(media=media, jobs=jobs, cfg=load_config(), log=[])
    state.renders, state.package = build(state)
    return state


def stream(info: dict, kind: str) -> dict:
    return next(s for s in info["streams"] if s["codec_type"] == kind)


def chapter_frames(env) -> list[int]:
    """Frame counts of the chapter files, measured independently of the pipeline's own bookkeeping."""
    return [frame_count_and_rate(env.media / "render" / "test" / f"{job.slug}.mp4")[0] for job in env.jobs]


def test_video_stream_meets_youtube_spec(env):
    info = probe(env.package.video, count_frames=True)
    v = stream(info, "video")
    assert (v["codec_name"], v["profile"], v["pix_fmt"]) == ("h264", "High", "yuv420p")
    assert (v["color_primaries"], v["color_transfer"], v["color_space"], v["color_range"]) == \
        ("bt709", "bt709", "bt709", "tv")
    assert v.get("field_order", "progressive") == "progressive"
    assert Fraction(v["r_frame_rate"]) == QUALITY.fps
    assert (v["width"], v["height"]) == (QUALITY.width, QUALITY.height)
    assert int(v["nb_read_packets"]) == sum(chapter_frames(env))
    expected = sum(chapter_frames(env)) / QUALITY.fps
    assert abs(float(v["duration"]) - expected) <= 1 / QUALITY.fps
    assert abs(float(info["format"]["duration"]) - expected) <= 1 / QUALITY.fps


def test_audio_stream_is_aac_lc_mono_48k_at_128k(env):
    info = probe(env.package.video)
    a = stream(info, "audio")
    assert (a["codec_name"], a["profile"], a["channels"], int(a["sample_rate"])) == ("aac", "LC", 1, 48000)
    assert int(a["bit_rate"]) <= 140_000  # (the tiny chapters are nearly silent: AAC spends far less there)
    assert abs(float(a["duration"]) - float(stream(info, "video")["duration"])) <= 1024 / 48000


def test_moov_before_mdat(env):
    atoms = top_level_atoms(env.package.video)
    assert atoms[0] == "ftyp"
    assert atoms.index("moov") < atoms.index("mdat")


def chapter_files(env) -> list[Path]:
    return [env.media / "render" / "test" / f"{job.slug}.mp4" for job in env.jobs]


def test_closed_gop_of_half_the_frame_rate(env):
    """A keyframe at every chapter start and at most fps/2 frames apart (exactly fps/2 within a partial movie)."""
    keys = keyframe_indices(env.package.video)
    frames, gop = sum(chapter_frames(env)), QUALITY.gop
    starts = np.cumsum([0] + chapter_frames(env)[:-1]).tolist()
    assert set(starts) <= set(keys)
    gaps = np.diff([*keys, frames])
    assert gaps.max() <= gop and gaps.min() >= 1
    assert np.count_nonzero(gaps == gop) >= len(gaps) - 2 * len(starts)  # short GOPs only where partials end
    opts = x264_options(env.package.video)
    assert (opts["open_gop"], opts["scenecut"], opts["bframes"], opts["keyint"]) == ("0", "0", "2", str(gop))


def test_constant_quality_under_youtubes_bitrate_no_filler(env):
    """CRF with a VBV cap at YouTube's recommended rate: flat frames cost far less than the cap (no filler)."""
    opts = x264_options(env.package.video)
    target, _ = QUALITY.bitrate
    assert (opts["rc"], float(opts["crf"])) == ("crf", float(CRF))
    assert int(opts["vbv_maxrate"]) == target // 1000 and opts["nal_hrd"] == "none" and opts["filler"] == "0"
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "packet=size", "-of", "csv=p=0", str(env.package.video)],
                         capture_output=True, text=True, check=True).stdout.split()
    seconds = sum(chapter_frames(env)) / QUALITY.fps
    assert 8 * sum(int(n) for n in out) / seconds < 0.5 * target


def test_video_is_a_stream_copy_of_the_chapter_files(env):
    """The delivery file's coded pictures are the chapter renders' bytes: each frame was encoded once."""
    joined, _ = coded_pictures(env.package.video)
    assert joined == [picture for path in chapter_files(env) for picture in coded_pictures(path)[0]]


def test_frames_evenly_timed_across_chapter_joins(env):
    """Constant frame rate: every presentation time is one frame after the last, none doubled or skipped."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time",
                          "-of", "csv=p=0", str(env.package.video)], capture_output=True, text=True, check=True)
    times = np.sort(np.array(out.stdout.split(), float))
    assert len(times) == sum(chapter_frames(env))
    np.testing.assert_allclose(times - times[0], np.arange(len(times)) / QUALITY.fps, atol=1e-4)
    assert abs(times[0]) < 1e-6


def _bt709_limited(hex_colour: str) -> np.ndarray:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return np.array([16 + 219 * y, 128 + 224 * (b - y) / 1.8556, 128 + 224 * (r - y) / 1.5748])


def _yuv_at(video: Path, seconds: float) -> np.ndarray:
    w, h = QUALITY.width, QUALITY.height
    raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", str(seconds), "-i", str(video), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"], capture_output=True, check=True).stdout
    y = np.frombuffer(raw[: w * h], np.uint8).reshape(h, w)
    u = np.frombuffer(raw[w * h: w * h * 5 // 4], np.uint8).reshape(h // 2, w // 2)
    v = np.frombuffer(raw[w * h * 5 // 4:], np.uint8).reshape(h // 2, w // 2)
    return np.array([y[h // 2, w // 8], u[h // 4, w // 16], v[h // 4, w // 16]], float)


def test_palette_colours_are_exact_in_bt709(env):
    duration_a = chapter_frames(env)[0] / QUALITY.fps
    np.testing.assert_allclose(_yuv_at(env.package.video, 5.0), _bt709_limited("#7F77DD"), atol=2.5)
    np.testing.assert_allclose(_yuv_at(env.package.video, duration_a + 5.0), _bt709_limited("#1D9E75"), atol=2.5)
    frame_b = chapter_frames(env)[0] + 5 * QUALITY.fps
    size = (QUALITY.width, QUALITY.height)
    np.testing.assert_allclose(rgb_at(env.package.video, frame_b, "bt709", *size, x=0.125), rgb("#1D9E75"), atol=3)
    assert np.abs(rgb_at(env.package.video, frame_b, "bt601", *size, x=0.125) - rgb("#1D9E75")).max() > 8


def _rms(video: Path, start: float, seconds: float) -> float:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", str(start), "-t", str(seconds), "-i", str(video), "-vn",
                          "-f", "f32le", "-ac", "2", "-ar", "48000", "-"], capture_output=True, check=True).stdout
    samples = np.frombuffer(raw, np.float32)
    return float(np.sqrt(np.mean(samples ** 2)))


def test_sound_where_the_chapter_has_it_and_silence_elsewhere(env):
    duration_a = chapter_frames(env)[0] / QUALITY.fps
    assert _rms(env.package.video, 0.2, 1.5) > 0.02  # chapter A's tone
    assert _rms(env.package.video, 3.0, 5.0) < 1e-3  # after the tone ends
    assert _rms(env.package.video, duration_a + 0.5, 5.0) < 1e-3  # chapter B: added silence


def test_chapter_lines_match_real_durations(env):
    lines = env.package.chapters.read_text(encoding="utf-8").splitlines()
    starts = np.cumsum([0] + chapter_frames(env)[:-1]) / QUALITY.fps
    expected = [f"{int(s) // 60}:{int(s) % 60:02d} {job.title}" for s, job in zip(starts, env.jobs, strict=True)]
    assert lines == expected
    assert lines[0].startswith("0:00 ")


def test_captions_are_offset_by_chapter_starts(env):
    if env.package.srt is None:
        pytest.skip("production.packaging.captions not available")
    cues = list(srt.parse(env.package.srt.read_text(encoding="utf-8")))
    starts = np.cumsum([0] + chapter_frames(env)[:-1]) / QUALITY.fps
    for letter, start in zip("ABC", starts, strict=True):
        cue = next(c for c in cues if f"Tiny{letter} begins" in c.content)
        assert abs(cue.start.total_seconds() - start) < 0.01
    assert env.package.vtt.read_text(encoding="utf-8").startswith("WEBVTT")


def test_description_and_thumbnail(env):
    text = env.package.description.read_text(encoding="utf-8")
    assert len(text.encode()) <= 5000
    assert text.startswith(env.cfg.title)
    assert env.package.chapters.read_text(encoding="utf-8").strip() in text
    with Image.open(env.package.thumbnail) as image:
        assert (image.format, image.size) == ("PNG", (1280, 720))
        assert np.asarray(image.convert("L")).std() > 1.0  # not an empty frame
    assert env.package.thumbnail.stat().st_size < 2 * 1024 * 1024


def test_thumbnail_from_a_still_scene(tmp_path):
    out = tmp_path / "thumb.png"
    origin = make_thumbnail(out, None, 0.0, tmp_path / "work", SETTINGS.env(), ("tests.fixtures.tiny_chapters",
                                                                                "TinyB"))
    assert origin.endswith("TinyB")
    with Image.open(out) as image:
        assert (image.format, image.size) == ("PNG", (1280, 720))
        r, g, b = image.convert("RGB").getpixel((100, 100))
        assert abs(r - 0x1D) <= 3 and abs(g - 0x9E) <= 3 and abs(b - 0x75) <= 3


def test_second_run_uses_the_cache(env):
    before = sha(env.package.video)
    started = time.monotonic()
    renders, package = build(env)
    assert all(r.cached for r in renders)
    assert not package.encoded
    assert time.monotonic() - started < 10
    assert sha(package.video) == before


def test_changed_chapter_renders_again(env):
    env.jobs[1].narration.write_text("## intro\nChapter B, reworded.\n", encoding="utf-8")
    renders, package = build(env)
    assert [r.cached for r in renders] == [True, False, True]
    assert package.encoded


def test_failing_chapter_leaves_previous_files_intact(env, monkeypatch):
    video, chapter_c = env.package.video, env.media / "render" / "test" / "tinyC.mp4"
    before = (sha(video), sha(chapter_c))
    env.jobs[2].narration.write_text("## intro\nChapter C, changed so it renders again.\n", encoding="utf-8")
    monkeypatch.setenv("TINY_FAIL", "TinyC")
    with pytest.raises(RenderError, match=r"(?s)tinyC.*injected failure"):
        build(env)
    assert (sha(video), sha(chapter_c)) == before
    assert not list((env.media / "render" / "work").glob("*/tmp-*"))


def test_failing_encode_leaves_previous_video_intact(env, monkeypatch):
    before = sha(env.package.video)

    def broken(videos, soundtrack, quality, out, **kwargs):
        out.write_bytes(b"partial")
        raise RuntimeError("encoder died")

    monkeypatch.setattr(encode, "encode_youtube", broken)
    renamed = dataclasses.replace(env.cfg, title="A different title")
    renders = Renderer(SETTINGS, env.media, 2, out=env.log.append, shared=SHARED).render(env.jobs)
    with pytest.raises(RuntimeError, match="encoder died"):
        Assembler(SETTINGS, renamed, env.media, out=env.log.append, still=None).run(renders)
    assert sha(env.package.video) == before
    assert not list((env.media / "final").glob("**/.tmp-*"))
