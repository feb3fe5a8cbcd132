"""The children the CLI starts itself (ffmpeg encodes, clips) never outlive it: a SIGKILLed parent takes them with
it, and a stop signal turned into an exception kills and reaps them and leaves no partial output."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from production import lifetime
from production.config import ROOT
from tests.process_table import alive, children, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is needed")]

_LONG_FFMPEG = ["ffmpeg", "-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i", "anullsrc", "-t", "600",
                "-f", "null", "-"]
_RUNS_FFMPEG = textwrap.dedent("""
    import subprocess, sys
    from production import lifetime
    (lifetime.run if sys.argv[1] == "helper" else subprocess.run)(sys.argv[2:])
""")


class Parents:
    """Python parents a test starts, and the ffmpeg children seen under them: all killed after the test."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []
        self.seen: list[int] = []

    def start(self, script: str, *args: str | Path) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        self.procs.append(proc)
        return proc

    def ffmpeg(self, proc: subprocess.Popen, count: int = 1) -> list[int]:
        """The pids of ``count`` ffmpeg children of ``proc``, once they run."""
        pids = wait_for(lambda: len(found := children(proc.pid, "ffmpeg")) >= count and found, 30)
        assert pids, f"no ffmpeg started: {proc.stderr.read() if proc.poll() is not None else 'still waiting'}"
        self.seen += pids
        return pids

    def end(self) -> None:
        for proc in self.procs:
            self.seen += children(proc.pid)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for pid in self.seen:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture
def parents() -> Iterator[Parents]:
    tracked = Parents()
    yield tracked
    tracked.end()


def test_a_sigkilled_parent_takes_its_ffmpeg_child_with_it(parents: Parents) -> None:
    control = parents.start(_RUNS_FFMPEG, "plain", *_LONG_FFMPEG)
    [orphan] = parents.ffmpeg(control)
    control.kill()
    control.wait()
    assert not wait_for(lambda: not alive(orphan), 1), "control: a plain child should outlive its parent"
    os.kill(orphan, signal.SIGKILL)

    parent = parents.start(_RUNS_FFMPEG, "helper", *_LONG_FFMPEG)
    [child] = parents.ffmpeg(parent)
    parent.kill()
    parent.wait()
    assert wait_for(lambda: not alive(child), 5), "the ffmpeg child outlived its SIGKILLed parent"


def test_a_child_whose_parent_died_before_it_was_tied_stops_at_once() -> None:
    code = "from production import lifetime; lifetime._forker = -1; lifetime.die_with_parent(); print('ran on')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert "ran on" not in result.stdout
    assert result.returncode == -signal.SIGKILL, result.stderr


def _sleeps() -> list[int]:
    return children(os.getpid(), "sleep")


def test_a_pool_left_by_an_error_kills_its_threads_children_and_lets_them_start_no_more() -> None:
    def forever() -> None:
        for _ in range(4):
            lifetime.run(["sleep", "5"])

    started = time.monotonic()
    with pytest.raises(ValueError, match="boom"), lifetime.thread_pool(2) as pool:
        futures = [pool.submit(forever) for _ in range(2)]
        assert wait_for(lambda: len(_sleeps()) == 2, 10)
        raise ValueError("boom")
    assert time.monotonic() - started < 5, "the pool waited for its children"
    assert not _sleeps()
    assert all(isinstance(f.exception(), lifetime.Stopping) for f in futures)


def test_an_error_in_a_nested_pool_spares_the_children_of_other_threads() -> None:
    def sibling() -> int:
        return lifetime.run(["sleep", "1.5"]).returncode

    def failing() -> None:
        with lifetime.thread_pool(1) as inner:
            inner.submit(lifetime.run, ["sleep", "30"])
            assert wait_for(lambda: len(_sleeps()) == 2, 10)
            raise ValueError("inner")

    with lifetime.thread_pool(2) as outer:
        spared, failed = outer.submit(sibling), outer.submit(failing)
        assert isinstance(failed.exception(timeout=10), ValueError)
        assert spared.result(timeout=10) == 0, "the sibling's child was killed"


# SIGTERM raises in the main thread, as the CLI's render.stop_on_signals has it (not imported: it loads Manim)
_STOPPABLE = textwrap.dedent("""
    import signal, sys, time
    from pathlib import Path

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        {call}
    except KeyboardInterrupt:
        print("stopped", flush=True)
        time.sleep(60)
    print("finished", flush=True)
""")
_ENCODE = "from production.packaging.encode import encode_youtube; from production.quality import preset; " \
          "encode_youtube([Path(sys.argv[1])], Path(sys.argv[2]), preset('hd'), Path(sys.argv[3]))"
_CLIPS = "from production.deck.clips import make_chapter_clips; " \
         "make_chapter_clips(Path(sys.argv[1]), Path(sys.argv[2]), '#0E0F13', jobs=2)"


def _source(path: Path, seconds: int, size: str = "320x180") -> Path:
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30",
                    "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", str(path)], check=True)
    return path


def _stop(proc: subprocess.Popen, pids: list[int], timeout: float = 5) -> None:
    """SIGTERM ``proc`` and see it unwind; its ffmpeg children must then be dead and reaped (gone from /proc)."""
    proc.send_signal(signal.SIGTERM)
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline() if ready else ""
    assert line == "stopped\n", f"not stopped within {timeout} s: {line!r}"
    left = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    assert not left, f"ffmpeg children still there after the stop: {left}"


def test_a_stop_signal_during_the_final_encode_kills_ffmpeg_and_leaves_no_partial_video(
        tmp_path: Path, parents: Parents) -> None:
    video = _source(tmp_path / "chapter.mp4", 10)
    sound = tmp_path / "sound.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "10",
                    str(sound)], check=True)
    final = tmp_path / "final"
    final.mkdir()
    parent = parents.start(_STOPPABLE.format(call=_ENCODE), video, sound, final / "video.mp4")
    pids = parents.ffmpeg(parent)
    assert wait_for(lambda: any(f.stat().st_size for f in final.iterdir()), 20), "the encode wrote nothing"
    _stop(parent, pids)
    assert list(final.iterdir()) == []


def test_a_stop_signal_while_clips_are_cut_in_threads_kills_their_ffmpegs_at_once(
        tmp_path: Path, parents: Parents) -> None:
    video = _source(tmp_path / "beat.mp4", 10, "480x270")
    index = tmp_path / "sections" / "Deck.json"
    index.parent.mkdir()
    entry = {"video": str(video), "width": 480, "height": 270, "avg_frame_rate": "30/1"}
    index.write_text(json.dumps([{**entry, "name": "one"}, {**entry, "name": "two"}]), encoding="utf-8")
    out = tmp_path / "clips"
    out.mkdir()
    parent = parents.start(_STOPPABLE.format(call=_CLIPS), index, out)
    pids = parents.ffmpeg(parent, count=2)
    _stop(parent, pids)
    assert list(out.iterdir()) == []
