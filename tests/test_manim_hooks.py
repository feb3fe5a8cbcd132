"""The private Manim names the speed-ups rely on, one test each: a Manim upgrade that drops or changes one fails
here by name (and FastPartialWriter raises) instead of the render silently falling back to the slow path or to
Manim's own BT.601 partial movies."""

from __future__ import annotations

import inspect
from queue import Queue

import pytest
from manim import VMobject
from manim.camera.camera import Camera
from manim.mobject.text import numbers
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene import scene_file_writer
from manim.scene.scene_file_writer import SceneFileWriter

from scenes import fast_render
from scenes.fast_render import FastPartialWriter, ManimHookMissing
from tests.fixtures.writer import bare_writer, flat, frame_config, write_partial


def params(fn: object) -> list[str]:
    return list(inspect.signature(fn).parameters)


def require(ok: bool, hook: str) -> None:
    assert ok, f"Manim no longer has {hook} (used by scenes/fast_render.py or scenes/parts.py): update them"


def test_writer_open_partial_movie_stream_signature():
    require(params(SceneFileWriter.open_partial_movie_stream) == ["self", "file_path"],
            "SceneFileWriter.open_partial_movie_stream(self, file_path=None)")


def test_writer_close_partial_movie_stream_signature():
    require(params(SceneFileWriter.close_partial_movie_stream) == ["self"],
            "SceneFileWriter.close_partial_movie_stream(self)")


@pytest.fixture
def stock_job(tmp_path):
    """Manim's own writer right after open_partial_movie_stream: its job, not yet given a frame."""
    with frame_config():
        writer = bare_writer(SceneFileWriter, tmp_path)
        writer.open_partial_movie_stream(tmp_path / "stock.mp4")
        job = getattr(writer, "_current_encode_job", None)
        yield writer, job
        if job is not None:
            job.seal()
            job.thread.join()


def test_writer_sets_current_encode_job(stock_job):
    _, job = stock_job
    require(isinstance(job, scene_file_writer._PartialMovieEncodeJob),
            "SceneFileWriter._current_encode_job (a _PartialMovieEncodeJob) after open_partial_movie_stream")


def test_encode_job_stream_opens_on_the_first_frame(stock_job):
    """The options, pixel format and colour tags are set after open_partial_movie_stream: the codec must not
    be open yet."""
    _, job = stock_job
    require(hasattr(job, "stream") and job.stream.codec_context.name == "libx264"
            and not job.stream.codec_context.is_open, "_PartialMovieEncodeJob.stream (libx264, opened lazily)")


def test_encode_job_container(stock_job):
    _, job = stock_job
    require(hasattr(job, "container") and hasattr(job.container, "mux"), "_PartialMovieEncodeJob.container.mux")


def test_encode_job_queue(stock_job):
    _, job = stock_job
    require(isinstance(getattr(job, "queue", None), Queue), "_PartialMovieEncodeJob.queue (a queue.Queue)")


def test_encode_job_encode_and_write_frame(stock_job):
    _, job = stock_job
    method = getattr(scene_file_writer._PartialMovieEncodeJob, "_encode_and_write_frame", None)
    require(method is not None and params(method) == ["self", "frame", "num_frames"],
            "_PartialMovieEncodeJob._encode_and_write_frame(self, frame, num_frames)")
    require("_encode_and_write_frame" in inspect.getsource(scene_file_writer._PartialMovieEncodeJob._listen_and_write),
            "_PartialMovieEncodeJob._listen_and_write calling self._encode_and_write_frame")


def test_config_max_inflight_encoders_bounds_close(tmp_path, monkeypatch):
    """close_partial_movie_stream keeps up to config.max_inflight_encoders jobs running."""
    require(isinstance(getattr(scene_file_writer.config, "max_inflight_encoders", None), int),
            "config.max_inflight_encoders")
    with frame_config(max_inflight_encoders=2):
        writer = bare_writer(SceneFileWriter, tmp_path)
        writer.open_partial_movie_stream(tmp_path / "a.mp4")
        writer.close_partial_movie_stream()
        require(len(writer._inflight_encode_jobs) == 1, "SceneFileWriter._inflight_encode_jobs bounded by "
                "config.max_inflight_encoders in close_partial_movie_stream")
        writer.join_all_encode_jobs()


def test_camera_set_cairo_context_path():
    require(params(Camera.set_cairo_context_path) == ["self", "ctx", "vmobject"],
            "Camera.set_cairo_context_path(self, ctx, vmobject)")
    require(hasattr(Camera, "transform_points_pre_display"), "Camera.transform_points_pre_display")
    for name in ("get_subpath_split_indices_from_points", "consider_points_equals_2d"):
        require(hasattr(VMobject, name), f"VMobject.{name}")
    require(VMobject().n_points_per_cubic_curve == 4, "VMobject.n_points_per_cubic_curve")


def test_camera_get_mobjects_to_display_and_type_or_raise():
    """FastCamera replaces both; capture_mobjects must still ask them, and read display_funcs that
    type_or_raise sets."""
    require(params(Camera.get_mobjects_to_display) == ["self", "mobjects", "include_submobjects",
                                                      "excluded_mobjects"],
            "Camera.get_mobjects_to_display(self, mobjects, include_submobjects, excluded_mobjects)")
    require(params(Camera.type_or_raise) == ["self", "mobject"], "Camera.type_or_raise(self, mobject)")
    source = inspect.getsource(Camera.capture_mobjects)
    require("self.get_mobjects_to_display(" in source and "self.type_or_raise" in source
            and "self.display_funcs[" in source,
            "Camera.capture_mobjects calling get_mobjects_to_display, type_or_raise and display_funcs")


def test_renderer_takes_frames_through_get_frame():
    """FastRenderer.get_frame hands the camera's buffer over; Manim must still take every frame through it and
    set the camera's pixels through set_pixel_array."""
    for method in (CairoRenderer.render, CairoRenderer.save_static_frame_data):
        require("self.get_frame()" in inspect.getsource(method), f"CairoRenderer.{method.__name__} calling get_frame")
    require(params(CairoRenderer.get_frame) == ["self"], "CairoRenderer.get_frame(self)")
    require(params(Camera.set_pixel_array) == ["self", "pixel_array", "convert_from_floats"],
            "Camera.set_pixel_array(self, pixel_array, convert_from_floats)")
    require("pixel_array" not in vars(Camera), "Camera.pixel_array as a plain attribute (FastCamera: a property)")
    for method in (Camera.reset, Camera.set_frame_to_background):
        require("self.set_pixel_array(" in inspect.getsource(method), f"Camera.{method.__name__} via set_pixel_array")


def test_cairo_renderer_takes_writer_and_camera_classes():
    require({"file_writer_class", "camera_class", "skip_animations"} <= set(params(CairoRenderer.__init__)),
            "CairoRenderer(file_writer_class=, camera_class=, skip_animations=)")


def test_numbers_string_to_mob_map():
    require(isinstance(getattr(numbers, "string_to_mob_map", None), dict),
            "manim.mobject.text.numbers.string_to_mob_map (the glyph cache FastDecimal shares)")


def test_decimal_number_builds_its_glyphs_through_string_to_mob():
    """FastDecimal overrides DecimalNumber._string_to_mob(string, mob_class, **kwargs) and reads mob_class and
    _font_size: the stock class must still route every glyph through it."""
    require(params(numbers.DecimalNumber._string_to_mob)[:3] == ["self", "string", "mob_class"],
            "DecimalNumber._string_to_mob(self, string, mob_class=None, **kwargs)")
    asked = []

    class Probe(numbers.DecimalNumber):
        def _string_to_mob(self, string: str, mob_class: type | None = None, **kwargs: object) -> VMobject:
            asked.append(string)
            return VMobject()

    number = Probe(1.25, num_decimal_places=2)
    require(bool(asked), "DecimalNumber calling self._string_to_mob for its glyphs")
    require(hasattr(number, "mob_class") and hasattr(number, "_font_size"),
            "DecimalNumber.mob_class and DecimalNumber._font_size")


def test_fast_writer_raises_when_manim_sets_no_encode_job(tmp_path, monkeypatch):
    monkeypatch.setattr(SceneFileWriter, "open_partial_movie_stream", lambda self, file_path=None: None)
    with frame_config(), pytest.raises(ManimHookMissing, match="_current_encode_job"):
        bare_writer(FastPartialWriter, tmp_path).open_partial_movie_stream(tmp_path / "x.mp4")


def test_fast_writer_raises_when_the_job_lacks_its_encode_method(tmp_path, monkeypatch):
    monkeypatch.delattr(scene_file_writer._PartialMovieEncodeJob, "_encode_and_write_frame")
    writer = bare_writer(FastPartialWriter, tmp_path)
    with frame_config(), pytest.raises(ManimHookMissing, match="_encode_and_write_frame"):
        write_partial(writer, tmp_path / "x.mp4", [(flat("#1D9E75"), 1)])
    writer.abort_encode_jobs()


def test_fast_writer_raises_without_max_inflight_encoders(tmp_path, monkeypatch):
    class Config:
        pass

    monkeypatch.setattr(fast_render, "config", Config())
    with pytest.raises(ManimHookMissing, match="max_inflight_encoders"):
        bare_writer(FastPartialWriter, tmp_path).close_partial_movie_stream()


def test_mobject_family_and_update_methods():
    """scenes/fast_family.py replaces these three on manim.Mobject (tests/test_fast_family.py compares them)."""
    from manim import Mobject

    from scenes import fast_family

    for name, expected in fast_family.HOOKS.items():
        require(params(fast_family.STOCK[name]) == expected, f"Mobject.{name}({', '.join(expected)})")
    mob = Mobject()
    for name in ("submobjects", "updaters", "updating_suspended", "points"):
        require(hasattr(mob, name), f"Mobject.{name}")


def test_family_extraction_looks_the_method_up_on_mobject():
    """The camera and the scene collect families through extract_mobject_family_members, which must look the
    methods up on Mobject when called (not keep its own reference), so the replaced ones are the ones used."""
    from manim.utils import family

    source = inspect.getsource(family.extract_mobject_family_members)
    require("Mobject.family_members_with_points" in source and "Mobject.get_family" in source,
            "manim.utils.family.extract_mobject_family_members looking up Mobject.get_family at call time")


def test_fast_family_raises_when_a_method_changes(monkeypatch):
    from scenes import fast_family

    monkeypatch.setitem(fast_family.STOCK, "get_family", lambda self: [self])
    with pytest.raises(ManimHookMissing, match="get_family"):
        fast_family.install()


def test_fast_writer_raises_without_the_in_flight_list(tmp_path):
    writer = bare_writer(FastPartialWriter, tmp_path)
    del writer._inflight_encode_jobs
    with frame_config(), pytest.raises(ManimHookMissing, match="_inflight_encode_jobs"):
        writer.open_partial_movie_stream(tmp_path / "x.mp4")


def test_mobject_copy_goes_through_mobject_deepcopy_and_glyphs_keep_their_path():
    """scenes/fast_copy.py hands a glyph's ``path_obj`` to the deep-copy memo inside Mobject.__deepcopy__."""
    from manim import MathTex, Mobject
    from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

    require("__deepcopy__" in Mobject.__dict__, "Mobject.__deepcopy__ (copy() is a deepcopy of the attributes)")
    glyph = next(m for m in MathTex("x").get_family() if isinstance(m, VMobjectFromSVGPath))
    require(hasattr(glyph, "path_obj"), "VMobjectFromSVGPath.path_obj")


def test_fast_copy_raises_when_manim_defines_its_own_glyph_copy(monkeypatch):
    from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

    from scenes import fast_copy

    monkeypatch.setitem(fast_copy._STOCK, (VMobjectFromSVGPath, "__deepcopy__"), lambda self, memo: self)
    with pytest.raises(ManimHookMissing, match="VMobjectFromSVGPath"):
        fast_copy.install()
