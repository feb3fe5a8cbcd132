"""Contact sheet: one still per rendered chapter, tiled with its number and title, for a quick visual check.

Each chapter's still is the last frame of its key beat, named by the scene's ``contact_beat`` class
attribute: that beat ends where the next beat's first subtitle starts (a beat's narration starts with the
beat), or, for a chapter's last beat, where its own narration ends (before the closing fade). Without a
``contact_beat`` or subtitles, the frame at a fixed fraction of the chapter is used.
"""

from __future__ import annotations

import ast
import math
import os
import tempfile
from pathlib import Path

import srt
from PIL import Image, ImageDraw, ImageFont

from production import lifetime
from production.rendering.renderer import ChapterRender
from scenes.style import font_file

TILE_W, TILE_H, CAPTION_H, COLUMNS = 480, 270, 34, 5


def _still(video: Path, seconds: float, out: Path) -> Image.Image:
    lifetime.run(["ffmpeg", "-y", "-v", "error", "-ss", f"{seconds:.3f}", "-i", str(video), "-frames:v", "1",
                  "-vf", f"scale={TILE_W}:{TILE_H}:flags=lanczos,format=rgb24", str(out)], check=True)
    with Image.open(out) as image:
        return image.convert("RGB")


def contact_beat(source: Path, scene: str) -> str | None:
    """The ``contact_beat = "..."`` class attribute of class ``scene`` in ``source``, read without importing."""
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == scene:
            for item in node.body:
                target = item.target if isinstance(item, ast.AnnAssign) else None
                if isinstance(item, ast.Assign) and len(item.targets) == 1:
                    target = item.targets[0]
                value = getattr(item, "value", None)
                if (isinstance(target, ast.Name) and target.id == "contact_beat" and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)):
                    return value.value
    return None


def _words(text: str) -> str:
    from scenes.segments import plain

    return " ".join(plain(text).split()).lower()


def beat_end_time(subtitles: Path, script: dict[str, str], beat: str) -> float | None:
    """Seconds into the chapter where ``beat`` (a key of the narration ``script``) ends.

    None when the subtitles do not show where the beat ends (e.g. a script edited after the render).
    """
    if beat not in script:
        raise ValueError(f"beat must be one of {', '.join(script)}, got {beat!r}")
    cues = sorted(srt.parse(subtitles.read_text(encoding="utf-8")), key=lambda c: c.start)
    keys = list(script)
    index = keys.index(beat)
    if index + 1 < len(keys):
        following = _words(script[keys[index + 1]])
        starts = [c.start.total_seconds() for c in cues if c.content.strip() and following.startswith(
            _words(c.content)[:40])]
        return starts[0] if starts else None
    own = _words(script[beat])
    ends = [c.end.total_seconds() for c in cues if c.content.strip() and _words(c.content)[:40] in own]
    return max(ends) if ends else None


def still_time(render: ChapterRender, at: float) -> float:
    """When to take ``render``'s still: the end of its scene's ``contact_beat``, else fraction ``at``."""
    from scenes.narration import load_script

    job = render.job
    beat = contact_beat(job.source, job.scene) if job.source.is_file() else None
    seconds = None
    if beat is not None and render.srt is not None and render.srt.is_file():
        seconds = beat_end_time(render.srt, load_script(job.slug, job.narration.parent if job.narration else None),
                                beat)
    if seconds is None:
        seconds = render.duration * at
    else:
        seconds -= 1.0 / render.fps  # the beat's last frame: ffmpeg's -ss takes the first frame at or after it
    return min(max(0.0, seconds), max(0.0, render.duration - 1.0 / render.fps))


def contact_sheet(renders: list[ChapterRender], out: Path, at: float = 0.6) -> Path:
    """Tile the frame at fraction ``at`` of each chapter into ``out`` (PNG)."""
    if not renders:
        raise ValueError("no rendered chapter for the contact sheet")
    if not 0.0 <= at <= 1.0:
        raise ValueError(f"at must be within 0..1, got {at}")
    columns = min(COLUMNS, len(renders))
    rows = math.ceil(len(renders) / columns)
    sheet = Image.new("RGB", (columns * TILE_W, rows * (TILE_H + CAPTION_H)), (24, 24, 28))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(font_file(), 20)  # the video's face (fonts-cmu), checked at start-up
    with tempfile.TemporaryDirectory() as work:
        for i, r in enumerate(renders):
            x, y = (i % columns) * TILE_W, (i // columns) * (TILE_H + CAPTION_H)
            sheet.paste(_still(r.video, still_time(r, at), Path(work) / f"{i}.png"), (x, y))
            draw.text((x + 8, y + TILE_H + 7), f"{r.job.number}. {r.job.title}", fill=(230, 230, 230), font=font)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    sheet.save(tmp, "PNG", optimize=True)
    os.replace(tmp, out)
    return out
