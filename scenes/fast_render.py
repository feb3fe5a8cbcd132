"""Cheaper frames for Manim's Cairo renderer, used by every ChapterScene; the pictures stay the same.

FastCamera builds each Cairo path from a Python list of the points instead of indexing numpy scalars one by one
(the path loop is the largest Python cost of rasterising a frame full of sampled curves), and appends the paths
of points it has drawn before from a cache (PathCache): in ch03 a frame's rasterising took 19.2 -> 15.1 ms at
1080p (means of two interleaved renders each), with every path identical (checked path by path in ch07, 42,671
paths, and by framemd5 of the preview renders).

FastRenderer takes each frame from the camera without copying it: FastCamera hands its buffer over (to the
encoder queue, or as the static layer) and draws the next frame in a buffer of a small pool that nobody holds any
more (``hand_over``); Manim copied 8 MB out of the camera every frame at 1080p. ch05 at hd, three interleaved runs
each, with the zero-copy conversion below: the renderer thread 4.83 -> 4.24 ms a frame, the chapter file the same.

FastPartialWriter writes every partial movie at the delivery settings, so each frame is encoded once and the
partial movies, the chapter files and the full video join by stream copy (production/packaging/encode.py):
* The encoder options come from ``production.quality.Quality.encoder_options`` for the render's frame size and
  rate (``quality.for_frames``): libx264 High, yuv420p, CRF with a VBV cap at YouTube's recommended bitrate,
  closed GOPs of fps/2 without scene-cut keyframes, two B-frames. Each partial movie is its own encoder, so it
  starts with an IDR frame.
* RGBA is converted to YUV with the BT.709 matrix into limited range (libswscale, ``Colorspace.ITU709``; Manim
  leaves swscale's BT.601 default), and the stream is tagged BT.709 (primaries, transfer, matrix, tv range).
* ``MLE2MAP_LOSSLESS=1`` writes lossless partials instead (x264 qp 0 on the same BT.709 yuv420p frames, High
  4:4:4 Predictive profile): the reference for ``make bench``'s SSIM/PSNR, which then measure the delivery
  encode alone. Such chapters do not match the delivery settings, so production/packaging/encode.py re-encodes them.
* A repeated frame (a wait with nothing moving) is converted from RGBA to YUV once, and that one frame is sent
  to x264 again for each copy.
* The frame queue between the renderer and the encoder thread is bounded by bytes (QUEUE_BYTES: 8 frames at 1080p,
  2 at 4K), so a slow encoder makes the renderer wait instead of piling up frames (Manim leaves it unbounded when
  it encodes one animation at a time, and bounds it by a frame count otherwise).
* The renderer goes on with the next animation while the previous one's encoder finishes (two in flight up to
  1080p; one at 4K, where an x264 encoder alone holds about 0.6 GiB) instead of waiting for it at the end of
  every animation. The next encoder starts on its first frame only once the previous one has ended and been
  freed (``release``), so one x264 encoder is allocated at a time; the renderer fills the queue meanwhile.

These hook Manim's private writer API (tests/test_manim_hooks.py names each one); if a Manim upgrade removes
one, FastPartialWriter raises instead of silently writing Manim's own (BT.601, CRF 23) partial movies.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

import av
import numpy as np
from av.video.reformatter import ColorRange, Colorspace, VideoReformatter
from manim import config
from manim.camera.camera import Camera
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter

from production import quality as Q

#: The frame queue between renderer and encoder holds at most this many bytes of RGBA frames (8 frames at
#: 1080p, 2 at 4K), and never fewer than MIN_QUEUE_FRAMES.
QUEUE_BYTES = 72_000_000
MIN_QUEUE_FRAMES = 2
#: Encoders in flight (the renderer goes on while the previous animation's encoder finishes). At 4K one x264
#: encoder holds about 0.6 GiB (its lookahead and reference frames), so a frame that large gets one.
IN_FLIGHT = 2
IN_FLIGHT_4K = 1
#: Attributes of Manim's private ``_PartialMovieEncodeJob`` that FastPartialWriter uses.
JOB_ATTRIBUTES = ("stream", "container", "queue", "thread", "_encode_and_write_frame")
#: libavutil's enum values of BT.709 primaries and transfer (AVCOL_PRI_BT709, AVCOL_TRC_BT709).
_BT709 = 1


class ManimHookMissing(RuntimeError):
    """Manim no longer has a private name the fast writer relies on: update scenes/fast_render.py."""


class YuvConverter:
    """RGBA (sRGB) frames of one size to yuv420p ones: BT.709 matrix, limited range, tagged so.

    libswscale reads the frame where it is (``VideoFrame.from_numpy_buffer``, no copy) and its context is made
    once and reused: a new ``av.VideoFrame`` per frame from ``from_ndarray`` costs an 8 MB allocation at 1080p and
    a new scaler context with its own threads (PyAV's default), about 40 % of the conversion's CPU, and copying
    into one kept frame instead still cost 0.25 of the 3.0 ms a conversion takes. The scaler runs in the calling
    thread (``threads=1``): the renderer and the encoder already keep the cores busy, and a thread pool per
    conversion only added CPU time. The pixels are the same."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._reformatter = VideoReformatter()

    def convert(self, frame: np.ndarray) -> av.VideoFrame:
        if frame.dtype != np.uint8 or frame.strides[1:] != (4, 1):  # not rows of packed RGBA bytes: copy it
            frame = np.ascontiguousarray(frame, dtype=np.uint8)
        rgba = av.VideoFrame.from_numpy_buffer(frame, format="rgba")
        return self._reformatter.reformat(
            rgba, format=Q.PIX_FMT, src_colorspace=Colorspace.ITU709, dst_colorspace=Colorspace.ITU709,
            src_color_range=ColorRange.JPEG, dst_color_range=ColorRange.MPEG, dst_color_trc=_BT709,
            dst_color_primaries=_BT709, threads=1)


def yuv_frame(frame: np.ndarray) -> av.VideoFrame:
    """``frame`` (RGBA, sRGB) as a yuv420p frame: BT.709 matrix, limited range, tagged so."""
    return YuvConverter(frame.shape[1], frame.shape[0]).convert(frame)


def _converter(job: Any, frame: np.ndarray) -> YuvConverter:
    converter = getattr(job, "_yuv_converter", None)
    if converter is None or converter.width != frame.shape[1] or converter.height != frame.shape[0]:
        converter = YuvConverter(frame.shape[1], frame.shape[0])
        job._yuv_converter = converter
    return converter


def encode_frames(job: Any, frame: np.ndarray, num_frames: int) -> None:
    """Encode ``frame`` ``num_frames`` times into ``job``'s stream (one RGBA -> YUV conversion for all copies)."""
    if num_frames <= 0:
        return
    stream, container = job.stream, job.container
    yuv = _converter(job, frame).convert(frame)
    for copy in range(num_frames):
        if copy:
            # The same frame again: x264 has copied the planes into its own buffers by the time encode returns,
            # so only the time stamp is renewed (PyAV numbers a frame without one), not a 3 MB copy of the planes.
            yuv.pts = None
        for packet in stream.encode(yuv):
            container.mux(packet)


def configure_stream(stream: Any, lossless: bool | None = None) -> None:
    """Give a not yet opened libx264 ``stream`` the delivery settings of the render's size and rate."""
    quality = Q.for_frames(int(stream.width), int(stream.height), int(round(config.frame_rate)))
    ctx = stream.codec_context
    ctx.options = quality.encoder_options(Q.lossless() if lossless is None else lossless)
    stream.pix_fmt = Q.PIX_FMT
    ctx.color_primaries, ctx.color_trc = _BT709, _BT709
    ctx.colorspace, ctx.color_range = Colorspace.ITU709, ColorRange.MPEG


def queue_frames(width: int, height: int) -> int:
    """How many RGBA frames of this size the encoder queue may hold (QUEUE_BYTES, at least MIN_QUEUE_FRAMES)."""
    return max(MIN_QUEUE_FRAMES, QUEUE_BYTES // (width * height * 4))


def in_flight(width: int, height: int) -> int:
    """How many partial-movie encoders may run at once for frames of this size."""
    return IN_FLIGHT_4K if width * height > 1920 * 1080 else IN_FLIGHT


def release(job: Any) -> None:
    """Wait for ``job``'s encoder thread to end, then free its x264 encoder.

    PyAV keeps the encoder (about 200 MiB at 1080p: look-ahead, reference and threads' frames) until the stream
    object goes, not when the file is closed, and Manim keeps a finished job in its in-flight list until the next
    partial movie closes: two encoders were allocated through every animation. Manim reads neither the stream
    nor the container of a job whose thread has ended."""
    job.thread.join()
    job.stream = job.container = None


def _job_of(writer: SceneFileWriter) -> Any:
    if not hasattr(writer, "_current_encode_job"):
        raise ManimHookMissing("Manim's SceneFileWriter.open_partial_movie_stream no longer sets "
                               "_current_encode_job: scenes/fast_render.py needs updating for this Manim version")
    job = writer._current_encode_job
    if job is None:
        raise ManimHookMissing("SceneFileWriter._current_encode_job is None after open_partial_movie_stream: "
                               "scenes/fast_render.py needs updating for this Manim version")
    missing = [name for name in JOB_ATTRIBUTES if not hasattr(job, name)]
    if missing:
        raise ManimHookMissing(f"Manim's partial-movie encode job has no {', '.join(missing)}: "
                               "scenes/fast_render.py needs updating for this Manim version")
    return job


class FastPartialWriter(SceneFileWriter):
    """SceneFileWriter that writes delivery-ready partial movies, as this module's docstring describes."""

    def open_partial_movie_stream(self, file_path: Any = None) -> None:
        if not isinstance(getattr(self, "_inflight_encode_jobs", None), list):
            raise ManimHookMissing("Manim's SceneFileWriter has no _inflight_encode_jobs list: "
                                   "scenes/fast_render.py needs updating for this Manim version")
        running = self._inflight_encode_jobs[-1] if self._inflight_encode_jobs else None
        super().open_partial_movie_stream(file_path)
        job = _job_of(self)
        # The new encoder starts once the one before it has finished and let go of its x264 buffers, so only
        # one is allocated at a time; the renderer meanwhile fills this job's queue (see release).
        job._after = running
        # The encoder thread is already waiting on the (empty) queue: the codec opens on the first frame,
        # so its options, colour tags and the queue bound can still change here.
        if job.stream.codec_context.name == "libx264":
            configure_stream(job.stream)
        job.queue.maxsize = queue_frames(int(job.stream.width), int(job.stream.height))
        # A subclass, not an instance attribute: a bound lambda would make job -> lambda -> job a cycle, and
        # every finished encoder (x264's frame buffers, tens of MB at 1080p) would wait for the cyclic GC.
        job.__class__ = _fast_job_class(type(job))

    def close_partial_movie_stream(self) -> None:
        if not hasattr(config, "max_inflight_encoders"):
            raise ManimHookMissing("manim.config has no max_inflight_encoders: scenes/fast_render.py needs "
                                   "updating for this Manim version")
        limit = config.max_inflight_encoders
        config.max_inflight_encoders = max(limit, in_flight(config.pixel_width, config.pixel_height))
        try:
            super().close_partial_movie_stream()
        finally:
            config.max_inflight_encoders = limit


@functools.cache
def _fast_job_class(base: type) -> type:
    """``base`` (Manim's encode job) encoding through ``encode_frames``."""

    def _encode_and_write_frame(self: Any, frame: np.ndarray, num_frames: int) -> None:
        # Looked up at call time so a profiler can wrap encode_frames.
        import scenes.fast_render as this

        before = self.__dict__.pop("_after", None)
        if before is not None:
            release(before)
            # The ended job's converter (its scaler context) serves this one: no thread uses it any more.
            if getattr(self, "_yuv_converter", None) is None:
                self._yuv_converter = getattr(before, "_yuv_converter", None)
            before._yuv_converter = None
        this.encode_frames(self, frame, num_frames)

    return type(f"Fast{base.__name__}", (base,), {"_encode_and_write_frame": _encode_and_write_frame})


class FastCamera(Camera):
    """Manim's Camera with a faster ``set_cairo_context_path`` (same path, same pixels).

    A path drawn a second time from the same points (a mobject that stands still while others move: Manim redraws
    everything above the first moving mobject every frame) is kept as a Cairo path and appended, not rebuilt; see
    ``PathCache``.

    What to draw is found in one walk (``members_to_display``) instead of Manim's family of every mobject given,
    joined and de-duplicated: the renderer hands the camera every family member above the first moving one, so
    each glyph of a formula was walked once per ancestor. A mobject's kind (``type_or_raise``) is looked up once
    per class instead of once per mobject and frame."""

    # ------------------------------------------------------------ frames handed over without a copy
    @property
    def pixel_array(self) -> np.ndarray:
        d = self.__dict__
        handed = d.get("_handed")
        if handed is not None:  # read right after a hand-over, before anything was drawn: the frame handed over
            d["_handed"] = None
            np.copyto(d["_pixels"], handed)
        try:
            return d["_pixels"]
        except KeyError:
            raise AttributeError("pixel_array") from None

    @pixel_array.setter
    def pixel_array(self, value: np.ndarray) -> None:
        self.__dict__["_pixels"] = value
        self.__dict__["_handed"] = None

    def set_pixel_array(self, pixel_array: Any, convert_from_floats: bool = False) -> None:
        self.__dict__["_handed"] = None  # about to be overwritten: the handed frame need not be read back
        super().set_pixel_array(pixel_array, convert_from_floats)

    def hand_over(self) -> np.ndarray:
        """The frame just drawn, given away (to the encoder, or as the static layer): the camera draws on in a
        buffer of its pool that nobody holds any more, instead of the frame being copied out (Manim's
        ``get_frame`` copies 8 MB a frame at 1080p). With every buffer of the pool still held, a copy."""
        frame = self.pixel_array
        spare = self._spare(frame)
        if spare is None:
            return frame.copy()
        d = self.__dict__
        if id(frame) not in d["_idle"]:  # pool buffers live as long as the camera, so their ids are theirs
            # Manim's first buffer: its Cairo context (which holds the buffer) is not needed any more.
            self.pixel_array_to_cairo_context.pop(id(frame), None)
        d["_pixels"], d["_handed"] = spare, frame
        return frame

    def _spare(self, current: np.ndarray) -> np.ndarray | None:
        """A buffer of the pool like ``current`` that only the pool and its Cairo context hold, or a new one."""
        d = self.__dict__
        pool, idle = d.setdefault("_pool", []), d.setdefault("_idle", {})
        for buf in pool:
            if buf is not current and sys.getrefcount(buf) == idle[id(buf)] and buf.shape == current.shape:
                return buf
        if len(pool) >= max_buffers(current.shape[1], current.shape[0]):
            return None
        buf = np.empty_like(current)
        self.get_cairo_context(buf)  # made now, so the references counted as idle include its surface's
        pool.append(buf)
        idle[id(buf)] = sys.getrefcount(buf)  # the same references as in the loop above: pool, context, local
        return buf

    def get_mobjects_to_display(self, mobjects: Any, include_submobjects: bool = True,
                                excluded_mobjects: list | None = None) -> list:
        if include_submobjects and not excluded_mobjects:
            found = members_to_display(mobjects)
            if found is not None:
                if self.use_z_index:
                    found.sort(key=_z_index)
                return found
        return super().get_mobjects_to_display(mobjects, include_submobjects, excluded_mobjects)

    def type_or_raise(self, mobject: Any) -> Any:
        kinds = self.__dict__.get("_kinds")
        if kinds is None:
            kinds = self.__dict__["_kinds"] = {}
        kind = kinds.get(mobject.__class__)
        if kind is None:
            kind = super().type_or_raise(mobject)  # also sets display_funcs, which capture_mobjects reads
            if kind is not self:  # not a kind Manim draws: it reset the picture, so ask again next time
                kinds[mobject.__class__] = kind
        return kind

    def set_cairo_context_path(self, ctx: Any, vmobject: Any) -> FastCamera:
        points = vmobject.points
        if len(points) == 0:
            return self
        ctx.new_path()
        cache = self.__dict__.get("_paths")
        if cache is None:
            cache = self.__dict__["_paths"] = PathCache()
        # Keyed on the points before transform_points_pre_display (which only replaces non-finite points), so a
        # hit skips that check too.
        key = cache.key(ctx, vmobject, points)
        path = cache.get(key)
        if path is not None:
            ctx.append_path(path)
            return self
        points = self.transform_points_pre_display(vmobject, points)
        if len(points):
            self._build_path(ctx, vmobject, points)
        cache.offer(key, ctx)
        return self

    @staticmethod
    def _build_path(ctx: Any, vmobject: Any, points: np.ndarray) -> None:
        nppcc = vmobject.n_points_per_cubic_curve
        splits = vmobject.get_subpath_split_indices_from_points(points, n_dims=2)
        if len(splits) == 0:
            return
        xy = points[:, :2].ravel().tolist()  # flat [x0, y0, x1, y1, ...] of Python floats
        move_to, curve_to, new_sub_path = ctx.move_to, ctx.curve_to, ctx.new_sub_path
        for start, end in splits.tolist():
            if end - start < nppcc:
                continue
            new_sub_path()
            move_to(xy[2 * start], xy[2 * start + 1])
            for b in range(2 * start + 2, 2 * (end - nppcc) + 3, 2 * nppcc):
                curve_to(*xy[b:b + 6])
            if vmobject.consider_points_equals_2d(points[start], points[end - 1]):
                ctx.close_path()


def max_buffers(width: int, height: int) -> int:
    """Frame buffers a FastCamera keeps: the encoder queue's frames, the in-flight encoders' and a few more (the
    static layer, the frame being drawn, a repeated frame)."""
    return queue_frames(width, height) + in_flight(width, height) + 4


def frame_out(camera: Camera) -> np.ndarray:
    """The camera's frame as a frame of its own: handed over by a FastCamera, copied by any other camera."""
    hand_over = getattr(camera, "hand_over", None)
    return hand_over() if hand_over is not None else camera.pixel_array.copy()


class FastRenderer(CairoRenderer):
    """Manim's Cairo renderer whose frames are handed over by the camera (``FastCamera.hand_over``), not copied."""

    def get_frame(self) -> np.ndarray:
        return frame_out(self.camera)


def _z_index(mob: Any) -> float:
    return mob.z_index


def members_to_display(mobjects: Any) -> list | None:
    """The family members with points of ``mobjects``, in the order of Manim's ``extract_mobject_family_members``
    (every family joined, each mobject kept at its last place), or None when a family holds a mobject twice.

    The families are walked from the last mobject back: a mobject already met belongs to a later family, which
    holds all of its submobjects too, so its whole branch is skipped; each mobject is visited once."""
    seen: set = set()
    backwards: list = []
    for mob in reversed(list(mobjects)):
        if mob in seen:
            continue
        walk, stack = [], [mob]
        pop, push, add = stack.pop, stack.extend, walk.append
        while stack:
            node = pop()
            if node in seen:
                continue
            add(node)
            subs = node.submobjects
            if subs:
                push(reversed(subs))
        before = len(seen)
        seen.update(walk)
        if len(seen) - before != len(walk):
            return None
        walk.reverse()
        backwards.extend(walk)
    backwards.reverse()
    return [mob for mob in backwards if len(mob.points)]


class PathCache:
    """Cairo paths of points drawn before, keyed by the points' bytes, the split tolerance and the context's matrix.

    A key is remembered (as its hash) the first time it is drawn and its path kept the second time, so curves that
    change every frame cost a set lookup, not a path copy. Cairo keeps a path in fixed-point device coordinates and
    ``copy_path`` hands it back in user coordinates; appending it under the same matrix gives the same fixed-point
    path, so the pixels are the ones a rebuilt path gives (tests/test_path_cache.py compares frames). The key
    holds the matrix, not the context: the contexts of a camera's pooled frame buffers (``hand_over``) have the
    same size and matrix, so they share one cache instead of each keeping a copy of every path.
    The kept paths are emptied when their keys pass ``MAX_BYTES``, the remembered hashes past ``MAX_SEEN``."""

    MAX_BYTES = 24_000_000
    MAX_SEEN = 100_000

    def __init__(self) -> None:
        self.paths: dict[tuple, Any] = {}
        self.seen: set[int] = set()
        self.bytes = 0
        self.hits = 0

    @staticmethod
    def key(ctx: Any, vmobject: Any, points: np.ndarray) -> tuple:
        return (points.tobytes(), points.shape, vmobject.tolerance_for_point_equality,
                vmobject.n_points_per_cubic_curve, tuple(ctx.get_matrix()))

    def get(self, key: tuple) -> Any:
        path = self.paths.get(key)
        if path is not None:
            self.hits += 1
        return path

    def offer(self, key: tuple, ctx: Any) -> None:
        """Called right after the path for ``key`` was built on ``ctx``."""
        seen = hash(key)  # a collision only keeps a path one drawing early: the kept paths use the whole key
        if seen not in self.seen:
            if len(self.seen) >= self.MAX_SEEN:
                self.seen.clear()
            self.seen.add(seen)
            return
        self.seen.discard(seen)
        size = len(key[0])
        if self.bytes + size > self.MAX_BYTES:
            self.paths.clear()
            self.bytes = 0
        self.paths[key] = ctx.copy_path()
        self.bytes += size
