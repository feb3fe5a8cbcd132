"""Smoke tests of the render benchmark and of the speed-ups it measures: tiny scenes at a tiny size."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import av
import numpy as np
import pytest
from manim import DecimalNumber, Dot, ValueTracker, tempconfig
from manim.camera.camera import Camera

from production.bench import run as bench
from production.bench.figures import Results
from production.probe import frame_count_and_rate
from production.quality import BFRAMES, CRF
from scenes.base import ChapterScene
from scenes.fast_render import encode_frames
from scenes.parts import FastDecimal, Readout

SIZE = (64, 36, 10)
TINY_ENV = {"TINY_SECONDS": "2"}


class BenchChapter(ChapterScene):
    """A two-beat chapter with a live readout and a moving dot (uses the fast writer, like every chapter)."""

    chapter = "bench_tiny"
    narration_dir = Path(os.environ.get("BENCH_TEST_NARRATION", "/nonexistent"))

    def construct(self) -> None:
        tracker = ValueTracker(0.0)
        readout = Readout("x", tracker.get_value, "#7F77DD")
        dot = Dot()
        dot.add_updater(lambda m: m.move_to([tracker.get_value(), 0, 0]))
        self.add(readout, dot)
        with self.beat("move"):
            self.play(tracker.animate.set_value(2.0), run_time=1.0)
        with self.beat("rest"):
            pass


@pytest.fixture
def narration(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "bench_tiny.md").write_text("## move\nA dot moves.\n\n## rest\nIt rests a while here.\n")
    return {"BENCH_TEST_NARRATION": str(tmp_path)}


def test_timed_child_counts_every_frame_and_splits_the_time(tmp_path: Path) -> None:
    result = bench.run_child("timed", "tests.fixtures.tiny_chapters", "TinyB", SIZE, tmp_path, env=TINY_ENV)
    assert result["frames"] == 20 == result["encoded"]
    stages = result["stages"]
    assert all(v >= 0 for v in stages.values())
    assert stages["raster"] > 0 and stages["encode"] > 0
    assert stages["animate"] + stages["raster"] < result["wall"]  # main-thread stages nest inside the render
    assert stages["updaters"] <= stages["animate"]
    assert 50 < result["peak_mib"] < 2048


def test_chapter_figures_with_frame_limit_on_a_chapter_scene(tmp_path: Path, narration: dict[str, str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in narration.items():
        monkeypatch.setenv(key, value)
    fig = bench.chapter_figures("tests.test_bench", "BenchChapter", "bench_tiny", SIZE, 1, tmp_path)
    # Two beats: 1 s of animation, then the rest of each beat's narration time, all at 10 fps.
    from scenes.narration import estimated_duration

    expected = round(10 * max(1.0, estimated_duration("A dot moves."))) + round(
        10 * estimated_duration("It rests a while here."))
    assert abs(fig.frames - expected) <= 2
    assert fig.file_frames == fig.frames == fig.limit_frames
    assert fig.fps == pytest.approx(fig.frames / fig.wall_s)
    assert fig.limit_ms_per_frame > 0 and fig.limit_ratio > 0
    assert fig.ms_per_frame.encode_thread > 0  # the fast writer's encode path is timed too
    assert set(fig.ms_per_frame.to_dict()) >= {"total", "updaters_mathcore", "raster", "encode_thread"}


def test_fast_decimal_draws_the_same_pixels_as_manims() -> None:
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        camera = Camera()

        def pixels(mob: DecimalNumber) -> np.ndarray:
            camera.reset()
            camera.capture_mobjects([mob])
            return camera.pixel_array.copy()

        stock = DecimalNumber(0.3, num_decimal_places=2, font_size=48, color="#7F77DD")
        fast = FastDecimal(0.3, num_decimal_places=2, font_size=48, color="#7F77DD")
        for value in (0.31, 1.27, -3.5, 12.04, 0.0):
            stock.set_value(value)
            fast.set_value(value)
            assert fast.get_value() == value
            assert np.array_equal(pixels(stock), pixels(fast)), value
        assert pixels(fast).any()


def test_repeated_frames_encode_like_single_frames(tmp_path: Path) -> None:
    """The one-conversion path for repeated frames decodes to the same pictures as converting each copy."""
    rng = np.random.default_rng(3)
    frame = np.zeros((36, 64, 4), np.uint8)
    frame[..., :3] = rng.integers(0, 255, (36, 64, 3), dtype=np.uint8)
    frame[..., 3] = 255

    def encode(path: Path, repeated: bool) -> list[np.ndarray]:
        class Job:
            container = av.open(str(path), "w")
            stream = container.add_stream("libx264", rate=10, options={"qp": "0", "preset": "ultrafast"})

        Job.stream.pix_fmt, Job.stream.width, Job.stream.height = "yuv420p", 64, 36
        if repeated:
            encode_frames(Job, frame, 3)
        else:
            for _ in range(3):
                encode_frames(Job, frame, 1)
        for packet in Job.stream.encode():
            Job.container.mux(packet)
        Job.container.close()
        with av.open(str(path)) as f:
            return [fr.to_ndarray(format="yuv420p") for fr in f.decode(video=0)]

    once, each = encode(tmp_path / "a.mp4", True), encode(tmp_path / "b.mp4", False)
    assert len(once) == len(each) == 3
    assert all(np.array_equal(a, b) for a, b in zip(once, each, strict=True))


def test_chapters_write_partials_at_the_delivery_settings_that_ffprobe_reads(tmp_path: Path, narration: dict[str, str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BenchChapter, "narration_dir", Path(narration["BENCH_TEST_NARRATION"]))
    monkeypatch.setenv("MLE2MAP_VOICE", "none")
    with tempconfig({"pixel_width": SIZE[0], "pixel_height": SIZE[1], "frame_rate": SIZE[2],
                     "media_dir": str(tmp_path), "output_file": str(tmp_path / "out"), "disable_caching": True,
                     "verbosity": "ERROR", "progress_bar": "none", "write_to_movie": True}):
        scene = BenchChapter()
        scene.render()
        partials = [Path(p) for p in scene.renderer.file_writer.partial_movie_files if p]
    video = next(tmp_path.rglob("out.mp4"))
    frames, rate = frame_count_and_rate(video)
    assert rate == SIZE[2] and frames == round(scene.renderer.time * SIZE[2])
    for partial in partials:
        header = partial.read_bytes()[:200_000]
        # x264's own record of its settings: production/quality.py's delivery encode
        assert f"crf={CRF}.0".encode() in header and f"bframes={BFRAMES}".encode() in header


def test_sizes_and_runs_are_validated() -> None:
    assert bench.parse_size("854x480@15") == (854, 480, 15)
    for bad in ("1920x1080", "1921x1080@60", "1920x1080@0", "axb@c"):
        with pytest.raises(ValueError, match="--size"):
            bench.parse_size(bad)
    with pytest.raises(ValueError, match="--runs"):
        bench.main(["--runs", "0", "--no-video"])


def test_results_json_and_table(tmp_path: Path) -> None:
    data = {"chapters": {"ch": {"frames": 10, "fps": 5.0, "rtf": 2.0, "peak_mib": 300.0,
                                "ms_per_frame": {"total": 200.0, "updaters_mathcore": 1.0, "interpolate": 2.0,
                                                 "raster": 3.0, "encode_thread": 4.0},
                                "limit_ms_per_frame": 100.0, "limit_ratio": 2.0}}}
    results = Results.from_dict(data)
    out = tmp_path / "r" / "results.json"
    bench.write_results(results, out)
    assert json.loads(out.read_text()) == data
    text = bench.table(results)
    assert "ch" in text and "200.0" in text and "2.00" in text
    assert not list(out.parent.glob(".*tmp"))


def test_config_media_override(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "MLE2MAP_MEDIA": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", "from production.config import MEDIA; print(MEDIA)"],
                         env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert out == str(tmp_path.resolve())


def test_fast_camera_draws_the_same_pixels_as_manims() -> None:
    from manim import Circle, MathTex, Square, VGroup

    from scenes.fast_render import FastCamera
    from scenes.parts import ArrayCurve, make_axes

    plot = make_axes((-3, 3, 1), (0, 1, 0.5), 6.0, 3.0, "w", "p").axes
    xs = np.linspace(-3, 3, 301)
    scene = VGroup(plot, ArrayCurve(plot, xs, np.exp(-xs**2) * 1.4, "#1D9E75"), Circle(radius=1.2),
                   Square(0.8).shift([2, 1, 0]), MathTex(r"\sigma^2 = \frac{1}{2}").shift([-3, 2, 0]))
    with tempconfig({"pixel_width": 480, "pixel_height": 270}):
        frames = []
        for cls in (Camera, FastCamera):
            camera = cls()
            camera.capture_mobjects([scene])
            frames.append(camera.pixel_array.copy())
    assert frames[0].any() and np.array_equal(frames[0], frames[1])


def test_worker_stage_times_reach_the_manifest_tex_cold_then_warm(tmp_path: Path, narration: dict[str, str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A chapter with TeX readouts and the espeak voice, rendered twice by the renderer in one media dir: the
    first render compiles its TeX and synthesises its voice, the forced second one finds both cached."""
    from production.quality import Quality
    from production.rendering import cache
    from production.rendering.jobs import ChapterJob
    from production.rendering.renderer import Renderer, RenderSettings
    from production.rendering.stages import STAGES

    for key, value in narration.items():
        monkeypatch.setenv(key, value)
    job = ChapterJob(1, "bench_tiny", "BenchChapter", "Bench tiny", "tests.test_bench", Path(__file__),
                     Path(narration["BENCH_TEST_NARRATION"]) / "bench_tiny.md")
    settings = RenderSettings(Quality("test", SIZE[0], SIZE[1], SIZE[2], "veryfast"), "espeak", "dark")
    runs = []
    for force in (False, True):
        started = time.perf_counter()
        Renderer(settings, tmp_path, 1, out=lambda line: None, force=force,
                 shared=[bench.ROOT / "production" / "rendering" / "worker.py"]).render([job])
        outer = time.perf_counter() - started
        entry = cache.Manifest.from_file(tmp_path / "render" / "manifest.json").chapters["test/bench_tiny"]
        runs.append((entry.stages, outer))
    for stages, outer in runs:
        parts = [stages[f"{stage}_s"] for stage in STAGES]
        assert all(p >= 0 for p in parts) and stages["frames_s"] > 0  # the rest was not clamped to 0
        assert sum(parts) == pytest.approx(stages["wall_s"], abs=0.005)
        assert stages["wall_s"] < outer  # inside the worker process, which is inside the renderer's call
        assert stages["encode_cpu_s"] > 0 and stages["cpu_s"] > stages["encode_cpu_s"]
        assert 50 < stages["peak_mib"] < 2048
    (cold, _), (warm, _) = runs
    assert cold["tex_s"] > 0.2 and cold["children_cpu_s"] > 0.1  # latex and dvisvgm ran
    assert warm["tex_s"] < 0.05 * cold["tex_s"] and warm["children_cpu_s"] < 0.1 * cold["children_cpu_s"]
    assert cold["voice_s"] > warm["voice_s"] > 0  # espeak ran for each segment, then the cache answered


def _lavfi(path: Path, source: str, *filters: str) -> Path:
    import subprocess

    vf = ["-vf", ",".join(filters)] if filters else []
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", source, *vf, "-pix_fmt", "yuv420p",
                    "-c:v", "libx264", "-qp", "0", "-preset", "ultrafast", str(path)], check=True)
    return path


def test_ssim_and_psnr_against_ffmpeg_on_synthetic_inputs(tmp_path: Path) -> None:
    from production.bench.encode_quality import compare

    source = "testsrc2=s=320x180:r=15:d=1"
    clean = _lavfi(tmp_path / "clean.mp4", source)
    same = compare(clean, _lavfi(tmp_path / "same.mp4", source))
    assert same["ssim"] == 1.0 and same["psnr_db"] == float("inf") and same["frames"] == 15
    light = compare(_lavfi(tmp_path / "light.mp4", source, "noise=alls=4:allf=t"), clean)
    heavy = compare(_lavfi(tmp_path / "heavy.mp4", source, "noise=alls=40:allf=t"), clean)
    assert 0 < heavy["ssim"] < light["ssim"] < 1.0 and 0 < heavy["psnr_db"] < light["psnr_db"] < 100
    with pytest.raises(RuntimeError, match="frames"):
        compare(_lavfi(tmp_path / "short.mp4", "testsrc2=s=320x180:r=15:d=0.5"), clean)


def test_sample_is_the_animations_around_the_middle() -> None:
    from production.bench.encode_quality import plan_sample

    plays = [(0.0, 4.0), (4.0, 9.0), (9.0, 10.0), (10.0, 11.0), (11.0, 20.0)]  # middle at 10 s
    assert plan_sample(plays, 1.0) == (2, 3)
    assert plan_sample(plays, 4.0) == (1, 4)
    assert plan_sample([(0.0, 30.0)], 6.0) == (0, 0)
    with pytest.raises(ValueError):
        plan_sample([], 6.0)


def test_quality_sample_of_a_tiny_chapter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The delivery and lossless renders of the same animation hold the same frames; the lossless one is the
    bigger file, and the delivery encode is close to it."""
    from types import SimpleNamespace

    monkeypatch.setenv("TINY_SECONDS", "3")
    tiny = SimpleNamespace(slug="tinyB", module="tests.fixtures.tiny_chapters", scene="TinyB")
    fig = bench.quality_figures([tiny], (192, 108, 10), tmp_path, 1.0)
    sample = fig.chapters["tinyB"]
    assert (sample.first_play, sample.last_play) == (1, 1)  # the 2 s wait after the 1 s move
    assert sample.frames == 20 and (sample.start_s, sample.end_s) == (1.0, 3.0)
    assert sample.lossless_bytes > sample.delivery_bytes > 0
    assert 0.99 < sample.ssim <= 1.0 and sample.psnr_db > 35
    assert fig.summary.min_ssim == sample.ssim and fig.summary.met == (sample.ssim >= 0.995)


def test_run_figures_from_the_manifest_and_the_package(tmp_path: Path) -> None:
    """Two chapters rendered on two workers, then 20 s of packaging, in a 100 s run."""
    from production.bench import pipeline
    from production.packaging.package import FileEntry, PackageManifest
    from production.rendering import cache

    t0 = 1_000_000.0
    stages = {"tex_s": 5.0, "voice_s": 10.0, "encode_wait_s": 5.0, "frames_s": 20.0, "wall_s": 40.0,
              "encode_cpu_s": 12.0, "cpu_s": 60.0, "peak_mib": 700.0}
    manifest = {"hd/ch01": cache.ManifestEntry("k", 600, 60.0, 10, True, 41.0, t0 + 79.0, stages).to_dict(),
                "hd/ch02": cache.ManifestEntry("k", 1200, 60.0, 10, True, 41.0, t0 + 80.0,
                                               {**stages, "peak_mib": 900.0}).to_dict(),
                "hd/old": cache.ManifestEntry("k", 60, 60.0, 10, True, 9.0, t0 - 50.0, stages).to_dict()}
    (tmp_path / "render").mkdir()
    (tmp_path / "render" / "manifest.json").write_text(json.dumps(manifest))
    folder = tmp_path / "final" / "hd-dark"
    folder.mkdir(parents=True)
    (folder / "mle-to-map.mp4").write_bytes(b"\0" * 3_000_000)
    PackageManifest("hd", 1920, 1080, 60.0, "dark", "piper", [1, 2], [1, 2], True, 31.0,
                    {"mle-to-map.mp4": FileEntry(3_000_000, "x")}).to_file(folder / "package.json")
    fig = pipeline.run_figures(tmp_path, "hd", {"wall_s": 100.0, "started": t0, "ended": t0 + 100.0,
                                                    "cpu_s": 150.0})
    assert fig.chapters_rendered == 2 and fig.video_seconds == 31.0
    assert fig.rtf == pytest.approx(100 / 31)
    assert fig.packaging_after_last_chapter_s == pytest.approx(20.0)
    shares = fig.shares
    assert shares["assembly"] == pytest.approx(0.2)
    # 80 s before the last chapter finished, 82 worker-seconds (1 s start-up each): tex is 10 of them
    assert shares["tex"] == pytest.approx(0.8 * 10 / 82, abs=1e-4)
    assert shares["frames"] == pytest.approx(0.8 * 40 / 82, abs=1e-4)
    assert shares["startup"] == pytest.approx(0.8 * 2 / 82, abs=1e-4) and shares["other"] == pytest.approx(0, abs=1e-4)
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-3)
    assert fig.encode_cpu_share == pytest.approx(0.2) and fig.peak_mib_per_worker == 900.0
    assert fig.upload_mb == pytest.approx(3.0)


def test_a_rerun_that_renders_nothing_writes_its_zeros_as_floats(tmp_path: Path) -> None:
    """The cached rerun's figures round-trip through results.json byte for byte (an int 0 came back as 0.0)."""
    from production.bench import pipeline

    (tmp_path / "render").mkdir()
    (tmp_path / "render" / "manifest.json").write_text("{}")
    fig = pipeline.run_figures(tmp_path, "hd", {"wall_s": 3.0, "started": 10.0, "ended": 13.0, "cpu_s": 4.0})
    assert fig.chapters_rendered == 0
    numbers = [*fig.stage_seconds.values(), fig.encode_cpu_s, fig.worker_cpu_s]
    assert numbers == [0.0] * len(numbers) and all(type(v) is float for v in numbers)


def test_bench_main_runs_sections_alone_and_fills_the_targets(tmp_path: Path) -> None:
    """--only pacing on two renders with known stills: the pacing section, the targets table, nothing else."""
    import subprocess

    renders = tmp_path / "renders"
    renders.mkdir()
    calm = "testsrc2=s=160x90:r=15:d=8"
    _lavfi(renders / "ch05_prior.mp4", calm)
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", calm, "-f", "lavfi", "-i",
                    "color=c=gray:s=160x90:r=15:d=8", "-filter_complex", "[0][1]overlay=enable='gte(t,1)'",
                    "-pix_fmt", "yuv420p", str(renders / "ch06_posterior.mp4")], check=True)
    out = tmp_path / "results.json"
    assert bench.main(["--only", "pacing", "--video-chapters", "5,6,7", "--pacing-dir", str(renders), "--out", str(out),
                       "--media", str(tmp_path / "scratch")]) == 0
    results = json.loads(out.read_text())
    pacing = results["pacing"]
    assert pacing["missing"] == ["ch07_algebra"] and set(pacing["chapters"]) == {"ch05_prior", "ch06_posterior"}
    assert pacing["chapters"]["ch05_prior"]["stills"] == [] and pacing["chapters"]["ch05_prior"]["share_ok"]
    still = pacing["chapters"]["ch06_posterior"]
    assert not still["share_ok"] and not still["longest_ok"] and still["longest_s"] == pytest.approx(7, abs=0.2)
    assert "video" not in results and results["chapters"] == {} and "quality" not in results
    rows = {row["figure"]: row for row in results["targets_table"]}
    assert rows["pacing: stills > 3 s, share of each chapter"]["now"].startswith("1 of 2 chapters")
    assert rows["pacing: stills > 3 s, share of each chapter"]["met"] is False
    assert rows["make video hd, cold start / video duration"] == {
        "figure": "make video hd, cold start / video duration", "before": "1.88x", "now": "not measured",
        "target": "<= 0.9x", "met": None}
    with pytest.raises(ValueError, match="--only"):
        bench.main(["--only", "frames", "--out", str(out)])


def test_a_repeated_frame_gives_the_bitstream_of_fresh_copies(tmp_path: Path) -> None:
    """encode_frames sends one converted frame again for each copy (a new time stamp only); x264 writes the same
    packets as for a fresh frame per copy, at B-frame settings, with time stamps one apart."""
    from scenes.fast_render import yuv_frame

    rng = np.random.default_rng(5)
    pictures = []
    for _ in range(3):
        frame = np.zeros((72, 128, 4), np.uint8)
        frame[..., :3] = rng.integers(0, 255, (72, 128, 3), dtype=np.uint8)
        frame[..., 3] = 255
        pictures.append(frame)
    runs = [(0, 1), (1, 5), (2, 1), (0, 3)]

    def encode(path: Path, reuse: bool) -> list[bytes]:
        class Job:
            container = av.open(str(path), "w")
            stream = container.add_stream("libx264", rate=30, options={"crf": "18", "preset": "veryfast",
                                                                       "bf": "2", "threads": "1"})

        Job.stream.pix_fmt, Job.stream.width, Job.stream.height = "yuv420p", 128, 72
        packets = []
        for index, count in runs:
            if reuse:
                encode_frames(Job, pictures[index], count)
            else:
                for _ in range(count):
                    for packet in Job.stream.encode(yuv_frame(pictures[index])):
                        Job.container.mux(packet)
        for packet in Job.stream.encode():
            Job.container.mux(packet)
        Job.container.close()
        with av.open(str(path)) as f:
            for packet in f.demux(video=0):
                if packet.size:
                    packets.append((packet.pts, bytes(packet)))
        return packets

    ours, fresh = encode(tmp_path / "reused.mp4", True), encode(tmp_path / "fresh.mp4", False)
    assert len(ours) == sum(count for _, count in runs) == 10
    assert ours == fresh
    stamps = sorted(pts for pts, _ in ours)
    assert len(set(np.diff(stamps))) == 1
