"""The whole pipeline for ``make bench``: ``make video`` timed from a cold start and warm (issue #13).

Each run is ``python -m production.cli video`` in a fresh process with ``MLE2MAP_MEDIA`` pointing at the
bench's own folder, so the user's ``media/`` and its caches are never read or touched:

* ``cold``: the folder emptied first, so the chapter renders, the TeX cache (``render/work/<chapter>/Tex``)
  and the voice cache (``render/work/<chapter>/voiceovers``) all start empty, as on a fresh clone;
* ``warm``: again with ``--force``: every chapter renders again, TeX and voice come from their caches;
* ``rerun``: again with nothing changed (the render and package caches hit).

:func:`run_figures` reads what a run left: each chapter's manifest entry (its render time, its stage times from
production/rendering/stages.py, and ``rendered_at``, when it was moved into place) and the package (the upload file).
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import time
from pathlib import Path

from production import lifetime
from production.bench.figures import VideoFigures, VideoRun
from production.config import ROOT
from production.rendering import cache
from production.rendering.stages import STAGES

#: Shares of a run's wall time: the chapter stages, each worker's start-up (process start, imports, and the
#: renderer's checks of the finished file), what follows the last chapter, and the rest.
SHARES = (*STAGES, "startup", "assembly", "other")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command(quality: str, jobs: int, force: bool, voice: str = "", chapters: str = "") -> list[str]:
    """``production.cli video`` as ``make video`` runs it; ``voice`` '' keeps video.toml's voice."""
    cmd = [sys.executable, "-m", "production.cli", "video", "--quality", quality, "-j", str(jobs)]
    if voice == "none":
        cmd.append("--no-voice")
    elif voice:
        cmd += ["--voice", voice]
    if chapters:
        cmd += ["--chapters", chapters]
    if force:
        cmd.append("--force")
    return cmd


def timed_run(cmd: list[str], media: Path) -> dict[str, float]:
    """Run ``cmd`` with its media in ``media``; wall seconds, start and end (epoch) and its CPU seconds (all
    the processes it started: workers, LaTeX, ffmpeg)."""
    env = {k: v for k, v in os.environ.items() if k != "MLE2MAP_LOSSLESS"}
    env["MLE2MAP_MEDIA"] = str(media)
    cpu, started, clock = _children_cpu(), time.time(), time.perf_counter()
    proc = lifetime.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall, ended = time.perf_counter() - clock, time.time()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:])} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n"
                           f"{proc.stderr[-2000:]}")
    return {"wall_s": wall, "started": started, "ended": ended, "cpu_s": _children_cpu() - cpu}


def upload_file(media: Path, quality: str) -> tuple[Path, float] | None:
    """The newest package's video at ``quality`` and its duration (package.json), or None."""
    from production.packaging import package
    found = []
    for manifest in (media / "final").glob("*/package.json"):
        pkg = package.load(manifest.parent)
        if pkg is not None and pkg.quality == quality:
            videos = [manifest.parent / name for name in pkg.files if name.endswith(".mp4")]
            if videos and videos[0].is_file():
                found.append((manifest.stat().st_mtime, videos[0], pkg.duration))
    if not found:
        return None
    _, video, duration = max(found)
    return video, float(duration)


def run_figures(media: Path, quality: str, run: dict[str, float]) -> VideoRun:
    """Figures of one finished run in ``media``: real-time factor, the share of its wall time per stage, the
    packaging after the last chapter, CPU, peak memory per worker and the upload file.

    The chapters render ``-j`` at a time, so a stage's share of the run is its share of the workers' summed
    time (as the renderer saw it, start-up included), scaled to the part of the run before the last chapter
    finished; ``assembly`` is everything after it, and ``other`` the rest (the CLI's own start-up and checks,
    and any time a worker slot stood idle)."""
    mine = cache.Manifest.from_file(media / "render" / "manifest.json").at_quality(quality)
    fresh = {slug: e for slug, e in mine.items() if e.rendered_at >= run["started"]}
    wall = run["wall_s"]
    last = max((e.rendered_at for e in fresh.values()), default=None)
    packaging = min(wall, max(0.0, run["ended"] - last)) if last is not None else wall
    # sum(..., 0.0): with no chapter rendered (a cached rerun) the figures are 0.0, as typed, not the int 0
    sums = {stage: sum((e.stages.get(f"{stage}_s", 0.0) for e in fresh.values()), 0.0) for stage in STAGES}
    sums["startup"] = sum((max(0.0, e.render_seconds - e.stages.get("wall_s", e.render_seconds))
                           for e in fresh.values()), 0.0)
    worker_wall = sum(sums.values())
    scale = (wall - packaging) / wall / worker_wall if worker_wall > 0 and wall > 0 else 0.0
    shares = {stage: seconds * scale for stage, seconds in sums.items()}
    shares["assembly"] = packaging / wall if wall > 0 else 0.0
    shares["other"] = max(0.0, 1.0 - sum(shares.values()))
    encode_cpu = sum((e.stages.get("encode_cpu_s", 0.0) for e in fresh.values()), 0.0)
    worker_cpu = sum((e.stages.get("cpu_s", 0.0) for e in fresh.values()), 0.0)
    upload = upload_file(media, quality)
    duration = upload[1] if upload else sum(e.duration for e in mine.values())
    upload_path, upload_mb = (str(upload[0]), upload[0].stat().st_size / 1e6) if upload else (None, None)
    return VideoRun(
        wall_s=round(wall, 2), video_seconds=round(duration, 2), rtf=wall / duration if duration else None,
        chapters_rendered=len(fresh), packaging_after_last_chapter_s=round(packaging, 2),
        packaging_share=shares["assembly"], shares={k: round(v, 4) for k, v in shares.items()},
        stage_seconds={k: round(v, 2) for k, v in sums.items()},
        encode_cpu_s=round(encode_cpu, 2), worker_cpu_s=round(worker_cpu, 2),
        encode_cpu_share=encode_cpu / worker_cpu if worker_cpu else None, cpu_s=round(run["cpu_s"], 2),
        peak_mib_per_worker=max((e.stages.get("peak_mib", 0.0) for e in fresh.values()), default=None),
        per_chapter={slug: {"render_s": e.render_seconds, "video_s": round(e.duration, 2), **e.stages}
                     for slug, e in sorted(fresh.items())},
        upload_file=upload_path, upload_mb=upload_mb)


def video_figures(quality: str, jobs: int, media: Path, voice: str = "", chapters: str = "") -> VideoFigures:
    """Cold, warm (``--force``) and unchanged runs of ``make video`` at ``quality`` in ``media`` (emptied)."""
    shutil.rmtree(media, ignore_errors=True)
    media.mkdir(parents=True)
    runs = {}
    for name, force in (("cold", False), ("warm", True), ("rerun", False)):
        print(f"  make video at {quality}, {name}", flush=True)
        run = timed_run(command(quality, jobs, force, voice, chapters), media)
        runs[name] = run_figures(media, quality, run)
    return VideoFigures(quality=quality, jobs=jobs, voice=voice or "video.toml", **runs)
