"""In-process instruments for the render benchmark: per-frame timers and a static replay of the frames.

``Timers`` wraps Manim's frame loop (animation interpolation, updaters, rasterising, encoding) with clocks.
``Recorder`` keeps each frame's drawn mobjects as frozen snapshots (states shared between frames when unchanged)
and ``replay`` rasterises and encodes them again with no animation, updater or mathcore work: the chapter's
frame limit. Both patch Manim classes only inside their ``with`` block.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from manim import Scene
from manim.camera.camera import Camera
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene import scene_file_writer
from manim.utils.family import extract_mobject_family_members

from production.rendering.stages import patched as _patched
from scenes import fast_render

_EncodeJob = scene_file_writer._PartialMovieEncodeJob


@dataclass
class Timers:
    """Seconds spent in each stage of the frame loop, plus the number of frames written.

    ``encode_wait`` is the renderer waiting for the encoder (end of each animation and of the scene), ``begin``
    the animations' set-up (copies of start and target mobjects) before their first frame."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("animate", "updaters", "raster", "encode", "encode_cpu", "encode_wait", "begin"), 0.0))
    frames: int = 0
    encoded: int = 0

    def _timed(self, key: str, fn: Callable) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[key] += time.perf_counter() - start
        return wrapper

    def _encoder(self, fn: Callable) -> Callable:
        def wrapper(job: Any, frame: np.ndarray, num_frames: int) -> None:
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                fn(job, frame, num_frames)
            finally:
                self.seconds["encode"] += time.perf_counter() - start
                self.seconds["encode_cpu"] += time.thread_time() - cpu
                self.encoded += num_frames
        return wrapper

    def _counter(self, fn: Callable) -> Callable:
        def wrapper(renderer: CairoRenderer, frame: np.ndarray, num_frames: int = 1) -> None:
            if not renderer.skip_animations:
                self.frames += num_frames
            fn(renderer, frame, num_frames)
        return wrapper

    @contextmanager
    def installed(self) -> Iterator[Timers]:
        """Patch Manim so every stage adds its time here (``animate`` includes ``updaters``)."""
        with (_patched(Scene, "update_to_time", lambda f: self._timed("animate", f)),
              _patched(Scene, "update_mobjects", lambda f: self._timed("updaters", f)),
              _patched(CairoRenderer, "update_frame", lambda f: self._timed("raster", f)),
              _patched(CairoRenderer, "get_frame", lambda f: self._timed("raster", f)),
              _patched(fast_render.FastRenderer, "get_frame", lambda f: self._timed("raster", f))
              if "get_frame" in vars(fast_render.FastRenderer) else nullcontext(),
              _patched(CairoRenderer, "add_frame", self._counter),
              _patched(_EncodeJob, "_encode_and_write_frame", self._encoder),
              _patched(fast_render, "encode_frames", self._encoder),
              _patched(scene_file_writer.SceneFileWriter, "close_partial_movie_stream",
                       lambda f: self._timed("encode_wait", f)),
              _patched(scene_file_writer.SceneFileWriter, "finish", lambda f: self._timed("encode_wait", f)),
              _patched(Scene, "begin_animations", lambda f: self._timed("begin", f))):
            yield self


def _state_key(mob: Any) -> tuple:
    """Everything in a mobject's own attributes that the camera reads: arrays by content, scalars by value."""
    parts: list[object] = [id(mob)]
    for name, value in mob.__dict__.items():
        if isinstance(value, np.ndarray):
            parts.append((name, value.shape, value.tobytes()))
        elif isinstance(value, (int, float, str, bool)) or value is None:
            parts.append((name, value))
    return tuple(parts)


def _freeze(mob: Any) -> Any:
    """A shallow copy that owns copies of the arrays and no submobjects, updaters or parents."""
    snap = copy.copy(mob)
    for name, value in mob.__dict__.items():
        if isinstance(value, np.ndarray):
            setattr(snap, name, value.copy())
    snap.submobjects = []
    snap.updaters = []
    return snap


@dataclass
class Recorder:
    """Records the drawing calls of a render as events over frozen mobject snapshots."""

    events: list[tuple] = field(default_factory=list)
    snapshots: dict[tuple, Any] = field(default_factory=dict)
    _inside_static: bool = False

    def _snap(self, camera: Camera, mobjects: Any) -> list[Any]:
        family = extract_mobject_family_members(list(mobjects), use_z_index=camera.use_z_index,
                                                only_those_with_points=True)
        out = []
        for mob in family:
            key = _state_key(mob)
            snap = self.snapshots.get(key)
            if snap is None:
                snap = self.snapshots[key] = _freeze(mob)
            out.append(snap)
        return out

    def _static(self, fn: Callable) -> Callable:
        def wrapper(renderer: CairoRenderer, scene: Scene, static_mobjects: Any) -> Any:
            if static_mobjects:
                self.events.append(("static", self._snap(renderer.camera, static_mobjects)))
            else:
                self.events.append(("static", None))
            self._inside_static = True
            try:
                return fn(renderer, scene, static_mobjects)
            finally:
                self._inside_static = False
        return wrapper

    def _frame(self, fn: Callable) -> Callable:
        def wrapper(renderer: CairoRenderer, scene: Scene, mobjects: Any = None, *args: Any, **kwargs: Any) -> Any:
            if not self._inside_static:
                shown = mobjects or [*scene.mobjects, *scene.foreground_mobjects]
                self.events.append(("frame", renderer.static_image is not None, self._snap(renderer.camera, shown)))
            return fn(renderer, scene, mobjects, *args, **kwargs)
        return wrapper

    def _write(self, fn: Callable) -> Callable:
        def wrapper(renderer: CairoRenderer, frame: np.ndarray, num_frames: int = 1) -> None:
            if not renderer.skip_animations:
                self.events.append(("write", num_frames))
            fn(renderer, frame, num_frames)
        return wrapper

    def _begin(self, fn: Callable) -> Callable:
        def wrapper(writer: Any, allow_write: bool = False, file_path: Any = None) -> None:
            if allow_write:
                self.events.append(("open",))
            fn(writer, allow_write, file_path)
        return wrapper

    def _end(self, fn: Callable) -> Callable:
        def wrapper(writer: Any, allow_write: bool = False) -> None:
            if allow_write:
                self.events.append(("close",))
            fn(writer, allow_write)
        return wrapper

    def _static_reset(self, fn: Callable) -> Callable:
        def wrapper(scene: Scene, *args: Any, **kwargs: Any) -> None:
            fn(scene, *args, **kwargs)
            self.events.append(("static", None))
        return wrapper

    @contextmanager
    def installed(self) -> Iterator[Recorder]:
        writer = scene_file_writer.SceneFileWriter
        with (_patched(CairoRenderer, "save_static_frame_data", self._static),
              _patched(CairoRenderer, "update_frame", self._frame),
              _patched(CairoRenderer, "add_frame", self._write),
              _patched(Scene, "play_internal", self._static_reset),
              _patched(writer, "begin_animation", self._begin),
              _patched(writer, "end_animation", self._end)):
            yield self

    @property
    def frames(self) -> int:
        return sum(e[1] for e in self.events if e[0] == "write")

    @property
    def snapshot_bytes(self) -> int:
        return sum(v.nbytes for s in self.snapshots.values() for v in s.__dict__.values()
                   if isinstance(v, np.ndarray))


def replay(events: list[tuple], camera: Camera, writer: Any, out_dir: Path) -> tuple[float, int]:
    """Rasterise and encode the recorded frames again, as the Cairo renderer would; returns (seconds, frames)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    static: np.ndarray | None = None
    frames, parts = 0, 0
    start = time.perf_counter()
    for event in events:
        kind = event[0]
        if kind == "static":
            static = None
            if event[1] is not None:
                camera.reset()
                camera.capture_mobjects(event[1], include_submobjects=False)
                static = fast_render.frame_out(camera)  # as the renderer's get_frame
        elif kind == "frame":
            if event[1] and static is not None:
                camera.set_frame_to_background(static)
            else:
                camera.reset()
            camera.capture_mobjects(event[2], include_submobjects=False)
        elif kind == "write":
            writer.write_frame(fast_render.frame_out(camera), num_frames=event[1])
            frames += event[1]
        elif kind == "open":
            writer.open_partial_movie_stream(file_path=out_dir / f"replay_{parts:05d}.mp4")
            parts += 1
        elif kind == "close":
            writer.close_partial_movie_stream()
    writer.join_all_encode_jobs()
    return time.perf_counter() - start, frames
