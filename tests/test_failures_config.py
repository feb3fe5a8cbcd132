"""video.toml is checked whole before anything renders: unknown names, types, YouTube's limits, a safe slug."""

from __future__ import annotations

from pathlib import Path

import pytest

from production import cli, config
from production.config import CONFIG_PATH, load_config
from production.rendering import renderer

BASE = CONFIG_PATH.read_text(encoding="utf-8")


def edited(tmp_path: Path, old: str, new: str) -> Path:
    """The repository's video.toml with one line changed, written under tmp_path."""
    assert old in BASE, old
    path = tmp_path / "video.toml"
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ValueError) as caught:
        load_config(path)
    return str(caught.value)


def test_unknown_key_names_the_nearest_valid_one(tmp_path):
    message = error_of(edited(tmp_path, 'quality = "hd"', 'qualty = "hd"'))
    assert message == f"{tmp_path / 'video.toml'}: unknown key [render] qualty; did you mean 'quality'?"


def test_unknown_section_and_misplaced_key_are_errors(tmp_path):
    assert "unknown section [rendr]; did you mean [render]?" in error_of(edited(tmp_path, "[render]", "[rendr]"))
    misplaced = error_of(edited(tmp_path, "made_for_kids = false", "made_for_kids = false\ntheme = \"dark\""))
    assert "unknown key [youtube] theme; it belongs in [render]" in misplaced
    unrelated = error_of(edited(tmp_path, "made_for_kids = false", "made_for_kids = false\nzzz = 1"))
    assert "unknown key [youtube] zzz; remove it (valid: 'category_id', 'privacy', 'made_for_kids')" in unrelated


def test_title_over_youtubes_limit_fails_at_load_time(tmp_path):
    title = 'title = "From MLE to MAP: L2 regularization is Bayesian in disguise"'
    message = error_of(edited(tmp_path, title, f'title = "{"T" * 101}"'))
    assert "[video] title = 'TTT" in message and "title has 101 characters, the limit is 100" in message
    assert "contains '<'" in error_of(edited(tmp_path, title, 'title = "MLE <-> MAP"'))


def test_tags_and_summary_are_measured_as_youtube_measures_them(tmp_path):
    tags = 'tags = ["machine learning"'
    too_many = error_of(edited(tmp_path, tags, f'tags = [{", ".join(repr("tag" + str(i) * 20) for i in range(30))}'))
    assert "[video] tags = " in too_many and "the limit is 500" in too_many
    assert "tag 'a,b' contains a comma" in error_of(edited(tmp_path, tags, 'tags = ["a,b"'))
    summary = error_of(edited(tmp_path, 'summary = """Where', 'summary = """<b>Where'))
    assert "[video] summary = '<b>Where" in summary and "summary contains '<' and '>'" in summary
    long = error_of(edited(tmp_path, 'summary = """Where', f'summary = """{"x" * 5000}Where'))
    assert "[video] title, summary and credits make a description of" in long and "over YouTube's 5000" in long


@pytest.mark.parametrize("slug", ["../evil", "a/b", "", "a..b", "Mle-To-Map", ".hidden", "x" * 65, "with space"])
def test_slug_must_be_a_safe_file_name(tmp_path, slug):
    message = error_of(edited(tmp_path, 'slug = "mle-to-map"', f'slug = "{slug}"'))
    assert f"[video] slug = {slug!r} is not a safe file name" in message


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("made_for_kids = false", 'made_for_kids = "no"', "[youtube] made_for_kids = 'no' must be true or false"),
    ('category_id = "27"', "category_id = 27", "[youtube] category_id = 27 must be a string"),
    ('category_id = "27"', 'category_id = "Education"', "[youtube] category_id = 'Education' is not a YouTube"),
    ('tags = ["machine learning"', 'tags = [1', "[video] tags = [1, 'bayesian', 'regularization'"),
    ('title = "From MLE to MAP: L2 regularization is Bayesian in disguise"', "title = 5",
     "[video] title = 5 must be a string"),
    ('voice_model = ""', "voice_model = 3", "[render] voice_model = 3 must be a string"),
    ('privacy = "private"', 'privacy = "secret"', "[youtube] privacy = 'secret' is not one of private, unlisted"),
    ('language = "en"', 'language = "English"', "[video] language = 'English' is not a language code"),
    ('voice = "piper"', 'voice = " "', "[render] voice = ' ' is empty"),
])
def test_bad_values_name_file_section_key_and_value_on_one_line(tmp_path, old, new, expected):
    message = error_of(edited(tmp_path, old, new))
    assert message.startswith(f"{tmp_path / 'video.toml'}: ") and expected in message and "\n" not in message


def test_missing_keys_and_sections_are_named(tmp_path):
    assert "[youtube] is missing privacy; add privacy = ..." in error_of(
        edited(tmp_path, 'privacy = "private"', ""))
    top = error_of(edited(tmp_path, "[video]\n", 'title = "x"\n[video]\n'))
    assert "unknown top-level key title = 'x'; move it into [video]" in top


def test_voice_model_is_an_optional_render_key(tmp_path):
    assert load_config(edited(tmp_path, 'voice_model = ""', 'voice_model = " voices/en.onnx "')).voice_model \
        == "voices/en.onnx"
    assert load_config(edited(tmp_path, 'voice_model = ""', "")).voice_model == ""


@pytest.mark.parametrize("command", [["status", "--no-voice"], ["video", "--quality", "preview", "--no-voice"]])
def test_cli_stops_with_exit_2_before_rendering(tmp_path, monkeypatch, capsys, command):
    monkeypatch.setattr(config, "CONFIG_PATH", edited(tmp_path, 'slug = "mle-to-map"', 'slug = "../../etc/x"'))
    monkeypatch.setattr(renderer.Renderer, "render", lambda *a, **k: pytest.fail("nothing may render"))
    monkeypatch.setitem(cli.COMMANDS, "status", lambda *a: pytest.fail("status must not run"))
    assert cli.main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "[video] slug = '../../etc/x' is not a safe file name" in err and str(tmp_path) in err


def test_the_summary_may_name_the_story_and_holds_no_other_braces(tmp_path):
    """{story} becomes the told story's [line] name; any other brace is a mistake caught before rendering."""
    cfg = load_config()
    assert "{story}" in cfg.summary
    assert "a line fit to house prices," in cfg.summary_for("house prices")
    assert "{" not in cfg.summary_for("hours studied") and "a line fit to hours studied," in cfg.summary_for(
        "hours studied")
    for typo in ("{stroy}", "{story", "{}"):
        message = error_of(edited(tmp_path, "fit to {story},", f"fit to {typo},"))
        assert "[video] summary = " in message and "has braces other than {story}" in message, message
