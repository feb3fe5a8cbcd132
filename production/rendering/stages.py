"""Where a chapter render's time goes: TeX, voice, waiting for the encoder, frames; and the encoder's CPU.

:class:`StageTimer` wraps, for the span of its ``with`` block, the calls a chapter makes for TeX (Manim's
``tex_to_svg_file``: the cache look-up, ``latex`` and ``dvisvgm``) and for its voice (manim-voiceover's
``_add_voiceover_text``, which synthesises or reads each beat's audio, the service's creation and its
``prepare_voice``, which synthesises the chapter's missing segments before the first frame), and, once
:meth:`StageTimer.watch_writer` is given the scene's file writer, the scene waiting for its encoder
(``close_partial_movie_stream`` and ``finish``). All of these run on the scene's thread; ``frames`` is the rest
of the wall time (building mobjects, animating, rasterising), so the four add up to the wall time.

The encoder threads run beside the scene's thread: their work is reported as CPU seconds
(``encode_cpu_s``: the process CPU minus the scene thread's, i.e. the partial-movie encoder threads and
x264's own, plus the negligible progress watcher), not as a share of the wall time, which on two cores it
overlaps. Each timed call costs two clock reads.
"""

from __future__ import annotations

import resource
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

#: Wall-time stages of a chapter render, in the order they are reported; they sum to ``wall_s``.
STAGES = ("tex", "voice", "encode_wait", "frames")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def patched(owner: Any, name: str, wrapper: Callable) -> Iterator[None]:
    """Replace ``owner.name`` by ``wrapper(original)`` for the duration of the block."""
    original = getattr(owner, name)
    setattr(owner, name, wrapper(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


class StageTimer:
    """Seconds per stage of one render on the scene's thread (the thread that enters the block)."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(STAGES[:-1], 0.0)
        self._inside = False
        self._thread: int | None = None
        self._stack = ExitStack()

    def _timed(self, stage: str) -> Callable[[Callable], Callable]:
        def wrap(fn: Callable) -> Callable:
            def timed(*args: Any, **kwargs: Any) -> Any:
                if self._inside or threading.get_ident() != self._thread:
                    return fn(*args, **kwargs)  # nested or off-thread: counted by the outer stage, or not at all
                self._inside = True
                start = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    self.seconds[stage] += time.perf_counter() - start
                    self._inside = False
            return timed
        return wrap

    @contextmanager
    def installed(self) -> Iterator[StageTimer]:
        """Time the block: its wall time, process CPU, the scene thread's CPU and LaTeX's (child) CPU."""
        from manim.mobject.text import tex_mobject
        from manim_voiceover import VoiceoverScene

        import scenes.base

        self._thread = threading.get_ident()
        wall, cpu, thread_cpu, child_cpu = time.perf_counter(), _cpu(), time.thread_time(), _children_cpu()
        with self._stack:
            self._stack.enter_context(patched(tex_mobject, "tex_to_svg_file", self._timed("tex")))
            self._stack.enter_context(patched(VoiceoverScene, "_add_voiceover_text", self._timed("voice")))
            self._stack.enter_context(patched(scenes.base, "make_service", self._timed("voice")))
            self._stack.enter_context(patched(scenes.base, "prepare_voice", self._timed("voice")))
            try:
                yield self
            finally:
                self.wall = time.perf_counter() - wall
                self.cpu = _cpu() - cpu
                self.thread_cpu = time.thread_time() - thread_cpu
                self.child_cpu = _children_cpu() - child_cpu

    def watch_writer(self, writer: object) -> None:
        """Time the scene waiting for ``writer``'s encoders (patched on the instance, whatever its class)."""
        for name in ("close_partial_movie_stream", "finish"):
            if callable(getattr(writer, name, None)):
                self._stack.enter_context(patched(writer, name, self._timed("encode_wait")))

    def record(self) -> dict[str, float]:
        """The figures of the finished block, rounded to the millisecond: ``<stage>_s`` for each of
        :data:`STAGES` (summing to ``wall_s``), ``encode_cpu_s``, ``cpu_s``, ``children_cpu_s``
        (LaTeX, dvisvgm, espeak: the processes the render started) and ``peak_mib``, this process's peak
        resident memory so far."""
        busy = sum(self.seconds.values())
        figures = {f"{stage}_s": self.seconds[stage] for stage in STAGES[:-1]}
        figures["frames_s"] = max(0.0, self.wall - busy)
        figures.update(wall_s=self.wall, encode_cpu_s=max(0.0, self.cpu - self.thread_cpu), cpu_s=self.cpu,
                       children_cpu_s=self.child_cpu,
                       peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
        return {key: round(value, 3) for key, value in figures.items()}
