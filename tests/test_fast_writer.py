"""FastPartialWriter writes delivery-ready partial movies (checked with ffprobe and ffmpeg, not with the settings
it was given): H.264 High, yuv420p, BT.709 matrix and tags, an IDR at each start and every fps/2 frames, the same
headers in every file, and Manim's chapter file is a stream copy of them. MLE2MAP_LOSSLESS=1 writes lossless."""

from __future__ import annotations

import gc
import weakref

import av
import numpy as np
import pytest
from manim.scene.scene_file_writer import SceneFileWriter

from production.probe import probe, video_stream
from production.quality import CRF, for_frames
from scenes import fast_render
from scenes.fast_render import FastPartialWriter, yuv_frame
from tests.fixtures.media_checks import coded_pictures, keyframe_indices, parameter_sets, rgb, x264_options
from tests.fixtures.media_checks import rgb_at as rgb_at_size
from tests.fixtures.writer import FPS, HEIGHT, WIDTH, bare_writer, flat, frame_config, write_partial

GREEN, PURPLE = "#1D9E75", "#7F77DD"
QUALITY = for_frames(WIDTH, HEIGHT, FPS)


def rgb_at(path, index: int, matrix: str) -> np.ndarray:
    return rgb_at_size(path, index, matrix, WIDTH, HEIGHT)


@pytest.fixture(scope="module")
def chapter(tmp_path_factory):
    """Two partial movies (12 green frames, then 3 purple and 9 green) and Manim's chapter file of them."""
    folder = tmp_path_factory.mktemp("partials")
    with frame_config():
        writer = bare_writer(FastPartialWriter, folder)
        first = write_partial(writer, folder / "p0.mp4", [(flat(GREEN), 12)])
        second = write_partial(writer, folder / "p1.mp4", [(flat(PURPLE), 1), (flat(PURPLE), 2), (flat(GREEN), 9)])
        joined = folder / "chapter.mp4"
        writer.combine_files([str(first), str(second)], joined)
    return [first, second], joined


def test_partials_are_h264_high_yuv420p_tagged_bt709(chapter):
    partials, joined = chapter
    for path in [*partials, joined]:
        v = video_stream(probe(path))
        assert (v["codec_name"], v["profile"], v["pix_fmt"]) == ("h264", "High", "yuv420p"), path.name
        assert (v["color_primaries"], v["color_transfer"], v["color_space"], v["color_range"]) == \
            ("bt709", "bt709", "bt709", "tv"), path.name


def test_partials_use_the_delivery_rate_control_gop_and_one_set_of_headers(chapter):
    """CRF under a VBV cap, closed GOPs of fps/2; one SPS/PPS for all, or a stream copy would not decode."""
    partials, _ = chapter
    maxrate, bufsize = QUALITY.vbv
    assert parameter_sets(partials[0]) == parameter_sets(partials[1])
    for path in partials:
        opts = x264_options(path)
        assert (opts["rc"], float(opts["crf"])) == ("crf", float(CRF))
        assert (int(opts["vbv_maxrate"]), int(opts["vbv_bufsize"])) == (maxrate // 1000, bufsize // 1000)
        assert (opts["keyint"], opts["scenecut"], opts["open_gop"], opts["bframes"]) == \
            (str(QUALITY.gop), "0", "0", "2")
        # veryfast's macroblock tree over a 5-frame look-ahead, superfast's motion search, one thread
        # (production/quality.py)
        assert (opts["mbtree"], opts["rc_lookahead"], opts["me"], opts["subme"], opts["analyse"]) == \
            ("1", "5", "dia", "1", "0x3:0x3")
        assert (opts["threads"], opts["lookahead_threads"]) == ("1", "1")


def test_each_partial_starts_with_a_keyframe_then_one_every_half_second(chapter):
    partials, joined = chapter
    gop = QUALITY.gop
    assert gop == FPS // 2
    for path in partials:
        assert keyframe_indices(path) == [0, gop, 2 * gop][: -(-12 // gop)], path.name
    assert keyframe_indices(joined) == [0, gop, 2 * gop, 12, 12 + gop, 12 + 2 * gop]


def test_manims_chapter_file_is_a_stream_copy_of_the_partials(chapter):
    partials, joined = chapter
    copied, in_band = coded_pictures(joined)
    assert len(copied) == 24
    assert copied == coded_pictures(partials[0])[0] + coded_pictures(partials[1])[0]
    assert in_band <= parameter_sets(joined) == parameter_sets(partials[0])


def test_rgba_is_converted_with_the_bt709_matrix(chapter):
    """Decoded as BT.709 the palette colours come back; decoded as BT.601 (Manim's own matrix) they do not."""
    _, joined = chapter
    for index, colour in ((5, GREEN), (12, PURPLE), (20, GREEN)):
        np.testing.assert_allclose(rgb_at(joined, index, "bt709"), rgb(colour), atol=3)
        assert np.abs(rgb_at(joined, index, "bt601") - rgb(colour)).max() > 8


def test_lossless_switch_keeps_the_converted_frames_exactly(tmp_path, monkeypatch):
    monkeypatch.setenv("MLE2MAP_LOSSLESS", "1")
    frame = np.random.default_rng(1).integers(0, 256, (HEIGHT, WIDTH, 4), np.uint8)
    frame[..., 3] = 255
    with frame_config():
        path = write_partial(bare_writer(FastPartialWriter, tmp_path), tmp_path / "lossless.mp4", [(frame, 3)])
    assert video_stream(probe(path))["profile"] == "High 4:4:4 Predictive"
    assert x264_options(path)["qp"] == "0"
    expected = yuv_frame(frame).to_ndarray()
    with av.open(str(path)) as container:
        decoded = [f.to_ndarray() for f in container.decode(video=0)]
    assert len(decoded) == 3
    for got in decoded:
        np.testing.assert_array_equal(got, expected)


def test_a_finished_partial_frees_its_encoder_without_the_cyclic_gc(tmp_path):
    """Each partial movie's x264 encoder holds tens of MB at 1080p; a chapter has hundreds of them. They must go
    as soon as the job is joined, not when Python's cycle collector happens to run (5 GiB workers, #13)."""
    writer = bare_writer(FastPartialWriter, tmp_path)
    gc.collect()
    gc.disable()
    try:
        with frame_config():
            writer.open_partial_movie_stream(tmp_path / "freed.mp4")
            job = weakref.ref(writer._current_encode_job)
            writer._current_encode_job.put(2, flat("#1D9E75"))
            writer.close_partial_movie_stream()
            writer.join_all_encode_jobs()
        assert job() is None, "the encode job (and its codec context) outlives its partial movie"
    finally:
        gc.enable()
    assert video_stream(probe(tmp_path / "freed.mp4"))["nb_frames"] == "2"


def test_the_next_encoder_starts_only_once_the_one_before_is_freed(tmp_path, monkeypatch):
    """Two partial movies in flight, but one x264 encoder allocated at a time: PyAV keeps an encoder until its
    stream object goes (not when the file closes), and Manim keeps the finished job until the next close, so
    two encoders (about 400 MiB at 1080p) used to stay allocated through every animation (#13)."""
    writer = bare_writer(FastPartialWriter, tmp_path)
    first_at_second: list[tuple[bool, object, object]] = []
    real = fast_render.encode_frames

    def spy(job, frame, num_frames):
        if str(job.path).endswith("b.mp4"):
            first_at_second.append((first.thread.is_alive(), first.stream, first.container))
        real(job, frame, num_frames)

    monkeypatch.setattr(fast_render, "encode_frames", spy)
    gc.collect()
    gc.disable()
    try:
        with frame_config():
            writer.open_partial_movie_stream(tmp_path / "a.mp4")
            first = writer._current_encode_job
            writer._current_encode_job.put(3, flat(GREEN))
            writer.close_partial_movie_stream()
            assert len(writer._inflight_encode_jobs) == 1  # not joined: the renderer goes on
            writer.open_partial_movie_stream(tmp_path / "b.mp4")
            writer._current_encode_job.put(2, flat(PURPLE))
            writer.close_partial_movie_stream()
            writer.join_all_encode_jobs()
    finally:
        gc.enable()
    # The first job let go of its stream and container (the only references to its encoder) before the second
    # encoded anything.
    assert first_at_second == [(False, None, None)]
    assert [video_stream(probe(tmp_path / name))["nb_frames"] for name in ("a.mp4", "b.mp4")] == ["3", "2"]


@pytest.mark.parametrize(("width", "height", "frames"), [(1920, 1080, 8), (3840, 2160, 2)])
def test_the_frame_queue_is_bounded_by_bytes(tmp_path, width, height, frames):
    """At 4K a queued RGBA frame is 33 MB: a fixed count of 8 per encoder (two in flight) held half a GiB."""
    writer = bare_writer(FastPartialWriter, tmp_path)
    with frame_config(pixel_width=width, pixel_height=height):
        writer.open_partial_movie_stream(tmp_path / "queue.mp4")
        try:
            assert writer._current_encode_job.queue.maxsize == frames
            assert frames * width * height * 4 <= fast_render.QUEUE_BYTES
        finally:
            writer.abort_encode_jobs()


@pytest.mark.parametrize(("width", "height", "encoders"), [(1920, 1080, 2), (3840, 2160, 1)])
def test_one_encoder_in_flight_at_4k(tmp_path, monkeypatch, width, height, encoders):
    """A 4K x264 encoder holds about 0.6 GiB: two in flight kept a 4K worker above 2 GiB."""
    seen: list[int] = []
    monkeypatch.setattr(SceneFileWriter, "close_partial_movie_stream",
                        lambda self: seen.append(fast_render.config.max_inflight_encoders))
    with frame_config(pixel_width=width, pixel_height=height):
        bare_writer(FastPartialWriter, tmp_path).close_partial_movie_stream()
        assert seen == [encoders]
        assert fast_render.config.max_inflight_encoders == 1  # Manim's own setting is restored


@pytest.mark.parametrize("width, height", [(854, 480), (64, 36)])
def test_the_reused_converter_gives_pyavs_own_conversion(width, height):
    """One scaler per chain of partial movies reading each frame in place (also a frame whose rows are a view
    into a wider picture, and one whose pixels are not packed): the same planes as PyAV's fresh frame and
    reformatter (its default threads), frame after frame."""
    converter = fast_render.YuvConverter(width, height)
    rng = np.random.default_rng(7)
    wide = rng.integers(0, 256, (height, width + 8, 4), np.uint8)
    for frame in (*(rng.integers(0, 256, (height, width, 4), np.uint8) for _ in range(3)),
                  wide[:, 4:width + 4], np.asfortranarray(wide[:, :width])):
        stock = av.VideoFrame.from_ndarray(frame, format="rgba").reformat(
            format="yuv420p", src_colorspace="ITU709", dst_colorspace="ITU709", src_color_range="JPEG",
            dst_color_range="MPEG")
        got = converter.convert(frame)
        np.testing.assert_array_equal(got.to_ndarray(), stock.to_ndarray())
        assert (got.colorspace, got.color_range) == (stock.colorspace, stock.color_range)


def test_a_chain_of_partials_shares_one_converter(tmp_path):
    writer = bare_writer(FastPartialWriter, tmp_path)
    seen = []
    with frame_config():
        for name, colour in (("a", GREEN), ("b", PURPLE), ("c", GREEN)):
            writer.open_partial_movie_stream(tmp_path / f"{name}.mp4")
            job = writer._current_encode_job
            writer._current_encode_job.put(2, flat(colour))
            writer.close_partial_movie_stream()
            job.thread.join()
            seen.append(job._yuv_converter)
        writer.join_all_encode_jobs()
    assert seen[0] is not None
    assert all(converter is seen[0] for converter in seen[1:])
