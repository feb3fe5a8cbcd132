"""``mle2map thumbnail``: a look at the 1280x720 thumbnail in media/thumbnail.png (media/thumbnail-<story-slug>.png
for a story other than the shipped one; each package makes its own)."""

from __future__ import annotations

import argparse
from pathlib import Path

from production.commands.selection import file_size, select
from production.config import VideoConfig, display_path
from production.rendering.renderer import Renderer, RenderSettings, render_root


def run(args: argparse.Namespace, cfg: VideoConfig, settings: RenderSettings, media: Path) -> None:
    """The ThumbnailScene still when it exists (no chapter render needed), else a frame of the first chapter."""
    from production.packaging.thumbnail import default_still, make_thumbnail

    still = default_still()
    first = None
    if still is None:
        jobs, _ = select(args)
        first = Renderer(settings, media, args.jobs).render(jobs[:1])[0]
    out = media / (f"thumbnail-{settings.story_slug}.png" if settings.story_slug else "thumbnail.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    origin = make_thumbnail(out, first.video if first else None, first.duration if first else 0.0,
                            render_root(media, settings) / "work" / "thumbnail", settings.env(), still)
    print(f"{display_path(out)} ({file_size(out)}) from {origin}")
