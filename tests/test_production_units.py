"""Fast checks of the production pieces: chapter lines, description, presets, cache keys, MP4 atoms, CLI errors."""

from __future__ import annotations

import pytest

from production.cli import main
from production.config import ROOT
from production.packaging import chapters, describe
from production.probe import top_level_atoms
from production.quality import PRESETS, Quality, preset
from production.rendering import cache
from production.rendering.jobs import ChapterJob, split_available
from production.rendering.renderer import RenderSettings, summary_table


def test_chapter_lines_round_down_and_round_trip():
    lines = chapters.chapter_lines([("Intro", 12.5), ("Middle", 30.0), ("End", 61.2)])
    assert lines == ["0:00 Intro", "0:12 Middle", "0:42 End"]
    assert chapters.parse_lines(lines) == [(0, "Intro"), (12, "Middle"), (42, "End")]


def test_chapter_lines_use_hours_past_an_hour():
    lines = chapters.chapter_lines([("A", 1800.0), ("B", 1805.0), ("C", 30.0)])
    assert lines == ["0:00:00 A", "0:30:00 B", "1:00:05 C"]
    assert chapters.parse_lines(lines)[2][0] == 3605


@pytest.mark.parametrize(("durations", "message"), [
    ([20.0, 20.0], "at least 3 chapters"),
    ([20.0, 9.5, 20.0], r"chapter 2 \(B\) lasts"),
    ([20.0, 20.0, 9.9], r"chapter 3 \(C\) lasts"),
    ([10.0, 9.99, 20.0], r"chapter 2 \(B\) lasts 9.0 s"),  # 0:10 to 0:19 on YouTube's whole-second clock
])
def test_chapter_lines_reject_what_youtube_rejects(durations, message):
    titles = ["A", "B", "C"]
    with pytest.raises(ValueError, match=message):
        chapters.chapter_lines(list(zip(titles, durations, strict=False)))


def test_description_limits():
    text = describe.description("Title", "Summary.", ["0:00 A", "0:10 B", "0:20 C"], "Credits.", ["machine learning"])
    assert text.split("\n\n")[2] == "Chapters\n0:00 A\n0:10 B\n0:20 C"
    assert "#MachineLearning" in text
    with pytest.raises(ValueError, match="5000"):
        describe.description("Title", "x" * 5000, [], "Credits.")
    with pytest.raises(ValueError, match="1 to 100 characters"):
        describe.description("T" * 101, "Summary", [], "Credits.")
    with pytest.raises(ValueError, match="'<'"):
        describe.description("Title <b>", "Summary", [], "Credits.")


def test_quality_presets_and_youtube_bitrates():
    assert (preset("preview").height, preset("preview").fps) == (480, 15)
    assert (preset("hd").width, preset("hd").height, preset("hd").fps) == (1920, 1080, 60)
    assert (preset("4k").width, preset("4k").height, preset("4k").fps) == (3840, 2160, 60)
    assert preset("hd").bitrate[0] == 12_000_000
    assert Quality("x", 1920, 1080, 30).bitrate[0] == 8_000_000
    assert Quality("x", 1280, 720, 30).bitrate[0] == 5_000_000
    assert Quality("x", 1280, 720, 60).bitrate[0] == 7_500_000
    assert preset("preview").bitrate[0] == 2_500_000
    assert 53e6 <= preset("4k").bitrate[0] <= preset("4k").bitrate[1] <= 68e6
    assert [p.gop for p in PRESETS.values()] == [8, 30, 30]
    with pytest.raises(ValueError, match="quality must be one of"):
        preset("8k")
    with pytest.raises(ValueError, match="even"):
        Quality("odd", 853, 480, 15)


def test_x264_threads_one_up_to_1080p_and_x264s_choice_at_4k():
    params = {name: dict(kv.split("=", 1) for kv in q.x264_params().split(":")) for name, q in PRESETS.items()}
    assert params["hd"]["threads"] == params["preview"]["threads"] == "1"
    assert "threads" not in params["4k"] and "lookahead-threads" not in params["4k"]
    assert all(p["me"] == "dia" and p["subme"] == "1" for p in params.values())
    assert "threads" not in preset("hd").x264_params(lossless=True)
    ffmpeg = preset("hd").ffmpeg_video_args()
    on_the_command_line = ffmpeg[ffmpeg.index("-x264-params") + 1]
    assert "threads" not in on_the_command_line and "me=dia" in on_the_command_line
    with pytest.raises(ValueError, match="x264_threads"):
        Quality("x", 1920, 1080, 60, x264_threads=-1)


def test_render_settings_validate_voice_and_theme(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="voice .* must be one of"):
        RenderSettings(preset("hd"), voice="robot")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file with a key
    with pytest.raises(RuntimeError, match="OPENAI_API_KEY"):
        RenderSettings(preset("hd"), voice="openai")
    with pytest.raises(ValueError, match="theme must be one of"):
        RenderSettings(preset("hd"), theme="sepia")


def _job(tmp_path, text="## a\nHello.\n"):
    narration = tmp_path / "n.md"
    narration.write_text(text, encoding="utf-8")
    return ChapterJob(5, "ch05_prior", "PriorScene", "The prior", "scenes.ch05_prior",
                      ROOT / "scenes" / "ch05_prior.py", narration)


def test_cache_key_follows_narration_settings_and_shared_files(tmp_path):
    shared = [ROOT / "production" / "rendering" / "worker.py"]
    job = _job(tmp_path)
    base = RenderSettings(preset("hd"), "none", "dark").key_payload()
    key = cache.chapter_key(job, base, shared)
    assert cache.chapter_key(job, base, shared) == key
    assert cache.chapter_key(job, RenderSettings(preset("hd"), "espeak", "dark").key_payload(), shared) != key
    assert cache.chapter_key(job, RenderSettings(preset("hd"), "none", "light").key_payload(), shared) != key
    assert cache.chapter_key(job, RenderSettings(preset("preview"), "none", "dark").key_payload(), shared) != key
    assert cache.chapter_key(job, base, [*shared, ROOT / "manim.cfg"]) != key
    job.narration.write_text("## a\nHello again.\n", encoding="utf-8")
    assert cache.chapter_key(job, base, shared) != key


def test_imported_sources_follow_project_imports():
    found = cache.imported_sources(ROOT / "scenes" / "ch05_prior.py")
    assert ROOT / "scenes" / "base.py" in found
    assert ROOT / "mathcore" / "prior.py" in found
    assert all(p.is_relative_to(ROOT) for p in found)


def test_missing_chapters_are_reported(tmp_path):
    source = tmp_path / "chx.py"
    source.write_text("class Other:\n    pass\n", encoding="utf-8")
    jobs = [ChapterJob(1, "chx", "Wanted", "X", "chx", source),
            ChapterJob(2, "chy", "Wanted", "Y", "chy", ROOT / "scenes" / "does_not_exist.py")]
    ready, missing = split_available(jobs)
    assert ready == []
    assert "defines no class Wanted" in missing[0].reason
    assert "does not exist yet" in missing[1].reason


def test_top_level_atoms(tmp_path):
    def box(name: bytes, payload: bytes = b"") -> bytes:
        return (8 + len(payload)).to_bytes(4, "big") + name + payload

    path = tmp_path / "x.mp4"
    path.write_bytes(box(b"ftyp", b"isom") + box(b"moov", b"\0" * 20) + box(b"mdat", b"\1" * 100))
    assert top_level_atoms(path) == ["ftyp", "moov", "mdat"]
    path.write_bytes(box(b"ftyp") + (4).to_bytes(4, "big") + b"moov")
    with pytest.raises(ValueError, match="corrupt"):
        top_level_atoms(path)


def test_summary_table_totals():
    class R:
        def __init__(self, n, d, t, cached):
            self.job = ChapterJob(n, f"ch{n}", "S", "T", "m", ROOT)
            self.duration, self.render_seconds, self.cached = d, t, cached

    table = summary_table([R(1, 61.0, 30.0, False), R(2, 59.0, 0.0, True)])
    assert "ch1" in table and "cache" in table
    assert table.splitlines()[-1].split()[1:3] == ["2:00", "0:30"]


@pytest.mark.parametrize(("argv", "message"), [
    (["render", "--voice", "robot"], "must be one of piper, espeak, none"),
    (["render", "-j", "-1"], "jobs (-j) must be >= 0"),
    (["render", "--chapters", "99"], "chapter must be one of"),
])
def test_cli_rejects_bad_arguments_before_rendering(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_voice_and_theme_precedence(monkeypatch):
    from argparse import Namespace

    from production.commands.selection import settings_from as _settings
    from production.config import load_config

    cfg = load_config()
    args = Namespace(no_voice=False, voice=None, theme=None, quality=None)
    monkeypatch.delenv("MLE2MAP_VOICE", raising=False)
    monkeypatch.delenv("MLE2MAP_THEME", raising=False)
    monkeypatch.delenv("MLE2MAP_VOICE_MODEL", raising=False)
    assert (_settings(args, cfg).voice, _settings(args, cfg).theme) == (cfg.voice, cfg.theme)
    monkeypatch.setenv("MLE2MAP_VOICE", "none")
    monkeypatch.setenv("MLE2MAP_THEME", "light")
    assert (_settings(args, cfg).voice, _settings(args, cfg).theme) == ("none", "light")
    args = Namespace(no_voice=False, voice="espeak", theme="dark", quality="preview")
    chosen = _settings(args, cfg)
    assert (chosen.voice, chosen.theme, chosen.quality.name) == ("espeak", "dark", "preview")
    assert _settings(Namespace(no_voice=True, voice=None, theme=None, quality=None), cfg).voice == "none"
    assert _settings(args, cfg).env() == {"MLE2MAP_VOICE": "espeak", "MLE2MAP_THEME": "dark",
                                          "MLE2MAP_VOICE_MODEL": ""}


def test_voice_model_precedence_option_environment_config(monkeypatch, tmp_path):
    """--voice-model beats MLE2MAP_VOICE_MODEL beats [render] voice_model (relative to the repository)."""
    import dataclasses
    import os
    import shutil
    from argparse import Namespace

    from production.commands.selection import settings_from as _settings
    from production.config import ROOT, load_config
    from scenes.piper_voice import bundled_model

    copies = []
    for name in ("a", "b"):
        model = tmp_path / f"{name}.onnx"
        try:
            os.link(bundled_model(), model)  # resolve() must not lead back to the bundled file
        except OSError:
            shutil.copy(bundled_model(), model)
        shutil.copy(bundled_model().with_name(bundled_model().name + ".json"), tmp_path / f"{name}.onnx.json")
        copies.append(model)
    cfg = dataclasses.replace(load_config(), voice="piper", voice_model=os.path.relpath(copies[1], ROOT))
    monkeypatch.delenv("MLE2MAP_VOICE", raising=False)
    monkeypatch.delenv("MLE2MAP_VOICE_MODEL", raising=False)
    args = Namespace(no_voice=False, voice=None, theme=None, quality="preview", voice_model=None)
    assert _settings(args, cfg).voice_model == str(copies[1])
    monkeypatch.setenv("MLE2MAP_VOICE_MODEL", str(copies[0]))
    assert _settings(args, cfg).voice_model == str(copies[0])
    args.voice_model = str(copies[1])
    chosen = _settings(args, cfg)
    assert chosen.voice_model == str(copies[1]) and chosen.env()["MLE2MAP_VOICE_MODEL"] == str(copies[1])


def test_stale_leftovers_of_dead_runs_are_removed(tmp_path):
    from production.packaging.assemble import _clean_stale

    dead = 2 ** 22 + 12345  # above the default pid_max, so no process can have it
    (tmp_path / f".tmp-{dead}").mkdir()
    (tmp_path / f".description.txt.{dead}.tmp").write_text("partial")
    (tmp_path / "mle-to-map.mp4").write_bytes(b"finished")
    mine = tmp_path / f".tmp-{__import__('os').getpid()}"
    mine.mkdir()
    _clean_stale(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, "mle-to-map.mp4"])
