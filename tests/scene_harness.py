"""Build a chapter scene quickly (tiny frame, no video written) and capture its state at each beat end."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from manim import tempconfig

from scenes.base import ChapterScene


def run_scene(cls: type[ChapterScene], probe: Callable[[ChapterScene, str], Any], tmp: Path,
              dry_run: bool = True) -> tuple[ChapterScene, dict[str, Any]]:
    """Render ``cls`` silently; ``probe(scene, beat)`` runs at every beat end and its results are returned."""
    os.environ["MLE2MAP_VOICE"] = "none"
    states: dict[str, Any] = {}

    def hook(scene: ChapterScene, key: str) -> None:
        if isinstance(scene, cls):
            states[key] = probe(scene, key)

    ChapterScene.beat_end_hooks.append(hook)
    try:
        with tempconfig({"dry_run": dry_run, "pixel_width": 192, "pixel_height": 108, "frame_rate": 6,
                         "media_dir": str(tmp), "disable_caching": True, "write_to_movie": not dry_run,
                         "verbosity": "ERROR", "progress_bar": "none"}):
            scene = cls()
            scene.render()
    finally:
        ChapterScene.beat_end_hooks.remove(hook)
    return scene, states


def coords(axes, mobject_point: np.ndarray) -> np.ndarray:
    """Scene point back to axis coordinates."""
    return np.asarray(axes.p2c(mobject_point))
