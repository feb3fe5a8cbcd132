"""Turn the rendered chapter slides into one deck: HTML (reveal.js, offline), PPTX and a PDF handout.

The slides manim-slides rendered are transparent (the chapters are rendered once, with ``-t``, for the
clips too); each slide is pointed at its beat's opaque MP4 clip, checked frame for frame, before converting.
Each PPTX slide's poster frame is its beat's last frame (manim-slides uses the first), so a print or PDF of
the deck shows each beat's result; the handout puts the same frames above the narration. A beat's last
frame is the one where its narration ends (recorded by the render, see ``slide_classes.BeatEnds``): usually
its slide's last frame, but a slide also holds what plays after its beat, such as a chapter's closing fade-out.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from manim_slides.config import PresentationConfig
from manim_slides.convert import PowerPoint, RevealJS
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.shapes.picture import Movie

from production.deck import revealjs
from production.deck.handout import HANDOUT_NAME, HandoutPage, write_handout
from production.probe import frame_count_and_rate
from scenes.chapters import Chapter

DECK_NAME = "deck"
PPTX_SIZE = (1280, 720)  # slide size in pixels at 96 dpi: PowerPoint's 13.33 x 7.5 in widescreen


@dataclass(frozen=True)
class Beat:
    """A slide's beat: its chapter, its narration heading and how many frames of its slide it spans (a
    chapter's closing fade-out follows its last beat inside the last slide)."""

    chapter: Chapter
    key: str
    frames: int


@dataclass(frozen=True)
class DeckFiles:
    html: Path
    pptx: Path
    slides: int
    handout: Path


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


def video_frame(video: Path, index: int | None = None) -> Image.Image:
    """Frame ``index`` of ``video`` (from 0; None: the last) as RGB, exactly: seek to a key frame a second
    before it, decode on, and tell the frames apart by their time stamps."""
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        rate, base, start = stream.average_rate or stream.guessed_rate, stream.time_base, stream.start_time or 0
        at = (stream.duration or 0) if index is None else int(Fraction(index) / rate / base)
        target = start + at - int(1 / base)
        if target > start:
            container.seek(target, stream=stream, backward=True, any_frame=False)
        found = None
        for frame in container.decode(stream):
            number = round((frame.pts - start) * base * rate)
            if index is None or number == index:
                found = frame
            if index is not None and number >= index:
                break
        if found is None:
            raise RuntimeError(f"{video} has no frame {index}" if index is not None else f"{video} has no frames")
        return found.to_image()


def write_posters(configs: Sequence[PresentationConfig], directory: Path,
                  frames: Sequence[int] | None = None) -> list[Path]:
    """One PNG per slide, in deck order: frame ``frames[i] - 1`` of slide i's video (default: its last frame)."""
    slides = [s for c in configs for s in c.slides]
    if frames is not None and len(frames) != len(slides):
        raise ValueError(f"frames must give one count per slide ({len(slides)}), got {len(frames)}")
    directory.mkdir(parents=True, exist_ok=True)
    posters = []
    for i, slide in enumerate(slides):
        if frames is not None and frames[i] < 1:
            raise RuntimeError(f"slide {slide.file.name}: its beat ends after {frames[i]} frames")
        path = directory / f"{i + 1:03d}_{slide.file.stem}.png"
        video_frame(slide.file, None if frames is None else frames[i] - 1).save(path)
        posters.append(path)
    return posters


def set_posters(pptx: Path, posters: Sequence[Path]) -> None:
    """Make slide i's movie show ``posters[i]`` when not playing (printing, PDF export, thumbnails)."""
    deck = Presentation(str(pptx))
    slides = list(deck.slides)
    if len(slides) != len(posters):
        raise RuntimeError(f"{pptx.name}: {len(slides)} slides but {len(posters)} poster frames")
    for number, (slide, poster) in enumerate(zip(slides, posters, strict=True), start=1):
        movies = [shape for shape in slide.shapes if isinstance(shape, Movie)]
        if len(movies) != 1:
            raise RuntimeError(f"{pptx.name}: slide {number} holds {len(movies)} videos, expected 1")
        blip = movies[0]._element.find(f"{qn('p:blipFill')}/{qn('a:blip')}")
        old = blip.get(qn("r:embed"))
        _, new = slide.part.get_or_add_image_part(str(poster))
        if new != old:
            blip.set(qn("r:embed"), new)
            slide.part.drop_rel(old)
    tmp = pptx.with_name(f".{pptx.stem}.part{pptx.suffix}")
    try:
        deck.save(str(tmp))
        os.replace(tmp, pptx)
    finally:
        tmp.unlink(missing_ok=True)


def write_pptx(configs: list[PresentationConfig], dest: Path, posters: Sequence[Path]) -> Path:
    """manim-slides' PowerPoint deck (videos embedded, auto-play, notes) with ``posters`` as poster frames."""
    width, height = PPTX_SIZE
    PowerPoint(presentation_configs=configs, width=width, height=height).convert_to(dest)
    set_posters(dest, posters)
    return dest


def _swap_in(tmp: Path, out: Path) -> None:
    """Replace directory ``out`` by the complete ``tmp`` (the old deck is removed only after the swap)."""
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def write_deck(configs: list[PresentationConfig], out: Path, reveal_package: Path, title: str,
               beats: Sequence[Beat], light: bool = False) -> DeckFiles:
    """Write ``out/deck.html`` (+ its videos and reveal.js), ``out/deck.pptx`` and ``out/handout.pdf``, whose
    pictures are each beat's last frame (``beats``: one per slide, in deck order); built aside, then swapped in."""
    if not configs:
        raise ValueError("configs must hold at least one chapter's slides")
    slides = [s for c in configs for s in c.slides]
    if len(beats) != len(slides):
        raise ValueError(f"beats must name each of the {len(slides)} slides, got {len(beats)}")
    tmp = out.with_name(f".{out.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    revealjs.install(reveal_package, tmp)
    background = configs[0].background_color.as_hex()
    html = tmp / f"{DECK_NAME}.html"
    RevealJS(presentation_configs=configs, cdn_url=revealjs.LOCAL_DIR, reveal_version=revealjs.REVEAL_VERSION,
             title=title, reveal_theme="white" if light else "black", background_color=background,
             progress="true", hash="true", slide_number="false").convert_to(html)
    problems = revealjs.offline_problems(html)
    if problems:
        raise RuntimeError("the HTML deck would not work offline: " + "; ".join(problems[:5]))
    with tempfile.TemporaryDirectory(prefix="mle2map-posters-") as directory:
        posters = write_posters(configs, Path(directory), [b.frames for b in beats])
        write_pptx(configs, tmp / f"{DECK_NAME}.pptx", posters)
        pages = [HandoutPage(b.chapter, b.key, slide.notes, poster)
                 for b, slide, poster in zip(beats, slides, posters, strict=True)]
        write_handout(pages, tmp / HANDOUT_NAME, title)
    _swap_in(tmp, out)
    return DeckFiles(out / html.name, out / f"{DECK_NAME}.pptx", len(slides), out / HANDOUT_NAME)
