"""``mle2map render``: render the chosen chapters only (cached), without packaging them."""

from __future__ import annotations

import argparse
from pathlib import Path

from production.commands.selection import render_selected
from production.config import VideoConfig
from production.rendering.renderer import RenderSettings


def run(args: argparse.Namespace, cfg: VideoConfig, settings: RenderSettings, media: Path) -> None:
    render_selected(args, settings, media)
