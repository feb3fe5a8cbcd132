"""Child processes that never outlive the work that started them.

Every child the pipeline starts (ffmpeg, ffprobe, a still render, manim-slides, npm) goes through :func:`run`
or :func:`popen`. Linux kills the child when its parent dies, even by SIGKILL (``PR_SET_PDEATHSIG``), and a
child still running when the call is left by an exception (Ctrl-C, SIGTERM or SIGHUP raised as
``render.Stopped``, an error) is killed and reaped before the exception goes on. When a :func:`thread_pool`
block is left by an exception, the children its threads started are killed too, instead of being waited for.

The death signal comes when the *thread* that started the child ends, so a child must be started by the thread
that waits for it, as these helpers do (the main thread, or a pool thread inside its task).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
_forker = os.getpid()  # in a forked child: the pid of the process that forked it


def _before_fork() -> None:
    global _forker
    _forker = os.getpid()


os.register_at_fork(before=_before_fork)


class Stopping(RuntimeError):
    """A thread of a pool that is being stopped tried to start another child."""


def set_death_signal(signum: int) -> None:
    """Have Linux send ``signum`` to this process when the thread that started it ends (elsewhere a no-op)."""
    if _prctl is not None and _prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl(PR_SET_PDEATHSIG): {os.strerror(err)}")


def die_with_parent() -> None:
    """``preexec_fn`` of a child that must die with this process: SIGKILL when it dies, and at once if it died
    before that was set (the child was already handed to another parent)."""
    set_death_signal(signal.SIGKILL)
    if os.getppid() != _forker:
        os.kill(os.getpid(), signal.SIGKILL)


class _Scope:
    """The live children of one pool's threads (and of pools inside them)."""

    def __init__(self, parent: _Scope | None) -> None:
        self.parent = parent
        self.children: set[subprocess.Popen] = set()
        self.stopping = False

    def chain(self) -> Iterator[_Scope]:
        scope: _Scope | None = self
        while scope is not None:
            yield scope
            scope = scope.parent


_lock = threading.Lock()
_local = threading.local()


def _scopes() -> list[_Scope]:
    scope = getattr(_local, "scope", None)
    return list(scope.chain()) if scope is not None else []


@contextlib.contextmanager
def popen(cmd: Sequence[str | Path], **kwargs: object) -> Iterator[subprocess.Popen]:
    """``subprocess.Popen(cmd, **kwargs)`` for the block: the child dies with this process, and if it still runs
    when the block ends (an exception, or a caller that stopped early) it is killed; it is always reaped."""
    scopes = _scopes()
    with _lock:
        if any(scope.stopping for scope in scopes):
            raise Stopping(f"not starting {cmd[0]}: the work it belongs to is being stopped")
        proc = subprocess.Popen(cmd, preexec_fn=die_with_parent, **kwargs)
        for scope in scopes:
            scope.children.add(proc)
    try:
        yield proc
    finally:
        try:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        finally:
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            with _lock:
                for scope in scopes:
                    scope.children.discard(proc)


def run(cmd: Sequence[str | Path], *, check: bool = False, capture_output: bool = False,
        input: str | bytes | None = None, timeout: float | None = None,
        **kwargs: object) -> subprocess.CompletedProcess:
    """:func:`subprocess.run` through :func:`popen` (same arguments and result)."""
    if capture_output:
        kwargs["stdout"] = kwargs["stderr"] = subprocess.PIPE
    if input is not None:
        kwargs["stdin"] = subprocess.PIPE
    with popen(cmd, **kwargs) as proc:
        stdout, stderr = proc.communicate(input, timeout=timeout)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    if check:
        result.check_returncode()
    return result


def _enter(scope: _Scope) -> None:
    _local.scope = scope


@contextlib.contextmanager
def thread_pool(workers: int) -> Iterator[ThreadPoolExecutor]:
    """A ``ThreadPoolExecutor`` for the block. Left by an exception, the block first kills the children the pool's
    threads started (they start no new ones), drops queued tasks and joins the threads, then lets it go on."""
    scope = _Scope(getattr(_local, "scope", None))
    pool = ThreadPoolExecutor(max_workers=workers, initializer=_enter, initargs=(scope,))
    try:
        yield pool
    except BaseException:
        with _lock:
            scope.stopping = True
            for proc in scope.children:
                proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
