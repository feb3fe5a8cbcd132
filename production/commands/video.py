"""``mle2map video``: render every chapter (cached) and assemble the YouTube package in media/final/."""

from __future__ import annotations

import argparse
from pathlib import Path

from production.commands.selection import file_size, render_selected
from production.config import VideoConfig, display_path
from production.rendering.renderer import RenderSettings, render_root


def run(args: argparse.Namespace, cfg: VideoConfig, settings: RenderSettings, media: Path) -> None:
    from production.packaging.assemble import Assembler

    renders = render_selected(args, settings, media)
    print("\nAssembling the YouTube package")
    package = Assembler(settings, cfg, media, strict=args.strict).run(renders)
    for note in package.notes:
        print(f"  ! {note}")
    print(f"\nDone. Everything for the upload is in {display_path(package.video.parent)}/:")
    for path in package.files():
        print(f"  {display_path(path)}  ({file_size(path)})")
    root = render_root(media, settings)
    print(f"Chapter renders: {display_path(root / settings.quality.name)}/, logs: {display_path(root / 'logs')}/")
