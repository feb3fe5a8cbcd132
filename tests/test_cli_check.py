"""``mle2map check`` and the checks before every command: all problems at once, one line each, exit 2, no render."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from production import cli, config
from production.config import CONFIG_PATH
from production.rendering import renderer
from scenes import narration

PREVIEW = ["--quality", "preview", "--no-voice"]


@pytest.fixture
def no_render(monkeypatch):
    monkeypatch.setattr(renderer.Renderer, "render", lambda *a, **k: pytest.fail("nothing may render"))


@pytest.fixture
def media(tmp_path, monkeypatch):
    folder = tmp_path / "media"
    monkeypatch.setattr(cli, "MEDIA", folder)
    return folder


def broken(tmp_path: Path, monkeypatch) -> None:
    """Three independent problems: a bad quality in video.toml, no dvisvgm on PATH, a broken narration file."""
    toml = tmp_path / "video.toml"
    toml.write_text(CONFIG_PATH.read_text(encoding="utf-8").replace('quality = "hd"', 'quality = "ultra"', 1))
    monkeypatch.setattr(config, "CONFIG_PATH", toml)
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "dvisvgm" else real_which(name))
    scripts = tmp_path / "narration"
    shutil.copytree(narration.HERE, scripts, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (scripts / "ch05_prior.md").write_text("## formula\nWords before a <bookmark mark=oops> broken tag.\n")
    monkeypatch.setattr(narration, "HERE", scripts)


def test_check_passes_on_the_shipped_project(media, no_render, capsys):
    assert cli.main(["check"]) == 0
    out = capsys.readouterr().out
    names = ["configuration", "voice and theme", "media folder", "tools", "font", "narration", "story"]
    for name in names:
        assert f"  ok       {name}: " in out, out
    assert "everything a render needs is in place" in out


def test_check_lists_every_problem_and_exits_2(tmp_path, monkeypatch, media, no_render, capsys):
    broken(tmp_path, monkeypatch)
    assert cli.main(["check"]) == 2
    out = capsys.readouterr().out
    assert "problem  configuration: " in out and "quality = 'ultra' is not one of preview, hd, 4k" in out
    assert "skipped  voice and theme: needs a valid video.toml" in out  # depends on the configuration
    assert "problem  tools: not found on PATH: dvisvgm (Debian package dvisvgm); run `make setup`" in out
    assert "problem  narration: ch05_prior.md: beat 'formula' has a malformed tag" in out
    assert "ok       font: " in out and "ok       media folder: " in out and "ok       story: " in out
    assert len([line for line in out.splitlines() if line.startswith("  ")]) == 7  # one line per check


def test_every_command_stops_on_all_problems_before_rendering(tmp_path, monkeypatch, media, no_render, capsys):
    broken(tmp_path, monkeypatch)
    assert cli.main(["render", *PREVIEW]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("error: ") for line in err), err
    assert "quality = 'ultra'" in err[0] and "dvisvgm" in err[1] and "malformed tag" in err[2]


def test_a_bad_voice_is_named_with_the_valid_ones(monkeypatch, media, no_render, capsys):
    monkeypatch.setenv("MLE2MAP_VOICE", "bogus")
    assert cli.main(["check"]) == 2
    out = capsys.readouterr().out
    assert "problem  voice and theme: voice (MLE2MAP_VOICE / --voice) must be one of piper" in out
    assert "got 'bogus'" in out


def test_a_broken_claim_of_the_story_reads_as_one_line_naming_the_file_once(tmp_path, media, no_render, capsys):
    """The claim's own text starts "story <file>:"; check names the outcome "story" already, so the line reads
    "story: <file>: [descent] start = ...", not "story: story <file>: ..."."""
    from mathcore.story import SHIPPED_STORY

    story = tmp_path / "story.toml"
    story.write_text(Path(SHIPPED_STORY).read_text(encoding="utf-8").replace("start = 3.8", "start = -3.8", 1),
                     encoding="utf-8")
    assert cli.main(["check", "--story", str(story)]) == 2
    lines = [line for line in capsys.readouterr().out.splitlines() if "story:" in line]
    assert lines == [f"  problem  story: {story}: [descent] start = -3.8: chapter 7's walk must start on the MLE's "
                     "side of 0 (the MLE is 1.986) so that the loss plot (w from 0 towards the MLE) holds it"], lines


def test_a_story_that_does_not_load_reads_as_one_line_naming_the_file_once(tmp_path, media, no_render, capsys):
    from mathcore.story import SHIPPED_STORY

    story = tmp_path / "story.toml"
    story.write_text(Path(SHIPPED_STORY).read_text(encoding="utf-8").replace("sigma_n = 1.5", "sigma_n = -1.5", 1),
                     encoding="utf-8")
    assert cli.main(["check", "--story", str(story)]) == 2
    lines = [line for line in capsys.readouterr().out.splitlines() if "story:" in line]
    assert lines == [f"  problem  story: {story}: [line] sigma_n must be a finite number > 0, got -1.5"], lines
