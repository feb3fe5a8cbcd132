"""``mle2map status``: every chapter of the storyboard, and whether its render at this quality is cached."""

from __future__ import annotations

import argparse
from pathlib import Path

from production.config import VideoConfig
from production.rendering import cache
from production.rendering.jobs import from_chapters, split_available
from production.rendering.renderer import RenderSettings, fmt_clock, render_root


def run(args: argparse.Namespace, cfg: VideoConfig, settings: RenderSettings, media: Path) -> None:
    from scenes.chapters import CHAPTERS

    jobs = from_chapters(CHAPTERS)
    _, missing = split_available(jobs)
    manifest = cache.Manifest.from_file(render_root(media, settings) / "manifest.json")
    why = {m.slug: m.reason for m in missing}
    for job in jobs:
        if job.slug in why:
            print(f"  {job.name:<26} missing: {why[job.slug]}")
            continue
        entry = manifest.entry(settings.quality.name, job.slug)
        fresh = entry is not None and entry.key == cache.chapter_key(job, settings.key_payload())
        state = "cached" if fresh else ("stale" if entry else "not rendered")
        length = f" {fmt_clock(entry.duration)}" if entry else ""
        print(f"  {job.name:<26} {state} at {settings.quality.name}{length}")
