"""Per-beat clips cut from a chapter's transparent section files (manim ``-t --save_sections``).

For each beat: an MP4 (H.264, yuv420p, faststart: PowerPoint, Keynote, browsers) on the theme's background,
at the video's delivery settings (production/quality.py: BT.709 matrix and tags, CRF, closed GOPs of fps/2),
a WebM (VP9 with alpha) and a MOV (ProRes 4444 with alpha) to lay over a slide's own background, a GIF
kept under a size limit, and PNGs of the beat's last frame (on the background and with alpha).

Every clip is encoded from the section, none stream-copied from the chapter's encoded video: the sections come
from manim-slides' transparent render (qtrle with alpha), which the MP4 has to lay over the background.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from production import lifetime
from production.probe import probe, video_stream
from production.quality import for_frames

GIF_MAX_BYTES = 10 * 1024 * 1024
GIF_MAX_WIDTH = 960
GIF_MAX_FPS = 15
KINDS = ("mp4", "webm", "mov", "gif", "alpha.png", "png")  # png is made from alpha.png
_HEX = re.compile(r"^#?[0-9A-Fa-f]{6}$")
_EVEN = "pad=ceil(iw/2)*2:ceil(ih/2)*2:color=black@0"  # yuv420p and most players need even sizes


@dataclass(frozen=True)
class Section:
    """One beat's transparent video as listed in manim's sections index."""

    index: int
    name: str
    video: Path
    width: int
    height: int
    fps: float

    @property
    def stem(self) -> str:
        return f"{self.index + 1:02d}_{self.name}"


def read_sections(index_json: Path) -> list[Section]:
    """The sections of manim's ``sections/<Scene>.json`` index, in order."""
    if not index_json.is_file():
        raise ValueError(f"index_json must be manim's sections index file, {index_json} does not exist")
    entries = json.loads(index_json.read_text(encoding="utf-8"))
    sections = []
    for i, entry in enumerate(entries):
        num, _, den = str(entry["avg_frame_rate"]).partition("/")
        fps = float(num) / float(den or 1)
        sections.append(Section(i, entry["name"], index_json.parent / entry["video"], int(entry["width"]),
                                int(entry["height"]), fps))
    return sections


def _ffmpeg(args: list[str], dst: Path) -> Path:
    """Run ffmpeg writing to a temporary name next to ``dst`` and rename it when complete."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.stem}.part{dst.suffix}")
    cmd = ["ffmpeg", "-v", "error", "-nostdin", "-y", *args, str(tmp)]
    try:
        result = lifetime.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"ffmpeg failed writing {dst.name}: {result.stderr.strip()[-800:]}")
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
    return dst


def _on_background(src: Path, section: Section, background: str, extra_filters: str = "") -> list[str]:
    """ffmpeg inputs and filter graph that lay the transparent ``src`` over a plain background colour."""
    if not _HEX.match(background):
        raise ValueError(f"background must be a colour like #0E0F13, got {background!r}")
    colour = "0x" + background.lstrip("#")
    size = f"{section.width + section.width % 2}x{section.height + section.height % 2}"
    graph = (f"color=c={colour}:s={size}:r={section.fps:g},format=rgba[bg];[bg][0:v]overlay=shortest=1:format=auto"
             f"{extra_filters}")
    return ["-i", str(src), "-filter_complex", graph]


def encode_mp4(section: Section, dst: Path, background: str, crf: int | None = None) -> Path:
    """The beat on the background at the delivery settings (RGB to YUV with the BT.709 matrix, tagged so)."""
    quality = for_frames(section.width + section.width % 2, section.height + section.height % 2,
                         max(1, round(section.fps)))
    if crf is not None:
        quality = dataclasses.replace(quality, crf=crf)
    args = _on_background(section.video, section, background, ",scale=out_color_matrix=bt709:out_range=tv,"
                                                              "format=yuv420p")
    return _ffmpeg([*args, "-an", *quality.ffmpeg_video_args(), "-tag:v", "avc1", "-movflags", "+faststart"], dst)


def encode_webm(section: Section, dst: Path) -> Path:
    return _ffmpeg(["-i", str(section.video), "-vf", f"{_EVEN},format=yuva420p", "-an", "-c:v", "libvpx-vp9",
                    "-pix_fmt", "yuva420p", "-auto-alt-ref", "0", "-b:v", "0", "-crf", "32", "-deadline", "good",
                    "-cpu-used", "4", "-row-mt", "1"], dst)


def encode_prores(section: Section, dst: Path) -> Path:
    return _ffmpeg(["-i", str(section.video), "-vf", f"{_EVEN},format=yuva444p10le", "-an", "-c:v", "prores_ks",
                    "-profile:v", "4", "-pix_fmt", "yuva444p10le", "-alpha_bits", "8", "-qscale:v", "8",
                    "-vendor", "apl0"], dst)


def encode_gif(section: Section, dst: Path, background: str, max_bytes: int = GIF_MAX_BYTES) -> Path:
    """Palette GIF on the background; lowers frame rate, then width, until the file is under ``max_bytes``."""
    if max_bytes < 1024:
        raise ValueError(f"max_bytes must be at least 1024, got {max_bytes}")
    fps = min(GIF_MAX_FPS, section.fps)
    width = min(GIF_MAX_WIDTH, section.width)
    for _ in range(12):
        scale = f",fps={fps:g},scale={width}:-2:flags=lanczos,split[a][b];[a]palettegen=stats_mode=diff[p];" \
                "[b][p]paletteuse=dither=sierra2_4a"
        _ffmpeg([*_on_background(section.video, section, background, scale), "-loop", "0"], dst)
        if dst.stat().st_size <= max_bytes:
            return dst
        if fps > 8:
            fps = max(8, fps * 0.66)
        else:
            width = max(64, int(width * 0.75) // 2 * 2)
    dst.unlink(missing_ok=True)
    raise RuntimeError(f"GIF of {section.stem} stays over {max_bytes} bytes even at {width} px and {fps:g} fps")


def last_frame_png(section: Section, dst: Path, lookback_s: float = 3.0) -> Path:
    """The beat's last frame as PNG with its alpha channel.

    A chapter's last beat ends on its fade-out, an empty frame: then the last frame that still shows
    something (within ``lookback_s`` of the end) is taken instead.
    """
    seek = ["-sseof", f"{-2.0 / section.fps:.4f}"]
    # -update 1: each decoded frame overwrites the file, so the last one stays
    _ffmpeg([*seek, "-i", str(section.video), "-vf", f"format=rgba,{_EVEN}", "-update", "1"], dst)
    if _has_content(dst):
        return dst
    with tempfile.TemporaryDirectory() as tmp:
        frames = Path(tmp)
        lifetime.run(["ffmpeg", "-v", "error", "-nostdin", "-sseof", f"{-lookback_s:.3f}", "-i", str(section.video),
                      "-vf", f"format=rgba,{_EVEN}", str(frames / "f%05d.png")], check=True, capture_output=True)
        shown = [f for f in sorted(frames.glob("f*.png")) if _has_content(f)]
        if shown:
            tmp_dst = dst.with_name(f".{dst.stem}.part{dst.suffix}")
            shutil.copyfile(shown[-1], tmp_dst)
            os.replace(tmp_dst, dst)
    return dst


def _has_content(png: Path) -> bool:
    """True when any pixel of the RGBA image is not fully transparent."""
    with Image.open(png) as image:
        return image.getchannel("A").getextrema()[1] > 0


def flatten_png(src: Path, dst: Path, background: str) -> Path:
    """``src`` (RGBA PNG) laid over the plain ``background`` colour, as an RGB PNG."""
    if not _HEX.match(background):
        raise ValueError(f"background must be a colour like #0E0F13, got {background!r}")
    with Image.open(src) as image:
        rgba = image.convert("RGBA")
    base = Image.new("RGBA", rgba.size, "#" + background.lstrip("#"))
    tmp = dst.with_name(f".{dst.stem}.part{dst.suffix}")
    Image.alpha_composite(base, rgba).convert("RGB").save(tmp)
    os.replace(tmp, dst)
    return dst


def make_clips(section: Section, out_dir: Path, background: str, gif_max_bytes: int = GIF_MAX_BYTES,
               kinds: tuple[str, ...] = KINDS) -> dict[str, Path]:
    """Every kind of clip for one beat into ``out_dir``; returns kind -> file."""
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"kinds must be among {', '.join(KINDS)}, got {', '.join(sorted(unknown))}")
    base = out_dir / section.stem
    makers = {
        "mp4": lambda p: encode_mp4(section, p, background),
        "webm": lambda p: encode_webm(section, p),
        "mov": lambda p: encode_prores(section, p),
        "gif": lambda p: encode_gif(section, p, background, gif_max_bytes),
        "alpha.png": lambda p: last_frame_png(section, p),
        "png": lambda p: flatten_png(_alpha_png(base), p, background),
    }
    if "png" in kinds:
        kinds = (*kinds, "alpha.png")
    ordered = [k for k in KINDS if k in kinds]
    made = {kind: makers[kind](_alpha_png(base) if kind == "alpha.png" else Path(f"{base}.{kind}"))
            for kind in ordered}
    return made


def _alpha_png(base: Path) -> Path:
    return Path(f"{base}_alpha.png")


def make_chapter_clips(index_json: Path, out_dir: Path, background: str, jobs: int = 1,
                       gif_max_bytes: int = GIF_MAX_BYTES) -> list[dict[str, Path]]:
    """Clips of every beat of one chapter, ``jobs`` beats at a time; stale clips of removed beats are deleted."""
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    sections = read_sections(index_json)
    with lifetime.thread_pool(jobs) as pool:
        made = list(pool.map(lambda s: make_clips(s, out_dir, background, gif_max_bytes), sections))
    keep = {p.name for clips in made for p in clips.values()}
    for old in out_dir.iterdir():
        if old.is_file() and old.name not in keep:
            old.unlink()
    return made


def pix_fmt(path: Path) -> str:
    return str(video_stream(probe(path))["pix_fmt"])
