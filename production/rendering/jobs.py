"""What to render: the storyboard's chapters as render jobs, and which of them exist yet."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from production.config import ROOT, display_path


@dataclass(frozen=True)
class ChapterJob:
    """One chapter to render: the scene class ``scene`` in module ``module`` (file ``source``)."""

    number: int
    slug: str
    scene: str
    title: str
    module: str
    source: Path
    narration: Path | None = None

    @property
    def name(self) -> str:
        return f"{self.number:02d} {self.slug}"


@dataclass(frozen=True)
class Missing:
    slug: str
    reason: str


def from_chapters(chapters: Iterable[object]) -> list[ChapterJob]:
    """Jobs for ``scenes.chapters.CHAPTERS``-like records (number, slug, scene, title, path, module)."""
    jobs = []
    for ch in chapters:
        narration = ROOT / "scenes" / "narration" / f"{ch.slug}.md"
        jobs.append(ChapterJob(ch.number, ch.slug, ch.scene, ch.title, ch.module, Path(ch.path), narration))
    return jobs


def defines_class(source: Path, name: str) -> bool:
    """Whether ``source`` defines a top-level class ``name`` (checked without importing it)."""
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    return any(isinstance(node, ast.ClassDef) and node.name == name for node in tree.body)


def split_available(jobs: Iterable[ChapterJob]) -> tuple[list[ChapterJob], list[Missing]]:
    """Jobs whose module and scene class exist, and the reasons the others cannot be rendered."""
    ready, missing = [], []
    for job in jobs:
        if not job.source.is_file():
            missing.append(Missing(job.slug, f"module {display_path(job.source)} does not exist yet"))
        elif not defines_class(job.source, job.scene):
            missing.append(Missing(job.slug, f"{job.source.name} defines no class {job.scene}"))
        elif job.narration is not None and not job.narration.is_file():
            missing.append(Missing(job.slug, f"narration {display_path(job.narration)} does not exist yet"))
        else:
            ready.append(job)
    return ready, missing
