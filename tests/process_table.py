"""The process table as tests see it (/proc): which processes run, in which group, started by whom."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path


def _fields(pid: int | str) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name: state, parent, process group, ..."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie nobody reaps yet does not count)."""
    try:
        return _fields(pid)[0] != "Z"
    except OSError:
        return False


def processes() -> Iterator[tuple[int, int, str]]:
    """(pid, process group, command line) of every live process."""
    for pid, _, group, cmdline in _table():
        yield pid, group, cmdline


def _table() -> Iterator[tuple[int, int, int, str]]:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = _fields(entry.name)
        except OSError:
            continue
        if fields[0] != "Z":
            yield int(entry.name), int(fields[1]), int(fields[3]), cmdline


def group(pgid: int) -> list[int]:
    return [pid for pid, grp, _ in processes() if grp == pgid]


def children(parent: int, name: str = "") -> list[int]:
    """Pids of the live children of ``parent`` whose command line contains ``name``."""
    return [pid for pid, ppid, _, cmdline in _table() if ppid == parent and name in cmdline]


def wait_for(condition: Callable[[], object], timeout: float, step: float = 0.02) -> object:
    """Poll ``condition`` until it is truthy or ``timeout`` seconds pass; its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(step)
    return condition()
