"""Render cache: a key per chapter from everything that shapes its frames, and the manifest in media/."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
import tomllib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from production.config import ROOT
from production.jobs import ChapterJob

#: Bump when the worker or the way chapters are rendered changes in a way the files below do not show.
RENDER_FORMAT = 1
_DISTRIBUTIONS = ("manim", "manim-voiceover", "numpy", "av", "pycairo", "ManimPango", "pydub", "srt", "scipy")
_PROJECT_PACKAGES = ("scenes", "mathcore", "tests")


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
    """Files every chapter depends on: scenes/ modules that are not chapters, narration parser, mathcore."""
    scenes = [p for p in (ROOT / "scenes").rglob("*.py") if not p.name.startswith("ch")]
    mathcore = list((ROOT / "mathcore").rglob("*.py"))
    extra = [ROOT / "manim.cfg", ROOT / "production" / "worker.py"]
    return sorted(p for p in [*scenes, *mathcore, *extra] if p.is_file())


def _module_file(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_sources(source: Path) -> set[Path]:
    """Project files that ``source`` imports, directly or through other project modules (e.g. a sibling chapter)."""
    seen: set[Path] = set()
    todo = [source]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if name.split(".")[0] in _PROJECT_PACKAGES:
                    found = _module_file(name)
                    if found is not None and found not in seen:
                        todo.append(found)
    return seen


def _digest_files(h: hashlib._Hash, files: Iterable[Path]) -> None:
    for path in sorted(set(files)):
        h.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")


def chapter_key(job: ChapterJob, settings: dict[str, object], shared: Iterable[Path] | None = None) -> str:
    """Hash of the chapter's module (and what it imports), shared modules, narration, settings and versions.

    ``shared`` replaces the default shared files (tests pin it so edits elsewhere cannot change their keys).
    """
    h = hashlib.sha256()
    h.update(json.dumps({"format": RENDER_FORMAT, "scene": job.scene, "module": job.module, "settings": settings,
                         "versions": pinned_versions()}, sort_keys=True).encode())
    files = {*(shared_sources() if shared is None else shared), *imported_sources(job.source)}
    if job.narration is not None and job.narration.is_file():
        files.add(job.narration)
    _digest_files(h, files)
    return h.hexdigest()


def digest(payload: object) -> str:
    """Stable hash of a JSON-serialisable payload (used for the assembly and thumbnail keys)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def load_manifest(path: Path) -> dict[str, dict]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def save_manifest(path: Path, data: dict[str, dict]) -> None:
    """Write the manifest atomically (temporary name, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
