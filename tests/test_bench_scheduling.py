"""Longest-first scheduling of chapter renders (production/rendering/renderer.py), added for the render benchmark."""

from __future__ import annotations

from pathlib import Path

from production.quality import preset
from production.rendering.cache import ManifestEntry
from production.rendering.jobs import ChapterJob
from production.rendering.renderer import Renderer, RenderSettings


def _job(slug: str) -> ChapterJob:
    return ChapterJob(1, slug, "S", slug, f"scenes.{slug}", Path(f"/nonexistent/{slug}.py"), None)


def _entry(frames: int, fps: float, render_seconds: float = 0.0) -> ManifestEntry:
    return ManifestEntry("key", frames, fps, 1000, False, render_seconds)


def _order(manifest: dict[str, ManifestEntry]) -> list[str]:
    renderer = Renderer(RenderSettings(preset("hd"), "none"), Path("/nonexistent"), jobs=2)
    jobs = [_job(s) for s in ("a", "b", "c")]
    costs = renderer._schedule_costs(jobs, manifest)
    return [j.slug for _, j in sorted(zip(costs, jobs, strict=True), key=lambda pair: -pair[0])]


def test_previous_render_times_order_the_queue_longest_first() -> None:
    manifest = {f"hd/{s}": _entry(600, 60.0, t) for s, t in
                (("a", 10.0), ("b", 90.0), ("c", 40.0))}
    assert _order(manifest) == ["b", "c", "a"]


def test_without_a_time_for_every_chapter_the_video_length_decides() -> None:
    manifest = {"preview/a": _entry(900, 15.0), "preview/b": _entry(150, 15.0),
                "preview/c": _entry(450, 15.0), "hd/b": _entry(600, 60.0, 500.0)}
    assert _order(manifest) == ["a", "c", "b"]
