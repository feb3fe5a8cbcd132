"""production/packaging/encode.py on hand-made chapters (64x36, 10 fps): joined by stream copy when they match the
delivery settings, whatever their own audio; re-encoded to them, and saying why, when one does not."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from manim.scene.scene_file_writer import SceneFileWriter

from production.packaging import encode
from production.probe import probe, video_stream
from production.quality import Quality
from scenes.fast_render import FastPartialWriter
from tests.fixtures.media_checks import coded_pictures, rgb, rgb_at
from tests.fixtures.writer import FPS, HEIGHT, WIDTH, bare_writer, flat, frame_config, write_partial

GREEN, PURPLE = "#1D9E75", "#7F77DD"
QUALITY = Quality("t", WIDTH, HEIGHT, FPS)


def chapter(folder: Path, name: str, colour: str, writer_class: type[SceneFileWriter] = FastPartialWriter) -> Path:
    """A 1.2 s chapter file of one colour, as Manim writes it from two partial movies."""
    folder.mkdir(parents=True, exist_ok=True)
    with frame_config():
        writer = bare_writer(writer_class, folder)
        parts = [write_partial(writer, folder / f"{name}{i}.mp4", [(flat(colour), 6)]) for i in range(2)]
        writer.combine_files([str(p) for p in parts], folder / f"{name}.mp4")
    return folder / f"{name}.mp4"


def with_long_audio(video: Path, seconds: float) -> Path:
    """``video`` with an AAC track longer than the video, as a voiced chapter may have."""
    out = video.with_name(f"{video.stem}-sound.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(video), "-f", "lavfi", "-i",
                    f"sine=f=440:d={seconds}", "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac",
                    str(out)], check=True)
    return out


def presentation_times(path: Path) -> np.ndarray:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time",
                          "-of", "csv=p=0", str(path)], capture_output=True, text=True, check=True).stdout
    return np.sort(np.array(out.split(), float))


@pytest.fixture
def soundtrack(tmp_path):
    wav = tmp_path / "sound.wav"
    encode.build_soundtrack([(None, 1.2), (None, 1.2)], wav)
    return wav


def test_chapters_join_by_stream_copy_whatever_their_own_audio(tmp_path, soundtrack):
    first = with_long_audio(chapter(tmp_path / "a", "a", GREEN), 3.0)
    second = chapter(tmp_path / "b", "b", PURPLE)
    out = tmp_path / "video.mp4"
    assert encode.encode_youtube([first, second], soundtrack, QUALITY, out) == []
    assert coded_pictures(out)[0] == coded_pictures(first)[0] + coded_pictures(second)[0]
    np.testing.assert_allclose(presentation_times(out), np.arange(24) / FPS, atol=1e-4)
    info = probe(out)
    audio = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert abs(float(audio["duration"]) - 2.4) <= 1 / FPS
    assert not list(tmp_path.glob(".video.mp4*"))


def test_a_chapter_off_the_delivery_settings_makes_it_reencode_and_say_why(tmp_path, soundtrack):
    """Manim's own writer (BT.601 matrix, untagged): the video is re-encoded to the delivery settings with the
    colours converted, and the reason names the chapter."""
    stock = chapter(tmp_path / "a", "stock", GREEN, SceneFileWriter)
    fast = chapter(tmp_path / "b", "fast", PURPLE)
    out = tmp_path / "video.mp4"
    problems = encode.encode_youtube([stock, fast], soundtrack, QUALITY, out)
    assert len(problems) == 1 and problems[0].startswith("stock.mp4: ") and "colour tags" in problems[0]
    v = video_stream(probe(out))
    assert (v["profile"], v["pix_fmt"], v["color_space"], v["color_primaries"]) == ("High", "yuv420p", "bt709",
                                                                                    "bt709")
    assert len(presentation_times(out)) == 24
    np.testing.assert_allclose(rgb_at(out, 6, "bt709", WIDTH, HEIGHT), rgb(GREEN), atol=4)
    np.testing.assert_allclose(rgb_at(out, 18, "bt709", WIDTH, HEIGHT), rgb(PURPLE), atol=4)
