"""Errors a user can cause in the output folder end in one line naming the path and what to do, exit code 2."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from production import cli
from production.config import ROOT, check_media
from production.rendering import renderer
from production.rendering.jobs import ChapterJob, split_available

PREVIEW = ["--quality", "preview", "--no-voice"]


def run_cli(media: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI in a fresh interpreter, so that MEDIA is read from $MLE2MAP_MEDIA again."""
    env = {**os.environ, "MLE2MAP_MEDIA": str(media)}
    return subprocess.run([sys.executable, "-m", "production.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_media_folder_outside_the_repository_is_shown_by_its_absolute_path(tmp_path):
    media = tmp_path / "media"
    run = run_cli(media, "thumbnail", *PREVIEW)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"{media / 'thumbnail.png'} (")
    assert (media / "thumbnail.png").is_file()


def test_media_folder_that_cannot_be_created_stops_before_rendering(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    run = run_cli(blocker / "media", "render", *PREVIEW, "--chapters", "1")
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == (f"error: cannot write the media folder {blocker / 'media'}: Not a directory; "
                          f"point MLE2MAP_MEDIA at a writable folder, or unset it to use media/\n")


def test_unwritable_media_folder_is_named_before_rendering(tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", kwargs.get("dir"))

    monkeypatch.delenv("MLE2MAP_MEDIA", raising=False)
    monkeypatch.setattr(cli, "MEDIA", tmp_path / "media")
    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # what a folder root may not write to answers
    monkeypatch.setattr(renderer.Renderer, "render", lambda *a, **k: pytest.fail("nothing may render"))
    assert cli.main(["render", *PREVIEW]) == 2
    assert capsys.readouterr().err == (f"error: cannot write the media folder {tmp_path / 'media'}: Permission "
                                       f"denied; make it writable, or set MLE2MAP_MEDIA to a writable folder\n")


@pytest.mark.parametrize(("error", "advice"), [
    (PermissionError(errno.EACCES, "Permission denied"), "make it writable, or set MLE2MAP_MEDIA to a writable folder"),
    (OSError(errno.EROFS, "Read-only file system"), "make it writable, or set MLE2MAP_MEDIA to a writable folder"),
    (OSError(errno.ENOSPC, "No space left on device"), "free some disk space and run again"),
])
def test_write_errors_while_running_become_one_line_and_exit_2(tmp_path, monkeypatch, capsys, error, advice):
    target = tmp_path / "media" / "final" / "video.mp4"
    error.filename = str(target)

    def fail(*args):
        raise error

    monkeypatch.delenv("MLE2MAP_MEDIA", raising=False)
    monkeypatch.setattr(cli, "MEDIA", tmp_path / "media")
    monkeypatch.setitem(cli.COMMANDS, "render", fail)
    assert cli.main(["render", *PREVIEW]) == 2
    assert capsys.readouterr().err == f"error: cannot write {target}: {error.strerror}; {advice}\n"


def test_media_folder_may_not_be_the_repository():
    with pytest.raises(ValueError, match=f"the media folder {ROOT} is the repository or contains it"):
        check_media(ROOT)
    with pytest.raises(ValueError, match="is the repository or contains it"):
        check_media(ROOT.parent)


def test_missing_chapter_files_outside_the_repository_are_named_absolutely(tmp_path):
    job = ChapterJob(1, "outside", "Scene", "Outside", "x.outside", tmp_path / "outside.py")
    ready, missing = split_available([job])
    assert ready == [] and missing[0].reason == f"module {tmp_path / 'outside.py'} does not exist yet"
