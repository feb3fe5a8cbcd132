"""Render cache: a key per chapter from everything that shapes its frames, and the manifest in media/.

``media/render/manifest.json`` (a :class:`Manifest`) maps ``<quality>/<slug>`` to a :class:`ManifestEntry` (and
``final/...`` to the assembly's own entries). Every change goes through :func:`locked_manifest`: an ``flock`` on
``manifest.json.lock``, a fresh read, an atomic write. A damaged file or entry is set aside as
``manifest.json.bad-<timestamp>`` and reported, and the chapters it covered render again.
"""

from __future__ import annotations

import dataclasses
import fcntl
import functools
import hashlib
import json
import math
import os
import shutil
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from production.config import ROOT
from production.rendering import reach
from production.rendering.jobs import ChapterJob

#: Bump when the worker or the way chapters are rendered changes in a way the files below do not show.
RENDER_FORMAT = 2  # 2: keys cover only the mathcore code a chapter reaches (production/rendering/reach.py)
_DISTRIBUTIONS = ("manim", "manim-voiceover", "numpy", "av", "pycairo", "ManimPango", "pydub", "srt", "scipy")


def pinned_versions() -> dict[str, str]:
    """Installed versions of the packages that draw frames, plus the pins in pyproject.toml."""
    versions = {"python": sys.version.split()[0]}
    for name in _DISTRIBUTIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    versions["pins"] = ";".join(pyproject["project"]["dependencies"])
    return versions


def shared_sources() -> list[Path]:
    """Every file any scene may depend on: scenes/ modules that are not chapters, all of mathcore, the active story's
    files, manim.cfg, the worker and production/quality.py (the thumbnail's key; a chapter's key takes only what it
    reaches)."""
    scenes = [p for p in (ROOT / "scenes").rglob("*.py") if not p.name.startswith("ch")]
    mathcore = list((ROOT / "mathcore").rglob("*.py"))
    extra = [ROOT / "manim.cfg", ROOT / "production" / "rendering" / "worker.py", ROOT / "production" / "quality.py"]
    return sorted(p for p in [*scenes, *mathcore, *reach.story_files(ROOT), *extra] if p.is_file())


def imported_sources(source: Path, root: Path = ROOT) -> set[Path]:
    """Project files that ``source`` imports, directly or through other project modules (e.g. a sibling chapter):
    the mathcore modules it loads and the other modules it reads whole (production/rendering/reach.py)."""
    found = reach.chapter_reach(source, root)
    return {*found.files, *(module.path for module in found.loaded.values())}


def _digest_files(h: hashlib._Hash, files: Iterable[Path], root: Path = ROOT) -> None:
    for path in sorted(set(files)):
        h.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")


@functools.cache
def _versions_this_run() -> dict[str, str]:
    """:func:`pinned_versions`, looked up once per process (ten keys read the metadata 90 times, 0.1 s)."""
    return pinned_versions()


def chapter_key(job: ChapterJob, settings: dict[str, object], shared: Iterable[Path] | None = None,
                root: Path = ROOT) -> str:
    """Hash of what the chapter's render reads: its module and the project modules it imports (whole), the
    mathcore code it reaches and the story values that code reads (production/rendering/reach.py), the render base
    (manim.cfg, the worker and what it imports, production/quality.py), narration, settings and versions.

    ``shared`` replaces the render base (tests pin it so edits elsewhere cannot change their keys); ``root`` is
    the project the files are found in (tests use a copy).
    """
    h = hashlib.sha256()
    h.update(json.dumps({"format": RENDER_FORMAT, "scene": job.scene, "module": job.module, "settings": settings,
                         "versions": _versions_this_run()}, sort_keys=True).encode())
    found = reach.chapter_reach(job.source, root)
    files = {*(reach.render_base(root) if shared is None else shared), *found.files}
    if job.narration is not None and job.narration.is_file():
        files.add(job.narration)
        h.update(_filled_narration(job.narration, root))
    _digest_files(h, files, root)
    h.update(found.material())
    h.update(reach.story_material(found))
    return h.hexdigest()


def _filled_narration(narration: Path, root: Path) -> bytes:
    """The narration with the active story's values in its templates (scenes/narration), so a story value that
    only the words speak rekeys the chapter too (b"" when it does not load: every command's check stops on it)."""
    from mathcore.story import load_story
    from scenes.narration import load_script

    try:
        texts = load_script(narration.stem, narration.parent, load_story(reach.story_path(root)))
    except ValueError:
        return b""
    return json.dumps(texts, sort_keys=True).encode()


def digest(payload: object) -> str:
    """Stable hash of a JSON-serialisable payload (used for the assembly and thumbnail keys)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _is_number(value: object, minimum: float, strict: bool) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return False
    return value > minimum if strict else value >= minimum


#: Fields of a chapter entry: name -> (check, what it must be).
_FIELDS: dict[str, tuple[Callable[[object], bool], str]] = {
    "key": (lambda v: isinstance(v, str) and bool(v), "a non-empty string"),
    "frames": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0, "an integer > 0"),
    "fps": (lambda v: _is_number(v, 0, strict=True), "a number > 0"),
    "size": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "an integer >= 0"),
    "sound": (lambda v: isinstance(v, bool), "true or false"),
    "render_seconds": (lambda v: _is_number(v, 0, strict=False), "a number >= 0"),
}


@dataclass(frozen=True)
class ManifestEntry:
    """A finished chapter render as ``manifest.json`` records it under ``<quality>/<slug>``."""

    key: str
    frames: int
    fps: float
    size: int
    sound: bool
    render_seconds: float
    rendered_at: float = 0.0
    #: The worker's time per stage (production/rendering/stages.py); {} for entries written before it was recorded.
    stages: dict[str, float] = dataclasses.field(default_factory=dict, hash=False)

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    @classmethod
    def from_dict(cls, data: object) -> ManifestEntry:
        """The entry, checked; ValueError says which field is missing or wrong."""
        if not isinstance(data, dict):
            raise ValueError(f"is {type(data).__name__}, not an object")
        for name, (ok, what) in _FIELDS.items():
            if name not in data:
                raise ValueError(f"has no {name!r}")
            if not ok(data[name]):
                raise ValueError(f"{name} must be {what}, got {data[name]!r}")
        rendered_at = data.get("rendered_at", 0.0)
        stages = data.get("stages", {})
        stages = {k: float(v) for k, v in stages.items() if _is_number(v, 0, False)} if isinstance(stages, dict) else {}
        return cls(data["key"], data["frames"], float(data["fps"]), data["size"], data["sound"],
                   float(data["render_seconds"]), float(rendered_at) if _is_number(rendered_at, 0, False) else 0.0,
                   stages)

    def to_dict(self) -> dict[str, object]:
        """The JSON object; ``rendered_at`` and ``stages`` are left out at their defaults, as entries written before
        they were recorded have them (such entries are written back as they were read)."""
        data = dataclasses.asdict(self)
        if not self.rendered_at:
            del data["rendered_at"]
        if not self.stages:
            del data["stages"]
        return data


def entry_name(quality: str, slug: str) -> str:
    """The manifest key of a chapter render: ``<quality>/<slug>``."""
    return f"{quality}/{slug}"


def is_chapter_entry(name: str) -> bool:
    """Chapter renders are ``<quality>/<slug>``; ``final/...`` entries belong to the assembly."""
    return not name.startswith("final/")


@dataclass
class Manifest:
    """``manifest.json``: the chapter renders under :func:`entry_name`, and the ``final/...`` entries earlier
    assemblies wrote (kept as they are: objects, otherwise unchecked)."""

    chapters: dict[str, ManifestEntry] = dataclasses.field(default_factory=dict)
    assembly: dict[str, dict[str, object]] = dataclasses.field(default_factory=dict)

    def entry(self, quality: str, slug: str) -> ManifestEntry | None:
        """The render of ``slug`` at ``quality``, if one is recorded."""
        return self.chapters.get(entry_name(quality, slug))

    def record(self, quality: str, slug: str, entry: ManifestEntry) -> None:
        """Set the render of ``slug`` at ``quality``."""
        self.chapters[entry_name(quality, slug)] = entry

    def at_quality(self, quality: str) -> dict[str, ManifestEntry]:
        """The chapter renders at ``quality``, by slug."""
        return {name.partition("/")[2]: entry for name, entry in self.chapters.items()
                if name.partition("/")[0] == quality}

    def to_dict(self) -> dict[str, dict]:
        """The JSON object of ``manifest.json``."""
        return {**{name: entry.to_dict() for name, entry in self.chapters.items()}, **self.assembly}

    @classmethod
    def checked(cls, data: object) -> tuple[Manifest, list[str]]:
        """The valid entries of a parsed ``manifest.json``, and a line per entry left out and why; ValueError
        when ``data`` is not an object."""
        if not isinstance(data, dict):
            raise ValueError(f"a JSON {type(data).__name__}, not an object")
        manifest, dropped = cls(), []
        for name, entry in data.items():
            try:
                if is_chapter_entry(name):
                    manifest.chapters[name] = ManifestEntry.from_dict(entry)
                elif isinstance(entry, dict):
                    manifest.assembly[name] = entry
                else:
                    raise ValueError(f"is {type(entry).__name__}, not an object")
            except ValueError as exc:
                dropped.append(f"entry {name!r} {exc}")
        return manifest, dropped

    @classmethod
    def from_file(cls, path: Path, warn: Callable[[str], None] | None = None) -> Manifest:
        """The valid entries of ``path`` (empty when there is none), read under the lock; a damaged file or entry
        is set aside as ``manifest.json.bad-<timestamp>`` and reported through ``warn`` (stderr by default)."""
        if not path.is_file():
            return cls()
        with _locked(path):
            return _read_checked(path, warn or _warn)

    def to_file(self, path: Path) -> None:
        """Replace ``path`` with this manifest atomically, under the lock (prefer :func:`locked_manifest`, which
        keeps the entries other runs wrote meanwhile; never call this inside its block: the lock is not shared)."""
        with _locked(path):
            _write_atomic(path, self.to_dict())


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _lock_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.lock")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Exclusive ``flock`` on ``<manifest>.lock`` (kept, never deleted: deleting lock files races)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for stale in path.parent.glob(f".{path.name}.*.tmp"):
            stale.unlink(missing_ok=True)  # every writer holds the lock, so these are from killed writers
        yield
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: dict[str, dict]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(data, indent=2, sort_keys=True))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _set_aside(path: Path, copy: bool) -> Path:
    """Keep a bad manifest as ``manifest.json.bad-<timestamp>`` (moved, or copied when a cleaned one replaces it)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    bad = path.with_name(f"{path.name}.bad-{stamp}")
    n = 1
    while bad.exists():
        n += 1
        bad = path.with_name(f"{path.name}.bad-{stamp}-{n}")
    if copy:
        shutil.copy2(path, bad)
    else:
        os.replace(path, bad)
    return bad


def _read_checked(path: Path, warn: Callable[[str], None]) -> Manifest:
    """The manifest with only valid entries; a bad file or entry is set aside and reported (call under the lock)."""
    if not path.is_file():
        return Manifest()
    try:
        manifest, dropped = Manifest.checked(json.loads(path.read_bytes().decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problem = f"not valid JSON ({exc})"
    except ValueError as exc:
        problem = str(exc)
    else:
        if dropped:
            bad = _set_aside(path, copy=True)
            _write_atomic(path, manifest.to_dict())
            for line in dropped:
                warn(f"{path}: {line}; dropped (original kept as {bad.name}), it will render again")
        return manifest
    bad = _set_aside(path, copy=False)
    warn(f"{path}: {problem}; set aside as {bad.name}, its chapters will render again")
    return Manifest()


@contextmanager
def locked_manifest(path: Path, warn: Callable[[str], None] | None = None) -> Iterator[Manifest]:
    """The manifest, re-read and checked under an exclusive lock, written back atomically if the block changed it.

    Concurrent runs update it only this way (read-modify-write under the lock), so none loses another's entries.
    """
    with _locked(path):
        manifest = _read_checked(path, warn or _warn)
        before = manifest.to_dict()
        yield manifest
        after = manifest.to_dict()
        if after != before:
            _write_atomic(path, after)


def update_manifest(path: Path, changes: Mapping[str, ManifestEntry],
                    warn: Callable[[str], None] | None = None) -> None:
    """Set the chapter entries in ``changes`` (by :func:`entry_name`), keeping every other entry as on disk now."""
    with locked_manifest(path, warn) as manifest:
        manifest.chapters.update(changes)
