"""Each story's renders, caches and packages live apart (issue #15): two stories rendered one after the other into
the same media folder never overwrite each other, and the shipped story keeps today's paths.

Uses the tiny chapters of tests/fixtures (about 2 s each at 192x108); the stories are the shipped one and
examples/hours-studied. Also: ``--story`` on the command line, the story's name in the package metadata.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from mathcore.story import SHIPPED_STORY, STORY_ENV, load_story
from production import cli
from production.commands.selection import settings_from
from production.config import ROOT, load_config
from production.packaging.assemble import Assembler
from production.packaging.package import MANIFEST, PackageManifest, file_problem
from production.quality import Quality, preset
from production.rendering import cache
from production.rendering.renderer import Renderer, RenderSettings, render_root, story_environment, story_slug
from tests.fixtures.jobs import tiny_jobs

pytestmark = pytest.mark.slow

QUALITY = Quality("test", 192, 108, 10, "veryfast")
SHIPPED = ROOT / SHIPPED_STORY
EXAMPLE = ROOT / "examples" / "hours-studied" / "story.toml"
SHARED = [ROOT / "production" / "rendering" / "worker.py"]
STORYBOARD = [1, 2]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_of(folder: Path) -> dict[str, str]:
    """Every finished file under ``folder`` (its work and log dirs and locks left out), by relative path."""
    return {str(p.relative_to(folder)): sha(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock") and not {"work", "logs"} & set(p.relative_to(folder).parts)}


def build(env, story: Path) -> SimpleNamespace:
    settings = RenderSettings(QUALITY, "none", "dark", story=str(story))
    renders = Renderer(settings, env.media, 2, out=env.log.append, shared=SHARED).render(env.jobs)
    package = Assembler(settings, env.cfg, env.media, out=env.log.append, still=None,
                        storyboard=STORYBOARD).run(renders)
    return SimpleNamespace(settings=settings, renders=renders, package=package)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """The shipped story rendered and packaged, then the example story into the same media folder."""
    patch = pytest.MonkeyPatch()
    patch.setenv("TINY_SECONDS", "2")
    patch.delenv(STORY_ENV, raising=False)
    media = tmp_path_factory.mktemp("media")
    state = SimpleNamespace(media=media, cfg=load_config(), log=[],
                            jobs=tiny_jobs(tmp_path_factory.mktemp("narration"))[:2])
    state.shipped = build(state, SHIPPED)
    state.shipped_files = files_of(media)
    state.example = build(state, EXAMPLE)
    yield state
    patch.undo()


def test_shipped_story_keeps_todays_paths(env):
    renders, package = env.shipped.renders, env.shipped.package
    assert [r.video for r in renders] == [env.media / "render" / "test" / f"{j.slug}.mp4" for j in env.jobs]
    assert package.directory == env.media / "final" / "test-dark-silent"
    manifest = cache.Manifest.from_file(env.media / "render" / "manifest.json")
    assert set(manifest.at_quality("test")) == {j.slug for j in env.jobs}


def test_another_story_renders_and_packages_apart(env):
    renders, package = env.example.renders, env.example.package
    root = env.media / "render" / "hours-studied"
    assert [r.video for r in renders] == [root / "test" / f"{j.slug}.mp4" for j in env.jobs]
    assert all(not r.cached for r in renders), "the other story's renders must not come from the shipped cache"
    assert package.directory == env.media / "final" / "test-dark-hours-studied-silent"
    assert set(cache.Manifest.from_file(root / "manifest.json").at_quality("test")) == {j.slug for j in env.jobs}
    assert {r.key for r in renders}.isdisjoint({r.key for r in env.shipped.renders})
    assert (root / "logs" / f"{env.jobs[0].slug}.log").is_file()


def test_the_second_story_left_every_file_of_the_first_as_it_was(env):
    now = files_of(env.media)
    assert {name: now.get(name) for name in env.shipped_files} == env.shipped_files
    assert len(now) > len(env.shipped_files)


def test_both_stories_stay_cached_and_both_packages_verify(env):
    """Rendering the shipped story again after the example re-renders nothing and rebuilds no package file."""
    again = build(env, SHIPPED)
    assert all(r.cached for r in again.renders)
    assert files_of(env.media / "final" / "test-dark-silent") == files_of(env.shipped.package.directory)
    for built in (env.shipped, env.example):
        manifest = PackageManifest.from_file(built.package.manifest)
        for name, entry in manifest.files.items():
            assert file_problem(built.package.directory / name, entry, manifest) is None, name


def test_package_metadata_names_the_story(env):
    shipped = PackageManifest.from_file(env.shipped.package.directory / MANIFEST)
    example = PackageManifest.from_file(env.example.package.directory / MANIFEST)
    assert (shipped.story, shipped.story_name) == (SHIPPED_STORY, load_story(SHIPPED).line.name)
    assert (example.story, example.story_name) == ("examples/hours-studied/story.toml", "hours studied")
    text = env.example.package.description.read_text(encoding="utf-8")
    assert "hours studied (examples/hours-studied/story.toml)" in text
    assert "a line fit to hours studied," in text and "house prices" not in text  # video.toml's {story}
    assert "a line fit to house prices," in env.shipped.package.description.read_text(encoding="utf-8")
    assert "hours studied" not in env.shipped.package.description.read_text(encoding="utf-8")


def test_story_slug_and_settings(tmp_path, monkeypatch):
    monkeypatch.delenv(STORY_ENV, raising=False)
    assert story_slug(SHIPPED) == "" and story_slug(EXAMPLE) == "hours-studied"
    assert story_slug(tmp_path / "My Story.toml") == "my-story"
    assert story_slug(tmp_path / "work" / "story.toml") == "story-work"  # never media/render/work/
    assert story_slug(tmp_path / "preview" / "story.toml") == "story-preview"
    shipped, example = (RenderSettings(preset("hd"), "none", story=str(s)) for s in (SHIPPED, EXAMPLE))
    assert RenderSettings(preset("hd"), "none").story == str(SHIPPED)
    assert example.env()[STORY_ENV] == str(EXAMPLE) and Path(example.env()[STORY_ENV]).is_absolute()
    assert STORY_ENV not in shipped.env()  # the workers render the shipped story by default
    assert "story" not in shipped.key_payload()
    assert example.key_payload() == {**shipped.key_payload(), "story": "examples/hours-studied/story.toml"}
    assert render_root(tmp_path, shipped) == tmp_path / "render"
    assert render_root(tmp_path, example) == tmp_path / "render" / "hours-studied"
    monkeypatch.setenv(STORY_ENV, "examples/hours-studied/story.toml")
    monkeypatch.chdir(ROOT)
    assert RenderSettings(preset("hd"), "none").story == str(EXAMPLE)


def test_story_option_beats_the_environment(monkeypatch):
    monkeypatch.setenv(STORY_ENV, str(SHIPPED))
    args = cli._parser().parse_args(["render", "--no-voice", "--story", str(EXAMPLE)])
    assert settings_from(args, load_config()).story == str(EXAMPLE)
    args = cli._parser().parse_args(["render", "--no-voice"])
    assert settings_from(args, load_config()).story == str(SHIPPED)


def test_story_environment_is_set_for_the_block_only(monkeypatch):
    monkeypatch.delenv(STORY_ENV, raising=False)
    with story_environment("examples/hours-studied/story.toml"):
        assert os.environ[STORY_ENV] == str(Path("examples/hours-studied/story.toml").resolve())
    assert STORY_ENV not in os.environ
    with story_environment(None):
        assert STORY_ENV not in os.environ


def test_check_with_a_missing_story_is_one_line_naming_it(tmp_path, capsys, monkeypatch):
    missing = tmp_path / "nowhere" / "story.toml"
    monkeypatch.delenv(STORY_ENV, raising=False)
    assert cli.main(["check", "--no-voice", "--story", str(missing)]) == 2
    problems = [line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("problem ")]
    assert len(problems) == 1 and str(missing) in problems[0], problems
    assert STORY_ENV not in os.environ


def test_check_story_option_checks_that_story(tmp_path):
    """``mle2map check --story`` checks the chosen story's claims: a copy of the example with a prior too wide to
    pull the MAP halfway fails on that key, the example itself passes."""
    broken = tmp_path / "story.toml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("sigma_min = 0.1 ", "sigma_min = 0.4 ")
    broken.write_text(text.replace('csv = "hours.csv"', f'csv = "{EXAMPLE.parent / "hours.csv"}"'),
                      encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != STORY_ENV}
    runs = {name: subprocess.run([sys.executable, "-m", "production.cli", "check", "--no-voice", "--story", str(story)],
                                 cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            for name, story in (("example", EXAMPLE), ("broken", broken))}
    assert runs["example"].returncode == 0, runs["example"].stdout + runs["example"].stderr
    assert f"ok       story: {EXAMPLE}" in runs["example"].stdout
    assert runs["broken"].returncode == 2
    assert "[prior] sigma_min = 0.4" in runs["broken"].stdout
