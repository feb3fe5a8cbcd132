"""Reproducible render benchmark (``python -m production.bench``, ``make bench``) -> benchmarks/results.json.

Figures, each the median of ``--runs`` runs:
  * whole video: wall time of ``production.cli render`` (chapters) and ``video`` (plus the final encode) at
    preview and hd, divided by the video's duration (real-time factor), and a no-change re-run of ``video``;
  * per chapter at 1080p60, each render in a fresh child process: frames per second, peak memory of that
    process (wait4 rusage), and the per-frame split into animation + updaters + mathcore, rasterising and
    encoding (Manim's frame loop wrapped with timers, see production.bench.instruments);
  * the frame limit of each chapter: its recorded frames rasterised and encoded again with no animation,
    updater or mathcore work, and the ratio of the real per-frame cost to that limit;
  * scaling: one chapter at 15, 30 and 60 fps;
  * voice: per chapter, Piper's and espeak's synthesis real-time factor from an empty cache, the re-run that
    synthesises nothing, pocketsphinx's word error rate, the silent estimate's error per beat (voice.py);
  * video: ``make video`` from a cold start and warm (``--force``), with the share of the run per stage, the
    packaging after the last chapter and the upload file (pipeline.py);
  * quality: SSIM and PSNR of a sample of each chapter against a lossless render of the same frames
    (encode_quality.py); pacing: each chapter's stills by ffmpeg freezedetect (production/bench/pacing.py);
  * memory at 4K: one chapter's peak resident memory at 3840x2160@60;
  * the targets of issues #12 and #13 (targets.py), printed last and stored as ``targets_table``.
A child mode (``--child``) renders one scene in-process; the parent only starts children and reports.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from production import lifetime
from production.bench.figures import ChapterFigures, FrameCosts, QualityFigures, Results, VideoFigures
from production.config import ROOT

RESULTS = ROOT / "benchmarks" / "results.json"
BENCH_MEDIA = ROOT / "media" / "bench"
QUICK_CHAPTERS = ("ch05_prior", "ch07_algebra")
SCALING_CHAPTER = "ch05_prior"
SCALING_FPS = (15, 30, 60)
SECTIONS = ("chapters", "scaling", "voice", "video", "quality", "pacing", "4k")
MEMORY_4K_CHAPTER = "ch07_algebra"
SAMPLE_SECONDS = 6.0


def _positive(name: str, value: int, hi: int) -> int:
    if not 1 <= value <= hi:
        raise ValueError(f"{name} must be within 1..{hi}, got {value}")
    return value


# ---------------------------------------------------------------- child: one scene in this process
def _stock_manim() -> None:
    """Undo the project's speed-ups (camera paths, what the camera draws, frames handed over, partial writer,
    light-copy readouts, family walks, shared glyph paths in copies) for a before/after table."""
    import scenes.base  # noqa: F401  (its import installs the fast family walks and copies, undone just below)
    from scenes import fast_copy, fast_family, fast_render, parts

    fast_family.uninstall()
    fast_copy.uninstall()
    # Deleting the overrides (rather than assigning Manim's functions) keeps the benchmark's timers, which wrap
    # the base classes, in the path.
    del fast_render.FastPartialWriter.open_partial_movie_stream
    del fast_render.FastPartialWriter.close_partial_movie_stream
    del fast_render.FastCamera.set_cairo_context_path
    del fast_render.FastCamera.get_mobjects_to_display
    del fast_render.FastCamera.type_or_raise
    del fast_render.FastRenderer.get_frame
    del parts.FastDecimal._string_to_mob


def _child(args: argparse.Namespace) -> int:
    from manim import config

    from production.bench import instruments
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    config.update({
        "pixel_width": args.width, "pixel_height": args.height, "frame_rate": args.fps,
        "media_dir": str(Path(args.media_dir).resolve()), "video_dir": str(out), "images_dir": str(out),
        "partial_movie_dir": str(out / "partial"), "output_file": str(out / "scene"),
        "disable_caching": True, "verbosity": "WARNING", "progress_bar": "none", "write_to_movie": True,
    })
    if args.child == "plays":  # every animation skipped: only their times
        config.update({"write_to_movie": False, "from_animation_number": 10**9})
    elif args.first_play is not None:
        config.update({"from_animation_number": args.first_play, "upto_animation_number": args.last_play})
    if args.baseline:
        _stock_manim()
    import importlib

    scene_cls = getattr(importlib.import_module(args.module), args.scene)
    result: dict[str, object] = {"width": args.width, "height": args.height, "fps": args.fps}
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    if args.child == "plays":
        result["plays"] = _play_times(scene_cls)
    elif args.child == "timed":
        timers = instruments.Timers()
        with timers.installed():
            scene = scene_cls()
            built = time.perf_counter()
            scene.render()
        wall = time.perf_counter() - start
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        result.update(wall=wall, init=built - start, frames=timers.frames, encoded=timers.encoded,
                      cpu=(cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
                      stages=timers.seconds, video=str(out / "scene.mp4"))
        if args.keep:
            os.replace(out / "scene.mp4", args.keep)
            result["kept"] = args.keep
    else:
        recorder = instruments.Recorder()
        with recorder.installed():
            scene = scene_cls()
            scene.render()
        result.update(record_wall=time.perf_counter() - start, frames=recorder.frames,
                      snapshots=len(recorder.snapshots), snapshot_mib=recorder.snapshot_bytes / 2**20)
        replays, cpus = [], []
        for i in range(args.replays):
            before = resource.getrusage(resource.RUSAGE_SELF)
            seconds, frames = instruments.replay(recorder.events, scene.renderer.camera,
                                                 scene.renderer.file_writer, out / f"replay{i}")
            after = resource.getrusage(resource.RUSAGE_SELF)
            replays.append(seconds)
            cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
            shutil.rmtree(out / f"replay{i}", ignore_errors=True)
        result.update(replays=replays, replay_cpu=cpus, replay_frames=frames)
    tmp = Path(args.json).with_suffix(".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    os.replace(tmp, args.json)
    return 0


def _play_times(scene_cls: type) -> list[tuple[float, float]]:
    """(start, end) scene time of every play (animation or wait) of one render of ``scene_cls``."""
    from manim.renderer.cairo_renderer import CairoRenderer

    plays: list[tuple[float, float]] = []
    original = CairoRenderer.play

    def play(renderer: CairoRenderer, scene: object, *args: object, **kwargs: object) -> None:
        start = renderer.time
        original(renderer, scene, *args, **kwargs)
        plays.append((start, renderer.time))

    CairoRenderer.play = play
    try:
        scene_cls().render()
    finally:
        CairoRenderer.play = original
    return plays


# ---------------------------------------------------------------- parent: children, medians, tables
def _seed_tex(slug: str, media: Path) -> None:
    """Give a chapter's bench media dir the TeX cache of the normal renders (warm TeX, as `make video` has)."""
    src = ROOT / "media" / "render" / "work" / slug / "Tex"
    dst = media / "Tex"
    if src.is_dir() and not dst.exists():
        shutil.copytree(src, dst)


def run_child(mode: str, module: str, scene: str, size: tuple[int, int, int], media: Path,
              replays: int = 1, env: dict[str, str] | None = None, baseline: bool = False,
              plays: tuple[int, int] | None = None, keep: Path | None = None) -> dict:
    """Render ``module.scene`` in a fresh process; its JSON result plus peak_mib (max RSS of that process).

    ``plays`` (first, last) renders only those animations (Manim's ``-n``); ``keep`` is where a timed child
    moves its video (else it goes with the child's scratch folder)."""
    width, height, fps = size
    media.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media, prefix="run-") as tmp:
        out_json = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "production.bench", "--child", mode, "--module", module, "--scene", scene,
               "--width", str(width), "--height", str(height), "--fps", str(fps), "--media-dir", str(media),
               "--out", str(Path(tmp) / "out"), "--json", str(out_json), "--replays", str(replays)]
        if baseline:
            cmd.append("--baseline")
        if plays is not None:
            cmd += ["--first-play", str(plays[0]), "--last-play", str(plays[1])]
        if keep is not None:
            cmd += ["--keep", str(Path(keep).resolve())]
        child_env = {**os.environ, "MLE2MAP_VOICE": "none", **(env or {})}
        log = Path(tmp) / "log.txt"
        with log.open("w") as handle, lifetime.popen(cmd, cwd=ROOT, env=child_env, stdout=handle,
                                                     stderr=subprocess.STDOUT) as proc:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0 or not out_json.is_file():
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            raise RuntimeError(f"benchmark child {mode} {scene} failed ({proc.returncode}):\n{tail}")
        result = json.loads(out_json.read_text(encoding="utf-8"))
        if mode == "timed":
            from production.probe import frame_count_and_rate
            result["file_frames"] = frame_count_and_rate(Path(result.get("kept") or result["video"]))[0]
    result["peak_mib"] = usage.ru_maxrss / 1024.0
    return result


def _median(values: list[float]) -> float:
    return float(statistics.median(values))


def chapter_figures(module: str, scene: str, slug: str, size: tuple[int, int, int], runs: int,
                    media: Path, limit: bool = True, baseline: bool = False) -> ChapterFigures:
    """Medians over ``runs`` timed renders of one chapter, and its frame limit from one recorded render."""
    chapter_media = media / slug
    _seed_tex(slug, chapter_media)
    timed = [run_child("timed", module, scene, size, chapter_media, baseline=baseline) for _ in range(runs)]
    frames = timed[0]["frames"]
    wall = _median([t["wall"] for t in timed])
    cpu_ms_per_frame = 1e3 * _median([t["cpu"] for t in timed]) / frames
    stages = {}
    for key in timed[0]["stages"]:
        stages[key] = 1e3 * _median([t["stages"][key] for t in timed]) / frames
    stages["interpolate"] = stages["animate"] - stages["updaters"]
    total = 1e3 * wall / frames
    costs = FrameCosts(total=total, updaters_mathcore=stages["updaters"], interpolate=stages["interpolate"],
                       raster=stages["raster"], encode_thread=stages["encode"], encode_cpu=stages["encode_cpu"],
                       encode_wait=stages["encode_wait"], begin=stages["begin"],
                       other=total - stages["animate"] - stages["raster"] - stages["encode_wait"] - stages["begin"])
    limits: dict[str, float | int] = {}
    if limit:
        rec = run_child("record", module, scene, size, chapter_media, replays=runs, baseline=baseline)
        limit_ms = 1e3 * _median(rec["replays"]) / rec["replay_frames"]
        limit_cpu_ms = 1e3 * _median(rec["replay_cpu"]) / rec["replay_frames"]
        limits = {"limit_ms_per_frame": limit_ms, "limit_ratio": total / limit_ms,
                  "limit_cpu_ms_per_frame": limit_cpu_ms, "limit_cpu_ratio": cpu_ms_per_frame / limit_cpu_ms,
                  "limit_frames": rec["replay_frames"], "snapshot_mib": rec["snapshot_mib"]}
    return ChapterFigures(frames=frames, file_frames=timed[0]["file_frames"], runs=runs,
                          video_seconds=frames / size[2], wall_s=wall, fps=frames / wall,
                          rtf=wall / (frames / size[2]), peak_mib=max(t["peak_mib"] for t in timed),
                          cpu_ms_per_frame=cpu_ms_per_frame, init_s=_median([t["init"] for t in timed]),
                          ms_per_frame=costs, **limits)


def quality_figures(chosen: list, size: tuple[int, int, int], media: Path, seconds: float) -> QualityFigures:
    """SSIM/PSNR of each chapter's middle ``seconds`` against the lossless render of the same frames."""
    from production.bench import encode_quality
    per_chapter = {}
    for ch in chosen:
        print(f"  {ch.slug}: delivery and lossless sample", flush=True)
        _seed_tex(ch.slug, media / ch.slug)
        per_chapter[ch.slug] = encode_quality.chapter_sample(ch.module, ch.scene, size, media / ch.slug, seconds)
    return QualityFigures(size=list(size), sample_seconds=seconds, chapters=per_chapter,
                          summary=encode_quality.summary(per_chapter))


def pacing_figures(slugs: list[str], folder: Path) -> dict:
    """production.bench.pacing on each chapter render in ``folder`` (missing ones are listed, not measured)."""
    from production.bench import pacing
    chapters, missing = {}, []
    for slug in slugs:
        video = folder / f"{slug}.mp4"
        if not video.is_file():
            missing.append(slug)
            continue
        p = pacing.measure(video)
        exempt = pacing.card_exemptions(slug)
        broken = pacing.check(p, **exempt)
        chapters[slug] = {**p.as_dict(), "share_ok": p.share <= pacing.MAX_SHARE,
                          "longest_ok": not any(" still " in line for line in broken), "broken": broken}
    return {"folder": str(folder), "chapters": chapters, "missing": missing}


def memory_4k_figures(ch: object, media: Path) -> dict:
    """Peak resident memory of one chapter rendered at 3840x2160@60 in a fresh process."""
    _seed_tex(ch.slug, media / ch.slug)
    result = run_child("timed", ch.module, ch.scene, (3840, 2160, 60), media / ch.slug)
    return {"chapter": ch.slug, "size": [3840, 2160, 60], "peak_mib": result["peak_mib"], "wall_s": result["wall"],
            "frames": result["frames"]}


def scaling_figures(module: str, scene: str, slug: str, runs: int, media: Path, width: int, height: int,
                    rates: tuple[int, ...] = SCALING_FPS) -> dict:
    rows = {}
    for fps in rates:
        fig = chapter_figures(module, scene, slug, (width, height, fps), runs, media, limit=False)
        rows[str(fps)] = {"frames": fig.frames, "wall_s": fig.wall_s, "ms_per_frame": fig.ms_per_frame.total,
                          "init_s": fig.init_s}
    base = rows[str(rates[0])]
    for row in rows.values():
        row["wall_vs_frames"] = (row["wall_s"] / base["wall_s"]) / (row["frames"] / base["frames"])
    return {"chapter": slug, "size": [width, height], "rows": rows}


def machine() -> dict:
    load = os.getloadavg()
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "load_at_start": [round(x, 2) for x in load]}


def _fmt(value: object, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def table(results: Results) -> str:
    """Plain-text tables of the figures in ``results`` (what `make bench` prints and the README shows)."""
    lines = []
    for quality, row in (results.video or {}).items():
        lines += _video_lines(quality, row)
    chapters, other = results.chapters, results.other
    if chapters:
        head = ("chapter", "frames", "fps", "x real", "peak MiB", "ms/frame", "cpu ms", "upd+math", "interp",
                "raster", "encode", "limit", "ratio", "cpu ratio")
        rows = [head]
        entries = []
        for slug, c in chapters.items():
            entries.append((slug, c))
            if c.stock is not None:
                entries.append((f"{slug} (stock)", c.stock))
        for slug, c in entries:
            ms = c.ms_per_frame
            rows.append((slug, str(c.frames), _fmt(c.fps, ".1f"), _fmt(c.rtf), _fmt(c.peak_mib, ".0f"),
                         _fmt(ms.total, ".1f"), _fmt(c.cpu_ms_per_frame, ".1f"), _fmt(ms.updaters_mathcore, ".1f"),
                         _fmt(ms.interpolate, ".1f"), _fmt(ms.raster, ".1f"), _fmt(ms.encode_thread, ".1f"),
                         _fmt(c.limit_ms_per_frame, ".1f"), _fmt(c.limit_ratio), _fmt(c.limit_cpu_ratio)))
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        for i, r in enumerate(rows):
            lines.append("  ".join(cell.rjust(w) if j else cell.ljust(w) for j, (cell, w) in
                                   enumerate(zip(r, widths, strict=True))))
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
    scaling = other.get("scaling")
    if scaling:
        lines.append(f"scaling of {scaling['chapter']} at {scaling['size'][0]}x{scaling['size'][1]}:")
        for fps, row in scaling["rows"].items():
            lines.append(f"  {fps:>3} fps: {row['frames']} frames, {row['wall_s']:.1f} s, "
                         f"{row['ms_per_frame']:.1f} ms/frame, wall/frames vs lowest rate {row['wall_vs_frames']:.2f}")
    from production.bench.voice import voice_table

    lines += voice_table({k: v for k, v in other.get("voice", {}).items() if k != "measured"})
    lines += _quality_lines(results.quality)
    lines += _pacing_lines(other.get("pacing"))
    if other.get("memory_4k"):
        m = other["memory_4k"]
        lines.append(f"4K: {m['chapter']} peak {m['peak_mib']:.0f} MiB ({m['frames']} frames in {m['wall_s']:.0f} s)")
    from production.bench.targets import format_table

    if other.get("targets_table"):
        lines += ["", "targets (issues #12, #13):", format_table(other["targets_table"])]
    return "\n".join(lines)


def _video_lines(quality: str, row: VideoFigures) -> list[str]:
    lines = []
    for name in ("cold", "warm", "rerun"):
        fig = row.run(name)
        if not fig:
            continue
        rtf = "-" if fig.rtf is None else f"{fig.rtf:.2f}x"
        shares = " ".join(f"{k} {v:.0%}" for k, v in fig.shares.items())
        upload = f", upload {fig.upload_mb:.0f} MB" if fig.upload_mb is not None else ""
        lines.append(f"make video @{quality} {name}: {fig.wall_s:.0f} s for {fig.video_seconds:.0f} s of video "
                     f"({rtf}), {fig.chapters_rendered} chapters rendered, packaging after the last chapter "
                     f"{fig.packaging_after_last_chapter_s:.0f} s{upload}")
        if fig.chapters_rendered:
            peak = fig.peak_mib_per_worker or 0.0
            lines.append(f"    shares of the run: {shares}; encode CPU {fig.encode_cpu_s:.0f} s of "
                         f"{fig.worker_cpu_s:.0f} s in the workers; peak {peak:.0f} MiB per worker")
    return lines


def _quality_lines(quality: QualityFigures | None) -> list[str]:
    if not quality or not quality.chapters or not quality.size or quality.summary is None:
        return []
    width, height, fps = quality.size
    lines = [f"delivery encode vs lossless, {quality.sample_seconds:g} s around the middle of each chapter "
             f"at {width}x{height}@{fps}:"]
    for slug, c in quality.chapters.items():
        lines.append(f"  {slug:<24} SSIM {c.ssim:.5f}  PSNR {c.psnr_db:6.2f} dB  {c.frames:>5} frames  "
                     f"{c.delivery_mbps:.2f} Mbit/s")
    summary = quality.summary
    lines.append(f"  worst: SSIM {summary.min_ssim:.5f}, PSNR {summary.min_psnr_db:.2f} dB "
                 f"(target SSIM >= {summary.ssim_target})")
    return lines


def _pacing_lines(pacing_results: dict | None) -> list[str]:
    if not pacing_results or not pacing_results.get("chapters"):
        return []
    from production.bench import pacing
    lines = [f"pacing of {pacing_results['folder']} (freezedetect n={pacing.NOISE}, d={pacing.MIN_STILL:g}):"]
    rows = []
    for slug, c in pacing_results["chapters"].items():
        p = pacing.Pacing(Path(slug), c["runtime_s"], tuple(tuple(x) for x in c["stills"]))
        rows.append((slug, p, c["broken"]))
    lines += ["  " + line for line in pacing.table(rows).splitlines()]
    lines += [f"    {line}" for _, _, broken in rows for line in broken]
    if pacing_results.get("missing"):
        lines.append(f"  not rendered: {', '.join(pacing_results['missing'])}")
    return lines


def write_results(results: Results, path: Path) -> None:
    """``results`` to ``path``, atomically (:meth:`Results.to_file`)."""
    results.to_file(path)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m production.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3, help="runs per figure; medians are reported (default 3)")
    p.add_argument("--quick", action="store_true", help=f"quick look: chapters {', '.join(QUICK_CHAPTERS)}, one run "
                   "each, no whole video, no scaling, no 4K, 2 s quality samples at 854x480@15")
    p.add_argument("--chapters", help="comma-separated chapter numbers or slugs of the per-chapter and voice "
                   "figures (default: all)")
    p.add_argument("--video-chapters", help="chapters of the whole-video, quality and pacing figures (default: all, "
                   "the complete video)")
    p.add_argument("--size", default="1920x1080@60", help="chapter figures' WIDTHxHEIGHT@FPS (default 1920x1080@60)")
    p.add_argument("--only", help=f"run only these sections (comma-separated: {', '.join(SECTIONS)}); "
                   "the same as --no-... for all the others")
    p.add_argument("--no-chapters", action="store_true", help="skip the per-chapter figures")
    p.add_argument("--no-video", action="store_true", help="skip the whole-video figures (make video cold and warm)")
    p.add_argument("--no-scaling", action="store_true", help="skip the 15/30/60 fps scaling figures")
    p.add_argument("--no-limit", action="store_true", help="skip the frame-limit replays")
    p.add_argument("--no-voice-figures", action="store_true",
                   help="skip the voice figures (synthesis speed, word error rate, silent-estimate error)")
    p.add_argument("--no-quality", action="store_true", help="skip SSIM/PSNR of the delivery encode against lossless")
    p.add_argument("--no-pacing", action="store_true", help="skip the freezedetect pacing figures")
    p.add_argument("--no-4k", action="store_true", help="skip the 4K peak-memory figure")
    p.add_argument("--video-qualities", default="hd", help="qualities of the whole-video figures (default hd)")
    p.add_argument("--video-voice", default="", help="voice of the whole-video runs (default: video.toml's, as "
                   "make video; 'none' for silent)")
    p.add_argument("--quality-size", default="1920x1080@60",
                   help="WIDTHxHEIGHT@FPS of the quality samples (default 1920x1080@60, the hd delivery)")
    p.add_argument("--sample-seconds", type=float, default=SAMPLE_SECONDS,
                   help=f"seconds around the middle of each chapter in the quality sample (default {SAMPLE_SECONDS:g})")
    p.add_argument("--pacing-dir", type=Path, help="chapter renders to measure the pacing of (default: those of "
                   "this run's hd make video, else media/render/hd)")
    p.add_argument("--memory-4k-chapter", default=MEMORY_4K_CHAPTER,
                   help=f"chapter rendered at 4K for the peak-memory figure (default {MEMORY_4K_CHAPTER})")
    p.add_argument("-j", "--jobs", type=int, default=0, help="parallel chapter renders for the whole video")
    p.add_argument("--out", type=Path, default=RESULTS, help="results JSON (default benchmarks/results.json)")
    p.add_argument("--update", action="store_true", help="keep the figures of --out that this run does not measure")
    p.add_argument("--media", type=Path, default=BENCH_MEDIA, help="scratch media dir (default media/bench)")
    p.add_argument("--child", choices=("timed", "record", "plays"), help=argparse.SUPPRESS)
    for name in ("--first-play", "--last-play"):
        p.add_argument(name, type=int, help=argparse.SUPPRESS)
    p.add_argument("--keep", help=argparse.SUPPRESS)
    p.add_argument("--compare", action="store_true", help="also measure each chapter with stock Manim's writer "
                   "and readouts (the speed-ups undone), for a before/after table")
    p.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    for name in ("--module", "--scene", "--media-dir", "--json"):
        p.add_argument(name, help=argparse.SUPPRESS)
    for name in ("--width", "--height", "--fps", "--replays"):
        p.add_argument(name, type=int, default=1, help=argparse.SUPPRESS)
    return p


def parse_size(text: str) -> tuple[int, int, int]:
    try:
        dims, fps = text.split("@")
        width, height = (int(v) for v in dims.lower().split("x"))
        rate = int(fps)
    except ValueError:
        raise ValueError(f"--size must look like 1920x1080@60, got {text!r}") from None
    _positive("--size width", width, 7680)
    _positive("--size height", height, 4320)
    _positive("--size fps", rate, 120)
    if width % 2 or height % 2:
        raise ValueError(f"--size width and height must be even, got {width}x{height}")
    return width, height, rate


def _skipped(args: argparse.Namespace) -> set[str]:
    """The sections this run leaves out, from --only, --no-... and --quick."""
    flags = {"chapters": args.no_chapters, "scaling": args.no_scaling, "voice": args.no_voice_figures,
             "video": args.no_video, "quality": args.no_quality, "pacing": args.no_pacing, "4k": args.no_4k}
    skipped = {name for name, off in flags.items() if off}
    if args.only:
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        unknown = wanted - set(SECTIONS)
        if unknown or not wanted:
            raise ValueError(f"--only takes sections among {', '.join(SECTIONS)}, got {args.only!r}")
        skipped |= set(SECTIONS) - wanted
    if args.quick:
        skipped |= {"video", "scaling", "4k"}
    return skipped


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.child:
        return _child(args)
    from scenes.chapters import CHAPTERS, by_slug

    _positive("--runs", args.runs, 50)
    size = parse_size(args.size)
    quality_size = parse_size("854x480@15" if args.quick else args.quality_size)
    sample_seconds = 2.0 if args.quick else args.sample_seconds
    if not 0 < sample_seconds <= 600:
        raise ValueError(f"--sample-seconds must be within 0..600, got {sample_seconds:g}")
    skipped = _skipped(args)
    chosen = [by_slug(s.strip()) for s in args.chapters.split(",")] if args.chapters else list(CHAPTERS)
    whole = [by_slug(s.strip()) for s in args.video_chapters.split(",")] if args.video_chapters else list(CHAPTERS)
    runs = args.runs
    if args.quick:
        chosen, whole, runs = [by_slug(s) for s in QUICK_CHAPTERS], [by_slug(s) for s in QUICK_CHAPTERS], 1
    qualities = [q.strip() for q in args.video_qualities.split(",") if q.strip()]
    from production.quality import preset

    for quality in qualities:
        preset(quality)
    results = Results.from_file(args.out) if args.update and args.out.is_file() else Results()
    section = {"machine": machine(), "size": list(size), "runs": runs,
               "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    other = results.other
    other.pop("targets", None)  # the old target dict; targets_table replaces it
    other.update(section)
    started = time.perf_counter()
    for ch in [] if "chapters" in skipped else chosen:
        print(f"chapter {ch.slug} at {size[0]}x{size[1]}@{size[2]} ({runs} run(s))", flush=True)
        fig = replace(chapter_figures(ch.module, ch.scene, ch.slug, size, runs, args.media, limit=not args.no_limit),
                      measured=section)
        if args.compare:
            print("  the same with stock Manim (--compare)", flush=True)
            fig = replace(fig, stock=chapter_figures(ch.module, ch.scene, ch.slug, size, runs, args.media,
                                                     limit=not args.no_limit, baseline=True))
        results.chapters[ch.slug] = fig
        write_results(results, args.out)
    if "scaling" not in skipped:
        ch = by_slug(SCALING_CHAPTER)
        print(f"scaling {ch.slug} at {SCALING_FPS} fps", flush=True)
        other["scaling"] = {**scaling_figures(ch.module, ch.scene, ch.slug, runs, args.media, size[0], size[1]),
                            "measured": section}
        write_results(results, args.out)
    if "voice" not in skipped:
        from production.bench.voice import voice_figures

        print("voice figures (piper and espeak, empty caches)", flush=True)
        other["voice"] = {**voice_figures([ch.slug for ch in chosen], args.media), "measured": section}
        write_results(results, args.out)
    if "video" not in skipped:
        from production.bench.pipeline import video_figures

        results.video = results.video if args.update and results.video is not None else {}
        only = ",".join(ch.slug for ch in whole) if args.video_chapters or args.quick else ""
        for quality in qualities:
            print(f"whole video at {quality}: make video cold, warm (--force), unchanged", flush=True)
            results.video[quality] = replace(video_figures(quality, args.jobs, args.media / "video" / quality,
                                                           args.video_voice, only), measured=section)
            write_results(results, args.out)
    if "quality" not in skipped:
        print(f"quality: {sample_seconds:g} s of each chapter, delivery encode against lossless", flush=True)
        results.quality = replace(quality_figures(whole, quality_size, args.media / "quality", sample_seconds),
                                  measured=section)
        write_results(results, args.out)
    if "pacing" not in skipped:
        folder = args.pacing_dir or next((d for d in (args.media / "video" / "hd" / "render" / "hd",
                                                      ROOT / "media" / "render" / "hd") if d.is_dir()), None)
        if folder is None:
            print("pacing: no hd chapter renders to measure (run the video section or give --pacing-dir)")
        else:
            print(f"pacing of the chapter renders in {folder}", flush=True)
            other["pacing"] = {**pacing_figures([ch.slug for ch in whole], folder), "measured": section}
            write_results(results, args.out)
    if "4k" not in skipped:
        ch = by_slug(args.memory_4k_chapter)
        print(f"peak memory of {ch.slug} at 3840x2160@60", flush=True)
        other["memory_4k"] = {**memory_4k_figures(ch, args.media / "4k"), "measured": section}
        write_results(results, args.out)
    from production.bench.targets import targets_table

    other["targets_table"] = targets_table(results)
    other["machine"]["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    other["bench_seconds"] = time.perf_counter() - started
    write_results(results, args.out)
    print()
    print(table(results))
    print(f"\n{args.out} written in {other['bench_seconds']:.0f} s")
    return 0


def entry() -> int:
    """``main`` with a user's mistake (a ValueError) as one line on stderr and exit code 2."""
    try:
        return main()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(entry())
