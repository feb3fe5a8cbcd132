"""Reproducible render benchmark (``python -m production.bench``, ``make bench``) -> benchmarks/results.json.

Figures, each the median of ``--runs`` runs:
  * whole video: wall time of ``production.cli render`` (chapters) and ``video`` (plus the final encode) at
    preview and hd, divided by the video's duration (real-time factor), and a no-change re-run of ``video``;
  * per chapter at 1080p60, each render in a fresh child process: frames per second, peak memory of that
    process (wait4 rusage), and the per-frame split into animation + updaters + mathcore, rasterising and
    encoding (Manim's frame loop wrapped with timers, see production.bench_probe);
  * the frame limit of each chapter: its recorded frames rasterised and encoded again with no animation,
    updater or mathcore work, and the ratio of the real per-frame cost to that limit;
  * scaling: one chapter at 15, 30 and 60 fps;
  * voice: per chapter, Piper's and espeak's synthesis real-time factor from an empty cache, the re-run that
    synthesises nothing, pocketsphinx's word error rate, the silent estimate's error per beat (bench_voice).
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
from pathlib import Path

from production import lifetime
from production.config import ROOT

RESULTS = ROOT / "benchmarks" / "results.json"
BENCH_MEDIA = ROOT / "media" / "bench"
QUICK_CHAPTERS = ("ch05_prior", "ch07_algebra")
SCALING_CHAPTER = "ch05_prior"
SCALING_FPS = (15, 30, 60)
TARGETS = {"hd_rtf": 1.0, "preview_rtf": 0.15, "limit_ratio": 1.25, "peak_mib_hd": 1024.0, "peak_mib_4k": 2048.0,
           "cached_rerun_s": 10.0}


def _positive(name: str, value: int, hi: int) -> int:
    if not 1 <= value <= hi:
        raise ValueError(f"{name} must be within 1..{hi}, got {value}")
    return value


# ---------------------------------------------------------------- child: one scene in this process
def _stock_manim() -> None:
    """Undo the project's speed-ups (camera paths, partial writer, light-copy readouts) for a before/after table."""
    from scenes import fast_render, parts

    # Deleting the overrides (rather than assigning Manim's functions) keeps the benchmark's timers, which wrap
    # the base classes, in the path.
    del fast_render.FastPartialWriter.open_partial_movie_stream
    del fast_render.FastPartialWriter.close_partial_movie_stream
    del fast_render.FastCamera.set_cairo_context_path
    del parts.FastDecimal._string_to_mob


def _child(args: argparse.Namespace) -> int:
    from manim import config

    from production import bench_probe

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    config.update({
        "pixel_width": args.width, "pixel_height": args.height, "frame_rate": args.fps,
        "media_dir": str(Path(args.media_dir).resolve()), "video_dir": str(out), "images_dir": str(out),
        "partial_movie_dir": str(out / "partial"), "output_file": str(out / "scene"),
        "disable_caching": True, "verbosity": "WARNING", "progress_bar": "none", "write_to_movie": True,
    })
    if args.baseline:
        _stock_manim()
    import importlib

    scene_cls = getattr(importlib.import_module(args.module), args.scene)
    result: dict[str, object] = {"width": args.width, "height": args.height, "fps": args.fps}
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    if args.child == "timed":
        timers = bench_probe.Timers()
        with timers.installed():
            scene = scene_cls()
            built = time.perf_counter()
            scene.render()
        wall = time.perf_counter() - start
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        result.update(wall=wall, init=built - start, frames=timers.frames, encoded=timers.encoded,
                      cpu=(cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
                      stages=timers.seconds, video=str(out / "scene.mp4"))
    else:
        recorder = bench_probe.Recorder()
        with recorder.installed():
            scene = scene_cls()
            scene.render()
        result.update(record_wall=time.perf_counter() - start, frames=recorder.frames,
                      snapshots=len(recorder.snapshots), snapshot_mib=recorder.snapshot_bytes / 2**20)
        replays, cpus = [], []
        for i in range(args.replays):
            before = resource.getrusage(resource.RUSAGE_SELF)
            seconds, frames = bench_probe.replay(recorder.events, scene.renderer.camera,
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


# ---------------------------------------------------------------- parent: children, medians, tables
def _seed_tex(slug: str, media: Path) -> None:
    """Give a chapter's bench media dir the TeX cache of the normal renders (warm TeX, as `make video` has)."""
    src = ROOT / "media" / "render" / "work" / slug / "Tex"
    dst = media / "Tex"
    if src.is_dir() and not dst.exists():
        shutil.copytree(src, dst)


def run_child(mode: str, module: str, scene: str, size: tuple[int, int, int], media: Path,
              replays: int = 1, env: dict[str, str] | None = None, baseline: bool = False) -> dict:
    """Render ``module.scene`` in a fresh process; its JSON result plus peak_mib (max RSS of that process)."""
    width, height, fps = size
    media.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media, prefix="run-") as tmp:
        out_json = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "production.bench", "--child", mode, "--module", module, "--scene", scene,
               "--width", str(width), "--height", str(height), "--fps", str(fps), "--media-dir", str(media),
               "--out", str(Path(tmp) / "out"), "--json", str(out_json), "--replays", str(replays)]
        if baseline:
            cmd.append("--baseline")
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
            result["file_frames"] = frame_count_and_rate(Path(result["video"]))[0]
    result["peak_mib"] = usage.ru_maxrss / 1024.0
    return result


def _median(values: list[float]) -> float:
    return float(statistics.median(values))


def chapter_figures(module: str, scene: str, slug: str, size: tuple[int, int, int], runs: int,
                    media: Path, limit: bool = True, baseline: bool = False) -> dict:
    """Medians over ``runs`` timed renders of one chapter, and its frame limit from one recorded render."""
    chapter_media = media / slug
    _seed_tex(slug, chapter_media)
    timed = [run_child("timed", module, scene, size, chapter_media, baseline=baseline) for _ in range(runs)]
    frames = timed[0]["frames"]
    fig: dict[str, object] = {"frames": frames, "file_frames": timed[0]["file_frames"], "runs": runs,
                              "video_seconds": frames / size[2]}
    wall = _median([t["wall"] for t in timed])
    fig["wall_s"] = wall
    fig["fps"] = frames / wall
    fig["rtf"] = wall / (frames / size[2])
    fig["peak_mib"] = max(t["peak_mib"] for t in timed)
    fig["cpu_ms_per_frame"] = 1e3 * _median([t["cpu"] for t in timed]) / frames
    fig["init_s"] = _median([t["init"] for t in timed])
    stages = {}
    for key in timed[0]["stages"]:
        stages[key] = 1e3 * _median([t["stages"][key] for t in timed]) / frames
    stages["interpolate"] = stages["animate"] - stages["updaters"]
    total = 1e3 * wall / frames
    fig["ms_per_frame"] = {"total": total, "updaters_mathcore": stages["updaters"],
                           "interpolate": stages["interpolate"], "raster": stages["raster"],
                           "encode_thread": stages["encode"], "encode_cpu": stages["encode_cpu"],
                           "encode_wait": stages["encode_wait"], "begin": stages["begin"],
                           "other": total - stages["animate"] - stages["raster"] - stages["encode_wait"]
                           - stages["begin"]}
    if limit:
        rec = run_child("record", module, scene, size, chapter_media, replays=runs, baseline=baseline)
        limit_s = _median(rec["replays"])
        fig["limit_ms_per_frame"] = 1e3 * limit_s / rec["replay_frames"]
        fig["limit_ratio"] = (1e3 * wall / frames) / fig["limit_ms_per_frame"]
        fig["limit_cpu_ms_per_frame"] = 1e3 * _median(rec["replay_cpu"]) / rec["replay_frames"]
        fig["limit_cpu_ratio"] = fig["cpu_ms_per_frame"] / fig["limit_cpu_ms_per_frame"]
        fig["limit_frames"] = rec["replay_frames"]
        fig["snapshot_mib"] = rec["snapshot_mib"]
    return fig


def _cli(command: str, quality: str, media: Path, jobs: int, force: bool) -> float:
    cmd = [sys.executable, "-m", "production.cli", command, "--quality", quality, "--no-voice", "-j", str(jobs)]
    if force:
        cmd.append("--force")
    env = {**os.environ, "MLE2MAP_MEDIA": str(media)}
    start = time.perf_counter()
    proc = lifetime.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:])} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start


def video_figures(quality: str, runs: int, jobs: int, media: Path) -> dict:
    """Whole-video wall times: forced chapter render, then `video` (final encode), then an unchanged re-run."""
    from production import cache
    from production.quality import preset

    preset(quality)
    for work in (ROOT / "media" / "render" / "work").glob("*/Tex"):
        target = media / "render" / "work" / work.parent.name / "Tex"
        if not target.exists():
            shutil.copytree(work, target)
    render = [_cli("render", quality, media, jobs, force=True) for _ in range(runs)]
    assemble = _cli("video", quality, media, jobs, force=False)
    rerun = _cli("video", quality, media, jobs, force=False)
    manifest = cache.load_manifest(media / "render" / "manifest.json")
    seconds = sum(e["frames"] / e["fps"] for k, e in manifest.items() if k.startswith(f"{quality}/"))
    wall = _median(render)
    return {"quality": quality, "runs": runs, "jobs": jobs, "video_seconds": seconds, "render_s": wall,
            "render_rtf": wall / seconds, "video_s": wall + assemble, "video_rtf": (wall + assemble) / seconds,
            "assemble_s": assemble, "cached_rerun_s": rerun}


def scaling_figures(module: str, scene: str, slug: str, runs: int, media: Path, width: int, height: int,
                    rates: tuple[int, ...] = SCALING_FPS) -> dict:
    rows = {}
    for fps in rates:
        fig = chapter_figures(module, scene, slug, (width, height, fps), runs, media, limit=False)
        rows[str(fps)] = {"frames": fig["frames"], "wall_s": fig["wall_s"],
                          "ms_per_frame": fig["ms_per_frame"]["total"], "init_s": fig["init_s"]}
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


def table(results: dict) -> str:
    """Plain-text tables of the figures in ``results`` (what `make bench` prints and the README shows)."""
    lines = []
    for row in results.get("video", []):
        lines.append(f"whole video @{row['quality']}: {row['video_seconds']:.0f} s of video, render "
                     f"{row['render_s']:.0f} s ({row['render_rtf']:.2f}x), with final encode {row['video_s']:.0f} s "
                     f"({row['video_rtf']:.2f}x), unchanged re-run {row['cached_rerun_s']:.1f} s")
    chapters = results.get("chapters", {})
    if chapters:
        head = ("chapter", "frames", "fps", "x real", "peak MiB", "ms/frame", "cpu ms", "upd+math", "interp",
                "raster", "encode", "limit", "ratio", "cpu ratio")
        rows = [head]
        entries = []
        for slug, c in chapters.items():
            entries.append((slug, c))
            if "stock" in c:
                entries.append((f"{slug} (stock)", c["stock"]))
        for slug, c in entries:
            ms = c["ms_per_frame"]
            rows.append((slug, str(c["frames"]), _fmt(c["fps"], ".1f"), _fmt(c["rtf"]), _fmt(c["peak_mib"], ".0f"),
                         _fmt(ms["total"], ".1f"), _fmt(c.get("cpu_ms_per_frame"), ".1f"),
                         _fmt(ms["updaters_mathcore"], ".1f"),
                         _fmt(ms["interpolate"], ".1f"), _fmt(ms["raster"], ".1f"), _fmt(ms["encode_thread"], ".1f"),
                         _fmt(c.get("limit_ms_per_frame"), ".1f"), _fmt(c.get("limit_ratio")),
                         _fmt(c.get("limit_cpu_ratio"))))
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        for i, r in enumerate(rows):
            lines.append("  ".join(cell.rjust(w) if j else cell.ljust(w) for j, (cell, w) in
                                   enumerate(zip(r, widths, strict=True))))
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
    scaling = results.get("scaling")
    if scaling:
        lines.append(f"scaling of {scaling['chapter']} at {scaling['size'][0]}x{scaling['size'][1]}:")
        for fps, row in scaling["rows"].items():
            lines.append(f"  {fps:>3} fps: {row['frames']} frames, {row['wall_s']:.1f} s, "
                         f"{row['ms_per_frame']:.1f} ms/frame, wall/frames vs lowest rate {row['wall_vs_frames']:.2f}")
    from production.bench_voice import voice_table

    lines += voice_table({k: v for k, v in results.get("voice", {}).items() if k != "measured"})
    return "\n".join(lines)


def write_results(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m production.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3, help="runs per figure; medians are reported (default 3)")
    p.add_argument("--quick", action="store_true", help=f"only chapters {', '.join(QUICK_CHAPTERS)}, one run each, "
                   "no whole-video figures")
    p.add_argument("--chapters", help="comma-separated chapter numbers or slugs (default: all)")
    p.add_argument("--size", default="1920x1080@60", help="chapter figures' WIDTHxHEIGHT@FPS (default 1920x1080@60)")
    p.add_argument("--no-chapters", action="store_true", help="skip the per-chapter figures")
    p.add_argument("--no-video", action="store_true", help="skip the whole-video figures")
    p.add_argument("--no-scaling", action="store_true", help="skip the 15/30/60 fps scaling figures")
    p.add_argument("--no-limit", action="store_true", help="skip the frame-limit replays")
    p.add_argument("--no-voice-figures", action="store_true",
                   help="skip the voice figures (synthesis speed, word error rate, silent-estimate error)")
    p.add_argument("--video-qualities", default="preview,hd", help="qualities of the whole-video figures")
    p.add_argument("--video-runs", type=int, default=1, help="forced whole-video renders per quality (default 1)")
    p.add_argument("-j", "--jobs", type=int, default=0, help="parallel chapter renders for the whole video")
    p.add_argument("--out", type=Path, default=RESULTS, help="results JSON (default benchmarks/results.json)")
    p.add_argument("--update", action="store_true", help="keep the figures of --out that this run does not measure")
    p.add_argument("--media", type=Path, default=BENCH_MEDIA, help="scratch media dir (default media/bench)")
    p.add_argument("--child", choices=("timed", "record"), help=argparse.SUPPRESS)
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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.child:
        return _child(args)
    from scenes.chapters import CHAPTERS, by_slug

    _positive("--runs", args.runs, 50)
    size = parse_size(args.size)
    chosen = [by_slug(s.strip()) for s in args.chapters.split(",")] if args.chapters else list(CHAPTERS)
    runs = args.runs
    video_runs = _positive("--video-runs", args.video_runs, 20)
    if args.quick:
        chosen, runs = [by_slug(s) for s in QUICK_CHAPTERS], 1
        args.no_video = True
    results: dict[str, object] = {}
    if args.update and args.out.is_file():
        results = json.loads(args.out.read_text(encoding="utf-8"))
    section = {"machine": machine(), "size": list(size), "runs": runs,
               "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    results.update(targets=TARGETS, **section)
    started = time.perf_counter()
    chapters: dict[str, dict] = results.setdefault("chapters", {}) if args.update else {}
    results["chapters"] = chapters
    for ch in [] if args.no_chapters else chosen:
        print(f"chapter {ch.slug} at {size[0]}x{size[1]}@{size[2]} ({runs} run(s))", flush=True)
        chapters[ch.slug] = chapter_figures(ch.module, ch.scene, ch.slug, size, runs, args.media,
                                            limit=not args.no_limit)
        chapters[ch.slug]["measured"] = section
        if args.compare:
            print("  the same with stock Manim (--compare)", flush=True)
            chapters[ch.slug]["stock"] = chapter_figures(ch.module, ch.scene, ch.slug, size, runs, args.media,
                                                         limit=not args.no_limit, baseline=True)
        write_results(results, args.out)
    if not args.no_scaling:
        ch = by_slug(SCALING_CHAPTER)
        print(f"scaling {ch.slug} at {SCALING_FPS} fps", flush=True)
        results["scaling"] = scaling_figures(ch.module, ch.scene, ch.slug, runs, args.media, size[0], size[1])
        results["scaling"]["measured"] = section
        write_results(results, args.out)
    if not args.no_voice_figures:
        from production.bench_voice import voice_figures

        print("voice figures (piper and espeak, empty caches)", flush=True)
        results["voice"] = {**voice_figures([ch.slug for ch in chosen], args.media), "measured": section}
        write_results(results, args.out)
    if not args.no_video:
        results["video"] = list(results.get("video", [])) if args.update else []
        for quality in args.video_qualities.split(","):
            print(f"whole video at {quality}", flush=True)
            results["video"] = [v for v in results["video"] if v["quality"] != quality.strip()]
            results["video"].append({**video_figures(quality.strip(), video_runs, args.jobs, args.media / "video"),
                                     "measured": section})
            write_results(results, args.out)
    results["machine"]["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["bench_seconds"] = time.perf_counter() - started
    write_results(results, args.out)
    print()
    print(table(results))
    print(f"\n{args.out} written in {results['bench_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
