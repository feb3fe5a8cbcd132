"""The 1280x720 thumbnail PNG (under 2 MB): the title chapter's ThumbnailScene still, or else the busiest
of a few frames of the first rendered chapter, scaled to 1280x720."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from production import lifetime
from production.config import ROOT
from production.rendering.jobs import defines_class

WIDTH, HEIGHT = 1280, 720
MAX_BYTES = 2 * 1024 * 1024
THUMBNAIL_MODULE, THUMBNAIL_SCENE = "scenes.ch01_cold_open", "ThumbnailScene"
THUMBNAIL_SOURCE = ROOT / "scenes" / "ch01_cold_open.py"


def has_thumbnail_scene(source: Path = THUMBNAIL_SOURCE) -> bool:
    return source.is_file() and defines_class(source, THUMBNAIL_SCENE)


def render_still(module: str, scene: str, out: Path, media_dir: Path, env: dict[str, str]) -> None:
    """Render the last frame of ``module.scene`` at 1280x720 into ``out`` (PNG)."""
    tmp = out.parent / f".still-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        cmd = [sys.executable, "-m", "production.rendering.worker", "--module", module, "--scene", scene,
               "--out", str(tmp), "--name", "still", "--media-dir", str(media_dir), "--width", str(WIDTH),
               "--height", str(HEIGHT), "--fps", "15", "--still"]
        result = lifetime.run(cmd, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
        png = tmp / "still.png"
        if result.returncode != 0 or not png.is_file():
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-20:])
            raise RuntimeError(f"thumbnail scene {module}.{scene} failed:\n{tail}")
        os.replace(png, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _frame(video: Path, seconds: float, out: Path) -> Image.Image:
    lifetime.run(["ffmpeg", "-y", "-v", "error", "-ss", f"{seconds:.3f}", "-i", str(video), "-frames:v", "1",
                  "-vf", f"scale={WIDTH}:{HEIGHT}:flags=lanczos,format=rgb24", str(out)], check=True)
    with Image.open(out) as image:
        return image.convert("RGB")


def busiest_frame(video: Path, duration: float, work: Path, samples: int = 7) -> Image.Image:
    """Among frames spread over the middle of ``video``, the one that differs most from its background."""
    best, best_score = None, -1.0
    for i in range(samples):
        t = duration * (0.15 + 0.7 * i / max(1, samples - 1))
        image = _frame(video, t, work / f"sample{i}.png")
        background = Image.new("RGB", image.size, image.getpixel((2, 2)))
        score = sum(ImageStat.Stat(ImageChops.difference(image, background)).mean)
        if score > best_score:
            best, best_score = image, score
    assert best is not None
    return best


def save_png(image: Image.Image, out: Path) -> None:
    """Save as PNG under 2 MB (optimised; palette-reduced if still too large), atomically."""
    if image.size != (WIDTH, HEIGHT):
        image = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    image.convert("RGB").save(tmp, "PNG", optimize=True)
    if tmp.stat().st_size > MAX_BYTES:
        image.convert("RGB").quantize(256).save(tmp, "PNG", optimize=True)
    if tmp.stat().st_size > MAX_BYTES:
        tmp.unlink()
        raise ValueError(f"thumbnail stays above {MAX_BYTES} bytes even with 256 colours")
    os.replace(tmp, out)


def default_still() -> tuple[str, str] | None:
    """(module, scene) of the title chapter's ThumbnailScene, once it exists."""
    return (THUMBNAIL_MODULE, THUMBNAIL_SCENE) if has_thumbnail_scene() else None


def make_thumbnail(out: Path, first_video: Path | None, first_duration: float, media_dir: Path,
                   env: dict[str, str], still: tuple[str, str] | None = None) -> str:
    """Write ``out`` from the ``still`` scene, or else from the first chapter; returns where it came from."""
    work = out.parent / f".thumb-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        if still is not None:
            png = work / "still.png"
            render_still(*still, png, media_dir, env)
            with Image.open(png) as image:
                save_png(image.convert("RGB"), out)
            return ".".join(still)
        if first_video is None:
            raise ValueError("no rendered chapter to take a thumbnail frame from")
        save_png(busiest_frame(first_video, first_duration, work), out)
        return f"a frame of {first_video.name} (no {THUMBNAIL_SCENE} in {THUMBNAIL_SOURCE.name} yet)"
    finally:
        shutil.rmtree(work, ignore_errors=True)
