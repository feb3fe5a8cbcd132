"""Render chapters as parallel worker processes, in storyboard order, with progress and a render cache.

Layout under ``media``: ``render/<quality>/<slug>.{mp4,srt,wav}`` are finished chapter renders (moved
into place only when complete), ``render/work/<slug>/`` is the chapter's own Manim media dir (TeX and
voice caches; no sharing, so parallel workers never race), ``render/logs/<slug>.log`` the worker's output
and ``render/manifest.json`` the cache keys of the finished renders. A story other than the shipped one keeps
all of these in ``render/<story-slug>/`` instead (:func:`render_root`), so two stories never overwrite each other.

Workers lead their own process group (with their LaTeX and ffmpeg children) and die with the run: however it
ends (an error, Ctrl-C, SIGTERM, SIGHUP, or a SIGKILL that leaves no time to clean up) no worker outlives it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mathcore.story import SHIPPED_STORY, STORY_ENV
from production.config import ROOT
from production.probe import frame_count_and_rate
from production.quality import PRESETS, Quality
from production.rendering import cache
from production.rendering.jobs import ChapterJob
from scenes.voice import check_voice

THEMES = ("dark", "light")
_LOG_TAIL = 25
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: Names media/render/ already uses for the shipped story: a story slug never takes one (it gets "story-").
_RESERVED_SLUGS = frozenset({"work", "logs", "test", *PRESETS})


def active_story() -> Path:
    """The story file a render tells: ``MLE2MAP_STORY`` (relative to the current folder), else the shipped one."""
    named = os.environ.get(STORY_ENV, "").strip()
    return Path(named).expanduser().resolve() if named else (ROOT / SHIPPED_STORY).resolve()


def story_slug(story: str | os.PathLike[str]) -> str:
    """'' for the shipped story (its media keep their paths), else the name its media live under: the story's
    folder for a ``story.toml`` (examples/hours-studied/story.toml -> hours-studied), else the file's stem."""
    path = Path(story).resolve()
    if path == (ROOT / SHIPPED_STORY).resolve():
        return ""
    name = path.parent.name if path.name == "story.toml" else path.stem
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "story"
    return f"story-{slug}" if slug in _RESERVED_SLUGS else slug


@contextlib.contextmanager
def story_environment(story: str | os.PathLike[str] | None) -> Iterator[None]:
    """``MLE2MAP_STORY`` set to ``story``'s absolute path for the block (None: unchanged), as this process's story
    checks and cache keys read it (mathcore/story.py, production/rendering/reach.py)."""
    if story is None:
        yield
        return
    before = os.environ.get(STORY_ENV)
    os.environ[STORY_ENV] = str(Path(story).expanduser().resolve())
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(STORY_ENV, None)
        else:
            os.environ[STORY_ENV] = before


@dataclass(frozen=True)
class RenderSettings:
    """Everything outside the sources that changes the frames or the sound."""

    quality: Quality
    voice: str = "piper"
    theme: str = "dark"
    voice_model: str = ""  # a Piper .onnx; '' = the bundled en_US joe voice
    #: The story file's absolute path; '' = the active story when the settings are made (:func:`active_story`).
    story: str = ""

    def __post_init__(self) -> None:
        check_voice(self.voice, self.voice_model)
        if self.theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {self.theme!r}")
        if not isinstance(self.story, str | os.PathLike):
            raise ValueError(f"story must be a story file path, got {self.story!r}")
        story = Path(self.story).expanduser().resolve() if str(self.story).strip() else active_story()
        object.__setattr__(self, "story", str(story))

    @property
    def story_slug(self) -> str:
        """'' for the shipped story, else the folder name its renders and packages use (:func:`story_slug`)."""
        return story_slug(self.story)

    def env(self) -> dict[str, str]:
        """The workers' environment: voice, theme, voice model and, for a story other than the shipped one,
        ``MLE2MAP_STORY`` (its absolute path)."""
        env = {"MLE2MAP_VOICE": self.voice, "MLE2MAP_THEME": self.theme, "MLE2MAP_VOICE_MODEL": self.voice_model}
        return {**env, STORY_ENV: self.story} if self.story_slug else env

    def key_payload(self) -> dict[str, object]:
        q = self.quality
        payload: dict[str, object] = {"size": [q.width, q.height], "fps": q.fps, "voice": self.voice,
                                      "theme": self.theme}
        if self.story_slug:  # the shipped story's keys stay as they were
            story = Path(self.story)
            payload["story"] = str(story.relative_to(ROOT) if story.is_relative_to(ROOT) else story)
        if self.voice == "piper":
            from scenes.piper_voice import model_digest, resolve_model

            payload["voice_model"] = model_digest(resolve_model(self.voice_model)[0])
        return payload


@dataclass
class ChapterRender:
    """A finished chapter video (and its subtitles and sound, when it has them)."""

    job: ChapterJob
    key: str
    video: Path
    srt: Path | None
    wav: Path | None
    frames: int
    fps: float
    render_seconds: float
    cached: bool

    @property
    def duration(self) -> float:
        return self.frames / self.fps


class RenderError(RuntimeError):
    """A chapter failed: carries its name and the end of its log."""

    def __init__(self, job: ChapterJob, detail: str) -> None:
        super().__init__(f"chapter {job.name} ({job.scene}) failed:\n{detail}")
        self.job = job


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP asked the run to stop: it unwinds like Ctrl-C, stopping workers on the way."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def stop_signal(exc: KeyboardInterrupt) -> signal.Signals:
    """The signal that stopped the run: SIGTERM or SIGHUP for :class:`Stopped`, else SIGINT (Ctrl-C)."""
    return signal.Signals(getattr(exc, "signum", signal.SIGINT))


def _raise_stopped(signum: int, frame: object) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Stopped` for the duration (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise_stopped) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP until the block is done (starting a worker, moving files, stopping).

    Processes started meanwhile inherit the block: the worker lifts it first thing.
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _exited(proc: subprocess.Popen) -> bool:
    """Whether the process ended, without reaping it: until reaped, its pid (its group's id) cannot be reused."""
    if proc.returncode is not None:
        return True
    try:
        return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    """Signal the worker's whole process group (it and its children), unless it was reaped already."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signum)


def _wait_group_gone(pgid: int, timeout: float = 2.0) -> None:
    """Wait until no process of group ``pgid`` is left: after SIGKILL, the worker's children (LaTeX, a voice
    child) may outlive the reaped worker by a moment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.02)


def _remove_tree(path: Path, attempts: int = 5) -> None:
    """``shutil.rmtree`` that tries again while the folder still exists (a file appearing in it meanwhile makes
    one pass fail on a non-empty folder)."""
    for _ in range(attempts):
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            return
        time.sleep(0.05)


def _end_group(run: _Running) -> None:
    """Kill what is left of the worker's process group, reap the worker, close its log and wait for the rest of
    the group, so nothing writes into the worker's folder once this returns."""
    _signal_group(run.proc, signal.SIGKILL)
    run.proc.wait()
    run.log_handle.close()
    _wait_group_gone(run.proc.pid)


@dataclass
class _Running:
    job: ChapterJob
    key: str
    proc: subprocess.Popen
    tmp: Path
    log: Path
    started: float
    expected: float | None
    progress_file: Path
    seconds: float = 0.0
    log_handle: object = field(default=None, repr=False)


def _tail(path: Path, lines: int = _LOG_TAIL) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def default_jobs(n: int) -> int:
    if n < 0:
        raise ValueError(f"jobs (-j) must be >= 0 (0 = all cores), got {n}")
    return n or os.cpu_count() or 1


def fmt_clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


def _narration_estimate(job: ChapterJob) -> float | None:
    if job.narration is None or not job.narration.is_file():
        return None
    try:
        from scenes.narration import estimated_duration, load_script
        return sum(estimated_duration(t) + 1.0 for t in load_script(job.narration.stem).values())
    except (ImportError, ValueError):
        return None


def render_root(media: Path, settings: RenderSettings) -> Path:
    """Where the chapter renders, work dirs, logs and manifest of ``settings``' story live: ``media/render`` for the
    shipped story, ``media/render/<story-slug>`` for another."""
    return media / "render" / settings.story_slug if settings.story_slug else media / "render"


class Renderer:
    """Renders jobs into ``media/render`` with at most ``jobs`` workers at a time."""

    #: Seconds a stopped worker gets to exit on SIGTERM before its process group is SIGKILLed.
    stop_grace = 5.0

    def __init__(self, settings: RenderSettings, media: Path, jobs: int = 0,
                 out: Callable[[str], None] = print, force: bool = False, shared: list[Path] | None = None) -> None:
        self.settings, self.media, self.jobs, self.out, self.force = settings, media, default_jobs(jobs), out, force
        self.shared = shared
        self.root = render_root(media, settings)
        self.final_dir = self.root / settings.quality.name
        self.manifest_path = self.root / "manifest.json"
        self.tty = sys.stdout.isatty()
        self._last_line = 0.0

    def _entry_key(self, job: ChapterJob) -> str:
        return cache.entry_name(self.settings.quality.name, job.slug)

    def _warn(self, message: str) -> None:
        self._clear_status()
        self.out(f"  ! {message}")

    def _cached(self, job: ChapterJob, key: str, entries: Mapping[str, cache.ManifestEntry]) -> ChapterRender | None:
        entry = entries.get(self._entry_key(job))
        if self.force or entry is None or entry.key != key:
            return None
        video = self.final_dir / f"{job.slug}.mp4"
        if not video.is_file() or video.stat().st_size != entry.size:
            return None
        srt, wav = video.with_suffix(".srt"), video.with_suffix(".wav")
        if entry.sound and not wav.is_file():
            return None
        return ChapterRender(job, key, video, srt if srt.is_file() else None, wav if entry.sound else None,
                             entry.frames, entry.fps, entry.render_seconds, cached=True)

    def _expected(self, job: ChapterJob, entries: Mapping[str, cache.ManifestEntry]) -> float | None:
        previous = [e.duration for k, e in entries.items() if k.endswith(f"/{job.slug}")]
        return max(previous) if previous else _narration_estimate(job)

    def _schedule_costs(self, jobs: list[ChapterJob], entries: Mapping[str, cache.ManifestEntry]) -> list[float]:
        """Sort keys for longest-first scheduling, so the slowest chapter never starts last: the previous render
        times at this quality when every job has one, else the expected video lengths."""
        found = [entries.get(self._entry_key(j)) for j in jobs]
        times = [e.render_seconds if e is not None else None for e in found]
        if all(times):
            return [float(t) for t in times]
        return [self._expected(j, entries) or 0.0 for j in jobs]

    def _command(self, job: ChapterJob, tmp: Path, work: Path, progress: Path) -> list[str]:
        q = self.settings.quality
        return [sys.executable, "-m", "production.rendering.worker", "--module", job.module, "--scene", job.scene,
                "--out", str(tmp), "--name", job.slug, "--media-dir", str(work), "--width", str(q.width),
                "--height", str(q.height), "--fps", str(q.fps), "--progress", str(progress),
                "--parent", str(os.getpid())]

    def _start(self, job: ChapterJob, key: str, expected: float | None) -> _Running:
        q = self.settings.quality
        work = self.root / "work" / job.slug
        tmp = work / f"tmp-{os.getpid()}-{q.name}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        log = self.root / "logs" / f"{job.slug}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        handle = log.open("w", encoding="utf-8")
        progress = tmp / "progress.json"
        env = {**os.environ, **self.settings.env(), "PYTHONUNBUFFERED": "1"}
        if not self.settings.story_slug:
            env.pop(STORY_ENV, None)  # the shipped story, whatever this process's environment names
        proc = subprocess.Popen(self._command(job, tmp, work, progress), cwd=ROOT, env=env, stdout=handle,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        return _Running(job, key, proc, tmp, log, time.monotonic(), expected, progress, log_handle=handle)

    def _finish(self, run: _Running) -> ChapterRender:
        try:
            return self._commit(run)
        finally:
            _remove_tree(run.tmp)

    def _commit(self, run: _Running) -> ChapterRender:
        """Move the finished files into place and record them, under the manifest lock: of two runs finishing
        the same chapter, the last one's video, subtitles, sound and entry win together."""
        job, tmp = run.job, run.tmp
        result_file = tmp / "result.json"
        video = tmp / f"{job.slug}.mp4"
        if not result_file.is_file() or not video.is_file():
            raise RenderError(job, f"the worker ended without a finished video; see {run.log}")
        result = json.loads(result_file.read_text(encoding="utf-8"))
        frames, rate = frame_count_and_rate(video)
        elapsed = time.monotonic() - run.started
        entry = cache.ManifestEntry(run.key, frames, float(rate), video.stat().st_size, bool(result.get("sound")),
                                    round(elapsed, 2), time.time(), dict(result.get("stages") or {}))
        self.final_dir.mkdir(parents=True, exist_ok=True)
        target = self.final_dir / f"{job.slug}.mp4"
        with _signals_deferred(), cache.locked_manifest(self.manifest_path, self._warn) as manifest:
            for suffix in (".srt", ".wav"):
                src, dst = video.with_suffix(suffix), target.with_suffix(suffix)
                if src.is_file():
                    os.replace(src, dst)
                else:
                    dst.unlink(missing_ok=True)
            os.replace(video, target)
            manifest.record(self.settings.quality.name, job.slug, entry)
        srt, wav = target.with_suffix(".srt"), target.with_suffix(".wav")
        return ChapterRender(job, run.key, target, srt if srt.is_file() else None, wav if entry.sound else None,
                             frames, float(rate), elapsed, cached=False)

    def _poll_progress(self, run: _Running) -> None:
        try:
            run.seconds = float(json.loads(run.progress_file.read_text(encoding="utf-8"))["seconds"])
        except (OSError, ValueError, KeyError):
            pass

    def _status(self, running: list[_Running], done: int, total: int) -> None:
        now = time.monotonic()
        fps = self.settings.quality.fps
        parts = []
        for run in running:
            frames = int(run.seconds * fps)
            text = f"{run.job.slug} {frames}"
            if run.expected:
                text += f"/{int(run.expected * fps)}f"
                elapsed = now - run.started
                if run.seconds > 0.5:
                    left = elapsed * max(0.0, run.expected - run.seconds) / run.seconds
                    text += f" ~{fmt_clock(left)} left"
            else:
                text += "f"
            parts.append(text)
        line = f"[{done}/{total} done] " + " | ".join(parts)
        if self.tty:
            width = shutil.get_terminal_size((120, 20)).columns
            sys.stdout.write("\r\033[K" + line[: width - 1])
            sys.stdout.flush()
        elif now - self._last_line > 15:
            self._last_line = now
            self.out(line)

    def _clear_status(self) -> None:
        if self.tty:
            sys.stdout.write("\r\033[K")
            sys.stdout.flush()

    def _stop(self, running: list[_Running]) -> None:
        """End the workers and their children: SIGTERM to each group, then SIGKILL to whatever is left."""
        with _signals_deferred():
            for run in running:
                _signal_group(run.proc, signal.SIGTERM)
            deadline = time.monotonic() + self.stop_grace
            for run in running:
                while not _exited(run.proc) and time.monotonic() < deadline:
                    time.sleep(0.05)
                _end_group(run)
                _remove_tree(run.tmp)

    def _clean_stale(self) -> None:
        """Remove temporary render dirs left by runs that were killed (their process is gone)."""
        for tmp in (self.root / "work").glob("*/tmp-*"):
            pid = tmp.name.split("-")[1]
            if pid.isdigit() and int(pid) != os.getpid() and not Path(f"/proc/{pid}").exists():
                shutil.rmtree(tmp, ignore_errors=True)

    def render(self, jobs: list[ChapterJob]) -> list[ChapterRender]:
        """Render (or take from the cache) every job; results come back in the order of ``jobs``."""
        self._clean_stale()
        settings = self.settings.key_payload()
        with story_environment(self.settings.story):  # the story values the keys take are this story's
            keys = [cache.chapter_key(job, settings, self.shared) for job in jobs]
        results: dict[str, ChapterRender] = {}
        pending: list[tuple[ChapterJob, str]] = []
        with cache.locked_manifest(self.manifest_path, self._warn) as manifest:  # no commit half-seen
            entries = manifest.chapters
            hits = [self._cached(job, key, entries) for job, key in zip(jobs, keys, strict=True)]
        for job, key, hit in zip(jobs, keys, hits, strict=True):
            if hit is not None:
                results[job.slug] = hit
                self.out(f"  = {job.name:<26} unchanged, cached ({fmt_clock(hit.duration)})")
            else:
                pending.append((job, key))
        costs = self._schedule_costs([job for job, _ in pending], entries)
        pending = [item for _, item in sorted(zip(costs, pending, strict=True), key=lambda pair: -pair[0])]
        running: list[_Running] = []
        try:
            while pending or running:
                while pending and len(running) < self.jobs:
                    job, key = pending.pop(0)
                    with _signals_deferred():  # a signal now would leave a worker nobody stops
                        running.append(self._start(job, key, self._expected(job, entries)))
                time.sleep(0.25)
                for run in list(running):
                    self._poll_progress(run)
                    if not _exited(run.proc):
                        continue
                    _end_group(run)  # children the worker left behind
                    running.remove(run)
                    if run.proc.returncode != 0:
                        self._clear_status()
                        tail = _tail(run.log)
                        _remove_tree(run.tmp)
                        raise RenderError(run.job, f"exit code {run.proc.returncode}; last lines of {run.log}:\n{tail}")
                    done = self._finish(run)
                    results[run.job.slug] = done
                    self._clear_status()
                    self.out(f"  + {run.job.name:<26} rendered {fmt_clock(done.duration)} of video "
                             f"in {fmt_clock(done.render_seconds)}")
                if running:
                    self._status(running, len(results), len(jobs))
        except BaseException:
            self._clear_status()
            self._stop(running)
            raise
        return [results[job.slug] for job in jobs]


def summary_table(renders: list[ChapterRender]) -> str:
    """Plain-text table: chapter, duration, render time, whether it came from the cache."""
    rows = [("#", "chapter", "duration", "render", "source")]
    for r in renders:
        rows.append((str(r.job.number), r.job.slug, fmt_clock(r.duration),
                     "-" if r.cached else fmt_clock(r.render_seconds), "cache" if r.cached else "rendered"))
    total = sum(r.duration for r in renders)
    spent = sum(r.render_seconds for r in renders if not r.cached)
    rows.append(("", "total", fmt_clock(total), fmt_clock(spent), ""))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
