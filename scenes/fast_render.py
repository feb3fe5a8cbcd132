"""Cheaper frames for Manim's Cairo renderer, used by every ChapterScene; the pictures stay the same.

FastCamera builds each Cairo path from a Python list of the points instead of indexing numpy scalars one by one
(the path loop is the largest Python cost of rasterising a frame full of sampled curves).

FastPartialWriter writes the partial movie files, which are intermediate (production/encode.py encodes again):
* x264 ``ultrafast`` at CRF 18 instead of Manim's ``medium`` at CRF 23: about a third of the CPU, and closer to
  the rendered pixels, at the price of larger intermediate files.
* A repeated frame (a wait with nothing moving) is converted from RGBA to YUV once, not once per copy.
* The frame queue between the renderer and the encoder thread is bounded, so a slow encoder makes the renderer
  wait instead of piling up 8 MB frames (Manim leaves it unbounded when it encodes one animation at a time).
* The renderer goes on with the next animation while the previous one's encoder finishes (two in flight)
  instead of waiting for it at the end of every animation.
"""

from __future__ import annotations

from typing import Any

import av
import numpy as np
from manim import config
from manim.camera.camera import Camera
from manim.scene.scene_file_writer import SceneFileWriter

PARTIAL_X264 = {"preset": "ultrafast", "crf": "18"}
QUEUE_FRAMES = 8
IN_FLIGHT = 2


def encode_frames(job: Any, frame: np.ndarray, num_frames: int) -> None:
    """Encode ``frame`` ``num_frames`` times into ``job``'s stream (one RGBA -> YUV conversion for all copies)."""
    if num_frames <= 0:
        return
    stream, container = job.stream, job.container
    if num_frames == 1:
        frames = [av.VideoFrame.from_ndarray(frame, format="rgba")]
    else:
        yuv = av.VideoFrame.from_ndarray(frame, format="rgba").reformat(format=stream.pix_fmt).to_ndarray()
        frames = (av.VideoFrame.from_ndarray(yuv, format=stream.pix_fmt) for _ in range(num_frames))
    for av_frame in frames:
        for packet in stream.encode(av_frame):
            container.mux(packet)


class FastPartialWriter(SceneFileWriter):
    """SceneFileWriter with the faster partial-file encoding described in this module's docstring."""

    def open_partial_movie_stream(self, file_path: Any = None) -> None:
        super().open_partial_movie_stream(file_path)
        job = self._current_encode_job
        if job is None:
            return
        # The encoder thread is already waiting on the (empty) queue: the codec opens on the first frame,
        # so its options and the queue bound can still change here.
        if job.stream.codec_context.name == "libx264":
            job.stream.codec_context.options = {**job.stream.codec_context.options, **PARTIAL_X264}
        if job.queue.maxsize <= 0:
            job.queue.maxsize = QUEUE_FRAMES
        job._encode_and_write_frame = lambda frame, n: _module_encode(job, frame, n)

    def close_partial_movie_stream(self) -> None:
        limit = config.max_inflight_encoders
        config.max_inflight_encoders = max(limit, IN_FLIGHT)
        try:
            super().close_partial_movie_stream()
        finally:
            config.max_inflight_encoders = limit


def _module_encode(job: Any, frame: np.ndarray, num_frames: int) -> None:
    # Looked up at call time so a profiler can wrap encode_frames.
    import scenes.fast_render as this

    this.encode_frames(job, frame, num_frames)


class FastCamera(Camera):
    """Manim's Camera with a faster ``set_cairo_context_path`` (same path, same pixels)."""

    def set_cairo_context_path(self, ctx: Any, vmobject: Any) -> FastCamera:
        points = self.transform_points_pre_display(vmobject, vmobject.points)
        if len(points) == 0:
            return self
        nppcc = vmobject.n_points_per_cubic_curve
        ctx.new_path()
        splits = vmobject.get_subpath_split_indices_from_points(points, n_dims=2)
        if len(splits) == 0:
            return self
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
        return self
