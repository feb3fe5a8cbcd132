"""Failures a user meets with the upload packages (issue #14, items 3 and 4).

A preview or a chapter subset gets its own folder and never replaces the complete video; publish refuses
anything but the complete video at the configured quality and theme; a truncated, corrupted or edited file
in a finished package is found on the next assembly and built again; an assembly killed while it renames
its files leaves no package.json, so the folder never looks complete.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import srt
from PIL import Image

from production.config import ROOT, load_config
from production.packaging import assemble, package
from production.packaging.assemble import Assembler
from production.packaging.package import MANIFEST, PackageManifest
from production.probe import probe
from production.quality import Quality
from production.rendering.renderer import Renderer, RenderSettings
from production.youtube import publish as pub
from tests.fixtures.jobs import tiny_jobs

pytestmark = pytest.mark.slow

# Named "preview" so that a video.toml with [render] quality = "preview" asks for it; tiny so it renders fast.
QUALITY = Quality("preview", 192, 108, 10, "veryfast")
SETTINGS = RenderSettings(QUALITY, "none", "dark")
SHARED = [ROOT / "production" / "rendering" / "worker.py"]
STORYBOARD = [1, 2, 3]


def assemble_package(env, renders) -> assemble.Package:
    return Assembler(SETTINGS, env.cfg, env.media, out=env.log.append, still=None, storyboard=STORYBOARD).run(renders)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file() and p.name != ".lock"}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    jobs = tiny_jobs(tmp_path_factory.mktemp("narration"))
    state = SimpleNamespace(media=media, cfg=load_config(), log=[])
    state.renders = Renderer(SETTINGS, media, 2, out=state.log.append, shared=SHARED).render(jobs)
    state.package = assemble_package(state, state.renders)
    return state


@pytest.fixture
def publish_env(env, tmp_path, monkeypatch):
    """publish as a user runs it: the package folders of ``env``, the tiny storyboard, a video.toml to edit."""
    monkeypatch.setattr(pub, "FINAL", env.media / "final")
    monkeypatch.setattr(pub, "storyboard_numbers", lambda: STORYBOARD)
    for name in ("MLE2MAP_THEME", "MLE2MAP_VOICE", "MLE2MAP_CLIENT_SECRETS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLE2MAP_TOKEN", str(tmp_path / "cfg" / "token.json"))

    def config(quality: str = "preview") -> Path:
        text = (ROOT / "video.toml").read_text(encoding="utf-8")
        for key, value in (("quality", quality), ("voice", "none"), ("theme", "dark")):
            text = re.sub(rf'(?m)^{key}\s*=\s*"[^"]*"', f'{key} = "{value}"', text)
        path = tmp_path / f"video-{quality}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return config


def test_complete_package_has_its_own_folder_and_manifest(env):
    directory = env.package.directory
    assert directory == env.media / "final" / "preview-dark-silent"
    manifest = PackageManifest.from_file(directory / MANIFEST)
    assert (manifest.quality, manifest.width, manifest.height, manifest.fps) == ("preview", 192, 108, 10)
    assert (manifest.theme, manifest.voice, manifest.chapters, manifest.complete) == ("dark", "none", STORYBOARD,
                                                                                      True)
    on_disk = {p.name for p in directory.iterdir() if p.is_file()} - {MANIFEST, ".lock"}
    assert set(manifest.files) == on_disk
    for name, entry in manifest.files.items():
        assert entry.size == (directory / name).stat().st_size
        assert entry.sha256 == package.sha256_file(directory / name)
    assert abs(float(probe(env.package.video)["format"]["duration"]) - manifest.duration) < 1e-6


def test_a_subset_never_replaces_the_complete_package(env):
    before = snapshot(env.package.directory)
    subset = assemble_package(env, env.renders[1:])
    assert subset.directory == env.media / "final" / "preview-dark-silent-ch02-03"
    assert snapshot(env.package.directory) == before
    manifest = PackageManifest.from_file(subset.manifest)
    assert (manifest.chapters, manifest.complete) == ([2, 3], False)
    assert manifest.contents() == "2 of 3 chapters at preview (192x108), silent"
    assert any("`make publish` takes only the complete video" in note for note in subset.notes)


def test_publish_accepts_the_complete_package_by_default(env, publish_env, capsys):
    assert pub.main(["--config", str(publish_env()), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"package      {env.package.directory}: the complete video at preview (192x108)" in out
    assert "dry run passed" in out


def test_publish_refuses_a_subset_naming_what_it_holds(env, publish_env, capsys):
    subset = env.media / "final" / "preview-dark-silent-ch02-03"
    assert subset.is_dir()
    code = pub.main(["--package", str(subset), "--config", str(publish_env()), "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"error: {subset} holds 2 of 3 chapters at preview (192x108), silent; publish needs the complete " \
           "video at preview" in err
    assert "requests that would be sent" not in err


def test_publish_refuses_another_quality_unless_allowed(env, publish_env, capsys):
    hd = publish_env("hd")
    assert pub.main(["--package", str(env.package.directory), "--config", str(hd), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "holds the complete video at preview (192x108), silent; publish needs the complete video at hd" in err
    assert "run `make video`" in err
    assert pub.main(["--config", str(hd), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "preview-dark-silent with the complete video at preview" in err and "final/hd-dark-silent not found" in err
    assert pub.main(["--package", str(env.package.directory), "--config", str(hd), "--dry-run",
                     "--allow-partial"]) == 0


def test_publish_catches_a_hand_replaced_video(env, publish_env, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(env.package.directory, copy)
    shutil.copyfile(env.media / "final" / "preview-dark-silent-ch02-03" / env.package.video.name,
                    copy / env.package.video.name)
    assert pub.main(["--package", str(copy), "--config", str(publish_env()), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"mle-to-map\.mp4 lasts 21\.\d\d s, package\.json records 3\d\.\d\d s", err)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _zero_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle: middle + 4096] = bytes(4096)
    path.write_bytes(bytes(data))


def _edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("TinyB begins", "TinyB starts"), encoding="utf-8")


@pytest.mark.parametrize(("name", "damage", "reason"), [
    ("thumbnail.png", _truncate, r"is \d+ bytes, package\.json records \d+ \(truncated or replaced\)"),
    ("mle-to-map.mp4", _truncate, r"is \d+ bytes, package\.json records \d+ \(truncated or replaced\)"),
    ("mle-to-map.mp4", _zero_middle, r"sha256 differs from package\.json \(edited or replaced\)"),
    ("captions.srt", _edit, r"sha256 differs from package\.json \(edited or replaced\)"),
])
def test_a_damaged_packaged_file_is_found_and_rebuilt(env, name, damage, reason):
    directory = env.package.directory
    good = (directory / name).read_bytes()
    damage(directory / name)
    env.log.clear()
    rebuilt = assemble_package(env, env.renders)
    said = [line for line in env.log if name in line and "rebuilding it" in line]
    assert len(said) == 1 and re.search(reason, said[0])
    assert rebuilt.encoded == name.endswith(".mp4")
    manifest = PackageManifest.from_file(rebuilt.manifest)
    assert package.file_problem(directory / name, manifest.files[name], manifest) is None
    if name.endswith(".png"):
        with Image.open(directory / name) as image:
            assert image.size == (1280, 720)
    elif name.endswith(".srt"):
        assert (directory / name).read_bytes() == good
        assert any("TinyB begins" in cue.content for cue in srt.parse(good.decode()))
    else:
        assert abs(float(probe(directory / name)["format"]["duration"]) - manifest.duration) < 1e-6


def test_an_assembly_killed_while_renaming_leaves_no_complete_looking_package(env, publish_env, monkeypatch,
                                                                              capsys):
    directory = env.package.directory
    _edit(directory / "captions.srt")
    _edit(directory / "captions.vtt")
    real_replace, calls = assemble.os.replace, []

    def killed_after_one(src, dst):
        """Let the first file into the package folder, then stop as Ctrl-C would."""
        if Path(dst).parent == directory:
            calls.append(dst)
            if len(calls) == 2:
                raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(assemble.os, "replace", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        assemble_package(env, env.renders)
    monkeypatch.setattr(assemble.os, "replace", real_replace)
    assert not (directory / MANIFEST).exists()
    assert not list(directory.glob(".tmp-*"))
    assert pub.main(["--config", str(publish_env()), "--dry-run"]) == 2
    assert f"{directory} has no package.json" in capsys.readouterr().err
    again = assemble_package(env, env.renders)
    assert again.encoded and (directory / MANIFEST).is_file()
    assert pub.main(["--config", str(publish_env()), "--dry-run"]) == 0
