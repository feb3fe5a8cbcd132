"""PPTX poster frames are each beat's exact last frame, on synthetic videos whose every frame has its own colour."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from manim_slides.config import PresentationConfig, SlideConfig
from PIL import Image
from pptx import Presentation
from pptx.shapes.picture import Movie

from production.deck.convert import video_frame, write_posters, write_pptx

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is needed")

W, H, FPS = 64, 36, 8
# (frames, key frame interval): 23 frames with a key frame every 5 makes the seek before the end land mid-GOP.
VIDEOS = ((23, 5), (9, 250), (17, 4))


def _colour(n: int) -> tuple[int, int, int]:
    return (40 + 8 * n, 220 - 6 * n, 60 + 5 * n)


def _write_video(path: Path, frames: int, gop: int) -> None:
    """An H.264 yuv420p MP4 like the beat clips; frame n is a flat ``_colour(n)``."""
    raw = np.stack([np.full((H, W, 3), _colour(n), np.uint8) for n in range(frames)])
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{W}x{H}",
                    "-r", str(FPS), "-i", "-", "-c:v", "libx264", "-g", str(gop), "-bf", "2", "-pix_fmt", "yuv420p",
                    "-movflags", "+faststart", str(path)], input=raw.tobytes(), check=True)


def decoded_frames(video: Path) -> np.ndarray:
    """Every frame of ``video`` as RGB, decoded by the ffmpeg command line (independent of PyAV)."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, H, W, 3)


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


@pytest.fixture(scope="module")
def configs(tmp_path_factory) -> list[PresentationConfig]:
    tmp = tmp_path_factory.mktemp("videos")
    paths = []
    for i, (frames, gop) in enumerate(VIDEOS):
        paths.append(tmp / f"{i + 1:02d}_beat{i}.mp4")
        _write_video(paths[-1], frames, gop)
    slides = [SlideConfig(file=p, rev_file=p, notes=f"notes {i}") for i, p in enumerate(paths)]
    return [PresentationConfig(slides=slides[:2], resolution=(W, H)),
            PresentationConfig(slides=slides[2:], resolution=(W, H))]


def _nearest(image: np.ndarray, frames: np.ndarray) -> int:
    """Which of ``frames`` ``image`` is (each frame is a flat colour of its own)."""
    return int(np.argmin([_diff(image, f) for f in frames]))


def test_video_frame_is_exactly_the_frame_asked_for(configs):
    for config in configs:
        for slide in config.slides:
            frames = decoded_frames(slide.file)
            for index in (None, 0, 3, len(frames) - 2, len(frames) - 1):
                want = len(frames) - 1 if index is None else index
                got = np.asarray(video_frame(slide.file, index).convert("RGB"))
                assert got.shape == (H, W, 3)
                assert _nearest(got, frames) == want and _diff(got, frames[want]) < 2


def test_every_pptx_poster_is_its_beat_last_frame(configs, tmp_path):
    slides = [s for c in configs for s in c.slides]
    # The second beat ends at frame 5 of its slide (like a chapter's last beat before its closing fade-out).
    beat_frames = [VIDEOS[0][0], 5, VIDEOS[2][0]]
    posters = write_posters(configs, tmp_path / "posters", beat_frames)
    pptx = write_pptx(configs, tmp_path / "deck.pptx", posters)
    deck = Presentation(str(pptx))
    assert len(deck.slides) == len(slides) == len(posters)
    for slide, config, count in zip(deck.slides, slides, beat_frames, strict=True):
        (movie,) = [shape for shape in slide.shapes if isinstance(shape, Movie)]
        poster = np.asarray(Image.open(io.BytesIO(movie.poster_frame.blob)).convert("RGB"))
        frames = decoded_frames(config.file)
        assert _nearest(poster, frames) == count - 1 and _diff(poster, frames[count - 1]) < 2
        images = [r for r in slide.part.rels.values() if r.reltype.endswith("/image")]
        assert len(images) == 1, "the first-frame poster manim-slides added is dropped"
        assert slide.notes_slide.notes_text_frame.text == config.notes


def test_default_posters_are_last_frames_and_bad_counts_are_refused(configs, tmp_path):
    posters = write_posters(configs, tmp_path / "posters")
    for poster, slide in zip(posters, [s for c in configs for s in c.slides], strict=True):
        frames = decoded_frames(slide.file)
        assert _nearest(np.asarray(Image.open(poster).convert("RGB")), frames) == len(frames) - 1
    with pytest.raises(ValueError, match="one count per slide"):
        write_posters(configs, tmp_path / "p2", [3])
    with pytest.raises(RuntimeError, match="no frame 40"):
        write_posters(configs, tmp_path / "p3", [41, 3, 3])
