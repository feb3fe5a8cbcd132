"""However a run ends (a signal, a SIGKILL, an error), no render worker and no child of one outlives it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from production.config import ROOT
from production.quality import preset
from production.rendering.jobs import ChapterJob
from production.rendering.renderer import Renderer, RenderError, RenderSettings
from tests.process_table import alive, group, processes, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A media folder inside the repository (MLE2MAP_MEDIA must point inside it), removed afterwards."""
    media = ROOT / "media" / f"test-kill-{uuid.uuid4().hex[:8]}"
    media.mkdir(parents=True)
    yield media
    for pid, _, cmdline in processes():
        if str(media) in cmdline:
            os.kill(pid, signal.SIGKILL)  # a failed test must not leak its render
    shutil.rmtree(media, ignore_errors=True)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL],
                         ids=lambda s: signal.Signals(s).name)
def test_a_signalled_run_leaves_no_worker_nor_its_children(scratch: Path, signum: int) -> None:
    cli = subprocess.Popen(
        [sys.executable, "-m", "production.cli", "render", "--quality", "preview", "--no-voice", "--chapters", "5",
         "--force", "-j", "1"], cwd=ROOT, env={**os.environ, "MLE2MAP_MEDIA": str(scratch)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def worker() -> int | None:
            return next((pid for pid, _, cmd in processes()
                         if "production.rendering.worker" in cmd and str(scratch) in cmd), None)

        pid = wait_for(worker, 60)
        assert pid, "the render worker never started"
        if signum == signal.SIGKILL:  # the worker alone must then stop its children: catch it running LaTeX
            wait_for(lambda: len(group(pid)) > 1, 15)
        cli.send_signal(signum)
        out, err = cli.communicate(timeout=20)
        assert wait_for(lambda: not alive(pid) and not group(pid), 10), \
            f"left running: {[cmd for p, _, cmd in processes() if p == pid or p in group(pid)]}"
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    assert cli.returncode == (-signal.SIGKILL if signum == signal.SIGKILL else 128 + signum), err
    assert not (scratch / "render" / "preview" / "ch05_prior.mp4").exists()
    if signum != signal.SIGKILL:
        assert "interrupted" in err and "Traceback" not in err
        assert not list((scratch / "render" / "work").glob("*/tmp-*"))


_LONG_WORKER = textwrap.dedent("""
    import signal, subprocess, sys, time
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})  # as the worker
    # a child that ignores SIGTERM, like an ffmpeg stuck on its output
    subprocess.Popen([sys.executable, "-c", "import os, signal, sys, time; signal.signal(signal.SIGTERM, "
                      "signal.SIG_IGN); open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(60)", sys.argv[1]])
    time.sleep(60)
""")
_FAILING_WORKER = textwrap.dedent("""
    import os, sys, time
    while not os.path.exists(sys.argv[1]) or not open(sys.argv[1]).read():
        time.sleep(0.05)
    sys.exit(1)
""")


def test_an_error_in_the_run_stops_the_other_workers_and_their_children(tmp_path: Path, monkeypatch) -> None:
    marker = tmp_path / "child.pid"
    scripts = {"long": _LONG_WORKER, "fail": _FAILING_WORKER}

    def command(self: Renderer, job: ChapterJob, tmp: Path, work: Path, progress: Path) -> list[str]:
        return [sys.executable, "-c", scripts[job.slug], str(marker)]

    monkeypatch.setattr(Renderer, "_command", command)
    source = tmp_path / "chapter.py"
    source.write_text("X = 1\n", encoding="utf-8")
    jobs = [ChapterJob(n, slug, "S", slug, "chapter", source) for n, slug in enumerate(scripts, start=1)]
    renderer = Renderer(RenderSettings(preset("preview"), "none"), tmp_path / "media", jobs=2, out=lambda _: None,
                        shared=[])
    with pytest.raises(RenderError, match="fail"):
        renderer.render(jobs)
    child = int(marker.read_text())
    assert wait_for(lambda: not alive(child), 10), "the worker's child outlived the run"
    assert not list((tmp_path / "media" / "render" / "work").glob("*/tmp-*"))


_MIDDLE = textwrap.dedent("""
    import subprocess, sys, time
    worker = subprocess.Popen([sys.executable, "-c", sys.argv[1]], start_new_session=True)
    print("worker", worker.pid, flush=True)
    time.sleep(60)
""")
_TIED = textwrap.dedent("""
    import os, subprocess, time
    from production.rendering.worker import tie_to_parent
    tie_to_parent(os.getppid())
    child = subprocess.Popen(["sleep", "60"])
    print("child", child.pid, flush=True)
    time.sleep(60)
""")


def test_a_worker_dies_with_its_sigkilled_parent_and_takes_its_children() -> None:
    middle = subprocess.Popen([sys.executable, "-c", _MIDDLE, _TIED], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    pids = {}
    try:
        while len(pids) < 2:
            name, pid = middle.stdout.readline().split()
            pids[name] = int(pid)
        middle.kill()
        middle.wait()
        assert wait_for(lambda: not any(alive(p) for p in pids.values()), 10), "the worker or its child survived"
    finally:
        for pid in pids.values():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_worker_whose_parent_is_already_gone_stops_at_once() -> None:
    code = ("import os; from production.rendering.worker import tie_to_parent; tie_to_parent(os.getppid() + 1); "
            "print('ran on')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30,
                            start_new_session=True)
    assert "ran on" not in result.stdout
    assert result.returncode == -signal.SIGKILL, result.stderr


def test_stopping_waits_for_the_workers_group_to_be_gone(tmp_path: Path) -> None:
    """After the worker is reaped, a child of its group may still be running (and writing into the worker's
    folder): the stop waits for the whole group before it removes the folder."""
    from production.rendering.renderer import _remove_tree, _wait_group_gone

    leader = subprocess.Popen([sys.executable, "-c", "import subprocess, sys; subprocess.Popen([sys.executable, "
                               "'-c', 'import time; time.sleep(0.6)'])"], start_new_session=True)
    leader.wait()
    start = time.monotonic()
    _wait_group_gone(leader.pid)
    waited = time.monotonic() - start
    assert 0.2 < waited < 2.0, f"waited {waited:.2f} s for a child that lives 0.6 s"
    with pytest.raises(ProcessLookupError):
        os.killpg(leader.pid, 0)
    folder = tmp_path / "tmp-1-preview"
    (folder / "partial").mkdir(parents=True)
    (folder / "partial" / "a.mp4").write_bytes(b"x")
    _remove_tree(folder)
    assert not folder.exists()
