"""Render one scene in this process (started by production.rendering.renderer, one process per chapter).

Everything goes into ``--out``: ``<name>.mp4`` (or ``<name>.png`` with ``--still``), the subtitles
``<name>.srt`` that Manim writes from the scene's subcaptions, and ``<name>.wav``, the scene's full-quality
sound track when it has one. Progress (scene seconds rendered) is written to ``--progress`` twice a second;
``result.json`` is written last, so its presence means the render completed; it holds the render's time per
stage (TeX, voice, waiting for the encoder, frames; the encoder threads' CPU), see production/rendering/stages.py.

With ``--parent`` the worker dies with the renderer that started it, even a SIGKILLed one, and on any stop
signal it takes its own process group (LaTeX, dvisvgm, ffmpeg children) down with it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from production.lifetime import set_death_signal
from production.rendering.stages import StageTimer

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _end_with_children(signum: int, frame: object = None) -> None:
    """Stop now, and kill this worker's children too when it leads their process group (it does under the
    renderer, which starts it in a session of its own)."""
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(128 + signum)


def tie_to_parent(parent: int) -> None:
    """End with process ``parent``: Linux sends SIGTERM when it dies (PR_SET_PDEATHSIG), and a parent that
    died before that was set shows as a changed ``getppid()``. Stop signals end the whole group."""
    for signum in _STOP_SIGNALS:
        signal.signal(signum, _end_with_children)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # the renderer blocks them while starting us
    set_death_signal(signal.SIGTERM)
    if os.getppid() != parent:
        _end_with_children(signal.SIGTERM)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def _watch(scene: object, progress: Path, stop: threading.Event) -> None:
    while not stop.wait(0.5):
        renderer = getattr(scene, "renderer", None)
        seconds = float(getattr(renderer, "time", 0.0) or 0.0)
        _write_json(progress, {"seconds": seconds, "wall": time.time()})


def _export_sound(scene: object, target: Path) -> bool:
    writer = scene.renderer.file_writer
    if not getattr(writer, "includes_sound", False):
        return False
    segment = writer.audio_segment.set_frame_rate(48000).set_channels(2)
    tmp = target.with_name(f".{target.name}.tmp")
    segment.export(str(tmp), format="wav")
    os.replace(tmp, target)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--module", required=True)
    parser.add_argument("--scene", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--name", required=True)
    parser.add_argument("--media-dir", required=True, type=Path)
    parser.add_argument("--width", required=True, type=int)
    parser.add_argument("--height", required=True, type=int)
    parser.add_argument("--fps", required=True, type=int)
    parser.add_argument("--progress", type=Path)
    parser.add_argument("--still", action="store_true", help="save only the last frame as PNG")
    parser.add_argument("--parent", type=int, help="pid of the renderer: end when it ends")
    args = parser.parse_args(argv)
    if args.parent is not None:
        tie_to_parent(args.parent)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    from manim import config

    config.update({
        "pixel_width": args.width, "pixel_height": args.height, "frame_rate": args.fps,
        "media_dir": str(args.media_dir.resolve()), "video_dir": str(out), "images_dir": str(out),
        "partial_movie_dir": str(out / "partial"), "output_file": str(out / args.name),
        "disable_caching": True, "verbosity": "WARNING", "progress_bar": "none",
        "write_to_movie": not args.still, "save_last_frame": args.still,
    })
    scene_cls = getattr(importlib.import_module(args.module), args.scene, None)
    if scene_cls is None:
        print(f"error: module {args.module} has no scene class {args.scene}", file=sys.stderr)
        return 2
    started = time.monotonic()
    timer = StageTimer()
    with timer.installed():
        scene = scene_cls()
        timer.watch_writer(scene.renderer.file_writer)
        stop = threading.Event()
        watcher = None
        if args.progress is not None:
            watcher = threading.Thread(target=_watch, args=(scene, args.progress, stop), daemon=True)
            watcher.start()
        try:
            scene.render()
        finally:
            stop.set()
            if watcher is not None:
                watcher.join()
    sound = False if args.still else _export_sound(scene, out / f"{args.name}.wav")
    _write_json(out / "result.json", {"seconds": float(scene.renderer.time), "sound": sound,
                                      "render_seconds": time.monotonic() - started, "stages": timer.record()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
