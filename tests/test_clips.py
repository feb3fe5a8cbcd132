"""Per-beat clips from a synthetic transparent section (made by ffmpeg): formats, alpha, sizes, GIF limit."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from production.deck.clips import encode_gif, make_chapter_clips, make_clips, read_sections
from production.probe import probe, top_level_atoms, video_stream

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is needed")

BACKGROUND = "#0E0F13"
W, H, FPS = 162, 91, 10  # odd height on purpose: every output must come out even
BOX = (20, 20, 40, 30)  # x, y, w, h of the opaque red box


def _write_mov(video: Path, frames: np.ndarray | None, lavfi: str | None = None) -> None:
    """A qtrle/argb MOV like manim's ``-t`` sections: from RGBA ``frames`` or from an ffmpeg test source."""
    source = ["-f", "lavfi", "-i", lavfi] if lavfi else ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{W}x{H}",
                                                           "-r", str(FPS), "-i", "-"]
    subprocess.run(["ffmpeg", "-v", "error", "-y", *source, "-c:v", "qtrle", "-pix_fmt", "argb", str(video)],
                   input=None if frames is None else frames.tobytes(), check=True)


def _box_frames(count: int) -> np.ndarray:
    """Transparent frames with an opaque red box, at BOX in the first and last frames and moving between."""
    frames = np.zeros((count, H, W, 4), np.uint8)
    x, y, w, h = BOX
    for i in range(count):
        left = x + round(8 * np.sin(np.pi * i / (count - 1)))
        frames[i, y:y + h, max(0, left):left + w] = (230, 30, 30, 255)
    return frames


def _entry(video: Path, name: str, seconds: float) -> dict:
    return {"name": name, "type": "default.normal", "video": video.name, "width": W, "height": H,
            "nb_frames": str(round(seconds * FPS)), "duration": str(seconds), "avg_frame_rate": f"{FPS}/1",
            "codec_name": "qtrle", "pix_fmt": "argb"}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("sections")
    _write_mov(tmp / "Scene_box.mov", _box_frames(15))
    _write_mov(tmp / "Scene_noisy.mov", None, f"testsrc2=s={W}x{H}:r={FPS}:d=3,format=rgba")
    entries = [_entry(tmp / "Scene_box.mov", "box", 1.5), _entry(tmp / "Scene_noisy.mov", "noisy", 3.0)]
    path = tmp / "Scene.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def clips(index, tmp_path_factory) -> list[dict[str, Path]]:
    out = tmp_path_factory.mktemp("clips")
    (out / "09_stale.mp4").write_bytes(b"old")
    return make_chapter_clips(index, out, BACKGROUND, jobs=2)


def _decode_rgba(path: Path, decoder: list[str] | None = None) -> np.ndarray:
    """First frame of ``path`` as RGBA, decoded by ffmpeg (optionally with a named decoder)."""
    raw = subprocess.run(["ffmpeg", "-v", "error", *(decoder or []), "-i", str(path), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "rgba", "-"], capture_output=True, check=True).stdout
    stream = video_stream(probe(path))
    return np.frombuffer(raw, np.uint8).reshape(int(stream["height"]), int(stream["width"]), 4)


def _assert_alpha(rgba: np.ndarray) -> None:
    x, y, w, h = BOX
    assert rgba[2, 2, 3] < 10, "the background must stay transparent"
    inside = rgba[y + 5:y + h - 5, x + 5:x + w - 5]
    assert inside[..., 3].min() > 245, "the box must stay opaque"
    assert inside[..., 0].mean() > 200 and inside[..., 1].mean() < 60


def test_sections_and_names(index, clips):
    sections = read_sections(index)
    assert [s.name for s in sections] == ["box", "noisy"]
    assert [s.stem for s in sections] == ["01_box", "02_noisy"]
    folder = clips[0]["mp4"].parent
    assert not (folder / "09_stale.mp4").exists(), "clips of beats that no longer exist are removed"
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for c in clips for p in c.values())


def test_mp4_plays_everywhere(clips):
    for clip in clips:
        info = probe(clip["mp4"])
        stream = video_stream(info)
        assert stream["codec_name"] == "h264" and stream["pix_fmt"] == "yuv420p"
        assert stream["profile"] == "High" and stream.get("codec_tag_string") == "avc1"
        assert int(stream["width"]) % 2 == 0 and int(stream["height"]) % 2 == 0
        assert len([s for s in info["streams"] if s["codec_type"] == "audio"]) == 0
        atoms = top_level_atoms(clip["mp4"])
        assert atoms.index("moov") < atoms.index("mdat"), "faststart puts the index first"
    rgba = _decode_rgba(clips[0]["mp4"])
    assert np.abs(rgba[2, 2, :3].astype(int) - [0x0E, 0x0F, 0x13]).max() <= 3, "laid over the theme background"


def test_mp4_colours_use_the_bt709_matrix(clips):
    """Tagged BT.709 like the video, and converted so: the red box decodes right with BT.709, not with BT.601."""
    stream = video_stream(probe(clips[0]["mp4"]))
    assert (stream["color_space"], stream["color_primaries"], stream["color_transfer"], stream["color_range"]) == \
        ("bt709", "bt709", "bt709", "tv")
    x, y, w, h = BOX

    def box(matrix: str) -> np.ndarray:
        raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(clips[0]["mp4"]), "-frames:v", "1", "-vf",
                              f"scale=in_color_matrix={matrix}:in_range=tv:out_range=pc,format=rgb24", "-f",
                              "rawvideo", "-"], capture_output=True, check=True).stdout
        frame = np.frombuffer(raw, np.uint8).reshape(int(stream["height"]), int(stream["width"]), 3)
        return frame[y + 8:y + h - 8, x + 12:x + w - 12].reshape(-1, 3).mean(axis=0)

    np.testing.assert_allclose(box("bt709"), [230, 30, 30], atol=4)
    assert np.abs(box("bt601") - [230, 30, 30]).max() > 8


def test_webm_keeps_alpha(clips):
    """VP9 stores alpha as a side stream flagged by alpha_mode; libvpx decodes it back to yuva420p."""
    stream = video_stream(probe(clips[0]["webm"]))
    assert stream["codec_name"] == "vp9"
    tags = {k.lower(): v for k, v in stream.get("tags", {}).items()}
    assert tags.get("alpha_mode") == "1"
    _assert_alpha(_decode_rgba(clips[0]["webm"], ["-c:v", "libvpx-vp9"]))


def test_prores_4444_keeps_alpha(clips):
    stream = video_stream(probe(clips[0]["mov"]))
    # encoded as yuva444p10le; ffmpeg's ProRes decoder reports 4444 streams at 12 bits
    assert stream["codec_name"] == "prores" and stream["pix_fmt"] in ("yuva444p10le", "yuva444p12le")
    assert stream["profile"] == "4444"
    assert int(stream["width"]) % 2 == 0 and int(stream["height"]) % 2 == 0
    _assert_alpha(_decode_rgba(clips[0]["mov"]))


def test_pngs_show_the_last_frame(index, clips):
    opaque = np.asarray(Image.open(clips[0]["png"]))
    alpha = np.asarray(Image.open(clips[0]["alpha.png"]).convert("RGBA"))
    assert opaque.shape[2] == 3 and alpha.shape[2] == 4
    assert tuple(opaque[2, 2]) == (0x0E, 0x0F, 0x13)
    _assert_alpha(alpha)
    x, y, w, h = BOX
    assert tuple(opaque[y + h // 2, x + w // 2]) == (230, 30, 30), "the box is drawn over the background"
    noisy = str(read_sections(index)[1].video)
    last = subprocess.run(["ffmpeg", "-v", "error", "-i", noisy, "-f", "rawvideo", "-pix_fmt", "rgba", "-"],
                          capture_output=True, check=True).stdout
    expected = np.frombuffer(last, np.uint8)[-W * H * 4:].reshape(H, W, 4)
    assert np.array_equal(np.asarray(Image.open(clips[1]["alpha.png"]).convert("RGBA"))[:H, :W], expected)


def test_gif_limits(index, clips, tmp_path):
    for clip in clips:
        assert 0 < clip["gif"].stat().st_size <= 10 * 1024 * 1024
        assert video_stream(probe(clip["gif"]))["codec_name"] == "gif"
    noisy = read_sections(index)[1]
    full = clips[1]["gif"].stat().st_size
    limit = int(full * 0.6)
    small = encode_gif(noisy, tmp_path / "small.gif", BACKGROUND, max_bytes=limit)
    assert small.stat().st_size <= limit
    frames = [int(video_stream(probe(p, count_frames=True))["nb_read_packets"]) for p in (clips[1]["gif"], small)]
    widths = [int(video_stream(probe(p))["width"]) for p in (clips[1]["gif"], small)]
    assert frames[1] < frames[0] or widths[1] < widths[0], "the limit is met by fewer frames or fewer pixels"
    with pytest.raises(RuntimeError, match="stays over"):
        encode_gif(noisy, tmp_path / "never.gif", BACKGROUND, max_bytes=1024)
    assert not (tmp_path / "never.gif").exists()


def test_bad_input_is_refused(index, tmp_path):
    section = read_sections(index)[0]
    with pytest.raises(ValueError, match="background"):
        make_clips(section, tmp_path, "dark blue")
    with pytest.raises(ValueError, match="kinds"):
        make_clips(section, tmp_path, BACKGROUND, kinds=("avi",))
    with pytest.raises(ValueError, match="max_bytes"):
        encode_gif(section, tmp_path / "x.gif", BACKGROUND, max_bytes=10)
    with pytest.raises(ValueError, match="index_json"):
        read_sections(tmp_path / "none.json")
    with pytest.raises(ValueError, match="jobs"):
        make_chapter_clips(index, tmp_path, BACKGROUND, jobs=0)
    assert list(tmp_path.iterdir()) == [], "a refused call writes nothing"


def test_png_of_a_beat_ending_on_a_fade_out_shows_the_last_visible_frame(tmp_path):
    """A chapter's last beat fades to nothing: its PNG is the last frame that still shows the box."""
    from production.deck.clips import last_frame_png

    frames = _box_frames(12)
    frames[-4:] = 0  # the fade-out ends on four empty frames
    frames[-5, ..., 3] = frames[-5, ..., 3] // 2  # half-faded box just before them
    video = tmp_path / "Scene_fade.mov"
    _write_mov(video, frames)
    section = read_sections(_index_for(tmp_path, video, 1.2))[0]
    png = last_frame_png(section, tmp_path / "fade.png")
    image = np.asarray(Image.open(png).convert("RGBA"))[:H, :W]
    assert np.array_equal(image, frames[-5])


def _index_for(tmp: Path, video: Path, seconds: float) -> Path:
    path = tmp / "Fade.json"
    path.write_text(json.dumps([_entry(video, "fade", seconds)]), encoding="utf-8")
    return path
