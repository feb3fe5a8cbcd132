"""``mle2map contact-sheet``: one still per chapter in media/contact_sheet.png (media/contact_sheet-<story-slug>.png
for a story other than the shipped one)."""

from __future__ import annotations

import argparse
from pathlib import Path

from production.commands.selection import file_size, render_selected
from production.config import VideoConfig, display_path
from production.quality import preset
from production.rendering.renderer import RenderSettings


def run(args: argparse.Namespace, cfg: VideoConfig, settings: RenderSettings, media: Path) -> None:
    """Stills from the chapter renders; at preview quality unless --quality says otherwise (cached renders)."""
    from production.packaging.contact import contact_sheet

    if args.quality is None:
        settings = RenderSettings(preset("preview"), settings.voice, settings.theme, story=settings.story)
    renders = render_selected(args, settings, media)
    name = f"contact_sheet-{settings.story_slug}.png" if settings.story_slug else "contact_sheet.png"
    out = contact_sheet(renders, media / name)
    print(f"{display_path(out)} ({file_size(out)})")
