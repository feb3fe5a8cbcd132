"""Typed data at the boundaries: the render manifest (production/rendering/cache.py) and the benchmark results
(production/bench/figures.py) read, checked and written back as they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from production.bench import run as bench
from production.bench.figures import (
    ChapterFigures,
    FrameCosts,
    QualityFigures,
    QualitySample,
    QualitySummary,
    Results,
    VideoFigures,
    VideoRun,
)
from production.bench.targets import targets_table
from production.config import ROOT
from production.rendering import cache
from production.rendering.cache import Manifest, ManifestEntry

STAGES = {"cpu_s": 16.864, "frames_s": 9.901, "peak_mib": 745.871, "wall_s": 14.856}
#: Entries as the renderer has written them: with stages and rendered_at, and an older one without either.
ON_DISK = {
    "hd/ch05_prior": {"fps": 60.0, "frames": 1954, "key": "ce91", "render_seconds": 83.03,
                      "rendered_at": 1796136262.8982375, "size": 2142135, "sound": False, "stages": STAGES},
    "preview/ch05_prior": {"fps": 15.0, "frames": 30, "key": "k", "render_seconds": 2.5, "size": 4, "sound": True},
    "final/hd-dark": {"key": "assembly", "anything": [1, 2]},
}


def _old_format(data: dict) -> str:
    """The manifest text as the dict-based code wrote it."""
    return json.dumps(data, indent=2, sort_keys=True)


def test_manifest_reads_an_existing_file_and_writes_it_back_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "render" / "manifest.json"
    path.parent.mkdir()
    path.write_text(_old_format(ON_DISK))
    manifest = Manifest.from_file(path, warn=pytest.fail)
    assert manifest.entry("hd", "ch05_prior") == ManifestEntry("ce91", 1954, 60.0, 2142135, False, 83.03,
                                                               1796136262.8982375, STAGES)
    assert manifest.entry("preview", "ch05_prior").stages == {} and manifest.entry("hd", "ch01") is None
    assert manifest.assembly == {"final/hd-dark": ON_DISK["final/hd-dark"]}
    assert set(manifest.at_quality("hd")) == {"ch05_prior"}
    copy = tmp_path / "copy" / "manifest.json"
    manifest.to_file(copy)
    assert copy.read_text() == path.read_text()
    assert Manifest.from_file(copy) == manifest
    assert not list(copy.parent.glob(".*.tmp"))


def test_a_damaged_manifest_value_names_the_entry_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(_old_format({**ON_DISK, "hd/ch07_algebra": {**ON_DISK["hd/ch05_prior"], "frames": "many"}}))
    warnings: list[str] = []
    manifest = Manifest.from_file(path, warn=warnings.append)
    [line] = warnings
    assert str(path) in line and "'hd/ch07_algebra'" in line and "frames must be an integer > 0, got 'many'" in line
    assert sorted(manifest.chapters) == ["hd/ch05_prior", "preview/ch05_prior"]
    assert json.loads(path.read_text()) == ON_DISK  # the good entries stay, unchanged
    assert len(list(tmp_path.glob("manifest.json.bad-*"))) == 1


def test_locked_manifest_writes_only_what_the_block_changed(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(_old_format(ON_DISK))
    inode = path.stat().st_ino
    with cache.locked_manifest(path) as manifest:
        assert manifest.entry("hd", "ch05_prior").frames == 1954
    assert path.stat().st_ino == inode  # nothing changed: not rewritten
    entry = ManifestEntry("new", 10, 10.0, 1, False, 1.0, 5.0, {"wall_s": 0.5})
    with cache.locked_manifest(path) as manifest:
        manifest.record("preview", "ch01_cold_open", entry)
    assert json.loads(path.read_text()) == {**ON_DISK, "preview/ch01_cold_open": entry.to_dict()}
    assert Manifest.from_file(path).entry("preview", "ch01_cold_open") == entry


# ---------------------------------------------------------------- benchmark results
COMMITTED = ROOT / "benchmarks" / "results.json"
SECTION = {"machine": {"cpus": 2}, "size": [1920, 1080, 60], "runs": 1, "started": "2026-12-01T10:57:38+0000"}


def _full() -> Results:
    """Results with every typed section filled in, as a run with --compare and every section would leave them."""
    costs = FrameCosts(total=18.0, updaters_mathcore=3.4, interpolate=1.8, raster=10.4, encode_thread=23.5,
                       encode_cpu=7.2, encode_wait=0.5, begin=0.7, other=1.1)
    stock = ChapterFigures(frames=1910, fps=40.0, rtf=1.5, peak_mib=700.0, ms_per_frame=costs)
    chapter = ChapterFigures(frames=1910, file_frames=1910, runs=1, video_seconds=31.8, wall_s=34.3, fps=55.7,
                             rtf=1.08, peak_mib=618.7, cpu_ms_per_frame=28.6, init_s=0.04, ms_per_frame=costs,
                             limit_ms_per_frame=15.0, limit_ratio=1.2, limit_cpu_ms_per_frame=25.0,
                             limit_cpu_ratio=1.14, limit_frames=1910, snapshot_mib=12.0, measured=SECTION, stock=stock)
    run = VideoRun(wall_s=100.0, video_seconds=480.0, rtf=100 / 480, chapters_rendered=10,
                   packaging_after_last_chapter_s=3.0, packaging_share=0.03, shares={"frames": 0.5, "assembly": 0.03},
                   stage_seconds={"frames": 50.0}, encode_cpu_s=20.0, worker_cpu_s=90.0, encode_cpu_share=0.22,
                   cpu_s=150.0, peak_mib_per_worker=800.0, per_chapter={"ch05_prior": {"render_s": 9.0}},
                   upload_file="media/final/hd-dark/mle-to-map.mp4", upload_mb=61.7)
    rerun = VideoRun(wall_s=4.0, video_seconds=480.0, rtf=None, chapters_rendered=0,
                     packaging_after_last_chapter_s=4.0, packaging_share=1.0, shares={}, stage_seconds={},
                     encode_cpu_s=0.0, worker_cpu_s=0.0, encode_cpu_share=None, cpu_s=3.0, peak_mib_per_worker=None,
                     per_chapter={})
    sample = QualitySample(ssim=0.998, psnr_db=float("inf"), frames=360, first_play=3, last_play=5, start_s=14.0,
                           end_s=20.0, delivery_bytes=10_000, lossless_bytes=90_000, delivery_mbps=0.013)
    quality = QualityFigures(size=[1920, 1080, 60], sample_seconds=6.0, chapters={"ch05_prior": sample},
                             summary=QualitySummary(min_ssim=0.998, min_psnr_db=float("inf"), ssim_target=0.995,
                                                    met=True), measured=SECTION)
    video = VideoFigures(quality="hd", jobs=2, voice="video.toml", cold=run, warm=run, rerun=rerun, measured=SECTION)
    return Results(chapters={"ch05_prior": chapter}, video={"hd": video}, quality=quality,
                   other={**SECTION, "pacing": {"chapters": {}, "missing": []}, "memory_4k": None})


def test_results_round_trip_through_the_file(tmp_path: Path) -> None:
    results = _full()
    out = tmp_path / "results.json"
    results.to_file(out)
    again = Results.from_file(out)
    assert again == results
    data = json.loads(out.read_text())
    assert data["chapters"]["ch05_prior"]["ms_per_frame"]["total"] == 18.0
    assert data["video"]["hd"]["rerun"]["rtf"] is None and "upload_mb" not in data["video"]["hd"]["rerun"]
    assert "limit_ratio" not in data["chapters"]["ch05_prior"]["stock"]  # not measured: left out, as before
    assert list(data) == ["machine", "size", "runs", "started", "chapters", "video", "quality", "pacing",
                          "memory_4k"]
    assert [row["now"] for row in targets_table(again)][:3] == ["0.21x (100 s for 480 s)", "0.21x (100 s for 480 s)",
                                                                "cold 3.0% (3 s), warm 3.0% (3 s)"]
    assert "make video @hd cold: 100 s for 480 s of video (0.21x)" in bench.table(again)


def test_the_committed_results_load_and_are_written_back_unchanged(tmp_path: Path) -> None:
    results = Results.from_file(COMMITTED)
    committed = json.loads(COMMITTED.read_text())
    assert results.chapters["ch05_prior"].ms_per_frame.total == committed["chapters"]["ch05_prior"]["ms_per_frame"][
        "total"]
    out = tmp_path / "results.json"
    results.to_file(out)
    assert out.read_text() == COMMITTED.read_text()
    assert targets_table(results) == committed["targets_table"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["chapters"]["ch05_prior"]["ms_per_frame"].update(total="fast"),
     "chapters.ch05_prior.ms_per_frame.total must be a number, got 'fast'"),
    (lambda d: d["chapters"]["ch05_prior"].pop("rtf"), "chapters.ch05_prior has no 'rtf'"),
    (lambda d: d["chapters"]["ch05_prior"].update(frames=True), "chapters.ch05_prior.frames must be an integer"),
    (lambda d: d["chapters"]["ch05_prior"].update(rft=1.0), "chapters.ch05_prior has unknown key 'rft'"),
    (lambda d: d["video"]["hd"]["cold"]["shares"].update(frames=None), "video.hd.cold.shares.frames must be a number"),
    (lambda d: d["quality"]["summary"].update(met="yes"), "quality.summary.met must be true or false"),
    (lambda d: d.update(chapters=[]), "chapters must be an object"),
])
def test_a_damaged_results_value_names_the_file_and_the_key(tmp_path: Path, change, message) -> None:
    data = _full().to_dict()
    change(data)
    out = tmp_path / "results.json"
    out.write_text(json.dumps(data))
    with pytest.raises(ValueError) as caught:
        Results.from_file(out)
    assert str(caught.value).startswith(f"{out}: ") and message in str(caught.value)


def test_update_keeps_the_sections_it_does_not_measure_and_refuses_a_damaged_file(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    out.write_text(COMMITTED.read_text())
    empty = tmp_path / "renders"
    empty.mkdir()
    args = ["--update", "--only", "pacing", "--video-chapters", "5", "--pacing-dir", str(empty), "--out", str(out),
            "--media", str(tmp_path / "scratch")]
    assert bench.main(args) == 0
    committed, updated = json.loads(COMMITTED.read_text()), json.loads(out.read_text())
    assert updated["chapters"] == committed["chapters"] and updated["voice"] == committed["voice"]
    assert updated["pacing"]["missing"] == ["ch05_prior"]
    out.write_text("{\"chapters\": {\"ch05_prior\": {\"frames\": 1}}}")
    with pytest.raises(ValueError, match="chapters.ch05_prior has no 'fps'"):
        bench.main(args)
