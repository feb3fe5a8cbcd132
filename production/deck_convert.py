"""Turn the rendered chapter slides into one deck: HTML (reveal.js, offline) and PPTX.

The slides manim-slides rendered are transparent (the chapters are rendered once, with ``-t``, for the
clips too); each slide is pointed at its beat's opaque MP4 clip, checked frame for frame, before converting.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from manim_slides.config import PresentationConfig
from manim_slides.convert import PowerPoint, RevealJS

from production import deck_revealjs
from production.probe import frame_count_and_rate

DECK_NAME = "deck"
PPTX_SIZE = (1280, 720)  # slide size in pixels at 96 dpi: PowerPoint's 13.33 x 7.5 in widescreen


@dataclass(frozen=True)
class DeckFiles:
    html: Path
    pptx: Path
    slides: int


def retarget(slides_json: Path, mp4s: list[Path], check_frames: bool = True) -> PresentationConfig:
    """The chapter's slide config with slide i playing ``mp4s[i]``; slide and clip must hold the same frames."""
    config = PresentationConfig.from_file(slides_json)
    if len(config.slides) != len(mp4s):
        raise RuntimeError(f"{slides_json.name}: {len(config.slides)} slides but {len(mp4s)} beat clips; "
                           "every beat must be one slide")
    for slide, mp4 in zip(config.slides, mp4s, strict=True):
        if check_frames:
            slide_frames, _ = frame_count_and_rate(slide.file)
            clip_frames, _ = frame_count_and_rate(mp4)
            if slide_frames != clip_frames:
                raise RuntimeError(f"{slides_json.name}: slide {slide.file.name} has {slide_frames} frames, "
                                   f"its clip {mp4.name} {clip_frames}")
        slide.file = mp4
        slide.rev_file = mp4
    return config


def _swap_in(tmp: Path, out: Path) -> None:
    """Replace directory ``out`` by the complete ``tmp`` (the old deck is removed only after the swap)."""
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def write_deck(configs: list[PresentationConfig], out: Path, reveal_package: Path, title: str,
               light: bool = False) -> DeckFiles:
    """Write ``out/deck.html`` (+ its videos and reveal.js) and ``out/deck.pptx``; built aside, then swapped in."""
    if not configs:
        raise ValueError("configs must hold at least one chapter's slides")
    tmp = out.with_name(f".{out.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    deck_revealjs.install(reveal_package, tmp)
    background = configs[0].background_color.as_hex()
    html = tmp / f"{DECK_NAME}.html"
    RevealJS(presentation_configs=configs, cdn_url=deck_revealjs.LOCAL_DIR, reveal_version=deck_revealjs.REVEAL_VERSION,
             title=title, reveal_theme="white" if light else "black", background_color=background,
             progress="true", hash="true", slide_number="false").convert_to(html)
    problems = deck_revealjs.offline_problems(html)
    if problems:
        raise RuntimeError("the HTML deck would not work offline: " + "; ".join(problems[:5]))
    width, height = PPTX_SIZE
    PowerPoint(presentation_configs=configs, width=width, height=height).convert_to(tmp / f"{DECK_NAME}.pptx")
    _swap_in(tmp, out)
    return DeckFiles(out / html.name, out / f"{DECK_NAME}.pptx", sum(len(c.slides) for c in configs))
