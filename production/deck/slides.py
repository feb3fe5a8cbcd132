"""Presenter outputs in one command: a slide deck (HTML + PPTX + PDF handout) and per-beat clips for every chapter.

Each chapter is rendered once by ``manim-slides render`` as a generated ``<Scene>Slides(Slide, <Scene>)``,
silent, transparent and with one saved section per beat. The sections become the clips
(``media/clips/<chapter>/``); the opaque MP4 clips become the deck's slides (``media/slides/``), whose
last frames are the PPTX poster frames and the pictures of the handout (``media/slides/handout.pdf``).
``--theme light`` renders for white slide templates into ``media/slides-light`` and ``media/clips-light``.
``--story FILE`` tells another story (its words, numbers and data) into folders of their own:
``media/slides-<story-slug>``, ``media/clips-<story-slug>`` (``-light-<story-slug>`` for the light theme).

    python -m production.deck.slides --quality hd --theme dark --chapters 1,5 -j 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from production import lifetime
from production.commands.check import story_problems
from production.config import MEDIA, ROOT
from production.deck import revealjs, slide_classes
from production.deck.clips import GIF_MAX_BYTES, make_chapter_clips, read_sections
from production.deck.convert import Beat, DeckFiles, retarget, write_deck
from production.deck.handout import check_fonts
from production.quality import PRESETS, Quality, preset
from production.rendering.renderer import STORY_ENV, active_story, story_slug
from scenes.chapters import CHAPTERS, Chapter, by_slug
from scenes.narration import load_script

THEMES = ("dark", "light")
DECK_TITLE = "From MLE to MAP: L2 regularization is Bayesian in disguise"
_LOG_TAIL = 20


@dataclass
class ChapterResult:
    chapter: Chapter
    slides: int = 0
    error: str | None = None
    seconds: float = 0.0


@dataclass
class Report:
    results: list[ChapterResult]
    missing: dict[str, str]
    deck: DeckFiles | None = None
    deck_dir: Path | None = None
    clips_dir: Path | None = None
    seconds: float = 0.0
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[ChapterResult]:
        return [r for r in self.results if r.error]


def out_dirs(media: Path, theme: str, slug: str = "") -> tuple[Path, Path]:
    """Where the deck and the clips go for ``theme`` and the story whose slug is ``slug`` ('' = the shipped one)."""
    suffix = ("" if theme == "dark" else f"-{theme}") + (f"-{slug}" if slug else "")
    return media / f"slides{suffix}", media / f"clips{suffix}"


def parse_chapters(spec: str | None) -> list[Chapter]:
    """``"1,5"`` or ``"ch05_prior 7"`` -> chapters in storyboard order; None or "all" -> every chapter."""
    if spec is None or spec.strip() in ("", "all"):
        return list(CHAPTERS)
    wanted = {by_slug(token) for token in spec.replace(",", " ").split()}
    return [c for c in CHAPTERS if c in wanted]


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def _sections_index(work: Path, scene_class: str) -> Path:
    found = sorted(work.glob(f"videos/*/*/sections/{scene_class}.json"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise RuntimeError(f"manim wrote no sections index for {scene_class} under {work}")
    return found[-1]


def _beats(chapter: Chapter, sections: list[str], ends: list[tuple[str, int]]) -> list[Beat]:
    """The chapter's slides as beats; the render's sections and its recorded beat ends must name the same beats."""
    if [key for key, _ in ends] != sections:
        raise RuntimeError(f"{chapter.slug}: the beat ends recorded ({', '.join(k for k, _ in ends)}) are not "
                           f"the slides rendered ({', '.join(sections)})")
    return [Beat(chapter, key, frames) for key, frames in ends]


class SlidesBuild:
    """One build of the deck and clips for a quality and a theme."""

    def __init__(self, quality: Quality, theme: str = "dark", media: Path = MEDIA, jobs: int = 0,
                 gif_max_bytes: int = GIF_MAX_BYTES, out=print, story: str | os.PathLike[str] | None = None) -> None:
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {theme!r}")
        if jobs < 0:
            raise ValueError(f"jobs (-j) must be >= 0 (0 = all cores), got {jobs}")
        self.quality, self.theme, self.media, self.out = quality, theme, media, out
        self.jobs = jobs or os.cpu_count() or 1
        self.gif_max_bytes = gif_max_bytes
        #: The story told (absolute path; None: $MLE2MAP_STORY, else the shipped one) and its media slug.
        self.story = Path(story).expanduser().resolve() if story is not None else active_story()
        self.slug = story_slug(self.story)
        name = f"{theme}-{quality.name}-{quality.width}x{quality.height}p{quality.fps}"
        self.build = media / "slides_build" / (f"{name}-{self.slug}" if self.slug else name)
        self.module = self.build / "deck_scenes.py"
        self.slides_json = self.build / "slides"
        self.deck_dir, self.clips_dir = out_dirs(media, theme, self.slug)

    def env(self) -> dict[str, str]:
        return {**os.environ, "MLE2MAP_VOICE": "none", "MLE2MAP_SLIDES": "1", "MLE2MAP_THEME": self.theme,
                STORY_ENV: str(self.story)}

    def render_command(self, chapter: Chapter) -> list[str]:
        q = self.quality
        return [sys.executable, "-m", "manim_slides", "render", "-r", f"{q.width},{q.height}", "--fps", str(q.fps),
                "-t", "--save_sections", "--media_dir", str(self.build / "work" / chapter.slug),
                "-v", "WARNING", "--progress_bar", "none", str(self.module), slide_classes.slide_class(chapter)]

    def chapter(self, chapter: Chapter) -> ChapterResult:
        """Render one chapter and cut its clips; errors are reported, not raised, so other chapters go on."""
        start = time.monotonic()
        result = ChapterResult(chapter)
        cls = slide_classes.slide_class(chapter)
        (self.slides_json / f"{cls}.json").unlink(missing_ok=True)
        slide_classes.beat_ends_path(self.slides_json, cls).unlink(missing_ok=True)
        log = self.build / "logs" / f"{chapter.slug}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w", encoding="utf-8") as handle:
            proc = lifetime.run(self.render_command(chapter), cwd=ROOT, env=self.env(), stdout=handle,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        written = [self.slides_json / f"{cls}.json", slide_classes.beat_ends_path(self.slides_json, cls)]
        if proc.returncode != 0 or not all(p.is_file() for p in written):
            tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-_LOG_TAIL:])
            result.error = f"render failed (exit {proc.returncode}), see {log}:\n{tail}"
        else:
            try:
                index = _sections_index(self.build / "work" / chapter.slug, cls)
                clips = make_chapter_clips(index, self.clips_dir / chapter.slug, self._background(cls),
                                           jobs=1, gif_max_bytes=self.gif_max_bytes)
                result.slides = len(clips)
            except (RuntimeError, ValueError, OSError) as exc:
                result.error = f"clips failed: {exc}"
        result.seconds = time.monotonic() - start
        status = "failed" if result.error else f"{result.slides} beats"
        self.out(f"  {chapter.number:2d} {chapter.slug:<24} {status:<10} {result.seconds:6.1f} s")
        return result

    def _background(self, cls: str) -> str:
        from manim_slides.config import PresentationConfig

        return PresentationConfig.from_file(self.slides_json / f"{cls}.json").background_color.as_hex(format="long")

    def run(self, chapters: list[Chapter]) -> Report:
        start = time.monotonic()
        missing = {c.slug: reason for c in chapters if (reason := slide_classes.missing_reason(c))}
        ready = [c for c in chapters if c.slug not in missing]
        for slug, reason in missing.items():
            self.out(f"  skipped {slug}: {reason}")
        if not ready:
            raise RuntimeError("no chapter can be rendered: " + "; ".join(f"{s}: {r}" for s, r in missing.items()))
        from mathcore.story import load_story

        story = load_story(self.story)
        check_fonts([(c, key, text) for c in ready for key, text in load_script(c.slug, story=story).items()],
                    DECK_TITLE)
        reveal = revealjs.fetch(self.media / "slides_build" / "npm")
        slide_classes.write_module(ready, self.module, self.slides_json)
        q = self.quality
        self.out(f"slides: {len(ready)} chapters at {q.width}x{q.height} {q.fps} fps, theme {self.theme}, "
                 f"{self.jobs} at a time")
        with lifetime.thread_pool(self.jobs) as pool:
            results = list(pool.map(self.chapter, ready))
        report = Report(results, missing, deck_dir=self.deck_dir, clips_dir=self.clips_dir)
        done = [r for r in results if not r.error]
        if done:
            configs, beats = [], []
            for r in done:
                cls = slide_classes.slide_class(r.chapter)
                sections = read_sections(_sections_index(self.build / "work" / r.chapter.slug, cls))
                mp4s = [self.clips_dir / r.chapter.slug / f"{s.stem}.mp4" for s in sections]
                configs.append(retarget(self.slides_json / f"{cls}.json", mp4s))
                beats += _beats(r.chapter, [s.name for s in sections],
                                slide_classes.read_beat_ends(slide_classes.beat_ends_path(self.slides_json, cls)))
            report.deck = write_deck(configs, self.deck_dir, reveal, DECK_TITLE, beats, light=self.theme == "light")
        report.sizes = {"deck": _dir_size(self.deck_dir), "clips": _dir_size(self.clips_dir)}
        report.seconds = time.monotonic() - start
        return report


def summary(report: Report) -> str:
    lines = []
    if report.deck:
        lines.append(f"deck: {report.deck.slides} slides, {report.deck.html} and {report.deck.pptx} "
                     f"({report.sizes['deck'] / 1e6:.1f} MB with videos and reveal.js)")
        lines.append(f"handout: {report.deck.handout} (one page per beat: last frame and narration)")
    lines.append(f"clips: {report.clips_dir} ({report.sizes.get('clips', 0) / 1e6:.1f} MB)")
    if report.missing:
        lines.append("missing chapters: " + ", ".join(report.missing))
    for r in report.failed:
        lines.append(f"FAILED {r.chapter.slug}: {r.error}")
    lines.append(f"wall time: {report.seconds:.0f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m production.deck.slides", description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="hd", choices=sorted(PRESETS), help="render preset (default hd)")
    parser.add_argument("--theme", default="dark", choices=THEMES, help="light = white background for white "
                        "slide templates")
    parser.add_argument("--chapters", default=None, help="numbers or slugs, e.g. '1,5' (default: all)")
    parser.add_argument("-j", "--jobs", type=int, default=0, help="chapters rendered at a time (0 = all cores)")
    parser.add_argument("--media", type=Path, default=MEDIA, help="media folder (default: media/)")
    parser.add_argument("--story", metavar="FILE", help="the story file to tell, e.g. examples/hours-studied/"
                        "story.toml (default: $MLE2MAP_STORY, else stories/house-prices/story.toml)")
    args = parser.parse_args(argv)
    try:
        chapters = parse_chapters(args.chapters)
        build = SlidesBuild(preset(args.quality), args.theme, args.media, args.jobs, story=args.story)
        problems = story_problems(build.story)[1]  # what make check says of it
        if problems:
            print("\n".join(f"error: {p}" for p in problems), file=sys.stderr)
            return 2
        report = build.run(chapters)
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary(report))
    return 1 if report.failed or report.deck is None else 0


if __name__ == "__main__":
    if shutil.which("ffmpeg") is None:
        sys.exit("error: ffmpeg not found on PATH: run `make setup`")
    sys.exit(main())
