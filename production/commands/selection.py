"""What the commands share: the render settings from options, environment and video.toml; the chosen chapters;
rendering them with progress and a summary."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from production.config import ROOT, VideoConfig
from production.quality import preset
from production.rendering.jobs import ChapterJob, from_chapters, split_available
from production.rendering.renderer import ChapterRender, Renderer, RenderSettings, active_story, summary_table


def settings_from(args: argparse.Namespace, cfg: VideoConfig) -> RenderSettings:
    """Options win over the MLE2MAP_VOICE / MLE2MAP_THEME / MLE2MAP_VOICE_MODEL / MLE2MAP_STORY environment, which
    wins over video.toml (whose voice_model is relative to the repository; the others to the current folder); the
    story is the shipped one unless ``--story`` or MLE2MAP_STORY names another."""
    voice = "none" if args.no_voice else (args.voice or os.environ.get("MLE2MAP_VOICE") or cfg.voice)
    theme = args.theme or os.environ.get("MLE2MAP_THEME") or cfg.theme
    model = getattr(args, "voice_model", None) or os.environ.get("MLE2MAP_VOICE_MODEL", "").strip()
    model = str(Path(model).expanduser().resolve()) if model else (
        str((ROOT / cfg.voice_model).resolve()) if cfg.voice_model else "")
    story = getattr(args, "story", None)
    return RenderSettings(preset(args.quality or cfg.quality), voice.strip().lower(), theme.strip().lower(), model,
                          str(Path(story).expanduser().resolve()) if story else str(active_story()))


def select(args: argparse.Namespace) -> tuple[list[ChapterJob], list[str]]:
    """The chapters ``--chapters`` names (default all) that exist, and a note for each missing one."""
    from scenes.chapters import CHAPTERS, by_slug

    chosen = CHAPTERS
    if args.chapters:
        chosen = tuple(by_slug(s.strip()) for s in args.chapters.split(",") if s.strip())
        if not chosen:
            raise ValueError("--chapters must name at least one chapter")
    ready, missing = split_available(from_chapters(chosen))
    notes = [f"missing chapter {m.slug}: {m.reason}" for m in missing]
    if missing and args.strict:
        raise ValueError("; ".join(notes))
    if not ready:
        raise ValueError("no chapter module exists yet: " + "; ".join(notes))
    return ready, notes


def render_selected(args: argparse.Namespace, settings: RenderSettings, media: Path) -> list[ChapterRender]:
    """Render the chosen chapters (cached unless ``--force``), printing progress and a summary table."""
    jobs, notes = select(args)
    for note in notes:
        print(f"  ! {note}")
    q = settings.quality
    renderer = Renderer(settings, media, args.jobs, force=args.force)
    story = f", story {settings.story_slug}" if settings.story_slug else ""
    print(f"Rendering {len(jobs)} chapter(s) at {q.label} ({q.width}x{q.height}), voice={settings.voice}, "
          f"theme={settings.theme}{story}, {renderer.jobs} at a time")
    renders = renderer.render(jobs)
    print()
    print(summary_table(renders))
    return renders


def file_size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"
